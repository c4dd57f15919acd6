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
    let Some((target, why)) = super::not_enforced(cx, &crate::settings::SNAPSHOT_RETENTION_DAYS)
    else {
        return Vec::new();
    };
    // Written in the spec (or its base): the spec asks for a history the target cannot keep.
    if cx.is_set("/persistence/snapshots/retention_days") {
        return vec![Finding::new(
            cx.loc("/persistence/snapshots/retention_days"),
            format!("the {target} target keeps no snapshot history: {why}"),
            "remove `retention_days` and accept the residual risk (a warning), schedule exports of the snapshots outside cachegen, or waive this rule with where they are kept",
        )];
    }
    vec![
        Finding::new(
            cx.loc("/persistence/snapshots"),
            format!(
                "the {target} target keeps no snapshot history: {why}. Residual risk: a bad write or a FLUSHALL that reaches the latest snapshot cannot be undone from a backup"
            ),
            format!(
                "schedule exports of the snapshots outside cachegen if the data matters; to make this fatal, set `{} = \"error\"` under `[rules]` in cachegen.toml",
                codes::SNAPSHOTS_RETAINED
            ),
        )
        .platform_limit(),
    ]
}
