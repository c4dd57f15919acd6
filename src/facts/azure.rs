//! What Azure offers for Redis: Azure Cache for Redis (`azurerm_redis_cache`: Basic, Standard
//! and Premium SKUs, Redis 6) and Azure Managed Redis (`azurerm_managed_redis`: Balanced,
//! MemoryOptimized, ComputeOptimized and FlashOptimized SKUs, Redis 7.4). Rules check specs
//! against these facts; the Azure target renders from them. Source: ../shared/reference
//! (redis-and-cloud-facts §3, terraform-modules §2 and pitfalls 18-28: the azurerm provider's
//! validation and Microsoft's documentation). Facts marked `verified: false` are not
//! primary-sourced: rules warn on them and never fail.

use crate::spec::EvictionPolicy;

const MB: u64 = 1 << 20;
const GB: u64 = 1 << 30;

/// The three SKUs of Azure Cache for Redis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CacheTier {
    Basic,
    Standard,
    Premium,
}

impl CacheTier {
    /// Most replicas per primary a cache of this tier takes: none on Basic, one on Standard,
    /// three on Premium (`replicas_per_primary` 1..3).
    pub fn max_replicas(self) -> u32 {
        match self {
            CacheTier::Basic => 0,
            CacheTier::Standard => 1,
            CacheTier::Premium => 3,
        }
    }
}

impl CacheTier {
    /// `sku_name` of `azurerm_redis_cache`.
    pub fn as_str(self) -> &'static str {
        match self {
            CacheTier::Basic => "Basic",
            CacheTier::Standard => "Standard",
            CacheTier::Premium => "Premium",
        }
    }
}

/// One size of Azure Cache for Redis: `sku_name`, `family` and `capacity`, and its marketed
/// memory per shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheSku {
    /// As a spec writes it: `Premium_P3`.
    pub name: &'static str,
    pub tier: CacheTier,
    /// `C` (Basic, Standard) or `P` (Premium); case-sensitive since azurerm 4.0.
    pub family: &'static str,
    pub capacity: u32,
    /// Marketed cache size per shard, in bytes (before Azure's reserved memory).
    pub memory: u64,
    /// Whether `memory` is primary-sourced (P5's 120 GB is not).
    pub verified: bool,
}

/// Share of a cache's size that cachegen keeps out of `maxmemory` (`maxmemory_reserved`):
/// Microsoft's guidance is at least 10% for fragmentation and the replication buffers.
pub const CACHE_RESERVED_PERCENT: u64 = 10;

impl CacheSku {
    /// Memory left for data after the reserve.
    pub fn usable(&self) -> u64 {
        self.memory * (100 - CACHE_RESERVED_PERCENT) / 100
    }

    pub fn premium(&self) -> bool {
        self.tier == CacheTier::Premium
    }

    /// Most replicas per primary this SKU takes.
    pub fn max_replicas(&self) -> u32 {
        self.tier.max_replicas()
    }
}

const fn cache(
    name: &'static str,
    tier: CacheTier,
    family: &'static str,
    capacity: u32,
    memory: u64,
    verified: bool,
) -> CacheSku {
    CacheSku {
        name,
        tier,
        family,
        capacity,
        memory,
        verified,
    }
}

/// Every valid `sku_name`/`family`/`capacity` combination (the provider's CustomizeDiff:
/// Basic and Standard take C0..C6, Premium takes P1..P5), with the sizes of Microsoft's
/// documentation.
pub const CACHE_SKUS: &[CacheSku] = &[
    cache("Basic_C0", CacheTier::Basic, "C", 0, 250 * MB, true),
    cache("Basic_C1", CacheTier::Basic, "C", 1, GB, true),
    cache("Basic_C2", CacheTier::Basic, "C", 2, 2560 * MB, true),
    cache("Basic_C3", CacheTier::Basic, "C", 3, 6 * GB, true),
    cache("Basic_C4", CacheTier::Basic, "C", 4, 13 * GB, true),
    cache("Basic_C5", CacheTier::Basic, "C", 5, 26 * GB, true),
    cache("Basic_C6", CacheTier::Basic, "C", 6, 53 * GB, true),
    cache("Standard_C0", CacheTier::Standard, "C", 0, 250 * MB, true),
    cache("Standard_C1", CacheTier::Standard, "C", 1, GB, true),
    cache("Standard_C2", CacheTier::Standard, "C", 2, 2560 * MB, true),
    cache("Standard_C3", CacheTier::Standard, "C", 3, 6 * GB, true),
    cache("Standard_C4", CacheTier::Standard, "C", 4, 13 * GB, true),
    cache("Standard_C5", CacheTier::Standard, "C", 5, 26 * GB, true),
    cache("Standard_C6", CacheTier::Standard, "C", 6, 53 * GB, true),
    cache("Premium_P1", CacheTier::Premium, "P", 1, 6 * GB, true),
    cache("Premium_P2", CacheTier::Premium, "P", 2, 13 * GB, true),
    cache("Premium_P3", CacheTier::Premium, "P", 3, 26 * GB, true),
    cache("Premium_P4", CacheTier::Premium, "P", 4, 53 * GB, true),
    cache("Premium_P5", CacheTier::Premium, "P", 5, 120 * GB, false),
];

pub fn cache_sku(name: &str) -> Option<&'static CacheSku> {
    CACHE_SKUS.iter().find(|s| s.name == name)
}

/// Why a `targets.azure.sku` is not an Azure Cache for Redis SKU.
pub fn cache_sku_problem(name: &str) -> String {
    let (tier, size) = name.split_once('_').unwrap_or((name, ""));
    match tier {
        "Basic" | "Standard" => format!(
            "{tier} takes family C with capacity 0..6 (`{tier}_C0` .. `{tier}_C6`), not `{size}`"
        ),
        "Premium" => format!("Premium takes family P with capacity 1..5 (`Premium_P1` .. `Premium_P5`), not `{size}`"),
        _ if managed_sku(name).is_some() => {
            format!("`{name}` is an Azure Managed Redis SKU: set `service: managed`")
        }
        _ => "Azure Cache for Redis SKUs are `Basic_C0`..`Basic_C6`, `Standard_C0`..`Standard_C6` and `Premium_P1`..`Premium_P5`".into(),
    }
}

/// The smallest cache SKU of a tier whose usable memory holds `bytes`.
pub fn smallest_cache_for(bytes: u64, tier: CacheTier) -> Option<&'static CacheSku> {
    CACHE_SKUS
        .iter()
        .filter(|s| s.tier == tier && s.usable() >= bytes)
        .min_by_key(|s| s.memory)
}

/// `redis_version` of `azurerm_redis_cache`: Redis 6 is all Azure Cache for Redis offers
/// (4 can no longer be created; there is no 7).
pub const CACHE_REDIS_VERSION: &str = "6";

/// `rdb_backup_frequency` values, in minutes (the provider's `cache_backup_frequency.go`).
pub const CACHE_RDB_FREQUENCIES: &[u32] = &[15, 30, 60, 360, 720, 1440];

/// Ports of Azure Cache for Redis: TLS, and the non-TLS port (off unless `non_ssl_port_enabled`).
pub const CACHE_TLS_PORT: u16 = 6380;
pub const CACHE_PORT: u16 = 6379;

/// Private endpoint sub-resources (Private Link group IDs).
pub const CACHE_PRIVATE_LINK: &str = "redisCache";
pub const MANAGED_PRIVATE_LINK: &str = "redisEnterprise";

/// The four SKU families of Azure Managed Redis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManagedFamily {
    Balanced,
    MemoryOptimized,
    ComputeOptimized,
    FlashOptimized,
}

impl ManagedFamily {
    pub fn as_str(self) -> &'static str {
        match self {
            ManagedFamily::Balanced => "Balanced",
            ManagedFamily::MemoryOptimized => "MemoryOptimized",
            ManagedFamily::ComputeOptimized => "ComputeOptimized",
            ManagedFamily::FlashOptimized => "FlashOptimized",
        }
    }
}

/// One Azure Managed Redis SKU (`sku_name`) and its memory. Microsoft publishes the sizes as
/// an image on its pricing page, not as text: they are not primary-sourced (rules only warn).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ManagedSku {
    pub name: &'static str,
    pub family: ManagedFamily,
    /// Memory for data, in bytes (RAM plus NVMe for FlashOptimized).
    pub memory: u64,
}

const fn managed(name: &'static str, family: ManagedFamily, memory_mb: u64) -> ManagedSku {
    ManagedSku {
        name,
        family,
        memory: memory_mb * MB,
    }
}

use ManagedFamily::{Balanced, ComputeOptimized, FlashOptimized, MemoryOptimized};

/// Every `sku_name` `azurerm_managed_redis` accepts (its validation list), smallest first in
/// each family. `Enterprise_*` and `EnterpriseFlash_*` belong to the retired Redis Enterprise
/// resources and are not accepted.
pub const MANAGED_SKUS: &[ManagedSku] = &[
    managed("Balanced_B0", Balanced, 512),
    managed("Balanced_B1", Balanced, 1024),
    managed("Balanced_B3", Balanced, 3 * 1024),
    managed("Balanced_B5", Balanced, 6 * 1024),
    managed("Balanced_B10", Balanced, 12 * 1024),
    managed("Balanced_B20", Balanced, 24 * 1024),
    managed("Balanced_B50", Balanced, 60 * 1024),
    managed("Balanced_B100", Balanced, 120 * 1024),
    managed("Balanced_B150", Balanced, 180 * 1024),
    managed("Balanced_B250", Balanced, 240 * 1024),
    managed("Balanced_B350", Balanced, 360 * 1024),
    managed("Balanced_B500", Balanced, 480 * 1024),
    managed("Balanced_B700", Balanced, 720 * 1024),
    managed("Balanced_B1000", Balanced, 960 * 1024),
    managed("MemoryOptimized_M10", MemoryOptimized, 12 * 1024),
    managed("MemoryOptimized_M20", MemoryOptimized, 24 * 1024),
    managed("MemoryOptimized_M50", MemoryOptimized, 60 * 1024),
    managed("MemoryOptimized_M100", MemoryOptimized, 120 * 1024),
    managed("MemoryOptimized_M150", MemoryOptimized, 180 * 1024),
    managed("MemoryOptimized_M250", MemoryOptimized, 240 * 1024),
    managed("MemoryOptimized_M350", MemoryOptimized, 360 * 1024),
    managed("MemoryOptimized_M500", MemoryOptimized, 480 * 1024),
    managed("MemoryOptimized_M700", MemoryOptimized, 720 * 1024),
    managed("MemoryOptimized_M1000", MemoryOptimized, 960 * 1024),
    managed("MemoryOptimized_M1500", MemoryOptimized, 1440 * 1024),
    managed("MemoryOptimized_M2000", MemoryOptimized, 1920 * 1024),
    managed("ComputeOptimized_X3", ComputeOptimized, 3 * 1024),
    managed("ComputeOptimized_X5", ComputeOptimized, 6 * 1024),
    managed("ComputeOptimized_X10", ComputeOptimized, 12 * 1024),
    managed("ComputeOptimized_X20", ComputeOptimized, 24 * 1024),
    managed("ComputeOptimized_X50", ComputeOptimized, 60 * 1024),
    managed("ComputeOptimized_X100", ComputeOptimized, 120 * 1024),
    managed("ComputeOptimized_X150", ComputeOptimized, 180 * 1024),
    managed("ComputeOptimized_X250", ComputeOptimized, 240 * 1024),
    managed("ComputeOptimized_X350", ComputeOptimized, 360 * 1024),
    managed("ComputeOptimized_X500", ComputeOptimized, 480 * 1024),
    managed("ComputeOptimized_X700", ComputeOptimized, 720 * 1024),
    managed("FlashOptimized_A250", FlashOptimized, 250 * 1024),
    managed("FlashOptimized_A500", FlashOptimized, 500 * 1024),
    managed("FlashOptimized_A700", FlashOptimized, 700 * 1024),
    managed("FlashOptimized_A1000", FlashOptimized, 1000 * 1024),
    managed("FlashOptimized_A1500", FlashOptimized, 1500 * 1024),
    managed("FlashOptimized_A2000", FlashOptimized, 2000 * 1024),
    managed("FlashOptimized_A4500", FlashOptimized, 4500 * 1024),
];

pub fn managed_sku(name: &str) -> Option<&'static ManagedSku> {
    MANAGED_SKUS.iter().find(|s| s.name == name)
}

/// The smallest SKU of a family that holds `bytes`.
pub fn smallest_managed_for(bytes: u64, family: ManagedFamily) -> Option<&'static ManagedSku> {
    MANAGED_SKUS
        .iter()
        .filter(|s| s.family == family && s.memory >= bytes)
        .min_by_key(|s| s.memory)
}

/// The Redis version Azure Managed Redis runs (Redis Enterprise, Redis 7.4 compatible).
pub const MANAGED_REDIS_VERSION: (u32, u32) = (7, 4);

/// Port of an Azure Managed Redis database endpoint.
pub const MANAGED_PORT: u16 = 10000;

/// `persistence_redis_database_backup_frequency` values, as hours.
pub const MANAGED_RDB_FREQUENCIES: &[(u32, &str)] = &[(1, "1h"), (6, "6h"), (12, "12h")];

/// `persistence_append_only_file_backup_frequency`: the only value.
pub const MANAGED_AOF_FREQUENCY: &str = "1s";

/// `default_database.eviction_policy`: Azure Managed Redis spells Redis's policies in
/// PascalCase.
pub fn managed_eviction_policy(p: EvictionPolicy) -> &'static str {
    match p {
        EvictionPolicy::Noeviction => "NoEviction",
        EvictionPolicy::AllkeysLru => "AllKeysLRU",
        EvictionPolicy::AllkeysLfu => "AllKeysLFU",
        EvictionPolicy::AllkeysRandom => "AllKeysRandom",
        EvictionPolicy::VolatileLru => "VolatileLRU",
        EvictionPolicy::VolatileLfu => "VolatileLFU",
        EvictionPolicy::VolatileRandom => "VolatileRandom",
        EvictionPolicy::VolatileTtl => "VolatileTTL",
    }
}

/// `rdb_backup_frequency` (minutes) for snapshots every `seconds` at the most: the shortest
/// frequency Azure offers that is not more often than asked (1440, once a day, at the least).
pub fn cache_rdb_frequency(seconds: u64) -> u32 {
    let minutes = seconds.div_ceil(60);
    CACHE_RDB_FREQUENCIES
        .iter()
        .copied()
        .find(|f| u64::from(*f) >= minutes)
        .unwrap_or(1440)
}

/// `persistence_redis_database_backup_frequency` for snapshots every `seconds` at the most.
pub fn managed_rdb_frequency(seconds: u64) -> &'static str {
    let hours = seconds.div_ceil(3600);
    MANAGED_RDB_FREQUENCIES
        .iter()
        .find(|(h, _)| u64::from(*h) >= hours)
        .map(|(_, s)| *s)
        .unwrap_or("12h")
}

/// `patch_schedule.day_of_week` from a spec's three-letter day.
pub fn day_of_week(day: &str) -> Option<&'static str> {
    Some(match day {
        "mon" => "Monday",
        "tue" => "Tuesday",
        "wed" => "Wednesday",
        "thu" => "Thursday",
        "fri" => "Friday",
        "sat" => "Saturday",
        "sun" => "Sunday",
        _ => return None,
    })
}

/// The shortest `patch_schedule.maintenance_window` cachegen writes: the provider's default,
/// `PT5H`.
pub const PATCH_WINDOW_MIN_HOURS: u32 = 5;

/// Names of both resources: 1..63 characters (3..63 for Azure Managed Redis), letters, digits
/// and hyphens, starting and ending with a letter or digit, no `--` (the provider's
/// validation; the cache's name is also its DNS name, `<name>.redis.cache.windows.net`).
pub fn name_problem(name: &str) -> Option<String> {
    if name.len() > 63 {
        return Some(format!(
            "`{name}` is {} characters; Azure allows 63",
            name.len()
        ));
    }
    if name.len() < 3 {
        return Some(format!("`{name}` is shorter than Azure's 3 characters"));
    }
    if name.contains("--") {
        return Some(format!("`{name}` contains `--`, which Azure refuses"));
    }
    let ok_ends = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !ok_ends || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Some(format!(
            "`{name}` may hold only letters, digits and hyphens, starting and ending with a letter or digit"
        ));
    }
    None
}

/// Retirement of Azure Cache for Redis (Microsoft's retirement FAQ): Basic, Standard and
/// Premium retire on this date; Azure Managed Redis replaces them.
pub const CACHE_RETIREMENT: &str = "2028-09-30";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sku_table_follows_the_provider_combinations() {
        for s in CACHE_SKUS {
            let (tier, size) = s.name.split_once('_').unwrap();
            assert_eq!(tier, s.tier.as_str());
            assert_eq!(size, format!("{}{}", s.family, s.capacity));
            match s.tier {
                CacheTier::Basic | CacheTier::Standard => {
                    assert!(s.family == "C" && s.capacity <= 6)
                }
                CacheTier::Premium => {
                    assert!(s.family == "P" && (1..=5).contains(&s.capacity))
                }
            }
        }
        assert!(cache_sku("Premium_P6").is_none());
        assert!(cache_sku("Standard_P1").is_none());
        assert!(cache_sku_problem("Balanced_B20").contains("service: managed"));
        assert_eq!(CACHE_SKUS.len(), 19);
    }

    #[test]
    fn managed_skus_cover_every_family() {
        assert_eq!(MANAGED_SKUS.len(), 44, "the provider's 44 sku_name values");
        for f in [Balanced, MemoryOptimized, ComputeOptimized, FlashOptimized] {
            assert!(MANAGED_SKUS.iter().any(|s| s.family == f));
        }
        for s in MANAGED_SKUS {
            assert!(s.name.starts_with(&format!("{}_", s.family.as_str())));
        }
        assert_eq!(
            smallest_managed_for(16 * GB, Balanced).unwrap().name,
            "Balanced_B20"
        );
    }

    #[test]
    fn sizes_and_reserve() {
        let p3 = cache_sku("Premium_P3").unwrap();
        assert!(p3.usable() >= 20 * GB && p3.usable() < 26 * GB);
        assert_eq!(
            smallest_cache_for(6 * GB, CacheTier::Premium).unwrap().name,
            "Premium_P2"
        );
    }

    #[test]
    fn frequencies_round_to_what_azure_offers() {
        assert_eq!(cache_rdb_frequency(60), 15);
        assert_eq!(cache_rdb_frequency(900), 15);
        assert_eq!(cache_rdb_frequency(901), 30);
        assert_eq!(cache_rdb_frequency(3600), 60);
        assert_eq!(cache_rdb_frequency(7 * 86400), 1440);
        assert_eq!(managed_rdb_frequency(60), "1h");
        assert_eq!(managed_rdb_frequency(3 * 3600), "6h");
        assert_eq!(managed_rdb_frequency(86400), "12h");
    }

    #[test]
    fn names() {
        assert!(name_problem("hospitality-redis-production-azure").is_none());
        assert!(name_problem("a--b").is_some());
        assert!(name_problem(&"a".repeat(64)).is_some());
        assert_eq!(
            managed_eviction_policy(EvictionPolicy::AllkeysLru),
            "AllKeysLRU"
        );
    }
}
