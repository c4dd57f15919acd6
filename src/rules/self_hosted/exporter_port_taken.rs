use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::COMPOSE_EXPORTER_PORT_TAKEN,
    name: "compose-exporter-port-taken",
    family: Family::SelfHosted,
    summary: "The exporter is published on a host port a Redis node of the stack already uses.",
    rationale: "Docker publishes each host port once: with redis_exporter on a Redis node's port, `docker compose up` fails to start one of them (\"port is already allocated\"), and the stack runs without its cache or without its alerts.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        tier: Tier::Staging,
        failing: "targets: { aws: null, compose: { host_port: 9121 } }\nmonitoring: { compose: { exporter: true } }",
        passing: "targets: { aws: null, compose: { host_port: 6379 } }\nmonitoring: { compose: { exporter: true } }",
        previous: None,
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let p = cx.plan;
    let (Some(compose), Some(exporter)) = (&p.targets.compose, &p.monitoring.exporter) else {
        return Vec::new();
    };
    if !compose
        .redis_host_ports(&p.topology)
        .contains(&(exporter.port as u32))
    {
        return Vec::new();
    }
    let finding = |pointer: &str| {
        Finding::new(
            cx.loc(pointer),
            format!(
                "the exporter and Redis would both publish host port {} on {}",
                exporter.port, compose.host_address
            ),
            "set `monitoring.compose.exporter_port` to a free port (the exporter's default is 9121), or move `targets.compose.host_port`",
        )
    };
    // At the port the spec wrote last: the exporter's own, else the Redis port it ran into.
    if cx.is_set("/monitoring/compose/exporter_port") {
        vec![finding("/monitoring/compose/exporter_port").related(
            "Redis publishes from here",
            cx.loc("/targets/compose/host_port"),
        )]
    } else {
        vec![finding("/targets/compose/host_port")]
    }
}
