//! Sizing rules (CG7xxx): the memory a spec states against what its workload needs, from the
//! platform guide's table (organizations) or Redis's per-key overhead (entries).

pub mod entries_without_size;
pub mod max_memory_below_workload;
pub mod workload_needs_cluster;
