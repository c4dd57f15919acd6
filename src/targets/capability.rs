//! What each platform does with each server setting: the settings table's column where it
//! says it alone (a configuration key the renderer writes, a knob the service lacks, a value
//! the service fixes), else the platform's own answer. `explain` prints the matrix; the rules
//! receive it as data (the pipeline computes it), so that no rule asks a target.

use super::{Backend, listed};
use crate::plan::Plan;
use crate::settings::{
    Capabilities, Setting, Situation, Support, Takes, mapped, not_applicable, unsupported,
};

/// What `backend` does with `setting` for this plan.
pub fn support(backend: &dyn Backend, setting: &'static Setting, plan: &Plan) -> Support {
    if let Some(why) = setting.applies.unmet(situation(plan)) {
        return not_applicable(why);
    }
    let service = backend.service(plan);
    let fill = |text: &str| {
        text.replace("{service}", service)
            .replace("{vendor}", backend.vendor())
    };
    match *setting.takes.get(backend.platform()) {
        Takes::Config(key) => backend.config_key(key),
        Takes::NotExposed => unsupported(format!(
            "{service} does not expose `{}`",
            setting.conf.map(|c| c.directive).unwrap_or(setting.path)
        )),
        Takes::Unsupported(text) => unsupported(fill(text)),
        Takes::FixedAt {
            value,
            agree,
            otherwise,
        } => {
            if plan.values.get(setting) == Some(&value.to_json()) {
                agree.map_or(Support::Honoured, |a| mapped(fill(a)))
            } else {
                unsupported(fill(otherwise))
            }
        }
        Takes::Target => backend.support(setting, plan).unwrap_or_else(|| {
            panic!(
                "{:?} has no answer for `{}` (the settings table leaves it to the target)",
                backend.platform(),
                setting.path
            )
        }),
    }
}

/// What of the plan decides whether a setting applies.
pub fn situation(plan: &Plan) -> Situation {
    Situation {
        snapshots: plan.persistence.snapshots.enabled,
        aof: plan.persistence.aof.enabled,
        tls: plan.security.tls,
        cluster: plan.topology.is_cluster(),
        replicas: plan.topology.replicas > 0,
    }
}

/// The capability matrix of one plan: each listed platform, with what it does with every
/// server setting.
pub fn matrix(plan: &Plan) -> Capabilities {
    Capabilities(
        listed(plan)
            .into_iter()
            .map(|b| {
                let rows = crate::settings::capability_settings()
                    .map(|s| (s, support(b, s, plan)))
                    .collect();
                (b.platform(), rows)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Kind, Platform};
    use crate::targets::BACKENDS;

    fn plan(targets: serde_json::Value, mode: &str, extra: serde_json::Value) -> Plan {
        let mut spec = serde_json::json!({
            "spec_version": 1, "name": "x", "environment": "y", "tier": "production",
            "topology": { "mode": mode },
            "targets": targets,
        });
        if let (Some(s), Some(e)) = (spec.as_object_mut(), extra.as_object()) {
            s.extend(e.clone());
        }
        crate::plan::resolve(&serde_json::from_value(spec).unwrap(), "x.yaml")
    }

    fn plans() -> Vec<Plan> {
        let azure = |service: &str, sku: &str| serde_json::json!({ "azure": { "service": service, "location": "eastus", "resource_group": "rg", "sku": sku } });
        let aws =
            serde_json::json!({ "aws": { "region": "us-east-1", "node_type": "cache.r7g.large" } });
        let gcp = serde_json::json!({ "gcp": { "region": "us-central1" } });
        let everything_on = serde_json::json!({
            "persistence": { "snapshots": { "enabled": true }, "aof": { "enabled": true } },
            "security": { "tls": { "enabled": true } },
        });
        let mut out = Vec::new();
        for extra in [serde_json::json!({}), everything_on] {
            for (targets, mode) in [
                (serde_json::json!({ "compose": {} }), "replicated"),
                (serde_json::json!({ "compose": {} }), "cluster"),
                (aws.clone(), "replicated"),
                (aws.clone(), "cluster"),
                (azure("managed", "Balanced_B10"), "replicated"),
                (azure("cache", "Premium_P2"), "cluster"),
                (azure("cache", "Basic_C1"), "standalone"),
                (gcp.clone(), "replicated"),
                (gcp.clone(), "cluster"),
            ] {
                out.push(plan(targets, mode, extra.clone()));
            }
        }
        out
    }

    /// A platform answers in code exactly for the settings the table leaves to it: no
    /// setting goes unanswered, and no answer sits in a target that the table also gives.
    #[test]
    fn every_platform_answers_every_server_setting_once() {
        for p in &plans() {
            for b in BACKENDS {
                for s in crate::settings::all() {
                    let own = b.support(s, p);
                    match (s.kind, s.takes.get(b.platform())) {
                        (Kind::Server | Kind::Alert, Takes::Target) => assert!(
                            own.is_some() || s.applies.unmet(Situation::ALL_ON).is_some(),
                            "{:?} does not answer for {}",
                            b.platform(),
                            s.path
                        ),
                        _ => assert!(
                            own.is_none(),
                            "{:?} answers for {}, which the settings table answers",
                            b.platform(),
                            s.path
                        ),
                    }
                }
            }
            // And the matrix builds for every listed platform without a missing answer.
            let _ = matrix(p);
        }
    }

    /// A managed service compresses and checksums its snapshots whatever the spec says: turning
    /// either off is a loss to report, never silently "mapped".
    #[test]
    fn snapshot_compression_off_is_a_loss_on_every_managed_target() {
        let with = |targets: serde_json::Value, on: bool| {
            plan(
                targets,
                "replicated",
                serde_json::json!({ "persistence": { "snapshots": { "compression": on, "checksum": on } } }),
            )
        };
        for (platform, targets) in [
            (
                Platform::Aws,
                serde_json::json!({ "aws": { "region": "us-east-1", "node_type": "cache.r7g.large" } }),
            ),
            (
                Platform::AzureManaged,
                serde_json::json!({ "azure": { "service": "managed", "location": "eastus", "resource_group": "rg", "sku": "Balanced_B10" } }),
            ),
            (
                Platform::AzureCache,
                serde_json::json!({ "azure": { "service": "cache", "location": "eastus", "resource_group": "rg", "sku": "Premium_P2" } }),
            ),
            (
                Platform::Gcp,
                serde_json::json!({ "gcp": { "region": "us-central1" } }),
            ),
        ] {
            let b = crate::targets::backend(platform);
            for setting in [
                &crate::settings::SNAPSHOT_COMPRESSION,
                &crate::settings::SNAPSHOT_CHECKSUM,
            ] {
                let off = support(b, setting, &with(targets.clone(), false));
                let on = support(b, setting, &with(targets.clone(), true));
                assert!(off.is_loss(), "{platform:?} {} off: {off:?}", setting.path);
                assert!(!on.is_loss(), "{platform:?} {} on: {on:?}", setting.path);
            }
        }
    }
}
