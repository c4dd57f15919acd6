//! Every rule, in code order: the registry that `check`, `cachegen rules` and SARIF read.

use super::{Rule, aws, azure, gcp, policy, self_hosted, sizing, spec};
use crate::diagnostics::{RuleInfo, codes};
use crate::spec::Tier;

pub static RULES: &[&Rule] = &[
    &spec::decimal_memory_unit::RULE,
    &spec::keyspace_events_without_channel::RULE,
    &spec::shards_without_cluster::RULE,
    &spec::replicas_in_standalone::RULE,
    &spec::replicated_without_replicas::RULE,
    &spec::failover_needs_replica::RULE,
    &spec::multi_zone_needs_failover::RULE,
    &spec::invalid_cidr::RULE,
    &spec::unknown_command::RULE,
    &spec::db_beyond_databases::RULE,
    &spec::windows_overlap::RULE,
    &spec::memory_size_overflow::RULE,
    &spec::one_cloud::RULE,
    &spec::no_target::RULE,
    &spec::io_threads_do_reads::RULE,
    &spec::cluster_databases::RULE,
    &spec::cluster_db_nonzero::RULE,
    &spec::cluster_bus_port::RULE,
    &spec::password_while_auth_off::RULE,
    &spec::tiny_max_memory::RULE,
    &spec::soft_limit_above_hard::RULE,
    &spec::replication_alert_without_replicas::RULE,
    &spec::monitoring_for_unlisted_target::RULE,
    &spec::zero_memory_size::RULE,
    &spec::change_replaces_cache::RULE,
    &aws::unhonoured_setting::RULE,
    &aws::engine_version::RULE,
    &aws::node_type_known::RULE,
    &aws::node_type_previous_generation::RULE,
    &aws::node_type_valkey_only::RULE,
    &aws::memory_fits_node::RULE,
    &aws::cluster_needs_failover::RULE,
    &aws::replication_group_id::RULE,
    &aws::snapshot_retention::RULE,
    &aws::window_length::RULE,
    &aws::cluster_limits::RULE,
    &aws::secret_source::RULE,
    &aws::timeout_range::RULE,
    &aws::keyspace_event_letters::RULE,
    &aws::data_tiering_policy::RULE,
    &aws::auth_needs_tls::RULE,
    &aws::log_retention::RULE,
    &aws::tls_transition::RULE,
    &aws::auth_change_fails::RULE,
    &aws::auth_change_window::RULE,
    &aws::cluster_mode_change::RULE,
    &aws::family_change_deferred::RULE,
    &aws::kms_key_arn::RULE,
    &aws::transition_in_progress::RULE,
    &azure::unhonoured_setting::RULE,
    &azure::sku::RULE,
    &azure::engine_version::RULE,
    &azure::premium_only::RULE,
    &azure::rdb_aof_exclusive::RULE,
    &azure::cache_replicas::RULE,
    &azure::cache_memory_fits_sku::RULE,
    &azure::memory_fits_sku_unverified::RULE,
    &azure::cache_retirement::RULE,
    &azure::name::RULE,
    &azure::managed_zones::RULE,
    &gcp::unhonoured_setting::RULE,
    &gcp::engine_version::RULE,
    &gcp::replicas_need_standard_ha::RULE,
    &gcp::read_replica_limits::RULE,
    &gcp::memory_size::RULE,
    &gcp::maxmemory_gb_floor::RULE,
    &gcp::instance_headroom::RULE,
    &gcp::cluster_node_type::RULE,
    &gcp::shared_core_in_production::RULE,
    &gcp::cluster_iam_needs_tls::RULE,
    &gcp::name::RULE,
    &gcp::label_values::RULE,
    &gcp::read_replicas_stay_on::RULE,
    &self_hosted::unhonoured_setting::RULE,
    &self_hosted::secret_source::RULE,
    &self_hosted::public_bind_without_password::RULE,
    &self_hosted::host_address::RULE,
    &self_hosted::container_memory_headroom::RULE,
    &self_hosted::cluster_needs_three_primaries::RULE,
    &self_hosted::alerts_without_exporter::RULE,
    &self_hosted::exporter_port_taken::RULE,
    &self_hosted::compose_subnet::RULE,
    &self_hosted::cluster_host_ports::RULE,
    &policy::require_tls::RULE,
    &policy::require_auth::RULE,
    &policy::encryption_at_rest::RULE,
    &policy::replicas_with_failover::RULE,
    &policy::snapshots_retained::RULE,
    &policy::no_public_access::RULE,
    &policy::no_open_cidr::RULE,
    &policy::engine_floor::RULE,
    &policy::explicit_eviction_policy::RULE,
    &policy::maintenance_window::RULE,
    &policy::dangerous_commands::RULE,
    &sizing::max_memory_below_workload::RULE,
    &sizing::workload_needs_cluster::RULE,
    &sizing::entries_without_size::RULE,
];

pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.code == code)
}

/// Every code cachegen can report, for SARIF's `tool.driver.rules`.
pub fn rule_infos() -> Vec<RuleInfo> {
    let mut v: Vec<RuleInfo> = codes::INPUT.to_vec();
    v.extend(RULES.iter().map(|r| RuleInfo {
        code: r.code,
        name: r.name,
        summary: r.summary,
        rationale: r.rationale,
        default_severity: r.severity.strongest(),
    }));
    v.extend(codes::DRIFT.iter().copied());
    v.extend(codes::HEALTH.iter().copied());
    v.extend(codes::IMPACT.iter().copied());
    v.sort_by_key(|r| r.code);
    v
}

/// The spec a rule's examples are written against: a small spec of the tier that passes
/// every rule. An example is YAML merged over it.
pub fn example_base(tier: Tier) -> &'static str {
    match tier {
        Tier::Development => {
            "spec_version: 1\nname: example\nenvironment: example\ntier: development\ntargets:\n  compose: {}\n"
        }
        Tier::Staging => {
            "spec_version: 1
name: example
environment: example
tier: staging
topology: { mode: replicated, replicas: 1, automatic_failover: true, multi_zone: true }
memory: { max_memory: 2gb, eviction_policy: allkeys-lru }
maintenance: { window: \"sun:05:00-sun:07:00\" }
network: { allowed_cidrs: [\"10.0.0.0/16\"] }
security: { auth: { password: { aws_secret: example/redis/auth } } }
targets:
  aws: { region: us-east-1, node_type: cache.t4g.medium }
"
        }
        Tier::Production => {
            "spec_version: 1
name: example
environment: example
tier: production
memory: { max_memory: 8gb, eviction_policy: allkeys-lru }
persistence: { snapshots: { retention_days: 7, window: \"03:00-05:00\" } }
maintenance: { window: \"sun:05:00-sun:07:00\" }
network: { allowed_cidrs: [\"10.0.0.0/16\"] }
security: { auth: { password: { aws_secret: example/redis/auth } } }
targets:
  aws: { region: us-east-1, node_type: cache.r7g.large }
"
        }
    }
}
