//! The GitHub Actions workflow (`examples/github-actions/cachegen.yml`, which `cachegen init`
//! writes): it installs a pinned cachegen with Cargo.lock honoured, once per version (cached),
//! validates, uploads SARIF to code scanning with the permission that needs, and checks the
//! generated files. actionlint checks it as GitHub would read it; its shell steps run here
//! against a real project.

use crate::common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn example() -> String {
    std::fs::read_to_string(root().join("examples/github-actions/cachegen.yml")).unwrap()
}

fn steps(workflow: &Value) -> &Vec<Value> {
    workflow["jobs"]["cachegen"]["steps"].as_array().unwrap()
}

fn step<'a>(workflow: &'a Value, name_part: &str) -> &'a Value {
    steps(workflow)
        .iter()
        .find(|s| s["name"].as_str().is_some_and(|n| n.contains(name_part)))
        .unwrap_or_else(|| panic!("a step named `{name_part}`"))
}

#[test]
fn the_example_is_what_init_writes() {
    let written = cachegen::scaffold::workflow(".");
    if example() != written && std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(
            root().join("examples/github-actions/cachegen.yml"),
            &written,
        )
        .unwrap();
    }
    assert_eq!(
        example(),
        written,
        "examples/github-actions/cachegen.yml is stale: UPDATE_DOCS=1 cargo test --test it ci_workflow::"
    );
    let tmp = TempDir::new("ci-init");
    assert_eq!(code(&run_in(tmp.path(), &["init", "-q"])), 0);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join(".github/workflows/cachegen.yml")).unwrap(),
        example()
    );
}

#[test]
fn the_workflow_installs_a_pinned_locked_cached_cachegen_and_uploads_sarif() {
    let w: Value = serde_saphyr::from_str(&example()).unwrap();
    assert_eq!(w["env"]["CACHEGEN_VERSION"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        w["permissions"]["contents"], "read",
        "least privilege by default"
    );
    assert_eq!(
        w["jobs"]["cachegen"]["permissions"]["security-events"], "write",
        "uploading SARIF needs it"
    );
    // Every action pinned by its full commit.
    for s in steps(&w) {
        if let Some(uses) = s["uses"].as_str() {
            let (_, rev) = uses.split_once('@').unwrap();
            assert!(
                rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()),
                "{uses}: pin actions by commit"
            );
        }
    }
    // Installed once per version: restored from the cache, built only on a miss, from the
    // version's tag, with Cargo.lock honoured.
    let cache = step(&w, "Restore cachegen");
    assert!(
        cache["uses"]
            .as_str()
            .unwrap()
            .starts_with("actions/cache@")
    );
    let key = cache["with"]["key"].as_str().unwrap();
    assert!(key.contains("env.CACHEGEN_VERSION"), "{key}");
    let install = step(&w, "Install cachegen");
    assert_eq!(install["if"], "steps.cache.outputs.cache-hit != 'true'");
    let run = install["run"].as_str().unwrap();
    for part in [
        "install --locked",
        "--git \"$CACHEGEN_GIT\"",
        "--tag \"v$CACHEGEN_VERSION\"",
    ] {
        assert!(run.contains(part), "{part}: {run}");
    }
    assert!(
        run.contains("--root \"$HOME/.cachegen/$CACHEGEN_VERSION\"")
            && cache["with"]["path"]
                .as_str()
                .unwrap()
                .starts_with("~/.cachegen/"),
        "the cache holds what the install writes"
    );
    // SARIF: written, then uploaded even when validation failed.
    let sarif = step(&w, "SARIF");
    assert!(
        sarif["run"]
            .as_str()
            .unwrap()
            .contains("--format sarif validate > cachegen.sarif")
    );
    let upload = step(&w, "Upload");
    assert!(
        upload["uses"]
            .as_str()
            .unwrap()
            .starts_with("github/codeql-action/upload-sarif@")
    );
    assert!(upload["if"].as_str().unwrap().starts_with("always()"));
    assert_eq!(upload["with"]["sarif_file"], "cachegen.sarif");
    assert!(step(&w, "up to date")["run"] == "cachegen render --check");
    // The change-impact job, in the same workflow (tests/it/impact.rs runs its steps).
    assert!(w["jobs"]["impact"]["steps"].is_array());
}

/// actionlint reads each workflow as GitHub would (syntax, expressions, action inputs; the
/// shell of `run:` steps through shellcheck where it is installed).
#[test]
fn actionlint_accepts_the_workflows() {
    let Some(actionlint) = tool("actionlint") else {
        return;
    };
    let tmp = TempDir::new("ci-actionlint");
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    let dir = tmp.path().join(".github/workflows");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("cachegen.yml"), example()).unwrap();
    std::fs::write(
        dir.join("cachegen-infra-cache.yml"),
        cachegen::scaffold::workflow("infra/cache"),
    )
    .unwrap();
    // A third party's binary: it gets the workflows and PATH (for shellcheck), none of the CI
    // environment's variables.
    let lint = |dir: &Path| {
        Command::new(&actionlint)
            .args(["-no-color"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(dir)
            .output()
            .unwrap()
    };
    let o = lint(tmp.path());
    assert!(o.status.success(), "{}", output_text(&o));
    // It can fail: a misspelt permission is refused.
    std::fs::write(
        dir.join("cachegen.yml"),
        example().replace("security-events: write", "security-event: write"),
    )
    .unwrap();
    let o = lint(tmp.path());
    assert!(!o.status.success(), "{}", output_text(&o));
}

/// The workflow's own commands, after cachegen is on PATH, run in a project as the runner
/// runs them (`bash -e`): clean, then with a spec error (validation fails the job, the SARIF
/// step still writes the findings for the upload).
#[test]
fn the_workflow_steps_run_in_a_project() {
    let tmp = TempDir::new("ci-steps");
    assert_eq!(code(&run_in(tmp.path(), &["init", "-q"])), 0);
    assert_eq!(code(&run_in(tmp.path(), &["render", "-q"])), 0);
    let w: Value = serde_saphyr::from_str(&example()).unwrap();
    let bin_dir = Path::new(bin()).parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |name: &str| {
        let script = step(&w, name)["run"].as_str().unwrap().to_string();
        Command::new("bash")
            .args(["-e", "-c", &script])
            .current_dir(tmp.path())
            .env("PATH", &path)
            .env_remove("CI")
            .output()
            .unwrap()
    };
    for name in ["Validate", "SARIF", "up to date"] {
        let o = run(name);
        assert!(o.status.success(), "{name}: {}", output_text(&o));
    }
    let spec = tmp.path().join("environments/development/cache.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, text.replace("max_memory: 1gb", "max_memory: 1.5gb")).unwrap();
    assert!(
        !run("Validate").status.success(),
        "a spec error fails the job"
    );
    let o = run("SARIF");
    assert!(o.status.success(), "{}", output_text(&o));
    let log: Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("cachegen.sarif")).unwrap())
            .unwrap();
    assert_eq!(log["runs"][0]["results"][0]["ruleId"], "CG0013", "{log}");
}
