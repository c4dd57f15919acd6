use crate::diagnostics::{Severity, codes};
use crate::facts::aws;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{Tier, units};

pub static RULE: Rule = Rule {
    code: codes::AWS_MEMORY_FITS_NODE,
    name: "aws-memory-fits-node",
    family: Family::Aws,
    summary: "`memory.max_memory` does not fit the node type after ElastiCache's 25% reserve.",
    rationale: "An ElastiCache node's maxmemory is fixed by its type, and 25% of it is reserved (reserved-memory-percent) for replication buffers, the backup fork and the server itself. A spec that expects more data than the rest holds evicts, or refuses writes, long before its stated size.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "memory: { max_memory: 16gb, eviction_policy: allkeys-lru }\ntargets: { aws: { region: us-east-1, node_type: cache.r7g.large } }",
        passing: "memory: { max_memory: 16gb, eviction_policy: allkeys-lru }\ntargets: { aws: { region: us-east-1, node_type: cache.r7g.xlarge } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(t) = super::target(cx.plan) else {
        return Vec::new();
    };
    let Some(node) = aws::node_type(&t.node_type) else {
        return Vec::new();
    };
    let want = cx.plan.memory.max_memory_bytes;
    if want <= node.usable() {
        return Vec::new();
    }
    let help = match super::recommended_node(cx.plan) {
        Some(n) => format!(
            "use `{}` ({} usable), or lower `max_memory`",
            n.name,
            units::gib(n.usable())
        ),
        None => "split the data over shards (`topology.mode: cluster`)".into(),
    };
    vec![
        Finding::new(
            cx.loc("/memory/max_memory"),
            format!(
                "`max_memory: {}` does not fit `{}`: {} maxmemory, {} after the 25% reserve",
                cx.plan.memory.max_memory,
                node.name,
                units::gib(node.maxmemory),
                units::gib(node.usable())
            ),
            help,
        )
        .related(
            "the node type is chosen here",
            cx.loc("/targets/aws/node_type"),
        ),
    ]
}
