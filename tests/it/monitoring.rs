//! Monitoring as code, checked by what consumes it: every CloudWatch alarm, Azure Monitor alert
//! and Google alert policy watches a metric its platform publishes (the lists in
//! `facts::metrics`, with their sources) with the right dimensions and resource labels; the
//! Prometheus rules pass `promtool check rules` and unit tests of each alert
//! (`promtool test rules`) at the spec's thresholds; a metric a platform does not publish is
//! "not supported" in the capability matrix, never silently dropped. The live alert cycle is
//! in `monitoring_live`; the cloud files also pass terraform validate, the offline plan and
//! checkov (`conformance_aws`) and the provider schemas (`conformance_cloud`).

use crate::common::*;
use cachegen::facts::metrics::{azure, cloudwatch, exporter, gcp};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Render one spec (text) in a project of its own; return the environment's folder.
fn render_text(tmp: &Path, name: &str, text: &str) -> PathBuf {
    let dir = tmp.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("cache.yaml"), text).unwrap();
    let o = run_in(&dir, &["render", "cache.yaml", "--out", "out"]);
    assert_eq!(code(&o), 0, "{name}: {}", output_text(&o));
    let env = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .unwrap();
    env.path()
}

/// A rendered `.tf` file as JSON (hcl-rs's mapping: blocks as nested objects, repeated blocks
/// as arrays, expressions as `${...}` strings).
fn tf_json(path: &Path) -> Value {
    hcl::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The resources of one type: `(name, body)`.
fn resources<'a>(tf: &'a Value, kind: &str) -> Vec<(&'a str, &'a Value)> {
    tf["resource"][kind]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default()
}

/// A block that may be written once (an object) or several times (an array), as a list.
fn blocks(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

const AWS_SPECS: &[&str] = &[
    "environments/production/cache.yaml",
    "tests/fixtures/aws/valkey-cluster.yaml",
    "tests/fixtures/aws/redis-token-secrets-manager.yaml",
    "tests/fixtures/aws/redis-replicated-env.yaml",
];

/// Every alarm watches an ElastiCache metric of the facts, per member cluster (the only
/// dimension ElastiCache publishes node metrics with), named the way ElastiCache names the
/// group's members; none uses a replication-group dimension, which has no series.
#[test]
fn aws_alarms_watch_published_metrics_per_node() {
    let tmp = TempDir::new("mon-aws");
    let mut alarms_seen = 0;
    let mut metrics_seen = BTreeSet::new();
    for spec in AWS_SPECS {
        let out = tmp.path().join(spec.replace('/', "_"));
        render_spec(&root().join(spec), &out);
        let env = std::fs::read_dir(&out)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let main = env.join("terraform/aws/main.tf");
        let text = std::fs::read_to_string(&main).unwrap();
        assert!(
            !text.contains("ReplicationGroupId"),
            "{spec}: an alarm on a replication-group dimension watches no series"
        );
        let tf = tf_json(&main);
        let checked = cachegen::pipeline::check_spec(
            &cachegen::project::discover(&root()).unwrap(),
            &root().join(spec),
        );
        let plan = match checked {
            cachegen::pipeline::Outcome::Checked(c) => c.plan,
            _ => panic!("{spec} does not check"),
        };
        let t = &plan.topology;
        let expected_nodes =
            cloudwatch::member_clusters(&plan.resource_name, t.is_cluster(), t.shards, t.replicas);
        let alarms = resources(&tf, "aws_cloudwatch_metric_alarm");
        // One resource per alert CloudWatch can watch, and no other.
        let watchable: Vec<_> = plan
            .monitoring
            .alerts
            .iter()
            .filter(|a| cachegen::targets::aws::alarm(a).is_ok())
            .collect();
        assert_eq!(alarms.len(), watchable.len(), "{spec}");
        if alarms.is_empty() {
            continue;
        }
        let nodes: Vec<&str> = blocks(&tf["locals"])
            .iter()
            .find_map(|l| l["cache_nodes"].as_array())
            .unwrap_or_else(|| panic!("{spec}: no local.cache_nodes"))
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(nodes, expected_nodes, "{spec}: member clusters");
        assert_eq!(
            nodes.len() as u32,
            t.nodes,
            "{spec}: one member cluster per node"
        );
        for (name, a) in alarms {
            alarms_seen += 1;
            assert_eq!(
                a["for_each"], "${toset(local.cache_nodes)}",
                "{spec} {name}"
            );
            assert!(
                a["alarm_actions"].as_array().is_some_and(|x| !x.is_empty()),
                "{spec} {name}: an alarm that notifies nobody"
            );
            assert_ne!(a["actions_enabled"], false, "{spec} {name}");
            // A single metric, or the metrics of a metric-math expression.
            let mut watched: Vec<&Value> = Vec::new();
            if a["metric_name"].is_string() {
                watched.push(a);
            }
            for q in blocks(&a["metric_query"]) {
                for m in blocks(&q["metric"]) {
                    watched.push(m);
                }
            }
            assert!(!watched.is_empty(), "{spec} {name}: watches nothing");
            for m in watched {
                let metric = m["metric_name"].as_str().unwrap();
                metrics_seen.insert(metric.to_string());
                assert!(
                    cloudwatch::METRICS.contains(&metric),
                    "{spec} {name}: `{metric}` is not an ElastiCache metric of the facts"
                );
                assert_eq!(m["namespace"], cloudwatch::NAMESPACE, "{spec} {name}");
                let dims: Vec<&String> = m["dimensions"].as_object().unwrap().keys().collect();
                assert_eq!(dims, [cloudwatch::DIMENSION], "{spec} {name}: {metric}");
                assert_eq!(m["dimensions"][cloudwatch::DIMENSION], "${each.key}");
                let period = m["period"].as_u64().unwrap();
                assert!(
                    period >= 60 && period % 60 == 0,
                    "{spec} {name}: period {period}"
                );
            }
        }
        // ElastiCache events go where the alarms go.
        let group = &tf["resource"]["aws_elasticache_replication_group"]["redis"];
        assert!(group["notification_topic_arn"].is_string(), "{spec}");
    }
    assert!(alarms_seen >= 20, "{alarms_seen}");
    for m in [
        "DatabaseMemoryUsagePercentage",
        "Evictions",
        "CurrConnections",
        "EngineCPUUtilization",
        "ReplicationLag",
        "CacheHits",
        "AuthenticationFailures",
    ] {
        assert!(
            metrics_seen.contains(m),
            "no alarm on {m}: {metrics_seen:?}"
        );
    }
}

/// Azure alerts watch metrics of the right namespace (Azure Cache for Redis or Azure Managed
/// Redis, whose lists differ), scoped to the cache; the diagnostic setting sends the right log.
#[test]
fn azure_alerts_watch_the_metrics_of_their_service() {
    let tmp = TempDir::new("mon-azure");
    let mut seen = BTreeSet::new();
    for (spec, resource, namespace, list) in [
        (
            "environments/production-azure/cache.yaml",
            "azurerm_managed_redis",
            azure::MANAGED_NAMESPACE,
            azure::MANAGED_METRICS,
        ),
        (
            "tests/fixtures/azure/managed-aof.yaml",
            "azurerm_managed_redis",
            azure::MANAGED_NAMESPACE,
            azure::MANAGED_METRICS,
        ),
        (
            "tests/fixtures/azure/cache-premium-cluster.yaml",
            "azurerm_redis_cache",
            azure::CACHE_NAMESPACE,
            azure::CACHE_METRICS,
        ),
    ] {
        let dir = render_terraform(
            &root().join(spec),
            &tmp.path().join(resource).join(spec.replace('/', "_")),
            "azure",
        );
        let tf = tf_json(&dir.join("main.tf"));
        let alerts = resources(&tf, "azurerm_monitor_metric_alert");
        assert!(!alerts.is_empty(), "{spec}: no alert");
        for (name, a) in alerts {
            assert_eq!(
                a["scopes"][0],
                format!("${{{resource}.redis.id}}"),
                "{spec} {name}"
            );
            assert!(a["action"]["action_group_id"].is_string(), "{spec} {name}");
            let window = a["window_size"].as_str().unwrap();
            assert!(
                ["PT5M", "PT15M"].contains(&window),
                "{spec} {name}: {window}"
            );
            for c in blocks(&a["criteria"]) {
                let metric = c["metric_name"].as_str().unwrap();
                assert_eq!(c["metric_namespace"], namespace, "{spec} {name}");
                assert!(
                    list.contains(&metric),
                    "{spec} {name}: `{metric}` is not a {namespace} metric of the facts"
                );
                // Azure Cache's gauges are judged per shard (an average of four shards hides
                // one saturated shard); its counters and Managed Redis's metrics are not split.
                let dims = blocks(&c["dimension"]);
                if namespace == azure::CACHE_NAMESPACE
                    && ["usedmemorypercentage", "serverLoad"].contains(&metric)
                {
                    assert_eq!(dims.len(), 1, "{spec} {name}: {c}");
                    assert_eq!(
                        dims[0]["name"],
                        azure::CACHE_SHARD_DIMENSION,
                        "{spec} {name}"
                    );
                    assert_eq!(dims[0]["operator"], "Include", "{spec} {name}");
                    assert_eq!(dims[0]["values"], serde_json::json!(["*"]), "{spec} {name}");
                    seen.insert(format!("{namespace}/{metric} per shard"));
                } else {
                    assert!(dims.is_empty(), "{spec} {name}: {c}");
                }
                seen.insert(format!("{namespace}/{metric}"));
            }
        }
    }
    // The two services' own names: a miss rate on Azure Cache, processor time on Managed Redis.
    assert!(
        seen.contains("Microsoft.Cache/redis/cachemissrate"),
        "{seen:?}"
    );
    assert!(
        seen.contains("Microsoft.Cache/redisEnterprise/percentProcessorTime"),
        "{seen:?}"
    );
    // Azure Cache's hit rate: the miss rate, and more misses than 20% of 1000 lookups (the
    // floor every target puts on the hit rate, as a count Azure publishes).
    let cache = render_terraform(
        &root().join("tests/fixtures/azure/cache-premium-cluster.yaml"),
        &tmp.path().join("cache-hit-rate"),
        "azure",
    );
    let tf = tf_json(&cache.join("main.tf"));
    let criteria = blocks(&tf["resource"]["azurerm_monitor_metric_alert"]["hit_rate"]["criteria"]);
    assert_eq!(criteria.len(), 2, "{criteria:?}");
    assert_eq!(criteria[0]["metric_name"], "cachemissrate");
    assert_eq!(criteria[0]["threshold"], 20);
    assert_eq!(criteria[1]["metric_name"], "cachemisses");
    assert_eq!(criteria[1]["operator"], "GreaterThan");
    assert_eq!(criteria[1]["threshold"], 200);
    for metric in ["usedmemorypercentage", "serverLoad"] {
        assert!(
            seen.contains(&format!("Microsoft.Cache/redis/{metric} per shard")),
            "{seen:?}"
        );
    }
    // The workspace fixtures: logs of the cache, connection events of Managed Redis's database,
    // and the failed-authentication log alert on them.
    let managed = render_terraform(
        &root().join("tests/fixtures/azure/managed-aof.yaml"),
        &tmp.path().join("managed-logs"),
        "azure",
    );
    let tf = tf_json(&managed.join("main.tf"));
    let diag = &tf["resource"]["azurerm_monitor_diagnostic_setting"]["redis"];
    assert_eq!(diag["enabled_log"]["category"], azure::MANAGED_LOG_CATEGORY);
    assert_eq!(
        diag["target_resource_id"],
        "${azurerm_managed_redis.redis.id}/databases/default"
    );
    let auth = &tf["resource"]["azurerm_monitor_scheduled_query_rules_alert_v2"]["auth_failures"];
    let query = auth["criteria"]["query"].as_str().unwrap();
    assert!(
        query.starts_with(azure::MANAGED_LOG_TABLE)
            && query.contains("EventType == \"auth\" and EventStatus == 0"),
        "{query}"
    );
    assert_eq!(auth["criteria"]["threshold"], 0);
    let cache = render_terraform(
        &root().join("tests/fixtures/azure/cache-premium-cluster.yaml"),
        &tmp.path().join("cache-logs"),
        "azure",
    );
    let tf = tf_json(&cache.join("main.tf"));
    let diag = &tf["resource"]["azurerm_monitor_diagnostic_setting"]["redis"];
    assert_eq!(diag["enabled_log"]["category"], azure::CACHE_LOG_CATEGORY);
    assert_eq!(diag["enabled_metric"]["category"], "AllMetrics");
    assert_eq!(
        diag["target_resource_id"],
        "${azurerm_redis_cache.redis.id}"
    );
}

/// Google alert policies watch `redis.googleapis.com` metrics of the facts, on the monitored
/// resource of an instance or a cluster, filtered to this cache.
#[test]
fn gcp_policies_watch_memorystore_metrics_of_their_resource() {
    let tmp = TempDir::new("mon-gcp");
    for (spec, cluster) in [
        ("environments/production-gcp/cache.yaml", false),
        ("tests/fixtures/gcp/instance-read-replicas.yaml", false),
        ("tests/fixtures/gcp/cluster.yaml", true),
    ] {
        let dir = render_terraform(
            &root().join(spec),
            &tmp.path().join(spec.replace('/', "_")),
            "gcp",
        );
        let tf = tf_json(&dir.join("main.tf"));
        let policies = resources(&tf, "google_monitoring_alert_policy");
        assert!(policies.len() >= 5, "{spec}: {}", policies.len());
        for (name, p) in policies {
            assert!(
                p["notification_channels"].is_string() || p["notification_channels"].is_array(),
                "{spec} {name}"
            );
            let conditions = blocks(&p["conditions"]);
            // One condition, or a hit rate's floor beside it, which must hold too.
            let expected = if conditions.len() > 1 { "AND" } else { "OR" };
            assert_eq!(p["combiner"], expected, "{spec} {name}");
            for c in conditions {
                let c = &c["condition_threshold"];
                let filter = c["filter"].as_str().unwrap();
                let metric = filter
                    .split("metric.type = \"")
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .unwrap_or_else(|| panic!("{spec} {name}: {filter}"));
                let short = metric.strip_prefix(gcp::PREFIX).unwrap();
                let (list, resource, this) = if cluster {
                    (
                        gcp::CLUSTER_METRICS,
                        gcp::CLUSTER_RESOURCE,
                        "resource.labels.cluster_id = \"${google_redis_cluster.redis.name}\"",
                    )
                } else {
                    (
                        gcp::INSTANCE_METRICS,
                        gcp::INSTANCE_RESOURCE,
                        "resource.labels.instance_id = \"${google_redis_instance.redis.id}\"",
                    )
                };
                assert!(
                    list.iter().any(|(m, _)| *m == short),
                    "{spec} {name}: `{short}` is not a metric of its resource in the facts"
                );
                assert!(
                    filter.starts_with(&format!("resource.type = \"{resource}\"")),
                    "{filter}"
                );
                assert!(
                    filter.contains(this),
                    "{spec} {name}: not filtered to this cache: {filter}"
                );
                // Deltas are summed over their window; gauges must hold for it.
                let aligner = c["aggregations"]["per_series_aligner"].as_str().unwrap();
                match gcp::kind(short).unwrap() {
                    gcp::Kind::Delta => {
                        assert!(["ALIGN_SUM", "ALIGN_RATE"].contains(&aligner), "{name}")
                    }
                    gcp::Kind::Gauge => {
                        assert!(["ALIGN_MAX", "ALIGN_MEAN"].contains(&aligner), "{name}")
                    }
                }
            }
        }
        // A cluster's hit rate: hits per miss below 0.8 / 0.2, summed over the cluster, with
        // both counts of the facts.
        let hit_rate = &tf["resource"]["google_monitoring_alert_policy"]["hit_rate"];
        if cluster {
            let ratio = &blocks(&hit_rate["conditions"])[0]["condition_threshold"];
            for (key, metric) in [
                ("filter", "cluster/stats/total_keyspace_hits_count"),
                (
                    "denominator_filter",
                    "cluster/stats/total_keyspace_misses_count",
                ),
            ] {
                assert!(gcp::kind(metric).is_some(), "{metric}");
                assert!(
                    ratio[key]
                        .as_str()
                        .unwrap()
                        .ends_with(&format!("metric.type = \"{}{metric}\"", gcp::PREFIX)),
                    "{spec}: {ratio}"
                );
            }
            assert_eq!(ratio["comparison"], "COMPARISON_LT", "{spec}");
            assert_eq!(ratio["threshold_value"], 4, "{spec}");
            for aggregations in [&ratio["aggregations"], &ratio["denominator_aggregations"]] {
                assert_eq!(aggregations["per_series_aligner"], "ALIGN_SUM", "{spec}");
                assert_eq!(aggregations["cross_series_reducer"], "REDUCE_SUM", "{spec}");
                assert_eq!(
                    aggregations["group_by_fields"],
                    serde_json::json!(["resource.label.cluster_id"]),
                    "{spec}"
                );
            }
        }
        // The hit rate needs enough misses that the ratio means something: more than
        // (1 - t) x 1000 in the same 15 minutes, summed over the instance's or cluster's nodes.
        let floor = &blocks(&hit_rate["conditions"])[1]["condition_threshold"];
        let misses = if cluster {
            "cluster/stats/total_keyspace_misses_count"
        } else {
            "stats/keyspace_misses"
        };
        assert!(
            floor["filter"]
                .as_str()
                .unwrap()
                .ends_with(&format!("metric.type = \"{}{misses}\"", gcp::PREFIX)),
            "{spec}: {floor}"
        );
        assert_eq!(floor["comparison"], "COMPARISON_GT", "{spec}");
        assert_eq!(floor["aggregations"]["alignment_period"], "900s", "{spec}");
        // instance-read-replicas.yaml asks for 90%; the others keep the tier's 80%.
        let expected = if spec.contains("instance-read-replicas") {
            100
        } else {
            200
        };
        assert_eq!(floor["threshold_value"], expected, "{spec}");
    }
    // The spec's channels, where it names them.
    let dir = render_terraform(
        &root().join("tests/fixtures/gcp/instance-read-replicas.yaml"),
        &tmp.path().join("channels"),
        "gcp",
    );
    let tf = tf_json(&dir.join("main.tf"));
    let p = &tf["resource"]["google_monitoring_alert_policy"]["memory"];
    assert_eq!(
        p["notification_channels"][0],
        "projects/search-prod-4242/notificationChannels/1234567890"
    );
    let vars = std::fs::read_to_string(dir.join("variables.tf")).unwrap();
    assert!(!vars.contains("notification_channels"), "{vars}");
    // `blocked_clients: false` in that spec: no policy, and the threshold of the spec's hit rate.
    assert!(tf["resource"]["google_monitoring_alert_policy"]["blocked_clients"].is_null());
    assert_eq!(
        tf["resource"]["google_monitoring_alert_policy"]["hit_rate"]["conditions"][0]["condition_threshold"]
            ["threshold_value"],
        0.9
    );
}

/// What a platform cannot watch is "not supported" in the capability matrix, with what it does
/// instead; a spec that writes such a threshold gets the platform's not-honoured warning.
#[test]
fn an_unpublished_metric_is_not_supported_never_dropped() {
    let o = run_in(
        &root(),
        &[
            "--format",
            "json",
            "explain",
            "environments/production/cache.yaml",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let e: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let row = |setting: &str| {
        e["capabilities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["setting"] == setting)
            .unwrap_or_else(|| panic!("no capability row for {setting}"))["targets"][0]
            .clone()
    };
    assert_eq!(
        row("monitoring.alerts.blocked_clients")["support"],
        "not supported"
    );
    assert_eq!(row("monitoring.alerts.memory_percent")["support"], "mapped");

    let tmp = TempDir::new("mon-unsupported");
    let dir = tmp.path();
    std::fs::write(
        dir.join("cache.yaml"),
        "spec_version: 1\nname: shop\nenvironment: prod\ntier: development\nmonitoring: { alerts: { blocked_clients: 5 } }\ntargets:\n  aws: { region: us-east-1, node_type: cache.t4g.medium }\n",
    )
    .unwrap();
    let o = run_in(dir, &["--format", "json", "validate", "cache.yaml"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "CG2001")
        .unwrap_or_else(|| panic!("no CG2001: {v}"));
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("monitoring.alerts.blocked_clients"),
        "{d}"
    );
    assert_eq!(d["location"]["line"], 5);
}

/// A standalone spec that asks for a replication alert is told it cannot have one, and renders
/// no replication rule.
#[test]
fn replication_alerts_need_replicas() {
    let tmp = TempDir::new("mon-replication");
    let dir = tmp.path();
    std::fs::write(
        dir.join("cache.yaml"),
        "spec_version: 1\nname: shop\nenvironment: dev\ntier: development\ntopology: { mode: standalone }\nmonitoring:\n  alerts: { replica_lag_seconds: 10, memory_percent: 85 }\n  compose: { exporter: true }\ntargets:\n  compose: {}\n",
    )
    .unwrap();
    let o = run_in(
        dir,
        &["--format", "json", "render", "cache.yaml", "--out", "out"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v.to_string().contains("CG1022"), "{v}");
    let rules = std::fs::read_to_string(dir.join("out/dev/redis-alerts.yml")).unwrap();
    assert!(rules.contains("alert: RedisMemoryHigh"), "{rules}");
    assert!(!rules.contains("Replica"), "{rules}");
    // Development's other alerts are off: only the unreachable rule and the one asked for.
    assert_eq!(rules.matches("- alert:").count(), 2, "{rules}");
}

/// A threshold no server can cross (a percentage past 100, a ratio below 1) would be an alert
/// that silently never fires: each is an error at its own line, saying the range, and a value
/// of the wrong kind says what a threshold takes.
#[test]
fn impossible_thresholds_are_errors_at_their_line() {
    let tmp = TempDir::new("mon-thresholds");
    let dir = tmp.path();
    let spec = "spec_version: 1\nname: shop\nenvironment: prod\ntier: production\nmonitoring:\n  alerts:\n    memory_percent: 150\n    fragmentation_ratio: 0.5\n    hit_rate_percent: 100\n    connections_percent: 0\n    cpu_percent: 101\n    replica_lag_seconds: -5\n    evictions: 0\n    auth_failures: false\n    blocked_clients: lots\ntargets:\n  compose: {}\n";
    std::fs::write(dir.join("cache.yaml"), spec).unwrap();
    let o = run_in(dir, &["--format", "json", "validate", "cache.yaml"]);
    assert_eq!(code(&o), 1, "{}", output_text(&o));
    let text = output_text(&o);
    for (field, line, words) in [
        ("memory_percent", 7, "at most 100"),
        ("fragmentation_ratio", 8, "at least 1"),
        ("hit_rate_percent", 9, "at most 99"),
        ("connections_percent", 10, "at least 1"),
        ("cpu_percent", 11, "at most 100"),
        ("replica_lag_seconds", 12, "at least 1"),
        ("blocked_clients", 15, "a whole number, or `false`"),
    ] {
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        let found = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["message"].as_str().unwrap().contains(field));
        let d = found.unwrap_or_else(|| panic!("{field}: no diagnostic in {text}"));
        assert_eq!(d["code"], "CG0013", "{field}: {d}");
        assert!(
            d["message"].as_str().unwrap().contains(words),
            "{field}: {d}"
        );
        assert_eq!(d["location"]["line"], line, "{field}: {d}");
    }
    // Zero evictions and a switched-off alert are thresholds, not mistakes.
    for ok in ["evictions", "auth_failures"] {
        assert!(!text.contains(&format!("alerts.{ok}")), "{ok}: {text}");
    }
}

/// A full `allkeys-*` cache evicts, which is its job: its memory alert is a warning (a
/// ticket to plan capacity). With `noeviction` (or `volatile-*`) a full cache refuses writes:
/// the memory alert pages. Every target says the same.
#[test]
fn the_memory_alert_pages_only_where_a_full_cache_refuses_writes() {
    let tmp = TempDir::new("mon-severity");
    for (policy, severity) in [
        ("allkeys-lru", "warning"),
        ("allkeys-lfu", "warning"),
        ("noeviction", "critical"),
        ("volatile-lru", "critical"),
    ] {
        let env = render_text(
            tmp.path(),
            policy,
            &format!(
                "spec_version: 1\nname: shop\nenvironment: prod\ntier: staging\nmemory: {{ max_memory: 1gb, eviction_policy: {policy} }}\nmonitoring:\n  compose: {{ exporter: true }}\ntargets:\n  compose: {{}}\n"
            ),
        );
        let rules = std::fs::read_to_string(env.join("redis-alerts.yml")).unwrap();
        let memory = rules
            .split("- alert: ")
            .find(|r| r.starts_with("RedisMemoryHigh"))
            .unwrap();
        assert!(
            memory.contains(&format!("\n          severity: {severity}\n")),
            "{policy}: {memory}"
        );
    }
    // The shipped production environments keep `allkeys-lru`: warnings in every cloud.
    let aws =
        std::fs::read_to_string(root().join("generated/production/terraform/aws/main.tf")).unwrap();
    assert!(aws.contains("\"RedisMemoryHigh (warning):"), "aws");
    let gcp =
        std::fs::read_to_string(root().join("generated/production-gcp/terraform/gcp/main.tf"))
            .unwrap();
    let policy = gcp
        .split("resource \"google_monitoring_alert_policy\" \"memory\"")
        .nth(1)
        .and_then(|r| r.split("\nresource ").next())
        .unwrap();
    assert!(
        policy.contains("severity              = \"WARNING\""),
        "gcp: {policy}"
    );
}

/// The exporter on a host port a cluster node publishes (node `i` on `host_port + i`) is an
/// error at the exporter's port, naming the Redis port; the first port past the nodes is free.
#[test]
fn the_exporter_port_must_not_be_a_redis_nodes_port() {
    let tmp = TempDir::new("mon-exporter-port");
    for (port, clash) in [(7005, true), (7006, false), (6999, false)] {
        let dir = tmp.path().join(port.to_string());
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("cache.yaml"),
            format!("spec_version: 1\nname: shop\nenvironment: dev\ntier: development\ntopology: {{ mode: cluster, shards: 3, replicas: 1 }}\nmonitoring:\n  compose: {{ exporter: true, exporter_port: {port} }}\ntargets:\n  compose: {{ host_port: 7000 }}\n"),
        )
        .unwrap();
        let o = run_in(&dir, &["--format", "json", "validate", "cache.yaml"]);
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        let found: Vec<&Value> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "CG5011")
            .collect();
        if clash {
            assert_eq!(code(&o), 1, "{port}: {}", output_text(&o));
            assert_eq!(found.len(), 1, "{port}: {v}");
            assert_eq!(found[0]["location"]["line"], 7, "{port}: {v}");
            assert_eq!(found[0]["related"][0]["location"]["line"], 9, "{port}: {v}");
        } else {
            assert!(found.is_empty(), "{port}: {v}");
        }
    }
}

/// A compose stack in cluster mode with every alert on (staging's defaults): the rules file
/// the promtool tests run.
const CLUSTER_SPEC: &str = "spec_version: 1
name: shop
environment: prod
tier: staging
topology: { mode: cluster, shards: 3, replicas: 1 }
memory: { max_memory: 1gb }
security: { tls: { enabled: true } }
monitoring:
  compose: { exporter: true }
targets:
  compose: {}
";

fn promtool() -> Option<PathBuf> {
    tool("promtool")
}

/// Every metric name a rules file uses (in `expr` only: annotations name none).
pub fn rule_metrics(rules: &str) -> BTreeSet<String> {
    let doc: Value = serde_saphyr_like(rules);
    let mut out = BTreeSet::new();
    for g in doc["groups"].as_array().unwrap() {
        for r in g["rules"].as_array().unwrap() {
            let expr = r["expr"].as_str().unwrap();
            let mut word = String::new();
            for c in expr.chars().chain(std::iter::once(' ')) {
                if c.is_ascii_alphanumeric() || c == '_' || c == ':' {
                    word.push(c);
                } else {
                    if word.starts_with("redis_") && !matches!(c, '(') {
                        out.insert(word.clone());
                    }
                    word.clear();
                }
            }
        }
    }
    out
}

/// The rules file as JSON (it is YAML; Python's yaml, as CI has it, would do too, but JSON
/// from our own reading keeps the test free of another tool).
fn serde_saphyr_like(text: &str) -> Value {
    let v: serde_json::Value = serde_saphyr::from_str(text).expect("redis-alerts.yml is YAML");
    v
}

#[test]
fn rules_use_only_exporter_metrics() {
    let tmp = TempDir::new("mon-rule-metrics");
    let env = render_text(tmp.path(), "cluster", CLUSTER_SPEC);
    let rules = std::fs::read_to_string(env.join("redis-alerts.yml")).unwrap();
    let used = rule_metrics(&rules);
    for m in &used {
        assert!(
            exporter::METRICS.contains(&m.as_str()),
            "`{m}` is not a metric of redis_exporter 1.45 (facts::metrics::exporter)"
        );
    }
    assert!(used.len() >= 15, "{used:?}");
}

/// `promtool check rules`, then a unit test of each alert at the spec's thresholds: just past
/// the threshold it fires (after its `for`), just within it does not.
#[test]
fn prometheus_rules_pass_promtool_check_and_a_unit_test_per_alert() {
    let Some(promtool) = promtool() else {
        return;
    };
    let tmp = TempDir::new("mon-promtool");
    let env = render_text(tmp.path(), "cluster", CLUSTER_SPEC);
    let rules = env.join("redis-alerts.yml");
    let o = Command::new(&promtool)
        .arg("check")
        .arg("rules")
        .arg(&rules)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", output_text(&o));
    assert!(
        output_text(&o).contains("SUCCESS: 13 rules found"),
        "{}",
        output_text(&o)
    );

    let doc = serde_saphyr_like(&std::fs::read_to_string(&rules).unwrap());
    let described: std::collections::BTreeMap<String, String> = doc["groups"][0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["alert"].as_str().unwrap().to_string(),
                r["annotations"]["description"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    let tests = unit_tests(&described);
    std::fs::write(env.join("redis-alerts.test.yml"), &tests).unwrap();
    let o = Command::new(&promtool)
        .arg("test")
        .arg("rules")
        .arg(env.join("redis-alerts.test.yml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}\n{tests}", output_text(&o));

    // The tests can fail: a threshold moved past the test's values is caught.
    let text = std::fs::read_to_string(&rules).unwrap();
    std::fs::write(
        &rules,
        text.replace(
            "> 0.9 and redis_memory_max_bytes",
            "> 0.96 and redis_memory_max_bytes",
        ),
    )
    .unwrap();
    let o = Command::new(&promtool)
        .arg("test")
        .arg("rules")
        .arg(env.join("redis-alerts.test.yml"))
        .output()
        .unwrap();
    assert!(
        !o.status.success(),
        "a moved threshold passed the unit tests"
    );
    assert!(
        output_text(&o).contains("RedisMemoryHigh"),
        "{}",
        output_text(&o)
    );
}

/// The promtool unit tests: one group per alert, with the series that cross its threshold and
/// those that do not. Every series is of the job the rules select (`shop-prod`).
fn unit_tests(described: &std::collections::BTreeMap<String, String>) -> String {
    const J: &str = "job=\"shop-prod\",instance=\"redis://redis-0:6379\"";
    // (alert, input series, eval time, fires?, extra labels, summary)
    struct Case {
        alert: &'static str,
        series: Vec<(String, &'static str)>,
        at: &'static str,
        fires: bool,
        labels: &'static str,
        summary: &'static str,
    }
    let s = |m: &str, extra: &str| {
        if extra.is_empty() {
            format!("{m}{{{J}}}")
        } else {
            format!("{m}{{{J},{extra}}}")
        }
    };
    let job_labels = "job: shop-prod, instance: \"redis://redis-0:6379\"";
    let cases = vec![
        Case {
            alert: "RedisDown",
            series: vec![(s("redis_up", ""), "1 0x5"), (s("up", ""), "1x6")],
            at: "3m",
            fires: true,
            labels: job_labels,
            summary: "Redis redis://redis-0:6379 is unreachable",
        },
        Case {
            alert: "RedisDown",
            series: vec![(s("redis_up", ""), "1x6"), (s("up", ""), "1x6")],
            at: "3m",
            fires: false,
            labels: "",
            summary: "",
        },
        Case {
            alert: "RedisMemoryHigh",
            series: vec![
                (s("redis_memory_used_bytes", ""), "50 50 95x10"),
                (s("redis_memory_max_bytes", ""), "100x12"),
            ],
            at: "8m",
            fires: true,
            labels: job_labels,
            summary: "Redis redis://redis-0:6379 uses 95% of maxmemory",
        },
        Case {
            alert: "RedisMemoryHigh",
            series: vec![
                (s("redis_memory_used_bytes", ""), "50 50 95x10"),
                (s("redis_memory_max_bytes", ""), "100x12"),
            ],
            at: "5m",
            fires: false,
            labels: "",
            summary: "",
        },
        Case {
            alert: "RedisMemoryHigh",
            series: vec![
                (s("redis_memory_used_bytes", ""), "90x10"),
                (s("redis_memory_max_bytes", ""), "100x10"),
            ],
            at: "9m",
            fires: false,
            labels: "",
            summary: "",
        },
        Case {
            alert: "RedisMemoryHigh",
            series: vec![
                (s("redis_memory_used_bytes", ""), "95x10"),
                (s("redis_memory_max_bytes", ""), "0x10"),
            ],
            at: "9m",
            fires: false,
            labels: "",
            summary: "",
        },
        Case {
            alert: "RedisFragmentationHigh",
            series: vec![
                (s("redis_mem_fragmentation_ratio", ""), "2x20"),
                (s("redis_mem_fragmentation_bytes", ""), "300000000x20"),
            ],
            at: "16m",
            fires: true,
            labels: job_labels,
            summary: "Redis redis://redis-0:6379 has a fragmentation ratio of 2.00",
        },
        Case {
            alert: "RedisFragmentationHigh",
            series: vec![
                (s("redis_mem_fragmentation_ratio", ""), "6x20"),
                (s("redis_mem_fragmentation_bytes", ""), "12000000x20"),
            ],
            at: "16m",
            fires: false,
            labels: "",
            summary: "",
        },
        // 60 hits and 40 misses a minute: 60%, over 1500 lookups in 15 minutes.
        Case {
            alert: "RedisHitRateLow",
            series: vec![
                (s("redis_keyspace_hits_total", ""), "0+60x20"),
                (s("redis_keyspace_misses_total", ""), "0+40x20"),
            ],
            at: "20m",
            fires: true,
            labels: job_labels,
            summary: "Redis redis://redis-0:6379 hit rate is 60%",
        },
        Case {
            alert: "RedisHitRateLow",
            series: vec![
                (s("redis_keyspace_hits_total", ""), "0+90x20"),
                (s("redis_keyspace_misses_total", ""), "0+10x20"),
            ],
            at: "20m",
            fires: false,
            labels: "",
            summary: "",
        },
        // 30% but only 150 lookups in 15 minutes: too few to judge.
        Case {
            alert: "RedisHitRateLow",
            series: vec![
                (s("redis_keyspace_hits_total", ""), "0+3x20"),
                (s("redis_keyspace_misses_total", ""), "0+7x20"),
            ],
            at: "20m",
            fires: false,
            labels: "",
            summary: "",
        },
        Case {
            alert: "RedisEvictions",
            series: vec![(s("redis_evicted_keys_total", ""), "0 0 0 40 80")],
            at: "4m",
            fires: true,
            labels: job_labels,
            summary: "Redis redis://redis-0:6379 evicted 80 keys in 5m",
        },
        Case {
            alert: "RedisEvictions",
            series: vec![(s("redis_evicted_keys_total", ""), "80x10")],
            at: "8m",
            fires: false,
            labels: "",
            summary: "",
        },
        Case {
            alert: "RedisConnectionsHigh",
            series: vec![
                (s("redis_connected_clients", ""), "9000x10"),
                (s("redis_config_maxclients", ""), "10000x10"),
            ],
            at: "6m",
            fires: true,
            labels: job_labels,
            summary: "Redis redis://redis-0:6379 is at 90% of maxclients",
        },
        Case {
            alert: "RedisConnectionsHigh",
            series: vec![
                (s("redis_connected_clients", ""), "7900x10"),
                (s("redis_config_maxclients", ""), "10000x10"),
            ],
            at: "6m",
            fires: false,
            labels: "",
            summary: "",
        },
        Case {
            alert: "RedisRejectedConnections",
            series: vec![(s("redis_rejected_connections_total", ""), "0 0 0 0 3")],
            at: "4m",
            fires: true,
            labels: job_labels,
            summary: "Redis redis://redis-0:6379 rejected 3 connections in 5m (maxclients reached)",
        },
        Case {
            alert: "RedisBlockedClients",
            series: vec![(s("redis_blocked_clients", ""), "11x10")],
            at: "6m",
            fires: true,
            labels: job_labels,
            summary: "Redis redis://redis-0:6379 has 11 blocked clients",
        },
        Case {
            alert: "RedisBlockedClients",
            series: vec![(s("redis_blocked_clients", ""), "10x10")],
            at: "6m",
            fires: false,
            labels: "",
            summary: "",
        },
        Case {
            alert: "RedisReplicaLagHigh",
            series: vec![(
                s(
                    "redis_connected_slave_lag_seconds",
                    "slave_ip=\"10.0.0.2\",slave_port=\"6379\",slave_state=\"online\"",
                ),
                "31x10",
            )],
            at: "6m",
            fires: true,
            labels: "job: shop-prod, instance: \"redis://redis-0:6379\", slave_ip: \"10.0.0.2\", slave_port: \"6379\", slave_state: online",
            summary: "A replica of Redis redis://redis-0:6379 is 31 s behind",
        },
        Case {
            alert: "RedisReplicaLagHigh",
            series: vec![(
                s(
                    "redis_connected_slave_lag_seconds",
                    "slave_ip=\"10.0.0.2\",slave_port=\"6379\",slave_state=\"online\"",
                ),
                "30x10",
            )],
            at: "6m",
            fires: false,
            labels: "",
            summary: "",
        },
        Case {
            alert: "RedisReplicaMissing",
            series: vec![
                (s("redis_connected_slaves", ""), "1 1 0x8"),
                (s("redis_instance_info", "role=\"master\""), "1x10"),
            ],
            at: "5m",
            fires: true,
            labels: job_labels,
            summary: "Redis primary redis://redis-0:6379 has 0 connected replicas, expected 1",
        },
        Case {
            alert: "RedisReplicaMissing",
            series: vec![
                (s("redis_connected_slaves", ""), "1x10"),
                (s("redis_instance_info", "role=\"master\""), "1x10"),
            ],
            at: "5m",
            fires: false,
            labels: "",
            summary: "",
        },
        Case {
            alert: "RedisReplicationLinkDown",
            series: vec![(
                s(
                    "redis_master_link_up",
                    "master_host=\"redis-3\",master_port=\"6379\"",
                ),
                "1 1 0x8",
            )],
            at: "5m",
            fires: true,
            labels: "job: shop-prod, instance: \"redis://redis-0:6379\", master_host: redis-3, master_port: \"6379\"",
            summary: "Redis replica redis://redis-0:6379 lost its link to redis-3:6379",
        },
        Case {
            alert: "RedisAuthFailures",
            series: vec![(
                s("redis_commands_failed_calls_total", "cmd=\"auth\""),
                "0 0 0 3 3",
            )],
            at: "4m",
            fires: true,
            labels: "instance: \"redis://redis-0:6379\"",
            summary: "3 failed authentications on Redis redis://redis-0:6379 in 5m",
        },
        Case {
            alert: "RedisAuthFailures",
            series: vec![(
                s("redis_commands_failed_calls_total", "cmd=\"auth\""),
                "0 0 0 2 2",
            )],
            at: "4m",
            fires: false,
            labels: "",
            summary: "",
        },
        // 0.95 CPU-seconds a second on the main thread.
        Case {
            alert: "RedisCpuHigh",
            series: vec![
                (s("redis_cpu_sys_main_thread_seconds_total", ""), "0+57x30"),
                (s("redis_cpu_user_main_thread_seconds_total", ""), "0x30"),
            ],
            at: "25m",
            fires: true,
            labels: job_labels,
            summary: "Redis redis://redis-0:6379 main thread uses 95% of a CPU",
        },
        Case {
            alert: "RedisCpuHigh",
            series: vec![
                (s("redis_cpu_sys_main_thread_seconds_total", ""), "0+30x30"),
                (s("redis_cpu_user_main_thread_seconds_total", ""), "0+18x30"),
            ],
            at: "25m",
            fires: false,
            labels: "",
            summary: "",
        },
    ];
    let covered: BTreeSet<&str> = cases.iter().filter(|c| c.fires).map(|c| c.alert).collect();
    for a in described.keys() {
        assert!(covered.contains(a.as_str()), "no unit test fires {a}");
    }
    let mut out = String::from("rule_files: [redis-alerts.yml]\nevaluation_interval: 1m\ntests:\n");
    for c in &cases {
        out.push_str(&format!(
            "  - name: {}\n    interval: 1m\n    input_series:\n",
            serde_json::to_string(&format!(
                "{} {}",
                c.alert,
                if c.fires { "fires" } else { "stays quiet" }
            ))
            .unwrap()
        ));
        for (series, values) in &c.series {
            out.push_str(&format!(
                "      - series: {}\n        values: '{values}'\n",
                serde_json::to_string(series).unwrap()
            ));
        }
        out.push_str(&format!(
            "    alert_rule_test:\n      - eval_time: {}\n        alertname: {}\n",
            c.at, c.alert
        ));
        if c.fires {
            // RedisMemoryHigh is a warning here: the spec keeps the default `allkeys-lru`, under
            // which a full cache evicts instead of refusing writes.
            let severity = if matches!(
                c.alert,
                "RedisDown"
                    | "RedisRejectedConnections"
                    | "RedisReplicaMissing"
                    | "RedisReplicationLinkDown"
            ) {
                "critical"
            } else {
                "warning"
            };
            out.push_str(&format!(
                "        exp_alerts:\n          - exp_labels: {{severity: {severity}, environment: prod, {}}}\n            exp_annotations:\n              summary: {}\n              description: {}\n",
                c.labels,
                serde_json::to_string(c.summary).unwrap(),
                serde_json::to_string(&described[c.alert]).unwrap()
            ));
        } else {
            out.push_str("        exp_alerts: []\n");
        }
    }
    out
}

const SUPPORT_START: &str =
    "<!-- alert-support:start (generated from the capability matrix by tests/it/monitoring.rs) -->";
const SUPPORT_END: &str = "<!-- alert-support:end -->";

/// What each platform watches for each alert, from the capability matrix of a production spec
/// with replicas on each (the compose stack in cluster mode, with the exporter).
fn alert_support_table() -> String {
    use cachegen::settings::{Platform, Support};
    let plan = |targets: Value, mode: &str| {
        let spec = serde_json::json!({
            "spec_version": 1, "name": "x", "environment": "y", "tier": "production",
            "topology": { "mode": mode, "replicas": 1 },
            "monitoring": { "compose": { "exporter": true } },
            "targets": targets,
        });
        cachegen::plan::resolve(&serde_json::from_value(spec).unwrap(), "x.yaml")
    };
    let columns = [
        (
            "ElastiCache",
            Platform::Aws,
            plan(
                serde_json::json!({ "aws": { "region": "us-east-1", "node_type": "cache.r7g.large" } }),
                "replicated",
            ),
        ),
        (
            "Azure Cache",
            Platform::AzureCache,
            plan(
                serde_json::json!({ "azure": { "service": "cache", "location": "eastus", "resource_group": "rg", "sku": "Premium_P2" } }),
                "replicated",
            ),
        ),
        (
            "Azure Managed Redis",
            Platform::AzureManaged,
            plan(
                serde_json::json!({ "azure": { "service": "managed", "location": "eastus", "resource_group": "rg", "sku": "Balanced_B10" } }),
                "replicated",
            ),
        ),
        (
            "Memorystore instance",
            Platform::Gcp,
            plan(
                serde_json::json!({ "gcp": { "region": "us-central1" } }),
                "replicated",
            ),
        ),
        (
            "Memorystore cluster",
            Platform::Gcp,
            plan(
                serde_json::json!({ "gcp": { "region": "us-central1" } }),
                "cluster",
            ),
        ),
        (
            "self-hosted",
            Platform::Compose,
            plan(serde_json::json!({ "compose": {} }), "cluster"),
        ),
    ];
    let mut out = vec![
        format!(
            "| alert | {} |",
            columns.iter().map(|c| c.0).collect::<Vec<_>>().join(" | ")
        ),
        format!("| --- |{}", " --- |".repeat(columns.len())),
    ];
    for kind in cachegen::plan::AlertKind::ALL {
        let setting = kind.setting();
        let cells: Vec<String> = columns
            .iter()
            .map(|(_, platform, plan)| {
                let s = cachegen::targets::capability::support(
                    cachegen::targets::backend(*platform),
                    setting,
                    plan,
                );
                let first_code = |d: &str| d.split('`').nth(1).map(|c| format!("`{c}`"));
                match &s {
                    Support::Mapped(d) => first_code(d).unwrap_or_else(|| "yes".into()),
                    Support::Approximated(_) => "events only".into(),
                    Support::NotSupported(_) => "not supported".into(),
                    other => other.label().into(),
                }
            })
            .collect();
        out.push(format!(
            "| `{}` | {} |",
            setting.path.trim_start_matches("monitoring.alerts."),
            cells.join(" | ")
        ));
    }
    out.join("\n")
}

/// The docs' table of what each platform watches is the capability matrix's (run
/// `UPDATE_DOCS=1 cargo test --test it monitoring::` after changing an answer). The table is
/// in docs/monitoring.md once scripts/split-readme.py has split the README, in README.md before.
#[test]
fn readme_alert_support_table_is_the_capability_matrix() {
    let page = root().join("docs/monitoring.md");
    let path = if page.exists() {
        page
    } else {
        root().join("README.md")
    };
    let readme = std::fs::read_to_string(&path).unwrap();
    let (before, rest) = readme
        .split_once(SUPPORT_START)
        .expect("the alert support start marker");
    let (_, after) = rest
        .split_once(SUPPORT_END)
        .expect("the alert support end marker");
    let expected = format!(
        "{before}{SUPPORT_START}\n{}\n{SUPPORT_END}{after}",
        alert_support_table()
    );
    if readme != expected {
        if std::env::var_os("UPDATE_DOCS").is_some() || std::env::var_os("UPDATE_README").is_some()
        {
            std::fs::write(&path, expected).unwrap();
        } else {
            panic!(
                "{}: the alert support table is stale: run `UPDATE_DOCS=1 cargo test --test it monitoring::`",
                path.display()
            );
        }
    }
    // Every alert's name is in the README's runbook.
    for kind in cachegen::plan::AlertKind::ALL {
        assert!(
            readme.contains(&format!("| `{}`", kind.name())),
            "the runbook lacks {}",
            kind.name()
        );
    }
}
