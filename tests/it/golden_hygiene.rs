//! Every snapshot under golden/ belongs to a test that still exists: an orphan (left by a
//! renamed fixture, environment or file) fails here, like `cargo insta test
//! --unreferenced=reject` would. Each snapshot family is listed with where its names come from.

use crate::common::*;
use std::collections::BTreeSet;

fn expected() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    // tests/it/invalid_specs.rs: one per invalid fixture.
    for e in std::fs::read_dir(root().join("tests/fixtures/invalid")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".yaml") {
            names.insert(format!("invalid@{name}"));
        }
    }
    // tests/it/shipped_environments.rs: one per rendered file of each shipped environment.
    let tmp = TempDir::new("hygiene");
    let out = tmp.path().join("generated");
    let o = run_in(&root(), &["render", "--out", out.to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    for env in std::fs::read_dir(&out).unwrap() {
        let env = env.unwrap().file_name().to_string_lossy().into_owned();
        for rel in cachegen::output::list_files(&out.join(&env)).unwrap() {
            names.insert(format!("render@{env}@{}", rel.replace('/', "__")));
        }
    }
    // tests/it/shipped_environments.rs: output formats and the drift report.
    for fixture in [
        "unknown-key-nested.yaml",
        "shards-without-cluster.yaml",
        "literal-secret.yaml",
    ] {
        names.insert(format!("json@{fixture}"));
        names.insert(format!("sarif@{fixture}"));
    }
    names.insert("check@hand-edit".into());
    // tests/it/impact.rs: the pull-request comments.
    for case in ["rename-production", "staging-memory", "template-only"] {
        names.insert(format!("impact@{case}.md"));
    }
    // tests/it/shipped_environments.rs: the example cluster.
    for rel in [
        ".env",
        "create-cluster.sh",
        "docker-compose.yml",
        "start-redis.sh",
    ]
    .into_iter()
    .map(String::from)
    .chain((0..6).map(|i| format!("redis-{i}.conf")))
    {
        names.insert(format!("example@cluster@{rel}"));
    }
    // tests/it/policy.rs: the explain output of each shipped environment.
    for env in [
        "development",
        "staging",
        "production",
        "production-azure",
        "production-gcp",
    ] {
        names.insert(format!("explain@{env}"));
    }
    // tests/it/rule_examples.rs: the diagnostics of each rule's failing example.
    for r in cachegen::rules::catalog::RULES {
        names.insert(format!("rule@{}", r.code));
    }
    // tests/it/conformance_aws.rs: every file of each AWS test spec.
    for e in std::fs::read_dir(root().join("tests/fixtures/aws")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".yaml") {
            for file in ["main.tf", "outputs.tf", "variables.tf", "versions.tf"] {
                names.insert(format!("aws@{stem}@{file}"));
            }
        }
    }
    // tests/it/conformance_cloud.rs: every file of each Azure and GCP test spec.
    for cloud in ["azure", "gcp"] {
        for e in std::fs::read_dir(root().join("tests/fixtures").join(cloud)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".yaml") {
                for file in ["main.tf", "outputs.tf", "variables.tf", "versions.tf"] {
                    names.insert(format!("{cloud}@{stem}@{file}"));
                }
            }
        }
    }
    names
}

#[test]
fn no_orphan_snapshots() {
    let expected = expected();
    let mut orphans = Vec::new();
    let mut found = 0;
    for e in std::fs::read_dir(root().join("golden")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".snap") {
            found += 1;
            if !expected.contains(stem) {
                orphans.push(name);
            }
        } else if name.ends_with(".snap.new") {
            orphans.push(format!(
                "{name} (an unreviewed snapshot: review it, then delete or accept)"
            ));
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots no test uses (delete them): {orphans:#?}"
    );
    assert_eq!(found, expected.len(), "every expected snapshot exists");
}
