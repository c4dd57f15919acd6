//! `cachegen validate`: every spec through load, schema and rules. `render` starts from the
//! same checks.

use super::{Outcome, Problem, Settings};
use crate::diagnostics::{self, Diagnostic};
use crate::load::display_path;
use crate::pipeline::{self, Outcome as SpecOutcome};
use std::path::PathBuf;

/// The specs of a run, checked.
#[derive(Debug)]
pub struct Checks {
    /// Each spec's result, in the order the specs were named (or found).
    pub specs: Vec<SpecOutcome>,
    /// The diagnostics of every spec, sorted and without duplicates.
    pub diagnostics: Vec<Diagnostic>,
    /// Specs that cannot be read at all, in order: the run is not done.
    pub unreadable: Vec<Problem>,
    outcome: Outcome,
}

impl Checks {
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }
}

/// Check `specs`, or every spec of the project when none is named.
pub fn validate(settings: &Settings, specs: &[PathBuf]) -> Result<Checks, Problem> {
    let paths = spec_paths(settings, specs)?;
    let outcomes = pipeline::check_all(&settings.project, &paths);
    let unreadable: Vec<Problem> = outcomes
        .iter()
        .filter_map(|o| match o {
            SpecOutcome::Unreadable { failure, path } => {
                Some(Problem::new(&failure.message, &failure.help).about(path))
            }
            _ => None,
        })
        .collect();
    let mut diags: Vec<Diagnostic> = outcomes
        .iter()
        .flat_map(|o| o.diagnostics().iter().cloned())
        .collect();
    diagnostics::sort_and_dedup(&mut diags);
    let outcome = if unreadable.is_empty() {
        Outcome::of(&diags, settings.deny_warnings)
    } else {
        Outcome::NotDone
    };
    Ok(Checks {
        specs: outcomes,
        diagnostics: diags,
        unreadable,
        outcome,
    })
}

/// The specs named on the command line, or every `environments/*/cache.yaml` of the project.
fn spec_paths(settings: &Settings, specs: &[PathBuf]) -> Result<Vec<PathBuf>, Problem> {
    if !specs.is_empty() {
        return Ok(specs.to_vec());
    }
    let environments = display_path(&settings.project.environments);
    match pipeline::discover_specs(&settings.project) {
        Ok(v) if !v.is_empty() => {
            // One folder is one environment: two spellings of its spec would be two specs.
            if let Some(w) = v.windows(2).find(|w| w[0].parent() == w[1].parent()) {
                return Err(Problem::new(
                    format!(
                        "`{}` holds both cache.yaml and cache.yml",
                        display_path(w[0].parent().unwrap_or(&w[0]))
                    ),
                    "keep one of them: an environment's folder holds one spec",
                )
                .about(&w[1]));
            }
            Ok(v)
        }
        Ok(_) => Err(Problem::new(
            format!("no specs found: `{environments}` has no <environment>/cache.yaml"),
            "pass spec files explicitly, or run `cachegen init` to start a project",
        )),
        Err(e) if e.is_not_found() => Err(Problem::new(
            e.to_string(),
            "run cachegen from the project root (where cachegen.toml is), or pass spec files",
        )),
        Err(e) => Err(Problem::new(e.to_string(), e.help())),
    }
}
