//! `cachegen verify`: compare a live Redis with its spec. Someone runs `CONFIG SET` in an
//! incident, a console click changes a parameter group, a node is resized: the generated files
//! still say what was intended, and only the server says what is. This module connects
//! (bounded, TLS through rustls), reads INFO and, where permitted, CONFIG GET, asks whether the
//! disabled commands are refused, and reports every difference as a drift diagnostic at the
//! spec line that declares the value. It also judges the server's health (memory, evictions,
//! connections, replication, failed authentications) against the thresholds of
//! `monitoring.alerts` (`health`).
//!
//! It sends nothing that writes: INFO, CONFIG GET, CLUSTER INFO, COMMAND INFO, ACL DRYRUN (which
//! judges a command without running it) and, where ACL DRYRUN is not permitted, `<cmd> HELP`.

pub mod compare;
pub mod connection;
pub mod endpoint;
pub mod health;
pub mod observe;

pub use compare::{Comparison, Drift, Hosting, NotCompared};
pub use connection::{Options, Unreachable};
pub use endpoint::{BadUrl, Endpoint, Secret};
pub use health::{Health, Measure};

use crate::pipeline::Checked;
use serde::Serialize;

/// The server, in a sentence an on-call engineer reads first.
#[derive(Clone, Debug, Serialize)]
pub struct ServerSummary {
    /// The URL, password masked.
    pub endpoint: String,
    /// `redis 7.0.15`, `valkey 8.0.1`.
    pub engine: String,
    /// `master` or `slave`, as INFO says.
    pub role: String,
    pub connected_replicas: Option<u32>,
    /// Keys over all databases (INFO keyspace).
    pub keys: u64,
}

/// What a run found.
#[derive(Debug)]
pub struct Report {
    pub server: ServerSummary,
    pub comparison: Comparison,
    pub health: Health,
}

impl Report {
    pub fn has_drift(&self) -> bool {
        !self.comparison.drifts.is_empty()
    }

    /// Whether a threshold of `monitoring.alerts` is crossed.
    pub fn unhealthy(&self) -> bool {
        self.health.crossed() > 0
    }

    /// Every finding, drift and health, in the order of the spec's lines.
    pub fn diagnostics(&self) -> Vec<crate::diagnostics::Diagnostic> {
        let mut all = self.comparison.diagnostics.clone();
        all.extend(self.health.diagnostics.iter().cloned());
        crate::diagnostics::sort_and_dedup(&mut all);
        all
    }

    /// The part of the JSON output beyond the diagnostics: the server, each drift and every
    /// health measure (with the raw INFO values) as data.
    pub fn to_json(&self, spec: &str) -> serde_json::Value {
        serde_json::json!({
            "spec": spec,
            "server": self.server,
            "compared": self.comparison.compared,
            "drift": self.comparison.drifts,
            "not_compared": self.comparison.not_compared,
            "health": {
                "crossed": self.health.crossed(),
                "measures": self.health.measures,
                "values": self.health.values,
            },
        })
    }
}

/// Connect to `endpoint` and compare it with the spec. `Err` when there is no server to
/// compare with (cannot connect, log in, or read INFO).
pub fn verify(
    checked: &Checked,
    endpoint: &Endpoint,
    options: &Options,
) -> Result<Report, Unreachable> {
    let wants_tls = checked.plan.security.tls;
    let mut session = connection::Session::open(endpoint, options, wants_tls)?;
    let seen = observe::observe(
        &mut session,
        endpoint.user(),
        endpoint.tls,
        &checked.plan.security.disabled_commands,
    )
    .map_err(|e| cannot_read(endpoint, &e))?;
    let comparison = compare::compare(checked, &seen);
    let health = health::judge(checked, &seen, Hosting::of(checked));
    Ok(Report {
        server: summary(endpoint, &seen),
        comparison,
        health,
    })
}

/// INFO failed after the connection opened: the login is not enough.
fn cannot_read(endpoint: &Endpoint, error: &str) -> Unreachable {
    let at = endpoint.display();
    let help = if error.starts_with("NOPERM") {
        format!(
            "user `{}` may not run INFO; verify as a user with at least +info +config|get +command|info +acl|dryrun",
            endpoint.user()
        )
    } else {
        "check that the URL points at a Redis server".to_string()
    };
    Unreachable {
        reason: endpoint.mask(&format!("{at} does not answer INFO: {error}")),
        help,
    }
}

fn summary(endpoint: &Endpoint, seen: &observe::Observed) -> ServerSummary {
    let (kind, version) = match seen.info("valkey_version") {
        Some(v) => ("valkey", v),
        None => (
            "redis",
            seen.info("redis_version").unwrap_or("(unknown version)"),
        ),
    };
    // `db0:keys=12,expires=3,avg_ttl=0`
    let keys = seen
        .info
        .iter()
        .filter(|(k, _)| {
            k.len() > 2 && k.starts_with("db") && k[2..].chars().all(|c| c.is_ascii_digit())
        })
        .filter_map(|(_, v)| v.split(',').find_map(|p| p.strip_prefix("keys=")))
        .filter_map(|n| n.parse::<u64>().ok())
        .sum();
    ServerSummary {
        endpoint: endpoint.display(),
        engine: format!("{kind} {version}"),
        role: seen.info("role").unwrap_or("unknown").to_string(),
        connected_replicas: seen.info("connected_slaves").and_then(|n| n.parse().ok()),
        keys,
    }
}
