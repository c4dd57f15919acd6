//! The base of a change, copied into a private folder: from a git revision (`--base REF`, or
//! the merge base with the default branch) or from a checkout (`--base-dir DIR`). Only what
//! cachegen reads is copied (`cachegen.toml`, the environments, the template override, the
//! generated files), only regular files, each of bounded size, and never through a link:
//! every file of a pull request may be hostile, and the process holds CI secrets.

use super::super::Problem;
use crate::project::{self, ProjectFile};
use crate::project_fs::{Kind, Root};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// A file larger than this is not copied (specs are at most 1 MiB; generated files are small).
const MAX_FILE_BYTES: u64 = 4 << 20;
/// At most this many files, and this many bytes in all.
const MAX_FILES: usize = 20_000;
const MAX_TOTAL_BYTES: u64 = 256 << 20;

/// Where the base comes from.
#[derive(Clone, Debug)]
pub enum BaseSource {
    /// A git revision; `None`: the merge base of HEAD with the default branch.
    Git(Option<String>),
    /// A checkout of the base: the project's folder in it.
    Dir(PathBuf),
}

/// The base's files, relative to its project root.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub files: BTreeMap<String, Vec<u8>>,
    /// What was left out (links, oversized files), said once in the report.
    pub skipped: Vec<String>,
    /// How the report names the base.
    pub label: String,
}

/// A private copy of the base project, removed when dropped.
pub struct Copy {
    pub root: PathBuf,
    /// The copy, open.
    pub folder: Root,
    /// The temporary directory, and the copy's name in it.
    tmp: Root,
    name: PathBuf,
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = self.tmp.remove_tree(&self.name);
    }
}

fn copy_failed(e: impl std::fmt::Display) -> Problem {
    Problem::bare(format!("cannot copy the base into a temporary folder: {e}"))
}

impl Snapshot {
    /// Write the files under a new private folder (mode 0700) of the temporary directory.
    pub fn materialize(&self) -> Result<Copy, Problem> {
        let copy = new_private_dir()?;
        for (rel, bytes) in &self.files {
            let path = checked_relative(rel).ok_or_else(|| {
                Problem::bare(format!(
                    "the base holds an unusable path `{}`",
                    rel.escape_debug()
                ))
            })?;
            copy.folder.write_new(&path, bytes).map_err(copy_failed)?;
        }
        Ok(copy)
    }
}

fn new_private_dir() -> Result<Copy, Problem> {
    let unwritable = |e: crate::project_fs::FsError| {
        Problem::new(
            format!("cannot create a temporary folder for the base: {e}"),
            "check that the temporary directory (TMPDIR) is writable",
        )
    };
    let tmp = Root::open(&std::env::temp_dir()).map_err(unwritable)?;
    for attempt in 0..100u32 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = PathBuf::from(format!(
            "cachegen-impact-{}-{nanos:x}-{attempt}",
            std::process::id()
        ));
        if tmp.metadata(&name).map_err(unwritable)?.is_some() {
            continue;
        }
        tmp.create_dir_all(&name).map_err(unwritable)?;
        // Private before anything is written into it.
        tmp.set_dir_mode(&name, 0o700).map_err(unwritable)?;
        let folder = tmp.folder(&name, false).map_err(unwritable)?;
        return Ok(Copy {
            root: folder.path().to_path_buf(),
            folder,
            tmp,
            name,
        });
    }
    Err(Problem::bare(
        "cannot create a temporary folder for the base",
    ))
}

/// A path from the base, made of plain names only.
fn checked_relative(rel: &str) -> Option<PathBuf> {
    let p = Path::new(rel);
    let ok = !rel.is_empty()
        && !rel.contains('\0')
        && p.components().all(|c| matches!(c, Component::Normal(_)));
    ok.then(|| p.to_path_buf())
}

/// A folder named in the base's `cachegen.toml`, if it is inside the project; `None` for a
/// path that leaves it (absolute, `~`, `..`): nothing is read from there.
fn inside(written: &str) -> Option<String> {
    let trimmed = written.trim_end_matches('/');
    let p = checked_relative(trimmed.trim_start_matches("./"))?;
    Some(p.to_string_lossy().replace('\\', "/"))
}

/// The folders of the base project cachegen reads, from its `cachegen.toml` (as text).
fn folders(toml_text: Option<&str>) -> (Vec<String>, Vec<String>) {
    let file: ProjectFile = toml_text
        .and_then(|t| toml::from_str(t).ok())
        .unwrap_or_default();
    let mut dirs = Vec::new();
    let mut outside = Vec::new();
    for (what, written, default) in [
        (
            "environments",
            file.environments.clone(),
            Some("environments"),
        ),
        ("output", file.output.clone(), Some(project::DEFAULT_OUTPUT)),
        ("templates", file.templates.clone(), None),
    ] {
        match written.as_deref().or(default) {
            None => {}
            Some(w) => match inside(w) {
                Some(d) => dirs.push(d),
                None => outside.push(format!(
                    "`{what} = \"{}\"` in the base's cachegen.toml leaves the project: nothing was read from there",
                    w.escape_debug()
                )),
            },
        }
    }
    (dirs, outside)
}

/// Take the base's files.
pub fn snapshot(source: &BaseSource, project_root: &Path) -> Result<Snapshot, Problem> {
    match source {
        BaseSource::Dir(dir) => from_dir(dir),
        BaseSource::Git(rev) => from_git(project_root, rev.as_deref()),
    }
}

/// Bounds shared by both sources.
#[derive(Default)]
struct Budget {
    files: usize,
    bytes: u64,
}

impl Budget {
    fn take(&mut self, rel: &str, len: u64, skipped: &mut Vec<String>) -> Result<bool, Problem> {
        if len > MAX_FILE_BYTES {
            skipped.push(format!(
                "`{}` is {len} bytes, more than the {MAX_FILE_BYTES} byte limit: not read",
                rel.escape_debug()
            ));
            return Ok(false);
        }
        self.files += 1;
        self.bytes += len;
        if self.files > MAX_FILES || self.bytes > MAX_TOTAL_BYTES {
            return Err(Problem::new(
                format!(
                    "the base holds more than {MAX_FILES} files or {MAX_TOTAL_BYTES} bytes under cachegen's folders"
                ),
                "compare a smaller project, or check what the base's environments and generated folders hold",
            ));
        }
        Ok(true)
    }
}

// ---------------------------------------------------------------- a checkout on disk

fn from_dir(dir: &Path) -> Result<Snapshot, Problem> {
    let root = Root::open(dir).map_err(|e| {
        Problem::new(
            format!("cannot read --base-dir `{}`: {e}", dir.display()),
            "pass the project's folder in a checkout of the base",
        )
    })?;
    let mut snap = Snapshot {
        label: format!("--base-dir {}", crate::load::display_path(dir)),
        ..Snapshot::default()
    };
    let mut budget = Budget::default();
    let toml = read_entry(&root, project::FILE_NAME, &mut budget, &mut snap.skipped)?;
    let (dirs, outside) = folders(toml.as_deref().and_then(|b| std::str::from_utf8(b).ok()));
    snap.skipped.extend(outside);
    if let Some(t) = toml {
        snap.files.insert(project::FILE_NAME.into(), t);
    }
    for d in dirs {
        walk(&root, &d, &mut budget, &mut snap)?;
    }
    Ok(snap)
}

/// Read `rel` under `root` if it is a regular file; a link or anything else is left out.
fn read_entry(
    root: &Root,
    rel: &str,
    budget: &mut Budget,
    skipped: &mut Vec<String>,
) -> Result<Option<Vec<u8>>, Problem> {
    let meta = match root.metadata(Path::new(rel)) {
        Ok(Some(m)) => m,
        _ => return Ok(None),
    };
    if meta.kind == Kind::Link {
        skipped.push(format!(
            "`{}` is a symbolic link in the base: not followed",
            rel.escape_debug()
        ));
        return Ok(None);
    }
    if meta.kind != Kind::File {
        return Ok(None);
    }
    if !budget.take(rel, meta.len, skipped)? {
        return Ok(None);
    }
    root.read(Path::new(rel), MAX_FILE_BYTES)
        .map(Some)
        .map_err(|e| {
            Problem::bare(format!(
                "cannot read `{}` in the base: {e}",
                rel.escape_debug()
            ))
        })
}

/// Every regular file under `root/rel`, links left out.
fn walk(root: &Root, rel: &str, budget: &mut Budget, snap: &mut Snapshot) -> Result<(), Problem> {
    // The folder itself must be a real folder, and so must each name on the way to it.
    let mut so_far = PathBuf::new();
    for c in Path::new(rel).components() {
        so_far.push(c);
        match root.metadata(&so_far) {
            Ok(Some(m)) if m.kind == Kind::Dir => {}
            Ok(Some(m)) if m.kind == Kind::Link => {
                snap.skipped.push(format!(
                    "`{}` is a symbolic link in the base: not followed",
                    so_far.display()
                ));
                return Ok(());
            }
            _ => return Ok(()),
        }
    }
    let mut stack = vec![rel.to_string()];
    while let Some(d) = stack.pop() {
        let entries = root.list(Path::new(&d)).map_err(|e| {
            Problem::bare(format!(
                "cannot list `{}` in the base: {e}",
                d.escape_debug()
            ))
        })?;
        let mut named: Vec<(String, Kind)> = Vec::new();
        for (name, kind) in entries {
            match name.into_string() {
                Ok(n) => named.push((n, kind)),
                Err(n) => snap.skipped.push(format!(
                    "`{d}/{}` is not a UTF-8 name: not read",
                    n.to_string_lossy()
                )),
            }
        }
        named.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, kind) in named {
            // Terraform's working files are the team's, and large.
            if name == ".terraform" {
                continue;
            }
            let child = format!("{d}/{name}");
            match kind {
                Kind::Link => snap.skipped.push(format!(
                    "`{}` is a symbolic link in the base: not followed",
                    child.escape_debug()
                )),
                Kind::Dir => stack.push(child),
                Kind::File => {
                    if let Some(bytes) = read_entry(root, &child, budget, &mut snap.skipped)? {
                        snap.files.insert(child, bytes);
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- a git revision

/// `git` with options that keep it from reading anything but the repository's objects the
/// way this code asks: pathspecs are literal, no pager, no lazy fetch of missing objects.
fn git(root: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(root)
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_EXTERNAL_DIFF")
        .args([
            "--no-pager",
            "--literal-pathspecs",
            "-c",
            "core.fsmonitor=false",
        ])
        .stdin(Stdio::null());
    c
}

fn run(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = git(root)
        .args(args)
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(err
            .lines()
            .next()
            .unwrap_or("git failed")
            .trim()
            .to_string());
    }
    Ok(out.stdout)
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim().to_string()
}

const GIT_HELP: &str = "run cachegen impact in a git checkout with the base's history (CI: `fetch-depth: 0`), pass --base REF, or pass --base-dir with a checkout of the base";

/// The commit to compare with, and how to name it.
fn base_commit(root: &Path, rev: Option<&str>) -> Result<(String, String), Problem> {
    if let Some(r) = rev {
        if r.starts_with('-') || r.is_empty() {
            return Err(Problem::new(
                format!("--base `{}` is not a revision", r.escape_debug()),
                "name a branch, tag or commit, e.g. --base origin/main",
            ));
        }
        let spec = format!("{r}^{{commit}}");
        let commit = run(
            root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &spec,
            ],
        )
        .map(text)
        .map_err(|e| {
            Problem::new(
                format!(
                    "--base `{}` is not a commit of this repository ({e})",
                    r.escape_debug()
                ),
                "fetch it first (`git fetch origin <branch>`), or name another revision",
            )
        })?;
        if commit.is_empty() {
            return Err(Problem::new(
                format!(
                    "--base `{}` is not a commit of this repository",
                    r.escape_debug()
                ),
                "fetch it first (`git fetch origin <branch>`), or name another revision",
            ));
        }
        let short = &commit[..commit.len().min(12)];
        return Ok((commit.clone(), format!("{r} ({short})")));
    }
    let default = default_branch(root)?;
    let commit = run(root, &["merge-base", "HEAD", &default])
        .map(text)
        .map_err(|e| {
            Problem::new(
                format!("cannot find the merge base of HEAD and `{default}`: {e}"),
                GIT_HELP,
            )
        })?;
    let short = &commit[..commit.len().min(12)];
    Ok((commit.clone(), format!("{default} (merge base {short})")))
}

/// The default branch: what `origin/HEAD` points at, else the first of `origin/main`,
/// `origin/master`, `main`, `master` that exists.
fn default_branch(root: &Path) -> Result<String, Problem> {
    if let Ok(r) = run(
        root,
        &[
            "symbolic-ref",
            "--quiet",
            "--short",
            "refs/remotes/origin/HEAD",
        ],
    ) {
        let r = text(r);
        if !r.is_empty() {
            return Ok(r);
        }
    }
    for candidate in ["origin/main", "origin/master", "main", "master"] {
        let spec = format!("{candidate}^{{commit}}");
        if run(
            root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &spec,
            ],
        )
        .is_ok_and(|o| !o.is_empty())
        {
            return Ok(candidate.to_string());
        }
    }
    Err(Problem::new(
        "cannot find the default branch (no origin/HEAD, origin/main, origin/master, main or master)",
        GIT_HELP,
    ))
}

/// One entry of `git ls-tree -l -z`.
struct TreeEntry {
    mode: String,
    kind: String,
    oid: String,
    size: Option<u64>,
    path: String,
}

fn ls_tree(root: &Path, commit: &str, paths: &[String]) -> Result<Vec<TreeEntry>, Problem> {
    let mut args: Vec<&str> = vec!["ls-tree", "-r", "-l", "-z", commit, "--"];
    args.extend(paths.iter().map(String::as_str));
    let out = run(root, &args)
        .map_err(|e| Problem::new(format!("cannot list the base revision: {e}"), GIT_HELP))?;
    let mut entries = Vec::new();
    for rec in out.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let Some(tab) = rec.iter().position(|b| *b == b'\t') else {
            continue;
        };
        let meta = String::from_utf8_lossy(&rec[..tab]).to_string();
        let Ok(path) = String::from_utf8(rec[tab + 1..].to_vec()) else {
            continue;
        };
        let mut f = meta.split_whitespace();
        let (Some(mode), Some(kind), Some(oid), size) = (f.next(), f.next(), f.next(), f.next())
        else {
            continue;
        };
        entries.push(TreeEntry {
            mode: mode.into(),
            kind: kind.into(),
            oid: oid.into(),
            size: size.and_then(|s| s.parse().ok()),
            path,
        });
        if entries.len() > MAX_FILES * 2 {
            return Err(Problem::new(
                format!("the base holds more than {MAX_FILES} files under cachegen's folders"),
                "compare a smaller project",
            ));
        }
    }
    Ok(entries)
}

/// The blobs' contents, in one `git cat-file --batch`.
fn cat_blobs(root: &Path, oids: &[String]) -> Result<Vec<Vec<u8>>, Problem> {
    if oids.is_empty() {
        return Ok(Vec::new());
    }
    let fail = |e: String| Problem::new(format!("cannot read the base revision: {e}"), GIT_HELP);
    let mut child = git(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| fail(format!("cannot run git: {e}")))?;
    let mut stdin = child.stdin.take().expect("piped");
    let request: String = oids.iter().map(|o| format!("{o}\n")).collect();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(request.as_bytes());
    });
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("piped"));
    let mut out = Vec::new();
    for oid in oids {
        let mut header = Vec::new();
        std::io::BufRead::read_until(&mut stdout, b'\n', &mut header)
            .map_err(|e| fail(e.to_string()))?;
        let header = String::from_utf8_lossy(&header).trim().to_string();
        let mut parts = header.split(' ');
        let (Some(got), Some("blob"), Some(size)) = (parts.next(), parts.next(), parts.next())
        else {
            let _ = child.kill();
            return Err(fail(format!("unexpected answer for {oid}: {header}")));
        };
        let size: u64 = size
            .parse()
            .map_err(|_| fail(format!("bad size for {got}")))?;
        if size > MAX_FILE_BYTES {
            let _ = child.kill();
            return Err(fail(format!("{oid} is larger than listed")));
        }
        let mut body = vec![0u8; size as usize + 1];
        stdout
            .read_exact(&mut body)
            .map_err(|e| fail(e.to_string()))?;
        body.pop();
        out.push(body);
    }
    drop(stdout);
    let _ = writer.join();
    let _ = child.wait();
    Ok(out)
}

fn from_git(project_root: &Path, rev: Option<&str>) -> Result<Snapshot, Problem> {
    let prefix = run(project_root, &["rev-parse", "--show-prefix"])
        .map(text)
        .map_err(|e| {
            Problem::new(
                format!("the project is not in a git repository ({e})"),
                GIT_HELP,
            )
        })?;
    let (commit, label) = base_commit(project_root, rev)?;
    let mut snap = Snapshot {
        label,
        ..Snapshot::default()
    };
    let mut budget = Budget::default();
    let toml_entry = ls_tree(project_root, &commit, &[project::FILE_NAME.to_string()])?;
    let mut wanted: Vec<TreeEntry> = toml_entry;
    let toml_text = {
        let blobs: Vec<&TreeEntry> = wanted
            .iter()
            .filter(|e| e.kind == "blob" && e.mode.starts_with("100"))
            .collect();
        let oids: Vec<String> = blobs
            .iter()
            .filter(|e| e.size.unwrap_or(u64::MAX) <= MAX_FILE_BYTES)
            .map(|e| e.oid.clone())
            .collect();
        cat_blobs(project_root, &oids)?.into_iter().next()
    };
    let (dirs, outside) = folders(
        toml_text
            .as_deref()
            .and_then(|b| std::str::from_utf8(b).ok()),
    );
    snap.skipped.extend(outside);
    if !dirs.is_empty() {
        wanted.extend(ls_tree(project_root, &commit, &dirs)?);
    }
    // Paths come back relative to the project's folder (git's working folder); a revision
    // may still hold odd names, which are left out.
    let _ = prefix;
    let mut take = Vec::new();
    for e in wanted {
        match (e.kind.as_str(), e.mode.as_str()) {
            ("blob", "100644" | "100755") => {}
            ("blob", "120000") => {
                snap.skipped.push(format!(
                    "`{}` is a symbolic link in the base: not followed",
                    e.path.escape_debug()
                ));
                continue;
            }
            _ => continue,
        }
        if checked_relative(&e.path).is_none() || e.path.split('/').any(|c| c == ".terraform") {
            continue;
        }
        let Some(size) = e.size else { continue };
        if budget.take(&e.path, size, &mut snap.skipped)? {
            take.push(e);
        }
    }
    let oids: Vec<String> = take.iter().map(|e| e.oid.clone()).collect();
    for (e, bytes) in take.iter().zip(cat_blobs(project_root, &oids)?) {
        snap.files.insert(e.path.clone(), bytes);
    }
    Ok(snap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_names_are_copied() {
        assert!(checked_relative("environments/prod/cache.yaml").is_some());
        for bad in ["", "/etc/passwd", "../x", "a/../../b", "a/./b/..", "x\0y"] {
            assert!(checked_relative(bad).is_none(), "{bad:?}");
        }
        assert_eq!(inside("./generated/").as_deref(), Some("generated"));
        assert_eq!(inside("/"), None);
        assert_eq!(inside("../elsewhere"), None);
    }

    #[test]
    fn the_folders_come_from_the_base_project_file() {
        let (dirs, outside) = folders(Some("environments = \"envs\"\noutput = \"/tmp/x\"\n"));
        assert_eq!(dirs, ["envs"]);
        assert_eq!(outside.len(), 1, "{outside:?}");
        let (dirs, _) = folders(None);
        assert_eq!(dirs, ["environments", "generated"]);
    }
}
