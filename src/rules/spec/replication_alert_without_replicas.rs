use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::REPLICATION_ALERT_WITHOUT_REPLICAS,
    name: "replication-alert-without-replicas",
    family: Family::Spec,
    summary: "A replication alert (`replica_lag_seconds`, `replicas_missing`) is set on a topology without replicas.",
    rationale: "Without a replica there is no lag to measure and no replica to lose: the alert cannot exist, and a spec that asks for it reads as if replication were watched. cachegen renders no such alert; say so in the spec instead.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        tier: Tier::Development,
        failing: "topology: { mode: standalone }\nmonitoring: { alerts: { replica_lag_seconds: 30 } }",
        passing: "topology: { mode: replicated, replicas: 1 }\nmonitoring: { alerts: { replica_lag_seconds: 30 } }",
        previous: None,
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if cx.plan.topology.replicas > 0 {
        return Vec::new();
    }
    let alerts = cx.spec.monitoring.as_ref().and_then(|m| m.alerts.as_ref());
    let mut out = Vec::new();
    let lag = alerts
        .and_then(|a| a.replica_lag_seconds)
        .is_some_and(|l| l.value().is_some());
    let missing = alerts.and_then(|a| a.replicas_missing) == Some(true);
    for (on, field) in [(lag, "replica_lag_seconds"), (missing, "replicas_missing")] {
        if on {
            let pointer = format!("/monitoring/alerts/{field}");
            out.push(
                Finding::new(
                    cx.loc(&pointer),
                    format!(
                        "`monitoring.alerts.{field}` watches replication, but the topology has no replica ({} mode)",
                        cx.plan.topology.mode.as_str()
                    ),
                    format!("write `{field}: false`, or add replicas (`topology.replicas`)"),
                )
                .related("the topology is set here", cx.loc("/topology")),
            );
        }
    }
    out
}
