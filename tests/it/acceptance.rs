//! The issue's acceptance, from the README alone: a new user creates a repository with
//! `cachegen init`, adds an AWS and a Google Cloud production environment as the README shows
//! them, and gets a clean `validate`, a clean checkov and a clean editor (schema) view, with no
//! waiver they did not write. The test runs the README's own blocks, in order: the shell blocks
//! marked `<!-- walkthrough: run -->` with bash, the files marked `<!-- walkthrough: PATH -->`
//! written where they say.

use crate::common::*;
use std::path::Path;
use std::process::Command;

/// The walkthrough as one bash script: its commands, and its files as here-documents.
fn walkthrough() -> (String, Vec<String>) {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut script = String::from("set -euo pipefail\n");
    let mut files = Vec::new();
    let mut rest = readme.as_str();
    while let Some(i) = rest.find("<!-- walkthrough: ") {
        let after = &rest[i + "<!-- walkthrough: ".len()..];
        let what = &after[..after.find(" -->").unwrap()];
        let open = after.find("```").unwrap();
        let body = &after[open..];
        let body = &body[body.find('\n').unwrap() + 1..];
        let end = body.find("\n```").unwrap() + 1;
        let block = &body[..end];
        if what == "run" {
            script.push_str(block);
        } else {
            assert!(!block.contains("CACHEGEN_EOF"));
            script.push_str(&format!(
                "cat > {what} <<'CACHEGEN_EOF'\n{block}CACHEGEN_EOF\n"
            ));
            files.push(what.to_string());
        }
        rest = &body[end..];
    }
    (script, files)
}

#[test]
fn a_new_user_following_the_readme_gets_clean_checks_without_waivers() {
    let (script, files) = walkthrough();
    assert!(
        files.iter().any(|f| f.contains("aws")) && files.iter().any(|f| f.contains("gcp")),
        "the README adds an AWS and a GCP environment: {files:?}"
    );
    assert!(
        script.contains("cachegen init") && script.contains("checkov"),
        "{script}"
    );
    let Some(checkov) = tool("checkov") else {
        return;
    };
    let Some(git) = which("git") else {
        eprintln!("SKIPPED: git not found");
        return;
    };
    let tmp = TempDir::new("acceptance");
    let dirs: Vec<String> = [Path::new(bin()), &checkov, &git]
        .iter()
        .map(|p| p.parent().unwrap().display().to_string())
        .collect();
    let path = format!("{}:/usr/bin:/bin", dirs.join(":"));
    let o = Command::new("bash")
        .args(["-c", &script])
        .current_dir(tmp.path())
        .env("PATH", &path)
        .env("NO_COLOR", "1")
        .env("BC_SKIP_MAPPING", "TRUE")
        .env_remove("CI")
        .output()
        .unwrap();
    let printed = output_text(&o);
    assert!(
        o.status.success(),
        "the walkthrough runs clean:\n{script}\n{printed}"
    );

    let project = tmp.path().join("cache-infra");
    // validate: no error; the only warnings are the residual risks the README names, on the
    // Google Cloud environment.
    let o = run_in(&project, &["--format", "json", "validate"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let mut found: Vec<(String, String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["location"]["file"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    let gcp = "environments/production-gcp/cache.yaml".to_string();
    assert_eq!(
        found,
        [
            ("CG6005".to_string(), "warning".to_string(), gcp.clone()),
            ("CG6011".to_string(), "warning".to_string(), gcp)
        ],
        "{v}"
    );
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains("CG6011") && readme.contains("CG6005"),
        "the README names them"
    );

    // The editor's view of every spec the user has, through its modeline.
    for f in files
        .iter()
        .chain(["environments/development/cache.yaml".to_string()].iter())
    {
        let errors = crate::editor::editor_errors(&project.join(f));
        assert!(errors.is_empty(), "{f}: {errors:#?}");
        let text = std::fs::read_to_string(project.join(f)).unwrap();
        assert!(
            !text.lines().any(|l| l.starts_with("policy:")),
            "{f}: no waiver"
        );
    }
    // checkov ran in the script (it exits 1 on a failed check); nothing was skipped either:
    // no generated file carries a skip comment.
    let generated = project.join("generated");
    for rel in cachegen::output::list_files(&generated).unwrap() {
        let text = std::fs::read_to_string(generated.join(&rel)).unwrap();
        assert!(
            !text.contains("checkov:skip"),
            "{rel}: a skip for a decision the user did not make"
        );
    }
    for cloud in [
        "production-aws/terraform/aws",
        "production-gcp/terraform/gcp",
    ] {
        assert!(
            project
                .join("generated")
                .join(cloud)
                .join("main.tf")
                .is_file(),
            "{cloud}"
        );
    }
}
