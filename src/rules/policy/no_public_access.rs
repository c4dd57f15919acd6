use super::PRODUCTION_ERROR_STAGING_WARNING;
use crate::diagnostics::codes;
use crate::rules::{Context, Examples, Family, Finding, Rule};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::NO_PUBLIC_ACCESS,
    name: "no-public-access",
    family: Family::Policy,
    summary: "Production caches are not reachable from the internet.",
    rationale: "The platform guide's checklist: \"Use VPC/Private network (no public internet access)\". A cache has no business on the internet: every client is a service in the same network, and an exposed Redis is the first thing scanners try.",
    severity: PRODUCTION_ERROR_STAGING_WARNING,
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "network: { public_access: true, allowed_cidrs: [\"10.0.0.0/16\"] }",
        passing: "network: { public_access: false, allowed_cidrs: [\"10.0.0.0/16\"] }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if !cx.plan.network.public_access {
        return Vec::new();
    }
    vec![Finding::new(
        cx.loc("/network/public_access"),
        format!("public access in tier {}", cx.plan.tier.as_str()),
        "set `network.public_access: false` and reach the cache from inside the network",
    )]
}
