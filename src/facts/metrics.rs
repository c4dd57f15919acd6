//! What each platform publishes about a running cache: the metric names, namespaces and
//! dimensions cachegen's alerts are written against, with where each list comes from. The
//! tests check every rendered alarm, alert and rule against these lists (and the
//! self-hosted rules against a live exporter's `/metrics`), so a metric that is not listed
//! here cannot be alerted on anywhere.

/// AWS ElastiCache: CloudWatch namespace `AWS/ElastiCache`.
///
/// Sources: the metric table of https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html
/// (and its 2021 text in awsdocs/amazon-elasticache-docs `doc_source/redis/CacheMetrics.Redis.md`
/// @ fc9a110), the host-level table `CacheMetrics.HostLevel.md` @ 6ea3dbf, and the dimension
/// sets of npm `aws-cdk-lib@2.276.0` (`aws-elasticache/lib/elasticache-canned-metrics.generated.js`).
pub mod cloudwatch {
    pub const NAMESPACE: &str = "AWS/ElastiCache";

    /// The only dimension cachegen's alarms use. Every node metric is published per
    /// `{CacheClusterId}` and `{CacheClusterId, CacheNodeId}` (aws-cdk-lib's dimension sets);
    /// a Redis or Valkey member cluster holds exactly one node (`CacheNodeId` 0001,
    /// `AutoFailover.md` @ 6ea3dbf), so `{CacheClusterId}` is already one node. AWS documents
    /// no `ReplicationGroupId` dimension for these metrics: an alarm on one would watch a
    /// series that does not exist, and never fire.
    pub const DIMENSION: &str = "CacheClusterId";

    /// Node metrics of Redis OSS and Valkey (engine and host level) that cachegen may alarm on.
    pub const METRICS: &[&str] = &[
        "AuthenticationFailures",
        "BytesUsedForCache",
        "CacheHits",
        "CacheMisses",
        "CacheHitRate",
        "CurrConnections",
        "DatabaseMemoryUsagePercentage",
        "EngineCPUUtilization",
        "Evictions",
        "MemoryFragmentationRatio",
        "ReplicationLag",
    ];

    /// ElastiCache publishes one sample per node per minute
    /// (`CacheMetrics.ChoosingStatisticsAndPeriods.md` @ 6ea3dbf): no alarm period is shorter.
    pub const PERIOD_SECONDS: u32 = 60;

    /// `maxclients` of every ElastiCache node for Redis OSS and Valkey: 65000, not modifiable
    /// (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Engine.html,
    /// "maxclients ... Default: 65000 ... Modifiable: No").
    pub const MAXCLIENTS: u64 = 65_000;

    /// The member clusters (one node each) of a replication group, which CloudWatch names its
    /// series by: `<group>-001`, `-002`, ... with cluster mode disabled, and
    /// `<group>-<shard 0001..>-<node 001..>` with cluster mode enabled
    /// (`Replication.CreatingReplGroup.NoExistingCluster.Cluster.md` @ 6ea3dbf shows
    /// `sample-repl-group-0001-001`; `AutoFailover.md` shows `redis12-001`). Terraform only
    /// learns `member_clusters` after apply, so alarms are written from these names.
    pub fn member_clusters(
        group: &str,
        cluster_mode: bool,
        shards: u32,
        replicas: u32,
    ) -> Vec<String> {
        let per_shard = 1 + replicas;
        if cluster_mode {
            (1..=shards)
                .flat_map(|s| (1..=per_shard).map(move |n| format!("{group}-{s:04}-{n:03}")))
                .collect()
        } else {
            (1..=per_shard).map(|n| format!("{group}-{n:03}")).collect()
        }
    }
}

/// Azure Monitor metrics of Azure Cache for Redis (`Microsoft.Cache/redis`) and Azure Managed
/// Redis (`Microsoft.Cache/redisEnterprise`).
///
/// Sources: MicrosoftDocs/azure-monitor-docs
/// `articles/azure-monitor/reference/supported-metrics/microsoft-cache-redis-metrics.md` @ 12e45c0
/// (generated from Azure's APIs; https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-cache-redis-metrics),
/// the `Microsoft.Cache/redisEnterprise` section of `metrics-supported.md` and
/// https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-cache-redisenterprise-metrics,
/// and MicrosoftDocs/azure-docs `articles/redis/monitor-cache-reference.md` (what each means).
pub mod azure {
    pub const CACHE_NAMESPACE: &str = "Microsoft.Cache/redis";
    pub const MANAGED_NAMESPACE: &str = "Microsoft.Cache/redisEnterprise";

    /// Azure Cache for Redis metrics cachegen may alert on (REST names, case as published).
    pub const CACHE_METRICS: &[&str] = &[
        "cachemisses",
        "cachemissrate",
        "connectedclients",
        "errors",
        "evictedkeys",
        "serverLoad",
        "usedmemorypercentage",
    ];

    /// The dimension Azure Cache for Redis publishes each of these metrics by: one series per
    /// shard (`0` on a cache without clustering). Without a split, an `Average` alert averages
    /// the shards, and one saturated shard of four reads as a quarter of its load.
    pub const CACHE_SHARD_DIMENSION: &str = "ShardId";

    /// Azure Managed Redis metrics cachegen may alert on. The core names are Azure Cache's, but
    /// there is no `cachemissrate`, no `usedmemoryRss` and no per-shard family; the dimension
    /// is `InstanceId`.
    pub const MANAGED_METRICS: &[&str] = &[
        "cachehits",
        "cachemisses",
        "connectedclients",
        "errors",
        "evictedkeys",
        "percentProcessorTime",
        "usedmemorypercentage",
    ];

    /// Log categories of the diagnostic setting: Azure Cache's connected-client list, and Azure
    /// Managed Redis's connection events on its database resource (table REDConnectionEvents,
    /// where `EventType == "auth"` with `EventStatus == 0` is a failed authentication:
    /// https://learn.microsoft.com/azure/azure-monitor/reference/queries/redconnectionevents).
    pub const CACHE_LOG_CATEGORY: &str = "ConnectedClientList";
    pub const MANAGED_LOG_CATEGORY: &str = "ConnectionEvents";
    pub const MANAGED_LOG_TABLE: &str = "REDConnectionEvents";
}

/// Google Cloud Monitoring metrics of Memorystore for Redis, `redis.googleapis.com/...`.
///
/// Source: https://cloud.google.com/monitoring/api/metrics_gcp_p_z, section "redis" (kinds,
/// value types and units), and https://cloud.google.com/memorystore/docs/cluster/supported-monitoring-metrics
/// (whose `cluster/stats/cluster/stats/total_rejected_connections_count` is a misprint of the
/// name below). Every metric is sampled every 60 s and may take 240 s (instances) or 300 s
/// (clusters) to show.
pub mod gcp {
    pub const PREFIX: &str = "redis.googleapis.com/";
    /// The monitored resource of an instance (https://cloud.google.com/monitoring/api/resources:
    /// labels `project_id`, `region`, `instance_id`, `node_id`). That `instance_id` holds the
    /// full resource name (`projects/P/locations/R/instances/N`, the Terraform `id`) is how
    /// public alert policies filter on it; Google's page does not spell the format out, so it
    /// is the first thing to check against a real instance.
    pub const INSTANCE_RESOURCE: &str = "redis_instance";
    /// The monitored resource of a cluster, with labels `cluster_id` (the cluster's name) and
    /// `location`, as GoogleCloudPlatform/memorystore-cluster-autoscaler's poller filters on
    /// them.
    pub const CLUSTER_RESOURCE: &str = "redis.googleapis.com/Cluster";

    /// How a metric's points are written, which decides how an alert aligns them.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Kind {
        Gauge,
        Delta,
    }

    /// Instance metrics (resource `redis_instance`; every one has the label `role`).
    pub const INSTANCE_METRICS: &[(&str, Kind)] = &[
        ("clients/blocked", Kind::Gauge),
        ("clients/connected", Kind::Gauge),
        ("replication/master/slaves/lag", Kind::Gauge),
        ("stats/cache_hit_ratio", Kind::Gauge),
        ("stats/cpu_utilization_main_thread", Kind::Delta),
        ("stats/evicted_keys", Kind::Delta),
        ("stats/keyspace_misses", Kind::Delta),
        ("stats/memory/usage_ratio", Kind::Gauge),
        ("stats/reject_connections_count", Kind::Delta),
    ];

    /// Cluster metrics (resource `redis.googleapis.com/Cluster`).
    pub const CLUSTER_METRICS: &[(&str, Kind)] = &[
        ("cluster/clients/maximum_connected_clients", Kind::Gauge),
        ("cluster/cpu/maximum_utilization", Kind::Gauge),
        ("cluster/memory/maximum_utilization", Kind::Gauge),
        ("cluster/replication/maximum_ack_lag", Kind::Gauge),
        ("cluster/stats/total_evicted_keys_count", Kind::Delta),
        ("cluster/stats/total_keyspace_hits_count", Kind::Delta),
        ("cluster/stats/total_keyspace_misses_count", Kind::Delta),
        (
            "cluster/stats/total_rejected_connections_count",
            Kind::Delta,
        ),
    ];

    /// The kind of a metric of either list.
    pub fn kind(metric: &str) -> Option<Kind> {
        INSTANCE_METRICS
            .iter()
            .chain(CLUSTER_METRICS)
            .find(|(m, _)| *m == metric)
            .map(|(_, k)| *k)
    }

    /// Default client limit of a cluster node type
    /// (https://cloud.google.com/memorystore/docs/cluster/quotas, "Max clients"); node types
    /// that page does not list have none here.
    pub fn cluster_node_max_clients(node_type: &str) -> Option<u64> {
        match node_type {
            "REDIS_SHARED_CORE_NANO" => Some(5_000),
            "REDIS_STANDARD_SMALL" => Some(16_000),
            "REDIS_HIGHMEM_MEDIUM" => Some(32_000),
            "REDIS_HIGHMEM_XLARGE" => Some(64_000),
            _ => None,
        }
    }
}

/// `redis_exporter` (oliver006/redis_exporter) as Debian packages it,
/// `prometheus-redis-exporter 1.45.0-2+b4`, scraping redis-server 7.0.15: the metric names its
/// `/metrics` showed live (a primary, a primary with a replica, the replica). The live test
/// (`tests/it/monitoring_live.rs`) checks that every name a generated rule uses is in a real
/// `/metrics` too.
pub mod exporter {
    /// Metric names the generated rules may use.
    pub const METRICS: &[&str] = &[
        "redis_blocked_clients",
        "redis_commands_failed_calls_total",
        "redis_config_maxclients",
        "redis_connected_clients",
        "redis_connected_slave_lag_seconds",
        "redis_connected_slaves",
        "redis_cpu_sys_main_thread_seconds_total",
        "redis_cpu_user_main_thread_seconds_total",
        "redis_evicted_keys_total",
        "redis_instance_info",
        "redis_keyspace_hits_total",
        "redis_keyspace_misses_total",
        "redis_master_link_up",
        "redis_mem_fragmentation_bytes",
        "redis_mem_fragmentation_ratio",
        "redis_memory_max_bytes",
        "redis_memory_used_bytes",
        "redis_rejected_connections_total",
        "redis_up",
    ];

    /// Series that exist only in some states: on a primary with a connected replica
    /// (`redis_connected_slave_lag_seconds`), or on a replica (`redis_master_link_up`). A live
    /// standalone server does not show them.
    pub const CONDITIONAL: &[&str] = &["redis_connected_slave_lag_seconds", "redis_master_link_up"];

    /// The port the exporter listens on by default (`-web.listen-address :9121`).
    pub const PORT: u16 = 9121;
    /// Where the `-alpine` image keeps the binary (upstream Dockerfile:
    /// `COPY --from=builder /redis_exporter /redis_exporter`).
    pub const BINARY: &str = "/redis_exporter";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_clusters_follow_elasticache_naming() {
        assert_eq!(
            cloudwatch::member_clusters("rg", false, 1, 2),
            ["rg-001", "rg-002", "rg-003"]
        );
        assert_eq!(
            cloudwatch::member_clusters("rg", true, 2, 1),
            ["rg-0001-001", "rg-0001-002", "rg-0002-001", "rg-0002-002"]
        );
    }
}
