//! What changing a setting does to a live cache, per platform: the settings table's `change`
//! column, which `cachegen impact` reads. The rendered files tell which resources change; this
//! column tells what the service does about it, which a file diff cannot show (a node type
//! change restarts nodes, TLS on an existing ElastiCache group needs two applies, an older
//! Redis cannot read a newer RDB file).
//!
//! A cell is stated for every row and platform; `UNSTATED` (the starting value of every row)
//! fails `every_setting_states_its_change_on_every_platform`.

use super::Values;
use serde::Serialize;

/// What applying a change does, from the least to the most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Something new is made; nothing that exists is touched.
    Create,
    /// The platform ignores the change (said, because the reviewer may expect one).
    None,
    /// Changed in place, without interrupting clients.
    Update,
    /// Changed in place with a restart or a failover: a short interruption.
    Restart,
    /// Cannot be applied in one step: the steps are said.
    Staged,
    /// Destroyed, not created again.
    Delete,
    /// Destroyed and created again: the data and the endpoint are lost.
    Replace,
}

impl Effect {
    /// Most severe first, as reports list them.
    pub const BY_SEVERITY: [Effect; 7] = [
        Effect::Replace,
        Effect::Delete,
        Effect::Staged,
        Effect::Restart,
        Effect::Update,
        Effect::None,
        Effect::Create,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Create => "create",
            Effect::None => "none",
            Effect::Update => "update",
            Effect::Restart => "restart",
            Effect::Staged => "staged",
            Effect::Delete => "delete",
            Effect::Replace => "replace",
        }
    }
}

/// What a change of one setting does, judged from the old and the new values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judgment {
    pub effect: Effect,
    /// Why, for the reviewer.
    pub why: String,
    /// For a staged change: what to apply, in order.
    pub steps: Vec<String>,
}

impl Judgment {
    pub fn new(effect: Effect, why: impl Into<String>) -> Judgment {
        Judgment {
            effect,
            why: why.into(),
            steps: Vec::new(),
        }
    }

    pub fn staged(why: impl Into<String>, steps: &[&str]) -> Judgment {
        Judgment {
            effect: Effect::Staged,
            why: why.into(),
            steps: steps.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// One cell of the `change` column.
#[derive(Clone, Copy, Debug)]
pub enum OnChange {
    /// Not said yet: a test fails on it.
    Unstated,
    /// Every change of the setting does this, for this reason.
    Always(Effect, &'static str),
    /// Every change takes these steps, in order.
    Steps(&'static str, &'static [&'static str]),
    /// It depends on the values: the old and the new resolved values of the whole spec.
    Judged(fn(&Values, &Values) -> Judgment),
}

impl OnChange {
    pub fn judge(&self, old: &Values, new: &Values) -> Option<Judgment> {
        match self {
            OnChange::Unstated => None,
            OnChange::Always(effect, why) => Some(Judgment::new(*effect, *why)),
            OnChange::Steps(why, steps) => Some(Judgment::staged(*why, steps)),
            OnChange::Judged(f) => Some(f(old, new)),
        }
    }

    pub fn is_stated(&self) -> bool {
        !matches!(self, OnChange::Unstated)
    }
}

/// `major.minor` of a version string, for comparisons.
pub fn version(v: Option<&serde_json::Value>) -> Option<(u32, u32)> {
    let s = v?.as_str()?;
    let (a, b) = s.split_once('.')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// The judgments that depend on the values, by platform. Each says where its fact comes from.
pub mod judged {
    use super::{Effect, Judgment, version};
    use crate::settings::{self as s, Values};
    use serde_json::Value;

    fn str_of<'a>(v: &'a Values, row: &s::Setting) -> &'a str {
        v.get(row).and_then(Value::as_str).unwrap_or("")
    }

    fn bool_of(v: &Values, row: &s::Setting) -> bool {
        v.get(row).and_then(Value::as_bool).unwrap_or(false)
    }

    fn is_list_empty(v: &Values, row: &s::Setting) -> bool {
        v.get(row)
            .and_then(Value::as_array)
            .is_none_or(|a| a.is_empty())
    }

    fn downgrade(old: &Values, new: &Values) -> bool {
        let kind = |v: &Values| str_of(v, &s::ENGINE_KIND).to_string();
        match (
            version(old.get(&s::ENGINE_VERSION)),
            version(new.get(&s::ENGINE_VERSION)),
        ) {
            // Valkey is the successor: its 7.2 is Redis 7.2's code, so Valkey -> Redis is a
            // move backwards whatever the numbers say.
            _ if kind(old) == "valkey" && kind(new) == "redis" => true,
            (Some(o), Some(n)) => n < o,
            _ => false,
        }
    }

    /// The parameter group family changes with the engine or its major version.
    fn aws_family_changes(old: &Values, new: &Values) -> bool {
        let fam = |v: &Values| {
            (
                str_of(v, &s::ENGINE_KIND).to_string(),
                version(v.get(&s::ENGINE_VERSION)).map(|(m, _)| m),
            )
        };
        fam(old) != fam(new)
    }

    /// ElastiCache, an engine or version change. Sources: hashicorp/aws 5.100.0 measured by the
    /// day-2 harness (7.1 -> 7.0 and valkey -> redis replace the group, upgrades update it);
    /// `customizeDiffEngineVersionForceNewOnDowngrade` in `replication_group.go`; the parameter
    /// group's `deleteParameterGroup` retries only 3 minutes while the old group is in use.
    pub fn aws_engine(old: &Values, new: &Values) -> Judgment {
        if downgrade(old, new) {
            return Judgment::new(
                Effect::Replace,
                "ElastiCache cannot go back to an older engine or from Valkey to Redis OSS: the provider replaces the replication group (every key lost, a new endpoint)",
            );
        }
        if aws_family_changes(old, new) && !bool_of(new, &s::AWS_APPLY_IMMEDIATELY) {
            return Judgment::staged(
                "the parameter group family changes: Terraform creates the new group, defers the engine upgrade to the maintenance window (`apply_immediately` is off) and then fails to delete the old group, which is still in use",
                &[
                    "set `targets.aws.apply_immediately: true` for this change and apply: the upgrade and the new parameter group take effect at once (nodes restart one by one with a failover)",
                    "remove `targets.aws.apply_immediately` in a later change",
                ],
            );
        }
        Judgment::new(
            Effect::Restart,
            "ElastiCache upgrades in place, node by node, with a failover to an upgraded replica: a short interruption of writes",
        )
    }

    /// A self-hosted server, an image with another engine or version.
    pub fn compose_engine(old: &Values, new: &Values) -> Judgment {
        if downgrade(old, new) {
            return Judgment::new(
                Effect::Replace,
                "an older server cannot read the RDB file a newer one wrote: the container does not start on its data volume until the volume is emptied (every key lost)",
            );
        }
        Judgment::new(
            Effect::Restart,
            "`docker compose up -d` recreates the container with the new image; the data volume is kept and read at start",
        )
    }

    /// Azure Cache for Redis upgrades `redis_version` in place (4 -> 6) and cannot go back.
    pub fn azure_engine(old: &Values, new: &Values) -> Judgment {
        if downgrade(old, new) {
            return Judgment::new(
                Effect::Replace,
                "Azure Cache for Redis cannot downgrade: going back means a new cache (every key lost, a new host name)",
            );
        }
        Judgment::new(
            Effect::Restart,
            "Azure upgrades the cache in place, with a failover to an upgraded replica (a Basic cache restarts and loses its data)",
        )
    }

    /// Memorystore upgrades `redis_version` in place and cannot downgrade.
    pub fn gcp_engine(old: &Values, new: &Values) -> Judgment {
        if downgrade(old, new) {
            return Judgment::new(
                Effect::Replace,
                "Memorystore upgrades only: going back means a new instance (every key lost, a new endpoint)",
            );
        }
        Judgment::new(
            Effect::Restart,
            "Memorystore upgrades in place: a Standard tier instance fails over, a Basic one restarts and loses its data",
        )
    }

    fn mode(v: &Values) -> &str {
        str_of(v, &s::TOPOLOGY_MODE)
    }

    const NEW_CLUSTER_STEPS: &[&str] = &[
        "create the new topology next to the old one: a second environment (or `name`) with the new `topology.mode`, and apply it",
        "fill it: restore a snapshot of the old cache into it, or let it warm from the databases",
        "move the application to the new endpoint (a cluster needs a cluster-aware client)",
        "remove the old environment in a later change",
    ];

    /// ElastiCache: replicas come and go online; cluster mode cannot be switched on or off in
    /// place by this provider (it plans an in-place update that the service refuses:
    /// `cluster-enabled` cannot change on a parameter group in use, and a group moves to
    /// cluster mode only through `cluster_mode = "compatible"`). Harness pairs
    /// `replicated_to_cluster` and `cluster_to_replicated`: the provider says update.
    pub fn aws_topology(old: &Values, new: &Values) -> Judgment {
        if (mode(old) == "cluster") != (mode(new) == "cluster") {
            return Judgment {
                effect: Effect::Staged,
                why: "ElastiCache does not switch cluster mode in place: Terraform plans an update that AWS refuses (`cluster-enabled` cannot change on a parameter group in use)".into(),
                steps: NEW_CLUSTER_STEPS.iter().map(|s| s.to_string()).collect(),
            };
        }
        Judgment::new(
            Effect::Update,
            "ElastiCache adds or removes replicas online, and turns failover on or off in place",
        )
    }

    pub fn compose_topology(old: &Values, new: &Values) -> Judgment {
        if (mode(old) == "cluster") != (mode(new) == "cluster") {
            return Judgment::new(
                Effect::Replace,
                "a Redis Cluster runs one service per node with its own volume: the single server's data is not moved into the cluster (or out of it)",
            );
        }
        Judgment::new(
            Effect::None,
            "the compose stack runs one server outside cluster mode; replicated mode exists only on a cloud target",
        )
    }

    /// Replicas of a self-hosted Redis Cluster: new nodes do not join a formed cluster by
    /// themselves.
    pub fn compose_replicas(old: &Values, new: &Values) -> Judgment {
        if mode(old) == "cluster" && mode(new) == "cluster" {
            return Judgment::staged(
                "the compose stack forms its cluster once, at the first start: new replicas do not join it by themselves",
                &[
                    "`docker compose up -d` starts the new nodes",
                    "attach each as a replica: `redis-cli --cluster add-node <new> <existing> --cluster-slave`",
                ],
            );
        }
        compose_topology(old, new)
    }

    /// Azure Cache for Redis (Premium) can turn clustering on in place, never off.
    pub fn azure_cache_topology(old: &Values, new: &Values) -> Judgment {
        match (mode(old) == "cluster", mode(new) == "cluster") {
            (false, true) => Judgment::new(
                Effect::Restart,
                "Azure enables clustering on a Premium cache in place; clients need a cluster-aware client from then on",
            ),
            (true, false) => Judgment::new(
                Effect::Replace,
                "Azure cannot turn clustering off: a new cache is needed (every key lost, a new host name)",
            ),
            _ => Judgment::new(
                Effect::Update,
                "Azure adds or removes replicas of a Premium cache online",
            ),
        }
    }

    /// Azure Managed Redis: the clustering policy recreates the database.
    pub fn azure_managed_topology(old: &Values, new: &Values) -> Judgment {
        if (mode(old) == "cluster") != (mode(new) == "cluster") {
            return Judgment::new(
                Effect::Replace,
                "the clustering policy of an Azure Managed Redis database is set at creation: the database is recreated (every key lost)",
            );
        }
        Judgment::new(
            Effect::Replace,
            "high availability of Azure Managed Redis is set at creation: the cache is rebuilt (every key lost)",
        )
    }

    /// Memorystore: an instance and a cluster are two resources; BASIC and STANDARD_HA are
    /// tiers set at creation.
    pub fn gcp_topology(old: &Values, new: &Values) -> Judgment {
        if (mode(old) == "cluster") != (mode(new) == "cluster") {
            return Judgment::new(
                Effect::Replace,
                "Memorystore for Redis and Memorystore for Redis Cluster are two resources: one is destroyed, the other created (every key lost, a new endpoint)",
            );
        }
        Judgment::new(
            Effect::Update,
            "Memorystore adds or removes read replicas online (the tier, set at creation, is reported under `targets.gcp.tier`)",
        )
    }

    /// Azure Managed Redis: one replica per shard or none (`high_availability_enabled`).
    pub fn azure_managed_replicas(old: &Values, new: &Values) -> Judgment {
        let ha = |v: &Values| v.get(&s::REPLICAS).and_then(Value::as_u64).unwrap_or(0) > 0;
        if ha(old) != ha(new) {
            return Judgment::new(
                Effect::Replace,
                "high availability of Azure Managed Redis is set at creation: the cache is rebuilt (every key lost)",
            );
        }
        Judgment::new(
            Effect::None,
            "Azure Managed Redis keeps one replica per shard whatever the number",
        )
    }

    const TLS_STEPS_ON: &[&str] = &[
        "apply with TLS in `preferred` mode: the group accepts TLS and plaintext clients",
        "move every client to TLS (`rediss://`)",
        "apply with TLS `required`",
    ];
    const TLS_STEPS_OFF: &[&str] = &[
        "apply with TLS in `preferred` mode: the group accepts TLS and plaintext clients",
        "move every client to plaintext",
        "apply with TLS off",
    ];

    /// ElastiCache: in-transit encryption on an existing group goes through `preferred`
    /// (ModifyReplicationGroup `TransitEncryptionMode`: "a two-step process"). The provider
    /// sends `required` at once (harness pair `tls_off_to_on`: update), which AWS refuses.
    pub fn aws_tls(old: &Values, new: &Values) -> Judgment {
        let on = bool_of(new, &s::TLS_ENABLED);
        let _ = old;
        Judgment::staged(
            if on {
                "ElastiCache turns in-transit encryption on for an existing group in two steps (`preferred`, then `required`); clients that do not speak TLS lose the cache at the second"
            } else {
                "ElastiCache turns in-transit encryption off through `preferred`; clients still on TLS lose the cache at the end"
            },
            if on { TLS_STEPS_ON } else { TLS_STEPS_OFF },
        )
    }

    /// ElastiCache auth: an AUTH token, RBAC users (when commands are disabled) or none. What
    /// hashicorp/aws 5.100.0 sends (the day-2 API capture): adding a user group to a group
    /// with a token is refused without `AuthTokenUpdateStrategy=DELETE`, which 5.100 does not
    /// send; turning a token off sends ROTATE without a token, refused; turning a token on
    /// uses ROTATE, which leaves passwordless access open until a SET.
    pub fn aws_auth(old: &Values, new: &Values) -> Judgment {
        let mode = |v: &Values| {
            if !bool_of(v, &s::AUTH_ENABLED) {
                "none"
            } else if is_list_empty(v, &s::DISABLED_COMMANDS) {
                "token"
            } else {
                "rbac"
            }
        };
        match (mode(old), mode(new)) {
            (a, b) if a == b => Judgment::new(
                Effect::Update,
                if a == "rbac" {
                    "the default user's access string or password changes in place"
                } else {
                    "the AUTH token changes in place (ROTATE: the old token stays valid next to the new one)"
                },
            ),
            ("token", "rbac") => Judgment::staged(
                "ElastiCache moves from an AUTH token to RBAC users only with `AuthTokenUpdateStrategy=DELETE` in the same call, which hashicorp/aws 5.100 does not send: the apply fails",
                &[
                    "create the user and user group (apply them alone with `terraform apply -target`)",
                    "attach the group and drop the token in one call: `aws elasticache modify-replication-group --user-group-ids-to-add <group> --auth-token-update-strategy DELETE --apply-immediately`",
                    "apply the rendering, which then has nothing left to change on the group",
                ],
            ),
            ("rbac", "token") => Judgment::staged(
                "ElastiCache moves from RBAC users to an AUTH token in two calls (the user group is removed, then the token set): between them clients are refused or the cache is open",
                &[
                    "set the token while the user group is still attached, out of Terraform: `aws elasticache modify-replication-group --auth-token <token> --auth-token-update-strategy ROTATE --apply-immediately`",
                    "apply the rendering (it removes the user group)",
                ],
            ),
            ("none", _) => Judgment::staged(
                "turning authentication on for an existing group (ROTATE) leaves passwordless access open until the token is SET",
                &[
                    "apply: the group accepts the token and still accepts clients without one",
                    "move every client to the password",
                    "finish with `aws elasticache modify-replication-group --auth-token <token> --auth-token-update-strategy SET --apply-immediately`",
                ],
            ),
            (_, _) => Judgment::staged(
                "turning authentication off: hashicorp/aws 5.100 sends ROTATE without a token, which ElastiCache refuses",
                &[
                    "move every client off the password",
                    "remove the token or user group out of Terraform (`aws elasticache modify-replication-group --auth-token-update-strategy DELETE` or `--user-group-ids-to-remove`)",
                    "apply the rendering",
                ],
            ),
        }
    }

    /// Memorystore: a Basic instance is flushed when it is resized; a Standard one fails over.
    pub fn gcp_resize(old: &Values, new: &Values) -> Judgment {
        let basic = |v: &Values| {
            v.get(&s::GCP_TIER).and_then(Value::as_str) == Some("BASIC")
                || v.get(&s::REPLICAS).and_then(Value::as_u64) == Some(0)
                    && str_of(v, &s::TOPOLOGY_MODE) != "cluster"
        };
        if basic(old) && basic(new) {
            return Judgment::new(
                Effect::Replace,
                "Memorystore flushes a Basic tier instance when it resizes it: every key is lost (the endpoint stays)",
            );
        }
        Judgment::new(
            Effect::Restart,
            "Memorystore resizes a Standard tier instance in place with a failover (a cluster scales online)",
        )
    }
}
