//! Day two on Azure and Google Cloud, where no provider binary is available offline: each change
//! of a shipped production spec is rendered before and after, the arguments that differ are
//! looked up in `facts::terraform` (taken from the providers' source, file and line cited
//! there), and the test asserts two things per pair: what the rendered change does by those
//! facts (in place, restart, replace, data lost, refused) is what the pair records, and
//! `cachegen validate` refuses exactly the changes that destroy the cache (or the step the
//! service refuses).

use super::corpus::{SpecFile, write_project};
use crate::common::{TempDir, code, output_text, root, run_in};
use cachegen::facts::terraform::{self, ArgumentChange};
use std::collections::BTreeMap;
use std::path::Path;

/// One change: the shipped spec of `folder` edited by `old`, then the shipped spec edited by
/// `new` (text replacements), what the changed arguments do, and the rule validate refuses it with.
struct CloudPair {
    name: &'static str,
    folder: &'static str,
    old: &'static [(&'static str, &'static str)],
    new: &'static [(&'static str, &'static str)],
    /// `resource_type.argument` (nested blocks dotted) -> what the facts say the change does:
    /// `in-place`, `restarts`, `replaces`, `replaces-when`, `loses-data`, `refused`; a whole
    /// resource appearing or going is `created` or `deleted` under its type.
    expect: &'static [(&'static str, &'static str)],
    refused: Option<&'static str>,
}

const AZ: &str = "production-azure";
const GCP: &str = "production-gcp";
/// Policy waivers the variants need in production (failover, TLS), kept out of the verdict.
const AZ_NO_HA: &[(&str, &str)] = &[
    (
        "topology:\n  mode: replicated\n  replicas: 1\n  automatic_failover: true\n  multi_zone: true\n",
        "topology:\n  mode: standalone\n  replicas: 0\n  automatic_failover: false\n  multi_zone: false\n",
    ),
    (
        "  exceptions:\n",
        "  exceptions:\n    - rule: CG6004\n      reason: \"day-2 variant without a replica\"\n",
    ),
];

static PAIRS: &[CloudPair] = &[
    CloudPair {
        name: "azure_managed_sku_up",
        folder: AZ,
        old: &[],
        new: &[("sku: Balanced_B20", "sku: Balanced_B50")],
        expect: &[("azurerm_managed_redis.sku_name", "replaces")],
        refused: Some("CG1040"),
    },
    CloudPair {
        name: "azure_managed_high_availability_off",
        folder: AZ,
        old: &[],
        new: AZ_NO_HA,
        expect: &[(
            "azurerm_managed_redis.high_availability_enabled",
            "replaces",
        )],
        refused: Some("CG1040"),
    },
    CloudPair {
        name: "azure_managed_location",
        folder: AZ,
        old: &[],
        new: &[("location: eastus", "location: westus2")],
        expect: &[
            ("azurerm_managed_redis.location", "replaces"),
            ("azurerm_private_endpoint.location", "in-place"),
        ],
        refused: Some("CG1040"),
    },
    CloudPair {
        name: "azure_managed_cluster_mode",
        folder: AZ,
        old: &[],
        new: &[("  mode: replicated\n", "  mode: cluster\n  shards: 2\n")],
        expect: &[(
            "azurerm_managed_redis.default_database.clustering_policy",
            "loses-data",
        )],
        refused: Some("CG1040"),
    },
    CloudPair {
        name: "azure_managed_entra_id_only",
        folder: AZ,
        old: &[],
        new: &[(
            "    sku: Balanced_B20\n",
            "    sku: Balanced_B20\n    access_keys: false\n",
        )],
        expect: &[(
            "azurerm_managed_redis.default_database.access_keys_authentication_enabled",
            "in-place",
        )],
        refused: None,
    },
    CloudPair {
        name: "azure_managed_eviction_policy",
        folder: AZ,
        old: &[],
        new: &[(
            "  max_memory: 16gb\n",
            "  max_memory: 16gb\n  eviction_policy: allkeys-lfu\n",
        )],
        expect: &[(
            "azurerm_managed_redis.default_database.eviction_policy",
            "in-place",
        )],
        refused: None,
    },
    CloudPair {
        name: "azure_labels",
        folder: AZ,
        old: &[],
        new: &[(
            "tier: production\n",
            "tier: production\nlabels: { cost_center: cc42 }\n",
        )],
        expect: &[
            ("azurerm_managed_redis.tags", "in-place"),
            ("azurerm_private_endpoint.tags", "in-place"),
        ],
        refused: None,
    },
    CloudPair {
        name: "gcp_memory_size",
        folder: GCP,
        old: &[],
        new: &[("memory_size_gb: 20", "memory_size_gb: 30")],
        expect: &[("google_redis_instance.memory_size_gb", "restarts")],
        refused: None,
    },
    CloudPair {
        name: "gcp_region",
        folder: GCP,
        old: &[],
        new: &[("region: us-central1", "region: europe-west1")],
        expect: &[("google_redis_instance.region", "replaces")],
        refused: Some("CG1040"),
    },
    CloudPair {
        name: "gcp_tls_off",
        folder: GCP,
        old: &[],
        new: &[
            (
                "tls: { enabled: true, min_version: \"1.2\" }",
                "tls: { enabled: false }",
            ),
            (
                "  exceptions:\n",
                "  exceptions:\n    - rule: CG6001\n      reason: \"day-2 variant without TLS\"\n",
            ),
        ],
        expect: &[("google_redis_instance.transit_encryption_mode", "replaces")],
        refused: Some("CG1040"),
    },
    CloudPair {
        name: "gcp_engine_upgrade",
        folder: GCP,
        old: &[],
        new: &[("version: \"7.0\"", "version: \"7.2\"")],
        expect: &[("google_redis_instance.redis_version", "replaces-when")],
        refused: None,
    },
    CloudPair {
        name: "gcp_engine_downgrade",
        folder: GCP,
        old: &[("version: \"7.0\"", "version: \"7.2\"")],
        new: &[],
        expect: &[("google_redis_instance.redis_version", "replaces-when")],
        refused: Some("CG1040"),
    },
    CloudPair {
        // Memorystore cannot turn read replicas off: going down to one replica keeps them on.
        name: "gcp_read_replicas_2_to_1",
        folder: GCP,
        old: &[],
        new: &[("  replicas: 2\n", "  replicas: 1\n")],
        expect: &[
            ("google_redis_instance.read_replicas_mode", "refused"),
            ("google_redis_instance.replica_count", "in-place"),
            ("google_redis_instance.secondary_ip_range", "in-place"),
        ],
        refused: Some("CG4040"),
    },
    CloudPair {
        name: "gcp_read_replicas_2_to_1_kept_on",
        folder: GCP,
        old: &[],
        new: &[
            ("  replicas: 2\n", "  replicas: 1\n"),
            (
                "    memory_size_gb: 20\n",
                "    memory_size_gb: 20\n    read_replicas: true\n",
            ),
        ],
        expect: &[("google_redis_instance.replica_count", "in-place")],
        refused: None,
    },
    CloudPair {
        // Turning read replicas on for an instance that exists needs `secondary_ip_range`;
        // the rendering sets it ("auto"), so the refused form is not the one sent.
        name: "gcp_read_replicas_1_to_2",
        folder: GCP,
        old: &[("  replicas: 2\n", "  replicas: 1\n")],
        new: &[],
        expect: &[
            (
                "google_redis_instance.read_replicas_mode",
                "refused-unless-secondary_ip_range",
            ),
            ("google_redis_instance.replica_count", "in-place"),
            ("google_redis_instance.secondary_ip_range", "in-place"),
        ],
        refused: None,
    },
    CloudPair {
        name: "gcp_maintenance_window",
        folder: GCP,
        old: &[],
        new: &[("sun:05:00-sun:07:00", "mon:05:00-mon:07:00")],
        expect: &[(
            "google_redis_instance.maintenance_policy.weekly_maintenance_window.day",
            "in-place",
        )],
        refused: None,
    },
];

fn edit(text: &str, edits: &[(&str, &str)], pair: &str) -> String {
    edits.iter().fold(text.to_string(), |t, (from, to)| {
        assert!(t.contains(from), "{pair}: `{from}` is not in the spec");
        t.replacen(from, to, 1)
    })
}

fn expression(e: &hcl::Expression) -> String {
    hcl::format::to_string(e).unwrap_or_else(|_| format!("{e:?}"))
}

/// Every argument of every resource of a Terraform file, nested blocks dotted (no index, no
/// `lifecycle`), with its expression as text; an argument that reads a local value
/// (`local.tags`) carries that value too, so that a change of the local is a change of it.
fn arguments(text: &str) -> BTreeMap<(String, String), BTreeMap<String, String>> {
    fn walk(
        body: &hcl::Body,
        prefix: &str,
        locals: &BTreeMap<String, String>,
        out: &mut BTreeMap<String, String>,
    ) {
        for a in body.attributes() {
            let key = format!("{prefix}{}", a.key.as_str());
            let mut value = expression(&a.expr);
            for (name, local) in locals {
                if value.contains(&format!("local.{name}")) {
                    value.push_str(&format!(" [local.{name} = {local}]"));
                }
            }
            out.entry(key)
                .and_modify(|v| v.push_str(&value))
                .or_insert(value);
        }
        for b in body.blocks() {
            if b.identifier.as_str() == "lifecycle" {
                continue;
            }
            let prefix = format!("{prefix}{}.", b.identifier.as_str());
            walk(&b.body, &prefix, locals, out);
        }
    }
    let body = hcl::parse(text).unwrap_or_else(|e| panic!("not HCL: {e}\n{text}"));
    let locals: BTreeMap<String, String> = body
        .blocks()
        .filter(|b| b.identifier.as_str() == "locals")
        .flat_map(|b| b.body.attributes())
        .map(|a| (a.key.as_str().to_string(), expression(&a.expr)))
        .collect();
    body.blocks()
        .filter(|b| b.identifier.as_str() == "resource")
        .map(|b| {
            let labels: Vec<&str> = b.labels.iter().map(|l| l.as_str()).collect();
            let mut args = BTreeMap::new();
            walk(&b.body, "", &locals, &mut args);
            ((labels[0].to_string(), labels[1].to_string()), args)
        })
        .collect()
}

fn class(change: ArgumentChange) -> &'static str {
    match change {
        ArgumentChange::InPlace => "in-place",
        ArgumentChange::Restarts(_) => "restarts",
        ArgumentChange::Replaces => "replaces",
        ArgumentChange::ReplacesWhen(_) => "replaces-when",
        ArgumentChange::LosesData(_) => "loses-data",
        ArgumentChange::Refused(_) => "refused",
    }
}

/// A change the service refuses in one form, and the argument whose presence in the new
/// rendering is the other form (google v6.50.0 resource_redis_instance.go L397-406:
/// `secondary_ip_range` "required when enabling read replicas on an existing instance").
const REFUSED_UNLESS: &[(&str, &str, &str)] = &[(
    "google_redis_instance",
    "read_replicas_mode",
    "secondary_ip_range",
)];

/// What the rendered change from `old` to `new` does, by `facts::terraform`.
fn verdicts(old: &str, new: &str) -> BTreeMap<String, String> {
    let (old, new) = (arguments(old), arguments(new));
    let mut out = BTreeMap::new();
    for (key, after) in &new {
        let Some(before) = old.get(key) else {
            out.insert(key.0.clone(), "created".to_string());
            continue;
        };
        let names: std::collections::BTreeSet<&String> =
            before.keys().chain(after.keys()).collect();
        for arg in names {
            if before.get(arg) == after.get(arg) {
                continue;
            }
            let (rtype, _) = key;
            let mut verdict = class(terraform::argument_change(rtype, arg)).to_string();
            let other_form = REFUSED_UNLESS
                .iter()
                .find(|(r, a, _)| r == rtype && a == arg)
                .map(|(_, _, other)| *other);
            if let Some(other) =
                other_form.filter(|o| verdict == "refused" && after.contains_key(*o))
            {
                verdict = format!("refused-unless-{other}");
            }
            out.insert(format!("{rtype}.{arg}"), verdict);
        }
    }
    for key in old.keys().filter(|k| !new.contains_key(*k)) {
        out.insert(key.0.clone(), "deleted".to_string());
    }
    out
}

/// The rendered `main.tf` of the spec's cloud under `out`.
fn main_tf(out: &Path, spec: &SpecFile) -> String {
    let env = super::corpus::environment(&spec.text);
    let cloud = if spec.folder == AZ { "azure" } else { "gcp" };
    let path = out.join(env).join("terraform").join(cloud).join("main.tf");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn render(dir: &Path, args: &[&str]) -> Result<(), String> {
    let mut all = vec!["render"];
    all.extend_from_slice(args);
    let o = run_in(dir, &all);
    if code(&o) == 0 {
        Ok(())
    } else {
        Err(format!("render {args:?}: {}", output_text(&o)))
    }
}

fn validate_errors(dir: &Path) -> (Vec<String>, String) {
    let o = run_in(dir, &["validate", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("validate json: {e}\n{}", output_text(&o)));
    let errors = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    (errors, output_text(&o))
}

/// What one pair does, or what is wrong with it.
fn check(work: &Path, p: &CloudPair) -> Vec<String> {
    let shipped = std::fs::read_to_string(
        root()
            .join("environments")
            .join(p.folder)
            .join("cache.yaml"),
    )
    .unwrap();
    let dir = work.join(p.name);
    let old = SpecFile {
        folder: p.folder.to_string(),
        text: edit(&shipped, p.old, p.name),
    };
    let new = SpecFile {
        folder: p.folder.to_string(),
        text: edit(&shipped, p.new, p.name),
    };
    write_project(&dir, &old);
    if let Err(e) = render(&dir, &[]) {
        return vec![format!("the old spec: {e}")];
    }
    let before = main_tf(&dir.join("generated"), &old);
    write_project(&dir, &new);
    let (errors, said) = validate_errors(&dir);
    // Rendered without the old rendering in place: what Terraform would get if validate's
    // refusal were skipped.
    if let Err(e) = render(&dir, &["--out", "bypass"]) {
        return vec![format!("the new spec: {e}")];
    }
    let after = main_tf(&dir.join("bypass"), &new);
    let got = verdicts(&before, &after);
    let want: BTreeMap<String, String> = p
        .expect
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut problems = Vec::new();
    if got != want {
        problems.push(format!(
            "the rendered change does {got:#?}, the pair records {want:#?}"
        ));
    }
    match p.refused {
        Some(code) if !errors.iter().any(|e| e == code) => {
            problems.push(format!("validate should refuse it with {code}:\n{said}"))
        }
        None if !errors.is_empty() => problems.push(format!("validate should pass:\n{said}")),
        _ => {}
    }
    // Whatever the pair records: a change the facts call destructive is never let through.
    let destroys = got
        .values()
        .any(|v| matches!(v.as_str(), "replaces" | "loses-data" | "deleted"));
    if destroys && errors.is_empty() {
        problems.push("validate lets through a change that destroys the cache".into());
    }
    problems
}

/// Every Azure and Google Cloud change gets the verdict the providers' source gives it, and
/// validate refuses the destructive ones.
#[test]
fn azure_and_gcp_changes_get_the_verdict_of_the_providers_source() {
    let work = TempDir::new("day2-clouds");
    let results: Vec<(&str, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = PAIRS
            .chunks(PAIRS.len().div_ceil(4))
            .map(|chunk| {
                let work = work.path();
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|p| (p.name, check(work, p)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let failed: Vec<String> = results
        .iter()
        .flat_map(|(name, problems)| problems.iter().map(move |p| format!("{name}: {p}")))
        .collect();
    assert!(
        failed.is_empty(),
        "{} problem(s):\n{}",
        failed.len(),
        failed.join("\n\n")
    );
}

/// The resources whose destruction loses the cache's data (or, for the key, makes the data and
/// snapshots unreadable).
const STATEFUL: &[&str] = &[
    "aws_elasticache_replication_group",
    "aws_kms_key",
    "azurerm_redis_cache",
    "azurerm_managed_redis",
    "google_redis_instance",
    "google_redis_cluster",
];

/// `(type.name, prevent_destroy)` of every stateful resource in the Terraform files under `dir`.
fn guards(dir: &Path) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for cloud in ["aws", "azure", "gcp"] {
        let Ok(text) = std::fs::read_to_string(dir.join("terraform").join(cloud).join("main.tf"))
        else {
            continue;
        };
        let body = hcl::parse(&text).unwrap_or_else(|e| panic!("not HCL: {e}\n{text}"));
        for b in body
            .blocks()
            .filter(|b| b.identifier.as_str() == "resource")
        {
            let rtype = b.labels[0].as_str();
            if !STATEFUL.contains(&rtype) {
                continue;
            }
            let guarded = b
                .body
                .blocks()
                .filter(|l| l.identifier.as_str() == "lifecycle")
                .flat_map(|l| l.body.attributes())
                .any(|a| {
                    a.key.as_str() == "prevent_destroy" && a.expr == hcl::Expression::Bool(true)
                });
            out.push((format!("{rtype}.{}", b.labels[1].as_str()), guarded));
        }
    }
    out
}

/// Every production stateful resource on every cloud carries `prevent_destroy`, and
/// `policy.accept_replacement` (the reviewed statement that losing the cache is intended) lifts
/// every guard.
#[test]
fn production_stateful_resources_are_guarded_on_every_cloud() {
    let specs = [
        ("environments/production/cache.yaml", "production"),
        (
            "environments/production-azure/cache.yaml",
            "production-azure",
        ),
        ("environments/production-gcp/cache.yaml", "production-gcp"),
        ("tests/fixtures/azure/cache-premium-cluster.yaml", "premium"),
        ("tests/fixtures/gcp/cluster.yaml", "gcp-cluster"),
    ];
    let work = TempDir::new("day2-guards");
    let mut problems = Vec::new();
    for (source, folder) in specs {
        let text = std::fs::read_to_string(root().join(source)).unwrap();
        for accepted in [false, true] {
            let spec = SpecFile {
                folder: folder.to_string(),
                text: if accepted {
                    super::corpus::acknowledged(&text)
                } else {
                    text.clone()
                },
            };
            let dir = work.path().join(format!("{folder}-{accepted}"));
            write_project(&dir, &spec);
            if let Err(e) = render(&dir, &[]) {
                problems.push(format!("{source}: {e}"));
                continue;
            }
            let out = dir
                .join("generated")
                .join(super::corpus::environment(&spec.text));
            let found = guards(&out);
            if found.is_empty() {
                problems.push(format!("{source}: no stateful resource rendered"));
            }
            for (address, guarded) in found {
                if guarded == accepted {
                    problems.push(format!(
                        "{source}: {address} {} prevent_destroy{}",
                        if guarded { "has" } else { "lacks" },
                        if accepted {
                            " although the replacement is accepted"
                        } else {
                            ""
                        }
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
