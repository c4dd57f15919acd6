use crate::diagnostics::{Severity, codes};
use crate::plan::sizing;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::WORKLOAD_NEEDS_CLUSTER,
    name: "workload-needs-cluster",
    family: Family::Sizing,
    summary: "The workload is large enough that the platform guide recommends Redis Cluster.",
    rationale: "The guide sizes 5M+ organizations at 32 GB or more \"or cluster\": past that, one primary is a single CPU core and a single failure domain for all traffic, and its snapshot fork copies tens of gigabytes. Cluster mode spreads both over shards.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "memory: { max_memory: 64gb }\nworkload: { organizations: 8000000 }",
        passing: "topology: { mode: cluster, shards: 3, replicas: 1 }\nmemory: { max_memory: 16gb }\nworkload: { organizations: 8000000 }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    match sizing::need(cx.spec.workload.as_ref()) {
        Some(need) if need.suggest_cluster && !cx.plan.topology.is_cluster() => vec![Finding::new(
            cx.loc("/workload"),
            format!(
                "this workload needs {}: {}",
                crate::spec::units::gib(need.bytes),
                need.why
            ),
            "consider `topology: { mode: cluster, shards: 3, replicas: 1 }` with `max_memory` per shard",
        )],
        _ => Vec::new(),
    }
}
