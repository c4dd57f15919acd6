use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::AWS_KMS_KEY_ARN,
    name: "aws-kms-key-arn",
    family: Family::Aws,
    summary: "`kms_key_arn` names an alias, or a key in another region than the cache: ElastiCache needs the key's own ARN, in the cache's region.",
    rationale: "ElastiCache stores the key ARN, whatever ARN it was given. With an alias ARN, every later plan compares the alias with the stored key ARN and replaces the cache (`kms_key_id` forces a new resource; provider issue #25713). A key from another region cannot encrypt the cache at all, and the create fails.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        tier: Tier::Production,
        previous: None,
        failing: "targets: { aws: { region: us-east-1, node_type: cache.r7g.large, kms_key_arn: \"arn:aws:kms:us-east-1:123456789012:alias/orders-cache\" } }",
        passing: "targets: { aws: { region: us-east-1, node_type: cache.r7g.large, kms_key_arn: \"arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555\" } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let Some(t) = super::target(cx.plan) else {
        return Vec::new();
    };
    let Some(arn) = &t.kms_key_arn else {
        return Vec::new();
    };
    let parts: Vec<&str> = arn.split(':').collect();
    let (region, resource) = (
        parts.get(3).copied().unwrap_or(""),
        parts.get(5).copied().unwrap_or(""),
    );
    let here = cx.loc("/targets/aws/kms_key_arn");
    let mut out = Vec::new();
    if resource.starts_with("alias/") {
        out.push(Finding::new(
            here.clone(),
            "an alias ARN: ElastiCache stores the key's ARN, so every later plan would replace the cache",
            "give the key ARN (`arn:aws:kms:<region>:<account>:key/<key-id>`): `aws kms describe-key --key-id <alias ARN> --query KeyMetadata.Arn`",
        ));
    }
    if region != t.region {
        out.push(
            Finding::new(
                here,
                format!("the key is in {region}, the cache in {}: ElastiCache encrypts only with a key of its own region", t.region),
                format!("use a key in {} (a multi-Region replica key works)", t.region),
            )
            .related("the cache's region", cx.loc("/targets/aws/region")),
        );
    }
    out
}
