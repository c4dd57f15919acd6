//! `cachegen impact` against Terraform's own plan: every change pair of the day-2 corpus
//! (`tests/fixtures/day2/`, planned once per test process with the real hashicorp/aws provider
//! by `day2::corpus::corpus_plans`) goes through `cachegen impact` in a git repository whose
//! base commit holds the old spec and its rendering, and impact's verdict for each resource
//! address must be the provider's action. The test prints the agreement count.
//!
//! impact says more than the provider where the provider's "update" hides an interruption or
//! an apply that fails: `restart` and `staged` are in-place updates to the provider, and count
//! as agreeing with `update`. Nothing else is translated.

use crate::common::*;
use crate::day2::corpus::{self, CorpusResult, SpecFile};
use crate::day2::harness::{Action, PairPlan};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args([
            "-c",
            "user.name=cachegen",
            "-c",
            "user.email=ci@example.invalid",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.hooksPath=/dev/null",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The provider's action an impact effect stands for.
fn action_of(effect: &str) -> Action {
    match effect {
        "replace" => Action::Replace,
        "delete" => Action::Delete,
        "create" => Action::Create,
        "staged" | "restart" | "update" => Action::Update,
        "none" => Action::NoOp,
        other => panic!("`{other}` is not an impact effect"),
    }
}

/// How bad an effect is for the resource, to keep the worst when several settings touch it.
fn severity(effect: &str) -> u8 {
    match effect {
        "replace" => 6,
        "delete" => 5,
        "staged" => 4,
        "restart" => 3,
        "update" => 2,
        "create" => 1,
        _ => 0,
    }
}

/// Per resource address: impact's effect, and its reason.
type Verdicts = BTreeMap<String, (String, String)>;

/// What `cachegen impact` says for each AWS resource address of the pair: the worst effect
/// of its findings, with the findings' reasons.
fn impact_of(work: &Path, r: &CorpusResult) -> Verdicts {
    let dir = work.join(&r.pair.name);
    corpus::write_project(&dir, &r.old_spec);
    let o = run_in(&dir, &["render"]);
    assert_eq!(code(&o), 0, "{}: render: {}", r.pair.name, output_text(&o));
    if let Some(folder) = &r.pair.old_rendering {
        let aws = dir
            .join("generated")
            .join(corpus::environment(&r.old_spec.text))
            .join("terraform/aws");
        std::fs::remove_dir_all(&aws).unwrap();
        copy_dir(&root().join(folder), &aws);
    }
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    // The pull request: the spec as planned (impact renders the head itself).
    let planned: &SpecFile = &r.planned_spec;
    corpus::write_project(&dir, planned);
    let o = run_in(&dir, &["impact", "--base", "HEAD", "--format", "json"]);
    let doc: Value = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("{}: impact JSON ({e}): {}", r.pair.name, output_text(&o)));
    let mut by_address = Verdicts::new();
    for env in doc["environments"].as_array().unwrap() {
        for c in env["changes"].as_array().unwrap() {
            let resource = c["resource"].as_str().unwrap_or("");
            if c["target"] != "aws" || !resource.starts_with("aws_") {
                continue;
            }
            let effect = c["effect"].as_str().unwrap().to_string();
            let reason = c["reason"].as_str().unwrap_or("").to_string();
            let entry = by_address
                .entry(resource.to_string())
                .or_insert_with(|| ("none".into(), String::new()));
            if severity(&effect) > severity(&entry.0) {
                *entry = (effect, reason);
            }
        }
    }
    by_address
}

/// Every pair of the day-2 corpus: impact's verdict per resource is the provider's plan.
#[test]
fn impact_agrees_with_terraform_on_every_resource_of_the_day2_corpus() {
    let Some(results) = corpus::corpus_plans() else {
        return;
    };
    let work = TempDir::new("impact-agreement");
    let judged: Vec<(&CorpusResult, Verdicts)> = std::thread::scope(|s| {
        let handles: Vec<_> = results
            .chunks(results.len().div_ceil(4).max(1))
            .map(|chunk| {
                let work = work.path();
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|r| (r, impact_of(work, r)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });

    let (mut agree, mut total, mut refused_plans) = (0, 0, 0);
    let mut disagreements = Vec::new();
    let mut out_of_sight = Vec::new();
    for (r, found) in &judged {
        let resources = match &r.plan {
            PairPlan::Planned(resources) => resources,
            PairPlan::Error(e) => {
                // The plan stops at a deletion guard: what it refused to do is a
                // replacement or deletion, which impact must name.
                refused_plans += 1;
                if !found.values().any(|(e, _)| e == "replace" || e == "delete") {
                    disagreements.push(format!(
                        "{}: the plan fails ({}) but impact names no replacement or deletion: {found:?}",
                        r.pair.name,
                        e.lines().next().unwrap_or("")
                    ));
                }
                continue;
            }
        };
        // A pair may patch the old state (a step made outside Terraform, or what AWS returns
        // on a read): those resources differ from the base's rendering, which is all that
        // impact can see.
        let patched: BTreeSet<String> = r
            .pair
            .patch
            .as_deref()
            .and_then(|j| serde_json::from_str::<BTreeMap<String, Value>>(j).ok())
            .map(|m| m.into_keys().collect())
            .unwrap_or_default();
        let addresses: BTreeSet<&String> = resources.keys().chain(found.keys()).collect();
        for a in addresses {
            if patched.contains(a) {
                out_of_sight.push(format!("{}: {a}", r.pair.name));
                continue;
            }
            let planned = resources.get(a).map_or(Action::NoOp, |x| x.action);
            let (effect, reason) = found
                .get(a)
                .cloned()
                .unwrap_or_else(|| ("none".into(), "no finding".into()));
            total += 1;
            if action_of(&effect) == planned {
                agree += 1;
            } else {
                let why = resources.get(a).map_or(String::new(), |x| {
                    format!(
                        " (replace_paths {:?}, changed {:?})",
                        x.replace_paths, x.changed
                    )
                });
                disagreements.push(format!(
                    "{}: {a}: the provider plans {}{why}, impact says {effect}: {reason}",
                    r.pair.name,
                    planned.as_str()
                ));
            }
        }
    }
    eprintln!(
        "impact agrees with hashicorp/aws on {agree} of {total} resource actions in {} pairs ({refused_plans} plans stopped by a deletion guard, each named as a replacement; {} resources whose state the pair patches not compared: {})",
        judged.len(),
        out_of_sight.len(),
        out_of_sight.join(", ")
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
