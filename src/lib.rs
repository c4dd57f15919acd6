//! cachegen: one declarative `cache.yaml` per environment, validated and rendered into
//! Terraform (AWS, Azure, Google Cloud), a docker-compose stack, `redis.conf` and `.env`.
//!
//! The pipeline runs one way: `load` (YAML with spans, `extends`) -> `spec` (JSON Schema, typed
//! spec) -> `plan` (tier defaults, derived values) -> `rules` (diagnostics) -> `targets`
//! (files) -> `output` (atomic writes, `--check`). `verify` compares a live server with a spec.
//! `app` does each command's work and returns a report; the command line (`cli`) is a thin
//! face that resolves settings, calls `app`, prints the report and sets the exit code.

// A diagnostic is the error value of the input stages; it is built once per problem, on the
// cold path, so its size does not matter and boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub mod app;
pub mod cli;
pub mod diagnostics;
pub mod explain;
pub mod facts;
pub mod impact;
pub mod load;
pub mod output;
pub mod parallel;
pub mod pipeline;
pub mod plan;
pub mod project;
pub mod project_fs;
pub mod rules;
pub mod scaffold;
pub mod settings;
pub mod spec;
pub mod targets;
pub mod verify;
