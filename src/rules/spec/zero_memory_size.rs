use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{Tier, units};

pub static RULE: Rule = Rule {
    code: codes::ZERO_MEMORY_SIZE,
    name: "zero-memory-size",
    family: Family::Spec,
    summary: "A memory limit of 0, which Redis (`maxmemory 0`) and Docker (`mem_limit: 0`) read as no limit at all.",
    rationale: "`max_memory: 0b` looks like the smallest cache and is the largest: Redis takes `maxmemory 0` for \"use all the memory there is\" and never evicts, while the container around it has a limit, so the kernel kills Redis when it fills up. Docker reads a memory limit of 0 the same way, as no limit.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        tier: Tier::Development,
        previous: None,
        failing: "memory: { max_memory: 0b }",
        passing: "memory: { max_memory: 512mb }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    // The plan holds 0 bytes for a size too large to count as well (CG1012 reports that one),
    // so what was written is read again.
    let is_zero = |written: &str| units::parse_memory(written) == Some(0);
    let mut found = Vec::new();
    if is_zero(&cx.plan.memory.max_memory) {
        found.push(Finding::new(
            cx.loc("/memory/max_memory"),
            format!(
                "`max_memory: {}` is 0 bytes, which Redis reads as no limit at all",
                cx.plan.memory.max_memory
            ),
            "give the memory Redis may use for data, e.g. `512mb` or `4gb`",
        ));
    }
    if let Some(c) = &cx.plan.targets.compose
        && is_zero(&c.mem_limit)
    {
        found.push(Finding::new(
            cx.loc("/targets/compose/mem_limit"),
            format!(
                "`mem_limit: {}` is 0 bytes, which Docker reads as no limit at all",
                c.mem_limit
            ),
            "give the container a limit above `max_memory`, or leave `mem_limit` out to have cachegen derive one",
        ));
    }
    found
}
