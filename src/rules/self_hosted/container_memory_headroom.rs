use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{Tier, units};

pub static RULE: Rule = Rule {
    code: codes::CONTAINER_MEMORY_HEADROOM,
    name: "container-memory-headroom",
    family: Family::SelfHosted,
    summary: "The container's `mem_limit` leaves too little room above `max_memory`.",
    rationale: "Redis uses memory beyond `maxmemory` (buffers, fragmentation), and with snapshots or AOF its fork copies pages as they are written: in the worst case twice the data. With `maxmemory` above 75% of the container limit (persistence on) or above the limit itself, the kernel's OOM killer ends Redis during a snapshot.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "memory: { max_memory: 2gb }\npersistence: { snapshots: { enabled: true } }\ntargets: { compose: { mem_limit: 2gb } }",
        passing: "memory: { max_memory: 2gb }\npersistence: { snapshots: { enabled: true } }\ntargets: { compose: { mem_limit: 3gb } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(c) = &cx.plan.targets.compose else {
        return Vec::new();
    };
    if !cx.is_set("/targets/compose/mem_limit") {
        return Vec::new();
    }
    let data = cx.plan.memory.max_memory_bytes;
    let persistent = cx.plan.persistence.snapshots.enabled || cx.plan.persistence.aof.enabled;
    let limit = c.mem_limit_bytes;
    let too_tight = if persistent {
        data.saturating_mul(4) > limit.saturating_mul(3)
    } else {
        data >= limit
    };
    if !too_tight {
        return Vec::new();
    }
    let need = crate::plan::sizing::container_limit(data, persistent);
    vec![
        Finding::new(
            cx.loc("/targets/compose/mem_limit"),
            format!(
                "`mem_limit: {}` leaves no room above `max_memory: {}`{}",
                c.mem_limit,
                cx.plan.memory.max_memory,
                if persistent { " for the snapshot fork (keep max_memory at most 75% of the limit)" } else { "" }
            ),
            format!("raise `mem_limit` to {} (or remove it: cachegen derives it), or lower `max_memory`", units::format_bytes(need)),
        )
        .related("max_memory is set here", cx.loc("/memory/max_memory")),
    ]
}
