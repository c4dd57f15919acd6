use super::*;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;

/// A fresh folder under the system's temporary folder, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!(
            "cachegen-project-fs-{tag}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Scratch(p)
    }

    fn root(&self) -> Root {
        Root::open(&self.0).unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn mkfifo(path: &Path) {
    let c = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// The project and, outside it, a file with a secret.
fn project_and_secret() -> (Scratch, Scratch) {
    let project = Scratch::new("project");
    let outside = Scratch::new("outside");
    std::fs::write(outside.0.join("secret"), "CANARY\n").unwrap();
    std::fs::create_dir(project.0.join("real")).unwrap();
    std::fs::write(project.0.join("real/file"), "inside\n").unwrap();
    (project, outside)
}

#[test]
fn a_link_is_refused_at_every_position_and_never_read() {
    let (project, outside) = project_and_secret();
    let p = &project.0;
    symlink(outside.0.join("secret"), p.join("file-link")).unwrap();
    symlink(&outside.0, p.join("dir-link")).unwrap();
    symlink("real", p.join("inner-link")).unwrap();
    let root = project.root();
    for rel in ["file-link", "dir-link/secret", "inner-link/file"] {
        let e = root.read(Path::new(rel), 1024).unwrap_err();
        assert!(matches!(e.problem(), Problem::Link), "{rel}: {e}");
        assert!(!e.to_string().contains("CANARY"), "{e}");
    }
    assert_eq!(
        root.read(Path::new("real/file"), 1024).unwrap(),
        b"inside\n"
    );
    assert!(matches!(
        root.folder(Path::new("dir-link"), false)
            .unwrap_err()
            .problem(),
        Problem::Link
    ));
    assert!(matches!(
        root.write_new(Path::new("dir-link/new"), b"x")
            .unwrap_err()
            .problem(),
        Problem::Link
    ));
    assert!(!outside.0.join("new").exists());
    assert_eq!(
        root.metadata(Path::new("file-link")).unwrap().unwrap().kind,
        Kind::Link
    );
}

#[test]
fn paths_that_leave_the_root_are_refused() {
    let (project, _outside) = project_and_secret();
    let root = project.root();
    for rel in ["../x", "/etc/passwd", "real/../../x"] {
        let e = root.read(Path::new(rel), 1024).unwrap_err();
        assert!(matches!(e.problem(), Problem::Outside { .. }), "{rel}: {e}");
    }
}

#[test]
fn only_regular_files_are_read_and_nothing_blocks() {
    let (project, _outside) = project_and_secret();
    let p = &project.0;
    mkfifo(&p.join("fifo"));
    let root = project.root();
    let e = root.read(Path::new("fifo"), 1024).unwrap_err();
    assert!(matches!(e.problem(), Problem::NotAFile(Kind::Fifo)), "{e}");
    let e = root.read(Path::new("real"), 1024).unwrap_err();
    assert!(matches!(e.problem(), Problem::NotAFile(Kind::Dir)), "{e}");
    std::fs::write(p.join("big"), vec![b'x'; 2000]).unwrap();
    let e = root.read(Path::new("big"), 1000).unwrap_err();
    assert!(matches!(e.problem(), Problem::TooLarge { .. }), "{e}");
    assert_eq!(root.read_head(Path::new("big"), 10).unwrap().len(), 10);

    // A device and a kernel file, as roots of their own (named by whoever runs cachegen).
    let dev = Root::open(Path::new("/dev")).unwrap();
    let e = dev.read(Path::new("zero"), 1024).unwrap_err();
    assert!(
        matches!(e.problem(), Problem::NotAFile(Kind::Device)),
        "{e}"
    );
    #[cfg(target_os = "linux")]
    {
        let proc_self = Root::open(Path::new("/proc/self")).unwrap();
        let e = proc_self.read(Path::new("environ"), 1 << 20).unwrap_err();
        assert!(matches!(e.problem(), Problem::KernelView), "{e}");
        let e = read_named_file(Path::new("/proc/self/environ"), 1 << 20).unwrap_err();
        assert!(matches!(e.problem(), Problem::KernelView), "{e}");
    }
    let e = read_named_file(&p.join("fifo"), 1024).unwrap_err();
    assert!(matches!(e.problem(), Problem::NotAFile(Kind::Fifo)), "{e}");
    let e = read_named_file(Path::new("/dev/zero"), 1024).unwrap_err();
    assert!(
        matches!(e.problem(), Problem::NotAFile(Kind::Device)),
        "{e}"
    );
}

#[test]
fn walking_lists_links_as_links_and_never_enters_them() {
    let (project, outside) = project_and_secret();
    let p = &project.0;
    symlink(&outside.0, p.join("real/out")).unwrap();
    std::fs::create_dir_all(p.join("real/sub/deeper")).unwrap();
    std::fs::write(p.join("real/sub/deeper/f"), "x").unwrap();
    let found: Vec<(String, Kind)> = project
        .root()
        .walk(Path::new("real"))
        .unwrap()
        .into_iter()
        .map(|e| (e.path.to_string_lossy().into_owned(), e.kind))
        .collect();
    assert_eq!(
        found,
        [
            ("file".to_string(), Kind::File),
            ("out".into(), Kind::Link),
            ("sub".into(), Kind::Dir),
            ("sub/deeper".into(), Kind::Dir),
            ("sub/deeper/f".into(), Kind::File),
        ]
    );
    assert!(
        project
            .root()
            .walk(Path::new("missing"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn writes_never_go_through_a_link() {
    let (project, outside) = project_and_secret();
    let p = &project.0;
    symlink(outside.0.join("secret"), p.join("append-link")).unwrap();
    symlink(outside.0.join("created"), p.join("dangling")).unwrap();
    let root = project.root();
    assert!(matches!(
        root.append(Path::new("append-link"), b"more")
            .unwrap_err()
            .problem(),
        Problem::Link
    ));
    assert!(root.write_new(Path::new("dangling"), b"x").is_err());
    assert!(!outside.0.join("created").exists());
    assert_eq!(
        std::fs::read(outside.0.join("secret")).unwrap(),
        b"CANARY\n"
    );
    root.write_new(Path::new("a/b/new"), b"new\n").unwrap();
    root.append(Path::new("a/b/new"), b"more\n").unwrap();
    assert_eq!(std::fs::read(p.join("a/b/new")).unwrap(), b"new\nmore\n");
}

#[test]
fn removing_a_tree_removes_links_not_their_targets() {
    let (project, outside) = project_and_secret();
    let p = &project.0;
    symlink(&outside.0, p.join("real/out")).unwrap();
    project.root().remove_tree(Path::new("real")).unwrap();
    assert!(!p.join("real").exists());
    assert_eq!(
        std::fs::read(outside.0.join("secret")).unwrap(),
        b"CANARY\n"
    );
}

#[test]
fn links_and_copies_keep_links_as_links() {
    let (project, outside) = project_and_secret();
    let p = &project.0;
    symlink(outside.0.join("secret"), p.join("real/link")).unwrap();
    let root = project.root();
    let dest = root.folder(Path::new("dest"), true).unwrap();
    root.link_to(Path::new("real/link"), &dest, Path::new("sub/link"))
        .unwrap();
    root.copy_to(Path::new("real/link"), &dest, Path::new("copy"))
        .unwrap();
    root.copy_to(Path::new("real/file"), &dest, Path::new("file"))
        .unwrap();
    for l in ["dest/sub/link", "dest/copy"] {
        assert!(
            std::fs::symlink_metadata(p.join(l))
                .unwrap()
                .file_type()
                .is_symlink(),
            "{l}"
        );
    }
    assert_eq!(std::fs::read(p.join("dest/file")).unwrap(), b"inside\n");
}

#[cfg(target_os = "linux")]
#[test]
fn two_folders_trade_places_in_one_step() {
    let (project, _outside) = project_and_secret();
    let p = &project.0;
    std::fs::create_dir(p.join("other")).unwrap();
    std::fs::write(p.join("other/o"), "o").unwrap();
    let root = project.root();
    root.rename_to(Path::new("other"), &root, Path::new("real"), Move::Exchange)
        .unwrap();
    assert!(p.join("real/o").is_file() && p.join("other/file").is_file());
    assert!(
        root.rename_to(
            Path::new("other"),
            &root,
            Path::new("real"),
            Move::NoReplace
        )
        .is_err()
    );
}

#[test]
fn a_lock_held_by_another_process_is_seen() {
    let (project, _outside) = project_and_secret();
    let p = &project.0;
    std::fs::write(p.join("state"), "{}").unwrap();
    let root = project.root();
    assert_eq!(root.lock_holder(Path::new("state")).unwrap(), None);
    assert_eq!(root.lock_holder(Path::new("missing")).unwrap(), None);
    // A child process holds the lock (a process never conflicts with its own locks).
    let mut child = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import fcntl,sys,time\nf=open(sys.argv[1],'r+')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('locked',flush=True)\ntime.sleep(30)\n",
        )
        .arg(p.join("state"))
        .stdout(std::process::Stdio::piped())
        .spawn();
    let Ok(child) = child.as_mut() else {
        assert!(
            std::env::var("CI").is_err(),
            "python3 is required under CI (it holds the lock)"
        );
        eprintln!("SKIPPED: python3 is not available to hold a lock");
        return;
    };
    let mut line = String::new();
    use std::io::BufRead;
    std::io::BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "locked");
    let holder = root.lock_holder(Path::new("state")).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(holder, Some(child.id() as i32));
}
