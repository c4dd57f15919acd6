use crate::diagnostics::{Severity, codes};
use crate::facts::azure;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{Tier, units};

pub static RULE: Rule = Rule {
    code: codes::AZURE_CACHE_MEMORY_FITS_SKU,
    name: "azure-cache-memory-fits-sku",
    family: Family::Azure,
    summary: "`memory.max_memory` does not fit the Azure Cache for Redis SKU after a 10% reserve.",
    rationale: "An Azure cache's size is fixed by its SKU (per shard when clustered), and Microsoft advises keeping at least 10% of it reserved (`maxmemory_reserved`) for fragmentation and replication. cachegen reserves the SKU's size less `max_memory`; a spec that expects more data than 90% of the SKU evicts or refuses writes long before its stated size.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: concat!("memory: { max_memory: 12gb }\n", premium_target!()),
        passing: concat!("memory: { max_memory: 11gb }\n", premium_target!()),
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some((t, sku)) = super::cache(cx.plan) else {
        return Vec::new();
    };
    let want = cx.plan.memory.max_memory_bytes;
    // P5's size is not primary-sourced: CG3008 warns about it instead.
    if !sku.verified || want <= sku.usable() {
        return Vec::new();
    }
    let help = match t.recommended_sku.and_then(azure::cache_sku) {
        Some(s) => format!(
            "use `{}` ({} usable), or lower `max_memory`",
            s.name,
            units::gib(s.usable())
        ),
        None if cx.plan.topology.is_cluster() || sku.premium() => {
            "add shards (`topology.mode: cluster`, Premium), or lower `max_memory`".into()
        }
        None => "use a Premium SKU, or lower `max_memory`".into(),
    };
    vec![
        Finding::new(
            cx.loc("/memory/max_memory"),
            format!(
                "`max_memory: {}` does not fit `{}`: {} per shard, {} after the 10% reserve",
                cx.plan.memory.max_memory,
                sku.name,
                units::gib(sku.memory),
                units::gib(sku.usable())
            ),
            help,
        )
        .related("the SKU is chosen here", cx.loc("/targets/azure/sku")),
    ]
}
