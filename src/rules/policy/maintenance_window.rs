use super::PRODUCTION_ERROR_STAGING_WARNING;
use crate::diagnostics::codes;
use crate::rules::{Context, Examples, Family, Finding, Rule};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::MAINTENANCE_WINDOW,
    name: "maintenance-window",
    family: Family::Policy,
    summary: "A production cache on a cloud has a maintenance window.",
    rationale: "Without a window the provider patches whenever it chooses, including at the busiest hour; failovers during patching then hit peak traffic. The guide sets `sun:05:00-sun:07:00`.",
    severity: PRODUCTION_ERROR_STAGING_WARNING,
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "maintenance: { window: null }",
        passing: "maintenance: { window: \"sun:05:00-sun:07:00\" }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if cx.plan.maintenance.window.is_some() || !cx.plan.targets.has_cloud() {
        return Vec::new();
    }
    // A service that takes no window (Azure Managed Redis) schedules its updates itself.
    if let Some((target, why)) = super::not_enforced(cx, &crate::settings::MAINTENANCE_WINDOW) {
        return vec![
            Finding::new(
                cx.loc("/maintenance/window"),
                format!(
                    "the {target} target takes no maintenance window: {why}. Residual risk: patching, and the failover it causes, can come at peak traffic"
                ),
                format!(
                    "watch the provider's planned-maintenance notices; to make this fatal, set `{} = \"error\"` under `[rules]` in cachegen.toml",
                    codes::MAINTENANCE_WINDOW
                ),
            )
            .platform_limit(),
        ];
    }
    vec![Finding::new(
        cx.loc("/maintenance/window"),
        "no maintenance window",
        "set `maintenance.window`, e.g. `sun:05:00-sun:07:00` (UTC), at the quietest hours",
    )]
}
