use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::KEYSPACE_EVENTS_WITHOUT_CHANNEL,
    name: "keyspace-events-without-channel",
    family: Family::Spec,
    summary: "`keyspace_events` selects event classes but neither channel (`K` or `E`), so nothing is published.",
    rationale: "`notify-keyspace-events` needs `K` (keyspace channel) or `E` (keyevent channel) to publish anything; the class letters (`x`, `g`, `$`, ...) alone are accepted and do nothing. Cache invalidation that listens for expired keys then silently never fires.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "server: { keyspace_events: x }",
        passing: "server: { keyspace_events: Ex }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let ev = &cx.plan.server.keyspace_events;
    if !ev.is_empty() && !ev.contains('K') && !ev.contains('E') {
        vec![Finding::new(
            cx.loc("/server/keyspace_events"),
            format!("`keyspace_events: {ev}` has no `K` or `E`: no notification will be published"),
            format!(
                "add `E` for keyevent notifications (`E{ev}`) or `K` for keyspace notifications"
            ),
        )]
    } else {
        Vec::new()
    }
}
