//! Secret references. A spec says where a secret comes from, never what it is: cachegen holds
//! no secret value, so none can end up in a file, a diagnostic or a log.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a secret comes from.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum SecretRef {
    /// An environment variable read at deploy or start time, e.g. `REDIS_PASSWORD`.
    Env(
        #[schemars(
            regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]{0,127}$"),
            description = "The name of an environment variable read at deploy or start time, e.g. `REDIS_PASSWORD`."
        )]
        String,
    ),
    /// An AWS Secrets Manager secret, by name or ARN.
    AwsSecret(
        #[schemars(
            regex(pattern = r"^[A-Za-z0-9/_+=.@:-]{1,2048}$"),
            description = "An AWS Secrets Manager secret, by name or ARN."
        )]
        String,
    ),
    /// An Azure Key Vault secret, by its ID (URL).
    AzureKeyVaultSecret(
        #[schemars(
            regex(pattern = r"^https://[A-Za-z0-9.-]+/secrets/[A-Za-z0-9-]+(/[A-Za-z0-9]+)?$"),
            description = "An Azure Key Vault secret, by its ID: `https://VAULT.vault.azure.net/secrets/NAME[/VERSION]`."
        )]
        String,
    ),
    /// A Google Secret Manager secret, by name or resource ID.
    GcpSecret(
        #[schemars(
            regex(pattern = r"^[A-Za-z0-9/_.-]{1,255}$"),
            description = "A Google Secret Manager secret, by name or resource ID (`projects/P/secrets/NAME`)."
        )]
        String,
    ),
}

impl SecretRef {
    /// The reference kind as written in a spec.
    pub fn kind(&self) -> &'static str {
        match self {
            SecretRef::Env(_) => "env",
            SecretRef::AwsSecret(_) => "aws_secret",
            SecretRef::AzureKeyVaultSecret(_) => "azure_key_vault_secret",
            SecretRef::GcpSecret(_) => "gcp_secret",
        }
    }

    /// The name of the secret (never its value).
    pub fn name(&self) -> &str {
        match self {
            SecretRef::Env(n)
            | SecretRef::AwsSecret(n)
            | SecretRef::AzureKeyVaultSecret(n)
            | SecretRef::GcpSecret(n) => n,
        }
    }

    /// Where the secret comes from, as a sentence fragment for generated comments.
    pub fn describe(&self) -> String {
        match self {
            SecretRef::Env(n) => format!("the environment variable {n}"),
            SecretRef::AwsSecret(n) => format!("the AWS Secrets Manager secret {n}"),
            SecretRef::AzureKeyVaultSecret(n) => format!("the Azure Key Vault secret {n}"),
            SecretRef::GcpSecret(n) => format!("the Google Secret Manager secret {n}"),
        }
    }
}

pub use crate::load::redact::{REFERENCE_KINDS, SECRET_FIELDS};

/// Values that people paste where a secret belongs, from guides and examples. Compared after
/// lowercasing and dropping non-alphanumerics.
const PLACEHOLDERS: &[&str] = &[
    "yoursecurepassword",
    "yourpassword",
    "yourelasticacheauthtoken",
    "yourazureprimarykey",
    "yourmemorystoreauthstring",
    "yoursecureauthtoken",
    "changeme",
    "changeit",
    "password",
    "password1",
    "password123",
    "secret",
    "redis",
    "admin",
    "default",
    "foobared",
    "123456",
    "12345678",
    "letmein",
    "example",
    "test",
    "xxx",
    "xxxx",
    "xxxxxx",
    "todo",
    "replaceme",
];

/// Whether a literal looks like a placeholder rather than a real secret.
pub fn is_placeholder(value: &str) -> bool {
    let norm: String = value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    norm.is_empty()
        || PLACEHOLDERS.contains(&norm.as_str())
        || (norm.starts_with("your")
            && (norm.contains("password")
                || norm.contains("token")
                || norm.contains("key")
                || norm.contains("secret")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_recognised() {
        for p in [
            "your-secure-password",
            "changeme",
            "CHANGE_ME",
            "password",
            "your-elasticache-auth-token",
            "foobared",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for p in ["k8Vq2-hN7s!Lm0pZ", "correct horse battery staple"] {
            assert!(!is_placeholder(p), "{p}");
        }
    }
}
