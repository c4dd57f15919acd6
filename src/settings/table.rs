//! The rows, in the order of the schema. CONTRIBUTING.md says how to add one.
//!
//! A row's `takes` columns say what each platform does where the table can say it alone: a
//! configuration key its renderer writes from the row's value (`Config`), a knob the service
//! does not have (`NotExposed`, `Unsupported`), or a value the service fixes (`FixedAt`).
//! `Target` leaves the answer to the target's own capability code, where it depends on the
//! plan (the SKU, the tier, cluster mode, ...). `{service}` and `{vendor}` in a text are the
//! platform's service name (`Memorystore for Redis`) and vendor (`Google`).

use super::Default::{Derived, Fixed, PerTier};
use super::Lit::{Bool, Float, Int, Json, List, Str};
use super::Takes::{Config, FixedAt, NotExposed, Target, Unsupported};
use super::change::{Effect as E, OnChange, judged};
use super::{
    Compare, Conf, Default, InfoField, Kind, Lit, NO_PLATFORM, PerPlatform, Setting, Spelling,
    Takes, UNSTATED, Verify, When,
};
use crate::diagnostics::codes;

/// A row with nothing but its path, kind and default; the rest is filled in per row.
const fn row(path: &'static str, kind: Kind, default: Default) -> Setting {
    Setting {
        path,
        kind,
        default,
        conf: None,
        env: None,
        aliases: &[],
        verify: Verify::No,
        applies: When::Always,
        takes: NO_PLATFORM,
        change: UNSTATED,
    }
}

// The `change` column: what changing a setting does to a live cache (`cachegen impact`).
// Terraform targets: the rendered diff decides which resources change and whether the
// provider replaces them (`facts::terraform`); a cell here says what the service does to the
// cache itself, which a diff cannot show (a restart, a failover, steps).

const fn always(effect: E, why: &'static str) -> OnChange {
    OnChange::Always(effect, why)
}

const fn none(why: &'static str) -> OnChange {
    OnChange::Always(E::None, why)
}

/// One answer for every platform.
const fn everywhere(c: OnChange) -> PerPlatform<OnChange> {
    PerPlatform {
        compose: c,
        aws: c,
        azure_cache: c,
        azure_managed: c,
        gcp: c,
    }
}

/// Each platform's answer, both Azure services alike.
const fn changes(
    compose: OnChange,
    aws: OnChange,
    azure: OnChange,
    gcp: OnChange,
) -> PerPlatform<OnChange> {
    PerPlatform {
        compose,
        aws,
        azure_cache: azure,
        azure_managed: azure,
        gcp,
    }
}

/// A redis.conf directive Redis takes at runtime; the managed services as given.
const fn conf_change(aws: OnChange, azure: OnChange, gcp: OnChange) -> PerPlatform<OnChange> {
    changes(RUNTIME_DIRECTIVE, aws, azure, gcp)
}

const RUNTIME_DIRECTIVE: OnChange = always(
    E::Update,
    "Redis takes the directive at runtime (`CONFIG SET`); `docker compose up -d` does not restart a container for a changed redis.conf, so set it with CONFIG SET or restart the service",
);
const START_DIRECTIVE: OnChange = always(
    E::Restart,
    "Redis reads the directive only at start: restart the service (`docker compose restart`) to apply it",
);
const PARAMETER_GROUP: OnChange = always(
    E::Update,
    "an ElastiCache parameter: the parameter group is updated in place and applied without a restart",
);
const NOT_ON_AWS: OnChange = none("ElastiCache does not take it (see `cachegen explain`)");
const NOT_ON_AZURE: OnChange = none("Azure does not take it (see `cachegen explain`)");
const NOT_ON_GCP: OnChange = none("Memorystore does not take it (see `cachegen explain`)");
const REDIS_CONFIGS: OnChange = always(
    E::Update,
    "a `redis_configs` key: Memorystore applies it in place, without a restart",
);
const AZURE_CONFIGURATION: OnChange = always(
    E::Update,
    "a `redis_configuration` argument: Azure applies it in place",
);
/// The row is another platform's option.
const fn only(
    compose: bool,
    aws: bool,
    azure: bool,
    gcp: bool,
    c: OnChange,
) -> PerPlatform<OnChange> {
    let other = none("another target's option");
    changes(
        if compose { c } else { other },
        if aws { c } else { other },
        if azure { c } else { other },
        if gcp { c } else { other },
    )
}
const ENVIRONMENT_NAME: OnChange = always(
    E::Replace,
    "every resource is named `<name>-<environment>`: the cache is destroyed and created under the new name (every key lost, a new endpoint); the output folder moves to `generated/<environment>/` too, so move the Terraform state with it",
);
const RESOURCE_NAME: OnChange = always(
    E::Replace,
    "every resource is named `<name>-<environment>`: the cache is destroyed and created under the new name (every key lost, a new endpoint)",
);
const COMPOSE_PROJECT_NAME: OnChange = always(
    E::Replace,
    "the compose project and its data volume are named `<name>-<environment>`: `docker compose up -d` starts a new, empty server (the old project keeps running until `docker compose -p <old name> down`)",
);
const COMPOSE_RECREATE: OnChange = always(
    E::Restart,
    "`docker compose up -d` recreates the container (a short outage); the data volume is kept",
);

const fn server(path: &'static str, default: Default) -> Setting {
    row(path, Kind::Server, default)
}

const fn conf(directive: &'static str, spelling: Spelling) -> Option<Conf> {
    Some(Conf {
        directive,
        spelling,
        read_at_start: false,
    })
}

/// A directive Redis reads only at start (`CONFIG SET` cannot change it).
const fn conf_at_start(directive: &'static str, spelling: Spelling) -> Option<Conf> {
    Some(Conf {
        directive,
        spelling,
        read_at_start: true,
    })
}

/// Compared with `CONFIG GET` of the row's directive.
const fn config(code: &'static str, compare: Compare) -> Verify {
    Verify::Config {
        code,
        info: None,
        compare,
        self_hosted_only: false,
    }
}

/// Each platform's answer, the managed services alike.
const fn takes(compose: Takes, aws: Takes, azure: Takes, gcp: Takes) -> PerPlatform<Takes> {
    PerPlatform {
        compose,
        aws,
        azure_cache: azure,
        azure_managed: azure,
        gcp,
    }
}

/// Every platform answers in its own code.
const TARGETS_ANSWER: PerPlatform<Takes> = NO_PLATFORM;

const DANGEROUS_COMMANDS: &[&str] = &["FLUSHALL", "FLUSHDB", "KEYS", "DEBUG"];

// Identity.
pub static SPEC_VERSION: Setting = Setting {
    change: everywhere(none(
        "the version of the file format: nothing rendered depends on it",
    )),
    ..row("spec_version", Kind::Identity, Default::None)
};
pub static NAME: Setting = Setting {
    change: changes(
        COMPOSE_PROJECT_NAME,
        RESOURCE_NAME,
        RESOURCE_NAME,
        RESOURCE_NAME,
    ),
    ..row("name", Kind::Identity, Default::None)
};
pub static ENVIRONMENT: Setting = Setting {
    change: changes(
        COMPOSE_PROJECT_NAME,
        ENVIRONMENT_NAME,
        ENVIRONMENT_NAME,
        ENVIRONMENT_NAME,
    ),
    ..row("environment", Kind::Identity, Default::None)
};
pub static TIER: Setting = Setting {
    change: everywhere(none(
        "the tier itself changes nothing; the defaults it chooses may, and those changes are listed under it",
    )),
    ..row("tier", Kind::Identity, Default::None)
};
pub static EXTENDS: Setting = Setting {
    change: everywhere(none(
        "the base's settings are compared one by one, where they change the spec",
    )),
    ..row("extends", Kind::Identity, Default::None)
};

// The server.
pub static LABELS: Setting = Setting {
    change: changes(
        none("containers carry no labels from the spec"),
        always(E::Update, "tags change in place"),
        always(E::Update, "tags change in place"),
        always(E::Update, "labels change in place"),
    ),
    ..server("labels", Default::None)
};
pub static ENGINE_KIND: Setting = Setting {
    change: changes(
        OnChange::Judged(judged::compose_engine),
        OnChange::Judged(judged::aws_engine),
        none("Azure runs Redis only (a rule refuses Valkey)"),
        none("Memorystore for Redis runs Redis only (a rule refuses Valkey)"),
    ),
    verify: Verify::Code,
    ..server("engine.kind", Fixed(Str("redis")))
};
pub static ENGINE_VERSION: Setting = Setting {
    change: PerPlatform {
        compose: OnChange::Judged(judged::compose_engine),
        aws: OnChange::Judged(judged::aws_engine),
        azure_cache: OnChange::Judged(judged::azure_engine),
        azure_managed: none("Azure Managed Redis runs the version Azure chooses"),
        gcp: OnChange::Judged(judged::gcp_engine),
    },
    verify: Verify::Code,
    ..server("engine.version", Fixed(Str("7.0")))
};
pub static TOPOLOGY_MODE: Setting = Setting {
    change: PerPlatform {
        compose: OnChange::Judged(judged::compose_topology),
        aws: OnChange::Judged(judged::aws_topology),
        azure_cache: OnChange::Judged(judged::azure_cache_topology),
        azure_managed: OnChange::Judged(judged::azure_managed_topology),
        gcp: OnChange::Judged(judged::gcp_topology),
    },
    verify: Verify::Code,
    ..server(
        "topology.mode",
        PerTier {
            development: Str("standalone"),
            staging: Str("standalone"),
            production: Str("replicated"),
        },
    )
};
pub static SHARDS: Setting = Setting {
    change: PerPlatform {
        compose: OnChange::Steps(
            "the compose stack forms its cluster once, at the first start: new nodes do not join by themselves, and removed ones take their slots with them",
            &[
                "to add shards: `docker compose up -d`, then `redis-cli --cluster add-node` for each new node and `redis-cli --cluster rebalance`",
                "to remove shards: move their slots away first (`redis-cli --cluster reshard`), then apply",
            ],
        ),
        aws: always(
            E::Update,
            "ElastiCache reshards online: slots move while the cluster serves",
        ),
        azure_cache: always(
            E::Update,
            "Azure adds or removes shards of a clustered Premium cache online",
        ),
        azure_managed: none("Azure Managed Redis sizes its shards from the SKU"),
        gcp: always(
            E::Update,
            "Memorystore for Redis Cluster adds or removes shards online",
        ),
    },
    aliases: &["num_node_groups", "shard_count"],
    applies: When::ClusterMode,
    ..server("topology.shards", Derived("3 in cluster mode, else 1"))
};
pub static REPLICAS: Setting = Setting {
    change: PerPlatform {
        compose: OnChange::Judged(judged::compose_replicas),
        aws: OnChange::Judged(judged::aws_topology),
        azure_cache: always(
            E::Update,
            "Azure adds or removes replicas of a Premium cache online",
        ),
        azure_managed: OnChange::Judged(judged::azure_managed_replicas),
        gcp: OnChange::Judged(judged::gcp_topology),
    },
    aliases: &["num_cache_clusters", "replicas_per_node_group"],
    verify: Verify::Code,
    ..server(
        "topology.replicas",
        Derived(
            "0 standalone; in replicated mode 2 in production, else 1; 1 per shard in cluster mode",
        ),
    )
};
pub static AUTOMATIC_FAILOVER: Setting = Setting {
    change: changes(
        none("one container has no failover (a Redis Cluster fails over by itself)"),
        always(E::Update, "ElastiCache turns failover on or off in place"),
        none("Azure fails over by itself"),
        none("Memorystore fails over by itself in the Standard tier"),
    ),
    ..server(
        "topology.automatic_failover",
        Derived("on in cluster mode, and with replicas outside development"),
    )
};
pub static MULTI_ZONE: Setting = Setting {
    change: changes(
        none("a compose stack runs on one host"),
        always(E::Update, "ElastiCache turns Multi-AZ on or off in place"),
        none("Azure places replicas by its zones (`targets.azure.zones`)"),
        none("Memorystore places the replica in another zone by itself"),
    ),
    ..server(
        "topology.multi_zone",
        Derived("on in production when failover is on"),
    )
};
pub static MAX_MEMORY: Setting = Setting {
    change: PerPlatform {
        compose: always(
            E::Update,
            "`maxmemory` is taken at runtime (`CONFIG SET`); the container's memory limit follows it, and a changed limit recreates the container",
        ),
        aws: none(
            "ElastiCache gives each node the memory of its node type (`targets.aws.node_type`); `memory.max_memory` only checks that it fits",
        ),
        azure_cache: always(E::Update, "`maxmemory_reserved` is updated in place"),
        azure_managed: none(
            "Azure Managed Redis gives the memory of its SKU (`targets.azure.sku`)",
        ),
        gcp: OnChange::Judged(judged::gcp_resize),
    },
    conf: conf("maxmemory", Spelling::Text),
    verify: Verify::Code,
    ..server(
        "memory.max_memory",
        PerTier {
            development: Str("2gb"),
            staging: Str("4gb"),
            production: Str("8gb"),
        },
    )
};
pub static EVICTION_POLICY: Setting = Setting {
    change: conf_change(
        PARAMETER_GROUP,
        always(E::Update, "the eviction policy is updated in place"),
        REDIS_CONFIGS,
    ),
    conf: conf("maxmemory-policy", Spelling::Text),
    env: Some("CACHE_EVICTION_POLICY"),
    verify: Verify::Config {
        code: codes::EVICTION_POLICY_DRIFT,
        info: Some(InfoField {
            field: "maxmemory_policy",
            read: str::to_string,
        }),
        compare: Compare::Exact,
        self_hosted_only: false,
    },
    takes: PerPlatform {
        compose: Config("maxmemory-policy"),
        aws: Config("maxmemory-policy"),
        azure_cache: Config("maxmemory_policy"),
        azure_managed: Target,
        gcp: Config("maxmemory-policy"),
    },
    ..server("memory.eviction_policy", Fixed(Str("allkeys-lru")))
};
pub static EVICTION_SAMPLES: Setting = Setting {
    change: conf_change(PARAMETER_GROUP, NOT_ON_AZURE, NOT_ON_GCP),
    conf: conf("maxmemory-samples", Spelling::Number),
    verify: config(codes::EVICTION_SAMPLES_DRIFT, Compare::Exact),
    takes: PerPlatform {
        compose: Config("maxmemory-samples"),
        aws: Config("maxmemory-samples"),
        azure_cache: FixedAt {
            value: Int(3),
            agree: None,
            otherwise: "Azure fixes `maxmemory-samples` at 3",
        },
        azure_managed: NotExposed,
        gcp: NotExposed,
    },
    ..server("memory.eviction_samples", Fixed(Int(5)))
};

// Sizing.
const SIZING_CHANGE: PerPlatform<OnChange> = everywhere(none(
    "sizing input, never rendered; where it sizes `memory.max_memory` (no size written), that change is reported under it",
));
pub static ORGANIZATIONS: Setting = Setting {
    change: SIZING_CHANGE,
    ..row("workload.organizations", Kind::Sizing, Default::None)
};
pub static ENTRIES: Setting = Setting {
    change: SIZING_CHANGE,
    ..row("workload.entries", Kind::Sizing, Default::None)
};
pub static AVG_ENTRY_BYTES: Setting = Setting {
    change: SIZING_CHANGE,
    ..row("workload.avg_entry_bytes", Kind::Sizing, Default::None)
};
pub static AVG_KEY_BYTES: Setting = Setting {
    change: SIZING_CHANGE,
    ..row("workload.avg_key_bytes", Kind::Sizing, Fixed(Int(40)))
};

// Persistence.
pub static SNAPSHOTS_ENABLED: Setting = Setting {
    change: changes(
        RUNTIME_DIRECTIVE,
        always(
            E::Update,
            "the snapshot retention of the group changes in place",
        ),
        always(E::Update, "RDB persistence is turned on or off in place"),
        always(E::Update, "the persistence of the cache changes in place"),
    ),
    verify: Verify::Code,
    ..server(
        "persistence.snapshots.enabled",
        Derived(
            "on when `persistence.snapshots` is written; else off in development, on in staging and production",
        ),
    )
};
pub static SAVE_POINTS: Setting = Setting {
    change: changes(
        RUNTIME_DIRECTIVE,
        none("ElastiCache snapshots once a day, in its window"),
        always(
            E::Update,
            "the snapshot frequency (from the shortest save point) changes in place",
        ),
        always(
            E::Update,
            "the snapshot period (from the shortest save point) changes in place",
        ),
    ),
    aliases: &["save"],
    verify: Verify::Code,
    applies: When::SnapshotsOn,
    ..server(
        "persistence.snapshots.save",
        Derived(
            "the platform guide's save points (900 s / 1 change, 300 s / 10, 60 s / 10000) when snapshots are on",
        ),
    )
};

/// What a managed service does with snapshot compression or checksums (`what`: "compresses").
const fn snapshot_format(
    conf_directive: &'static str,
    managed_agree: &'static str,
    managed_otherwise: &'static str,
) -> PerPlatform<Takes> {
    let managed = FixedAt {
        value: Bool(true),
        agree: Some(managed_agree),
        otherwise: managed_otherwise,
    };
    PerPlatform {
        compose: Config(conf_directive),
        aws: FixedAt {
            value: Bool(true),
            agree: Some("ElastiCache manages the backup format (compressed, checksummed)"),
            otherwise: "ElastiCache always compresses and checksums its backups; it cannot be turned off",
        },
        azure_cache: managed,
        azure_managed: managed,
        gcp: managed,
    }
}

pub static SNAPSHOT_COMPRESSION: Setting = Setting {
    change: changes(
        RUNTIME_DIRECTIVE,
        none("ElastiCache manages the backup format"),
        none("Azure manages its snapshot format"),
        none("Memorystore manages its snapshot format"),
    ),
    conf: conf("rdbcompression", Spelling::YesNo),
    applies: When::SnapshotsOn,
    takes: snapshot_format(
        "rdbcompression",
        "{service} compresses its snapshots itself",
        "{service} always compresses its snapshots; it cannot be turned off",
    ),
    ..server("persistence.snapshots.compression", Fixed(Bool(true)))
};
pub static SNAPSHOT_CHECKSUM: Setting = Setting {
    change: changes(
        RUNTIME_DIRECTIVE,
        none("ElastiCache manages the backup format"),
        none("Azure manages its snapshot format"),
        none("Memorystore manages its snapshot format"),
    ),
    conf: conf("rdbchecksum", Spelling::YesNo),
    applies: When::SnapshotsOn,
    takes: snapshot_format(
        "rdbchecksum",
        "{service} checksums its snapshots itself",
        "{service} always checksums its snapshots; it cannot be turned off",
    ),
    ..server("persistence.snapshots.checksum", Fixed(Bool(true)))
};
pub static SNAPSHOT_RETENTION_DAYS: Setting = Setting {
    change: changes(
        none("a self-hosted server keeps one dump.rdb"),
        always(E::Update, "`snapshot_retention_limit` changes in place"),
        none("Azure keeps no snapshot history"),
        always(
            E::Update,
            "a cluster's automated backup retention changes in place (an instance keeps only its latest snapshot)",
        ),
    ),
    aliases: &["snapshot_retention_limit"],
    applies: When::SnapshotsOn,
    ..server(
        "persistence.snapshots.retention_days",
        PerTier {
            development: Int(0),
            staging: Int(1),
            production: Int(7),
        },
    )
};
pub static SNAPSHOT_WINDOW: Setting = Setting {
    change: changes(
        none("a self-hosted server snapshots on its save points"),
        always(E::Update, "`snapshot_window` changes in place"),
        none("Azure chooses when it snapshots"),
        always(E::Update, "the snapshot start time changes in place"),
    ),
    aliases: &["snapshot_window"],
    applies: When::SnapshotsOn,
    ..server("persistence.snapshots.window", Default::None)
};
pub static AOF_ENABLED: Setting = Setting {
    change: changes(
        RUNTIME_DIRECTIVE,
        none("ElastiCache has no append-only file"),
        always(E::Update, "AOF persistence is turned on or off in place"),
        always(E::Update, "AOF persistence of a cluster changes in place"),
    ),
    conf: conf("appendonly", Spelling::YesNo),
    verify: Verify::Config {
        code: codes::AOF_DRIFT,
        info: Some(InfoField {
            field: "aof_enabled",
            read: |v| if v == "1" { "yes" } else { "no" }.to_string(),
        }),
        compare: Compare::Exact,
        self_hosted_only: false,
    },
    ..server("persistence.aof.enabled", Fixed(Bool(false)))
};
pub static AOF_FSYNC: Setting = Setting {
    change: conf_change(
        NOT_ON_AWS,
        always(E::Update, "the AOF frequency changes in place"),
        always(
            E::Update,
            "the AOF fsync policy of a cluster changes in place",
        ),
    ),
    conf: conf("appendfsync", Spelling::Text),
    verify: config(codes::AOF_FSYNC_DRIFT, Compare::Exact),
    applies: When::AofOn,
    takes: PerPlatform {
        compose: Config("appendfsync"),
        ..TARGETS_ANSWER
    },
    ..server("persistence.aof.fsync", Fixed(Str("everysec")))
};

/// AOF rewrites: redis.conf on a self-hosted server; ElastiCache has no AOF (its own answer).
const AOF_REWRITE: PerPlatform<Takes> = PerPlatform {
    compose: Target,
    aws: Target,
    azure_cache: Unsupported("{service} manages AOF rewrites"),
    azure_managed: Unsupported("{service} manages AOF rewrites"),
    gcp: Unsupported("{service} manages AOF rewrites"),
};

pub static AOF_REWRITE_PERCENTAGE: Setting = Setting {
    change: conf_change(NOT_ON_AWS, NOT_ON_AZURE, NOT_ON_GCP),
    conf: conf("auto-aof-rewrite-percentage", Spelling::Number),
    applies: When::AofOn,
    takes: PerPlatform {
        compose: Config("auto-aof-rewrite-percentage"),
        ..AOF_REWRITE
    },
    ..server("persistence.aof.rewrite_percentage", Fixed(Int(100)))
};
pub static AOF_REWRITE_MIN_SIZE: Setting = Setting {
    change: conf_change(NOT_ON_AWS, NOT_ON_AZURE, NOT_ON_GCP),
    conf: conf("auto-aof-rewrite-min-size", Spelling::Text),
    applies: When::AofOn,
    takes: PerPlatform {
        compose: Config("auto-aof-rewrite-min-size"),
        ..AOF_REWRITE
    },
    ..server("persistence.aof.rewrite_min_size", Fixed(Str("64mb")))
};

// Maintenance.
const VENDOR_UPDATES: Takes = FixedAt {
    value: Bool(true),
    agree: Some("{vendor} applies updates itself"),
    otherwise: "{vendor} applies updates itself; they cannot be turned off",
};
pub static MAINTENANCE_WINDOW: Setting = Setting {
    change: PerPlatform {
        compose: none("nobody patches a self-hosted container"),
        aws: always(E::Update, "`maintenance_window` changes in place"),
        azure_cache: always(E::Update, "the patch schedule changes in place"),
        azure_managed: none("Azure schedules the updates of Managed Redis itself"),
        gcp: always(E::Update, "the maintenance policy changes in place"),
    },
    aliases: &["maintenance_window", "preferred_maintenance_window"],
    ..server("maintenance.window", Default::None)
};
pub static AUTO_MINOR_VERSION_UPGRADE: Setting = Setting {
    change: changes(
        none("the image tag decides the version"),
        always(E::Update, "`auto_minor_version_upgrade` changes in place"),
        none("Azure applies updates itself"),
        none("Google applies updates itself"),
    ),
    takes: PerPlatform {
        compose: Unsupported(
            "nobody patches a self-hosted container; the image tag decides the version",
        ),
        aws: Target,
        azure_cache: VENDOR_UPDATES,
        azure_managed: VENDOR_UPDATES,
        gcp: VENDOR_UPDATES,
    },
    ..server("maintenance.auto_minor_version_upgrade", Fixed(Bool(true)))
};

// Network.
pub static PORT: Setting = Setting {
    change: changes(
        COMPOSE_RECREATE,
        always(
            E::Replace,
            "ElastiCache cannot change the port of a group: the provider replaces it (every key lost, a new endpoint)",
        ),
        none("Azure listens on its own ports (6380 with TLS, 6379 without)"),
        none("Memorystore listens on its own port (6379, 6378 with TLS)"),
    ),
    ..server("network.port", Fixed(Int(6379)))
};
pub static ALLOWED_CIDRS: Setting = Setting {
    change: changes(
        none("the compose stack publishes on `host_address`; it writes no firewall"),
        always(
            E::Update,
            "security group rules are added or removed; clients of a removed CIDR lose the cache",
        ),
        always(E::Update, "firewall rules are added or removed in place"),
        none("Memorystore is reachable from its whole authorized network"),
    ),
    ..server("network.allowed_cidrs", Fixed(List(&[])))
};
pub static PUBLIC_ACCESS: Setting = Setting {
    change: changes(
        COMPOSE_RECREATE,
        none("an ElastiCache group is never public"),
        always(
            E::Update,
            "public network access is turned on or off in place",
        ),
        none("Memorystore has no public endpoint"),
    ),
    ..server("network.public_access", Fixed(Bool(false)))
};
pub static TCP_BACKLOG: Setting = Setting {
    change: changes(START_DIRECTIVE, NOT_ON_AWS, NOT_ON_AZURE, NOT_ON_GCP),
    conf: conf_at_start("tcp-backlog", Spelling::Number),
    takes: takes(Config("tcp-backlog"), NotExposed, NotExposed, NotExposed),
    ..server("network.tcp_backlog", Fixed(Int(511)))
};
pub static IDLE_TIMEOUT: Setting = Setting {
    change: conf_change(PARAMETER_GROUP, NOT_ON_AZURE, NOT_ON_GCP),
    conf: conf("timeout", Spelling::Number),
    verify: config(codes::IDLE_TIMEOUT_DRIFT, Compare::Exact),
    takes: takes(Config("timeout"), Config("timeout"), NotExposed, NotExposed),
    ..server("network.idle_timeout_seconds", Fixed(Int(300)))
};
pub static TCP_KEEPALIVE: Setting = Setting {
    change: conf_change(PARAMETER_GROUP, NOT_ON_AZURE, NOT_ON_GCP),
    conf: conf("tcp-keepalive", Spelling::Number),
    verify: config(codes::TCP_KEEPALIVE_DRIFT, Compare::Exact),
    takes: takes(
        Config("tcp-keepalive"),
        Config("tcp-keepalive"),
        NotExposed,
        NotExposed,
    ),
    ..server("network.tcp_keepalive_seconds", Fixed(Int(300)))
};

// Security.
pub static TLS_ENABLED: Setting = Setting {
    change: changes(
        always(
            E::Restart,
            "the TLS listener is read at start: the service restarts, and every client must switch to `rediss://` (or back) at once",
        ),
        OnChange::Judged(judged::aws_tls),
        always(
            E::Update,
            "the plaintext port is opened or closed in place; clients must switch at once",
        ),
        always(
            E::Replace,
            "Memorystore sets in-transit encryption at creation: the instance is replaced (every key lost, a new endpoint)",
        ),
    ),
    verify: Verify::Code,
    ..server(
        "security.tls.enabled",
        PerTier {
            development: Bool(false),
            staging: Bool(true),
            production: Bool(true),
        },
    )
};
pub static TLS_MIN_VERSION: Setting = Setting {
    change: changes(
        RUNTIME_DIRECTIVE,
        none("ElastiCache accepts TLS 1.2 and 1.3"),
        none("Azure sets its own minimum"),
        none("Memorystore sets its own minimum"),
    ),
    applies: When::TlsOn,
    takes: PerPlatform {
        compose: Target,
        aws: FixedAt {
            value: Str("1.2"),
            agree: Some("ElastiCache accepts TLS 1.2 and 1.3"),
            otherwise: "ElastiCache also accepts TLS 1.2; the minimum is not configurable",
        },
        azure_cache: MANAGED_TLS_MINIMUM,
        azure_managed: MANAGED_TLS_MINIMUM,
        gcp: MANAGED_TLS_MINIMUM,
    },
    ..server("security.tls.min_version", Fixed(Str("1.2")))
};
pub static TLS_MODE: Setting = Setting {
    change: only(
        false,
        true,
        false,
        false,
        always(
            E::Update,
            "ElastiCache moves between `preferred` and `required` online (`transit_encryption_mode`); once `required`, clients without TLS are refused",
        ),
    ),
    applies: When::TlsOn,
    takes: PerPlatform {
        compose: TLS_REQUIRED_ONLY,
        aws: Target,
        azure_cache: TLS_REQUIRED_ONLY,
        azure_managed: TLS_REQUIRED_ONLY,
        gcp: TLS_REQUIRED_ONLY,
    },
    ..server("security.tls.mode", Fixed(Str("required")))
};
const TLS_REQUIRED_ONLY: Takes = FixedAt {
    value: Str("required"),
    agree: None,
    otherwise: "{service} with TLS on serves TLS only; there is no mode that also accepts plain connections on the same port",
};
const MANAGED_TLS_MINIMUM: Takes = FixedAt {
    value: Str("1.2"),
    agree: Some("{service} accepts TLS 1.2 and later"),
    otherwise: "{service} also accepts TLS 1.2; the minimum cannot be raised to 1.3",
};
pub static AUTH_ENABLED: Setting = Setting {
    change: changes(
        always(
            E::Restart,
            "the start script writes the ACL file at start: restart the service, and move every client at once",
        ),
        OnChange::Judged(judged::aws_auth),
        none("Azure keeps access keys on"),
        always(
            E::Update,
            "AUTH is turned on or off in place; clients must switch at once",
        ),
    ),
    ..server("security.auth.enabled", Fixed(Bool(true)))
};
pub static PASSWORD: Setting = Setting {
    change: changes(
        always(
            E::Restart,
            "the start script reads the password at start: restart the service, and move every client at once",
        ),
        OnChange::Judged(judged::aws_auth),
        none("Azure generates its access keys"),
        none("Google generates the AUTH string"),
    ),
    aliases: &["requirepass", "auth_token", "masterauth"],
    ..server(
        "security.auth.password",
        Derived("`{ env: REDIS_PASSWORD }` when authentication is on"),
    )
};
pub static AUTH_ROTATION: Setting = Setting {
    change: only(
        false,
        true,
        false,
        false,
        always(
            E::Update,
            "how the next token change is made (`auth_token_update_strategy`): by itself it changes nothing on the group",
        ),
    ),
    aliases: &["auth_token_update_strategy"],
    takes: PerPlatform {
        compose: FixedAt {
            value: Str("replace"),
            agree: None,
            otherwise: "redis.conf has one `requirepass`: a new password replaces the old one when the server restarts",
        },
        aws: Target,
        azure_cache: SERVICE_KEYS,
        azure_managed: SERVICE_KEYS,
        gcp: FixedAt {
            value: Str("replace"),
            agree: None,
            otherwise: "Memorystore generates the AUTH string itself; a new one replaces the old",
        },
    },
    ..server("security.auth.rotation", Fixed(Str("replace")))
};
const SERVICE_KEYS: Takes = FixedAt {
    value: Str("replace"),
    agree: None,
    otherwise: "{service} has two access keys of its own: regenerate one while clients use the other",
};
const VENDOR_ENCRYPTION: Takes = FixedAt {
    value: Bool(true),
    agree: Some("{vendor} encrypts data at rest with keys it manages"),
    otherwise: "{vendor} always encrypts data at rest",
};
pub static ENCRYPTION_AT_REST: Setting = Setting {
    change: changes(
        none("the data volume's encryption is the host's"),
        always(
            E::Replace,
            "ElastiCache sets encryption at rest at creation: the provider replaces the group (every key lost, a new endpoint)",
        ),
        none("Azure always encrypts data at rest"),
        none("Google always encrypts data at rest"),
    ),
    takes: takes(Target, Target, VENDOR_ENCRYPTION, VENDOR_ENCRYPTION),
    ..server(
        "security.encryption_at_rest",
        PerTier {
            development: Bool(false),
            staging: Bool(true),
            production: Bool(true),
        },
    )
};
const NO_COMMAND_FILTER: Takes = FixedAt {
    value: List(&[]),
    agree: None,
    otherwise: "{service} cannot disable or rename commands (it blocks CONFIG, DEBUG and other administrative commands itself)",
};
pub static DISABLED_COMMANDS: Setting = Setting {
    change: changes(
        always(
            E::Restart,
            "the start script writes the ACL rules at start: restart the service",
        ),
        OnChange::Judged(judged::aws_auth),
        none("Azure cannot disable commands"),
        none("Memorystore cannot disable commands"),
    ),
    aliases: &["rename_command"],
    verify: Verify::Code,
    takes: takes(Target, Target, NO_COMMAND_FILTER, NO_COMMAND_FILTER),
    ..server(
        "security.disabled_commands",
        PerTier {
            development: List(&[]),
            staging: List(DANGEROUS_COMMANDS),
            production: List(DANGEROUS_COMMANDS),
        },
    )
};

// Server tuning.
pub static DATABASES: Setting = Setting {
    change: changes(
        START_DIRECTIVE,
        none("ElastiCache creates 16 databases"),
        NOT_ON_AZURE,
        NOT_ON_GCP,
    ),
    conf: conf_at_start("databases", Spelling::Number),
    verify: config(codes::DATABASES_DRIFT, Compare::Exact),
    takes: PerPlatform {
        compose: Config("databases"),
        aws: FixedAt {
            value: Int(16),
            agree: None,
            otherwise: "ElastiCache creates 16 databases; the number is not generated here",
        },
        azure_cache: FixedAt {
            value: Int(16),
            agree: None,
            otherwise: "Azure sets the number of databases per SKU (16 to 64)",
        },
        azure_managed: Target,
        gcp: Target,
    },
    ..server("server.databases", Fixed(Int(16)))
};

/// I/O threads: ElastiCache and the others manage them.
const fn io_threads(value: Lit) -> PerPlatform<Takes> {
    let managed = FixedAt {
        value,
        agree: None,
        otherwise: "{service} manages its threads",
    };
    PerPlatform {
        compose: Target,
        aws: FixedAt {
            value,
            agree: None,
            otherwise: "ElastiCache manages I/O threads itself (enhanced I/O multiplexing on nodes with 4+ vCPUs)",
        },
        azure_cache: managed,
        azure_managed: managed,
        gcp: managed,
    }
}

pub static IO_THREADS: Setting = Setting {
    change: changes(
        START_DIRECTIVE,
        none("ElastiCache manages I/O threads"),
        NOT_ON_AZURE,
        NOT_ON_GCP,
    ),
    conf: conf_at_start("io-threads", Spelling::Number),
    verify: Verify::Config {
        code: codes::IO_THREADS_DRIFT,
        info: None,
        compare: Compare::Exact,
        self_hosted_only: true,
    },
    takes: PerPlatform {
        compose: Config("io-threads"),
        ..io_threads(Int(1))
    },
    ..server("server.io_threads", Fixed(Int(1)))
};
pub static IO_THREADS_DO_READS: Setting = Setting {
    change: changes(
        START_DIRECTIVE,
        none("ElastiCache manages I/O threads"),
        NOT_ON_AZURE,
        NOT_ON_GCP,
    ),
    conf: conf_at_start("io-threads-do-reads", Spelling::YesNo),
    verify: Verify::Config {
        code: codes::IO_THREADS_DRIFT,
        info: None,
        compare: Compare::Exact,
        self_hosted_only: true,
    },
    takes: PerPlatform {
        compose: Config("io-threads-do-reads"),
        ..io_threads(Bool(false))
    },
    ..server("server.io_threads_do_reads", Fixed(Bool(false)))
};
pub static SLOWLOG_LOG_SLOWER_THAN: Setting = Setting {
    change: conf_change(PARAMETER_GROUP, NOT_ON_AZURE, NOT_ON_GCP),
    conf: conf("slowlog-log-slower-than", Spelling::Number),
    verify: config(codes::SLOWLOG_DRIFT, Compare::Exact),
    takes: takes(
        Config("slowlog-log-slower-than"),
        Config("slowlog-log-slower-than"),
        NotExposed,
        NotExposed,
    ),
    ..server("server.slowlog.log_slower_than_us", Fixed(Int(10000)))
};
pub static SLOWLOG_MAX_LEN: Setting = Setting {
    change: conf_change(PARAMETER_GROUP, NOT_ON_AZURE, NOT_ON_GCP),
    conf: conf("slowlog-max-len", Spelling::Number),
    verify: config(codes::SLOWLOG_DRIFT, Compare::Exact),
    takes: takes(
        Config("slowlog-max-len"),
        Config("slowlog-max-len"),
        NotExposed,
        NotExposed,
    ),
    ..server("server.slowlog.max_len", Fixed(Int(128)))
};
const NO_LATENCY_MONITOR: Takes = FixedAt {
    value: Int(0),
    agree: None,
    otherwise: "{service} does not expose the latency monitor",
};
pub static LATENCY_MONITOR_THRESHOLD: Setting = Setting {
    change: conf_change(NOT_ON_AWS, NOT_ON_AZURE, NOT_ON_GCP),
    conf: conf("latency-monitor-threshold", Spelling::Number),
    takes: takes(
        Config("latency-monitor-threshold"),
        FixedAt {
            value: Int(0),
            agree: None,
            otherwise: "ElastiCache does not expose the latency monitor; use its CloudWatch latency metrics",
        },
        NO_LATENCY_MONITOR,
        NO_LATENCY_MONITOR,
    ),
    ..server("server.latency_monitor_threshold_ms", Fixed(Int(0)))
};
pub static KEYSPACE_EVENTS: Setting = Setting {
    change: PerPlatform {
        compose: RUNTIME_DIRECTIVE,
        aws: PARAMETER_GROUP,
        azure_cache: AZURE_CONFIGURATION,
        azure_managed: NOT_ON_AZURE,
        gcp: REDIS_CONFIGS,
    },
    conf: conf("notify-keyspace-events", Spelling::Text),
    verify: config(codes::KEYSPACE_EVENTS_DRIFT, Compare::KeyspaceFlags),
    takes: PerPlatform {
        compose: Config("notify-keyspace-events"),
        aws: Config("notify-keyspace-events"),
        azure_cache: Target,
        azure_managed: Target,
        gcp: Config("notify-keyspace-events"),
    },
    ..server("server.keyspace_events", Fixed(Str("")))
};
const NO_BUFFER_LIMITS: Takes =
    Unsupported("{service} does not expose client output buffer limits");
pub static BUFFER_LIMIT_NORMAL: Setting = Setting {
    change: conf_change(PARAMETER_GROUP, NOT_ON_AZURE, NOT_ON_GCP),
    conf: conf("client-output-buffer-limit normal", Spelling::Words),
    takes: takes(
        Config("client-output-buffer-limit normal"),
        Target,
        NO_BUFFER_LIMITS,
        NO_BUFFER_LIMITS,
    ),
    ..server(
        "server.client_output_buffer_limits.normal",
        Fixed(Str("0 0 0")),
    )
};
pub static BUFFER_LIMIT_REPLICA: Setting = Setting {
    change: conf_change(NOT_ON_AWS, NOT_ON_AZURE, NOT_ON_GCP),
    conf: conf("client-output-buffer-limit replica", Spelling::Words),
    takes: takes(
        Config("client-output-buffer-limit replica"),
        Unsupported(
            "ElastiCache sets the replica buffer limit per node type; it is not modifiable",
        ),
        NO_BUFFER_LIMITS,
        NO_BUFFER_LIMITS,
    ),
    ..server(
        "server.client_output_buffer_limits.replica",
        Fixed(Str("256mb 64mb 60")),
    )
};
pub static BUFFER_LIMIT_PUBSUB: Setting = Setting {
    change: conf_change(PARAMETER_GROUP, NOT_ON_AZURE, NOT_ON_GCP),
    conf: conf("client-output-buffer-limit pubsub", Spelling::Words),
    takes: takes(
        Config("client-output-buffer-limit pubsub"),
        Target,
        NO_BUFFER_LIMITS,
        NO_BUFFER_LIMITS,
    ),
    ..server(
        "server.client_output_buffer_limits.pubsub",
        Fixed(Str("32mb 8mb 60")),
    )
};
pub static CLUSTER_NODE_TIMEOUT: Setting = Setting {
    change: conf_change(NOT_ON_AWS, NOT_ON_AZURE, NOT_ON_GCP),
    conf: conf("cluster-node-timeout", Spelling::Number),
    applies: When::ClusterMode,
    takes: takes(
        Config("cluster-node-timeout"),
        Unsupported("ElastiCache manages the cluster node timeout"),
        Unsupported("{service} manages the cluster node timeout"),
        Unsupported("{service} manages the cluster node timeout"),
    ),
    ..server("server.cluster_node_timeout_ms", Fixed(Int(15000)))
};

// The application (.env).
const fn application(path: &'static str, env: &'static str, default: Lit) -> Setting {
    Setting {
        env: Some(env),
        change: everywhere(none(
            "the application reads it from `.env` when it starts: restart the application; the cache is not touched",
        )),
        ..row(path, Kind::Application, Fixed(default))
    }
}
pub static CLIENT_DB: Setting = application("client.db", "REDIS_DB", Int(0));
pub static CONNECT_TIMEOUT: Setting = application(
    "client.connect_timeout_ms",
    "REDIS_CONNECT_TIMEOUT",
    Int(10000),
);
pub static COMMAND_TIMEOUT: Setting = application(
    "client.command_timeout_ms",
    "REDIS_COMMAND_TIMEOUT",
    Int(5000),
);
pub static MAX_RETRIES: Setting = application("client.max_retries", "REDIS_MAX_RETRIES", Int(3));
pub static DEFAULT_TTL: Setting =
    application("client.default_ttl_seconds", "CACHE_DEFAULT_TTL", Int(300));
pub static MAX_ENTRIES: Setting =
    application("client.max_entries", "CACHE_MAX_ENTRIES", Int(1_000_000));

// Monitoring: an alert per key metric of the platform guide, on in staging and production
// and off in development; each is a number or `false`. Every platform says in its own code
// whether it publishes the metric (the capability matrix); `verify` judges a live server
// against the same thresholds (its own code, `CG81xx`).
// An alert is its own resource beside the cache: a changed threshold, or an alert turned on or
// off, touches only that resource (the terraform diff lists it), never the cache itself.
const ALERT_CHANGE: PerPlatform<OnChange> = changes(
    always(
        E::Update,
        "a Prometheus rule in `redis-alerts.yml`: reload Prometheus to apply it; the Redis container is not touched",
    ),
    always(
        E::Update,
        "a CloudWatch alarm, a resource of its own: its threshold changes in place (a new alarm is created, a dropped one destroyed); the replication group is not touched",
    ),
    always(
        E::Update,
        "an Azure Monitor metric alert, a resource of its own: its threshold changes in place (a new alert is created, a dropped one destroyed); the cache is not touched",
    ),
    always(
        E::Update,
        "a Cloud Monitoring alert policy, a resource of its own: its threshold changes in place (a new policy is created, a dropped one destroyed); the instance is not touched",
    ),
);
const fn alert(path: &'static str, on: Lit) -> Setting {
    Setting {
        verify: Verify::Code,
        change: ALERT_CHANGE,
        ..row(
            path,
            Kind::Alert,
            PerTier {
                development: Bool(false),
                staging: on,
                production: on,
            },
        )
    }
}
pub static ALERT_MEMORY: Setting = alert("monitoring.alerts.memory_percent", Int(90));
pub static ALERT_FRAGMENTATION: Setting =
    alert("monitoring.alerts.fragmentation_ratio", Float(1.5));
pub static ALERT_HIT_RATE: Setting = alert("monitoring.alerts.hit_rate_percent", Int(80));
pub static ALERT_EVICTIONS: Setting = alert("monitoring.alerts.evictions", Int(0));
pub static ALERT_CONNECTIONS: Setting = alert("monitoring.alerts.connections_percent", Int(80));
pub static ALERT_REJECTED_CONNECTIONS: Setting =
    alert("monitoring.alerts.rejected_connections", Int(0));
pub static ALERT_BLOCKED_CLIENTS: Setting = alert("monitoring.alerts.blocked_clients", Int(10));
pub static ALERT_REPLICA_LAG: Setting = Setting {
    applies: When::Replicas,
    ..alert("monitoring.alerts.replica_lag_seconds", Int(30))
};
pub static ALERT_REPLICAS_MISSING: Setting = Setting {
    applies: When::Replicas,
    ..alert("monitoring.alerts.replicas_missing", Bool(true))
};
pub static ALERT_AUTH_FAILURES: Setting = alert("monitoring.alerts.auth_failures", Int(2));
pub static ALERT_CPU: Setting = alert("monitoring.alerts.cpu_percent", Int(90));

// The exporter is a service of its own: `docker compose up -d` creates, recreates or (with
// `--remove-orphans`) removes only it; the Redis container and its data are not touched.
const EXPORTER_CHANGE: OnChange = always(
    E::Update,
    "`docker compose up -d` creates or recreates the exporter service only (its metrics pause a moment); the Redis container is not restarted",
);

/// Where alerts go and the exporter: options of one platform each.
const fn monitoring_option(path: &'static str, default: Default) -> Setting {
    row(path, Kind::TargetOption, default)
}
pub static AWS_SNS_TOPIC_ARN: Setting = Setting {
    change: only(
        false,
        true,
        false,
        false,
        always(
            E::Update,
            "the alarms' actions and the group's `notification_topic_arn` change in place, without a restart; the topic cachegen creates (and its KMS key) is created when no topic is given and destroyed when one is; the cache is not replaced",
        ),
    ),
    ..monitoring_option("monitoring.aws.sns_topic_arn", Default::None)
};
pub static AZURE_ACTION_GROUP_ID: Setting = Setting {
    change: only(
        false,
        false,
        true,
        false,
        always(
            E::Update,
            "the metric alerts' action changes in place; the cache is not touched",
        ),
    ),
    ..monitoring_option("monitoring.azure.action_group_id", Default::None)
};
pub static AZURE_LOG_ANALYTICS_WORKSPACE_ID: Setting = Setting {
    change: only(
        false,
        false,
        true,
        false,
        always(
            E::Update,
            "the diagnostic setting, a resource of its own, is created, updated or destroyed (with the alerts that read its logs); the cache is not touched",
        ),
    ),
    ..monitoring_option("monitoring.azure.log_analytics_workspace_id", Default::None)
};
pub static GCP_NOTIFICATION_CHANNELS: Setting = Setting {
    change: only(
        false,
        false,
        false,
        true,
        always(
            E::Update,
            "the alert policies' notification channels change in place; the instance is not touched",
        ),
    ),
    ..monitoring_option("monitoring.gcp.notification_channels", Default::None)
};
pub static COMPOSE_EXPORTER: Setting = Setting {
    change: only(true, false, false, false, EXPORTER_CHANGE),
    ..monitoring_option("monitoring.compose.exporter", Fixed(Bool(false)))
};
// The version whose metric names the tests prove against a live exporter (Debian's
// prometheus-redis-exporter is 1.45); the `-alpine` variant (a published tag of
// oliver006/redis_exporter, which Chainguard's image map lists) has the shell that reads the
// password secret (the default image is `FROM scratch`).
pub static COMPOSE_EXPORTER_IMAGE: Setting = Setting {
    change: only(true, false, false, false, EXPORTER_CHANGE),
    ..monitoring_option(
        "monitoring.compose.exporter_image",
        Fixed(Str("oliver006/redis_exporter:v1.45.0-alpine")),
    )
};
pub static COMPOSE_EXPORTER_PORT: Setting = Setting {
    change: only(true, false, false, false, EXPORTER_CHANGE),
    ..monitoring_option("monitoring.compose.exporter_port", Fixed(Int(9121)))
};

// Target options.
const fn option(path: &'static str, default: Default) -> Setting {
    row(path, Kind::TargetOption, default)
}
pub static AWS_REGION: Setting = Setting {
    change: only(
        false,
        true,
        false,
        false,
        always(
            E::Replace,
            "a group lives in one region: a new one is created there and the old one destroyed (every key lost, a new endpoint)",
        ),
    ),
    ..option("targets.aws.region", Default::None)
};
pub static AWS_NODE_TYPE: Setting = Setting {
    change: only(
        false,
        true,
        false,
        false,
        always(
            E::Restart,
            "ElastiCache changes the node type online, node by node, and fails over to a resized replica: a short interruption of writes (a single node is unavailable while it is resized)",
        ),
    ),
    ..option("targets.aws.node_type", Default::None)
};
pub static AWS_KMS_KEY_ARN: Setting = Setting {
    change: only(
        false,
        true,
        false,
        false,
        always(
            E::Replace,
            "ElastiCache sets the encryption key at creation: the provider replaces the group (every key lost, a new endpoint)",
        ),
    ),
    ..option("targets.aws.kms_key_arn", Default::None)
};
pub static AWS_LOG_RETENTION_DAYS: Setting = Setting {
    change: only(
        false,
        true,
        false,
        false,
        always(E::Update, "the log groups' retention changes in place"),
    ),
    ..option(
        "targets.aws.log_retention_days",
        PerTier {
            development: Int(30),
            staging: Int(30),
            production: Int(365),
        },
    )
};
pub static AWS_APPLY_IMMEDIATELY: Setting = Setting {
    change: only(
        false,
        true,
        false,
        false,
        always(
            E::Update,
            "changes nothing by itself: it decides whether later modifications wait for the maintenance window",
        ),
    ),
    ..option(
        "targets.aws.apply_immediately",
        PerTier {
            development: Bool(true),
            staging: Bool(true),
            production: Bool(false),
        },
    )
};
pub static AWS_ATTACH_RBAC_USERS: Setting = Setting {
    change: only(
        false,
        true,
        false,
        false,
        always(
            E::Update,
            "attaches the RBAC user group to the replication group or leaves it detached (`user_group_ids`); whether ElastiCache takes it in one step is judged from the rendered diff",
        ),
    ),
    ..option("targets.aws.attach_rbac_users", Fixed(Bool(true)))
};
pub static AZURE_SERVICE: Setting = Setting {
    change: only(
        false,
        false,
        true,
        false,
        always(
            E::Replace,
            "Azure Cache for Redis and Azure Managed Redis are two resources: one is destroyed, the other created (every key lost, a new host name)",
        ),
    ),
    ..option("targets.azure.service", Default::None)
};
pub static AZURE_LOCATION: Setting = Setting {
    change: only(
        false,
        false,
        true,
        false,
        always(
            E::Replace,
            "a cache lives in one region: it is destroyed and created there (every key lost, a new host name)",
        ),
    ),
    ..option("targets.azure.location", Default::None)
};
pub static AZURE_RESOURCE_GROUP: Setting = Setting {
    change: only(
        false,
        false,
        true,
        false,
        always(
            E::Replace,
            "a cache is created in its resource group: it is destroyed and created in the new one (every key lost, a new host name)",
        ),
    ),
    ..option("targets.azure.resource_group", Default::None)
};
pub static AZURE_SKU: Setting = Setting {
    change: only(
        false,
        false,
        true,
        false,
        always(
            E::Restart,
            "Azure scales the cache in place, with a failover (a Basic cache is unavailable while it scales)",
        ),
    ),
    ..option("targets.azure.sku", Default::None)
};
pub static AZURE_ZONES: Setting = Setting {
    change: only(
        false,
        false,
        true,
        false,
        always(
            E::Replace,
            "availability zones are set at creation: the cache is replaced (every key lost, a new host name)",
        ),
    ),
    ..option("targets.azure.zones", Fixed(List(&[])))
};
pub static AZURE_ACCESS_KEYS: Setting = Setting {
    change: only(
        false,
        false,
        true,
        false,
        always(
            E::Update,
            "key authentication is turned on or off in place; once off, clients that still use an access key are refused",
        ),
    ),
    ..option(
        "targets.azure.access_keys",
        Derived(
            "`true` (Azure Managed Redis: while authentication is on; without keys it has no password)",
        ),
    )
};
pub static GCP_REGION: Setting = Setting {
    change: only(
        false,
        false,
        false,
        true,
        always(
            E::Replace,
            "an instance lives in one region: it is destroyed and created there (every key lost, a new endpoint)",
        ),
    ),
    ..option("targets.gcp.region", Default::None)
};
pub static GCP_TIER: Setting = Setting {
    change: only(
        false,
        false,
        false,
        true,
        always(
            E::Replace,
            "Memorystore sets the tier at creation: the instance is replaced (every key lost, a new endpoint)",
        ),
    ),
    ..option(
        "targets.gcp.tier",
        Derived("`STANDARD_HA` with failover or replicas, else `BASIC`"),
    )
};
pub static GCP_MEMORY_SIZE_GB: Setting = Setting {
    change: only(
        false,
        false,
        false,
        true,
        OnChange::Judged(judged::gcp_resize),
    ),
    ..option(
        "targets.gcp.memory_size_gb",
        Derived(
            "the smallest instance whose capacity holds `memory.max_memory` (80% of it when the instance snapshots or replicates; at least 5 GB with read replicas)",
        ),
    )
};
pub static GCP_NODE_TYPE: Setting = Setting {
    change: only(
        false,
        false,
        false,
        true,
        always(
            E::Restart,
            "Memorystore for Redis Cluster changes the node type shard by shard, with failovers",
        ),
    ),
    ..option(
        "targets.gcp.node_type",
        Derived(
            "in cluster mode, the smallest node type whose writable keyspace holds `memory.max_memory` (shared-core nodes only outside production)",
        ),
    )
};
pub static GCP_READ_REPLICAS: Setting = Setting {
    change: only(
        false,
        false,
        false,
        true,
        always(
            E::Update,
            "read replicas are turned on in place (an instance created without a reserved secondary range is replaced: the rendered diff says so)",
        ),
    ),
    ..option(
        "targets.gcp.read_replicas",
        Derived("`true` on a STANDARD_HA instance with more than one replica"),
    )
};
pub static COMPOSE_IMAGE: Setting = Setting {
    change: only(true, false, false, false, COMPOSE_RECREATE),
    ..option(
        "targets.compose.image",
        Derived(
            "`redis:<engine.version>-alpine`, or `valkey/valkey:<engine.version>-alpine` for Valkey",
        ),
    )
};
pub static COMPOSE_CONTAINER_NAME: Setting = Setting {
    change: only(true, false, false, false, COMPOSE_RECREATE),
    ..option(
        "targets.compose.container_name",
        Derived("`<name>-<environment>`"),
    )
};
pub static COMPOSE_HOST_PORT: Setting = Setting {
    change: only(true, false, false, false, COMPOSE_RECREATE),
    ..option("targets.compose.host_port", Derived("`network.port`"))
};
pub static COMPOSE_HOST_ADDRESS: Setting = Setting {
    change: only(true, false, false, false, COMPOSE_RECREATE),
    ..option(
        "targets.compose.host_address",
        Derived("`127.0.0.1`, or `0.0.0.0` with `network.public_access`"),
    )
};
pub static COMPOSE_RESTART: Setting = Setting {
    change: only(true, false, false, false, COMPOSE_RECREATE),
    ..option("targets.compose.restart", Fixed(Str("unless-stopped")))
};
pub static COMPOSE_MEM_LIMIT: Setting = Setting {
    change: only(true, false, false, false, COMPOSE_RECREATE),
    ..option(
        "targets.compose.mem_limit",
        Derived("`memory.max_memory` plus headroom for the fork of a snapshot"),
    )
};
pub static COMPOSE_TLS_DIR: Setting = Setting {
    change: only(true, false, false, false, COMPOSE_RECREATE),
    ..option("targets.compose.tls_dir", Fixed(Str("./tls")))
};
pub static COMPOSE_SUBNET: Setting = Setting {
    change: only(
        true,
        false,
        false,
        false,
        always(
            E::Restart,
            "`docker compose up -d` recreates the network and every container on it (a short outage; the data volumes are kept); in cluster mode the nodes come back on new addresses",
        ),
    ),
    ..option(
        "targets.compose.subnet",
        Derived(
            "in cluster mode, a /24 in 172.16.0.0/16 (outside Docker's own address pools) picked by a hash of `name` and `environment`; otherwise none (Docker picks the network)",
        ),
    )
};

// Policy.
pub static EXCEPTIONS: Setting = Setting {
    change: everywhere(none(
        "a waiver is written into the generated files' headers only",
    )),
    ..row("policy.exceptions", Kind::Policy, Fixed(Json("[]")))
};
pub static ACCEPT_REPLACEMENT: Setting = Setting {
    change: {
        const GUARDS: OnChange = always(
            E::Update,
            "an acknowledgment, written into the generated files' headers; in production it lifts the deletion guards (`prevent_destroy`, deletion protection), which changes nothing the cache serves",
        );
        changes(
            none("an acknowledgment: written into the generated files' headers only"),
            GUARDS,
            GUARDS,
            GUARDS,
        )
    },
    ..row("policy.accept_replacement", Kind::Policy, Default::None)
};

/// Every row, in the order of the schema.
pub static SETTINGS: &[&Setting] = &[
    &SPEC_VERSION,
    &NAME,
    &ENVIRONMENT,
    &TIER,
    &EXTENDS,
    &LABELS,
    &ENGINE_KIND,
    &ENGINE_VERSION,
    &TOPOLOGY_MODE,
    &SHARDS,
    &REPLICAS,
    &AUTOMATIC_FAILOVER,
    &MULTI_ZONE,
    &MAX_MEMORY,
    &EVICTION_POLICY,
    &EVICTION_SAMPLES,
    &ORGANIZATIONS,
    &ENTRIES,
    &AVG_ENTRY_BYTES,
    &AVG_KEY_BYTES,
    &SNAPSHOTS_ENABLED,
    &SAVE_POINTS,
    &SNAPSHOT_COMPRESSION,
    &SNAPSHOT_CHECKSUM,
    &SNAPSHOT_RETENTION_DAYS,
    &SNAPSHOT_WINDOW,
    &AOF_ENABLED,
    &AOF_FSYNC,
    &AOF_REWRITE_PERCENTAGE,
    &AOF_REWRITE_MIN_SIZE,
    &MAINTENANCE_WINDOW,
    &AUTO_MINOR_VERSION_UPGRADE,
    &PORT,
    &ALLOWED_CIDRS,
    &PUBLIC_ACCESS,
    &TCP_BACKLOG,
    &IDLE_TIMEOUT,
    &TCP_KEEPALIVE,
    &TLS_ENABLED,
    &TLS_MIN_VERSION,
    &TLS_MODE,
    &AUTH_ENABLED,
    &PASSWORD,
    &AUTH_ROTATION,
    &ENCRYPTION_AT_REST,
    &DISABLED_COMMANDS,
    &DATABASES,
    &IO_THREADS,
    &IO_THREADS_DO_READS,
    &SLOWLOG_LOG_SLOWER_THAN,
    &SLOWLOG_MAX_LEN,
    &LATENCY_MONITOR_THRESHOLD,
    &KEYSPACE_EVENTS,
    &BUFFER_LIMIT_NORMAL,
    &BUFFER_LIMIT_REPLICA,
    &BUFFER_LIMIT_PUBSUB,
    &CLUSTER_NODE_TIMEOUT,
    &CLIENT_DB,
    &CONNECT_TIMEOUT,
    &COMMAND_TIMEOUT,
    &MAX_RETRIES,
    &DEFAULT_TTL,
    &MAX_ENTRIES,
    &ALERT_MEMORY,
    &ALERT_FRAGMENTATION,
    &ALERT_HIT_RATE,
    &ALERT_EVICTIONS,
    &ALERT_CONNECTIONS,
    &ALERT_REJECTED_CONNECTIONS,
    &ALERT_BLOCKED_CLIENTS,
    &ALERT_REPLICA_LAG,
    &ALERT_REPLICAS_MISSING,
    &ALERT_AUTH_FAILURES,
    &ALERT_CPU,
    &AWS_SNS_TOPIC_ARN,
    &AZURE_ACTION_GROUP_ID,
    &AZURE_LOG_ANALYTICS_WORKSPACE_ID,
    &GCP_NOTIFICATION_CHANNELS,
    &COMPOSE_EXPORTER,
    &COMPOSE_EXPORTER_IMAGE,
    &COMPOSE_EXPORTER_PORT,
    &AWS_REGION,
    &AWS_NODE_TYPE,
    &AWS_KMS_KEY_ARN,
    &AWS_LOG_RETENTION_DAYS,
    &AWS_APPLY_IMMEDIATELY,
    &AWS_ATTACH_RBAC_USERS,
    &AZURE_SERVICE,
    &AZURE_LOCATION,
    &AZURE_RESOURCE_GROUP,
    &AZURE_SKU,
    &AZURE_ZONES,
    &AZURE_ACCESS_KEYS,
    &GCP_REGION,
    &GCP_TIER,
    &GCP_MEMORY_SIZE_GB,
    &GCP_NODE_TYPE,
    &GCP_READ_REPLICAS,
    &COMPOSE_IMAGE,
    &COMPOSE_CONTAINER_NAME,
    &COMPOSE_HOST_PORT,
    &COMPOSE_HOST_ADDRESS,
    &COMPOSE_RESTART,
    &COMPOSE_MEM_LIMIT,
    &COMPOSE_TLS_DIR,
    &COMPOSE_SUBNET,
    &EXCEPTIONS,
    &ACCEPT_REPLACEMENT,
];
