//! Sizing: how much memory a workload needs, from the platform guide's table or from Redis's
//! per-key overhead, and how much a container needs around `maxmemory`.

use crate::spec::Workload;
use serde::Serialize;

const GIB: u64 = 1 << 30;
const MIB: u64 = 1 << 20;

/// The memory a workload needs, and the reasoning, for messages and `explain`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Need {
    pub bytes: u64,
    pub why: String,
    /// The guide recommends Redis Cluster at this size.
    pub suggest_cluster: bool,
}

/// The platform guide's sizing table: organizations -> memory.
pub const GUIDE_TABLE: &[(u64, u64)] =
    &[(100_000, 4), (500_000, 8), (1_000_000, 16), (5_000_000, 32)];

/// Memory for a number of organizations: the first row of the guide's table that covers it.
pub fn for_organizations(orgs: u64) -> Need {
    for &(rows, gb) in GUIDE_TABLE {
        if orgs <= rows {
            return Need {
                bytes: gb * GIB,
                why: format!(
                    "the platform guide sizes up to {} organizations at {gb} GB",
                    group(rows)
                ),
                suggest_cluster: false,
            };
        }
    }
    Need {
        bytes: 32 * GIB,
        why: format!(
            "the platform guide sizes 5M+ organizations at 32 GB or more, or a cluster ({} organizations)",
            group(orgs)
        ),
        suggest_cluster: true,
    }
}

/// Bytes one string key takes in Redis 7 (64-bit, jemalloc), with a TTL: the dict entry, the
/// key's sds, the value object and its allocation-class rounding, and the expires entry.
pub fn bytes_per_entry(key_bytes: u64, value_bytes: u64) -> u64 {
    let rounding = if value_bytes > 44 { value_bytes / 8 } else { 0 };
    // Saturating: the inputs come from a spec, and a hostile one states u64::MAX.
    key_bytes
        .saturating_add(value_bytes)
        .saturating_add(90 + 45)
        .saturating_add(rounding)
}

/// Memory for `entries` values of `avg_entry_bytes`: the dataset times a fragmentation ratio of
/// 1.2, plus a baseline for the server, buffers and the replication backlog.
pub fn for_entries(entries: u64, avg_entry_bytes: u64, avg_key_bytes: u64) -> Need {
    let per = bytes_per_entry(avg_key_bytes, avg_entry_bytes);
    let dataset = entries.saturating_mul(per);
    let bytes = dataset.saturating_mul(6) / 5 + 64 * MIB;
    Need {
        bytes,
        why: format!(
            "{} entries x ~{per} bytes each (key {avg_key_bytes} + value {avg_entry_bytes} + ~135 bytes of Redis overhead with a TTL), x 1.2 fragmentation, + 64 MB baseline",
            group(entries)
        ),
        suggest_cluster: bytes > 32 * GIB,
    }
}

/// The larger need of what a workload states.
pub fn need(workload: Option<&Workload>) -> Option<Need> {
    let w = workload?;
    let a = w.organizations.map(for_organizations);
    let b = match (w.entries, w.avg_entry_bytes) {
        (Some(n), Some(s)) => Some(for_entries(n, s, w.avg_key_bytes.unwrap_or(40))),
        _ => None,
    };
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.bytes > a.bytes { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// Round up to whole GiB (a derived `max_memory` reads better as `16gb`).
pub fn round_up_gb(bytes: u64) -> u64 {
    bytes.div_ceil(GIB).max(1) * GIB
}

/// Memory limit of a self-hosted container around `maxmemory`: with snapshots or AOF the fork
/// of BGSAVE/BGREWRITEAOF copies pages on write, so `maxmemory` stays at 75% of the limit;
/// without, 25% for fragmentation. Plus 128 MB for the server itself, rounded to 64 MB.
pub fn container_limit(max_memory: u64, persistent: bool) -> u64 {
    let raw = if persistent {
        (max_memory / 3).saturating_mul(4)
    } else {
        (max_memory / 4).saturating_mul(5)
    }
    .saturating_add(128 * MIB);
    raw.div_ceil(64 * MIB).saturating_mul(64 * MIB)
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_table_rows() {
        assert_eq!(for_organizations(100_000).bytes, 4 * GIB);
        assert_eq!(for_organizations(100_001).bytes, 8 * GIB);
        assert_eq!(for_organizations(500_000).bytes, 8 * GIB);
        assert_eq!(for_organizations(1_000_000).bytes, 16 * GIB);
        assert_eq!(for_organizations(5_000_000).bytes, 32 * GIB);
        assert!(for_organizations(6_000_000).suggest_cluster);
    }

    #[test]
    fn per_entry_overhead_matches_reference_examples() {
        // Reference facts 5.1 worked examples (exact size classes) against the rule of thumb
        // of 5.2 (average rounding waste): within 15%, and never below the exact figure.
        for (k, v, exact) in [(32, 100, 264u64), (40, 200, 376), (40, 1000, 1176)] {
            let b = bytes_per_entry(k, v);
            assert!(
                b >= exact && b * 100 <= exact * 115,
                "key {k} value {v}: {b} vs {exact}"
            );
        }
    }

    #[test]
    fn sizes_of_hostile_workloads_saturate_instead_of_overflowing() {
        assert_eq!(bytes_per_entry(u64::MAX, u64::MAX), u64::MAX);
        assert!(for_entries(u64::MAX, u64::MAX, u64::MAX).suggest_cluster);
        assert_eq!(container_limit(u64::MAX, true), u64::MAX);
        assert_eq!(container_limit(u64::MAX, false), u64::MAX);
    }

    #[test]
    fn container_headroom_for_fork() {
        let limit = container_limit(4 * GIB, true);
        assert!(
            4 * GIB * 4 <= limit * 3,
            "maxmemory is at most 75% of the limit"
        );
        assert_eq!(limit % (64 * MIB), 0);
    }
}
