use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::COMPOSE_HOST_ADDRESS,
    name: "compose-host-address",
    family: Family::SelfHosted,
    summary: "`targets.compose.host_address` is not an IP address.",
    rationale: "Docker publishes a port on a host IP address (`127.0.0.1`, `0.0.0.0`, `::1`); a name or a typo makes `docker compose up` fail.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "targets: { compose: { host_address: localhost } }",
        passing: "targets: { compose: { host_address: 127.0.0.1 } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(c) = &cx.plan.targets.compose else {
        return Vec::new();
    };
    if c.host_address.parse::<std::net::IpAddr>().is_ok() {
        return Vec::new();
    }
    vec![Finding::new(
        cx.loc("/targets/compose/host_address"),
        format!("`{}` is not an IP address", c.host_address),
        "write 127.0.0.1 (this host only) or a specific address of the host",
    )]
}
