//! `cachegen explain`: what a spec resolves to. The resolved settings with where each comes
//! from (the spec, a base it extends, or the tier's default), derived sizes, and the waivers.

use crate::pipeline::Checked;
use serde::Serialize;

#[derive(Serialize)]
pub struct Explanation {
    pub spec: String,
    pub environment: String,
    pub tier: String,
    pub resource_name: String,
    /// Every resolved setting, by dotted name, with its value and origin.
    pub settings: Vec<Setting>,
    pub derived: Vec<Derived>,
    pub waivers: Vec<Waiver>,
    /// Per listed target, what it does with each setting.
    pub capabilities: Vec<CapabilityRow>,
    /// Sizes cachegen recommends per listed cloud.
    pub recommendations: Vec<Derived>,
    /// What the topology means for the application (cluster-mode caveats).
    pub notes: Vec<String>,
    pub plan: crate::plan::Plan,
}

#[derive(Serialize)]
pub struct CapabilityRow {
    pub setting: String,
    /// Whether the spec writes the setting (else it is a default).
    pub set_in_spec: bool,
    pub targets: Vec<TargetSupport>,
}

#[derive(Serialize)]
pub struct TargetSupport {
    pub target: &'static str,
    pub support: &'static str,
    pub detail: String,
}

#[derive(Serialize)]
pub struct Setting {
    pub name: String,
    pub value: String,
    /// `file:line` where it is written, or `default (tier ...)`.
    pub origin: String,
}

#[derive(Serialize)]
pub struct Derived {
    pub name: String,
    pub value: String,
    pub why: String,
}

#[derive(Serialize)]
pub struct Waiver {
    pub rule: String,
    pub reason: String,
}

/// A resolved value as `explain` shows it: text as is, lists and mappings in YAML's flow
/// style, nothing as `(none)`.
fn shown(v: Option<&serde_json::Value>) -> String {
    fn flow(v: &serde_json::Value) -> String {
        match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Array(a) => {
                format!("[{}]", a.iter().map(flow).collect::<Vec<_>>().join(", "))
            }
            serde_json::Value::Object(o) if o.is_empty() => "{}".into(),
            serde_json::Value::Object(o) => format!(
                "{{ {} }}",
                o.iter()
                    .map(|(k, v)| format!("{k}: {}", flow(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            other => other.to_string(),
        }
    }
    match v {
        None | Some(serde_json::Value::Null) => "(none)".into(),
        Some(v) => flow(v),
    }
}

pub fn explain(c: &Checked) -> Explanation {
    let plan = &c.plan;
    use crate::settings::{Default, Kind};
    let settings = crate::settings::all()
        .iter()
        .filter(|s| matches!(s.kind, Kind::Server | Kind::Alert | Kind::Application))
        .map(|s| {
            let origin = match c.loaded.root.pointer(&s.pointer()) {
                Some(n) => format!("{}:{}", n.loc.file.display_path(), n.loc.line),
                None if matches!(s.default, Default::Derived(_)) => {
                    format!("derived (tier {})", plan.tier.as_str())
                }
                None => format!("default (tier {})", plan.tier.as_str()),
            };
            Setting {
                name: s.path.to_string(),
                value: shown(plan.values.get(s)),
                origin,
            }
        })
        .collect();
    let mut derived = vec![
        Derived {
            name: "resource_name".into(),
            value: plan.resource_name.clone(),
            why: "`<name>-<environment>`, the base of every resource name".into(),
        },
        Derived {
            name: "nodes".into(),
            value: plan.topology.nodes.to_string(),
            why: format!(
                "{} shard(s) x (1 primary + {} replica(s))",
                plan.topology.shards, plan.topology.replicas
            ),
        },
        Derived {
            name: "max_memory".into(),
            value: format!(
                "{} ({} bytes)",
                plan.memory.max_memory, plan.memory.max_memory_bytes
            ),
            why: format!("from the {}", plan.memory.max_memory_from),
        },
    ];
    if let Some(need) = crate::plan::sizing::need(c.spec.workload.as_ref()) {
        derived.push(Derived {
            name: "workload needs".into(),
            value: crate::spec::units::gib(need.bytes),
            why: need.why,
        });
    }
    if let Some(compose) = &plan.targets.compose {
        derived.push(Derived {
            name: "compose mem_limit".into(),
            value: compose.mem_limit.clone(),
            why: "max_memory plus headroom for the fork of a snapshot (max_memory at most 75% of the limit) and the server itself".into(),
        });
    }
    if let Some(g) = &plan.targets.gcp {
        let given = g.size_from == "spec";
        if plan.topology.is_cluster() {
            if let Some(n) = &g.node_type {
                derived.push(Derived {
                    name: "gcp node_type".into(),
                    value: n.clone(),
                    why: if given {
                        "from the spec".into()
                    } else {
                        "the smallest Memorystore cluster node whose writable keyspace holds max_memory per shard".into()
                    },
                });
            }
        } else if let Some(gb) = g.memory_size_gb {
            derived.push(Derived {
                name: "gcp memory_size_gb".into(),
                value: gb.to_string(),
                why: if given {
                    "from the spec".into()
                } else if g.headroom {
                    "the smallest instance whose 80% holds max_memory (20% for the snapshot fork and replication)".into()
                } else {
                    "the smallest instance that holds max_memory".into()
                },
            });
            derived.push(Derived {
                name: "gcp maxmemory-gb".into(),
                value: crate::facts::gcp::maxmemory_gb(plan.memory.max_memory_bytes),
                why: "max_memory, in GB".into(),
            });
        }
    }
    let waivers = crate::rules::waived(&c.context())
        .into_iter()
        .map(|w| Waiver {
            rule: w.rule,
            reason: w.reason,
        })
        .collect();
    let capabilities = crate::settings::capability_settings()
        .map(|setting| CapabilityRow {
            setting: setting.path.to_string(),
            set_in_spec: c.loaded.root.is_set(&setting.pointer()),
            targets: c
                .capabilities
                .0
                .iter()
                .filter_map(|(platform, rows)| {
                    let (_, s) = rows.iter().find(|(s, _)| std::ptr::eq(*s, setting))?;
                    Some(TargetSupport {
                        target: platform.target_key(),
                        support: s.label(),
                        detail: s.detail().to_string(),
                    })
                })
                .collect(),
        })
        .collect();
    Explanation {
        capabilities,
        recommendations: recommendations(c),
        notes: notes(plan),
        spec: c.loaded.display_path().to_string(),
        environment: plan.environment.clone(),
        tier: plan.tier.as_str().into(),
        resource_name: plan.resource_name.clone(),
        settings,
        derived,
        waivers,
        plan: plan.clone(),
    }
}

/// Sizes that hold `max_memory` on each listed cloud, as the plan derived them.
fn recommendations(c: &Checked) -> Vec<Derived> {
    use crate::facts::{aws, azure};
    let plan = &c.plan;
    let max_memory = &plan.memory.max_memory;
    let none_fits = |name: &str, why: &str| Derived {
        name: name.into(),
        value: "none fits".into(),
        why: why.into(),
    };
    let mut out = Vec::new();
    if let Some(a) = &plan.targets.aws {
        out.push(match a.recommended_node_type.and_then(aws::node_type) {
            Some(n) => Derived {
                name: "aws node_type".into(),
                value: n.name.into(),
                why: format!(
                    "the smallest recommended node whose memory after ElastiCache's 25% reserve ({}) holds max_memory {max_memory}",
                    crate::spec::units::gib(n.usable()),
                ),
            },
            None => none_fits(
                "aws node_type",
                "no single node holds max_memory: use cluster mode",
            ),
        });
    }
    if let Some(a) = &plan.targets.azure {
        let (label, size) = match a.service {
            crate::spec::AzureService::Managed => (
                "azure sku (Managed Redis)",
                a.recommended_sku.and_then(azure::managed_sku).map(|s| {
                    format!(
                        "{} memory of the SKU (sizes not primary-sourced)",
                        crate::spec::units::gib(s.memory)
                    )
                }),
            ),
            crate::spec::AzureService::Cache => (
                "azure sku (Cache for Redis)",
                a.recommended_sku.and_then(azure::cache_sku).map(|s| {
                    format!(
                        "{} after the 10% reserve",
                        crate::spec::units::gib(s.usable())
                    )
                }),
            ),
        };
        out.push(match (a.recommended_sku, size) {
            (Some(name), Some(size)) => Derived {
                name: label.into(),
                value: name.into(),
                why: format!("the smallest of its family holding max_memory {max_memory}: {size}"),
            },
            _ => none_fits(
                label,
                "no SKU of this family holds max_memory: use cluster mode or another family",
            ),
        });
    }
    if let Some(g) = &plan.targets.gcp {
        out.push(if plan.topology.is_cluster() {
            match g.recommended_node_type {
                Some(n) => Derived {
                    name: "gcp node_type".into(),
                    value: n.into(),
                    why: format!(
                        "the smallest node whose writable keyspace holds max_memory {max_memory} per shard"
                    ),
                },
                None => none_fits(
                    "gcp node_type",
                    "no node type holds max_memory per shard: add shards",
                ),
            }
        } else {
            match g.recommended_memory_size_gb {
                Some(gb) => Derived {
                    name: "gcp memory_size_gb".into(),
                    value: gb.to_string(),
                    why: format!(
                        "the smallest capacity holding max_memory {max_memory}{}{}",
                        if g.headroom {
                            " with 20% headroom for snapshots and replication"
                        } else {
                            ""
                        },
                        if plan.topology.replicas > 1
                            && gb == crate::facts::gcp::READ_REPLICAS_MIN_GB
                        {
                            ", and read replicas need at least 5 GB"
                        } else {
                            ""
                        }
                    ),
                },
                None => none_fits("gcp memory_size_gb", "above 300 GB: use cluster mode"),
            }
        });
    }
    out
}

/// What the topology means for the application.
fn notes(plan: &crate::plan::Plan) -> Vec<String> {
    let mut n = Vec::new();
    if plan.topology.is_cluster() {
        n.push(format!(
            "Cluster mode: the keyspace is split over {} shards by hash slot. Clients must be cluster-aware (ioredis `Redis.Cluster`, REDIS_CLUSTER_ENABLED=true).",
            plan.topology.shards
        ));
        n.push("Multi-key commands (MGET, MSET, transactions, Lua scripts) work only when all keys hash to one slot: use hash tags, e.g. `{org:42}:profile` and `{org:42}:settings`.".into());
        n.push("Only database 0 exists; SELECT of another database fails.".into());
        if !plan.server.keyspace_events.is_empty() {
            n.push("Keyspace notifications are per node: a subscriber must listen on every primary to see all events (ioredis does not fan out SUBSCRIBE for keyspace channels).".into());
        }
    }
    if plan.topology.replicas > 0 && !plan.topology.is_cluster() {
        n.push("Replicas are asynchronous: after a failover, writes acknowledged in the last moments before it can be lost.".into());
    }
    n
}

pub fn render_text(e: &Explanation) -> String {
    let mut s = format!(
        "{} ({}, tier {})\n\nResolved settings:\n",
        e.spec, e.environment, e.tier
    );
    let width = e.settings.iter().map(|x| x.name.len()).max().unwrap_or(10);
    let vwidth = e
        .settings
        .iter()
        .map(|x| x.value.len())
        .max()
        .unwrap_or(10)
        .min(40);
    for x in &e.settings {
        s.push_str(&format!(
            "  {:width$}  {:vwidth$}  {}\n",
            x.name, x.value, x.origin
        ));
    }
    s.push_str("\nDerived:\n");
    for d in &e.derived {
        s.push_str(&format!("  {}: {}  ({})\n", d.name, d.value, d.why));
    }
    s.push_str("\nWaivers:\n");
    if e.waivers.is_empty() {
        s.push_str("  none\n");
    }
    for w in &e.waivers {
        s.push_str(&format!("  {}: {}\n", w.rule, w.reason));
    }
    if !e.recommendations.is_empty() {
        s.push_str("\nRecommended sizes:\n");
        for d in &e.recommendations {
            s.push_str(&format!("  {}: {}  ({})\n", d.name, d.value, d.why));
        }
    }
    if !e.notes.is_empty() {
        s.push_str("\nNotes:\n");
        for n in &e.notes {
            s.push_str(&format!("  - {n}\n"));
        }
    }
    if let Some(first) = e.capabilities.first() {
        let targets: Vec<&str> = first.targets.iter().map(|t| t.target).collect();
        s.push_str(&format!(
            "\nWhat each target does with each setting (* = written in the spec): {}\n",
            targets.join(", ")
        ));
        let width = e
            .capabilities
            .iter()
            .map(|r| r.setting.len())
            .max()
            .unwrap_or(10)
            + 2;
        for r in &e.capabilities {
            let mark = if r.set_in_spec { "*" } else { " " };
            for (i, t) in r.targets.iter().enumerate() {
                let name = if i == 0 {
                    format!("{mark} {}", r.setting)
                } else {
                    String::new()
                };
                let detail = if t.detail.is_empty() {
                    String::new()
                } else {
                    format!(": {}", t.detail)
                };
                s.push_str(&format!(
                    "  {:width$} {:<8} {}{}\n",
                    name, t.target, t.support, detail
                ));
            }
        }
    }
    s
}
