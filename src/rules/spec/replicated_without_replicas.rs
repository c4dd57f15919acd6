use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{Tier, TopologyMode};

pub static RULE: Rule = Rule {
    code: codes::REPLICATED_WITHOUT_REPLICAS,
    name: "replicated-without-replicas",
    family: Family::Spec,
    summary: "`topology.mode: replicated` with `replicas: 0`.",
    rationale: "Replicated mode means a primary and at least one replica. With none, the cache is standalone in all but name, and anyone reading the spec believes it survives the loss of a node.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "topology: { mode: replicated, replicas: 0 }",
        passing: "topology: { mode: replicated, replicas: 1 }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let t = &cx.plan.topology;
    if t.mode == TopologyMode::Replicated && t.replicas == 0 {
        vec![Finding::new(
            cx.loc("/topology/replicas"),
            "`mode: replicated` with no replica",
            "set `replicas: 1` or more, or `mode: standalone`",
        )]
    } else {
        Vec::new()
    }
}
