use crate::diagnostics::{Severity, codes};
use crate::facts::azure;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{AzureService, Tier};

pub static RULE: Rule = Rule {
    code: codes::AZURE_SKU,
    name: "azure-sku",
    family: Family::Azure,
    summary: "`targets.azure.sku` is not a SKU of the chosen service (Basic/Standard C0..C6, Premium P1..P5; Azure Managed Redis Balanced_B0..).",
    rationale: "Azure Cache for Redis takes family C with capacity 0..6 on Basic and Standard, and family P with capacity 1..5 on Premium; the provider rejects any other combination at plan time. Azure Managed Redis takes its own SKU names (Balanced_B20, MemoryOptimized_M20, ...). cachegen derives `sku_name`, `family` and `capacity` from one name, and says at the spec's line when that name does not exist.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "targets: { aws: null, azure: { service: cache, location: eastus, resource_group: rg, sku: Premium_P6 } }",
        passing: "targets: { aws: null, azure: { service: cache, location: eastus, resource_group: rg, sku: Premium_P5 } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(t) = super::target(cx.plan) else {
        return Vec::new();
    };
    let (known, help) = match t.service {
        AzureService::Cache => (
            azure::cache_sku(&t.sku).is_some(),
            azure::cache_sku_problem(&t.sku),
        ),
        AzureService::Managed => {
            let names = azure::MANAGED_SKUS.iter().map(|s| s.name);
            let help = if azure::cache_sku(&t.sku).is_some() {
                format!(
                    "`{}` is an Azure Cache for Redis SKU: set `service: cache`, or pick an Azure Managed Redis SKU such as Balanced_B20",
                    t.sku
                )
            } else {
                match crate::spec::schema::did_you_mean(&t.sku, names) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "Azure Managed Redis SKUs are Balanced_B0..B1000, MemoryOptimized_M10..M2000, ComputeOptimized_X3..X700 and FlashOptimized_A250..A4500".into(),
                }
            };
            (azure::managed_sku(&t.sku).is_some(), help)
        }
    };
    if known {
        return Vec::new();
    }
    let service = match t.service {
        AzureService::Cache => "an Azure Cache for Redis",
        AzureService::Managed => "an Azure Managed Redis",
    };
    vec![Finding::new(
        cx.loc("/targets/azure/sku"),
        format!("`{}` is not {service} SKU", t.sku),
        help,
    )]
}
