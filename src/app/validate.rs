//! `cachegen validate`: every spec through load, schema and rules. `render` starts from the
//! same checks.

use super::{Outcome, Problem, Settings};
use crate::diagnostics::{self, Diagnostic};
use crate::load::display_path;
use crate::pipeline::{self, Outcome as SpecOutcome};
use crate::plan::Plan;
use crate::plan::record::{self, Record};
use crate::project_fs::Root;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

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
    let by_source = OnceLock::new();
    // The output folder, opened once through project_fs; none yet: nothing was rendered.
    let out = match settings.output.open(&settings.project, false) {
        Ok(root) => Ok(Some(root)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(format!("`{}`: {}", display_path(e.path()), e.reason())),
    };
    let project = Root::open(&settings.project.root).ok();
    let previous = |plan: &Plan| match &out {
        Ok(Some(out)) => previous_record(project.as_ref(), out, plan, &by_source),
        Ok(None) => Ok(None),
        Err(why) => Err(why.clone()),
    };
    let outcomes = pipeline::check_all(&settings.project, &paths, &previous);
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

/// What `plan`'s environment was last rendered with: the record in its folder under the
/// output, or (the environment was renamed) the record another folder keeps for the same spec.
/// A record written from another spec that still exists is not this spec's past (a spec
/// outside the project's environments naming the same environment, such as a test fixture);
/// one whose spec is gone is (the spec's folder was moved).
fn previous_record(
    project: Option<&Root>,
    out: &Root,
    plan: &Plan,
    by_source: &OnceLock<BTreeMap<String, Record>>,
) -> Result<Option<Record>, String> {
    if let Some(text) = crate::output::read_generated(out, &plan.environment, record::FILE_NAME)? {
        let r = Record::parse(&text)?;
        if r.source != plan.source && spec_still_there(project, &r.source) {
            return Ok(None);
        }
        return Ok(Some(r));
    }
    // Read every folder's record once per run, and only when one environment has none.
    let all = by_source.get_or_init(|| {
        crate::output::environment_folders(out)
            .into_iter()
            .filter_map(|env| {
                let text = crate::output::read_generated(out, &env, record::FILE_NAME).ok()??;
                Record::parse(&text).ok()
            })
            .map(|r| (r.source.clone(), r))
            .collect()
    });
    Ok(all
        .get(&plan.source)
        .filter(|r| r.environment != plan.environment)
        .cloned())
}

/// Whether `source` (a record's spec, relative to the project root) names something that
/// exists. A path that leaves the project, or that project_fs refuses (a link on the way),
/// counts as existing: such a record is never taken as this spec's past. Nothing is opened.
fn spec_still_there(project: Option<&Root>, source: &str) -> bool {
    let relative = Path::new(source);
    let inside = relative
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    match project {
        Some(root) if inside => !matches!(root.metadata(relative), Ok(None)),
        _ => true,
    }
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
