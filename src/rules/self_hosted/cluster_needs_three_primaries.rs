use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::SELF_HOSTED_CLUSTER_NEEDS_THREE_PRIMARIES,
    name: "self-hosted-cluster-needs-three-primaries",
    family: Family::SelfHosted,
    summary: "A self-hosted Redis Cluster needs at least 3 shards (primaries).",
    rationale: "Redis Cluster elects a new primary by a majority of primaries: with fewer than 3, losing one leaves no majority and the cluster cannot fail over. `redis-cli --cluster create` refuses fewer than 3 primaries.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "topology: { mode: cluster, shards: 2, replicas: 1 }",
        passing: "topology: { mode: cluster, shards: 3, replicas: 1 }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let t = &cx.plan.topology;
    if cx.plan.targets.compose.is_some() && t.is_cluster() && t.shards < 3 {
        vec![Finding::new(
            cx.loc("/topology/shards"),
            format!(
                "`shards: {}`: a self-hosted Redis Cluster needs at least 3 primaries",
                t.shards
            ),
            "set `topology.shards: 3` or more",
        )]
    } else {
        Vec::new()
    }
}
