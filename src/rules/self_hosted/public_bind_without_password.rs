use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::PUBLIC_BIND_WITHOUT_PASSWORD,
    name: "public-bind-without-password",
    family: Family::SelfHosted,
    summary: "Redis is published beyond the host's loopback with authentication off.",
    rationale: "An unauthenticated Redis reachable from a network is taken over within minutes by scanners (they write SSH keys or cron jobs through CONFIG SET and SAVE). Even on a laptop, another machine on the same Wi-Fi can reach it. This is an error in every tier.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "network: { public_access: true }\nsecurity: { auth: { enabled: false } }",
        passing: "network: { public_access: false }\nsecurity: { auth: { enabled: false } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(c) = &cx.plan.targets.compose else {
        return Vec::new();
    };
    let loopback = c
        .host_address
        .parse::<std::net::IpAddr>()
        .is_ok_and(|a| a.is_loopback());
    if cx.plan.security.auth || loopback {
        return Vec::new();
    }
    let at = if cx.is_set("/targets/compose/host_address") {
        "/targets/compose/host_address"
    } else {
        "/network/public_access"
    };
    vec![
        Finding::new(
            cx.loc(at),
            format!("Redis is published on {} without a password", c.host_address),
            "turn authentication on (`security.auth.password: { env: REDIS_PASSWORD }`), or publish on 127.0.0.1",
        )
        .related("authentication is turned off here", cx.loc("/security/auth/enabled")),
    ]
}
