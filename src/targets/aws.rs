//! AWS ElastiCache: `terraform/aws/{versions,variables,main,outputs}.tf` for a replication
//! group (Redis OSS or Valkey) with its parameter group, subnet group, security group, KMS
//! key, CloudWatch log groups and authentication.
//!
//! Authentication follows the spec's secret reference: `aws_secret` is read from Secrets
//! Manager by a data source; `env` becomes a sensitive variable. With `disabled_commands`,
//! the password belongs to an RBAC user whose access string leaves those commands out
//! (ElastiCache's only way to refuse a command); without, it is the group's AUTH token.

use super::capability::{Support, approximated, mapped, not_applicable, unsupported};
use super::{OutFile, RenderInput};
use crate::facts::aws;
use crate::plan::Plan;
use crate::spec::{ClientBufferLimit, SecretRef};
use serde::Serialize;

#[derive(Serialize)]
struct Parameter {
    name: String,
    value: String,
}

#[derive(Serialize)]
struct Ingress {
    resource: String,
    cidr: String,
    /// `cidr_ipv4` or `cidr_ipv6`.
    attribute: &'static str,
    description: String,
}

#[derive(Serialize)]
struct Auth {
    /// `token` (the group's AUTH token) or `rbac` (a default user in a user group).
    mode: &'static str,
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
    create_kms_key: bool,
    kms_key: String,
    ingress: Vec<Ingress>,
    auth: Option<Auth>,
    log_retention_days: u32,
    apply_immediately: bool,
    description: String,
    /// How the app reaches the cache: primary (replicated) or configuration (cluster) endpoint.
    host_expression: &'static str,
}

/// Every file of the AWS target. `None` when the spec has no `targets.aws`.
pub fn render(input: &RenderInput) -> Result<Vec<OutFile>, String> {
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
        .filter(|_| plan.security.auth)
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
                mode: if plan.security.disabled_commands.is_empty() {
                    "token"
                } else {
                    "rbac"
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
        create_kms_key: target.kms_key_arn.is_none(),
        kms_key: match &target.kms_key_arn {
            Some(arn) => super::engine::hcl_string(arn),
            None => "aws_kms_key.redis.arn".into(),
        },
        ingress: plan
            .network
            .allowed_cidrs
            .iter()
            .enumerate()
            .map(|(i, c)| Ingress {
                resource: format!("redis_{i}"),
                cidr: c.clone(),
                attribute: if c.contains(':') {
                    "cidr_ipv6"
                } else {
                    "cidr_ipv4"
                },
                description: format!("Redis clients in {c} (network.allowed_cidrs[{i}])"),
            })
            .collect(),
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
    };
    super::terraform::module(input, "aws", "aws", &input.providers.aws, &ctx)
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

/// The parameter group: the spec's settings that a custom group of this family may set.
fn parameters(plan: &Plan) -> Vec<Parameter> {
    let mut p = Vec::new();
    let mut add = |n: &str, v: String| {
        p.push(Parameter {
            name: n.into(),
            value: v,
        })
    };
    add(
        "maxmemory-policy",
        plan.memory.eviction_policy.as_str().into(),
    );
    add(
        "maxmemory-samples",
        plan.memory.eviction_samples.to_string(),
    );
    if !plan.server.keyspace_events.is_empty() {
        add(
            "notify-keyspace-events",
            plan.server.keyspace_events.clone(),
        );
    }
    add("timeout", plan.network.idle_timeout_seconds.to_string());
    add(
        "tcp-keepalive",
        plan.network.tcp_keepalive_seconds.to_string(),
    );
    add(
        "slowlog-log-slower-than",
        plan.server.slowlog_log_slower_than_us.to_string(),
    );
    add("slowlog-max-len", plan.server.slowlog_max_len.to_string());
    let limits = &plan.server.client_output_buffer_limits;
    for (class, v) in [("normal", &limits.normal), ("pubsub", &limits.pubsub)] {
        if let Some((hard, soft, secs)) = ClientBufferLimit(v.clone()).parts() {
            add(
                &format!("client-output-buffer-limit-{class}-hard-limit"),
                hard.to_string(),
            );
            add(
                &format!("client-output-buffer-limit-{class}-soft-limit"),
                soft.to_string(),
            );
            add(
                &format!("client-output-buffer-limit-{class}-soft-seconds"),
                secs.to_string(),
            );
        }
    }
    if plan.topology.is_cluster() {
        add("cluster-enabled", "yes".into());
    }
    p.sort_by(|a, b| a.name.cmp(&b.name));
    p
}

/// What ElastiCache does with each setting.
pub fn support(setting: &str, plan: &Plan) -> Option<Support> {
    use Support::Honoured;
    let snapshots = plan.persistence.snapshots.enabled;
    let aof = plan.persistence.aof.enabled;
    Some(match setting {
        "/labels" => mapped("tags on every resource, with `managed-by` and `environment`"),
        "/engine/kind" => mapped("`engine` (redis or valkey)"),
        "/engine/version" => {
            mapped("`engine_version` and the parameter group family (redis7, valkey7, valkey8)")
        }
        "/topology/mode" => mapped(if plan.topology.is_cluster() {
            "cluster mode enabled: `num_node_groups` and a `cluster-enabled` parameter group"
        } else {
            "cluster mode disabled: `num_cache_clusters`"
        }),
        "/topology/shards" => {
            if plan.topology.is_cluster() {
                mapped("`num_node_groups`")
            } else {
                not_applicable("not in cluster mode")
            }
        }
        "/topology/replicas" => mapped(if plan.topology.is_cluster() {
            "`replicas_per_node_group`"
        } else {
            "`num_cache_clusters` = 1 + replicas"
        }),
        "/topology/automatic_failover" => mapped("`automatic_failover_enabled`"),
        "/topology/multi_zone" => mapped("`multi_az_enabled`"),
        "/memory/max_memory" => mapped(
            "checked against the node type's maxmemory after the 25% reserve; the node type fixes it",
        ),
        "/memory/eviction_policy" => mapped("parameter `maxmemory-policy`"),
        "/memory/eviction_samples" => mapped("parameter `maxmemory-samples`"),
        "/persistence/snapshots/enabled" => {
            mapped("automatic backups: `snapshot_retention_limit` above 0")
        }
        "/persistence/snapshots/save" => {
            if snapshots {
                approximated(
                    "ElastiCache takes one automatic backup a day in the snapshot window; save points do not apply",
                )
            } else {
                not_applicable("snapshots are off")
            }
        }
        "/persistence/snapshots/compression" | "/persistence/snapshots/checksum" => {
            let on = if setting.ends_with("compression") {
                plan.persistence.snapshots.compression
            } else {
                plan.persistence.snapshots.checksum
            };
            if on {
                mapped("ElastiCache manages the backup format (compressed, checksummed)")
            } else {
                unsupported(
                    "ElastiCache always compresses and checksums its backups; it cannot be turned off",
                )
            }
        }
        "/persistence/snapshots/retention_days" => mapped("`snapshot_retention_limit`"),
        "/persistence/snapshots/window" => mapped("`snapshot_window`"),
        "/persistence/aof/enabled" => {
            if aof {
                unsupported(
                    "ElastiCache has no append-only file; durability comes from replicas in other zones (Multi-AZ) and daily backups",
                )
            } else {
                Honoured
            }
        }
        "/persistence/aof/fsync"
        | "/persistence/aof/rewrite_percentage"
        | "/persistence/aof/rewrite_min_size" => {
            if aof {
                unsupported("ElastiCache has no append-only file")
            } else {
                not_applicable("AOF is off")
            }
        }
        "/maintenance/window" => mapped("`maintenance_window`"),
        "/maintenance/auto_minor_version_upgrade" => mapped("`auto_minor_version_upgrade`"),
        "/network/port" => {
            mapped("`port` of the replication group and of the security group rules")
        }
        "/network/allowed_cidrs" => mapped("one described ingress rule per CIDR on the Redis port"),
        "/network/public_access" => {
            if plan.network.public_access {
                unsupported("ElastiCache is reachable only inside its VPC")
            } else {
                mapped("ElastiCache lives in private subnets of the VPC (`subnet_ids`)")
            }
        }
        "/network/tcp_backlog" => unsupported("ElastiCache does not expose `tcp-backlog`"),
        "/network/idle_timeout_seconds" => mapped("parameter `timeout`"),
        "/network/tcp_keepalive_seconds" => mapped("parameter `tcp-keepalive`"),
        "/security/tls/enabled" => {
            mapped("`transit_encryption_enabled` with `transit_encryption_mode = \"required\"`")
        }
        "/security/tls/min_version" => {
            if !plan.security.tls {
                not_applicable("TLS is off")
            } else if plan.security.tls_min_version == crate::spec::TlsVersion::V1_2 {
                mapped("ElastiCache accepts TLS 1.2 and 1.3")
            } else {
                approximated("ElastiCache also accepts TLS 1.2; the minimum is not configurable")
            }
        }
        "/security/auth/enabled" => mapped(if plan.security.disabled_commands.is_empty() {
            "`auth_token` of the replication group"
        } else {
            "an RBAC user group whose default user has the password"
        }),
        "/security/auth/password" => {
            mapped("a Secrets Manager data source (`aws_secret`) or a sensitive variable (`env`)")
        }
        "/security/encryption_at_rest" => {
            mapped("`at_rest_encryption_enabled` with a customer-managed KMS key")
        }
        "/security/disabled_commands" => {
            mapped("the access string of the default RBAC user (`-flushall ...`)")
        }
        "/server/databases" => {
            if plan.server.databases == 16 {
                Honoured
            } else {
                unsupported("ElastiCache creates 16 databases; the number is not generated here")
            }
        }
        "/server/io_threads" | "/server/io_threads_do_reads" => {
            if plan.server.io_threads > 1 || plan.server.io_threads_do_reads {
                unsupported(
                    "ElastiCache manages I/O threads itself (enhanced I/O multiplexing on nodes with 4+ vCPUs)",
                )
            } else {
                Honoured
            }
        }
        "/server/slowlog/log_slower_than_us" | "/server/slowlog/max_len" => {
            mapped("parameters `slowlog-*`, and the slow log delivered to CloudWatch Logs")
        }
        "/server/latency_monitor_threshold_ms" => {
            if plan.server.latency_monitor_threshold_ms > 0 {
                unsupported(
                    "ElastiCache does not expose the latency monitor; use its CloudWatch latency metrics",
                )
            } else {
                Honoured
            }
        }
        "/server/keyspace_events" => mapped("parameter `notify-keyspace-events`"),
        "/server/client_output_buffer_limits/normal"
        | "/server/client_output_buffer_limits/pubsub" => mapped(
            "parameters `client-output-buffer-limit-<class>-{hard-limit,soft-limit,soft-seconds}`",
        ),
        "/server/client_output_buffer_limits/replica" => unsupported(
            "ElastiCache sets the replica buffer limit per node type; it is not modifiable",
        ),
        "/server/cluster_node_timeout_ms" => {
            if plan.topology.is_cluster() {
                unsupported("ElastiCache manages the cluster node timeout")
            } else {
                not_applicable("not in cluster mode")
            }
        }
        _ => return None,
    })
}
