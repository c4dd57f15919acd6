//! Files cachegen keeps up to date in the project itself, outside the environments' folders:
//! the editor schemas (`schema/cache.schema.json`, `schema/cache.partial.schema.json`). Each
//! is replaced atomically (a temporary file, flushed, renamed over it), only when its bytes
//! change, and never through a symbolic link: the folder and the file come from the
//! repository, and a pull request may have made either a link to somewhere else.

use crate::project_fs::{FsError, Move, Root};
use std::io;
use std::path::{Path, PathBuf};

/// A file of the project: its path relative to the project root, and its contents.
#[derive(Clone, Debug)]
pub struct ProjectFile {
    pub path: PathBuf,
    pub contents: String,
}

/// Larger files are not ours: a schema is under 100 KiB.
const MAX_BYTES: u64 = 4 * 1024 * 1024;

/// What `root/rel` holds now: `None` when it does not exist. A link (there or on the way), a
/// folder, a device or a FIFO in its place is an error, and so is a file too large to be ours
/// (`project_fs` reads nothing else).
pub fn read(root: &Path, rel: &Path) -> io::Result<Option<String>> {
    read_in(&Root::open(root).map_err(FsError::into_io)?, rel)
}

fn read_in(root: &Root, rel: &Path) -> io::Result<Option<String>> {
    match root.read(rel, MAX_BYTES) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e.into_io()),
    }
}

/// Which of `files` differ from the disk (or are missing), with what the disk holds.
pub fn stale(root: &Path, files: &[ProjectFile]) -> io::Result<Vec<(ProjectFile, Option<String>)>> {
    let root = Root::open(root).map_err(FsError::into_io)?;
    let mut out = Vec::new();
    for f in files {
        let now = read_in(&root, &f.path)?;
        if now.as_deref() != Some(f.contents.as_str()) {
            out.push((f.clone(), now));
        }
    }
    Ok(out)
}

/// Write every file whose bytes change; returns the files written. Each is written to a new
/// temporary file next to it, flushed, and renamed over it (a rename replaces a name, it
/// follows nothing); a link in its place was refused when it was read.
pub fn write(root: &Path, files: &[ProjectFile]) -> io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let changed = stale(root, files)?;
    let root = Root::open(root).map_err(FsError::into_io)?;
    for (f, _) in changed {
        let dir = root
            .folder(f.path.parent().unwrap_or(Path::new("")), true)
            .map_err(FsError::into_io)?;
        let name = PathBuf::from(f.path.file_name().unwrap_or_default());
        let tmp = PathBuf::from(format!(
            ".cachegen-tmp-{}-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        let _ = dir.remove_file(&tmp);
        let result = dir
            .write_new(&tmp, f.contents.as_bytes())
            .and_then(|()| dir.sync_all())
            .and_then(|()| dir.rename_to(&tmp, &dir, &name, Move::Replace))
            .and_then(|()| dir.sync_folder());
        if let Err(e) = result {
            let _ = dir.remove_file(&tmp);
            return Err(e.into_io());
        }
        written.push(f.path.clone());
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn tmp(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "cachegen-project-files-{tag}-{}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn written_once_then_up_to_date() {
        let root = tmp("write");
        let files = [ProjectFile {
            path: PathBuf::from("schema/a.json"),
            contents: "{}\n".into(),
        }];
        assert_eq!(stale(&root, &files).unwrap().len(), 1);
        assert_eq!(write(&root, &files).unwrap().len(), 1);
        assert_eq!(
            fs::read_to_string(root.join("schema/a.json")).unwrap(),
            "{}\n"
        );
        assert!(stale(&root, &files).unwrap().is_empty());
        assert!(write(&root, &files).unwrap().is_empty(), "nothing to write");
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn links_are_never_followed() {
        let root = tmp("links");
        let outside = tmp("links-outside");
        fs::write(outside.join("a.json"), "secret\n").unwrap();
        let files = [ProjectFile {
            path: PathBuf::from("schema/a.json"),
            contents: "{}\n".into(),
        }];
        // The folder is a link out of the project.
        std::os::unix::fs::symlink(&outside, root.join("schema")).unwrap();
        assert!(read(&root, Path::new("schema/a.json")).is_err());
        assert!(write(&root, &files).is_err());
        assert_eq!(
            fs::read_to_string(outside.join("a.json")).unwrap(),
            "secret\n"
        );
        // The file is a link out of the project: it is neither read nor written through.
        fs::remove_file(root.join("schema")).unwrap();
        fs::create_dir(root.join("schema")).unwrap();
        std::os::unix::fs::symlink(outside.join("a.json"), root.join("schema/a.json")).unwrap();
        assert!(read(&root, Path::new("schema/a.json")).is_err());
        assert!(write(&root, &files).is_err());
        assert_eq!(
            fs::read_to_string(outside.join("a.json")).unwrap(),
            "secret\n"
        );
        fs::remove_dir_all(&root).unwrap();
        fs::remove_dir_all(&outside).unwrap();
    }
}
