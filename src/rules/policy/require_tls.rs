use super::PRODUCTION_AND_STAGING_ERROR;
use crate::diagnostics::codes;
use crate::rules::{Context, Examples, Family, Finding, Rule};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::REQUIRE_TLS,
    name: "require-tls",
    family: Family::Policy,
    summary: "TLS must be on in staging and production.",
    rationale: "The platform guide's checklist: \"Enable TLS/SSL in production\" and \"Enable encryption in transit\". Cache entries hold session data and personal data of guests; without TLS anyone on the network path reads them and the password. Staging carries production-like data and runs the same client configuration, so it is held to the same rule.",
    severity: PRODUCTION_AND_STAGING_ERROR,
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "security: { tls: { enabled: false } }",
        passing: "security: { tls: { enabled: true } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if cx.plan.security.tls {
        return Vec::new();
    }
    vec![Finding::new(
        cx.loc("/security/tls/enabled"),
        format!("TLS is off in tier {}", cx.plan.tier.as_str()),
        "set `security.tls.enabled: true` (clients then need `REDIS_USE_TLS=true`, which the generated .env says)",
    )]
}
