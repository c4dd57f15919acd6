//! What Google Cloud Memorystore offers for Redis: instances (`google_redis_instance`: BASIC
//! and STANDARD_HA tiers, 1..300 GB, Redis 7.0 and 7.2, read replicas) and clusters
//! (`google_redis_cluster`: node types with their writable keyspace). Rules check specs against
//! these facts; the GCP target renders from them. Source: ../shared/reference
//! (redis-and-cloud-facts §4 and §5.3, terraform-modules §3 and pitfalls 29-38: the google
//! provider's source and Google's documentation).

use crate::spec::EngineKind;

const GB: u64 = 1 << 30;
const MB: u64 = 1 << 20;

/// `redis_version` of an instance for an engine version, or why there is none. Memorystore
/// has 7.0 and 7.2 (and older majors below the platform's floor); there is no 7.1.
pub fn redis_version(kind: EngineKind, major: u32, minor: u32) -> Result<&'static str, String> {
    match (kind, major, minor) {
        (EngineKind::Redis, 7, 0) => Ok("REDIS_7_0"),
        (EngineKind::Redis, 7, 2) => Ok("REDIS_7_2"),
        (EngineKind::Redis, 7, 1) => Err(
            "Memorystore has Redis 7.0 and 7.2 but no 7.1: set `engine.version` to \"7.0\" or \"7.2\"".into(),
        ),
        (EngineKind::Redis, _, _) => Err(
            "Memorystore for Redis offers 7.0 and 7.2 (older versions are below the platform's floor of 7.0)".into(),
        ),
        (EngineKind::Valkey, _, _) => Err(
            "Valkey runs on Memorystore for Valkey (`google_memorystore_instance`), which cachegen does not render; use `engine.kind: redis` (7.0 or 7.2)".into(),
        ),
    }
}

/// Instance capacity bounds, in GB (both tiers).
pub const INSTANCE_MIN_GB: u32 = 1;
pub const INSTANCE_MAX_GB: u32 = 300;
/// Read replicas need at least this capacity.
pub const READ_REPLICAS_MIN_GB: u32 = 5;
/// Read replicas per instance with `READ_REPLICAS_ENABLED`.
pub const MAX_READ_REPLICAS: u32 = 5;

/// `maxmemory-gb` may not be set below this share of the capacity.
pub const MAXMEMORY_GB_FLOOR_PERCENT: u64 = 20;

/// Share of an instance's capacity cachegen keeps out of `maxmemory-gb` when the instance
/// snapshots or replicates: the fork of a snapshot and the replication buffers need memory
/// that `maxmemory-gb` does not count (Google: lower `maxmemory-gb` for write-heavy instances
/// with RDB or replicas).
pub const INSTANCE_HEADROOM_PERCENT: u64 = 20;

/// Whether an instance keeps headroom out of `maxmemory-gb`: it snapshots or replicates.
pub fn instance_headroom(snapshots: bool, replicas: u32) -> bool {
    snapshots || replicas > 0
}

/// Memory an instance of `gb` holds for data: all of it, or 80% with headroom.
pub fn instance_usable(gb: u32, headroom: bool) -> u64 {
    let all = u64::from(gb) * GB;
    if headroom {
        all * (100 - INSTANCE_HEADROOM_PERCENT) / 100
    } else {
        all
    }
}

/// The smallest instance capacity (whole GB) whose usable memory holds `bytes`, within
/// Memorystore's 1..300 GB, and at least `min_gb`.
pub fn instance_size_for(bytes: u64, headroom: bool, min_gb: u32) -> Option<u32> {
    (min_gb.max(INSTANCE_MIN_GB)..=INSTANCE_MAX_GB)
        .find(|gb| instance_usable(*gb, headroom) >= bytes)
}

/// `maxmemory-gb` for a number of bytes: GB with at most two decimals (Memorystore accepts
/// decimals, e.g. `1.5`), rounded down so that it never exceeds what the spec asked for.
pub fn maxmemory_gb(bytes: u64) -> String {
    let hundredths = bytes.saturating_mul(100) / GB;
    let (whole, frac) = (hundredths / 100, hundredths % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// `redis_configs` keys an instance accepts (Google's "Supported Redis configurations"); the
/// API rejects any other key. cachegen writes only keys from this list.
pub const INSTANCE_REDIS_CONFIGS: &[&str] = &[
    "maxmemory-policy",
    "notify-keyspace-events",
    "activedefrag",
    "lfu-decay-time",
    "lfu-log-factor",
    "maxmemory-gb",
    "stream-node-max-bytes",
    "stream-node-max-entries",
    "databases",
    "lazyfree-lazy-eviction",
    "lazyfree-lazy-expire",
    "lazyfree-lazy-user-del",
    "lazyfree-lazy-user-flush",
];

/// `redis_configs` keys a cluster accepts.
pub const CLUSTER_REDIS_CONFIGS: &[&str] = &[
    "maxmemory",
    "maxmemory-clients",
    "maxmemory-policy",
    "notify-keyspace-events",
    "stream-node-max-bytes",
    "stream-node-max-entries",
    "lfu-decay-time",
    "lfu-log-factor",
    "activedefrag",
];

/// Most logical databases an instance takes (`databases`).
pub const INSTANCE_MAX_DATABASES: u32 = 100;

/// A Memorystore for Redis Cluster node type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeType {
    pub name: &'static str,
    /// Total node capacity, in bytes.
    pub capacity: u64,
    /// Default writable keyspace (about 80% of the capacity), in bytes: what one shard holds.
    pub keyspace: u64,
    /// Shared-core node: no SLA, not for production.
    pub shared_core: bool,
}

const fn node(name: &'static str, capacity_mb: u64, keyspace_mb: u64, shared: bool) -> NodeType {
    NodeType {
        name,
        capacity: capacity_mb * MB,
        keyspace: keyspace_mb * MB,
        shared_core: shared,
    }
}

/// Every `node_type` of `google_redis_cluster`, smallest first (Google's "cluster node
/// specification"; GB as 1024 MB).
pub const NODE_TYPES: &[NodeType] = &[
    node("REDIS_SHARED_CORE_NANO", 1434, 1147, true),
    node("REDIS_STANDARD_SMALL", 6656, 5325, false),
    node("REDIS_HIGHMEM_MEDIUM", 13312, 10650, false),
    node("REDIS_HIGHCPU_MEDIUM", 13312, 10650, false),
    node("REDIS_STANDARD_LARGE", 26624, 21299, false),
    node("REDIS_HIGHMEM_XLARGE", 59392, 47514, false),
    node("REDIS_HIGHMEM_2XLARGE", 112640, 90112, false),
];

pub fn node_type(name: &str) -> Option<&'static NodeType> {
    NODE_TYPES.iter().find(|n| n.name == name)
}

/// The smallest node type whose keyspace holds `bytes` (per shard). Shared-core nodes only
/// when allowed (not in production); HIGHCPU only if nothing else fits (same memory as
/// HIGHMEM_MEDIUM, chosen for CPU, not size).
pub fn node_type_for(bytes: u64, allow_shared_core: bool) -> Option<&'static NodeType> {
    NODE_TYPES
        .iter()
        .filter(|n| allow_shared_core || !n.shared_core)
        .filter(|n| n.name != "REDIS_HIGHCPU_MEDIUM")
        .find(|n| n.keyspace >= bytes)
}

/// Replicas per shard a cluster takes.
pub const CLUSTER_MAX_REPLICAS: u32 = 2;

/// Ports: an instance serves 6379, or 6378 with TLS (commonly documented, not re-confirmed in
/// a primary source: the Terraform outputs carry the real port); a cluster's discovery
/// endpoint serves 6379.
pub const INSTANCE_PORT: u16 = 6379;
pub const INSTANCE_TLS_PORT: u16 = 6378;
pub const CLUSTER_PORT: u16 = 6379;

/// `rdb_snapshot_period` values, as hours.
pub const RDB_PERIODS: &[(u32, &str)] = &[
    (1, "ONE_HOUR"),
    (6, "SIX_HOURS"),
    (12, "TWELVE_HOURS"),
    (24, "TWENTY_FOUR_HOURS"),
];

/// `rdb_snapshot_period` for snapshots every `seconds` at the most: the shortest period
/// Memorystore offers that is not more often than asked (a day at the least).
pub fn rdb_snapshot_period(seconds: u64) -> &'static str {
    let hours = seconds.div_ceil(3600);
    RDB_PERIODS
        .iter()
        .find(|(h, _)| u64::from(*h) >= hours)
        .map(|(_, s)| *s)
        .unwrap_or("TWENTY_FOUR_HOURS")
}

/// `aof_config.append_fsync` of a cluster.
pub fn append_fsync(fsync: crate::spec::AofFsync) -> &'static str {
    match fsync {
        crate::spec::AofFsync::Always => "ALWAYS",
        crate::spec::AofFsync::Everysec => "EVERYSEC",
        crate::spec::AofFsync::No => "NO",
    }
}

/// `weekly_maintenance_window.day` from a spec's three-letter day.
pub fn day(day: &str) -> Option<&'static str> {
    Some(match day {
        "mon" => "MONDAY",
        "tue" => "TUESDAY",
        "wed" => "WEDNESDAY",
        "thu" => "THURSDAY",
        "fri" => "FRIDAY",
        "sat" => "SATURDAY",
        "sun" => "SUNDAY",
        _ => return None,
    })
}

/// Memorystore's maintenance windows last one hour, from their start.
pub const MAINTENANCE_WINDOW_MINUTES: u32 = 60;

/// An instance name: `^[a-z][a-z0-9-]{0,39}[a-z0-9]$` (2..41 characters); a cluster name:
/// up to 63 characters, same alphabet.
pub fn name_problem(name: &str, cluster: bool) -> Option<String> {
    let max = if cluster { 63 } else { 41 };
    let what = if cluster { "a cluster" } else { "an instance" };
    if name.len() > max {
        return Some(format!(
            "`{name}` is {} characters; Memorystore allows {max} for {what}",
            name.len()
        ));
    }
    let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        return Some(format!(
            "`{name}` may hold only lowercase letters, digits and hyphens, starting with a letter"
        ));
    }
    None
}

/// A label value Google accepts: at most 63 lowercase letters, digits, `_` and `-`.
pub fn label_value_problem(value: &str) -> Option<String> {
    if value.len() > 63 {
        return Some(format!("is {} characters; Google allows 63", value.len()));
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    {
        return Some("may hold only lowercase letters, digits, `_` and `-`".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_have_no_7_1() {
        assert_eq!(redis_version(EngineKind::Redis, 7, 0), Ok("REDIS_7_0"));
        assert_eq!(redis_version(EngineKind::Redis, 7, 2), Ok("REDIS_7_2"));
        assert!(
            redis_version(EngineKind::Redis, 7, 1)
                .unwrap_err()
                .contains("no 7.1")
        );
        assert!(redis_version(EngineKind::Valkey, 8, 0).is_err());
    }

    #[test]
    fn instance_sizes() {
        // The guide's 16 GB with snapshots and replicas: 20 GB, maxmemory-gb 16 (80%).
        assert_eq!(instance_size_for(16 * GB, true, 1), Some(20));
        assert_eq!(instance_size_for(16 * GB, false, 1), Some(16));
        assert_eq!(instance_size_for(GB, true, READ_REPLICAS_MIN_GB), Some(5));
        assert_eq!(instance_size_for(300 * GB, true, 1), None);
        assert_eq!(maxmemory_gb(16 * GB), "16");
        assert_eq!(maxmemory_gb(1536 * MB), "1.5");
        assert_eq!(maxmemory_gb(100 * MB), "0.09");
    }

    #[test]
    fn cluster_node_types() {
        assert_eq!(
            node_type_for(GB, true).unwrap().name,
            "REDIS_SHARED_CORE_NANO"
        );
        assert_eq!(
            node_type_for(GB, false).unwrap().name,
            "REDIS_STANDARD_SMALL"
        );
        assert_eq!(
            node_type_for(8 * GB, false).unwrap().name,
            "REDIS_HIGHMEM_MEDIUM"
        );
        assert!(node_type_for(100 * GB, false).is_none());
        for n in NODE_TYPES {
            assert!(n.keyspace < n.capacity && n.keyspace * 10 >= n.capacity * 7);
        }
    }

    #[test]
    fn periods_and_names() {
        assert_eq!(rdb_snapshot_period(60), "ONE_HOUR");
        assert_eq!(rdb_snapshot_period(7200), "SIX_HOURS");
        assert_eq!(rdb_snapshot_period(3 * 86400), "TWENTY_FOUR_HOURS");
        assert!(name_problem("hospitality-redis-production-gcp", false).is_none());
        assert!(name_problem(&format!("a{}", "b".repeat(41)), false).is_some());
        assert!(name_problem(&format!("a{}", "b".repeat(41)), true).is_none());
        assert!(label_value_problem("Platform").is_some());
        assert!(label_value_problem("platform").is_none());
    }
}
