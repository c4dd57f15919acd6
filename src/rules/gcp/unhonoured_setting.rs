use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::GCP_UNHONOURED_SETTING,
    name: "gcp-unhonoured-setting",
    family: Family::Gcp,
    summary: "The spec sets something Memorystore cannot honour (a password, disabled commands, AOF on an instance, CIDR filters, ...).",
    rationale: "A setting that is silently dropped is a promise the cache does not keep. Memorystore generates its own AUTH string (a cluster has IAM authentication only), cannot disable commands or filter clients by CIDR, keeps an AOF only on clusters, and fixes its ports. cachegen says so once, with what Memorystore does instead, so the spec can say what will really happen.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: concat!(
            "persistence: { snapshots: { retention_days: null, window: null } }\nnetwork: null\nsecurity: { auth: { password: { gcp_secret: redis-auth } } }\n",
            instance_target!()
        ),
        passing: concat!(
            "persistence: { snapshots: { retention_days: null, window: null } }\nnetwork: null\nsecurity: null\n",
            instance_target!()
        ),
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if super::target(cx.plan).is_none() {
        return Vec::new();
    }
    let service = if cx.plan.topology.is_cluster() {
        "Memorystore for Redis Cluster"
    } else {
        "Memorystore for Redis"
    };
    crate::rules::capability::unhonoured(cx, crate::settings::Platform::Gcp, service)
}
