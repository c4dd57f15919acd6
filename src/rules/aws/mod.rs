//! Rules for the AWS ElastiCache target (CG2xxx): what ElastiCache accepts, from the provider's
//! validation and AWS's documentation.

pub mod auth_change_fails;
pub mod auth_change_window;
pub mod auth_needs_tls;
pub mod cluster_limits;
pub mod cluster_mode_change;
pub mod cluster_needs_failover;
pub mod data_tiering_policy;
pub mod engine_version;
pub mod family_change_deferred;
pub mod keyspace_event_letters;
pub mod kms_key_arn;
pub mod log_retention;
pub mod memory_fits_node;
pub mod node_type_known;
pub mod node_type_previous_generation;
pub mod node_type_valkey_only;
pub mod replication_group_id;
pub mod secret_source;
pub mod snapshot_retention;
pub mod timeout_range;
pub mod tls_transition;
pub mod transition_in_progress;
pub mod unhonoured_setting;
pub mod window_length;

use crate::plan::{AwsPlan, Plan};

/// The AWS target of a plan, if listed.
pub fn target(plan: &Plan) -> Option<&AwsPlan> {
    plan.targets.aws.as_ref()
}

/// The node type the plan recommends for `max_memory`, with its facts.
pub fn recommended_node(plan: &Plan) -> Option<&'static crate::facts::aws::NodeType> {
    target(plan)
        .and_then(|t| t.recommended_node_type)
        .and_then(crate::facts::aws::node_type)
}
