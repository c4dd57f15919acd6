use crate::diagnostics::{Severity, codes};
use crate::facts::azure::CacheTier;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AZURE_PREMIUM_ONLY,
    name: "azure-premium-only",
    family: Family::Azure,
    summary: "The spec asks a Basic or Standard Azure Cache for Redis for a Premium feature (shards, more replicas, persistence, zones).",
    rationale: "Clustering (`shard_count`), several replicas (`replicas_per_primary`), zones, VNet injection and persistence exist only on Premium caches; Basic has no replica at all. Some of these fail at plan or apply time; worse, Terraform silently drops `aof_backup_enabled` below Premium, so a spec that asks for an append-only file would get none. cachegen refuses them on Basic and Standard.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: concat!(
            "persistence: { snapshots: { enabled: false }, aof: { enabled: true } }\n",
            standard_target!()
        ),
        passing: concat!(
            "persistence: { snapshots: { enabled: false }, aof: { enabled: true } }\n",
            premium_target!()
        ),
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some((t, sku)) = super::cache(cx.plan) else {
        return Vec::new();
    };
    if sku.premium() {
        return Vec::new();
    }
    let plan = cx.plan;
    let tier = sku.tier.as_str();
    let help =
        format!("use a Premium SKU (e.g. `Premium_P1`) or remove the setting; {tier} cannot");
    let mut out = Vec::new();
    let mut add = |pointer: &str, what: String| {
        out.push(
            Finding::new(cx.loc(pointer), what, help.clone())
                .related("the SKU is chosen here", cx.loc("/targets/azure/sku")),
        )
    };
    if plan.topology.is_cluster() {
        add(
            "/topology/mode",
            format!("a {tier} cache has no clustering (`shard_count` is Premium only)"),
        );
    }
    if plan.topology.replicas > sku.max_replicas() {
        add(
            "/topology/replicas",
            if sku.tier == CacheTier::Basic {
                format!(
                    "a Basic cache has no replica; the spec asks for {}",
                    plan.topology.replicas
                )
            } else {
                format!(
                    "a Standard cache keeps one replica; {} per primary is Premium only",
                    plan.topology.replicas
                )
            },
        );
    }
    if plan.persistence.aof.enabled {
        add(
            "/persistence/aof/enabled",
            format!(
                "a {tier} cache keeps no append-only file, and Terraform would drop `aof_backup_enabled` without a word"
            ),
        );
    }
    if plan.persistence.snapshots.enabled && cx.is_set("/persistence/snapshots") {
        add(
            "/persistence/snapshots",
            format!("a {tier} cache takes no RDB snapshots (`rdb_backup_enabled` is Premium only)"),
        );
    }
    if !t.zones.is_empty() {
        add(
            "/targets/azure/zones",
            format!("availability zones are for Premium caches, not {tier}"),
        );
    }
    out
}
