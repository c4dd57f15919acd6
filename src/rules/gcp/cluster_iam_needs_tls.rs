use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::GCP_CLUSTER_IAM_NEEDS_TLS,
    name: "gcp-cluster-iam-needs-tls",
    family: Family::Gcp,
    summary: "A cluster with authentication uses IAM access tokens, which Memorystore accepts only over TLS.",
    rationale: "Memorystore for Redis Cluster has no password: authentication is IAM (`AUTH_MODE_IAM_AUTH`), and clients send a short-lived access token as the password. Google requires in-transit encryption for it, since a token sent in clear text could be replayed. Both settings are fixed at creation.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Staging,
        failing: "security: { tls: { enabled: false } }\ntopology: { mode: cluster, shards: 3, replicas: 1 }\ntargets: { aws: null, gcp: { region: us-central1 } }",
        passing: "security: { tls: { enabled: true } }\ntopology: { mode: cluster, shards: 3, replicas: 1 }\ntargets: { aws: null, gcp: { region: us-central1 } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if super::cluster(cx.plan).is_none() || !cx.plan.security.auth || cx.plan.security.tls {
        return Vec::new();
    }
    vec![
        Finding::new(
            cx.loc("/security/tls/enabled"),
            "IAM authentication on a Memorystore cluster needs TLS",
            "turn TLS on (`security.tls.enabled: true`), or authentication off (`security.auth.enabled: false`)",
        )
        .related("authentication is on", cx.loc("/security/auth")),
    ]
}
