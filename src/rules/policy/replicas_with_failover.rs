use super::PRODUCTION_ERROR_STAGING_WARNING;
use crate::diagnostics::codes;
use crate::rules::{Context, Examples, Family, Finding, Rule};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::REPLICAS_WITH_FAILOVER,
    name: "replicas-with-failover",
    family: Family::Policy,
    summary: "Production needs at least one replica with automatic failover across zones.",
    rationale: "The platform guide: \"Replication: master-replica setup with automatic failover\". A single node, or replicas that are not promoted automatically, or all nodes in one zone, turn a node or zone failure into an outage of every service that reads the cache.",
    severity: PRODUCTION_ERROR_STAGING_WARNING,
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "topology: { mode: standalone }",
        passing: "topology: { mode: replicated, replicas: 1, automatic_failover: true, multi_zone: true }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let t = &cx.plan.topology;
    let mut missing = Vec::new();
    if t.replicas == 0 {
        missing.push("a replica");
    }
    if !t.automatic_failover {
        missing.push("automatic failover");
    }
    if !t.multi_zone {
        missing.push("nodes in several zones");
    }
    if missing.is_empty() {
        use crate::settings::{AUTOMATIC_FAILOVER, MULTI_ZONE, REPLICAS};
        for setting in [&REPLICAS, &AUTOMATIC_FAILOVER, &MULTI_ZONE] {
            if let Some((target, why)) = super::not_enforced(cx, setting) {
                return vec![Finding::new(
                    cx.loc(&setting.pointer()),
                    format!(
                        "the {target} target cannot give tier {} {}: {why}",
                        cx.plan.tier.as_str(),
                        setting.path["topology.".len()..].replace('_', " ")
                    ),
                    "use a target that replicates across zones, or waive this rule with the reason",
                )];
            }
        }
        return Vec::new();
    }
    let at = if t.replicas == 0 {
        "/topology/replicas"
    } else if !t.automatic_failover {
        "/topology/automatic_failover"
    } else {
        "/topology/multi_zone"
    };
    vec![Finding::new(
        cx.loc(at),
        format!(
            "tier {} without {}",
            cx.plan.tier.as_str(),
            missing.join(", ")
        ),
        "set `topology: { mode: replicated, replicas: 1, automatic_failover: true, multi_zone: true }` (or cluster mode)",
    )]
}
