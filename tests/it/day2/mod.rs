//! Day two: a spec changes in a pull request and `terraform apply` runs against caches that
//! exist. `harness` plans a new rendering against a state built from the old one with the real
//! hashicorp/aws provider (offline); `corpus` carries the change pairs of
//! `tests/fixtures/day2/` through a project and plans them. The tests here assert that every
//! pair gets the verdict cachegen intends, and the fixes of issue 16 one by one.

pub mod corpus;
pub mod harness;
mod other_clouds;
mod record;

use corpus::{CorpusResult, Planned, corpus_plans};
use harness::{Action, PairPlan};

const RG: &str = "aws_elasticache_replication_group.redis";

/// Arguments that name a resource: a replacement that creates first (create_before_destroy)
/// collides with the resource it replaces unless one of them changes.
const IDENTITY: &[&str] = &["name", "replication_group_id", "user_id", "user_group_id"];

/// What is wrong with one pair's result, if anything.
fn problems(r: &CorpusResult) -> Vec<String> {
    let p = &r.pair;
    let mut out = Vec::new();
    match &p.refused {
        Some(code) if !r.validate_errors.contains(code) => out.push(format!(
            "validate should refuse it with {code}, reported {:?}:\n{}",
            r.validate_errors, r.validate_output
        )),
        None if !r.validate_errors.is_empty() => out.push(format!(
            "validate should pass, reported {:?}:\n{}",
            r.validate_errors, r.validate_output
        )),
        _ => {}
    }
    if p.refused.is_none() && p.planned != Planned::New {
        out.push("a pair that validate passes is planned as it is".into());
    }
    match (&r.plan, &p.error) {
        (PairPlan::Error(e), Some(want)) if e.contains(want.as_str()) => {}
        (PairPlan::Error(e), _) => out.push(format!("plan error: {e}")),
        (PairPlan::Planned(_), Some(want)) => {
            out.push(format!("the plan should fail with `{want}`"))
        }
        (PairPlan::Planned(resources), None) => {
            let mut addresses: std::collections::BTreeSet<&String> = resources.keys().collect();
            addresses.extend(p.expect.keys());
            for a in addresses {
                let want = p.expect.get(a).map_or("no-op", String::as_str);
                let got = resources.get(a).map_or(Action::NoOp, |x| x.action);
                if Action::parse(want).is_none() {
                    out.push(format!("{a}: `{want}` is not an action"));
                } else if got.as_str() != want {
                    let why = resources.get(a).map_or(String::new(), |x| {
                        format!(
                            " (replace_paths {:?}, changed {:?})",
                            x.replace_paths, x.changed
                        )
                    });
                    out.push(format!(
                        "{a}: expected {want}, planned {}{why}",
                        got.as_str()
                    ));
                }
            }
            for (a, x) in resources {
                if x.actions == ["create", "delete"]
                    && !x.changed.iter().any(|k| IDENTITY.contains(&k.as_str()))
                {
                    out.push(format!(
                        "{a}: created before the old one is destroyed, under the same name: the two collide"
                    ));
                }
            }
            // Each incarnation of a cache has its own final snapshot: the one the old group
            // leaves behind must not block the next replacement or removal.
            if let Some(rg) = resources.get(RG).filter(|x| x.action == Action::Replace)
                && !rg.changed.iter().any(|k| k == "final_snapshot_identifier")
            {
                out.push(
                    "the replication group is replaced under the same final snapshot name".into(),
                );
            }
            // The acceptance: a production spec changed without an acknowledgment never
            // replaces or deletes the replication group.
            if p.planned == Planned::New
                && matches!(
                    resources.get(RG).map(|x| x.action),
                    Some(Action::Replace | Action::Delete)
                )
            {
                out.push("the replication group is replaced without an acknowledgment".into());
            }
        }
    }
    out
}

fn summary(plan: &PairPlan) -> String {
    match plan {
        PairPlan::Error(e) => format!("PLAN ERROR {}", e.lines().next().unwrap_or("")),
        PairPlan::Planned(r) => {
            let parts: Vec<String> = r
                .iter()
                .filter(|(_, x)| x.action != Action::NoOp)
                .map(|(a, x)| {
                    let detail = if !x.replace_paths.is_empty() {
                        format!(" ({})", x.replace_paths.join(", "))
                    } else if !x.changed.is_empty() {
                        format!(" [{}]", x.changed.join(", "))
                    } else {
                        String::new()
                    };
                    format!("{a}: {}{detail}", x.action.as_str())
                })
                .collect();
            if parts.is_empty() {
                "no changes".into()
            } else {
                parts.join("; ")
            }
        }
    }
}

/// Every pair of the corpus gets the verdict its fixture records.
#[test]
fn every_change_pair_gets_the_verdict_cachegen_intends() {
    let Some(results) = corpus_plans() else {
        return;
    };
    assert!(
        results.len() >= 40,
        "the corpus has {} pairs, the issue asks for 40",
        results.len()
    );
    let mut failed = Vec::new();
    for r in results {
        let refused = r.pair.refused.as_deref().unwrap_or("-");
        eprintln!(
            "{:<34} validate {:<7} {}",
            r.pair.name,
            refused,
            summary(&r.plan)
        );
        for p in problems(r) {
            failed.push(format!("{} ({}): {p}", r.pair.name, r.pair.about));
        }
    }
    assert!(
        failed.is_empty(),
        "{} problem(s):\n{}",
        failed.len(),
        failed.join("\n")
    );
}
