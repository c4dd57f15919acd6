//! Which argument changes make a provider replace a resource: read from `facts::terraform`
//! (the per-provider facts with their sources), and judged where the fact depends on the
//! values (an engine downgrade).

use crate::settings::Effect;
use serde_json::Value;

pub use provisional::{ArgumentChange, argument_change};

/// Until `facts::terraform` lands from the day-2 work: the same API, with the facts measured
/// in the day-2 research (hashicorp/aws 5.100.0, `/work/notes/day2-harness.md` sections 4 and
/// 6) and the ForceNew arguments of the azurerm 4.55 and google 6.50 resources cachegen writes.
mod provisional {
    /// What changing one argument does to the resource.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum ArgumentChange {
        InPlace,
        Replaces,
        ReplacesWhen(&'static str),
    }

    use ArgumentChange::*;

    static FACTS: &[(&str, &str, ArgumentChange)] = &[
        (
            "aws_elasticache_replication_group",
            "at_rest_encryption_enabled",
            Replaces,
        ),
        (
            "aws_elasticache_replication_group",
            "data_tiering_enabled",
            Replaces,
        ),
        (
            "aws_elasticache_replication_group",
            "engine",
            ReplacesWhen("Valkey to Redis OSS"),
        ),
        (
            "aws_elasticache_replication_group",
            "engine_version",
            ReplacesWhen("a downgrade"),
        ),
        (
            "aws_elasticache_replication_group",
            "global_replication_group_id",
            Replaces,
        ),
        ("aws_elasticache_replication_group", "kms_key_id", Replaces),
        (
            "aws_elasticache_replication_group",
            "network_type",
            Replaces,
        ),
        ("aws_elasticache_replication_group", "port", Replaces),
        (
            "aws_elasticache_replication_group",
            "replication_group_id",
            Replaces,
        ),
        (
            "aws_elasticache_replication_group",
            "security_group_names",
            Replaces,
        ),
        (
            "aws_elasticache_replication_group",
            "snapshot_arns",
            Replaces,
        ),
        (
            "aws_elasticache_replication_group",
            "snapshot_name",
            Replaces,
        ),
        (
            "aws_elasticache_replication_group",
            "subnet_group_name",
            Replaces,
        ),
        (
            "aws_elasticache_replication_group",
            "transit_encryption_enabled",
            ReplacesWhen("the engine is below 7.0.5"),
        ),
        ("aws_elasticache_parameter_group", "name", Replaces),
        ("aws_elasticache_parameter_group", "family", Replaces),
        ("aws_elasticache_parameter_group", "description", Replaces),
        ("aws_elasticache_subnet_group", "name", Replaces),
        ("aws_elasticache_user", "user_id", Replaces),
        ("aws_elasticache_user", "user_name", Replaces),
        ("aws_elasticache_user_group", "user_group_id", Replaces),
        ("aws_kms_alias", "name", Replaces),
        ("aws_kms_key", "customer_master_key_spec", Replaces),
        ("aws_kms_key", "key_usage", Replaces),
        ("aws_kms_key_policy", "key_id", Replaces),
        ("aws_cloudwatch_log_group", "name", Replaces),
        ("aws_security_group", "name", Replaces),
        ("aws_security_group", "description", Replaces),
        ("aws_security_group", "vpc_id", Replaces),
        (
            "aws_vpc_security_group_ingress_rule",
            "security_group_id",
            Replaces,
        ),
        ("azurerm_redis_cache", "name", Replaces),
        ("azurerm_redis_cache", "location", Replaces),
        ("azurerm_redis_cache", "resource_group_name", Replaces),
        ("azurerm_redis_cache", "zones", Replaces),
        ("azurerm_redis_cache", "subnet_id", Replaces),
        ("azurerm_managed_redis", "name", Replaces),
        ("azurerm_managed_redis", "location", Replaces),
        ("azurerm_managed_redis", "resource_group_name", Replaces),
        (
            "azurerm_managed_redis",
            "high_availability_enabled",
            Replaces,
        ),
        (
            "azurerm_managed_redis",
            "default_database.clustering_policy",
            Replaces,
        ),
        ("azurerm_redis_firewall_rule", "name", Replaces),
        ("azurerm_redis_firewall_rule", "redis_cache_name", Replaces),
        (
            "azurerm_redis_firewall_rule",
            "resource_group_name",
            Replaces,
        ),
        ("azurerm_private_endpoint", "name", Replaces),
        ("azurerm_private_endpoint", "location", Replaces),
        ("azurerm_private_endpoint", "resource_group_name", Replaces),
        ("azurerm_private_endpoint", "subnet_id", Replaces),
        (
            "azurerm_private_endpoint",
            "private_service_connection",
            Replaces,
        ),
        ("google_redis_instance", "name", Replaces),
        ("google_redis_instance", "region", Replaces),
        ("google_redis_instance", "tier", Replaces),
        ("google_redis_instance", "connect_mode", Replaces),
        ("google_redis_instance", "authorized_network", Replaces),
        ("google_redis_instance", "transit_encryption_mode", Replaces),
        ("google_redis_instance", "reserved_ip_range", Replaces),
        ("google_redis_instance", "customer_managed_key", Replaces),
        ("google_redis_cluster", "name", Replaces),
        ("google_redis_cluster", "region", Replaces),
        ("google_redis_cluster", "authorization_mode", Replaces),
        ("google_redis_cluster", "transit_encryption_mode", Replaces),
        ("google_redis_cluster", "zone_distribution_config", Replaces),
    ];

    /// `InPlace` when unlisted.
    pub fn argument_change(resource_type: &str, argument: &str) -> ArgumentChange {
        FACTS
            .iter()
            .find(|(t, a, _)| *t == resource_type && *a == argument)
            .map(|(_, _, c)| *c)
            .unwrap_or(InPlace)
    }
}

/// What changing `arg` of a resource of `rtype` from `old` to `new` does to the resource, and
/// why. `old_args`/`new_args`: the resource's other arguments, for conditions that read them.
pub fn judge(
    rtype: &str,
    arg: &str,
    old: &Value,
    new: &Value,
    old_args: &std::collections::BTreeMap<String, Value>,
) -> (Effect, String) {
    // The provider's region: the resource is created in the other region.
    if arg == "provider.region" || arg == "provider.project" {
        return (
            Effect::Replace,
            format!("`{arg}` moves every resource: Terraform creates it anew there"),
        );
    }
    let change = argument_change(rtype, arg).or_nested(rtype, arg);
    match change {
        ArgumentChange::InPlace => (Effect::Update, format!("`{arg}` changes in place")),
        ArgumentChange::Replaces => (
            Effect::Replace,
            format!("`{arg}` cannot change in place: the provider replaces the resource"),
        ),
        ArgumentChange::ReplacesWhen(condition) => {
            if condition_holds(rtype, arg, condition, old, new, old_args) {
                (
                    Effect::Replace,
                    format!("`{arg}` changes by {condition}: the provider replaces the resource"),
                )
            } else {
                (
                    Effect::Update,
                    format!("`{arg}` changes in place (it replaces only on {condition})"),
                )
            }
        }
    }
}

trait Nested {
    fn or_nested(self, rtype: &str, arg: &str) -> ArgumentChange;
}

impl Nested for ArgumentChange {
    /// A nested argument (`default_database.clustering_policy`) takes its block's fact when it
    /// has none of its own.
    fn or_nested(self, rtype: &str, arg: &str) -> ArgumentChange {
        match (self, arg.split_once('.')) {
            (ArgumentChange::InPlace, Some((block, _))) => argument_change(rtype, block),
            (c, _) => c,
        }
    }
}

fn version_of(v: &Value) -> Option<Vec<u32>> {
    let s = v.as_str()?;
    let parts: Option<Vec<u32>> = s.split('.').map(|p| p.parse().ok()).collect();
    parts.filter(|p| !p.is_empty())
}

/// The conditions the providers' facts name, judged from the rendered values. One this code
/// does not know is taken as met: a replacement said in error is reviewed, one missed is not.
fn condition_holds(
    rtype: &str,
    arg: &str,
    condition: &str,
    old: &Value,
    new: &Value,
    old_args: &std::collections::BTreeMap<String, Value>,
) -> bool {
    let c = condition.to_ascii_lowercase();
    if c.contains("downgrade") {
        return match (version_of(old), version_of(new)) {
            (Some(o), Some(n)) => n < o,
            _ => true,
        };
    }
    if c.contains("valkey") && c.contains("redis") {
        return old.as_str() == Some("valkey") && new.as_str() == Some("redis");
    }
    if c.contains("7.0.5") {
        // ElastiCache's 7.0 is 7.0.7 and later: below 7.0.5 means 6.x.
        let engine = old_args
            .get("engine_version")
            .and_then(version_of)
            .unwrap_or_default();
        let _ = (rtype, arg);
        return engine < vec![7, 0];
    }
    true
}
