//! The guide's alerts as CloudWatch alarms: one per member cluster (one node each) for every
//! alert ElastiCache publishes a metric for, and what ElastiCache does instead for the others
//! (the capability matrix says it). Metric names and the dimension come from
//! `facts::metrics::cloudwatch`, where their sources are.

use crate::facts::metrics::cloudwatch::{self, MAXCLIENTS, METRICS};
use crate::plan::monitoring::{FRAGMENTATION_MIN_BYTES, HIT_RATE_MIN_LOOKUPS};
use crate::plan::{Alert, AlertKind, Plan};
use crate::settings::{Support, approximated, mapped, not_applicable, unsupported};
use serde::Serialize;

/// One metric an alarm reads.
#[derive(Clone, Debug, Serialize)]
pub struct Metric {
    /// `m1`, `m2` in a metric-math alarm.
    pub id: &'static str,
    pub name: &'static str,
    pub statistic: &'static str,
    pub period: u32,
}

/// One `aws_cloudwatch_metric_alarm` resource, repeated per member cluster.
#[derive(Clone, Debug, Serialize)]
pub struct Alarm {
    /// Resource name and alarm-name suffix: `memory`, `hit_rate`.
    pub resource: String,
    pub slug: &'static str,
    /// What it watches, for the comment above it.
    pub comment: String,
    pub description: String,
    pub comparison: &'static str,
    /// The threshold as an HCL number.
    pub threshold: String,
    pub evaluation_periods: u32,
    pub datapoints: u32,
    pub treat_missing: &'static str,
    /// A single metric, or the metrics of `expression`.
    pub metrics: Vec<Metric>,
    /// Metric math over `metrics` (`m1`, `m2`): the alarm watches its result.
    pub expression: Option<String>,
}

fn metric(id: &'static str, name: &'static str, statistic: &'static str, period: u32) -> Metric {
    debug_assert!(METRICS.contains(&name), "{name} is not in facts::metrics");
    Metric {
        id,
        name,
        statistic,
        period,
    }
}

/// What CloudWatch watches for an alert, or what ElastiCache does instead.
pub fn alarm(alert: &Alert) -> Result<Alarm, Support> {
    let t = alert.threshold;
    let k = alert.kind;
    let minute = cloudwatch::PERIOD_SECONDS;
    let base = |metrics: Vec<Metric>, periods: u32, comparison, threshold: f64, missing| Alarm {
        resource: k.slug().replace('-', "_"),
        slug: k.slug(),
        comment: String::new(),
        description: String::new(),
        comparison,
        threshold: number(threshold),
        evaluation_periods: periods,
        datapoints: periods,
        treat_missing: missing,
        metrics,
        expression: None,
    };
    const ABOVE: &str = "GreaterThanThreshold";
    let mut alarm = match k {
        AlertKind::Memory => base(
            vec![metric(
                "m1",
                "DatabaseMemoryUsagePercentage",
                "Maximum",
                minute,
            )],
            5,
            ABOVE,
            t.as_f64(),
            "missing",
        ),
        AlertKind::Fragmentation => Alarm {
            expression: Some(format!(
                "IF((m1 - 1) * m2 >= {FRAGMENTATION_MIN_BYTES}, m1, 0)"
            )),
            ..base(
                vec![
                    metric("m1", "MemoryFragmentationRatio", "Average", 300),
                    metric("m2", "BytesUsedForCache", "Maximum", 300),
                ],
                3,
                ABOVE,
                t.as_f64(),
                "missing",
            )
        },
        AlertKind::HitRate => Alarm {
            expression: Some(format!(
                "IF(m1 + m2 >= {HIT_RATE_MIN_LOOKUPS}, 100 * m1 / (m1 + m2), 100)"
            )),
            ..base(
                vec![
                    metric("m1", "CacheHits", "Sum", 900),
                    metric("m2", "CacheMisses", "Sum", 900),
                ],
                1,
                "LessThanThreshold",
                t.as_f64(),
                "notBreaching",
            )
        },
        AlertKind::Evictions => base(
            vec![metric("m1", "Evictions", "Sum", 300)],
            1,
            ABOVE,
            t.as_f64(),
            "notBreaching",
        ),
        AlertKind::Connections => base(
            vec![metric("m1", "CurrConnections", "Maximum", minute)],
            5,
            ABOVE,
            (t.as_f64() * MAXCLIENTS as f64 / 100.0).floor(),
            "missing",
        ),
        // Replicas alone publish it, and which node is a replica changes on failover: every
        // node has the alarm, and a primary's missing data is not a breach.
        AlertKind::ReplicaLag => base(
            vec![metric("m1", "ReplicationLag", "Maximum", minute)],
            5,
            ABOVE,
            t.as_f64(),
            "notBreaching",
        ),
        AlertKind::AuthFailures => base(
            vec![metric("m1", "AuthenticationFailures", "Sum", 300)],
            1,
            ABOVE,
            t.as_f64(),
            "notBreaching",
        ),
        AlertKind::Cpu => base(
            vec![metric("m1", "EngineCPUUtilization", "Average", 300)],
            3,
            ABOVE,
            t.as_f64(),
            "missing",
        ),
        AlertKind::RejectedConnections => {
            return Err(unsupported(
                "ElastiCache publishes no rejected-connection metric; the connections alarm (CurrConnections against maxclients 65000) warns before the limit",
            ));
        }
        AlertKind::BlockedClients => {
            return Err(unsupported(
                "ElastiCache publishes no blocked-clients metric",
            ));
        }
        AlertKind::ReplicasMissing => {
            return Err(approximated(
                "ElastiCache replaces a failed replica itself and publishes no replica count; its events (node replacement, failover) go to the SNS topic (`notification_topic_arn`)",
            ));
        }
    };
    alarm.comment = format!("{}: {}", k.name(), k.meaning(&t));
    alarm.description = format!(
        "{} ({}): {}. First steps: {}",
        k.name(),
        alert.severity.as_str(),
        k.meaning(&t),
        k.runbook()
    );
    Ok(alarm)
}

/// The capability answer for an alert row.
pub fn support(kind: AlertKind, plan: &Plan) -> Support {
    let Some(alert) = plan.monitoring.alert(kind) else {
        return not_applicable("the alert is off");
    };
    match alarm(alert) {
        Ok(a) => {
            let what = match &a.expression {
                Some(_) => format!(
                    "metric math over {}",
                    a.metrics
                        .iter()
                        .map(|m| format!("`{}`", m.name))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
                None => format!("`{}`", a.metrics[0].name),
            };
            mapped(format!(
                "a CloudWatch alarm on {what} for each node (`CacheClusterId`)"
            ))
        }
        Err(s) => s,
    }
}

/// Every alarm of the plan that CloudWatch can watch.
pub fn alarms(plan: &Plan) -> Vec<Alarm> {
    plan.monitoring
        .alerts
        .iter()
        .filter_map(|a| alarm(a).ok())
        .collect()
}

/// A number as HCL writes it: no trailing `.0`.
fn number(v: f64) -> String {
    crate::plan::monitoring::format_ratio(v)
}
