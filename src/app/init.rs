//! `cachegen init`: scaffold a project (settings, a first environment, the schema for
//! editors, `.gitignore` entries, the CI workflow). It never overwrites a file.

use super::Problem;
use crate::load::display_path;
use crate::scaffold::{self, InitError};
use std::path::Path;

/// The files `init` created, as the user names them (`dir` joined with each).
#[derive(Debug)]
pub struct Created {
    pub files: Vec<String>,
}

pub fn init(dir: &Path) -> Result<Created, Problem> {
    match scaffold::init(dir) {
        Ok(written) => Ok(Created {
            files: written.iter().map(|f| display_path(&dir.join(f))).collect(),
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
