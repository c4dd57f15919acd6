//! Every code cachegen reports, in one table. A code is stable: once released it keeps its
//! meaning, and the constant's name is the code's name (`CG1003` is `shards-without-cluster`).
//!
//! Rules (CG1xxx..CG7xxx) describe themselves in their own files under `src/rules/<family>/`
//! and take their code from here; every other code (input, run-level, drift) is described
//! below, so that `cachegen rules` and SARIF explain every code a run can print. No other
//! file writes a code as a string literal (a test enforces it).

use super::{RuleInfo, Severity};

/// Declares each code as a constant, and [`ALL`] with every one of them, by name.
macro_rules! codes {
    ($( $(#[$doc:meta])* $name:ident = $code:literal; )*) => {
        $( $(#[$doc])* pub const $name: &str = $code; )*
        /// Every code with its constant's name, in declaration order.
        pub const ALL: &[(&str, &str)] = &[$((stringify!($name), $name)),*];
    };
}

codes! {
    // Input: loading, the JSON Schema, project settings (CG00xx). A spec that fails them cannot
    // be resolved, so they cannot be waived.
    YAML_SYNTAX = "CG0001";
    DUPLICATE_KEY = "CG0002";
    SPEC_TOO_LARGE = "CG0003";
    SAFETY_LIMIT = "CG0004";
    EXTENDS_UNREADABLE = "CG0005";
    EXTENDS_CYCLE = "CG0006";
    EMPTY_SPEC = "CG0007";
    ENCODING = "CG0008";
    UNKNOWN_KEY = "CG0010";
    WRONG_TYPE = "CG0011";
    MISSING_KEY = "CG0012";
    INVALID_VALUE = "CG0013";
    LITERAL_SECRET = "CG0020";
    PLACEHOLDER_SECRET = "CG0021";
    UNUSED_EXCEPTION = "CG0030";
    UNKNOWN_EXCEPTION = "CG0031";
    DUPLICATE_ENVIRONMENT = "CG0040";
    PROJECT_SETTINGS = "CG0041";
    CACHEGEN_VERSION_MISMATCH = "CG0042";
    RUN_FAILED = "CG0050";
    STALE_OUTPUT = "CG0051";
    FOREIGN_OUTPUT_ENTRY = "CG0052";
    UNGENERATED_LOADED_FILE = "CG0053";
    TEAM_FILES_KEPT_ASIDE = "CG0054";
    RECORD_UNREADABLE = "CG0060";
    // Spec rules: what any target needs (CG10xx).
    DECIMAL_MEMORY_UNIT = "CG1001";
    KEYSPACE_EVENTS_WITHOUT_CHANNEL = "CG1002";
    SHARDS_WITHOUT_CLUSTER = "CG1003";
    REPLICAS_IN_STANDALONE = "CG1004";
    REPLICATED_WITHOUT_REPLICAS = "CG1005";
    FAILOVER_NEEDS_REPLICA = "CG1006";
    MULTI_ZONE_NEEDS_FAILOVER = "CG1007";
    INVALID_CIDR = "CG1008";
    UNKNOWN_COMMAND = "CG1009";
    DB_BEYOND_DATABASES = "CG1010";
    WINDOWS_OVERLAP = "CG1011";
    MEMORY_SIZE_OVERFLOW = "CG1012";
    ONE_CLOUD_PER_ENVIRONMENT = "CG1013";
    NO_TARGET = "CG1014";
    IO_THREADS_DO_READS_WITHOUT_THREADS = "CG1015";
    CLUSTER_DATABASES = "CG1016";
    CLUSTER_DB_NONZERO = "CG1017";
    CLUSTER_BUS_PORT = "CG1018";
    PASSWORD_WHILE_AUTH_OFF = "CG1019";
    TINY_MAX_MEMORY = "CG1020";
    SOFT_LIMIT_ABOVE_HARD = "CG1021";
    REPLICATION_ALERT_WITHOUT_REPLICAS = "CG1022";
    MONITORING_FOR_UNLISTED_TARGET = "CG1023";
    ZERO_MEMORY_SIZE = "CG1024";
    // Changes to a cache that exists (day 2), judged against what it was last rendered with.
    CHANGE_REPLACES_CACHE = "CG1040";
    // AWS ElastiCache rules (CG20xx).
    AWS_UNHONOURED_SETTING = "CG2001";
    AWS_ENGINE_VERSION = "CG2002";
    AWS_NODE_TYPE_KNOWN = "CG2003";
    AWS_NODE_TYPE_PREVIOUS_GENERATION = "CG2004";
    AWS_NODE_TYPE_VALKEY_ONLY = "CG2005";
    AWS_MEMORY_FITS_NODE = "CG2006";
    AWS_CLUSTER_NEEDS_FAILOVER = "CG2007";
    AWS_REPLICATION_GROUP_ID = "CG2008";
    AWS_SNAPSHOT_RETENTION = "CG2009";
    AWS_WINDOW_LENGTH = "CG2010";
    AWS_CLUSTER_LIMITS = "CG2011";
    AWS_SECRET_SOURCE = "CG2012";
    AWS_TIMEOUT_RANGE = "CG2013";
    AWS_KEYSPACE_EVENT_LETTERS = "CG2014";
    AWS_DATA_TIERING_POLICY = "CG2015";
    AWS_AUTH_NEEDS_TLS = "CG2016";
    AWS_LOG_RETENTION = "CG2017";
    AWS_TLS_TRANSITION = "CG2040";
    AWS_AUTH_CHANGE_FAILS = "CG2041";
    AWS_AUTH_CHANGE_WINDOW = "CG2042";
    AWS_CLUSTER_MODE_CHANGE = "CG2043";
    AWS_FAMILY_CHANGE_DEFERRED = "CG2044";
    AWS_KMS_KEY_ARN = "CG2045";
    AWS_TRANSITION_IN_PROGRESS = "CG2046";
    // Azure rules (CG30xx).
    AZURE_UNHONOURED_SETTING = "CG3001";
    AZURE_SKU = "CG3002";
    AZURE_ENGINE_VERSION = "CG3003";
    AZURE_PREMIUM_ONLY = "CG3004";
    AZURE_RDB_AOF_EXCLUSIVE = "CG3005";
    AZURE_CACHE_REPLICAS = "CG3006";
    AZURE_CACHE_MEMORY_FITS_SKU = "CG3007";
    AZURE_MEMORY_FITS_SKU_UNVERIFIED = "CG3008";
    AZURE_CACHE_RETIREMENT = "CG3009";
    AZURE_NAME = "CG3010";
    AZURE_MANAGED_ZONES = "CG3011";
    // Google Cloud Memorystore rules (CG40xx).
    GCP_UNHONOURED_SETTING = "CG4001";
    GCP_ENGINE_VERSION = "CG4002";
    GCP_REPLICAS_NEED_STANDARD_HA = "CG4003";
    GCP_READ_REPLICA_LIMITS = "CG4004";
    GCP_MEMORY_SIZE = "CG4005";
    GCP_MAXMEMORY_GB_FLOOR = "CG4006";
    GCP_INSTANCE_HEADROOM = "CG4007";
    GCP_CLUSTER_NODE_TYPE = "CG4008";
    GCP_SHARED_CORE_IN_PRODUCTION = "CG4009";
    GCP_CLUSTER_IAM_NEEDS_TLS = "CG4010";
    GCP_NAME = "CG4011";
    GCP_LABEL_VALUES = "CG4012";
    GCP_READ_REPLICAS_STAY_ON = "CG4040";
    // Self-hosted (compose, redis.conf) rules (CG50xx).
    SELF_HOSTED_UNHONOURED_SETTING = "CG5001";
    COMPOSE_SECRET_SOURCE = "CG5002";
    PUBLIC_BIND_WITHOUT_PASSWORD = "CG5003";
    COMPOSE_HOST_ADDRESS = "CG5004";
    CONTAINER_MEMORY_HEADROOM = "CG5005";
    SELF_HOSTED_CLUSTER_NEEDS_THREE_PRIMARIES = "CG5006";
    COMPOSE_SUBNET = "CG5007";
    CLUSTER_HOST_PORTS = "CG5009";
    SELF_HOSTED_ALERTS_WITHOUT_EXPORTER = "CG5010";
    COMPOSE_EXPORTER_PORT_TAKEN = "CG5011";
    // Tier policy rules (CG60xx).
    REQUIRE_TLS = "CG6001";
    REQUIRE_AUTH = "CG6002";
    ENCRYPTION_AT_REST = "CG6003";
    REPLICAS_WITH_FAILOVER = "CG6004";
    SNAPSHOTS_RETAINED = "CG6005";
    NO_PUBLIC_ACCESS = "CG6006";
    NO_OPEN_CIDR = "CG6007";
    ENGINE_FLOOR = "CG6008";
    EXPLICIT_EVICTION_POLICY = "CG6009";
    MAINTENANCE_WINDOW = "CG6010";
    DANGEROUS_COMMANDS_DISABLED = "CG6011";
    // Sizing rules (CG70xx).
    MAX_MEMORY_BELOW_WORKLOAD = "CG7001";
    WORKLOAD_NEEDS_CLUSTER = "CG7002";
    ENTRIES_WITHOUT_SIZE = "CG7003";
    // Drift: `cachegen verify`, a live server against its spec (CG80xx). Not rules: a spec
    // cannot waive what a server does.
    ENGINE_DRIFT = "CG8001";
    MAX_MEMORY_DRIFT = "CG8002";
    EVICTION_POLICY_DRIFT = "CG8003";
    EVICTION_SAMPLES_DRIFT = "CG8004";
    SNAPSHOT_DRIFT = "CG8005";
    AOF_DRIFT = "CG8006";
    AOF_FSYNC_DRIFT = "CG8007";
    KEYSPACE_EVENTS_DRIFT = "CG8008";
    DATABASES_DRIFT = "CG8009";
    IDLE_TIMEOUT_DRIFT = "CG8010";
    TCP_KEEPALIVE_DRIFT = "CG8011";
    SLOWLOG_DRIFT = "CG8012";
    IO_THREADS_DRIFT = "CG8013";
    TLS_DRIFT = "CG8014";
    ROLE_DRIFT = "CG8015";
    REPLICA_COUNT_DRIFT = "CG8016";
    CLUSTER_MODE_DRIFT = "CG8017";
    CLUSTER_UNHEALTHY = "CG8018";
    COMMAND_NOT_REFUSED = "CG8019";
    SETTING_DRIFT = "CG8020";
    SETTINGS_NOT_COMPARED = "CG8090";
    // Health: `cachegen verify`, a live server's INFO against the thresholds of
    // `monitoring.alerts` (CG81xx). Not rules either: they say how the server is doing.
    MEMORY_HIGH = "CG8101";
    FRAGMENTATION_HIGH = "CG8102";
    HIT_RATE_LOW = "CG8103";
    EVICTIONS = "CG8104";
    CONNECTIONS_HIGH = "CG8105";
    REJECTED_CONNECTIONS = "CG8106";
    BLOCKED_CLIENTS = "CG8107";
    REPLICA_LAG = "CG8108";
    REPLICATION_LINK_DOWN = "CG8109";
    AUTH_FAILURES = "CG8110";
    HEALTH_NOT_JUDGED = "CG8190";
    // Change impact: `cachegen impact`, what a change does to live caches (CG90xx). Not
    // rules: they describe a change, not a spec.
    IMPACT_REPLACE = "CG9001";
    IMPACT_DELETE = "CG9002";
    IMPACT_STAGED = "CG9003";
    IMPACT_RESTART = "CG9004";
    IMPACT_STALE_ACKNOWLEDGMENT = "CG9010";
}

/// Input and run-level codes (CG00xx). They are not rules: a spec that fails them cannot be
/// resolved (or the run could not do its work), so they cannot be waived or re-levelled.
pub static INPUT: &[RuleInfo] = &[
    RuleInfo {
        code: YAML_SYNTAX,
        name: "yaml-syntax",
        summary: "The file is not valid YAML.",
        rationale: "The file is not valid YAML.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: DUPLICATE_KEY,
        name: "duplicate-key",
        summary: "A key appears twice in one mapping; YAML parsers disagree on which wins.",
        rationale: "A key appears twice in one mapping; YAML parsers disagree on which wins.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: SPEC_TOO_LARGE,
        name: "spec-too-large",
        summary: "The spec file is larger than 1 MiB.",
        rationale: "The spec file is larger than 1 MiB.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: SAFETY_LIMIT,
        name: "safety-limit",
        summary: "Nesting, aliases or the extends chain exceed a safety limit (a hostile or broken file).",
        rationale: "Nesting, aliases or the extends chain exceed a safety limit (a hostile or broken file).",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: EXTENDS_UNREADABLE,
        name: "extends-unreadable",
        summary: "The base file named by `extends` cannot be read, is not a relative path to a YAML file, or lies outside the project.",
        rationale: "The base file named by `extends` cannot be read, is not a relative path to a YAML file, or lies outside the project.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: EXTENDS_CYCLE,
        name: "extends-cycle",
        summary: "`extends` leads back to a file already in the chain.",
        rationale: "`extends` leads back to a file already in the chain.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: EMPTY_SPEC,
        name: "empty-spec",
        summary: "The spec is empty or not a mapping.",
        rationale: "The spec is empty or not a mapping.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: ENCODING,
        name: "encoding",
        summary: "The file is not UTF-8 text, or contains NUL bytes.",
        rationale: "The file is not UTF-8 text, or contains NUL bytes.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: UNKNOWN_KEY,
        name: "unknown-key",
        summary: "A key the spec format does not have (often a typo).",
        rationale: "A key the spec format does not have (often a typo).",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: WRONG_TYPE,
        name: "wrong-type",
        summary: "A value of the wrong type (a number where text belongs, ...).",
        rationale: "A value of the wrong type (a number where text belongs, ...).",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: MISSING_KEY,
        name: "missing-key",
        summary: "A required key is missing.",
        rationale: "A required key is missing.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: INVALID_VALUE,
        name: "invalid-value",
        summary: "A value outside what the setting accepts (enum, format, range).",
        rationale: "A value outside what the setting accepts (enum, format, range).",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: LITERAL_SECRET,
        name: "literal-secret",
        summary: "A secret value is written in the spec; only references are allowed.",
        rationale: "A secret value is written in the spec; only references are allowed.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: PLACEHOLDER_SECRET,
        name: "placeholder-secret",
        summary: "A placeholder such as `changeme` stands where a secret belongs.",
        rationale: "A placeholder such as `changeme` stands where a secret belongs.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: UNUSED_EXCEPTION,
        name: "unused-exception",
        summary: "A policy exception waives a rule that passes anyway.",
        rationale: "A policy exception waives a rule that passes anyway.",
        default_severity: Severity::Warning,
    },
    RuleInfo {
        code: UNKNOWN_EXCEPTION,
        name: "unknown-exception",
        summary: "A policy exception names no known rule.",
        rationale: "A policy exception names no known rule.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: DUPLICATE_ENVIRONMENT,
        name: "duplicate-environment",
        summary: "Two specs name the same environment and would share an output folder.",
        rationale: "Two specs name the same environment and would share an output folder.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: PROJECT_SETTINGS,
        name: "project-settings",
        summary: "cachegen.toml has an unknown key or a wrong value.",
        rationale: "cachegen.toml has an unknown key or a wrong value.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: CACHEGEN_VERSION_MISMATCH,
        name: "cachegen-version-mismatch",
        summary: "This cachegen's version does not match `required_version` in cachegen.toml (exit 2).",
        rationale: "Two cachegen versions may render different bytes from the same spec; a project pins the version its committed output comes from, so that `render --check` fails only on real changes.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: RUN_FAILED,
        name: "run-failed",
        summary: "cachegen could not do its work: a spec or folder it cannot read, an output it cannot write, a bad argument, a server it cannot reach (exit 2).",
        rationale: "cachegen could not do its work: a spec or folder it cannot read, an output it cannot write, a bad argument, a server it cannot reach (exit 2).",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: STALE_OUTPUT,
        name: "stale-output",
        summary: "`render --check`: a generated file differs from what the spec renders, is missing, or is no longer produced.",
        rationale: "`render --check`: a generated file differs from what the spec renders, is missing, or is no longer produced.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: FOREIGN_OUTPUT_ENTRY,
        name: "foreign-output-entry",
        summary: "A path where cachegen writes holds something it did not write: a symbolic link, a FIFO, a device, a folder, a file without its header, or an entry named like its temporaries.",
        rationale: "The output folder comes with the repository, and a pull request can commit a link at a generated path (to `/proc/self/environ`, `~/.ssh`, a shell start-up file). cachegen never reads, follows, replaces or deletes what it did not write: `render` refuses (exit 2) and `render --check` fails, naming the path.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: UNGENERATED_LOADED_FILE,
        name: "ungenerated-loaded-file",
        summary: "A generated folder holds a file the consuming tool loads with the generated ones, which cachegen did not write: another `*.tf` or `*.tf.json` next to the generated Terraform, a compose override next to `docker-compose.yml`, or a symbolic link.",
        rationale: "Terraform loads every `*.tf` of its folder and docker compose merges `docker-compose.override.yml` by itself, so such a file changes what is applied without changing the spec, and a `render --check` that ignored it would call the folder up to date. It is a warning after `render` (the team's file is kept) and an error under `render --check`.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: TEAM_FILES_KEPT_ASIDE,
        name: "team-files-kept-aside",
        summary: "Files written into an environment's folder while a render ran could not be placed in the new folder; the old folder is kept with them.",
        rationale: "A file the team writes while cachegen swaps the folder (a shell, `terraform init`) is never deleted. When it sits where cachegen now generates a file, the old folder is kept as a hidden temporary and reported until the team moves the file.",
        default_severity: Severity::Warning,
    },
    RuleInfo {
        code: RECORD_UNREADABLE,
        name: "record-unreadable",
        summary: "`rendered.toml`, what an environment was last rendered with, cannot be read: the checks of changes (day 2) are skipped for it.",
        rationale: "The day-2 rules compare a spec with what its environment was last rendered with, to refuse changes that would replace a cache or fail at apply. A record that was edited by hand or written by another cachegen version cannot be trusted; the next render rewrites it.",
        default_severity: Severity::Warning,
    },
];

const RESTORE: &str = "An incident fix made with `CONFIG SET`, a console change or a resize outlives the incident unless someone notices; the next restart or apply then changes behaviour again, silently.";

pub static DRIFT: &[RuleInfo] = &[
    RuleInfo {
        code: ENGINE_DRIFT,
        name: "engine-drift",
        summary: "The server runs another engine (redis, valkey) or `major.minor` version than `engine` declares.",
        rationale: "Defaults, commands and the rendered configuration depend on the engine version; a wrong image or an unplanned upgrade is found before it surprises an application.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: MAX_MEMORY_DRIFT,
        name: "max-memory-drift",
        summary: "`maxmemory` differs from `memory.max_memory` (on a managed service: the node holds less).",
        rationale: "The memory limit decides when keys are evicted or writes fail. A limit lowered in an incident, or a node resized down, turns a cache into a stream of evictions or OOM errors.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: EVICTION_POLICY_DRIFT,
        name: "eviction-policy-drift",
        summary: "`maxmemory-policy` differs from `memory.eviction_policy`.",
        rationale: "With `noeviction` a full cache refuses writes instead of evicting; with a `volatile-*` policy keys without a TTL are never evicted. Either turns a full cache into errors.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: EVICTION_SAMPLES_DRIFT,
        name: "eviction-samples-drift",
        summary: "`maxmemory-samples` differs from `memory.eviction_samples`.",
        rationale: RESTORE,
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: SNAPSHOT_DRIFT,
        name: "snapshot-drift",
        summary: "The `save` points differ from `persistence.snapshots`.",
        rationale: "Snapshots decide how much data a restart loses, and each one forks the server. Save points switched off (or on) in an incident change both.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: AOF_DRIFT,
        name: "aof-drift",
        summary: "`appendonly` differs from `persistence.aof.enabled`.",
        rationale: "The append-only file decides whether writes survive a restart, and costs disk I/O on every write.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: AOF_FSYNC_DRIFT,
        name: "aof-fsync-drift",
        summary: "`appendfsync` differs from `persistence.aof.fsync`.",
        rationale: "`always`, `everysec` and `no` trade write latency against the data lost in a crash.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: KEYSPACE_EVENTS_DRIFT,
        name: "keyspace-events-drift",
        summary: "`notify-keyspace-events` publishes other event classes than `server.keyspace_events` (compared as sets of flags).",
        rationale: "Applications that invalidate caches on expired-key events stop hearing them when the flags are cleared, and every write pays for events nobody asked for when flags are added.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: DATABASES_DRIFT,
        name: "databases-drift",
        summary: "`databases` differs from `server.databases`.",
        rationale: "An application that selects a database beyond the server's count fails at connect.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: IDLE_TIMEOUT_DRIFT,
        name: "idle-timeout-drift",
        summary: "`timeout` differs from `network.idle_timeout_seconds`.",
        rationale: "Idle connections closed sooner than the application's pool expects turn into connection errors; never closed, they exhaust `maxclients`.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: TCP_KEEPALIVE_DRIFT,
        name: "tcp-keepalive-drift",
        summary: "`tcp-keepalive` differs from `network.tcp_keepalive_seconds`.",
        rationale: RESTORE,
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: SLOWLOG_DRIFT,
        name: "slowlog-drift",
        summary: "`slowlog-log-slower-than` or `slowlog-max-len` differs from `server.slowlog`.",
        rationale: "The slow log is what an on-call engineer reads first in a latency incident; a threshold raised or a log shortened hides the evidence.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: IO_THREADS_DRIFT,
        name: "io-threads-drift",
        summary: "`io-threads` or `io-threads-do-reads` differs from `server.io_threads` / `server.io_threads_do_reads`.",
        rationale: "I/O threads are set at start; a difference means the server was started from another configuration than the one rendered.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: TLS_DRIFT,
        name: "tls-drift",
        summary: "The server accepts plaintext connections while `security.tls.enabled` asks for TLS only (or serves TLS when the spec says it is off).",
        rationale: "A plaintext listener sends the password and the data in the clear on the network.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: ROLE_DRIFT,
        name: "role-drift",
        summary: "The server's replication role does not fit `topology` (a replica where the primary is expected).",
        rationale: "After a failover the endpoint may point at a replica: writes fail with READONLY.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: REPLICA_COUNT_DRIFT,
        name: "replica-count-drift",
        summary: "The primary has another number of connected replicas than `topology.replicas`.",
        rationale: "A replica that is gone leaves no failover target and no copy of the data; one too many costs money and memory.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: CLUSTER_MODE_DRIFT,
        name: "cluster-mode-drift",
        summary: "`cluster_enabled` does not match `topology.mode` (cluster or not).",
        rationale: "Cluster and non-cluster servers need different clients; the application's client fails against the other kind.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: CLUSTER_UNHEALTHY,
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
        code: SETTING_DRIFT,
        name: "setting-drift",
        summary: "A redis.conf directive differs from the setting of the spec that declares it (settings without a drift code of their own).",
        rationale: RESTORE,
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: SETTINGS_NOT_COMPARED,
        name: "settings-not-compared",
        summary: "Some settings could not be read from the server (managed services disable `CONFIG`), so they were not compared.",
        rationale: "Verify says what it could not check instead of passing it silently; compare those settings in the provider's console or parameter group.",
        default_severity: Severity::Note,
    },
];

/// What a health finding says; read the help of each for the first steps.
const COUNTER: &str = "Counters (evictions, rejected connections, failed authentications) are judged as an average per 5 minutes since the server started (at least 5 minutes), the unit of the alert's threshold; `--format json` carries the raw counts for a job to chart.";

pub static HEALTH: &[RuleInfo] = &[
    RuleInfo {
        code: MEMORY_HIGH,
        name: "memory-high",
        summary: "Memory used is above `monitoring.alerts.memory_percent` of `maxmemory`.",
        rationale: "At `maxmemory` a cache evicts keys (`allkeys-*`) or refuses writes (`noeviction`, and `volatile-*` once no key has a TTL). The alert pages before that happens.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: FRAGMENTATION_HIGH,
        name: "fragmentation-high",
        summary: "The memory fragmentation ratio is above `monitoring.alerts.fragmentation_ratio`, with at least 256 MiB lost to it.",
        rationale: "Memory lost to fragmentation is memory the host pays for and the data cannot use; on a small dataset the ratio means nothing, so it is judged only past 256 MiB lost.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: HIT_RATE_LOW,
        name: "hit-rate-low",
        summary: "Fewer lookups hit than `monitoring.alerts.hit_rate_percent` (since the server started, past 1000 lookups).",
        rationale: "A cache that misses sends its load to the database behind it; evictions and TTLs too short are the usual causes.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: EVICTIONS,
        name: "evictions",
        summary: "More keys are evicted than `monitoring.alerts.evictions` per 5 minutes.",
        rationale: COUNTER,
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: CONNECTIONS_HIGH,
        name: "connections-high",
        summary: "Client connections are above `monitoring.alerts.connections_percent` of `maxclients`.",
        rationale: "At `maxclients` Redis rejects new connections; a connection leak reaches it long before the load does.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: REJECTED_CONNECTIONS,
        name: "rejected-connections",
        summary: "More connections are rejected than `monitoring.alerts.rejected_connections` per 5 minutes (the client limit was reached).",
        rationale: COUNTER,
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: BLOCKED_CLIENTS,
        name: "blocked-clients",
        summary: "More clients wait in blocking commands than `monitoring.alerts.blocked_clients`.",
        rationale: "Clients stuck in BLPOP, WAIT or XREAD BLOCK hold connections and usually mean a producer has stopped.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: REPLICA_LAG,
        name: "replica-lag",
        summary: "A replica is further behind its primary than `monitoring.alerts.replica_lag_seconds`.",
        rationale: "A lagging replica serves stale reads and, on failover, loses the writes it has not received. A hung replica stays `online` until `repl-timeout`: only its lag shows it.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: REPLICATION_LINK_DOWN,
        name: "replication-link-down",
        summary: "The server is a replica whose link to its primary is down (`master_link_status:down`).",
        rationale: "A replica without its primary falls further behind every second and cannot take over in a failover.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: AUTH_FAILURES,
        name: "auth-failures",
        summary: "More authentications fail than `monitoring.alerts.auth_failures` per 5 minutes (`acl_access_denied_auth`, or `errorstat_WRONGPASS` before Redis 7.2).",
        rationale: "The security checklist's \"monitor failed authentication attempts\": a password rotated but not deployed everywhere, or someone guessing.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: HEALTH_NOT_JUDGED,
        name: "health-not-judged",
        summary: "Some measures could not be judged against their threshold (no traffic yet, no `maxmemory`, too little memory lost to fragmentation, a field the server does not report).",
        rationale: "Verify says what it could not judge instead of passing it silently.",
        default_severity: Severity::Note,
    },
];

/// What `cachegen impact` reports to code scanning (SARIF).
pub static IMPACT: &[RuleInfo] = &[
    RuleInfo {
        code: IMPACT_REPLACE,
        name: "impact-replace",
        summary: "The change destroys a resource and creates it again: its data and its endpoint are lost.",
        rationale: "A one-line spec change (a rename, a port, an encryption key) can make Terraform replace a cache. In production that is an error unless the spec acknowledges it with `policy.accept_replacement`.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: IMPACT_DELETE,
        name: "impact-delete",
        summary: "The change deletes a resource (a removed environment, target or rule).",
        rationale: "Deleting a cache loses its data. In production that is an error unless the spec acknowledges it with `policy.accept_replacement`.",
        default_severity: Severity::Error,
    },
    RuleInfo {
        code: IMPACT_STAGED,
        name: "impact-staged",
        summary: "The change cannot be applied in one step: apply it in the steps given.",
        rationale: "Some changes (TLS or authentication on an existing ElastiCache group, cluster mode) fail at apply or leave the cache open when applied at once; the report says the steps.",
        default_severity: Severity::Warning,
    },
    RuleInfo {
        code: IMPACT_RESTART,
        name: "impact-restart",
        summary: "The change restarts or fails over nodes: a short interruption.",
        rationale: "A node type change, an engine upgrade or a directive Redis reads only at start interrupt clients briefly; schedule them.",
        default_severity: Severity::Warning,
    },
    RuleInfo {
        code: IMPACT_STALE_ACKNOWLEDGMENT,
        name: "impact-stale-acknowledgment",
        summary: "`policy.accept_replacement` was already in the base: it acknowledges nothing in this change.",
        rationale: "An acknowledgment of a replacement is for the change that adds it; left in place it would silently approve the next one. Remove it once the change is applied.",
        default_severity: Severity::Warning,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The hundreds say what kind of code it is: `cachegen rules` and docs/rules.md group them so.
    #[test]
    fn input_codes_are_cg00_and_drift_codes_cg80() {
        for c in INPUT {
            assert!(
                c.code.starts_with("CG00"),
                "{}: input codes are CG00xx",
                c.code
            );
        }
        for c in DRIFT {
            assert!(
                c.code.starts_with("CG80"),
                "{}: drift codes are CG80xx",
                c.code
            );
        }
        for c in HEALTH {
            assert!(
                c.code.starts_with("CG81"),
                "{}: health codes are CG81xx",
                c.code
            );
        }
    }
}
