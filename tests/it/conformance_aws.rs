//! The AWS target, checked by the tools that consume it: `terraform fmt -check`, `terraform
//! init` from the hashicorp/aws filesystem mirror of this machine image, `terraform validate`,
//! an offline `terraform plan` (mock credentials; Secrets Manager answered by a stub on
//! loopback that also proves which secret is read; the planned alarms are checked against the
//! ElastiCache metrics of the facts, one per member cluster), and checkov with zero failed
//! checks for `tier: production`. Every generated file is a golden snapshot.
//!
//! Terraform and its provider mirror come with the machine image, not from a registry: where
//! they are missing these tests print SKIPPED, also under CI.

use crate::common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

const FIXTURES: &[&str] = &[
    "valkey-cluster",
    "redis-replicated-env",
    "redis-token-secrets-manager",
    "development-standalone",
];

struct Terraform {
    bin: PathBuf,
    rc: PathBuf,
}

/// Terraform with a CLI config that installs hashicorp/aws from the mirror and nothing else.
fn terraform(work: &Path) -> Option<Terraform> {
    let Some(bin) = which("terraform") else {
        eprintln!("SKIPPED: terraform not found");
        return None;
    };
    let Some(mirror) = aws_mirror() else {
        eprintln!("SKIPPED: no hashicorp/aws filesystem mirror found (set CACHEGEN_TF_MIRROR)");
        return None;
    };
    let rc = work.join("terraformrc");
    std::fs::write(
        &rc,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n}}\n",
            mirror.display()
        ),
    )
    .unwrap();
    Some(Terraform { bin, rc })
}

impl Terraform {
    fn run(&self, dir: &Path, args: &[&str]) -> (bool, String) {
        let o = Command::new(&self.bin)
            .args(args)
            .current_dir(dir)
            .env("TF_CLI_CONFIG_FILE", &self.rc)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("AWS_PROFILE")
            .output()
            .unwrap();
        (o.status.success(), output_text(&o))
    }
}

/// A stand-in for the Secrets Manager API on loopback: answers GetSecretValue with a fixed
/// token and records which secret was asked for.
struct SecretsStub {
    port: u16,
    asked: Arc<Mutex<Vec<String>>>,
}

fn secrets_stub() -> SecretsStub {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = asked.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = reader.read_exact(&mut body);
            let req: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let id = req["SecretId"].as_str().unwrap_or_default().to_string();
            log.lock().unwrap().push(id.clone());
            let reply = serde_json::json!({
                "ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:stub-AbCdEf",
                "Name": id, "SecretString": "OfflinePlanToken-1234567890", "VersionId": "v1",
                "VersionStages": ["AWSCURRENT"], "CreatedDate": 1700000000
            })
            .to_string();
            let mut s = stream;
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
    SecretsStub { port, asked }
}

/// Render a spec into `out` and return its `terraform/aws` folder.
fn render(spec: &Path, out: &Path) -> PathBuf {
    render_terraform(spec, out, "aws")
}

fn specs() -> Vec<(String, PathBuf)> {
    let mut v = vec![(
        "production".to_string(),
        root().join("environments/production/cache.yaml"),
    )];
    for f in FIXTURES {
        v.push((
            f.to_string(),
            root().join(format!("tests/fixtures/aws/{f}.yaml")),
        ));
    }
    v
}

#[test]
fn aws_terraform_is_formatted_valid_and_plans_offline() {
    let tmp = TempDir::new("aws-tf");
    let Some(tf) = terraform(tmp.path()) else {
        return;
    };
    let stub = secrets_stub();
    // Two at a time: each terraform run starts the (large) provider binary.
    let all = specs();
    std::thread::scope(|s| {
        for chunk in all.chunks(all.len().div_ceil(2)) {
            let (tf, stub, tmp) = (&tf, &stub, &tmp);
            s.spawn(move || {
                for (name, spec) in chunk {
                    plan_one(tf, stub, &tmp.path().join(name), name, spec);
                }
            });
        }
    });
}

fn plan_one(tf: &Terraform, stub: &SecretsStub, out: &Path, name: &str, spec: &Path) {
    {
        let dir = render(spec, out);
        let (ok, out) = tf.run(&dir, &["fmt", "-check", "-diff", "-no-color"]);
        assert!(ok, "{name}: terraform fmt -check:\n{out}");
        let (ok, out) = tf.run(
            &dir,
            &["init", "-input=false", "-no-color", "-backend=false"],
        );
        assert!(ok, "{name}: terraform init:\n{out}");
        let (ok, out) = tf.run(&dir, &["validate", "-no-color"]);
        assert!(ok, "{name}: terraform validate:\n{out}");
        if name == "production" {
            // The team's backend.tf of docs/outputs.md sits beside the generated files: the
            // module with it is still valid. (The plan below runs without a backend.)
            let backend = dir.join("backend.tf");
            std::fs::write(
                &backend,
                crate::docs::block_after("docs/outputs.md", "backend: aws"),
            )
            .unwrap();
            let (ok, out) = tf.run(&dir, &["validate", "-no-color"]);
            assert!(ok, "{name}: terraform validate with backend.tf:\n{out}");
            std::fs::remove_file(backend).unwrap();
        }

        // Offline plan: mock credentials, no account lookups, Secrets Manager on loopback.
        std::fs::write(
            dir.join("zz_offline_override.tf"),
            format!(
                "provider \"aws\" {{\n  access_key                  = \"mock\"\n  secret_key                  = \"mock\"\n  skip_credentials_validation = true\n  skip_requesting_account_id  = true\n  skip_metadata_api_check     = true\n  endpoints {{\n    secretsmanager = \"http://127.0.0.1:{}\"\n  }}\n}}\n",
                stub.port
            ),
        )
        .unwrap();
        let main = std::fs::read_to_string(dir.join("main.tf")).unwrap();
        let vars = std::fs::read_to_string(dir.join("variables.tf")).unwrap();
        let mut args = vec![
            "plan".to_string(),
            "-input=false".into(),
            "-no-color".into(),
            "-lock=false".into(),
            "-out=plan.bin".into(),
            "-var=vpc_id=vpc-0123456789abcdef0".into(),
            "-var=subnet_ids=[\"subnet-0123456789abcdef0\",\"subnet-0fedcba9876543210\"]".into(),
        ];
        if vars.contains("variable \"redis_password\"") {
            args.push("-var=redis_password=OfflinePlanPassword-1234".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (ok, out) = tf.run(&dir, &args);
        assert!(ok, "{name}: terraform plan:\n{out}");
        assert!(
            out.contains("to add, 0 to change, 0 to destroy"),
            "{name}: {out}"
        );
        assert!(
            !out.contains("OfflinePlan"),
            "{name}: a secret is shown in the plan"
        );
        let (ok, shown) = tf.run(&dir, &["show", "-json", "-no-color", "plan.bin"]);
        assert!(ok, "{name}: terraform show:\n{shown}");
        alarms_as_planned(name, &serde_json::from_str(&shown).unwrap());
        if let Some(start) = main.find("secret_id = ") {
            let secret = main[start + 12..]
                .lines()
                .next()
                .unwrap()
                .trim()
                .trim_matches('"')
                .to_string();
            let asked = stub.asked.lock().unwrap().clone();
            assert!(
                asked.contains(&secret),
                "{name}: the plan reads the spec's secret {secret}, asked {asked:?}"
            );
        }
    }
}

/// The alarms as the AWS provider plans them: one instance per member cluster, each on an
/// ElastiCache metric of the facts with `CacheClusterId` = that member, and every node of
/// every planned alarm is a member cluster of the group.
fn alarms_as_planned(name: &str, plan: &serde_json::Value) {
    use cachegen::facts::metrics::cloudwatch;
    let resources = plan["planned_values"]["root_module"]["resources"]
        .as_array()
        .unwrap();
    let group = resources
        .iter()
        .find(|r| r["type"] == "aws_elasticache_replication_group")
        .unwrap();
    let group_id = group["values"]["replication_group_id"].as_str().unwrap();
    let alarms: Vec<&serde_json::Value> = resources
        .iter()
        .filter(|r| r["type"] == "aws_cloudwatch_metric_alarm")
        .collect();
    let kinds: std::collections::BTreeSet<&str> =
        alarms.iter().map(|a| a["name"].as_str().unwrap()).collect();
    for a in &alarms {
        let node = a["index"].as_str().unwrap();
        assert!(
            node.starts_with(&format!("{group_id}-")),
            "{name}: alarm on {node}, not a member of {group_id}"
        );
        let v = &a["values"];
        assert_eq!(
            v["alarm_name"].as_str().unwrap().split_at(node.len()).0,
            node,
            "{name}"
        );
        let mut watched: Vec<&serde_json::Value> = Vec::new();
        if v["metric_name"].is_string() {
            watched.push(v);
        }
        for q in v["metric_query"].as_array().into_iter().flatten() {
            watched.extend(q["metric"].as_array().into_iter().flatten());
        }
        assert!(
            !watched.is_empty(),
            "{name}: {} watches nothing",
            a["address"]
        );
        for m in watched {
            let metric = m["metric_name"].as_str().unwrap();
            assert!(cloudwatch::METRICS.contains(&metric), "{name}: {metric}");
            assert_eq!(m["namespace"], cloudwatch::NAMESPACE, "{name}");
            assert_eq!(
                m["dimensions"],
                serde_json::json!({ cloudwatch::DIMENSION: node }),
                "{name}: {}",
                a["address"]
            );
        }
    }
    // Every alarm kind on every node: kinds x nodes instances.
    let nodes: std::collections::BTreeSet<&str> = alarms
        .iter()
        .map(|a| a["index"].as_str().unwrap())
        .collect();
    assert_eq!(alarms.len(), kinds.len() * nodes.len(), "{name}");
    if !alarms.is_empty() {
        // ElastiCache's events go to the alarms' topic: a given ARN, or the created topic's
        // (known after apply).
        let change = plan["resource_changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == "aws_elasticache_replication_group")
            .unwrap();
        assert!(
            change["change"]["after"]["notification_topic_arn"].is_string()
                || change["change"]["after_unknown"]["notification_topic_arn"] == true,
            "{name}: no notification_topic_arn"
        );
    }
}

/// Failed checks of one checkov run over `dir` (all folders under it), as
/// `folder: CHECK_ID resource`.
fn checkov_failures(checkov: &Path, dir: &Path) -> Vec<String> {
    let report = crate::common::checkov(checkov, dir);
    let mut failed = report.failed;
    if report.passed == 0 {
        failed.push("no check passed: checkov did not read the files".into());
    }
    if report.skipped != 0 {
        failed.push(format!(
            "{} check(s) skipped: a skip hides a finding",
            report.skipped
        ));
    }
    failed
}

#[test]
fn checkov_passes_every_production_aws_folder() {
    let Some(checkov) = tool("checkov") else {
        return;
    };
    let tmp = TempDir::new("aws-checkov");
    let all = tmp.path().join("production");
    let mut production = 0;
    for (name, spec) in specs() {
        let text = std::fs::read_to_string(&spec).unwrap();
        if text.contains("tier: production") {
            render(&spec, &all.join(&name));
            production += 1;
        }
    }
    assert!(production >= 3);
    let failed = checkov_failures(&checkov, &all);
    assert!(failed.is_empty(), "checkov failed checks: {failed:#?}");

    // The check can fail: without encryption at rest checkov reports CKV_AWS_29.
    let dir = render(
        &root().join("environments/production/cache.yaml"),
        &tmp.path().join("negative"),
    );
    let main = std::fs::read_to_string(dir.join("main.tf")).unwrap();
    // ... and the alarm topic without its key: CKV_AWS_26 (an unencrypted SNS topic).
    let topic_key = "  kms_master_key_id = aws_kms_key.alarms.arn\n";
    assert!(
        main.contains(topic_key),
        "the production alarm topic is encrypted"
    );
    std::fs::write(
        dir.join("main.tf"),
        main.replace(
            "at_rest_encryption_enabled = true",
            "at_rest_encryption_enabled = false",
        )
        .replace(topic_key, ""),
    )
    .unwrap();
    let failed = checkov_failures(&checkov, &dir);
    for id in ["CKV_AWS_29", "CKV_AWS_26"] {
        assert!(failed.iter().any(|f| f.contains(id)), "{id}: {failed:?}");
    }
}

#[test]
fn aws_fixture_files_match_their_golden_snapshots() {
    let tmp = TempDir::new("aws-golden");
    let settings = golden();
    for f in FIXTURES {
        let dir = render(
            &root().join(format!("tests/fixtures/aws/{f}.yaml")),
            &tmp.path().join(f),
        );
        for rel in cachegen::output::list_files(&dir).unwrap() {
            let text = std::fs::read_to_string(dir.join(&rel)).unwrap();
            settings.bind(|| insta::assert_snapshot!(format!("aws@{f}@{rel}"), text));
        }
    }
}
