use crate::diagnostics::{Severity, codes};
use crate::facts::aws;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_NODE_TYPE_KNOWN,
    name: "aws-node-type-known",
    family: Family::Aws,
    summary: "`targets.aws.node_type` is not an ElastiCache node type.",
    rationale: "Terraform plans an unknown node type without complaint and the apply fails. cachegen knows the node types and their memory, so it says it at the line of the spec.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "targets: { aws: { region: us-east-1, node_type: cache.r7g.larg } }",
        passing: "targets: { aws: { region: us-east-1, node_type: cache.r7g.large } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(t) = super::target(cx.plan) else {
        return Vec::new();
    };
    if aws::node_type(&t.node_type).is_some() {
        return Vec::new();
    }
    let names = aws::NODE_TYPES.iter().map(|n| n.name);
    let help = match crate::spec::schema::did_you_mean(&t.node_type, names) {
        Some(s) => format!("did you mean `{s}`?"),
        None => match super::recommended_node(cx.plan) {
            Some(n) => format!(
                "for {} of data, `{}` fits",
                cx.plan.memory.max_memory, n.name
            ),
            None => "see AWS's list of ElastiCache node types".into(),
        },
    };
    vec![Finding::new(
        cx.loc("/targets/aws/node_type"),
        format!("`{}` is not an ElastiCache node type", t.node_type),
        help,
    )]
}
