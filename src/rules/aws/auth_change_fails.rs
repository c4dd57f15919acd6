use crate::diagnostics::{Severity, codes};
use crate::plan::AwsAuth;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_AUTH_CHANGE_FAILS,
    name: "aws-auth-change-fails",
    family: Family::Aws,
    summary: "An authentication change that hashicorp/aws 5.x cannot apply to an existing replication group: AUTH token to RBAC users in one step, or token to no authentication.",
    rationale: "ElastiCache attaches an RBAC user group to a group that has an AUTH token only with AuthTokenUpdateStrategy DELETE in the same call; hashicorp/aws 5.x sends the user group without it (issues #39546 and #31710; fixed in 6.x, which cachegen does not use yet), also with `auth_token_update_strategy = \"DELETE\"`, so the apply fails with \"User group can't be associated with auth token enabled\". Removing the token (token to no authentication) makes 5.100.0 send ROTATE without a token, which ElastiCache refuses; AWS removes a token only on the way to RBAC users. Both were captured from the provider's calls by the day-2 harness.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        tier: Tier::Production,
        previous: Some(
            "security: { disabled_commands: [] }\npolicy: { exceptions: [{ rule: CG6011, reason: \"before the RBAC migration\" }] }",
        ),
        failing: "security: { disabled_commands: [FLUSHALL, FLUSHDB, KEYS, DEBUG] }",
        passing: "security: { disabled_commands: [FLUSHALL, FLUSHDB, KEYS, DEBUG] }\ntargets: { aws: { region: us-east-1, node_type: cache.r7g.large, attach_rbac_users: false } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let (Some(previous), Some(now)) = (cx.previous, super::target(cx.plan)) else {
        return Vec::new();
    };
    let Some(before) = &previous.aws else {
        return Vec::new();
    };
    let id = &cx.plan.resource_name;
    match (before.auth, now.auth) {
        (AwsAuth::Token, AwsAuth::Rbac) if !before.rbac_users => vec![
            Finding::new(
                cx.loc("/security/disabled_commands"),
                "moving from the AUTH token to RBAC users (the disabled commands need them) fails in one apply with hashicorp/aws 5.x: it attaches the user group without deleting the token",
                format!(
                    "do it in three steps: (1) add `targets.aws.attach_rbac_users: false` and apply: the RBAC user and user group are created, the cache keeps its token; (2) attach them and delete the token in one call: `aws elasticache modify-replication-group --replication-group-id {id} --user-group-ids-to-add {id} --auth-token-update-strategy DELETE --apply-immediately`; (3) remove `attach_rbac_users` and apply"
                ),
            )
            .related("the cache has an AUTH token now (no disabled commands)", cx.loc("/security/auth")),
        ],
        (AwsAuth::Token, AwsAuth::None) => vec![Finding::new(
            cx.loc("/security/auth"),
            "turning authentication off on a group with an AUTH token fails: hashicorp/aws 5.x sends ROTATE without a token, and ElastiCache removes a token only on the way to RBAC users",
            "go through RBAC users: add `disabled_commands` with `targets.aws.attach_rbac_users: false` and follow the steps `cachegen validate` prints, then turn authentication off (RBAC users to none updates in place); or keep the token",
        )],
        _ => Vec::new(),
    }
}
