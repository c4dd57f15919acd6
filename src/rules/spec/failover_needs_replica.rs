use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::FAILOVER_NEEDS_REPLICA,
    name: "failover-needs-replica",
    family: Family::Spec,
    summary: "`automatic_failover` is on but there is no replica to promote.",
    rationale: "Failover promotes a replica when the primary fails. Without a replica there is nothing to promote: ElastiCache rejects the combination, and self-hosted failover would never happen.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "topology: { mode: standalone, automatic_failover: true }",
        passing: "topology: { mode: replicated, replicas: 1, automatic_failover: true }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let t = &cx.plan.topology;
    if t.automatic_failover && t.replicas == 0 {
        vec![Finding::new(
            cx.loc("/topology/automatic_failover"),
            "`automatic_failover: true` with no replica to fail over to",
            "add `replicas: 1` (in `replicated` or `cluster` mode), or set `automatic_failover: false`",
        )]
    } else {
        Vec::new()
    }
}
