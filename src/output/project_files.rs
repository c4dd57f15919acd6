//! Files cachegen keeps up to date in the project itself, outside the environments' folders:
//! the editor schemas (`schema/cache.schema.json`, `schema/cache.partial.schema.json`). Each
//! is replaced atomically (a temporary file, flushed, renamed over it), only when its bytes
//! change, and never through a symbolic link: the folder and the file come from the
//! repository, and a pull request may have made either a link to somewhere else.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

/// A file of the project: its path relative to the project root, and its contents.
#[derive(Clone, Debug)]
pub struct ProjectFile {
    pub path: PathBuf,
    pub contents: String,
}

/// Larger files are not ours: a schema is under 100 KiB.
const MAX_BYTES: u64 = 4 * 1024 * 1024;

fn refused(what: &Path, why: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("`{}` {why}", what.display()),
    )
}

/// `root/rel`, checking that no folder on the way below `root` is a symbolic link or
/// something other than a folder. Folders that do not exist are created when `create`.
fn real_folder(root: &Path, rel: &Path, create: bool) -> io::Result<Option<PathBuf>> {
    let mut at = root.to_path_buf();
    for c in rel.components() {
        match c {
            Component::Normal(name) => at.push(name),
            Component::CurDir => continue,
            _ => return Err(refused(rel, "must be a folder inside the project")),
        }
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(refused(
                    &at,
                    "is a symbolic link; cachegen writes only real folders of the project",
                ));
            }
            Ok(m) if !m.is_dir() => return Err(refused(&at, "is not a folder")),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if !create {
                    return Ok(None);
                }
                fs::create_dir(&at)?;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(Some(at))
}

/// What `root/rel` holds now: `None` when it does not exist. A link, a folder, a device or a
/// FIFO in its place is an error, and so is a file too large to be ours.
pub fn read(root: &Path, rel: &Path) -> io::Result<Option<String>> {
    let Some(dir) = real_folder(root, rel.parent().unwrap_or(Path::new("")), false)? else {
        return Ok(None);
    };
    let path = dir.join(rel.file_name().unwrap_or_default());
    match fs::symlink_metadata(&path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
        Ok(m) if !m.is_file() => {
            return Err(refused(
                &path,
                "is not a regular file (a link, folder, device or FIFO)",
            ));
        }
        Ok(_) => {}
    }
    let file = open_no_follow(&path)?;
    if !file.metadata()?.is_file() {
        return Err(refused(&path, "is not a regular file"));
    }
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(refused(&path, "is larger than a file cachegen writes"));
    }
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> io::Result<fs::File> {
    fs::File::open(path)
}

/// Which of `files` differ from the disk (or are missing), with what the disk holds.
pub fn stale(root: &Path, files: &[ProjectFile]) -> io::Result<Vec<(ProjectFile, Option<String>)>> {
    let mut out = Vec::new();
    for f in files {
        let now = read(root, &f.path)?;
        if now.as_deref() != Some(f.contents.as_str()) {
            out.push((f.clone(), now));
        }
    }
    Ok(out)
}

/// Write every file whose bytes change; returns the files written.
pub fn write(root: &Path, files: &[ProjectFile]) -> io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (f, _) in stale(root, files)? {
        let dir =
            real_folder(root, f.path.parent().unwrap_or(Path::new("")), true)?.expect("created");
        let name = f
            .path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let tmp = dir.join(format!(".cachegen-tmp-{name}-{}", std::process::id()));
        let _ = fs::remove_file(&tmp);
        let result = (|| {
            let mut out = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)?;
            out.write_all(f.contents.as_bytes())?;
            out.sync_all()?;
            // rename replaces a link in the file's place rather than following it.
            fs::rename(&tmp, dir.join(&name))?;
            fs::File::open(&dir)?.sync_all()
        })();
        if let Err(e) = result {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        written.push(f.path.clone());
    }
    Ok(written)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

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
