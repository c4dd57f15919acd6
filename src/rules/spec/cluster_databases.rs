use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::CLUSTER_DATABASES,
    name: "cluster-databases",
    family: Family::Spec,
    summary: "`server.databases` is above 1 in cluster mode.",
    rationale: "Redis Cluster has a single database (0); Redis forces `databases` to 1 and logs a warning. A spec that asks for more promises isolation between databases that cluster mode does not give.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "topology: { mode: cluster, shards: 3, replicas: 1 }\nserver: { databases: 16 }",
        passing: "topology: { mode: cluster, shards: 3, replicas: 1 }\nserver: { databases: 1 }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if cx.plan.topology.is_cluster()
        && cx.is_set("/server/databases")
        && cx.plan.server.databases > 1
    {
        vec![Finding::new(
            cx.loc("/server/databases"),
            format!(
                "`databases: {}` in cluster mode: Redis Cluster has only database 0",
                cx.plan.server.databases
            ),
            "remove `server.databases` (cachegen writes 1 in cluster mode) and keep every key in database 0",
        )]
    } else {
        Vec::new()
    }
}
