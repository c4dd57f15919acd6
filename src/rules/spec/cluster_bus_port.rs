use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::CLUSTER_BUS_PORT,
    name: "cluster-bus-port",
    family: Family::Spec,
    summary: "In cluster mode the port is above 55535, so the cluster bus port (port + 10000) does not exist.",
    rationale: "Redis Cluster nodes talk on the port plus 10000; Redis refuses to start when that is above 65535.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "topology: { mode: cluster, shards: 3, replicas: 1 }\nnetwork: { port: 60000 }",
        passing: "topology: { mode: cluster, shards: 3, replicas: 1 }\nnetwork: { port: 6379 }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let port = cx.plan.network.port;
    if cx.plan.topology.is_cluster() && port > 55535 {
        vec![Finding::new(
            cx.loc("/network/port"),
            format!(
                "port {port} leaves no cluster bus port ({} > 65535)",
                port as u32 + 10000
            ),
            "use a port at most 55535, e.g. 6379",
        )]
    } else {
        Vec::new()
    }
}
