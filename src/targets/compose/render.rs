//! `docker-compose.yml` (Compose Specification, no `version:` key) for a self-hosted Redis:
//! the generated redis.conf and start script mounted read-only, a named volume for data, the
//! password as a compose secret that a one-shot service hands to the read-only Redis
//! containers through a volume, ports on 127.0.0.1 unless the spec allows public access, and
//! in cluster mode a declared network with a fixed address per node.

use super::redis_conf::{
    ACL_DIR, CONF_PATH, CONTAINER_UID, CREATE_CLUSTER_PATH, DATA_DIR, SECRET_DIR, SECRET_FILE,
    SECRET_NAME, START_SCRIPT_PATH, TLS_DIR, cluster_nodes, engine_name,
};
use crate::plan::Plan;
use crate::plan::subnet::Subnet;
use crate::targets::{OutFile, RenderInput, with_header};
use serde::Serialize;

#[derive(Serialize)]
struct Ctx<'a> {
    plan: &'a Plan,
    engine_name: &'static str,
    project: String,
    compose: &'a crate::plan::ComposePlan,
    conf_path: &'static str,
    start_script_path: &'static str,
    acl_dir: &'static str,
    data_dir: &'static str,
    tls_dir: &'static str,
    secret_dir: &'static str,
    secret_name: &'static str,
    /// The one-shot `redis-password` service's command: the compose secret into the volume.
    password_copy: String,
    uid: u32,
    password_env: String,
    /// `mem_limit` in MiB, as compose spells it (`2624m`).
    mem_limit: String,
    healthcheck: String,
    /// One entry per Redis container: `redis` alone, or the cluster's `redis-<i>` nodes.
    services: Vec<Service>,
    /// Cluster mode: the one-shot service that forms the cluster.
    create_cluster_path: Option<&'static str>,
    /// The declared network, when the plan has one.
    network: Option<Network>,
}

#[derive(Serialize)]
struct Network {
    subnet: String,
    /// Where Docker picks the addresses of containers without a fixed one.
    ip_range: String,
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
    /// A cluster node's fixed address on the declared network.
    ipv4_address: Option<String>,
}

/// The `redis-password` service's shell command. It refuses an empty secret (the variable
/// unset at `up`) rather than overwrite the password the running nodes use; it writes the
/// file under `umask 077` and renames it into place, so that a node starting at the same
/// moment never reads half of it. No `$`: compose would interpolate it.
fn password_copy(password_env: &str) -> String {
    let secret = format!("/run/secrets/{SECRET_NAME}");
    let copy = format!("{DATA_DIR}/{SECRET_NAME}");
    [
        "set -eu".to_string(),
        "umask 077".to_string(),
        format!(
            "if [ ! -s {secret} ]; then echo 'redis-password: {password_env} is empty or not set; export it before docker compose up' >&2; exit 1; fi"
        ),
        format!("chmod 0700 {DATA_DIR}"),
        format!("cat {secret} > {copy}.new"),
        format!("mv -f {copy}.new {copy}"),
    ]
    .join("; ")
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

fn services(
    plan: &Plan,
    compose: &crate::plan::ComposePlan,
    subnet: Option<Subnet>,
) -> Vec<Service> {
    let port = plan.network.port;
    let nodes = cluster_nodes(plan);
    if nodes.is_empty() {
        return vec![Service {
            name: "redis".into(),
            container_name: compose.container_name.clone(),
            conf: "redis.conf".into(),
            port_mapping: format!("{}:{}:{port}", compose.host_address, compose.host_port),
            volume: "redis-data".into(),
            ipv4_address: None,
        }];
    }
    nodes
        .into_iter()
        .map(|n| Service {
            container_name: format!("{}-{}", compose.container_name, n.index),
            port_mapping: format!("{}:{}:{port}", compose.host_address, n.host_port),
            volume: format!("{}-data", n.service),
            ipv4_address: subnet.map(|s| s.node_address(n.index).to_string()),
            conf: n.conf,
            name: n.service,
        })
        .collect()
}

pub(super) fn render(input: &RenderInput) -> Result<Vec<OutFile>, String> {
    let plan = input.plan;
    let compose = plan
        .targets
        .compose
        .as_ref()
        .ok_or("the compose target is not listed")?;
    // The rules have refused a subnet that does not parse or does not hold the nodes.
    let subnet = match &compose.subnet {
        Some(text) => Some(
            Subnet::parse(text)
                .map_err(|_| format!("`targets.compose.subnet` `{text}` is not a network"))?,
        ),
        None => None,
    };
    let password_env = match &plan.security.password {
        Some(crate::spec::SecretRef::Env(n)) => n.clone(),
        _ => "REDIS_PASSWORD".into(),
    };
    let ctx = Ctx {
        plan,
        engine_name: engine_name(plan),
        project: plan.resource_name.clone(),
        compose,
        conf_path: CONF_PATH,
        start_script_path: START_SCRIPT_PATH,
        acl_dir: ACL_DIR,
        data_dir: DATA_DIR,
        tls_dir: TLS_DIR,
        secret_dir: SECRET_DIR,
        secret_name: SECRET_NAME,
        password_copy: password_copy(&password_env),
        uid: CONTAINER_UID,
        password_env,
        mem_limit: format!("{}m", compose.mem_limit_bytes.div_ceil(1 << 20)),
        healthcheck: healthcheck(plan),
        services: services(plan, compose, subnet),
        create_cluster_path: plan.topology.is_cluster().then_some(CREATE_CLUSTER_PATH),
        network: subnet.map(|s| Network {
            subnet: s.to_string(),
            ip_range: s.dynamic_range(),
        }),
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
