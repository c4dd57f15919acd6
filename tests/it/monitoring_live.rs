//! The self-hosted monitoring, live: redis-server started from the generated config, Debian's
//! `prometheus-redis-exporter` started by the generated `start-exporter.sh` (the password from
//! the secret file, never an argument), and Debian's `prometheus` with the generated scrape job
//! and alerting rules. Redis is filled past the memory threshold: Prometheus's HTTP API must
//! show `RedisMemoryHigh` pending, then firing; after a `FLUSHALL` it must resolve. Every
//! metric a rule uses (and every metric of `facts::metrics::exporter` a standalone server has)
//! must be in the live exporter's `/metrics`.
//!
//! The one test-only change to the generated files: `RedisMemoryHigh` holds for 5 s instead of
//! 5 minutes, with a 1 s scrape and evaluation interval (the whole cycle takes about 15 s).

use crate::common::redis_server::{Server, fill, free_port, render_into, start, wait_ready};
use crate::common::*;
use cachegen::facts::metrics::exporter;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "Monitor-Canary-5d1a9e07";

/// A development spec with the exporter and two alerts on, small enough to fill in a test.
const SPEC: &str = "extends: ../base.yaml
environment: monitored
tier: development
engine: { kind: redis, version: \"7.0\" }
topology: { mode: standalone }
memory: { max_memory: 8mb, eviction_policy: noeviction }
persistence: { snapshots: { enabled: false } }
security: { auth: { password: { env: REDIS_PASSWORD } } }
monitoring:
  alerts: { memory_percent: 90, auth_failures: 2 }
  compose: { exporter: true }
targets:
  compose: {}
";

/// A process killed when the test ends, passed or failed.
struct Running {
    child: Child,
    log: PathBuf,
}

impl Running {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(cmd: &mut Command, log: PathBuf) -> Running {
    let out = std::fs::File::create(&log).unwrap();
    let child = cmd
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .spawn()
        .unwrap();
    Running { child, log }
}

/// A GET on loopback (HTTP/1.0, the connection closes after the reply): the body of a 200.
fn http_get(addr: &str, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let (head, body) = buf.split_once("\r\n\r\n")?;
    head.lines()
        .next()
        .is_some_and(|l| l.contains(" 200 "))
        .then(|| body.to_string())
}

fn api(addr: &str, path: &str) -> Option<Value> {
    serde_json::from_str(&http_get(addr, path)?).ok()
}

/// Poll until `f` gives a value, or fail with `what` and the processes' logs.
fn wait_for<T>(what: &str, secs: u64, logs: &[&Running], mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        if Instant::now() > deadline {
            let logs: Vec<String> = logs.iter().map(|r| r.log()).collect();
            panic!("timed out waiting for {what}\n{}", logs.join("\n---\n"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The state of one alert in Prometheus (`pending`, `firing`), none when it is not active.
fn alert_state(prom: &str, name: &str) -> Option<(String, Value)> {
    let doc = api(prom, "/api/v1/alerts")?;
    doc["data"]["alerts"]
        .as_array()?
        .iter()
        .find(|a| a["labels"]["alertname"] == name)
        .map(|a| {
            (
                a["state"].as_str().unwrap_or_default().to_string(),
                a.clone(),
            )
        })
}

fn have_tools() -> Option<(PathBuf, PathBuf)> {
    // Look every tool up: each missing one says SKIPPED (or fails under CI) on its own.
    let found = [
        tool("redis-server"),
        tool("redis-cli"),
        tool("prometheus"),
        tool("prometheus-redis-exporter"),
    ];
    let [Some(_), Some(_), Some(prometheus), Some(exporter)] = found else {
        return None;
    };
    Some((prometheus, exporter))
}

/// The command line of a process, as `ps` shows it to every user of the machine.
fn cmdline(pid: u32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .unwrap_or_default()
}

#[test]
fn the_memory_alert_fires_in_prometheus_and_resolves_after_flushall() {
    let Some((prometheus, exporter_bin)) = have_tools() else {
        return;
    };
    let tmp = TempDir::new("monitoring-live");
    let project = tmp.path().join("project");
    copy_project(&project);
    std::fs::create_dir_all(project.join("environments/monitored")).unwrap();
    std::fs::write(project.join("environments/monitored/cache.yaml"), SPEC).unwrap();
    render_into(&project, &project.join("generated"));
    let env = project.join("generated/monitored");
    let work = tmp.path().join("work");

    let mut redis: Server = start(&env, &work.join("redis"), PASSWORD);
    wait_ready(&mut redis, None);

    // The exporter, as its compose service starts it: the generated script, the password from
    // the secret file the Redis service reads.
    let exporter_addr = format!("127.0.0.1:{}", free_port());
    let exporter_proc = spawn(
        Command::new("sh")
            .arg(env.join("start-exporter.sh"))
            .env("EXPORTER_BIN", &exporter_bin)
            .env("EXPORTER_SECRET_FILE", work.join("redis/secret"))
            .env("REDIS_ADDR", format!("redis://127.0.0.1:{}", redis.port))
            .env("REDIS_EXPORTER_WEB_LISTEN_ADDRESS", &exporter_addr)
            .env_remove("REDIS_PASSWORD"),
        tmp.path().join("exporter.log"),
    );
    let metrics = wait_for("the exporter's /metrics", 20, &[&exporter_proc], || {
        http_get(&exporter_addr, "/metrics").filter(|m| m.contains("\nredis_up 1"))
    });
    let args = cmdline(exporter_proc.child.id());
    assert!(args.contains("exporter"), "{args}");
    assert!(
        !args.contains(PASSWORD),
        "the password is on the exporter's command line"
    );

    // Every metric a rule uses is published (the rules of this spec need no replica).
    let rules_text = std::fs::read_to_string(env.join("redis-alerts.yml")).unwrap();
    let published: std::collections::BTreeSet<&str> = metrics
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split(['{', ' ']).next())
        .collect();
    let used = crate::monitoring::rule_metrics(&rules_text);
    assert!(used.contains("redis_memory_used_bytes"), "{used:?}");
    for m in &used {
        assert!(
            published.contains(m.as_str()),
            "rule metric `{m}` is not in the live /metrics"
        );
    }
    // ... and so is every metric of the facts a standalone primary has.
    for m in exporter::METRICS {
        if !exporter::CONDITIONAL.contains(m) {
            assert!(
                published.contains(m),
                "facts::metrics::exporter lists `{m}`, /metrics has none"
            );
        }
    }

    // Prometheus with the generated scrape job (at the test's exporter address, every second)
    // and the generated rules (RedisMemoryHigh holding for 5 s).
    let scrape: Value = serde_saphyr::from_str(
        &std::fs::read_to_string(env.join("prometheus-scrape.yml")).unwrap(),
    )
    .unwrap();
    let mut job = scrape["scrape_configs"][0].clone();
    let job_name = job["job_name"].as_str().unwrap().to_string();
    assert_eq!(job["static_configs"][0]["targets"][0], "127.0.0.1:9121");
    job["static_configs"][0]["targets"] = serde_json::json!([exporter_addr]);
    job["scrape_interval"] = "1s".into();
    job["scrape_timeout"] = "900ms".into();
    let prom_dir = work.join("prometheus");
    std::fs::create_dir_all(&prom_dir).unwrap();
    let for_5m = "- alert: RedisMemoryHigh\n";
    let at = rules_text.find(for_5m).expect("the memory rule");
    let (head, tail) = rules_text.split_at(at);
    let tail = tail.replacen("for: 5m", "for: 5s", 1);
    std::fs::write(prom_dir.join("rules.yml"), format!("{head}{tail}")).unwrap();
    let config = serde_json::json!({
        "global": { "scrape_interval": "1s", "evaluation_interval": "1s" },
        "rule_files": ["rules.yml"],
        "scrape_configs": [job],
    });
    // JSON is YAML.
    std::fs::write(prom_dir.join("prometheus.yml"), config.to_string()).unwrap();
    let prom = format!("127.0.0.1:{}", free_port());
    let prom_proc = spawn(
        Command::new(&prometheus)
            .arg(format!(
                "--config.file={}",
                prom_dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                prom_dir.join("data").display()
            ))
            .arg(format!("--web.listen-address={prom}"))
            .current_dir(&prom_dir),
        tmp.path().join("prometheus.log"),
    );
    let logs = [&exporter_proc, &prom_proc];
    // Prometheus takes its first scrape a few seconds after it starts: wait for redis_up=1.
    wait_for("a first scrape with redis_up 1", 60, &logs, || {
        let doc = api(&prom, "/api/v1/query?query=redis_up")?;
        let r = doc["data"]["result"].as_array()?.first()?.clone();
        (r["value"][1] == "1" && r["metric"]["job"] == job_name.as_str()).then_some(())
    });
    assert!(
        alert_state(&prom, "RedisMemoryHigh").is_none(),
        "fires before the fill"
    );

    // Past 90% of maxmemory: pending first, then firing after its 5 s.
    fill(&redis, PASSWORD, 7_300);
    let (_, pending) = wait_for("RedisMemoryHigh pending", 60, &logs, || {
        alert_state(&prom, "RedisMemoryHigh").filter(|(s, _)| s == "pending")
    });
    assert!(
        pending["value"].as_str().unwrap().parse::<f64>().unwrap() > 0.9,
        "{pending}"
    );
    let (_, firing) = wait_for("RedisMemoryHigh firing", 60, &logs, || {
        alert_state(&prom, "RedisMemoryHigh").filter(|(s, _)| s == "firing")
    });
    assert_eq!(firing["labels"]["severity"], "critical", "{firing}");
    assert_eq!(firing["labels"]["environment"], "monitored", "{firing}");
    assert_eq!(firing["labels"]["job"], job_name.as_str(), "{firing}");
    let summary = firing["annotations"]["summary"].as_str().unwrap();
    assert!(
        summary.contains("of maxmemory") && summary.contains('%'),
        "{summary}"
    );

    // FLUSHALL: the alert resolves (it leaves the list of active alerts).
    let (ok, out) = crate::common::redis_server::cli(&redis, None, true, &["FLUSHALL"]);
    assert!(ok, "{out}");
    wait_for("RedisMemoryHigh resolved", 60, &logs, || {
        alert_state(&prom, "RedisMemoryHigh")
            .is_none()
            .then_some(())
    });
    // Nothing else fired on the way: no eviction under noeviction, no failed login.
    let doc = api(&prom, "/api/v1/alerts").unwrap();
    assert_eq!(doc["data"]["alerts"], serde_json::json!([]), "{doc}");
    drop(redis);
}

/// The staging stack's exporter over TLS, with the environment its compose service sets (the
/// address and the CA, paths moved to the test's folder): it logs in and reports `redis_up 1`.
/// Without the CA variable it cannot (the negative control).
#[test]
fn the_exporter_of_a_tls_stack_connects_with_the_compose_environment() {
    let Some((_, exporter_bin)) = have_tools() else {
        return;
    };
    if tool("openssl").is_none() {
        return;
    }
    let tmp = TempDir::new("monitoring-tls");
    let project = tmp.path().join("project");
    copy_project(&project);
    render_into(&project, &project.join("generated"));
    let env = project.join("generated/staging");
    let work = tmp.path().join("work");
    crate::common::redis_server::make_tls(&work.join("tls"));
    let mut redis = start(&env, &work, PASSWORD);
    wait_ready(&mut redis, Some(&work.join("tls/ca.crt")));

    let compose: Value =
        serde_saphyr::from_str(&std::fs::read_to_string(env.join("docker-compose.yml")).unwrap())
            .unwrap();
    let service = &compose["services"]["redis-exporter"];
    let environment = service["environment"].as_object().unwrap();
    let run = |with_ca: bool, log: &str| {
        let addr = format!("127.0.0.1:{}", free_port());
        let mut cmd = Command::new("sh");
        cmd.arg(env.join("start-exporter.sh"))
            .env("EXPORTER_BIN", &exporter_bin)
            .env("EXPORTER_SECRET_FILE", work.join("secret"))
            .env("REDIS_EXPORTER_WEB_LISTEN_ADDRESS", &addr)
            .env_remove("REDIS_PASSWORD");
        for (k, v) in environment {
            let v = v.as_str().unwrap();
            let v = v
                .replace("rediss://redis:", "rediss://127.0.0.1:")
                .replace(":6379", &format!(":{}", redis.port))
                .replace("/tls/", &format!("{}/", work.join("tls").display()));
            if with_ca || !k.contains("TLS_CA") {
                cmd.env(k, v);
            }
        }
        let proc = spawn(&mut cmd, tmp.path().join(log));
        let metrics = wait_for("the exporter's /metrics", 20, &[&proc], || {
            http_get(&addr, "/metrics").filter(|m| m.contains("\nredis_up "))
        });
        metrics.contains("\nredis_up 1")
    };
    assert!(
        environment.contains_key("REDIS_EXPORTER_TLS_CA_CERT_FILE"),
        "{environment:?}"
    );
    assert!(
        run(true, "exporter-tls.log"),
        "the exporter cannot log in over TLS"
    );
    assert!(
        !run(false, "exporter-no-ca.log"),
        "the CA variable changed nothing"
    );
}
