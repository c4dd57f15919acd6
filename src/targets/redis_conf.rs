//! `redis.conf` for a self-hosted Redis (the compose target), Redis 7.0 syntax, and the small
//! start script that turns the password secret into an ACL file at container start, so that
//! no secret is ever written into a generated file or a process's arguments.

use super::{OutFile, RenderInput, with_header};
use crate::plan::Plan;
use serde::Serialize;

/// Where the compose stack mounts things inside the container.
pub const CONF_PATH: &str = "/usr/local/etc/redis/redis.conf";
pub const START_SCRIPT_PATH: &str = "/usr/local/etc/redis/start-redis.sh";
pub const ACL_DIR: &str = "/run/redis";
pub const SECRET_FILE: &str = "/run/secrets/redis_password";
pub const TLS_DIR: &str = "/tls";
pub const DATA_DIR: &str = "/data";

#[derive(Serialize)]
struct Ctx<'a> {
    plan: &'a Plan,
    /// `tls-protocols` from the minimum TLS version.
    tls_protocols: &'static str,
    /// ACL rules of the default user, after its password: key and channel access, commands.
    acl_rules: String,
    acl_file: String,
    secret_file: &'static str,
    /// The environment variable compose reads the password from.
    password_env: String,
    conf_path: &'static str,
    tls_dir: &'static str,
    data_dir: &'static str,
    /// `save` lines, one point per line (Redis 6 would ignore a multi-point line).
    save_lines: Vec<String>,
}

pub fn acl_rules(plan: &Plan) -> String {
    let mut r = String::from("~* &* +@all");
    for c in &plan.security.disabled_commands {
        r.push_str(" -");
        r.push_str(&c.to_ascii_lowercase());
    }
    r
}

pub fn render(input: &RenderInput) -> Result<Vec<OutFile>, String> {
    let plan = input.plan;
    let ctx = Ctx {
        plan,
        tls_protocols: match plan.security.tls_min_version {
            crate::spec::TlsVersion::V1_2 => "TLSv1.2 TLSv1.3",
            crate::spec::TlsVersion::V1_3 => "TLSv1.3",
        },
        acl_rules: acl_rules(plan),
        acl_file: format!("{ACL_DIR}/users.acl"),
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
    };
    let value = minijinja::Value::from_serialize(&ctx);
    let conf = input.engine.render("redis_conf/redis.conf.j2", &value)?;
    let script = input
        .engine
        .render("redis_conf/start-redis.sh.j2", &value)?;
    Ok(vec![
        OutFile {
            path: "redis.conf".into(),
            contents: with_header("#", input, conf),
        },
        OutFile {
            path: "start-redis.sh".into(),
            contents: with_header("#", input, script),
        },
    ])
}
