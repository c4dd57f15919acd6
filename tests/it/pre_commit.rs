//! pre-commit (`.pre-commit-hooks.yaml`): the hooks build cachegen with Cargo.lock honoured
//! and run it; their `files` patterns fire for every file that can change a check (specs
//! spelled `cache.yml`, bases of any name, the schemas, generated files); a monorepo's hooks
//! run from the repository root with `-C`. Cargo.toml says which Rust builds cachegen.

use crate::common::*;
use serde_json::Value;
use std::process::Command;

fn hooks() -> Vec<Value> {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let v: Value = serde_saphyr::from_str(&text).unwrap();
    v.as_array().unwrap().clone()
}

#[test]
fn the_hooks_build_with_the_lock_file_and_fire_on_every_input() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["cachegen-validate", "cachegen-render-check"]);
    let script = std::fs::read_to_string(root().join("scripts/pre-commit.sh")).unwrap();
    assert!(script.contains("cargo build --locked"), "{script}");
    for h in &hooks {
        let id = h["id"].as_str().unwrap();
        assert_eq!(
            h["language"], "script",
            "{id}: not `language: rust`, which ignores Cargo.lock"
        );
        assert_eq!(h["pass_filenames"], false, "{id}");
        assert!(
            h["entry"]
                .as_str()
                .unwrap()
                .starts_with("scripts/pre-commit.sh "),
            "{id}"
        );
        // pre-commit matches `files` with Python's re.search; these patterns use nothing
        // that Rust's regex reads differently.
        let files = regex::Regex::new(h["files"].as_str().unwrap()).unwrap();
        for path in [
            "environments/prod/cache.yaml",
            "environments/prod/cache.yml",
            "environments/shared.yaml",
            "infra/cache/environments/common/base.yml",
            "cachegen.toml",
            "infra/cache/cachegen.toml",
        ] {
            assert!(files.is_match(path), "{id} fires for {path}");
        }
        assert!(
            !files.is_match("src/main.rs") && !files.is_match("README.md"),
            "{id}"
        );
    }
    let render = regex::Regex::new(hooks[1]["files"].as_str().unwrap()).unwrap();
    for path in [
        "generated/prod/redis.conf",
        "infra/cache/generated/prod/terraform/aws/main.tf",
        "schema/cache.schema.json",
    ] {
        assert!(render.is_match(path), "render --check fires for {path}");
    }
}

/// Git keeps the script executable: pre-commit runs it from its checkout of the repository.
#[test]
fn the_entry_script_is_executable_in_git() {
    let Some(git) = which("git") else {
        eprintln!("SKIPPED: git not found");
        return;
    };
    let o = Command::new(git)
        .args(["ls-files", "-s", "scripts/pre-commit.sh"])
        .current_dir(root())
        .output()
        .unwrap();
    let line = String::from_utf8_lossy(&o.stdout);
    if line.trim().is_empty() {
        // Not committed yet (a working tree under development): the file mode says it.
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(root().join("scripts/pre-commit.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert!(mode & 0o111 != 0, "scripts/pre-commit.sh is executable");
    } else {
        assert!(line.starts_with("100755 "), "{line}");
    }
}

/// The hook as pre-commit runs it: from the root of a monorepo, the entry out of a checkout of
/// cachegen (here one whose build is done), with the hook's `args: [-C, infra/cache]`.
#[test]
fn a_hook_runs_from_a_monorepo_root_with_its_args() {
    let tmp = TempDir::new("pre-commit");
    // The hook repository as pre-commit keeps it: the script, and the binary it built.
    let hook_repo = tmp.path().join("hook-repo");
    std::fs::create_dir_all(hook_repo.join("scripts")).unwrap();
    std::fs::create_dir_all(hook_repo.join("target/release")).unwrap();
    std::fs::copy(
        root().join("scripts/pre-commit.sh"),
        hook_repo.join("scripts/pre-commit.sh"),
    )
    .unwrap();
    std::fs::copy(bin(), hook_repo.join("target/release/cachegen")).unwrap();
    // The repository being committed to.
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    assert_eq!(code(&run_in(&repo, &["init", "-q", "infra/cache"])), 0);
    assert_eq!(
        code(&run_in(&repo, &["-C", "infra/cache", "render", "-q"])),
        0
    );
    for h in hooks() {
        let mut args: Vec<String> = h["entry"]
            .as_str()
            .unwrap()
            .split(' ')
            .skip(1)
            .map(String::from)
            .collect();
        args.extend(["-C".into(), "infra/cache".into()]);
        let o = Command::new("sh")
            .arg(hook_repo.join("scripts/pre-commit.sh"))
            .args(&args)
            .current_dir(&repo)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}: {}", h["id"], output_text(&o));
    }
    // Without -C the root is no project: the hook says so (exit 2) instead of passing.
    let o = Command::new("sh")
        .arg(hook_repo.join("scripts/pre-commit.sh"))
        .arg("validate")
        .current_dir(&repo)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", output_text(&o));
}

/// `rust-version` in Cargo.toml is at least what every locked dependency needs, so that an
/// older toolchain stops with that version, not with an edition or syntax error.
#[test]
fn rust_version_covers_every_locked_dependency() {
    let o = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", output_text(&o));
    let m: Value = serde_json::from_slice(&o.stdout).unwrap();
    let version = |s: &str| -> (u64, u64) {
        let mut p = s.split('.').map(|x| x.parse::<u64>().unwrap_or(0));
        (p.next().unwrap_or(0), p.next().unwrap_or(0))
    };
    let ours = m["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "cachegen")
        .and_then(|p| p["rust_version"].as_str())
        .expect("Cargo.toml sets rust-version");
    let needed = m["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            p["rust_version"]
                .as_str()
                .map(|v| (version(v), p["name"].clone()))
        })
        .max_by_key(|(v, _)| *v)
        .unwrap();
    assert!(
        version(ours) >= needed.0,
        "rust-version {ours} is older than {:?} needs ({}.{})",
        needed.1,
        needed.0.0,
        needed.0.1
    );
}
