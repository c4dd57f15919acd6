//! Helpers shared by the integration tests: run the real binary, find external tools (a
//! missing tool is a loud SKIPPED by hand and a failure under CI=true), temporary folders.

pub mod redis_server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary under test: this build's, or `CACHEGEN_BIN` (to show that a regression test
/// fails on an older build: `CACHEGEN_BIN=/path/to/old/cachegen cargo test --test it security::`).
pub fn bin() -> &'static str {
    static BIN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        std::env::var("CACHEGEN_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_cachegen").into())
    })
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run cachegen in `dir` with `args`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .output()
        .expect("run cachegen")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `dir` (relative path) with its bytes.
pub fn file_tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    cachegen::output::list_files(dir)
        .unwrap()
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect()
}

/// Everything a process printed: stdout, then stderr.
pub fn output_text(o: &Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Find an external tool on PATH. Missing: a loud SKIPPED line, or a failure under CI=true
/// (`.ci/run` installs every tool). Terraform is the exception: it comes with the machine
/// image, not from a registry, so it is skipped even under CI.
pub fn tool(name: &str) -> Option<PathBuf> {
    if let Some(p) = which(name) {
        return Some(p);
    }
    if under_ci() && name != "terraform" {
        panic!("{name} is required under CI=true but is not on PATH (.ci/run installs it)");
    }
    eprintln!("SKIPPED: {name} not found; install it (see .ci/run) to run this test");
    None
}

pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// A Python with the given importable module (from PATH, e.g. the venv `.ci/run` makes).
pub fn python_with(module: &str) -> Option<PathBuf> {
    for py in ["python3", "python"] {
        if let Some(p) = which(py) {
            let ok = Command::new(&p)
                .args(["-c", &format!("import {module}")])
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false);
            if ok {
                return Some(p);
            }
        }
    }
    if under_ci() {
        panic!("a python3 with `{module}` is required under CI=true (.ci/run installs it)");
    }
    eprintln!(
        "SKIPPED: no python3 with the `{module}` module; install it (see .ci/run) to run this test"
    );
    None
}

/// A fresh temporary folder, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let base = std::env::temp_dir().join(format!(
            "cachegen-test-{tag}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&base).unwrap();
        TempDir(base)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // CACHEGEN_KEEP_TMP=1 keeps the folder (and the servers' logs) for a post-mortem.
        if std::env::var_os("CACHEGEN_KEEP_TMP").is_none() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Copy the shipped environments (and base) into `dir/environments`, with a cachegen.toml
/// and the editor schemas it keeps.
pub fn copy_project(dir: &Path) {
    copy_dir(&root().join("environments"), &dir.join("environments"));
    copy_dir(&root().join("schema"), &dir.join("schema"));
    std::fs::copy(root().join("cachegen.toml"), dir.join("cachegen.toml")).unwrap();
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Render one spec (a path relative to the repository, or absolute) into `out`, from the
/// repository's root; the render must succeed.
pub fn render_spec(spec: &Path, out: &Path) {
    let o = run_in(
        &root(),
        &[
            "render",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 0, "{}: {}", spec.display(), stderr(&o));
}

/// Render one spec into `out` (as its only environment) and return its
/// `terraform/<cloud>` folder.
pub fn render_terraform(spec: &Path, out: &Path, cloud: &str) -> PathBuf {
    render_spec(spec, out);
    let env = std::fs::read_dir(out)
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .unwrap();
    let dir = env.path().join("terraform").join(cloud);
    assert!(dir.join("main.tf").is_file(), "{}", dir.display());
    dir
}

/// What one checkov run over a folder (every folder under it) found.
pub struct CheckovReport {
    /// Failed checks, as `file: CHECK_ID resource`.
    pub failed: Vec<String>,
    pub passed: u64,
    pub skipped: u64,
    /// Skipped checks, as `(file: CHECK_ID resource, the skip comment's reason)`.
    pub skips: Vec<(String, String)>,
}

/// Run checkov (`--skip-download`, JSON) once over `dir`.
pub fn checkov(checkov: &Path, dir: &Path) -> CheckovReport {
    let o = Command::new(checkov)
        .args([
            "-d",
            dir.to_str().unwrap(),
            "--framework",
            "terraform",
            "--skip-download",
            "-o",
            "json",
        ])
        .env("BC_SKIP_MAPPING", "TRUE")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    let v: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("checkov output: {e}\n{text}"));
    let runs = if v.is_array() {
        v.as_array().unwrap().clone()
    } else {
        vec![v]
    };
    let mut report = CheckovReport {
        failed: Vec::new(),
        passed: 0,
        skipped: 0,
        skips: Vec::new(),
    };
    for r in runs {
        if let Some(list) = r["results"]["failed_checks"].as_array() {
            for c in list {
                report.failed.push(format!(
                    "{}: {} {}",
                    c["file_path"].as_str().unwrap_or(""),
                    c["check_id"].as_str().unwrap_or(""),
                    c["resource"].as_str().unwrap_or("")
                ));
            }
        }
        if let Some(list) = r["results"]["skipped_checks"].as_array() {
            for c in list {
                report.skips.push((
                    format!(
                        "{}: {} {}",
                        c["file_path"].as_str().unwrap_or(""),
                        c["check_id"].as_str().unwrap_or(""),
                        c["resource"].as_str().unwrap_or("")
                    ),
                    c["check_result"]["suppress_comment"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                ));
            }
        }
        report.passed += r["summary"]["passed"].as_u64().unwrap_or(0);
        report.skipped += r["summary"]["skipped"].as_u64().unwrap_or(0);
    }
    report
}

/// insta settings: snapshots in `golden/`, no module prefix, no expression.
pub fn golden() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(root().join("golden"));
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

/// What a fixture expects, from its first line `# expect: CG0013 line 7` (or
/// `... in bases/other.yml`, or `# expect: clean`), or from a `<name>.expect` file beside a
/// binary or empty fixture. A UTF-8 byte-order mark before the first line is skipped.
pub struct Expect {
    /// The code of the first error, or `clean`.
    pub code: String,
    pub line: u32,
    pub file: Option<String>,
}

pub fn expectation(path: &Path) -> Expect {
    let side = path.with_file_name(format!(
        "{}.expect",
        path.file_name().unwrap().to_string_lossy()
    ));
    let text = if side.exists() {
        std::fs::read_to_string(side).unwrap()
    } else {
        let bytes = std::fs::read(path).unwrap();
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let first = bytes.split(|b| *b == b'\n').next().unwrap().to_vec();
        String::from_utf8(first)
            .unwrap()
            .trim_start_matches("# expect:")
            .to_string()
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    if words == ["clean"] {
        return Expect {
            code: "clean".into(),
            line: 0,
            file: None,
        };
    }
    assert!(
        words.len() >= 3 && words[1] == "line",
        "{}: bad expectation `{text}`",
        path.display()
    );
    Expect {
        code: words[0].to_string(),
        line: words[2].parse().unwrap(),
        file: (words.len() >= 5 && words[3] == "in").then(|| words[4].to_string()),
    }
}

/// A run of cachegen with its cost: hostile input must end within a bounded time and memory.
pub struct Bounded {
    /// Exit code; a negative number is the signal that ended it (SIGKILL after the timeout).
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// Peak resident memory of the child, polled from /proc while it runs (a lower bound).
    pub peak_rss_kib: i64,
    pub timed_out: bool,
}

/// Longest a run may take before it is killed as hung. Generous (debug builds, a loaded CI
/// machine); it catches hangs, it does not measure speed.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(20);
/// Address space a run may reserve (RLIMIT_AS): an allocation past it fails, so a bomb that
/// got through would abort instead of exhausting the machine.
pub const ADDRESS_SPACE_LIMIT: u64 = 1 << 30;

/// The peak resident memory of a running process's current memory map (0 once it has exited):
/// polled, so a lower bound of the true peak; RLIMIT_AS is the hard bound.
fn high_water_kib(pid: libc::pid_t) -> i64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

/// Run cachegen in `dir` with a timeout and a memory limit, measuring its peak memory.
pub fn run_bounded(dir: &Path, args: &[&str]) -> Bounded {
    run_limited(dir, args, RUN_TIMEOUT, &[])
}

/// [`run_bounded`] with another timeout and extra environment variables.
// The child is reaped with wait4 (which also reports its peak memory), not Child::wait.
#[allow(clippy::zombie_processes)]
pub fn run_limited(dir: &Path, args: &[&str], timeout: Duration, envs: &[(&str, &str)]) -> Bounded {
    use std::io::Read;
    // The limit is set by a shell that then execs cachegen, not by a pre_exec hook, which would
    // make the standard library fork this test process: the peak is read from the child's own
    // memory map (VmHWM) while it runs, and before its exec a forked child's map is a copy of
    // this process (the day-2 corpus: hundreds of MiB in a full run). wait4's ru_maxrss cannot
    // serve either: the kernel folds the spawning process's peak into it at exec.
    let script = format!(
        "ulimit -v {} && exec \"$0\" \"$@\"",
        ADDRESS_SPACE_LIMIT / 1024
    );
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(script)
        .arg(bin())
        .args(args)
        .envs(envs.iter().copied())
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run cachegen");
    let pid = child.id() as libc::pid_t;
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let mut status = 0;
    // SAFETY: zeroed rusage is a valid value; wait4 fills it in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut timed_out = false;
    let mut peak_rss_kib = 0;
    loop {
        peak_rss_kib = peak_rss_kib.max(high_water_kib(pid));
        // SAFETY: waits for our own child only.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        assert!(r == 0, "wait4: {}", std::io::Error::last_os_error());
        if start.elapsed() > timeout && !timed_out {
            timed_out = true;
            // SAFETY: our own child, not yet reaped.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -libc::WTERMSIG(status)
    };
    Bounded {
        code,
        stdout: String::from_utf8_lossy(&out_reader.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned(),
        peak_rss_kib,
        timed_out,
    }
}

/// Skip a test that needs something this machine lacks: a loud SKIPPED by hand, a failure
/// under CI=true.
pub fn skip_or_fail(why: &str) {
    if under_ci() {
        panic!("required under CI=true: {why}");
    }
    eprintln!("SKIPPED: {why}");
}

/// Whether the tests run as root (where permission bits do not stop writes).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Make a FIFO at `path`.
pub fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
    assert_eq!(rc, 0, "mkfifo {}", std::io::Error::last_os_error());
}

/// The codes of a `--format json` document's diagnostics, in document order.
pub fn json_codes(doc: &serde_json::Value) -> Vec<String> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// A process that holds a POSIX (fcntl) lock on a file, as Terraform's local backend holds one
/// on its state file while it plans or applies. Killed when dropped.
pub struct LockHolder(std::process::Child);

impl LockHolder {
    /// Lock `file` from another process (python3's `fcntl.lockf`); `None` (SKIPPED, or a
    /// failure under CI) without python3.
    pub fn hold(file: &Path) -> Option<LockHolder> {
        use std::io::BufRead;
        let python = python_with("fcntl")?;
        let mut child = Command::new(python)
            .arg("-c")
            .arg("import fcntl,sys,time\nf=open(sys.argv[1],'a+')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('locked',flush=True)\ntime.sleep(120)\n")
            .arg(file)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start python3");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "locked", "the lock holder did not start");
        Some(LockHolder(child))
    }
}

impl Drop for LockHolder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The vendored SARIF 2.1.0 schema (`tests/fixtures/sarif/`), compiled.
pub fn sarif_validator() -> jsonschema::Validator {
    let mut schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/sarif/sarif-schema-2.1.0.json"))
            .unwrap(),
    )
    .unwrap();
    // The published schema's `language` patterns (on `run` and `toolComponent`) have a stray
    // `]` that strict regex checkers refuse; drop those two patterns (cachegen writes no
    // `language`) and keep the rest.
    for def in ["run", "toolComponent"] {
        schema["definitions"][def]["properties"]["language"]
            .as_object_mut()
            .unwrap()
            .remove("pattern");
    }
    jsonschema::draft7::new(&schema).unwrap()
}

/// The folder that holds `registry.terraform.io/hashicorp/aws/<version>/<os_arch>/`.
pub fn aws_mirror() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::env::var_os("CACHEGEN_TF_MIRROR")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    candidates.extend(
        [
            "/opt/tf-plugins",
            "/usr/share/terraform/plugins",
            "/usr/local/share/terraform/plugins",
        ]
        .map(PathBuf::from),
    );
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(Path::new(&home).join(".terraform.d/plugins"));
    }
    candidates
        .into_iter()
        .find(|c| c.join("registry.terraform.io/hashicorp/aws").is_dir())
}
