//! What the providers' schemas say about arguments cachegen's Terraform writes, beyond whether
//! a change replaces the resource (`facts::terraform`): what it means when a rendering stops
//! writing an argument, which arguments are sets (their order is no change) and which are
//! sensitive. `cachegen impact` needs them to read a rendered diff as the provider plans it.
//!
//! AWS: `terraform providers schema -json` of hashicorp/aws 5.100.0 (vendored in
//! `tests/fixtures/provider-schemas/aws-5.100.0.json`; a test checks the lists below against
//! it), and the defaults from the resources' source (`replication_group.go`:
//! `auth_token_update_strategy` defaults to ROTATE; `parameter_group.go`: `description`
//! defaults to "Managed by Terraform"). azurerm 4.55 and google 6.50: from the resources'
//! schema in the providers' source (`internal/services/redis/redis_cache_resource.go`,
//! `managedredis/managed_redis_resource.go`; `redis/resource_redis_instance.go`,
//! `redis/resource_redis_cluster.go`): `Optional` with `Computed`, or a `Default`.

use serde_json::Value;

/// Arguments that are `Optional` and `Computed`: a rendering that stops writing one leaves the
/// live value as it is (no change is planned).
pub static OPTIONAL_COMPUTED: &[(&str, &[&str])] = &[
    (
        "aws_elasticache_replication_group",
        &[
            "apply_immediately",
            "at_rest_encryption_enabled",
            "auto_minor_version_upgrade",
            "cluster_mode",
            "data_tiering_enabled",
            "engine_version",
            "global_replication_group_id",
            "ip_discovery",
            "maintenance_window",
            "network_type",
            "node_type",
            "num_cache_clusters",
            "num_node_groups",
            "parameter_group_name",
            "replicas_per_node_group",
            "security_group_ids",
            "security_group_names",
            "snapshot_window",
            "subnet_group_name",
            "transit_encryption_enabled",
            "transit_encryption_mode",
        ],
    ),
    (
        "aws_cloudwatch_log_group",
        &["log_group_class", "name", "name_prefix"],
    ),
    ("aws_kms_alias", &["name", "name_prefix"]),
    (
        "aws_kms_key",
        &[
            "description",
            "multi_region",
            "policy",
            "rotation_period_in_days",
        ],
    ),
    (
        "aws_security_group",
        &["egress", "ingress", "name", "name_prefix", "vpc_id"],
    ),
    (
        "azurerm_redis_cache",
        &[
            "redis_version",
            "replicas_per_primary",
            "replicas_per_master",
            "shard_count",
        ],
    ),
    (
        "google_redis_instance",
        &[
            "replica_count",
            "read_replicas_mode",
            "redis_version",
            "transit_encryption_mode",
            "secondary_ip_range",
        ],
    ),
    (
        "google_redis_cluster",
        &["replica_count", "node_type", "zone_distribution_config"],
    ),
];

/// Arguments with a default: a rendering that stops writing one sets it back to the default.
pub static DEFAULTS: &[(&str, &str, &str)] = &[
    (
        "aws_elasticache_replication_group",
        "auth_token_update_strategy",
        "\"ROTATE\"",
    ),
    (
        "aws_elasticache_parameter_group",
        "description",
        "\"Managed by Terraform\"",
    ),
    ("aws_kms_key", "enable_key_rotation", "false"),
    ("aws_cloudwatch_log_group", "retention_in_days", "0"),
    ("azurerm_redis_cache", "minimum_tls_version", "\"1.2\""),
    ("azurerm_redis_cache", "non_ssl_port_enabled", "false"),
    (
        "azurerm_redis_cache",
        "public_network_access_enabled",
        "true",
    ),
    (
        "azurerm_redis_cache",
        "access_keys_authentication_enabled",
        "true",
    ),
    ("azurerm_managed_redis", "high_availability_enabled", "true"),
    (
        "azurerm_managed_redis",
        "public_network_access",
        "\"Enabled\"",
    ),
    (
        "google_redis_cluster",
        "deletion_protection_enabled",
        "true",
    ),
];

/// Arguments that are sets: the same members in another order are no change.
pub static SETS: &[(&str, &[&str])] = &[
    (
        "aws_elasticache_replication_group",
        &[
            "member_clusters",
            "security_group_ids",
            "security_group_names",
            "snapshot_arns",
            "user_group_ids",
            "log_delivery_configuration",
        ],
    ),
    ("aws_elasticache_parameter_group", &["parameter"]),
    ("aws_elasticache_user", &["passwords"]),
    ("aws_elasticache_user_group", &["user_ids"]),
    ("aws_elasticache_subnet_group", &["subnet_ids"]),
    ("aws_security_group", &["egress", "ingress"]),
    ("azurerm_redis_cache", &["zones"]),
];

/// Arguments whose value a plan never shows.
pub static SENSITIVE: &[(&str, &str)] = &[
    ("aws_elasticache_replication_group", "auth_token"),
    ("aws_elasticache_user", "passwords"),
    ("aws_elasticache_user", "authentication_mode"),
    ("azurerm_redis_cache", "redis_configuration"),
];

fn listed(table: &[(&str, &[&str])], rtype: &str, arg: &str) -> bool {
    table
        .iter()
        .any(|(t, args)| *t == rtype && args.contains(&arg))
}

/// The live value stays when the argument is no longer written.
pub fn kept_when_absent(rtype: &str, arg: &str) -> bool {
    listed(OPTIONAL_COMPUTED, rtype, arg)
}

/// What the argument becomes when it is no longer written: its default, else null.
pub fn when_absent(rtype: &str, arg: &str) -> Value {
    DEFAULTS
        .iter()
        .find(|(t, a, _)| *t == rtype && *a == arg)
        .and_then(|(_, _, v)| serde_json::from_str(v).ok())
        .unwrap_or(Value::Null)
}

pub fn is_set(rtype: &str, arg: &str) -> bool {
    listed(SETS, rtype, arg)
}

pub fn is_sensitive(rtype: &str, arg: &str) -> bool {
    SENSITIVE.iter().any(|(t, a)| *t == rtype && *a == arg)
}
