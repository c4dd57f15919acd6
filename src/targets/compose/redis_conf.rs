//! `redis.conf` for a self-hosted Redis (the compose target), Redis 7.0 syntax, and the small
//! start script that turns the password secret into an ACL file at container start, so that
//! no secret is ever written into a generated file or a process's arguments.
//!
//! In cluster mode every node gets its own config (`redis-<i>.conf`, announcing its compose
//! hostname), and `create-cluster.sh` forms the cluster once, from a one-shot service.

use crate::plan::Plan;
use crate::targets::{OutFile, RenderInput, with_header};
use serde::Serialize;

/// Where the compose stack mounts things inside the container.
pub const CONF_PATH: &str = "/usr/local/etc/redis/redis.conf";
pub const START_SCRIPT_PATH: &str = "/usr/local/etc/redis/start-redis.sh";
pub const CREATE_CLUSTER_PATH: &str = "/usr/local/etc/redis/create-cluster.sh";
pub const ACL_DIR: &str = "/run/redis";
/// Where the Redis containers find the password: the `redis-secret` volume, mounted
/// read-only, holding the one file the one-shot `redis-password` service copied from the
/// compose secret of this name.
pub const SECRET_DIR: &str = "/run/secrets";
pub const SECRET_NAME: &str = "redis_password";
pub const SECRET_FILE: &str = "/run/secrets/redis_password";
/// The user every container of the stack runs as, by number: the official `redis` and
/// `valkey/valkey` images both give uid 999 to their server user (named `redis` in one and
/// `valkey` in the other) and own `/data` by it.
pub const CONTAINER_UID: u32 = 999;
pub const TLS_DIR: &str = "/tls";
pub const DATA_DIR: &str = "/data";

/// One Redis Cluster node of the compose stack.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterNode {
    pub index: u32,
    /// Compose service name, which is also its hostname on the stack's network.
    pub service: String,
    /// Its config file, beside docker-compose.yml.
    pub conf: String,
    /// Port published on the host for it.
    pub host_port: u32,
}

/// The nodes of a cluster-mode compose stack: shards x (1 + replicas).
pub fn cluster_nodes(plan: &Plan) -> Vec<ClusterNode> {
    if !plan.topology.is_cluster() {
        return Vec::new();
    }
    let base = plan
        .targets
        .compose
        .as_ref()
        .map(|c| c.host_port)
        .unwrap_or(plan.network.port) as u32;
    (0..plan.topology.nodes)
        .map(|i| ClusterNode {
            index: i,
            service: format!("redis-{i}"),
            conf: format!("redis-{i}.conf"),
            host_port: base + i,
        })
        .collect()
}

#[derive(Serialize)]
struct Ctx<'a> {
    plan: &'a Plan,
    engine_name: &'static str,
    /// Every directive the settings table carries, with its value as redis.conf spells it.
    conf: std::collections::BTreeMap<&'static str, String>,
    /// `tls-protocols` from the minimum TLS version.
    tls_protocols: &'static str,
    /// ACL rules of the default user, after its password: key and channel access, commands.
    acl_rules: String,
    acl_file: String,
    /// Runtime file with `masterauth`, for replicas (cluster mode); none without replication.
    masterauth_file: Option<String>,
    secret_file: &'static str,
    /// The environment variable compose reads the password from.
    password_env: String,
    conf_path: &'static str,
    tls_dir: &'static str,
    data_dir: &'static str,
    /// `save` lines, one point per line (Redis 6 would ignore a multi-point line).
    save_lines: Vec<String>,
    /// This config's cluster node; none outside cluster mode.
    node: Option<ClusterNode>,
    /// Every node, as `host:port` for `redis-cli --cluster create`.
    cluster_addresses: String,
    /// How long `create-cluster.sh` waits for `cluster_state:ok` on nodes that know each
    /// other already, in seconds: two node timeouts (a master with slots restarted with the
    /// FAIL flag in its peers' nodes.conf is cleared after 2 x cluster-node-timeout) and 5 s
    /// (2 s writable delay of a restarted master, rejoin delay of at most 5 s overlapping it,
    /// gossip).
    cluster_settle_seconds: u64,
}

/// "Redis" or "Valkey", for headers.
pub fn engine_name(plan: &Plan) -> &'static str {
    match plan.engine.kind {
        crate::spec::EngineKind::Redis => "Redis",
        crate::spec::EngineKind::Valkey => "Valkey",
    }
}

pub fn acl_rules(plan: &Plan) -> String {
    let mut r = String::from("~* &* +@all");
    for c in &plan.security.disabled_commands {
        r.push_str(" -");
        r.push_str(&c.to_ascii_lowercase());
    }
    r
}

pub(super) fn render(input: &RenderInput) -> Result<Vec<OutFile>, String> {
    let plan = input.plan;
    let nodes = cluster_nodes(plan);
    let mut ctx = Ctx {
        plan,
        engine_name: engine_name(plan),
        conf: plan.values.conf_map(),
        tls_protocols: match plan.security.tls_min_version {
            crate::spec::TlsVersion::V1_2 => "TLSv1.2 TLSv1.3",
            crate::spec::TlsVersion::V1_3 => "TLSv1.3",
        },
        acl_rules: acl_rules(plan),
        acl_file: format!("{ACL_DIR}/users.acl"),
        masterauth_file: (plan.security.auth
            && plan.topology.is_cluster()
            && plan.topology.replicas > 0)
            .then(|| format!("{ACL_DIR}/masterauth.conf")),
        secret_file: SECRET_FILE,
        password_env: match &plan.security.password {
            Some(crate::spec::SecretRef::Env(n)) => n.clone(),
            _ => "REDIS_PASSWORD".into(),
        },
        conf_path: CONF_PATH,
        tls_dir: TLS_DIR,
        data_dir: DATA_DIR,
        save_lines: plan
            .persistence
            .snapshots
            .save
            .iter()
            .map(|p| format!("save {} {}", p.seconds, p.changes))
            .collect(),
        node: None,
        cluster_addresses: nodes
            .iter()
            .map(|n| format!("{}:{}", n.service, plan.network.port))
            .collect::<Vec<_>>()
            .join(" "),
        cluster_settle_seconds: (2 * u64::from(plan.server.cluster_node_timeout_ms) + 5000)
            .div_ceil(1000),
    };
    let engine = input.engine;
    let mut files = Vec::new();
    if nodes.is_empty() {
        let conf = engine.render(
            "redis_conf/redis.conf.j2",
            &minijinja::Value::from_serialize(&ctx),
        )?;
        files.push(OutFile {
            path: "redis.conf".into(),
            contents: with_header("#", input, conf),
        });
    } else {
        for n in &nodes {
            ctx.node = Some(n.clone());
            let conf = engine.render(
                "redis_conf/redis.conf.j2",
                &minijinja::Value::from_serialize(&ctx),
            )?;
            files.push(OutFile {
                path: n.conf.clone(),
                contents: with_header("#", input, conf),
            });
        }
        ctx.node = None;
        let script = engine.render(
            "redis_conf/create-cluster.sh.j2",
            &minijinja::Value::from_serialize(&ctx),
        )?;
        files.push(OutFile {
            path: "create-cluster.sh".into(),
            contents: with_header("#", input, script),
        });
    }
    let script = engine.render(
        "redis_conf/start-redis.sh.j2",
        &minijinja::Value::from_serialize(&ctx),
    )?;
    files.push(OutFile {
        path: "start-redis.sh".into(),
        contents: with_header("#", input, script),
    });
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_file_is_the_secret_in_its_folder() {
        assert_eq!(SECRET_FILE, format!("{SECRET_DIR}/{SECRET_NAME}"));
    }
}
