//! cachegen's integration tests, one binary: each module drives the real `cachegen` binary
//! (or the library) against real inputs and, where one exists, the real tool that consumes the
//! output. `common` holds what they share. One binary links the crate once instead of twenty
//! times.

mod common;
mod provider_schema;

mod acceptance;
mod architecture;
mod checkov;
mod ci_workflow;
mod cluster_live;
mod compose_live;
mod conformance_aws;
mod conformance_cloud;
mod conformance_local;
mod conformance_redis;
mod day2;
mod docs;
mod editor;
mod fuzz;
mod golden_hygiene;
mod hostile;
mod impact;
mod impact_agreement;
mod init;
mod invalid_specs;
mod machine_output;
mod monitoring;
mod monitoring_live;
mod output_safety;
mod policy;
mod pre_commit;
mod project_settings;
mod rule_examples;
mod sarif;
mod schema;
mod secrets;
mod security;
mod settings_table;
mod shipped_environments;
mod verify_live;
