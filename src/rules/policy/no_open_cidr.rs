use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::NO_OPEN_CIDR,
    name: "no-open-cidr",
    family: Family::Policy,
    summary: "`allowed_cidrs` must not allow every address (0.0.0.0/0 or ::/0).",
    rationale: "The platform guide's checklist: \"Configure firewall rules (only allow app servers)\". `0.0.0.0/0` turns the firewall off; list the application's networks instead.",
    severity: Tiers {
        development: Some(Severity::Warning),
        staging: Some(Severity::Warning),
        production: Some(Severity::Error),
    },
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "network: { allowed_cidrs: [\"0.0.0.0/0\"] }",
        passing: "network: { allowed_cidrs: [\"10.0.0.0/16\"] }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    cx.plan
        .network
        .allowed_cidrs
        .iter()
        .enumerate()
        .filter(|(_, c)| c.ends_with("/0"))
        .map(|(i, c)| {
            Finding::new(
                cx.loc(&format!("/network/allowed_cidrs/{i}")),
                format!("`{c}` allows every address"),
                "list only the application's networks, e.g. the VPC's CIDR",
            )
        })
        .collect()
}
