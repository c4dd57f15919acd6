//! Project settings: an optional `cachegen.toml` at the repository root, found by walking up
//! from the working folder (like `Cargo.toml`). Keys that a command-line flag can also set
//! (`output`, `templates`, `deny_warnings`) are kept as the file says them; the command line
//! layers its flags over them, and the defaults under them, in one place (`cli::settings`).

pub mod version;

use crate::diagnostics::codes;
use crate::diagnostics::{Diagnostic, Location, Severity, SourceFile};
use crate::project_fs::Root;
use crate::rules::Overrides;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use version::{Requirement, Version};

pub const FILE_NAME: &str = "cachegen.toml";

/// Where the editor schemas live when `schema` does not say, relative to the project root.
pub const DEFAULT_SCHEMA_FOLDER: &str = "schema";

/// Where `render` writes when neither `--out` nor `output` says, relative to the project root.
pub const DEFAULT_OUTPUT: &str = "generated";

/// `cachegen.toml`, every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectFile {
    /// Folder that holds one folder per environment, each with a `cache.yaml` (default `environments`).
    pub environments: Option<String>,
    /// Folder the generated files go to, one folder per environment (default `generated`).
    pub output: Option<String>,
    /// Folder with templates that override the built-in ones, as `<target>/<file>.j2`.
    pub templates: Option<String>,
    /// Treat warnings as errors (exit 1 on any warning).
    pub deny_warnings: Option<bool>,
    /// Severity per rule code: `error`, `warning`, `note` or `off`.
    pub rules: Option<BTreeMap<String, String>>,
    /// Version constraints written into `versions.tf`.
    pub providers: Option<Providers>,
    /// The cachegen versions this project accepts, as Cargo writes a requirement
    /// (`=0.1.0`); any other version refuses to run.
    pub required_version: Option<toml::Spanned<String>>,
    /// Folder of the JSON Schemas editors read (default `schema`), kept up to date by
    /// `render` and compared by `render --check`; `false` leaves schemas to the team.
    pub schema: Option<SchemaFolder>,
}

/// `schema = "folder"` or `schema = false`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum SchemaFolder {
    Folder(String),
    Kept(bool),
}

#[derive(Clone, Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Providers {
    /// `required_version` of Terraform (default `>= 1.5`).
    pub terraform: Option<String>,
    /// hashicorp/aws (default `>= 5.100, < 6.0`).
    pub aws: Option<String>,
    /// hashicorp/azurerm (default `>= 4.55, < 5.0`).
    pub azurerm: Option<String>,
    /// hashicorp/google (default `>= 6.50, < 7.0`).
    pub google: Option<String>,
}

pub use crate::targets::ProviderVersions;

/// The project as `cachegen.toml` (or its absence) describes it: where things are, rule
/// severities, provider versions. Paths are resolved against the root.
#[derive(Clone, Debug)]
pub struct Project {
    /// The folder of `cachegen.toml`, or the working folder when there is none.
    pub root: PathBuf,
    /// Whether a `cachegen.toml` was found.
    pub has_file: bool,
    pub environments: PathBuf,
    pub overrides: Overrides,
    pub providers: ProviderVersions,
    /// `output`, when the file sets it (a flag may override it, so no default is applied here).
    pub output: Option<PathBuf>,
    /// `templates`, when the file sets it.
    pub templates: Option<PathBuf>,
    /// `deny_warnings`, when the file sets it.
    pub deny_warnings: Option<bool>,
    /// The folder whose schemas `render` keeps up to date: only in a project with a
    /// `cachegen.toml` (a folder without one has no known root to put them in), unless the
    /// file says `schema = false`.
    pub schema: Option<PathBuf>,
    /// The root of the git repository that holds the project (where code scanning resolves
    /// paths from), or the project root outside git.
    pub repository: PathBuf,
}

/// Largest `cachegen.toml` read, in bytes.
const MAX_PROJECT_FILE_BYTES: u64 = 1 << 20;

/// Find `cachegen.toml` from `start` upwards. Whatever holds the name marks the project's root
/// (a link or a folder named `cachegen.toml` too: loading it then says why it cannot be read),
/// so that a hostile entry cannot make cachegen look further up for another project.
pub fn find(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if crate::project_fs::kind_at(&candidate).is_some() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// Load the project settings found from `cwd`; problems in the file are diagnostics.
pub fn discover(cwd: &Path) -> Result<Project, Vec<Diagnostic>> {
    match find(cwd) {
        Some(file) => load(&file),
        None => Ok(defaults(cwd.to_path_buf(), false, ProjectFile::default())),
    }
}

fn defaults(root: PathBuf, has_file: bool, f: ProjectFile) -> Project {
    let mut providers = ProviderVersions::default();
    if let Some(p) = f.providers {
        if let Some(v) = p.terraform {
            providers.terraform = v;
        }
        if let Some(v) = p.aws {
            providers.aws = v;
        }
        if let Some(v) = p.azurerm {
            providers.azurerm = v;
        }
        if let Some(v) = p.google {
            providers.google = v;
        }
    }
    let schema = match (&f.schema, has_file) {
        (_, false) | (Some(SchemaFolder::Kept(false)), _) => None,
        (Some(SchemaFolder::Folder(dir)), true) => Some(root.join(dir)),
        (None | Some(SchemaFolder::Kept(true)), true) => Some(root.join(DEFAULT_SCHEMA_FOLDER)),
    };
    Project {
        repository: repository_root(&root).unwrap_or_else(|| root.clone()),
        schema,
        environments: root.join(f.environments.as_deref().unwrap_or("environments")),
        output: f.output.map(|o| root.join(o)),
        templates: f.templates.map(|t| root.join(t)),
        deny_warnings: f.deny_warnings,
        overrides: Overrides::new(),
        providers,
        root,
        has_file,
    }
}

pub fn load(path: &Path) -> Result<Project, Vec<Diagnostic>> {
    let root = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let name = path.file_name().map(PathBuf::from).unwrap_or_default();
    let text = Root::open(&root)
        .and_then(|r| r.read(&name, MAX_PROJECT_FILE_BYTES))
        .map_err(|e| {
            vec![Diagnostic::error(codes::PROJECT_SETTINGS, e.to_string()).help(e.help())]
        })?;
    let text = String::from_utf8(text).map_err(|_| {
        vec![
            Diagnostic::error(
                codes::PROJECT_SETTINGS,
                format!("`{}` is not UTF-8 text", crate::load::display_path(path)),
            )
            .help("save cachegen.toml as UTF-8"),
        ]
    })?;
    let file = SourceFile::new(path.to_path_buf(), crate::load::display_path(path), text);
    file.set_redactions(Vec::new());
    let parsed: ProjectFile = match toml::from_str(file.text()) {
        Ok(p) => p,
        Err(e) => {
            let loc = e
                .span()
                .map(|s| Location::from_span(&file, s))
                .unwrap_or_else(|| Location::file_start(&file));
            let msg = e.message().trim().to_string();
            let help = if msg.contains("unknown field") {
                "known keys: environments, output, templates, deny_warnings, required_version, schema, [rules], [providers] (terraform, aws, azurerm, google)"
            } else {
                "see docs/command-line.md, \"Project settings\", for every key"
            };
            return Err(vec![
                Diagnostic::error(codes::PROJECT_SETTINGS, format!("cachegen.toml: {msg}"))
                    .at(loc)
                    .help(help),
            ]);
        }
    };
    let rules = parsed.rules.clone().unwrap_or_default();
    let required = parsed.required_version.clone();
    let mut diags = Vec::new();
    // Folders the file names must be inside the project: a pull request that writes
    // `output = "/"` or `environments = "/proc/self/root/home"` must not lead cachegen out.
    let schema_folder = match &parsed.schema {
        Some(SchemaFolder::Folder(dir)) => Some(dir.clone()),
        _ => None,
    };
    for (key, value) in [
        ("environments", &parsed.environments),
        ("output", &parsed.output),
        ("templates", &parsed.templates),
        ("schema", &schema_folder),
    ] {
        if let Some(v) = value
            && crate::project_fs::join_written(Path::new(""), v).is_none()
        {
            diags.push(
                Diagnostic::error(
                    codes::PROJECT_SETTINGS,
                    format!("cachegen.toml: `{key}` must be a folder inside the project, not `{v}`"),
                )
                .at(locate_key(&file, key))
                .help("write a path relative to the folder of cachegen.toml that stays inside it (no absolute path, `~` or `..` above it); `--out` and `--templates` on the command line may name any folder"),
            );
        }
    }
    let mut project = defaults(root, true, parsed);
    if let Some(req) = required {
        let at = Location::from_span(&file, req.span());
        if let Err(d) = check_version(req.get_ref(), Version::current()) {
            diags.push(d.at(at));
        }
    }
    for (code, level) in rules {
        let known = crate::rules::catalog::rule(&code).is_some();
        let value = if level == "off" {
            Some(None)
        } else {
            Severity::parse(&level).map(Some)
        };
        match (known, value) {
            (true, Some(v)) => {
                project.overrides.insert(code, v);
            }
            (false, _) => diags.push(
                Diagnostic::error(
                    codes::PROJECT_SETTINGS,
                    format!("cachegen.toml: `[rules]` names `{code}`, which is not a rule"),
                )
                .at(locate_key(&file, &code))
                .help("`cachegen rules` lists every rule code"),
            ),
            (true, None) => diags.push(
                Diagnostic::error(
                    codes::PROJECT_SETTINGS,
                    format!("cachegen.toml: `{level}` is not a severity"),
                )
                .at(locate_key(&file, &code))
                .help("use `error`, `warning`, `note` or `off`"),
            ),
        }
    }
    if diags.is_empty() {
        Ok(project)
    } else {
        Err(diags)
    }
}

/// `required_version` against the running cachegen: a requirement that does not parse is a
/// mistake in the file, one that does not match refuses the run (both exit 2).
pub fn check_version(required: &str, running: Version) -> Result<(), Diagnostic> {
    let req = Requirement::parse(required).map_err(|why| {
        Diagnostic::error(
            codes::PROJECT_SETTINGS,
            format!("cachegen.toml: `required_version`: {why}"),
        )
        .help("write the version this project's output comes from, e.g. `required_version = \"=0.1.0\"`")
    })?;
    if req.matches(running) {
        return Ok(());
    }
    let install = match req.exact() {
        Some(v) => format!(
            "install cachegen {v} (`cargo install --locked --git <cachegen repository> --tag v{v} cachegen`)"
        ),
        None => format!("install a cachegen version that matches `{req}`"),
    };
    Err(Diagnostic::error(
        codes::CACHEGEN_VERSION_MISMATCH,
        format!("this project requires cachegen `{req}` (`required_version` in cachegen.toml), and this is cachegen {running}"),
    )
    .help(format!("{install}, or change `required_version` and render again, committing what changes")))
}

/// The root of the git repository that holds `start`: the nearest folder with a `.git` entry
/// (a folder, or the file of a worktree or submodule), as git finds it.
pub fn repository_root(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    start
        .ancestors()
        .find(|d| crate::project_fs::kind_at(&d.join(".git")).is_some())
        .map(Path::to_path_buf)
}

fn locate_key(file: &std::sync::Arc<SourceFile>, key: &str) -> Location {
    match file.text().find(key) {
        Some(i) => Location::from_span(file, i..i + key.len()),
        None => Location::file_start(file),
    }
}
