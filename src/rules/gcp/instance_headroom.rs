use crate::diagnostics::{Severity, codes};
use crate::facts::gcp;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::GCP_INSTANCE_HEADROOM,
    name: "gcp-instance-headroom",
    family: Family::Gcp,
    summary: "`memory.max_memory` leaves less than 20% of a snapshotting or replicating instance for the fork and replication buffers.",
    rationale: "`maxmemory-gb` counts data only. An instance that takes RDB snapshots forks (copy-on-write pages double under writes) and one with replicas keeps replication buffers; both need memory outside `maxmemory-gb`. Google advises lowering `maxmemory-gb` for such instances; cachegen sizes them with 20% headroom and warns when a given capacity leaves less.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "memory: { max_memory: 16gb }\ntargets: { aws: null, gcp: { region: us-central1, tier: STANDARD_HA, memory_size_gb: 18 } }",
        passing: "memory: { max_memory: 16gb }\ntargets: { aws: null, gcp: { region: us-central1, tier: STANDARD_HA, memory_size_gb: 20 } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(t) = super::instance(cx.plan) else {
        return Vec::new();
    };
    let Some(gb) = t.memory_size_gb else {
        return Vec::new();
    };
    let want = cx.plan.memory.max_memory_bytes;
    // Above the capacity is CG4005's error; here only the headroom.
    if !t.headroom || want <= gcp::instance_usable(gb, true) || want > u64::from(gb) << 30 {
        return Vec::new();
    }
    let better = t.recommended_memory_size_gb;
    vec![
        Finding::new(
            cx.loc("/memory/max_memory"),
            format!(
                "`max_memory: {}` leaves less than 20% of a {gb} GB instance for snapshots and replication",
                cx.plan.memory.max_memory
            ),
            match better {
                Some(n) => format!("set `memory_size_gb: {n}`, or lower `max_memory`"),
                None => "lower `max_memory`, or use cluster mode".into(),
            },
        )
        .related("the capacity is chosen here", cx.loc("/targets/gcp/memory_size_gb")),
    ]
}
