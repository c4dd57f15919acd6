use crate::diagnostics::{Severity, codes};
use crate::facts::aws;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_NODE_TYPE_PREVIOUS_GENERATION,
    name: "aws-node-type-previous-generation",
    family: Family::Aws,
    summary: "The node type is of a previous generation (t2, m4, r4).",
    rationale: "Previous-generation node types cost more per GB, lack features (no AOF on t2, failover only in cluster mode) and are retired over time. Fine for a throwaway development cache, not for one that must keep running.",
    severity: Tiers {
        development: Some(Severity::Warning),
        staging: Some(Severity::Error),
        production: Some(Severity::Error),
    },
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "targets: { aws: { region: us-east-1, node_type: cache.r4.xlarge } }",
        passing: "targets: { aws: { region: us-east-1, node_type: cache.r7g.xlarge } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(t) = super::target(cx.plan) else {
        return Vec::new();
    };
    match aws::node_type(&t.node_type) {
        Some(n) if n.previous_generation => {
            let help = match super::recommended_node(cx.plan) {
                Some(s) => format!("use a current generation, e.g. `{}`", s.name),
                None => "use a current-generation node type (r7g, m7g, ...)".into(),
            };
            vec![Finding::new(
                cx.loc("/targets/aws/node_type"),
                format!("`{}` is a previous-generation node type", n.name),
                help,
            )]
        }
        _ => Vec::new(),
    }
}
