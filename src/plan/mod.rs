//! The Plan: a spec with every default filled in from its tier and every derived value
//! computed (resource names, sizes, the container's memory limit). Targets render from the
//! Plan alone and never read YAML; rules read the Plan and ask the source tree where a
//! setting was written.

pub mod monitoring;
pub mod record;
pub mod sizing;
pub mod subnet;

pub use monitoring::{Alert, AlertKind, MonitoringPlan, Threshold};

use crate::facts::{aws, azure, gcp};
use crate::settings::{Platform, Values};
use crate::spec::{
    AofFsync, AzureService, EngineKind, EvictionPolicy, GcpTier, MaintenanceWindow, RestartPolicy,
    SavePoint, SecretRef, SnapshotWindow, Spec, Tier, TlsMode, TlsVersion, TopologyMode, units,
};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    /// The spec's path relative to the project root, as generated headers name it.
    pub source: String,
    pub name: String,
    pub environment: String,
    pub tier: Tier,
    /// `<name>-<environment>`: the base of every resource name.
    pub resource_name: String,
    /// Tags/labels for every cloud resource, the spec's plus `managed-by` and `environment`.
    pub labels: BTreeMap<String, String>,
    pub engine: EnginePlan,
    pub topology: TopologyPlan,
    pub memory: MemoryPlan,
    pub persistence: PersistencePlan,
    pub maintenance: MaintenancePlan,
    pub network: NetworkPlan,
    pub security: SecurityPlan,
    pub server: ServerPlan,
    pub client: ClientPlan,
    /// The alerts that are on, at what threshold, and where they go.
    pub monitoring: MonitoringPlan,
    pub targets: TargetsPlan,
    /// Rules waived for this spec, with their reasons.
    pub exceptions: Vec<Waiver>,
    /// `policy.accept_replacement`: why applying this change may destroy the live cache. It
    /// lifts the deletion guards and the refusal of replacing changes, and passes `cachegen
    /// impact` in production.
    pub accept_replacement: Option<String>,
    /// Every setting's value, as the settings table names it: what the spec writes, its
    /// tier's default, or what was derived above. Generic readers (redis.conf directives,
    /// parameter groups, verify, explain) read this; the typed fields above are the same
    /// values for code that needs them typed.
    pub values: Values,
}

/// An exception that waived a finding: written into the headers of the files it concerns.
#[derive(Clone, Debug, Serialize)]
pub struct Waived {
    pub rule: String,
    pub reason: String,
    /// The platforms whose files it concerns (a platform's own rule), or every file (`None`).
    pub platforms: Option<&'static [Platform]>,
}

impl Waived {
    pub fn concerns(&self, platform: Platform) -> bool {
        self.platforms.is_none_or(|ps| ps.contains(&platform))
    }

    /// Whether it concerns every file, `.env` included.
    pub fn concerns_every_platform(&self) -> bool {
        self.platforms.is_none()
    }
}

/// A rule whose finding cachegen accepted for a spec without a waiver: the rule does not
/// apply in the spec's tier, is below an error there, or the project's `[rules]` lowered it.
/// Targets carry it, with waivers, into what downstream scanners read (checkov's skip
/// comments), so that the scanner and cachegen agree.
#[derive(Clone, Debug, Serialize)]
pub struct Accepted {
    pub rule: &'static str,
    /// Why, in one sentence: the rule, the decision and the finding.
    pub why: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Waiver {
    pub rule: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct EnginePlan {
    pub kind: EngineKind,
    /// `major.minor`, e.g. `7.0`.
    pub version: String,
    pub major: u32,
    pub minor: u32,
}

impl EnginePlan {
    /// At least `major.minor`.
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct TopologyPlan {
    pub mode: TopologyMode,
    /// Primaries: `shards` in cluster mode, else 1.
    pub shards: u32,
    /// Replicas per primary.
    pub replicas: u32,
    pub automatic_failover: bool,
    pub multi_zone: bool,
    /// Every node: shards x (1 + replicas).
    pub nodes: u32,
}

impl TopologyPlan {
    pub fn is_cluster(&self) -> bool {
        self.mode == TopologyMode::Cluster
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct MemoryPlan {
    /// As written (or derived), in Redis syntax.
    pub max_memory: String,
    pub max_memory_bytes: u64,
    pub eviction_policy: EvictionPolicy,
    /// How `max_memory` was chosen: `spec`, `workload` or `tier default`.
    pub max_memory_from: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct PersistencePlan {
    pub snapshots: SnapshotsPlan,
    pub aof: AofPlan,
}

#[derive(Clone, Debug, Serialize)]
pub struct SnapshotsPlan {
    pub enabled: bool,
    /// Save points; empty when snapshots are off.
    pub save: Vec<SavePoint>,
    pub compression: bool,
    pub checksum: bool,
    pub retention_days: u32,
    pub window: Option<SnapshotWindow>,
    /// The most frequent save point, in seconds (an hour when the spec lists none): how often
    /// a managed service that snapshots on a period (Azure, Memorystore) should snapshot.
    /// `None` when snapshots are off.
    pub shortest_period_seconds: Option<u64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AofPlan {
    pub enabled: bool,
    pub fsync: AofFsync,
    pub rewrite_percentage: u32,
    pub rewrite_min_size: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct MaintenancePlan {
    pub window: Option<MaintenanceWindow>,
    pub auto_minor_version_upgrade: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct NetworkPlan {
    pub port: u16,
    pub allowed_cidrs: Vec<String>,
    pub public_access: bool,
    pub tcp_backlog: u32,
    pub idle_timeout_seconds: u32,
    pub tcp_keepalive_seconds: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct SecurityPlan {
    pub tls: bool,
    pub tls_min_version: TlsVersion,
    /// `required`, or `preferred` (plain connections accepted too) while clients move to TLS.
    pub tls_mode: TlsMode,
    pub auth: bool,
    /// Where the password comes from (when auth is on).
    pub password: Option<SecretRef>,
    pub encryption_at_rest: bool,
    /// Upper-case command names.
    pub disabled_commands: Vec<String>,
    /// A new password is added next to the previous one instead of replacing it.
    pub keep_previous_password: bool,
}

impl SecurityPlan {
    /// TLS as a client sees it: off, preferred (plain accepted too) or required.
    pub fn tls_state(&self) -> TlsState {
        match (self.tls, self.tls_mode) {
            (false, _) => TlsState::Off,
            (true, TlsMode::Preferred) => TlsState::Preferred,
            (true, TlsMode::Required) => TlsState::Required,
        }
    }
}

/// Whether and how a cache takes TLS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsState {
    Off,
    Preferred,
    Required,
}

impl TlsState {
    pub fn as_str(self) -> &'static str {
        match self {
            TlsState::Off => "off",
            TlsState::Preferred => "preferred",
            TlsState::Required => "required",
        }
    }
}

/// How an ElastiCache replication group authenticates clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AwsAuth {
    None,
    /// The group's AUTH token.
    Token,
    /// An RBAC user group whose default user has the password (ElastiCache's only way to
    /// refuse commands).
    Rbac,
}

impl AwsAuth {
    pub fn as_str(self) -> &'static str {
        match self {
            AwsAuth::None => "none",
            AwsAuth::Token => "token",
            AwsAuth::Rbac => "rbac",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ServerPlan {
    pub databases: u32,
    pub io_threads: u32,
    pub io_threads_do_reads: bool,
    pub slowlog_log_slower_than_us: i64,
    pub slowlog_max_len: u32,
    pub latency_monitor_threshold_ms: u32,
    pub keyspace_events: String,
    pub client_output_buffer_limits: BufferLimitsPlan,
    pub cluster_node_timeout_ms: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct BufferLimitsPlan {
    pub normal: String,
    pub replica: String,
    pub pubsub: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClientPlan {
    pub db: u32,
    pub connect_timeout_ms: u32,
    pub command_timeout_ms: u32,
    pub max_retries: u32,
    pub default_ttl_seconds: u32,
    pub max_entries: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct TargetsPlan {
    pub aws: Option<AwsPlan>,
    pub azure: Option<AzurePlan>,
    pub gcp: Option<GcpPlan>,
    pub compose: Option<ComposePlan>,
}

impl TargetsPlan {
    /// Whether a managed cloud service runs the cache (a compose stack may sit beside it for
    /// local work).
    pub fn has_cloud(&self) -> bool {
        self.aws.is_some() || self.azure.is_some() || self.gcp.is_some()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct AwsPlan {
    pub region: String,
    pub node_type: String,
    /// The smallest recommended node type whose memory after ElastiCache's reserve holds
    /// `max_memory` (none when no single node does).
    pub recommended_node_type: Option<&'static str>,
    pub kms_key_arn: Option<String>,
    pub log_retention_days: u32,
    pub apply_immediately: bool,
    /// How the replication group authenticates: no password, its AUTH token, or RBAC users
    /// (with `disabled_commands`, unless `attach_rbac_users: false` holds it on its token).
    pub auth: AwsAuth,
    /// The RBAC user and user group exist (attached under `Rbac`; created and waiting under
    /// `Token` with `attach_rbac_users: false`).
    pub rbac_users: bool,
    pub keep_auth_token: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct AzurePlan {
    pub service: AzureService,
    pub location: String,
    pub resource_group: String,
    pub sku: String,
    /// The smallest SKU of the spec's SKU family (Premium for an unknown Cache SKU, Balanced
    /// for an unknown Managed Redis SKU) that holds `max_memory`; none when none does.
    pub recommended_sku: Option<&'static str>,
    pub zones: Vec<String>,
    /// Clients may use the cache's access keys; false: Microsoft Entra ID only.
    pub access_keys: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct GcpPlan {
    pub region: String,
    pub tier: GcpTier,
    /// Instance capacity in GB (standalone and replicated modes): as written, or the smallest
    /// that holds `max_memory` (none when nothing does).
    pub memory_size_gb: Option<u32>,
    /// Cluster node type (cluster mode): as written, or the smallest whose keyspace holds
    /// `max_memory` (none when nothing does).
    pub node_type: Option<String>,
    /// Where the size comes from: `spec` or `derived`.
    pub size_from: &'static str,
    /// Whether an instance keeps 20% of its capacity out of `maxmemory-gb`, for the fork of a
    /// snapshot and replication buffers: it snapshots or replicates.
    pub headroom: bool,
    /// What cachegen derives (and uses when the spec gives no size): the smallest instance
    /// capacity, or cluster node type, that holds `max_memory`.
    pub recommended_memory_size_gb: Option<u32>,
    pub recommended_node_type: Option<&'static str>,
    /// Read replicas on a STANDARD_HA instance (`READ_REPLICAS_ENABLED`).
    pub read_replicas: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ComposePlan {
    pub image: String,
    pub container_name: String,
    pub host_port: u16,
    pub host_address: String,
    pub restart: RestartPolicy,
    pub mem_limit: String,
    pub mem_limit_bytes: u64,
    pub tls_dir: String,
    /// The IPv4 network the stack declares (`a.b.c.d/prefix`, as written; `subnet::Subnet`
    /// parses it): as written, or derived in cluster mode, where the nodes need fixed
    /// addresses. None: Docker picks the network.
    pub subnet: Option<String>,
}

impl ComposePlan {
    /// The host ports the stack's Redis services publish: `host_port`, or in cluster mode one
    /// per node counting up from it (node `i` on `host_port + i`).
    pub fn redis_host_ports(&self, topology: &TopologyPlan) -> Vec<u32> {
        let base = self.host_port as u32;
        if topology.is_cluster() {
            (0..topology.nodes).map(|i| base + i).collect()
        } else {
            vec![base]
        }
    }
}

/// The platform guide's production `save` points: what snapshots default to.
fn guide_save_points() -> Vec<SavePoint> {
    [(900, 1), (300, 10), (60, 10000)]
        .map(|(seconds, changes)| SavePoint { seconds, changes })
        .to_vec()
}

/// Resolve a valid spec into its Plan. `source` is the spec's path relative to the project.
/// Every default comes from the settings table (`v`); what the table calls derived is
/// computed here, and written back into `v` so that every reader sees one value.
pub fn resolve(spec: &Spec, source: &str) -> Plan {
    use crate::settings as s;
    let tier = spec.tier;
    let json = serde_json::to_value(spec).expect("a spec is JSON");
    let mut v = Values::resolve(&json, tier);
    let is_set = |row: &s::Setting| json.pointer(&row.pointer()).is_some_and(|x| !x.is_null());

    let engine = {
        let version: String = v.typed(&s::ENGINE_VERSION);
        let (major, minor) = version
            .split_once('.')
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
            .unwrap_or((0, 0));
        EnginePlan {
            kind: v.typed(&s::ENGINE_KIND),
            version,
            major,
            minor,
        }
    };

    let topology = {
        let mode: TopologyMode = v.typed(&s::TOPOLOGY_MODE);
        let cluster = mode == TopologyMode::Cluster;
        let shards = if cluster {
            v.typed::<Option<u32>>(&s::SHARDS).unwrap_or(3)
        } else {
            1
        };
        let replicas = v.typed::<Option<u32>>(&s::REPLICAS).unwrap_or(match mode {
            TopologyMode::Standalone => 0,
            TopologyMode::Replicated if tier == Tier::Production => 2,
            TopologyMode::Replicated => 1,
            TopologyMode::Cluster => 1,
        });
        let automatic_failover = v
            .typed::<Option<bool>>(&s::AUTOMATIC_FAILOVER)
            .unwrap_or(cluster || (replicas > 0 && tier != Tier::Development));
        let multi_zone = v
            .typed::<Option<bool>>(&s::MULTI_ZONE)
            .unwrap_or(automatic_failover && tier == Tier::Production);
        v.set(&s::SHARDS, shards);
        v.set(&s::REPLICAS, replicas);
        v.set(&s::AUTOMATIC_FAILOVER, automatic_failover);
        v.set(&s::MULTI_ZONE, multi_zone);
        TopologyPlan {
            mode,
            shards,
            replicas,
            automatic_failover,
            multi_zone,
            nodes: shards.saturating_mul(1 + replicas),
        }
    };

    let memory = {
        // Sized from the workload when the spec gives one and no size; else the tier's.
        let need = sizing::need(spec.workload.as_ref());
        let (max_memory, from) = match (is_set(&s::MAX_MEMORY), need) {
            (true, _) => (v.typed::<String>(&s::MAX_MEMORY), "spec"),
            (false, Some(need)) => (
                units::format_bytes(sizing::round_up_gb(need.bytes)),
                "workload",
            ),
            (false, None) => (v.typed::<String>(&s::MAX_MEMORY), "tier default"),
        };
        v.set(&s::MAX_MEMORY, &max_memory);
        MemoryPlan {
            max_memory_bytes: units::parse_memory(&max_memory).unwrap_or(0),
            max_memory,
            eviction_policy: v.typed(&s::EVICTION_POLICY),
            max_memory_from: from,
        }
    };

    let persistence = {
        let written = spec
            .persistence
            .as_ref()
            .and_then(|p| p.snapshots.as_ref())
            .is_some();
        let enabled = v
            .typed::<Option<bool>>(&s::SNAPSHOTS_ENABLED)
            .unwrap_or(written || tier != Tier::Development);
        let save = if enabled {
            v.typed::<Option<Vec<SavePoint>>>(&s::SAVE_POINTS)
                .unwrap_or_else(guide_save_points)
        } else {
            Vec::new()
        };
        // Nothing is kept of snapshots that are not taken, whatever the tier's default.
        let retention_days = if enabled || is_set(&s::SNAPSHOT_RETENTION_DAYS) {
            v.typed(&s::SNAPSHOT_RETENTION_DAYS)
        } else {
            0
        };
        v.set(&s::SNAPSHOTS_ENABLED, enabled);
        v.set(&s::SAVE_POINTS, &save);
        v.set(&s::SNAPSHOT_RETENTION_DAYS, retention_days);
        let shortest_period_seconds =
            enabled.then(|| save.iter().map(|p| p.seconds).min().unwrap_or(3600));
        PersistencePlan {
            snapshots: SnapshotsPlan {
                enabled,
                save,
                compression: v.typed(&s::SNAPSHOT_COMPRESSION),
                checksum: v.typed(&s::SNAPSHOT_CHECKSUM),
                retention_days,
                window: v.typed(&s::SNAPSHOT_WINDOW),
                shortest_period_seconds,
            },
            aof: AofPlan {
                enabled: v.typed(&s::AOF_ENABLED),
                fsync: v.typed(&s::AOF_FSYNC),
                rewrite_percentage: v.typed(&s::AOF_REWRITE_PERCENTAGE),
                rewrite_min_size: v.typed(&s::AOF_REWRITE_MIN_SIZE),
            },
        }
    };

    let maintenance = MaintenancePlan {
        window: v.typed(&s::MAINTENANCE_WINDOW),
        auto_minor_version_upgrade: v.typed(&s::AUTO_MINOR_VERSION_UPGRADE),
    };

    let network = NetworkPlan {
        port: v.typed(&s::PORT),
        allowed_cidrs: v.typed(&s::ALLOWED_CIDRS),
        public_access: v.typed(&s::PUBLIC_ACCESS),
        tcp_backlog: v.typed(&s::TCP_BACKLOG),
        idle_timeout_seconds: v.typed(&s::IDLE_TIMEOUT),
        tcp_keepalive_seconds: v.typed(&s::TCP_KEEPALIVE),
    };

    let security = {
        let auth: bool = v.typed(&s::AUTH_ENABLED);
        let password = auth.then(|| {
            v.typed::<Option<SecretRef>>(&s::PASSWORD)
                .unwrap_or_else(|| SecretRef::Env("REDIS_PASSWORD".into()))
        });
        v.set(&s::PASSWORD, &password);
        let mut disabled_commands: Vec<String> = v
            .typed::<Vec<crate::spec::CommandName>>(&s::DISABLED_COMMANDS)
            .iter()
            .map(|c| c.upper())
            .collect();
        disabled_commands.dedup();
        SecurityPlan {
            tls: v.typed(&s::TLS_ENABLED),
            tls_min_version: v.typed(&s::TLS_MIN_VERSION),
            tls_mode: v.typed(&s::TLS_MODE),
            auth,
            password,
            encryption_at_rest: v.typed(&s::ENCRYPTION_AT_REST),
            disabled_commands,
            keep_previous_password: v.typed::<crate::spec::AuthRotation>(&s::AUTH_ROTATION)
                == crate::spec::AuthRotation::Overlap,
        }
    };

    let server = ServerPlan {
        databases: v.typed(&s::DATABASES),
        io_threads: v.typed(&s::IO_THREADS),
        io_threads_do_reads: v.typed(&s::IO_THREADS_DO_READS),
        slowlog_log_slower_than_us: v.typed(&s::SLOWLOG_LOG_SLOWER_THAN),
        slowlog_max_len: v.typed(&s::SLOWLOG_MAX_LEN),
        latency_monitor_threshold_ms: v.typed(&s::LATENCY_MONITOR_THRESHOLD),
        keyspace_events: v.typed(&s::KEYSPACE_EVENTS),
        client_output_buffer_limits: BufferLimitsPlan {
            normal: v.typed(&s::BUFFER_LIMIT_NORMAL),
            replica: v.typed(&s::BUFFER_LIMIT_REPLICA),
            pubsub: v.typed(&s::BUFFER_LIMIT_PUBSUB),
        },
        cluster_node_timeout_ms: v.typed(&s::CLUSTER_NODE_TIMEOUT),
    };

    let client = ClientPlan {
        db: v.typed(&s::CLIENT_DB),
        connect_timeout_ms: v.typed(&s::CONNECT_TIMEOUT),
        command_timeout_ms: v.typed(&s::COMMAND_TIMEOUT),
        max_retries: v.typed(&s::MAX_RETRIES),
        default_ttl_seconds: v.typed(&s::DEFAULT_TTL),
        max_entries: v.typed(&s::MAX_ENTRIES),
    };

    let resource_name = format!("{}-{}", spec.name, spec.environment);

    let targets = TargetsPlan {
        aws: spec.targets.aws.as_ref().map(|a| {
            let keep_auth_token = !v.typed::<bool>(&s::AWS_ATTACH_RBAC_USERS);
            let wants_users = security.auth && !security.disabled_commands.is_empty();
            let auth = match (security.auth, wants_users, keep_auth_token) {
                (false, _, _) => AwsAuth::None,
                (true, true, false) => AwsAuth::Rbac,
                (true, _, _) => AwsAuth::Token,
            };
            AwsPlan {
                region: a.region.clone(),
                node_type: a.node_type.clone(),
                recommended_node_type: aws::smallest_node_for(memory.max_memory_bytes, engine.kind)
                    .map(|n| n.name),
                kms_key_arn: a.kms_key_arn.clone(),
                log_retention_days: v.typed(&s::AWS_LOG_RETENTION_DAYS),
                apply_immediately: v.typed(&s::AWS_APPLY_IMMEDIATELY),
                auth,
                rbac_users: wants_users,
                keep_auth_token,
            }
        }),
        azure: spec.targets.azure.as_ref().map(|a| AzurePlan {
            service: a.service,
            location: a.location.clone(),
            resource_group: a.resource_group.clone(),
            sku: a.sku.clone(),
            recommended_sku: match a.service {
                AzureService::Managed => azure::smallest_managed_for(
                    memory.max_memory_bytes,
                    azure::managed_sku(&a.sku)
                        .map(|s| s.family)
                        .unwrap_or(azure::ManagedFamily::Balanced),
                )
                .map(|s| s.name),
                AzureService::Cache => azure::smallest_cache_for(
                    memory.max_memory_bytes,
                    azure::cache_sku(&a.sku)
                        .map(|s| s.tier)
                        .unwrap_or(azure::CacheTier::Premium),
                )
                .map(|s| s.name),
            },
            zones: v.typed(&s::AZURE_ZONES),
            access_keys: {
                // Azure Cache for Redis keeps its keys unless told otherwise; Azure Managed
                // Redis has no password without them, so they follow authentication.
                let keys = match a.service {
                    AzureService::Cache => a.access_keys.unwrap_or(true),
                    AzureService::Managed => a.access_keys.unwrap_or(true) && security.auth,
                };
                v.set(&s::AZURE_ACCESS_KEYS, keys);
                keys
            },
        }),
        gcp: spec.targets.gcp.as_ref().map(|g| {
            let tier = g
                .tier
                .unwrap_or(if topology.automatic_failover || topology.replicas > 0 {
                    GcpTier::StandardHa
                } else {
                    GcpTier::Basic
                });
            let headroom = gcp::instance_headroom(persistence.snapshots.enabled, topology.replicas);
            let read_replicas = !topology.is_cluster()
                && tier == GcpTier::StandardHa
                && g.read_replicas.unwrap_or(topology.replicas > 1);
            // Read replicas need a larger instance than the smallest Memorystore offers.
            let min_gb = if read_replicas {
                gcp::READ_REPLICAS_MIN_GB
            } else {
                gcp::INSTANCE_MIN_GB
            };
            let recommended_memory_size_gb =
                gcp::instance_size_for(memory.max_memory_bytes, headroom, min_gb);
            let recommended_node_type =
                gcp::node_type_for(memory.max_memory_bytes, spec.tier != Tier::Production)
                    .map(|n| n.name);
            let (given, memory_size_gb, node_type) = if topology.is_cluster() {
                (
                    g.node_type.is_some(),
                    g.memory_size_gb,
                    g.node_type
                        .clone()
                        .or_else(|| recommended_node_type.map(str::to_string)),
                )
            } else {
                (
                    g.memory_size_gb.is_some(),
                    g.memory_size_gb.or(recommended_memory_size_gb),
                    g.node_type.clone(),
                )
            };
            v.set(&s::GCP_TIER, tier);
            v.set(&s::GCP_MEMORY_SIZE_GB, memory_size_gb);
            v.set(&s::GCP_NODE_TYPE, &node_type);
            v.set(&s::GCP_READ_REPLICAS, read_replicas);
            GcpPlan {
                region: g.region.clone(),
                tier,
                memory_size_gb,
                node_type,
                size_from: if given { "spec" } else { "derived" },
                headroom,
                recommended_memory_size_gb,
                recommended_node_type,
                read_replicas,
            }
        }),
        compose: spec.targets.compose.as_ref().map(|c| {
            let persistent = persistence.snapshots.enabled || persistence.aof.enabled;
            let (mem_limit, mem_limit_bytes) = match c.mem_limit.as_ref() {
                Some(m) => (m.as_str().to_string(), m.bytes().unwrap_or(0)),
                None => {
                    let b = sizing::container_limit(memory.max_memory_bytes, persistent);
                    (units::format_bytes(b), b)
                }
            };
            let plan = ComposePlan {
                image: c.image.clone().unwrap_or_else(|| default_image(&engine)),
                container_name: c
                    .container_name
                    .clone()
                    .unwrap_or_else(|| resource_name.clone()),
                host_port: c.host_port.unwrap_or(network.port),
                host_address: c.host_address.clone().unwrap_or_else(|| {
                    if network.public_access {
                        "0.0.0.0"
                    } else {
                        "127.0.0.1"
                    }
                    .into()
                }),
                restart: v.typed(&s::COMPOSE_RESTART),
                mem_limit,
                mem_limit_bytes,
                tls_dir: v.typed(&s::COMPOSE_TLS_DIR),
                subnet: c.subnet.clone().or_else(|| {
                    topology
                        .is_cluster()
                        .then(|| subnet::derived(&spec.name, &spec.environment))
                }),
            };
            v.set(&s::COMPOSE_IMAGE, &plan.image);
            v.set(&s::COMPOSE_CONTAINER_NAME, &plan.container_name);
            v.set(&s::COMPOSE_HOST_PORT, plan.host_port);
            v.set(&s::COMPOSE_HOST_ADDRESS, &plan.host_address);
            v.set(&s::COMPOSE_MEM_LIMIT, &plan.mem_limit);
            v.set(&s::COMPOSE_SUBNET, &plan.subnet);
            plan
        }),
    };

    let monitoring = monitoring::resolve(&v, topology.replicas > 0, targets.compose.is_some());

    let mut labels = spec.labels.clone().unwrap_or_default();
    labels.insert("managed-by".into(), "cachegen".into());
    labels.insert("environment".into(), spec.environment.clone());

    Plan {
        source: source.to_string(),
        name: spec.name.clone(),
        environment: spec.environment.clone(),
        tier: spec.tier,
        resource_name,
        labels,
        engine,
        topology,
        memory,
        persistence,
        maintenance,
        network,
        security,
        server,
        client,
        monitoring,
        targets,
        exceptions: spec
            .policy
            .as_ref()
            .and_then(|p| p.exceptions.as_ref())
            .map(|e| {
                e.iter()
                    .map(|x| Waiver {
                        rule: x.rule.clone(),
                        reason: x.reason.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        accept_replacement: spec
            .policy
            .as_ref()
            .and_then(|p| p.accept_replacement.clone()),
        values: v,
    }
}

/// The official image of the engine at the spec's version.
fn default_image(engine: &EnginePlan) -> String {
    match engine.kind {
        EngineKind::Redis => format!("redis:{}-alpine", engine.version),
        EngineKind::Valkey => format!("valkey/valkey:{}-alpine", engine.version),
    }
}
