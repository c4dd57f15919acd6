//! The JSON Schema and the Rust types cannot drift: the committed schema is the one generated
//! from the types, every property is described, and the schema accepts every shipped spec
//! and rejects what the types reject.

use crate::common::*;
use serde_json::Value;

#[test]
fn committed_schema_is_generated_from_the_types() {
    let committed = std::fs::read_to_string(root().join("schema/cache.schema.json")).unwrap();
    let generated = cachegen::spec::schema::text();
    assert!(
        committed == generated,
        "schema/cache.schema.json is stale: run `cargo run -- schema > schema/cache.schema.json`"
    );
    let o = run_in(&root(), &["schema"]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), generated, "`cachegen schema` prints the schema");
    let partial = std::fs::read_to_string(root().join("schema/cache.partial.schema.json")).unwrap();
    assert!(
        partial == cachegen::spec::schema::partial_text(),
        "schema/cache.partial.schema.json is stale: run `cargo run -- render`"
    );
}

#[test]
fn schema_is_valid_draft_2020_12() {
    for text in [
        cachegen::spec::schema::text(),
        cachegen::spec::schema::partial_text(),
    ] {
        let schema: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert!(
            jsonschema::meta::is_valid(&schema),
            "the schema is valid against its meta-schema"
        );
    }
}

/// Walk every property of every object schema.
fn properties<'a>(v: &'a Value, path: String, out: &mut Vec<(String, &'a Value)>) {
    if let Some(props) = v.get("properties").and_then(Value::as_object) {
        for (k, p) in props {
            out.push((format!("{path}.{k}"), p));
            properties(p, format!("{path}.{k}"), out);
        }
    }
    if let Some(defs) = v.get("$defs").and_then(Value::as_object) {
        for (k, d) in defs {
            properties(d, format!("$defs.{k}"), out);
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(arr) = v.get(key).and_then(Value::as_array) {
            for (i, b) in arr.iter().enumerate() {
                properties(b, format!("{path}.{key}[{i}]"), out);
            }
        }
    }
}

#[test]
fn every_property_has_a_description_for_editors() {
    let schema: Value = serde_json::from_str(&cachegen::spec::schema::text()).unwrap();
    let mut props = Vec::new();
    properties(&schema, String::new(), &mut props);
    assert!(
        props.len() > 80,
        "the schema covers the whole spec ({} properties)",
        props.len()
    );
    let missing: Vec<&String> = props
        .iter()
        .filter(|(_, p)| {
            p.get("description")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
        })
        .map(|(path, _)| path)
        .collect();
    assert!(
        missing.is_empty(),
        "properties without a description: {missing:?}"
    );
}

/// The schema and the serde types agree: a document the schema accepts deserializes, and a
/// document the types refuse (an unknown key at any level) the schema refuses too.
#[test]
fn schema_and_types_agree_on_every_field() {
    let schema: Value = serde_json::from_str(&cachegen::spec::schema::text()).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    // A spec that sets every field of the contract.
    let full = r#"
spec_version: 1
name: full
environment: full
tier: production
labels: { team: platform }
engine: { kind: redis, version: "7.0" }
topology: { mode: cluster, shards: 3, replicas: 1, automatic_failover: true, multi_zone: true }
memory: { max_memory: 8gb, eviction_policy: allkeys-lru, eviction_samples: 5 }
workload: { organizations: 1000000, entries: 1000000, avg_entry_bytes: 512, avg_key_bytes: 40 }
persistence:
  snapshots:
    enabled: true
    save: [{ seconds: 900, changes: 1 }]
    compression: true
    checksum: true
    retention_days: 7
    window: "03:00-05:00"
  aof: { enabled: true, fsync: everysec, rewrite_percentage: 100, rewrite_min_size: 64mb }
maintenance: { window: "sun:05:00-sun:07:00", auto_minor_version_upgrade: true }
network: { port: 6379, allowed_cidrs: ["10.0.0.0/16"], public_access: false, tcp_backlog: 511, idle_timeout_seconds: 300, tcp_keepalive_seconds: 300 }
security:
  tls: { enabled: true, min_version: "1.2" }
  auth: { enabled: true, password: { env: REDIS_PASSWORD } }
  encryption_at_rest: true
  disabled_commands: [FLUSHALL]
server:
  databases: 1
  io_threads: 4
  io_threads_do_reads: true
  slowlog: { log_slower_than_us: 10000, max_len: 128 }
  latency_monitor_threshold_ms: 100
  keyspace_events: "Ex"
  client_output_buffer_limits: { normal: "0 0 0", replica: "256mb 64mb 60", pubsub: "32mb 8mb 60" }
  cluster_node_timeout_ms: 5000
client: { db: 0, connect_timeout_ms: 10000, command_timeout_ms: 5000, max_retries: 3, default_ttl_seconds: 300, max_entries: 1000000 }
targets:
  aws: { region: us-east-1, node_type: cache.r7g.xlarge, kms_key_arn: "arn:aws:kms:us-east-1:123456789012:key/abcd-1234", log_retention_days: 365, apply_immediately: false }
  azure: { service: managed, location: eastus, resource_group: rg, sku: Balanced_B20, zones: ["1"] }
  gcp: { region: us-central1, tier: STANDARD_HA, memory_size_gb: 20, node_type: REDIS_HIGHMEM_MEDIUM }
  compose: { image: "redis:7.2-alpine", container_name: cache, host_port: 6379, host_address: 127.0.0.1, restart: unless-stopped, mem_limit: 12gb, tls_dir: ./tls }
policy:
  exceptions: [{ rule: CG1001, reason: "a reason long enough" }]
"#;
    let tree: serde_json::Value = serde_saphyr::from_str(full).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&tree)
        .map(|e| format!("{} {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the schema accepts the full spec: {errors:?}"
    );
    let spec: cachegen::spec::Spec =
        serde_json::from_value(tree.clone()).expect("the types accept the full spec");
    // Round trip: every field the types know is in the document (nothing dropped silently).
    let back = serde_json::to_value(&spec).unwrap();
    assert_eq!(back, tree, "the types keep every field of the full spec");

    // An unknown key anywhere is refused by both.
    let mut objects = Vec::new();
    collect_objects(&tree, String::new(), &mut objects);
    assert!(objects.len() > 20);
    for path in objects {
        let mut doc = tree.clone();
        let target = if path.is_empty() {
            &mut doc
        } else {
            doc.pointer_mut(&path).unwrap()
        };
        target
            .as_object_mut()
            .unwrap()
            .insert("not_a_field".into(), Value::Bool(true));
        assert!(
            !validator.is_valid(&doc),
            "schema accepts an unknown key at `{path}`"
        );
        assert!(
            serde_json::from_value::<cachegen::spec::Spec>(doc).is_err(),
            "types accept an unknown key at `{path}`"
        );
    }
}

fn collect_objects(v: &Value, path: String, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            // Secret references and labels are maps with their own rules.
            if !path.ends_with("/labels") && !path.ends_with("/password") {
                out.push(path.clone());
            }
            for (k, c) in o {
                collect_objects(c, format!("{path}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                collect_objects(c, format!("{path}/{i}"), out);
            }
        }
        _ => {}
    }
}
