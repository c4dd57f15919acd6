//! checkov and cachegen agree: every environment cachegen renders, in every tier (the shipped
//! ones, the fixtures of each cloud, what `cachegen init` writes), passes checkov with no
//! failed check. Where cachegen let a finding through (a waiver, or the tier's policy), the
//! resource carries a skip comment with cachegen's reason, and only there: without the
//! comments, checkov fails exactly the checks that were skipped.

use crate::common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Every spec cachegen ships or tests a cloud with.
fn specs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in [
        "environments",
        "tests/fixtures/aws",
        "tests/fixtures/azure",
        "tests/fixtures/gcp",
    ] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            let spec = if p.is_dir() { p.join("cache.yaml") } else { p };
            if spec.extension().is_some_and(|x| x == "yaml")
                && spec.file_name() != Some("base.yaml".as_ref())
            {
                out.push(spec);
            }
        }
    }
    out.sort();
    out
}

/// Drop every `#checkov:skip=` line of the `.tf` files under `dir`.
fn strip_skips(dir: &Path) {
    for rel in cachegen::output::list_files(dir).unwrap() {
        if rel.ends_with(".tf") {
            let p = dir.join(&rel);
            let text = std::fs::read_to_string(&p).unwrap();
            let kept: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("#checkov:skip="))
                .map(|l| format!("{l}\n"))
                .collect();
            std::fs::write(&p, kept).unwrap();
        }
    }
}

#[test]
fn checkov_agrees_with_cachegen_on_every_environment() {
    let Some(checkov) = tool("checkov") else {
        return;
    };
    let tmp = TempDir::new("checkov-all");
    let all = tmp.path().join("all");
    let specs = specs();
    assert!(specs.len() >= 15, "{specs:?}");
    for (i, spec) in specs.iter().enumerate() {
        render_spec(spec, &all.join(format!("{i}")));
    }
    // What init writes, rendered in its own project.
    let init = tmp.path().join("init");
    std::fs::create_dir_all(&init).unwrap();
    assert_eq!(code(&run_in(&init, &["init", "-q"])), 0);
    assert_eq!(
        code(&run_in(
            &init,
            &["render", "-q", "--out", all.join("init").to_str().unwrap()]
        )),
        0
    );

    let report = crate::common::checkov(&checkov, &all);
    assert!(
        report.failed.is_empty(),
        "checkov failed checks: {:#?}",
        report.failed
    );
    assert!(
        report.passed > 100,
        "checkov read the files: {}",
        report.passed
    );
    assert!(!report.skips.is_empty(), "the fixtures cover relaxed tiers");
    for (check, why) in &report.skips {
        assert!(
            why.starts_with("cachegen CG"),
            "{check}: the skip says cachegen's reason: {why}"
        );
    }
    // No skip hides a check that would pass: without the comments exactly the skipped
    // checks fail.
    let skipped: BTreeSet<String> = report.skips.iter().map(|(c, _)| c.clone()).collect();
    strip_skips(&all);
    let bare = crate::common::checkov(&checkov, &all);
    let failed: BTreeSet<String> = bare.failed.iter().cloned().collect();
    assert_eq!(
        failed, skipped,
        "the skips are exactly what checkov would fail"
    );
}
