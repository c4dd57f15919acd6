//! The self-hosted stack's monitoring: `redis_exporter` beside Redis (opt-in,
//! `monitoring.compose.exporter`), the script that hands it the password secret, the
//! Prometheus alerting rules with the spec's thresholds (`redis-alerts.yml`) and the scrape
//! job they select (`prometheus-scrape.yml`). The rules use only metric names of
//! `facts::metrics::exporter`; a live test checks them against a real exporter.

use super::redis_conf::{SECRET_FILE, TLS_DIR, cluster_nodes};
use crate::facts::metrics::exporter;
use crate::plan::monitoring::{FRAGMENTATION_MIN_BYTES, HIT_RATE_MIN_LOOKUPS, format_ratio};
use crate::plan::{Alert, AlertKind, Plan};
use crate::settings::{Support, mapped, not_applicable, unsupported};
use crate::targets::{OutFile, RenderInput, with_header};
use serde::Serialize;

/// Where the exporter's start script is mounted in its container.
pub const EXPORTER_SCRIPT_PATH: &str = "/usr/local/etc/redis-exporter/start-exporter.sh";

/// One Prometheus alerting rule.
#[derive(Clone, Debug, Serialize)]
pub struct Rule {
    pub alert: &'static str,
    pub expr: String,
    /// Prometheus duration: `5m`, `0s`.
    pub for_: String,
    pub severity: &'static str,
    pub summary: String,
    pub description: String,
}

/// The scrape job of the exporter: its name is what the rules select.
pub fn job(plan: &Plan) -> String {
    plan.resource_name.clone()
}

/// How Prometheus reaches the exporter: the address it is published on (loopback unless the
/// spec publishes Redis beyond it).
pub fn exporter_address(plan: &Plan) -> Option<String> {
    let e = plan.monitoring.exporter.as_ref()?;
    let host = plan
        .targets
        .compose
        .as_ref()
        .map(|c| c.host_address.as_str())
        .unwrap_or("127.0.0.1");
    let host = match host {
        "0.0.0.0" | "::" | "[::]" => "127.0.0.1",
        h => h,
    };
    Some(format!("{host}:{}", e.port))
}

/// A PromQL selector of the job: `{job="..."}`, with more matchers when given.
fn sel(job: &str, extra: &str) -> String {
    let job = job.replace('\\', "\\\\").replace('"', "\\\"");
    if extra.is_empty() {
        format!("{{job=\"{job}\"}}")
    } else {
        format!("{{job=\"{job}\",{extra}}}")
    }
}

/// The rule of an alert. Every alert has one: the exporter publishes each metric.
pub fn rule(alert: &Alert, plan: &Plan) -> Rule {
    let j = job(plan);
    let s = |extra: &str| sel(&j, extra);
    let t = alert.threshold;
    let k = alert.kind;
    let v = format_ratio(t.as_f64());
    let fraction = format_ratio(t.as_f64() / 100.0);
    let window = format!("{}m", k.window_minutes());
    let instance = "{{ $labels.instance }}";
    // Counters are judged over their window and fire at once; gauges must hold for it. The
    // ratio sits on the left of `and`, whose value is the left operand's (the summary shows it).
    let (expr, for_, summary) = match k {
        AlertKind::Memory => (
            format!(
                "redis_memory_used_bytes{0} / redis_memory_max_bytes{0} > {fraction} and redis_memory_max_bytes{0} > 0",
                s("")
            ),
            window,
            format!("Redis {instance} uses {{{{ $value | humanizePercentage }}}} of maxmemory"),
        ),
        AlertKind::Fragmentation => (
            format!(
                "redis_mem_fragmentation_ratio{0} > {v} and redis_mem_fragmentation_bytes{0} >= {FRAGMENTATION_MIN_BYTES}",
                s("")
            ),
            window,
            format!(
                "Redis {instance} has a fragmentation ratio of {{{{ $value | printf \"%.2f\" }}}}"
            ),
        ),
        AlertKind::HitRate => {
            let hits = format!("rate(redis_keyspace_hits_total{}[{window}])", s(""));
            let misses = format!("rate(redis_keyspace_misses_total{}[{window}])", s(""));
            let lookups = format!(
                "increase(redis_keyspace_hits_total{0}[{window}]) + increase(redis_keyspace_misses_total{0}[{window}])",
                s("")
            );
            (
                format!(
                    "{hits} / ({hits} + {misses}) < {fraction} and ({lookups}) >= {HIT_RATE_MIN_LOOKUPS}"
                ),
                "0s".into(),
                format!("Redis {instance} hit rate is {{{{ $value | humanizePercentage }}}}"),
            )
        }
        AlertKind::Evictions => (
            format!(
                "increase(redis_evicted_keys_total{}[{window}]) > {v}",
                s("")
            ),
            "0s".into(),
            format!("Redis {instance} evicted {{{{ $value | printf \"%.0f\" }}}} keys in {window}"),
        ),
        AlertKind::Connections => (
            format!(
                "redis_connected_clients{0} / redis_config_maxclients{0} > {fraction} and redis_config_maxclients{0} > 0",
                s("")
            ),
            window,
            format!("Redis {instance} is at {{{{ $value | humanizePercentage }}}} of maxclients"),
        ),
        AlertKind::RejectedConnections => (
            format!(
                "increase(redis_rejected_connections_total{}[{window}]) > {v}",
                s("")
            ),
            "0s".into(),
            format!(
                "Redis {instance} rejected {{{{ $value | printf \"%.0f\" }}}} connections in {window} (maxclients reached)"
            ),
        ),
        AlertKind::BlockedClients => (
            format!("redis_blocked_clients{} > {v}", s("")),
            window,
            format!("Redis {instance} has {{{{ $value }}}} blocked clients"),
        ),
        AlertKind::ReplicaLag => (
            format!("redis_connected_slave_lag_seconds{} > {v}", s("")),
            window,
            format!("A replica of Redis {instance} is {{{{ $value }}}} s behind"),
        ),
        AlertKind::ReplicasMissing => (
            format!(
                "redis_connected_slaves{} < {} and on(instance) redis_instance_info{}",
                s(""),
                plan.topology.replicas,
                s("role=\"master\"")
            ),
            window,
            format!(
                "Redis primary {instance} has {{{{ $value }}}} connected replicas, expected {}",
                plan.topology.replicas
            ),
        ),
        // Redis 7.0 has no `acl_access_denied_auth` (7.2 added it, and the exporter exports it
        // from 1.64): failed AUTH and HELLO calls count every wrong password on 7.0 and later.
        AlertKind::AuthFailures => (
            format!(
                "sum by (instance) (increase(redis_commands_failed_calls_total{}[{window}])) > {v}",
                s("cmd=~\"auth|hello\"")
            ),
            "0s".into(),
            format!(
                "{{{{ $value | printf \"%.0f\" }}}} failed authentications on Redis {instance} in {window}"
            ),
        ),
        AlertKind::Cpu => (
            format!(
                "rate(redis_cpu_sys_main_thread_seconds_total{0}[5m]) + rate(redis_cpu_user_main_thread_seconds_total{0}[5m]) > {fraction}",
                s("")
            ),
            window,
            format!(
                "Redis {instance} main thread uses {{{{ $value | humanizePercentage }}}} of a CPU"
            ),
        ),
    };
    Rule {
        alert: k.name(),
        expr,
        for_,
        severity: alert.severity.as_str(),
        summary,
        description: format!(
            "{}. First steps: {}",
            capitalized(&k.meaning(&t)),
            k.runbook()
        ),
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Every rule of the plan: the server or exporter unreachable, then one per alert that is on
/// (a replica that lost its primary is a second rule of `replicas_missing`).
pub fn rules(plan: &Plan) -> Vec<Rule> {
    let j = job(plan);
    let mut out = vec![Rule {
        alert: "RedisDown",
        expr: format!("redis_up{0} == 0 or up{0} == 0", sel(&j, "")),
        for_: "1m".into(),
        severity: "critical",
        summary: "Redis {{ $labels.instance }} is unreachable".into(),
        description: "The exporter cannot connect to or log in to Redis (redis_up is 0), or Prometheus cannot scrape the exporter. First steps: docker compose ps and the redis service's log; the password secret the exporter reads; the exporter's log".into(),
    }];
    for a in &plan.monitoring.alerts {
        out.push(rule(a, plan));
        if a.kind == AlertKind::ReplicasMissing {
            out.push(Rule {
                alert: "RedisReplicationLinkDown",
                expr: format!("redis_master_link_up{} == 0", sel(&j, "")),
                for_: format!("{}m", a.kind.window_minutes()),
                severity: "critical",
                summary: "Redis replica {{ $labels.instance }} lost its link to {{ $labels.master_host }}:{{ $labels.master_port }}".into(),
                description: format!(
                    "A replica lost its link to the primary (master_link_status down). First steps: {}",
                    a.kind.runbook()
                ),
            });
        }
    }
    out
}

/// The capability answer for an alert row.
pub fn support(kind: AlertKind, plan: &Plan) -> Support {
    let Some(alert) = plan.monitoring.alert(kind) else {
        return not_applicable("the alert is off");
    };
    if plan.monitoring.exporter.is_none() {
        return unsupported(
            "the stack runs no exporter: set `monitoring.compose.exporter: true` for redis_exporter and Prometheus rules",
        );
    }
    let r = rule(alert, plan);
    mapped(format!(
        "the Prometheus rule `{}` in redis-alerts.yml (redis_exporter metrics)",
        r.alert
    ))
}

#[derive(Serialize)]
struct ScriptCtx<'a> {
    plan: &'a Plan,
    secret_file: &'static str,
    binary: &'static str,
}

#[derive(Serialize)]
struct RulesCtx<'a> {
    plan: &'a Plan,
    job: String,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
struct ScrapeCtx<'a> {
    plan: &'a Plan,
    job: String,
    exporter: String,
    /// Cluster mode: every node, scraped through the exporter's `/scrape?target=`.
    targets: Vec<String>,
}

/// What the compose template needs to run the exporter.
#[derive(Clone, Debug, Serialize)]
pub struct ExporterService {
    pub image: String,
    pub container_name: String,
    pub script_path: &'static str,
    /// `redis://redis:6379` (the first node in cluster mode).
    pub redis_addr: String,
    pub tls_ca_file: Option<String>,
    pub port: u16,
    /// `host:port:9121` as compose publishes it.
    pub port_mapping: String,
}

pub fn exporter_service(plan: &Plan) -> Option<ExporterService> {
    let e = plan.monitoring.exporter.as_ref()?;
    let compose = plan.targets.compose.as_ref()?;
    let scheme = if plan.security.tls { "rediss" } else { "redis" };
    let first = cluster_nodes(plan)
        .first()
        .map(|n| n.service.clone())
        .unwrap_or_else(|| "redis".into());
    Some(ExporterService {
        image: e.image.clone(),
        container_name: format!("{}-exporter", compose.container_name),
        script_path: EXPORTER_SCRIPT_PATH,
        redis_addr: format!("{scheme}://{first}:{}", plan.network.port),
        tls_ca_file: plan.security.tls.then(|| format!("{TLS_DIR}/ca.crt")),
        port: exporter::PORT,
        port_mapping: format!("{}:{}:{}", compose.host_address, e.port, exporter::PORT),
    })
}

/// The exporter's files: its start script, the rules and the scrape job. None without the
/// exporter.
pub fn render(input: &RenderInput) -> Result<Vec<OutFile>, String> {
    let plan = input.plan;
    let Some(address) = exporter_address(plan) else {
        return Ok(Vec::new());
    };
    let engine = input.engine;
    let script = engine.render(
        "compose/start-exporter.sh.j2",
        &minijinja::Value::from_serialize(&ScriptCtx {
            plan,
            secret_file: SECRET_FILE,
            binary: exporter::BINARY,
        }),
    )?;
    let rules = engine.render(
        "compose/redis-alerts.yml.j2",
        &minijinja::Value::from_serialize(&RulesCtx {
            plan,
            job: job(plan),
            rules: rules(plan),
        }),
    )?;
    let scheme = if plan.security.tls { "rediss" } else { "redis" };
    let scrape = engine.render(
        "compose/prometheus-scrape.yml.j2",
        &minijinja::Value::from_serialize(&ScrapeCtx {
            plan,
            job: job(plan),
            exporter: address,
            targets: cluster_nodes(plan)
                .iter()
                .map(|n| format!("{scheme}://{}:{}", n.service, plan.network.port))
                .collect(),
        }),
    )?;
    Ok(vec![
        OutFile {
            path: "start-exporter.sh".into(),
            contents: with_header("#", input, script),
        },
        OutFile {
            path: "redis-alerts.yml".into(),
            contents: with_header("#", input, rules),
        },
        OutFile {
            path: "prometheus-scrape.yml".into(),
            contents: with_header("#", input, scrape),
        },
    ])
}
