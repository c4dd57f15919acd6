//! The settings table is the one home of every setting: every leaf of the schema is a row (or
//! part of one), every row is in the schema, every default is a value the schema accepts, and
//! the schema shows every default. What the table drives (redis.conf, verify) is checked
//! against the real server in `conformance_redis` and `verify_live`.

use cachegen::settings::{self, Default, Kind, Verify};
use cachegen::spec::Tier;
use serde_json::Value;

/// Schema sections that hold settings but are not settings themselves (their leaves are).
const SECTIONS: &[&str] = &[
    "engine",
    "topology",
    "memory",
    "workload",
    "persistence",
    "persistence.snapshots",
    "persistence.aof",
    "maintenance",
    "network",
    "security",
    "security.tls",
    "security.auth",
    "server",
    "server.slowlog",
    "server.client_output_buffer_limits",
    "client",
    "monitoring",
    "monitoring.alerts",
    "monitoring.aws",
    "monitoring.azure",
    "monitoring.gcp",
    "monitoring.compose",
    "targets",
    "targets.aws",
    "targets.azure",
    "targets.gcp",
    "targets.compose",
    "policy",
];

fn schema() -> Value {
    cachegen::spec::schema::generate()
}

/// Every property path of the schema, following `$ref`s (list items as `list[].field`).
fn paths(schema: &Value, node: &Value, prefix: &str, out: &mut Vec<String>) {
    let deref = |n: &Value| -> Value {
        match n.get("$ref").and_then(Value::as_str) {
            Some(r) => schema.pointer(&r[1..]).unwrap().clone(),
            None => n.clone(),
        }
    };
    let node = deref(node);
    let Some(props) = node.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (k, p) in props {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        out.push(path.clone());
        let inner = deref(p);
        if inner.get("properties").is_some() {
            paths(schema, &inner, &path, out);
        } else if let Some(items) = inner.get("items") {
            paths(schema, items, &format!("{path}[]"), out);
        }
    }
}

#[test]
fn every_schema_leaf_is_a_row_and_every_row_is_in_the_schema() {
    let schema = schema();
    let mut all = Vec::new();
    paths(&schema, &schema, "", &mut all);
    let rows: Vec<&str> = settings::all().iter().map(|s| s.path).collect();
    for p in &all {
        let covered = rows.contains(&p.as_str())
            || SECTIONS.contains(&p.as_str())
            || rows.iter().any(|r| p.starts_with(&format!("{r}[]")));
        assert!(
            covered,
            "`{p}` is in the schema but not in the settings table (src/settings/table.rs), nor a section"
        );
    }
    for r in &rows {
        assert!(
            all.iter().any(|p| p == r),
            "row `{r}` is not a property of the schema"
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    for r in &rows {
        assert!(seen.insert(*r), "`{r}` has two rows");
    }
}

/// A default the schema would reject would be a default no user could write.
#[test]
fn every_default_is_valid_against_the_schema_and_shown_there() {
    let schema = schema();
    for s in settings::all() {
        let node_ptr = {
            // The property node, as the schema declares it.
            let mut root = schema.clone();
            cachegen::spec::schema::property_mut(&mut root, s.path)
                .map(|m| Value::Object(m.clone()))
                .unwrap()
        };
        let description = node_ptr["description"].as_str().unwrap_or_default();
        match s.default {
            Default::None => {}
            Default::Derived(_) => assert!(
                description.contains("Default: "),
                "`{}`: the schema does not say how its default is derived",
                s.path
            ),
            Default::Fixed(_) | Default::PerTier { .. } => {
                assert!(
                    node_ptr.get("default").is_some()
                        || node_ptr.get("x-default-per-tier").is_some(),
                    "`{}` has a default the schema does not show",
                    s.path
                );
                for tier in [Tier::Development, Tier::Staging, Tier::Production] {
                    let value = s.default.value(tier).unwrap();
                    let mut sub = node_ptr.clone();
                    if let Some(o) = sub.as_object_mut() {
                        o.remove("default");
                        o.insert("$defs".into(), schema["$defs"].clone());
                    }
                    let validator = jsonschema::validator_for(&sub).unwrap();
                    assert!(
                        validator.is_valid(&value),
                        "`{}`: the default {value} for {tier:?} is not valid against the schema",
                        s.path
                    );
                }
            }
        }
    }
}

/// A row that verify compares has a directive to read; a server setting with a directive
/// reaches redis.conf.
#[test]
fn compared_and_server_settings_have_their_directive() {
    for s in settings::all() {
        if let Verify::Config { .. } = s.verify {
            assert!(
                s.conf.is_some(),
                "`{}` is compared but has no directive",
                s.path
            );
        }
        if s.kind != Kind::Server {
            assert!(s.conf.is_none(), "`{}` is not a server setting", s.path);
        }
    }
}

/// `cachegen impact` reads what changing each setting does on each platform: every row says
/// it for every platform (a new row starts with nothing said, and fails here until it does).
#[test]
fn every_setting_states_its_change_on_every_platform() {
    let missing = settings::unstated_changes(settings::all());
    assert!(
        missing.is_empty(),
        "the `change` column of src/settings/table.rs says nothing for:\n{}",
        missing.join("\n")
    );
    // The check itself finds a row that says nothing.
    static NEW_ROW: settings::Setting = settings::Setting {
        change: settings::UNSTATED,
        ..settings::LABELS
    };
    assert_eq!(
        settings::unstated_changes(&[&NEW_ROW]).len(),
        settings::Platform::ALL.len()
    );
}

/// The judged cells: what ElastiCache and a self-hosted server do with an engine change, TLS
/// and authentication transitions, cluster mode.
#[test]
fn judged_changes_follow_the_values() {
    use cachegen::settings::{Effect, Platform, Values};
    let values = |pairs: &[(&settings::Setting, serde_json::Value)]| {
        let mut v = Values::default();
        for (s, x) in pairs {
            v.set(s, x);
        }
        v
    };
    let engine = |kind: &str, version: &str, now: bool| {
        values(&[
            (&settings::ENGINE_KIND, kind.into()),
            (&settings::ENGINE_VERSION, version.into()),
            (&settings::AWS_APPLY_IMMEDIATELY, now.into()),
        ])
    };
    let aws = |o: &Values, n: &Values| {
        settings::ENGINE_VERSION
            .change
            .get(Platform::Aws)
            .judge(o, n)
            .unwrap()
    };
    assert_eq!(
        aws(
            &engine("redis", "7.1", false),
            &engine("redis", "7.0", false)
        )
        .effect,
        Effect::Replace
    );
    assert_eq!(
        aws(
            &engine("redis", "7.0", false),
            &engine("redis", "7.1", false)
        )
        .effect,
        Effect::Restart
    );
    assert_eq!(
        aws(
            &engine("valkey", "8.0", false),
            &engine("redis", "7.1", false)
        )
        .effect,
        Effect::Replace,
        "Valkey to Redis OSS is a downgrade"
    );
    let family = aws(
        &engine("redis", "7.1", false),
        &engine("valkey", "8.0", false),
    );
    assert_eq!(family.effect, Effect::Staged);
    assert!(!family.steps.is_empty());
    assert_eq!(
        aws(
            &engine("redis", "7.1", true),
            &engine("valkey", "8.0", true)
        )
        .effect,
        Effect::Restart,
        "with apply_immediately the new parameter group is attached at once"
    );
    let compose = settings::ENGINE_VERSION
        .change
        .get(Platform::Compose)
        .judge(&engine("redis", "7.4", true), &engine("redis", "7.2", true))
        .unwrap();
    assert_eq!(
        compose.effect,
        Effect::Replace,
        "an older Redis cannot read the RDB"
    );

    let tls = |on: bool| values(&[(&settings::TLS_ENABLED, on.into())]);
    let j = settings::TLS_ENABLED
        .change
        .get(Platform::Aws)
        .judge(&tls(false), &tls(true))
        .unwrap();
    assert_eq!(j.effect, Effect::Staged);
    assert!(j.steps.iter().any(|s| s.contains("preferred")), "{j:?}");

    let auth = |on: bool, commands: &[&str]| {
        values(&[
            (&settings::AUTH_ENABLED, on.into()),
            (&settings::DISABLED_COMMANDS, serde_json::json!(commands)),
        ])
    };
    let judge = |o: &Values, n: &Values| {
        settings::DISABLED_COMMANDS
            .change
            .get(Platform::Aws)
            .judge(o, n)
            .unwrap()
            .effect
    };
    assert_eq!(
        judge(&auth(true, &[]), &auth(true, &["KEYS"])),
        Effect::Staged,
        "token to RBAC"
    );
    assert_eq!(
        judge(&auth(true, &["KEYS"]), &auth(true, &["KEYS", "DEBUG"])),
        Effect::Update
    );
    assert_eq!(
        judge(&auth(true, &[]), &auth(false, &[])),
        Effect::Staged,
        "auth off"
    );

    let mode = |m: &str| values(&[(&settings::TOPOLOGY_MODE, m.into())]);
    let topo = |p: Platform, o: &str, n: &str| {
        settings::TOPOLOGY_MODE
            .change
            .get(p)
            .judge(&mode(o), &mode(n))
            .unwrap()
            .effect
    };
    assert_eq!(topo(Platform::Aws, "replicated", "cluster"), Effect::Staged);
    assert_eq!(
        topo(Platform::Aws, "standalone", "replicated"),
        Effect::Update
    );
    assert_eq!(
        topo(Platform::Gcp, "replicated", "cluster"),
        Effect::Replace
    );

    // A compose cluster is formed once: a replica added later has to be attached by hand.
    let replicas = |m: &str, n: u64| {
        values(&[
            (&settings::TOPOLOGY_MODE, m.into()),
            (&settings::REPLICAS, n.into()),
        ])
    };
    let j = settings::REPLICAS
        .change
        .get(Platform::Compose)
        .judge(&replicas("cluster", 0), &replicas("cluster", 1))
        .unwrap();
    assert_eq!(j.effect, Effect::Staged);
    assert!(j.steps.iter().any(|s| s.contains("add-node")), "{j:?}");
    assert_eq!(
        settings::REPLICAS
            .change
            .get(Platform::Compose)
            .judge(&replicas("standalone", 0), &replicas("standalone", 1))
            .unwrap()
            .effect,
        Effect::None,
        "outside cluster mode the compose stack runs one server"
    );
}
