//! No secret value ever appears in a generated file, a diagnostic, `explain`, JSON or SARIF,
//! or a log line. Canary values are put in every place a secret can come from: the environment
//! variables that specs name (set for every command), and literals that specs wrongly contain
//! (at the password, under unknown and known secret-looking keys, in a base reached through
//! `extends`, on a line that does not parse, in a file that is not UTF-8). Every command's
//! stdout and stderr, in every format, and every generated file are scanned for them.

use crate::common::*;
use std::path::Path;
use std::process::Command;

/// Every canary contains this; none may appear anywhere.
const CANARY: &str = "CANARY";

/// Environment variables named by the clean specs, with canary values.
const ENV_SECRETS: &[(&str, &str)] = &[
    ("REDIS_PASSWORD", "CANARY-env-redis-password"),
    ("STAGING_REDIS_AUTH", "CANARY-env-staging-auth"),
    ("REDIS_PASSWORD_FILE", "/run/CANARY-env-file"),
];

/// Run cachegen with the canary environment variables set.
fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let o = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .envs(ENV_SECRETS.iter().copied())
        .output()
        .unwrap();
    let all = output_text(&o);
    assert!(!all.contains("panicked"), "{args:?}: panic\n{all}");
    (o.status.code().unwrap_or(-1), all)
}

/// Every command and format over a project; returns how many runs were scanned.
fn scan_commands(dir: &Path, specs: &[&str], expect: i32) -> usize {
    let out = dir.join("generated");
    let out = out.to_str().unwrap();
    let mut runs: Vec<Vec<&str>> = vec![
        vec!["rules"],
        vec!["rules", "CG0020"],
        vec!["--format", "json", "rules"],
    ];
    for format in ["human", "json", "sarif"] {
        runs.push(vec!["--format", format, "validate"]);
        runs.push(vec!["--format", format, "render", "--out", out]);
        runs.push(vec!["--format", format, "render", "--check", "--out", out]);
        for spec in specs {
            runs.push(vec!["--format", format, "explain", spec]);
        }
    }
    for args in &runs {
        let (code, all) = run(dir, args);
        assert!(
            !all.contains(CANARY),
            "{args:?} shows a secret value:\n{all}"
        );
        let is_rules = args.contains(&"rules");
        if !is_rules {
            assert_eq!(code, expect, "{args:?}: exit code\n{all}");
        }
    }
    runs.len()
}

fn write(dir: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn secrets_from_the_environment_never_reach_output_or_files() {
    let tmp = TempDir::new("secrets-clean");
    let d = tmp.path();
    write(d, "cachegen.toml", "");
    write(
        d,
        "environments/base.yaml",
        "spec_version: 1\nname: canary\nlabels: { team: platform }\n",
    );
    write(
        d,
        "environments/dev/cache.yaml",
        "extends: ../base.yaml\nenvironment: dev\ntier: development\n\
         security:\n  auth:\n    password: { env: REDIS_PASSWORD }\n\
         targets: { compose: {} }\n",
    );
    write(
        d,
        "environments/staging/cache.yaml",
        "extends: ../base.yaml\nenvironment: staging\ntier: staging\n\
         security:\n  tls: { enabled: true }\n  auth:\n    password: { env: STAGING_REDIS_AUTH }\n\
         targets: { compose: {} }\n",
    );
    write(
        d,
        "environments/prod/cache.yaml",
        "extends: ../base.yaml\nenvironment: prod\ntier: development\n\
         security:\n  tls: { enabled: true }\n  auth:\n    password: { aws_secret: prod/redis/auth }\n\
         targets: { aws: { region: us-east-1, node_type: cache.r7g.large } }\n",
    );
    let specs = [
        "environments/dev/cache.yaml",
        "environments/staging/cache.yaml",
        "environments/prod/cache.yaml",
    ];
    // The specs are clean: the secrets are only in the environment.
    let (code, all) = run(d, &["validate"]);
    assert_eq!(code, 0, "{all}");
    let runs = scan_commands(d, &specs, 0);
    assert!(runs >= 20);

    let files = cachegen::output::list_files(&d.join("generated")).unwrap();
    assert!(
        files.iter().any(|f| f.ends_with(".env"))
            && files.iter().any(|f| f.ends_with("redis.conf")),
        "{files:?}"
    );
    for f in &files {
        let text = std::fs::read_to_string(d.join("generated").join(f)).unwrap();
        assert!(
            !text.contains(CANARY),
            "generated/{f} holds a secret:\n{text}"
        );
    }
    // The generated files do say where each secret comes from (so the scan looked at real
    // references, not at files that name nothing).
    let env = std::fs::read_to_string(d.join("generated/staging/.env")).unwrap();
    assert!(env.contains("STAGING_REDIS_AUTH"), "{env}");

    // A drift report diffs generated files; it shows no secret either.
    let conf = d.join("generated/dev/redis.conf");
    let edited = std::fs::read_to_string(&conf).unwrap() + "# hand edit\n";
    std::fs::write(&conf, edited).unwrap();
    let (code, all) = run(d, &["render", "--check", "--out", "generated"]);
    assert_eq!(code, 1, "{all}");
    assert!(all.contains("hand edit") && !all.contains(CANARY), "{all}");
}

#[test]
fn literal_secrets_in_specs_are_errors_and_never_shown() {
    let tmp = TempDir::new("secrets-literal");
    let d = tmp.path();
    write(d, "cachegen.toml", "");
    let head = |env: &str| {
        format!(
            "spec_version: 1\nname: canary\nenvironment: {env}\ntier: development\ntargets: {{ compose: {{}} }}\n"
        )
    };
    // In a base file, reached through `extends`.
    write(
        d,
        "environments/base.yaml",
        "security:\n  auth:\n    password: CANARY-literal-in-base\n",
    );
    let mut specs = vec![
        (
            "from-base",
            "extends: ../base.yaml\n".to_string() + &head("from-base"),
        ),
        (
            "at-password",
            head("at-password") + "security:\n  auth:\n    password: CANARY-literal-password\n",
        ),
        (
            "number-password",
            head("number-password") + "security:\n  auth:\n    password: 4242CANARY\n",
        ),
        (
            "in-reference",
            head("in-reference")
                + "security:\n  auth:\n    password: { env: \"CANARY pasted in the name\" }\n",
        ),
        (
            "nested-value",
            head("nested-value") + "security:\n  auth:\n    password: { value: CANARY-nested }\n",
        ),
        (
            "unknown-key",
            head("unknown-key") + "security:\n  auth:\n    auth_token: CANARY-unknown-key\n",
        ),
        (
            "top-level-key",
            head("top-level-key") + "redis_password: CANARY-top-level\n",
        ),
        (
            "label",
            head("label") + "labels: { team: platform, api_key: CANARY-label }\n",
        ),
        (
            "broken-line",
            head("broken-line") + "security:\n  auth:\n    password: \"CANARY-unterminated\n",
        ),
        (
            "duplicate",
            head("duplicate")
                + "security:\n  auth:\n    password: CANARY-dup-one\n    password: CANARY-dup-two\n",
        ),
        (
            "tagged",
            head("tagged") + "security:\n  auth:\n    password: !!int CANARY-tagged\n",
        ),
        (
            "block",
            head("block")
                + "security:\n  auth:\n    password: |\n      CANARY-block-1\n      CANARY-block-2\n",
        ),
    ];
    for (env, text) in specs.drain(..) {
        write(d, &format!("environments/{env}/cache.yaml"), text);
    }
    // Files that do not decode: the line of the bad byte holds the secret.
    let mut bytes = head("not-utf8").into_bytes();
    bytes.extend_from_slice(b"security:\n  auth:\n    password: CANARY\xff-latin\n");
    write(d, "environments/not-utf8/cache.yaml", bytes);
    let mut bytes = head("nul").into_bytes();
    bytes.extend_from_slice(b"security:\n  auth:\n    password: CANARY\x00-nul\n");
    write(d, "environments/nul/cache.yaml", bytes);

    let envs: Vec<String> = std::fs::read_dir(d.join("environments"))
        .unwrap()
        .filter_map(|e| {
            let e = e.unwrap();
            e.file_type()
                .unwrap()
                .is_dir()
                .then(|| e.file_name().to_string_lossy().into_owned())
        })
        .collect();
    assert_eq!(envs.len(), 14);
    let specs: Vec<String> = envs
        .iter()
        .map(|e| format!("environments/{e}/cache.yaml"))
        .collect();
    let spec_refs: Vec<&str> = specs.iter().map(String::as_str).collect();

    // Every spec is reported, with an error of its own.
    let (code, all) = run(d, &["--format", "json", "validate"]);
    assert_eq!(code, 1, "{all}");
    let v: serde_json::Value = serde_json::from_str(&all).unwrap();
    for spec in &specs {
        let here = v["diagnostics"].as_array().unwrap().iter().any(|x| {
            x["severity"] == "error"
                && x["location"]["file"].as_str().is_some_and(|f| {
                    f == spec || (spec.contains("from-base") && f.ends_with("base.yaml"))
                })
        });
        assert!(here, "{spec} has no error:\n{all}");
    }
    scan_commands(d, &spec_refs, 1);
    assert!(
        !d.join("generated").exists(),
        "render wrote output for specs with errors"
    );
}
