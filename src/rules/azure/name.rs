use crate::diagnostics::{Severity, codes};
use crate::facts::azure;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AZURE_NAME,
    name: "azure-name",
    family: Family::Azure,
    summary: "`<name>-<environment>` is not a valid Azure cache name (63 characters at most, no `--`).",
    rationale: "The cache is named `<name>-<environment>`, which is also its DNS name. Azure accepts 63 characters at most (letters, digits and hyphens, starting and ending with a letter or digit, no `--`); the provider rejects anything else at plan time.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: concat!(
            "name: hospitality-redis-for-the-bookings-api\nenvironment: production-europe-west-primary\n",
            managed_target!()
        ),
        passing: concat!(
            "name: hospitality-redis\nenvironment: production-europe\n",
            managed_target!()
        ),
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if super::target(cx.plan).is_none() {
        return Vec::new();
    }
    match azure::name_problem(&cx.plan.resource_name) {
        Some(problem) => vec![
            Finding::new(
                cx.loc("/name"),
                format!("the cache's name {problem}"),
                "shorten `name` or `environment` (the cache is named `<name>-<environment>`)",
            )
            .related("the environment is named here", cx.loc("/environment")),
        ],
        None => Vec::new(),
    }
}
