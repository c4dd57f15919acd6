//! The commands' work, as a library: one module per command. Each takes the run's resolved
//! [`Settings`] and what the command was asked, does the work, and returns a report: the
//! diagnostics, the files written or stale, the texts to show, and the run's [`Outcome`].
//! Nothing here prints or exits; the command line (`cli`) prints a report in the format asked
//! for and turns its outcome into the exit code.

pub mod explain;
pub mod impact;
pub mod init;
pub mod render;
pub mod rules;
pub mod schema;
pub mod validate;
pub mod verify;

use crate::diagnostics::{self, Diagnostic, Location, SourceFile, codes};
use crate::project::Project;
use crate::project_fs::{FsError, Op, Root};
use std::path::PathBuf;

/// The settings of one run, each decided once: command-line flags over `cachegen.toml` over
/// defaults (the command line layers them). Commands read their settings only from here.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The project: its root, where the environments are, rule severities, provider versions.
    pub project: Project,
    /// Where `render` writes, one folder per environment.
    pub output: Folder,
    /// Templates that override the built-in ones (`<target>/<file>.j2`).
    pub templates: Option<Folder>,
    /// Warnings fail the run, as errors do, and a spec with warnings is not rendered.
    pub deny_warnings: bool,
}

/// A folder a setting names, and who named it. A folder named on the command line (`--out`,
/// `--templates`) was chosen by whoever runs cachegen and may be anywhere; one from
/// `cachegen.toml` (or the default `generated`) comes with the repository, like any file of a
/// pull request, and must be inside the project, reached through no symbolic link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folder {
    pub path: PathBuf,
    pub named_on_command_line: bool,
}

impl Folder {
    /// The folder, open for `project_fs`; `create`: made when missing.
    pub fn open(&self, project: &Project, create: bool) -> Result<Root, FsError> {
        if self.named_on_command_line {
            return if create {
                Root::create(&self.path)
            } else {
                Root::open(&self.path)
            };
        }
        let root = Root::open(&project.root)?;
        match root.relative(&self.path) {
            Some(rel) => root.folder(&rel, create),
            None => Err(FsError::outside(Op::Open, &self.path, root.path())),
        }
    }
}

/// A problem that stops a command before its work is done: a usage mistake or an I/O failure
/// (a spec or folder that cannot be read, a server that cannot be reached). It is about the
/// run, not about a place in a spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    /// One line that says what to do about it.
    pub help: Option<String>,
    /// The file it is about, when there is one (a spec that cannot be read).
    pub file: Option<PathBuf>,
}

impl Problem {
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            help: Some(help.into()),
            file: None,
        }
    }

    /// The problem, about `file`.
    pub fn about(mut self, file: &std::path::Path) -> Problem {
        self.file = Some(file.to_path_buf());
        self
    }

    /// A problem with nothing useful to add.
    pub fn bare(message: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            help: None,
            file: None,
        }
    }

    /// The problem as a CG0050 diagnostic, for the one document a machine-readable run prints:
    /// a tool that reads it must never take a run that did not happen for "0 errors".
    /// It points at its file, when it has one; code scanning places it there.
    pub fn diagnostic(&self) -> Diagnostic {
        let mut d = Diagnostic::error(codes::RUN_FAILED, self.message.clone());
        if let Some(h) = &self.help {
            d = d.help(h.clone());
        }
        if let Some(f) = &self.file {
            let file = SourceFile::new(f.clone(), crate::load::display_path(f), String::new());
            d = d.at(Location::file_start(&file));
        }
        d
    }
}

/// How a run ended. The command line maps it to the exit code (0, 1, 2 in this order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to fix; warnings and notes may remain (unless warnings are denied).
    Clean,
    /// Something to fix: an error in a spec (or a warning, when warnings are denied), drift on
    /// a live server, stale or orphaned generated files under `render --check`.
    ToFix,
    /// The work could not be done: a usage or I/O problem.
    NotDone,
}

impl Outcome {
    /// The verdict on a run's findings: errors are to fix, and so are warnings when they are
    /// denied. `render` asks the same question before it writes, so that it writes nothing
    /// for a run that fails.
    pub fn of(found: &[Diagnostic], deny_warnings: bool) -> Outcome {
        let counts = diagnostics::count(found);
        if counts.errors > 0 || (deny_warnings && counts.warnings > 0) {
            Outcome::ToFix
        } else {
            Outcome::Clean
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_to_fix_only_when_denied() {
        let warning = [Diagnostic::warning(codes::STALE_OUTPUT, "w")];
        assert_eq!(Outcome::of(&warning, false), Outcome::Clean);
        assert_eq!(Outcome::of(&warning, true), Outcome::ToFix);
        let error = [Diagnostic::error(codes::STALE_OUTPUT, "e")];
        assert_eq!(Outcome::of(&error, false), Outcome::ToFix);
        assert_eq!(Outcome::of(&[], true), Outcome::Clean);
    }
}
