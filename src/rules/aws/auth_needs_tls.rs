use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_AUTH_NEEDS_TLS,
    name: "aws-auth-needs-tls",
    family: Family::Aws,
    summary: "ElastiCache accepts an AUTH token or an RBAC user group only with in-transit encryption on.",
    rationale: "The provider plans `auth_token` or `user_group_ids` next to `transit_encryption_enabled = false` without complaint, and the CreateReplicationGroup call then fails at apply: AWS never sends a password over a plain connection. In-transit encryption is fixed at creation for most engine versions, so the mistake is cheapest to catch here.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "security: { tls: { enabled: false }, auth: { enabled: true, password: { env: REDIS_PASSWORD } } }\ntargets: { compose: null, aws: { region: us-east-1, node_type: cache.t4g.small } }",
        passing: "security: { tls: { enabled: true }, auth: { enabled: true, password: { env: REDIS_PASSWORD } } }\ntargets: { compose: null, aws: { region: us-east-1, node_type: cache.t4g.small } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if super::target(cx.plan).is_none() || !cx.plan.security.auth || cx.plan.security.tls {
        return Vec::new();
    }
    vec![
        Finding::new(
            cx.loc("/security/tls/enabled"),
            "ElastiCache refuses authentication without in-transit encryption",
            "turn TLS on (`security.tls.enabled: true`), or authentication off (`security.auth.enabled: false`)",
        )
        .related("authentication is on", cx.loc("/security/auth")),
    ]
}
