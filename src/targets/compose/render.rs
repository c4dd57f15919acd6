//! `docker-compose.yml` (Compose Specification, no `version:` key) for a self-hosted Redis:
//! the generated redis.conf and start script mounted read-only, a named volume for data, the
//! password as a compose secret, ports on 127.0.0.1 unless the spec allows public access.

use super::redis_conf::{
    ACL_DIR, CONF_PATH, CREATE_CLUSTER_PATH, DATA_DIR, SECRET_FILE, START_SCRIPT_PATH, TLS_DIR,
    cluster_nodes,
};
use crate::plan::Plan;
use crate::targets::{OutFile, RenderInput, with_header};
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
    /// The exporter service, when the spec asks for it.
    exporter: Option<super::monitoring::ExporterService>,
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

pub(super) fn render(input: &RenderInput) -> Result<Vec<OutFile>, String> {
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
        exporter: super::monitoring::exporter_service(plan),
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
