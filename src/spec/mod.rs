//! The typed `cache.yaml`, version 1: the user-facing contract. Field names here are the
//! contract (add fields, never rename). Every field is documented: the doc comments become
//! the JSON Schema descriptions that editors show on hover.
//!
//! Almost every setting is optional here: `plan` fills in what a spec leaves out from the
//! defaults of its `tier`.

pub mod schema;
pub mod secrets;
pub mod units;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use crate::settings::Tier;
pub use secrets::SecretRef;
pub use units::{
    ClientBufferLimit, CommandName, Limit, MaintenanceWindow, MemorySize, NotificationChannel,
    RatioLimit, SnapshotWindow,
};

/// A cachegen spec: one Redis cache in one environment.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "cachegen cache.yaml (spec_version 1)")]
pub struct Spec {
    /// Version of this file format. Always 1.
    #[schemars(range(min = 1, max = 1))]
    pub spec_version: u32,
    /// Base of every resource name, as `<name>-<environment>`. Lowercase letters, digits and
    /// dashes, starting with a letter, e.g. `hospitality-redis`.
    #[schemars(
        regex(pattern = r"^[a-z][a-z0-9-]*[a-z0-9]$"),
        length(min = 2, max = 40)
    )]
    #[schemars(extend("x-expected" = "lowercase letters, digits and dashes, starting with a letter (e.g. hospitality-redis)"))]
    pub name: String,
    /// Environment this spec describes, e.g. `production`, `staging`, `eu-prod`. Lowercase; it
    /// names the output folder `generated/<environment>/`, so it is unique in a project.
    #[schemars(
        regex(pattern = r"^[a-z][a-z0-9-]*[a-z0-9]$"),
        length(min = 2, max = 32)
    )]
    #[schemars(extend("x-expected" = "lowercase letters, digits and dashes, starting with a letter (e.g. eu-prod)"))]
    pub environment: String,
    /// Which defaults and which policy apply: `development`, `staging` or `production`.
    pub tier: Tier,
    /// A base spec this one builds on, relative to this file, e.g. `../base.yaml`. Mappings merge
    /// key by key; scalars, lists and secret references in this file replace the base's; `null`
    /// removes a base key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Tags (AWS, Azure) or labels (Google) put on every cloud resource, e.g. `{ team: platform }`.
    /// `managed-by` and `environment` are added by cachegen. At most 48, values of at most 256
    /// letters, digits, spaces and `_ . : / = + - @` (AWS and Azure take 50 tags of that).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("propertyNames" = { "pattern": "^[a-z][a-z0-9_-]{0,62}$" }))]
    #[schemars(extend("additionalProperties" = {
        "type": "string",
        "description": "A label's value: at most 256 letters, digits, spaces and `_ . : / = + - @`, e.g. `platform`.",
        "maxLength": 256,
        "pattern": "^[\\p{L}\\p{N} _.:/=+@-]*$",
        "x-expected": "at most 256 letters, digits, spaces and `_ . : / = + - @` (what AWS and Azure accept in a tag value)"
    }))]
    #[schemars(extend("maxProperties" = 48))]
    pub labels: Option<BTreeMap<String, String>>,
    /// The Redis-compatible engine and its version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<Engine>,
    /// How many nodes, and how they replicate and fail over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology: Option<Topology>,
    /// Memory of one node and what happens when it is full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Memory>,
    /// What the cache will hold; cachegen checks `memory.max_memory` against it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<Workload>,
    /// RDB snapshots and the append-only file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistence: Option<Persistence>,
    /// When the provider may patch the cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance: Option<Maintenance>,
    /// Port, who may connect, and connection timeouts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<Network>,
    /// TLS, authentication, encryption at rest and disabled commands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<Security>,
    /// Self-hosted server tuning (redis.conf); applied through parameter groups or redis_configs
    /// where a managed target allows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<Server>,
    /// What the application reads from its `.env`: database, timeouts, retries, cache defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<Client>,
    /// Alerts on the platform guide's key metrics, where they go, and the self-hosted
    /// exporter. `cachegen verify` judges a live server against the same thresholds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring: Option<Monitoring>,
    /// Where to run the cache. Only listed targets are rendered; at most one cloud per environment.
    pub targets: Targets,
    /// Waivers of individual rules, each with a reason that is kept in the generated files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Policy>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Engine {
    /// `redis` (Redis OSS) or `valkey` (the Linux Foundation fork, wire compatible).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<EngineKind>,
    /// Engine version as `major.minor` in quotes, e.g. `"7.0"`, `"7.2"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{1,2}\.[0-9]{1,2}$"))]
    pub version: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    Redis,
    Valkey,
}

impl EngineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EngineKind::Redis => "redis",
            EngineKind::Valkey => "valkey",
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Topology {
    /// `standalone` (one node), `replicated` (a primary and replicas) or `cluster` (Redis Cluster:
    /// shards, each a primary and replicas).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<TopologyMode>,
    /// Number of shards (primaries). Cluster mode only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 500))]
    pub shards: Option<u32>,
    /// Replicas per primary (per shard in cluster mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 5))]
    pub replicas: Option<u32>,
    /// Promote a replica when the primary fails. Needs at least one replica.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automatic_failover: Option<bool>,
    /// Spread nodes across availability zones. Needs automatic failover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_zone: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TopologyMode {
    Standalone,
    Replicated,
    Cluster,
}

impl TopologyMode {
    pub fn as_str(self) -> &'static str {
        match self {
            TopologyMode::Standalone => "standalone",
            TopologyMode::Replicated => "replicated",
            TopologyMode::Cluster => "cluster",
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Memory {
    /// Data memory of one node (of each shard in cluster mode), in Redis syntax: `8gb`, `512mb`.
    /// The node type, SKU or instance size of a managed target must hold it after the service's
    /// reserved memory. Absent, with a `workload`: what the workload needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_memory: Option<MemorySize>,
    /// What Redis evicts when memory is full: one of Redis's eight `maxmemory-policy` values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eviction_policy: Option<EvictionPolicy>,
    /// Keys sampled per eviction (`maxmemory-samples`); more is closer to true LRU/LFU, and slower.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 64))]
    pub eviction_samples: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EvictionPolicy {
    Noeviction,
    AllkeysLru,
    AllkeysLfu,
    AllkeysRandom,
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
}

impl EvictionPolicy {
    /// The `maxmemory-policy` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EvictionPolicy::Noeviction => "noeviction",
            EvictionPolicy::AllkeysLru => "allkeys-lru",
            EvictionPolicy::AllkeysLfu => "allkeys-lfu",
            EvictionPolicy::AllkeysRandom => "allkeys-random",
            EvictionPolicy::VolatileLru => "volatile-lru",
            EvictionPolicy::VolatileLfu => "volatile-lfu",
            EvictionPolicy::VolatileRandom => "volatile-random",
            EvictionPolicy::VolatileTtl => "volatile-ttl",
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// Number of organizations served; sized with the platform guide's table
    /// (100K -> 4 GB, 500K -> 8 GB, 1M -> 16 GB, 5M+ -> 32 GB or a cluster).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub organizations: Option<u64>,
    /// Number of cached entries (keys); sized with Redis's per-key overhead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub entries: Option<u64>,
    /// Average value size in bytes, for `entries`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub avg_entry_bytes: Option<u64>,
    /// Average key length in bytes, for `entries`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65536))]
    pub avg_key_bytes: Option<u64>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Persistence {
    /// Point-in-time RDB snapshots (self-hosted `save` points; managed daily backups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshots: Option<Snapshots>,
    /// The append-only file: every write logged, replayed on restart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aof: Option<Aof>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Snapshots {
    /// Take snapshots at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Self-hosted `save` points: snapshot after `seconds` if at least `changes` keys changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save: Option<Vec<SavePoint>>,
    /// Compress string objects in the snapshot (`rdbcompression`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<bool>,
    /// Append a CRC64 checksum to the snapshot (`rdbchecksum`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<bool>,
    /// Days a managed service keeps automatic backups (ElastiCache 0..35); 0 while snapshots
    /// are off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 365))]
    pub retention_days: Option<u32>,
    /// Daily backup window of a managed service, UTC, `hh:mm-hh:mm`, e.g. `03:00-05:00`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<SnapshotWindow>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SavePoint {
    /// Seconds since the last snapshot.
    #[schemars(range(min = 1))]
    pub seconds: u64,
    /// Keys changed since the last snapshot.
    #[schemars(range(min = 0))]
    pub changes: u64,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Aof {
    /// Keep an append-only file (`appendonly`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// When the AOF is flushed to disk: `always`, `everysec` or `no` (`appendfsync`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fsync: Option<AofFsync>,
    /// Rewrite the AOF when it has grown by this percentage (`auto-aof-rewrite-percentage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 10000))]
    pub rewrite_percentage: Option<u32>,
    /// Do not rewrite an AOF smaller than this (`auto-aof-rewrite-min-size`), e.g. `64mb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rewrite_min_size: Option<MemorySize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AofFsync {
    Always,
    Everysec,
    No,
}

impl AofFsync {
    pub fn as_str(self) -> &'static str {
        match self {
            AofFsync::Always => "always",
            AofFsync::Everysec => "everysec",
            AofFsync::No => "no",
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Maintenance {
    /// Weekly maintenance window, UTC, `ddd:hh:mm-ddd:hh:mm`, e.g. `sun:05:00-sun:07:00`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<MaintenanceWindow>,
    /// Let the provider apply minor engine upgrades in the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_minor_version_upgrade: Option<bool>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// TCP port clients connect to (TLS port when TLS is on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<u16>,
    /// Networks allowed to connect, as CIDR blocks, e.g. `10.0.0.0/16`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_cidrs: Option<Vec<String>>,
    /// Reachable from the internet. Never in production.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_access: Option<bool>,
    /// Listen backlog (`tcp-backlog`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub tcp_backlog: Option<u32>,
    /// Close a client connection idle this long, in seconds; 0 never (`timeout`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 2147483647))]
    pub idle_timeout_seconds: Option<u32>,
    /// TCP keepalive interval in seconds; 0 off (`tcp-keepalive`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 2147483647))]
    pub tcp_keepalive_seconds: Option<u32>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Security {
    /// Encryption in transit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<Tls>,
    /// Password authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    /// Encrypt snapshots and disks at rest (managed targets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_at_rest: Option<bool>,
    /// Commands clients may not run, e.g. `[FLUSHALL, FLUSHDB, KEYS, DEBUG]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_commands: Option<Vec<CommandName>>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// Serve clients over TLS only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Oldest TLS version accepted: `"1.2"` or `"1.3"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_version: Option<TlsVersion>,
    /// `required` (only TLS connections) or `preferred` (TLS and plain connections both
    /// accepted): the step between TLS off and required on a cache that exists, so that
    /// clients can move over. ElastiCache takes `preferred` only on the way between off and
    /// required; once every client uses TLS, remove it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<TlsMode>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    Required,
    Preferred,
}

impl TlsMode {
    pub fn as_str(self) -> &'static str {
        match self {
            TlsMode::Required => "required",
            TlsMode::Preferred => "preferred",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum TlsVersion {
    #[serde(rename = "1.2")]
    V1_2,
    #[serde(rename = "1.3")]
    V1_3,
}

impl TlsVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            TlsVersion::V1_2 => "1.2",
            TlsVersion::V1_3 => "1.3",
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    /// Require a password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Where the password comes from, never the password itself: `{ env: REDIS_PASSWORD }`,
    /// `{ aws_secret: NAME_OR_ARN }`, `{ azure_key_vault_secret: ID }` or `{ gcp_secret: NAME }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<SecretRef>,
    /// What a new password does to the previous one: `replace` (the new one is the only one) or
    /// `overlap` (both work, and, when authentication is turned on for a cache that exists,
    /// connecting without a password still works), so that clients can move over. Set `overlap`
    /// in the change that rotates the password, and remove it once clients use the new one
    /// (ElastiCache AUTH token: `ROTATE`, then `SET`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<AuthRotation>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AuthRotation {
    Replace,
    Overlap,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Server {
    /// Number of logical databases (`databases`); forced to 1 in cluster mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 10000))]
    pub databases: Option<u32>,
    /// I/O threads (`io-threads`); 1 is the main thread only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 128))]
    pub io_threads: Option<u32>,
    /// Let I/O threads also read and parse (`io-threads-do-reads`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub io_threads_do_reads: Option<bool>,
    /// The slow log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slowlog: Option<Slowlog>,
    /// Record events slower than this, in milliseconds; 0 off (`latency-monitor-threshold`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 2147483647))]
    pub latency_monitor_threshold_ms: Option<u32>,
    /// Keyspace notification classes (`notify-keyspace-events`), letters from `Ag$lshzxeKEtmdn`,
    /// e.g. `Ex` (expired-key events). Needs `K` or `E` to publish anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[Ag$lshzxeKEtmdn]*$"))]
    pub keyspace_events: Option<String>,
    /// Output buffer limits per client class, `"<hard> <soft> <soft-seconds>"`, e.g. `"256mb 64mb 60"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_output_buffer_limits: Option<ClientOutputBufferLimits>,
    /// Cluster node timeout in milliseconds (`cluster-node-timeout`); cluster mode only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 100, max = 600000))]
    pub cluster_node_timeout_ms: Option<u32>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Slowlog {
    /// Log commands slower than this, in microseconds; -1 off, 0 everything (`slowlog-log-slower-than`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = -1, max = 2147483647))]
    pub log_slower_than_us: Option<i64>,
    /// Entries kept (`slowlog-max-len`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1000000))]
    pub max_len: Option<u32>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientOutputBufferLimits {
    /// Limit for normal clients, e.g. `"0 0 0"` (none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal: Option<ClientBufferLimit>,
    /// Limit for replicas, e.g. `"256mb 64mb 60"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica: Option<ClientBufferLimit>,
    /// Limit for Pub/Sub clients, e.g. `"32mb 8mb 60"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pubsub: Option<ClientBufferLimit>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Client {
    /// Database index the application selects (`REDIS_DB`); 0 in cluster mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 9999))]
    pub db: Option<u32>,
    /// Connect timeout in milliseconds (`REDIS_CONNECT_TIMEOUT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 600000))]
    pub connect_timeout_ms: Option<u32>,
    /// Command timeout in milliseconds (`REDIS_COMMAND_TIMEOUT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 600000))]
    pub command_timeout_ms: Option<u32>,
    /// Retries per command (`REDIS_MAX_RETRIES`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub max_retries: Option<u32>,
    /// Default time to live of a cache entry, in seconds (`CACHE_DEFAULT_TTL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 31536000))]
    pub default_ttl_seconds: Option<u32>,
    /// Entries the application's cache layer keeps at most (`CACHE_MAX_ENTRIES`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_entries: Option<u64>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Monitoring {
    /// A threshold per key metric of the platform guide. Each is a number or `false` (no
    /// alert); left out, the tier decides: on in staging and production, off in development.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alerts: Option<Alerts>,
    /// Where AWS alarms and ElastiCache events go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws: Option<AwsMonitoring>,
    /// Where Azure Monitor alerts go, and the Log Analytics workspace for the cache's logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azure: Option<AzureMonitoring>,
    /// Where Google Cloud alert policies notify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gcp: Option<GcpMonitoring>,
    /// The self-hosted stack's Prometheus exporter and alerting rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compose: Option<ComposeMonitoring>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alerts {
    /// Alert when memory used exceeds this percentage of `maxmemory` for 5 minutes
    /// (`used_memory`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("minimum" = 1, "maximum" = 100))]
    pub memory_percent: Option<Limit>,
    /// Alert when the memory fragmentation ratio (`mem_fragmentation_ratio`, RSS over used
    /// memory) exceeds this for 15 minutes, once at least 256 MiB are lost to fragmentation
    /// (on a small dataset the ratio means nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("minimum" = 1, "maximum" = 100))]
    pub fragmentation_ratio: Option<RatioLimit>,
    /// Alert when fewer than this percentage of lookups hit (`keyspace_hits` against
    /// `keyspace_misses`) over 15 minutes, with at least 1000 lookups. At most 99: at 100 a
    /// single miss would alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("minimum" = 1, "maximum" = 99))]
    pub hit_rate_percent: Option<Limit>,
    /// Alert when more than this many keys are evicted in 5 minutes (`evicted_keys`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("minimum" = 0))]
    pub evictions: Option<Limit>,
    /// Alert when client connections exceed this percentage of the server's client limit
    /// (`connected_clients` against `maxclients`) for 5 minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("minimum" = 1, "maximum" = 100))]
    pub connections_percent: Option<Limit>,
    /// Alert when more than this many connections are rejected in 5 minutes
    /// (`rejected_connections`: the client limit was reached).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("minimum" = 0))]
    pub rejected_connections: Option<Limit>,
    /// Alert when more than this many clients wait in blocking commands for 5 minutes
    /// (`blocked_clients`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("minimum" = 0))]
    pub blocked_clients: Option<Limit>,
    /// Alert when a replica is more than this many seconds behind its primary for 5 minutes.
    /// Needs replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("minimum" = 1, "maximum" = 3600))]
    pub replica_lag_seconds: Option<Limit>,
    /// Alert when a primary has fewer connected replicas than `topology.replicas`, or a
    /// replica has lost its link to the primary (`connected_slaves`, `master_link_status`).
    /// Needs replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas_missing: Option<bool>,
    /// Alert when more than this many authentications fail in 5 minutes (the security
    /// checklist's "monitor failed authentication attempts").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("minimum" = 0))]
    pub auth_failures: Option<Limit>,
    /// Alert when the Redis engine's CPU (its main thread) is busier than this percentage for
    /// 15 minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("minimum" = 1, "maximum" = 100))]
    pub cpu_percent: Option<Limit>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AwsMonitoring {
    /// SNS topic that receives the CloudWatch alarms and the replication group's ElastiCache
    /// events, e.g. `arn:aws:sns:us-east-1:123456789012:redis-alerts`. Absent: the module
    /// creates a topic encrypted with a KMS key CloudWatch and ElastiCache may use; subscribe
    /// to it (output `alarm_topic_arn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(
        pattern = r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$"
    ))]
    #[schemars(extend("x-expected" = "an SNS topic ARN, e.g. arn:aws:sns:us-east-1:123456789012:redis-alerts"))]
    pub sns_topic_arn: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AzureMonitoring {
    /// Action group the alerts notify, as its resource ID
    /// (`/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Insights/actionGroups/<name>`).
    /// Absent: the Terraform variable `alert_action_group_id` asks for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(
        pattern = r"(?i)^/subscriptions/[0-9a-f-]{36}/resourceGroups/[-\w._()]{1,90}/providers/Microsoft\.Insights/actionGroups/[-\w._]{1,260}$"
    ))]
    #[schemars(extend("x-expected" = "an action group resource ID, /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Insights/actionGroups/<name>"))]
    pub action_group_id: Option<String>,
    /// Log Analytics workspace that receives the cache's diagnostic logs and metrics, as its
    /// resource ID (`.../providers/Microsoft.OperationalInsights/workspaces/<name>`). On Azure
    /// Managed Redis it also carries the failed-authentication alert (connection events).
    /// Absent: no diagnostic setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(
        pattern = r"(?i)^/subscriptions/[0-9a-f-]{36}/resourceGroups/[-\w._()]{1,90}/providers/Microsoft\.OperationalInsights/workspaces/[-\w]{4,63}$"
    ))]
    #[schemars(extend("x-expected" = "a workspace resource ID, /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>"))]
    pub log_analytics_workspace_id: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GcpMonitoring {
    /// Notification channels the alert policies notify, e.g.
    /// `[projects/my-project/notificationChannels/1234567890]`. Absent: the Terraform variable
    /// `notification_channels` asks for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 16))]
    pub notification_channels: Option<Vec<NotificationChannel>>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComposeMonitoring {
    /// Run `redis_exporter` beside Redis in the compose stack (it reads the password from the
    /// same secret), and write Prometheus alerting rules with the thresholds of
    /// `monitoring.alerts` next to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exporter: Option<bool>,
    /// Image of the exporter: the `-alpine` variant, whose shell reads the password secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(
        pattern = r"^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$"
    ))]
    pub exporter_image: Option<String>,
    /// Host port the exporter's `/metrics` is published on (at `targets.compose.host_address`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub exporter_port: Option<u16>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// AWS ElastiCache (Redis OSS or Valkey), rendered to `terraform/aws/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws: Option<AwsTarget>,
    /// Azure Cache for Redis (`service: cache`) or Azure Managed Redis (`service: managed`),
    /// rendered to `terraform/azure/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azure: Option<AzureTarget>,
    /// Google Cloud Memorystore for Redis (instance, or cluster in cluster mode), rendered to
    /// `terraform/gcp/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gcp: Option<GcpTarget>,
    /// A self-hosted docker-compose stack with its `redis.conf`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compose: Option<ComposeTarget>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AwsTarget {
    /// AWS region, e.g. `us-east-1`.
    #[schemars(regex(pattern = r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$"))]
    pub region: String,
    /// ElastiCache node type, e.g. `cache.r7g.xlarge`.
    #[schemars(regex(pattern = r"^cache\.[a-z0-9]+\.[a-z0-9]+$"))]
    pub node_type: String,
    /// KMS key for encryption at rest. Absent: the module creates a key with rotation on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(
        pattern = r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9/_-]+$"
    ))]
    pub kms_key_arn: Option<String>,
    /// Days CloudWatch keeps the slow log and engine log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 3653))]
    pub log_retention_days: Option<u32>,
    /// Apply changes at once instead of in the maintenance window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_immediately: Option<bool>,
    /// `false`: create the RBAC user and user group (for `disabled_commands`) but leave the
    /// replication group as it authenticates now. The first step from an AUTH token to RBAC
    /// users: hashicorp/aws 5.x cannot attach a user group and delete the token in one call, so
    /// the next step is an AWS CLI call (`cachegen validate` prints it); then remove this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attach_rbac_users: Option<bool>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AzureTarget {
    /// `managed` (Azure Managed Redis, Redis 7.4) or `cache` (Azure Cache for Redis, Redis 6,
    /// being retired).
    pub service: AzureService,
    /// Azure region, e.g. `eastus`.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9]+$"))]
    pub location: String,
    /// Resource group that holds the cache, e.g. `hospitality-rg`.
    #[schemars(regex(pattern = r"^[-\w\._\(\)]{1,90}$"))]
    pub resource_group: String,
    /// SKU: for `managed` e.g. `Balanced_B20`, `MemoryOptimized_M20`; for `cache` e.g.
    /// `Premium_P3`, `Standard_C3` (`sku_name`, `family` and `capacity` come from it).
    #[schemars(regex(pattern = r"^[A-Za-z]+_[A-Z][0-9]+$"))]
    pub sku: String,
    /// Availability zones for a Premium cache (`service: cache`), e.g. `["1", "2", "3"]`. Azure
    /// Managed Redis takes none: with replicas it is zone-redundant by itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<Vec<String>>,
    /// Clients may authenticate with the cache's access keys. `false`: Microsoft Entra ID only,
    /// as Azure recommends (clients get a token for an identity that has an access policy on the
    /// cache; no key to leak or rotate). Authentication off needs no keys either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_keys: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AzureService {
    Cache,
    Managed,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GcpTarget {
    /// Google Cloud region, e.g. `us-central1`.
    #[schemars(regex(pattern = r"^[a-z]+-[a-z]+[0-9]+$"))]
    pub region: String,
    /// Memorystore instance tier: `BASIC` (one node) or `STANDARD_HA` (a replica and failover).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<GcpTier>,
    /// Instance capacity in GB (1..300); `memory.max_memory` becomes its `maxmemory-gb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 300))]
    pub memory_size_gb: Option<u32>,
    /// Cluster node type (cluster mode), e.g. `REDIS_HIGHMEM_MEDIUM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^REDIS_[A-Z0-9_]+$"))]
    pub node_type: Option<String>,
    /// Read replicas on a STANDARD_HA instance (`READ_REPLICAS_ENABLED`, a read endpoint over
    /// the replicas). Memorystore cannot turn them off once they are on: an instance that had
    /// more than one replica keeps `read_replicas: true` when it goes down to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_replicas: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[allow(clippy::upper_case_acronyms)]
pub enum GcpTier {
    #[serde(rename = "BASIC")]
    Basic,
    #[serde(rename = "STANDARD_HA")]
    StandardHa,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComposeTarget {
    /// Container image, e.g. `redis:7.2-alpine`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(
        pattern = r"^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$"
    ))]
    pub image: Option<String>,
    /// Container name, e.g. `hospitality-redis`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$"))]
    pub container_name: Option<String>,
    /// Port published on the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub host_port: Option<u16>,
    /// Host address the port is published on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_address: Option<String>,
    /// Restart policy: `no`, `always`, `on-failure` or `unless-stopped`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart: Option<RestartPolicy>,
    /// Memory limit of the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mem_limit: Option<MemorySize>,
    /// Folder with `redis.crt`, `redis.key` and `ca.crt`, relative to the generated folder and
    /// inside it (no leading `/`, no `..`), mounted read-only when TLS is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(
        pattern = r"^(\./)?\.?[A-Za-z0-9_-][A-Za-z0-9._-]*(/\.?[A-Za-z0-9_-][A-Za-z0-9._-]*)*/?$"
    ))]
    #[schemars(extend("x-expected" = "a folder inside the generated folder, relative to it: no leading `/`, no `..` (e.g. ./tls)"))]
    pub tls_dir: Option<String>,
    /// Private IPv4 network the stack declares, e.g. `172.16.40.0/24` (a /16 to a /28). In
    /// cluster mode node `i` gets the fixed address `10 + i` in its lower half, so that the
    /// nodes find each other again after `docker compose down`/`up` or a reboot; Docker gives
    /// other containers addresses from its upper half. Pick one that no other Docker network
    /// (`docker network inspect`) and no route of the host (`ip route`) uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}$"))]
    pub subnet: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum RestartPolicy {
    #[serde(rename = "no")]
    No,
    #[serde(rename = "always")]
    Always,
    #[serde(rename = "on-failure")]
    OnFailure,
    #[serde(rename = "unless-stopped")]
    UnlessStopped,
}

impl RestartPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            RestartPolicy::No => "no",
            RestartPolicy::Always => "always",
            RestartPolicy::OnFailure => "on-failure",
            RestartPolicy::UnlessStopped => "unless-stopped",
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Rules waived for this spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exceptions: Option<Vec<Exception>>,
    /// A reviewed statement that applying this change may destroy the live cache, with why: a
    /// change that replaces it (its data and endpoint are lost, e.g. a rename or a new KMS
    /// key), or its removal. It lifts the production deletion guards and `cachegen validate`'s
    /// refusal of replacing changes, lets `cachegen impact` pass the change in tier
    /// production, and is written into the generated files' headers. It acknowledges only the
    /// change that adds it: remove it after the apply (impact warns while it stays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 10, max = 500))]
    pub accept_replacement: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// The code of the rule waived, e.g. `CG6001`.
    #[schemars(regex(pattern = r"^CG[0-9]{4}$"))]
    pub rule: String,
    /// Why the rule does not apply here; written into the generated files it affects.
    #[schemars(length(min = 10, max = 500))]
    pub reason: String,
}
