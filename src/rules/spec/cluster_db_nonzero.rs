use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::CLUSTER_DB_NONZERO,
    name: "cluster-db-nonzero",
    family: Family::Spec,
    summary: "`client.db` is not 0 in cluster mode.",
    rationale: "Redis Cluster only has database 0 and refuses `SELECT` of any other; the application could not connect.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "topology: { mode: cluster, shards: 3, replicas: 1 }\nclient: { db: 2 }",
        passing: "topology: { mode: cluster, shards: 3, replicas: 1 }\nclient: { db: 0 }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if cx.plan.topology.is_cluster() && cx.plan.client.db != 0 {
        vec![Finding::new(
            cx.loc("/client/db"),
            format!(
                "`client.db: {}` in cluster mode: only database 0 exists",
                cx.plan.client.db
            ),
            "set `client.db: 0` (use key prefixes to separate data)",
        )]
    } else {
        Vec::new()
    }
}
