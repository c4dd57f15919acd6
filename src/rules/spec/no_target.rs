use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::NO_TARGET,
    name: "no-target",
    family: Family::Spec,
    summary: "`targets` lists nothing to render.",
    rationale: "A spec with no target produces only an `.env` that points nowhere; it is almost always a target that was removed by mistake or misspelled.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "targets: { compose: null }",
        passing: "targets: { compose: {} }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let t = &cx.spec.targets;
    if t.aws.is_none() && t.azure.is_none() && t.gcp.is_none() && t.compose.is_none() {
        vec![Finding::new(
            cx.loc("/targets"),
            "no target is listed",
            "list at least one of `aws`, `azure`, `gcp` or `compose` under `targets`",
        )]
    } else {
        Vec::new()
    }
}
