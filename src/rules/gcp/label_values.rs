use crate::diagnostics::{Severity, codes};
use crate::facts::gcp;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::GCP_LABEL_VALUES,
    name: "gcp-label-values",
    family: Family::Gcp,
    summary: "A label value is not a valid Google Cloud label value (lowercase letters, digits, `_` and `-`; 63 characters).",
    rationale: "Google Cloud labels are stricter than AWS or Azure tags: values hold at most 63 lowercase letters, digits, underscores and dashes. `Platform` or `team a` would fail at apply time; cachegen reports it at the label's line.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: concat!("labels: { team: Platform }\n", instance_target!()),
        passing: concat!("labels: { team: platform }\n", instance_target!()),
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if super::target(cx.plan).is_none() {
        return Vec::new();
    }
    cx.plan
        .labels
        .iter()
        .filter_map(|(k, v)| {
            let problem = gcp::label_value_problem(v)?;
            Some(Finding::new(
                cx.loc(&format!("/labels/{k}")),
                format!("the value of label `{k}` {problem}"),
                "write label values in lowercase, with `_` or `-` between words",
            ))
        })
        .collect()
}
