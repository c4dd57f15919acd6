//! The guide's alerts as Google Cloud Monitoring alert policies on the `redis.googleapis.com`
//! metrics of a Memorystore instance (`redis_instance`) or cluster
//! (`redis.googleapis.com/Cluster`). The metric types, their kinds and the resource labels
//! come from `facts::metrics::gcp`, where their sources are.

use crate::facts::metrics::gcp::{
    self, CLUSTER_RESOURCE, INSTANCE_RESOURCE, Kind, PREFIX, cluster_node_max_clients,
};
use crate::plan::monitoring::{HIT_RATE_MIN_LOOKUPS, Severity, format_ratio};
use crate::plan::{Alert, AlertKind, Plan};
use crate::settings::{Support, approximated, mapped, not_applicable, unsupported};
use serde::Serialize;

/// One `google_monitoring_alert_policy` with one threshold condition.
#[derive(Clone, Debug, Serialize)]
pub struct Policy {
    pub resource: String,
    pub name: &'static str,
    pub comment: String,
    pub documentation: String,
    pub severity: &'static str,
    /// The metric type, without `redis.googleapis.com/`.
    pub metric: &'static str,
    /// The condition's filter, as an HCL string expression (it names the Terraform resource).
    pub filter: String,
    pub comparison: &'static str,
    pub threshold: String,
    /// How long the condition must hold: `300s`.
    pub duration: String,
    pub alignment_period: String,
    pub aligner: &'static str,
    /// Summing series (CPU seconds per label) before comparing.
    pub reducer: Option<&'static str>,
    pub group_by: Vec<&'static str>,
    /// A second condition that must hold too (the policy's combiner becomes `AND`).
    pub floor: Option<Floor>,
    /// A ratio condition's denominator: its filter (an HCL string expression). Numerator and
    /// denominator are then summed over the resource.
    pub denominator_filter: Option<String>,
}

/// The hit rate's floor on an instance: Memorystore publishes the ratio but no lookup count to
/// gate it on, so the policy also asks for more misses than the ratio allows in
/// `HIT_RATE_MIN_LOOKUPS` lookups. A hit rate below `t` over at least that many lookups always
/// has more misses than `(1 - t) * HIT_RATE_MIN_LOOKUPS`, so the floor never hides a real
/// alert; it keeps an idle cache (a few lookups, all misses) quiet.
#[derive(Clone, Debug, Serialize)]
pub struct Floor {
    pub name: String,
    /// The metric type, without `redis.googleapis.com/`.
    pub metric: &'static str,
    pub filter: String,
    pub threshold: String,
    pub alignment_period: String,
    /// Summed over the resource's nodes and roles into one series.
    pub group_by: &'static str,
}

/// What a condition watches, before it becomes a policy.
struct Watch {
    metric: &'static str,
    comparison: &'static str,
    threshold: f64,
    /// For gauges, how long it must hold; for deltas, the window summed.
    minutes: u32,
    sum_per_node: bool,
    /// The metric the watched one is divided by (a ratio condition), summed over the cluster.
    denominator: Option<&'static str>,
}

fn watch(metric: &'static str, threshold: f64, minutes: u32) -> Watch {
    Watch {
        metric,
        comparison: "COMPARISON_GT",
        threshold,
        minutes,
        sum_per_node: false,
        denominator: None,
    }
}

/// The condition of an alert on this plan's Memorystore resource, or what the service does
/// instead.
fn condition(alert: &Alert, plan: &Plan) -> Result<Watch, Support> {
    let cluster = plan.topology.is_cluster();
    let product = if cluster {
        "Memorystore for Redis Cluster"
    } else {
        "Memorystore for Redis"
    };
    let t = alert.threshold.as_f64();
    let k = alert.kind;
    let minutes = k.window_minutes();
    Ok(match (k, cluster) {
        // Both are fractions of 1.0.
        (AlertKind::Memory, false) => watch("stats/memory/usage_ratio", t / 100.0, minutes),
        (AlertKind::Memory, true) => {
            watch("cluster/memory/maximum_utilization", t / 100.0, minutes)
        }
        (AlertKind::HitRate, false) => Watch {
            comparison: "COMPARISON_LT",
            ..watch("stats/cache_hit_ratio", t / 100.0, minutes)
        },
        (AlertKind::Evictions, false) => watch("stats/evicted_keys", t, minutes),
        (AlertKind::Evictions, true) => watch("cluster/stats/total_evicted_keys_count", t, minutes),
        (AlertKind::RejectedConnections, false) => {
            watch("stats/reject_connections_count", t, minutes)
        }
        (AlertKind::RejectedConnections, true) => {
            watch("cluster/stats/total_rejected_connections_count", t, minutes)
        }
        (AlertKind::BlockedClients, false) => watch("clients/blocked", t, minutes),
        (AlertKind::ReplicaLag, false) => watch("replication/master/slaves/lag", t, minutes),
        (AlertKind::ReplicaLag, true) => watch("cluster/replication/maximum_ack_lag", t, minutes),
        // CPU-seconds of the main thread per second, summed over its user/system series: the
        // share of one core the engine uses.
        (AlertKind::Cpu, false) => Watch {
            sum_per_node: true,
            ..watch("stats/cpu_utilization_main_thread", t / 100.0, minutes)
        },
        (AlertKind::Cpu, true) => watch("cluster/cpu/maximum_utilization", t / 100.0, minutes),
        (AlertKind::Connections, true) => {
            let node_type = plan
                .targets
                .gcp
                .as_ref()
                .and_then(|g| g.node_type.as_deref())
                .unwrap_or_default();
            let Some(limit) = cluster_node_max_clients(node_type) else {
                return Err(unsupported(format!(
                    "cachegen does not know the client limit of node type `{node_type}`; watch `cluster/clients/maximum_connected_clients`"
                )));
            };
            watch(
                "cluster/clients/maximum_connected_clients",
                (t * limit as f64 / 100.0).floor(),
                minutes,
            )
        }
        (AlertKind::Connections, false) => {
            return Err(unsupported(
                "Memorystore for Redis publishes `clients/connected`, but cachegen does not know the instance's client limit; watch it against `maxclients` in the console",
            ));
        }
        // A cluster publishes hit and miss counts but no ratio: hits per miss below t / (1 - t)
        // is a hit rate below t, over the whole cluster's lookups in the window. Hits over
        // misses (not the reverse) so that a cache where every lookup misses still has a ratio
        // (0) to compare; a window without misses has none, and needs no alert. The schema
        // keeps t below 100%.
        (AlertKind::HitRate, true) => {
            let hit_rate = t / 100.0;
            Watch {
                comparison: "COMPARISON_LT",
                denominator: Some("cluster/stats/total_keyspace_misses_count"),
                ..watch(
                    "cluster/stats/total_keyspace_hits_count",
                    hit_rate / (1.0 - hit_rate),
                    minutes,
                )
            }
        }
        (AlertKind::BlockedClients, true) => {
            return Err(unsupported(
                "Memorystore for Redis Cluster publishes blocked clients per node only (`ClusterNode`), which cachegen does not alert on",
            ));
        }
        (AlertKind::Fragmentation, _) => {
            return Err(unsupported(format!(
                "{product} publishes no fragmentation ratio"
            )));
        }
        (AlertKind::AuthFailures, _) => {
            return Err(unsupported(format!(
                "{product} publishes no failed-authentication metric"
            )));
        }
        (AlertKind::ReplicasMissing, _) => {
            return Err(approximated(format!(
                "{product} replaces a failed replica itself and publishes no replica count"
            )));
        }
    })
}

/// The alert policy of an alert, or what the service does instead.
pub fn policy(alert: &Alert, plan: &Plan) -> Result<Policy, Support> {
    let w = condition(alert, plan)?;
    let kind = gcp::kind(w.metric).expect("a metric of facts::metrics::gcp");
    let k = alert.kind;
    let resource = if plan.topology.is_cluster() {
        let region = plan
            .targets
            .gcp
            .as_ref()
            .map(|g| g.region.as_str())
            .unwrap_or_default();
        format!(
            "resource.type = \\\"{CLUSTER_RESOURCE}\\\" AND resource.labels.cluster_id = \\\"${{google_redis_cluster.redis.name}}\\\" AND resource.labels.location = \\\"{region}\\\""
        )
    } else {
        format!(
            "resource.type = \\\"{INSTANCE_RESOURCE}\\\" AND resource.labels.instance_id = \\\"${{google_redis_instance.redis.id}}\\\""
        )
    };
    let filter_of =
        |metric: &str| format!("\"{resource} AND metric.type = \\\"{PREFIX}{metric}\\\"\"");
    let filter = filter_of(w.metric);
    let cluster = plan.topology.is_cluster();
    let resource_label = if cluster {
        "resource.label.cluster_id"
    } else {
        "resource.label.instance_id"
    };
    // A gauge must stay beyond the threshold for the window; a count is summed over it and
    // fires at once.
    let (aligner, alignment, duration) = match (kind, w.sum_per_node) {
        (Kind::Delta, true) => ("ALIGN_RATE", 60, w.minutes * 60),
        (Kind::Delta, false) => ("ALIGN_SUM", w.minutes * 60, 0),
        (Kind::Gauge, _) if k.below() => ("ALIGN_MEAN", w.minutes * 60, 0),
        (Kind::Gauge, _) => ("ALIGN_MAX", 60, w.minutes * 60),
    };
    Ok(Policy {
        resource: k.slug().replace('-', "_"),
        name: k.name(),
        comment: format!("{}: {}", k.name(), k.meaning(&alert.threshold)),
        documentation: format!(
            "{} ({}): {}. First steps: {}",
            k.name(),
            alert.severity.as_str(),
            k.meaning(&alert.threshold),
            k.runbook()
        ),
        severity: match alert.severity {
            Severity::Critical => "CRITICAL",
            Severity::Warning => "WARNING",
        },
        metric: w.metric,
        filter,
        comparison: w.comparison,
        threshold: format_ratio(w.threshold),
        duration: format!("{duration}s"),
        alignment_period: format!("{alignment}s"),
        aligner,
        reducer: (w.sum_per_node || w.denominator.is_some()).then_some("REDUCE_SUM"),
        group_by: if w.sum_per_node {
            vec!["resource.label.instance_id", "resource.label.node_id"]
        } else if w.denominator.is_some() {
            vec![resource_label]
        } else {
            Vec::new()
        },
        denominator_filter: w.denominator.map(filter_of),
        floor: (k == AlertKind::HitRate).then(|| {
            let misses = if cluster {
                "cluster/stats/total_keyspace_misses_count"
            } else {
                "stats/keyspace_misses"
            };
            debug_assert!(gcp::kind(misses) == Some(Kind::Delta));
            Floor {
                name: format!("{} (at least {HIT_RATE_MIN_LOOKUPS} lookups)", k.name()),
                metric: misses,
                filter: filter_of(misses),
                threshold: format_ratio(
                    ((100.0 - alert.threshold.as_f64()) / 100.0 * HIT_RATE_MIN_LOOKUPS as f64)
                        .floor(),
                ),
                alignment_period: format!("{alignment}s"),
                group_by: resource_label,
            }
        }),
    })
}

/// The capability answer for an alert row.
pub fn support(kind: AlertKind, plan: &Plan) -> Support {
    let Some(alert) = plan.monitoring.alert(kind) else {
        return not_applicable("the alert is off");
    };
    match policy(alert, plan) {
        Ok(p) => mapped(format!(
            "a Cloud Monitoring alert policy on `{PREFIX}{}`{}",
            p.metric,
            if p.denominator_filter.is_some() {
                " per miss (`total_keyspace_misses_count`)"
            } else {
                ""
            }
        )),
        Err(s) => s,
    }
}

/// Every alert policy of the plan that Memorystore can evaluate.
pub fn policies(plan: &Plan) -> Vec<Policy> {
    plan.monitoring
        .alerts
        .iter()
        .filter_map(|a| policy(a, plan).ok())
        .collect()
}
