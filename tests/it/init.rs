//! `cachegen init` scaffolds a project that validates and renders clean, pins this cachegen
//! version, puts the CI workflow where GitHub reads it (the repository root, also for a
//! project in a folder of a monorepo), and never overwrites a file.

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
        "schema/cache.partial.schema.json",
    ] {
        assert!(tmp.path().join(f).is_file(), "{f} written");
    }
    let spec =
        std::fs::read_to_string(tmp.path().join("environments/development/cache.yaml")).unwrap();
    assert!(spec.starts_with("# yaml-language-server: $schema=../../schema/cache.schema.json"));

    // .gitignore: existing entries kept; the whole block with its comments; state and keys
    // ignored, the non-secret tfvars not.
    let gitignore = std::fs::read_to_string(tmp.path().join(".gitignore")).unwrap();
    assert!(gitignore.starts_with("target/\n"), "existing entries kept");
    let ours = std::fs::read_to_string(root().join("templates/init/gitignore")).unwrap();
    assert!(
        gitignore.ends_with(&ours),
        "the whole block, comments too:\n{gitignore}"
    );
    for entry in [
        "*.pem",
        ".env.local",
        "generated/**/*.tfstate",
        "generated/**/.terraform/",
    ] {
        assert!(gitignore.lines().any(|l| l == entry), "{entry}");
    }
    assert!(
        !gitignore.contains("tfvars\n"),
        "tfvars hold non-secret inputs: {gitignore}"
    );

    // The next steps: render, commit generated/; no password is needed to validate.
    let e = stderr(&o);
    assert!(
        e.contains("cachegen render") && e.contains("generated/"),
        "{e}"
    );
    assert!(!e.contains("REDIS_PASSWORD"), "{e}");

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
    assert_eq!(code(&run_in(tmp.path(), &["render", "--check"])), 0);

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
fn the_project_pins_this_version() {
    let tmp = TempDir::new("init-pin");
    assert_eq!(code(&run_in(tmp.path(), &["init", "-q"])), 0);
    let toml = std::fs::read_to_string(tmp.path().join("cachegen.toml")).unwrap();
    let pin = format!("required_version = \"={}\"", env!("CARGO_PKG_VERSION"));
    assert!(toml.lines().any(|l| l == pin), "{toml}");
    let workflow =
        std::fs::read_to_string(tmp.path().join(".github/workflows/cachegen.yml")).unwrap();
    assert!(
        workflow.contains(&format!(
            "CACHEGEN_VERSION: \"{}\"",
            env!("CARGO_PKG_VERSION")
        )),
        "the workflow installs the version cachegen.toml pins"
    );
}

#[test]
fn init_in_a_folder_of_a_repository_writes_the_workflow_where_github_reads_it() {
    let tmp = TempDir::new("init-mono");
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    let o = run_in(tmp.path(), &["init", "infra/cache"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let workflow = tmp
        .path()
        .join(".github/workflows/cachegen-infra-cache.yml");
    assert!(workflow.is_file(), "{}", stderr(&o));
    assert!(!tmp.path().join("infra/cache/.github").exists());
    let text = std::fs::read_to_string(&workflow).unwrap();
    assert_eq!(text, cachegen::scaffold::workflow("infra/cache"));
    assert!(
        text.contains("working-directory: \"infra/cache\""),
        "{text}"
    );
    for f in [
        "cachegen.toml",
        "environments/development/cache.yaml",
        ".gitignore",
    ] {
        assert!(tmp.path().join("infra/cache").join(f).is_file(), "{f}");
    }
    assert!(
        stderr(&o).contains("cachegen -C infra/cache"),
        "{}",
        stderr(&o)
    );
    // Where the workflow runs, from the root: -C, as its working-directory does.
    let o = run_in(tmp.path(), &["-C", "infra/cache", "render"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        tmp.path()
            .join("infra/cache/generated/development/.env")
            .is_file()
    );
    // A second project in the same repository gets its own workflow.
    assert_eq!(
        code(&run_in(tmp.path(), &["init", "-q", "services/sessions"])),
        0
    );
    assert!(
        tmp.path()
            .join(".github/workflows/cachegen-services-sessions.yml")
            .is_file()
    );
}
