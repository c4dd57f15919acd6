use crate::diagnostics::{Severity, codes};
use crate::facts::terraform::{self, ArgumentChange};
use crate::plan::Plan;
use crate::plan::record::Record;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{AzureService, Tier, TopologyMode};

pub static RULE: Rule = Rule {
    code: codes::CHANGE_REPLACES_CACHE,
    name: "change-replaces-cache",
    family: Family::Spec,
    summary: "The change destroys the live cache and creates an empty one (a new name, port, KMS key, engine downgrade, ...): its data and endpoint are lost.",
    rationale: "Some arguments of a cloud cache cannot change in place: the provider destroys the resource and creates it again (ForceNew, see src/facts/terraform.rs). `cachegen render` compares the spec with what its environment was last rendered with (`generated/<env>/rendered.toml`) and refuses such a change in production unless the spec says, with `policy.accept_replacement`, that losing the cache is intended; the production deletion guards (`prevent_destroy`, deletion protection) stop the apply otherwise. Staging gets a warning and development a note.",
    severity: Tiers {
        development: Some(Severity::Note),
        staging: Some(Severity::Warning),
        production: Some(Severity::Error),
    },
    check,
    examples: Examples {
        tier: Tier::Production,
        previous: Some("network: { port: 6379 }"),
        failing: "network: { port: 6380 }",
        passing: "network: { port: 6380 }\npolicy: { accept_replacement: \"a new port for the new network; the cache is refilled from the database\" }",
    },
};

const ACCEPT: &str = "if losing the cache's data and endpoint is intended, add `policy.accept_replacement: \"<why>\"` (it also lifts the deletion guards) and remove it after the apply";

/// One change that replaces a resource: where the spec makes it, what happens, what to do
/// instead, and the provider fact behind it.
struct Replacement {
    pointer: &'static str,
    what: String,
    instead: &'static str,
    /// `(resource type, argument)` in `facts::terraform`.
    fact: (&'static str, &'static str),
}

fn check(cx: &Context) -> Vec<Finding> {
    let Some(previous) = cx.previous else {
        return Vec::new();
    };
    if cx.plan.accept_replacement.is_some() {
        return Vec::new();
    }
    replacements(previous, cx.plan)
        .into_iter()
        .map(|r| {
            let (resource, argument) = r.fact;
            let how = match terraform::argument_change(resource, argument) {
                ArgumentChange::LosesData(_) => "loses its data in place",
                _ => "forces a new resource",
            };
            Finding::new(
                cx.loc(r.pointer),
                format!(
                    "{}: the cache is destroyed and created again, empty, with a new endpoint (`{argument}` of `{resource}` {how})",
                    r.what
                ),
                format!("{}; {ACCEPT}", r.instead),
            )
        })
        .collect()
}

/// Every change from `previous` to `plan` that replaces a stateful resource.
fn replacements(previous: &Record, plan: &Plan) -> Vec<Replacement> {
    let mut out = Vec::new();
    let mut add = |pointer, what: String, instead, fact| {
        out.push(Replacement {
            pointer,
            what,
            instead,
            fact,
        })
    };
    if previous.resource_name != plan.resource_name {
        let pointer = if previous.environment != plan.environment {
            "/environment"
        } else {
            "/name"
        };
        add(
            pointer,
            format!(
                "every resource is named `{}`, and would be named `{}`",
                previous.resource_name, plan.resource_name
            ),
            "keep `name` and `environment` as they are; to move to a new name, add the new environment next to this one, move the clients, then remove this one",
            name_fact(plan),
        );
    }
    if let (Some(old), Some(new)) = (&previous.aws, &plan.targets.aws) {
        const RG: &str = "aws_elasticache_replication_group";
        if old.region != new.region {
            add(
                "/targets/aws/region",
                format!("the cache moves from {} to {}", old.region, new.region),
                "keep the region; to move, add an environment in the new region, move the clients, then remove this one",
                (RG, "replication_group_id"),
            );
        }
        if previous.port != plan.network.port {
            add(
                "/network/port",
                format!(
                    "ElastiCache cannot change a replication group's port ({} to {})",
                    previous.port, plan.network.port
                ),
                "keep the port",
                (RG, "port"),
            );
        }
        if old.kms_key_arn != new.kms_key_arn {
            add(
                "/targets/aws/kms_key_arn",
                "the KMS key that encrypts the data is fixed when the cache is created".to_string(),
                "keep the key the cache was created with",
                (RG, "kms_key_id"),
            );
        }
        if previous.encryption_at_rest != plan.security.encryption_at_rest {
            add(
                "/security/encryption_at_rest",
                "encryption at rest is fixed when the cache is created".to_string(),
                "keep `encryption_at_rest` as it was",
                (RG, "at_rest_encryption_enabled"),
            );
        }
        if previous.engine == plan.engine.kind && downgrade(previous, plan) {
            add(
                "/engine/version",
                format!(
                    "ElastiCache cannot downgrade {} {} to {}",
                    previous.engine.as_str(),
                    previous.engine_version,
                    plan.engine.version
                ),
                "keep the version (or move up)",
                (RG, "engine_version"),
            );
        }
        if previous.engine == crate::spec::EngineKind::Valkey
            && plan.engine.kind == crate::spec::EngineKind::Redis
        {
            add(
                "/engine/kind",
                "ElastiCache moves Redis OSS to Valkey in place, but not back".to_string(),
                "keep Valkey",
                (RG, "engine"),
            );
        }
    }
    if let (Some(old), Some(new)) = (&previous.azure, &plan.targets.azure) {
        let resource = |s: AzureService| match s {
            AzureService::Cache => "azurerm_redis_cache",
            AzureService::Managed => "azurerm_managed_redis",
        };
        if old.service != new.service {
            add(
                "/targets/azure/service",
                "Azure Cache for Redis and Azure Managed Redis are different resources: the one is deleted, the other created".to_string(),
                "keep the service; to move, add an environment on the new service, move the clients, then remove this one",
                (resource(old.service), "name"),
            );
        } else {
            let r = resource(new.service);
            if old.location != new.location {
                add(
                    "/targets/azure/location",
                    format!("the cache moves from {} to {}", old.location, new.location),
                    "keep the location",
                    (r, "location"),
                );
            }
            if old.resource_group != new.resource_group {
                add(
                    "/targets/azure/resource_group",
                    "the cache moves to another resource group".to_string(),
                    "keep the resource group",
                    (r, "resource_group_name"),
                );
            }
            match new.service {
                AzureService::Managed => {
                    if old.sku != new.sku {
                        add(
                            "/targets/azure/sku",
                            format!(
                                "azurerm replaces an Azure Managed Redis cache whose SKU changes ({} to {})",
                                old.sku, new.sku
                            ),
                            "keep the SKU",
                            (r, "sku_name"),
                        );
                    }
                    if (previous.replicas > 0) != (plan.topology.replicas > 0) {
                        add(
                            "/topology/replicas",
                            "high availability (a replica per shard) is fixed when an Azure Managed Redis cache is created".to_string(),
                            "keep replicas on (or off) as they were",
                            (r, "high_availability_enabled"),
                        );
                    }
                    if (previous.topology == TopologyMode::Cluster) != plan.topology.is_cluster() {
                        add(
                            "/topology/mode",
                            "the clustering policy changes: azurerm deletes the database and creates it again in the same apply".to_string(),
                            "keep the topology mode",
                            (r, "default_database.clustering_policy"),
                        );
                    }
                }
                AzureService::Cache => {
                    if sku_weight(&new.sku) < sku_weight(&old.sku) {
                        add(
                            "/targets/azure/sku",
                            format!(
                                "Azure Cache for Redis cannot move down from {} to {}",
                                old.sku, new.sku
                            ),
                            "keep the SKU tier (a larger size of the same tier updates in place)",
                            (r, "sku_name"),
                        );
                    }
                    if old.zones != new.zones {
                        add(
                            "/targets/azure/zones",
                            "the availability zones of a cache are fixed when it is created"
                                .to_string(),
                            "keep the zones",
                            (r, "zones"),
                        );
                    }
                }
            }
        }
    }
    if let (Some(old), Some(new)) = (&previous.gcp, &plan.targets.gcp) {
        let was_cluster = previous.topology == TopologyMode::Cluster;
        let r = if plan.topology.is_cluster() {
            "google_redis_cluster"
        } else {
            "google_redis_instance"
        };
        if was_cluster != plan.topology.is_cluster() {
            add(
                "/topology/mode",
                "a Memorystore instance and a Memorystore cluster are different resources: the one is deleted, the other created".to_string(),
                "keep the topology mode; to move, add an environment with the new mode, move the clients, then remove this one",
                ("google_redis_instance", "name"),
            );
        } else {
            if old.region != new.region {
                add(
                    "/targets/gcp/region",
                    format!("the cache moves from {} to {}", old.region, new.region),
                    "keep the region",
                    (r, "region"),
                );
            }
            if (previous.tls == crate::plan::TlsState::Off) == plan.security.tls {
                add(
                    "/security/tls/enabled",
                    "Memorystore fixes TLS when the cache is created".to_string(),
                    "keep TLS as it was",
                    (r, "transit_encryption_mode"),
                );
            }
            if was_cluster {
                if previous.auth != plan.security.auth {
                    add(
                        "/security/auth/enabled",
                        "a Memorystore cluster's authorization mode is fixed when it is created"
                            .to_string(),
                        "keep authentication as it was",
                        (r, "authorization_mode"),
                    );
                }
            } else {
                if old.tier != new.tier {
                    add(
                        "/targets/gcp/tier",
                        "a Memorystore instance's tier (BASIC or STANDARD_HA) is fixed when it is created".to_string(),
                        "keep the tier",
                        (r, "tier"),
                    );
                }
                if previous.engine == plan.engine.kind && downgrade(previous, plan) {
                    add(
                        "/engine/version",
                        format!(
                            "Memorystore cannot downgrade Redis {} to {}",
                            previous.engine_version, plan.engine.version
                        ),
                        "keep the version (or move up)",
                        (r, "redis_version"),
                    );
                }
            }
        }
    }
    out
}

/// The argument that names the cache on the spec's cloud.
fn name_fact(plan: &Plan) -> (&'static str, &'static str) {
    if let Some(azure) = &plan.targets.azure {
        return match azure.service {
            AzureService::Cache => ("azurerm_redis_cache", "name"),
            AzureService::Managed => ("azurerm_managed_redis", "name"),
        };
    }
    if plan.targets.gcp.is_some() {
        return if plan.topology.is_cluster() {
            ("google_redis_cluster", "name")
        } else {
            ("google_redis_instance", "name")
        };
    }
    ("aws_elasticache_replication_group", "replication_group_id")
}

fn downgrade(previous: &Record, plan: &Plan) -> bool {
    (plan.engine.major, plan.engine.minor) < previous.engine_major_minor()
}

/// Basic < Standard < Premium, as azurerm weighs them for its ForceNewIfChange.
fn sku_weight(sku: &str) -> u8 {
    match sku.split('_').next().unwrap_or("") {
        "Basic" => 1,
        "Standard" => 2,
        "Premium" => 3,
        _ => 0,
    }
}

/// The facts the findings cite (a test keeps the rule and the facts in step).
#[cfg(test)]
fn cited_facts() -> Vec<(&'static str, &'static str)> {
    vec![
        ("aws_elasticache_replication_group", "replication_group_id"),
        ("aws_elasticache_replication_group", "port"),
        ("aws_elasticache_replication_group", "kms_key_id"),
        (
            "aws_elasticache_replication_group",
            "at_rest_encryption_enabled",
        ),
        ("aws_elasticache_replication_group", "engine_version"),
        ("aws_elasticache_replication_group", "engine"),
        ("azurerm_redis_cache", "name"),
        ("azurerm_redis_cache", "location"),
        ("azurerm_redis_cache", "resource_group_name"),
        ("azurerm_redis_cache", "sku_name"),
        ("azurerm_redis_cache", "zones"),
        ("azurerm_managed_redis", "name"),
        ("azurerm_managed_redis", "location"),
        ("azurerm_managed_redis", "resource_group_name"),
        ("azurerm_managed_redis", "sku_name"),
        ("azurerm_managed_redis", "high_availability_enabled"),
        (
            "azurerm_managed_redis",
            "default_database.clustering_policy",
        ),
        ("google_redis_instance", "name"),
        ("google_redis_instance", "region"),
        ("google_redis_instance", "transit_encryption_mode"),
        ("google_redis_instance", "tier"),
        ("google_redis_instance", "redis_version"),
        ("google_redis_cluster", "name"),
        ("google_redis_cluster", "region"),
        ("google_redis_cluster", "transit_encryption_mode"),
        ("google_redis_cluster", "authorization_mode"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_rests_on_a_fact_that_destroys_data() {
        for (resource, argument) in cited_facts() {
            let change = terraform::argument_change(resource, argument);
            assert!(
                change.may_replace() || matches!(change, ArgumentChange::LosesData(_)),
                "{resource}.{argument}: {change:?}"
            );
        }
    }
}
