use crate::diagnostics::{Severity, codes};
use crate::facts::azure;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{AzureService, Tier, units};

pub static RULE: Rule = Rule {
    code: codes::AZURE_MEMORY_FITS_SKU_UNVERIFIED,
    name: "azure-memory-fits-sku-unverified",
    family: Family::Azure,
    summary: "`memory.max_memory` looks larger than the SKU (Azure Managed Redis, or Premium P5), by sizes Microsoft does not publish as text.",
    rationale: "Microsoft publishes the memory of Azure Managed Redis SKUs (and of the Premium P5 cache) only in a pricing image, so cachegen's figures (B20 = 24 GB, ...) come from secondary sources. A spec that seems not to fit is worth a second look, but cachegen warns instead of failing on a figure it cannot prove.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: concat!("memory: { max_memory: 16gb }\n", managed_target!()),
        passing: concat!("memory: { max_memory: 10gb }\n", managed_target!()),
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(t) = super::target(cx.plan) else {
        return Vec::new();
    };
    let want = cx.plan.memory.max_memory_bytes;
    let (name, have, family) = match t.service {
        AzureService::Managed => match azure::managed_sku(&t.sku) {
            Some(s) => (s.name, s.memory, Some(s.family)),
            None => return Vec::new(),
        },
        AzureService::Cache => match azure::cache_sku(&t.sku) {
            Some(s) if !s.verified => (s.name, s.usable(), None),
            _ => return Vec::new(),
        },
    };
    if want <= have {
        return Vec::new();
    }
    let help = match family.and(t.recommended_sku).and_then(azure::managed_sku) {
        Some(s) => format!(
            "`{}` holds about {}; check Microsoft's current sizes",
            s.name,
            units::gib(s.memory)
        ),
        None => "check Microsoft's current sizes, or lower `max_memory`".into(),
    };
    vec![
        Finding::new(
            cx.loc("/memory/max_memory"),
            format!(
                "`max_memory: {}` may not fit `{name}`, which holds about {} for data",
                cx.plan.memory.max_memory,
                units::gib(have)
            ),
            help,
        )
        .related("the SKU is chosen here", cx.loc("/targets/azure/sku")),
    ]
}
