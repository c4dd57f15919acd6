use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::WINDOWS_OVERLAP,
    name: "windows-overlap",
    family: Family::Spec,
    summary: "The daily snapshot window overlaps the weekly maintenance window.",
    rationale: "Backups and patching compete for the same node; providers advise keeping the windows apart, and a backup started during maintenance can be skipped or slowed.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "persistence: { snapshots: { window: \"04:00-06:00\" } }\nmaintenance: { window: \"sun:05:00-sun:07:00\" }",
        passing: "persistence: { snapshots: { window: \"03:00-05:00\" } }\nmaintenance: { window: \"sun:05:00-sun:07:00\" }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let (Some(snap), Some(maint)) = (
        &cx.plan.persistence.snapshots.window,
        &cx.plan.maintenance.window,
    ) else {
        return Vec::new();
    };
    let (Some(s), Some(m)) = (snap.span(), maint.span()) else {
        return Vec::new();
    };
    if s.daily_in_week().any(|d| d.overlaps_weekly(&m)) {
        vec![
            Finding::new(
                cx.loc("/persistence/snapshots/window"),
                format!(
                    "snapshot window `{}` overlaps maintenance window `{}`",
                    snap.as_str(),
                    maint.as_str()
                ),
                "move one window so that they do not share any minute",
            )
            .related(
                "the maintenance window is set here",
                cx.loc("/maintenance/window"),
            ),
        ]
    } else {
        Vec::new()
    }
}
