//! One spec through the pipeline: load -> schema -> typed spec -> plan -> rules. And a run
//! over many specs, spread over the machine's cores, with the checks that span specs.

use crate::diagnostics::codes;
use crate::diagnostics::{Diagnostic, Location, Severity};
use crate::load::{self, LoadError, LoadedSpec, ReadFailure};
use crate::plan::record::Record;
use crate::plan::{self, Plan};
use crate::project::Project;
use crate::rules::{self, Context};
use crate::settings::Capabilities;
use crate::spec::{Spec, schema};
use std::path::{Path, PathBuf};

/// A spec that loaded and resolved. `diagnostics` may still hold errors from the rules.
#[derive(Debug)]
pub struct Checked {
    pub loaded: LoadedSpec,
    pub spec: Spec,
    pub plan: Plan,
    /// What each listed platform does with each setting.
    pub capabilities: Capabilities,
    /// What the environment was last rendered with, when that is known.
    pub previous: Option<Record>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    pub fn context(&self) -> Context<'_> {
        Context {
            spec: &self.spec,
            plan: &self.plan,
            loaded: &self.loaded,
            capabilities: &self.capabilities,
            previous: self.previous.as_ref(),
        }
    }
}

#[derive(Debug)]
pub enum Outcome {
    /// The spec file named on the command line cannot be read (exit 2).
    Unreadable {
        path: PathBuf,
        failure: ReadFailure,
    },
    /// Input errors: the spec cannot be resolved.
    Invalid {
        path: PathBuf,
        diagnostics: Vec<Diagnostic>,
    },
    Checked(Box<Checked>),
}

impl Outcome {
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Outcome::Unreadable { .. } => &[],
            Outcome::Invalid { diagnostics, .. } => diagnostics,
            Outcome::Checked(c) => &c.diagnostics,
        }
    }
}

/// The spec's path relative to the project root, with `/`, as generated headers name it.
pub fn source_name(project: &Project, path: &Path) -> String {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let root = std::fs::canonicalize(&project.root).unwrap_or_else(|_| project.root.clone());
    let abs = std::fs::canonicalize(&abs).unwrap_or(abs);
    abs.strip_prefix(&root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| load::display_path(path))
}

/// What a spec may read: the project's root, when the spec is in the project (as written, before
/// links are followed). A spec named on the command line from outside the project was chosen by
/// whoever runs cachegen, and its bases are its own business.
fn boundary(project: &Project, path: &Path) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let root = std::fs::canonicalize(&project.root).ok()?;
    let abs = cwd.join(path);
    let real_cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let inside = load::normalize(&abs).starts_with(&root)
        || load::normalize(&real_cwd.join(path)).starts_with(&root);
    inside.then_some(root)
}

/// Where the day-2 rules find what an environment was last rendered with: the record for a
/// plan, none (a first rendering), or why it cannot be read.
pub type Previous<'a> = &'a (dyn Fn(&Plan) -> Result<Option<Record>, String> + Sync);

/// No earlier rendering: a spec judged on its own.
pub fn no_previous(_: &Plan) -> Result<Option<Record>, String> {
    Ok(None)
}

/// Run one spec through every stage that judges it, on its own.
pub fn check_spec(project: &Project, path: &Path) -> Outcome {
    check_spec_after(project, path, &no_previous)
}

/// Run one spec through every stage that judges it, the day-2 rules comparing it with what
/// its environment was last rendered with.
pub fn check_spec_after(project: &Project, path: &Path, previous: Previous) -> Outcome {
    let loaded = match load::load_within(path, boundary(project, path).as_deref()) {
        Ok(l) => l,
        Err(LoadError::Unreadable(failure)) => {
            return Outcome::Unreadable {
                path: path.to_path_buf(),
                failure,
            };
        }
        Err(LoadError::Invalid(diagnostics)) => {
            return Outcome::Invalid {
                path: path.to_path_buf(),
                diagnostics,
            };
        }
    };
    let diagnostics = schema::validate(&loaded);
    if !diagnostics.is_empty() {
        return Outcome::Invalid {
            path: path.to_path_buf(),
            diagnostics,
        };
    }
    let spec = match schema::to_spec(&loaded) {
        Ok(s) => s,
        Err(d) => {
            return Outcome::Invalid {
                path: path.to_path_buf(),
                diagnostics: vec![d],
            };
        }
    };
    let plan = plan::resolve(&spec, &source_name(project, path));
    let capabilities = crate::targets::capability::matrix(&plan);
    let mut diagnostics = diagnostics;
    let previous = match previous(&plan) {
        Ok(r) => r,
        Err(why) => {
            diagnostics.push(
                Diagnostic::warning(
                    codes::RECORD_UNREADABLE,
                    format!(
                        "what `{}` was last rendered with cannot be read: {why}",
                        plan.environment
                    ),
                )
                .at(loaded.locate("/environment"))
                .help(format!(
                    "render again to rewrite `{}` (the day-2 checks of changes are skipped until then)",
                    plan::record::FILE_NAME
                )),
            );
            None
        }
    };
    let mut checked = Checked {
        loaded,
        spec,
        plan,
        capabilities,
        previous,
        diagnostics,
    };
    let found = rules::check(&checked.context(), &project.overrides);
    checked.diagnostics.extend(found);
    Outcome::Checked(Box::new(checked))
}

/// Check many specs, in parallel where there are enough to pay for threads. Results keep the
/// order of `paths`.
pub fn check_all(project: &Project, paths: &[PathBuf], previous: Previous) -> Vec<Outcome> {
    let mut outcomes = crate::parallel::map(paths, 8, |p| check_spec_after(project, p, previous));
    duplicate_environments(&mut outcomes);
    outcomes
}

/// Two specs that name the same environment would write the same folder.
fn duplicate_environments(outcomes: &mut [Outcome]) {
    let mut first: std::collections::HashMap<String, Location> = std::collections::HashMap::new();
    for o in outcomes.iter_mut() {
        let Outcome::Checked(c) = o else { continue };
        let env = c.plan.environment.clone();
        let here = c.loaded.locate("/environment");
        match first.get(&env) {
            Some(prev) => c.diagnostics.push(
                Diagnostic::error(
                    codes::DUPLICATE_ENVIRONMENT,
                    format!(
                        "environment `{env}` is already described by `{}`",
                        prev.file.display_path()
                    ),
                )
                .at(here)
                .related("the first spec for this environment", prev.clone())
                .help("give each spec its own `environment`: it names the output folder"),
            ),
            None => {
                first.insert(env, here);
            }
        }
    }
}

/// The names a spec file may have in an environment's folder.
pub const SPEC_NAMES: [&str; 2] = ["cache.yaml", "cache.yml"];

/// Every `environments/*/cache.yaml` (or `cache.yml`) of a project, sorted. A folder with both
/// yields both; the caller refuses that.
pub fn discover_specs(project: &Project) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&project.environments)? {
        let entry = entry?;
        if !entry.path().is_dir() {
            continue;
        }
        for name in SPEC_NAMES {
            let candidate = entry.path().join(name);
            // Anything named so is a spec: one that is a FIFO, a folder or a dangling link is
            // reported (exit 2), never skipped in silence.
            if candidate.symlink_metadata().is_ok() {
                out.push(candidate);
            }
        }
    }
    out.sort();
    Ok(out)
}
