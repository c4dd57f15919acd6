//! Every rule's failing example triggers it and its passing example does not (the examples
//! `cachegen rules CODE` prints). Each example is merged over the rule tier's base spec, the
//! way `extends` merges.

use crate::common::*;
use cachegen::pipeline::{Outcome, check_spec_after};
use cachegen::plan::record::Record;
use cachegen::rules::catalog::{RULES, example_base};

/// The human diagnostics of one rule for an example, as `cachegen validate` prints them.
fn human_for(dir: &std::path::Path, code_: &str) -> String {
    let o = run_in(dir, &["validate", "cache.yaml"]);
    let text = stderr(&o);
    // Keep only the blocks of this rule (other rules may fire on an example too).
    text.split("\n\n")
        .filter(|b| b.contains(&format!("[{code_}]")))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Render `previous` (merged over `base`) into `dir/generated`, as the environment's last
/// rendering, for a rule about a change; returns the record it wrote.
fn render_previous(dir: &std::path::Path, base: &str, previous: &str) -> Result<Record, String> {
    std::fs::write(dir.join("base.yaml"), base).unwrap();
    std::fs::write(
        dir.join("cache.yaml"),
        format!("extends: base.yaml\n{previous}\n"),
    )
    .unwrap();
    let o = run_in(dir, &["render", "cache.yaml"]);
    if code(&o) != 0 {
        return Err(format!(
            "the previous example does not render: {}",
            output_text(&o)
        ));
    }
    let text = std::fs::read_to_string(dir.join("generated/example/rendered.toml"))
        .map_err(|e| format!("no record was written: {e}"))?;
    Record::parse(&text)
}

fn codes_for(
    dir: &std::path::Path,
    base: &str,
    overlay: &str,
    previous: Option<&Record>,
) -> Result<Vec<&'static str>, String> {
    std::fs::write(dir.join("base.yaml"), base).unwrap();
    std::fs::write(
        dir.join("cache.yaml"),
        format!("extends: base.yaml\n{overlay}\n"),
    )
    .unwrap();
    let project = cachegen::project::discover(dir).unwrap();
    let lookup = |_: &cachegen::plan::Plan| Ok(previous.cloned());
    match check_spec_after(&project, &dir.join("cache.yaml"), &lookup) {
        Outcome::Checked(c) => Ok(c.diagnostics.iter().map(|d| d.code).collect()),
        other => Err(format!(
            "{:?}",
            other
                .diagnostics()
                .iter()
                .map(|d| format!("{} {}", d.code, d.message))
                .collect::<Vec<_>>()
        )),
    }
}

#[test]
fn every_rule_has_a_failing_and_a_passing_example() {
    let tmp = TempDir::new("examples");
    let mut problems = Vec::new();
    for rule in RULES {
        let base = example_base(rule.examples.tier);
        let _ = std::fs::remove_dir_all(tmp.path().join("generated"));
        let previous = match rule
            .examples
            .previous
            .map(|p| render_previous(tmp.path(), base, p))
        {
            Some(Ok(r)) => Some(r),
            Some(Err(e)) => {
                problems.push(format!("{}: {e}", rule.code));
                continue;
            }
            None => None,
        };
        let previous = previous.as_ref();
        match codes_for(tmp.path(), base, rule.examples.failing, previous) {
            Ok(codes) if codes.contains(&rule.code) => {
                let text = human_for(tmp.path(), rule.code);
                golden().bind(|| insta::assert_snapshot!(format!("rule@{}", rule.code), text));
            }
            Ok(codes) => problems.push(format!(
                "{}: the failing example does not trigger it (got {codes:?})",
                rule.code
            )),
            Err(e) => problems.push(format!(
                "{}: the failing example is not a valid spec: {e}",
                rule.code
            )),
        }
        match codes_for(tmp.path(), base, rule.examples.passing, previous) {
            Ok(codes) if !codes.contains(&rule.code) => {}
            Ok(_) => problems.push(format!("{}: the passing example triggers it", rule.code)),
            Err(e) => problems.push(format!(
                "{}: the passing example is not a valid spec: {e}",
                rule.code
            )),
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_base_spec_is_clean() {
    let tmp = TempDir::new("bases");
    for tier in [
        cachegen::spec::Tier::Development,
        cachegen::spec::Tier::Staging,
        cachegen::spec::Tier::Production,
    ] {
        let codes = codes_for(tmp.path(), example_base(tier), "", None).unwrap();
        assert!(codes.is_empty(), "{tier:?} base: {codes:?}");
    }
}

#[test]
fn rule_codes_are_unique_and_documented() {
    let mut seen = std::collections::BTreeSet::new();
    for r in RULES {
        assert!(seen.insert(r.code), "duplicate code {}", r.code);
        assert!(r.code.len() == 6 && r.code.starts_with("CG"), "{}", r.code);
        assert!(
            r.rationale.len() > 60,
            "{}: a rationale explains why",
            r.code
        );
        let o = run_in(&root(), &["rules", r.code]);
        assert_eq!(code(&o), 0);
        let text = stdout(&o);
        assert!(
            text.contains(r.rationale) && text.contains(r.examples.failing.lines().next().unwrap()),
            "{}",
            r.code
        );
    }
    let o = run_in(&root(), &["rules"]);
    for r in RULES {
        assert!(stdout(&o).contains(r.code));
    }
}
