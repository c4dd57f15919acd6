//! Azure: `terraform/azure/{versions,variables,main,outputs}.tf` for Azure Managed Redis
//! (`service: managed`, `azurerm_managed_redis`, Redis 7.4) or Azure Cache for Redis
//! (`service: cache`, `azurerm_redis_cache`, Redis 6, being retired), each behind a private
//! endpoint unless the spec asks for public access.
//!
//! Azure generates the access keys: the primary key is the sensitive output `redis_password`,
//! never a file's content. Storage connection strings for Premium persistence come from
//! sensitive variables.

use crate::facts::azure;
use crate::plan::{AzurePlan, Plan};
use crate::spec::{AzureService, TopologyMode};
use crate::targets::{OutFile, RenderInput};
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
    /// Access keys on; off: Microsoft Entra ID only.
    access_keys: bool,
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
    /// Production without `policy.accept_replacement`: Terraform refuses to destroy the cache.
    guard: bool,
    /// checkov skip comments (`<check>:<why>`) of a cache.
    checkov_cache: Vec<String>,
}

/// Every file of the Azure target. Empty when the spec has no `targets.azure`.
pub(super) fn render(input: &RenderInput) -> Result<Vec<OutFile>, String> {
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
    let password_output = target.access_keys;
    let firewall = if !private && target.service == AzureService::Cache {
        firewall_rules(&plan.network.allowed_cidrs)
    } else {
        Vec::new()
    };
    // CKV_AZURE_230 asks for a Standard or Premium SKU (a replica); a Basic cache fails it,
    // whatever else CG6004 finds missing (failover, zones) on the others.
    let basic = cache.as_ref().is_some_and(|c| c.sku_name == "Basic");
    let checkov_cache = crate::targets::checkov::skips(input, crate::targets::checkov::AZURE_CACHE)
        .into_iter()
        .filter(|s| basic || !s.starts_with("CKV_AZURE_230:"))
        .collect();
    let ctx = Ctx {
        checkov_cache,
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
        guard: plan.tier == crate::spec::Tier::Production && plan.accept_replacement.is_none(),
    };
    let files = crate::targets::terraform::module(
        input,
        "azure",
        "azurerm",
        &input.providers.azurerm,
        &ctx,
    )?;
    Ok(crate::targets::terraform::under(
        super::TERRAFORM_DIR,
        files,
    ))
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
        access_keys: target.access_keys,
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
        access_keys: target.access_keys,
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
