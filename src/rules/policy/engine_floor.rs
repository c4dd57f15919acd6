use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{EngineKind, Tier};

pub static RULE: Rule = Rule {
    code: codes::ENGINE_FLOOR,
    name: "engine-floor",
    family: Family::Policy,
    summary: "The engine is older than the platform's floor (Redis 7.0, Valkey 7.2).",
    rationale: "The platform guide requires Redis 7.0 or higher in every environment: the cache manager relies on Redis 7 behaviour (ACLs with selectors, the multi-pair `save` syntax, listpack encodings), and development on an older engine hides bugs that production would show.",
    severity: Tiers {
        development: Some(Severity::Warning),
        staging: Some(Severity::Warning),
        production: Some(Severity::Error),
    },
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "engine: { kind: redis, version: \"6.2\" }",
        passing: "engine: { kind: redis, version: \"7.0\" }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let e = &cx.plan.engine;
    let (ok, floor) = match e.kind {
        EngineKind::Redis => (e.at_least(7, 0), "7.0"),
        EngineKind::Valkey => (e.at_least(7, 2), "7.2"),
    };
    if ok {
        return Vec::new();
    }
    vec![Finding::new(
        cx.loc("/engine/version"),
        format!(
            "{} {} is below the platform's floor of {floor}",
            e.kind.as_str(),
            e.version
        ),
        format!("use {} {floor} or later", e.kind.as_str()),
    )]
}
