//! A real redis-server started from a generated environment, the way the compose stack starts
//! it (start-redis.sh turning the password secret into an ACL file), with container paths and
//! the port rewritten to a temporary folder and a free loopback port. Shared by the redis.conf
//! conformance test and the `cachegen verify` live tests.

use super::{run_in, stderr, which};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A redis-server that is killed when the test ends, passed or failed.
pub struct Server {
    child: Child,
    pub port: u16,
    pub log: PathBuf,
    password: String,
}

impl Server {
    /// Send a signal to the server (SIGSTOP hangs it, SIGCONT resumes it).
    pub fn signal(&self, signal: libc::c_int) {
        // SAFETY: kill(2) on our own child, which has not been waited for yet.
        unsafe { libc::kill(self.child.id() as libc::pid_t, signal) };
    }

    /// Kill the server now (as a crash would), leaving its files.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Stop the server as `docker compose stop` does (SIGTERM: Redis saves and exits), and
    /// wait for it; SIGKILL if it is still running after 10 seconds.
    pub fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            // SAFETY: kill(2) on our own child, which has not been waited for yet.
            unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        self.kill();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Render the environments of the project at `project` into `out`.
pub fn render_into(project: &Path, out: &Path) {
    let o = run_in(project, &["render", "--out", out.to_str().unwrap()]);
    assert_eq!(super::code(&o), 0, "{}", stderr(&o));
}

/// The generated config with container paths pointing into `work`, listening on `port`.
pub fn rewrite_conf(conf: &str, work: &Path, port: u16) -> String {
    conf.lines()
        .map(|l| {
            if l.starts_with("port ") && l != "port 0" {
                format!("port {port}")
            } else if l.starts_with("tls-port ") {
                format!("tls-port {port}")
            } else if l.starts_with("bind ") {
                "bind 127.0.0.1".to_string()
            } else if l.starts_with("cluster-announce-hostname ") {
                // Compose service names do not resolve here: announce loopback instead.
                "cluster-announce-hostname 127.0.0.1".to_string()
            } else {
                l.replace("/data", &work.join("data").to_string_lossy())
                    .replace("/run/redis", &work.join("run").to_string_lossy())
                    .replace("/tls/", &format!("{}/", work.join("tls").to_string_lossy()))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Start redis-server with the generated `redis.conf` and `start-redis.sh` of `env_dir`, its
/// files under `work` (TLS material, if any, already in `work/tls`).
pub fn start(env_dir: &Path, work: &Path, password: &str) -> Server {
    start_config(env_dir, "redis.conf", work, password)
}

/// Like `start`, with one of the environment's configs (a cluster node's `redis-<i>.conf`).
pub fn start_config(env_dir: &Path, conf_name: &str, work: &Path, password: &str) -> Server {
    start_config_on(env_dir, conf_name, work, password, free_port())
}

/// Like `start_config`, on a given port: a node restarted on its `work` folder keeps its
/// address, as a cluster node's `nodes.conf` expects.
pub fn start_config_on(
    env_dir: &Path,
    conf_name: &str,
    work: &Path,
    password: &str,
    port: u16,
) -> Server {
    start_full(env_dir, conf_name, work, password, port, "")
}

/// Like `start`, with lines appended to the config (a replica's `replicaof` and `masterauth`).
pub fn start_with(env_dir: &Path, work: &Path, password: &str, extra_conf: &str) -> Server {
    start_full(
        env_dir,
        "redis.conf",
        work,
        password,
        free_port(),
        extra_conf,
    )
}

fn start_full(
    env_dir: &Path,
    conf_name: &str,
    work: &Path,
    password: &str,
    port: u16,
    extra_conf: &str,
) -> Server {
    std::fs::create_dir_all(work.join("data")).unwrap();
    std::fs::create_dir_all(work.join("run")).unwrap();
    let mut conf = rewrite_conf(
        &std::fs::read_to_string(env_dir.join(conf_name)).unwrap(),
        work,
        port,
    );
    conf.push('\n');
    conf.push_str(extra_conf);
    std::fs::write(work.join("redis.conf"), conf).unwrap();
    std::fs::write(work.join("secret"), password).unwrap();
    // Appended to: a restarted node keeps the log of its earlier run.
    let log = work.join("server.log");
    let redis_dir = which("redis-server")
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        redis_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let child = Command::new("sh")
        .arg(env_dir.join("start-redis.sh"))
        .env("PATH", path)
        .env("REDIS_CONF", work.join("redis.conf"))
        .env("REDIS_ACL_FILE", work.join("run/users.acl"))
        .env("REDIS_PASSWORD_FILE", work.join("secret"))
        .env("REDIS_MASTERAUTH_FILE", work.join("run/masterauth.conf"))
        .stdout(Stdio::from(append(&log)))
        .stderr(Stdio::from(append(&work.join("server.err"))))
        .spawn()
        .unwrap();
    Server {
        child,
        port,
        log,
        password: password.to_string(),
    }
}

fn append(path: &Path) -> std::fs::File {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap()
}

/// redis-cli against the server, authenticated (when `auth`) the way the healthcheck is
/// (REDISCLI_AUTH, never an argument).
pub fn cli(server: &Server, tls: Option<&Path>, auth: bool, args: &[&str]) -> (bool, String) {
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
        c.env("REDISCLI_AUTH", &server.password);
    }
    let o = c.args(args).output().unwrap();
    (
        o.status.success(),
        super::output_text(&o).trim().to_string(),
    )
}

/// Wait until the server answers PING, or fail with its log.
pub fn wait_ready(server: &mut Server, tls: Option<&Path>) {
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

/// A throwaway CA and a server certificate for 127.0.0.1, made with openssl.
pub fn make_tls(dir: &Path) {
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

/// Write `count` keys of 1 KiB through `redis-cli --pipe` (the password in REDISCLI_AUTH).
pub fn fill(server: &Server, password: &str, count: usize) {
    use std::io::Write;
    let mut child = Command::new("redis-cli")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &server.port.to_string(),
            "--no-auth-warning",
            "--pipe",
        ])
        .env("REDISCLI_AUTH", password)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let value = "x".repeat(1024);
    let mut stdin = child.stdin.take().unwrap();
    let mut buf = Vec::new();
    for i in 0..count {
        let key = format!("fill:{i}");
        write!(
            buf,
            "*3\r\n$3\r\nSET\r\n${}\r\n{key}\r\n${}\r\n{value}\r\n",
            key.len(),
            value.len()
        )
        .unwrap();
    }
    stdin.write_all(&buf).unwrap();
    drop(stdin);
    child.wait().unwrap();
}
