use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_TIMEOUT_RANGE,
    name: "aws-timeout-range",
    family: Family::Aws,
    summary: "`network.idle_timeout_seconds` is 1 to 19, which ElastiCache's `timeout` parameter refuses.",
    rationale: "ElastiCache accepts a `timeout` of 0 (never) or at least 20 seconds; the parameter group fails to apply otherwise.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "network: { idle_timeout_seconds: 10, allowed_cidrs: [\"10.0.0.0/16\"] }",
        passing: "network: { idle_timeout_seconds: 20, allowed_cidrs: [\"10.0.0.0/16\"] }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let t = cx.plan.network.idle_timeout_seconds;
    if super::target(cx.plan).is_some() && (1..20).contains(&t) {
        vec![Finding::new(
            cx.loc("/network/idle_timeout_seconds"),
            format!("`idle_timeout_seconds: {t}`: ElastiCache accepts 0 or at least 20"),
            "use 0 (never close idle clients) or 20 and more",
        )]
    } else {
        Vec::new()
    }
}
