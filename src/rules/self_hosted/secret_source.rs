use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{SecretRef, Tier};

pub static RULE: Rule = Rule {
    code: codes::COMPOSE_SECRET_SOURCE,
    name: "compose-secret-source",
    family: Family::SelfHosted,
    summary: "The compose stack reads its password from an environment variable; the spec names another store.",
    rationale: "`docker compose up` cannot read AWS Secrets Manager, Azure Key Vault or Google Secret Manager. The stack takes the password as a compose secret from an environment variable, which a deploy script can fill from any store.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "security: { auth: { password: { aws_secret: dev/redis } } }",
        passing: "security: { auth: { password: { env: REDIS_PASSWORD } } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if cx.plan.targets.compose.is_none() || !cx.plan.security.auth {
        return Vec::new();
    }
    match &cx.plan.security.password {
        Some(r) if !matches!(r, SecretRef::Env(_)) => vec![Finding::new(
            cx.loc("/security/auth/password"),
            format!("the compose stack cannot read `{}`", r.kind()),
            "use `{ env: REDIS_PASSWORD }` and export the variable from your secret store before `docker compose up`",
        )],
        _ => Vec::new(),
    }
}
