//! `cachegen init`: a new project for a platform team, with project settings that pin this
//! cachegen version, a first environment that validates clean, the editor schemas, .gitignore
//! entries for secrets and Terraform's working files, and the CI workflow. It never overwrites
//! a file.
//!
//! The project may be a folder of a larger repository (`cachegen init infra/cache`): GitHub
//! reads workflows only from `.github/workflows/` at the repository's root, so the workflow
//! goes there, named after the project's folder, and runs in that folder.

use std::path::{Path, PathBuf};

const SETTINGS: &str = include_str!("../templates/init/cachegen.toml");
const DEVELOPMENT: &str = include_str!("../templates/init/development.yaml");
const WORKFLOW: &str = include_str!("../templates/init/github-workflow.yml");
const GITIGNORE: &str = include_str!("../templates/init/gitignore");

#[derive(Debug)]
pub enum InitError {
    /// These files exist already; nothing was written.
    Exists(Vec<PathBuf>),
    Io(PathBuf, std::io::Error),
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

/// Scaffold `dir`.
pub fn init(dir: &Path) -> Result<Initialized, InitError> {
    std::fs::create_dir_all(dir).map_err(|e| InitError::Io(dir.to_path_buf(), e))?;
    let real = std::fs::canonicalize(dir).map_err(|e| InitError::Io(dir.to_path_buf(), e))?;
    let repository = crate::project::repository_root(&real).unwrap_or_else(|| real.clone());
    let rel = real
        .strip_prefix(&repository)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let project_dir = if rel.is_empty() { ".".to_string() } else { rel };
    // The workflow is written where GitHub reads it, named relative to where init was asked.
    let up: PathBuf = Path::new(&project_dir)
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|_| Path::new(".."))
        .collect();
    let workflow_rel = format!(".github/workflows/{}", workflow_file(&project_dir));
    let schema = crate::spec::schema::text();
    let partial = crate::spec::schema::partial_text();
    let files: Vec<(PathBuf, String)> = vec![
        (dir.join("cachegen.toml"), settings()),
        (
            dir.join("environments/development/cache.yaml"),
            DEVELOPMENT.to_string(),
        ),
        (
            dir.join("schema").join(crate::spec::schema::SPEC_FILE),
            schema,
        ),
        (
            dir.join("schema").join(crate::spec::schema::PARTIAL_FILE),
            partial,
        ),
        (dir.join(&up).join(&workflow_rel), workflow(&project_dir)),
    ];
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|(p, _)| p.clone())
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .collect();
    if !existing.is_empty() {
        return Err(InitError::Exists(existing));
    }
    let mut written = Vec::new();
    for (path, contents) in &files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| InitError::Io(parent.to_path_buf(), e))?;
        }
        // create_new: a file (or link) that appeared since the check above is still not
        // overwritten, nor followed.
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| InitError::Io(path.clone(), e))?;
        std::io::Write::write_all(&mut f, contents.as_bytes())
            .map_err(|e| InitError::Io(path.clone(), e))?;
        written.push(path.clone());
    }
    if let Some(gi) = gitignore(dir)? {
        written.push(gi);
    }
    Ok(Initialized {
        files: written,
        project_dir,
        workflow: workflow_rel,
    })
}

/// `.gitignore`: append the block of what is missing (with its comments), keep what is there.
fn gitignore(dir: &Path) -> Result<Option<PathBuf>, InitError> {
    let gi = dir.join(".gitignore");
    if std::fs::symlink_metadata(&gi).is_ok_and(|m| !m.is_file()) {
        return Err(InitError::Io(
            gi,
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"),
        ));
    }
    let current = std::fs::read_to_string(&gi).unwrap_or_default();
    let has = |l: &str| current.lines().any(|c| c.trim() == l.trim());
    let missing = GITIGNORE
        .lines()
        .any(|l| !l.starts_with('#') && !l.trim().is_empty() && !has(l));
    if !missing {
        return Ok(None);
    }
    let mut text = current.clone();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    for l in GITIGNORE.lines() {
        if l.starts_with('#') || l.trim().is_empty() || !has(l) {
            text.push_str(l);
            text.push('\n');
        }
    }
    std::fs::write(&gi, text).map_err(|e| InitError::Io(gi.clone(), e))?;
    Ok(Some(gi))
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
