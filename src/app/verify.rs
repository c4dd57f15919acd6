//! `cachegen verify`: compare a live Redis with its spec and report drift.

use super::{Outcome, Problem, Settings};
use crate::diagnostics::{self, Diagnostic};
use crate::pipeline;
use crate::verify::{self, Options};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use crate::verify::{Endpoint, Report, Secret};

/// Largest `--tls-ca` file read: a PEM bundle of every public CA is a few hundred kilobytes.
const MAX_CA_BYTES: u64 = 4 << 20;

/// The server to compare with, as the command line names it.
#[derive(Debug)]
pub struct Server {
    /// Address and credentials (a password in the URL wins over one from the environment).
    pub endpoint: Endpoint,
    /// CA certificate (PEM) to trust for `rediss://`; `None` trusts the system's roots.
    pub tls_ca: Option<PathBuf>,
    /// Bound of the connect and of every command.
    pub timeout: Duration,
}

#[derive(Debug)]
pub enum VerifyReport {
    /// The spec cannot be resolved: its input errors.
    Invalid(Vec<Diagnostic>),
    /// The spec has errors (sorted): a server is not compared with a spec that is wrong.
    SpecHasErrors(Vec<Diagnostic>),
    /// The server, compared with the spec (shown as `spec`).
    Compared { spec: String, found: Report },
}

impl VerifyReport {
    pub fn outcome(&self) -> Outcome {
        match self {
            VerifyReport::Invalid(_) | VerifyReport::SpecHasErrors(_) => Outcome::ToFix,
            VerifyReport::Compared { found, .. } if found.has_drift() => Outcome::ToFix,
            VerifyReport::Compared { .. } => Outcome::Clean,
        }
    }
}

/// Compare `server` with `spec`. `Err` when there is nothing to compare: the spec or the CA
/// cannot be read, or the server cannot be reached, logged into, or read.
pub fn verify(settings: &Settings, spec: &Path, server: &Server) -> Result<VerifyReport, Problem> {
    let tls_ca = match &server.tls_ca {
        None => None,
        // Named on the command line: links followed, but a FIFO or a device is refused before
        // it is opened (it would hang past --timeout-ms) and the size is bounded.
        Some(path) => Some(
            crate::project_fs::read_named_file(path, MAX_CA_BYTES).map_err(|e| {
                Problem::new(
                    format!(
                        "cannot read --tls-ca `{}`: {}",
                        crate::project_fs::display_path(path),
                        e.reason()
                    ),
                    "pass the PEM file of the CA that signed the server's certificate",
                )
            })?,
        ),
    };
    let options = Options {
        tls_ca,
        timeout: server.timeout,
    };
    let checked = match pipeline::check_spec(&settings.project, spec) {
        pipeline::Outcome::Checked(c) => c,
        pipeline::Outcome::Unreadable { failure, path } => {
            return Err(Problem::new(failure.message, failure.help).about(&path));
        }
        pipeline::Outcome::Invalid { diagnostics, .. } => {
            return Ok(VerifyReport::Invalid(diagnostics));
        }
    };
    if checked.has_errors() {
        let mut diags = checked.diagnostics.clone();
        diagnostics::sort_and_dedup(&mut diags);
        return Ok(VerifyReport::SpecHasErrors(diags));
    }
    let found = verify::verify(&checked, &server.endpoint, &options)
        .map_err(|unreachable| Problem::new(unreachable.reason, unreachable.help))?;
    Ok(VerifyReport::Compared {
        spec: checked.loaded.display_path().to_string(),
        found,
    })
}
