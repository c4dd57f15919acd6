//! Google Cloud: `terraform/gcp/{versions,variables,main,outputs}.tf` for Memorystore for
//! Redis: an instance (`google_redis_instance`, standalone and replicated modes) or a cluster
//! (`google_redis_cluster`, cluster mode), on private addresses of the application's VPC
//! network.
//!
//! Google generates the AUTH string of an instance: it is the sensitive output
//! `redis_password`. A cluster has no password: with authentication on, clients send IAM
//! access tokens (`AUTH_MODE_IAM_AUTH`).

use crate::facts::gcp;
use crate::plan::{GcpPlan, Plan};
use crate::settings::Takes;
use crate::spec::GcpTier;
use crate::targets::{OutFile, RenderInput};
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
    /// STANDARD_HA: whether read replicas are on (`READ_REPLICAS_ENABLED`, with a read
    /// endpoint); `None` for BASIC, which has no replica.
    read_replicas: Option<bool>,
    /// STANDARD_HA: replicas, always written so that fewer replicas is a change Terraform sees
    /// (the argument is Optional+Computed: left out, a running replica stays).
    replica_count: Option<u32>,
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
    /// checkov skip comments (`<check>:<why>`) of the instance.
    checkov_instance: Vec<String>,
}

/// Every file of the GCP target. Empty when the spec has no `targets.gcp`.
pub(super) fn render(input: &RenderInput) -> Result<Vec<OutFile>, String> {
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
        checkov_instance: crate::targets::checkov::skips(
            input,
            crate::targets::checkov::GCP_INSTANCE,
        ),
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
        production: plan.tier == crate::spec::Tier::Production && plan.accept_replacement.is_none(),
    };
    let files =
        crate::targets::terraform::module(input, "gcp", "google", &input.providers.google, &ctx)?;
    Ok(crate::targets::terraform::under(
        super::TERRAFORM_DIR,
        files,
    ))
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
        read_replicas: standard.then_some(target.read_replicas),
        replica_count: standard.then_some(plan.topology.replicas.max(1)),
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

/// `redis_configs`: every setting the settings table gives Memorystore as a `redis_configs`
/// key (`Takes::Config`) that this kind of resource accepts, and on an instance the
/// capacity's `maxmemory-gb` and a non-default `databases`. Empty values are left out, as
/// Memorystore's defaults are. Every key is in `gcp::INSTANCE_REDIS_CONFIGS` or
/// `gcp::CLUSTER_REDIS_CONFIGS`.
fn redis_configs(plan: &Plan, cluster: bool) -> BTreeMap<&'static str, String> {
    let accepted = if cluster {
        gcp::CLUSTER_REDIS_CONFIGS
    } else {
        gcp::INSTANCE_REDIS_CONFIGS
    };
    let mut m: BTreeMap<&'static str, String> = crate::settings::server_settings()
        .filter_map(|s| match s.takes.gcp {
            Takes::Config(key) if accepted.contains(&key) => Some((key, plan.values.unquoted(s)?)),
            _ => None,
        })
        .filter(|(_, value)| !value.is_empty())
        .collect();
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
