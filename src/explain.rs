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

fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(o) => {
            for (k, c) in o {
                let name = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&name, c, out);
            }
        }
        serde_json::Value::Null => out.push((prefix.to_string(), "(none)".into())),
        serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// Plan fields computed from others (shown under "Derived", not as settings).
const DERIVED_FIELDS: &[&str] = &[
    "engine.major",
    "engine.minor",
    "topology.nodes",
    "memory.max_memory_bytes",
    "memory.max_memory_from",
];

/// Where a resolved setting is written in a spec, where the Plan names it differently.
fn spec_pointer(plan_name: &str) -> String {
    let mapped = match plan_name {
        "security.tls" => "security.tls.enabled",
        "security.tls_min_version" => "security.tls.min_version",
        "security.auth" => "security.auth.enabled",
        "server.slowlog_log_slower_than_us" => "server.slowlog.log_slower_than_us",
        "server.slowlog_max_len" => "server.slowlog.max_len",
        n if n.starts_with("security.password") => "security.auth.password",
        n => n,
    };
    format!("/{}", mapped.replace('.', "/"))
}

pub fn explain(c: &Checked) -> Explanation {
    let plan = &c.plan;
    let plan_json = serde_json::to_value(plan).expect("a plan is JSON");
    let mut flat = Vec::new();
    for section in [
        "engine",
        "topology",
        "memory",
        "persistence",
        "maintenance",
        "network",
        "security",
        "server",
        "client",
    ] {
        flatten(section, &plan_json[section], &mut flat);
    }
    let settings = flat
        .into_iter()
        .filter(|(name, _)| !DERIVED_FIELDS.contains(&name.as_str()))
        .map(|(name, value)| {
            let pointer = spec_pointer(&name);
            let origin = match c.loaded.root.pointer(&pointer) {
                Some(n) => format!("{}:{}", n.loc.file.display_path(), n.loc.line),
                None => format!("default (tier {})", plan.tier.as_str()),
            };
            Setting {
                name,
                value,
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
                } else if crate::providers::gcp::instance_headroom(plan) {
                    "the smallest instance whose 80% holds max_memory (20% for the snapshot fork and replication)".into()
                } else {
                    "the smallest instance that holds max_memory".into()
                },
            });
            derived.push(Derived {
                name: "gcp maxmemory-gb".into(),
                value: crate::providers::gcp::maxmemory_gb(plan.memory.max_memory_bytes),
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
    let listed = crate::targets::capability::listed(plan);
    let capabilities = crate::targets::capability::SETTINGS
        .iter()
        .map(|setting| CapabilityRow {
            setting: crate::load::dotted(setting),
            set_in_spec: c.loaded.root.is_set(setting),
            targets: listed
                .iter()
                .filter_map(|t| {
                    crate::targets::capability::support(t, setting, plan).map(|s| TargetSupport {
                        target: t,
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

/// Sizes that hold `max_memory` on each listed cloud.
fn recommendations(c: &Checked) -> Vec<Derived> {
    let plan = &c.plan;
    let mut out = Vec::new();
    if plan.targets.aws.is_some() {
        let want = plan.memory.max_memory_bytes;
        out.push(match crate::providers::aws::smallest_node_for(want, plan.engine.kind) {
            Some(n) => Derived {
                name: "aws node_type".into(),
                value: n.name.into(),
                why: format!(
                    "the smallest recommended node whose memory after ElastiCache's 25% reserve ({}) holds max_memory {}",
                    crate::spec::units::gib(n.usable()),
                    plan.memory.max_memory
                ),
            },
            None => Derived {
                name: "aws node_type".into(),
                value: "none fits".into(),
                why: "no single node holds max_memory: use cluster mode".into(),
            },
        });
    }
    if let Some(a) = &plan.targets.azure {
        let want = plan.memory.max_memory_bytes;
        let (label, pick) = match a.service {
            crate::spec::AzureService::Managed => {
                let family = crate::providers::azure::managed_sku(&a.sku)
                    .map(|s| s.family)
                    .unwrap_or(crate::providers::azure::ManagedFamily::Balanced);
                (
                    "azure sku (Managed Redis)",
                    crate::providers::azure::smallest_managed_for(want, family).map(|s| {
                        (
                            s.name,
                            crate::spec::units::gib(s.memory),
                            "memory of the SKU (sizes not primary-sourced)",
                        )
                    }),
                )
            }
            crate::spec::AzureService::Cache => {
                let tier = crate::providers::azure::cache_sku(&a.sku)
                    .map(|s| s.tier)
                    .unwrap_or(crate::providers::azure::CacheTier::Premium);
                (
                    "azure sku (Cache for Redis)",
                    crate::providers::azure::smallest_cache_for(want, tier).map(|s| {
                        (
                            s.name,
                            crate::spec::units::gib(s.usable()),
                            "after the 10% reserve",
                        )
                    }),
                )
            }
        };
        out.push(match pick {
            Some((name, size, what)) => Derived {
                name: label.into(),
                value: name.into(),
                why: format!(
                    "the smallest of its family holding max_memory {}: {size} {what}",
                    plan.memory.max_memory
                ),
            },
            None => Derived {
                name: label.into(),
                value: "none fits".into(),
                why: "no SKU of this family holds max_memory: use cluster mode or another family"
                    .into(),
            },
        });
    }
    if plan.targets.gcp.is_some() {
        let want = plan.memory.max_memory_bytes;
        let (label, value, why) = if plan.topology.is_cluster() {
            match crate::providers::gcp::node_type_for(
                want,
                plan.tier != crate::spec::Tier::Production,
            ) {
                Some(n) => (
                    "gcp node_type",
                    n.name.to_string(),
                    format!(
                        "the smallest node whose writable keyspace holds max_memory {} per shard",
                        plan.memory.max_memory
                    ),
                ),
                None => (
                    "gcp node_type",
                    "none fits".into(),
                    "no node type holds max_memory per shard: add shards".into(),
                ),
            }
        } else {
            let headroom = crate::providers::gcp::instance_headroom(plan);
            match crate::providers::gcp::instance_size_for(want, headroom, 1) {
                Some(gb) => (
                    "gcp memory_size_gb",
                    gb.to_string(),
                    format!(
                        "the smallest capacity holding max_memory {}{}",
                        plan.memory.max_memory,
                        if headroom {
                            " with 20% headroom for snapshots and replication"
                        } else {
                            ""
                        }
                    ),
                ),
                None => (
                    "gcp memory_size_gb",
                    "none fits".into(),
                    "above 300 GB: use cluster mode".into(),
                ),
            }
        };
        out.push(Derived {
            name: label.into(),
            value,
            why,
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
