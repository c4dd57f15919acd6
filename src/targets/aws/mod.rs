//! AWS ElastiCache: `terraform/aws/{versions,variables,main,outputs}.tf` for a replication
//! group (Redis OSS or Valkey) with its parameter group, subnet group, security group, KMS
//! key, CloudWatch log groups and authentication.
//!
//! Authentication follows the spec's secret reference: `aws_secret` is read from Secrets
//! Manager by a data source; `env` becomes a sensitive variable. With `disabled_commands`,
//! the password belongs to an RBAC user whose access string leaves those commands out
//! (ElastiCache's only way to refuse a command); without, it is the group's AUTH token.

mod render;

use crate::plan::Plan;
use crate::settings::{
    Platform, Setting, Support, approximated, mapped, not_applicable, unsupported,
};
use crate::targets::{Backend, Endpoint, OutFile, RenderInput};

/// The module's folder under the environment's.
const TERRAFORM_DIR: &str = "aws";

pub struct Aws;

impl Backend for Aws {
    fn platform(&self) -> Platform {
        Platform::Aws
    }

    fn listed(&self, plan: &Plan) -> bool {
        plan.targets.aws.is_some()
    }

    fn service(&self, _plan: &Plan) -> &'static str {
        "ElastiCache"
    }

    fn vendor(&self) -> &'static str {
        "AWS"
    }

    fn config_key(&self, key: &str) -> Support {
        mapped(format!("parameter `{key}`"))
    }

    fn support(&self, setting: &Setting, plan: &Plan) -> Option<Support> {
        support(setting, plan)
    }

    fn endpoint(&self, plan: &Plan) -> Endpoint {
        let sec = &plan.security;
        let port = plan.network.port;
        Endpoint {
            port,
            tls: sec.tls,
            password_from: sec.auth.then(|| match &sec.password {
                Some(r) => format!("{} (the ElastiCache auth token)", r.describe()),
                None => "the ElastiCache auth token".into(),
            }),
            after_apply: crate::targets::dotenv::after_apply(plan, TERRAFORM_DIR, port),
            ..Endpoint::default()
        }
    }

    fn render(&self, input: &RenderInput) -> Result<Vec<OutFile>, String> {
        render::render(input)
    }
}

/// What ElastiCache does with the settings the table leaves to it.
fn support(setting: &Setting, plan: &Plan) -> Option<Support> {
    use Support::Honoured;
    let snapshots = plan.persistence.snapshots.enabled;
    let aof = plan.persistence.aof.enabled;
    Some(match setting.path {
        "labels" => mapped("tags on every resource, with `managed-by` and `environment`"),
        "engine.kind" => mapped("`engine` (redis or valkey)"),
        "engine.version" => {
            mapped("`engine_version` and the parameter group family (redis7, valkey7, valkey8)")
        }
        "topology.mode" => mapped(if plan.topology.is_cluster() {
            "cluster mode enabled: `num_node_groups` and a `cluster-enabled` parameter group"
        } else {
            "cluster mode disabled: `num_cache_clusters`"
        }),
        "topology.shards" => {
            if plan.topology.is_cluster() {
                mapped("`num_node_groups`")
            } else {
                not_applicable("not in cluster mode")
            }
        }
        "topology.replicas" => mapped(if plan.topology.is_cluster() {
            "`replicas_per_node_group`"
        } else {
            "`num_cache_clusters` = 1 + replicas"
        }),
        "topology.automatic_failover" => mapped("`automatic_failover_enabled`"),
        "topology.multi_zone" => mapped("`multi_az_enabled`"),
        "memory.max_memory" => mapped(
            "checked against the node type's maxmemory after the 25% reserve; the node type fixes it",
        ),
        "persistence.snapshots.enabled" => {
            mapped("automatic backups: `snapshot_retention_limit` above 0")
        }
        "persistence.snapshots.save" => {
            if snapshots {
                approximated(
                    "ElastiCache takes one automatic backup a day in the snapshot window; save points do not apply",
                )
            } else {
                not_applicable("snapshots are off")
            }
        }
        "persistence.snapshots.retention_days" => mapped("`snapshot_retention_limit`"),
        "persistence.snapshots.window" => mapped("`snapshot_window`"),
        "persistence.aof.enabled" => {
            if aof {
                unsupported(
                    "ElastiCache has no append-only file; durability comes from replicas in other zones (Multi-AZ) and daily backups",
                )
            } else {
                Honoured
            }
        }
        "persistence.aof.fsync"
        | "persistence.aof.rewrite_percentage"
        | "persistence.aof.rewrite_min_size" => {
            if aof {
                unsupported("ElastiCache has no append-only file")
            } else {
                not_applicable("AOF is off")
            }
        }
        "maintenance.window" => mapped("`maintenance_window`"),
        "maintenance.auto_minor_version_upgrade" => mapped("`auto_minor_version_upgrade`"),
        "network.port" => mapped("`port` of the replication group and of the security group rules"),
        "network.allowed_cidrs" => mapped("one described ingress rule per CIDR on the Redis port"),
        "network.public_access" => {
            if plan.network.public_access {
                unsupported("ElastiCache is reachable only inside its VPC")
            } else {
                mapped("ElastiCache lives in private subnets of the VPC (`subnet_ids`)")
            }
        }
        "security.tls.enabled" => mapped("`transit_encryption_enabled`"),
        "security.tls.mode" => mapped("`transit_encryption_mode` (`preferred` or `required`)"),
        "security.auth.rotation" => match plan.targets.aws.as_ref().map(|a| a.auth) {
            Some(crate::plan::AwsAuth::Token) => mapped(
                "`auth_token_update_strategy`: ROTATE while true (the previous token stays valid), SET otherwise",
            ),
            Some(crate::plan::AwsAuth::Rbac) if plan.security.keep_previous_password => {
                unsupported(
                    "the RBAC user's password list holds the current password only; change it when every client has the new one",
                )
            }
            _ => not_applicable("no AUTH token"),
        },
        "security.auth.enabled" => mapped(if plan.security.disabled_commands.is_empty() {
            "`auth_token` of the replication group"
        } else {
            "an RBAC user group whose default user has the password"
        }),
        "security.auth.password" => {
            mapped("a Secrets Manager data source (`aws_secret`) or a sensitive variable (`env`)")
        }
        "security.encryption_at_rest" => {
            mapped("`at_rest_encryption_enabled` with a customer-managed KMS key")
        }
        "security.disabled_commands" => {
            mapped("the access string of the default RBAC user (`-flushall ...`)")
        }
        "server.client_output_buffer_limits.normal"
        | "server.client_output_buffer_limits.pubsub" => mapped(
            "parameters `client-output-buffer-limit-<class>-{hard-limit,soft-limit,soft-seconds}`",
        ),
        _ => return None,
    })
}
