//! The self-hosted stack: `docker-compose.yml` (Compose Specification) and, beside it,
//! `redis.conf` with the start script that turns the password secret into an ACL file at
//! container start (in cluster mode one config per node and the script that forms the
//! cluster).

pub mod monitoring;
mod redis_conf;
mod render;

pub use redis_conf::{ClusterNode, acl_rules, cluster_nodes};

use crate::plan::Plan;
use crate::settings::{Platform, Setting, Support, mapped, not_applicable, unsupported};
use crate::targets::{Backend, Endpoint, OutFile, RenderInput};

pub struct Compose;

impl Backend for Compose {
    fn platform(&self) -> Platform {
        Platform::Compose
    }

    fn listed(&self, plan: &Plan) -> bool {
        plan.targets.compose.is_some()
    }

    fn service(&self, _plan: &Plan) -> &'static str {
        "the docker-compose stack"
    }

    fn vendor(&self) -> &'static str {
        "the stack's owner"
    }

    /// A redis.conf directive the generated config writes from the setting.
    fn config_key(&self, _key: &str) -> Support {
        Support::Honoured
    }

    fn support(&self, setting: &Setting, plan: &Plan) -> Option<Support> {
        support(setting, plan)
    }

    fn endpoint(&self, plan: &Plan) -> Endpoint {
        let sec = &plan.security;
        let compose = plan.targets.compose.as_ref();
        let cluster = plan.topology.is_cluster();
        Endpoint {
            // In cluster mode the nodes announce their compose service names, so the
            // application runs on the stack's network and reaches them on the Redis port.
            host: Some(if cluster { "redis-0" } else { "localhost" }.to_string()),
            port: if cluster {
                plan.network.port
            } else {
                compose.map(|c| c.host_port).unwrap_or(plan.network.port)
            },
            tls: sec.tls,
            password_from: sec
                .auth
                .then(|| sec.password.as_ref().map(|r| r.describe()))
                .flatten(),
            tls_ca_file: sec.tls.then(|| {
                let dir = compose
                    .map(|c| c.tls_dir.trim_end_matches('/').to_string())
                    .unwrap_or_else(|| "./tls".into());
                format!("{dir}/ca.crt")
            }),
            after_apply: Vec::new(),
            cluster_nodes: cluster.then(|| {
                cluster_nodes(plan)
                    .iter()
                    .map(|n| format!("{}:{}", n.service, plan.network.port))
                    .collect::<Vec<_>>()
                    .join(",")
            }),
        }
    }

    fn render(&self, input: &RenderInput) -> Result<Vec<OutFile>, String> {
        let mut files = redis_conf::render(input)?;
        files.extend(render::render(input)?);
        files.extend(monitoring::render(input)?);
        Ok(files)
    }
}

/// What the self-hosted stack does with the settings the table leaves to it.
fn support(setting: &Setting, plan: &Plan) -> Option<Support> {
    use Support::Honoured;
    if let Some(kind) = crate::plan::AlertKind::of(setting) {
        return Some(monitoring::support(kind, plan));
    }
    let snapshots = plan.persistence.snapshots.enabled;
    Some(match setting.path {
        "labels" => mapped("not applied: labels are for cloud resources"),
        "engine.kind" | "engine.version" => mapped(
            "the default image (`redis:<version>-alpine` or `valkey/valkey:<version>-alpine`) unless `targets.compose.image` names one",
        ),
        "topology.mode" | "topology.shards" | "topology.replicas" => match plan.topology.mode {
            crate::spec::TopologyMode::Standalone => Honoured,
            crate::spec::TopologyMode::Cluster => mapped(
                "one service per node (`redis-<i>`) and a one-shot service that forms the cluster",
            ),
            crate::spec::TopologyMode::Replicated => unsupported(
                "the compose stack runs replication only as Redis Cluster (`mode: cluster`); replicated mode exists only on a cloud target",
            ),
        },
        "topology.automatic_failover" => {
            if !plan.topology.automatic_failover {
                Honoured
            } else if plan.topology.is_cluster() {
                mapped("Redis Cluster promotes a replica after `cluster-node-timeout`")
            } else {
                unsupported("one node has nothing to fail over to")
            }
        }
        "topology.multi_zone" => {
            if plan.topology.multi_zone {
                unsupported("a compose stack runs on one host")
            } else {
                Honoured
            }
        }
        "memory.max_memory" => {
            mapped("`maxmemory`, and a container `mem_limit` with headroom for the snapshot fork")
        }
        "persistence.snapshots.enabled" | "persistence.snapshots.save" => Honoured,
        "persistence.snapshots.retention_days" => {
            if snapshots {
                unsupported(
                    "Redis keeps one dump.rdb in the data volume; keeping older snapshots is a backup job outside the stack",
                )
            } else {
                not_applicable("snapshots are off")
            }
        }
        "persistence.snapshots.window" => {
            if snapshots {
                unsupported("self-hosted Redis snapshots on its `save` points, not in a window")
            } else {
                not_applicable("snapshots are off")
            }
        }
        "persistence.aof.enabled" => Honoured,
        "maintenance.window" => {
            unsupported("nobody patches a self-hosted container; the image tag decides the version")
        }
        "network.port" => mapped(
            "`port` (or `tls-port`) in the container, published as `targets.compose.host_port`",
        ),
        "network.allowed_cidrs" => {
            if plan.network.allowed_cidrs.is_empty() {
                Honoured
            } else {
                unsupported(
                    "compose cannot filter clients by network; the port is published on `targets.compose.host_address` only, so use the host's firewall",
                )
            }
        }
        "network.public_access" => {
            mapped("the port is published on 127.0.0.1 unless public access is on")
        }
        "security.tls.enabled" | "security.tls.min_version" => Honoured,
        "security.auth.enabled" => mapped("the ACL file written at start by start-redis.sh"),
        "security.auth.password" => mapped(
            "a compose secret read from the environment variable; only its SHA-256 reaches Redis",
        ),
        "security.encryption_at_rest" => {
            if plan.security.encryption_at_rest {
                unsupported(
                    "the data volume is as encrypted as the host's disk; cachegen cannot encrypt it",
                )
            } else {
                Honoured
            }
        }
        "security.disabled_commands" => mapped("ACL rules of the default user (`-flushall`, ...)"),
        _ => return None,
    })
}
