use super::{Diagnostic, Severity, source::Excerpt};
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
        // Each snippet needs its text for the lifetime of the report: only the line it points
        // at (secrets masked), so that a report costs the same on a file of any size.
        let primary = d.location.as_ref().map(|l| l.file.excerpt(l.span.clone()));
        let related: Vec<Excerpt> = d
            .related
            .iter()
            .map(|r| r.location.file.excerpt(r.location.span.clone()))
            .collect();

        let mut title_group = Group::with_title(
            level(d.severity)
                .primary_title(d.message.as_str())
                .id(d.code),
        );
        if let (Some(loc), Some(ex)) = (&d.location, &primary) {
            title_group = title_group.element(
                Snippet::source(ex.text.as_str())
                    .line_start(ex.line)
                    .path(loc.file.display_path())
                    .fold(true)
                    .annotation(AnnotationKind::Primary.span(ex.span.clone())),
            );
        }
        let mut report: Vec<Group> = vec![title_group];
        for (r, ex) in d.related.iter().zip(&related) {
            report.push(
                Level::NOTE.secondary_title(r.message.as_str()).element(
                    Snippet::source(ex.text.as_str())
                        .line_start(ex.line)
                        .path(r.location.file.display_path())
                        .fold(true)
                        .annotation(AnnotationKind::Context.span(ex.span.clone())),
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
