//! `cachegen impact`: what a change of the specs (and their generated files) does to live
//! caches, compared with a base revision. The base is copied into a private folder
//! (`base`) and checked there like any project; the head is the working tree.

mod base;

pub use base::BaseSource;

use super::{Outcome, Problem, Settings};
use crate::impact::{self, Report, Side, SpecState};
use crate::load::display_path;
use crate::pipeline::{self, Outcome as SpecOutcome};
use crate::project;
use crate::targets::{Engine, OutFile};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug)]
pub struct ImpactReport {
    pub report: Report,
    /// What was left out of the base (links, oversized files), said once.
    pub skipped: Vec<String>,
}

impl ImpactReport {
    /// Nothing replaced or deleted in production without acknowledgment: clean. A spec that
    /// cannot be judged is to fix too: its impact is unknown.
    pub fn outcome(&self) -> Outcome {
        if self.report.blocking() > 0 || self.report.has_unjudged() {
            Outcome::ToFix
        } else {
            Outcome::Clean
        }
    }
}

fn states(outcomes: &[SpecOutcome], shown: impl Fn(&Path) -> String) -> Vec<SpecState<'_>> {
    outcomes
        .iter()
        .map(|o| match o {
            SpecOutcome::Checked(c) => SpecState::Checked(c),
            SpecOutcome::Invalid { path, diagnostics } => SpecState::Invalid {
                source: shown(path),
                message: diagnostics
                    .first()
                    .map(|d| {
                        let at = d
                            .location
                            .as_ref()
                            .map(|l| format!(" at line {}", l.line))
                            .unwrap_or_default();
                        format!("{} {}{at}", d.code, d.message)
                    })
                    .unwrap_or_else(|| "it cannot be resolved".into()),
            },
            SpecOutcome::Unreadable { path, failure } => SpecState::Invalid {
                source: shown(path),
                message: failure.message.clone(),
            },
        })
        .collect()
}

/// The base's committed generated files per environment: only files that carry cachegen's
/// header (the team's own files in those folders are not cachegen's to compare).
fn generated(
    output_rel: &str,
    files: &BTreeMap<String, Vec<u8>>,
) -> BTreeMap<String, Vec<OutFile>> {
    let prefix = format!("{output_rel}/");
    let mut out: BTreeMap<String, Vec<OutFile>> = BTreeMap::new();
    for (path, bytes) in files {
        let Some(rest) = path.strip_prefix(&prefix) else {
            continue;
        };
        let Some((env, file)) = rest.split_once('/') else {
            continue;
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        if !crate::output::team::header_in(text.as_bytes()) {
            continue;
        }
        out.entry(env.to_string()).or_default().push(OutFile {
            path: file.to_string(),
            contents: text.to_string(),
        });
    }
    out
}

/// Compare the base with the working tree.
pub fn impact(settings: &Settings, source: &BaseSource) -> Result<ImpactReport, Problem> {
    // The head: the working tree, as `validate` checks it.
    let head_checks = super::validate::validate(settings, &[])?;
    if let Some(p) = head_checks.unreadable.first() {
        return Err(p.clone());
    }
    let head_overrides = match &settings.templates {
        None => None,
        Some(folder) => Some(
            folder
                .open(&settings.project, false)
                .map_err(|e| Problem::new(format!("template overrides: {e}"), e.help()))?,
        ),
    };
    let head_engine = Engine::new(head_overrides.as_ref()).map_err(|e| {
        Problem::new(
            e,
            "fix the template override, or remove it to use the built-in templates",
        )
    })?;

    // The base: copied, then checked like any project.
    let snap = base::snapshot(source, &settings.project.root)?;
    let copy = snap.materialize()?;
    // Without a project file of its own the copy would find one above it (walking up from a
    // temporary folder): an empty one keeps the base's defaults.
    let toml = Path::new(project::FILE_NAME);
    if matches!(copy.folder.metadata(toml), Ok(None)) {
        copy.folder.write_new(toml, b"").map_err(|e| {
            Problem::bare(format!("cannot copy the base into a temporary folder: {e}"))
        })?;
    }
    let base_project = project::discover(&copy.root).map_err(|d| {
        Problem::new(
            format!(
                "the base's cachegen.toml cannot be read: {}",
                d.first().map(|d| d.message.clone()).unwrap_or_default()
            ),
            "compare with a base whose cachegen.toml this version of cachegen reads",
        )
    })?;
    let base_specs = if base_project.environments.is_dir() {
        pipeline::discover_specs(&base_project)
            .map_err(|e| Problem::bare(format!("cannot list the base's environments: {e}")))?
    } else {
        Vec::new()
    };
    let base_outcomes = pipeline::check_all(&base_project, &base_specs, &pipeline::no_previous);
    let mut skipped = snap.skipped.clone();
    // The base's override, read as one of the base's own folders: inside its copy, through no
    // link, whatever its cachegen.toml says.
    let base_overrides = base_project.templates.as_ref().map(|path| {
        super::Folder {
            path: path.clone(),
            named_on_command_line: false,
        }
        .open(&base_project, false)
        .map_err(|e| e.to_string())
    });
    let base_engine = match base_overrides
        .transpose()
        .and_then(|root| Engine::new(root.as_ref()))
    {
        Ok(e) => Some(e),
        Err(e) => {
            skipped.push(format!(
                "the base's template override cannot be read ({e}); the base is rendered with the head's templates"
            ));
            None
        }
    };
    let base_output = base_project
        .output
        .as_ref()
        .and_then(|o| o.strip_prefix(&copy.root).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|| project::DEFAULT_OUTPUT.to_string());

    let root_shown = {
        let shown = display_path(&settings.project.root);
        if shown == "." || shown.is_empty() {
            String::new()
        } else {
            format!("{}/", shown.trim_end_matches('/'))
        }
    };
    let copy_root = copy.root.clone();
    let base_shown = |p: &Path| match p.strip_prefix(&copy_root) {
        Ok(rel) => format!("{root_shown}{}", rel.to_string_lossy()),
        Err(_) => display_path(p),
    };
    let output_shown = display_path(&settings.output.path);
    let base_side = Side {
        specs: states(&base_outcomes, base_shown),
        engine: base_engine.as_ref().unwrap_or(&head_engine),
        providers: &base_project.providers,
        generated: generated(&base_output, &snap.files),
        copy_root: Some(copy_root.clone()),
        shown_root: root_shown,
        output_shown: output_shown.clone(),
    };
    let head_side = Side {
        specs: states(&head_checks.specs, display_path),
        engine: &head_engine,
        providers: &settings.project.providers,
        generated: BTreeMap::new(),
        copy_root: None,
        shown_root: String::new(),
        output_shown,
    };
    let report = impact::compare(&base_side, &head_side, snap.label.clone());
    drop(copy);
    Ok(ImpactReport { report, skipped })
}
