//! `cachegen init`: a new repository for a platform team, with project settings, a first
//! environment that validates clean, the schema for editors, .gitignore entries for secrets,
//! and the CI workflow. It never overwrites a file.

use crate::project_fs::{FsError, Root};
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

/// Scaffold `dir` (named on the command line; created when missing). Every file is written
/// through `project_fs`: new files only, through no symbolic link (a cloned repository may hold
/// a `.github` or `.gitignore` that is a link), and `.gitignore` is appended to only when it
/// is a regular file. Everything is checked before anything is written. Returns the files
/// written (relative to `dir`).
pub fn init(dir: &Path) -> Result<Vec<String>, InitError> {
    let schema = crate::spec::schema::text();
    let mut files: Vec<(String, String)> = FILES
        .iter()
        .map(|(p, c)| (p.to_string(), c.to_string()))
        .collect();
    files.push(("schema/cache.schema.json".into(), schema));
    let root = Root::create(dir).map_err(InitError::Fs)?;
    let mut existing = Vec::new();
    for (rel, _) in &files {
        if root
            .metadata(Path::new(rel))
            .map_err(InitError::Fs)?
            .is_some()
        {
            existing.push(dir.join(rel));
        }
    }
    if !existing.is_empty() {
        return Err(InitError::Exists(existing));
    }
    // .gitignore: append what is missing, keep what is there; a link or a FIFO is refused
    // before anything is written.
    let gi = Path::new(".gitignore");
    let current = match root.metadata(gi).map_err(InitError::Fs)? {
        None => None,
        Some(_) => {
            let bytes = root.read(gi, MAX_GITIGNORE_BYTES).map_err(InitError::Fs)?;
            Some(String::from_utf8_lossy(&bytes).into_owned())
        }
    };
    let mut written = Vec::new();
    for (rel, contents) in &files {
        // New files only: one that appeared since the check above is still not overwritten.
        root.write_new(Path::new(rel), contents.as_bytes())
            .map_err(InitError::Fs)?;
        written.push(rel.clone());
    }
    let text = current.clone().unwrap_or_default();
    let missing: Vec<&str> = GITIGNORE
        .lines()
        .filter(|l| {
            !l.starts_with('#')
                && !l.trim().is_empty()
                && !text.lines().any(|c| c.trim() == l.trim())
        })
        .collect();
    if !missing.is_empty() {
        let mut add = String::new();
        if !text.is_empty() && !text.ends_with('\n') {
            add.push('\n');
        }
        add.push_str(GITIGNORE.lines().next().unwrap_or("# cachegen"));
        add.push('\n');
        for l in missing {
            add.push_str(l);
            add.push('\n');
        }
        match current {
            Some(_) => root.append(gi, add.as_bytes()),
            None => root.write_new(gi, add.as_bytes()),
        }
        .map_err(InitError::Fs)?;
        written.push(".gitignore".into());
    }
    Ok(written)
}
