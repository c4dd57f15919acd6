use crate::diagnostics::{Severity, codes};
use crate::facts::aws;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_FAMILY_CHANGE_DEFERRED,
    name: "aws-family-change-deferred",
    family: Family::Aws,
    summary: "An engine change that moves to another parameter group family (redis7 to valkey8, ...) with `apply_immediately: false`: Terraform deletes the old group while the cache still uses it.",
    rationale: "The parameter group's name carries its family, so a family change creates the new group, points the replication group at it and deletes the old group in one apply. With `apply_immediately = false` ElastiCache defers the switch to the maintenance window, so the old group is still in use when Terraform deletes it; hashicorp/aws retries the delete for 3 minutes on InvalidCacheParameterGroupState and the apply fails (provider source, parameter_group.go deleteParameterGroup). Applying the upgrade immediately, at a time the team chooses, avoids it.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        tier: Tier::Production,
        previous: Some("engine: { kind: redis, version: \"7.1\" }"),
        failing: "engine: { kind: valkey, version: \"8.0\" }",
        passing: "engine: { kind: valkey, version: \"8.0\" }\ntargets: { aws: { region: us-east-1, node_type: cache.r7g.large, apply_immediately: true } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let (Some(previous), Some(now)) = (cx.previous, super::target(cx.plan)) else {
        return Vec::new();
    };
    if previous.aws.is_none() || now.apply_immediately {
        return Vec::new();
    }
    let (major, minor) = previous.engine_major_minor();
    let (Ok(before), Ok(after)) = (
        aws::family(previous.engine, major, minor),
        aws::family(
            cx.plan.engine.kind,
            cx.plan.engine.major,
            cx.plan.engine.minor,
        ),
    ) else {
        return Vec::new();
    };
    if before == after {
        return Vec::new();
    }
    vec![
        Finding::new(
            cx.loc("/engine"),
            format!(
                "the parameter group family changes ({before} to {after}) while changes wait for the maintenance window: Terraform deletes the old group while the cache still uses it, and the apply fails"
            ),
            "set `targets.aws.apply_immediately: true` for this change (the upgrade then runs during the apply, at the time you choose), and remove it afterwards",
        )
        .related("changes wait for the maintenance window", cx.loc("/targets/aws/apply_immediately")),
    ]
}
