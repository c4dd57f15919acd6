use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AZURE_RDB_AOF_EXCLUSIVE,
    name: "azure-rdb-aof-exclusive",
    family: Family::Azure,
    summary: "The spec turns on both RDB snapshots and the append-only file; Azure persists with one of them.",
    rationale: "Azure Cache for Redis (Premium) and Azure Managed Redis persist either with RDB snapshots or with an append-only file, never both: the API refuses the pair, and `azurerm_managed_redis` declares the two frequencies conflicting. Choosing is the spec's job: cachegen will not drop one silently.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: concat!(
            "persistence: { aof: { enabled: true } }\n",
            managed_target!()
        ),
        passing: concat!(
            "persistence: { snapshots: { enabled: false }, aof: { enabled: true } }\n",
            managed_target!()
        ),
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if super::target(cx.plan).is_none() {
        return Vec::new();
    }
    let p = &cx.plan.persistence;
    if !(p.aof.enabled && p.snapshots.enabled) {
        return Vec::new();
    }
    let why = if cx.is_set("/persistence/snapshots") {
        "snapshots are on here"
    } else {
        "snapshots are on by default in this tier"
    };
    vec![
        Finding::new(
            cx.loc("/persistence/aof/enabled"),
            "Azure persists with RDB snapshots or with the append-only file, not both",
            "keep one: `persistence.snapshots.enabled: false` for the AOF, or turn the AOF off",
        )
        .related(why, cx.loc("/persistence/snapshots")),
    ]
}
