//! The tier policy (CG6xxx): the platform guide's security checklist and production
//! requirements, as rules whose severity depends on `tier`. Production: errors. Staging: the
//! same as warnings, with TLS and authentication as errors. Development: relaxed.

pub mod dangerous_commands;
pub mod encryption_at_rest;
pub mod engine_floor;
pub mod explicit_eviction_policy;
pub mod maintenance_window;
pub mod no_open_cidr;
pub mod no_public_access;
pub mod replicas_with_failover;
pub mod require_auth;
pub mod require_tls;
pub mod snapshots_retained;

use crate::diagnostics::Severity;
use crate::rules::Tiers;

/// Production error, staging warning, development off.
pub const PRODUCTION_ERROR_STAGING_WARNING: Tiers = Tiers {
    development: None,
    staging: Some(Severity::Warning),
    production: Some(Severity::Error),
};

/// Production and staging errors, development off.
pub const PRODUCTION_AND_STAGING_ERROR: Tiers = Tiers {
    development: None,
    staging: Some(Severity::Error),
    production: Some(Severity::Error),
};
