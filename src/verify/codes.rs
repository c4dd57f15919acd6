//! Codes of `cachegen verify`: a live server that differs from its spec. They are not rules: a
//! spec cannot waive what a server does, and no `[rules]` override applies. They are listed by
//! `cachegen rules` and described in SARIF like every other code, so that a finding in a
//! code-scanning view explains itself.

use crate::diagnostics::{RuleInfo, Severity};

pub const ENGINE: &str = "CG8001";
pub const MAX_MEMORY: &str = "CG8002";
pub const EVICTION_POLICY: &str = "CG8003";
pub const EVICTION_SAMPLES: &str = "CG8004";
pub const SNAPSHOTS: &str = "CG8005";
pub const AOF: &str = "CG8006";
pub const AOF_FSYNC: &str = "CG8007";
pub const KEYSPACE_EVENTS: &str = "CG8008";
pub const DATABASES: &str = "CG8009";
pub const IDLE_TIMEOUT: &str = "CG8010";
pub const TCP_KEEPALIVE: &str = "CG8011";
pub const SLOWLOG: &str = "CG8012";
pub const IO_THREADS: &str = "CG8013";
pub const TLS: &str = "CG8014";
pub const ROLE: &str = "CG8015";
pub const REPLICAS: &str = "CG8016";
pub const CLUSTER_MODE: &str = "CG8017";
pub const CLUSTER_HEALTH: &str = "CG8018";
pub const COMMAND_NOT_REFUSED: &str = "CG8019";
pub const NOT_COMPARED: &str = "CG8090";

const RESTORE: &str = "An incident fix made with `CONFIG SET`, a console change or a resize outlives the incident unless someone notices; the next restart or apply then changes behaviour again, silently.";

pub const CODES: &[RuleInfo] = &[
    RuleInfo {
        code: ENGINE,
        name: "engine-drift",
        summary: "The server runs another engine (redis, valkey) or `major.minor` version than `engine` declares.",
        rationale: "Defaults, commands and the rendered configuration depend on the engine version; a wrong image or an unplanned upgrade is found before it surprises an application.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: MAX_MEMORY,
        name: "max-memory-drift",
        summary: "`maxmemory` differs from `memory.max_memory` (on a managed service: the node holds less).",
        rationale: "The memory limit decides when keys are evicted or writes fail. A limit lowered in an incident, or a node resized down, turns a cache into a stream of evictions or OOM errors.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: EVICTION_POLICY,
        name: "eviction-policy-drift",
        summary: "`maxmemory-policy` differs from `memory.eviction_policy`.",
        rationale: "With `noeviction` a full cache refuses writes instead of evicting; with a `volatile-*` policy keys without a TTL are never evicted. Either turns a full cache into errors.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: EVICTION_SAMPLES,
        name: "eviction-samples-drift",
        summary: "`maxmemory-samples` differs from `memory.eviction_samples`.",
        rationale: RESTORE,
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: SNAPSHOTS,
        name: "snapshot-drift",
        summary: "The `save` points differ from `persistence.snapshots`.",
        rationale: "Snapshots decide how much data a restart loses, and each one forks the server. Save points switched off (or on) in an incident change both.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: AOF,
        name: "aof-drift",
        summary: "`appendonly` differs from `persistence.aof.enabled`.",
        rationale: "The append-only file decides whether writes survive a restart, and costs disk I/O on every write.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: AOF_FSYNC,
        name: "aof-fsync-drift",
        summary: "`appendfsync` differs from `persistence.aof.fsync`.",
        rationale: "`always`, `everysec` and `no` trade write latency against the data lost in a crash.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: KEYSPACE_EVENTS,
        name: "keyspace-events-drift",
        summary: "`notify-keyspace-events` publishes other event classes than `server.keyspace_events` (compared as sets of flags).",
        rationale: "Applications that invalidate caches on expired-key events stop hearing them when the flags are cleared, and every write pays for events nobody asked for when flags are added.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: DATABASES,
        name: "databases-drift",
        summary: "`databases` differs from `server.databases`.",
        rationale: "An application that selects a database beyond the server's count fails at connect.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: IDLE_TIMEOUT,
        name: "idle-timeout-drift",
        summary: "`timeout` differs from `network.idle_timeout_seconds`.",
        rationale: "Idle connections closed sooner than the application's pool expects turn into connection errors; never closed, they exhaust `maxclients`.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: TCP_KEEPALIVE,
        name: "tcp-keepalive-drift",
        summary: "`tcp-keepalive` differs from `network.tcp_keepalive_seconds`.",
        rationale: RESTORE,
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: SLOWLOG,
        name: "slowlog-drift",
        summary: "`slowlog-log-slower-than` or `slowlog-max-len` differs from `server.slowlog`.",
        rationale: "The slow log is what an on-call engineer reads first in a latency incident; a threshold raised or a log shortened hides the evidence.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: IO_THREADS,
        name: "io-threads-drift",
        summary: "`io-threads` or `io-threads-do-reads` differs from `server.io_threads` / `server.io_threads_do_reads`.",
        rationale: "I/O threads are set at start; a difference means the server was started from another configuration than the one rendered.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: TLS,
        name: "tls-drift",
        summary: "The server accepts plaintext connections while `security.tls.enabled` asks for TLS only (or serves TLS when the spec says it is off).",
        rationale: "A plaintext listener sends the password and the data in the clear on the network.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: ROLE,
        name: "role-drift",
        summary: "The server's replication role does not fit `topology` (a replica where the primary is expected).",
        rationale: "After a failover the endpoint may point at a replica: writes fail with READONLY.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: REPLICAS,
        name: "replica-count-drift",
        summary: "The primary has another number of connected replicas than `topology.replicas`.",
        rationale: "A replica that is gone leaves no failover target and no copy of the data; one too many costs money and memory.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: CLUSTER_MODE,
        name: "cluster-mode-drift",
        summary: "`cluster_enabled` does not match `topology.mode` (cluster or not).",
        rationale: "Cluster and non-cluster servers need different clients; the application's client fails against the other kind.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: CLUSTER_HEALTH,
        name: "cluster-unhealthy",
        summary: "The cluster is not `ok`, or has another number of shards than `topology.shards`.",
        rationale: "A cluster whose state is `fail` refuses commands for its uncovered slots.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: COMMAND_NOT_REFUSED,
        name: "command-not-refused",
        summary: "A command listed in `security.disabled_commands` is not refused for the user verify logs in as.",
        rationale: "`FLUSHALL` or `KEYS` left enabled after an incident is one mistyped command away from an outage.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: NOT_COMPARED,
        name: "settings-not-compared",
        summary: "Some settings could not be read from the server (managed services disable `CONFIG`), so they were not compared.",
        rationale: "Verify says what it could not check instead of passing it silently; compare those settings in the provider's console or parameter group.",
        default_severity: Severity::Note,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_codes_are_cg8_and_unique_among_every_code() {
        let all = crate::rules::catalog::rule_infos();
        for c in CODES {
            assert!(
                c.code.len() == 6 && c.code.starts_with("CG8"),
                "{}: drift codes are CG8xxx",
                c.code
            );
            assert_eq!(
                all.iter().filter(|r| r.code == c.code).count(),
                1,
                "{}",
                c.code
            );
        }
        for code in [
            ENGINE,
            MAX_MEMORY,
            EVICTION_POLICY,
            EVICTION_SAMPLES,
            SNAPSHOTS,
            AOF,
            AOF_FSYNC,
            KEYSPACE_EVENTS,
            DATABASES,
            IDLE_TIMEOUT,
            TCP_KEEPALIVE,
            SLOWLOG,
            IO_THREADS,
            TLS,
            ROLE,
            REPLICAS,
            CLUSTER_MODE,
            CLUSTER_HEALTH,
            COMMAND_NOT_REFUSED,
            NOT_COMPARED,
        ] {
            assert!(CODES.iter().any(|c| c.code == code), "{code} is described");
        }
    }
}
