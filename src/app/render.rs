//! `cachegen render`: validate, render every spec in memory, then write each environment's
//! folder, or (`--check`) compare it with what is on disk. Everything is rendered before
//! anything is written, so a template error writes nothing.

use super::validate::{self, Checks};
use super::{Outcome, Problem, Settings};
use crate::diagnostics::{Diagnostic, Location, Severity, SourceFile, codes};
use crate::load::display_path;
use crate::output::project_files::ProjectFile;
use crate::pipeline::{self, Checked};
use crate::project::ProviderVersions;
use crate::project_fs::{FsError, Problem as FsProblem, Root};
use crate::targets::{self, Engine, OutFile};
use std::path::{Path, PathBuf};

/// What to do with the rendered files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Replace each environment's folder.
    Write,
    /// Write nothing; report how the folders on disk differ (`--check`, in CI).
    Check,
}

#[derive(Debug)]
pub struct RenderReport {
    pub checks: Checks,
    /// The output folder as the user knows it (`generated`, or `--out` as given).
    pub output: String,
    pub rendering: Rendering,
    outcome: Outcome,
}

impl RenderReport {
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }
}

/// How far the render went.
#[derive(Debug)]
pub enum Rendering {
    /// A spec cannot be read, has errors, or has warnings that are denied: nothing was
    /// rendered or written.
    Refused,
    /// Rendering failed (a template, or the template override): nothing was written.
    NotRendered(Problem),
    /// The folders were replaced.
    Written(Written),
    /// A folder could not be written; which ones were already replaced is in the help.
    NotWritten(Problem),
    /// `--check`: the rendering compared with the disk.
    Compared(Comparison),
}

#[derive(Debug)]
pub struct Written {
    /// Each environment written, in the order of the specs.
    pub environments: Vec<WrittenEnvironment>,
    /// The editor schemas rewritten (they changed), as the user names them.
    pub schemas: Vec<String>,
    /// A CG0051 warning per folder whose spec is gone (the folder is left in place).
    pub orphans: Vec<Diagnostic>,
    /// Warnings about what the team keeps in the folders: files the consuming tool loads that
    /// cachegen did not write (CG0053), old folders kept because a file in them could not be
    /// placed (CG0054).
    pub notices: Vec<Diagnostic>,
}

#[derive(Debug)]
pub struct WrittenEnvironment {
    pub environment: String,
    /// The spec it was rendered from, relative to the project root.
    pub source: String,
    pub files: usize,
}

/// `--check`: how the generated folders differ from a fresh rendering.
#[derive(Debug, Default)]
pub struct Comparison {
    /// Environments rendered and compared.
    pub environments: usize,
    /// For each environment that differs, in order: its unified diffs and listings of missing
    /// and extra files.
    pub diffs: Vec<String>,
    /// Folders of environments that no spec renders any more.
    pub orphans: Vec<String>,
    /// Files that differ, are missing or are no longer produced, over every environment.
    pub changed: usize,
    pub missing: usize,
    pub extra: usize,
    /// Paths that hold what cachegen did not write where it writes (CG0052), or that the
    /// consuming tool loads with the generated files (CG0053), over every environment.
    pub not_generated: usize,
    /// Entries of the output named like cachegen's temporaries that it cannot have made.
    pub foreign_temporaries: Vec<String>,
    /// A CG0051 error per stale file and per orphaned folder.
    pub stale: Vec<Diagnostic>,
    /// A folder that could not be read: the comparison stopped there, after the diffs of the
    /// environments before it.
    pub failure: Option<Problem>,
    /// The editor schemas that are not this cachegen's (stale or missing), as the user names
    /// them; their diffs are in `schema_diffs`.
    pub schemas: Vec<String>,
    pub schema_diffs: String,
}

impl Comparison {
    /// Environments whose folder is stale, counting orphaned folders.
    pub fn stale_environments(&self) -> usize {
        self.diffs.len() + self.orphans.len()
    }

    /// Whether anything in the output differs from a fresh rendering.
    pub fn is_stale(&self) -> bool {
        self.stale_environments() > 0 || !self.foreign_temporaries.is_empty()
    }

    /// Extra files, counting each orphaned folder as one.
    pub fn extra_with_orphans(&self) -> usize {
        self.extra + self.orphans.len()
    }
}

/// Render `specs` (every spec of the project when none is named) into the output folder, or
/// compare with it. `Err` only when the specs cannot even be listed.
pub fn render(settings: &Settings, specs: &[PathBuf], mode: Mode) -> Result<RenderReport, Problem> {
    let checks = validate::validate(settings, specs)?;
    let output = display_path(&settings.output.path);
    if checks.outcome() != Outcome::Clean {
        return Ok(RenderReport {
            outcome: checks.outcome(),
            checks,
            output,
            rendering: Rendering::Refused,
        });
    }
    // Folders of environments that have no spec any more are judged only when every spec was
    // rendered: a run over some specs cannot tell a removed environment from one left out.
    let every_spec = specs.is_empty();
    // The editor schemas are the project's, like the folders of removed environments: kept
    // (and checked) by a run over every spec.
    let schemas = if every_spec {
        editor_schemas(settings)
    } else {
        None
    };
    let rendering = match render_checked(settings, &checks) {
        Err(problem) => Rendering::NotRendered(problem),
        Ok(rendered) => match mode {
            Mode::Write => match write(settings, &output, &rendered, every_spec)
                .and_then(|w| write_schemas(w, schemas.as_ref()))
            {
                Ok(written) => Rendering::Written(written),
                Err(problem) => Rendering::NotWritten(problem),
            },
            Mode::Check => {
                let mut found = compare(
                    settings,
                    &output,
                    &settings.project.root,
                    &rendered,
                    every_spec,
                );
                if found.failure.is_none()
                    && let Some(s) = &schemas
                {
                    compare_schemas(s, &mut found);
                }
                Rendering::Compared(found)
            }
        },
    };
    let outcome = match &rendering {
        Rendering::Refused => checks.outcome(),
        Rendering::NotRendered(_) | Rendering::NotWritten(_) => Outcome::NotDone,
        Rendering::Compared(c) if c.failure.is_some() => Outcome::NotDone,
        Rendering::Written(w) => Outcome::of(
            &[&w.orphans[..], &w.notices[..]].concat(),
            settings.deny_warnings,
        ),
        Rendering::Compared(c) => Outcome::of(&c.stale, settings.deny_warnings),
    };
    Ok(RenderReport {
        checks,
        output,
        rendering,
        outcome,
    })
}

/// The editor schemas a project keeps: the project root, and each file relative to it.
struct Schemas {
    root: PathBuf,
    files: Vec<ProjectFile>,
}

/// The schemas of this cachegen, where the project keeps them (none without a `cachegen.toml`
/// or with `schema = false`).
fn editor_schemas(settings: &Settings) -> Option<Schemas> {
    let project = &settings.project;
    let folder = project.schema.as_ref()?;
    let rel = folder
        .strip_prefix(&project.root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| folder.clone());
    Some(Schemas {
        root: project.root.clone(),
        files: vec![
            ProjectFile {
                path: rel.join(crate::spec::schema::SPEC_FILE),
                contents: crate::spec::schema::text(),
            },
            ProjectFile {
                path: rel.join(crate::spec::schema::PARTIAL_FILE),
                contents: crate::spec::schema::partial_text(),
            },
        ],
    })
}

fn write_schemas(mut written: Written, schemas: Option<&Schemas>) -> Result<Written, Problem> {
    let Some(s) = schemas else {
        return Ok(written);
    };
    match crate::output::project_files::write(&s.root, &s.files) {
        Ok(files) => {
            written.schemas = files
                .iter()
                .map(|f| display_path(&s.root.join(f)))
                .collect();
            Ok(written)
        }
        Err(e) => Err(Problem::new(
            format!("cannot write the editor schemas: {e}"),
            "`schema` in cachegen.toml names the folder (`schema = false` leaves the schemas to you); every environment was written",
        )),
    }
}

/// `--check`: each schema that is not this cachegen's, with a diff and a CG0051 at its first
/// differing line.
fn compare_schemas(s: &Schemas, found: &mut Comparison) {
    let stale = match crate::output::project_files::stale(&s.root, &s.files) {
        Ok(v) => v,
        Err(e) => {
            found.failure = Some(Problem::new(
                format!("cannot read the editor schemas: {e}"),
                "`schema` in cachegen.toml names the folder; `schema = false` leaves the schemas to you",
            ));
            return;
        }
    };
    for (f, on_disk) in stale {
        let path = s.root.join(&f.path);
        let name = display_path(&path);
        let help = "run `cachegen render` and commit the result (the schemas follow the cachegen version: `required_version` in cachegen.toml pins it)";
        let d = match &on_disk {
            Some(old) => {
                let diff = similar::TextDiff::from_lines(old.as_str(), f.contents.as_str());
                found.schema_diffs.push_str(
                    &diff
                        .unified_diff()
                        .context_radius(3)
                        .header(
                            &format!("{name} (on disk)"),
                            &format!("{name} (cachegen {})", env!("CARGO_PKG_VERSION")),
                        )
                        .to_string(),
                );
                let stale = crate::output::Stale {
                    name: name.clone(),
                    path: path.clone(),
                    on_disk: Some(old.clone()),
                    line: crate::output::first_difference(old, &f.contents),
                };
                Diagnostic::error(
                    codes::STALE_OUTPUT,
                    format!(
                        "`{name}` is not the schema of cachegen {}: editors check specs against it",
                        env!("CARGO_PKG_VERSION")
                    ),
                )
                .at(at_line(&stale))
            }
            None => {
                found
                    .schema_diffs
                    .push_str(&format!("missing: {name} (the schema editors read)\n"));
                Diagnostic::error(
                    codes::STALE_OUTPUT,
                    format!("`{name}` is missing: editors read the schema from it"),
                )
                .at(file_start(&path))
            }
        };
        found.stale.push(d.help(help));
        found.schemas.push(name);
    }
}

/// One environment rendered in memory.
struct Rendered {
    environment: String,
    source: String,
    files: Vec<OutFile>,
}

/// Render every checked spec, spread over the cores when there are many.
fn render_checked(settings: &Settings, checks: &Checks) -> Result<Vec<Rendered>, Problem> {
    let overrides = match &settings.templates {
        None => None,
        Some(folder) => Some(
            folder
                .open(&settings.project, false)
                .map_err(|e| Problem::new(format!("template overrides: {e}"), e.help()))?,
        ),
    };
    let engine = Engine::new(overrides.as_ref()).map_err(|e| {
        Problem::new(
            e,
            "fix the template override, or remove it to use the built-in templates",
        )
    })?;
    let checked: Vec<&Checked> = checks
        .specs
        .iter()
        .filter_map(|o| match o {
            pipeline::Outcome::Checked(c) => Some(c.as_ref()),
            _ => None,
        })
        .collect();
    let providers = &settings.project.providers;
    let overrides = &settings.project.overrides;
    crate::parallel::map(&checked, 32, |c| {
        render_one(c, &engine, providers, overrides)
    })
    .into_iter()
    .collect()
}

fn render_one(
    checked: &Checked,
    engine: &Engine,
    providers: &ProviderVersions,
    overrides: &crate::rules::Overrides,
) -> Result<Rendered, Problem> {
    let cx = checked.context();
    let waivers = crate::rules::waived(&cx);
    let accepted = crate::rules::accepted(&cx, overrides, &targets::checkov::rules());
    let input = targets::RenderInput {
        plan: &checked.plan,
        engine,
        providers,
        waivers: &waivers,
        accepted: &accepted,
    };
    let plan = &checked.plan;
    targets::render_all(&input)
        .map(|files| Rendered {
            environment: plan.environment.clone(),
            source: plan.source.clone(),
            files,
        })
        .map_err(|e| {
            Problem::new(
                format!("rendering {} failed: {e}", plan.source),
                "this is a bug in a template (or in a --templates override); nothing was written",
            )
        })
}

/// Folders under the output that cachegen wrote for an environment that has no spec any more.
fn orphaned(out: &Root, rendered: &[Rendered]) -> Result<Vec<String>, Problem> {
    let known: Vec<&str> = rendered.iter().map(|r| r.environment.as_str()).collect();
    crate::output::orphaned_environments(out, &known)
        .map_err(|e| Problem::new(e.to_string(), "check the output folder's permissions"))
}

/// The output folder: `--out` as named, else inside the project (through no link).
fn open_output(settings: &Settings, create: bool) -> Result<Root, FsError> {
    settings.output.open(&settings.project, create)
}

fn output_problem(shown_root: &str, e: &FsError) -> Problem {
    match e.problem() {
        FsProblem::NotAFolder(_) => Problem::new(
            format!("the output `{shown_root}` is not a folder"),
            "choose another --out, or remove the file",
        ),
        _ => Problem::new(format!("the output `{shown_root}`: {e}"), e.help()),
    }
}

/// CG0053 for what the consuming tool would load in a folder, with the severity of the run:
/// a warning after `render` (the team's file stays), an error under `--check`.
fn loaded_extra(severity: Severity, name: &str, what: &str) -> Diagnostic {
    Diagnostic::new(
        codes::UNGENERATED_LOADED_FILE,
        severity,
        format!("`{name}` is {what}, and cachegen did not write it"),
    )
    .help("remove it, or move what it does into the spec; a pull request can add such a file to change what terraform or docker compose run without changing the spec")
}

/// CG0051 for the folder of an environment whose spec is gone: a warning when `render`
/// leaves it, an error under `--check`.
fn orphan(severity: Severity, out: &Root, shown_root: &str, env: &str) -> Diagnostic {
    let until = if severity == Severity::Warning {
        " (render --check fails until it is gone)"
    } else {
        ""
    };
    Diagnostic::new(
        codes::STALE_OUTPUT,
        severity,
        format!("`{shown_root}/{env}` was generated for an environment that has no spec any more"),
    )
    .help(format!(
        "delete `{shown_root}/{env}`{until}, or restore its spec"
    ))
    // A finding needs a file: the folder's first generated one.
    .at_opt(
        crate::output::first_generated_file(out, env)
            .map(|rel| file_start(&out.full(Path::new(env)).join(rel))),
    )
}

fn write(
    settings: &Settings,
    shown_root: &str,
    rendered: &[Rendered],
    every_spec: bool,
) -> Result<Written, Problem> {
    let out = open_output(settings, true).map_err(|e| output_problem(shown_root, &e))?;
    let envs: Vec<crate::output::EnvFiles> = rendered
        .iter()
        .map(|r| crate::output::EnvFiles {
            environment: &r.environment,
            files: &r.files,
        })
        .collect();
    let report = match crate::output::write_all(&out, &envs) {
        Ok(r) => r,
        Err(e) => {
            let help = if e.replaced.is_empty() {
                format!(
                    "{}; nothing was replaced: every environment's previous output is unchanged",
                    e.help
                )
            } else {
                format!(
                    "{}; already replaced: {}; every other environment's previous output is unchanged, render again",
                    e.help,
                    e.replaced.join(", ")
                )
            };
            return Err(Problem::new(
                format!(
                    "cannot write `{shown_root}/{}`: {}",
                    e.environment, e.message
                ),
                help,
            ));
        }
    };
    // A removed environment's folder is left for the team to delete (it may hold Terraform
    // state or notes cachegen knows nothing of); `render --check` fails on it until then.
    // The output was written: a folder that cannot be listed now is no reason to fail.
    let orphans = if every_spec {
        orphaned(&out, rendered).unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut notices = Vec::new();
    for k in &report.kept {
        let files: Vec<String> = k
            .files
            .iter()
            .map(|f| format!("`{}`", f.to_string_lossy()))
            .collect();
        notices.push(
            Diagnostic::warning(
                codes::TEAM_FILES_KEPT_ASIDE,
                format!(
                    "`{}` keeps files written while the render ran that cachegen could not place{}",
                    display_path(&k.folder),
                    if files.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", files.join(", "))
                    }
                ),
            )
            .help("cachegen generates a file at each of these paths now: move what you need out of the kept folder, then delete it"),
        );
    }
    for r in rendered {
        let Ok(dir) = out.folder(Path::new(&r.environment), false) else {
            continue;
        };
        let Ok(entries) = dir.walk(Path::new("")) else {
            continue;
        };
        for (rel, what) in crate::output::loaded_extras(&dir, &entries, &r.files) {
            let name = format!("{shown_root}/{}/{}", r.environment, rel.to_string_lossy());
            notices.push(loaded_extra(Severity::Warning, &name, &what));
        }
    }
    Ok(Written {
        schemas: Vec::new(),
        environments: rendered
            .iter()
            .map(|r| WrittenEnvironment {
                environment: r.environment.clone(),
                source: r.source.clone(),
                files: r.files.len(),
            })
            .collect(),
        orphans: orphans
            .iter()
            .map(|env| orphan(Severity::Warning, &out, shown_root, env))
            .collect(),
        notices,
    })
}

/// A stale file's first differing line, as a place code scanning can show.
fn at_line(f: &crate::output::Stale) -> Location {
    let text = f.on_disk.clone().unwrap_or_default();
    let offset = text
        .split_inclusive('\n')
        .take(f.line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        .min(text.len());
    let file = SourceFile::new(f.path.clone(), f.name.clone(), text);
    let line_end = file.text()[offset..]
        .find('\n')
        .map_or(file.text().len(), |i| offset + i);
    Location::from_span(&file, offset..line_end)
}

/// The start of a file, for a finding about the file as a whole.
fn file_start(path: &Path) -> Location {
    Location::file_start(&SourceFile::new(
        path.to_path_buf(),
        display_path(path),
        String::new(),
    ))
}

fn compare(
    settings: &Settings,
    shown_root: &str,
    project_root: &Path,
    rendered: &[Rendered],
    every_spec: bool,
) -> Comparison {
    let mut found = Comparison {
        environments: rendered.len(),
        ..Comparison::default()
    };
    let out = match open_output(settings, false) {
        Ok(o) => Some(o),
        Err(e) if e.is_not_found() => None,
        Err(e) => {
            found.failure = Some(output_problem(shown_root, &e));
            return found;
        }
    };
    let drifts = crate::parallel::map(rendered, 32, |r| {
        let shown = format!("{shown_root}/{}", r.environment);
        let drift =
            crate::output::check_env(out.as_ref(), &r.environment, &shown, &r.source, &r.files);
        (shown, r.source.clone(), drift)
    });
    let stale = |what: String, at: Location| {
        Diagnostic::error(codes::STALE_OUTPUT, what)
            .at(at)
            .help("run `cachegen render` and commit the result")
    };
    for (shown, source, drift) in drifts {
        let d = match drift {
            Ok(d) => d,
            Err(e) => {
                found.failure = Some(Problem::new(
                    format!("cannot check `{shown}`: {e}"),
                    e.help(),
                ));
                return found;
            }
        };
        if d.is_clean() {
            continue;
        }
        found.changed += d.changed.len();
        found.missing += d.missing.len();
        found.extra += d.extra.len();
        found.not_generated += d.foreign.len() + d.loaded.len();
        found.diffs.push(d.report);
        for f in &d.changed {
            found.stale.push(stale(
                format!("`{}` differs from what {source} renders", f.name),
                at_line(f),
            ));
        }
        // A missing file is not in the repository: the finding points at the spec that
        // renders it.
        let spec = file_start(&project_root.join(&source));
        for f in &d.missing {
            found.stale.push(stale(
                format!("`{}` is missing; {source} renders it", f.name),
                spec.clone(),
            ));
        }
        for f in &d.extra {
            found.stale.push(stale(
                format!("`{}` is no longer produced by {source}", f.name),
                file_start(&f.path),
            ));
        }
        for (f, what) in &d.foreign {
            found.stale.push(
                Diagnostic::error(
                    codes::FOREIGN_OUTPUT_ENTRY,
                    format!("`{f}` is {what}, where {source} renders a file; cachegen neither reads nor replaces it"),
                )
                .help("remove it, then run `cachegen render` and commit the result"),
            );
        }
        for (f, what) in &d.loaded {
            found.stale.push(loaded_extra(Severity::Error, f, what));
        }
    }
    let Some(out) = out else {
        return found;
    };
    match crate::output::foreign_temporaries(&out) {
        Ok(list) => {
            for (path, what) in list {
                let name = display_path(&path);
                found.stale.push(
                    Diagnostic::error(
                        codes::FOREIGN_OUTPUT_ENTRY,
                        format!("`{name}` is {what} named like a cachegen temporary; cachegen never follows, moves or deletes it"),
                    )
                    .help("remove it: cachegen did not make it"),
                );
                found.foreign_temporaries.push(format!("{name} ({what})"));
            }
        }
        Err(e) => {
            found.failure = Some(Problem::new(e.to_string(), e.help()));
            return found;
        }
    }
    if every_spec {
        match orphaned(&out, rendered) {
            Ok(orphans) => {
                for env in orphans {
                    found
                        .stale
                        .push(orphan(Severity::Error, &out, shown_root, &env));
                    found.orphans.push(env);
                }
            }
            Err(problem) => found.failure = Some(problem),
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project;

    /// A project in a fresh folder with the shipped development environment (and its base).
    fn project_with_development(tag: &str) -> PathBuf {
        let root =
            std::env::temp_dir().join(format!("cachegen-app-render-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("environments");
        std::fs::create_dir_all(root.join("environments/development")).unwrap();
        for file in ["base.yaml", "development/cache.yaml"] {
            std::fs::copy(shipped.join(file), root.join("environments").join(file)).unwrap();
        }
        root
    }

    fn settings(root: &Path) -> Settings {
        Settings {
            project: project::discover(root).unwrap(),
            output: super::super::Folder {
                path: root.join("generated"),
                named_on_command_line: false,
            },
            templates: None,
            deny_warnings: false,
        }
    }

    /// The orphan policy: a folder whose spec is gone is left in place with a warning by a
    /// render, is stale under `--check`, and is not judged by a run over named specs.
    #[test]
    fn a_folder_without_a_spec_is_judged_only_over_every_spec() {
        let root = project_with_development("orphans");
        let mut s = settings(&root);
        let report = render(&s, &[], Mode::Write).unwrap();
        let Rendering::Written(w) = &report.rendering else {
            panic!("{:?}", report.rendering)
        };
        assert_eq!(w.environments.len(), 1);
        assert!(w.orphans.is_empty());
        assert_eq!(report.outcome(), Outcome::Clean);

        let generated = root.join("generated");
        std::fs::create_dir_all(generated.join("gone")).unwrap();
        std::fs::copy(
            generated.join("development/.env"),
            generated.join("gone/.env"),
        )
        .unwrap();

        let report = render(&s, &[], Mode::Write).unwrap();
        let Rendering::Written(w) = &report.rendering else {
            panic!("{:?}", report.rendering)
        };
        assert_eq!(w.orphans.len(), 1);
        assert_eq!(w.orphans[0].severity, Severity::Warning);
        assert!(generated.join("gone/.env").is_file(), "left for the team");
        assert_eq!(report.outcome(), Outcome::Clean);
        s.deny_warnings = true;
        assert_eq!(
            render(&s, &[], Mode::Write).unwrap().outcome(),
            Outcome::ToFix
        );
        s.deny_warnings = false;

        let report = render(&s, &[], Mode::Check).unwrap();
        let Rendering::Compared(c) = &report.rendering else {
            panic!("{:?}", report.rendering)
        };
        assert_eq!(c.orphans, ["gone"]);
        assert!(c.diffs.is_empty());
        assert_eq!((c.stale_environments(), c.extra_with_orphans()), (1, 1));
        assert_eq!(report.outcome(), Outcome::ToFix);

        let named = [root.join("environments/development/cache.yaml")];
        let report = render(&s, &named, Mode::Check).unwrap();
        let Rendering::Compared(c) = &report.rendering else {
            panic!("{:?}", report.rendering)
        };
        assert!(c.orphans.is_empty() && c.stale.is_empty());
        assert_eq!(report.outcome(), Outcome::Clean);
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// A spec with an error writes nothing, and the run is to fix, not undone.
    #[test]
    fn a_spec_with_errors_is_not_rendered() {
        let root = project_with_development("refused");
        let spec = root.join("environments/development/cache.yaml");
        let text = std::fs::read_to_string(&spec).unwrap();
        std::fs::write(&spec, text.replace("max_memory: 2gb", "max_memory: 1.5gb")).unwrap();
        let report = render(&settings(&root), &[], Mode::Write).unwrap();
        assert!(matches!(report.rendering, Rendering::Refused));
        assert_eq!(report.outcome(), Outcome::ToFix);
        assert!(!root.join("generated").exists());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
