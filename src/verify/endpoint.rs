//! Where the live server is and how to log in: the `--url`, the password from wherever it
//! came, and the rule that the password never reaches an output. Every text that leaves this
//! module through an error goes through `Endpoint::mask` first, because connection libraries
//! and servers are free to echo what they were given.

use std::fmt;

/// What replaces a password in any text shown to a person or a machine.
pub const MASK: &str = "*****";

/// A password. It has no `Display`, and its `Debug` shows the mask, so that neither a format
/// string nor a `{:?}` in a log can print it by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for the one place that must send it: the AUTH of the connection.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

/// A Redis server to verify: `redis[s]://[user[:password]@]host:port`.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub tls: bool,
    pub host: String,
    pub port: u16,
    /// The ACL user; `None` logs in as Redis's `default` user.
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// The password as it was written in the URL (percent-encoded), masked as well.
    url_password: Option<Secret>,
}

/// A URL that cannot name a server. The message never holds the password.
#[derive(Debug, PartialEq, Eq)]
pub struct BadUrl {
    pub message: String,
    pub help: String,
}

impl Endpoint {
    /// Parse `--url`. A password in the URL is taken, but the text of any error hides it.
    pub fn parse(raw: &str) -> Result<Endpoint, BadUrl> {
        let shown = mask_userinfo(raw);
        let bad = |why: &str| {
            BadUrl {
            message: format!("`--url {shown}` {why}"),
            help: "write it as redis://host:port or rediss://host:port (TLS); the password is best passed in REDIS_PASSWORD".into(),
        }
        };
        let url = url::Url::parse(raw).map_err(|e| bad(&format!("is not a URL ({e})")))?;
        let tls = match url.scheme() {
            "redis" => false,
            "rediss" => true,
            other => {
                return Err(bad(&format!(
                    "has the scheme `{other}`, not redis or rediss"
                )));
            }
        };
        let host = match url.host() {
            Some(url::Host::Domain(d)) if !d.is_empty() => d.to_string(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            _ => return Err(bad("names no host")),
        };
        let decode = |s: &str, what: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| {
                    bad(&format!(
                        "has a {what} that is not UTF-8 after percent-decoding"
                    ))
                })
        };
        let username = match url.username() {
            "" => None,
            u => Some(decode(u, "user name")?),
        };
        let url_password = url.password().filter(|p| !p.is_empty()).map(Secret::new);
        let password = match &url_password {
            Some(p) => Some(Secret::new(decode(p.expose(), "password")?)),
            None => None,
        };
        Ok(Endpoint {
            tls,
            host,
            port: url.port().unwrap_or(6379),
            username,
            password,
            url_password,
        })
    }

    /// Use this password unless the URL carries one (the URL is the more specific source).
    pub fn or_password(mut self, password: Option<Secret>) -> Endpoint {
        if self.password.is_none() {
            self.password = password.filter(|p| !p.expose().is_empty());
        }
        self
    }

    /// The ACL user the server sees: the URL's, or Redis's `default`.
    pub fn user(&self) -> &str {
        self.username.as_deref().unwrap_or("default")
    }

    /// The URL as it may be printed: the password, if any, is the mask.
    pub fn display(&self) -> String {
        let scheme = if self.tls { "rediss" } else { "redis" };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let userinfo = match (&self.username, &self.password) {
            (Some(u), Some(_)) => format!("{u}:{MASK}@"),
            (Some(u), None) => format!("{u}@"),
            (None, Some(_)) if self.url_password.is_some() => format!(":{MASK}@"),
            _ => String::new(),
        };
        format!("{scheme}://{userinfo}{host}:{}", self.port)
    }

    /// `text` with the password replaced by the mask, in the forms it may take (as given, and
    /// percent-encoded as written in the URL).
    pub fn mask(&self, text: &str) -> String {
        let mut out = text.to_string();
        for form in [&self.password, &self.url_password].into_iter().flatten() {
            if !form.expose().is_empty() {
                out = out.replace(form.expose(), MASK);
            }
        }
        out
    }
}

/// The URL with whatever sits between `://` and `@` replaced, for errors about a URL that did
/// not parse (so its password could not be told apart from the rest).
fn mask_userinfo(raw: &str) -> String {
    let Some((scheme, rest)) = raw.split_once("://") else {
        return if raw.contains('@') {
            format!("{MASK}@{}", raw.rsplit('@').next().unwrap_or(""))
        } else {
            raw.to_string()
        };
    };
    match rest.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            if userinfo.contains(':') {
                format!("{scheme}://{user}:{MASK}@{host}")
            } else {
                format!("{scheme}://{user}@{host}")
            }
        }
        None => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_url_with_defaults() {
        let e = Endpoint::parse("redis://127.0.0.1").unwrap();
        assert!(!e.tls);
        assert_eq!((e.host.as_str(), e.port), ("127.0.0.1", 6379));
        assert_eq!(e.user(), "default");
        assert!(e.password.is_none());
        assert_eq!(e.display(), "redis://127.0.0.1:6379");
    }

    #[test]
    fn tls_url_with_user_and_encoded_password() {
        let e = Endpoint::parse("rediss://app:p%40ss%3Aword@cache.internal:6380").unwrap();
        assert!(e.tls);
        assert_eq!(e.user(), "app");
        assert_eq!(e.password.as_ref().unwrap().expose(), "p@ss:word");
        assert_eq!(e.display(), "rediss://app:*****@cache.internal:6380");
        // Both spellings of the password are masked.
        assert_eq!(
            e.mask("auth p@ss:word failed for p%40ss%3Aword"),
            "auth ***** failed for *****"
        );
    }

    #[test]
    fn password_only_and_ipv6() {
        let e = Endpoint::parse("redis://:hunter2@[::1]:7000").unwrap();
        assert_eq!(e.username, None);
        assert_eq!(e.display(), "redis://:*****@[::1]:7000");
        assert!(!format!("{e:?}").contains("hunter2"));
    }

    #[test]
    fn url_password_wins_over_the_environment() {
        let e = Endpoint::parse("redis://:fromurl@h:1")
            .unwrap()
            .or_password(Some(Secret::new("fromenv")));
        assert_eq!(e.password.unwrap().expose(), "fromurl");
        let e = Endpoint::parse("redis://h:1")
            .unwrap()
            .or_password(Some(Secret::new("fromenv")));
        assert_eq!(e.password.as_ref().unwrap().expose(), "fromenv");
        // A password from the environment is masked, and not shown in the URL.
        assert_eq!(e.display(), "redis://h:1");
        assert_eq!(e.mask("x fromenv y"), "x ***** y");
        let e = Endpoint::parse("redis://h:1")
            .unwrap()
            .or_password(Some(Secret::new("")));
        assert!(e.password.is_none());
    }

    #[test]
    fn bad_urls_never_echo_the_password() {
        for raw in [
            "http://u:TopSecret1@h:1",
            "redis://u:TopSecret1@",
            "redis://u:TopSecret1@h:99999",
            "u:TopSecret1@h:1",
            "redis//:TopSecret1@h",
        ] {
            let e = Endpoint::parse(raw).unwrap_err();
            assert!(!e.message.contains("TopSecret1"), "{raw}: {}", e.message);
            assert!(!e.help.contains("TopSecret1"));
        }
        let e = Endpoint::parse("http://h:1").unwrap_err();
        assert!(e.message.contains("scheme `http`"), "{}", e.message);
    }

    #[test]
    fn secret_debug_is_masked() {
        assert_eq!(format!("{:?}", Secret::new("abc")), MASK);
    }
}
