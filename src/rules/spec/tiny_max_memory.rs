use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::TINY_MAX_MEMORY,
    name: "tiny-max-memory",
    family: Family::Spec,
    summary: "`max_memory` is below 16 MB, too little for a cache.",
    rationale: "Redis itself uses a few megabytes (buffers, the replication backlog, the dictionary); below 16 MB almost nothing is left for data and the cache evicts constantly. Redis warns below 1 MB; a cache this small is almost always a unit typo (`64kb` for `64mb`).",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "memory: { max_memory: 512kb }",
        passing: "memory: { max_memory: 512mb }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let bytes = cx.plan.memory.max_memory_bytes;
    if bytes > 0 && bytes < 16 << 20 {
        vec![Finding::new(
            cx.loc("/memory/max_memory"),
            format!("`max_memory` is {} bytes, less than 16 MB", bytes),
            "check the unit: `mb` or `gb`",
        )]
    } else {
        Vec::new()
    }
}
