//! The Azure and Google Cloud targets, checked by what consumes them: `terraform fmt -check`,
//! every resource block against the vendored provider schemas (azurerm 4.55.0, google 6.50.0:
//! the providers cannot be installed here, so no `terraform validate`), checkov with zero
//! failed checks for `tier: production` (and a negative control), the project's provider
//! constraints in `versions.tf`, and a golden snapshot of every file.
//!
//! Terraform comes with the machine image, not from a registry: where it is missing the fmt
//! test prints SKIPPED, also under CI. checkov is installed by `.ci/run`.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const AZURE_FIXTURES: &[&str] = &[
    "cache-premium-cluster",
    "cache-entra-id",
    "cache-standard-public",
    "managed-aof",
    "managed-development",
];
const GCP_FIXTURES: &[&str] = &["instance-read-replicas", "cluster", "basic-development"];

/// Every spec these tests render: `(cloud, name, spec)`, shipped environments first.
fn specs() -> Vec<(&'static str, String, PathBuf)> {
    let mut v = vec![
        (
            "azure",
            "production-azure".to_string(),
            root().join("environments/production-azure/cache.yaml"),
        ),
        (
            "gcp",
            "production-gcp".to_string(),
            root().join("environments/production-gcp/cache.yaml"),
        ),
    ];
    for (cloud, fixtures) in [("azure", AZURE_FIXTURES), ("gcp", GCP_FIXTURES)] {
        for f in fixtures {
            v.push((
                cloud,
                f.to_string(),
                root().join(format!("tests/fixtures/{cloud}/{f}.yaml")),
            ));
        }
    }
    v
}

/// Render a spec into `out` and return its `terraform/<cloud>` folder.
fn render(cloud: &str, spec: &Path, out: &Path) -> PathBuf {
    render_terraform(spec, out, cloud)
}

fn render_all(tmp: &Path) -> Vec<(String, PathBuf)> {
    specs()
        .into_iter()
        .map(|(cloud, name, spec)| {
            let dir = render(cloud, &spec, &tmp.join(&name));
            (name, dir)
        })
        .collect()
}

#[test]
fn every_fixture_spec_is_clean() {
    // Fixtures show what each target renders; a warning would mean a fixture asks for
    // something its cloud cannot honour, so the snapshot would not show what it claims.
    for (_, name, spec) in specs() {
        let o = run_in(
            &root(),
            &["--format", "json", "validate", spec.to_str().unwrap()],
        );
        assert_eq!(code(&o), 0, "{name}: {}", stdout(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["summary"]["warnings"], 0, "{name}: {}", stdout(&o));
    }
}

#[test]
fn cloud_terraform_is_formatted() {
    let Some(terraform) = which("terraform") else {
        eprintln!("SKIPPED: terraform not found");
        return;
    };
    let tmp = TempDir::new("cloud-fmt");
    for (name, dir) in render_all(tmp.path()) {
        let o = Command::new(&terraform)
            .args(["fmt", "-check", "-diff", "-no-color", "-recursive"])
            .arg(&dir)
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{name}: terraform fmt -check:\n{}",
            output_text(&o)
        );
    }
    // The check can fail: a misaligned `=` is reported.
    let dir = tmp.path().join("misaligned");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.tf"), "locals {\n  a = 1\n  longer = 2\n}\n").unwrap();
    let o = Command::new(&terraform)
        .args(["fmt", "-check"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        !o.status.success(),
        "terraform fmt -check accepts misaligned files"
    );
}

#[test]
fn cloud_terraform_matches_the_provider_schemas() {
    let schemas = crate::provider_schema::Schemas::vendored();
    let tmp = TempDir::new("cloud-schema");
    let mut problems = Vec::new();
    let mut types = std::collections::BTreeSet::new();
    for (name, dir) in render_all(tmp.path()) {
        let mut blocks = 0;
        for file in ["versions.tf", "variables.tf", "main.tf", "outputs.tf"] {
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            match schemas.check(&text) {
                Ok(n) => blocks += n,
                Err(p) => problems.extend(p.into_iter().map(|p| format!("{name}/{file}: {p}"))),
            }
            for line in text.lines() {
                if let Some(rest) = line.strip_prefix("resource \"") {
                    types.insert(rest.split('"').next().unwrap().to_string());
                }
            }
        }
        assert!(blocks >= 1, "{name}: no resource was checked");
    }
    assert!(problems.is_empty(), "{problems:#?}");
    // Every resource type the targets emit was rendered and checked by at least one spec.
    for t in [
        "azurerm_managed_redis",
        "azurerm_redis_cache",
        "azurerm_private_endpoint",
        "azurerm_redis_firewall_rule",
        "google_redis_instance",
        "google_redis_cluster",
    ] {
        assert!(types.contains(t), "no spec renders {t}: {types:?}");
    }
}

/// Failed checks of one checkov run over `dir` (every folder under it), and the number of
/// passed checks. No check may be skipped.
fn checkov(checkov: &Path, dir: &Path) -> (Vec<String>, u64) {
    let report = crate::common::checkov(checkov, dir);
    assert_eq!(report.skipped, 0, "no check is skipped");
    (report.failed, report.passed)
}

#[test]
fn checkov_passes_every_production_cloud_folder() {
    let Some(checkov_bin) = tool("checkov") else {
        return;
    };
    let tmp = TempDir::new("cloud-checkov");
    let all = tmp.path().join("production");
    let mut production = Vec::new();
    for (cloud, name, spec) in specs() {
        if std::fs::read_to_string(&spec)
            .unwrap()
            .contains("tier: production")
        {
            render(cloud, &spec, &all.join(&name));
            production.push(name);
        }
    }
    assert!(production.len() >= 5, "{production:?}");
    // One run over every folder: checkov is slow to start.
    let (failed, passed) = checkov(&checkov_bin, &all);
    assert!(failed.is_empty(), "checkov failed checks: {failed:#?}");
    // Azure Cache for Redis (CKV_AZURE_89, 91, 148, 230) and Memorystore instances
    // (CKV_GCP_95, 97) have checks; they must have run.
    assert!(passed >= 8, "checkov passed only {passed} checks");

    // The checks can fail: an instance without AUTH (CKV_GCP_95) and a cache open to the
    // public network (CKV_AZURE_89) are reported.
    let neg = tmp.path().join("negative");
    let gcp = render(
        "gcp",
        &root().join("environments/production-gcp/cache.yaml"),
        &neg.join("gcp"),
    );
    let main = std::fs::read_to_string(gcp.join("main.tf")).unwrap();
    assert!(main.contains("auth_enabled            = true"));
    std::fs::write(
        gcp.join("main.tf"),
        main.replace(
            "auth_enabled            = true",
            "auth_enabled            = false",
        ),
    )
    .unwrap();
    let azure = render(
        "azure",
        &root().join("tests/fixtures/azure/cache-premium-cluster.yaml"),
        &neg.join("azure"),
    );
    let main = std::fs::read_to_string(azure.join("main.tf")).unwrap();
    assert!(main.contains("public_network_access_enabled      = false"));
    std::fs::write(
        azure.join("main.tf"),
        main.replace(
            "public_network_access_enabled      = false",
            "public_network_access_enabled      = true",
        ),
    )
    .unwrap();
    let (failed, _) = checkov(&checkov_bin, &neg);
    for id in ["CKV_GCP_95", "CKV_AZURE_89"] {
        assert!(failed.iter().any(|f| f.contains(id)), "{id}: {failed:?}");
    }
}

#[test]
fn versions_tf_follows_the_project_settings() {
    let tmp = TempDir::new("cloud-versions");
    for (cloud, fixture, provider) in [
        ("azure", "managed-aof", "azurerm"),
        ("gcp", "cluster", "google"),
    ] {
        // Defaults: the schema versions tested, up to the next major.
        let dir = render(
            cloud,
            &root().join(format!("tests/fixtures/{cloud}/{fixture}.yaml")),
            &tmp.path().join(cloud),
        );
        let versions = std::fs::read_to_string(dir.join("versions.tf")).unwrap();
        let default = if provider == "azurerm" {
            ">= 4.55, < 5.0"
        } else {
            ">= 6.50, < 7.0"
        };
        assert!(
            versions.contains(&format!("source  = \"hashicorp/{provider}\""))
                && versions.contains(&format!("version = \"{default}\"")),
            "{versions}"
        );

        // cachegen.toml's [providers] wins.
        let project = tmp.path().join(format!("{cloud}-project"));
        std::fs::create_dir_all(project.join("environments/prod")).unwrap();
        std::fs::copy(
            root().join(format!("tests/fixtures/{cloud}/{fixture}.yaml")),
            project.join("environments/prod/cache.yaml"),
        )
        .unwrap();
        std::fs::write(
            project.join("cachegen.toml"),
            format!("[providers]\n{provider} = \"~> 9.1\"\nterraform = \">= 1.9\"\n"),
        )
        .unwrap();
        let o = run_in(&project, &["render"]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let env = std::fs::read_dir(project.join("generated"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let versions =
            std::fs::read_to_string(env.join(format!("terraform/{cloud}/versions.tf"))).unwrap();
        assert!(
            versions.contains("version = \"~> 9.1\"")
                && versions.contains("required_version = \">= 1.9\""),
            "{versions}"
        );
    }
}

#[test]
fn no_secret_reaches_a_file_or_a_plain_output() {
    let tmp = TempDir::new("cloud-secrets");
    for (name, dir) in render_all(tmp.path()) {
        let outputs = std::fs::read_to_string(dir.join("outputs.tf")).unwrap();
        for block in outputs.split("\noutput ").skip(1) {
            let secret = ["access_key", "auth_string", "connection_string"]
                .iter()
                .any(|s| block.contains(s));
            if secret {
                assert!(
                    block.contains("sensitive   = true"),
                    "{name}: a secret in a plain output: {block}"
                );
            }
        }
        let variables = std::fs::read_to_string(dir.join("variables.tf")).unwrap();
        for block in variables.split("\nvariable ").skip(1) {
            if block.contains("connection_string") {
                assert!(block.contains("sensitive   = true"), "{name}: {block}");
            }
        }
        let main = std::fs::read_to_string(dir.join("main.tf")).unwrap();
        for needle in ["AccountKey=", "password =", "auth_string ="] {
            assert!(!main.contains(needle), "{name}: {needle} in main.tf");
        }
    }
}

#[test]
fn cloud_fixture_files_match_their_golden_snapshots() {
    let tmp = TempDir::new("cloud-golden");
    let settings = golden();
    for (cloud, fixtures) in [("azure", AZURE_FIXTURES), ("gcp", GCP_FIXTURES)] {
        for f in fixtures {
            let dir = render(
                cloud,
                &root().join(format!("tests/fixtures/{cloud}/{f}.yaml")),
                &tmp.path().join(cloud).join(f),
            );
            for rel in cachegen::output::list_files(&dir).unwrap() {
                let text = std::fs::read_to_string(dir.join(&rel)).unwrap();
                settings.bind(|| insta::assert_snapshot!(format!("{cloud}@{f}@{rel}"), text));
            }
        }
    }
}
