//! `cachegen verify` against real redis-servers on loopback, started from the generated
//! configuration the way the compose stack starts it. A server as rendered verifies clean; a
//! `CONFIG SET` in an "incident" is reported as drift at the spec line; a wrong password is
//! exit 2 and never printed; a TLS server verifies over rediss:// with a throwaway CA.
//!
//! The specs are copies of the shipped environments whose `engine.version` is set to the
//! installed redis-server's (Debian's 7.0 in CI, while the shipped specs ask for 7.2): verify
//! compares the version too, and the spec must say what runs.

use crate::common::redis_server::{
    Server, cli, fill, make_tls, render_into, start, start_with, wait_ready,
};
use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PASSWORD: &str = "Verify-Canary-3b8e1d55";
const WRONG: &str = "Wrong-Canary-9c2f47aa";

fn have_tools() -> bool {
    // Evaluate all three: each missing tool says SKIPPED (or fails under CI) on its own.
    let found = [tool("redis-server"), tool("redis-cli"), tool("openssl")];
    found.iter().all(Option::is_some)
}

/// `major.minor` of the installed redis-server.
fn installed_version() -> String {
    let o = Command::new("redis-server")
        .arg("--version")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    let v = text
        .split_whitespace()
        .find_map(|w| w.strip_prefix("v="))
        .unwrap_or_else(|| panic!("no version in `redis-server --version`: {text}"));
    v.split('.').take(2).collect::<Vec<_>>().join(".")
}

/// Set `engine.version` of a spec (the shipped ones write `engine: { ..., version: "x.y" }`).
fn set_engine_version(spec: &Path, version: &str) {
    let text = std::fs::read_to_string(spec).unwrap();
    let mut replaced = 0;
    let out: Vec<String> = text
        .lines()
        .map(
            |l| match (l.starts_with("engine:"), l.find("version: \"")) {
                (true, Some(i)) => {
                    let start = i + "version: \"".len();
                    let end = start + l[start..].find('"').unwrap();
                    replaced += 1;
                    format!("{}{version}{}", &l[..start], &l[end..])
                }
                _ => l.to_string(),
            },
        )
        .collect();
    assert_eq!(replaced, 1, "{}: one engine version line", spec.display());
    std::fs::write(spec, out.join("\n") + "\n").unwrap();
}

/// A server started from one environment of a copied project, and how to verify it.
struct Live {
    _tmp: TempDir,
    project: PathBuf,
    spec: String,
    server: Server,
    ca: Option<PathBuf>,
}

impl Live {
    fn start(env: &str) -> Live {
        Live::start_spec(env, None)
    }

    /// A server of an environment of its own (`text`, with the installed engine version put
    /// in for `VERSION`), beside the shipped ones of the copied project.
    fn start_spec(env: &str, text: Option<&str>) -> Live {
        let tmp = TempDir::new(&format!("verify-{env}"));
        let project = tmp.path().join("project");
        copy_project(&project);
        let spec = format!("environments/{env}/cache.yaml");
        match text {
            Some(t) => {
                std::fs::create_dir_all(project.join(format!("environments/{env}"))).unwrap();
                std::fs::write(
                    project.join(&spec),
                    t.replace("VERSION", &installed_version()),
                )
                .unwrap();
            }
            None => set_engine_version(&project.join(&spec), &installed_version()),
        }
        render_into(&project, &project.join("generated"));
        let work = tmp.path().join("work");
        let tls = std::fs::read_to_string(project.join("generated").join(env).join("redis.conf"))
            .unwrap()
            .contains("\ntls-port ");
        let ca = tls.then(|| {
            make_tls(&work.join("tls"));
            work.join("tls/ca.crt")
        });
        let mut server = start(&project.join("generated").join(env), &work, PASSWORD);
        wait_ready(&mut server, ca.as_deref());
        Live {
            _tmp: tmp,
            project,
            spec,
            server,
            ca,
        }
    }

    fn url(&self, scheme: &str) -> String {
        format!("{scheme}://127.0.0.1:{}", self.server.port)
    }

    /// redis-cli as the operator in an incident would use it.
    fn redis_cli(&self, args: &[&str]) -> String {
        let (ok, out) = cli(&self.server, self.ca.as_deref(), true, args);
        assert!(ok, "redis-cli {args:?}: {out}");
        out
    }

    /// `cachegen verify` with `REDIS_PASSWORD` set to `password` (or unset).
    fn verify(&self, password: Option<&str>, args: &[&str]) -> Output {
        verify_in(&self.project, &self.spec, password, args)
    }
}

fn verify_in(dir: &Path, spec: &str, password: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(bin());
    c.arg("verify")
        .arg(spec)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .env_remove("REDIS_PASSWORD");
    if let Some(p) = password {
        c.env("REDIS_PASSWORD", p);
    }
    let o = c.output().expect("run cachegen verify");
    for secret in [PASSWORD, WRONG] {
        assert!(
            !stdout(&o).contains(secret) && !stderr(&o).contains(secret),
            "a password was printed:\n{}{}",
            stdout(&o),
            stderr(&o)
        );
    }
    o
}

fn json(o: &Output) -> Value {
    serde_json::from_str(&stdout(o))
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(o), stderr(o)))
}

fn codes(doc: &Value) -> Vec<String> {
    let mut v = json_codes(doc);
    v.sort();
    v
}

/// The text of line `line` of `file`, relative to the project.
fn spec_line(project: &Path, file: &str, line: u64) -> String {
    let text = std::fs::read_to_string(project.join(file)).unwrap();
    text.lines()
        .nth(line as usize - 1)
        .unwrap_or_else(|| panic!("{file} has no line {line}"))
        .trim()
        .to_string()
}

#[test]
fn a_server_started_from_the_generated_development_config_verifies_clean() {
    if !have_tools() {
        return;
    }
    let live = Live::start("development");
    let o = live.verify(Some(PASSWORD), &["--url", &live.url("redis")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("no drift"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("error["), "{}", stderr(&o));

    let o = live.verify(
        Some(PASSWORD),
        &["--url", &live.url("redis"), "--format", "json"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(codes(&doc), Vec::<String>::new());
    let v = &doc["verify"];
    assert!(v["compared"].as_u64().unwrap() >= 18, "{v}");
    assert_eq!(v["not_compared"], serde_json::json!([]), "{v}");
    assert_eq!(v["server"]["role"], "master");
    assert_eq!(
        v["server"]["endpoint"],
        format!("redis://127.0.0.1:{}", live.server.port)
    );

    // The version is compared too: the same server against a spec that asks for another one.
    let other = if installed_version() == "7.2" {
        "7.0"
    } else {
        "7.2"
    };
    set_engine_version(&live.project.join(&live.spec), other);
    let o = live.verify(
        Some(PASSWORD),
        &["--url", &live.url("redis"), "--format", "json"],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(codes(&doc), ["CG8001"]);
    let at = &doc["diagnostics"][0]["location"];
    assert_eq!(
        spec_line(
            &live.project,
            at["file"].as_str().unwrap(),
            at["line"].as_u64().unwrap()
        ),
        format!("engine: {{ kind: redis, version: \"{other}\" }}")
    );
}

#[test]
fn config_set_in_an_incident_is_drift_at_the_spec_lines_in_every_format() {
    if !have_tools() {
        return;
    }
    let live = Live::start("development");
    live.redis_cli(&["CONFIG", "SET", "maxmemory-policy", "noeviction"]);
    live.redis_cli(&["CONFIG", "SET", "maxmemory", "1mb"]);
    let url = live.url("redis");

    // Human: both drifts, nothing else, and the verdict.
    let o = live.verify(Some(PASSWORD), &["--url", &url]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.matches("error[").count(), 2, "{err}");
    assert!(
        err.contains("error[CG8002]") && err.contains("error[CG8003]"),
        "{err}"
    );
    assert!(err.contains("drift: 2 of"), "{err}");

    // JSON: the codes, the spec lines, expected and actual as data.
    let o = live.verify(Some(PASSWORD), &["--url", &url, "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(codes(&doc), ["CG8002", "CG8003"]);
    let mut lines = Vec::new();
    for d in doc["diagnostics"].as_array().unwrap() {
        let at = &d["location"];
        let (file, line) = (at["file"].as_str().unwrap(), at["line"].as_u64().unwrap());
        lines.push((d["code"].as_str().unwrap().to_string(), line));
        let text = spec_line(&live.project, file, line);
        match d["code"].as_str().unwrap() {
            "CG8002" => {
                assert_eq!(file, "environments/development/cache.yaml");
                assert_eq!(text, "max_memory: 2gb");
            }
            // The development spec takes its eviction policy from the base it extends.
            _ => {
                assert_eq!(file, "environments/base.yaml");
                assert_eq!(text, "eviction_policy: allkeys-lru");
            }
        }
    }
    let mut drift: Vec<(String, String, String)> = doc["verify"]["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["setting"].as_str().unwrap().to_string(),
                d["expected"].as_str().unwrap().to_string(),
                d["actual"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    drift.sort();
    assert_eq!(
        drift,
        [
            ("maxmemory".into(), "2147483648".into(), "1048576".into()),
            (
                "maxmemory-policy".into(),
                "allkeys-lru".into(),
                "noeviction".into()
            ),
        ]
    );

    // SARIF: results name their rules, the rules are described, the regions are the lines.
    let o = live.verify(Some(PASSWORD), &["--url", &url, "--format", "sarif"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let sarif = json(&o);
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], id);
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
        let line = r["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap();
        assert!(lines.contains(&(id.to_string(), line)), "{id} at {line}");
    }

    // Put it back as the help says: clean again.
    live.redis_cli(&["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"]);
    live.redis_cli(&["CONFIG", "SET", "maxmemory", "2gb"]);
    let o = live.verify(Some(PASSWORD), &["--url", &url]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn a_wrong_or_missing_password_is_exit_2_and_never_printed() {
    if !have_tools() {
        return;
    }
    let live = Live::start("development");
    let url = live.url("redis");

    let o = live.verify(Some(WRONG), &["--url", &url]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("refused the credentials"),
        "{}",
        stderr(&o)
    );

    // In the URL it is masked in the messages, too.
    let with_password = format!("redis://:{WRONG}@127.0.0.1:{}", live.server.port);
    for format in ["human", "json", "sarif"] {
        let o = live.verify(None, &["--url", &with_password, "--format", format]);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert!(stderr(&o).contains(":*****@"), "{}", stderr(&o));
        assert!(!stdout(&o).contains(WRONG), "{}", stdout(&o));
        if format != "human" {
            // The failure is in the document too, as CG0050 (never an empty "0 errors").
            let doc = json(&o);
            assert!(doc.to_string().contains("CG0050"), "{doc}");
            assert!(doc.to_string().contains(":*****@"), "{doc}");
        }
    }

    let o = live.verify(None, &["--url", &url]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("requires a password"), "{}", stderr(&o));

    // --password-env names another variable; unset, it is a usage error.
    let o = Command::new(bin())
        .args(["verify", &live.spec, "--url", &url, "--password-env"])
        .arg("CACHE_AUTH")
        .current_dir(&live.project)
        .env_remove("REDIS_PASSWORD")
        .env("CACHE_AUTH", PASSWORD)
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stderr(&o).contains(PASSWORD));
    let o = live.verify(
        Some(PASSWORD),
        &["--url", &url, "--password-env", "CACHEGEN_TEST_UNSET"],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("CACHEGEN_TEST_UNSET"), "{}", stderr(&o));
}

#[test]
fn a_tls_server_verifies_over_rediss_and_refuses_the_disabled_commands() {
    if !have_tools() {
        return;
    }
    let live = Live::start("staging");
    let ca = live.ca.clone().expect("staging serves TLS");
    let ca = ca.to_str().unwrap();
    let url = live.url("rediss");

    let o = live.verify(
        Some(PASSWORD),
        &["--url", &url, "--tls-ca", ca, "--format", "json"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(codes(&doc), Vec::<String>::new());
    // Everything was read, including whether FLUSHALL, FLUSHDB, KEYS and DEBUG are refused.
    assert_eq!(doc["verify"]["not_compared"], serde_json::json!([]));

    // Without the CA the certificate is not trusted; over plaintext the TLS port says nothing.
    let o = live.verify(Some(PASSWORD), &["--url", &url, "--timeout-ms", "2000"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("--tls-ca"), "{}", stderr(&o));
    let o = live.verify(
        Some(PASSWORD),
        &["--url", &live.url("redis"), "--timeout-ms", "2000"],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("rediss://"), "{}", stderr(&o));

    // An incident re-enables KEYS for the default user: drift at the KEYS entry of the list.
    live.redis_cli(&["ACL", "SETUSER", "default", "+keys"]);
    let o = live.verify(
        Some(PASSWORD),
        &["--url", &url, "--tls-ca", ca, "--format", "json"],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(codes(&doc), ["CG8019"]);
    let at = &doc["diagnostics"][0]["location"];
    assert_eq!(at["file"], live.spec.as_str());
    let text = spec_line(&live.project, &live.spec, at["line"].as_u64().unwrap());
    assert_eq!(text, "disabled_commands: [FLUSHALL, FLUSHDB, KEYS, DEBUG]");
    let col = at["column"].as_u64().unwrap() as usize;
    let line = std::fs::read_to_string(live.project.join(&live.spec)).unwrap();
    let line = line
        .lines()
        .nth(at["line"].as_u64().unwrap() as usize - 1)
        .unwrap();
    assert!(line[col - 1..].starts_with("KEYS"), "{line} at {col}");

    // A user that may not run ACL DRYRUN: DEBUG is still checked (DEBUG HELP is refused by
    // `enable-debug-command no`), the others are named as not compared.
    live.redis_cli(&["ACL", "SETUSER", "default", "-acl"]);
    let o = live.verify(
        Some(PASSWORD),
        &["--url", &url, "--tls-ca", ca, "--format", "json"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(codes(&doc), ["CG8090"]);
    let skipped: Vec<&str> = doc["verify"]["not_compared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["setting"].as_str().unwrap())
        .collect();
    assert_eq!(
        skipped,
        [
            "disabled command FLUSHALL",
            "disabled command FLUSHDB",
            "disabled command KEYS"
        ]
    );
}

#[test]
fn without_config_info_still_answers_and_the_rest_is_one_note() {
    if !have_tools() {
        return;
    }
    // What a managed service looks like: CONFIG is not available to the user.
    let live = Live::start("development");
    live.redis_cli(&["CONFIG", "SET", "maxmemory-policy", "volatile-lru"]);
    live.redis_cli(&["ACL", "SETUSER", "default", "-config"]);
    let o = live.verify(Some(PASSWORD), &["--url", &live.url("redis")]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("error[CG8003]"), "{err}");
    assert!(err.contains("note[CG8090]"), "{err}");
    assert!(err.contains("CONFIG GET is refused: NOPERM"), "{err}");
    for setting in [
        "maxmemory-samples",
        "save",
        "appendfsync",
        "notify-keyspace-events",
    ] {
        assert!(err.contains(&format!("`{setting}`")), "{setting}: {err}");
    }
    // maxmemory and appendonly came from INFO and were compared.
    assert!(!err.contains("`maxmemory`,"), "{err}");
    assert!(!err.contains("`appendonly`"), "{err}");
}

#[test]
fn nothing_listening_is_exit_2_with_the_reason() {
    // No redis-server needed: a port nobody listens on.
    let port = crate::common::redis_server::free_port();
    let url = format!("redis://app:{WRONG}@127.0.0.1:{port}");
    let o = verify_in(
        &root(),
        "environments/development/cache.yaml",
        None,
        &["--url", &url, "--timeout-ms", "2000"],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("refused the connection"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("redis://app:*****@127.0.0.1"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn usage_mistakes_are_exit_2_before_connecting() {
    let spec = "environments/development/cache.yaml";
    for (args, says) in [
        (
            vec!["--url", "http://u:Wrong-Canary-9c2f47aa@127.0.0.1:1"],
            "scheme `http`",
        ),
        (
            vec!["--url", "redis://127.0.0.1:1", "--tls-ca", "ca.crt"],
            "--tls-ca is for TLS",
        ),
        (
            vec![
                "--url",
                "rediss://127.0.0.1:1",
                "--tls-ca",
                "no-such-ca.crt",
            ],
            "cannot read --tls-ca",
        ),
        (
            vec!["--url", "redis://127.0.0.1:1", "--timeout-ms", "0"],
            "--timeout-ms",
        ),
    ] {
        let o = verify_in(&root(), spec, None, &args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn drift_codes_are_listed_and_explained_by_cachegen_rules() {
    let o = run_in(&root(), &["rules"]);
    assert_eq!(code(&o), 0);
    for c in ["CG8001", "CG8002", "CG8003", "CG8019", "CG8090"] {
        assert!(stdout(&o).contains(c), "`cachegen rules` lists {c}");
    }
    let o = run_in(&root(), &["rules", "cg8003"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("maxmemory-policy"), "{}", stdout(&o));
    // The health codes, beside them.
    let o = run_in(&root(), &["rules"]);
    for c in ["CG8101", "CG8104", "CG8108", "CG8109", "CG8110", "CG8190"] {
        assert!(stdout(&o).contains(c), "`cachegen rules` lists {c}");
    }
    let o = run_in(&root(), &["rules", "cg8110"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("acl_access_denied_auth"),
        "{}",
        stdout(&o)
    );
}

/// A development spec with alerts switched on, small enough to fill in a test: 8 MB, LRU
/// eviction (from the base), a password.
const HEALTH_SPEC: &str = "extends: ../base.yaml
environment: health
tier: development
engine: { kind: redis, version: \"VERSION\" }
topology: { mode: standalone }
memory: { max_memory: 8mb }
persistence: { snapshots: { enabled: false } }
security: { auth: { password: { env: REDIS_PASSWORD } } }
monitoring:
  alerts: { memory_percent: 90, evictions: 0, auth_failures: 2, hit_rate_percent: 50 }
  compose: { exporter: true }
targets:
  compose: {}
";

/// The health measure called `name` of a JSON report.
fn health_measure<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["verify"]["health"]["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no measure {name}: {doc}"))
}

#[test]
fn thresholds_crossed_on_purpose_are_health_findings_and_a_healthy_server_exits_0() {
    if !have_tools() {
        return;
    }
    let live = Live::start_spec("health", Some(HEALTH_SPEC));
    let url = live.url("redis");

    // Healthy: exit 0, every measure in the JSON output, the verdict in the human one.
    let o = live.verify(Some(PASSWORD), &["--url", &url, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(codes(&doc), Vec::<String>::new());
    assert_eq!(doc["verify"]["health"]["crossed"], 0);
    let memory = health_measure(&doc, "memory_used_percent");
    assert_eq!(memory["state"], "ok");
    assert!(memory["value"].as_f64().unwrap() < 90.0, "{memory}");
    assert_eq!(memory["threshold"], 90.0);
    assert_eq!(memory["setting"], "monitoring.alerts.memory_percent");
    assert_eq!(doc["verify"]["health"]["values"]["maxmemory"], 8388608.0);
    // No lookup yet: not a 0% hit rate.
    assert_eq!(
        health_measure(&doc, "hit_rate_percent")["state"],
        "not_judged"
    );
    let o = live.verify(Some(PASSWORD), &["--url", &url]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("healthy: "), "{}", stderr(&o));

    // Past maxmemory (LRU evicts), and three wrong passwords.
    fill(&live.server, PASSWORD, 12_000);
    for _ in 0..3 {
        // The wrong password in REDISCLI_AUTH, as a misconfigured client would send it.
        let o = Command::new("redis-cli")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &live.server.port.to_string(),
                "--no-auth-warning",
                "PING",
            ])
            .env("REDISCLI_AUTH", WRONG)
            .output()
            .unwrap();
        let out = output_text(&o);
        assert!(out.contains("WRONGPASS"), "{out}");
    }
    let o = live.verify(Some(PASSWORD), &["--url", &url, "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(codes(&doc), ["CG8101", "CG8104", "CG8110"], "{doc}");
    for d in doc["diagnostics"].as_array().unwrap() {
        let at = &d["location"];
        assert_eq!(at["file"], live.spec.as_str(), "{d}");
        assert_eq!(
            spec_line(&live.project, &live.spec, at["line"].as_u64().unwrap()),
            "alerts: { memory_percent: 90, evictions: 0, auth_failures: 2, hit_rate_percent: 50 }"
        );
    }
    let memory = health_measure(&doc, "memory_used_percent");
    assert_eq!(memory["state"], "crossed");
    assert_eq!(memory["code"], "CG8101");
    assert!(memory["value"].as_f64().unwrap() > 90.0, "{memory}");
    let evictions = health_measure(&doc, "evictions_per_5m");
    assert!(evictions["value"].as_f64().unwrap() > 0.0, "{evictions}");
    let auth = health_measure(&doc, "auth_failures_per_5m");
    assert!(auth["value"].as_f64().unwrap() >= 3.0, "{auth}");
    assert!(
        doc["verify"]["health"]["values"]["evicted_keys"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    // The measured value is in the message.
    let message = doc["diagnostics"][0]["message"].as_str().unwrap();
    let shown: f64 = message
        .strip_prefix("memory used is ")
        .and_then(|m| m.split('%').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{message}"));
    assert!(shown > 90.0 && message.contains("of 8.0 MiB"), "{message}");
    let o = live.verify(Some(PASSWORD), &["--url", &url]);
    assert!(stderr(&o).contains("unhealthy: 3 of"), "{}", stderr(&o));

    // Put right: the data flushed and the counters reset, the server is healthy again.
    live.redis_cli(&["FLUSHALL"]);
    live.redis_cli(&["CONFIG", "RESETSTAT"]);
    let o = live.verify(Some(PASSWORD), &["--url", &url]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

/// Two replicas of a primary: a replica that hangs lags, a replica stopped is missing, and a
/// replica whose primary is gone has lost its link.
const REPLICAS_SPEC: &str = "extends: ../base.yaml
environment: replicas
tier: development
engine: { kind: redis, version: \"VERSION\" }
topology: { mode: replicated, replicas: 2 }
memory: { max_memory: 64mb }
persistence: { snapshots: { enabled: false } }
security: { auth: { password: { env: REDIS_PASSWORD } } }
monitoring:
  alerts: { replica_lag_seconds: 1, replicas_missing: true }
  compose: { exporter: true }
targets:
  compose: {}
";

/// Poll `INFO replication` of `server` until `ok` holds, for at most 20 s.
fn wait_replication(server: &Server, what: &str, ok: impl Fn(&str) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let (_, out) = cli(server, None, true, &["INFO", "replication"]);
        if ok(&out) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{what}: {out}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn a_hung_a_stopped_and_an_orphaned_replica_are_each_reported() {
    if !have_tools() {
        return;
    }
    let mut live = Live::start_spec("replicas", Some(REPLICAS_SPEC));
    let env_dir = live.project.join("generated/replicas");
    let replica_conf = format!(
        "replicaof 127.0.0.1 {}\nmasterauth \"{PASSWORD}\"\n",
        live.server.port
    );
    let mut replicas: Vec<Server> = (0..2)
        .map(|i| {
            let work = live._tmp.path().join(format!("replica-{i}"));
            let mut r = start_with(&env_dir, &work, PASSWORD, &replica_conf);
            wait_ready(&mut r, None);
            r
        })
        .collect();
    wait_replication(&live.server, "two replicas online", |o| {
        o.contains("connected_slaves:2") && o.matches("state=online").count() == 2
    });
    let url = live.url("redis");
    let o = live.verify(Some(PASSWORD), &["--url", &url, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(codes(&json(&o)), Vec::<String>::new());

    // A hung replica stays `online` until repl-timeout; only its lag shows it.
    replicas[0].signal(libc::SIGSTOP);
    wait_replication(&live.server, "a lag of 3 s", |o| {
        o.lines()
            .filter_map(|l| l.split("lag=").nth(1))
            .any(|lag| lag.trim().parse::<u32>().unwrap_or(0) >= 3)
    });
    let o = live.verify(Some(PASSWORD), &["--url", &url, "--format", "json"]);
    replicas[0].signal(libc::SIGCONT);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(codes(&doc), ["CG8108"], "{doc}");
    assert_eq!(
        health_measure(&doc, "replica_lag_seconds")["setting"],
        "monitoring.alerts.replica_lag_seconds"
    );

    // A replica stopped: the primary has one replica where the topology has two.
    replicas[1].stop();
    wait_replication(&live.server, "one replica left", |o| {
        o.contains("connected_slaves:1")
    });
    let o = live.verify(Some(PASSWORD), &["--url", &url, "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let doc = json(&o);
    assert!(codes(&doc).contains(&"CG8016".to_string()), "{doc}");
    assert_eq!(doc["verify"]["health"]["values"]["connected_slaves"], 1.0);

    // The primary gone: the replica's link is down (and it is not the primary the spec wants;
    // a replica has no replicas of its own to count: CG8090).
    live.server.kill();
    let orphan = &replicas[0];
    wait_replication(orphan, "the link down", |o| {
        o.contains("master_link_status:down")
    });
    let o = verify_in(
        &live.project,
        &live.spec,
        Some(PASSWORD),
        &[
            "--url",
            &format!("redis://127.0.0.1:{}", orphan.port),
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(codes(&doc), ["CG8015", "CG8090", "CG8109"], "{doc}");
}
