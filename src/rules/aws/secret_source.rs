use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{SecretRef, Tier};

pub static RULE: Rule = Rule {
    code: codes::AWS_SECRET_SOURCE,
    name: "aws-secret-source",
    family: Family::Aws,
    summary: "The password comes from a store Terraform for AWS cannot read (Azure Key Vault, Google Secret Manager).",
    rationale: "The AWS target reads the password from AWS Secrets Manager (`aws_secret`) or from a sensitive Terraform variable (`env`). A reference to another cloud's store would need that cloud's provider and credentials in the same apply.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Production,
        failing: "security: { auth: { password: { gcp_secret: redis-password } } }",
        passing: "security: { auth: { password: { aws_secret: example/redis/auth } } }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    if super::target(cx.plan).is_none() || !cx.plan.security.auth {
        return Vec::new();
    }
    match &cx.plan.security.password {
        Some(r @ (SecretRef::AzureKeyVaultSecret(_) | SecretRef::GcpSecret(_))) => {
            vec![Finding::new(
                cx.loc("/security/auth/password"),
                format!("the AWS target cannot read `{}`", r.kind()),
                "use `{ aws_secret: NAME_OR_ARN }`, or `{ env: NAME }` for a sensitive Terraform variable",
            )]
        }
        _ => Vec::new(),
    }
}
