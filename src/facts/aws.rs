//! What AWS ElastiCache offers: node types and their memory, engine versions and parameter
//! group families, and the parameters a custom group may set. Rules check specs against
//! these facts; the AWS target renders from them. Source: ../shared/reference
//! (AWS "Engine specific parameters", "Supported engines and versions", the provider source).

use crate::spec::EngineKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeType {
    pub name: &'static str,
    /// `maxmemory` of the node type in bytes (fixed by AWS).
    pub maxmemory: u64,
    pub previous_generation: bool,
    pub valkey_only: bool,
    /// `cache.r6gd.*`: data tiering, which must then be enabled.
    pub data_tiering: bool,
    pub burstable: bool,
}

/// Percentage of `maxmemory` ElastiCache reserves for non-data use by default
/// (`reserved-memory-percent`).
pub const RESERVED_MEMORY_PERCENT: u64 = 25;

impl NodeType {
    /// Memory left for data after the default reserve.
    pub fn usable(&self) -> u64 {
        self.maxmemory / 100 * (100 - RESERVED_MEMORY_PERCENT)
    }
}

pub fn node_type(name: &str) -> Option<&'static NodeType> {
    NODE_TYPES.iter().find(|n| n.name == name)
}

/// Families in the order cachegen recommends them for a cache: memory-optimized Graviton,
/// newest first.
const PREFERRED_FAMILIES: &[&str] = &["r8g", "r7g", "r6g", "m7g", "m6g", "r5", "m5"];

/// The smallest node type of the most preferred family whose usable memory holds `bytes`.
pub fn smallest_node_for(bytes: u64, engine: EngineKind) -> Option<&'static NodeType> {
    PREFERRED_FAMILIES.iter().find_map(|fam| {
        NODE_TYPES
            .iter()
            .filter(|n| n.name.split('.').nth(1) == Some(*fam))
            .filter(|n| engine == EngineKind::Valkey || !n.valkey_only)
            .filter(|n| n.usable() >= bytes)
            .min_by_key(|n| n.maxmemory)
    })
}

/// The parameter group family of an engine version, or why there is none.
pub fn family(kind: EngineKind, major: u32, minor: u32) -> Result<&'static str, String> {
    match (kind, major, minor) {
        (EngineKind::Redis, 7, 0 | 1) => Ok("redis7"),
        (EngineKind::Redis, 6, 0 | 2) => Ok("redis6.x"),
        (EngineKind::Redis, 7, _) | (EngineKind::Redis, 8.., _) => Err(
            "ElastiCache offers Redis OSS up to 7.1; 7.2 and later are offered as Valkey: set `engine.kind: valkey`".into(),
        ),
        (EngineKind::Valkey, 7, 2) => Ok("valkey7"),
        (EngineKind::Valkey, 8, 0..=2) => Ok("valkey8"),
        (EngineKind::Redis, _, _) => Err("ElastiCache offers Redis OSS 6.0, 6.2, 7.0 and 7.1 (the platform's floor is 7.0)".into()),
        (EngineKind::Valkey, _, _) => Err("ElastiCache offers Valkey 7.2, 8.0, 8.1 and 8.2".into()),
    }
}

/// `replication_group_id`: 1..40 characters, letters, digits and hyphens, starting with a
/// letter, no `--`, no trailing `-`.
pub fn replication_group_id_problem(id: &str) -> Option<String> {
    if id.len() > 40 {
        return Some(format!(
            "`{id}` is {} characters; ElastiCache allows 40",
            id.len()
        ));
    }
    if !id.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return Some(format!("`{id}` must start with a letter"));
    }
    if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Some(format!("`{id}` may hold only letters, digits and hyphens"));
    }
    if id.contains("--") || id.ends_with('-') {
        return Some(format!("`{id}` may not contain `--` or end with `-`"));
    }
    None
}

/// Letters of `notify-keyspace-events` that ElastiCache documents.
pub const KEYSPACE_EVENT_LETTERS: &str = "KEg$lshzxeA";

/// ElastiCache node types: name, maxmemory in bytes (fixed per type), previous generation,
/// Valkey only, data tiering (r6gd), burstable. From AWS's "node-type specific parameters".
pub const NODE_TYPES: &[NodeType] = &[
    NodeType {
        name: "cache.t2.micro",
        maxmemory: 581959680,
        previous_generation: true,
        valkey_only: false,
        data_tiering: false,
        burstable: true,
    },
    NodeType {
        name: "cache.t2.small",
        maxmemory: 1665138688,
        previous_generation: true,
        valkey_only: false,
        data_tiering: false,
        burstable: true,
    },
    NodeType {
        name: "cache.t2.medium",
        maxmemory: 3461349376,
        previous_generation: true,
        valkey_only: false,
        data_tiering: false,
        burstable: true,
    },
    NodeType {
        name: "cache.t3.micro",
        maxmemory: 536870912,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: true,
    },
    NodeType {
        name: "cache.t3.small",
        maxmemory: 1471026299,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: true,
    },
    NodeType {
        name: "cache.t3.medium",
        maxmemory: 3317862236,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: true,
    },
    NodeType {
        name: "cache.t4g.micro",
        maxmemory: 536870912,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: true,
    },
    NodeType {
        name: "cache.t4g.small",
        maxmemory: 1471026299,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: true,
    },
    NodeType {
        name: "cache.t4g.medium",
        maxmemory: 3317862236,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: true,
    },
    NodeType {
        name: "cache.m4.large",
        maxmemory: 6892593152,
        previous_generation: true,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m4.xlarge",
        maxmemory: 15328501760,
        previous_generation: true,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m4.2xlarge",
        maxmemory: 31889126359,
        previous_generation: true,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m4.4xlarge",
        maxmemory: 65257290629,
        previous_generation: true,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m4.10xlarge",
        maxmemory: 166047614239,
        previous_generation: true,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m5.large",
        maxmemory: 6854542746,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m5.xlarge",
        maxmemory: 13891921715,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m5.2xlarge",
        maxmemory: 27966669210,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m5.4xlarge",
        maxmemory: 56116178125,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m5.12xlarge",
        maxmemory: 168715971994,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m5.24xlarge",
        maxmemory: 337500562842,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m6g.large",
        maxmemory: 6854542746,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m6g.xlarge",
        maxmemory: 13891921715,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m6g.2xlarge",
        maxmemory: 27966669210,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m6g.4xlarge",
        maxmemory: 56116178125,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m6g.8xlarge",
        maxmemory: 111325552312,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m6g.12xlarge",
        maxmemory: 168715971994,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m6g.16xlarge",
        maxmemory: 225000375228,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m7g.large",
        maxmemory: 6854542746,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m7g.xlarge",
        maxmemory: 13891921715,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m7g.2xlarge",
        maxmemory: 27966669210,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m7g.4xlarge",
        maxmemory: 56116178125,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m7g.8xlarge",
        maxmemory: 111325552312,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m7g.12xlarge",
        maxmemory: 168715971994,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m7g.16xlarge",
        maxmemory: 225000375228,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r4.large",
        maxmemory: 13201781556,
        previous_generation: true,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r4.xlarge",
        maxmemory: 26898228839,
        previous_generation: true,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r4.2xlarge",
        maxmemory: 54197537997,
        previous_generation: true,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r4.4xlarge",
        maxmemory: 108858546586,
        previous_generation: true,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r4.8xlarge",
        maxmemory: 218255432090,
        previous_generation: true,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r4.16xlarge",
        maxmemory: 437021573120,
        previous_generation: true,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r5.large",
        maxmemory: 14037181030,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r5.xlarge",
        maxmemory: 28261849702,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r5.2xlarge",
        maxmemory: 56711183565,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r5.4xlarge",
        maxmemory: 113609865216,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r5.12xlarge",
        maxmemory: 341206346547,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r5.24xlarge",
        maxmemory: 682485973811,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r6g.large",
        maxmemory: 14037181030,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r6g.xlarge",
        maxmemory: 28261849702,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r6g.2xlarge",
        maxmemory: 56711183565,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r6g.4xlarge",
        maxmemory: 113609865216,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r6g.8xlarge",
        maxmemory: 225000375228,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r6g.12xlarge",
        maxmemory: 341206346547,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r6g.16xlarge",
        maxmemory: 450000750456,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r6gd.xlarge",
        maxmemory: 28261849702,
        previous_generation: false,
        valkey_only: false,
        data_tiering: true,
        burstable: false,
    },
    NodeType {
        name: "cache.r6gd.2xlarge",
        maxmemory: 56711183565,
        previous_generation: false,
        valkey_only: false,
        data_tiering: true,
        burstable: false,
    },
    NodeType {
        name: "cache.r6gd.4xlarge",
        maxmemory: 113609865216,
        previous_generation: false,
        valkey_only: false,
        data_tiering: true,
        burstable: false,
    },
    NodeType {
        name: "cache.r6gd.8xlarge",
        maxmemory: 225000375228,
        previous_generation: false,
        valkey_only: false,
        data_tiering: true,
        burstable: false,
    },
    NodeType {
        name: "cache.r6gd.12xlarge",
        maxmemory: 341206346547,
        previous_generation: false,
        valkey_only: false,
        data_tiering: true,
        burstable: false,
    },
    NodeType {
        name: "cache.r6gd.16xlarge",
        maxmemory: 450000750456,
        previous_generation: false,
        valkey_only: false,
        data_tiering: true,
        burstable: false,
    },
    NodeType {
        name: "cache.r7g.large",
        maxmemory: 14037181030,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r7g.xlarge",
        maxmemory: 28261849702,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r7g.2xlarge",
        maxmemory: 56711183565,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r7g.4xlarge",
        maxmemory: 113609865216,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r7g.8xlarge",
        maxmemory: 225000375228,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r7g.12xlarge",
        maxmemory: 341206346547,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r7g.16xlarge",
        maxmemory: 450000750456,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.c7gn.large",
        maxmemory: 3317862236,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.c7gn.xlarge",
        maxmemory: 6854542746,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.c7gn.2xlarge",
        maxmemory: 13891921715,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.c7gn.4xlarge",
        maxmemory: 27966669210,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.c7gn.8xlarge",
        maxmemory: 56116178125,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.c7gn.12xlarge",
        maxmemory: 84357985997,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.c7gn.16xlarge",
        maxmemory: 113609865216,
        previous_generation: false,
        valkey_only: false,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m8g.large",
        maxmemory: 7294178820,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m8g.xlarge",
        maxmemory: 15222495510,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m8g.2xlarge",
        maxmemory: 31866224640,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m8g.4xlarge",
        maxmemory: 65856864256,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m8g.8xlarge",
        maxmemory: 133838143488,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m8g.12xlarge",
        maxmemory: 201819422720,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.m8g.16xlarge",
        maxmemory: 269800701952,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r8g.large",
        maxmemory: 15222495510,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r8g.xlarge",
        maxmemory: 31866224640,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r8g.2xlarge",
        maxmemory: 65856864256,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r8g.4xlarge",
        maxmemory: 133838143488,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r8g.8xlarge",
        maxmemory: 269800701952,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r8g.12xlarge",
        maxmemory: 405763260416,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.r8g.16xlarge",
        maxmemory: 541725818880,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.c8gn.large",
        maxmemory: 3330020474,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.c8gn.xlarge",
        maxmemory: 7294178820,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.c8gn.2xlarge",
        maxmemory: 15222495510,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.c8gn.4xlarge",
        maxmemory: 31866224640,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.c8gn.8xlarge",
        maxmemory: 65856864256,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.c8gn.12xlarge",
        maxmemory: 99847503872,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
    NodeType {
        name: "cache.c8gn.16xlarge",
        maxmemory: 133838143488,
        previous_generation: false,
        valkey_only: true,
        data_tiering: false,
        burstable: false,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_follow_engine_versions() {
        assert_eq!(family(EngineKind::Redis, 7, 1), Ok("redis7"));
        assert_eq!(family(EngineKind::Valkey, 7, 2), Ok("valkey7"));
        assert_eq!(family(EngineKind::Valkey, 8, 1), Ok("valkey8"));
        assert!(
            family(EngineKind::Redis, 7, 2)
                .unwrap_err()
                .contains("Valkey")
        );
    }

    #[test]
    fn node_memory_after_reserve() {
        let r7g = node_type("cache.r7g.xlarge").unwrap();
        assert!(
            r7g.usable() >= 16 << 30,
            "the guide's 16 GB fits an r7g.xlarge"
        );
        assert!(node_type("cache.r7g.large").unwrap().usable() < 16 << 30);
        assert_eq!(
            smallest_node_for(16 << 30, EngineKind::Redis).unwrap().name,
            "cache.r7g.xlarge"
        );
        assert_eq!(
            smallest_node_for(16 << 30, EngineKind::Valkey)
                .unwrap()
                .name,
            "cache.r8g.xlarge"
        );
    }

    #[test]
    fn replication_group_ids() {
        assert!(replication_group_id_problem("hospitality-redis-production").is_none());
        assert!(
            replication_group_id_problem("a-very-long-cache-name-for-the-production-env").is_some()
        );
        assert!(replication_group_id_problem("bad--id").is_some());
    }
}
