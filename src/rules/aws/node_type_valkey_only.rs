use crate::diagnostics::{Severity, codes};
use crate::facts::aws;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{EngineKind, Tier};

pub static RULE: Rule = Rule {
    code: codes::AWS_NODE_TYPE_VALKEY_ONLY,
    name: "aws-node-type-valkey-only",
    family: Family::Aws,
    summary: "The node type is offered only for Valkey, and the spec asks for Redis OSS.",
    rationale: "ElastiCache lists the Graviton4 families (m8g, r8g, c8gn) only for Valkey; a Redis OSS group on them fails at apply time.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "engine: { kind: redis, version: \"7.1\" }\ntargets: { aws: { region: us-east-1, node_type: cache.r8g.large } }",
        passing: "engine: { kind: valkey, version: \"8.0\" }\ntargets: { aws: { region: us-east-1, node_type: cache.r8g.large } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(t) = super::target(cx.plan) else {
        return Vec::new();
    };
    match aws::node_type(&t.node_type) {
        Some(n) if n.valkey_only && cx.plan.engine.kind == EngineKind::Redis => vec![
            Finding::new(
                cx.loc("/targets/aws/node_type"),
                format!("`{}` is offered only for Valkey", n.name),
                "set `engine.kind: valkey` (wire compatible), or choose an r7g/m7g node type",
            )
            .related("the engine is chosen here", cx.loc("/engine/kind")),
        ],
        _ => Vec::new(),
    }
}
