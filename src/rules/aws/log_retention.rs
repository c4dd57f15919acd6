use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

/// A year: what the tier's default keeps in production, and what checkov (CKV_AWS_338) asks.
const A_YEAR: u32 = 365;

pub static RULE: Rule = Rule {
    code: codes::AWS_LOG_RETENTION,
    name: "aws-log-retention",
    family: Family::Aws,
    summary: "Production keeps the ElastiCache slow log and engine log for at least a year.",
    rationale: "The slow log and the engine log are what an incident review, a capacity question months later or an audit reads; CloudWatch deletes them after `log_retention_days`. A year is the production default, and what checkov's CKV_AWS_338 asks of every log group.",
    severity: Tiers {
        development: None,
        staging: None,
        production: Some(Severity::Error),
    },
    check,
    examples: Examples {
        tier: Tier::Production,
        previous: None,
        failing: "targets: { aws: { log_retention_days: 30 } }",
        passing: "targets: { aws: { log_retention_days: 365 } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(t) = super::target(cx.plan) else {
        return Vec::new();
    };
    if t.log_retention_days >= A_YEAR {
        return Vec::new();
    }
    vec![Finding::new(
        cx.loc("/targets/aws/log_retention_days"),
        format!(
            "CloudWatch keeps the slow log and engine log {} days, less than a year",
            t.log_retention_days
        ),
        format!(
            "set `targets.aws.log_retention_days: {A_YEAR}` (or more), or waive this rule with the reason"
        ),
    )]
}
