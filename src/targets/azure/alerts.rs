//! The guide's alerts as Azure Monitor metric alerts on Azure Cache for Redis
//! (`Microsoft.Cache/redis`) or Azure Managed Redis (`Microsoft.Cache/redisEnterprise`):
//! their metric names are the same for the core metrics, but Azure Managed Redis lacks some
//! (`facts::metrics::azure` lists both, with sources). Failed authentications on Azure
//! Managed Redis are only in its connection-event logs: a log alert on the Log Analytics
//! workspace, when the spec names one.

use crate::facts::metrics::azure::{
    CACHE_METRICS, CACHE_NAMESPACE, CACHE_SHARD_DIMENSION, MANAGED_LOG_TABLE, MANAGED_METRICS,
    MANAGED_NAMESPACE,
};
use crate::plan::monitoring::{HIT_RATE_MIN_LOOKUPS, Severity, format_ratio};
use crate::plan::{Alert, AlertKind, Plan};
use crate::settings::{Support, approximated, mapped, not_applicable, unsupported};
use crate::spec::AzureService;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct Criterion {
    pub namespace: &'static str,
    pub metric: &'static str,
    pub aggregation: &'static str,
    pub operator: &'static str,
    pub threshold: String,
    /// Evaluate each value of this dimension on its own (`values = ["*"]`): each shard.
    pub split_by: Option<&'static str>,
}

/// One `azurerm_monitor_metric_alert`.
#[derive(Clone, Debug, Serialize)]
pub struct MetricAlert {
    pub resource: String,
    pub slug: &'static str,
    pub comment: String,
    pub description: String,
    /// Azure's 0 (critical) .. 4 (verbose).
    pub severity: u8,
    /// ISO 8601 durations. Azure Managed Redis publishes at a 5-minute grain (its metric
    /// reference lists PT5M and PT1H), so nothing here evaluates more often.
    pub frequency: &'static str,
    pub window: &'static str,
    /// All must hold (Azure's criteria are joined with AND).
    pub criteria: Vec<Criterion>,
}

fn azure_severity(s: Severity) -> u8 {
    match s {
        Severity::Critical => 1,
        Severity::Warning => 2,
    }
}

fn window(kind: AlertKind) -> &'static str {
    match kind.window_minutes() {
        15 => "PT15M",
        _ => "PT5M",
    }
}

/// The metric alert for an alert, or what the service does instead.
pub fn metric_alert(alert: &Alert, service: AzureService) -> Result<MetricAlert, Support> {
    let (namespace, published) = match service {
        AzureService::Cache => (CACHE_NAMESPACE, CACHE_METRICS),
        AzureService::Managed => (MANAGED_NAMESPACE, MANAGED_METRICS),
    };
    let product = match service {
        AzureService::Cache => "Azure Cache for Redis",
        AzureService::Managed => "Azure Managed Redis",
    };
    let t = alert.threshold;
    let k = alert.kind;
    let criterion = |metric: &'static str, aggregation, operator, threshold: f64| {
        debug_assert!(
            published.contains(&metric),
            "{metric} is not in facts::metrics"
        );
        Criterion {
            namespace,
            metric,
            aggregation,
            operator,
            threshold: format_ratio(threshold),
            split_by: None,
        }
    };
    // A gauge of one shard: memory and load are per shard on a clustered cache (a hot key
    // fills or saturates one), so each shard is judged on its own. Counters stay whole-cache.
    let per_shard = |c: Criterion| match service {
        AzureService::Cache => Criterion {
            split_by: Some(CACHE_SHARD_DIMENSION),
            ..c
        },
        AzureService::Managed => c,
    };
    let criteria = match (k, service) {
        (AlertKind::Memory, _) => vec![per_shard(criterion(
            "usedmemorypercentage",
            "Maximum",
            "GreaterThan",
            t.as_f64(),
        ))],
        (AlertKind::Evictions, _) => {
            vec![criterion("evictedkeys", "Total", "GreaterThan", t.as_f64())]
        }
        // The miss rate is the hit rate's complement; the second criterion keeps an idle cache
        // (a handful of lookups, all misses) quiet: a hit rate below `t` over at least
        // HIT_RATE_MIN_LOOKUPS lookups always has more misses than `(1 - t)` of them, so it
        // never hides a real alert. Azure's metric reference lists `Total` as the miss rate's
        // default aggregation; the alert averages the percentage over the window instead,
        // which is what a rate means.
        (AlertKind::HitRate, AzureService::Cache) => vec![
            criterion(
                "cachemissrate",
                "Average",
                "GreaterThan",
                100.0 - t.as_f64(),
            ),
            criterion(
                "cachemisses",
                "Total",
                "GreaterThan",
                ((100.0 - t.as_f64()) / 100.0 * HIT_RATE_MIN_LOOKUPS as f64).floor(),
            ),
        ],
        (AlertKind::HitRate, AzureService::Managed) => {
            return Err(unsupported(
                "Azure Managed Redis publishes `cachehits` and `cachemisses` but no miss rate, and a metric alert cannot divide one by the other",
            ));
        }
        (AlertKind::Cpu, AzureService::Cache) => {
            vec![per_shard(criterion(
                "serverLoad",
                "Average",
                "GreaterThan",
                t.as_f64(),
            ))]
        }
        (AlertKind::Cpu, AzureService::Managed) => vec![criterion(
            "percentProcessorTime",
            "Average",
            "GreaterThan",
            t.as_f64(),
        )],
        (AlertKind::Connections, _) => {
            return Err(unsupported(format!(
                "{product} publishes `connectedclients`, but its client limit depends on the SKU and cachegen does not know it; watch `connectedclients` against the SKU's limit in the portal"
            )));
        }
        (AlertKind::Fragmentation, _) => {
            return Err(unsupported(format!(
                "{product} publishes no fragmentation ratio"
            )));
        }
        (AlertKind::RejectedConnections, _) => {
            return Err(unsupported(format!(
                "{product} publishes no rejected-connection metric"
            )));
        }
        (AlertKind::BlockedClients, _) => {
            return Err(unsupported(format!(
                "{product} publishes no blocked-clients metric"
            )));
        }
        (AlertKind::ReplicaLag, _) => {
            return Err(unsupported(format!(
                "{product} publishes no replication lag (only geo-replication metrics)"
            )));
        }
        (AlertKind::ReplicasMissing, _) => {
            return Err(approximated(format!(
                "{product} replaces a failed replica itself and publishes no replica count; failovers show in the `errors` metric (ErrorType Failover)"
            )));
        }
        (AlertKind::AuthFailures, _) => {
            return Err(unsupported(
                "no metric counts failed authentications with access keys",
            ));
        }
    };
    Ok(MetricAlert {
        resource: k.slug().replace('-', "_"),
        slug: k.slug(),
        comment: format!("{}: {}", k.name(), k.meaning(&t)),
        description: format!(
            "{} ({}): {}. First steps: {}",
            k.name(),
            alert.severity.as_str(),
            k.meaning(&t),
            k.runbook()
        ),
        severity: azure_severity(alert.severity),
        frequency: "PT5M",
        window: window(k),
        criteria,
    })
}

/// The log alert on failed authentications of Azure Managed Redis (its connection events in
/// the workspace). `None` when there is no such alert.
#[derive(Clone, Debug, Serialize)]
pub struct AuthLogAlert {
    pub description: String,
    pub severity: u8,
    pub threshold: String,
    pub table: &'static str,
}

pub fn auth_log_alert(plan: &Plan, service: AzureService) -> Option<AuthLogAlert> {
    let alert = plan.monitoring.alert(AlertKind::AuthFailures)?;
    if service != AzureService::Managed
        || plan.monitoring.azure_log_analytics_workspace_id.is_none()
    {
        return None;
    }
    let k = alert.kind;
    Some(AuthLogAlert {
        description: format!(
            "{} ({}): {}. First steps: {}",
            k.name(),
            alert.severity.as_str(),
            k.meaning(&alert.threshold),
            k.runbook()
        ),
        severity: azure_severity(alert.severity),
        threshold: alert.threshold.shown(),
        table: MANAGED_LOG_TABLE,
    })
}

/// The capability answer for an alert row.
pub fn support(kind: AlertKind, plan: &Plan, service: AzureService) -> Support {
    let Some(alert) = plan.monitoring.alert(kind) else {
        return not_applicable("the alert is off");
    };
    if kind == AlertKind::AuthFailures && service == AzureService::Managed {
        return if auth_log_alert(plan, service).is_some() {
            mapped(
                "a log alert on the connection events (REDConnectionEvents, failed `auth`) in the Log Analytics workspace",
            )
        } else {
            unsupported(
                "Azure Managed Redis reports failed authentications only in its connection-event logs: set `monitoring.azure.log_analytics_workspace_id`",
            )
        };
    }
    match metric_alert(alert, service) {
        Ok(a) => mapped(format!(
            "an Azure Monitor metric alert on {}",
            a.criteria
                .iter()
                .map(|c| format!("`{}`", c.metric))
                .collect::<Vec<_>>()
                .join(" and ")
        )),
        Err(s) => s,
    }
}

/// Every metric alert of the plan that the service can evaluate.
pub fn metric_alerts(plan: &Plan, service: AzureService) -> Vec<MetricAlert> {
    plan.monitoring
        .alerts
        .iter()
        .filter_map(|a| metric_alert(a, service).ok())
        .collect()
}
