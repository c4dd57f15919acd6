use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_SNAPSHOT_RETENTION,
    name: "aws-snapshot-retention",
    family: Family::Aws,
    summary: "`persistence.snapshots.retention_days` is above ElastiCache's 35 days.",
    rationale: "ElastiCache keeps automatic backups for 0 to 35 days; longer retention needs exported snapshots, which cachegen does not generate.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "persistence: { snapshots: { retention_days: 90, window: \"03:00-05:00\" } }",
        passing: "persistence: { snapshots: { retention_days: 35, window: \"03:00-05:00\" } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let days = cx.plan.persistence.snapshots.retention_days;
    if super::target(cx.plan).is_some() && cx.plan.persistence.snapshots.enabled && days > 35 {
        vec![Finding::new(
            cx.loc("/persistence/snapshots/retention_days"),
            format!(
                "`retention_days: {days}`: ElastiCache keeps automatic backups for at most 35 days"
            ),
            "set at most 35; keep longer history by exporting snapshots to S3",
        )]
    } else {
        Vec::new()
    }
}
