//! Printing: human text to stderr, JSON or SARIF documents to stdout. A machine-readable run
//! prints exactly one document on stdout, whatever happens.

use super::{ColorChoice, Format, GlobalArgs};
use crate::app::{self, Outcome, Problem};
use crate::diagnostics::text::one_line;
use crate::diagnostics::{self, Diagnostic, Severity, codes};
use std::cell::OnceCell;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// How this run prints, from the global flags.
pub struct Printer {
    pub format: Format,
    /// Only errors and drift: no summaries, no progress.
    pub quiet: bool,
    color: bool,
    /// The project's git repository (SARIF's `%SRCROOT%`) and its `cachegen.toml`, once the
    /// run knows its project.
    project: OnceCell<(PathBuf, PathBuf)>,
}

impl Printer {
    pub fn new(global: &GlobalArgs) -> Printer {
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stderr().is_terminal()
            }
        };
        Printer {
            format: global.format,
            quiet: global.quiet,
            color,
            project: OnceCell::new(),
        }
    }

    /// The run's project: SARIF paths are relative to its repository, and a finding about the
    /// run as a whole points at its `cachegen.toml`.
    pub fn set_project(&self, repository: &Path, root: &Path) {
        let _ = self.project.set((
            repository.to_path_buf(),
            root.join(crate::project::FILE_NAME),
        ));
    }

    /// The repository and project file of the run; before a project is known, those around
    /// the working folder.
    pub(super) fn project(&self) -> &(PathBuf, PathBuf) {
        self.project.get_or_init(|| {
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            let root = crate::project::find(&cwd)
                .and_then(|f| f.parent().map(Path::to_path_buf))
                .unwrap_or_else(|| cwd.clone());
            let repository = crate::project::repository_root(&root).unwrap_or_else(|| root.clone());
            (repository, root.join(crate::project::FILE_NAME))
        })
    }

    pub fn human(&self) -> bool {
        self.format == Format::Human
    }

    /// A run's diagnostics in the chosen format. `specs` counts the specs for the summary.
    pub fn diagnostics(&self, diags: &[Diagnostic], specs: usize) {
        match self.format {
            Format::Human => {
                let shown: Vec<Diagnostic> = if self.quiet {
                    diags
                        .iter()
                        .filter(|d| d.severity == Severity::Error)
                        .cloned()
                        .collect()
                } else {
                    diags.to_vec()
                };
                let mut err = std::io::stderr().lock();
                let _ = err.write_all(diagnostics::render_human(&shown, self.color).as_bytes());
                if !self.quiet {
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
                let rules = app::rules::sarif_rules();
                let help_uri = app::rules::help_uri();
                let (repository, run_file) = self.project();
                let run = diagnostics::SarifRun {
                    rules: &rules,
                    source_root: repository,
                    run_file,
                    help_uri: help_uri.as_deref(),
                    successful: !diags.iter().any(|d| d.code == codes::RUN_FAILED),
                };
                let _ = std::io::stdout()
                    .lock()
                    .write_all(diagnostics::render_sarif(diags, &run).as_bytes());
            }
            // A pull-request comment that says the run failed, so that a CI job that posts
            // stdout never posts an empty or stale report. The messages are cachegen's own
            // (problems and input diagnostics), shown as code.
            Format::Markdown => {
                let mut text = format!(
                    "{}\n### cachegen impact\n\n**cachegen impact could not judge this change.**\n\n",
                    crate::impact::report::COMMENT_MARKER
                );
                for d in diags {
                    let line: String = d
                        .message
                        .chars()
                        .map(|c| if c.is_control() || c == '`' { ' ' } else { c })
                        .collect();
                    text.push_str(&format!("- `{}` `{line}`\n", d.code));
                }
                let _ = std::io::stdout().lock().write_all(text.as_bytes());
            }
        }
    }

    /// A problem that stopped the run. See [`Printer::problem_after`].
    pub fn problem(&self, problem: &Problem) -> Outcome {
        self.problem_after(&[], 0, problem)
    }

    /// A problem that stopped a run which holds diagnostics it has not printed yet. The
    /// problem goes to stderr in every format; with JSON or SARIF, stdout carries the run's
    /// one document: the diagnostics, and the problem as a CG0050 error, so that a tool
    /// reading stdout never takes a run that did not happen for "0 errors".
    pub fn problem_after(&self, diags: &[Diagnostic], specs: usize, problem: &Problem) -> Outcome {
        problem_to_stderr(problem);
        if !self.human() {
            let mut all = diags.to_vec();
            all.push(problem.diagnostic());
            self.diagnostics(&all, specs);
        }
        Outcome::NotDone
    }

    /// A verify run: human text (the server, the drift, a verdict) to stderr; JSON with a
    /// `verify` object (the server and each drift as data) or SARIF to stdout.
    pub fn verify(&self, found: &app::verify::Report, spec: &str) {
        let diags = &found.diagnostics();
        let server = &found.server;
        match self.format {
            Format::Human => {
                let mut err = std::io::stderr().lock();
                if !self.quiet {
                    let replicas = server
                        .connected_replicas
                        .map(|n| {
                            format!(", {n} connected replica{}", if n == 1 { "" } else { "s" })
                        })
                        .unwrap_or_default();
                    // The engine and role are what the server says: no terminal control of theirs
                    // reaches the terminal either.
                    let _ = writeln!(
                        err,
                        "verifying {} ({}, {}{replicas}, {} keys) against {}\n",
                        one_line(&server.endpoint),
                        one_line(&server.engine),
                        one_line(&server.role),
                        server.keys,
                        one_line(spec)
                    );
                }
                let shown: Vec<Diagnostic> = diags
                    .iter()
                    .filter(|d| !self.quiet || d.severity == Severity::Error)
                    .cloned()
                    .collect();
                let _ = err.write_all(diagnostics::render_human(&shown, self.color).as_bytes());
                if !self.quiet {
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
                        format!(
                            "drift: {drifted} of {compared} settings differ from the spec{skipped}"
                        )
                    };
                    let _ = writeln!(err, "{verdict}");
                    let (crossed, judged) = (found.health.crossed(), found.health.judged());
                    let health = if crossed == 0 {
                        format!("healthy: {judged} measures within the spec's alert thresholds")
                    } else {
                        format!(
                            "unhealthy: {crossed} of {judged} measures beyond the spec's alert thresholds"
                        )
                    };
                    let _ = writeln!(err, "{health}");
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
            Format::Sarif | Format::Markdown => self.diagnostics(diags, 1),
        }
    }
}

/// A run-level problem in plain text on stderr, whatever the format.
pub fn problem_to_stderr(problem: &Problem) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "error: {}", one_line(&problem.message));
    if let Some(h) = &problem.help {
        let _ = writeln!(err, "help: {}", one_line(h));
    }
}
