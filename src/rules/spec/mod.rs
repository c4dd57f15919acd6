//! Rules every spec obeys, whatever its targets: coherent topology, valid networks and
//! commands, sizes Redis reads the way the author meant.

pub mod change_replaces_cache;
pub mod cluster_bus_port;
pub mod cluster_databases;
pub mod cluster_db_nonzero;
pub mod db_beyond_databases;
pub mod decimal_memory_unit;
pub mod failover_needs_replica;
pub mod invalid_cidr;
pub mod io_threads_do_reads;
pub mod keyspace_events_without_channel;
pub mod memory_size_overflow;
pub mod multi_zone_needs_failover;
pub mod no_target;
pub mod one_cloud;
pub mod password_while_auth_off;
pub mod replicas_in_standalone;
pub mod replicated_without_replicas;
pub mod shards_without_cluster;
pub mod soft_limit_above_hard;
pub mod tiny_max_memory;
pub mod unknown_command;
pub mod windows_overlap;
pub mod zero_memory_size;

/// Memory-size settings of a spec, by pointer.
pub const MEMORY_SIZE_FIELDS: &[&str] = &[
    "/memory/max_memory",
    "/persistence/aof/rewrite_min_size",
    "/targets/compose/mem_limit",
];
