use crate::diagnostics::{Severity, codes};
use crate::plan::{AwsAuth, TlsState};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_TRANSITION_IN_PROGRESS,
    name: "aws-transition-in-progress",
    family: Family::Aws,
    summary: "A step of a change made in several applies is in the spec (TLS `preferred`, a kept previous password, a kept AUTH token): what comes next.",
    rationale: "Some changes cannot be applied in one step on a cache that exists: TLS goes through `preferred`, a new password through a period where the previous one still works, AUTH tokens to RBAC users through `attach_rbac_users: false` and one AWS CLI call. Each step leaves the cache less strict than the spec's end state (plain connections accepted, two passwords valid), so the next step should not be forgotten: a note in every tier, a warning in production.",
    severity: Tiers {
        development: Some(Severity::Note),
        staging: Some(Severity::Note),
        production: Some(Severity::Warning),
    },
    check,
    examples: Examples {
        tier: Tier::Production,
        previous: None,
        failing: "security: { tls: { enabled: true, mode: preferred } }",
        passing: "security: { tls: { enabled: true } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(t) = super::target(cx.plan) else {
        return Vec::new();
    };
    let sec = &cx.plan.security;
    let mut out = Vec::new();
    if sec.tls_state() == TlsState::Preferred {
        out.push(Finding::new(
            cx.loc("/security/tls/mode"),
            "TLS is `preferred`: the cache also accepts plain connections",
            "once every client connects with TLS, remove `security.tls.mode` (required) and apply",
        ));
    }
    if sec.keep_previous_password && t.auth == AwsAuth::Token {
        out.push(Finding::new(
            cx.loc("/security/auth/rotation"),
            "the previous AUTH token (or, right after authentication was turned on, no token at all) is still accepted",
            "once every client uses the current password, remove `rotation: overlap` and apply: the current token becomes the only one (SET)",
        ));
    }
    if t.keep_auth_token && t.rbac_users {
        let id = &cx.plan.resource_name;
        out.push(Finding::new(
            cx.loc("/targets/aws/attach_rbac_users"),
            "the RBAC user and user group are created, and the cache stays on its AUTH token",
            format!(
                "after this apply, attach them and delete the token in one call: `aws elasticache modify-replication-group --replication-group-id {id} --user-group-ids-to-add {id} --auth-token-update-strategy DELETE --apply-immediately`; then remove `attach_rbac_users` and apply"
            ),
        ));
    }
    out
}
