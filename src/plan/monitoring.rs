//! Monitoring, resolved: which of the platform guide's alerts are on, at what threshold, and
//! where they go. Every target renders the same alerts from here in its own metrics (or
//! says, in the capability matrix, that it does not publish one), and `cachegen verify`
//! judges a live server against the same thresholds.

use crate::settings::{self as s, Setting, Values};
use crate::spec::{EvictionPolicy, Limit, RatioLimit};
use serde::Serialize;

/// Below this much memory lost to fragmentation the ratio says nothing: an idle server with a
/// few MB read 6.2, and an empty replica 11.7 (redis-server 7.0.15, measured). The alert and
/// verify both wait for 256 MiB to be lost before they judge the ratio.
pub const FRAGMENTATION_MIN_BYTES: u64 = 256 << 20;

/// A hit rate over fewer lookups than this is noise (a cold cache after a deploy, a
/// health check): the alert and verify judge it only past this many lookups.
pub const HIT_RATE_MIN_LOOKUPS: u64 = 1000;

/// One of the guide's alerts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    Memory,
    Fragmentation,
    HitRate,
    Evictions,
    Connections,
    RejectedConnections,
    BlockedClients,
    ReplicaLag,
    ReplicasMissing,
    AuthFailures,
    Cpu,
}

/// How bad it is when an alert fires: `critical` pages someone, `warning` opens a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
        }
    }
}

impl AlertKind {
    pub const ALL: [AlertKind; 11] = [
        AlertKind::Memory,
        AlertKind::Fragmentation,
        AlertKind::HitRate,
        AlertKind::Evictions,
        AlertKind::Connections,
        AlertKind::RejectedConnections,
        AlertKind::BlockedClients,
        AlertKind::ReplicaLag,
        AlertKind::ReplicasMissing,
        AlertKind::AuthFailures,
        AlertKind::Cpu,
    ];

    /// Its row in the settings table.
    pub fn setting(self) -> &'static Setting {
        match self {
            AlertKind::Memory => &s::ALERT_MEMORY,
            AlertKind::Fragmentation => &s::ALERT_FRAGMENTATION,
            AlertKind::HitRate => &s::ALERT_HIT_RATE,
            AlertKind::Evictions => &s::ALERT_EVICTIONS,
            AlertKind::Connections => &s::ALERT_CONNECTIONS,
            AlertKind::RejectedConnections => &s::ALERT_REJECTED_CONNECTIONS,
            AlertKind::BlockedClients => &s::ALERT_BLOCKED_CLIENTS,
            AlertKind::ReplicaLag => &s::ALERT_REPLICA_LAG,
            AlertKind::ReplicasMissing => &s::ALERT_REPLICAS_MISSING,
            AlertKind::AuthFailures => &s::ALERT_AUTH_FAILURES,
            AlertKind::Cpu => &s::ALERT_CPU,
        }
    }

    /// The kind a settings row is about.
    pub fn of(setting: &Setting) -> Option<AlertKind> {
        AlertKind::ALL
            .into_iter()
            .find(|k| std::ptr::eq(k.setting(), setting))
    }

    /// The alert's name where a platform shows one (Prometheus `alertname`, the suffix of a
    /// CloudWatch alarm or Azure alert name).
    pub fn name(self) -> &'static str {
        match self {
            AlertKind::Memory => "RedisMemoryHigh",
            AlertKind::Fragmentation => "RedisFragmentationHigh",
            AlertKind::HitRate => "RedisHitRateLow",
            AlertKind::Evictions => "RedisEvictions",
            AlertKind::Connections => "RedisConnectionsHigh",
            AlertKind::RejectedConnections => "RedisRejectedConnections",
            AlertKind::BlockedClients => "RedisBlockedClients",
            AlertKind::ReplicaLag => "RedisReplicaLagHigh",
            AlertKind::ReplicasMissing => "RedisReplicaMissing",
            AlertKind::AuthFailures => "RedisAuthFailures",
            AlertKind::Cpu => "RedisCpuHigh",
        }
    }

    /// Resource-name suffix: `memory`, `hit-rate`, ...
    pub fn slug(self) -> &'static str {
        match self {
            AlertKind::Memory => "memory",
            AlertKind::Fragmentation => "fragmentation",
            AlertKind::HitRate => "hit-rate",
            AlertKind::Evictions => "evictions",
            AlertKind::Connections => "connections",
            AlertKind::RejectedConnections => "rejected-connections",
            AlertKind::BlockedClients => "blocked-clients",
            AlertKind::ReplicaLag => "replica-lag",
            AlertKind::ReplicasMissing => "replica-missing",
            AlertKind::AuthFailures => "auth-failures",
            AlertKind::Cpu => "cpu",
        }
    }

    /// How bad it is under the cache's eviction policy. A full cache with an `allkeys-*` policy
    /// evicts its least wanted keys, which is what it was built to do: its memory alert opens a
    /// ticket (plan capacity) rather than paging at night. With `noeviction`, or `volatile-*`
    /// once no key with a TTL is left, a full cache refuses writes (OOM errors): that pages.
    pub fn severity(self, policy: EvictionPolicy) -> Severity {
        match self {
            AlertKind::Memory if policy.as_str().starts_with("allkeys-") => Severity::Warning,
            AlertKind::Memory | AlertKind::RejectedConnections | AlertKind::ReplicasMissing => {
                Severity::Critical
            }
            _ => Severity::Warning,
        }
    }

    /// How long the condition must hold (or, for counters, the window counted), in minutes.
    pub fn window_minutes(self) -> u32 {
        match self {
            AlertKind::Fragmentation | AlertKind::HitRate | AlertKind::Cpu => 15,
            AlertKind::ReplicasMissing => 2,
            _ => 5,
        }
    }

    /// Whether the alert fires when the value falls below the threshold (the hit rate) rather
    /// than above it.
    pub fn below(self) -> bool {
        self == AlertKind::HitRate
    }

    /// What it means, in one line (alarm descriptions, rule summaries).
    pub fn meaning(self, threshold: &Threshold) -> String {
        let t = threshold.shown();
        match self {
            AlertKind::Memory => format!("memory used above {t}% of maxmemory for 5 minutes"),
            AlertKind::Fragmentation => format!(
                "memory fragmentation ratio above {t} for 15 minutes, with at least 256 MiB lost to fragmentation"
            ),
            AlertKind::HitRate => format!(
                "fewer than {t}% of lookups hit over 15 minutes (at least {HIT_RATE_MIN_LOOKUPS} lookups)"
            ),
            AlertKind::Evictions => format!("more than {t} keys evicted in 5 minutes"),
            AlertKind::Connections => {
                format!("client connections above {t}% of the client limit for 5 minutes")
            }
            AlertKind::RejectedConnections => {
                format!("more than {t} connections rejected in 5 minutes (client limit reached)")
            }
            AlertKind::BlockedClients => {
                format!("more than {t} clients blocked in blocking commands for 5 minutes")
            }
            AlertKind::ReplicaLag => {
                format!("a replica more than {t} seconds behind its primary for 5 minutes")
            }
            AlertKind::ReplicasMissing => {
                "a primary with fewer connected replicas than the topology, or a replica that lost its primary".into()
            }
            AlertKind::AuthFailures => format!("more than {t} failed authentications in 5 minutes"),
            AlertKind::Cpu => format!("the Redis engine's CPU above {t}% for 15 minutes"),
        }
    }

    /// What the on-call engineer does first (the guide's troubleshooting steps).
    pub fn runbook(self) -> &'static str {
        match self {
            AlertKind::Memory => {
                "INFO memory; find big keys (redis-cli --bigkeys) and keys without a TTL; raise memory.max_memory (a larger node) or add shards"
            }
            AlertKind::Fragmentation => {
                "INFO memory (mem_fragmentation_ratio, allocator_frag_ratio); MEMORY PURGE, or activedefrag where the service allows it; a restart or failover rebuilds the heap"
            }
            AlertKind::HitRate => {
                "INFO stats (keyspace_hits, keyspace_misses, evicted_keys, expired_keys): evictions mean too little memory, expiries a TTL too short for the access pattern"
            }
            AlertKind::Evictions => {
                "INFO stats | grep evicted; the cache is full: raise memory.max_memory or shorten TTLs; check memory.eviction_policy"
            }
            AlertKind::Connections => {
                "CLIENT LIST: which clients hold connections; look for a connection leak or a pool sized too large; network.idle_timeout_seconds closes idle ones"
            }
            AlertKind::RejectedConnections => {
                "INFO clients (connected_clients, maxclients); CLIENT LIST to find the client holding connections; fix the leak or pool size"
            }
            AlertKind::BlockedClients => {
                "CLIENT LIST (flags=b): which commands block (BLPOP, BRPOP, WAIT, XREAD BLOCK) and whether their producers stopped"
            }
            AlertKind::ReplicaLag => {
                "INFO replication on the primary (slaveN lag and offset); SLOWLOG GET 100 for commands that stall replication; the replica's network and CPU"
            }
            AlertKind::ReplicasMissing => {
                "INFO replication on the primary (connected_slaves) and on the replica (master_link_status); the replica's log; a managed service replaces the node itself"
            }
            AlertKind::AuthFailures => {
                "ACL LOG (reason auth): which client and address; a rotated password not deployed everywhere, or someone guessing"
            }
            AlertKind::Cpu => {
                "SLOWLOG GET 100 and LATENCY DOCTOR: slow commands (KEYS, big SMEMBERS, Lua); spread reads to replicas or add shards"
            }
        }
    }
}

/// A resolved threshold.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Threshold {
    Count(u64),
    Ratio(f64),
    /// An alert without a number (`replicas_missing: true`).
    On,
}

impl Threshold {
    pub fn as_f64(&self) -> f64 {
        match *self {
            Threshold::Count(n) => n as f64,
            Threshold::Ratio(r) => r,
            Threshold::On => 1.0,
        }
    }

    /// As a message or a file shows it: `90`, `1.5`.
    pub fn shown(&self) -> String {
        match *self {
            Threshold::Count(n) => n.to_string(),
            Threshold::Ratio(r) => format_ratio(r),
            Threshold::On => "on".into(),
        }
    }
}

/// A ratio without float noise: `1.5`, `2`, `1.25`.
pub fn format_ratio(r: f64) -> String {
    let s = format!("{r:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// One alert that is on.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Alert {
    pub kind: AlertKind,
    pub threshold: Threshold,
    /// Under this plan's eviction policy (`AlertKind::severity`).
    pub severity: Severity,
}

#[derive(Clone, Debug, Serialize)]
pub struct MonitoringPlan {
    /// The alerts that are on, in the order of `AlertKind::ALL`. Replication alerts are off
    /// without replicas.
    pub alerts: Vec<Alert>,
    pub aws_sns_topic_arn: Option<String>,
    pub azure_action_group_id: Option<String>,
    pub azure_log_analytics_workspace_id: Option<String>,
    pub gcp_notification_channels: Vec<String>,
    /// The self-hosted exporter, when the compose stack runs one.
    pub exporter: Option<ExporterPlan>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExporterPlan {
    pub image: String,
    pub port: u16,
}

impl MonitoringPlan {
    pub fn alert(&self, kind: AlertKind) -> Option<&Alert> {
        self.alerts.iter().find(|a| a.kind == kind)
    }

    /// The threshold of an alert that is on.
    pub fn threshold(&self, kind: AlertKind) -> Option<Threshold> {
        self.alert(kind).map(|a| a.threshold)
    }
}

/// Resolve `monitoring` from the settings' values. `replicas`: whether the topology has any
/// (the replication alerts mean nothing without). `compose`: whether the compose stack is
/// listed (the exporter runs in it).
pub fn resolve(v: &Values, replicas: bool, compose: bool) -> MonitoringPlan {
    let policy: EvictionPolicy = v.typed(&s::EVICTION_POLICY);
    let alerts = AlertKind::ALL
        .into_iter()
        .filter(|k| replicas || !matches!(k, AlertKind::ReplicaLag | AlertKind::ReplicasMissing))
        .filter_map(|kind| {
            let row = kind.setting();
            let threshold = match kind {
                AlertKind::ReplicasMissing => v.typed::<bool>(row).then_some(Threshold::On),
                AlertKind::Fragmentation => {
                    v.typed::<RatioLimit>(row).value().map(Threshold::Ratio)
                }
                _ => v.typed::<Limit>(row).value().map(Threshold::Count),
            }?;
            Some(Alert {
                kind,
                threshold,
                severity: kind.severity(policy),
            })
        })
        .collect();
    MonitoringPlan {
        alerts,
        aws_sns_topic_arn: v.typed(&s::AWS_SNS_TOPIC_ARN),
        azure_action_group_id: v.typed(&s::AZURE_ACTION_GROUP_ID),
        azure_log_analytics_workspace_id: v.typed(&s::AZURE_LOG_ANALYTICS_WORKSPACE_ID),
        gcp_notification_channels: v
            .typed::<Option<Vec<String>>>(&s::GCP_NOTIFICATION_CHANNELS)
            .unwrap_or_default(),
        exporter: (compose && v.typed::<bool>(&s::COMPOSE_EXPORTER)).then(|| ExporterPlan {
            image: v.typed(&s::COMPOSE_EXPORTER_IMAGE),
            port: v.typed(&s::COMPOSE_EXPORTER_PORT),
        }),
    }
}
