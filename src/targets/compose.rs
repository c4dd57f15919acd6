//! `docker-compose.yml` (Compose Specification, no `version:` key) for a self-hosted Redis:
//! the generated redis.conf and start script mounted read-only, a named volume for data, the
//! password as a compose secret, ports on 127.0.0.1 unless the spec allows public access.

use super::redis_conf::{ACL_DIR, CONF_PATH, DATA_DIR, SECRET_FILE, START_SCRIPT_PATH, TLS_DIR};
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
