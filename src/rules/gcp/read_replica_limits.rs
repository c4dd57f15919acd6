use crate::diagnostics::{Severity, codes};
use crate::facts::gcp;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::GCP_READ_REPLICA_LIMITS,
    name: "gcp-read-replica-limits",
    family: Family::Gcp,
    summary: "More replicas than Memorystore allows: read replicas need an instance of 5 GB or more (1..5 of them); a cluster takes 0..2 per shard.",
    rationale: "More than one replica on an instance means read replicas (`READ_REPLICAS_ENABLED`), which need STANDARD_HA and at least 5 GB of capacity, and stop at 5. A cluster keeps 0, 1 or 2 replicas per shard. Outside these limits the apply fails.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "memory: { max_memory: 2gb }\ntopology: { mode: replicated, replicas: 2 }\ntargets: { aws: null, gcp: { region: us-central1, tier: STANDARD_HA, memory_size_gb: 4 } }",
        passing: "memory: { max_memory: 2gb }\ntopology: { mode: replicated, replicas: 2 }\ntargets: { aws: null, gcp: { region: us-central1, tier: STANDARD_HA, memory_size_gb: 5 } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(t) = super::target(cx.plan) else {
        return Vec::new();
    };
    let replicas = cx.plan.topology.replicas;
    if cx.plan.topology.is_cluster() {
        if replicas > gcp::CLUSTER_MAX_REPLICAS {
            return vec![Finding::new(
                cx.loc("/topology/replicas"),
                format!("a Memorystore cluster keeps at most 2 replicas per shard, not {replicas}"),
                "set `topology.replicas` to 0, 1 or 2",
            )];
        }
        return Vec::new();
    }
    let mut out = Vec::new();
    if replicas > gcp::MAX_READ_REPLICAS {
        out.push(Finding::new(
            cx.loc("/topology/replicas"),
            format!("a Memorystore instance takes at most 5 read replicas, not {replicas}"),
            "set `topology.replicas` to 5 or fewer, or use cluster mode",
        ));
    }
    if replicas > 1
        && let Some(gb) = t.memory_size_gb
        && gb < gcp::READ_REPLICAS_MIN_GB
    {
        out.push(
            Finding::new(
                cx.loc("/targets/gcp/memory_size_gb"),
                format!(
                    "{replicas} replicas need read replicas, which need at least 5 GB; the instance has {gb} GB"
                ),
                "set `memory_size_gb: 5` or more, or keep one replica",
            )
            .related("the replicas are asked for here", cx.loc("/topology/replicas")),
        );
    }
    out
}
