//! Azure: `terraform/azure/{versions,variables,main,outputs}.tf` for Azure Managed Redis
//! (`service: managed`, `azurerm_managed_redis`, Redis 7.4) or Azure Cache for Redis
//! (`service: cache`, `azurerm_redis_cache`, Redis 6, being retired), each behind a private
//! endpoint unless the spec asks for public access. The two services are two platforms (what
//! they honour differs widely) that share one renderer.
//!
//! Azure generates the access keys: the primary key is the sensitive output `redis_password`,
//! never a file's content. Storage connection strings for Premium persistence come from
//! sensitive variables.

mod render;

use crate::diagnostics::codes;
use crate::facts::azure;
use crate::plan::{AzurePlan, Plan};
use crate::settings::{
    Platform, Setting, Support, approximated, mapped, not_applicable, refused, unsupported,
};
use crate::spec::{AofFsync, AzureService, TopologyMode};
use crate::targets::{Backend, Endpoint, OutFile, RenderInput};

/// The module's folder under the environment's.
const TERRAFORM_DIR: &str = "azure";

/// Azure Cache for Redis (`service: cache`).
pub struct AzureCache;

/// Azure Managed Redis (`service: managed`).
pub struct AzureManaged;

fn service_of(plan: &Plan) -> Option<AzureService> {
    plan.targets.azure.as_ref().map(|a| a.service)
}

/// Whether clients authenticate with the cache's access keys (else Microsoft Entra ID).
fn keys_on(plan: &Plan) -> bool {
    plan.targets.azure.as_ref().is_some_and(|a| a.access_keys)
}

/// How the application reaches either service: the port the service fixes, and the primary
/// access key from a sensitive output (or an Entra ID token when the keys are off).
fn endpoint(plan: &Plan, port: u16, keys_on: bool) -> Endpoint {
    Endpoint {
        port,
        tls: plan.security.tls,
        password_from: Some(if keys_on {
            format!(
                "the sensitive Terraform output redis_password: terraform -chdir=terraform/{TERRAFORM_DIR} output -raw redis_password"
            )
        } else {
            "a Microsoft Entra ID access token (the access keys are off)".to_string()
        }),
        after_apply: crate::targets::dotenv::after_apply(plan, TERRAFORM_DIR, port),
        ..Endpoint::default()
    }
}

impl Backend for AzureCache {
    fn platform(&self) -> Platform {
        Platform::AzureCache
    }

    fn listed(&self, plan: &Plan) -> bool {
        service_of(plan) == Some(AzureService::Cache)
    }

    fn service(&self, _plan: &Plan) -> &'static str {
        "Azure Cache for Redis"
    }

    fn vendor(&self) -> &'static str {
        "Azure"
    }

    fn config_key(&self, key: &str) -> Support {
        mapped(format!("`redis_configuration.{key}`"))
    }

    fn support(&self, setting: &Setting, plan: &Plan) -> Option<Support> {
        cache_support(setting, plan, plan.targets.azure.as_ref())
    }

    fn endpoint(&self, plan: &Plan) -> Endpoint {
        let port = if plan.security.tls {
            azure::CACHE_TLS_PORT
        } else {
            azure::CACHE_PORT
        };
        endpoint(plan, port, keys_on(plan))
    }

    fn render(&self, input: &RenderInput) -> Result<Vec<OutFile>, String> {
        render::render(input)
    }
}

impl Backend for AzureManaged {
    fn platform(&self) -> Platform {
        Platform::AzureManaged
    }

    fn listed(&self, plan: &Plan) -> bool {
        service_of(plan) == Some(AzureService::Managed)
    }

    fn service(&self, _plan: &Plan) -> &'static str {
        "Azure Managed Redis"
    }

    fn vendor(&self) -> &'static str {
        "Azure"
    }

    fn config_key(&self, key: &str) -> Support {
        mapped(format!("`{key}`"))
    }

    fn support(&self, setting: &Setting, plan: &Plan) -> Option<Support> {
        managed_support(setting, plan)
    }

    fn endpoint(&self, plan: &Plan) -> Endpoint {
        endpoint(plan, azure::MANAGED_PORT, keys_on(plan))
    }

    fn render(&self, input: &RenderInput) -> Result<Vec<OutFile>, String> {
        render::render(input)
    }
}

/// Settings both services treat alike.
fn common_support(setting: &Setting, plan: &Plan, service: &str) -> Option<Support> {
    let aof = plan.persistence.aof.enabled;
    let snapshots = plan.persistence.snapshots.enabled;
    Some(match setting.path {
        "labels" => mapped("tags on every resource, with `managed-by` and `environment`"),
        "engine.kind" => match plan.engine.kind {
            crate::spec::EngineKind::Redis => mapped("Redis (Azure has no Valkey)"),
            crate::spec::EngineKind::Valkey => {
                refused(codes::AZURE_ENGINE_VERSION, "Azure runs Redis, not Valkey")
            }
        },
        "persistence.snapshots.window" => {
            if snapshots {
                unsupported("Azure snapshots at a fixed frequency, not in a daily window")
            } else {
                not_applicable("snapshots are off")
            }
        }
        "persistence.aof.fsync" => {
            if !aof {
                not_applicable("AOF is off")
            } else if plan.persistence.aof.fsync == AofFsync::Everysec {
                mapped("Azure writes the AOF every second")
            } else {
                approximated("Azure writes the AOF every second")
            }
        }
        "network.public_access" => mapped(if plan.network.public_access {
            "public network access on"
        } else {
            "public network access off, and a private endpoint in `var.subnet_id`"
        }),
        "security.auth.password" => {
            if plan.security.auth {
                unsupported(format!(
                    "{service} generates its access keys; the primary key is the sensitive Terraform output `redis_password`, and a spec's password cannot be set"
                ))
            } else {
                not_applicable("authentication is off")
            }
        }
        _ => return None,
    })
}

fn cache_support(setting: &Setting, plan: &Plan, target: Option<&AzurePlan>) -> Option<Support> {
    use Support::Honoured;
    use azure::CacheTier::{Basic, Premium, Standard};
    const SERVICE: &str = "Azure Cache for Redis";
    if let Some(s) = common_support(setting, plan, SERVICE) {
        return Some(s);
    }
    let sku = target.and_then(|t| azure::cache_sku(&t.sku));
    let tier = sku.map(|s| s.tier).unwrap_or(Premium);
    let t = &plan.topology;
    let aof = plan.persistence.aof.enabled;
    let snapshots = plan.persistence.snapshots.enabled;
    Some(match setting.path {
        "engine.version" => {
            if (plan.engine.major, plan.engine.minor) == (6, 0) {
                mapped("`redis_version = \"6\"`")
            } else if plan.engine.major != 6 && !waived(plan, codes::AZURE_ENGINE_VERSION) {
                refused(
                    codes::AZURE_ENGINE_VERSION,
                    "Azure Cache for Redis offers Redis 6 only",
                )
            } else {
                approximated(
                    "Azure Cache for Redis runs Redis 6.0 (`redis_version = \"6\"`); Redis 7.4 is on Azure Managed Redis (`service: managed`)",
                )
            }
        }
        "topology.mode" => match (t.mode, tier) {
            (TopologyMode::Cluster, _) => mapped("OSS clustering: `shard_count` (Premium)"),
            (TopologyMode::Replicated, _) => mapped("a primary with its replica(s)"),
            (TopologyMode::Standalone, Basic) => Honoured,
            (TopologyMode::Standalone, _) => {
                approximated("Standard and Premium caches always keep a replica")
            }
        },
        "topology.shards" => {
            if t.is_cluster() {
                mapped("`shard_count`")
            } else {
                not_applicable("not in cluster mode")
            }
        }
        "topology.replicas" => match (tier, t.replicas) {
            (Basic, 0) => Honoured,
            (Basic, _) => refused(codes::AZURE_PREMIUM_ONLY, "a Basic cache has no replica"),
            (Standard, 0) | (Premium, 0) => {
                approximated("Standard and Premium caches always keep one replica")
            }
            (_, 1) => mapped("one replica per primary (Azure's default)"),
            (Premium, n) if n <= Premium.max_replicas() => mapped("`replicas_per_primary`"),
            (Standard, _) => refused(
                codes::AZURE_PREMIUM_ONLY,
                "a Standard cache keeps one replica",
            ),
            (_, n) => refused(
                codes::AZURE_CACHE_REPLICAS,
                format!(
                    "a Premium cache takes at most {} replicas per primary, not {n}",
                    Premium.max_replicas()
                ),
            ),
        },
        "topology.automatic_failover" => match (tier, t.automatic_failover) {
            (Basic, true) => refused(
                codes::AZURE_PREMIUM_ONLY,
                "a Basic cache has no replica to fail over to",
            ),
            (Basic, false) => Honoured,
            (_, true) => mapped("Azure fails over to the replica"),
            (_, false) => approximated("Standard and Premium caches always fail over"),
        },
        "topology.multi_zone" => {
            let zones = target.map(|t| t.zones.len()).unwrap_or(0);
            if !t.multi_zone {
                Honoured
            } else if tier == Premium && zones >= 2 {
                mapped("`zones` (targets.azure.zones)")
            } else {
                unsupported(
                    "the cache stays in one zone: list `targets.azure.zones` on a Premium cache to spread it",
                )
            }
        }
        "memory.max_memory" => {
            if tier == Basic {
                mapped("checked against the SKU's size")
            } else {
                mapped(
                    "checked against the SKU's size; `maxmemory_reserved` keeps the rest of it out of `maxmemory`",
                )
            }
        }
        "persistence.snapshots.enabled" => {
            if !snapshots {
                Honoured
            } else if tier != Premium {
                refused(
                    codes::AZURE_PREMIUM_ONLY,
                    "Azure persists data only on Premium caches",
                )
            } else if aof {
                not_applicable("the AOF is the persistence (Azure takes one method)")
            } else {
                mapped("RDB persistence to a storage account (`rdb_backup_enabled`)")
            }
        }
        "persistence.snapshots.save" => {
            if !snapshots {
                not_applicable("snapshots are off")
            } else if tier != Premium {
                unsupported("Azure persists data only on Premium caches")
            } else {
                let freq = plan
                    .persistence
                    .snapshots
                    .shortest_period_seconds
                    .map(azure::cache_rdb_frequency)
                    .unwrap_or(60);
                save_support(
                    plan,
                    u64::from(freq) * 60,
                    &format!("a snapshot every {freq} minutes (`rdb_backup_frequency`)"),
                )
            }
        }
        "persistence.snapshots.retention_days" => {
            if snapshots {
                unsupported(
                    "Azure keeps the latest snapshot in the storage account; keep older ones with the account's lifecycle rules",
                )
            } else {
                not_applicable("snapshots are off")
            }
        }
        "persistence.aof.enabled" => {
            if !aof {
                Honoured
            } else if tier == Premium {
                mapped("`aof_backup_enabled` to a storage account")
            } else {
                refused(
                    codes::AZURE_PREMIUM_ONLY,
                    "Azure keeps an AOF only on Premium caches (Terraform would silently drop it)",
                )
            }
        }
        "maintenance.window" => match plan.maintenance.window.as_ref().and_then(|w| w.span()) {
            Some(s)
                if s.start % 60 == 0
                    && s.minutes % 60 == 0
                    && s.minutes >= azure::PATCH_WINDOW_MIN_HOURS * 60 =>
            {
                mapped("`patch_schedule`")
            }
            Some(_) => approximated(
                "`patch_schedule` starts on the hour (`start_hour_utc`) and lasts whole hours, at least 5 (PT5H)",
            ),
            None => Honoured,
        },
        "network.port" => {
            let fixed = if plan.security.tls {
                azure::CACHE_TLS_PORT
            } else {
                azure::CACHE_PORT
            };
            if plan.network.port == fixed {
                Honoured
            } else {
                unsupported(format!(
                    "Azure Cache for Redis listens on {} (TLS) and {} (without TLS); ports are fixed",
                    azure::CACHE_TLS_PORT,
                    azure::CACHE_PORT
                ))
            }
        }
        "network.allowed_cidrs" => {
            let cidrs = &plan.network.allowed_cidrs;
            if cidrs.is_empty() {
                Honoured
            } else if !plan.network.public_access {
                unsupported(
                    "the cache is reachable only through its private endpoint in `var.subnet_id`; restrict clients with that subnet's network security group",
                )
            } else if cidrs.iter().any(|c| c.contains(':')) {
                approximated("one firewall rule per IPv4 CIDR; Azure firewall rules take no IPv6")
            } else {
                mapped("one firewall rule per CIDR")
            }
        }
        "security.tls.enabled" => {
            if plan.security.tls {
                mapped("`non_ssl_port_enabled = false`: TLS only, on 6380")
            } else {
                approximated(
                    "`non_ssl_port_enabled = true`: 6379 serves without TLS, and 6380 with TLS stays open",
                )
            }
        }
        "security.auth.enabled" => {
            if plan.security.auth {
                mapped("access keys (`access_keys_authentication_enabled`)")
            } else {
                unsupported(
                    "Azure Cache for Redis requires a key unless it is injected into a VNet; the access keys stay on",
                )
            }
        }
        "server.keyspace_events" => {
            if plan.server.keyspace_events.is_empty() {
                Honoured
            } else if tier == Basic {
                unsupported("a Basic cache has no keyspace notifications setting")
            } else {
                mapped("`redis_configuration.notify_keyspace_events`")
            }
        }
        _ => return None,
    })
}

fn managed_support(setting: &Setting, plan: &Plan) -> Option<Support> {
    use Support::Honoured;
    const SERVICE: &str = "Azure Managed Redis";
    if let Some(s) = common_support(setting, plan, SERVICE) {
        return Some(s);
    }
    let t = &plan.topology;
    let aof = plan.persistence.aof.enabled;
    let snapshots = plan.persistence.snapshots.enabled;
    let (major, minor) = azure::MANAGED_REDIS_VERSION;
    Some(match setting.path {
        "engine.version" => {
            if (plan.engine.major, plan.engine.minor) == (major, minor) {
                mapped("Redis 7.4 (Azure Managed Redis has no version argument)")
            } else if plan.engine.major != 7 || plan.engine.minor > minor {
                refused(
                    codes::AZURE_ENGINE_VERSION,
                    "Azure Managed Redis runs Redis 7.4",
                )
            } else {
                approximated("Azure Managed Redis runs Redis 7.4, compatible with Redis 7 clients")
            }
        }
        "topology.mode" => mapped(if t.is_cluster() {
            "`clustering_policy = \"OSSCluster\"`: clients speak the cluster protocol"
        } else {
            "`clustering_policy = \"EnterpriseCluster\"`: one endpoint, Azure shards behind it"
        }),
        "topology.shards" => {
            if t.is_cluster() {
                unsupported(
                    "Azure Managed Redis sizes its shards from the SKU; the count is not settable",
                )
            } else {
                not_applicable("not in cluster mode")
            }
        }
        "topology.replicas" => match t.replicas {
            0 => mapped("`high_availability_enabled = false`"),
            1 => mapped("`high_availability_enabled = true`: one replica per shard"),
            _ => approximated(
                "Azure Managed Redis keeps one replica per shard (`high_availability_enabled`)",
            ),
        },
        "topology.automatic_failover" => {
            if t.automatic_failover == (t.replicas > 0) {
                mapped("automatic with `high_availability_enabled`")
            } else {
                approximated("failover follows `high_availability_enabled` (on with replicas)")
            }
        }
        "topology.multi_zone" => {
            if t.multi_zone {
                mapped("zone-redundant with high availability, where the region has zones")
            } else if t.replicas > 0 {
                approximated(
                    "with high availability, Azure spreads the cache over zones where the region has them",
                )
            } else {
                Honoured
            }
        }
        "memory.max_memory" => mapped("checked against the SKU's memory; the SKU fixes it"),
        "memory.eviction_policy" => {
            mapped("`default_database.eviction_policy` (its own spelling: AllKeysLRU, ...)")
        }
        "persistence.snapshots.enabled" => {
            if !snapshots {
                Honoured
            } else if aof {
                not_applicable("the AOF is the persistence (Azure takes one method)")
            } else {
                mapped("RDB persistence (`persistence_redis_database_backup_frequency`)")
            }
        }
        "persistence.snapshots.save" => {
            if !snapshots {
                not_applicable("snapshots are off")
            } else {
                let freq = plan
                    .persistence
                    .snapshots
                    .shortest_period_seconds
                    .map(azure::managed_rdb_frequency)
                    .unwrap_or("1h");
                let hours: u64 = freq.trim_end_matches('h').parse().unwrap_or(1);
                save_support(
                    plan,
                    hours * 3600,
                    &format!(
                        "a snapshot every {freq} (`persistence_redis_database_backup_frequency`)"
                    ),
                )
            }
        }
        "persistence.snapshots.retention_days" => {
            if snapshots {
                unsupported(
                    "Azure Managed Redis keeps its persistence files itself; there is no retention setting",
                )
            } else {
                not_applicable("snapshots are off")
            }
        }
        "persistence.aof.enabled" => {
            if aof {
                mapped("`persistence_append_only_file_backup_frequency = \"1s\"`")
            } else {
                Honoured
            }
        }
        "maintenance.window" => {
            if plan.maintenance.window.is_some() {
                unsupported(
                    "Terraform cannot set a maintenance window on Azure Managed Redis; Azure schedules its updates",
                )
            } else {
                // Unset, it is still a protection this service cannot give: the policy asks.
                unsupported(
                    "Azure Managed Redis takes no maintenance window; Azure schedules its updates",
                )
            }
        }
        "network.port" => {
            if plan.network.port == azure::MANAGED_PORT {
                Honoured
            } else {
                unsupported("Azure Managed Redis listens on 10000; the port is fixed")
            }
        }
        "network.allowed_cidrs" => {
            if plan.network.allowed_cidrs.is_empty() {
                Honoured
            } else if plan.network.public_access {
                unsupported(
                    "Azure Managed Redis has no firewall rules: public access is open to any address",
                )
            } else {
                unsupported(
                    "the cache is reachable only through its private endpoint in `var.subnet_id`; restrict clients with that subnet's network security group",
                )
            }
        }
        "security.tls.enabled" => mapped(if plan.security.tls {
            "`client_protocol = \"Encrypted\"`"
        } else {
            "`client_protocol = \"Plaintext\"`"
        }),
        "security.auth.enabled" => {
            if plan.security.auth {
                mapped("access keys (`access_keys_authentication_enabled = true`)")
            } else {
                approximated(
                    "access keys off: clients authenticate with Microsoft Entra ID tokens only",
                )
            }
        }
        "server.databases" => approximated("Azure Managed Redis has one database, db 0"),
        "server.keyspace_events" => {
            if plan.server.keyspace_events.is_empty() {
                Honoured
            } else {
                unsupported(
                    "`azurerm_managed_redis` has no keyspace notifications setting: Terraform cannot turn them on",
                )
            }
        }
        _ => return None,
    })
}

/// How an Azure snapshot frequency compares with the spec's save points.
fn save_support(plan: &Plan, offered_seconds: u64, what: &str) -> Support {
    let exact = plan
        .persistence
        .snapshots
        .save
        .iter()
        .all(|p| p.changes <= 1)
        && plan.persistence.snapshots.shortest_period_seconds == Some(offered_seconds);
    if exact {
        mapped(what.to_string())
    } else {
        approximated(format!(
            "{what}: the most frequent save point rounded to what Azure offers; change counts do not apply"
        ))
    }
}

/// Whether the spec waives a rule (its setting is then rendered as the target can).
fn waived(plan: &Plan, code: &str) -> bool {
    plan.exceptions.iter().any(|e| e.rule == code)
}
