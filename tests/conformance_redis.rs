//! Every generated `redis.conf` is accepted by a real redis-server (Debian's 7.0 package in
//! CI), started the way the compose stack starts it (start-redis.sh turning the password
//! secret into an ACL file), and redis-cli sees the settings the spec asked for. Container
//! paths and the port are rewritten to a temporary folder and a free loopback port.

mod common;

use common::*;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "Conformance-Canary-7f3a9c";

/// A redis-server that is killed when the test ends, passed or failed.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Render the shipped environments into `dir/generated`.
fn render_into(dir: &Path) -> PathBuf {
    let out = dir.join("generated");
    let o = run_in(&root(), &["render", "--out", out.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    out
}

/// The generated config with container paths pointing into `work`, listening on `port`.
fn rewrite_conf(conf: &str, work: &Path, port: u16) -> String {
    conf.lines()
        .map(|l| {
            if l.starts_with("port ") && l != "port 0" {
                format!("port {port}")
            } else if l.starts_with("tls-port ") {
                format!("tls-port {port}")
            } else if l.starts_with("bind ") {
                "bind 127.0.0.1".to_string()
            } else {
                l.replace("/data", &work.join("data").to_string_lossy())
                    .replace("/run/redis", &work.join("run").to_string_lossy())
                    .replace("/tls/", &format!("{}/", work.join("tls").to_string_lossy()))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn start(env_dir: &Path, work: &Path, redis_server_dir: &Path) -> Server {
    std::fs::create_dir_all(work.join("data")).unwrap();
    std::fs::create_dir_all(work.join("run")).unwrap();
    let port = free_port();
    let conf = rewrite_conf(
        &std::fs::read_to_string(env_dir.join("redis.conf")).unwrap(),
        work,
        port,
    );
    std::fs::write(work.join("redis.conf"), conf).unwrap();
    std::fs::write(work.join("secret"), PASSWORD).unwrap();
    let log = work.join("server.log");
    let path = format!(
        "{}:{}",
        redis_server_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let child = Command::new("sh")
        .arg(env_dir.join("start-redis.sh"))
        .env("PATH", path)
        .env("REDIS_CONF", work.join("redis.conf"))
        .env("REDIS_ACL_FILE", work.join("run/users.acl"))
        .env("REDIS_PASSWORD_FILE", work.join("secret"))
        .stdout(Stdio::from(std::fs::File::create(&log).unwrap()))
        .stderr(Stdio::from(
            std::fs::File::create(work.join("server.err")).unwrap(),
        ))
        .spawn()
        .unwrap();
    Server { child, port, log }
}

/// redis-cli against the server, authenticated the way the healthcheck is (REDISCLI_AUTH).
fn cli(server: &Server, tls: Option<&Path>, auth: bool, args: &[&str]) -> (bool, String) {
    let mut c = Command::new("redis-cli");
    c.args([
        "-h",
        "127.0.0.1",
        "-p",
        &server.port.to_string(),
        "--no-auth-warning",
    ]);
    if let Some(ca) = tls {
        c.args(["--tls", "--cacert", &ca.to_string_lossy()]);
    }
    if auth {
        c.env("REDISCLI_AUTH", PASSWORD);
    }
    let o = c.args(args).output().unwrap();
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
        .trim()
        .to_string(),
    )
}

fn wait_ready(server: &mut Server, tls: Option<&Path>) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!(
                "redis-server exited ({status}):\n{}",
                std::fs::read_to_string(&server.log).unwrap_or_default()
            );
        }
        let (_, out) = cli(server, tls, true, &["PING"]);
        if out == "PONG" {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "redis-server not ready: {out}\n{}",
            std::fs::read_to_string(&server.log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn config(server: &Server, tls: Option<&Path>, key: &str) -> String {
    let (ok, out) = cli(server, tls, true, &["CONFIG", "GET", key]);
    assert!(ok, "CONFIG GET {key}: {out}");
    out.lines().nth(1).unwrap_or("").to_string()
}

/// A throwaway CA and a server certificate for 127.0.0.1, made with openssl.
fn make_tls(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let run = |args: &[&str]| {
        let o = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=cachegen-test-ca",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "redis.key",
        "-out",
        "redis.csr",
    ]);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "redis.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        "ext.cnf",
        "-out",
        "redis.crt",
    ]);
}

fn plan_of(env: &str) -> cachegen::plan::Plan {
    let project = cachegen::project::discover(&root()).unwrap();
    match cachegen::pipeline::check_spec(
        &project,
        &root().join(format!("environments/{env}/cache.yaml")),
    ) {
        cachegen::pipeline::Outcome::Checked(c) => c.plan,
        other => panic!("{env}: {:?}", other.diagnostics()),
    }
}

fn check_environment(env: &str, generated: &Path, work_root: &Path) {
    let plan = plan_of(env);
    let work = work_root.join(env);
    let tls_ca = plan.security.tls.then(|| {
        make_tls(&work.join("tls"));
        work.join("tls/ca.crt")
    });
    let redis_dir = which("redis-server")
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let mut server = start(&generated.join(env), &work, &redis_dir);
    let ca = tls_ca.as_deref();
    wait_ready(&mut server, ca);

    // The settings the spec asked for.
    assert_eq!(
        config(&server, ca, "maxmemory"),
        plan.memory.max_memory_bytes.to_string(),
        "{env}: maxmemory"
    );
    assert_eq!(
        config(&server, ca, "maxmemory-policy"),
        plan.memory.eviction_policy.as_str(),
        "{env}"
    );
    assert_eq!(
        config(&server, ca, "appendonly"),
        if plan.persistence.aof.enabled {
            "yes"
        } else {
            "no"
        },
        "{env}"
    );
    let save: Vec<String> = plan
        .persistence
        .snapshots
        .save
        .iter()
        .flat_map(|p| [p.seconds.to_string(), p.changes.to_string()])
        .collect();
    assert_eq!(
        config(&server, ca, "save"),
        save.join(" "),
        "{env}: save points"
    );
    let mut want: Vec<char> = plan.server.keyspace_events.chars().collect();
    let mut got: Vec<char> = config(&server, ca, "notify-keyspace-events")
        .chars()
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got, want, "{env}: notify-keyspace-events");
    assert_eq!(
        config(&server, ca, "databases"),
        plan.server.databases.to_string(),
        "{env}"
    );
    assert_eq!(
        config(&server, ca, "io-threads"),
        plan.server.io_threads.to_string(),
        "{env}"
    );

    // AUTH: no password, no access; the wrong one is refused.
    let (_, out) = cli(&server, ca, false, &["GET", "k"]);
    assert!(out.contains("NOAUTH"), "{env}: unauthenticated GET: {out}");
    let (ok, out) = cli(&server, ca, true, &["SET", "k", "v"]);
    assert!(ok && out == "OK", "{env}: authenticated SET: {out}");

    // Disabled commands are refused.
    for c in &plan.security.disabled_commands {
        // Arity is checked before permissions: give each command valid arguments.
        let probe: Vec<&str> = match c.as_str() {
            "KEYS" => vec!["KEYS", "*"],
            "DEBUG" => vec!["DEBUG", "HELP"],
            other => vec![other],
        };
        let (_, out) = cli(&server, ca, true, &probe);
        assert!(
            out.contains("NOPERM") || out.contains("not allowed"),
            "{env}: {c} must be refused: {out}"
        );
        // And the refusal is the ACL's, not only another guard's.
        let mut dry = vec!["ACL", "DRYRUN", "default"];
        dry.extend(&probe);
        let (_, out) = cli(&server, ca, true, &dry);
        assert!(
            out.contains("no permissions"),
            "{env}: ACL allows {c}: {out}"
        );
    }

    if ca.is_some() {
        // TLS only: a plain TCP client gets no answer.
        let (_, out) = cli(&server, None, true, &["PING"]);
        assert_ne!(
            out, "PONG",
            "{env}: plain TCP must be refused on the TLS port"
        );
    }
    // The password is in no file Redis was given (the ACL file holds its SHA-256).
    let acl = std::fs::read_to_string(work.join("run/users.acl")).unwrap();
    assert!(
        !acl.contains(PASSWORD),
        "{env}: the ACL file holds the password"
    );
    let conf = std::fs::read_to_string(work.join("redis.conf")).unwrap();
    assert!(!conf.contains(PASSWORD));
}

#[test]
fn redis_server_runs_every_generated_config() {
    if tool("redis-server").is_none() || tool("redis-cli").is_none() || tool("openssl").is_none() {
        return;
    }
    let tmp = TempDir::new("redis");
    let generated = render_into(tmp.path());
    let mut checked = 0;
    for env in ["development", "staging"] {
        check_environment(env, &generated, tmp.path());
        checked += 1;
    }
    assert_eq!(checked, 2);
}
