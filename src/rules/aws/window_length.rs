use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_WINDOW_LENGTH,
    name: "aws-window-length",
    family: Family::Aws,
    summary: "A snapshot or maintenance window is shorter than ElastiCache's 60 minutes.",
    rationale: "ElastiCache rejects backup and maintenance windows shorter than 60 minutes (or of zero length).",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "maintenance: { window: \"sun:05:00-sun:05:30\" }",
        passing: "maintenance: { window: \"sun:05:00-sun:07:00\" }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if super::target(cx.plan).is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(w) = &cx.plan.persistence.snapshots.window
        && let Some(s) = w.span()
        && s.minutes < 60
    {
        out.push(Finding::new(
            cx.loc("/persistence/snapshots/window"),
            format!(
                "snapshot window `{}` is {} minutes long; ElastiCache needs at least 60",
                w.as_str(),
                s.minutes
            ),
            "widen the window to at least one hour",
        ));
    }
    if let Some(w) = &cx.plan.maintenance.window
        && let Some(s) = w.span()
        && s.minutes < 60
    {
        out.push(Finding::new(
            cx.loc("/maintenance/window"),
            format!(
                "maintenance window `{}` is {} minutes long; ElastiCache needs at least 60",
                w.as_str(),
                s.minutes
            ),
            "widen the window to at least one hour",
        ));
    }
    out
}
