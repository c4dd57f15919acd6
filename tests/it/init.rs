//! `cachegen init` scaffolds a project that validates and renders clean, and never
//! overwrites a file.

use crate::common::*;

#[test]
fn init_scaffolds_a_project_that_validates_and_renders() {
    let tmp = TempDir::new("init");
    std::fs::write(tmp.path().join(".gitignore"), "target/\n").unwrap();
    let o = run_in(tmp.path(), &["init"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for f in [
        "cachegen.toml",
        "environments/development/cache.yaml",
        ".github/workflows/cachegen.yml",
        "schema/cache.schema.json",
    ] {
        assert!(tmp.path().join(f).is_file(), "{f} written");
    }
    let spec =
        std::fs::read_to_string(tmp.path().join("environments/development/cache.yaml")).unwrap();
    assert!(spec.starts_with("# yaml-language-server: $schema=../../schema/cache.schema.json"));
    let gitignore = std::fs::read_to_string(tmp.path().join(".gitignore")).unwrap();
    assert!(gitignore.starts_with("target/\n"), "existing entries kept");
    assert!(gitignore.contains("*.pem") && gitignore.contains(".env.local"));

    let o = run_in(tmp.path(), &["--format", "json", "validate"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["summary"]["warnings"], 0);
    assert_eq!(code(&run_in(tmp.path(), &["render"])), 0);
    assert!(
        tmp.path()
            .join("generated/development/docker-compose.yml")
            .is_file()
    );

    // A second init refuses and changes nothing.
    std::fs::write(tmp.path().join("cachegen.toml"), "deny_warnings = true\n").unwrap();
    let o = run_in(tmp.path(), &["init"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("refusing to overwrite"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("cachegen.toml")).unwrap(),
        "deny_warnings = true\n"
    );
}

#[test]
fn the_example_ci_workflow_is_what_init_writes() {
    let tmp = TempDir::new("init-ci");
    assert_eq!(code(&run_in(tmp.path(), &["init"])), 0);
    let written =
        std::fs::read_to_string(tmp.path().join(".github/workflows/cachegen.yml")).unwrap();
    let example =
        std::fs::read_to_string(root().join("examples/github-actions/cachegen.yml")).unwrap();
    assert_eq!(written, example);
    assert!(example.contains("cachegen validate") && example.contains("cachegen render --check"));
}
