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
