use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::SELF_HOSTED_ALERTS_WITHOUT_EXPORTER,
    name: "self-hosted-alerts-without-exporter",
    family: Family::SelfHosted,
    summary: "The compose stack runs the cache alone with alerts on, but no exporter: nothing watches them.",
    rationale: "On a self-hosted stack the alerts are Prometheus rules on redis_exporter's metrics. Without the exporter no rule is written, so the thresholds of `monitoring.alerts` are judged by nobody until someone runs `cachegen verify`.",
    severity: Tiers {
        development: None,
        staging: Some(Severity::Warning),
        production: Some(Severity::Warning),
    },
    check,
    examples: Examples {
        tier: Tier::Staging,
        failing: "targets: { aws: null, compose: {} }\nmonitoring: { compose: { exporter: false } }",
        passing: "targets: { aws: null, compose: {} }\nmonitoring: { compose: { exporter: true } }",
        previous: None,
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let p = cx.plan;
    if p.targets.compose.is_none()
        || p.targets.has_cloud()
        || p.monitoring.alerts.is_empty()
        || p.monitoring.exporter.is_some()
    {
        return Vec::new();
    }
    vec![Finding::new(
        cx.loc("/monitoring/compose/exporter"),
        format!(
            "{} alert(s) are on, but the compose stack runs no exporter: no Prometheus rule is written",
            p.monitoring.alerts.len()
        ),
        "set `monitoring.compose.exporter: true` (redis_exporter and redis-alerts.yml), or switch the alerts off with `false`",
    )]
}
