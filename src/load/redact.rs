//! Which parts of a source file hold secrets, so that no diagnostic, snippet or output ever
//! shows them. Redaction is by position, not by key name alone: loading marks, while it parses,
//! every value reached from a secret position (the settings that hold a secret reference, the
//! places a password gets pasted, keys that look secret wherever they appear, and any value with
//! a password in a URL), including through an alias (the anchor's definition is marked too) and
//! over every line of a multi-line scalar. A snippet then masks a marked line from the first
//! marked byte to its end, so a comment after a secret is never shown. For files that cannot be
//! parsed the same is found in the text: the rest of the line after such a key, the lines of its
//! value below, up to the closing quote of a multi-line quoted value. The spec's types know the
//! reference kinds from here.

/// The reference kinds: the keys of a secret reference mapping.
pub const REFERENCE_KINDS: [&str; 4] =
    ["env", "aws_secret", "azure_key_vault_secret", "gcp_secret"];

/// Settings of the spec that hold a secret reference.
pub const SECRET_FIELDS: &[&str] = &["/security/auth/password"];

/// Where a password is pasted by mistake: a scalar at one of these positions (which take a
/// mapping) is hidden like a secret (`security: { auth: hunter2 }`).
const SECRET_WHEN_SCALAR: &[&str] = &["/security", "/security/auth"];

/// Words that mark a key as holding something secret, wherever they appear in it (also under
/// keys the schema does not know, so that `requirepass: hunter2` is never echoed): the names
/// Redis, the clouds, URLs and people give to passwords, tokens and keys.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "requirepass",
    "masterauth",
    "secret",
    "token",
    "auth_string",
    "authstring",
    "access_key",
    "accesskey",
    "api_key",
    "apikey",
    "private_key",
    "privatekey",
    "credential",
    "connection_string",
    "connectionstring",
    "dsn",
];

/// Keys whose spelling is this close to `password` (one edit or transposition) are taken for a
/// mistyped one: `pasword`, `passwrod`, `passowrd`, `passwort`.
const PASSWORD_TYPO_DISTANCE: usize = 1;

pub fn is_secret_looking_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    if SECRET_WORDS.iter().any(|w| k.contains(w)) {
        return true;
    }
    // Each word of the key (`redis_passwrod`), and the whole key, against `password`.
    std::iter::once(k.as_str())
        .chain(k.split(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|w| (5..=11).contains(&w.len()))
        .any(|w| strsim::damerau_levenshtein(w, "password") <= PASSWORD_TYPO_DISTANCE)
}

/// Whether the value at `pointer` (reached through `key`) must be hidden, with everything in
/// it. `parent_secret`: the enclosing value is itself secret. The name inside a reference
/// (`env: REDIS_PASSWORD`) is not a secret and stays visible.
pub fn is_secret_value(pointer: &str, key: &str, parent_secret: bool) -> bool {
    if parent_secret {
        return !REFERENCE_KINDS.contains(&key);
    }
    SECRET_FIELDS.contains(&pointer) || is_secret_looking_key(key)
}

/// Whether a scalar (not a mapping or a list) at `pointer` must be hidden: a password pasted
/// where a mapping belongs.
pub fn is_secret_scalar_position(pointer: &str) -> bool {
    SECRET_WHEN_SCALAR.contains(&pointer)
}

/// The password of a URL's user information (`redis://user:PASSWORD@host`), as a byte range
/// of `text`: wherever it appears, whatever the key.
pub fn url_password(text: &str) -> Option<std::ops::Range<usize>> {
    let scheme_end = text.find("://")?;
    let scheme = &text[..scheme_end];
    let scheme_start = scheme
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || "+.-".contains(c)))
        .map(|i| i + 1)
        .unwrap_or(0);
    if scheme_start >= scheme_end
        || !text[scheme_start..scheme_end].starts_with(|c: char| c.is_ascii_alphabetic())
    {
        return None;
    }
    let rest_start = scheme_end + 3;
    let rest = &text[rest_start..];
    // The authority ends at the first `/`, `?`, `#` or blank; its user information at the
    // last `@` in it.
    let authority_end = rest
        .find(|c: char| "/?#".contains(c) || c.is_whitespace())
        .unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let at = authority.rfind('@')?;
    let colon = authority[..at].find(':')?;
    (colon + 1 < at).then(|| rest_start + colon + 1..rest_start + at)
}

/// Every URL password in a text (for files that cannot be parsed).
fn url_passwords(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("://") {
        let at = from + i;
        let line_start = text[..at].rfind('\n').map(|n| n + 1).unwrap_or(0);
        let line_end = text[at..].find('\n').map(|n| at + n).unwrap_or(text.len());
        // From the start of the scheme's word, so that the scheme is seen whole.
        let word_start = text[line_start..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || "+.-".contains(c)))
            .map(|j| line_start + j + 1)
            .unwrap_or(line_start);
        if let Some(r) = url_password(&text[word_start..line_end]) {
            out.push(word_start + r.start..word_start + r.end);
        }
        from = at + 3;
    }
    out
}

/// Secrets in the comments of a file that parsed: `# password: hunter2` on any line. The
/// values themselves are marked by position while parsing.
pub fn comment_redactions(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let bytes = body.as_bytes();
        let comment = body
            .char_indices()
            .find(|(i, c)| *c == '#' && (*i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t'))
            .map(|(i, _)| i);
        if let Some(c) = comment {
            let text = &body[c..];
            if let Some((_, value_at)) = secret_key_on(text) {
                out.push(start + c + value_at..start + body.len());
            }
            for r in url_passwords(text) {
                out.push(start + c + r.start..start + c + r.end);
            }
        }
        start += line.len();
    }
    out
}

/// Whether the name inside a reference (`env: NAME`) looks like a name of its kind, as the
/// schema's patterns allow. One that does not may be a value pasted in the wrong place, and
/// is hidden like a secret.
pub fn is_plausible_reference(kind: &str, name: &str) -> bool {
    let all = |ok: fn(char) -> bool| name.chars().all(ok);
    match kind {
        "env" => {
            (1..=128).contains(&name.len())
                && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        "aws_secret" => {
            (1..=2048).contains(&name.len())
                && all(|c| c.is_ascii_alphanumeric() || "/_+=.@:-".contains(c))
        }
        "azure_key_vault_secret" => {
            name.starts_with("https://")
                && name.contains("/secrets/")
                && all(|c| c.is_ascii_alphanumeric() || ".-/:".contains(c))
        }
        "gcp_secret" => {
            (1..=255).contains(&name.len())
                && all(|c| c.is_ascii_alphanumeric() || "/_.-".contains(c))
        }
        _ => false,
    }
}

/// Byte ranges of a text that may hold secrets, found without parsing: the rest of the line
/// after a secret-looking key (`password: ...`, `"api_key": ...`, `{"password":"..."`), the
/// lines below such a key that are indented deeper (a block scalar, a plain multi-line value,
/// a nested mapping), the lines up to the closing quote of a quoted value that goes on, and
/// the password of every URL. Used for files that cannot be parsed (syntax errors, bad
/// encoding), where the exact spans are unknown, so that a diagnostic's snippet never shows a
/// secret on the line of the error.
pub fn textual_redactions(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = url_passwords(text);
    // Column of a secret-looking key whose value continues on the lines below.
    let mut hide_deeper_than: Option<usize> = None;
    // The quote character of a secret quoted value still open at the end of a line.
    let mut open_quote: Option<char> = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start().len();
        let blank = body.trim().is_empty();
        if let Some(q) = open_quote {
            out.push(start..start + body.len());
            if closes(body, q) {
                open_quote = None;
            }
            start += line.len();
            continue;
        }
        if let Some(col) = hide_deeper_than {
            if blank || indent > col {
                if !blank {
                    out.push(start + indent..start + body.len());
                }
                start += line.len();
                continue;
            }
            hide_deeper_than = None;
        }
        if let Some((key_col, value_at)) = secret_key_on(body) {
            let value = body[value_at..].trim();
            hide_deeper_than = Some(key_col);
            if let Some(q) = value.chars().next().filter(|c| *c == '"' || *c == '\'')
                && !closes(&value[1..], q)
            {
                open_quote = Some(q);
            }
            if value_at < body.len() {
                out.push(start + value_at..start + body.len());
            }
        }
        start += line.len();
    }
    out
}

/// Whether `text` (inside a quoted scalar) holds the closing quote `q`: YAML doubles a single
/// quote to escape it, and escapes a double quote with a backslash.
fn closes(text: &str, q: char) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if q == '"' && c == '\\' {
            chars.next();
        } else if c == q {
            if q == '\'' && chars.peek() == Some(&'\'') {
                chars.next();
            } else {
                return true;
            }
        }
    }
    false
}

/// The first `key:` on a line whose key looks secret: the key's column and where its value
/// starts (after the colon and blanks). A quoted key (`"password":"x"`, JSON style) needs no
/// blank after the colon.
fn secret_key_on(line: &str) -> Option<(usize, usize)> {
    let bytes = line.as_bytes();
    for (i, _) in line.match_indices(':') {
        let next = bytes.get(i + 1).copied();
        let quoted_key = i > 0 && matches!(bytes[i - 1], b'"' | b'\'');
        if !quoted_key && !matches!(next, None | Some(b' ' | b'\t')) {
            continue;
        }
        let before = line[..i].trim_end().trim_end_matches(['"', '\'']);
        let key_start = before
            .rfind(|c: char| !(c.is_alphanumeric() || "_-.".contains(c)))
            .map(|j| j + before[j..].chars().next().map_or(1, char::len_utf8))
            .unwrap_or(0);
        let key = &before[key_start..];
        if !key.is_empty() && is_secret_looking_key(key) {
            let rest = &line[i + 1..];
            let value_at = i + 1 + (rest.len() - rest.trim_start().len());
            return Some((key_start, value_at));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_redactions_hide_values_of_secret_keys() {
        let text = "name: x\nsecurity:\n  auth:\n    password: hunter2 \"\n    \"api_key\": k3y, other: 1\n  token: |\n    line1\n\n    line2\nport: 1\n- secret:\n    v: deep\n";
        let masked: Vec<&str> = textual_redactions(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(
            masked,
            [
                "hunter2 \"",
                "k3y, other: 1",
                "|",
                "line1",
                "line2",
                "v: deep"
            ]
        );
        assert!(textual_redactions("name: password-service\nenvironment: x\n").is_empty());
    }

    #[test]
    fn the_names_of_passwords_tokens_and_keys_look_secret() {
        for k in [
            "requirepass",
            "masterauth",
            "pwd",
            "db_pwd",
            "passphrase",
            "dsn",
            "redis_dsn",
            "pasword",
            "passwrod",
            "passowrd",
            "passwort",
            "redis_passwrod",
            "AUTH_TOKEN",
        ] {
            assert!(is_secret_looking_key(k), "{k}");
        }
        for k in [
            "team",
            "port",
            "max_memory",
            "environment",
            "passport",
            "compass",
        ] {
            assert!(!is_secret_looking_key(k), "{k}");
        }
    }

    #[test]
    fn url_passwords_are_found_in_any_value() {
        let find = |t: &str| url_password(t).map(|r| t[r].to_string());
        assert_eq!(find("redis://:S3cr3t@h:6379/0").as_deref(), Some("S3cr3t"));
        assert_eq!(find("rediss://user:p@ss@h").as_deref(), Some("p@ss"));
        assert_eq!(find("https://h/x?u=a:b@c"), None);
        assert_eq!(find("redis://h:6379"), None);
        assert_eq!(find("redis://user@h"), None);
        let text = "a: 1\nb: x redis://u:HIDDEN@h y\n";
        let masked: Vec<&str> = textual_redactions(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(masked, ["HIDDEN"]);
    }

    #[test]
    fn comments_with_secrets_are_masked_in_files_that_parse() {
        let text = "max_memory: 1gb # password: HIDDEN1\nname: x # url redis://:HIDDEN2@h\nname: y # a comment\nkey: \"#\"\n";
        let masked: Vec<&str> = comment_redactions(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(masked, ["HIDDEN1", "HIDDEN2"]);
    }

    #[test]
    fn unparsed_text_hides_continuations_and_json_keys() {
        let text = "security:\n  auth:\n    password: \"abc\n  HIDDEN1\n   HIDDEN2\" tail\nport: 1\n{\"password\":\"HIDDEN3\"\nplain:\n  pwd: abc\n    HIDDEN4\nafter: 2\n";
        let masked: Vec<&str> = textual_redactions(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(
            masked,
            [
                "\"abc",
                "  HIDDEN1",
                "   HIDDEN2\" tail",
                "\"HIDDEN3\"",
                "abc",
                "HIDDEN4"
            ]
        );
    }

    #[test]
    fn reference_names_are_checked_by_kind() {
        assert!(is_plausible_reference("env", "REDIS_PASSWORD"));
        assert!(!is_plausible_reference("env", "hunter2 with spaces"));
        assert!(!is_plausible_reference("env", "9LIVES"));
        assert!(is_plausible_reference(
            "aws_secret",
            "prod/redis/auth-token"
        ));
        assert!(!is_plausible_reference("aws_secret", "p@ss word!"));
        assert!(is_plausible_reference(
            "azure_key_vault_secret",
            "https://vault.vault.azure.net/secrets/redis"
        ));
        assert!(!is_plausible_reference("azure_key_vault_secret", "s3cr3t"));
        assert!(is_plausible_reference(
            "gcp_secret",
            "projects/p/secrets/redis"
        ));
        assert!(!is_plausible_reference("gcp_secret", "s3cr3t!"));
        assert!(!is_plausible_reference("value", "anything"));
    }

    #[test]
    fn secret_positions() {
        assert!(is_secret_value(
            "/security/auth/password",
            "password",
            false
        ));
        assert!(!is_secret_value("/security/auth/password/env", "env", true));
        assert!(is_secret_value(
            "/security/auth/password/value",
            "value",
            true
        ));
        assert!(is_secret_value("/security/auth/token", "token", false));
        assert!(!is_secret_value("/memory/max_memory", "max_memory", false));
    }
}
