use crate::diagnostics::{Severity, codes};
use crate::facts::aws;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_REPLICATION_GROUP_ID,
    name: "aws-replication-group-id",
    family: Family::Aws,
    summary: "`<name>-<environment>` is not a valid ElastiCache replication group ID (40 characters at most).",
    rationale: "The replication group ID is `<name>-<environment>`. ElastiCache allows 1 to 40 letters, digits and hyphens, starting with a letter, without `--` or a trailing hyphen; the ID cannot be changed later without replacing the cache.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "name: hospitality-platform-session-cache\nenvironment: production",
        passing: "name: hospitality-sessions\nenvironment: production",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if super::target(cx.plan).is_none() {
        return Vec::new();
    }
    match aws::replication_group_id_problem(&cx.plan.resource_name) {
        Some(why) => vec![
            Finding::new(
                cx.loc("/name"),
                format!("the replication group ID `<name>-<environment>` is not valid: {why}"),
                "shorten `name` (or `environment`): together with a dash they must fit 40 characters",
            )
            .related("the environment is part of the ID", cx.loc("/environment")),
        ],
        None => Vec::new(),
    }
}
