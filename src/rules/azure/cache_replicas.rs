use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AZURE_CACHE_REPLICAS,
    name: "azure-cache-replicas",
    family: Family::Azure,
    summary: "A Premium Azure Cache for Redis takes 1..3 replicas per primary, one with clustering, and one with an append-only file.",
    rationale: "`replicas_per_primary` is 1..3 on Premium (the provider validates it), cannot be combined with shards, and Azure refuses an append-only file with more than one replica. These fail at apply time, after a plan that looked fine.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: concat!(
            "topology: { mode: replicated, replicas: 4 }\n",
            premium_target!()
        ),
        passing: concat!(
            "topology: { mode: replicated, replicas: 3 }\n",
            premium_target!()
        ),
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some((_, sku)) = super::cache(cx.plan) else {
        return Vec::new();
    };
    let t = &cx.plan.topology;
    if !sku.premium() || t.replicas <= 1 {
        return Vec::new();
    }
    let here = cx.loc("/topology/replicas");
    let (message, help) = if t.replicas > sku.max_replicas() {
        (
            format!(
                "a Premium cache takes at most {} replicas per primary, not {}",
                sku.max_replicas(),
                t.replicas
            ),
            "set `topology.replicas` to 1, 2 or 3",
        )
    } else if t.is_cluster() {
        (
            format!(
                "a clustered Premium cache keeps one replica per shard, not {}",
                t.replicas
            ),
            "set `topology.replicas: 1` with shards, or drop clustering",
        )
    } else if cx.plan.persistence.aof.enabled {
        (
            format!(
                "Azure keeps an append-only file only with one replica, not {}",
                t.replicas
            ),
            "set `topology.replicas: 1`, or persist with RDB snapshots",
        )
    } else {
        return Vec::new();
    };
    vec![Finding::new(here, message, help)]
}
