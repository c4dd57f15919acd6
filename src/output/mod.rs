//! Writing and checking generated files. Each environment's folder is replaced as a whole:
//! files are written into a temporary sibling, flushed, and swapped in with one atomic
//! rename, so a failed or killed run leaves either the old folder or the new one, never a
//! mix; generated files no longer produced disappear with the old folder. `--check` writes
//! nothing and diffs what would be written against the disk.
//!
//! The folder is shared with the team (Terraform's working files, TLS keys): see `team` for
//! how their files survive the swap.

mod check;
pub mod project_files;
pub mod team;

pub use check::{Drift, Stale, check_env, first_difference};
pub use team::is_generated;

use crate::targets::OutFile;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Prefix of the temporary folders a render works in (hidden, next to the environment folders).
const TMP_PREFIX: &str = ".cachegen-tmp-";

/// One environment's rendered files.
pub struct EnvFiles<'a> {
    pub environment: &'a str,
    pub files: &'a [OutFile],
}

/// Why a render could not be written, and which environment it was at.
#[derive(Debug)]
pub struct WriteError {
    pub environment: String,
    pub error: io::Error,
    /// Environments already swapped in when the error happened (their new output is in
    /// place); every other folder is as it was.
    pub replaced: Vec<String>,
}

/// Write one environment's files into `out/<environment>/`, replacing the folder atomically.
pub fn write_env(out: &Path, environment: &str, files: &[OutFile]) -> io::Result<()> {
    write_all(out, &[EnvFiles { environment, files }]).map_err(|e| e.error)
}

/// Write every environment into `out/<environment>/`. A folder that already holds exactly
/// its files is left untouched. The others are written into temporary folders and flushed to
/// disk first (one `syncfs` for the whole run, not one `fsync` per file); only then is each
/// folder swapped in, atomically. A failure while writing (a full disk, a read-only folder)
/// therefore leaves every folder as it was.
pub fn write_all(out: &Path, envs: &[EnvFiles]) -> Result<(), WriteError> {
    let first = envs.first().map(|e| e.environment).unwrap_or("");
    fs::create_dir_all(out).map_err(at(first))?;
    for e in envs {
        // The folder is cachegen's own; a file or link in its place is not swapped away.
        if let Ok(meta) = fs::symlink_metadata(out.join(e.environment))
            && !meta.is_dir()
        {
            return Err(at(e.environment)(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("`{}` exists and is not a folder", e.environment),
            )));
        }
    }
    remove_stale_temporaries(out, envs);
    // A folder that already holds exactly these files is left alone: no I/O, mtimes kept.
    let fresh = crate::parallel::map(envs, 32, |e| up_to_date(&out.join(e.environment), e.files));
    let changed: Vec<&EnvFiles> = envs
        .iter()
        .zip(fresh)
        .filter(|(_, f)| !f)
        .map(|(e, _)| e)
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    let envs = changed;

    let pid = std::process::id();
    let stamp = unique();
    let temporaries: Vec<PathBuf> = envs
        .iter()
        .map(|e| out.join(format!("{TMP_PREFIX}{}-{pid}-{stamp}", e.environment)))
        .collect();
    let written =
        fill_all(&envs, &temporaries).and_then(|()| flush(out, &temporaries).map_err(at(first)));
    if let Err(e) = written {
        for t in &temporaries {
            let _ = fs::remove_dir_all(t);
        }
        return Err(e);
    }
    let mut replaced = Vec::new();
    for (e, tmp) in envs.iter().zip(&temporaries) {
        if let Err(err) = swap_in(tmp, &out.join(e.environment)) {
            let _ = fs::remove_dir_all(tmp);
            return Err(WriteError {
                replaced,
                ..at(e.environment)(err)
            });
        }
        replaced.push(e.environment.to_string());
    }
    sync_dir(out).map_err(|error| WriteError {
        replaced,
        ..at(first)(error)
    })
}

/// Whether `dir` holds exactly `files`, byte for byte, and no other generated file (the
/// team's own files do not count).
fn up_to_date(dir: &Path, files: &[OutFile]) -> bool {
    match list_files(dir) {
        Ok(on_disk) => {
            on_disk.len() >= files.len()
                && files.iter().all(|f| {
                    on_disk.binary_search(&f.path).is_ok()
                        && fs::read(dir.join(&f.path)).is_ok_and(|b| b == f.contents.as_bytes())
                })
                && on_disk
                    .iter()
                    .filter(|rel| !files.iter().any(|f| &f.path == *rel))
                    .all(|rel| !is_generated(&dir.join(rel)))
        }
        Err(_) => false,
    }
}

/// A `map_err` that names the environment.
fn at(environment: &str) -> impl Fn(io::Error) -> WriteError + '_ {
    move |error| WriteError {
        environment: environment.to_string(),
        error,
        replaced: Vec::new(),
    }
}

/// Fill the temporary folders, spread over the cores when there are many.
fn fill_all(envs: &[&EnvFiles], temporaries: &[PathBuf]) -> Result<(), WriteError> {
    let one = |(e, tmp): (&&EnvFiles, &PathBuf)| {
        fs::create_dir(tmp)
            .and_then(|()| fill(tmp, e.files))
            // The temporary is a sibling of the environment's folder.
            .and_then(|()| team::carry_over(&tmp.with_file_name(e.environment), tmp, e.files))
            .map_err(at(e.environment))
    };
    let pairs: Vec<(&&EnvFiles, &PathBuf)> = envs.iter().zip(temporaries).collect();
    crate::parallel::map(&pairs, 32, |p| one(*p))
        .into_iter()
        .collect()
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

fn fill(dir: &Path, files: &[OutFile]) -> io::Result<()> {
    let mut dirs: Vec<PathBuf> = vec![dir.to_path_buf()];
    for f in files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent()
            && !dirs.iter().any(|d| d == parent)
        {
            fs::create_dir_all(parent)?;
            dirs.push(parent.to_path_buf());
        }
        let mut file = fs::File::create(&path)?;
        file.write_all(f.contents.as_bytes())?;
    }
    Ok(())
}

/// Make the written files durable before any folder is swapped in. On Linux one `syncfs` of
/// the output's file system; elsewhere every file and folder is synced.
#[cfg(target_os = "linux")]
fn flush(out: &Path, _temporaries: &[PathBuf]) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let dir = fs::File::open(out)?;
    // SAFETY: the descriptor is open for the duration of the call.
    if unsafe { libc::syncfs(dir.as_raw_fd()) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn flush(_out: &Path, temporaries: &[PathBuf]) -> io::Result<()> {
    for t in temporaries {
        for rel in list_files(t)? {
            fs::File::open(t.join(rel))?.sync_all()?;
        }
        sync_dir(t)?;
    }
    Ok(())
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    match fs::File::open(dir) {
        Ok(f) => f.sync_all().or(Ok(())),
        Err(e) => Err(e),
    }
}

/// Put `tmp` at `target`. On Linux the two are exchanged in one step (renameat2 with
/// RENAME_EXCHANGE), then the old folder, now at `tmp`, is removed.
fn swap_in(tmp: &Path, target: &Path) -> io::Result<()> {
    if !target.exists() {
        match fs::rename(tmp, target) {
            Ok(()) => return Ok(()),
            // Another render created it meanwhile: exchange with that one instead.
            Err(_) if target.exists() => {}
            Err(e) => return Err(e),
        }
    }
    exchange(tmp, target)?;
    // The new folder is in place. What the team wrote into the old one meanwhile moves over;
    // should that fail, the old folder stays as a hidden temporary that the next render
    // retires again (the swap itself succeeded).
    let _ = team::retire(tmp, target);
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: both paths are valid NUL-terminated strings for the duration of the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Elsewhere: move the old folder aside, then the new one in (a short window without it).
#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    let aside = a.with_extension("old");
    fs::rename(b, &aside)?;
    fs::rename(a, b)?;
    fs::rename(&aside, a)
}

/// Temporary folders of these environments left by killed runs, whose process is gone. One
/// listing of the output folder for the whole run.
fn remove_stale_temporaries(out: &Path, envs: &[EnvFiles]) {
    let Ok(entries) = fs::read_dir(out) else {
        return;
    };
    let names: std::collections::HashSet<&str> = envs.iter().map(|e| e.environment).collect();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(TMP_PREFIX) else {
            continue;
        };
        let Some(env) = rest.rsplitn(3, '-').nth(2) else {
            continue;
        };
        if names.contains(env) && temporary_owner(&name, env).is_some_and(|p| !process_alive(p)) {
            // A killed run's folder may be the previous output (killed after the swap) with
            // files the team wrote meanwhile: they move into the environment's folder first.
            let _ = team::retire(&e.path(), &out.join(env));
        }
    }
}

/// The pid that made `name`, when it is a temporary folder of exactly `environment`
/// (`.cachegen-tmp-<environment>-<pid>-<nanos>`). Parsed from the right: environment `prod`
/// must not take `.cachegen-tmp-prod-2-<pid>-<nanos>` of environment `prod-2` for its own.
fn temporary_owner(name: &str, environment: &str) -> Option<u32> {
    let rest = name.strip_prefix(TMP_PREFIX)?;
    let mut parts = rest.rsplitn(3, '-');
    let nanos = parts.next()?;
    let pid = parts.next()?;
    let env = parts.next()?;
    (env == environment && nanos.bytes().all(|b| b.is_ascii_digit()))
        .then(|| pid.parse().ok())
        .flatten()
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid as libc::pid_t, 0) };
    rc == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// Every file under `dir`, as paths relative to it with `/`, sorted.
/// Folders directly under `out` that are not among `known` environments and that hold a file
/// cachegen generated (someone else's folder, without one, is never reported).
pub fn orphaned_environments(out: &Path, known: &[&str]) -> io::Result<Vec<String>> {
    let entries = match fs::read_dir(out) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut found: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.') && !known.contains(&name.as_str()))
        .filter(|name| team::holds_generated(&out.join(name)))
        .collect();
    found.sort();
    Ok(found)
}

/// Largest generated file read back (a record is a few hundred bytes).
const MAX_READ_BACK: u64 = 64 * 1024;

/// A file cachegen generated in `out/<environment>/`, read back: `None` when it is not there.
/// Only a regular file is read (a link, FIFO or device in its place is an error, never
/// followed or opened for long), and never more than a bounded size: the folder may come
/// from anyone's pull request.
pub fn read_generated(out: &Path, environment: &str, name: &str) -> Result<Option<String>, String> {
    use std::io::Read;
    let path = out.join(environment).join(name);
    for dir in [out.to_path_buf(), out.join(environment)] {
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(format!("`{}` is not a folder", dir.display())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.to_string()),
        }
    }
    match fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() && m.len() <= MAX_READ_BACK => {}
        Ok(m) if m.is_file() => return Err(format!("`{name}` is larger than it can be")),
        Ok(_) => return Err(format!("`{name}` is not a regular file")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    }
    #[cfg(unix)]
    let file = {
        use std::os::unix::fs::OpenOptionsExt;
        fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
            .open(&path)
    };
    #[cfg(not(unix))]
    let file = fs::File::open(&path);
    let file = file.map_err(|e| e.to_string())?;
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(format!("`{name}` is not a regular file"));
    }
    let mut text = String::new();
    file.take(MAX_READ_BACK)
        .read_to_string(&mut text)
        .map_err(|e| format!("`{name}`: {e}"))?;
    Ok(Some(text))
}

/// The folders directly under `out` (not links), sorted: where environments were rendered.
pub fn environment_folders(out: &Path) -> Vec<String> {
    let mut found: Vec<String> = fs::read_dir(out)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .collect();
    found.sort();
    found
}

/// The first file cachegen generated in `dir` (sorted), relative to it: what a finding about
/// the whole folder points at.
pub fn first_generated_file(dir: &Path) -> Option<String> {
    list_files(dir)
        .ok()?
        .into_iter()
        .find(|rel| is_generated(&dir.join(rel)))
}

pub fn list_files(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound && d == dir => return Ok(out),
            Err(e) => return Err(e),
        };
        for e in entries {
            let e = e?;
            let ty = e.file_type()?;
            if ty.is_dir() {
                stack.push(e.path());
            } else {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|_| e.path());
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::temporary_owner;

    #[test]
    fn temporaries_belong_to_exactly_one_environment() {
        assert_eq!(
            temporary_owner(".cachegen-tmp-prod-42-1700", "prod"),
            Some(42)
        );
        assert_eq!(
            temporary_owner(".cachegen-tmp-prod-2-42-1700", "prod"),
            None
        );
        assert_eq!(
            temporary_owner(".cachegen-tmp-prod-2-42-1700", "prod-2"),
            Some(42)
        );
        assert_eq!(temporary_owner(".cachegen-tmp-prod-x-1700", "prod"), None);
        assert_eq!(temporary_owner("prod", "prod"), None);
    }
}
