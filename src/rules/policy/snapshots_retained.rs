use super::PRODUCTION_ERROR_STAGING_WARNING;
use crate::diagnostics::codes;
use crate::rules::{Context, Examples, Family, Finding, Rule};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::SNAPSHOTS_RETAINED,
    name: "snapshots-retained",
    family: Family::Policy,
    summary: "Production needs snapshots, kept for at least one day.",
    rationale: "The platform guide backs the cache up with RDB snapshots. Replicas protect against a node failure, not against a bad deploy that writes wrong data everywhere, or a FLUSHALL: only a snapshot from before it helps, and only if one is kept.",
    severity: PRODUCTION_ERROR_STAGING_WARNING,
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "persistence: { snapshots: { retention_days: 0 } }",
        passing: "persistence: { snapshots: { retention_days: 7 } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let s = &cx.plan.persistence.snapshots;
    if !s.enabled {
        return vec![Finding::new(
            cx.loc("/persistence/snapshots/enabled"),
            format!("snapshots are off in tier {}", cx.plan.tier.as_str()),
            "turn snapshots on and keep them at least a day: `persistence: { snapshots: { retention_days: 7 } }`",
        )];
    }
    if s.retention_days < 1 && cx.plan.targets.has_cloud() {
        return vec![Finding::new(
            cx.loc("/persistence/snapshots/retention_days"),
            "snapshots are kept for 0 days",
            "keep them at least one day: `retention_days: 7`",
        )];
    }
    match super::not_enforced(cx, &crate::settings::SNAPSHOT_RETENTION_DAYS) {
        Some((target, why)) => vec![Finding::new(
            cx.loc("/persistence/snapshots"),
            format!("the {target} target keeps no snapshot history: {why}"),
            "schedule exports of the snapshots outside cachegen, and waive this rule with where they are kept",
        )],
        None => Vec::new(),
    }
}
