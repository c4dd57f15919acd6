use crate::diagnostics::{Severity, codes};
use crate::facts::redis::REDIS_7_0_COMMANDS;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::UNKNOWN_COMMAND,
    name: "unknown-command",
    family: Family::Spec,
    summary: "`disabled_commands` names a command Redis 7.0 does not have.",
    rationale: "Disabled commands become ACL rules (`-flushall`) or renames; Redis refuses to start, or to load the ACL file, when one names an unknown command. A typo in this list would also leave the intended command enabled.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "security: { disabled_commands: [FLUSHAL] }",
        passing: "security: { disabled_commands: [FLUSHALL] }",
    },
};

/// Commands a client needs to connect, authenticate and stay healthy; disabling them locks
/// everyone out (and the compose healthcheck with them).
const ESSENTIAL: &[&str] = &["AUTH", "HELLO", "PING", "QUIT", "RESET"];

fn check(cx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, c) in cx.plan.security.disabled_commands.iter().enumerate() {
        let at = cx.loc(&format!("/security/disabled_commands/{i}"));
        if ESSENTIAL.contains(&c.as_str()) {
            out.push(Finding::new(
                at,
                format!("`{c}` cannot be disabled: clients need it to connect"),
                "remove it from `disabled_commands`",
            ));
        } else if !REDIS_7_0_COMMANDS.contains(&c.as_str()) {
            let help =
                match crate::spec::schema::did_you_mean(c, REDIS_7_0_COMMANDS.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "use the command's name as `COMMAND LIST` prints it".into(),
                };
            out.push(Finding::new(
                at,
                format!("`{c}` is not a Redis 7.0 command"),
                help,
            ));
        }
    }
    out
}
