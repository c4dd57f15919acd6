//! Which parts of a source file hold secrets, so that no diagnostic, snippet or output ever
//! shows them: the settings that hold a secret reference, keys that look secret wherever they
//! appear, and (for files that cannot be parsed) the text after such keys. Loading marks these
//! spans while it parses; the spec's types know the reference kinds from here.

/// The reference kinds: the keys of a secret reference mapping.
pub const REFERENCE_KINDS: [&str; 4] =
    ["env", "aws_secret", "azure_key_vault_secret", "gcp_secret"];

/// Settings of the spec that hold a secret reference.
pub const SECRET_FIELDS: &[&str] = &["/security/auth/password"];

/// Words that mark a key as holding something secret, wherever it appears (also under keys
/// the schema does not know, so that a mistyped `pasword: hunter2` is never echoed).
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pasword",
    "secret",
    "token",
    "auth_string",
    "access_key",
    "api_key",
    "apikey",
    "private_key",
    "credential",
    "connection_string",
];

pub fn is_secret_looking_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    SECRET_WORDS.iter().any(|w| k.contains(w))
}

/// Whether the value at `pointer` (reached through `key`) must be hidden. `parent_secret`:
/// the enclosing value is itself secret. The name inside a reference (`env: REDIS_PASSWORD`)
/// is not a secret and stays visible.
pub fn is_secret_value(pointer: &str, key: &str, parent_secret: bool) -> bool {
    if parent_secret {
        return !REFERENCE_KINDS.contains(&key);
    }
    SECRET_FIELDS.contains(&pointer) || is_secret_looking_key(key)
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
/// after a secret-looking key (`password: ...`, `"api_key": ...`), and the lines below such a
/// key that are indented deeper (a block scalar or a nested mapping). Used for files that
/// cannot be parsed (syntax errors, bad encoding), where the exact spans are unknown, so
/// that a diagnostic's snippet never shows a secret on the line of the error.
pub fn textual_redactions(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    // Column of a secret-looking key whose value continues on the lines below.
    let mut hide_deeper_than: Option<usize> = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start().len();
        let blank = body.trim().is_empty();
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
            if value.is_empty() || value.starts_with('#') || value.starts_with(['|', '>']) {
                hide_deeper_than = Some(key_col);
            }
            if value_at < body.len() {
                out.push(start + value_at..start + body.len());
            }
        }
        start += line.len();
    }
    out
}

/// The first `key:` on a line whose key looks secret: the key's column and where its value
/// starts (after the colon and blanks).
fn secret_key_on(line: &str) -> Option<(usize, usize)> {
    let bytes = line.as_bytes();
    for (i, _) in line.match_indices(':') {
        let next = bytes.get(i + 1).copied();
        if !matches!(next, None | Some(b' ' | b'\t')) {
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
