//! `.env`: the application's settings, named as in the platform guide (REDIS_HOST, REDIS_PORT,
//! REDIS_USE_TLS, REDIS_DB, timeouts, CACHE_*). Secrets are named with where they come from,
//! never valued. For a cloud target the host is known only after `terraform apply`; the file
//! says which output holds it.

use super::{OutFile, RenderInput, with_header};
use crate::facts::{azure, gcp};
use crate::plan::Plan;
use crate::spec::AzureService;
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

/// The cloud's Terraform folder, relative to the environment folder.
fn tf_dir(cloud: &str) -> String {
    format!("terraform/{cloud}")
}

pub fn render(input: &RenderInput) -> Result<Vec<OutFile>, String> {
    let plan = input.plan;
    let sec = &plan.security;
    let mut after_apply = Vec::new();
    let (host, port, use_tls, password_from, tls_ca_file) = match plan.targets.cloud() {
        Some(cloud) => {
            let dir = tf_dir(cloud);
            after_apply.push(format!(
                "REDIS_HOST: terraform -chdir={dir} output -raw redis_host"
            ));
            let gcp_cluster = cloud == "gcp" && plan.topology.is_cluster();
            let (port, tls) = match cloud {
                "azure" => match plan.targets.azure.as_ref().map(|a| a.service) {
                    Some(AzureService::Managed) => (azure::MANAGED_PORT, sec.tls),
                    _ => (
                        if sec.tls {
                            azure::CACHE_TLS_PORT
                        } else {
                            azure::CACHE_PORT
                        },
                        sec.tls,
                    ),
                },
                "gcp" if gcp_cluster => (gcp::CLUSTER_PORT, sec.tls),
                "gcp" => (
                    if sec.tls {
                        gcp::INSTANCE_TLS_PORT
                    } else {
                        gcp::INSTANCE_PORT
                    },
                    sec.tls,
                ),
                _ => (plan.network.port, sec.tls),
            };
            let azure_cache = plan
                .targets
                .azure
                .as_ref()
                .is_some_and(|a| a.service == AzureService::Cache);
            let password = if cloud == "aws" {
                sec.auth.then(|| match &sec.password {
                    Some(r) => format!("{} (the ElastiCache auth token)", r.describe()),
                    None => "the ElastiCache auth token".into(),
                })
            } else if gcp_cluster {
                // Memorystore for Redis Cluster has no password: IAM authentication.
                sec.auth.then(|| {
                    "an IAM access token of a principal with roles/redis.dbConnectionUser (gcloud auth print-access-token); Memorystore for Redis Cluster has no password".to_string()
                })
            } else if sec.auth || azure_cache {
                // Azure and Memorystore generate their own keys; Terraform exposes them as
                // sensitive outputs. Azure Cache for Redis keeps its access keys on always.
                Some(format!(
                    "the sensitive Terraform output redis_password: terraform -chdir={dir} output -raw redis_password"
                ))
            } else if cloud == "azure" {
                Some("a Microsoft Entra ID access token (the access keys are off)".to_string())
            } else {
                None
            };
            if plan.topology.is_cluster() {
                after_apply.push(format!(
                    "REDIS_CLUSTER_NODES: \"$(terraform -chdir={dir} output -raw redis_host):{port}\" (the configuration endpoint)"
                ));
            }
            if cloud == "gcp" && sec.tls {
                after_apply.push(format!(
                    "REDIS_TLS_CA_FILE: terraform -chdir={dir} output -raw redis_ca_certificate > redis-ca.pem"
                ));
            }
            (None, port, tls, password, None)
        }
        None => {
            let compose = plan.targets.compose.as_ref();
            let port = compose.map(|c| c.host_port).unwrap_or(plan.network.port);
            let password = if sec.auth {
                sec.password.as_ref().map(|r| r.describe())
            } else {
                None
            };
            let ca = sec.tls.then(|| {
                let dir = compose
                    .map(|c| c.tls_dir.trim_end_matches('/').to_string())
                    .unwrap_or_else(|| "./tls".into());
                format!("{dir}/ca.crt")
            });
            // In cluster mode the nodes announce their compose service names.
            let host = if plan.topology.is_cluster() {
                "redis-0"
            } else {
                "localhost"
            };
            let port = if plan.topology.is_cluster() {
                plan.network.port
            } else {
                port
            };
            (Some(host.to_string()), port, sec.tls, password, ca)
        }
    };
    let cluster_nodes = (plan.topology.is_cluster() && plan.targets.cloud().is_none()).then(|| {
        super::redis_conf::cluster_nodes(plan)
            .iter()
            .map(|n| format!("{}:{}", n.service, plan.network.port))
            .collect::<Vec<_>>()
            .join(",")
    });
    let ctx = Ctx {
        plan,
        host,
        after_apply,
        port,
        use_tls,
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
