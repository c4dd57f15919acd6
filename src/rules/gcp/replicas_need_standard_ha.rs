use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{GcpTier, Tier};

pub static RULE: Rule = Rule {
    code: codes::GCP_REPLICAS_NEED_STANDARD_HA,
    name: "gcp-replicas-need-standard-ha",
    family: Family::Gcp,
    summary: "The spec asks a BASIC Memorystore instance for replicas; only STANDARD_HA has them.",
    rationale: "A BASIC instance is one node: it has no replica, no failover and no read replicas, and the API refuses `replica_count` or `read_replicas_mode` on it. The tier cannot be changed later (it forces a new instance), so the spec must ask for STANDARD_HA from the start.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "targets: { aws: null, gcp: { region: us-central1, tier: BASIC } }",
        passing: "targets: { aws: null, gcp: { region: us-central1, tier: STANDARD_HA } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(t) = super::instance(cx.plan) else {
        return Vec::new();
    };
    let replicas = cx.plan.topology.replicas;
    if t.tier != GcpTier::Basic || replicas == 0 {
        return Vec::new();
    }
    vec![
        Finding::new(
            cx.loc("/topology/replicas"),
            format!("a BASIC Memorystore instance has no replica; the spec asks for {replicas}"),
            "set `targets.gcp.tier: STANDARD_HA`, or `topology.mode: standalone` without replicas",
        )
        .related("the tier is chosen here", cx.loc("/targets/gcp/tier")),
    ]
}
