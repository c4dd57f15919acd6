use crate::diagnostics::{Severity, codes};
use crate::facts::aws;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_ENGINE_VERSION,
    name: "aws-engine-version",
    family: Family::Aws,
    summary: "ElastiCache does not offer this engine and version.",
    rationale: "ElastiCache offers Redis OSS up to 7.1 and Valkey from 7.2 (7.2, 8.0, 8.1, 8.2). The parameter group family is derived from the version (redis7, valkey7, valkey8); a version ElastiCache does not have fails at apply time, after a plan that looked fine.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "engine: { kind: redis, version: \"7.2\" }",
        passing: "engine: { kind: valkey, version: \"7.2\" }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if super::target(cx.plan).is_none() {
        return Vec::new();
    }
    let e = &cx.plan.engine;
    match aws::family(e.kind, e.major, e.minor) {
        Ok(_) => Vec::new(),
        Err(why) => vec![
            Finding::new(
                cx.loc("/engine/version"),
                format!("ElastiCache has no {} {}", e.kind.as_str(), e.version),
                why,
            )
            .related("the engine is chosen here", cx.loc("/engine/kind")),
        ],
    }
}
