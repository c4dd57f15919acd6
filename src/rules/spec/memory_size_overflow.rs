use super::MEMORY_SIZE_FIELDS;
use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{Tier, units};

pub static RULE: Rule = Rule {
    code: codes::MEMORY_SIZE_OVERFLOW,
    name: "memory-size-overflow",
    family: Family::Spec,
    summary: "A memory size is too large to be a number of bytes.",
    rationale: "Redis stores memory sizes as 64-bit byte counts; a size beyond that cannot be configured and is always a typo.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "memory: { max_memory: 99999999999999gb }",
        passing: "memory: { max_memory: 2gb }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    MEMORY_SIZE_FIELDS
        .iter()
        .filter_map(|f| cx.loaded.root.pointer(f))
        .filter_map(|n| n.as_str().map(|s| (n, s)))
        .filter(|(_, s)| units::parse_memory(s).is_none())
        .map(|(n, s)| {
            Finding::new(
                n.loc.clone(),
                format!("`{s}` does not fit in 64 bits of bytes"),
                "check the number of digits",
            )
        })
        .collect()
}
