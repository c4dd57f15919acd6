use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{Tier, TopologyMode};

pub static RULE: Rule = Rule {
    code: codes::SHARDS_WITHOUT_CLUSTER,
    name: "shards-without-cluster",
    family: Family::Spec,
    summary: "`topology.shards` is set but `topology.mode` is not `cluster`.",
    rationale: "Only Redis Cluster splits the keyspace into shards. In standalone or replicated mode there is one primary, so a shard count would be silently ignored and the cache would be a fraction of the intended size.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "topology: { mode: replicated, replicas: 1, shards: 3 }",
        passing: "topology: { mode: cluster, shards: 3, replicas: 1 }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let t = cx.spec.topology.as_ref();
    match t.and_then(|t| t.shards) {
        Some(n) if cx.plan.topology.mode != TopologyMode::Cluster => vec![
            Finding::new(
                cx.loc("/topology/shards"),
                format!(
                    "`shards: {n}` needs `mode: cluster`; this spec is `{}`",
                    cx.plan.topology.mode.as_str()
                ),
                "set `topology.mode: cluster`, or remove `shards`",
            )
            .related("the mode is decided here", cx.loc("/topology/mode")),
        ],
        _ => Vec::new(),
    }
}
