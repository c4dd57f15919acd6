use super::PRODUCTION_ERROR_STAGING_WARNING;
use crate::diagnostics::codes;
use crate::rules::{Context, Examples, Family, Finding, Rule};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::EXPLICIT_EVICTION_POLICY,
    name: "explicit-eviction-policy",
    family: Family::Policy,
    summary: "Production specs state their eviction policy.",
    rationale: "Every provider has its own default (Redis OSS noeviction, ElastiCache, Azure and Memorystore volatile-lru): a cache that relies on the default behaves differently on each target, and with noeviction it refuses writes when full. The guide's cache uses allkeys-lru; say it.",
    severity: PRODUCTION_ERROR_STAGING_WARNING,
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "memory: { eviction_policy: null }",
        passing: "memory: { eviction_policy: allkeys-lru }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if cx.is_set("/memory/eviction_policy") {
        return Vec::new();
    }
    vec![Finding::new(
        cx.loc("/memory/eviction_policy"),
        "the eviction policy is not stated",
        "set `memory.eviction_policy` (the guide's cache uses `allkeys-lru`)",
    )]
}
