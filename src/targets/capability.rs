//! What each target does with each setting of a spec: honours it exactly, maps it to its own
//! mechanism, approximates it, cannot honour it, or has no use for it. `cachegen explain`
//! prints this matrix; the capability rules turn a setting that a listed target cannot honour
//! (and that the spec actually sets) into a warning, never a silent drop.

use crate::plan::Plan;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "support", content = "detail", rename_all = "snake_case")]
pub enum Support {
    /// Applied exactly as written.
    Honoured,
    /// Applied through the target's own mechanism, with the same meaning (to what).
    Mapped(String),
    /// Applied through a mechanism that does not mean quite the same (to what, and how it differs).
    Approximated(String),
    /// The target cannot apply it (what it does instead).
    NotSupported(String),
    /// Irrelevant here (why), e.g. AOF settings while AOF is off.
    NotApplicable(String),
}

impl Support {
    pub fn label(&self) -> &'static str {
        match self {
            Support::Honoured => "honoured",
            Support::Mapped(_) => "mapped",
            Support::Approximated(_) => "approximated",
            Support::NotSupported(_) => "not supported",
            Support::NotApplicable(_) => "n/a",
        }
    }

    pub fn detail(&self) -> &str {
        match self {
            Support::Honoured => "",
            Support::Mapped(s)
            | Support::Approximated(s)
            | Support::NotSupported(s)
            | Support::NotApplicable(s) => s,
        }
    }

    /// Whether a spec that sets this deserves a warning.
    pub fn is_loss(&self) -> bool {
        matches!(self, Support::Approximated(_) | Support::NotSupported(_))
    }
}

pub fn mapped(s: impl Into<String>) -> Support {
    Support::Mapped(s.into())
}
pub fn approximated(s: impl Into<String>) -> Support {
    Support::Approximated(s.into())
}
pub fn unsupported(s: impl Into<String>) -> Support {
    Support::NotSupported(s.into())
}
pub fn not_applicable(s: impl Into<String>) -> Support {
    Support::NotApplicable(s.into())
}
/// A setting the target cannot take at all, which an error rule (`code`) already refuses:
/// reported there, not again as "not honoured".
pub fn refused(code: &str, why: impl Into<String>) -> Support {
    Support::NotApplicable(format!("{} (error {code})", why.into()))
}

/// What a managed cloud service (`service`, run by `vendor`) does with the settings that no
/// managed Redis exposes, or that every one treats alike. `None` for the settings each target
/// answers itself.
pub fn managed_service(setting: &str, plan: &Plan, service: &str, vendor: &str) -> Option<Support> {
    use Support::Honoured;
    let p = plan;
    Some(match setting {
        "/persistence/snapshots/compression" | "/persistence/snapshots/checksum" => {
            let (on, what) = if setting.ends_with("compression") {
                (p.persistence.snapshots.compression, "compresses")
            } else {
                (p.persistence.snapshots.checksum, "checksums")
            };
            if !p.persistence.snapshots.enabled {
                not_applicable("snapshots are off")
            } else if on {
                mapped(format!("{service} {what} its snapshots itself"))
            } else {
                unsupported(format!(
                    "{service} always {what} its snapshots; it cannot be turned off"
                ))
            }
        }
        "/persistence/aof/rewrite_percentage" | "/persistence/aof/rewrite_min_size" => {
            if p.persistence.aof.enabled {
                unsupported(format!("{service} manages AOF rewrites"))
            } else {
                not_applicable("AOF is off")
            }
        }
        "/maintenance/auto_minor_version_upgrade" => {
            if p.maintenance.auto_minor_version_upgrade {
                mapped(format!("{vendor} applies updates itself"))
            } else {
                unsupported(format!(
                    "{vendor} applies updates itself; they cannot be turned off"
                ))
            }
        }
        "/network/tcp_backlog" => unsupported(format!("{service} does not expose `tcp-backlog`")),
        "/network/idle_timeout_seconds" => {
            unsupported(format!("{service} does not expose `timeout`"))
        }
        "/network/tcp_keepalive_seconds" => {
            unsupported(format!("{service} does not expose `tcp-keepalive`"))
        }
        "/security/tls/min_version" => {
            if !p.security.tls {
                not_applicable("TLS is off")
            } else if p.security.tls_min_version == crate::spec::TlsVersion::V1_2 {
                mapped(format!("{service} accepts TLS 1.2 and later"))
            } else {
                approximated(format!(
                    "{service} also accepts TLS 1.2; the minimum cannot be raised to 1.3"
                ))
            }
        }
        "/security/encryption_at_rest" => {
            if p.security.encryption_at_rest {
                mapped(format!(
                    "{vendor} encrypts data at rest with keys it manages"
                ))
            } else {
                unsupported(format!("{vendor} always encrypts data at rest"))
            }
        }
        "/security/disabled_commands" => {
            if p.security.disabled_commands.is_empty() {
                Honoured
            } else {
                unsupported(format!(
                    "{service} cannot disable or rename commands (it blocks CONFIG, DEBUG and other administrative commands itself)"
                ))
            }
        }
        "/server/io_threads" | "/server/io_threads_do_reads" => {
            if p.server.io_threads > 1 || p.server.io_threads_do_reads {
                unsupported(format!("{service} manages its threads"))
            } else {
                Honoured
            }
        }
        "/server/slowlog/log_slower_than_us" | "/server/slowlog/max_len" => {
            unsupported(format!("{service} does not expose the slow log settings"))
        }
        "/server/latency_monitor_threshold_ms" => {
            if p.server.latency_monitor_threshold_ms > 0 {
                unsupported(format!("{service} does not expose the latency monitor"))
            } else {
                Honoured
            }
        }
        "/server/client_output_buffer_limits/normal"
        | "/server/client_output_buffer_limits/replica"
        | "/server/client_output_buffer_limits/pubsub" => unsupported(format!(
            "{service} does not expose client output buffer limits"
        )),
        "/server/cluster_node_timeout_ms" => {
            if p.topology.is_cluster() {
                unsupported(format!("{service} manages the cluster node timeout"))
            } else {
                not_applicable("not in cluster mode")
            }
        }
        _ => return None,
    })
}

/// Every setting a target may or may not honour, as spec pointers. Identity (`name`,
/// `environment`, `tier`), `extends`, `workload` (sizing input) and `client` (the
/// application's settings, written to `.env` for every target) are not target settings.
pub const SETTINGS: &[&str] = &[
    "/labels",
    "/engine/kind",
    "/engine/version",
    "/topology/mode",
    "/topology/shards",
    "/topology/replicas",
    "/topology/automatic_failover",
    "/topology/multi_zone",
    "/memory/max_memory",
    "/memory/eviction_policy",
    "/memory/eviction_samples",
    "/persistence/snapshots/enabled",
    "/persistence/snapshots/save",
    "/persistence/snapshots/compression",
    "/persistence/snapshots/checksum",
    "/persistence/snapshots/retention_days",
    "/persistence/snapshots/window",
    "/persistence/aof/enabled",
    "/persistence/aof/fsync",
    "/persistence/aof/rewrite_percentage",
    "/persistence/aof/rewrite_min_size",
    "/maintenance/window",
    "/maintenance/auto_minor_version_upgrade",
    "/network/port",
    "/network/allowed_cidrs",
    "/network/public_access",
    "/network/tcp_backlog",
    "/network/idle_timeout_seconds",
    "/network/tcp_keepalive_seconds",
    "/security/tls/enabled",
    "/security/tls/min_version",
    "/security/auth/enabled",
    "/security/auth/password",
    "/security/encryption_at_rest",
    "/security/disabled_commands",
    "/server/databases",
    "/server/io_threads",
    "/server/io_threads_do_reads",
    "/server/slowlog/log_slower_than_us",
    "/server/slowlog/max_len",
    "/server/latency_monitor_threshold_ms",
    "/server/keyspace_events",
    "/server/client_output_buffer_limits/normal",
    "/server/client_output_buffer_limits/replica",
    "/server/client_output_buffer_limits/pubsub",
    "/server/cluster_node_timeout_ms",
];

/// The targets with a capability table, in display order.
pub const TARGETS: &[&str] = &["compose", "aws", "azure", "gcp"];

/// What `target` does with `setting` for this plan. `None` only for an unknown pair (a test
/// proves every target answers for every setting).
pub fn support(target: &str, setting: &str, plan: &Plan) -> Option<Support> {
    match target {
        "compose" => super::compose::support(setting, plan),
        "aws" => super::aws::support(setting, plan),
        "azure" => super::azure::support(setting, plan),
        "gcp" => super::gcp::support(setting, plan),
        _ => None,
    }
}

/// The targets a plan lists, among those with a capability table.
pub fn listed(plan: &Plan) -> Vec<&'static str> {
    let t = &plan.targets;
    TARGETS
        .iter()
        .copied()
        .filter(|name| match *name {
            "compose" => t.compose.is_some(),
            "aws" => t.aws.is_some(),
            "azure" => t.azure.is_some(),
            "gcp" => t.gcp.is_some(),
            _ => false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(targets: serde_json::Value, mode: &str) -> Plan {
        let spec: crate::spec::Spec = serde_json::from_value(serde_json::json!({
            "spec_version": 1, "name": "x", "environment": "y", "tier": "production",
            "topology": { "mode": mode },
            "targets": targets,
        }))
        .unwrap();
        crate::plan::resolve(&spec, "x.yaml")
    }

    #[test]
    fn every_target_answers_for_every_setting() {
        let azure = |service: &str, sku: &str| serde_json::json!({ "azure": { "service": service, "location": "eastus", "resource_group": "rg", "sku": sku } });
        let plans = [
            plan(serde_json::json!({ "compose": {} }), "replicated"),
            plan(
                serde_json::json!({ "aws": { "region": "us-east-1", "node_type": "cache.r7g.large" } }),
                "replicated",
            ),
            plan(azure("managed", "Balanced_B10"), "replicated"),
            plan(azure("cache", "Premium_P2"), "cluster"),
            plan(azure("cache", "Basic_C1"), "standalone"),
            plan(
                serde_json::json!({ "gcp": { "region": "us-central1" } }),
                "replicated",
            ),
            plan(
                serde_json::json!({ "gcp": { "region": "us-central1" } }),
                "cluster",
            ),
        ];
        for p in &plans {
            for target in TARGETS {
                for setting in SETTINGS {
                    assert!(
                        support(target, setting, p).is_some(),
                        "{target} does not answer for {setting}"
                    );
                }
            }
        }
    }

    /// A managed service compresses and checksums its snapshots whatever the spec says: turning
    /// either off is a loss to report, never silently "mapped".
    #[test]
    fn snapshot_compression_off_is_a_loss_on_every_managed_target() {
        let with = |targets: serde_json::Value, compression: bool| {
            let spec: crate::spec::Spec = serde_json::from_value(serde_json::json!({
                "spec_version": 1, "name": "x", "environment": "y", "tier": "production",
                "persistence": { "snapshots": { "compression": compression, "checksum": compression } },
                "targets": targets,
            }))
            .unwrap();
            crate::plan::resolve(&spec, "x.yaml")
        };
        for (target, targets) in [
            (
                "aws",
                serde_json::json!({ "aws": { "region": "us-east-1", "node_type": "cache.r7g.large" } }),
            ),
            (
                "azure",
                serde_json::json!({ "azure": { "service": "managed", "location": "eastus", "resource_group": "rg", "sku": "Balanced_B10" } }),
            ),
            (
                "azure",
                serde_json::json!({ "azure": { "service": "cache", "location": "eastus", "resource_group": "rg", "sku": "Premium_P2" } }),
            ),
            (
                "gcp",
                serde_json::json!({ "gcp": { "region": "us-central1" } }),
            ),
        ] {
            for setting in [
                "/persistence/snapshots/compression",
                "/persistence/snapshots/checksum",
            ] {
                let off = support(target, setting, &with(targets.clone(), false)).unwrap();
                let on = support(target, setting, &with(targets.clone(), true)).unwrap();
                assert!(off.is_loss(), "{target} {setting} off: {off:?}");
                assert!(!on.is_loss(), "{target} {setting} on: {on:?}");
            }
        }
    }
}
