use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::MULTI_ZONE_NEEDS_FAILOVER,
    name: "multi-zone-needs-failover",
    family: Family::Spec,
    summary: "`multi_zone` is on without `automatic_failover`.",
    rationale: "Nodes in several zones only help when a replica in a healthy zone takes over; without failover a zone outage still takes the cache down. ElastiCache rejects `multi_az_enabled` without `automatic_failover_enabled`.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "topology: { mode: replicated, replicas: 1, automatic_failover: false, multi_zone: true }",
        passing: "topology: { mode: replicated, replicas: 1, automatic_failover: true, multi_zone: true }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let t = &cx.plan.topology;
    if t.multi_zone && !t.automatic_failover {
        vec![
            Finding::new(
                cx.loc("/topology/multi_zone"),
                "`multi_zone: true` without automatic failover",
                "set `automatic_failover: true` (with at least one replica), or `multi_zone: false`",
            )
            .related("failover is decided here", cx.loc("/topology/automatic_failover")),
        ]
    } else {
        Vec::new()
    }
}
