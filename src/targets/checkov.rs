//! checkov, the scanner teams run over Terraform, next to cachegen. Each check checkov has for
//! a resource cachegen generates is mapped to the cachegen rules that judge the same
//! protection. When cachegen let such a rule's finding through for a spec (waived with a
//! reason, off or a warning in the spec's tier, or lowered by the project's `[rules]`), the
//! resource carries `#checkov:skip=<check>:<why>`: checkov then reports the check as skipped
//! with cachegen's reason, instead of failing a pull request on a decision already reviewed in
//! the spec. A protection cachegen requires is never skipped: the render stops before that.

use crate::diagnostics::codes;
use crate::targets::RenderInput;

/// A checkov check, and the cachegen rules any of which, accepted, explains its failure.
#[derive(Clone, Copy, Debug)]
pub struct Check {
    pub id: &'static str,
    pub rules: &'static [&'static str],
}

const fn check(id: &'static str, rules: &'static [&'static str]) -> Check {
    Check { id, rules }
}

/// `aws_elasticache_replication_group`.
pub const AWS_REPLICATION_GROUP: &[Check] = &[
    check("CKV_AWS_29", &[codes::ENCRYPTION_AT_REST]),
    check("CKV_AWS_191", &[codes::ENCRYPTION_AT_REST]),
    check("CKV_AWS_30", &[codes::REQUIRE_TLS]),
    check("CKV_AWS_31", &[codes::REQUIRE_TLS, codes::REQUIRE_AUTH]),
    check("CKV2_AWS_50", &[codes::REPLICAS_WITH_FAILOVER]),
];

/// `aws_cloudwatch_log_group` (the slow log and the engine log).
pub const AWS_LOG_GROUP: &[Check] = &[check("CKV_AWS_338", &[codes::AWS_LOG_RETENTION])];

/// `google_redis_instance`.
pub const GCP_INSTANCE: &[Check] = &[
    check("CKV_GCP_95", &[codes::REQUIRE_AUTH]),
    check("CKV_GCP_97", &[codes::REQUIRE_TLS]),
];

/// `azurerm_redis_cache`.
pub const AZURE_CACHE: &[Check] = &[
    check("CKV_AZURE_89", &[codes::NO_PUBLIC_ACCESS]),
    check("CKV_AZURE_91", &[codes::REQUIRE_TLS]),
    check("CKV_AZURE_230", &[codes::REPLICAS_WITH_FAILOVER]),
];

/// Every rule a check is mapped to: the ones whose accepted findings the targets need.
pub fn rules() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = [
        AWS_REPLICATION_GROUP,
        AWS_LOG_GROUP,
        GCP_INSTANCE,
        AZURE_CACHE,
    ]
    .iter()
    .flat_map(|checks| checks.iter())
    .flat_map(|c| c.rules.iter().copied())
    .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The skip comments of one resource, as `<check>:<why>` (the template writes
/// `#checkov:skip=` before each): for every check one of whose rules cachegen accepted.
pub fn skips(input: &RenderInput, checks: &[Check]) -> Vec<String> {
    let mut out = Vec::new();
    for c in checks {
        let why = c.rules.iter().find_map(|rule| {
            input
                .waivers
                .iter()
                .find(|w| w.rule == *rule)
                .map(|w| format!("cachegen {rule} waived in the spec: {}", w.reason))
                .or_else(|| {
                    input
                        .accepted
                        .iter()
                        .find(|a| a.rule == *rule)
                        .map(|a| a.why.clone())
                })
        });
        if let Some(why) = why {
            out.push(format!("{}:{}", c.id, super::one_line(&why)));
        }
    }
    out
}
