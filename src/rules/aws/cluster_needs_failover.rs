use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_CLUSTER_NEEDS_FAILOVER,
    name: "aws-cluster-needs-failover",
    family: Family::Aws,
    summary: "ElastiCache cluster mode needs automatic failover.",
    rationale: "ElastiCache refuses a cluster-mode-enabled replication group without automatic failover; the plan passes and the apply fails.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "topology: { mode: cluster, shards: 3, replicas: 1, automatic_failover: false }\ntargets: { aws: { region: us-east-1, node_type: cache.t4g.medium } }",
        passing: "topology: { mode: cluster, shards: 3, replicas: 1, automatic_failover: true }\ntargets: { aws: { region: us-east-1, node_type: cache.t4g.medium } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if super::target(cx.plan).is_some()
        && cx.plan.topology.is_cluster()
        && !cx.plan.topology.automatic_failover
    {
        vec![Finding::new(
            cx.loc("/topology/automatic_failover"),
            "ElastiCache cluster mode requires `automatic_failover: true`",
            "set `topology.automatic_failover: true` (with at least one replica per shard)",
        )]
    } else {
        Vec::new()
    }
}
