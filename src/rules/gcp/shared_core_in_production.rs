use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::GCP_SHARED_CORE_IN_PRODUCTION,
    name: "gcp-shared-core-in-production",
    family: Family::Gcp,
    summary: "A production cluster runs on shared-core nodes (REDIS_SHARED_CORE_NANO), which have no SLA.",
    rationale: "REDIS_SHARED_CORE_NANO nodes share half a vCPU and come without Memorystore's SLA: Google offers them for development and testing. cachegen never derives them for production and warns when a production spec names them.",
    severity: Tiers {
        development: None,
        staging: None,
        production: Some(Severity::Warning),
    },
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: concat!(
            cluster_topology!(),
            "memory: { max_memory: 1gb }\ntargets: { aws: null, gcp: { region: us-central1, node_type: REDIS_SHARED_CORE_NANO } }"
        ),
        passing: concat!(
            cluster_topology!(),
            "memory: { max_memory: 1gb }\ntargets: { aws: null, gcp: { region: us-central1, node_type: REDIS_STANDARD_SMALL } }"
        ),
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(name) = super::cluster(cx.plan).and_then(|t| t.node_type.as_deref()) else {
        return Vec::new();
    };
    if !crate::facts::gcp::node_type(name).is_some_and(|n| n.shared_core) {
        return Vec::new();
    }
    vec![Finding::new(
        cx.loc("/targets/gcp/node_type"),
        format!("`{name}` is a shared-core node without an SLA"),
        "use `REDIS_STANDARD_SMALL` or larger in production",
    )]
}
