use super::PRODUCTION_AND_STAGING_ERROR;
use crate::diagnostics::codes;
use crate::rules::{Context, Examples, Family, Finding, Rule};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::REQUIRE_AUTH,
    name: "require-auth",
    family: Family::Policy,
    summary: "Authentication must be on in staging and production.",
    rationale: "The platform guide's checklist: \"Set strong requirepass password\" and \"Enable authentication tokens\". A network position alone must never be enough to read or flush the cache.",
    severity: PRODUCTION_AND_STAGING_ERROR,
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "security: { auth: { enabled: false } }",
        passing: "security: { auth: { enabled: true, password: { aws_secret: example/redis/auth } } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if cx.plan.security.auth {
        return Vec::new();
    }
    vec![Finding::new(
        cx.loc("/security/auth/enabled"),
        format!("authentication is off in tier {}", cx.plan.tier.as_str()),
        "remove `auth.enabled: false` and name the password's source: `password: { env: REDIS_PASSWORD }`",
    )]
}
