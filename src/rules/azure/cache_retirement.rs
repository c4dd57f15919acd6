use crate::diagnostics::{Severity, codes};
use crate::facts::azure;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{AzureService, Tier};

pub static RULE: Rule = Rule {
    code: codes::AZURE_CACHE_RETIREMENT,
    name: "azure-cache-retirement",
    family: Family::Azure,
    summary: "Azure Cache for Redis is being retired; new caches belong on Azure Managed Redis (`service: managed`).",
    rationale: "Microsoft retires Azure Cache for Redis Basic, Standard and Premium on 2028-09-30 (its retirement FAQ), and secondary sources report that new caches may be refused earlier. Azure Managed Redis is the successor, and the only way to Redis 7 on Azure. A new `azurerm_redis_cache` is a migration scheduled in advance.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: premium_target!(),
        passing: managed_target!(),
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    match super::target(cx.plan) {
        Some(t) if t.service == AzureService::Cache => vec![Finding::new(
            cx.loc("/targets/azure/service"),
            format!(
                "Azure Cache for Redis retires on {} (Basic, Standard and Premium)",
                azure::CACHE_RETIREMENT
            ),
            "use `service: managed` (Azure Managed Redis, Redis 7.4) with a SKU such as `Balanced_B20`",
        )],
        _ => Vec::new(),
    }
}
