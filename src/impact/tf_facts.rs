//! Which argument changes make a provider replace a resource: read from `facts::terraform`
//! (the per-provider facts with their sources), and judged where the fact depends on the
//! values (an engine downgrade).

use crate::settings::Effect;
use serde_json::Value;

use crate::facts::terraform::{ArgumentChange, argument_change, fact_for};

/// What changing `arg` of a resource of `rtype` from `old` to `new` does to the resource, and
/// why. `old_args`/`new_args`: the resource's other arguments, for conditions that read them.
pub fn judge(
    rtype: &str,
    arg: &str,
    old: &Value,
    new: &Value,
    old_args: &std::collections::BTreeMap<String, Value>,
) -> (Effect, String) {
    // The provider's region: the resource is created in the other region.
    if arg == "provider.region" || arg == "provider.project" {
        return (
            Effect::Replace,
            format!("`{arg}` moves every resource: Terraform creates it anew there"),
        );
    }
    let change = argument_change(rtype, arg).or_nested(rtype, arg);
    let holds = |condition: &str| condition_holds(condition, arg, old, new, old_args);
    match change {
        ArgumentChange::InPlace => (Effect::Update, format!("`{arg}` changes in place")),
        ArgumentChange::Restarts(why) => (
            Effect::Restart,
            format!("`{arg}` changes in place with an interruption: {why}"),
        ),
        ArgumentChange::Replaces => (
            Effect::Replace,
            format!("`{arg}` cannot change in place: the provider replaces the resource"),
        ),
        ArgumentChange::ReplacesWhen(condition) if holds(condition) => (
            Effect::Replace,
            format!("`{arg}` replaces the resource when {condition}"),
        ),
        ArgumentChange::ReplacesWhen(condition) => (
            Effect::Update,
            format!("`{arg}` changes in place (it replaces the resource only when {condition})"),
        ),
        // Planned as an update, but every key is gone: as bad as a replacement for the data.
        ArgumentChange::LosesData(when) => (
            Effect::Replace,
            format!("`{arg}` is updated in place but the data is lost ({when})"),
        ),
        ArgumentChange::Refused(when) if holds(when) => (
            Effect::Staged,
            format!("`{arg}` is planned as an update that the service refuses: {when}"),
        ),
        ArgumentChange::Refused(_) => (Effect::Update, format!("`{arg}` changes in place")),
    }
}

/// Where a fact comes from, for a report that wants to cite it.
pub fn source(rtype: &str, arg: &str) -> Option<&'static str> {
    fact_for(rtype, arg).map(|f| f.source)
}

trait Nested {
    fn or_nested(self, rtype: &str, arg: &str) -> ArgumentChange;
}

impl Nested for ArgumentChange {
    /// A nested argument (`default_database.clustering_policy`) takes its block's fact when it
    /// has none of its own.
    fn or_nested(self, rtype: &str, arg: &str) -> ArgumentChange {
        match (self, arg.split_once('.')) {
            (ArgumentChange::InPlace, Some((block, _))) => argument_change(rtype, block),
            (c, _) => c,
        }
    }
}

fn version_of(v: &Value) -> Option<Vec<u32>> {
    let s = v.as_str()?;
    let parts: Option<Vec<u32>> = s.split('.').map(|p| p.parse().ok()).collect();
    parts.filter(|p| !p.is_empty())
}

/// Azure Cache for Redis SKUs, from the lowest.
fn sku_weight(v: &Value) -> Option<usize> {
    ["Basic", "Standard", "Premium"]
        .iter()
        .position(|s| v.as_str() == Some(*s))
}

fn absent(v: &Value) -> bool {
    v.is_null()
}

/// The conditions the providers' facts name, judged from the rendered values. One this code
/// does not know is taken as met: a replacement or a refusal said in error is reviewed, one
/// missed is not.
fn condition_holds(
    condition: &str,
    arg: &str,
    old: &Value,
    new: &Value,
    old_args: &std::collections::BTreeMap<String, Value>,
) -> bool {
    let c = condition.to_ascii_lowercase();
    if c.contains("downgrade") {
        return match (version_of(old), version_of(new)) {
            (Some(o), Some(n)) => n < o,
            _ => true,
        };
    }
    if c.contains("valkey becomes redis") {
        return old.as_str() == Some("valkey") && new.as_str() == Some("redis");
    }
    if c.contains("7.0.5") {
        // ElastiCache's 7.0 is 7.0.7 and later: below 7.0.5 means 6.x.
        let engine = old_args
            .get("engine_version")
            .and_then(version_of)
            .unwrap_or_default();
        return engine < vec![7, 0];
    }
    if c.contains("sku goes down") {
        return match (sku_weight(old), sku_weight(new)) {
            (Some(o), Some(n)) => n < o,
            _ => true,
        };
    }
    match arg {
        // Between TLS off and `required` with nothing in between.
        "transit_encryption_mode" => {
            (absent(old) && new.as_str() == Some("required"))
                || (old.as_str() == Some("required") && absent(new))
        }
        // A user group added to a group that has an AUTH token.
        "user_group_ids" => old_args.contains_key("auth_token") && !absent(new),
        // The token removed.
        "auth_token" => !absent(old) && absent(new),
        // Cluster mode switched: the argument appears or disappears.
        "num_node_groups" => absent(old) != absent(new),
        // Read replicas turned on for an existing instance.
        "read_replicas_mode" => {
            new.as_str() == Some("READ_REPLICAS_ENABLED")
                && !old_args.contains_key("secondary_ip_range")
        }
        _ => true,
    }
}
