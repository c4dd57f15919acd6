use crate::diagnostics::{Severity, codes};
use crate::facts::azure;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{AzureService, EngineKind, Tier};

pub static RULE: Rule = Rule {
    code: codes::AZURE_ENGINE_VERSION,
    name: "azure-engine-version",
    family: Family::Azure,
    summary: "Azure does not offer this engine and version (Azure Cache for Redis stops at Redis 6; Azure Managed Redis runs Redis 7.4).",
    rationale: "Azure Cache for Redis creates Redis 6 only (`redis_version = \"6\"`; 4 is retired and there is no 7). A spec that asks for Redis 7 there would get Redis 6 without a word: cachegen refuses it and points to Azure Managed Redis, which runs Redis 7.4. Waive it with a reason to accept Redis 6. Neither service runs Valkey.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: concat!("engine: { version: \"7.2\" }\n", premium_target!()),
        passing: concat!("engine: { version: \"7.2\" }\n", managed_target!()),
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(t) = super::target(cx.plan) else {
        return Vec::new();
    };
    let e = &cx.plan.engine;
    let (max_major, max_minor) = azure::MANAGED_REDIS_VERSION;
    let problem = match (e.kind, t.service) {
        (EngineKind::Valkey, _) => Some((
            format!("Azure has no Valkey {}", e.version),
            "use `engine.kind: redis`: Azure runs Redis (6 on Azure Cache for Redis, 7.4 on Azure Managed Redis)".to_string(),
        )),
        (EngineKind::Redis, AzureService::Cache) if e.major != 6 => Some((
            format!(
                "Azure Cache for Redis has no Redis {}: it offers Redis 6 only",
                e.version
            ),
            if e.major >= 7 {
                "set `targets.azure.service: managed` (Azure Managed Redis runs Redis 7.4), or waive this rule with a reason to run Redis 6".to_string()
            } else {
                "set `engine.version: \"6.0\"`".to_string()
            },
        )),
        (EngineKind::Redis, AzureService::Managed)
            if e.major != 7 || (e.major, e.minor) > (max_major, max_minor) =>
        {
            Some((
                format!(
                    "Azure Managed Redis has no Redis {}: it runs Redis {max_major}.{max_minor}",
                    e.version
                ),
                "set `engine.version: \"7.4\"`".to_string(),
            ))
        }
        _ => None,
    };
    match problem {
        Some((message, help)) => vec![
            Finding::new(cx.loc("/engine/version"), message, help).related(
                "the service is chosen here",
                cx.loc("/targets/azure/service"),
            ),
        ],
        None => Vec::new(),
    }
}
