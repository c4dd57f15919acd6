//! `cachegen init`: a new project for a platform team, with project settings that pin this
//! cachegen version, a first environment that validates clean, the editor schemas, .gitignore
//! entries for secrets and Terraform's working files, and the CI workflow. It never overwrites
//! a file.
//!
//! The project may be a folder of a larger repository (`cachegen init infra/cache`): GitHub
//! reads workflows only from `.github/workflows/` at the repository's root, so the workflow
//! goes there, named after the project's folder, and runs in that folder.

use crate::project_fs::{FsError, Root};
use std::path::{Path, PathBuf};

const SETTINGS: &str = include_str!("../templates/init/cachegen.toml");
const DEVELOPMENT: &str = include_str!("../templates/init/development.yaml");
const WORKFLOW: &str = include_str!("../templates/init/github-workflow.yml");
const GITIGNORE: &str = include_str!("../templates/init/gitignore");

/// Largest `.gitignore` read to append to, in bytes.
const MAX_GITIGNORE_BYTES: u64 = 1 << 20;

#[derive(Debug)]
pub enum InitError {
    /// These files exist already (as anything: a file, a folder, a link); nothing was written.
    Exists(Vec<PathBuf>),
    /// A path cannot be read or written safely (a link, a FIFO, a folder outside): nothing was
    /// written unless `written` says otherwise.
    Fs(FsError),
}

/// What `init` wrote.
#[derive(Debug)]
pub struct Initialized {
    /// Every file written (`dir` joined with each, or the repository root for the workflow).
    pub files: Vec<PathBuf>,
    /// The project's folder relative to the repository root (`.` at the root).
    pub project_dir: String,
    /// The workflow, relative to the repository root.
    pub workflow: String,
}

/// The CI workflow for a project in `project_dir` of its repository (`.` at the root), as
/// `init` writes it; `examples/github-actions/cachegen.yml` is the one for the root.
pub fn workflow(project_dir: &str) -> String {
    let at_root = project_dir == ".";
    let (name, paths, sarif, category) = if at_root {
        (
            "cachegen".to_string(),
            String::new(),
            "cachegen.sarif".to_string(),
            "cachegen".to_string(),
        )
    } else {
        (
            format!("cachegen ({project_dir})"),
            format!(
                "\n    paths: [{}, {}]",
                yaml_string(&format!("{project_dir}/**")),
                yaml_string(&format!(".github/workflows/{}", workflow_file(project_dir)))
            ),
            format!("{project_dir}/cachegen.sarif"),
            format!("cachegen/{project_dir}"),
        )
    };
    // The change-impact job's SARIF and category, beside the validate job's.
    let impact_sarif = sarif.replace("cachegen.sarif", "cachegen-impact.sarif");
    let impact_category = category.replacen("cachegen", "cachegen-impact", 1);
    WORKFLOW
        .replace("@NAME@", &yaml_string(&name))
        .replace("@PATHS@", &paths)
        .replace("@GIT@", env!("CARGO_PKG_REPOSITORY"))
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"))
        .replace("@DIR@", &yaml_string(project_dir))
        .replace("@SARIF@", &yaml_string(&sarif))
        .replace("@CATEGORY@", &yaml_string(&category))
        .replace("@IMPACT_SARIF@", &yaml_string(&impact_sarif))
        .replace("@IMPACT_CATEGORY@", &yaml_string(&impact_category))
        .replace(
            "@IMPACT_KEY@",
            &yaml_string(&format!("<!-- cachegen-impact for {project_dir} -->")),
        )
}

/// The workflow's file name: `cachegen.yml` for a project at the root, else one per project
/// folder (`cachegen-infra-cache.yml`), so that several projects can share a repository.
pub fn workflow_file(project_dir: &str) -> String {
    if project_dir == "." {
        return "cachegen.yml".into();
    }
    let slug: String = project_dir
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("cachegen-{slug}.yml")
}

/// A YAML double-quoted string for any folder name.
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string is JSON")
}

/// `cachegen.toml` as `init` writes it: pinned to this version.
pub fn settings() -> String {
    SETTINGS.replace("@VERSION@", env!("CARGO_PKG_VERSION"))
}

/// Scaffold `dir` (named on the command line; created when missing). Every file is written
/// through `project_fs`: new files only, through no symbolic link (a cloned repository may hold
/// a `.github` or `.gitignore` that is a link), and `.gitignore` is appended to only when it
/// is a regular file. Everything is checked before anything is written.
pub fn init(dir: &Path) -> Result<Initialized, InitError> {
    let project = Root::create(dir).map_err(InitError::Fs)?;
    let real = project.path().to_path_buf();
    let repository = crate::project::repository_root(&real).unwrap_or_else(|| real.clone());
    let rel = real
        .strip_prefix(&repository)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let project_dir = if rel.is_empty() { ".".to_string() } else { rel };
    // The workflow is written where GitHub reads it, named relative to where init was asked.
    // The repository root holds the folder the runner named: it is opened as a root of its
    // own, and nothing below it is followed either.
    let up: PathBuf = Path::new(&project_dir)
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|_| Path::new(".."))
        .collect();
    let workflow_rel = format!(".github/workflows/{}", workflow_file(&project_dir));
    let repo = Root::open(&repository).map_err(InitError::Fs)?;
    let schema_dir = Path::new("schema");
    // (root, path in it, path as the user names it, contents)
    let files: Vec<(&Root, PathBuf, PathBuf, String)> = vec![
        (
            &project,
            "cachegen.toml".into(),
            dir.join("cachegen.toml"),
            settings(),
        ),
        (
            &project,
            "environments/development/cache.yaml".into(),
            dir.join("environments/development/cache.yaml"),
            DEVELOPMENT.to_string(),
        ),
        (
            &project,
            schema_dir.join(crate::spec::schema::SPEC_FILE),
            dir.join(schema_dir).join(crate::spec::schema::SPEC_FILE),
            crate::spec::schema::text(),
        ),
        (
            &project,
            schema_dir.join(crate::spec::schema::PARTIAL_FILE),
            dir.join(schema_dir).join(crate::spec::schema::PARTIAL_FILE),
            crate::spec::schema::partial_text(),
        ),
        (
            &repo,
            PathBuf::from(&workflow_rel),
            dir.join(&up).join(&workflow_rel),
            workflow(&project_dir),
        ),
    ];
    let mut existing = Vec::new();
    for (root, rel, shown, _) in &files {
        if root.metadata(rel).map_err(InitError::Fs)?.is_some() {
            existing.push(shown.clone());
        }
    }
    if !existing.is_empty() {
        return Err(InitError::Exists(existing));
    }
    // .gitignore: a link or a FIFO is refused before anything is written.
    let gitignore = Gitignore::read(&project)?;
    let mut written = Vec::new();
    for (root, rel, shown, contents) in &files {
        // New files only: one that appeared since the check above is still not overwritten.
        root.write_new(rel, contents.as_bytes())
            .map_err(InitError::Fs)?;
        written.push(shown.clone());
    }
    if gitignore.update(&project)? {
        written.push(dir.join(".gitignore"));
    }
    Ok(Initialized {
        files: written,
        project_dir,
        workflow: workflow_rel,
    })
}

/// The project's `.gitignore` as it is before `init`.
struct Gitignore {
    current: Option<String>,
}

impl Gitignore {
    const NAME: &str = ".gitignore";

    fn read(root: &Root) -> Result<Gitignore, InitError> {
        let gi = Path::new(Self::NAME);
        let current = match root.metadata(gi).map_err(InitError::Fs)? {
            None => None,
            Some(_) => {
                let bytes = root.read(gi, MAX_GITIGNORE_BYTES).map_err(InitError::Fs)?;
                Some(String::from_utf8_lossy(&bytes).into_owned())
            }
        };
        Ok(Gitignore { current })
    }

    /// Append the block of what is missing (with its comments), keep what is there. Whether
    /// anything was written.
    fn update(&self, root: &Root) -> Result<bool, InitError> {
        let current = self.current.as_deref().unwrap_or_default();
        let has = |l: &str| current.lines().any(|c| c.trim() == l.trim());
        let missing = GITIGNORE
            .lines()
            .any(|l| !l.starts_with('#') && !l.trim().is_empty() && !has(l));
        if !missing {
            return Ok(false);
        }
        let mut add = String::new();
        if !current.is_empty() && !current.ends_with('\n') {
            add.push('\n');
        }
        for l in GITIGNORE.lines() {
            if l.starts_with('#') || l.trim().is_empty() || !has(l) {
                add.push_str(l);
                add.push('\n');
            }
        }
        let gi = Path::new(Self::NAME);
        match self.current {
            Some(_) => root.append(gi, add.as_bytes()),
            None => root.write_new(gi, add.as_bytes()),
        }
        .map_err(InitError::Fs)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_workflow_file_per_project_folder() {
        assert_eq!(workflow_file("."), "cachegen.yml");
        assert_eq!(workflow_file("infra/cache"), "cachegen-infra-cache.yml");
        assert_eq!(
            workflow_file("Infra/My Cache/"),
            "cachegen-infra-my-cache.yml"
        );
    }

    #[test]
    fn a_workflow_for_a_folder_runs_there_and_only_for_it() {
        let w = workflow("infra/cache");
        assert!(w.contains("working-directory: \"infra/cache\""), "{w}");
        assert!(
            w.contains(
                "paths: [\"infra/cache/**\", \".github/workflows/cachegen-infra-cache.yml\"]"
            ),
            "{w}"
        );
        assert!(
            w.contains("sarif_file: \"infra/cache/cachegen.sarif\""),
            "{w}"
        );
        assert!(w.contains("category: \"cachegen/infra/cache\""), "{w}");
        for placeholder in [
            "@NAME@",
            "@PATHS@",
            "@GIT@",
            "@VERSION@",
            "@DIR@",
            "@SARIF@",
            "@CATEGORY@",
            "@IMPACT_SARIF@",
            "@IMPACT_CATEGORY@",
            "@IMPACT_KEY@",
        ] {
            assert!(!w.contains(placeholder), "{placeholder} is filled: {w}");
        }
    }
}
