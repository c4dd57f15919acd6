use crate::diagnostics::{Severity, codes};
use crate::plan::AwsAuth;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_AUTH_CHANGE_WINDOW,
    name: "aws-auth-change-window",
    family: Family::Aws,
    summary: "RBAC users to an AUTH token: hashicorp/aws 5.x removes the user group and sets the token in two calls, with a moment between them.",
    rationale: "AWS documents the move from RBAC to an AUTH token as one ModifyReplicationGroup call (the token with UserGroupIdsToRemove). hashicorp/aws 5.100.0 makes two: the user group is removed first (deferred to the maintenance window when `apply_immediately` is false), the token set after it (always at once). Between them the group has no authentication, or the first call is refused. One AWS CLI call before the apply avoids both; the apply then finds the group as the spec wants it.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        tier: Tier::Production,
        previous: Some("security: { disabled_commands: [FLUSHALL, FLUSHDB, KEYS, DEBUG] }"),
        failing: "security: { disabled_commands: [] }\npolicy: { exceptions: [{ rule: CG6011, reason: \"the application needs KEYS\" }] }",
        passing: "security: { disabled_commands: [FLUSHALL, FLUSHDB, KEYS] }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let (Some(previous), Some(now)) = (cx.previous, super::target(cx.plan)) else {
        return Vec::new();
    };
    let Some(before) = &previous.aws else {
        return Vec::new();
    };
    if before.auth != AwsAuth::Rbac || now.auth != AwsAuth::Token {
        return Vec::new();
    }
    let id = &cx.plan.resource_name;
    vec![Finding::new(
        cx.loc("/security/disabled_commands"),
        "moving from RBAC users to the AUTH token: the provider removes the user group and sets the token in two calls, leaving the cache without authentication (or refused) in between",
        format!(
            "before the apply, make the change in one call: `aws elasticache modify-replication-group --replication-group-id {id} --auth-token \"$TOKEN\" --auth-token-update-strategy SET --user-group-ids-to-remove {id} --apply-immediately` (the token from the spec's secret); then apply"
        ),
    )]
}
