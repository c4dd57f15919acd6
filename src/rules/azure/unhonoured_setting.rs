use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::settings::Platform;
use crate::spec::{AzureService, Tier};

pub static RULE: Rule = Rule {
    code: codes::AZURE_UNHONOURED_SETTING,
    name: "azure-unhonoured-setting",
    family: Family::Azure,
    summary: "The spec sets something Azure cannot honour (keyspace notifications on Azure Managed Redis, disabled commands, a maintenance window, ...).",
    rationale: "A setting that is silently dropped is a promise the cache does not keep. Azure generates its own access keys, cannot disable commands, fixes its ports, and Azure Managed Redis exposes neither keyspace notifications nor a maintenance window to Terraform. cachegen says so once, with what Azure does instead, so the spec can say what will really happen.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: concat!(
            "persistence: null\nmaintenance: null\nnetwork: null\nsecurity: null\nserver: { keyspace_events: Ex }\n",
            managed_target!()
        ),
        passing: concat!(
            "persistence: null\nmaintenance: null\nnetwork: null\nsecurity: null\n",
            managed_target!()
        ),
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(t) = super::target(cx.plan) else {
        return Vec::new();
    };
    let (platform, service) = match t.service {
        AzureService::Cache => (Platform::AzureCache, "Azure Cache for Redis"),
        AzureService::Managed => (Platform::AzureManaged, "Azure Managed Redis"),
    };
    crate::rules::capability::unhonoured(cx, platform, service)
}
