//! Facts about each cloud's Redis service (sizes, versions, names, limits), shared by the
//! rules that check specs and the targets that render them.

pub mod aws;
pub mod azure;
pub mod gcp;

use crate::plan::Plan;

/// The most frequent of a plan's save points, in seconds: how often a managed service that
/// snapshots on a period (Azure, Memorystore) should snapshot. `None` when snapshots are off.
pub fn shortest_save_seconds(plan: &Plan) -> Option<u64> {
    let s = &plan.persistence.snapshots;
    if !s.enabled {
        return None;
    }
    Some(s.save.iter().map(|p| p.seconds).min().unwrap_or(3600))
}
