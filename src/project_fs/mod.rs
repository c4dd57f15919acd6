//! The one place through which cachegen reads, lists, writes, renames and deletes a project
//! path. Every file of a repository may come from an attacker's pull request (specs, bases,
//! `cachegen.toml`, templates, anything under `generated/`; git stores symbolic links), and the
//! process running cachegen holds CI secrets, so:
//!
//! - every path is reached from a [`Root`] (an open folder: the project, or `--out`, `--templates`
//!   or `init DIR` named on the command line) one name at a time with `O_NOFOLLOW`: a symbolic
//!   link anywhere below a root is refused, never followed (links in the root's own path were
//!   chosen by whoever runs cachegen and are followed once, when the root is opened);
//! - a path written in a file (`extends`, `output = ...`) must stay inside its root after `..`
//!   is resolved ([`join_written`]); absolute paths and `~` are refused;
//! - only regular files are read, with a size limit checked before and during the read; a FIFO,
//!   a socket or a device is refused from its `lstat` before it is opened, and a file of a
//!   kernel file system (`/proc`, `/sys`) after it is opened without blocking;
//! - writes create new files (`O_EXCL`) or append to regular files, renames and links work on
//!   names in open folders, and deletes remove a name (a link is removed, never what it points
//!   at).
//!
//! A file named on the command line by the person running cachegen (`verify --tls-ca`) is read
//! with [`read_named_file`]: links in its path are followed, but it must still be a regular file
//! of bounded size.

mod paths;
mod sys;

#[cfg(not(unix))]
compile_error!("cachegen's file access needs a Unix system (openat, O_NOFOLLOW)");

pub use paths::{display_path, join_written, normalize};
pub use sys::{euid, process_alive};

use std::ffi::{CStr, CString, OsStr, OsString};
use std::fmt;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use sys::Rename;

/// What an entry of a folder is, from `lstat`: a link is a link, never what it points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Link,
    Fifo,
    Socket,
    Device,
}

impl Kind {
    fn of(mode: libc::mode_t) -> Kind {
        match mode & libc::S_IFMT {
            libc::S_IFREG => Kind::File,
            libc::S_IFDIR => Kind::Dir,
            libc::S_IFLNK => Kind::Link,
            libc::S_IFIFO => Kind::Fifo,
            libc::S_IFSOCK => Kind::Socket,
            _ => Kind::Device,
        }
    }

    /// "a FIFO", "a symbolic link", as a message says it.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::File => "a regular file",
            Kind::Dir => "a folder",
            Kind::Link => "a symbolic link",
            Kind::Fifo => "a FIFO",
            Kind::Socket => "a socket",
            Kind::Device => "a device",
        }
    }
}

/// An entry's `lstat`, as much of it as cachegen needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meta {
    pub kind: Kind,
    pub len: u64,
    /// Permission bits.
    pub mode: u32,
    pub uid: u32,
    /// Device and inode: the same pair is the same file, whatever its names.
    pub dev: u64,
    pub ino: u64,
    /// Last modification, seconds and nanoseconds since the epoch.
    pub modified: (i64, i64),
}

impl Meta {
    fn of(st: &libc::stat) -> Meta {
        #[allow(clippy::unnecessary_cast)]
        Meta {
            kind: Kind::of(st.st_mode),
            len: st.st_size.max(0) as u64,
            mode: (st.st_mode & 0o7777) as u32,
            uid: st.st_uid,
            dev: st.st_dev as u64,
            ino: st.st_ino as u64,
            modified: (st.st_mtime as i64, st.st_mtime_nsec as i64),
        }
    }

    pub fn same_file(&self, other: &Meta) -> bool {
        self.dev == other.dev && self.ino == other.ino
    }
}

/// An entry found by [`Root::walk`]: its path relative to the folder walked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub path: PathBuf,
    pub kind: Kind,
}

/// What was being done when a path was refused or failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Read,
    List,
    Open,
    Write,
    Create,
    Remove,
    Move,
    Link,
}

impl Op {
    fn verb(self) -> &'static str {
        match self {
            Op::Read => "read",
            Op::List => "list",
            Op::Open => "open",
            Op::Write => "write",
            Op::Create => "create",
            Op::Remove => "remove",
            Op::Move => "move",
            Op::Link => "link",
        }
    }
}

/// Why a path was refused, or how it failed.
#[derive(Debug)]
pub enum Problem {
    /// A symbolic link where cachegen expected a file or a folder.
    Link,
    /// Something other than a regular file where a file is read or written.
    NotAFile(Kind),
    /// Something other than a folder where a folder belongs.
    NotAFolder(Kind),
    TooLarge {
        len: u64,
        limit: u64,
    },
    /// A file of a kernel file system (`/proc`, `/sys`).
    KernelView,
    /// A path that leaves its root: absolute, `~`, or `..` past the top.
    Outside {
        root: PathBuf,
    },
    Io(io::Error),
}

/// A refused or failed file operation, naming the path (as cachegen prints paths).
#[derive(Debug)]
pub struct FsError {
    op: Op,
    path: PathBuf,
    problem: Problem,
}

impl FsError {
    fn new(op: Op, path: PathBuf, problem: Problem) -> FsError {
        FsError { op, path, problem }
    }

    fn io(op: Op, path: PathBuf, e: io::Error) -> FsError {
        FsError::new(op, path, Problem::Io(e))
    }

    /// `path` leaves `root`: for a path a caller judged itself (a setting, a spec named on the
    /// command line).
    pub fn outside(op: Op, path: &Path, root: &Path) -> FsError {
        FsError::new(
            op,
            path.to_path_buf(),
            Problem::Outside {
                root: root.to_path_buf(),
            },
        )
    }

    /// The path it is about (absolute, or as given for a named file).
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    pub fn is_not_found(&self) -> bool {
        matches!(&self.problem, Problem::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }

    /// Why, without the path: "it is a symbolic link, ...".
    pub fn reason(&self) -> String {
        match &self.problem {
            Problem::Link => "it is a symbolic link, and cachegen follows no link inside the project or its output".into(),
            Problem::NotAFile(k) => format!("it is {}, not a regular file", k.describe()),
            Problem::NotAFolder(k) => format!("it is {}, not a folder", k.describe()),
            Problem::TooLarge { len, limit } => {
                format!("it is {len} bytes, more than the {limit} byte limit")
            }
            Problem::KernelView => {
                "it is a file of the kernel (/proc, /sys), not a file of the project".into()
            }
            Problem::Outside { root } => format!(
                "it is outside `{}` (absolute paths, `~` and `..` past the top are refused)",
                display_path(root)
            ),
            Problem::Io(e) => e.to_string(),
        }
    }

    /// One line that says what to do about it.
    pub fn help(&self) -> &'static str {
        match &self.problem {
            Problem::Link => {
                "replace the link with the file or folder itself; a link in a repository may lead anywhere on the machine that runs cachegen"
            }
            Problem::NotAFile(_) | Problem::KernelView => "point at a regular file",
            Problem::NotAFolder(_) => "point at a folder, or move what is there away",
            Problem::TooLarge { .. } => {
                "cachegen's inputs are small text files; check that this is the file meant"
            }
            Problem::Outside { .. } => "write a path relative to the project that stays inside it",
            Problem::Io(e) => match e.kind() {
                io::ErrorKind::NotFound => "check the path",
                io::ErrorKind::PermissionDenied => {
                    "check the permissions of the path for the user running cachegen"
                }
                _ => "check the path, the permissions and the free space",
            },
        }
    }

    /// As an `io::Error` for code that reports I/O errors (the message is kept).
    pub fn into_io(self) -> io::Error {
        let kind = match &self.problem {
            Problem::Io(e) => e.kind(),
            Problem::TooLarge { .. } => io::ErrorKind::FileTooLarge,
            Problem::NotAFolder(_) => io::ErrorKind::NotADirectory,
            Problem::Outside { .. } => io::ErrorKind::PermissionDenied,
            _ => io::ErrorKind::InvalidInput,
        };
        io::Error::new(kind, self.to_string())
    }
}

impl fmt::Display for FsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot {} `{}`: {}",
            self.op.verb(),
            display_path(&self.path),
            self.reason()
        )
    }
}

impl std::error::Error for FsError {}

/// A folder cachegen works in, held open: every path below it is reached from here, one name at
/// a time, following no link. Cheap to clone (the descriptor is shared).
#[derive(Clone, Debug)]
pub struct Root {
    fd: Arc<OwnedFd>,
    /// Canonical for a root opened by path; for a folder below a root, the root's path and the
    /// names that led there (no link among them).
    path: PathBuf,
}

impl Root {
    /// A folder named by the person running cachegen, or found by walking up to `cachegen.toml`:
    /// links in its own path are followed (once, here); nothing below it ever is.
    pub fn open(dir: &Path) -> Result<Root, FsError> {
        let canonical =
            std::fs::canonicalize(dir).map_err(|e| FsError::io(Op::Open, dir.into(), e))?;
        let c =
            sys::c_name(canonical.as_os_str()).map_err(|e| FsError::io(Op::Open, dir.into(), e))?;
        let fd = sys::open_dir_path(&c).map_err(|e| {
            let problem = match e.raw_os_error() {
                Some(libc::ENOTDIR) => std::fs::metadata(&canonical)
                    .map(|m| Problem::NotAFolder(kind_of_std(&m)))
                    .unwrap_or(Problem::Io(e)),
                _ => Problem::Io(e),
            };
            FsError::new(Op::Open, dir.into(), problem)
        })?;
        Ok(Root {
            fd: Arc::new(fd),
            path: canonical,
        })
    }

    /// Like [`Root::open`], creating the folder (and missing parents) first.
    pub fn create(dir: &Path) -> Result<Root, FsError> {
        match std::fs::symlink_metadata(dir) {
            Ok(m) if !m.is_dir() && !m.file_type().is_symlink() => {
                return Err(FsError::new(
                    Op::Create,
                    dir.into(),
                    Problem::NotAFolder(kind_of_std(&m)),
                ));
            }
            Ok(_) => {}
            Err(_) => {
                std::fs::create_dir_all(dir).map_err(|e| FsError::io(Op::Create, dir.into(), e))?
            }
        }
        Root::open(dir)
    }

    /// The folder's path (canonical, see the field).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where `path` (absolute, or relative to the working folder) lies in this root, judged on
    /// its normalized form; `None` when it is outside.
    pub fn relative(&self, path: &Path) -> Option<PathBuf> {
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().ok()?.join(path)
        };
        normalize(&abs)
            .strip_prefix(&self.path)
            .ok()
            .map(Path::to_path_buf)
    }

    /// `rel` joined to this root's path, for messages.
    pub fn full(&self, rel: &Path) -> PathBuf {
        if rel.as_os_str().is_empty() {
            self.path.clone()
        } else {
            self.path.join(rel)
        }
    }

    /// A folder below this root, as a root of its own (reached without following a link).
    /// `create`: missing folders are made.
    pub fn folder(&self, rel: &Path, create: bool) -> Result<Root, FsError> {
        let names = self.names(Op::Open, rel)?;
        let fd = self.dir_fd(Op::Open, &names, create)?;
        Ok(Root {
            fd: Arc::new(fd),
            path: self.full(&names.iter().collect::<PathBuf>()),
        })
    }

    /// The entry at `rel` (a link is described as a link); `None` when nothing is there.
    pub fn metadata(&self, rel: &Path) -> Result<Option<Meta>, FsError> {
        let (dir, name) = match self.parent_of(Op::Read, rel, false) {
            Ok(v) => v,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        match sys::lstatat(dir.as_raw_fd(), &name) {
            Ok(st) => Ok(Some(Meta::of(&st))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(FsError::io(Op::Read, self.full(rel), e)),
        }
    }

    /// A regular file's bytes, at most `limit` of them: anything else is refused before it is
    /// opened (a link, a FIFO, a device, a folder) or after (a kernel file), and a file larger
    /// than `limit` before and while it is read.
    pub fn read(&self, rel: &Path, limit: u64) -> Result<Vec<u8>, FsError> {
        let (file, len) = self.open_regular(Op::Read, rel, Some(limit))?;
        let mut bytes = Vec::with_capacity(len.min(limit) as usize);
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| FsError::io(Op::Read, self.full(rel), e))?;
        if bytes.len() as u64 > limit {
            return Err(FsError::new(
                Op::Read,
                self.full(rel),
                Problem::TooLarge {
                    len: bytes.len() as u64,
                    limit,
                },
            ));
        }
        Ok(bytes)
    }

    /// The first `n` bytes of a regular file (fewer when it is shorter).
    pub fn read_head(&self, rel: &Path, n: usize) -> Result<Vec<u8>, FsError> {
        let (file, _) = self.open_regular(Op::Read, rel, None)?;
        let mut bytes = Vec::with_capacity(n);
        file.take(n as u64)
            .read_to_end(&mut bytes)
            .map_err(|e| FsError::io(Op::Read, self.full(rel), e))?;
        Ok(bytes)
    }

    /// What the symbolic link `rel` says (its target, as written), without following it.
    pub fn read_link(&self, rel: &Path) -> Result<PathBuf, FsError> {
        let (dir, name) = self.parent_of(Op::Read, rel, false)?;
        sys::readlinkat(dir.as_raw_fd(), &name)
            .map(|b| PathBuf::from(OsString::from_vec(b)))
            .map_err(|e| FsError::io(Op::Read, self.full(rel), e))
    }

    /// The names in the folder `rel` with what each is, sorted by name.
    pub fn list(&self, rel: &Path) -> Result<Vec<(OsString, Kind)>, FsError> {
        let names = self.names(Op::List, rel)?;
        let fd = self.dir_fd(Op::List, &names, false)?;
        list_fd(fd).map_err(|e| FsError::io(Op::List, self.full(rel), e))
    }

    /// Every entry below the folder `rel`, links not followed (reported as links), folders
    /// before what they hold, sorted by path; paths relative to `rel`. A folder that is not
    /// there has no entries.
    pub fn walk(&self, rel: &Path) -> Result<Vec<Entry>, FsError> {
        let names = self.names(Op::List, rel)?;
        let top = match self.dir_fd(Op::List, &names, false) {
            Ok(fd) => fd,
            Err(e) if e.is_not_found() => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let base = self.full(rel);
        let mut out = Vec::new();
        let mut stack: Vec<(PathBuf, OwnedFd)> = vec![(PathBuf::new(), top)];
        while let Some((here, fd)) = stack.pop() {
            let dup = sys::dup(&fd).map_err(|e| FsError::io(Op::List, base.join(&here), e))?;
            let entries = list_fd(dup).map_err(|e| FsError::io(Op::List, base.join(&here), e))?;
            for (name, kind) in entries {
                let child = here.join(&name);
                if kind == Kind::Dir {
                    let c = sys::c_name(&name)
                        .map_err(|e| FsError::io(Op::List, base.join(&child), e))?;
                    let sub =
                        sys::openat(fd.as_raw_fd(), &c, libc::O_RDONLY | libc::O_DIRECTORY, 0)
                            .map_err(|e| FsError::io(Op::List, base.join(&child), e))?;
                    stack.push((child.clone(), sub));
                }
                out.push(Entry { path: child, kind });
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// Make the folder `rel` and its missing parents.
    pub fn create_dir_all(&self, rel: &Path) -> Result<(), FsError> {
        let names = self.names(Op::Create, rel)?;
        self.dir_fd(Op::Create, &names, true).map(|_| ())
    }

    /// Write a new file (it must not exist, not even as a dangling link), making missing
    /// parent folders.
    pub fn write_new(&self, rel: &Path, bytes: &[u8]) -> Result<(), FsError> {
        let (dir, name) = self.parent_of(Op::Write, rel, true)?;
        let fd = sys::openat(
            dir.as_raw_fd(),
            &name,
            libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL,
            0o666,
        )
        .map_err(|e| self.refusal(Op::Write, rel, &dir, &name, e))?;
        let mut file = std::fs::File::from(fd);
        file.write_all(bytes)
            .map_err(|e| FsError::io(Op::Write, self.full(rel), e))
    }

    /// Append to an existing regular file.
    pub fn append(&self, rel: &Path, bytes: &[u8]) -> Result<(), FsError> {
        let (dir, name) = self.parent_of(Op::Write, rel, false)?;
        let st = sys::lstatat(dir.as_raw_fd(), &name)
            .map_err(|e| FsError::io(Op::Write, self.full(rel), e))?;
        check_regular(Op::Write, self.full(rel), &Meta::of(&st))?;
        let fd = sys::openat(
            dir.as_raw_fd(),
            &name,
            libc::O_WRONLY | libc::O_APPEND | libc::O_NONBLOCK | libc::O_NOCTTY,
            0,
        )
        .map_err(|e| self.refusal(Op::Write, rel, &dir, &name, e))?;
        check_regular(
            Op::Write,
            self.full(rel),
            &fd_meta(&fd, Op::Write, self.full(rel))?,
        )?;
        std::fs::File::from(fd)
            .write_all(bytes)
            .map_err(|e| FsError::io(Op::Write, self.full(rel), e))
    }

    /// Rename `from` (in this root) to `to` in `dest` (this root or another; same file system).
    /// `Move::Exchange` swaps two existing entries in one step (Linux).
    pub fn rename_to(&self, from: &Path, dest: &Root, to: &Path, how: Move) -> Result<(), FsError> {
        let (fdir, fname) = self.parent_of(Op::Move, from, false)?;
        let (tdir, tname) =
            dest.parent_of(Op::Move, to, how == Move::NoReplace || how == Move::Replace)?;
        let how = match how {
            Move::Replace => Rename::Replace,
            Move::NoReplace => Rename::NoReplace,
            Move::Exchange => Rename::Exchange,
        };
        sys::renameat(fdir.as_raw_fd(), &fname, tdir.as_raw_fd(), &tname, how)
            .map_err(|e| FsError::io(Op::Move, self.full(from), e))
    }

    /// A hard link at `to` in `dest` of the entry `from` itself (a symbolic link is linked as
    /// a link, never followed), making missing parent folders of `to`.
    pub fn link_to(&self, from: &Path, dest: &Root, to: &Path) -> Result<(), FsError> {
        let (fdir, fname) = self.parent_of(Op::Link, from, false)?;
        let (tdir, tname) = dest.parent_of(Op::Link, to, true)?;
        sys::linkat(fdir.as_raw_fd(), &fname, tdir.as_raw_fd(), &tname)
            .map_err(|e| FsError::io(Op::Link, self.full(from), e))
    }

    /// A copy at `to` in `dest`: of a regular file's bytes and permissions, or of a symbolic
    /// link as a link (what it says, unfollowed). Anything else is refused.
    pub fn copy_to(&self, from: &Path, dest: &Root, to: &Path) -> Result<(), FsError> {
        let (fdir, fname) = self.parent_of(Op::Read, from, false)?;
        let st = sys::lstatat(fdir.as_raw_fd(), &fname)
            .map_err(|e| FsError::io(Op::Read, self.full(from), e))?;
        let meta = Meta::of(&st);
        let (tdir, tname) = dest.parent_of(Op::Write, to, true)?;
        if meta.kind == Kind::Link {
            let target = sys::readlinkat(fdir.as_raw_fd(), &fname)
                .map_err(|e| FsError::io(Op::Read, self.full(from), e))?;
            let target = CString::new(target)
                .map_err(|e| FsError::io(Op::Read, self.full(from), io::Error::other(e)))?;
            return sys::symlinkat(&target, tdir.as_raw_fd(), &tname)
                .map_err(|e| FsError::io(Op::Write, dest.full(to), e));
        }
        let (mut source, _) = self.open_regular(Op::Read, from, None)?;
        let fd = sys::openat(
            tdir.as_raw_fd(),
            &tname,
            libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL,
            0o600,
        )
        .map_err(|e| FsError::io(Op::Write, dest.full(to), e))?;
        let mut target = std::fs::File::from(fd);
        io::copy(&mut source, &mut target).map_err(|e| FsError::io(Op::Write, dest.full(to), e))?;
        sys::fchmod(target.as_raw_fd(), meta.mode as libc::mode_t)
            .map_err(|e| FsError::io(Op::Write, dest.full(to), e))
    }

    /// Remove the name `rel`: a file, a link (never what it points at), a FIFO.
    pub fn remove_file(&self, rel: &Path) -> Result<(), FsError> {
        let (dir, name) = self.parent_of(Op::Remove, rel, false)?;
        sys::unlinkat(dir.as_raw_fd(), &name, 0)
            .map_err(|e| FsError::io(Op::Remove, self.full(rel), e))
    }

    /// Remove the folder `rel` when it is empty.
    pub fn remove_dir(&self, rel: &Path) -> Result<(), FsError> {
        let (dir, name) = self.parent_of(Op::Remove, rel, false)?;
        sys::unlinkat(dir.as_raw_fd(), &name, libc::AT_REMOVEDIR)
            .map_err(|e| FsError::io(Op::Remove, self.full(rel), e))
    }

    /// Remove the folder `rel` and everything in it, following no link. Only for folders
    /// cachegen made itself and filled (its temporaries); a team's file is never removed
    /// this way.
    pub fn remove_tree(&self, rel: &Path) -> Result<(), FsError> {
        let entries = self.walk(rel)?;
        let base: PathBuf = self.names(Op::Remove, rel)?.iter().collect();
        for e in entries.iter().rev() {
            let p = base.join(&e.path);
            if e.kind == Kind::Dir {
                self.remove_dir(&p)?;
            } else {
                self.remove_file(&p)?;
            }
        }
        self.remove_dir(&base)
    }

    /// Set the permission bits of the folder `rel`.
    pub fn set_dir_mode(&self, rel: &Path, mode: u32) -> Result<(), FsError> {
        let names = self.names(Op::Write, rel)?;
        let fd = self.dir_fd(Op::Write, &names, false)?;
        sys::fchmod(fd.as_raw_fd(), mode as libc::mode_t)
            .map_err(|e| FsError::io(Op::Write, self.full(rel), e))
    }

    /// The pid of another process that holds a POSIX lock on the regular file `rel`; `None`
    /// when nobody does or the file is not there.
    pub fn lock_holder(&self, rel: &Path) -> Result<Option<i32>, FsError> {
        let file = match self.open_regular(Op::Read, rel, None) {
            Ok((f, _)) => f,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        sys::lock_holder(file.as_raw_fd()).map_err(|e| FsError::io(Op::Read, self.full(rel), e))
    }

    /// Make what was written durable: the whole file system on Linux (one `syncfs`).
    pub fn sync_all(&self) -> Result<(), FsError> {
        sys::sync_fs(self.fd.as_raw_fd()).map_err(|e| FsError::io(Op::Write, self.path.clone(), e))
    }

    /// Make this folder's own entries (names created, renamed, removed) durable.
    pub fn sync_folder(&self) -> Result<(), FsError> {
        sys::fsync(self.fd.as_raw_fd()).map_err(|e| FsError::io(Op::Write, self.path.clone(), e))
    }

    // ---------------------------------------------------------------------------------------

    /// The plain names of `rel`; a path that leaves the root is refused.
    fn names<'a>(&self, op: Op, rel: &'a Path) -> Result<Vec<&'a OsStr>, FsError> {
        paths::names(rel).ok_or_else(|| {
            FsError::new(
                op,
                rel.to_path_buf(),
                Problem::Outside {
                    root: self.path.clone(),
                },
            )
        })
    }

    /// The folder reached by `names` from the root, one `openat(O_NOFOLLOW | O_DIRECTORY)` at a
    /// time; `create` makes missing ones.
    fn dir_fd(&self, op: Op, names: &[&OsStr], create: bool) -> Result<OwnedFd, FsError> {
        let dot = CString::new(".").expect("no NUL");
        let mut fd = sys::openat(
            self.fd.as_raw_fd(),
            &dot,
            libc::O_RDONLY | libc::O_DIRECTORY,
            0,
        )
        .map_err(|e| FsError::io(op, self.path.clone(), e))?;
        let mut here = self.path.clone();
        for name in names {
            here.push(name);
            let c = sys::c_name(name).map_err(|e| FsError::io(op, here.clone(), e))?;
            let mut attempts = 0;
            fd = loop {
                match sys::openat(fd.as_raw_fd(), &c, libc::O_RDONLY | libc::O_DIRECTORY, 0) {
                    Ok(next) => break next,
                    Err(e) if e.kind() == io::ErrorKind::NotFound && create && attempts < 3 => {
                        attempts += 1;
                        match sys::mkdirat(fd.as_raw_fd(), &c, 0o777) {
                            Ok(()) => {}
                            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                            Err(e) => return Err(FsError::io(Op::Create, here, e)),
                        }
                    }
                    Err(e) => return Err(diagnose(op, here, fd.as_raw_fd(), &c, e, true)),
                }
            };
        }
        Ok(fd)
    }

    /// The open parent folder of `rel` and its last name.
    fn parent_of(&self, op: Op, rel: &Path, create: bool) -> Result<(OwnedFd, CString), FsError> {
        let names = self.names(op, rel)?;
        let Some((last, parents)) = names.split_last() else {
            return Err(FsError::new(
                op,
                self.path.clone(),
                Problem::NotAFile(Kind::Dir),
            ));
        };
        let dir = self.dir_fd(op, parents, create)?;
        let name = sys::c_name(last).map_err(|e| FsError::io(op, self.full(rel), e))?;
        Ok((dir, name))
    }

    /// A regular file opened for reading, checked before (`lstat`: no link, FIFO, device or
    /// folder is opened) and after (the same kind of file, not a kernel file).
    fn open_regular(
        &self,
        op: Op,
        rel: &Path,
        limit: Option<u64>,
    ) -> Result<(std::fs::File, u64), FsError> {
        let (dir, name) = self.parent_of(op, rel, false)?;
        let path = self.full(rel);
        let st =
            sys::lstatat(dir.as_raw_fd(), &name).map_err(|e| FsError::io(op, path.clone(), e))?;
        let before = Meta::of(&st);
        check_regular(op, path.clone(), &before)?;
        if let Some(limit) = limit
            && before.len > limit
        {
            return Err(FsError::new(
                op,
                path,
                Problem::TooLarge {
                    len: before.len,
                    limit,
                },
            ));
        }
        // Without blocking: were the file swapped for a FIFO since the look, the open would
        // otherwise wait for a writer forever.
        let fd = sys::openat(
            dir.as_raw_fd(),
            &name,
            libc::O_RDONLY | libc::O_NONBLOCK | libc::O_NOCTTY,
            0,
        )
        .map_err(|e| self.refusal(op, rel, &dir, &name, e))?;
        let after = fd_meta(&fd, op, path.clone())?;
        check_regular(op, path.clone(), &after)?;
        if sys::is_kernel_view(fd.as_raw_fd()) {
            return Err(FsError::new(op, path, Problem::KernelView));
        }
        Ok((std::fs::File::from(fd), after.len))
    }

    fn refusal(&self, op: Op, rel: &Path, dir: &OwnedFd, name: &CStr, e: io::Error) -> FsError {
        diagnose(op, self.full(rel), dir.as_raw_fd(), name, e, false)
    }
}

/// How [`Root::rename_to`] treats an entry already at the destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// Replace it (a folder only when it is empty).
    Replace,
    /// Fail when something is there.
    NoReplace,
    /// Both exist; they trade places in one step.
    Exchange,
}

/// What is at `path` (absolute, or relative to the working folder), the last name not followed;
/// `None` when nothing is. For looking where no root is open yet: walking up from the working
/// folder to the project's `cachegen.toml`.
pub fn kind_at(path: &Path) -> Option<Kind> {
    std::fs::symlink_metadata(path)
        .ok()
        .map(|m| kind_of_std(&m))
}

/// A file named on the command line by the person running cachegen (`verify --tls-ca`): links
/// in its path are followed (they chose it), but only a regular file of at most `limit` bytes
/// is read, never a FIFO, a device or a kernel file, and nothing blocks.
pub fn read_named_file(path: &Path, limit: u64) -> Result<Vec<u8>, FsError> {
    let meta = std::fs::metadata(path).map_err(|e| FsError::io(Op::Read, path.into(), e))?;
    let kind = kind_of_std(&meta);
    if kind != Kind::File {
        return Err(FsError::new(Op::Read, path.into(), Problem::NotAFile(kind)));
    }
    if meta.len() > limit {
        return Err(FsError::new(
            Op::Read,
            path.into(),
            Problem::TooLarge {
                len: meta.len(),
                limit,
            },
        ));
    }
    let c = sys::c_name(path.as_os_str()).map_err(|e| FsError::io(Op::Read, path.into(), e))?;
    // Links followed: `openat` with the working folder, without O_NOFOLLOW.
    // SAFETY: a valid NUL-terminated path; the descriptor is owned at once.
    let raw = unsafe {
        libc::open(
            c.as_ptr(),
            libc::O_RDONLY | libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC,
        )
    };
    if raw < 0 {
        return Err(FsError::io(
            Op::Read,
            path.into(),
            io::Error::last_os_error(),
        ));
    }
    // SAFETY: a new descriptor nothing else owns.
    let fd = unsafe { OwnedFd::from_raw_fd(raw) };
    let after = fd_meta(&fd, Op::Read, path.into())?;
    if after.kind != Kind::File {
        return Err(FsError::new(
            Op::Read,
            path.into(),
            Problem::NotAFile(after.kind),
        ));
    }
    if sys::is_kernel_view(fd.as_raw_fd()) {
        return Err(FsError::new(Op::Read, path.into(), Problem::KernelView));
    }
    let mut bytes = Vec::new();
    std::fs::File::from(fd)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| FsError::io(Op::Read, path.into(), e))?;
    if bytes.len() as u64 > limit {
        return Err(FsError::new(
            Op::Read,
            path.into(),
            Problem::TooLarge {
                len: bytes.len() as u64,
                limit,
            },
        ));
    }
    Ok(bytes)
}

fn check_regular(op: Op, path: PathBuf, meta: &Meta) -> Result<(), FsError> {
    match meta.kind {
        Kind::File => Ok(()),
        Kind::Link => Err(FsError::new(op, path, Problem::Link)),
        k => Err(FsError::new(op, path, Problem::NotAFile(k))),
    }
}

fn fd_meta(fd: &OwnedFd, op: Op, path: PathBuf) -> Result<Meta, FsError> {
    sys::fstat(fd.as_raw_fd())
        .map(|st| Meta::of(&st))
        .map_err(|e| FsError::io(op, path, e))
}

/// Why an `openat` with `O_NOFOLLOW` failed, in words: a link and a non-folder have their own
/// problem (the kernel says ELOOP or ENOTDIR); anything else is the I/O error itself.
fn diagnose(
    op: Op,
    path: PathBuf,
    dir: RawFd,
    name: &CStr,
    e: io::Error,
    want_dir: bool,
) -> FsError {
    if matches!(
        e.raw_os_error(),
        Some(libc::ELOOP | libc::ENOTDIR | libc::EMLINK | libc::ENXIO)
    ) && let Ok(st) = sys::lstatat(dir, name)
    {
        let kind = Meta::of(&st).kind;
        let problem = match kind {
            Kind::Link => Problem::Link,
            Kind::Dir => Problem::Io(e),
            k if want_dir => Problem::NotAFolder(k),
            k => Problem::NotAFile(k),
        };
        return FsError::new(op, path, problem);
    }
    FsError::io(op, path, e)
}

fn kind_of_std(m: &std::fs::Metadata) -> Kind {
    use std::os::unix::fs::MetadataExt;
    Kind::of(m.mode() as libc::mode_t)
}

/// The entries of an open folder (the descriptor is consumed), sorted by name.
fn list_fd(fd: OwnedFd) -> io::Result<Vec<(OsString, Kind)>> {
    let raw = fd.as_raw_fd();
    // SAFETY: fdopendir takes over the descriptor on success; on failure we still own it.
    let dirp = unsafe { libc::fdopendir(raw) };
    if dirp.is_null() {
        return Err(io::Error::last_os_error());
    }
    std::mem::forget(fd);
    let mut out = Vec::new();
    let result = loop {
        // SAFETY: errno is reset so that the end of the folder can be told from an error.
        unsafe { *errno() = 0 };
        // SAFETY: `dirp` is a valid open directory stream.
        let ent = unsafe { libc::readdir(dirp) };
        if ent.is_null() {
            let e = io::Error::last_os_error();
            break if e.raw_os_error().unwrap_or(0) == 0 {
                Ok(())
            } else {
                Err(e)
            };
        }
        // SAFETY: readdir returned a valid entry whose name is NUL-terminated.
        let (name, dtype) = unsafe {
            (
                CStr::from_ptr((*ent).d_name.as_ptr()).to_bytes().to_vec(),
                (*ent).d_type,
            )
        };
        if name == b"." || name == b".." {
            continue;
        }
        let kind = match dtype {
            libc::DT_REG => Some(Kind::File),
            libc::DT_DIR => Some(Kind::Dir),
            libc::DT_LNK => Some(Kind::Link),
            libc::DT_FIFO => Some(Kind::Fifo),
            libc::DT_SOCK => Some(Kind::Socket),
            libc::DT_CHR | libc::DT_BLK => Some(Kind::Device),
            _ => None,
        };
        let kind = match kind {
            Some(k) => k,
            None => {
                let c = CString::new(name.clone()).map_err(io::Error::other)?;
                // SAFETY: the stream's descriptor is valid while the stream is open.
                match sys::lstatat(unsafe { libc::dirfd(dirp) }, &c) {
                    Ok(st) => Meta::of(&st).kind,
                    // Removed meanwhile.
                    Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                    Err(e) => break Err(e),
                }
            }
        };
        out.push((OsString::from_vec(name), kind));
    };
    // SAFETY: closes the stream and its descriptor, once.
    unsafe { libc::closedir(dirp) };
    result?;
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn errno() -> *mut libc::c_int {
    // SAFETY: returns the thread's errno location.
    unsafe { libc::__errno_location() }
}

#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
fn errno() -> *mut libc::c_int {
    // SAFETY: returns the thread's errno location.
    unsafe { libc::__error() }
}

#[cfg(test)]
mod tests;
