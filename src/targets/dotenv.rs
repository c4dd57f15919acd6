//! `.env`: the application's settings, named as in the platform guide (REDIS_HOST, REDIS_PORT,
//! REDIS_USE_TLS, REDIS_DB, timeouts, CACHE_*). Secrets are named with where they come from,
//! never valued. How to reach the cache is the platform's endpoint fact: where a managed
//! service runs the cache, its host is known only after `terraform apply`, and the file says
//! which output holds it.

use super::{Endpoint, OutFile, RenderInput, listed, with_header};
use crate::plan::Plan;
use crate::settings::Platform;
use serde::Serialize;

#[derive(Serialize)]
struct Ctx<'a> {
    plan: &'a Plan,
    /// Known host (self-hosted), else none.
    host: Option<String>,
    /// How to obtain values known only after apply, one comment line each.
    after_apply: Vec<String>,
    port: u16,
    use_tls: bool,
    /// Where the password comes from; none when authentication is off.
    password_from: Option<String>,
    tls_ca_file: Option<String>,
    /// Cluster mode: the seed nodes (`host:port,...`), known for self-hosted.
    cluster_nodes: Option<String>,
}

/// The lines of an endpoint that Terraform outputs hold, for a platform whose module is in
/// `terraform/<dir>/`: the host, and in cluster mode the configuration endpoint.
pub fn after_apply(plan: &Plan, dir: &str, port: u16) -> Vec<String> {
    let mut lines = vec![format!(
        "REDIS_HOST: terraform -chdir=terraform/{dir} output -raw redis_host"
    )];
    if plan.topology.is_cluster() {
        lines.push(format!(
            "REDIS_CLUSTER_NODES: \"$(terraform -chdir=terraform/{dir} output -raw redis_host):{port}\" (the configuration endpoint)"
        ));
    }
    lines
}

/// `.env` of one environment. When a cloud and the compose stack are both listed, the
/// application talks to the cloud's cache: the stack is for local work.
pub fn render(input: &RenderInput) -> Result<Vec<OutFile>, String> {
    let plan = input.plan;
    let platforms = listed(plan);
    let backend = platforms
        .iter()
        .find(|b| b.platform() != Platform::Compose)
        .or(platforms.first())
        .ok_or("no platform is listed")?;
    let Endpoint {
        host,
        port,
        tls,
        password_from,
        tls_ca_file,
        after_apply,
        cluster_nodes,
    } = backend.endpoint(plan);
    let ctx = Ctx {
        plan,
        host,
        after_apply,
        port,
        use_tls: tls,
        password_from,
        tls_ca_file,
        cluster_nodes,
    };
    let text = input
        .engine
        .render("dotenv/env.j2", &minijinja::Value::from_serialize(&ctx))?;
    Ok(vec![OutFile {
        path: ".env".into(),
        contents: with_header("#", input, text),
    }])
}
