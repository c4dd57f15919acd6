use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::ENTRIES_WITHOUT_SIZE,
    name: "entries-without-size",
    family: Family::Sizing,
    summary: "`workload.entries` and `workload.avg_entry_bytes` go together.",
    rationale: "The memory of N entries depends on their size; one without the other cannot be checked, so the spec looks sized when it is not.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "workload: { entries: 1000000 }",
        passing: "workload: { entries: 1000000, avg_entry_bytes: 512 }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(w) = &cx.spec.workload else {
        return Vec::new();
    };
    match (w.entries, w.avg_entry_bytes) {
        (Some(_), None) => vec![Finding::new(
            cx.loc("/workload/entries"),
            "`entries` without `avg_entry_bytes`: the memory they need is unknown",
            "add `avg_entry_bytes` (the average value size in bytes)",
        )],
        (None, Some(_)) => vec![Finding::new(
            cx.loc("/workload/avg_entry_bytes"),
            "`avg_entry_bytes` without `entries`: the memory they need is unknown",
            "add `entries` (how many keys the cache holds)",
        )],
        _ => Vec::new(),
    }
}
