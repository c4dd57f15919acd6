use crate::diagnostics::{Severity, codes};
use crate::plan::TlsState;
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_TLS_TRANSITION,
    name: "aws-tls-transition",
    family: Family::Aws,
    summary: "TLS goes straight between off and required on a replication group that exists: ElastiCache needs `preferred` in between, one apply each.",
    rationale: "ElastiCache turns in-transit encryption on for an existing group in two steps: first TransitEncryptionEnabled with TransitEncryptionMode preferred (TLS and plain connections both accepted, so clients can move over), then required; and the same way back. hashicorp/aws 5.100.0 sends `required` in the same call that turns TLS on (provider issue #42966), so the apply fails. `security.tls.mode: preferred` is the step between.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        tier: Tier::Production,
        previous: Some(
            "security: { tls: { enabled: false }, auth: { enabled: false } }\npolicy: { exceptions: [{ rule: CG6001, reason: \"before the TLS migration\" }, { rule: CG6002, reason: \"before the TLS migration\" }] }",
        ),
        failing: "security: { tls: { enabled: true }, auth: { enabled: false } }\npolicy: { exceptions: [{ rule: CG6002, reason: \"before the auth migration\" }] }",
        passing: "security: { tls: { enabled: true, mode: preferred }, auth: { enabled: false } }\npolicy: { exceptions: [{ rule: CG6002, reason: \"before the auth migration\" }] }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let (Some(previous), Some(_)) = (cx.previous, super::target(cx.plan)) else {
        return Vec::new();
    };
    if previous.aws.is_none() {
        return Vec::new();
    }
    let now = cx.plan.security.tls_state();
    match (previous.tls, now) {
        (TlsState::Off, TlsState::Required) => vec![Finding::new(
            cx.loc("/security/tls"),
            "ElastiCache cannot turn TLS on for a group that exists straight to `required`: the apply would fail",
            "turn it on in two applies: first `security.tls: { enabled: true, mode: preferred }` (clients may connect with or without TLS while they move over), then, once every client uses TLS, remove `mode` (required)",
        )],
        (TlsState::Required, TlsState::Off) => vec![Finding::new(
            cx.loc("/security/tls"),
            "ElastiCache cannot turn TLS off for a group that exists straight from `required`: the apply would fail",
            "turn it off in two applies: first `security.tls.mode: preferred` (plain connections accepted too), then, once clients connect without TLS, `security.tls.enabled: false`",
        )],
        _ => Vec::new(),
    }
}
