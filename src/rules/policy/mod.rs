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
use crate::rules::{Context, Tiers};
use crate::settings::Setting;

/// A protection the plan asks for is only real if every listed platform applies it: the first
/// platform that cannot (or only approximates it), named as the spec's target, with what it
/// does instead. A policy rule then fails even when the spec says the right thing, so that a
/// platform's limit is waived consciously, with a reason, rather than passed on paper.
pub fn not_enforced(cx: &Context, setting: &Setting) -> Option<(&'static str, String)> {
    cx.capabilities.0.iter().find_map(|(platform, rows)| {
        rows.iter()
            .find(|(s, support)| std::ptr::eq(*s, setting) && support.is_loss())
            .map(|(_, support)| (platform.target_key(), support.detail().to_string()))
    })
}

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
