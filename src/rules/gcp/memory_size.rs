use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{Tier, units};

pub static RULE: Rule = Rule {
    code: codes::GCP_MEMORY_SIZE,
    name: "gcp-memory-size",
    family: Family::Gcp,
    summary: "The instance's capacity cannot hold `memory.max_memory` (1..300 GB), or a size or tier field does not suit the mode.",
    rationale: "A Memorystore instance holds 1 to 300 GB, and `maxmemory-gb` (cachegen writes `max_memory` there) may not exceed its capacity. Left out, `memory_size_gb` is derived from `max_memory`; given, it is checked against it. An instance is sized with `memory_size_gb` (and has a `tier`) and a cluster with `node_type`: the other fields would be ignored.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "memory: { max_memory: 16gb }\ntargets: { aws: null, gcp: { region: us-central1, tier: STANDARD_HA, memory_size_gb: 12 } }",
        passing: "memory: { max_memory: 16gb }\ntargets: { aws: null, gcp: { region: us-central1, tier: STANDARD_HA, memory_size_gb: 20 } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(t) = super::target(cx.plan) else {
        return Vec::new();
    };
    let spec = cx.spec.targets.gcp.as_ref();
    let max = &cx.plan.memory.max_memory;
    if cx.plan.topology.is_cluster() {
        let mut out = Vec::new();
        if spec.is_some_and(|g| g.memory_size_gb.is_some()) {
            out.push(Finding::new(
                cx.loc("/targets/gcp/memory_size_gb"),
                "`memory_size_gb` sizes an instance; a cluster is sized by `node_type` and `topology.shards`",
                "remove `memory_size_gb` (the node type is derived from `max_memory` when left out)",
            ));
        }
        if spec.is_some_and(|g| g.tier.is_some()) {
            out.push(Finding::new(
                cx.loc("/targets/gcp/tier"),
                "`tier` is an instance's (BASIC or STANDARD_HA); a cluster has replicas per shard instead",
                "remove `tier`, and set `topology.replicas` (0..2 per shard)",
            ));
        }
        return out;
    }
    let mut out = Vec::new();
    if spec.is_some_and(|g| g.node_type.is_some()) {
        out.push(Finding::new(
            cx.loc("/targets/gcp/node_type"),
            "`node_type` sizes a cluster; an instance is sized by `memory_size_gb`",
            "remove `node_type`, or set `topology.mode: cluster`",
        ));
    }
    match t.memory_size_gb {
        None => out.push(Finding::new(
            cx.loc("/memory/max_memory"),
            format!("no Memorystore instance holds `max_memory: {max}`: instances stop at 300 GB"),
            "use `topology.mode: cluster` to spread the data over shards, or lower `max_memory`",
        )),
        Some(gb) if cx.plan.memory.max_memory_bytes > u64::from(gb) << 30 => out.push(
            Finding::new(
                cx.loc("/memory/max_memory"),
                format!(
                    "`max_memory: {max}` does not fit a {gb} GB instance: `maxmemory-gb` may not exceed the capacity"
                ),
                match t.recommended_memory_size_gb {
                    Some(n) => format!("set `memory_size_gb: {n}` (or leave it out: cachegen derives it)"),
                    None => "use cluster mode".into(),
                },
            )
            .related(
                format!("the capacity is {gb} GB ({})", units::gib(u64::from(gb) << 30)),
                cx.loc("/targets/gcp/memory_size_gb"),
            ),
        ),
        Some(_) => {}
    }
    out
}
