//! Writing and checking generated files. Each environment's folder is replaced as a whole:
//! files are written into a temporary sibling, flushed, and swapped in with one atomic
//! rename, so a failed or killed run leaves either the old folder or the new one, never a
//! mix; generated files no longer produced disappear with the old folder. `--check` writes
//! nothing and diffs what would be written against the disk.
//!
//! Everything goes through `project_fs`, from the output folder held open: no link below it is
//! followed (a link where cachegen writes is refused, naming it), and only cachegen's own files
//! are replaced or deleted (`team` says which those are, and how the team's files survive the
//! swap). Temporaries are recognised only as real folders of this user whose process is gone;
//! anything else with their name is reported, never moved or deleted.

mod check;
pub mod project_files;
pub mod team;

pub use check::{Drift, Stale, check_env, first_difference, loaded_extras};
pub use team::{HEADER, Kept, header_in};

use crate::project_fs::{self, FsError, Kind, Move, Root};
use crate::targets::OutFile;
use std::path::{Path, PathBuf};
use team::Refusal;

/// Prefix of the temporary folders a render works in (hidden, next to the environment folders).
pub const TMP_PREFIX: &str = ".cachegen-tmp-";

/// One environment's rendered files.
pub struct EnvFiles<'a> {
    pub environment: &'a str,
    pub files: &'a [OutFile],
}

/// Why a render could not be written, and which environment it was at.
#[derive(Debug)]
pub struct WriteError {
    pub environment: String,
    /// What went wrong, naming the path.
    pub message: String,
    pub help: String,
    /// Environments already swapped in when the error happened (their new output is in
    /// place); every other folder is as it was.
    pub replaced: Vec<String>,
}

/// What a successful write leaves to report.
#[derive(Debug, Default)]
pub struct WriteReport {
    /// Old folders kept because they hold files that could not be placed in the new one.
    pub kept: Vec<Kept>,
}

/// Write one environment's files into `out/<environment>/`, replacing the folder atomically.
pub fn write_env(
    out: &Root,
    environment: &str,
    files: &[OutFile],
) -> Result<WriteReport, WriteError> {
    write_all(out, &[EnvFiles { environment, files }])
}

/// Write every environment into `out/<environment>/`. A folder that already holds exactly
/// its files is left untouched. The others are written into temporary folders and flushed to
/// disk first (one `syncfs` for the whole run, not one `fsync` per file); only then is each
/// folder swapped in, atomically. A failure while writing (a full disk, a read-only folder, a
/// path that is not cachegen's) therefore leaves every folder as it was.
pub fn write_all(out: &Root, envs: &[EnvFiles]) -> Result<WriteReport, WriteError> {
    let first = envs.first().map(|e| e.environment).unwrap_or("");
    for e in envs {
        // The folder is cachegen's own; a file or a link in its place is not swapped away.
        match out.metadata(Path::new(e.environment)) {
            Ok(None) => {}
            Ok(Some(m)) if m.kind == Kind::Dir => {}
            Ok(Some(m)) => {
                return Err(refused(
                    e.environment,
                    Refusal::Foreign {
                        path: out.full(Path::new(e.environment)),
                        what: format!("{}, not a folder", m.kind.describe()),
                    },
                ));
            }
            Err(err) => return Err(refused(e.environment, err.into())),
        }
    }
    if let Some((path, what)) = foreign_temporaries(out)
        .map_err(|e| refused(first, e.into()))?
        .into_iter()
        .next()
    {
        return Err(WriteError {
            environment: first.to_string(),
            message: format!(
                "`{}` is {what} named like a cachegen temporary: cachegen never follows, moves or deletes it",
                project_fs::display_path(&path)
            ),
            help: "remove it (it is not something cachegen made), then render again; nothing was replaced".into(),
            replaced: Vec::new(),
        });
    }
    let mut report = WriteReport {
        kept: settle_temporaries(out, envs),
    };
    // A folder that already holds exactly these files is left alone: no I/O, mtimes kept.
    let fresh = crate::parallel::map(envs, 32, |e| up_to_date(out, e.environment, e.files));
    let changed: Vec<&EnvFiles> = envs
        .iter()
        .zip(fresh)
        .filter(|(_, f)| !f)
        .map(|(e, _)| e)
        .collect();
    if changed.is_empty() {
        return Ok(report);
    }
    let envs = changed;

    let pid = std::process::id();
    let stamp = unique();
    let temporaries: Vec<PathBuf> = envs
        .iter()
        .map(|e| PathBuf::from(format!("{TMP_PREFIX}{}-{pid}-{stamp}", e.environment)))
        .collect();
    let written = fill_all(out, &envs, &temporaries)
        .and_then(|()| out.sync_all().map_err(|e| refused(first, e.into())));
    if let Err(e) = written {
        for t in &temporaries {
            let _ = out.remove_tree(t);
        }
        return Err(e);
    }
    let mut replaced = Vec::new();
    for (e, tmp) in envs.iter().zip(&temporaries) {
        match swap_in(out, tmp, Path::new(e.environment)) {
            Ok(kept) => report.kept.extend(kept),
            Err(err) => {
                let _ = out.remove_tree(tmp);
                return Err(WriteError {
                    replaced,
                    ..refused(e.environment, err.into())
                });
            }
        }
        replaced.push(e.environment.to_string());
    }
    out.sync_folder().map_err(|err| WriteError {
        replaced,
        ..refused(first, err.into())
    })?;
    Ok(report)
}

fn refused(environment: &str, r: Refusal) -> WriteError {
    WriteError {
        environment: environment.to_string(),
        message: r.message(),
        help: r.help(),
        replaced: Vec::new(),
    }
}

/// Whether `out/env` holds exactly `files`, byte for byte, and no other file of cachegen's
/// (the team's own files do not count).
fn up_to_date(out: &Root, env: &str, files: &[OutFile]) -> bool {
    let Ok(dir) = out.folder(Path::new(env), false) else {
        return false;
    };
    let Ok(entries) = dir.walk(Path::new("")) else {
        return false;
    };
    let all_there = files.iter().all(|f| {
        dir.read(Path::new(&f.path), f.contents.len() as u64)
            .is_ok_and(|b| b == f.contents.as_bytes())
    });
    all_there
        && entries.iter().all(|e| {
            e.kind == Kind::Dir
                || files.iter().any(|f| Path::new(&f.path) == e.path)
                || !team::is_owned(&dir, &e.path, e.kind)
        })
}

/// Fill the temporary folders, spread over the cores when there are many.
fn fill_all(out: &Root, envs: &[&EnvFiles], temporaries: &[PathBuf]) -> Result<(), WriteError> {
    let one = |(e, tmp): (&&EnvFiles, &PathBuf)| -> Result<(), WriteError> {
        let at = |r: Refusal| refused(e.environment, r);
        // A fresh name: `create_dir_all` of a folder that exists would reuse it; the pid and
        // the time make it this run's own.
        if out.metadata(tmp).map_err(|err| at(err.into()))?.is_some() {
            return Err(at(Refusal::Foreign {
                path: out.full(tmp),
                what: "already there".into(),
            }));
        }
        let new = out.folder(tmp, true).map_err(|err| at(err.into()))?;
        fill(&new, e.files).map_err(|err| at(err.into()))?;
        let current = match out.folder(Path::new(e.environment), false) {
            Ok(c) => Some(c),
            Err(err) if err.is_not_found() => None,
            Err(err) => return Err(at(err.into())),
        };
        team::carry_over(current.as_ref(), &new, e.files).map_err(at)?;
        if let Some(m) = out
            .metadata(Path::new(e.environment))
            .map_err(|err| at(err.into()))?
        {
            new.set_dir_mode(Path::new(""), m.mode)
                .map_err(|err| at(err.into()))?;
        }
        Ok(())
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

fn fill(dir: &Root, files: &[OutFile]) -> Result<(), FsError> {
    for f in files {
        dir.write_new(Path::new(&f.path), f.contents.as_bytes())?;
    }
    Ok(())
}

/// Put `tmp` at `env` (both names in `out`). The two are exchanged in one step (renameat2 with
/// RENAME_EXCHANGE), then the old folder, now at `tmp`, is retired.
fn swap_in(out: &Root, tmp: &Path, env: &Path) -> Result<Option<Kept>, FsError> {
    if out.metadata(env)?.is_none() {
        match out.rename_to(tmp, out, env, Move::NoReplace) {
            Ok(()) => return Ok(None),
            // Another render created it meanwhile: exchange with that one instead.
            Err(_) if out.metadata(env)?.is_some() => {}
            Err(e) => return Err(e),
        }
    }
    exchange(out, tmp, env)?;
    // The new folder is in place. What the team wrote into the old one meanwhile moves over;
    // should that fail, the old folder stays as a hidden temporary that the next render
    // retires again (the swap itself succeeded).
    Ok(team::retire(out, tmp, env, false).unwrap_or_else(|_| {
        Some(Kept {
            folder: out.full(tmp),
            files: Vec::new(),
        })
    }))
}

#[cfg(target_os = "linux")]
fn exchange(out: &Root, a: &Path, b: &Path) -> Result<(), FsError> {
    out.rename_to(a, out, b, Move::Exchange)
}

/// Elsewhere: move the old folder aside, then the new one in (a short window without it).
#[cfg(not(target_os = "linux"))]
fn exchange(out: &Root, a: &Path, b: &Path) -> Result<(), FsError> {
    let aside = PathBuf::from(format!("{}.old", a.display()));
    out.rename_to(b, out, &aside, Move::NoReplace)?;
    out.rename_to(a, out, b, Move::NoReplace)?;
    out.rename_to(&aside, out, a, Move::NoReplace)
}

/// A temporary's name, parsed: `.cachegen-tmp-<environment>-<pid>-<nanos>`.
struct Temporary {
    environment: String,
    pid: u32,
}

/// The environment and pid of a temporary's name. Parsed from the right: environment `prod`
/// must not take `.cachegen-tmp-prod-2-<pid>-<nanos>` of environment `prod-2` for its own.
fn parse_temporary(name: &str) -> Option<Temporary> {
    let rest = name.strip_prefix(TMP_PREFIX)?;
    let mut parts = rest.rsplitn(3, '-');
    let nanos = parts.next()?;
    let pid = parts.next()?;
    let environment = parts.next()?;
    (!environment.is_empty() && !nanos.is_empty() && nanos.bytes().all(|b| b.is_ascii_digit()))
        .then(|| {
            Some(Temporary {
                environment: environment.to_string(),
                pid: pid.parse().ok()?,
            })
        })
        .flatten()
}

/// Entries of `out` named like a temporary that cachegen cannot have made: anything but a
/// folder of this user (a link, a file, another user's folder), or a name it would not write.
pub fn foreign_temporaries(out: &Root) -> Result<Vec<(PathBuf, String)>, FsError> {
    let mut found = Vec::new();
    for (name, kind) in out.list(Path::new(""))? {
        let Some(text) = name.to_str().filter(|n| n.starts_with(TMP_PREFIX)) else {
            if name.to_string_lossy().starts_with(TMP_PREFIX) {
                found.push((
                    out.full(Path::new(&name)),
                    "an entry with a name that is not text".into(),
                ));
            }
            continue;
        };
        let rel = Path::new(&name);
        let what = if kind != Kind::Dir {
            Some(kind.describe().to_string())
        } else if out
            .metadata(rel)?
            .is_some_and(|m| m.uid != project_fs::euid())
        {
            Some("a folder of another user".to_string())
        } else {
            // A folder of this user: a temporary when its name parses (and then only retired
            // once its process is gone), else never touched.
            let _ = text;
            None
        };
        if let Some(what) = what {
            found.push((out.full(rel), what));
        }
    }
    Ok(found)
}

/// Temporary folders of these environments left by killed runs (whose process is gone): what
/// the team wrote into them moves into the environment's folder, the rest is removed. One
/// listing of the output folder for the whole run. Folders that keep files are reported.
fn settle_temporaries(out: &Root, envs: &[EnvFiles]) -> Vec<Kept> {
    let Ok(entries) = out.list(Path::new("")) else {
        return Vec::new();
    };
    let names: std::collections::HashSet<&str> = envs.iter().map(|e| e.environment).collect();
    let mut kept = Vec::new();
    for (name, kind) in entries {
        let Some(t) = name.to_str().and_then(parse_temporary) else {
            continue;
        };
        let ours = kind == Kind::Dir
            && out
                .metadata(Path::new(&name))
                .ok()
                .flatten()
                .is_some_and(|m| m.uid == project_fs::euid());
        if ours
            && names.contains(t.environment.as_str())
            && t.pid != std::process::id()
            && !project_fs::process_alive(t.pid)
        {
            // A killed run's folder may be the previous output (killed after the swap) with
            // files the team wrote meanwhile: they move into the environment's folder first.
            match team::retire(out, Path::new(&name), Path::new(&t.environment), true) {
                Ok(Some(k)) => kept.push(k),
                Ok(None) => {}
                Err(_) => kept.push(Kept {
                    folder: out.full(Path::new(&name)),
                    files: Vec::new(),
                }),
            }
        }
    }
    kept
}

/// Folders directly under `out` that are not among `known` environments and that hold a file
/// cachegen generated (someone else's folder, without one, is never reported). Links are not
/// folders: never entered.
pub fn orphaned_environments(out: &Root, known: &[&str]) -> Result<Vec<String>, FsError> {
    let mut found: Vec<String> = Vec::new();
    for (name, kind) in out.list(Path::new(""))? {
        let text = name.to_string_lossy().into_owned();
        if kind != Kind::Dir || text.starts_with('.') || known.contains(&text.as_str()) {
            continue;
        }
        if out
            .folder(Path::new(&name), false)
            .is_ok_and(|d| team::holds_generated(&d))
        {
            found.push(text);
        }
    }
    found.sort();
    Ok(found)
}

/// Largest generated file read back (a record is a few hundred bytes).
const MAX_READ_BACK: u64 = 64 * 1024;

/// A file cachegen generated in `<environment>/` of the output folder `out`, read back:
/// `None` when it is not there. Read through `project_fs`: a link, FIFO or device in its place
/// (or in the environment's) is an error, never followed or opened, and never more than a
/// bounded size is read. The folder may come from anyone's pull request.
pub fn read_generated(out: &Root, environment: &str, name: &str) -> Result<Option<String>, String> {
    match out.read(&Path::new(environment).join(name), MAX_READ_BACK) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| format!("`{name}` is not UTF-8 text")),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(format!("`{environment}/{name}`: {}", e.reason())),
    }
}

/// The folders directly under `out` (not links, not hidden), sorted: where environments were
/// rendered.
pub fn environment_folders(out: &Root) -> Vec<String> {
    let mut found: Vec<String> = out
        .list(Path::new(""))
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, kind)| *kind == Kind::Dir)
        .map(|(name, _)| name.to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .collect();
    found.sort();
    found
}

/// Every file under `dir` (not folders; links are listed, never followed), as paths relative
/// to it with `/`, sorted. A folder that is not there has none.
pub fn list_files(dir: &Path) -> std::io::Result<Vec<String>> {
    let root = match Root::open(dir) {
        Ok(r) => r,
        Err(e) if e.is_not_found() => return Ok(Vec::new()),
        Err(e) => return Err(e.into_io()),
    };
    Ok(root
        .walk(Path::new(""))
        .map_err(FsError::into_io)?
        .into_iter()
        .filter(|e| e.kind != Kind::Dir)
        .map(|e| team::slashed(&e.path))
        .collect())
}

/// The first file cachegen generated in `out/<env>` (sorted), relative to that folder: what a
/// finding about the whole folder points at. Links are not followed.
pub fn first_generated_file(out: &Root, env: &str) -> Option<String> {
    let dir = out.folder(Path::new(env), false).ok()?;
    let mut files: Vec<PathBuf> = dir
        .walk(Path::new(""))
        .ok()?
        .into_iter()
        .filter(|e| e.kind == Kind::File)
        .map(|e| e.path)
        .collect();
    files.sort();
    files
        .into_iter()
        .find(|rel| team::has_header(&dir, rel))
        .map(|rel| team::slashed(&rel))
}

#[cfg(test)]
mod tests {
    use super::parse_temporary;

    #[test]
    fn temporaries_belong_to_exactly_one_environment() {
        let env_pid = |name: &str| parse_temporary(name).map(|t| (t.environment, t.pid));
        assert_eq!(
            env_pid(".cachegen-tmp-prod-42-1700"),
            Some(("prod".into(), 42))
        );
        assert_eq!(
            env_pid(".cachegen-tmp-prod-2-42-1700"),
            Some(("prod-2".into(), 42))
        );
        assert_eq!(env_pid(".cachegen-tmp-prod-x-1700"), None);
        assert_eq!(env_pid(".cachegen-tmp-prod-42-17x"), None);
        assert_eq!(env_pid("prod"), None);
    }
}
