use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::MONITORING_FOR_UNLISTED_TARGET,
    name: "monitoring-for-unlisted-target",
    family: Family::Spec,
    summary: "`monitoring.<target>` says where alerts go on a target the spec does not list.",
    rationale: "An SNS topic, action group, notification channel or exporter for a target that is not rendered is never used: the spec reads as if alerts went somewhere they do not. Usually the target was renamed or moved to another environment.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        tier: Tier::Development,
        failing: "monitoring: { gcp: { notification_channels: [projects/my-project/notificationChannels/123] } }",
        passing: "monitoring: { compose: { exporter: true } }",
        previous: None,
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(m) = &cx.spec.monitoring else {
        return Vec::new();
    };
    let t = &cx.spec.targets;
    let exporter_on = m.compose.as_ref().and_then(|c| c.exporter) == Some(true);
    [
        ("aws", m.aws.is_some(), t.aws.is_some()),
        ("azure", m.azure.is_some(), t.azure.is_some()),
        ("gcp", m.gcp.is_some(), t.gcp.is_some()),
        ("compose", exporter_on, t.compose.is_some()),
    ]
    .into_iter()
    .filter(|(_, set, listed)| *set && !*listed)
    .map(|(target, _, _)| {
        Finding::new(
            cx.loc(&format!("/monitoring/{target}")),
            format!("`monitoring.{target}` is set, but `targets.{target}` is not listed: nothing renders it"),
            format!("remove `monitoring.{target}`, or list `targets.{target}`"),
        )
    })
    .collect()
}
