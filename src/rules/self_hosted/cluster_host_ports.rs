use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::CLUSTER_HOST_PORTS,
    name: "cluster-host-ports",
    family: Family::SelfHosted,
    summary: "In a self-hosted cluster, node `i` is published on host port `host_port + i`, and the last node's port is beyond 65535.",
    rationale: "Each node of the self-hosted cluster gets its own host port, counting up from `targets.compose.host_port`. A port past 65535 does not exist: docker compose refuses the file, and the cluster never starts.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        tier: Tier::Development,
        previous: None,
        failing: "topology: { mode: cluster, shards: 3, replicas: 1 }\ntargets: { compose: { host_port: 65533 } }",
        passing: "topology: { mode: cluster, shards: 3, replicas: 1 }\ntargets: { compose: { host_port: 7000 } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let t = &cx.plan.topology;
    let Some(c) = &cx.plan.targets.compose else {
        return Vec::new();
    };
    if !t.is_cluster() || t.nodes == 0 {
        return Vec::new();
    }
    let last = u32::from(c.host_port) + t.nodes - 1;
    if last <= 65535 {
        return Vec::new();
    }
    vec![Finding::new(
        cx.loc("/targets/compose/host_port"),
        format!(
            "the cluster's {} nodes are published on host ports {} to {last}, beyond 65535",
            t.nodes, c.host_port
        ),
        format!(
            "use a `host_port` of at most {}, e.g. 7000",
            65536 - t.nodes
        ),
    )]
}
