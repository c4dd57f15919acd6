//! Diagnostics: what every stage reports, with a stable code, a severity, the place in a
//! source file it is about, and a help line. Stages produce them; `render` formats them
//! for people (rustc-style snippets), for machines (JSON) and for code-scanning (SARIF).

pub mod codes;
mod human;
mod json;
mod sarif;
mod source;
pub mod text;

pub use human::{render_human, summary};
pub use json::{FORMAT_VERSION, render_json};
pub use sarif::{FINGERPRINT_KEY, RuleInfo, SarifRule, SarifRun, artifact_location, render_sarif};
pub use source::{Location, SourceFile};

use std::cmp::Ordering;
use std::fmt;

/// How bad a diagnostic is. Errors fail the run (exit 1); warnings do not, unless the
/// project sets `deny_warnings`; notes are information.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "note" | "info" => Some(Severity::Note),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A second place that explains the first ("set here in the base file").
#[derive(Clone, Debug)]
pub struct Related {
    pub message: String,
    pub location: Location,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Stable code, `CG` and four digits; see `cachegen rules`.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Where in a spec the problem is; `None` for problems with no file (a command-line path).
    pub location: Option<Location>,
    /// One line that says how to fix it.
    pub help: Option<String>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    pub fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            location: None,
            help: None,
            related: Vec::new(),
        }
    }

    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn at_opt(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, message: impl Into<String>, location: Location) -> Self {
        self.related.push(Related {
            message: message.into(),
            location,
        });
        self
    }

    /// Order of the report: by file, line, column, then code, so that output is stable.
    fn sort_key(&self) -> (String, u32, u32, &'static str, &str) {
        match &self.location {
            Some(l) => (
                l.file.display_path().to_string(),
                l.line,
                l.column,
                self.code,
                &self.message,
            ),
            None => (String::new(), 0, 0, self.code, &self.message),
        }
    }
}

/// Sort diagnostics for output and drop exact duplicates (the same finding reached twice,
/// for example through two targets that share a setting).
pub fn sort_and_dedup(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| match a.sort_key().cmp(&b.sort_key()) {
        Ordering::Equal => b.severity.cmp(&a.severity),
        o => o,
    });
    diags.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.severity == b.severity);
}

/// Counts for the summary line and the exit code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

pub fn count(diags: &[Diagnostic]) -> Counts {
    let mut c = Counts::default();
    for d in diags {
        match d.severity {
            Severity::Error => c.errors += 1,
            Severity::Warning => c.warnings += 1,
            Severity::Note => c.notes += 1,
        }
    }
    c
}
