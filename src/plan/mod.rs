//! The Plan: a spec with every default filled in from its tier and every derived value
//! computed (resource names, sizes, the container's memory limit). Targets render from the
//! Plan alone and never read YAML; rules read the Plan and ask the source tree where a
//! setting was written.

pub mod defaults;
pub mod sizing;

use crate::facts::{aws, azure, gcp};
use crate::spec::{
    AofFsync, AzureService, EngineKind, EvictionPolicy, GcpTier, MaintenanceWindow, RestartPolicy,
    SavePoint, SecretRef, SnapshotWindow, Spec, Tier, TlsVersion, TopologyMode, units,
};
use defaults::TierDefaults;
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
    pub targets: TargetsPlan,
    /// Rules waived for this spec, with their reasons.
    pub exceptions: Vec<Waiver>,
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
    pub eviction_samples: u32,
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
    pub auth: bool,
    /// Where the password comes from (when auth is on).
    pub password: Option<SecretRef>,
    pub encryption_at_rest: bool,
    /// Upper-case command names.
    pub disabled_commands: Vec<String>,
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
    /// The cloud this environment runs on, if any.
    pub fn cloud(&self) -> Option<&'static str> {
        if self.aws.is_some() {
            Some("aws")
        } else if self.azure.is_some() {
            Some("azure")
        } else if self.gcp.is_some() {
            Some("gcp")
        } else {
            None
        }
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
}

/// Resolve a valid spec into its Plan. `source` is the spec's path relative to the project.
pub fn resolve(spec: &Spec, source: &str) -> Plan {
    let d = TierDefaults::of(spec.tier);

    let engine = {
        let e = spec.engine.as_ref();
        let kind = e.and_then(|e| e.kind).unwrap_or(EngineKind::Redis);
        let version = e
            .and_then(|e| e.version.clone())
            .unwrap_or_else(|| d.engine_version.to_string());
        let (major, minor) = version
            .split_once('.')
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
            .unwrap_or((0, 0));
        EnginePlan {
            kind,
            version,
            major,
            minor,
        }
    };

    let topology = {
        let t = spec.topology.as_ref();
        let mode = t.and_then(|t| t.mode).unwrap_or(d.mode);
        let shards = match mode {
            TopologyMode::Cluster => t.and_then(|t| t.shards).unwrap_or(3),
            _ => 1,
        };
        let replicas = t.and_then(|t| t.replicas).unwrap_or(match mode {
            TopologyMode::Standalone => 0,
            TopologyMode::Replicated => d.replicas.max(1),
            TopologyMode::Cluster => 1,
        });
        let automatic_failover = t.and_then(|t| t.automatic_failover).unwrap_or(
            mode == TopologyMode::Cluster || (replicas > 0 && spec.tier != Tier::Development),
        );
        let multi_zone = t
            .and_then(|t| t.multi_zone)
            .unwrap_or(automatic_failover && spec.tier == Tier::Production);
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
        let m = spec.memory.as_ref();
        let (max_memory, from) = match m.and_then(|m| m.max_memory.as_ref()) {
            Some(s) => (s.as_str().to_string(), "spec"),
            None => match sizing::need(spec.workload.as_ref()) {
                Some(need) => (
                    units::format_bytes(sizing::round_up_gb(need.bytes)),
                    "workload",
                ),
                None => (d.max_memory.to_string(), "tier default"),
            },
        };
        MemoryPlan {
            max_memory_bytes: units::parse_memory(&max_memory).unwrap_or(0),
            max_memory,
            eviction_policy: m
                .and_then(|m| m.eviction_policy)
                .unwrap_or(EvictionPolicy::AllkeysLru),
            eviction_samples: m.and_then(|m| m.eviction_samples).unwrap_or(5),
            max_memory_from: from,
        }
    };

    let persistence = {
        let p = spec.persistence.as_ref();
        let s = p.and_then(|p| p.snapshots.as_ref());
        let enabled = s.map(|s| s.enabled.unwrap_or(true)).unwrap_or(d.snapshots);
        let save = if enabled {
            s.and_then(|s| s.save.clone())
                .unwrap_or_else(defaults::guide_save_points)
        } else {
            Vec::new()
        };
        let shortest_period_seconds =
            enabled.then(|| save.iter().map(|p| p.seconds).min().unwrap_or(3600));
        let a = p.and_then(|p| p.aof.as_ref());
        PersistencePlan {
            snapshots: SnapshotsPlan {
                enabled,
                save,
                compression: s.and_then(|s| s.compression).unwrap_or(true),
                checksum: s.and_then(|s| s.checksum).unwrap_or(true),
                retention_days: s.and_then(|s| s.retention_days).unwrap_or(if enabled {
                    d.retention_days
                } else {
                    0
                }),
                window: s.and_then(|s| s.window.clone()),
                shortest_period_seconds,
            },
            aof: AofPlan {
                enabled: a.and_then(|a| a.enabled).unwrap_or(false),
                fsync: a.and_then(|a| a.fsync).unwrap_or(AofFsync::Everysec),
                rewrite_percentage: a.and_then(|a| a.rewrite_percentage).unwrap_or(100),
                rewrite_min_size: a
                    .and_then(|a| a.rewrite_min_size.as_ref())
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_else(|| "64mb".into()),
            },
        }
    };

    let maintenance = {
        let m = spec.maintenance.as_ref();
        MaintenancePlan {
            window: m.and_then(|m| m.window.clone()),
            auto_minor_version_upgrade: m
                .and_then(|m| m.auto_minor_version_upgrade)
                .unwrap_or(true),
        }
    };

    let network = {
        let n = spec.network.as_ref();
        NetworkPlan {
            port: n.and_then(|n| n.port).unwrap_or(6379),
            allowed_cidrs: n.and_then(|n| n.allowed_cidrs.clone()).unwrap_or_default(),
            public_access: n.and_then(|n| n.public_access).unwrap_or(false),
            tcp_backlog: n.and_then(|n| n.tcp_backlog).unwrap_or(511),
            idle_timeout_seconds: n.and_then(|n| n.idle_timeout_seconds).unwrap_or(300),
            tcp_keepalive_seconds: n.and_then(|n| n.tcp_keepalive_seconds).unwrap_or(300),
        }
    };

    let security = {
        let s = spec.security.as_ref();
        let auth = s.and_then(|s| s.auth.as_ref());
        let auth_enabled = auth.and_then(|a| a.enabled).unwrap_or(true);
        SecurityPlan {
            tls: s
                .and_then(|s| s.tls.as_ref())
                .and_then(|t| t.enabled)
                .unwrap_or(d.tls),
            tls_min_version: s
                .and_then(|s| s.tls.as_ref())
                .and_then(|t| t.min_version)
                .unwrap_or(TlsVersion::V1_2),
            auth: auth_enabled,
            password: auth_enabled.then(|| {
                auth.and_then(|a| a.password.clone())
                    .unwrap_or_else(|| SecretRef::Env("REDIS_PASSWORD".into()))
            }),
            encryption_at_rest: s
                .and_then(|s| s.encryption_at_rest)
                .unwrap_or(d.encryption_at_rest),
            disabled_commands: s
                .and_then(|s| s.disabled_commands.as_ref())
                .map(|c| {
                    let mut v: Vec<String> = c.iter().map(|c| c.upper()).collect();
                    v.dedup();
                    v
                })
                .unwrap_or_else(|| d.disabled_commands.iter().map(|c| c.to_string()).collect()),
        }
    };

    let server = {
        let s = spec.server.as_ref();
        let slow = s.and_then(|s| s.slowlog.as_ref());
        let cob = s.and_then(|s| s.client_output_buffer_limits.as_ref());
        ServerPlan {
            databases: s.and_then(|s| s.databases).unwrap_or(16),
            io_threads: s.and_then(|s| s.io_threads).unwrap_or(1),
            io_threads_do_reads: s.and_then(|s| s.io_threads_do_reads).unwrap_or(false),
            slowlog_log_slower_than_us: slow.and_then(|s| s.log_slower_than_us).unwrap_or(10000),
            slowlog_max_len: slow.and_then(|s| s.max_len).unwrap_or(128),
            latency_monitor_threshold_ms: s
                .and_then(|s| s.latency_monitor_threshold_ms)
                .unwrap_or(0),
            keyspace_events: s
                .and_then(|s| s.keyspace_events.clone())
                .unwrap_or_default(),
            client_output_buffer_limits: BufferLimitsPlan {
                normal: cob
                    .and_then(|c| c.normal.as_ref())
                    .map(|c| c.0.clone())
                    .unwrap_or_else(|| "0 0 0".into()),
                replica: cob
                    .and_then(|c| c.replica.as_ref())
                    .map(|c| c.0.clone())
                    .unwrap_or_else(|| "256mb 64mb 60".into()),
                pubsub: cob
                    .and_then(|c| c.pubsub.as_ref())
                    .map(|c| c.0.clone())
                    .unwrap_or_else(|| "32mb 8mb 60".into()),
            },
            cluster_node_timeout_ms: s.and_then(|s| s.cluster_node_timeout_ms).unwrap_or(15000),
        }
    };

    let client = {
        let c = spec.client.as_ref();
        ClientPlan {
            db: c.and_then(|c| c.db).unwrap_or(0),
            connect_timeout_ms: c.and_then(|c| c.connect_timeout_ms).unwrap_or(10000),
            command_timeout_ms: c.and_then(|c| c.command_timeout_ms).unwrap_or(5000),
            max_retries: c.and_then(|c| c.max_retries).unwrap_or(3),
            default_ttl_seconds: c.and_then(|c| c.default_ttl_seconds).unwrap_or(300),
            max_entries: c.and_then(|c| c.max_entries).unwrap_or(1_000_000),
        }
    };

    let resource_name = format!("{}-{}", spec.name, spec.environment);

    let targets = TargetsPlan {
        aws: spec.targets.aws.as_ref().map(|a| AwsPlan {
            region: a.region.clone(),
            node_type: a.node_type.clone(),
            recommended_node_type: aws::smallest_node_for(memory.max_memory_bytes, engine.kind)
                .map(|n| n.name),
            kms_key_arn: a.kms_key_arn.clone(),
            log_retention_days: a
                .log_retention_days
                .unwrap_or(if spec.tier == Tier::Production {
                    365
                } else {
                    30
                }),
            apply_immediately: a.apply_immediately.unwrap_or(spec.tier != Tier::Production),
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
            zones: a.zones.clone().unwrap_or_default(),
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
            // Read replicas need a larger instance than the smallest Memorystore offers.
            let min_gb = if topology.replicas > 1 {
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
            GcpPlan {
                region: g.region.clone(),
                tier,
                memory_size_gb,
                node_type,
                size_from: if given { "spec" } else { "derived" },
                headroom,
                recommended_memory_size_gb,
                recommended_node_type,
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
            ComposePlan {
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
                restart: c.restart.unwrap_or(RestartPolicy::UnlessStopped),
                mem_limit,
                mem_limit_bytes,
                tls_dir: c.tls_dir.clone().unwrap_or_else(|| "./tls".into()),
            }
        }),
    };

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
    }
}

/// The official image of the engine at the spec's version.
fn default_image(engine: &EnginePlan) -> String {
    match engine.kind {
        EngineKind::Redis => format!("redis:{}-alpine", engine.version),
        EngineKind::Valkey => format!("valkey/valkey:{}-alpine", engine.version),
    }
}
