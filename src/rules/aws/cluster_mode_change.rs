use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{Tier, TopologyMode};

pub static RULE: Rule = Rule {
    code: codes::AWS_CLUSTER_MODE_CHANGE,
    name: "aws-cluster-mode-change",
    family: Family::Aws,
    summary: "A replication group changes between cluster mode and replicated (or standalone): ElastiCache refuses the in-place update the provider plans.",
    rationale: "hashicorp/aws 5.100.0 plans replicated to cluster (and back) as an in-place update of `num_node_groups` / `num_cache_clusters` with a parameter group whose `cluster-enabled` changes (day-2 pairs replicated_to_cluster and cluster_to_replicated). ElastiCache cannot change `cluster-enabled` on a group in use, and turns cluster mode on only through `cluster_mode = \"compatible\"` on engines that allow it, which cachegen does not render: the apply fails half way. A new cache in the other mode, next to this one, is the safe path.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        tier: Tier::Production,
        previous: Some("topology: { mode: replicated, replicas: 2 }"),
        failing: "topology: { mode: cluster, shards: 3, replicas: 1 }",
        passing: "topology: { mode: replicated, replicas: 1 }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let (Some(previous), Some(_)) = (cx.previous, super::target(cx.plan)) else {
        return Vec::new();
    };
    if previous.aws.is_none() {
        return Vec::new();
    }
    let was = previous.topology == TopologyMode::Cluster;
    if was == cx.plan.topology.is_cluster() {
        return Vec::new();
    }
    vec![Finding::new(
        cx.loc("/topology/mode"),
        format!(
            "ElastiCache cannot change this replication group from {} to {} in place: the provider plans an update that fails",
            previous.topology.as_str(),
            cx.plan.topology.mode.as_str()
        ),
        "keep the mode; to change it, add an environment (or a new `name`) in the new mode next to this one, move the clients, then remove this one",
    )]
}
