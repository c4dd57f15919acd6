use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_CLUSTER_LIMITS,
    name: "aws-cluster-limits",
    family: Family::Aws,
    summary: "The cluster has more nodes than ElastiCache allows (500 per cluster; 90 without a quota increase).",
    rationale: "ElastiCache counts shards x (1 + replicas) nodes per cluster: at most 500, and 90 unless the account's quota was raised. Past 90 the apply fails unless the quota increase was granted first.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "topology: { mode: cluster, shards: 100, replicas: 5 }\ntargets: { aws: { region: us-east-1, node_type: cache.t4g.medium } }",
        passing: "topology: { mode: cluster, shards: 10, replicas: 2 }\ntargets: { aws: { region: us-east-1, node_type: cache.t4g.medium } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let t = &cx.plan.topology;
    if super::target(cx.plan).is_none() || !t.is_cluster() {
        return Vec::new();
    }
    if t.nodes > 500 {
        vec![Finding::new(
            cx.loc("/topology/shards"),
            format!(
                "{} shards x {} nodes = {} nodes; ElastiCache allows at most 500 per cluster",
                t.shards,
                1 + t.replicas,
                t.nodes
            ),
            "use larger node types and fewer shards",
        )]
    } else if t.nodes > 90 {
        vec![Finding::new(
            cx.loc("/topology/shards"),
            format!(
                "{} nodes: above ElastiCache's default quota of 90 nodes per cluster",
                t.nodes
            ),
            "request a quota increase before applying, then waive this rule with the ticket as the reason",
        )]
    } else {
        Vec::new()
    }
}
