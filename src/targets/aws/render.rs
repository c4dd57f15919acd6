//! AWS ElastiCache: `terraform/aws/{versions,variables,main,outputs}.tf` for a replication
//! group (Redis OSS or Valkey) with its parameter group, subnet group, security group, KMS
//! key, CloudWatch log groups and authentication.
//!
//! Authentication follows the spec's secret reference: `aws_secret` is read from Secrets
//! Manager by a data source; `env` becomes a sensitive variable. With `disabled_commands`,
//! the password belongs to an RBAC user whose access string leaves those commands out
//! (ElastiCache's only way to refuse a command); without, it is the group's AUTH token.

use crate::facts::aws;
use crate::plan::Plan;
use crate::settings::Takes;
use crate::spec::{ClientBufferLimit, SecretRef};
use crate::targets::{OutFile, RenderInput, checkov};
use serde::Serialize;

#[derive(Serialize)]
struct Parameter {
    name: String,
    value: String,
}

#[derive(Serialize)]
struct Ingress {
    /// Named after the CIDR, so that adding, removing or reordering CIDRs leaves the other
    /// rules alone.
    resource: String,
    /// The name an earlier cachegen gave it (its position), for a `moved` block.
    positional: String,
    cidr: String,
    /// `cidr_ipv4` or `cidr_ipv6`.
    attribute: &'static str,
    description: String,
}

#[derive(Serialize)]
struct Auth {
    /// `token` (the group's AUTH token) or `rbac` (a default user in a user group).
    mode: &'static str,
    /// The RBAC user and user group are rendered (attached under `rbac`; waiting next to the
    /// token with `attach_rbac_users: false`).
    users: bool,
    /// `auth_token_update_strategy` of a token: ROTATE keeps the previous token valid.
    strategy: &'static str,
    /// The HCL expression of the password.
    password: String,
    /// The secret's name for the Secrets Manager data source (when read from there).
    secret_id: Option<String>,
    /// The environment variable behind `var.redis_password` (when given by a variable).
    env: Option<String>,
    access_string: String,
}

#[derive(Serialize)]
struct Ctx<'a> {
    plan: &'a Plan,
    name: String,
    region: &'a str,
    engine: &'static str,
    engine_version: &'a str,
    family: String,
    node_type: &'a str,
    data_tiering: bool,
    cluster: bool,
    parameters: Vec<Parameter>,
    /// The key that encrypts the data: a customer key (`kms_key_arn`), or the one created here.
    customer_kms_key: bool,
    kms_key: String,
    tls_mode: &'static str,
    /// Production without `policy.accept_replacement`: Terraform refuses to destroy the cache
    /// and its key.
    guard: bool,
    /// The final snapshot's name: the cache's name and a digest of what a replacement changes,
    /// so that the final snapshot of one cache never collides with another's.
    final_snapshot: String,
    ingress: Vec<Ingress>,
    auth: Option<Auth>,
    log_retention_days: u32,
    apply_immediately: bool,
    description: String,
    /// How the app reaches the cache: primary (replicated) or configuration (cluster) endpoint.
    host_expression: &'static str,
    /// checkov skip comments (`<check>:<why>`) of the replication group and the log groups.
    checkov_replication_group: Vec<String>,
    checkov_log_group: Vec<String>,
}

/// Every file of the AWS target. `None` when the spec has no `targets.aws`.
pub(super) fn render(input: &RenderInput) -> Result<Vec<OutFile>, String> {
    let plan = input.plan;
    let Some(target) = &plan.targets.aws else {
        return Ok(Vec::new());
    };
    let family = aws::family(plan.engine.kind, plan.engine.major, plan.engine.minor)?;
    let node = aws::node_type(&target.node_type);
    let cluster = plan.topology.is_cluster();
    let name = plan.resource_name.clone();
    let auth = plan
        .security
        .password
        .as_ref()
        .filter(|_| target.auth != crate::plan::AwsAuth::None)
        .map(|secret| {
            let (password, secret_id, env) = match secret {
                SecretRef::AwsSecret(id) => (
                    "data.aws_secretsmanager_secret_version.redis_password.secret_string"
                        .to_string(),
                    Some(id.clone()),
                    None,
                ),
                // Only `aws_secret` and `env` reach here; a rule refuses the other kinds for AWS.
                other => (
                    "var.redis_password".to_string(),
                    None,
                    Some(other.name().to_string()),
                ),
            };
            Auth {
                mode: target.auth.as_str(),
                users: target.rbac_users,
                strategy: if plan.security.keep_previous_password {
                    "ROTATE"
                } else {
                    "SET"
                },
                password,
                secret_id,
                env,
                access_string: access_string(plan),
            }
        });
    let ctx = Ctx {
        plan,
        name: name.clone(),
        region: &target.region,
        engine: plan.engine.kind.as_str(),
        engine_version: &plan.engine.version,
        family: family.to_string(),
        node_type: &target.node_type,
        data_tiering: node.is_some_and(|n| n.data_tiering),
        cluster,
        parameters: parameters(plan),
        customer_kms_key: target.kms_key_arn.is_some(),
        kms_key: match &target.kms_key_arn {
            Some(arn) => crate::targets::engine::hcl_string(arn),
            None => "aws_kms_key.redis.arn".into(),
        },
        tls_mode: plan.security.tls_mode.as_str(),
        guard: plan.tier == crate::spec::Tier::Production && plan.accept_replacement.is_none(),
        final_snapshot: format!("{name}-final-{}", replacement_digest(plan, target)),
        ingress: ingress(&plan.network.allowed_cidrs),
        auth,
        log_retention_days: target.log_retention_days,
        apply_immediately: target.apply_immediately,
        description: format!(
            "{name}: Redis cache for tier {}, from {}",
            plan.tier.as_str(),
            plan.source
        ),
        host_expression: if cluster {
            "configuration_endpoint_address"
        } else {
            "primary_endpoint_address"
        },
        checkov_replication_group: checkov::skips(input, checkov::AWS_REPLICATION_GROUP),
        checkov_log_group: checkov::skips(input, checkov::AWS_LOG_GROUP),
    };
    let files = crate::targets::terraform::module(input, "aws", "aws", &input.providers.aws, &ctx)?;
    Ok(crate::targets::terraform::under(
        super::TERRAFORM_DIR,
        files,
    ))
}

/// One rule per distinct network, named after it; its position names the `moved` block that
/// carries a rule over from the positional names of earlier cachegen versions.
fn ingress(cidrs: &[String]) -> Vec<Ingress> {
    let mut seen = std::collections::BTreeSet::new();
    cidrs
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let resource = cidr_key(c);
            seen.insert(resource.clone()).then(|| Ingress {
                resource,
                positional: format!("redis_{i}"),
                cidr: c.clone(),
                attribute: if c.contains(':') {
                    "cidr_ipv6"
                } else {
                    "cidr_ipv4"
                },
                description: format!("Redis clients in {c}"),
            })
        })
        .collect()
}

/// A resource name for a CIDR: the canonical address and prefix, with `_` for what a name
/// cannot hold (`10.0.0.0/16` is `cidr_10_0_0_0_16`).
fn cidr_key(cidr: &str) -> String {
    let (addr, prefix) = cidr.split_once('/').unwrap_or((cidr, ""));
    let addr = addr
        .parse::<std::net::IpAddr>()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| addr.to_string());
    let mut key = String::from("cidr_");
    key.extend(format!("{addr}_{prefix}").chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        }
    }));
    key
}

/// Eight hex digits that change with every argument whose change replaces the replication
/// group (engine and version, port, key, encryption at rest): each incarnation of a cache gets
/// its own final snapshot name.
fn replacement_digest(plan: &Plan, target: &crate::plan::AwsPlan) -> String {
    let text = format!(
        "{}|{}|{}|{}|{}",
        plan.engine.kind.as_str(),
        plan.engine.version,
        plan.network.port,
        target.kms_key_arn.as_deref().unwrap_or("created"),
        plan.security.encryption_at_rest
    );
    // FNV-1a: stable across versions and machines, which is all a name needs.
    let mut h: u32 = 0x811c9dc5;
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x01000193);
    }
    format!("{h:08x}")
}

/// The RBAC access string of the default user: every key and channel, every command but the
/// disabled ones.
fn access_string(plan: &Plan) -> String {
    let mut s = String::from("on ~* &* +@all");
    for c in &plan.security.disabled_commands {
        s.push_str(" -");
        s.push_str(&c.to_ascii_lowercase());
    }
    s
}

/// The parameter group: every setting the settings table gives ElastiCache as a parameter
/// (`Takes::Config`), with the client output buffer limits and cluster mode, which ElastiCache
/// spells its own way. A keyspace-event setting that is empty is left out, as ElastiCache's
/// default is.
fn parameters(plan: &Plan) -> Vec<Parameter> {
    let mut p: Vec<Parameter> = crate::settings::server_settings()
        .filter_map(|s| match s.takes.aws {
            Takes::Config(name) => Some((name, plan.values.unquoted(s)?)),
            _ => None,
        })
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| Parameter {
            name: name.into(),
            value,
        })
        .collect();
    let limits = &plan.server.client_output_buffer_limits;
    for (class, v) in [("normal", &limits.normal), ("pubsub", &limits.pubsub)] {
        if let Some((hard, soft, secs)) = ClientBufferLimit(v.clone()).parts() {
            for (what, value) in [
                ("hard-limit", hard),
                ("soft-limit", soft),
                ("soft-seconds", secs),
            ] {
                p.push(Parameter {
                    name: format!("client-output-buffer-limit-{class}-{what}"),
                    value: value.to_string(),
                });
            }
        }
    }
    if plan.topology.is_cluster() {
        p.push(Parameter {
            name: "cluster-enabled".into(),
            value: "yes".into(),
        });
    }
    p.sort_by(|a, b| a.name.cmp(&b.name));
    p
}
