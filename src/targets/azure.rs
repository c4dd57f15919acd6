//! Azure: `terraform/azure/{versions,variables,main,outputs}.tf` for Azure Managed Redis
//! (`service: managed`, `azurerm_managed_redis`, Redis 7.4) or Azure Cache for Redis
//! (`service: cache`, `azurerm_redis_cache`, Redis 6, being retired), each behind a private
//! endpoint unless the spec asks for public access.
//!
//! Azure generates the access keys: the primary key is the sensitive output `redis_password`,
//! never a file's content. Storage connection strings for Premium persistence come from
//! sensitive variables.

use super::capability::{
    Support, approximated, managed_service, mapped, not_applicable, refused, unsupported,
};
use super::{OutFile, RenderInput};
use crate::diagnostics::codes;
use crate::facts::azure;
use crate::plan::{AzurePlan, Plan};
use crate::spec::{AofFsync, AzureService, TopologyMode};
use serde::Serialize;

#[derive(Serialize)]
struct Patch {
    day_of_week: &'static str,
    start_hour_utc: u32,
    maintenance_window: String,
}

#[derive(Serialize)]
struct Cache {
    sku_name: &'static str,
    family: &'static str,
    capacity: u32,
    redis_version: &'static str,
    shard_count: Option<u32>,
    replicas_per_primary: Option<u32>,
    zones: Vec<String>,
    non_ssl_port_enabled: bool,
    maxmemory_policy: &'static str,
    /// MB kept out of `maxmemory` (Standard and Premium).
    maxmemory_reserved: Option<u64>,
    notify_keyspace_events: Option<String>,
    /// `rdb_backup_frequency` in minutes, when RDB persistence is on.
    rdb_backup_frequency: Option<u32>,
    aof: bool,
    patch: Option<Patch>,
    /// Attributes whose remote value Azure masks (storage keys): ignored after creation.
    ignore_changes: Vec<&'static str>,
    /// The output attribute clients connect to: `ssl_port` or `port`.
    port_attribute: &'static str,
}

#[derive(Serialize)]
struct Managed {
    sku_name: String,
    high_availability_enabled: bool,
    clustering_policy: &'static str,
    eviction_policy: &'static str,
    client_protocol: &'static str,
    access_keys: bool,
    rdb_frequency: Option<&'static str>,
    aof_frequency: Option<&'static str>,
}

#[derive(Serialize)]
struct FirewallRule {
    resource: String,
    name: String,
    cidr: String,
    start_ip: String,
    end_ip: String,
}

#[derive(Serialize)]
struct Ctx<'a> {
    plan: &'a Plan,
    name: String,
    location: &'a str,
    resource_group: &'a str,
    /// `azurerm_redis_cache` or `azurerm_managed_redis`.
    resource: &'static str,
    title: String,
    private: bool,
    private_link: &'static str,
    dns_zone: &'static str,
    cache: Option<Cache>,
    managed: Option<Managed>,
    firewall: Vec<FirewallRule>,
    /// Whether the primary access key is exported (access keys on).
    password_output: bool,
}

/// Every file of the Azure target. Empty when the spec has no `targets.azure`.
pub fn render(input: &RenderInput) -> Result<Vec<OutFile>, String> {
    let plan = input.plan;
    let Some(target) = &plan.targets.azure else {
        return Ok(Vec::new());
    };
    let private = !plan.network.public_access;
    let (resource, cache, managed, private_link, dns_zone, title) = match target.service {
        AzureService::Cache => {
            let c = cache_ctx(plan, target)?;
            let title = format!(
                "Azure Cache for Redis {} (Redis {}), tier {}",
                target.sku,
                c.redis_version,
                plan.tier.as_str()
            );
            (
                "azurerm_redis_cache",
                Some(c),
                None,
                azure::CACHE_PRIVATE_LINK,
                "privatelink.redis.cache.windows.net",
                title,
            )
        }
        AzureService::Managed => {
            let m = managed_ctx(plan, target)?;
            let title = format!(
                "Azure Managed Redis {} (Redis {}.{}), tier {}",
                target.sku,
                azure::MANAGED_REDIS_VERSION.0,
                azure::MANAGED_REDIS_VERSION.1,
                plan.tier.as_str()
            );
            (
                "azurerm_managed_redis",
                None,
                Some(m),
                azure::MANAGED_PRIVATE_LINK,
                "privatelink.redis.azure.net",
                title,
            )
        }
    };
    let password_output = match &managed {
        Some(m) => m.access_keys,
        None => true,
    };
    let firewall = if !private && target.service == AzureService::Cache {
        firewall_rules(&plan.network.allowed_cidrs)
    } else {
        Vec::new()
    };
    let ctx = Ctx {
        plan,
        name: plan.resource_name.clone(),
        location: &target.location,
        resource_group: &target.resource_group,
        resource,
        title,
        private,
        private_link,
        dns_zone,
        cache,
        managed,
        firewall,
        password_output,
    };
    super::terraform::module(input, "azure", "azurerm", &input.providers.azurerm, &ctx)
}

fn cache_ctx(plan: &Plan, target: &AzurePlan) -> Result<Cache, String> {
    let sku = azure::cache_sku(&target.sku).ok_or_else(|| azure::cache_sku_problem(&target.sku))?;
    let premium = sku.premium();
    let cluster = plan.topology.is_cluster();
    let rdb = premium && plan.persistence.snapshots.enabled && !plan.persistence.aof.enabled;
    let aof = premium && plan.persistence.aof.enabled;
    let mut ignore_changes = Vec::new();
    if rdb {
        ignore_changes.push("redis_configuration[0].rdb_storage_connection_string");
    }
    if aof {
        ignore_changes.push("redis_configuration[0].aof_storage_connection_string_0");
    }
    let max = plan.memory.max_memory_bytes;
    Ok(Cache {
        sku_name: sku.tier.as_str(),
        family: sku.family,
        capacity: sku.capacity,
        redis_version: azure::CACHE_REDIS_VERSION,
        shard_count: (premium && cluster).then_some(plan.topology.shards),
        replicas_per_primary: (premium && !cluster && plan.topology.replicas > 1)
            .then_some(plan.topology.replicas),
        zones: if premium {
            target.zones.clone()
        } else {
            Vec::new()
        },
        non_ssl_port_enabled: !plan.security.tls,
        maxmemory_policy: plan.memory.eviction_policy.as_str(),
        maxmemory_reserved: (sku.tier != azure::CacheTier::Basic && max < sku.memory)
            .then(|| (sku.memory - max) >> 20),
        notify_keyspace_events: (sku.tier != azure::CacheTier::Basic
            && !plan.server.keyspace_events.is_empty())
        .then(|| plan.server.keyspace_events.clone()),
        rdb_backup_frequency: rdb
            .then(|| {
                plan.persistence
                    .snapshots
                    .shortest_period_seconds
                    .map(azure::cache_rdb_frequency)
            })
            .flatten(),
        aof,
        patch: plan.maintenance.window.as_ref().and_then(|w| {
            let span = w.span()?;
            let hours = span.minutes.div_ceil(60).max(azure::PATCH_WINDOW_MIN_HOURS);
            Some(Patch {
                day_of_week: azure::day_of_week(w.start_day())?,
                start_hour_utc: w.start_hour()?,
                maintenance_window: format!("PT{hours}H"),
            })
        }),
        ignore_changes,
        port_attribute: if plan.security.tls {
            "ssl_port"
        } else {
            "port"
        },
    })
}

fn managed_ctx(plan: &Plan, target: &AzurePlan) -> Result<Managed, String> {
    let sku = azure::managed_sku(&target.sku).ok_or_else(|| {
        format!(
            "`{}` is not an Azure Managed Redis SKU (e.g. Balanced_B20, MemoryOptimized_M20)",
            target.sku
        )
    })?;
    let aof = plan.persistence.aof.enabled;
    let rdb = plan.persistence.snapshots.enabled && !aof;
    Ok(Managed {
        sku_name: sku.name.to_string(),
        high_availability_enabled: plan.topology.replicas > 0,
        clustering_policy: clustering_policy(plan.topology.mode),
        eviction_policy: azure::managed_eviction_policy(plan.memory.eviction_policy),
        client_protocol: if plan.security.tls {
            "Encrypted"
        } else {
            "Plaintext"
        },
        access_keys: plan.security.auth,
        rdb_frequency: rdb
            .then(|| {
                plan.persistence
                    .snapshots
                    .shortest_period_seconds
                    .map(azure::managed_rdb_frequency)
            })
            .flatten(),
        aof_frequency: aof.then_some(azure::MANAGED_AOF_FREQUENCY),
    })
}

/// Azure Managed Redis clustering: cluster-aware clients get the OSS cluster protocol; every
/// other client gets one endpoint with Azure's proxy sharding behind it.
fn clustering_policy(mode: TopologyMode) -> &'static str {
    match mode {
        TopologyMode::Cluster => "OSSCluster",
        _ => "EnterpriseCluster",
    }
}

/// One firewall rule per IPv4 CIDR (Azure firewall rules are IPv4 ranges).
fn firewall_rules(cidrs: &[String]) -> Vec<FirewallRule> {
    cidrs
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let (start, end) = ipv4_range(c)?;
            Some(FirewallRule {
                resource: format!("allowed_{i}"),
                name: format!("allowed_cidr_{i}"),
                cidr: c.clone(),
                start_ip: start,
                end_ip: end,
            })
        })
        .collect()
}

/// First and last address of an IPv4 CIDR block.
fn ipv4_range(cidr: &str) -> Option<(String, String)> {
    let (ip, len) = cidr.split_once('/')?;
    let ip: std::net::Ipv4Addr = ip.parse().ok()?;
    let len: u32 = len.parse().ok().filter(|l| *l <= 32)?;
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    let start = u32::from(ip) & mask;
    let end = start | !mask;
    Some((
        std::net::Ipv4Addr::from(start).to_string(),
        std::net::Ipv4Addr::from(end).to_string(),
    ))
}

/// Whether the spec waives a rule (its setting is then rendered as the target can).
fn waived(plan: &Plan, code: &str) -> bool {
    plan.exceptions.iter().any(|e| e.rule == code)
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

/// What Azure does with each setting, for the service the plan chooses (Azure Managed Redis
/// when the plan lists no Azure target).
pub fn support(setting: &str, plan: &Plan) -> Option<Support> {
    let target = plan.targets.azure.as_ref();
    match target.map(|t| t.service).unwrap_or(AzureService::Managed) {
        AzureService::Cache => cache_support(setting, plan, target),
        AzureService::Managed => managed_support(setting, plan),
    }
}

/// Settings both services treat alike.
fn common_support(setting: &str, plan: &Plan, service: &str) -> Option<Support> {
    if let Some(s) = managed_service(setting, plan, service, "Azure") {
        return Some(s);
    }
    let aof = plan.persistence.aof.enabled;
    let snapshots = plan.persistence.snapshots.enabled;
    Some(match setting {
        "/labels" => mapped("tags on every resource, with `managed-by` and `environment`"),
        "/engine/kind" => match plan.engine.kind {
            crate::spec::EngineKind::Redis => mapped("Redis (Azure has no Valkey)"),
            crate::spec::EngineKind::Valkey => {
                refused(codes::AZURE_ENGINE_VERSION, "Azure runs Redis, not Valkey")
            }
        },
        "/persistence/snapshots/window" => {
            if snapshots {
                unsupported("Azure snapshots at a fixed frequency, not in a daily window")
            } else {
                not_applicable("snapshots are off")
            }
        }
        "/persistence/aof/fsync" => {
            if !aof {
                not_applicable("AOF is off")
            } else if plan.persistence.aof.fsync == AofFsync::Everysec {
                mapped("Azure writes the AOF every second")
            } else {
                approximated("Azure writes the AOF every second")
            }
        }
        "/network/public_access" => mapped(if plan.network.public_access {
            "public network access on"
        } else {
            "public network access off, and a private endpoint in `var.subnet_id`"
        }),
        "/security/auth/password" => {
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

fn cache_support(setting: &str, plan: &Plan, target: Option<&AzurePlan>) -> Option<Support> {
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
    Some(match setting {
        "/engine/version" => {
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
        "/topology/mode" => match (t.mode, tier) {
            (TopologyMode::Cluster, _) => mapped("OSS clustering: `shard_count` (Premium)"),
            (TopologyMode::Replicated, _) => mapped("a primary with its replica(s)"),
            (TopologyMode::Standalone, Basic) => Honoured,
            (TopologyMode::Standalone, _) => {
                approximated("Standard and Premium caches always keep a replica")
            }
        },
        "/topology/shards" => {
            if t.is_cluster() {
                mapped("`shard_count`")
            } else {
                not_applicable("not in cluster mode")
            }
        }
        "/topology/replicas" => match (tier, t.replicas) {
            (Basic, 0) => Honoured,
            (Basic, _) => refused(codes::AZURE_PREMIUM_ONLY, "a Basic cache has no replica"),
            (Standard, 0) | (Premium, 0) => {
                approximated("Standard and Premium caches always keep one replica")
            }
            (_, 1) => mapped("one replica per primary (Azure's default)"),
            (Premium, 2..=3) => mapped("`replicas_per_primary`"),
            (Standard, _) => refused(
                codes::AZURE_PREMIUM_ONLY,
                "a Standard cache keeps one replica",
            ),
            (_, n) => refused(
                codes::AZURE_CACHE_REPLICAS,
                format!("a Premium cache takes at most 3 replicas per primary, not {n}"),
            ),
        },
        "/topology/automatic_failover" => match (tier, t.automatic_failover) {
            (Basic, true) => refused(
                codes::AZURE_PREMIUM_ONLY,
                "a Basic cache has no replica to fail over to",
            ),
            (Basic, false) => Honoured,
            (_, true) => mapped("Azure fails over to the replica"),
            (_, false) => approximated("Standard and Premium caches always fail over"),
        },
        "/topology/multi_zone" => {
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
        "/memory/max_memory" => {
            if tier == Basic {
                mapped("checked against the SKU's size")
            } else {
                mapped(
                    "checked against the SKU's size; `maxmemory_reserved` keeps the rest of it out of `maxmemory`",
                )
            }
        }
        "/memory/eviction_policy" => mapped("`redis_configuration.maxmemory_policy`"),
        "/memory/eviction_samples" => {
            if plan.memory.eviction_samples == 3 {
                Honoured
            } else {
                unsupported("Azure fixes `maxmemory-samples` at 3")
            }
        }
        "/persistence/snapshots/enabled" => {
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
        "/persistence/snapshots/save" => {
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
        "/persistence/snapshots/retention_days" => {
            if snapshots {
                unsupported(
                    "Azure keeps the latest snapshot in the storage account; keep older ones with the account's lifecycle rules",
                )
            } else {
                not_applicable("snapshots are off")
            }
        }
        "/persistence/aof/enabled" => {
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
        "/maintenance/window" => match plan.maintenance.window.as_ref().and_then(|w| w.span()) {
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
        "/network/port" => {
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
        "/network/allowed_cidrs" => {
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
        "/security/tls/enabled" => {
            if plan.security.tls {
                mapped("`non_ssl_port_enabled = false`: TLS only, on 6380")
            } else {
                approximated(
                    "`non_ssl_port_enabled = true`: 6379 serves without TLS, and 6380 with TLS stays open",
                )
            }
        }
        "/security/auth/enabled" => {
            if plan.security.auth {
                mapped("access keys (`access_keys_authentication_enabled`)")
            } else {
                unsupported(
                    "Azure Cache for Redis requires a key unless it is injected into a VNet; the access keys stay on",
                )
            }
        }
        "/server/databases" => {
            if plan.server.databases == 16 {
                Honoured
            } else {
                unsupported("Azure sets the number of databases per SKU (16 to 64)")
            }
        }
        "/server/keyspace_events" => {
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

fn managed_support(setting: &str, plan: &Plan) -> Option<Support> {
    use Support::Honoured;
    const SERVICE: &str = "Azure Managed Redis";
    if let Some(s) = common_support(setting, plan, SERVICE) {
        return Some(s);
    }
    let t = &plan.topology;
    let aof = plan.persistence.aof.enabled;
    let snapshots = plan.persistence.snapshots.enabled;
    let (major, minor) = azure::MANAGED_REDIS_VERSION;
    Some(match setting {
        "/engine/version" => {
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
        "/topology/mode" => mapped(if t.is_cluster() {
            "`clustering_policy = \"OSSCluster\"`: clients speak the cluster protocol"
        } else {
            "`clustering_policy = \"EnterpriseCluster\"`: one endpoint, Azure shards behind it"
        }),
        "/topology/shards" => {
            if t.is_cluster() {
                unsupported(
                    "Azure Managed Redis sizes its shards from the SKU; the count is not settable",
                )
            } else {
                not_applicable("not in cluster mode")
            }
        }
        "/topology/replicas" => match t.replicas {
            0 => mapped("`high_availability_enabled = false`"),
            1 => mapped("`high_availability_enabled = true`: one replica per shard"),
            _ => approximated(
                "Azure Managed Redis keeps one replica per shard (`high_availability_enabled`)",
            ),
        },
        "/topology/automatic_failover" => {
            if t.automatic_failover == (t.replicas > 0) {
                mapped("automatic with `high_availability_enabled`")
            } else {
                approximated("failover follows `high_availability_enabled` (on with replicas)")
            }
        }
        "/topology/multi_zone" => {
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
        "/memory/max_memory" => mapped("checked against the SKU's memory; the SKU fixes it"),
        "/memory/eviction_policy" => {
            mapped("`default_database.eviction_policy` (its own spelling: AllKeysLRU, ...)")
        }
        "/memory/eviction_samples" => {
            unsupported("Azure Managed Redis does not expose `maxmemory-samples`")
        }
        "/persistence/snapshots/enabled" => {
            if !snapshots {
                Honoured
            } else if aof {
                not_applicable("the AOF is the persistence (Azure takes one method)")
            } else {
                mapped("RDB persistence (`persistence_redis_database_backup_frequency`)")
            }
        }
        "/persistence/snapshots/save" => {
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
        "/persistence/snapshots/retention_days" => {
            if snapshots {
                unsupported(
                    "Azure Managed Redis keeps its persistence files itself; there is no retention setting",
                )
            } else {
                not_applicable("snapshots are off")
            }
        }
        "/persistence/aof/enabled" => {
            if aof {
                mapped("`persistence_append_only_file_backup_frequency = \"1s\"`")
            } else {
                Honoured
            }
        }
        "/maintenance/window" => {
            if plan.maintenance.window.is_some() {
                unsupported(
                    "Terraform cannot set a maintenance window on Azure Managed Redis; Azure schedules its updates",
                )
            } else {
                not_applicable("no window set; Azure schedules the updates of Azure Managed Redis")
            }
        }
        "/network/port" => {
            if plan.network.port == azure::MANAGED_PORT {
                Honoured
            } else {
                unsupported("Azure Managed Redis listens on 10000; the port is fixed")
            }
        }
        "/network/allowed_cidrs" => {
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
        "/security/tls/enabled" => mapped(if plan.security.tls {
            "`client_protocol = \"Encrypted\"`"
        } else {
            "`client_protocol = \"Plaintext\"`"
        }),
        "/security/auth/enabled" => {
            if plan.security.auth {
                mapped("access keys (`access_keys_authentication_enabled = true`)")
            } else {
                approximated(
                    "access keys off: clients authenticate with Microsoft Entra ID tokens only",
                )
            }
        }
        "/server/databases" => approximated("Azure Managed Redis has one database, db 0"),
        "/server/keyspace_events" => {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_ranges() {
        assert_eq!(
            ipv4_range("10.1.0.0/16"),
            Some(("10.1.0.0".into(), "10.1.255.255".into()))
        );
        assert_eq!(
            ipv4_range("192.168.1.7/32"),
            Some(("192.168.1.7".into(), "192.168.1.7".into()))
        );
        assert_eq!(ipv4_range("fd00::/8"), None);
    }
}
