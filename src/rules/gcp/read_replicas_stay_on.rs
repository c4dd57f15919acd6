use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::GCP_READ_REPLICAS_STAY_ON,
    name: "gcp-read-replicas-stay-on",
    family: Family::Gcp,
    summary: "Read replicas were on for this Memorystore instance: Memorystore cannot turn them off.",
    rationale: "Once read replicas are enabled on a Memorystore for Redis instance they can no longer be disabled (Google: About read replicas). Going from several replicas to one would render `READ_REPLICAS_DISABLED`, which the update refuses; with `targets.gcp.read_replicas: true` the instance keeps them on with one replica (1 to 5 are allowed).",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        tier: Tier::Development,
        previous: Some(
            "memory: { max_memory: 4gb }\ntopology: { mode: replicated, replicas: 2 }\nsecurity: { auth: { enabled: false } }\ntargets: { compose: null, gcp: { region: us-central1, memory_size_gb: 5 } }",
        ),
        failing: "memory: { max_memory: 4gb }\ntopology: { mode: replicated, replicas: 1 }\nsecurity: { auth: { enabled: false } }\ntargets: { compose: null, gcp: { region: us-central1, memory_size_gb: 5 } }",
        passing: "memory: { max_memory: 4gb }\ntopology: { mode: replicated, replicas: 1 }\nsecurity: { auth: { enabled: false } }\ntargets: { compose: null, gcp: { region: us-central1, memory_size_gb: 5, read_replicas: true } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let (Some(previous), Some(now)) = (cx.previous, super::target(cx.plan)) else {
        return Vec::new();
    };
    let Some(before) = &previous.gcp else {
        return Vec::new();
    };
    if !before.read_replicas || now.read_replicas || cx.plan.topology.is_cluster() {
        return Vec::new();
    }
    vec![Finding::new(
        cx.loc("/topology/replicas"),
        "this instance has read replicas, and Memorystore cannot turn them off: the update would fail",
        "add `targets.gcp.read_replicas: true` to keep them on (one replica is allowed), or keep the replicas",
    )]
}
