use super::{Diagnostic, Location, Severity};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

/// What stays as is in a SARIF `artifactLocation.uri`: RFC 3986's unreserved characters and
/// the `/` between segments. Everything else in a file name (a blank, `#`, `?`, `%`, a
/// non-ASCII letter, a control character) is percent-encoded, so that a code-scanning UI
/// resolves the file the diagnostic is about, not a fragment or a query of another.
const URI_ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

fn artifact_uri(path: &str) -> String {
    utf8_percent_encode(path, URI_ESCAPED).to_string()
}

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

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn physical(l: &Location) -> Value {
    let (end_line, end_column) = l.file.line_col(l.span.end.max(l.span.start));
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": artifact_uri(l.file.display_path()) },
            "region": {
                "startLine": l.line,
                "startColumn": l.column,
                "endLine": end_line,
                "endColumn": end_column.max(l.column),
            }
        }
    })
}

/// SARIF 2.1.0 log with one run. `rules` is the whole catalogue; the log lists the rules that
/// appear in the results (in code order) and points each result at its rule by index.
pub fn render_sarif(diags: &[Diagnostic], rules: &[RuleInfo]) -> String {
    let mut used: Vec<&RuleInfo> = rules
        .iter()
        .filter(|r| diags.iter().any(|d| d.code == r.code))
        .collect();
    used.sort_by_key(|r| r.code);
    let rule_json: Vec<Value> = used
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.rationale },
                "help": { "text": format!("{}\n\nSee `cachegen rules {}`.", r.rationale, r.code) },
                "defaultConfiguration": { "level": sarif_level(r.default_severity) },
            })
        })
        .collect();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            let mut result = json!({
                "ruleId": d.code,
                "level": sarif_level(d.severity),
                "message": { "text": text },
                "locations": d.location.as_ref().map(|l| vec![physical(l)]).unwrap_or_default(),
            });
            if let Some(i) = used.iter().position(|r| r.code == d.code) {
                result["ruleIndex"] = json!(i);
            }
            if !d.related.is_empty() {
                result["relatedLocations"] = Value::Array(
                    d.related
                        .iter()
                        .enumerate()
                        .map(|(i, r)| {
                            let mut p = physical(&r.location);
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
                "rules": rule_json,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("JSON of plain values");
    s.push('\n');
    s
}
