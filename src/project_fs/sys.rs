//! The system calls `project_fs` is built on, each relative to an open folder (`*at`), none
//! following a symbolic link. Thin and unsafe-contained: every other function of the module
//! works with these.

use std::ffi::{CStr, CString, OsStr};
use std::io;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;

/// A name (one path component) as the C calls take it.
pub fn c_name(name: &OsStr) -> io::Result<CString> {
    CString::new(name.as_bytes()).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "a path holds a NUL byte, which no file name can",
        )
    })
}

/// Retry a call interrupted by a signal.
fn retry<T: PartialEq + Copy>(failed: T, mut call: impl FnMut() -> T) -> io::Result<T> {
    loop {
        let r = call();
        if r != failed {
            return Ok(r);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

const CLOEXEC: libc::c_int = libc::O_CLOEXEC;

/// Open `name` in `dir` with `flags` (O_NOFOLLOW and O_CLOEXEC always added).
pub fn openat(
    dir: RawFd,
    name: &CStr,
    flags: libc::c_int,
    mode: libc::mode_t,
) -> io::Result<OwnedFd> {
    let flags = flags | libc::O_NOFOLLOW | CLOEXEC;
    // SAFETY: `name` is a valid NUL-terminated string; the returned descriptor is owned here.
    let fd = retry(-1, || unsafe {
        libc::openat(dir, name.as_ptr(), flags, libc::c_uint::from(mode))
    })?;
    // SAFETY: a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Open a folder by an absolute or working-folder-relative path (a root cachegen was given).
pub fn open_dir_path(path: &CStr) -> io::Result<OwnedFd> {
    // SAFETY: as above.
    let fd = retry(-1, || unsafe {
        libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY | CLOEXEC)
    })?;
    // SAFETY: a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `lstat` of `name` in `dir`.
pub fn lstatat(dir: RawFd, name: &CStr) -> io::Result<libc::stat> {
    // SAFETY: zeroed `stat` is a valid value that the call fills in.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: valid string and out-pointer for the duration of the call.
    retry(-1, || unsafe {
        libc::fstatat(dir, name.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW)
    })?;
    Ok(st)
}

pub fn fstat(fd: RawFd) -> io::Result<libc::stat> {
    // SAFETY: as above.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: valid out-pointer.
    retry(-1, || unsafe { libc::fstat(fd, &mut st) })?;
    Ok(st)
}

pub fn mkdirat(dir: RawFd, name: &CStr, mode: libc::mode_t) -> io::Result<()> {
    // SAFETY: valid string.
    retry(-1, || unsafe { libc::mkdirat(dir, name.as_ptr(), mode) }).map(|_| ())
}

/// Remove a name: a file, a link (never what it points at), or with `AT_REMOVEDIR` an empty
/// folder.
pub fn unlinkat(dir: RawFd, name: &CStr, flags: libc::c_int) -> io::Result<()> {
    // SAFETY: valid string.
    retry(-1, || unsafe { libc::unlinkat(dir, name.as_ptr(), flags) }).map(|_| ())
}

/// Rename `from` in `from_dir` to `to` in `to_dir`. `exchange`: both must exist and trade
/// places in one step; `no_replace`: fail when `to` exists.
pub fn renameat(
    from_dir: RawFd,
    from: &CStr,
    to_dir: RawFd,
    to: &CStr,
    how: Rename,
) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let flags = match how {
            Rename::Replace => 0,
            Rename::NoReplace => libc::RENAME_NOREPLACE,
            Rename::Exchange => libc::RENAME_EXCHANGE,
        };
        // SAFETY: valid strings.
        retry(-1, || unsafe {
            libc::renameat2(from_dir, from.as_ptr(), to_dir, to.as_ptr(), flags)
        })
        .map(|_| ())
    }
    #[cfg(not(target_os = "linux"))]
    {
        match how {
            Rename::Replace => {}
            // Checked, then renamed: a short window in which another process could create
            // `to`; Linux closes it with RENAME_NOREPLACE.
            Rename::NoReplace => {
                if lstatat(to_dir, to).is_ok() {
                    return Err(io::Error::from(io::ErrorKind::AlreadyExists));
                }
            }
            Rename::Exchange => {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    "exchanging two folders in one step needs Linux",
                ));
            }
        }
        // SAFETY: valid strings.
        retry(-1, || unsafe {
            libc::renameat(from_dir, from.as_ptr(), to_dir, to.as_ptr())
        })
        .map(|_| ())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rename {
    Replace,
    NoReplace,
    Exchange,
}

/// A hard link of the entry itself (a symbolic link is linked as a link, never followed).
pub fn linkat(from_dir: RawFd, from: &CStr, to_dir: RawFd, to: &CStr) -> io::Result<()> {
    // SAFETY: valid strings; flags 0 does not follow a link at `from`.
    retry(-1, || unsafe {
        libc::linkat(from_dir, from.as_ptr(), to_dir, to.as_ptr(), 0)
    })
    .map(|_| ())
}

/// What a symbolic link says, without following it.
pub fn readlinkat(dir: RawFd, name: &CStr) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; 4096];
    // SAFETY: the buffer is valid for its length.
    let n = retry(-1, || unsafe {
        libc::readlinkat(dir, name.as_ptr(), buf.as_mut_ptr().cast(), buf.len())
    })?;
    buf.truncate(n as usize);
    Ok(buf)
}

pub fn symlinkat(target: &CStr, dir: RawFd, name: &CStr) -> io::Result<()> {
    // SAFETY: valid strings.
    retry(-1, || unsafe {
        libc::symlinkat(target.as_ptr(), dir, name.as_ptr())
    })
    .map(|_| ())
}

pub fn fchmod(fd: RawFd, mode: libc::mode_t) -> io::Result<()> {
    // SAFETY: plain call on a descriptor we hold.
    retry(-1, || unsafe { libc::fchmod(fd, mode) }).map(|_| ())
}

/// Whether the file behind `fd` lives on a kernel file system whose "files" are views of the
/// machine (`/proc`, `/sys`, ...): they look like regular files of size 0 and may hold a
/// process's environment, or block.
#[cfg(target_os = "linux")]
pub fn is_kernel_view(fd: RawFd) -> bool {
    // SAFETY: zeroed statfs is valid; the call fills it in.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: valid out-pointer.
    if unsafe { libc::fstatfs(fd, &mut st) } != 0 {
        return false;
    }
    const PROC: i64 = 0x9fa0;
    const SYSFS: i64 = 0x6265_6572;
    const DEBUGFS: i64 = 0x6462_6720;
    const TRACEFS: i64 = 0x7472_6163;
    const SECURITYFS: i64 = 0x7363_6673;
    const CGROUP: i64 = 0x0027_e0eb;
    const CGROUP2: i64 = 0x6367_7270;
    const BPF: i64 = 0xcafe_4a11;
    const EFIVARFS: i64 = 0xde5e_81e4;
    #[allow(clippy::unnecessary_cast)]
    let kind = st.f_type as i64;
    [
        PROC, SYSFS, DEBUGFS, TRACEFS, SECURITYFS, CGROUP, CGROUP2, BPF, EFIVARFS,
    ]
    .contains(&kind)
}

#[cfg(not(target_os = "linux"))]
pub fn is_kernel_view(_fd: RawFd) -> bool {
    false
}

/// Whether another process holds a POSIX (fcntl) lock on the file behind `fd`; its pid when
/// it does. Terraform's local backend locks its state file this way while it plans or applies.
pub fn lock_holder(fd: RawFd) -> io::Result<Option<i32>> {
    // SAFETY: zeroed flock is valid; F_GETLK fills it in.
    let mut lock: libc::flock = unsafe { std::mem::zeroed() };
    lock.l_type = libc::F_WRLCK as _;
    lock.l_whence = libc::SEEK_SET as _;
    // SAFETY: valid out-pointer.
    retry(-1, || unsafe { libc::fcntl(fd, libc::F_GETLK, &mut lock) })?;
    Ok((i32::from(lock.l_type as i16) != libc::F_UNLCK).then_some(lock.l_pid))
}

/// Make everything written on the file system of `fd` durable: one `syncfs` on Linux, the
/// folder itself elsewhere (with a global `sync`).
pub fn sync_fs(fd: RawFd) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: plain call on a descriptor we hold.
        retry(-1, || unsafe { libc::syncfs(fd) }).map(|_| ())
    }
    #[cfg(not(target_os = "linux"))]
    {
        // SAFETY: plain calls.
        unsafe { libc::sync() };
        retry(-1, || unsafe { libc::fsync(fd) }).map(|_| ())
    }
}

pub fn fsync(fd: RawFd) -> io::Result<()> {
    // SAFETY: plain call on a descriptor we hold.
    retry(-1, || unsafe { libc::fsync(fd) }).map(|_| ())
}

/// Duplicate a descriptor (close-on-exec).
pub fn dup(fd: &OwnedFd) -> io::Result<OwnedFd> {
    fd.try_clone()
}

/// The effective user, who owns what this process creates.
pub fn euid() -> u32 {
    // SAFETY: no preconditions.
    unsafe { libc::geteuid() }
}

/// Whether process `pid` exists (possibly as another user's).
pub fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}
