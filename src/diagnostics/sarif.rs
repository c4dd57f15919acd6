//! SARIF 2.1.0, as GitHub code scanning reads it: every result has a location in a file of
//! the repository (URIs relative to the repository root, `%SRCROOT%`, percent-encoded), a
//! fingerprint that survives edits elsewhere in the file, and a rule with its rationale and
//! help in Markdown.

use super::{Diagnostic, Location, Severity};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// What SARIF needs to describe a rule in `tool.driver.rules`, so that code-scanning UIs can
/// show the rationale next to a finding.
#[derive(Clone, Copy, Debug)]
pub struct RuleInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub summary: &'static str,
    pub rationale: &'static str,
    pub default_severity: Severity,
}

/// A rule as the SARIF log describes it: its facts, its help for people (plain text and
/// Markdown) and tags to filter by.
#[derive(Clone, Debug)]
pub struct SarifRule {
    pub info: RuleInfo,
    pub help_text: String,
    pub help_markdown: String,
    pub tags: Vec<&'static str>,
}

/// The run a log describes, beyond its diagnostics.
#[derive(Clone, Debug)]
pub struct SarifRun<'a> {
    /// Every rule cachegen has; the log lists those its results use.
    pub rules: &'a [SarifRule],
    /// The folder artifact URIs are relative to (`%SRCROOT%`): the root of the git repository,
    /// which is where code scanning resolves paths from, also in a monorepo.
    pub source_root: &'a Path,
    /// The file a finding without a place points at (the project's `cachegen.toml`): code
    /// scanning shows no result without a location.
    pub run_file: &'a Path,
    /// Where a rule's documentation is, `<url>#cg1234` for each rule, when cachegen knows it.
    pub help_uri: Option<&'a str>,
    /// Whether the run did its work (no CG0050).
    pub successful: bool,
}

/// The key of cachegen's own fingerprint in `partialFingerprints` (GitHub computes its
/// `primaryLocationLineHash` itself and warns when a tool sends a different one).
pub const FINGERPRINT_KEY: &str = "cachegen/v1";

/// Bytes a URI path keeps as they are: RFC 3986's unreserved characters and `/`. The rest is
/// percent-encoded (UTF-8), so that a space, `#`, `%`, `?` or `:` in a file name cannot change
/// what the URI means.
const URI_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// `a/./b/../c` -> `a/c` without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// An absolute path as it resolves: the folder through its links (the file itself may be a
/// link, or missing), else as written.
fn resolved(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let abs = normalize(&abs);
    match (abs.parent(), abs.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(dir)
            .map(|d| d.join(name))
            .unwrap_or(abs),
        _ => abs,
    }
}

fn encode_path(p: &Path) -> String {
    let text = p.to_string_lossy().replace('\\', "/");
    utf8_percent_encode(&text, URI_PATH).to_string()
}

/// The artifact location of a file: relative to the source root with `%SRCROOT%` when it is
/// inside it, else an absolute `file://` URI.
pub fn artifact_location(path: &Path, source_root: &Path) -> Value {
    let file = resolved(path);
    let root = std::fs::canonicalize(source_root).unwrap_or_else(|_| normalize(source_root));
    match file.strip_prefix(&root) {
        Ok(rel) if !rel.as_os_str().is_empty() => {
            json!({ "uri": encode_path(rel), "uriBaseId": "%SRCROOT%" })
        }
        _ => json!({ "uri": format!("file://{}", encode_path(&file)) }),
    }
}

fn physical(l: &Location, source_root: &Path) -> Value {
    let (end_line, end_column) = l.file.line_col(l.span.end.max(l.span.start));
    json!({
        "physicalLocation": {
            "artifactLocation": artifact_location(l.file.path(), source_root),
            "region": {
                "startLine": l.line,
                "startColumn": l.column,
                "endLine": end_line.max(l.line),
                "endColumn": if end_line > l.line { end_column } else { end_column.max(l.column) },
            }
        }
    })
}

/// The start of a file, for a finding about the file (or the run) as a whole.
fn file_start(path: &Path, source_root: &Path) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": artifact_location(path, source_root),
            "region": { "startLine": 1, "startColumn": 1 }
        }
    })
}

/// FNV-1a, 64 bits: stable across platforms and versions of Rust, which `Hash` is not.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// SARIF 2.1.0 log with one run. The log lists the rules that appear in the results (in code
/// order) and points each result at its rule by index.
pub fn render_sarif(diags: &[Diagnostic], run: &SarifRun) -> String {
    let mut used: Vec<&SarifRule> = run
        .rules
        .iter()
        .filter(|r| diags.iter().any(|d| d.code == r.info.code))
        .collect();
    used.sort_by_key(|r| r.info.code);
    let rule_json: Vec<Value> = used
        .iter()
        .map(|r| {
            let mut rule = json!({
                "id": r.info.code,
                "name": r.info.name,
                "shortDescription": { "text": r.info.summary },
                "fullDescription": { "text": r.info.rationale },
                "help": { "text": r.help_text, "markdown": r.help_markdown },
                "defaultConfiguration": { "level": sarif_level(r.info.default_severity) },
                "properties": { "tags": r.tags, "precision": "very-high" },
            });
            if let Some(base) = run.help_uri {
                rule["helpUri"] = json!(format!("{base}#{}", r.info.code.to_ascii_lowercase()));
            }
            rule
        })
        .collect();
    // A fingerprint is the rule, the file and the message (no line: a finding keeps its
    // identity when lines above it move), and which occurrence of that triple it is.
    let mut seen: BTreeMap<u64, usize> = BTreeMap::new();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            let location = match &d.location {
                Some(l) => physical(l, run.source_root),
                None => file_start(run.run_file, run.source_root),
            };
            let uri = location["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let key = fnv1a(&[d.code, &uri, &d.message]);
            let n = seen.entry(key).or_default();
            *n += 1;
            let mut result = json!({
                "ruleId": d.code,
                "level": sarif_level(d.severity),
                "message": { "text": text },
                "locations": [location],
                "partialFingerprints": { FINGERPRINT_KEY: format!("{key:016x}:{n}") },
            });
            if let Some(i) = used.iter().position(|r| r.info.code == d.code) {
                result["ruleIndex"] = json!(i);
            }
            if !d.related.is_empty() {
                result["relatedLocations"] = Value::Array(
                    d.related
                        .iter()
                        .enumerate()
                        .map(|(i, r)| {
                            let mut p = physical(&r.location, run.source_root);
                            p["id"] = json!(i);
                            p["message"] = json!({ "text": r.message });
                            p
                        })
                        .collect(),
                );
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "cachegen",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rule_json,
            }},
            // The repository root, without its absolute path: the output is the same on every
            // machine, and code scanning takes relative URIs from the root of its checkout.
            "originalUriBaseIds": {
                "%SRCROOT%": { "description": { "text": "The root of the git repository that holds the project (the project's folder outside git)." } }
            },
            "invocations": [{ "executionSuccessful": run.successful }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("JSON of plain values");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_to_the_root_and_percent_encoded() {
        let root = std::env::temp_dir().join(format!("cachegen-sarif-uri-{}", std::process::id()));
        let dir = root.join("infra/cache/environments/eu prod#1");
        std::fs::create_dir_all(&dir).unwrap();
        let loc = artifact_location(&dir.join("cache.yaml"), &root);
        assert_eq!(
            loc,
            json!({ "uri": "infra/cache/environments/eu%20prod%231/cache.yaml", "uriBaseId": "%SRCROOT%" })
        );
        let odd = artifact_location(&root.join("a:b/ü%?.yaml"), &root);
        assert_eq!(odd["uri"], "a%3Ab/%C3%BC%25%3F.yaml");
        let outside = artifact_location(Path::new("/etc/cachegen.toml"), &root);
        assert_eq!(outside, json!({ "uri": "file:///etc/cachegen.toml" }));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn fingerprints_ignore_where_the_line_is() {
        assert_eq!(
            fnv1a(&["CG1", "a.yaml", "m"]),
            fnv1a(&["CG1", "a.yaml", "m"])
        );
        assert_ne!(
            fnv1a(&["CG1", "a.yaml", "m"]),
            fnv1a(&["CG1", "a.yam", "lm"])
        );
    }
}
