//! Rules for the Google Cloud target (CG4xxx): what Memorystore for Redis instances and
//! clusters accept, from the google provider and Google's documentation.

/// The examples' GCP targets (a production example base lists AWS: `aws: null` drops it).
macro_rules! instance_target {
    () => {
        "targets: { aws: null, gcp: { region: us-central1, tier: STANDARD_HA } }"
    };
}
macro_rules! cluster_topology {
    () => {
        "topology: { mode: cluster, shards: 3, replicas: 1 }\n"
    };
}

pub mod cluster_iam_needs_tls;
pub mod cluster_node_type;
pub mod engine_version;
pub mod instance_headroom;
pub mod label_values;
pub mod maxmemory_gb_floor;
pub mod memory_size;
pub mod name;
pub mod read_replica_limits;
pub mod read_replicas_stay_on;
pub mod replicas_need_standard_ha;
pub mod shared_core_in_production;
pub mod unhonoured_setting;

use crate::plan::{GcpPlan, Plan};

/// The GCP target of a plan, if listed.
pub fn target(plan: &Plan) -> Option<&GcpPlan> {
    plan.targets.gcp.as_ref()
}

/// The GCP target when it renders an instance (standalone or replicated mode).
pub fn instance(plan: &Plan) -> Option<&GcpPlan> {
    target(plan).filter(|_| !plan.topology.is_cluster())
}

/// The GCP target when it renders a cluster (cluster mode).
pub fn cluster(plan: &Plan) -> Option<&GcpPlan> {
    target(plan).filter(|_| plan.topology.is_cluster())
}
