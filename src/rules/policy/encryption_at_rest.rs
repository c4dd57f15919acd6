use super::PRODUCTION_ERROR_STAGING_WARNING;
use crate::diagnostics::codes;
use crate::rules::{Context, Examples, Family, Finding, Rule};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::ENCRYPTION_AT_REST,
    name: "encryption-at-rest",
    family: Family::Policy,
    summary: "Production data must be encrypted at rest.",
    rationale: "The platform guide's checklist: \"Enable encryption at rest\". Snapshots and swapped pages leave the memory of the cache; backups are copied, shared and kept for days. On ElastiCache the setting cannot be changed without replacing the cache, so it must be right from the start.",
    severity: PRODUCTION_ERROR_STAGING_WARNING,
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "security: { encryption_at_rest: false }",
        passing: "security: { encryption_at_rest: true }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if cx.plan.security.encryption_at_rest {
        return match super::not_enforced(cx, &crate::settings::ENCRYPTION_AT_REST) {
            Some((target, why)) => vec![Finding::new(
                cx.loc("/security/encryption_at_rest"),
                format!("the {target} target cannot encrypt data at rest: {why}"),
                "encrypt the host's disk and waive this rule saying so, or use a cloud target",
            )],
            None => Vec::new(),
        };
    }
    vec![Finding::new(
        cx.loc("/security/encryption_at_rest"),
        format!(
            "encryption at rest is off in tier {}",
            cx.plan.tier.as_str()
        ),
        "set `security.encryption_at_rest: true`",
    )]
}
