use super::{Diagnostic, Location, count};
use serde_json::{Value, json};

/// The version of every JSON document cachegen prints (`format_version`, its first key). It
/// changes only when a field is removed or changes meaning; new fields keep it.
pub const FORMAT_VERSION: u32 = 1;

fn location_json(l: &Location) -> Value {
    let (end_line, end_column) = l.file.line_col(l.span.end.max(l.span.start));
    json!({
        "file": l.file.display_path(),
        "line": l.line,
        "column": l.column,
        "end_line": end_line,
        "end_column": end_column,
    })
}

/// Machine-readable diagnostics: one object per finding, plus the counts.
pub fn render_json(diags: &[Diagnostic]) -> String {
    let items: Vec<Value> = diags
        .iter()
        .map(|d| {
            json!({
                "code": d.code,
                "severity": d.severity.as_str(),
                "message": d.message,
                "location": d.location.as_ref().map(location_json),
                "help": d.help,
                "related": d.related.iter().map(|r| json!({
                    "message": r.message,
                    "location": location_json(&r.location),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let c = count(diags);
    let doc = json!({
        "format_version": FORMAT_VERSION,
        "diagnostics": items,
        "summary": { "errors": c.errors, "warnings": c.warnings, "notes": c.notes },
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("JSON of plain values");
    s.push('\n');
    s
}
