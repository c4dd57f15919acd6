use crate::diagnostics::{Severity, codes};
use crate::facts::aws;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_KEYSPACE_EVENT_LETTERS,
    name: "aws-keyspace-event-letters",
    family: Family::Aws,
    summary: "`keyspace_events` uses letters ElastiCache does not document (t, m, d, n).",
    rationale: "ElastiCache documents `notify-keyspace-events` with the letters K E g $ l s h z x e A. Stream (t), key-miss (m), module (d) and new-key (n) events may be refused or ignored.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "server: { keyspace_events: \"Exn\" }",
        passing: "server: { keyspace_events: \"Ex\" }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if super::target(cx.plan).is_none() {
        return Vec::new();
    }
    let odd: String = cx
        .plan
        .server
        .keyspace_events
        .chars()
        .filter(|c| !aws::KEYSPACE_EVENT_LETTERS.contains(*c))
        .collect();
    if odd.is_empty() {
        Vec::new()
    } else {
        vec![Finding::new(
            cx.loc("/server/keyspace_events"),
            format!("ElastiCache does not document the keyspace event letters `{odd}`"),
            format!("use only {}", aws::KEYSPACE_EVENT_LETTERS),
        )]
    }
}
