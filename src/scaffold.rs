//! `cachegen init`: a new repository for a platform team, with project settings, a first
//! environment that validates clean, the schema for editors, .gitignore entries for secrets,
//! and the CI workflow. It never overwrites a file.

use std::path::{Path, PathBuf};

const FILES: &[(&str, &str)] = &[
    (
        "cachegen.toml",
        include_str!("../templates/init/cachegen.toml"),
    ),
    (
        "environments/development/cache.yaml",
        include_str!("../templates/init/development.yaml"),
    ),
    (
        ".github/workflows/cachegen.yml",
        include_str!("../examples/github-actions/cachegen.yml"),
    ),
];

const GITIGNORE: &str = include_str!("../templates/init/gitignore");

#[derive(Debug)]
pub enum InitError {
    /// These files exist already; nothing was written.
    Exists(Vec<PathBuf>),
    Io(PathBuf, std::io::Error),
}

/// Scaffold `dir`. Returns the files written (relative to `dir`).
pub fn init(dir: &Path) -> Result<Vec<String>, InitError> {
    let schema = crate::spec::schema::text();
    let mut files: Vec<(String, String)> = FILES
        .iter()
        .map(|(p, c)| (p.to_string(), c.to_string()))
        .collect();
    files.push(("schema/cache.schema.json".into(), schema));
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|(p, _)| dir.join(p))
        .filter(|p| p.exists())
        .collect();
    if !existing.is_empty() {
        return Err(InitError::Exists(existing));
    }
    let mut written = Vec::new();
    for (rel, contents) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| InitError::Io(parent.to_path_buf(), e))?;
        }
        // create_new: a file that appeared since the check above is still not overwritten.
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| InitError::Io(path.clone(), e))?;
        std::io::Write::write_all(&mut f, contents.as_bytes())
            .map_err(|e| InitError::Io(path.clone(), e))?;
        written.push(rel.clone());
    }
    // .gitignore: append what is missing, keep what is there.
    let gi = dir.join(".gitignore");
    let current = std::fs::read_to_string(&gi).unwrap_or_default();
    let missing: Vec<&str> = GITIGNORE
        .lines()
        .filter(|l| {
            !l.starts_with('#')
                && !l.trim().is_empty()
                && !current.lines().any(|c| c.trim() == l.trim())
        })
        .collect();
    if !missing.is_empty() {
        let mut text = current.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(GITIGNORE.lines().next().unwrap_or("# cachegen"));
        text.push('\n');
        for l in missing {
            text.push_str(l);
            text.push('\n');
        }
        std::fs::write(&gi, text).map_err(|e| InitError::Io(gi.clone(), e))?;
        written.push(".gitignore".into());
    }
    Ok(written)
}
