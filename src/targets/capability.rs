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
