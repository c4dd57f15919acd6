use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::ONE_CLOUD_PER_ENVIRONMENT,
    name: "one-cloud-per-environment",
    family: Family::Spec,
    summary: "More than one cloud target is listed in one environment.",
    rationale: "An environment's application reads one `REDIS_HOST`; two clouds would mean two caches that the application cannot both use, and two bills. Write one environment per cloud (`production`, `production-azure`).",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "targets: { aws: { region: us-east-1, node_type: cache.t4g.medium }, gcp: { region: us-central1 } }",
        passing: "targets: { aws: { region: us-east-1, node_type: cache.t4g.medium } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let t = &cx.spec.targets;
    let clouds: Vec<&str> = [
        ("aws", t.aws.is_some()),
        ("azure", t.azure.is_some()),
        ("gcp", t.gcp.is_some()),
    ]
    .into_iter()
    .filter(|(_, on)| *on)
    .map(|(n, _)| n)
    .collect();
    if clouds.len() > 1 {
        let mut f = Finding::new(
            cx.loc(&format!("/targets/{}", clouds[1])),
            format!(
                "one environment lists several clouds: {}",
                clouds.join(", ")
            ),
            "keep one cloud here and give each other cloud its own environment (its own cache.yaml)",
        );
        f = f.related(
            format!("`{}` is listed here", clouds[0]),
            cx.loc(&format!("/targets/{}", clouds[0])),
        );
        vec![f]
    } else {
        Vec::new()
    }
}
