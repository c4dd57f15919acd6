//! One spec through the pipeline: load -> schema -> typed spec -> plan -> rules. And a run
//! over many specs, spread over the machine's cores, with the checks that span specs.

use crate::diagnostics::codes;
use crate::diagnostics::{Diagnostic, Location, Severity};
use crate::load::{self, LoadError, LoadedSpec, ReadFailure};
use crate::plan::record::Record;
use crate::plan::{self, Plan};
use crate::project::Project;
use crate::project_fs::{self, Root};
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

/// Where a spec is read from: the root of its project and its path there.
pub struct SpecPlace {
    pub root: Root,
    pub rel: PathBuf,
    /// Whether that root is the run's project (else the spec was named on the command line from
    /// outside it, and its own project holds it).
    pub in_project: bool,
}

/// Find the project a spec belongs to. A spec under the project's root (judged on its
/// normalized path) is read from the project, through no link. A spec named on the command line
/// from outside the project was chosen by whoever runs cachegen: links in that path are followed
/// to its folder, and its project is the nearest folder above with a `cachegen.toml` (else its
/// own folder); its bases must stay inside that one.
pub fn locate_spec(project: &Project, path: &Path) -> Result<SpecPlace, ReadFailure> {
    let failure = |e: project_fs::FsError| ReadFailure {
        message: e.to_string(),
        help: e.help().to_string(),
        too_large: false,
    };
    let root = Root::open(&project.root).map_err(failure)?;
    if let Some(rel) = root.relative(path) {
        return Ok(SpecPlace {
            root,
            rel,
            in_project: true,
        });
    }
    let name = path.file_name().map(PathBuf::from).unwrap_or_default();
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let folder = Root::open(folder).map_err(failure)?;
    if let Ok(inside) = folder.path().strip_prefix(root.path()) {
        return Ok(SpecPlace {
            rel: inside.join(&name),
            root,
            in_project: true,
        });
    }
    let own = crate::project::find(folder.path())
        .and_then(|toml| toml.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| folder.path().to_path_buf());
    let own_root = Root::open(&own).map_err(failure)?;
    let rel = folder
        .path()
        .strip_prefix(own_root.path())
        .map(|p| p.join(&name))
        .unwrap_or(name);
    Ok(SpecPlace {
        root: own_root,
        rel,
        in_project: false,
    })
}

/// The spec's path relative to the project root, with `/`, as generated headers name it.
fn source_name(place: &SpecPlace, path: &Path) -> String {
    if place.in_project {
        place.rel.to_string_lossy().replace('\\', "/")
    } else {
        load::display_path(path)
    }
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
    let place = match locate_spec(project, path) {
        Ok(p) => p,
        Err(failure) => {
            return Outcome::Unreadable {
                path: path.to_path_buf(),
                failure,
            };
        }
    };
    let loaded = match load::load_in(&place.root, &place.rel) {
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
    let plan = plan::resolve(&spec, &source_name(&place, path));
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

/// Every `environments/*/cache.yaml` (or `cache.yml`) of a project, sorted; a folder with both
/// yields both, and the caller refuses that. The folder of environments is listed through
/// `project_fs`: it and its entries are judged without following a link. An environment folder
/// that is a link is listed too (as its `cache.yaml`), so that reading its spec reports the
/// link (exit 2) instead of skipping it in silence; so is a spec that is a FIFO, a folder or a
/// link.
pub fn discover_specs(project: &Project) -> Result<Vec<PathBuf>, project_fs::FsError> {
    let root = Root::open(&project.root)?;
    let Some(rel) = root.relative(&project.environments) else {
        return Err(project_fs::FsError::outside(
            project_fs::Op::List,
            &project.environments,
            root.path(),
        ));
    };
    let folder = root.folder(&rel, false)?;
    let mut out = Vec::new();
    for (name, kind) in folder.list(Path::new(""))? {
        let env = Path::new(&name);
        match kind {
            project_fs::Kind::Dir => {
                for spec in SPEC_NAMES {
                    if folder.metadata(&env.join(spec))?.is_some() {
                        out.push(project.environments.join(env).join(spec));
                    }
                }
            }
            project_fs::Kind::Link => out.push(project.environments.join(env).join(SPEC_NAMES[0])),
            _ => {}
        }
    }
    out.sort();
    Ok(out)
}
