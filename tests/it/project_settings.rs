//! cachegen.toml: found by walking up, every key honoured, unknown keys rejected at their
//! line, command-line flags win.

use crate::common::*;

fn project(dir: &std::path::Path, toml: &str, spec: &str) {
    std::fs::write(dir.join("cachegen.toml"), toml).unwrap();
    std::fs::create_dir_all(dir.join("envs/dev")).unwrap();
    std::fs::write(dir.join("envs/dev/cache.yaml"), spec).unwrap();
}

const WARNING_SPEC: &str = "spec_version: 1\nname: shop\nenvironment: dev\ntier: development\nmemory: { max_memory: 2g }\ntargets: { compose: {} }\n";

#[test]
fn unknown_key_is_reported_at_its_line() {
    let tmp = TempDir::new("toml");
    project(
        tmp.path(),
        "environments = \"envs\"\noutptu = \"gen\"\n",
        WARNING_SPEC,
    );
    let o = run_in(tmp.path(), &["validate"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("CG0041") && e.contains("cachegen.toml:2:1") && e.contains("outptu"),
        "{e}"
    );
}

#[test]
fn settings_are_found_from_a_subfolder_and_honoured() {
    let tmp = TempDir::new("toml2");
    project(
        tmp.path(),
        "environments = \"envs\"\noutput = \"gen\"\n",
        WARNING_SPEC,
    );
    let sub = tmp.path().join("envs/dev");
    let o = run_in(&sub, &["render"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        tmp.path().join("gen/dev/redis.conf").is_file(),
        "output folder from cachegen.toml"
    );
    assert!(stderr(&o).contains("CG1001"), "the warning is shown");
}

#[test]
fn deny_warnings_from_the_file_or_the_flag() {
    let tmp = TempDir::new("toml3");
    project(tmp.path(), "environments = \"envs\"\n", WARNING_SPEC);
    assert_eq!(code(&run_in(tmp.path(), &["validate"])), 0);
    assert_eq!(
        code(&run_in(tmp.path(), &["--deny-warnings", "validate"])),
        1,
        "the flag wins"
    );
    project(
        tmp.path(),
        "environments = \"envs\"\ndeny_warnings = true\n",
        WARNING_SPEC,
    );
    assert_eq!(code(&run_in(tmp.path(), &["validate"])), 1);
}

#[test]
fn rule_severity_overrides() {
    let tmp = TempDir::new("toml4");
    project(
        tmp.path(),
        "environments = \"envs\"\n[rules]\nCG1001 = \"error\"\n",
        WARNING_SPEC,
    );
    assert_eq!(
        code(&run_in(tmp.path(), &["validate"])),
        1,
        "warning raised to error"
    );
    project(
        tmp.path(),
        "environments = \"envs\"\n[rules]\nCG1001 = \"off\"\n",
        WARNING_SPEC,
    );
    let o = run_in(tmp.path(), &["validate"]);
    assert_eq!(code(&o), 0);
    assert!(!stderr(&o).contains("CG1001"), "{}", stderr(&o));
    project(
        tmp.path(),
        "environments = \"envs\"\n[rules]\nCG9999 = \"off\"\n",
        WARNING_SPEC,
    );
    let o = run_in(tmp.path(), &["validate"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("CG9999"));
}

#[test]
fn duplicate_environments_are_an_error() {
    let tmp = TempDir::new("dup");
    project(tmp.path(), "environments = \"envs\"\n", WARNING_SPEC);
    std::fs::create_dir_all(tmp.path().join("envs/dev2")).unwrap();
    std::fs::write(tmp.path().join("envs/dev2/cache.yaml"), WARNING_SPEC).unwrap();
    let o = run_in(tmp.path(), &["validate"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("CG0040"), "{}", stderr(&o));
}

/// A monorepo: the project (its cachegen.toml) in `infra/cache`, run from the repository root
/// the way pre-commit and CI run it.
fn monorepo(tag: &str, toml: &str) -> TempDir {
    let tmp = TempDir::new(tag);
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    let dir = tmp.path().join("infra/cache");
    std::fs::create_dir_all(&dir).unwrap();
    project(&dir, toml, WARNING_SPEC);
    tmp
}

#[test]
fn the_project_of_a_named_spec_is_the_one_that_holds_it() {
    let tmp = monorepo(
        "toml-mono",
        "environments = \"envs\"\ndeny_warnings = true\n",
    );
    let spec = "infra/cache/envs/dev/cache.yaml";
    // From the root, from inside, and with -C: the project's deny_warnings holds every time.
    let runs = [
        run_in(tmp.path(), &["validate", spec]),
        run_in(&tmp.path().join("infra/cache"), &["validate"]),
        run_in(tmp.path(), &["-C", "infra/cache", "validate"]),
        run_in(
            tmp.path(),
            &["validate", "-C", "infra/cache", "envs/dev/cache.yaml"],
        ),
    ];
    for (i, o) in runs.iter().enumerate() {
        assert_eq!(code(o), 1, "run {i}: {}", stderr(o));
        assert!(stderr(o).contains("CG1001"), "run {i}: {}", stderr(o));
    }
    // Without -C, the root has no project: nothing to validate there.
    let o = run_in(tmp.path(), &["validate"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    // -C into a folder that is not there is a usage problem.
    let o = run_in(tmp.path(), &["-C", "infra/nope", "validate"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("infra/nope"), "{}", stderr(&o));
}

#[test]
fn specs_of_two_projects_in_one_run_are_refused() {
    let tmp = monorepo("toml-two", "environments = \"envs\"\n");
    let other = tmp.path().join("services/sessions");
    std::fs::create_dir_all(&other).unwrap();
    project(
        &other,
        "environments = \"envs\"\ndeny_warnings = true\n",
        WARNING_SPEC,
    );
    let o = run_in(
        tmp.path(),
        &[
            "validate",
            "infra/cache/envs/dev/cache.yaml",
            "services/sessions/envs/dev/cache.yaml",
        ],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("different projects"), "{}", stderr(&o));
}

#[test]
fn a_pinned_version_refuses_any_other_cachegen() {
    let running = env!("CARGO_PKG_VERSION");
    let tmp = TempDir::new("toml-pin");
    project(
        tmp.path(),
        "environments = \"envs\"\nrequired_version = \"=0.0.1\"\n",
        WARNING_SPEC,
    );
    for args in [
        vec!["validate"],
        vec!["render"],
        vec!["explain", "envs/dev/cache.yaml"],
    ] {
        let o = run_in(tmp.path(), &args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(
            e.contains("CG0042") && e.contains("=0.0.1") && e.contains(running),
            "{args:?} names both versions: {e}"
        );
        assert!(e.contains("cachegen.toml:2:"), "at the pin: {e}");
    }
    assert!(!tmp.path().join("generated").exists(), "nothing written");
    let o = run_in(tmp.path(), &["--format", "json", "validate"]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        json_codes(&serde_json::from_str(&stdout(&o)).unwrap()),
        ["CG0042"]
    );

    // The version it runs is accepted, exactly or by a range.
    for req in [
        format!("={running}"),
        format!(">= {running}, < 99"),
        "0".into(),
    ] {
        if req == "0" && !running.starts_with("0.") {
            continue;
        }
        project(
            tmp.path(),
            &format!("environments = \"envs\"\nrequired_version = \"{req}\"\n"),
            WARNING_SPEC,
        );
        let o = run_in(tmp.path(), &["validate"]);
        assert_eq!(code(&o), 0, "{req}: {}", stderr(&o));
    }
    // A requirement that is not one is a mistake in the file.
    project(
        tmp.path(),
        "environments = \"envs\"\nrequired_version = \"latest\"\n",
        WARNING_SPEC,
    );
    let o = run_in(tmp.path(), &["validate"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("CG0041"), "{}", stderr(&o));
}

#[test]
fn a_spec_may_be_spelled_cache_yml_but_not_twice() {
    let tmp = TempDir::new("toml-yml");
    project(tmp.path(), "environments = \"envs\"\n", WARNING_SPEC);
    std::fs::rename(
        tmp.path().join("envs/dev/cache.yaml"),
        tmp.path().join("envs/dev/cache.yml"),
    )
    .unwrap();
    let o = run_in(tmp.path(), &["validate"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("envs/dev/cache.yml"),
        "validated: {}",
        stderr(&o)
    );
    std::fs::write(tmp.path().join("envs/dev/cache.yaml"), WARNING_SPEC).unwrap();
    let o = run_in(tmp.path(), &["validate"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("both cache.yaml and cache.yml"),
        "{}",
        stderr(&o)
    );
}
