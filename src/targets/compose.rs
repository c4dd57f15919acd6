//! `docker-compose.yml` (Compose Specification, no `version:` key) for a self-hosted Redis:
//! the generated redis.conf and start script mounted read-only, a named volume for data, the
//! password as a compose secret, ports on 127.0.0.1 unless the spec allows public access.

use super::redis_conf::{
    ACL_DIR, CONF_PATH, CREATE_CLUSTER_PATH, DATA_DIR, SECRET_FILE, START_SCRIPT_PATH, TLS_DIR,
    cluster_nodes,
};
use super::{OutFile, RenderInput, with_header};
use crate::plan::Plan;
use serde::Serialize;

#[derive(Serialize)]
struct Ctx<'a> {
    plan: &'a Plan,
    project: String,
    compose: &'a crate::plan::ComposePlan,
    conf_path: &'static str,
    start_script_path: &'static str,
    acl_dir: &'static str,
    data_dir: &'static str,
    tls_dir: &'static str,
    password_env: String,
    /// `mem_limit` in MiB, as compose spells it (`2624m`).
    mem_limit: String,
    healthcheck: String,
    /// One entry per Redis container: `redis` alone, or the cluster's `redis-<i>` nodes.
    services: Vec<Service>,
    /// Cluster mode: the one-shot service that forms the cluster.
    create_cluster_path: Option<&'static str>,
}

#[derive(Serialize)]
struct Service {
    name: String,
    container_name: String,
    /// Its config file beside docker-compose.yml.
    conf: String,
    /// `host:host_port:port` as compose publishes it.
    port_mapping: String,
    volume: String,
}

/// The healthcheck command: `redis-cli ping`, with the password from the secret file in
/// `REDISCLI_AUTH` (never on the command line), over TLS when TLS is on.
fn healthcheck(plan: &Plan) -> String {
    let mut cmd = String::new();
    if plan.security.auth {
        cmd.push_str(&format!("REDISCLI_AUTH=\"$$(cat {SECRET_FILE})\" "));
    }
    cmd.push_str("redis-cli --no-auth-warning");
    if plan.security.tls {
        cmd.push_str(&format!(" --tls --cacert {TLS_DIR}/ca.crt"));
    }
    cmd.push_str(&format!(" -p {} ping | grep -q PONG", plan.network.port));
    cmd
}

fn services(plan: &Plan, compose: &crate::plan::ComposePlan) -> Vec<Service> {
    let port = plan.network.port;
    let nodes = cluster_nodes(plan);
    if nodes.is_empty() {
        return vec![Service {
            name: "redis".into(),
            container_name: compose.container_name.clone(),
            conf: "redis.conf".into(),
            port_mapping: format!("{}:{}:{port}", compose.host_address, compose.host_port),
            volume: "redis-data".into(),
        }];
    }
    nodes
        .into_iter()
        .map(|n| Service {
            container_name: format!("{}-{}", compose.container_name, n.index),
            port_mapping: format!("{}:{}:{port}", compose.host_address, n.host_port),
            volume: format!("{}-data", n.service),
            conf: n.conf,
            name: n.service,
        })
        .collect()
}

pub fn render(input: &RenderInput) -> Result<Vec<OutFile>, String> {
    let plan = input.plan;
    let compose = plan
        .targets
        .compose
        .as_ref()
        .ok_or("the compose target is not listed")?;
    let ctx = Ctx {
        plan,
        project: plan.resource_name.clone(),
        compose,
        conf_path: CONF_PATH,
        start_script_path: START_SCRIPT_PATH,
        acl_dir: ACL_DIR,
        data_dir: DATA_DIR,
        tls_dir: TLS_DIR,
        password_env: match &plan.security.password {
            Some(crate::spec::SecretRef::Env(n)) => n.clone(),
            _ => "REDIS_PASSWORD".into(),
        },
        mem_limit: format!("{}m", compose.mem_limit_bytes.div_ceil(1 << 20)),
        healthcheck: healthcheck(plan),
        services: services(plan, compose),
        create_cluster_path: plan.topology.is_cluster().then_some(CREATE_CLUSTER_PATH),
    };
    let text = input.engine.render(
        "compose/docker-compose.yml.j2",
        &minijinja::Value::from_serialize(&ctx),
    )?;
    Ok(vec![OutFile {
        path: "docker-compose.yml".into(),
        contents: with_header("#", input, text),
    }])
}

/// What the self-hosted stack (docker-compose and redis.conf) does with each setting.
pub fn support(setting: &str, plan: &Plan) -> Option<super::capability::Support> {
    use super::capability::{Support::Honoured, mapped, not_applicable, unsupported};
    let aof = plan.persistence.aof.enabled;
    let snapshots = plan.persistence.snapshots.enabled;
    Some(match setting {
        "/labels" => mapped("not applied: labels are for cloud resources"),
        "/engine/kind" | "/engine/version" => mapped(
            "the default image (`redis:<version>-alpine` or `valkey/valkey:<version>-alpine`) unless `targets.compose.image` names one",
        ),
        "/topology/mode" | "/topology/shards" | "/topology/replicas" => match plan.topology.mode {
            crate::spec::TopologyMode::Standalone => Honoured,
            crate::spec::TopologyMode::Cluster => mapped(
                "one service per node (`redis-<i>`) and a one-shot service that forms the cluster",
            ),
            crate::spec::TopologyMode::Replicated => unsupported(
                "the compose stack runs replication only as Redis Cluster (`mode: cluster`); replicated mode exists only on a cloud target",
            ),
        },
        "/topology/automatic_failover" => {
            if !plan.topology.automatic_failover {
                Honoured
            } else if plan.topology.is_cluster() {
                mapped("Redis Cluster promotes a replica after `cluster-node-timeout`")
            } else {
                unsupported("one node has nothing to fail over to")
            }
        }
        "/topology/multi_zone" => {
            if plan.topology.multi_zone {
                unsupported("a compose stack runs on one host")
            } else {
                Honoured
            }
        }
        "/memory/max_memory" => {
            mapped("`maxmemory`, and a container `mem_limit` with headroom for the snapshot fork")
        }
        "/memory/eviction_policy" | "/memory/eviction_samples" => Honoured,
        "/persistence/snapshots/enabled" | "/persistence/snapshots/save" => Honoured,
        "/persistence/snapshots/compression" | "/persistence/snapshots/checksum" => {
            if snapshots {
                Honoured
            } else {
                not_applicable("snapshots are off")
            }
        }
        "/persistence/snapshots/retention_days" => {
            if snapshots {
                unsupported(
                    "Redis keeps one dump.rdb in the data volume; keeping older snapshots is a backup job outside the stack",
                )
            } else {
                not_applicable("snapshots are off")
            }
        }
        "/persistence/snapshots/window" => {
            if snapshots {
                unsupported("self-hosted Redis snapshots on its `save` points, not in a window")
            } else {
                not_applicable("snapshots are off")
            }
        }
        "/persistence/aof/enabled" => Honoured,
        "/persistence/aof/fsync"
        | "/persistence/aof/rewrite_percentage"
        | "/persistence/aof/rewrite_min_size" => {
            if aof {
                Honoured
            } else {
                not_applicable("AOF is off")
            }
        }
        "/maintenance/window" | "/maintenance/auto_minor_version_upgrade" => {
            unsupported("nobody patches a self-hosted container; the image tag decides the version")
        }
        "/network/port" => mapped(
            "`port` (or `tls-port`) in the container, published as `targets.compose.host_port`",
        ),
        "/network/allowed_cidrs" => {
            if plan.network.allowed_cidrs.is_empty() {
                Honoured
            } else {
                unsupported(
                    "compose cannot filter clients by network; the port is published on `targets.compose.host_address` only, so use the host's firewall",
                )
            }
        }
        "/network/public_access" => {
            mapped("the port is published on 127.0.0.1 unless public access is on")
        }
        "/network/tcp_backlog"
        | "/network/idle_timeout_seconds"
        | "/network/tcp_keepalive_seconds" => Honoured,
        "/security/tls/enabled" | "/security/tls/min_version" => Honoured,
        "/security/auth/enabled" => mapped("the ACL file written at start by start-redis.sh"),
        "/security/auth/password" => mapped(
            "a compose secret read from the environment variable; only its SHA-256 reaches Redis",
        ),
        "/security/encryption_at_rest" => {
            if plan.security.encryption_at_rest {
                unsupported(
                    "the data volume is as encrypted as the host's disk; cachegen cannot encrypt it",
                )
            } else {
                Honoured
            }
        }
        "/security/disabled_commands" => mapped("ACL rules of the default user (`-flushall`, ...)"),
        "/server/databases" | "/server/io_threads" | "/server/io_threads_do_reads" => Honoured,
        "/server/slowlog/log_slower_than_us"
        | "/server/slowlog/max_len"
        | "/server/latency_monitor_threshold_ms" => Honoured,
        "/server/keyspace_events" => Honoured,
        "/server/client_output_buffer_limits/normal"
        | "/server/client_output_buffer_limits/replica"
        | "/server/client_output_buffer_limits/pubsub" => Honoured,
        "/server/cluster_node_timeout_ms" => {
            if plan.topology.is_cluster() {
                Honoured
            } else {
                not_applicable("not in cluster mode")
            }
        }
        _ => return None,
    })
}
