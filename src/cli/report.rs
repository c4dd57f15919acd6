//! Printing diagnostics: human text to stderr, JSON or SARIF to stdout.

use super::{ColorChoice, GlobalArgs};
use crate::diagnostics::{self, Diagnostic, Format};
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

/// A usage or I/O problem (exit 2), printed plainly whatever the format.
pub fn fatal(message: &str, help: Option<&str>) -> u8 {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "error: {message}");
    if let Some(h) = help {
        let _ = writeln!(err, "help: {h}");
    }
    2
}
