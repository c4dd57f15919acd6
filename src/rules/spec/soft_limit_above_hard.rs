use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{ClientBufferLimit, Tier};

pub static RULE: Rule = Rule {
    code: codes::SOFT_LIMIT_ABOVE_HARD,
    name: "soft-limit-above-hard",
    family: Family::Spec,
    summary: "A client output buffer soft limit is above its hard limit.",
    rationale: "A client is disconnected at the hard limit at once, or after staying above the soft limit for the given seconds. A soft limit above the hard one never applies, so the intended grace period does not exist.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "server: { client_output_buffer_limits: { pubsub: \"8mb 32mb 60\" } }",
        passing: "server: { client_output_buffer_limits: { pubsub: \"32mb 8mb 60\" } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let l = &cx.plan.server.client_output_buffer_limits;
    let mut out = Vec::new();
    for (class, v) in [
        ("normal", &l.normal),
        ("replica", &l.replica),
        ("pubsub", &l.pubsub),
    ] {
        if let Some((hard, soft, _)) = ClientBufferLimit(v.clone()).parts()
            && hard > 0
            && soft > hard
        {
            out.push(Finding::new(
                cx.loc(&format!("/server/client_output_buffer_limits/{class}")),
                format!("`{class}: {v}`: the soft limit is above the hard limit"),
                "write the hard limit first: `<hard> <soft> <seconds>`",
            ));
        }
    }
    out
}
