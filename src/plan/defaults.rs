//! What a spec gets for what it leaves out, per tier. Development is cheap and open on a
//! laptop; staging looks like production at a smaller size; production follows the platform
//! guide's checklist (TLS, auth, encryption at rest, replicas with failover across zones).

use crate::spec::{SavePoint, Tier, TopologyMode};

pub struct TierDefaults {
    pub engine_version: &'static str,
    pub mode: TopologyMode,
    pub replicas: u32,
    pub max_memory: &'static str,
    pub snapshots: bool,
    pub retention_days: u32,
    pub tls: bool,
    pub encryption_at_rest: bool,
    pub disabled_commands: &'static [&'static str],
}

/// The guide's production `save` points.
pub fn guide_save_points() -> Vec<SavePoint> {
    vec![
        SavePoint {
            seconds: 900,
            changes: 1,
        },
        SavePoint {
            seconds: 300,
            changes: 10,
        },
        SavePoint {
            seconds: 60,
            changes: 10000,
        },
    ]
}

const DANGEROUS: &[&str] = &["FLUSHALL", "FLUSHDB", "KEYS", "DEBUG"];

impl TierDefaults {
    pub fn of(tier: Tier) -> TierDefaults {
        match tier {
            Tier::Development => TierDefaults {
                engine_version: "7.0",
                mode: TopologyMode::Standalone,
                replicas: 0,
                max_memory: "2gb",
                snapshots: false,
                retention_days: 0,
                tls: false,
                encryption_at_rest: false,
                disabled_commands: &[],
            },
            Tier::Staging => TierDefaults {
                engine_version: "7.0",
                mode: TopologyMode::Standalone,
                replicas: 0,
                max_memory: "4gb",
                snapshots: true,
                retention_days: 1,
                tls: true,
                encryption_at_rest: true,
                disabled_commands: DANGEROUS,
            },
            Tier::Production => TierDefaults {
                engine_version: "7.0",
                mode: TopologyMode::Replicated,
                replicas: 2,
                max_memory: "8gb",
                snapshots: true,
                retention_days: 7,
                tls: true,
                encryption_at_rest: true,
                disabled_commands: DANGEROUS,
            },
        }
    }
}
