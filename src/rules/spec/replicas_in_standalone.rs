use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{Tier, TopologyMode};

pub static RULE: Rule = Rule {
    code: codes::REPLICAS_IN_STANDALONE,
    name: "replicas-in-standalone",
    family: Family::Spec,
    summary: "`topology.replicas` is above 0 in `standalone` mode.",
    rationale: "A standalone cache is one node; replicas exist only in `replicated` or `cluster` mode. Asking for replicas in standalone mode means the author expects a redundancy the cache will not have.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "topology: { mode: standalone, replicas: 1 }",
        passing: "topology: { mode: replicated, replicas: 1 }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let t = &cx.plan.topology;
    if t.mode == TopologyMode::Standalone && t.replicas > 0 {
        vec![Finding::new(
            cx.loc("/topology/replicas"),
            format!(
                "`replicas: {}` in standalone mode: a standalone cache has no replicas",
                t.replicas
            ),
            "set `topology.mode: replicated` for a primary with replicas, or `replicas: 0`",
        )]
    } else {
        Vec::new()
    }
}
