use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::PASSWORD_WHILE_AUTH_OFF,
    name: "password-while-auth-off",
    family: Family::Spec,
    summary: "A password reference is given while `auth.enabled` is false.",
    rationale: "With authentication off the password is never used; the spec reads as protected while it is not.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "security: { auth: { enabled: false, password: { env: REDIS_PASSWORD } } }",
        passing: "security: { auth: { enabled: true, password: { env: REDIS_PASSWORD } } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if !cx.plan.security.auth && cx.is_set("/security/auth/password") {
        vec![
            Finding::new(
                cx.loc("/security/auth/password"),
                "the password is ignored: authentication is off",
                "remove `auth.enabled: false` to require the password, or remove the password",
            )
            .related(
                "authentication is turned off here",
                cx.loc("/security/auth/enabled"),
            ),
        ]
    } else {
        Vec::new()
    }
}
