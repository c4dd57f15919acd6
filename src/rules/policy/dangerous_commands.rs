use super::PRODUCTION_ERROR_STAGING_WARNING;
use crate::diagnostics::codes;
use crate::rules::{Context, Examples, Family, Finding, Rule};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::DANGEROUS_COMMANDS_DISABLED,
    name: "dangerous-commands-disabled",
    family: Family::Policy,
    summary: "Production disables FLUSHALL, FLUSHDB, KEYS and DEBUG.",
    rationale: "One FLUSHALL from a shell or a misconfigured job empties the cache of every service at once and sends the whole load to the databases; KEYS blocks the server while it scans millions of keys; DEBUG can crash it. The application needs none of them.",
    severity: PRODUCTION_ERROR_STAGING_WARNING,
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "security: { disabled_commands: [DEBUG] }",
        passing: "security: { disabled_commands: [FLUSHALL, FLUSHDB, KEYS, DEBUG] }",
    },
};

pub const DANGEROUS: &[&str] = &["FLUSHALL", "FLUSHDB", "KEYS", "DEBUG"];

fn check(cx: &Context) -> Vec<Finding> {
    let missing: Vec<&str> = DANGEROUS
        .iter()
        .copied()
        .filter(|c| !cx.plan.security.disabled_commands.iter().any(|d| d == c))
        .collect();
    if missing.is_empty() {
        let Some((target, why)) = super::not_enforced(cx, &crate::settings::DISABLED_COMMANDS)
        else {
            return Vec::new();
        };
        // Written in the spec (or its base): the spec asks for what the target cannot do.
        if cx.is_set("/security/disabled_commands") {
            return vec![Finding::new(
                cx.loc("/security/disabled_commands"),
                format!(
                    "{} cannot be disabled on the {target} target: {why}",
                    DANGEROUS.join(", ")
                ),
                "remove `security.disabled_commands` and accept the residual risk (a warning), move to a target that can refuse commands, or waive this rule with the reason the risk is accepted",
            )];
        }
        // The tier's default on a service that can never refuse commands.
        return vec![
            Finding::new(
                cx.loc("/security/disabled_commands"),
                format!(
                    "{} stay available on the {target} target: {why}. Residual risk: whoever holds the password can empty the cache (FLUSHALL, FLUSHDB) or stall it (KEYS)",
                    DANGEROUS.join(", ")
                ),
                format!(
                    "give the password only to the application's services; to make this fatal, set `{} = \"error\"` under `[rules]` in cachegen.toml",
                    codes::DANGEROUS_COMMANDS_DISABLED
                ),
            )
            .platform_limit(),
        ];
    }
    vec![Finding::new(
        cx.loc("/security/disabled_commands"),
        format!(
            "{} not disabled in tier {}",
            missing.join(", "),
            cx.plan.tier.as_str()
        ),
        "set `security.disabled_commands: [FLUSHALL, FLUSHDB, KEYS, DEBUG]`",
    )]
}
