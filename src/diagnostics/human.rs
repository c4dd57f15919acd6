use super::{Diagnostic, Severity};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

fn level(sev: Severity) -> Level<'static> {
    match sev {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    }
}

/// rustc-style text: the message with its code, the source line with a caret under the value,
/// related places, and the help line. Redacted ranges (secrets) are masked in the snippet.
pub fn render_human(diags: &[Diagnostic], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diags {
        // Each snippet needs its text for the lifetime of the report.
        let primary_text = d.location.as_ref().map(|l| l.file.redacted_text());
        let related_texts: Vec<String> = d
            .related
            .iter()
            .map(|r| r.location.file.redacted_text())
            .collect();

        let mut title_group = Group::with_title(
            level(d.severity)
                .primary_title(d.message.as_str())
                .id(d.code),
        );
        if let (Some(loc), Some(text)) = (&d.location, &primary_text) {
            let span = clamp(loc.span.clone(), text);
            title_group = title_group.element(
                Snippet::source(text.as_str())
                    .path(loc.file.display_path())
                    .fold(true)
                    .annotation(AnnotationKind::Primary.span(span)),
            );
        }
        let mut report: Vec<Group> = vec![title_group];
        for (r, text) in d.related.iter().zip(&related_texts) {
            let span = clamp(r.location.span.clone(), text);
            report.push(
                Level::NOTE.secondary_title(r.message.as_str()).element(
                    Snippet::source(text.as_str())
                        .path(r.location.file.display_path())
                        .fold(true)
                        .annotation(AnnotationKind::Context.span(span)),
                ),
            );
        }
        if let Some(help) = &d.help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    out
}

/// Keep a span inside the text and on char boundaries; an empty span at the end of a line
/// still shows a caret.
fn clamp(span: std::ops::Range<usize>, text: &str) -> std::ops::Range<usize> {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    // Underline at most one line: the value's first line.
    if let Some(nl) = text[start..end].find('\n') {
        end = start + nl;
    }
    start..end
}

/// The one-line summary printed after the diagnostics.
pub fn summary(counts: super::Counts, specs: usize) -> String {
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    format!(
        "{}, {} in {}",
        plural(counts.errors, "error"),
        plural(counts.warnings, "warning"),
        plural(specs, "spec")
    )
}
