//! The settings table: one row per setting of `cache.yaml`, and everything cachegen knows
//! about it in one place. A row says where the setting lives in the spec (its schema path),
//! what a spec gets when it leaves it out (fixed, per tier, or derived), the redis.conf
//! directive that carries it on a self-hosted server, the `.env` variable the application
//! reads it from, how `cachegen verify` compares it with a live server, and what each
//! platform does with it.
//!
//! From the table come: the `default` of every setting in the JSON Schema (so editors and the
//! spec reference in docs/spec.md show it), the resolved value of every setting in the plan (so
//! no default is written twice), the redis.conf values, the ElastiCache parameter group, the Memorystore and Azure
//! `redis_configs`, verify's `CONFIG GET` comparisons, `explain`'s list of settings, and the
//! capability matrix (with the targets' own answers where a platform's treatment depends on
//! the plan). Tests check that every leaf of the schema is a row (or is under one), that every
//! default is valid against the schema, and that every platform answers for every row.

pub mod change;
mod table;
mod values;

pub use change::{Effect, Judgment, OnChange};
pub use table::*;
pub use values::{Values, conf_quote};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Which defaults and which policy apply to a spec. (The spec's `tier`; it lives here because
/// choosing defaults is what it is for.)
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Development,
    Staging,
    Production,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Development => "development",
            Tier::Staging => "staging",
            Tier::Production => "production",
        }
    }
}

/// One setting of `cache.yaml`.
#[derive(Debug)]
pub struct Setting {
    /// Where it lives in the spec, dotted as the schema and docs/spec.md name it:
    /// `memory.eviction_samples`. A list's items are part of the list's row.
    pub path: &'static str,
    pub kind: Kind,
    /// What a spec gets when it leaves the setting out.
    pub default: Default,
    /// The redis.conf directive that carries it on a self-hosted server (and that `CONFIG GET`
    /// reads back), with how its value is spelled there.
    pub conf: Option<Conf>,
    /// The `.env` variable the application reads it from.
    pub env: Option<&'static str>,
    /// Other names people carry over from redis.conf, Terraform or a console, written with
    /// `_` (`snapshot_retention_limit`): a spec that uses one is told this row's path.
    pub aliases: &'static [&'static str],
    /// How `cachegen verify` compares it with a live server.
    pub verify: Verify,
    /// When the setting means anything at all; outside that, every platform has no use for it.
    pub applies: When,
    /// What each platform does with it. Only `Kind::Server` and `Kind::Alert` rows are asked.
    pub takes: PerPlatform<Takes>,
    /// What changing it does to a live cache on each platform (`cachegen impact`).
    pub change: PerPlatform<OnChange>,
}

impl Setting {
    /// The JSON pointer of the setting in a spec: `/memory/eviction_samples`.
    pub fn pointer(&self) -> String {
        format!("/{}", self.path.replace('.', "/"))
    }
}

/// What kind of setting a row is: which outputs and reports it appears in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Names the spec and picks its defaults: `spec_version`, `name`, `environment`, `tier`,
    /// `extends`.
    Identity,
    /// A setting of the Redis server or of the service that runs it: every platform says what
    /// it does with it (the capability matrix).
    Server,
    /// Sizing input (`workload`): checked against `memory.max_memory`, never rendered.
    Sizing,
    /// The application's own settings, written to `.env` whatever the platform.
    Application,
    /// An option of one target (`targets.<target>.*`).
    TargetOption,
    /// Waivers of rules (`policy`).
    Policy,
    /// An alert on a metric of the running cache (`monitoring.alerts.*`): every platform says
    /// whether it publishes the metric (the capability matrix), and `verify` judges a live
    /// server against the same threshold.
    Alert,
}

/// A default value, written as the spec would write it.
#[derive(Clone, Copy, Debug)]
pub enum Lit {
    Bool(bool),
    Int(i64),
    /// A number with a fraction (a ratio such as `1.5`).
    Float(f64),
    Str(&'static str),
    /// A list of strings.
    List(&'static [&'static str]),
    /// Anything else, as JSON text (a secret reference, a list of save points).
    Json(&'static str),
}

impl Lit {
    pub fn to_json(self) -> serde_json::Value {
        match self {
            Lit::Bool(b) => b.into(),
            Lit::Int(i) => i.into(),
            Lit::Float(f) => f.into(),
            Lit::Str(s) => s.into(),
            Lit::List(l) => l.iter().map(|s| serde_json::Value::from(*s)).collect(),
            Lit::Json(j) => serde_json::from_str(j).expect("a default written as JSON is JSON"),
        }
    }
}

/// What a spec gets for a setting it leaves out.
#[derive(Clone, Copy, Debug)]
pub enum Default {
    /// Nothing: the setting is required, or its absence means "none" (no window, no key).
    None,
    Fixed(Lit),
    PerTier {
        development: Lit,
        staging: Lit,
        production: Lit,
    },
    /// Computed from other settings by the plan; the text says how, for people.
    Derived(&'static str),
}

impl Default {
    /// The default for `tier`, when it is a value rather than a derivation.
    pub fn value(&self, tier: Tier) -> Option<serde_json::Value> {
        match self {
            Default::Fixed(l) => Some(l.to_json()),
            Default::PerTier {
                development,
                staging,
                production,
            } => Some(
                match tier {
                    Tier::Development => development,
                    Tier::Staging => staging,
                    Tier::Production => production,
                }
                .to_json(),
            ),
            Default::None | Default::Derived(_) => None,
        }
    }
}

/// A redis.conf directive and how a value is spelled in it.
#[derive(Clone, Copy, Debug)]
pub struct Conf {
    pub directive: &'static str,
    pub spelling: Spelling,
    /// Redis reads it only at start: `CONFIG SET` cannot change it on a running server.
    pub read_at_start: bool,
}

/// How a value is spelled in redis.conf (and how `CONFIG GET` answers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spelling {
    /// A number as it is.
    Number,
    /// `yes` or `no`.
    YesNo,
    /// A word or text, quoted when it needs to be (`""` for empty).
    Text,
    /// Several words, as they are (`0 0 0`).
    Words,
}

/// How `cachegen verify` compares a setting with a live server.
#[derive(Clone, Copy, Debug)]
pub enum Verify {
    /// Not compared: a client cannot see it (a cloud option, the application's setting).
    No,
    /// `CONFIG GET` of the row's directive, compared with the spec's value. Where CONFIG is
    /// refused (managed services), the INFO field, when there is one. `self_hosted_only`: a
    /// managed service runs it its own way, so only a self-hosted server is compared.
    Config {
        code: &'static str,
        info: Option<InfoField>,
        compare: Compare,
        self_hosted_only: bool,
    },
    /// Compared by verify's own code (engine, memory, topology, TLS, snapshots, commands).
    Code,
}

/// An INFO field that shows a directive's value, and how to read it in the directive's spelling.
#[derive(Clone, Copy, Debug)]
pub struct InfoField {
    pub field: &'static str,
    pub read: fn(&str) -> String,
}

/// How a spec's value and a server's answer are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    Exact,
    /// The same words in the same order, whatever the spacing.
    Words,
    /// The same set of keyspace-event flags (`Ex` equals `xE`; `A` stands for its letters).
    KeyspaceFlags,
}

/// When a setting means anything: outside it every platform answers "n/a" with the reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    Always,
    SnapshotsOn,
    AofOn,
    TlsOn,
    ClusterMode,
    /// The topology has replicas (replication alerts).
    Replicas,
}

/// What of a plan decides whether a setting applies (`When`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Situation {
    pub snapshots: bool,
    pub aof: bool,
    pub tls: bool,
    pub cluster: bool,
    pub replicas: bool,
}

impl Situation {
    /// Everything on: no setting is out of place.
    pub const ALL_ON: Situation = Situation {
        snapshots: true,
        aof: true,
        tls: true,
        cluster: true,
        replicas: true,
    };
}

impl When {
    /// Why the setting does not apply, when it does not.
    pub fn unmet(self, s: Situation) -> Option<&'static str> {
        match self {
            When::Always => None,
            When::SnapshotsOn => (!s.snapshots).then_some("snapshots are off"),
            When::AofOn => (!s.aof).then_some("AOF is off"),
            When::TlsOn => (!s.tls).then_some("TLS is off"),
            When::ClusterMode => (!s.cluster).then_some("not in cluster mode"),
            When::Replicas => (!s.replicas).then_some("the topology has no replica"),
        }
    }
}

/// Where a cache runs: the platforms that take server settings. (`.env` is rendered for
/// every platform and takes the application's settings.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    /// docker-compose with redis.conf.
    Compose,
    Aws,
    AzureCache,
    AzureManaged,
    Gcp,
}

impl Platform {
    pub const ALL: [Platform; 5] = [
        Platform::Compose,
        Platform::Aws,
        Platform::AzureCache,
        Platform::AzureManaged,
        Platform::Gcp,
    ];

    /// The spec's name for the target: the key under `targets` (both Azure services are
    /// `targets.azure`).
    pub fn target_key(self) -> &'static str {
        match self {
            Platform::Compose => "compose",
            Platform::Aws => "aws",
            Platform::AzureCache | Platform::AzureManaged => "azure",
            Platform::Gcp => "gcp",
        }
    }
}

/// One value per platform.
#[derive(Clone, Copy, Debug)]
pub struct PerPlatform<T> {
    pub compose: T,
    pub aws: T,
    pub azure_cache: T,
    pub azure_managed: T,
    pub gcp: T,
}

impl<T> PerPlatform<T> {
    pub fn get(&self, p: Platform) -> &T {
        match p {
            Platform::Compose => &self.compose,
            Platform::Aws => &self.aws,
            Platform::AzureCache => &self.azure_cache,
            Platform::AzureManaged => &self.azure_managed,
            Platform::Gcp => &self.gcp,
        }
    }
}

/// How a platform takes a setting, where the table can say it without the plan.
#[derive(Clone, Copy, Debug)]
pub enum Takes {
    /// The target's own capability answer decides (it depends on the plan).
    Target,
    /// A configuration key the target's renderer writes from this row's value: a redis.conf
    /// directive (compose), an ElastiCache parameter (AWS), a `redis_configs` key
    /// (Memorystore), a `redis_configuration` argument (Azure Cache for Redis).
    Config(&'static str),
    /// The service does not expose the row's directive: not supported when the spec sets it.
    NotExposed,
    /// The platform cannot take it; the text says what it does instead.
    Unsupported(&'static str),
    /// The service runs it at one value: honoured when the spec asks for that value (with
    /// `agree` said, when given), else not supported (`otherwise` says what the service does;
    /// `{service}` is replaced by the service's name).
    FixedAt {
        value: Lit,
        agree: Option<&'static str>,
        otherwise: &'static str,
    },
}

/// No platform has a use for the setting (it is not a server setting).
pub const NO_PLATFORM: PerPlatform<Takes> = PerPlatform {
    compose: Takes::Target,
    aws: Takes::Target,
    azure_cache: Takes::Target,
    azure_managed: Takes::Target,
    gcp: Takes::Target,
};

/// No platform's change is stated yet (every row starts so; a test fails on it).
pub const UNSTATED: PerPlatform<OnChange> = PerPlatform {
    compose: OnChange::Unstated,
    aws: OnChange::Unstated,
    azure_cache: OnChange::Unstated,
    azure_managed: OnChange::Unstated,
    gcp: OnChange::Unstated,
};

/// What a platform does with a setting: the capability vocabulary. `explain` prints it; the
/// capability rules turn a setting that a listed platform cannot honour (and that the spec
/// actually sets) into a warning, never a silent drop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "support", content = "detail", rename_all = "snake_case")]
pub enum Support {
    /// Applied exactly as written.
    Honoured,
    /// Applied through the platform's own mechanism, with the same meaning (to what).
    Mapped(String),
    /// Applied through a mechanism that does not mean quite the same (to what, and how it differs).
    Approximated(String),
    /// The platform cannot apply it (what it does instead).
    NotSupported(String),
    /// Irrelevant here (why), e.g. AOF settings while AOF is off.
    NotApplicable(String),
}

impl Support {
    pub fn label(&self) -> &'static str {
        match self {
            Support::Honoured => "honoured",
            Support::Mapped(_) => "mapped",
            Support::Approximated(_) => "approximated",
            Support::NotSupported(_) => "not supported",
            Support::NotApplicable(_) => "n/a",
        }
    }

    pub fn detail(&self) -> &str {
        match self {
            Support::Honoured => "",
            Support::Mapped(s)
            | Support::Approximated(s)
            | Support::NotSupported(s)
            | Support::NotApplicable(s) => s,
        }
    }

    /// Whether a spec that sets this deserves a warning.
    pub fn is_loss(&self) -> bool {
        matches!(self, Support::Approximated(_) | Support::NotSupported(_))
    }
}

pub fn mapped(s: impl Into<String>) -> Support {
    Support::Mapped(s.into())
}
pub fn approximated(s: impl Into<String>) -> Support {
    Support::Approximated(s.into())
}
pub fn unsupported(s: impl Into<String>) -> Support {
    Support::NotSupported(s.into())
}
pub fn not_applicable(s: impl Into<String>) -> Support {
    Support::NotApplicable(s.into())
}
/// A setting the platform cannot take at all, which an error rule (`code`) already refuses:
/// reported there, not again as "not honoured".
pub fn refused(code: &str, why: impl Into<String>) -> Support {
    Support::NotApplicable(format!("{} (error {code})", why.into()))
}

/// The capability matrix of one plan: each listed platform with what it does with every
/// server setting, in display order. The targets compute it; rules and `explain` read it.
#[derive(Clone, Debug, Default)]
pub struct Capabilities(pub Vec<(Platform, Vec<(&'static Setting, Support)>)>);

impl Capabilities {
    /// What one listed platform does with each setting; empty when it is not listed.
    pub fn platform(&self, p: Platform) -> &[(&'static Setting, Support)] {
        self.0
            .iter()
            .find(|(q, _)| *q == p)
            .map(|(_, rows)| rows.as_slice())
            .unwrap_or(&[])
    }
}

/// `path on platform` for each cell of the `change` column that says nothing.
pub fn unstated_changes(rows: &[&Setting]) -> Vec<String> {
    rows.iter()
        .flat_map(|s| {
            Platform::ALL
                .iter()
                .filter(|p| !s.change.get(**p).is_stated())
                .map(move |p| format!("{} on {p:?}", s.path))
        })
        .collect()
}

/// Every row, in the order of the schema.
pub fn all() -> &'static [&'static Setting] {
    table::SETTINGS
}

/// The row of a dotted path.
pub fn by_path(path: &str) -> Option<&'static Setting> {
    table::SETTINGS.iter().copied().find(|s| s.path == path)
}

/// The settings of the server and the service: what parameter groups and `redis_configs`
/// are written from.
pub fn server_settings() -> impl Iterator<Item = &'static Setting> {
    table::SETTINGS
        .iter()
        .copied()
        .filter(|s| s.kind == Kind::Server)
}

/// The settings a platform is asked about (the capability matrix): the server's, and the
/// alerts (whether the platform publishes the metric).
pub fn capability_settings() -> impl Iterator<Item = &'static Setting> {
    table::SETTINGS
        .iter()
        .copied()
        .filter(|s| matches!(s.kind, Kind::Server | Kind::Alert))
}

/// A default as a sentence shows it: in backquotes, strings without their quotes (an empty
/// one as `""`), lists in brackets.
pub fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) if s.is_empty() => "`\"\"`".into(),
        serde_json::Value::String(s) => format!("`{s}`"),
        serde_json::Value::Array(a) if a.iter().all(|x| x.is_string()) => format!(
            "`[{}]`",
            a.iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => format!("`{other}`"),
    }
}
