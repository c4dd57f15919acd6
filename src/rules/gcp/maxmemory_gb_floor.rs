use crate::diagnostics::{Severity, codes};
use crate::facts::gcp;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::GCP_MAXMEMORY_GB_FLOOR,
    name: "gcp-maxmemory-gb-floor",
    family: Family::Gcp,
    summary: "`memory.max_memory` is below 20% of the instance's capacity, the lowest `maxmemory-gb` Memorystore accepts.",
    rationale: "cachegen writes `max_memory` as the instance's `maxmemory-gb`, which Memorystore accepts between 20% of the capacity and the capacity. Below that the API refuses the configuration; the instance is also several times larger (and dearer) than the data it may hold.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "memory: { max_memory: 2gb }\ntargets: { aws: null, gcp: { region: us-central1, tier: STANDARD_HA, memory_size_gb: 20 } }",
        passing: "memory: { max_memory: 4gb }\ntargets: { aws: null, gcp: { region: us-central1, tier: STANDARD_HA, memory_size_gb: 20 } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(gb) = super::instance(cx.plan).and_then(|t| t.memory_size_gb) else {
        return Vec::new();
    };
    let floor = (u64::from(gb) << 30) * gcp::MAXMEMORY_GB_FLOOR_PERCENT / 100;
    if cx.plan.memory.max_memory_bytes >= floor {
        return Vec::new();
    }
    vec![
        Finding::new(
            cx.loc("/memory/max_memory"),
            format!(
                "`max_memory: {}` is below 20% of a {gb} GB instance: Memorystore refuses `maxmemory-gb` under {}",
                cx.plan.memory.max_memory,
                gcp::maxmemory_gb(floor)
            ),
            "lower `memory_size_gb` (or leave it out: cachegen derives it), or raise `max_memory`",
        )
        .related("the capacity is chosen here", cx.loc("/targets/gcp/memory_size_gb")),
    ]
}
