use crate::diagnostics::{Severity, codes};
use crate::facts::gcp;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{EngineKind, Tier};

pub static RULE: Rule = Rule {
    code: codes::GCP_ENGINE_VERSION,
    name: "gcp-engine-version",
    family: Family::Gcp,
    summary: "Memorystore for Redis does not offer this engine and version (7.0 and 7.2; there is no 7.1).",
    rationale: "A Memorystore instance's `redis_version` is an enum (`REDIS_7_0`, `REDIS_7_2`, and older versions below the platform's floor); there is no `REDIS_7_1`, so a spec that asks for 7.1 must choose. Valkey runs on a different product (Memorystore for Valkey) that cachegen does not render.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: concat!("engine: { version: \"7.1\" }\n", instance_target!()),
        passing: concat!("engine: { version: \"7.2\" }\n", instance_target!()),
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if super::target(cx.plan).is_none() {
        return Vec::new();
    }
    let e = &cx.plan.engine;
    let result = if cx.plan.topology.is_cluster() {
        // A cluster has no version argument; only the engine kind matters.
        match e.kind {
            EngineKind::Redis => Ok(""),
            EngineKind::Valkey => gcp::redis_version(e.kind, e.major, e.minor),
        }
    } else {
        gcp::redis_version(e.kind, e.major, e.minor)
    };
    match result {
        Ok(_) => Vec::new(),
        Err(why) => vec![
            Finding::new(
                cx.loc("/engine/version"),
                format!(
                    "Memorystore for Redis has no {} {}",
                    e.kind.as_str(),
                    e.version
                ),
                why,
            )
            .related("the engine is chosen here", cx.loc("/engine/kind")),
        ],
    }
}
