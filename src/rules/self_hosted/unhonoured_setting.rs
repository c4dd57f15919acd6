use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::SELF_HOSTED_UNHONOURED_SETTING,
    name: "self-hosted-unhonoured-setting",
    family: Family::SelfHosted,
    summary: "The spec sets something the docker-compose stack cannot honour (replicas, a backup window, encryption at rest, ...).",
    rationale: "The compose stack is one Redis container on one host. Replicas, failover across zones, managed backup retention and windows, maintenance windows and disk encryption are things a cloud service does; written in a spec for compose they would be silently missing. cachegen says what the stack does instead.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "maintenance: { window: \"sun:05:00-sun:07:00\" }",
        passing: "maintenance: {}",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if cx.plan.targets.compose.is_none() {
        return Vec::new();
    }
    crate::rules::capability::unhonoured(
        cx,
        crate::settings::Platform::Compose,
        "the docker-compose stack",
    )
}
