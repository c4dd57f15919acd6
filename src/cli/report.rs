//! Printing diagnostics: human text to stderr, JSON or SARIF to stdout.

use super::{ColorChoice, Format, GlobalArgs};
use crate::diagnostics::codes;
use crate::diagnostics::{self, Diagnostic};
use std::io::{IsTerminal, Write};

pub fn color_on(global: &GlobalArgs) -> bool {
    match global.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    }
}

/// Print a run's diagnostics in the chosen format. `specs` counts the specs for the summary.
pub fn print(global: &GlobalArgs, diags: &[Diagnostic], specs: usize) {
    match global.format {
        Format::Human => {
            let shown: Vec<Diagnostic> = if global.quiet {
                diags
                    .iter()
                    .filter(|d| d.severity == diagnostics::Severity::Error)
                    .cloned()
                    .collect()
            } else {
                diags.to_vec()
            };
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(diagnostics::render_human(&shown, color_on(global)).as_bytes());
            if !global.quiet {
                let _ = writeln!(
                    err,
                    "{}",
                    diagnostics::summary(diagnostics::count(diags), specs)
                );
            }
        }
        Format::Json => {
            let _ = std::io::stdout()
                .lock()
                .write_all(diagnostics::render_json(diags).as_bytes());
        }
        Format::Sarif => {
            let infos = crate::rules::catalog::rule_infos();
            let _ = std::io::stdout()
                .lock()
                .write_all(diagnostics::render_sarif(diags, &infos).as_bytes());
        }
    }
}

/// One diagnostic in human form on stderr, without a summary line.
pub fn print_one(global: &GlobalArgs, d: &Diagnostic) {
    let _ = std::io::stderr()
        .lock()
        .write_all(diagnostics::render_human(std::slice::from_ref(d), color_on(global)).as_bytes());
}

/// A usage or I/O problem (exit 2). The message goes to stderr in every format; with
/// `--format json|sarif` stdout also carries a document with the problem as a CG0050 error,
/// so a tool that reads stdout never takes a run that did not happen for "0 errors".
pub fn fatal(global: &GlobalArgs, message: &str, help: Option<&str>) -> u8 {
    fatal_after(global, &[], 0, message, help)
}

/// [`fatal`] for a command that holds diagnostics it has not printed yet (machine formats
/// print one document per run): they are printed with the problem.
pub fn fatal_after(
    global: &GlobalArgs,
    diags: &[Diagnostic],
    specs: usize,
    message: &str,
    help: Option<&str>,
) -> u8 {
    problem_to_stderr(message, help);
    if global.format != Format::Human {
        let mut all = diags.to_vec();
        all.push(run_failed(message, help));
        print(global, &all, specs);
    }
    2
}

/// A run-level problem in plain text on stderr, whatever the format.
pub fn problem_to_stderr(message: &str, help: Option<&str>) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "error: {message}");
    if let Some(h) = help {
        let _ = writeln!(err, "help: {h}");
    }
}

/// The CG0050 diagnostic of a run that could not do its work.
pub fn run_failed(message: &str, help: Option<&str>) -> Diagnostic {
    let d = Diagnostic::error(codes::RUN_FAILED, message);
    match help {
        Some(h) => d.help(h),
        None => d,
    }
}

/// A verify run: human text (the server, the drift, a verdict) to stderr; JSON with a `verify`
/// object (the server and each drift as data) or SARIF to stdout.
pub fn print_verify(global: &GlobalArgs, found: &crate::verify::Report, spec: &str) {
    let diags = &found.comparison.diagnostics;
    let server = &found.server;
    match global.format {
        Format::Human => {
            let mut err = std::io::stderr().lock();
            if !global.quiet {
                let replicas = server
                    .connected_replicas
                    .map(|n| format!(", {n} connected replica{}", if n == 1 { "" } else { "s" }))
                    .unwrap_or_default();
                let _ = writeln!(
                    err,
                    "verifying {} ({}, {}{replicas}, {} keys) against {spec}\n",
                    server.endpoint, server.engine, server.role, server.keys
                );
            }
            let shown: Vec<Diagnostic> = diags
                .iter()
                .filter(|d| !global.quiet || d.severity == diagnostics::Severity::Error)
                .cloned()
                .collect();
            let _ = err.write_all(diagnostics::render_human(&shown, color_on(global)).as_bytes());
            if !global.quiet {
                let drifted = found.comparison.drifts.len();
                let compared = found.comparison.compared;
                let skipped = found.comparison.not_compared.len();
                let skipped = if skipped > 0 {
                    format!(", {skipped} not compared")
                } else {
                    String::new()
                };
                let verdict = if drifted == 0 {
                    format!("no drift: {compared} settings match the spec{skipped}")
                } else {
                    format!("drift: {drifted} of {compared} settings differ from the spec{skipped}")
                };
                let _ = writeln!(err, "{verdict}");
            }
        }
        Format::Json => {
            let mut doc: serde_json::Value =
                serde_json::from_str(&diagnostics::render_json(diags)).expect("our own JSON");
            doc["verify"] = found.to_json(spec);
            let mut text = serde_json::to_string_pretty(&doc).expect("JSON of plain values");
            text.push('\n');
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
        Format::Sarif => print(global, diags, 1),
    }
}
