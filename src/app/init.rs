//! `cachegen init`: scaffold a project (settings pinned to this version, a first environment,
//! the editor schemas, `.gitignore` entries, the CI workflow where GitHub reads it). It never
//! overwrites a file.

use super::Problem;
use crate::load::display_path;
use crate::scaffold::{self, InitError};
use std::path::Path;

/// What `init` created, as the user names the files.
#[derive(Debug)]
pub struct Created {
    pub files: Vec<String>,
    /// The project's folder in its repository (`.` at the root).
    pub project_dir: String,
    /// The workflow, as the user names it.
    pub workflow: String,
    /// The workflow does not know where cachegen is installed from: the team fills it in.
    pub needs_git_url: bool,
}

pub fn init(dir: &Path) -> Result<Created, Problem> {
    match scaffold::init(dir) {
        Ok(done) => Ok(Created {
            files: done.files.iter().map(|f| display_path(f)).collect(),
            workflow: done
                .files
                .iter()
                .find(|f| f.ends_with(&done.workflow))
                .map(|f| display_path(f))
                .unwrap_or(done.workflow),
            project_dir: done.project_dir,
            needs_git_url: env!("CARGO_PKG_REPOSITORY").is_empty(),
        }),
        Err(InitError::Exists(paths)) => {
            let list: Vec<String> = paths.iter().map(|p| display_path(p)).collect();
            Err(Problem::new(
                format!("refusing to overwrite existing files: {}", list.join(", ")),
                "nothing was written; move them away or set the project up by hand",
            ))
        }
        Err(InitError::Fs(e)) => Err(Problem::new(e.to_string(), e.help())),
    }
}
