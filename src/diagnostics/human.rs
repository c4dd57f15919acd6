use super::text::one_line;
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
/// related places, and the help line. Redacted ranges (secrets) are masked in the snippet, and
/// every character a terminal would interpret (ESC, a bidirectional override, a line
/// separator) in a message, a path or a line of a spec is written as a visible escape: they
/// come from a pull request's file and folder names (`text`).
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
        let message = one_line(&d.message);
        let path = d.location.as_ref().map(|l| one_line(l.file.display_path()));
        let related_text: Vec<(_, _)> = d
            .related
            .iter()
            .map(|r| {
                (
                    one_line(&r.message),
                    one_line(r.location.file.display_path()),
                )
            })
            .collect();
        let help = d.help.as_deref().map(one_line);

        let mut title_group =
            Group::with_title(level(d.severity).primary_title(message.as_ref()).id(d.code));
        if let (Some(path), Some(ex)) = (&path, &primary) {
            title_group = title_group.element(
                Snippet::source(ex.text.as_str())
                    .line_start(ex.line)
                    .path(path.as_ref())
                    .fold(true)
                    .annotation(AnnotationKind::Primary.span(ex.span.clone())),
            );
        }
        let mut report: Vec<Group> = vec![title_group];
        for ((message, path), ex) in related_text.iter().zip(&related) {
            report.push(
                Level::NOTE.secondary_title(message.as_ref()).element(
                    Snippet::source(ex.text.as_str())
                        .line_start(ex.line)
                        .path(path.as_ref())
                        .fold(true)
                        .annotation(AnnotationKind::Context.span(ex.span.clone())),
                ),
            );
        }
        if let Some(help) = &help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(help.as_ref()),
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
