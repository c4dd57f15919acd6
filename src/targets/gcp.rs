//! Google Cloud: `terraform/gcp/{versions,variables,main,outputs}.tf` for Memorystore for
//! Redis: an instance (`google_redis_instance`, standalone and replicated modes) or a cluster
//! (`google_redis_cluster`, cluster mode), on private addresses of the application's VPC
//! network.
//!
//! Google generates the AUTH string of an instance: it is the sensitive output
//! `redis_password`. A cluster has no password: with authentication on, clients send IAM
//! access tokens (`AUTH_MODE_IAM_AUTH`).

use super::capability::{
    Support, approximated, managed_service, mapped, not_applicable, refused, unsupported,
};
use super::{OutFile, RenderInput};
use crate::diagnostics::codes;
use crate::facts::gcp;
use crate::plan::{GcpPlan, Plan};
use crate::spec::GcpTier;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct Window {
    day: &'static str,
    hours: u32,
    minutes: u32,
}

#[derive(Serialize)]
struct Instance {
    tier: &'static str,
    memory_size_gb: u32,
    redis_version: &'static str,
    transit_encryption_mode: &'static str,
    /// `READ_REPLICAS_ENABLED` with `replica_count`, or none (STANDARD_HA's single replica,
    /// or BASIC).
    read_replicas: Option<u32>,
    rdb_snapshot_period: Option<&'static str>,
    rdb_snapshot_start_time: Option<String>,
}

#[derive(Serialize)]
struct Backups {
    /// `<seconds>s`.
    retention: String,
    hour: u32,
}

#[derive(Serialize)]
struct Cluster {
    shard_count: u32,
    replica_count: u32,
    node_type: String,
    authorization_mode: &'static str,
    transit_encryption_mode: &'static str,
    zone_distribution: Option<&'static str>,
    /// `RDB`, `AOF` or `DISABLED`.
    persistence_mode: &'static str,
    rdb_snapshot_period: Option<&'static str>,
    rdb_snapshot_start_time: Option<String>,
    append_fsync: Option<&'static str>,
    backups: Option<Backups>,
}

#[derive(Serialize)]
struct Ctx<'a> {
    plan: &'a Plan,
    name: String,
    region: &'a str,
    display_name: String,
    instance: Option<Instance>,
    cluster: Option<Cluster>,
    redis_configs: BTreeMap<&'static str, String>,
    maintenance: Option<Window>,
    production: bool,
}

/// Every file of the GCP target. Empty when the spec has no `targets.gcp`.
pub fn render(input: &RenderInput) -> Result<Vec<OutFile>, String> {
    let plan = input.plan;
    let Some(target) = &plan.targets.gcp else {
        return Ok(Vec::new());
    };
    let (instance, cluster) = if plan.topology.is_cluster() {
        (None, Some(cluster_ctx(plan, target)?))
    } else {
        (Some(instance_ctx(plan, target)?), None)
    };
    let ctx = Ctx {
        plan,
        name: plan.resource_name.clone(),
        region: &target.region,
        display_name: format!(
            "{}: Redis cache for tier {}",
            plan.resource_name,
            plan.tier.as_str()
        ),
        redis_configs: redis_configs(plan, cluster.is_some()),
        instance,
        cluster,
        maintenance: plan.maintenance.window.as_ref().and_then(|w| {
            let s = w.span()?;
            Some(Window {
                day: gcp::day(w.start_day())?,
                hours: (s.start % (24 * 60)) / 60,
                minutes: s.start % 60,
            })
        }),
        production: plan.tier == crate::spec::Tier::Production,
    };
    super::terraform::module(input, "gcp", "google", &input.providers.google, &ctx)
}

fn instance_ctx(plan: &Plan, target: &GcpPlan) -> Result<Instance, String> {
    let memory_size_gb = target.memory_size_gb.ok_or_else(|| {
        format!(
            "no Memorystore instance holds {} (300 GB at most): use cluster mode",
            plan.memory.max_memory
        )
    })?;
    let e = &plan.engine;
    let standard = target.tier == GcpTier::StandardHa;
    Ok(Instance {
        tier: match target.tier {
            GcpTier::Basic => "BASIC",
            GcpTier::StandardHa => "STANDARD_HA",
        },
        memory_size_gb,
        redis_version: gcp::redis_version(e.kind, e.major, e.minor)?,
        transit_encryption_mode: if plan.security.tls {
            "SERVER_AUTHENTICATION"
        } else {
            "DISABLED"
        },
        read_replicas: (standard && plan.topology.replicas > 1).then_some(plan.topology.replicas),
        rdb_snapshot_period: plan
            .persistence
            .snapshots
            .shortest_period_seconds
            .map(gcp::rdb_snapshot_period),
        rdb_snapshot_start_time: snapshot_start_time(plan),
    })
}

/// `rdb_snapshot_start_time`: snapshots are taken every period from this instant, so its
/// time of day is the spec's window start. The date is a fixed one in the past (Google's
/// own examples use past instants), so that the output is the same on every run.
fn snapshot_start_time(plan: &Plan) -> Option<String> {
    let snapshots = &plan.persistence.snapshots;
    if !snapshots.enabled || plan.persistence.snapshots.shortest_period_seconds.is_none() {
        return None;
    }
    let (h, m) = snapshots.window.as_ref()?.start_hour_minute()?;
    Some(format!("2024-01-01T{h:02}:{m:02}:00Z"))
}

fn cluster_ctx(plan: &Plan, target: &GcpPlan) -> Result<Cluster, String> {
    let node_type = target.node_type.clone().ok_or_else(|| {
        format!(
            "no Memorystore cluster node type holds {} per shard: add shards",
            plan.memory.max_memory
        )
    })?;
    let p = &plan.persistence;
    let aof = p.aof.enabled;
    let rdb = p.snapshots.enabled && !aof;
    Ok(Cluster {
        shard_count: plan.topology.shards,
        replica_count: plan.topology.replicas,
        node_type,
        authorization_mode: if plan.security.auth {
            "AUTH_MODE_IAM_AUTH"
        } else {
            "AUTH_MODE_DISABLED"
        },
        transit_encryption_mode: if plan.security.tls {
            "TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION"
        } else {
            "TRANSIT_ENCRYPTION_MODE_DISABLED"
        },
        zone_distribution: plan.topology.multi_zone.then_some("MULTI_ZONE"),
        persistence_mode: if aof {
            "AOF"
        } else if rdb {
            "RDB"
        } else {
            "DISABLED"
        },
        rdb_snapshot_period: if rdb {
            plan.persistence
                .snapshots
                .shortest_period_seconds
                .map(gcp::rdb_snapshot_period)
        } else {
            None
        },
        rdb_snapshot_start_time: if rdb { snapshot_start_time(plan) } else { None },
        append_fsync: aof.then(|| gcp::append_fsync(p.aof.fsync)),
        backups: (p.snapshots.enabled && p.snapshots.retention_days > 0).then(|| Backups {
            retention: format!("{}s", u64::from(p.snapshots.retention_days) * 86400),
            hour: p
                .snapshots
                .window
                .as_ref()
                .and_then(|w| w.start_hour_minute())
                .map(|(h, _)| h)
                .unwrap_or(0),
        }),
    })
}

/// `redis_configs`: the spec's settings that Memorystore accepts, with the keys it spells them
/// with. Every key is in `gcp::INSTANCE_REDIS_CONFIGS` or `gcp::CLUSTER_REDIS_CONFIGS`.
fn redis_configs(plan: &Plan, cluster: bool) -> BTreeMap<&'static str, String> {
    let mut m = BTreeMap::new();
    m.insert(
        "maxmemory-policy",
        plan.memory.eviction_policy.as_str().to_string(),
    );
    if !plan.server.keyspace_events.is_empty() {
        m.insert(
            "notify-keyspace-events",
            plan.server.keyspace_events.clone(),
        );
    }
    if !cluster {
        m.insert(
            "maxmemory-gb",
            gcp::maxmemory_gb(plan.memory.max_memory_bytes),
        );
        let dbs = plan.server.databases;
        if dbs != 16 && dbs <= gcp::INSTANCE_MAX_DATABASES {
            m.insert("databases", dbs.to_string());
        }
    }
    m
}

/// How a Memorystore snapshot period compares with the spec's save points.
fn save_support(plan: &Plan, what: &str) -> Support {
    let period = plan
        .persistence
        .snapshots
        .shortest_period_seconds
        .map(gcp::rdb_snapshot_period);
    let offered = gcp::RDB_PERIODS
        .iter()
        .find(|(_, p)| Some(*p) == period)
        .map(|(h, _)| u64::from(*h) * 3600);
    let exact = plan
        .persistence
        .snapshots
        .save
        .iter()
        .all(|p| p.changes <= 1)
        && plan.persistence.snapshots.shortest_period_seconds == offered;
    let period = period.unwrap_or("ONE_HOUR");
    if exact {
        mapped(format!("{what} `{period}`"))
    } else {
        approximated(format!(
            "{what} `{period}`: the most frequent save point rounded to what Memorystore offers; change counts do not apply"
        ))
    }
}

/// What Memorystore does with each setting: an instance, or a cluster in cluster mode.
pub fn support(setting: &str, plan: &Plan) -> Option<Support> {
    use Support::Honoured;
    let cluster = plan.topology.is_cluster();
    let service = if cluster {
        "Memorystore for Redis Cluster"
    } else {
        "Memorystore for Redis"
    };
    let tier = plan
        .targets
        .gcp
        .as_ref()
        .map(|g| g.tier)
        .unwrap_or(GcpTier::StandardHa);
    let standard = tier == GcpTier::StandardHa;
    let t = &plan.topology;
    let aof = plan.persistence.aof.enabled;
    let snapshots = plan.persistence.snapshots.enabled;
    let tls = plan.security.tls;
    if let Some(s) = managed_service(setting, plan, service, "Google") {
        return Some(s);
    }
    Some(match setting {
        "/labels" => {
            if cluster {
                unsupported(
                    "`google_redis_cluster` takes labels only from google provider 7.15, and cachegen writes for 6.50 and later",
                )
            } else {
                mapped("`labels`, with `managed-by` and `environment`")
            }
        }
        "/engine/kind" => match plan.engine.kind {
            crate::spec::EngineKind::Redis => mapped("Memorystore for Redis"),
            crate::spec::EngineKind::Valkey => {
                unsupported("Valkey runs on Memorystore for Valkey, which cachegen does not render")
            }
        },
        "/engine/version" => {
            if cluster {
                approximated(
                    "Memorystore for Redis Cluster has no version argument: Google runs its Redis 7 version",
                )
            } else {
                match gcp::redis_version(plan.engine.kind, plan.engine.major, plan.engine.minor) {
                    Ok(v) => mapped(format!("`redis_version = \"{v}\"`")),
                    Err(why) => refused(codes::GCP_ENGINE_VERSION, why),
                }
            }
        }
        "/topology/mode" => mapped(match (cluster, standard) {
            (true, _) => "a Memorystore for Redis Cluster (`google_redis_cluster`)",
            (false, true) => "a STANDARD_HA instance: a primary and its replica(s)",
            (false, false) => "a BASIC instance: one node",
        }),
        "/topology/shards" => {
            if cluster {
                mapped("`shard_count`")
            } else {
                not_applicable("not in cluster mode")
            }
        }
        "/topology/replicas" => match (cluster, standard, t.replicas) {
            (true, _, 0..=2) => mapped("`replica_count` per shard"),
            (true, _, n) => unsupported(format!(
                "a cluster takes at most 2 replicas per shard, not {n}"
            )),
            (false, false, 0) => Honoured,
            (false, false, _) => refused(
                codes::GCP_REPLICAS_NEED_STANDARD_HA,
                "a BASIC instance has no replica",
            ),
            (false, true, 0) => approximated("a STANDARD_HA instance always keeps one replica"),
            (false, true, 1) => mapped("STANDARD_HA's replica"),
            (false, true, 2..=5) => mapped(
                "read replicas: `replica_count` with `read_replicas_mode = \"READ_REPLICAS_ENABLED\"`",
            ),
            (false, true, n) => unsupported(format!(
                "an instance takes at most 5 read replicas, not {n}"
            )),
        },
        "/topology/automatic_failover" => match (cluster || standard, t.automatic_failover) {
            (true, true) => mapped("Memorystore fails over to a replica"),
            (false, true) => unsupported("a BASIC instance has no replica to fail over to"),
            (false, false) => Honoured,
            (true, false) => approximated("Memorystore always fails over to a replica"),
        },
        "/topology/multi_zone" => match (cluster, standard, t.multi_zone) {
            (true, _, true) => mapped("`zone_distribution_config { mode = \"MULTI_ZONE\" }`"),
            (true, _, false) => approximated(
                "Memorystore spreads a cluster over zones unless a single zone is named; cachegen names none",
            ),
            (false, true, true) => mapped("STANDARD_HA keeps its replica in another zone"),
            (false, true, false) => approximated("STANDARD_HA keeps its replica in another zone"),
            (false, false, true) => unsupported("a BASIC instance runs in one zone"),
            (false, false, false) => Honoured,
        },
        "/memory/max_memory" => mapped(if cluster {
            "checked against the node type's writable keyspace (about 80% of its memory)"
        } else {
            "`redis_configs[\"maxmemory-gb\"]`, within `memory_size_gb`"
        }),
        "/memory/eviction_policy" => mapped("`redis_configs[\"maxmemory-policy\"]`"),
        "/memory/eviction_samples" => {
            unsupported(format!("{service} does not expose `maxmemory-samples`"))
        }
        "/persistence/snapshots/enabled" => match (snapshots, cluster, aof) {
            (false, _, _) => Honoured,
            (true, false, _) => mapped("`persistence_config` with `persistence_mode = \"RDB\"`"),
            (true, true, false) => {
                mapped("RDB persistence (`persistence_config`) and automated daily backups")
            }
            (true, true, true) => mapped(
                "automated daily backups (`automated_backup_config`); persistence is the AOF",
            ),
        },
        "/persistence/snapshots/save" => {
            if !snapshots {
                not_applicable("snapshots are off")
            } else if cluster && aof {
                not_applicable("persistence is the AOF; backups are daily")
            } else {
                save_support(plan, "a snapshot every `rdb_snapshot_period`:")
            }
        }
        "/persistence/snapshots/retention_days" => match (snapshots, cluster) {
            (false, _) => not_applicable("snapshots are off"),
            (true, true) => mapped("`automated_backup_config.retention`"),
            (true, false) => unsupported(
                "a Memorystore instance keeps only its latest snapshot; export older ones to Cloud Storage",
            ),
        },
        "/persistence/snapshots/window" => match (snapshots, cluster) {
            (false, _) => not_applicable("snapshots are off"),
            (true, true) => {
                let on_the_hour = plan
                    .persistence
                    .snapshots
                    .window
                    .as_ref()
                    .and_then(|w| w.start_hour_minute())
                    .is_none_or(|(_, m)| m == 0);
                if on_the_hour {
                    mapped("daily backups start at the window's hour (`fixed_frequency_schedule`)")
                } else {
                    approximated("daily backups start on the hour the window starts in")
                }
            }
            (true, false) => mapped(
                "`rdb_snapshot_start_time`: snapshots every `rdb_snapshot_period`, starting at the window's start",
            ),
        },
        "/persistence/aof/enabled" => match (aof, cluster) {
            (false, _) => Honoured,
            (true, true) => mapped("`persistence_config` with `mode = \"AOF\"`"),
            (true, false) => unsupported(
                "a Memorystore instance has no AOF; it persists with RDB snapshots only (a cluster has AOF)",
            ),
        },
        "/persistence/aof/fsync" => match (aof, cluster) {
            (false, _) => not_applicable("AOF is off"),
            (true, true) => mapped("`aof_config.append_fsync`"),
            (true, false) => unsupported("a Memorystore instance has no AOF"),
        },
        "/maintenance/window" => match plan.maintenance.window.as_ref().and_then(|w| w.span()) {
            Some(s) if s.minutes >= gcp::MAINTENANCE_WINDOW_MINUTES => mapped(
                "`maintenance_policy`: a one-hour weekly window at the window's start, inside it",
            ),
            Some(_) => approximated(
                "`maintenance_policy`: Memorystore's weekly windows last one hour, longer than this one",
            ),
            None => Honoured,
        },
        "/network/port" => {
            let fixed = match (cluster, tls) {
                (true, _) => gcp::CLUSTER_PORT,
                (false, true) => gcp::INSTANCE_TLS_PORT,
                (false, false) => gcp::INSTANCE_PORT,
            };
            if plan.network.port == fixed {
                Honoured
            } else {
                unsupported(format!(
                    "{service} listens on {fixed}; the port is fixed (the Terraform output `redis_port` has it)"
                ))
            }
        }
        "/network/allowed_cidrs" => {
            if plan.network.allowed_cidrs.is_empty() {
                Honoured
            } else {
                unsupported(
                    "Memorystore is reachable from the whole VPC network `var.network` and cannot filter clients by CIDR; use VPC firewall rules",
                )
            }
        }
        "/network/public_access" => {
            if plan.network.public_access {
                unsupported("Memorystore has no public endpoint")
            } else {
                mapped(if cluster {
                    "private addresses only: Private Service Connect endpoints in `var.network`"
                } else {
                    "private addresses only: private services access to `var.network`"
                })
            }
        }
        "/security/tls/enabled" => mapped(match (cluster, tls) {
            (false, true) => "`transit_encryption_mode = \"SERVER_AUTHENTICATION\"`",
            (false, false) => "`transit_encryption_mode = \"DISABLED\"`",
            (true, true) => {
                "`transit_encryption_mode = \"TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION\"`"
            }
            (true, false) => "`transit_encryption_mode = \"TRANSIT_ENCRYPTION_MODE_DISABLED\"`",
        }),
        "/security/auth/enabled" => match (plan.security.auth, cluster) {
            (false, _) => Honoured,
            (true, false) => mapped("`auth_enabled = true`: Google generates the AUTH string"),
            (true, true) => approximated(
                "IAM authentication (`AUTH_MODE_IAM_AUTH`): clients send an IAM access token instead of a password",
            ),
        },
        "/security/auth/password" => match (plan.security.auth, cluster) {
            (false, _) => not_applicable("authentication is off"),
            (true, false) => unsupported(
                "Google generates the AUTH string (the sensitive Terraform output `redis_password`); a spec's password cannot be set",
            ),
            (true, true) => unsupported(
                "Memorystore for Redis Cluster has no password; clients authenticate with IAM access tokens",
            ),
        },
        "/server/databases" => match (cluster, plan.server.databases) {
            (true, _) => approximated("a cluster has one database, db 0"),
            (false, 16) => Honoured,
            (false, n) if n <= gcp::INSTANCE_MAX_DATABASES => {
                mapped("`redis_configs[\"databases\"]`")
            }
            (false, _) => {
                unsupported("a Memorystore instance takes at most 100 databases; it keeps 16")
            }
        },
        "/server/keyspace_events" => {
            if plan.server.keyspace_events.is_empty() {
                Honoured
            } else {
                mapped("`redis_configs[\"notify-keyspace-events\"]`")
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_configs_use_only_keys_memorystore_accepts() {
        let spec: crate::spec::Spec = serde_json::from_value(serde_json::json!({
            "spec_version": 1, "name": "x", "environment": "y", "tier": "production",
            "server": { "keyspace_events": "Ex", "databases": 32 },
            "targets": { "gcp": { "region": "us-central1" } }
        }))
        .unwrap();
        let plan = crate::plan::resolve(&spec, "x.yaml");
        let instance = redis_configs(&plan, false);
        assert!(
            instance
                .keys()
                .all(|k| gcp::INSTANCE_REDIS_CONFIGS.contains(k))
        );
        assert_eq!(instance["databases"], "32");
        let cluster = redis_configs(&plan, true);
        assert!(
            cluster
                .keys()
                .all(|k| gcp::CLUSTER_REDIS_CONFIGS.contains(k))
        );
        assert!(!cluster.contains_key("maxmemory-gb"));
    }
}
