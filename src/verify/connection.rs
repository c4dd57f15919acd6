//! One bounded, read-only session with the server: connect (TLS through rustls), log in, and
//! send commands whose every reply or error comes back as plain text with the password masked.
//! Failures to connect are explained for the person at the keyboard: which of address, TLS,
//! or credentials is wrong, and what to try.

use super::endpoint::Endpoint;
use redis::{ConnectionAddr, ErrorKind, IntoConnectionInfo, RedisConnectionInfo, Value};
use std::time::Duration;

/// How to reach the server, besides its address.
#[derive(Clone, Debug)]
pub struct Options {
    /// PEM of the CA that signed the server's certificate (`--tls-ca`); `None` trusts the
    /// system's roots, as managed services with public certificates need.
    pub tls_ca: Option<Vec<u8>>,
    /// Bound of the connect (TCP, TLS handshake, AUTH) and of every command.
    pub timeout: Duration,
}

/// Why there is nothing to verify (exit 2): a reason and what to do about it, both masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreachable {
    pub reason: String,
    pub help: String,
}

/// A server reply, reduced to what verify reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Ok,
    Nil,
    Int(i64),
    Text(String),
    List(Vec<Reply>),
}

impl Reply {
    fn from_value(v: Value) -> Reply {
        match v {
            Value::Nil => Reply::Nil,
            Value::Okay => Reply::Ok,
            Value::Int(i) => Reply::Int(i),
            Value::BulkString(b) => Reply::Text(String::from_utf8_lossy(&b).into_owned()),
            Value::SimpleString(s) => Reply::Text(s),
            Value::VerbatimString { text, .. } => Reply::Text(text),
            Value::Array(a) | Value::Set(a) => {
                Reply::List(a.into_iter().map(Reply::from_value).collect())
            }
            Value::Map(m) => Reply::List(
                m.into_iter()
                    .flat_map(|(k, v)| [Reply::from_value(k), Reply::from_value(v)])
                    .collect(),
            ),
            Value::Boolean(b) => Reply::Int(i64::from(b)),
            other => Reply::Text(format!("{other:?}")),
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            Reply::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// An open connection to the server under verification.
pub struct Session {
    con: redis::Connection,
    endpoint: Endpoint,
}

impl Session {
    /// Connect and log in. `spec_wants_tls` only shapes the advice when the connection fails.
    pub fn open(
        endpoint: &Endpoint,
        options: &Options,
        spec_wants_tls: bool,
    ) -> Result<Session, Unreachable> {
        // rustls needs one crypto provider for the process; only `ring` is compiled in, and a
        // second call (or one by another part of the process) is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let addr = if endpoint.tls {
            ConnectionAddr::TcpTls {
                host: endpoint.host.clone(),
                port: endpoint.port,
                insecure: false,
                tls_params: None,
            }
        } else {
            ConnectionAddr::Tcp(endpoint.host.clone(), endpoint.port)
        };
        // No CLIENT SETINFO at connect: verify changes nothing on the server, not even the
        // name of its own connection.
        let mut login = RedisConnectionInfo::default().set_skip_set_lib_name();
        if let Some(u) = &endpoint.username {
            login = login.set_username(u);
        }
        if let Some(p) = &endpoint.password {
            login = login.set_password(p.expose());
        }
        let fail = |e: redis::RedisError| classify(endpoint, options, spec_wants_tls, &e);
        let info = addr
            .into_connection_info()
            .map_err(fail)?
            .set_redis_settings(login);
        let client = match (&options.tls_ca, endpoint.tls) {
            (Some(pem), true) => redis::Client::build_with_tls(
                info,
                redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(pem.clone()),
                },
            ),
            _ => redis::Client::open(info),
        }
        .map_err(fail)?;
        let con = client
            .get_connection_with_timeout(options.timeout)
            .map_err(fail)?;
        con.set_read_timeout(Some(options.timeout)).map_err(fail)?;
        con.set_write_timeout(Some(options.timeout)).map_err(fail)?;
        let mut session = Session {
            con,
            endpoint: endpoint.clone(),
        };
        // Without a password the library sends nothing at connect, so the TLS handshake and
        // the login are first tried here, where a failure can still be explained as one.
        redis::cmd("PING")
            .query::<Value>(&mut session.con)
            .map_err(fail)?;
        Ok(session)
    }

    /// Send one command. A server error (NOPERM, unknown command, ...) comes back as its text,
    /// with the password masked.
    pub fn call(&mut self, args: &[&str]) -> Result<Reply, String> {
        let Some((name, rest)) = args.split_first() else {
            return Err("no command".into());
        };
        let mut cmd = redis::cmd(name);
        for a in rest {
            cmd.arg(*a);
        }
        cmd.query::<Value>(&mut self.con)
            .map(Reply::from_value)
            .map_err(|e| self.endpoint.mask(&error_text(&e)))
    }
}

/// The server's own words for a server error (`NOPERM ...`), else the library's.
fn error_text(e: &redis::RedisError) -> String {
    match (e.code(), e.detail()) {
        (Some(code), Some(detail)) => format!("{code} {detail}"),
        _ => e.to_string(),
    }
}

/// Turn a failure to connect into a reason and a next step.
fn classify(
    endpoint: &Endpoint,
    options: &Options,
    spec_wants_tls: bool,
    e: &redis::RedisError,
) -> Unreachable {
    let at = endpoint.display();
    let ms = options.timeout.as_millis();
    let raw = endpoint.mask(&error_text(e));
    let lower = raw.to_ascii_lowercase();
    let (reason, help) = if e.kind() == ErrorKind::AuthenticationFailed
        || lower.contains("wrongpass")
        || lower.contains("invalid password")
    {
        (
            format!(
                "{at} refused the credentials of user `{}`: the password is wrong, or the user does not exist or is disabled",
                endpoint.user()
            ),
            "check REDIS_PASSWORD (or the variable named by --password-env) and the user in --url"
                .to_string(),
        )
    } else if lower.starts_with("noauth") {
        (
            format!("{at} requires a password, and none was given"),
            "set REDIS_PASSWORD, or name the variable that holds it with --password-env"
                .to_string(),
        )
    } else if e.is_timeout() {
        (
            format!("{at} did not answer within {ms} ms"),
            if endpoint.tls {
                "a plaintext Redis does not answer a TLS handshake: try redis:// if the port is not TLS; else check the host, port and firewall, or raise --timeout-ms".to_string()
            } else {
                "check the host and port, that a firewall or security group lets this machine in, or raise --timeout-ms".to_string()
            },
        )
    } else if e.is_connection_refusal() {
        (
            format!("{at} refused the connection: nothing listens on that port"),
            "check the host and port, and that Redis is running".to_string(),
        )
    } else if lower.contains("lookup") || lower.contains("resolve") {
        (
            format!("cannot resolve the host of {at} ({raw})"),
            "check the host name in --url".to_string(),
        )
    } else if endpoint.tls && (lower.contains("certificate") || lower.contains("unknownissuer")) {
        (
            format!("the TLS certificate of {at} is not trusted ({raw})"),
            if options.tls_ca.is_some() {
                "check that --tls-ca is the CA that signed the server's certificate, and that the certificate names the host in --url".to_string()
            } else {
                "pass the CA that signed the server's certificate with --tls-ca FILE".to_string()
            },
        )
    } else if endpoint.tls {
        (
            format!("TLS with {at} failed ({raw})"),
            "the server may not serve TLS on this port: try redis:// if it is a plaintext listener"
                .to_string(),
        )
    } else {
        (
            format!("cannot talk to {at} ({raw})"),
            if spec_wants_tls {
                "the spec asks for TLS: a TLS-only server closes plaintext connections, so try rediss:// (with --tls-ca for a private CA)".to_string()
            } else {
                "check the host and port, and that it is a Redis server".to_string()
            },
        )
    };
    Unreachable {
        reason: endpoint.mask(&reason),
        help,
    }
}
