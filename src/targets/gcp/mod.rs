//! Google Cloud: `terraform/gcp/{versions,variables,main,outputs}.tf` for Memorystore for
//! Redis: an instance (`google_redis_instance`, standalone and replicated modes) or a cluster
//! (`google_redis_cluster`, cluster mode), on private addresses of the application's VPC
//! network.
//!
//! Google generates the AUTH string of an instance: it is the sensitive output
//! `redis_password`. A cluster has no password: with authentication on, clients send IAM
//! access tokens (`AUTH_MODE_IAM_AUTH`).

mod alerts;
mod render;

pub use alerts::{Policy, policy};

use crate::diagnostics::codes;
use crate::facts::gcp;
use crate::plan::Plan;
use crate::settings::{
    Platform, Setting, Support, approximated, mapped, not_applicable, refused, unsupported,
};
use crate::spec::GcpTier;
use crate::targets::{Backend, Endpoint, OutFile, RenderInput};

/// The module's folder under the environment's.
const TERRAFORM_DIR: &str = "gcp";

pub struct Gcp;

impl Backend for Gcp {
    fn platform(&self) -> Platform {
        Platform::Gcp
    }

    fn listed(&self, plan: &Plan) -> bool {
        plan.targets.gcp.is_some()
    }

    fn service(&self, plan: &Plan) -> &'static str {
        if plan.topology.is_cluster() {
            "Memorystore for Redis Cluster"
        } else {
            "Memorystore for Redis"
        }
    }

    fn vendor(&self) -> &'static str {
        "Google"
    }

    fn config_key(&self, key: &str) -> Support {
        mapped(format!("`redis_configs[\"{key}\"]`"))
    }

    fn support(&self, setting: &Setting, plan: &Plan) -> Option<Support> {
        support(setting, plan)
    }

    fn endpoint(&self, plan: &Plan) -> Endpoint {
        let sec = &plan.security;
        let cluster = plan.topology.is_cluster();
        let port = match (cluster, sec.tls) {
            (true, _) => gcp::CLUSTER_PORT,
            (false, true) => gcp::INSTANCE_TLS_PORT,
            (false, false) => gcp::INSTANCE_PORT,
        };
        let password_from = if cluster {
            // Memorystore for Redis Cluster has no password: IAM authentication.
            sec.auth.then(|| {
                "an IAM access token of a principal with roles/redis.dbConnectionUser (gcloud auth print-access-token); Memorystore for Redis Cluster has no password".to_string()
            })
        } else {
            // Google generates the AUTH string; Terraform exposes it as a sensitive output.
            sec.auth.then(|| {
                format!("the sensitive Terraform output redis_password: terraform -chdir=terraform/{TERRAFORM_DIR} output -raw redis_password")
            })
        };
        let mut after_apply = crate::targets::dotenv::after_apply(plan, TERRAFORM_DIR, port);
        if sec.tls {
            after_apply.push(format!(
                "REDIS_TLS_CA_FILE: terraform -chdir=terraform/{TERRAFORM_DIR} output -raw redis_ca_certificate > redis-ca.pem"
            ));
        }
        Endpoint {
            port,
            tls: sec.tls,
            password_from,
            after_apply,
            ..Endpoint::default()
        }
    }

    fn render(&self, input: &RenderInput) -> Result<Vec<OutFile>, String> {
        render::render(input)
    }
}

/// What Memorystore (an instance, or a cluster in cluster mode) does with the settings the
/// table leaves to it.
fn support(setting: &Setting, plan: &Plan) -> Option<Support> {
    if let Some(kind) = crate::plan::AlertKind::of(setting) {
        return Some(alerts::support(kind, plan));
    }
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
    Some(match setting.path {
        "labels" => {
            if cluster {
                unsupported(
                    "`google_redis_cluster` takes labels only from google provider 7.15, and cachegen writes for 6.50 and later",
                )
            } else {
                mapped("`labels`, with `managed-by` and `environment`")
            }
        }
        "engine.kind" => match plan.engine.kind {
            crate::spec::EngineKind::Redis => mapped("Memorystore for Redis"),
            crate::spec::EngineKind::Valkey => {
                unsupported("Valkey runs on Memorystore for Valkey, which cachegen does not render")
            }
        },
        "engine.version" => {
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
        "topology.mode" => mapped(match (cluster, standard) {
            (true, _) => "a Memorystore for Redis Cluster (`google_redis_cluster`)",
            (false, true) => "a STANDARD_HA instance: a primary and its replica(s)",
            (false, false) => "a BASIC instance: one node",
        }),
        "topology.shards" => {
            if cluster {
                mapped("`shard_count`")
            } else {
                not_applicable("not in cluster mode")
            }
        }
        "topology.replicas" => match (cluster, standard, t.replicas) {
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
        "topology.automatic_failover" => match (cluster || standard, t.automatic_failover) {
            (true, true) => mapped("Memorystore fails over to a replica"),
            (false, true) => unsupported("a BASIC instance has no replica to fail over to"),
            (false, false) => Honoured,
            (true, false) => approximated("Memorystore always fails over to a replica"),
        },
        "topology.multi_zone" => match (cluster, standard, t.multi_zone) {
            (true, _, true) => mapped("`zone_distribution_config { mode = \"MULTI_ZONE\" }`"),
            (true, _, false) => approximated(
                "Memorystore spreads a cluster over zones unless a single zone is named; cachegen names none",
            ),
            (false, true, true) => mapped("STANDARD_HA keeps its replica in another zone"),
            (false, true, false) => approximated("STANDARD_HA keeps its replica in another zone"),
            (false, false, true) => unsupported("a BASIC instance runs in one zone"),
            (false, false, false) => Honoured,
        },
        "memory.max_memory" => mapped(if cluster {
            "checked against the node type's writable keyspace (about 80% of its memory)"
        } else {
            "`redis_configs[\"maxmemory-gb\"]`, within `memory_size_gb`"
        }),
        "persistence.snapshots.enabled" => match (snapshots, cluster, aof) {
            (false, _, _) => Honoured,
            (true, false, _) => mapped("`persistence_config` with `persistence_mode = \"RDB\"`"),
            (true, true, false) => {
                mapped("RDB persistence (`persistence_config`) and automated daily backups")
            }
            (true, true, true) => mapped(
                "automated daily backups (`automated_backup_config`); persistence is the AOF",
            ),
        },
        "persistence.snapshots.save" => {
            if !snapshots {
                not_applicable("snapshots are off")
            } else if cluster && aof {
                not_applicable("persistence is the AOF; backups are daily")
            } else {
                save_support(plan, "a snapshot every `rdb_snapshot_period`:")
            }
        }
        "persistence.snapshots.retention_days" => match (snapshots, cluster) {
            (false, _) => not_applicable("snapshots are off"),
            (true, true) => mapped("`automated_backup_config.retention`"),
            (true, false) => unsupported(
                "a Memorystore instance keeps only its latest snapshot; export older ones to Cloud Storage",
            ),
        },
        "persistence.snapshots.window" => match (snapshots, cluster) {
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
        "persistence.aof.enabled" => match (aof, cluster) {
            (false, _) => Honoured,
            (true, true) => mapped("`persistence_config` with `mode = \"AOF\"`"),
            (true, false) => unsupported(
                "a Memorystore instance has no AOF; it persists with RDB snapshots only (a cluster has AOF)",
            ),
        },
        "persistence.aof.fsync" => match (aof, cluster) {
            (false, _) => not_applicable("AOF is off"),
            (true, true) => mapped("`aof_config.append_fsync`"),
            (true, false) => unsupported("a Memorystore instance has no AOF"),
        },
        "maintenance.window" => match plan.maintenance.window.as_ref().and_then(|w| w.span()) {
            Some(s) if s.minutes >= gcp::MAINTENANCE_WINDOW_MINUTES => mapped(
                "`maintenance_policy`: a one-hour weekly window at the window's start, inside it",
            ),
            Some(_) => approximated(
                "`maintenance_policy`: Memorystore's weekly windows last one hour, longer than this one",
            ),
            None => Honoured,
        },
        "network.port" => {
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
        "network.allowed_cidrs" => {
            if plan.network.allowed_cidrs.is_empty() {
                Honoured
            } else {
                unsupported(
                    "Memorystore is reachable from the whole VPC network `var.network` and cannot filter clients by CIDR; use VPC firewall rules",
                )
            }
        }
        "network.public_access" => {
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
        "security.tls.enabled" => mapped(match (cluster, tls) {
            (false, true) => "`transit_encryption_mode = \"SERVER_AUTHENTICATION\"`",
            (false, false) => "`transit_encryption_mode = \"DISABLED\"`",
            (true, true) => {
                "`transit_encryption_mode = \"TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION\"`"
            }
            (true, false) => "`transit_encryption_mode = \"TRANSIT_ENCRYPTION_MODE_DISABLED\"`",
        }),
        "security.auth.enabled" => match (plan.security.auth, cluster) {
            (false, _) => Honoured,
            (true, false) => mapped("`auth_enabled = true`: Google generates the AUTH string"),
            (true, true) => approximated(
                "IAM authentication (`AUTH_MODE_IAM_AUTH`): clients send an IAM access token instead of a password",
            ),
        },
        "security.auth.password" => match (plan.security.auth, cluster) {
            (false, _) => not_applicable("authentication is off"),
            (true, false) => unsupported(
                "Google generates the AUTH string (the sensitive Terraform output `redis_password`); a spec's password cannot be set",
            ),
            (true, true) => unsupported(
                "Memorystore for Redis Cluster has no password; clients authenticate with IAM access tokens",
            ),
        },
        "server.databases" => match (cluster, plan.server.databases) {
            (true, _) => approximated("a cluster has one database, db 0"),
            (false, 16) => Honoured,
            (false, n) if n <= gcp::INSTANCE_MAX_DATABASES => {
                mapped("`redis_configs[\"databases\"]`")
            }
            (false, _) => {
                unsupported("a Memorystore instance takes at most 100 databases; it keeps 16")
            }
        },
        _ => return None,
    })
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
