use crate::diagnostics::{Severity, codes};
use crate::facts::aws;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{EvictionPolicy, Tier};

pub static RULE: Rule = Rule {
    code: codes::AWS_DATA_TIERING_POLICY,
    name: "aws-data-tiering-policy",
    family: Family::Aws,
    summary: "Data-tiering node types (r6gd) allow only volatile-lru, allkeys-lru or noeviction.",
    rationale: "On r6gd nodes ElastiCache moves cold items to SSD by recency; it refuses other eviction policies.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "memory: { max_memory: 16gb, eviction_policy: allkeys-lfu }\ntargets: { aws: { region: us-east-1, node_type: cache.r6gd.xlarge } }",
        passing: "memory: { max_memory: 16gb, eviction_policy: allkeys-lru }\ntargets: { aws: { region: us-east-1, node_type: cache.r6gd.xlarge } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(t) = super::target(cx.plan) else {
        return Vec::new();
    };
    let policy = cx.plan.memory.eviction_policy;
    let allowed = [
        EvictionPolicy::VolatileLru,
        EvictionPolicy::AllkeysLru,
        EvictionPolicy::Noeviction,
    ];
    match aws::node_type(&t.node_type) {
        Some(n) if n.data_tiering && !allowed.contains(&policy) => vec![
            Finding::new(
                cx.loc("/memory/eviction_policy"),
                format!(
                    "`{}` with data tiering (`{}`): only volatile-lru, allkeys-lru or noeviction",
                    policy.as_str(),
                    n.name
                ),
                "use allkeys-lru, or a node type without data tiering (r7g)",
            )
            .related(
                "the node type is chosen here",
                cx.loc("/targets/aws/node_type"),
            ),
        ],
        _ => Vec::new(),
    }
}
