//! Facts about the services cachegen renders for: each cloud's Redis offer (sizes, versions,
//! names, limits), Redis itself (its commands) and what changing a Terraform argument does to a
//! live resource (`terraform`). Plain values in, plain values out: a fact
//! never sees a spec's Plan, so that the plan, the rules and the targets all derive from the
//! same facts and none of them from another's reading of them.

pub mod aws;
pub mod azure;
pub mod gcp;
pub mod metrics;
pub mod redis;
pub mod terraform;
pub mod terraform_schema;
