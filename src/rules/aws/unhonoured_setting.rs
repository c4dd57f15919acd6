use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_UNHONOURED_SETTING,
    name: "aws-unhonoured-setting",
    family: Family::Aws,
    summary: "The spec sets something ElastiCache cannot honour (AOF, save points, I/O threads, ...).",
    rationale: "A setting that is silently dropped is a promise the cache does not keep: an AOF that does not exist is no durability at all. ElastiCache has no append-only file, takes one backup a day instead of following save points, manages its I/O threads itself and does not expose some parameters. cachegen says so once, with what ElastiCache does instead, so the spec can say what will really happen.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "persistence: { aof: { enabled: true } }",
        passing: "persistence: { aof: { enabled: false } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if cx.plan.targets.aws.is_none() {
        return Vec::new();
    }
    crate::rules::capability::unhonoured(cx, crate::settings::Platform::Aws, "ElastiCache")
}
