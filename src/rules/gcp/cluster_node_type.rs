use crate::diagnostics::{Severity, codes};
use crate::facts::gcp;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{Tier, units};

pub static RULE: Rule = Rule {
    code: codes::GCP_CLUSTER_NODE_TYPE,
    name: "gcp-cluster-node-type",
    family: Family::Gcp,
    summary: "The cluster's `node_type` is unknown, or its writable keyspace does not hold `memory.max_memory` per shard.",
    rationale: "A Memorystore cluster shard is one node of `node_type`, whose default writable keyspace is about 80% of its memory (REDIS_HIGHMEM_MEDIUM: 13 GB, 10.4 GB of keyspace). Left out, the node type is derived from `max_memory`; given, it is checked against it. An unknown type fails at apply time.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: concat!(
            cluster_topology!(),
            "memory: { max_memory: 12gb }\ntargets: { aws: null, gcp: { region: us-central1, node_type: REDIS_HIGHMEM_MEDIUM } }"
        ),
        passing: concat!(
            cluster_topology!(),
            "memory: { max_memory: 8gb }\ntargets: { aws: null, gcp: { region: us-central1, node_type: REDIS_HIGHMEM_MEDIUM } }"
        ),
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(t) = super::cluster(cx.plan) else {
        return Vec::new();
    };
    let want = cx.plan.memory.max_memory_bytes;
    let suggestion = || match t.recommended_node_type.and_then(gcp::node_type) {
        Some(n) => format!(
            "`{}` holds {} per shard (or leave `node_type` out: cachegen derives it)",
            n.name,
            units::gib(n.keyspace)
        ),
        None => "add shards, so that each holds less".into(),
    };
    let Some(name) = &t.node_type else {
        return vec![Finding::new(
            cx.loc("/memory/max_memory"),
            format!(
                "no Memorystore cluster node type holds `max_memory: {}` per shard",
                cx.plan.memory.max_memory
            ),
            "add shards (`topology.shards`), so that each holds less",
        )];
    };
    let Some(node) = gcp::node_type(name) else {
        let names = gcp::NODE_TYPES.iter().map(|n| n.name);
        return vec![Finding::new(
            cx.loc("/targets/gcp/node_type"),
            format!("`{name}` is not a Memorystore cluster node type"),
            match crate::spec::schema::did_you_mean(name, names) {
                Some(s) => format!("did you mean `{s}`?"),
                None => suggestion(),
            },
        )];
    };
    if want <= node.keyspace {
        return Vec::new();
    }
    vec![
        Finding::new(
            cx.loc("/memory/max_memory"),
            format!(
                "`max_memory: {}` does not fit a `{}` shard: {} of memory, {} of writable keyspace",
                cx.plan.memory.max_memory,
                node.name,
                units::gib(node.capacity),
                units::gib(node.keyspace)
            ),
            suggestion(),
        )
        .related(
            "the node type is chosen here",
            cx.loc("/targets/gcp/node_type"),
        ),
    ]
}
