//! Rules for the self-hosted target (CG5xxx): the docker-compose stack and its redis.conf.

pub mod cluster_host_ports;
pub mod cluster_needs_three_primaries;
pub mod compose_subnet;
pub mod container_memory_headroom;
pub mod host_address;
pub mod public_bind_without_password;
pub mod secret_source;
pub mod unhonoured_setting;
