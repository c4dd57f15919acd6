use crate::diagnostics::{Severity, codes};
use crate::plan::sizing;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{Tier, units};

pub static RULE: Rule = Rule {
    code: codes::MAX_MEMORY_BELOW_WORKLOAD,
    name: "max-memory-below-workload",
    family: Family::Sizing,
    summary: "`memory.max_memory` is below what `workload` needs.",
    rationale: "A cache smaller than its working set evicts entries before they are read again: the hit rate drops and the load goes to the databases. The platform guide sizes by organizations (100K -> 4 GB, 500K -> 8 GB, 1M -> 16 GB, 5M+ -> 32 GB or a cluster); for entries cachegen uses Redis's per-key overhead (about 90 bytes per key, 45 more with a TTL, allocation rounding, 1.2 fragmentation).",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "memory: { max_memory: 2gb }\nworkload: { organizations: 1000000 }",
        passing: "memory: { max_memory: 16gb }\nworkload: { organizations: 1000000 }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(need) = sizing::need(cx.spec.workload.as_ref()) else {
        return Vec::new();
    };
    let shards = u64::from(cx.plan.topology.shards.max(1));
    let have = cx.plan.memory.max_memory_bytes.saturating_mul(shards);
    if have >= need.bytes {
        return Vec::new();
    }
    let per_shard = if shards > 1 {
        format!(" ({shards} shards x {})", cx.plan.memory.max_memory)
    } else {
        String::new()
    };
    vec![
        Finding::new(
            cx.loc("/memory/max_memory"),
            format!(
                "the workload needs {}, the cache holds {}{per_shard}: {}",
                units::gib(need.bytes),
                units::gib(have),
                need.why
            ),
            format!(
                "set `max_memory: {}`{}",
                units::format_bytes(sizing::round_up_gb(need.bytes.div_ceil(shards))),
                if shards > 1 { " per shard" } else { "" }
            ),
        )
        .related("the workload is stated here", cx.loc("/workload")),
    ]
}
