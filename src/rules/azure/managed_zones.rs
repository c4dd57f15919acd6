use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{AzureService, Tier};

pub static RULE: Rule = Rule {
    code: codes::AZURE_MANAGED_ZONES,
    name: "azure-managed-zones",
    family: Family::Azure,
    summary: "`targets.azure.zones` is given for Azure Managed Redis, which has no zones argument.",
    rationale: "`azurerm_managed_redis` has no `zones`: with high availability, Azure spreads it over the region's zones itself, and ARM refuses zones for every Azure Managed Redis SKU. Zones listed in the spec would be a promise cachegen cannot write.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "targets: { aws: null, azure: { service: managed, location: eastus, resource_group: rg, sku: Balanced_B10, zones: [\"1\", \"2\"] } }",
        passing: managed_target!(),
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    match super::target(cx.plan) {
        Some(t) if t.service == AzureService::Managed && !t.zones.is_empty() => {
            vec![Finding::new(
                cx.loc("/targets/azure/zones"),
                "Azure Managed Redis takes no zones",
                "remove `zones`: with high availability (replicas) Azure Managed Redis is zone-redundant where the region has zones",
            )]
        }
        _ => Vec::new(),
    }
}
