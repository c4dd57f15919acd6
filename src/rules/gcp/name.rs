use crate::diagnostics::{Severity, codes};
use crate::facts::gcp;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::GCP_NAME,
    name: "gcp-name",
    family: Family::Gcp,
    summary: "`<name>-<environment>` is too long for a Memorystore instance (41 characters) or cluster (63).",
    rationale: "The instance or cluster is named `<name>-<environment>`. An instance name matches `^[a-z][a-z0-9-]{0,39}[a-z0-9]$` (41 characters at most); a cluster's is at most 63. The provider rejects longer names at plan time, and the name forces replacement, so it cannot be fixed in place later.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: concat!(
            "name: hospitality-redis-bookings\nenvironment: production-europe\n",
            instance_target!()
        ),
        passing: concat!(
            "name: hospitality-redis\nenvironment: production-eu\n",
            instance_target!()
        ),
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if super::target(cx.plan).is_none() {
        return Vec::new();
    }
    match gcp::name_problem(&cx.plan.resource_name, cx.plan.topology.is_cluster()) {
        Some(problem) => vec![
            Finding::new(
                cx.loc("/name"),
                format!("the Memorystore name {problem}"),
                "shorten `name` or `environment` (the cache is named `<name>-<environment>`)",
            )
            .related("the environment is named here", cx.loc("/environment")),
        ],
        None => Vec::new(),
    }
}
