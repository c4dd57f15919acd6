//! The day-2 harness: what the real hashicorp/aws provider plans when a rendering changes,
//! without any cloud. For each pair (old `terraform/aws` folder, new one) it builds a Terraform
//! state from the old rendering (planned against an empty state with mock credentials, planned
//! values turned into a state file, re-planned until nothing is pending), then plans the new
//! rendering against it with `-refresh=false` and reports each resource's action.
//!
//! Bulk mode keeps it cheap: a plan's fixed cost is the provider's start (several seconds), so
//! every distinct old rendering is a module of one root (one plan builds every base state) and
//! every pair is a module of a second root whose state is its base moved under `module.<pair>`
//! (one plan answers every pair). `terraform init` runs once; roots link its providers folder.
//! Secrets Manager, which the renderings read with a data source at every plan, is answered by
//! a stub on loopback (one request per connection: with keep-alive, concurrent reads saw
//! "use of closed network connection").
//!
//! What it cannot see: values AWS normalises on read (a KMS alias ARN stored as the key ARN, a
//! lower-cased window) drift only when the base state holds what a read returns; a pair can
//! patch its base state for that (`Pair::patch`).

use crate::common::{TempDir, aws_mirror, output_text, skip_or_fail, which};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

const ACCOUNT: &str = "123456789012";
const VPC: &str = "vpc-0123456789abcdef0";
const SUBNETS: &str = r#"["subnet-0123456789abcdef0","subnet-0fedcba9876543210"]"#;
const PASSWORD: &str = "OfflinePlanPassword-1234";
const SECRET: &str = "OfflinePlanToken-1234567890";
const PROVIDER: &str = "provider[\"registry.terraform.io/hashicorp/aws\"]";

/// What the provider does to one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    NoOp,
    Create,
    Update,
    /// Destroyed and created again (either order).
    Replace,
    Delete,
}

impl Action {
    pub fn parse(s: &str) -> Option<Action> {
        Some(match s {
            "no-op" => Action::NoOp,
            "create" => Action::Create,
            "update" => Action::Update,
            "replace" => Action::Replace,
            "delete" => Action::Delete,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::NoOp => "no-op",
            Action::Create => "create",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Delete => "delete",
        }
    }
}

/// One resource of a pair's plan.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ResourcePlan {
    pub action: Action,
    /// Terraform's actions as planned (`["create","delete"]` is a replacement that creates
    /// first: `create_before_destroy`).
    pub actions: Vec<String>,
    /// The arguments that force a replacement, dotted (`port`, `log_delivery_configuration.0`).
    pub replace_paths: Vec<String>,
    /// Arguments whose value changes (computed echoes such as `tags_all` left out).
    pub changed: Vec<String>,
    /// Old and new value of each changed argument; secrets are `(sensitive)`, values computed
    /// at apply `(known after apply)`.
    pub diff: BTreeMap<String, (Value, Value)>,
}

/// What the provider plans for a pair: each managed resource's action by address (relative to
/// the rendering, e.g. `aws_elasticache_replication_group.redis`), or the plan's error.
#[derive(Clone, Debug, serde::Serialize)]
pub enum PairPlan {
    Planned(BTreeMap<String, ResourcePlan>),
    Error(String),
}

impl PairPlan {
    /// The action for an address; a resource in neither rendering is a no-op.
    #[allow(dead_code)] // for other test modules (the change-impact agreement test)
    pub fn action(&self, address: &str) -> Option<Action> {
        match self {
            PairPlan::Planned(r) => Some(r.get(address).map_or(Action::NoOp, |p| p.action)),
            PairPlan::Error(_) => None,
        }
    }
}

/// One pair to plan: the old and the new `terraform/aws` folder of `cachegen render`.
#[derive(Clone, Debug)]
pub struct Pair {
    pub name: String,
    pub old: PathBuf,
    pub new: PathBuf,
    /// Attributes to overwrite in the old state before the new plan, by resource address: what
    /// AWS returns on a refresh (or after a step taken outside Terraform) that the planned
    /// values cannot know.
    pub patch: BTreeMap<String, serde_json::Map<String, Value>>,
    /// The plan is expected to fail (a deletion guard): planned in a root of its own, beside
    /// the others, so that its error costs no second plan of every pair.
    pub expect_error: bool,
}

/// Terraform set up to install hashicorp/aws from the filesystem mirror, and one shared
/// `terraform init` whose providers folder every root links.
pub struct Terraform {
    bin: PathBuf,
    rc: PathBuf,
    shared: PathBuf,
    _tmp: TempDir,
}

impl Terraform {
    /// Terraform with the mirror, initialised once. Terraform missing: SKIPPED (it comes with
    /// the machine image, so also under CI); the mirror missing with terraform present: a
    /// failure under CI=true.
    pub fn new() -> Option<Terraform> {
        let Some(bin) = which("terraform") else {
            eprintln!("SKIPPED: terraform not found: the day-2 harness needs it");
            return None;
        };
        let Some(mirror) = aws_mirror() else {
            skip_or_fail(
                "no hashicorp/aws filesystem mirror found (set CACHEGEN_TF_MIRROR): the day-2 harness plans with the real provider",
            );
            return None;
        };
        let tmp = TempDir::new("day2-tf");
        let rc = tmp.path().join("terraformrc");
        std::fs::write(
            &rc,
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n}}\n",
                mirror.display()
            ),
        )
        .unwrap();
        let shared = tmp.path().join("shared");
        std::fs::create_dir_all(&shared).unwrap();
        std::fs::write(
            shared.join("versions.tf"),
            "terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n  }\n}\n",
        )
        .unwrap();
        let tf = Terraform {
            bin,
            rc,
            shared,
            _tmp: tmp,
        };
        tf.run(
            &tf.shared,
            &["init", "-input=false", "-no-color", "-backend=false"],
        )
        .unwrap_or_else(|e| panic!("terraform init from the mirror: {e}"));
        // The corpus records what one provider version plans, the version the default
        // constraint of versions.tf is capped at: another one in the mirror is not evidence.
        let lock = std::fs::read_to_string(tf.shared.join(".terraform.lock.hcl")).unwrap();
        let installed = lock
            .lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix("version"))
            .map(|v| {
                v.trim_start_matches([' ', '='])
                    .trim_matches('"')
                    .to_string()
            })
            .unwrap_or_default();
        let tested = cachegen::facts::terraform::tested("aws").unwrap().tested;
        assert_eq!(
            installed, tested,
            "the mirror holds hashicorp/aws {installed}; the day-2 corpus and facts::terraform::TESTED are for {tested}: re-run the corpus with the new version and update both"
        );
        Some(tf)
    }

    fn command(&self, dir: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(&self.bin);
        c.args(args)
            .current_dir(dir)
            .env("TF_CLI_CONFIG_FILE", &self.rc)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_INPUT", "0");
        for k in [
            "AWS_PROFILE",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "TF_LOG",
            "TF_WORKSPACE",
            "TF_DATA_DIR",
        ] {
            c.env_remove(k);
        }
        c
    }

    /// Run terraform; its stdout, or everything it printed as the error.
    fn run(&self, dir: &Path, args: &[&str]) -> Result<String, String> {
        let o = self.command(dir, args).output().unwrap();
        if o.status.success() {
            Ok(String::from_utf8_lossy(&o.stdout).into_owned())
        } else {
            Err(format!("terraform {}: {}", args.join(" "), output_text(&o)))
        }
    }

    /// `plan -refresh=false -out=<file>` (with `-json` messages on stdout); Ok or the stdout of
    /// a failed plan (its diagnostics name the resources they are about).
    fn plan(&self, dir: &Path, out: &str) -> Result<String, String> {
        let o = self
            .command(
                dir,
                &[
                    "plan",
                    "-input=false",
                    "-no-color",
                    "-lock=false",
                    "-refresh=false",
                    "-json",
                    &format!("-out={out}"),
                ],
            )
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
        if o.status.success() {
            Ok(stdout)
        } else {
            Err(format!("{stdout}{}", String::from_utf8_lossy(&o.stderr)))
        }
    }

    fn show(&self, dir: &Path, planfile: &str) -> Value {
        let text = self
            .run(dir, &["show", "-json", planfile])
            .unwrap_or_else(|e| panic!("{e}"));
        serde_json::from_str(&text).unwrap()
    }
}

/// A stand-in for Secrets Manager on loopback: answers GetSecretValue with a fixed token, one
/// request per connection.
pub struct SecretsStub {
    pub port: u16,
}

pub fn secrets_stub() -> SecretsStub {
    use std::os::fd::AsRawFd;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    // A bulk plan reads one secret per pair at once; a longer queue than std's default keeps
    // the burst from being refused.
    // SAFETY: listen() on our own bound socket only changes its backlog.
    unsafe { libc::listen(listener.as_raw_fd(), 1024) };
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            std::thread::spawn(move || answer(stream));
        }
    });
    SecretsStub { port }
}

fn answer(stream: std::net::TcpStream) {
    let Ok(clone) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(clone);
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
    let mut body = vec![0; len.min(1 << 16)];
    let _ = reader.read_exact(&mut body);
    let req: Value = serde_json::from_slice(&body).unwrap_or_default();
    let reply = json!({
        "ARN": format!("arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:stub-AbCdEf"),
        "Name": req["SecretId"], "SecretString": SECRET, "VersionId": "v1",
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

/// The provider block of a bulk root: mock credentials, no account lookups, every endpoint a
/// plan might call on loopback (a forgotten data source fails fast instead of retrying AWS).
fn provider_block(region: &str, alias: &str, port: u16) -> String {
    let endpoints: String = [
        "secretsmanager",
        "sts",
        "kms",
        "elasticache",
        "ec2",
        "logs",
        "iam",
    ]
    .iter()
    .map(|s| format!("    {s} = \"http://127.0.0.1:{port}\"\n"))
    .collect();
    format!(
        "provider \"aws\" {{\n  alias                       = \"{alias}\"\n  region                      = \"{region}\"\n  access_key                  = \"mock\"\n  secret_key                  = \"mock\"\n  skip_credentials_validation = true\n  skip_requesting_account_id  = true\n  skip_metadata_api_check     = true\n  skip_region_validation      = true\n  max_retries                 = 3\n  endpoints {{\n{endpoints}  }}\n}}\n"
    )
}

/// The region of a rendering's `provider "aws"` block.
fn region_of(dir: &Path) -> String {
    let main = std::fs::read_to_string(dir.join("main.tf")).unwrap();
    let block = &main[main.find("provider \"aws\" {").expect("a provider block")..];
    let line = block
        .lines()
        .find(|l| l.trim_start().starts_with("region"))
        .expect("a region");
    line.split('"').nth(1).unwrap().to_string()
}

/// `main.tf` without its top-level `provider "aws" { ... }` block: a called module gets the
/// root's provider.
fn strip_provider(text: &str) -> String {
    let Some(start) = text.find("provider \"aws\" {") else {
        return text.to_string();
    };
    let mut depth = 0;
    for (i, c) in text[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return format!("{}{}", &text[..start], &text[start + i + 1..]);
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced provider block");
}

/// A root that calls each rendering (`key -> folder`) as `module.<key>`, with one provider
/// configuration per region. What `terraform init` would write for local modules is written
/// by hand: the providers folder is linked from the shared init, modules.json lists the
/// module folders. Returns the root and each key's provider alias.
fn bulk_root(
    tf: &Terraform,
    parent: &Path,
    prefix: &str,
    mods: &BTreeMap<String, PathBuf>,
    port: u16,
) -> (PathBuf, BTreeMap<String, String>) {
    let root = parent.join(prefix);
    std::fs::create_dir_all(root.join(".terraform/modules")).unwrap();
    let mut regions: BTreeMap<String, String> = BTreeMap::new();
    let mut aliases = BTreeMap::new();
    let mut calls = String::new();
    let mut listed = vec![json!({"Key": "", "Source": "", "Dir": "."})];
    for (key, src) in mods {
        let dst = root.join("mods").join(key);
        std::fs::create_dir_all(&dst).unwrap();
        let mut text = String::new();
        for e in std::fs::read_dir(src).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".tf") {
                continue;
            }
            let body = std::fs::read_to_string(e.path()).unwrap();
            let body = if name == "main.tf" {
                strip_provider(&body)
            } else {
                body
            };
            text.push_str(&body);
            std::fs::write(dst.join(&name), body).unwrap();
        }
        let region = region_of(src);
        let n = regions.len();
        let alias = regions
            .entry(region)
            .or_insert_with(|| format!("r{n}"))
            .clone();
        let mut inputs = format!("  vpc_id     = \"{VPC}\"\n  subnet_ids = {SUBNETS}\n");
        if text.contains("variable \"redis_password\"") {
            inputs.push_str(&format!("  redis_password = \"{PASSWORD}\"\n"));
        }
        calls.push_str(&format!(
            "module \"{key}\" {{\n  source    = \"./mods/{key}\"\n  providers = {{ aws = aws.{alias} }}\n{inputs}}}\n"
        ));
        listed.push(
            json!({"Key": key, "Source": format!("./mods/{key}"), "Dir": format!("mods/{key}")}),
        );
        aliases.insert(key.clone(), alias);
    }
    let mut main = String::from(
        "terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n  }\n}\n",
    );
    for (region, alias) in &regions {
        main.push_str(&provider_block(region, alias, port));
    }
    main.push_str(&calls);
    std::fs::write(root.join("main.tf"), main).unwrap();
    std::fs::write(
        root.join(".terraform/modules/modules.json"),
        json!({ "Modules": listed }).to_string(),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        tf.shared.join(".terraform/providers"),
        root.join(".terraform/providers"),
    )
    .unwrap();
    std::fs::copy(
        tf.shared.join(".terraform.lock.hcl"),
        root.join(".terraform.lock.hcl"),
    )
    .unwrap();
    (root, aliases)
}

/// The `planned_change` actions of a `plan -json` stream, and its error diagnostics.
fn stream(stdout: &str) -> (BTreeMap<String, String>, Vec<Value>) {
    let mut changes = BTreeMap::new();
    let mut errors = Vec::new();
    for line in stdout.lines() {
        let Ok(m) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        match m["type"].as_str() {
            Some("planned_change") => {
                changes.insert(
                    m["change"]["resource"]["addr"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                    m["change"]["action"].as_str().unwrap_or("").to_string(),
                );
            }
            Some("diagnostic") if m["diagnostic"]["severity"] == "error" => {
                errors.push(m["diagnostic"].clone());
            }
            _ => {}
        }
    }
    (changes, errors)
}

// ------------------------------------------------------------------ state from planned values

fn hex(seed: &str, n: usize) -> String {
    // FNV-1a, widened: a stable fake id per address, no crypto needed.
    let mut out = String::new();
    let mut h: u64 = 0xcbf29ce484222325;
    let mut round = 0u8;
    while out.len() < n {
        for b in seed.bytes().chain([round]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
        out.push_str(&format!("{h:016x}"));
        round += 1;
    }
    out.truncate(n);
    out
}

fn fake_uuid(seed: &str) -> String {
    let h = hex(seed, 32);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A plausible value for an attribute the plan left unknown (`v`: the known values).
/// `cluster`: whether a replication group is in cluster mode, decided from the planned values
/// before any fake fills `num_node_groups`.
fn fake(rtype: &str, attr: &str, v: &Value, addr: &str, region: &str, cluster: bool) -> Value {
    let arn = |svc: &str, rest: &str| json!(format!("arn:aws:{svc}:{region}:{ACCOUNT}:{rest}"));
    let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
    let rg = s("replication_group_id");
    match (rtype, attr) {
        ("aws_kms_key", "id" | "key_id") => json!(fake_uuid(addr)),
        ("aws_kms_key", "arn") => arn("kms", &format!("key/{}", fake_uuid(addr))),
        ("aws_kms_key", "multi_region") => json!(false),
        ("aws_kms_key", "rotation_period_in_days") => json!(365),
        ("aws_kms_key", "policy") => {
            json!(r#"{"Version":"2012-10-17","Id":"key-default-1","Statement":[]}"#)
        }
        ("aws_kms_alias", "id") => json!(s("name")),
        ("aws_kms_alias", "arn") => arn("kms", &s("name")),
        ("aws_kms_alias", "name_prefix") => json!(""),
        ("aws_kms_alias", "target_key_arn") if v["target_key_id"].is_string() => {
            arn("kms", &format!("key/{}", s("target_key_id")))
        }
        // A null id makes the SDK treat the instance as gone: the plan would say replace.
        ("aws_kms_key_policy", "id") => v["key_id"].clone(),
        ("aws_cloudwatch_log_group", "id") => json!(s("name")),
        ("aws_cloudwatch_log_group", "arn") => arn("logs", &format!("log-group:{}", s("name"))),
        ("aws_cloudwatch_log_group", "log_group_class") => json!("STANDARD"),
        ("aws_cloudwatch_log_group", "name_prefix") => json!(""),
        // The alarm topic and the alarms (monitoring): a null id reads as gone.
        ("aws_sns_topic", "id" | "arn") => arn("sns", &s("name")),
        ("aws_sns_topic", "name_prefix") => json!(""),
        ("aws_sns_topic", "owner") => json!(ACCOUNT),
        ("aws_cloudwatch_metric_alarm", "id") => json!(s("alarm_name")),
        // Sets of the topic's ARN: a list, which the reference then fills.
        ("aws_cloudwatch_metric_alarm", "alarm_actions" | "ok_actions") => json!([]),
        ("aws_cloudwatch_metric_alarm", "arn") => {
            arn("cloudwatch", &format!("alarm:{}", s("alarm_name")))
        }
        ("aws_elasticache_parameter_group", "id") => json!(s("name")),
        ("aws_elasticache_parameter_group", "arn") => {
            arn("elasticache", &format!("parametergroup:{}", s("name")))
        }
        ("aws_elasticache_subnet_group", "id") => json!(s("name")),
        ("aws_elasticache_subnet_group", "arn") => {
            arn("elasticache", &format!("subnetgroup:{}", s("name")))
        }
        ("aws_elasticache_subnet_group", "vpc_id") => json!(VPC),
        ("aws_elasticache_user", "id") => json!(s("user_id")),
        ("aws_elasticache_user", "arn") => arn("elasticache", &format!("user:{}", s("user_id"))),
        ("aws_elasticache_user_group", "id") => json!(s("user_group_id")),
        ("aws_elasticache_user_group", "arn") => {
            arn("elasticache", &format!("usergroup:{}", s("user_group_id")))
        }
        ("aws_security_group", "id") => json!(format!("sg-{}", hex(addr, 17))),
        ("aws_security_group", "arn") => {
            arn("ec2", &format!("security-group/sg-{}", hex(addr, 17)))
        }
        ("aws_security_group", "owner_id") => json!(ACCOUNT),
        ("aws_security_group", "name_prefix") => json!(""),
        ("aws_security_group", "ingress" | "egress") => json!([]),
        ("aws_vpc_security_group_ingress_rule", "id" | "security_group_rule_id") => {
            json!(format!("sgr-{}", hex(addr, 17)))
        }
        ("aws_vpc_security_group_ingress_rule", "arn") => {
            arn("ec2", &format!("security-group-rule/sgr-{}", hex(addr, 17)))
        }
        ("aws_elasticache_replication_group", _) => fake_replication_group(attr, v, &rg, cluster)
            .unwrap_or_else(|| {
                if attr == "arn" {
                    arn("elasticache", &format!("replicationgroup:{rg}"))
                } else {
                    Value::Null
                }
            }),
        _ => Value::Null,
    }
}

/// The replication group's computed values as a read stores them: the mode decides the
/// endpoints and counts (`num_cache_clusters = len(member_clusters)`, `num_node_groups =
/// len(NodeGroups)`), so cluster-mode values are derived before anything else.
fn fake_replication_group(attr: &str, v: &Value, rg: &str, cluster: bool) -> Option<Value> {
    let n = |k: &str| v[k].as_u64();
    Some(match attr {
        "id" => json!(rg),
        "cluster_enabled" => json!(cluster),
        "cluster_mode" => json!(if cluster { "enabled" } else { "disabled" }),
        "configuration_endpoint_address" => {
            if cluster {
                json!(format!("clustercfg.{rg}.ab12cd.use1.cache.amazonaws.com"))
            } else {
                Value::Null
            }
        }
        "primary_endpoint_address" => {
            if cluster {
                Value::Null
            } else {
                json!(format!("master.{rg}.ab12cd.use1.cache.amazonaws.com"))
            }
        }
        "reader_endpoint_address" => {
            if cluster {
                Value::Null
            } else {
                json!(format!("replica.{rg}.ab12cd.use1.cache.amazonaws.com"))
            }
        }
        "data_tiering_enabled" => json!(false),
        // 5.100 replaces the group on a TLS change below 7.0.5: the actual version matters.
        "engine_version_actual" => json!(format!("{}.0", v["engine_version"].as_str()?)),
        "global_replication_group_id" => Value::Null,
        "ip_discovery" | "network_type" => json!("ipv4"),
        "num_node_groups" => json!(1),
        "num_cache_clusters" => json!(if cluster {
            n("num_node_groups")? * (n("replicas_per_node_group")? + 1)
        } else {
            1
        }),
        "replicas_per_node_group" => json!(n("num_cache_clusters").unwrap_or(1) - 1),
        "member_clusters" => {
            let names: Vec<String> = if cluster {
                (1..=n("num_node_groups")?)
                    .flat_map(|s| {
                        let per = n("replicas_per_node_group").unwrap_or(0) + 1;
                        (1..=per).map(move |m| format!("{rg}-{s:04}-{m:03}"))
                    })
                    .collect()
            } else {
                (1..=n("num_cache_clusters").unwrap_or(1))
                    .map(|m| format!("{rg}-{m:03}"))
                    .collect()
            };
            json!(names)
        }
        "security_group_names" | "user_group_ids" | "security_group_ids" => json!([]),
        _ => return None,
    })
}

/// Unknown attributes inside blocks (nested `after_unknown`): the number of passwords of an
/// RBAC user. Left null, a nested computed value shows as a change on every later plan.
fn fill_nested(rtype: &str, vals: &mut Value, unknown: &Value, top: bool) {
    match (unknown, vals) {
        (Value::Object(u), Value::Object(v)) => {
            for (k, uk) in u {
                if uk == &Value::Bool(true) && !top && v.get(k).is_none_or(Value::is_null) {
                    let value = match (rtype, k.as_str()) {
                        ("aws_elasticache_user", "password_count") => {
                            json!(
                                v.get("passwords")
                                    .and_then(Value::as_array)
                                    .map_or(0, Vec::len)
                            )
                        }
                        _ => Value::Null,
                    };
                    v.insert(k.clone(), value);
                } else if (uk.is_object() || uk.is_array())
                    && let Some(child) = v.get_mut(k)
                {
                    fill_nested(rtype, child, uk, false);
                }
            }
        }
        (Value::Array(u), Value::Array(v)) => {
            for (uk, vk) in u.iter().zip(v.iter_mut()) {
                fill_nested(rtype, vk, uk, false);
            }
        }
        _ => {}
    }
}

/// after_sensitive (true, or nested objects and lists) as a state's sensitive_attributes paths.
fn sensitive_paths(s: &Value, path: &mut Vec<Value>, out: &mut Vec<Value>) {
    match s {
        Value::Bool(true) => out.push(Value::Array(path.clone())),
        Value::Object(m) => {
            for (k, x) in m {
                path.push(json!({"type": "get_attr", "value": k}));
                sensitive_paths(x, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(json!({"type": "index", "value": {"value": i, "type": "number"}}));
                sensitive_paths(x, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn sensitive_of(after_sensitive: &Value) -> Value {
    let mut out = Vec::new();
    sensitive_paths(after_sensitive, &mut Vec::new(), &mut out);
    Value::Array(out)
}

/// Take `after` where it is known; keep `old` where `after_unknown` marks it unknown.
fn merge_known(after: &Value, unknown: &Value, old: &Value) -> Value {
    if unknown == &Value::Bool(true) {
        return old.clone();
    }
    match (after, unknown) {
        (Value::Object(a), Value::Object(u)) => Value::Object(
            a.iter()
                .map(|(k, av)| {
                    (
                        k.clone(),
                        merge_known(
                            av,
                            u.get(k).unwrap_or(&Value::Bool(false)),
                            old.get(k).unwrap_or(&Value::Null),
                        ),
                    )
                })
                .collect(),
        ),
        (Value::Array(a), Value::Array(u)) if a.len() == u.len() => Value::Array(
            a.iter()
                .zip(u)
                .enumerate()
                .map(|(i, (av, uv))| merge_known(av, uv, old.get(i).unwrap_or(&Value::Null)))
                .collect(),
        ),
        _ => after.clone(),
    }
}

/// A resource of the planned values, with where it sits and what its configuration says.
struct Planned {
    module: String,
    rtype: String,
    name: String,
    /// The instance key of a resource with `for_each` or `count` (null without).
    index: Value,
    schema_version: Value,
    attrs: Value,
    unknown: Value,
    sensitive: Value,
    /// Argument -> absolute addresses it references.
    refs: BTreeMap<String, Vec<String>>,
    depends_on: Vec<String>,
}

fn modules<'a>(
    pv: &'a Value,
    cfg: &'a Value,
    prefix: String,
    out: &mut Vec<(String, &'a Value, &'a Value)>,
) {
    out.push((prefix, pv, cfg));
    for child in pv["child_modules"].as_array().into_iter().flatten() {
        let address = child["address"].as_str().unwrap();
        let key = address.rsplit('.').next().unwrap();
        let child_cfg = &cfg["module_calls"][key]["module"];
        modules(child, child_cfg, format!("{address}."), out);
    }
}

/// `terraform show -json` of a plan against an empty state -> a version 4 state. Works for
/// renderings called as child modules (bulk mode); `regions` gives each module's region.
fn build_state(pj: &Value, regions: &BTreeMap<String, String>) -> Value {
    let changes: BTreeMap<&str, &Value> = pj["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|rc| rc["mode"] == "managed")
        .map(|rc| (rc["address"].as_str().unwrap(), rc))
        .collect();
    let mut mods = Vec::new();
    modules(
        &pj["planned_values"]["root_module"],
        &pj["configuration"]["root_module"],
        String::new(),
        &mut mods,
    );
    let mut planned: BTreeMap<String, Planned> = BTreeMap::new();
    for (prefix, pm, cm) in mods {
        let cfg: BTreeMap<String, &Value> = cm["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| (format!("{prefix}{}", r["address"].as_str().unwrap()), r))
            .collect();
        for r in pm["resources"].as_array().into_iter().flatten() {
            if r["mode"] != "managed" {
                continue;
            }
            let address = r["address"].as_str().unwrap().to_string();
            // The configuration names a resource once, its instances (`x.y["key"]`) share it.
            let configured = address.split('[').next().unwrap();
            let c = cfg.get(configured).copied().unwrap_or(&Value::Null);
            let absolute = |x: &str| -> String {
                if x.starts_with("local.") || x.starts_with("var.") || x.starts_with("data.") {
                    x.to_string()
                } else {
                    format!("{prefix}{x}")
                }
            };
            let refs = c["expressions"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(k, e)| {
                    let list = e["references"].as_array()?;
                    Some((
                        k.clone(),
                        list.iter()
                            .filter_map(Value::as_str)
                            .map(absolute)
                            .collect(),
                    ))
                })
                .collect();
            let rc = changes[address.as_str()];
            planned.insert(
                address.clone(),
                Planned {
                    module: prefix.trim_end_matches('.').to_string(),
                    rtype: r["type"].as_str().unwrap().to_string(),
                    name: r["name"].as_str().unwrap().to_string(),
                    index: r["index"].clone(),
                    schema_version: r["schema_version"].clone(),
                    attrs: r["values"].clone(),
                    unknown: rc["change"]["after_unknown"].clone(),
                    sensitive: sensitive_of(&rc["change"]["after_sensitive"]),
                    refs,
                    depends_on: c["depends_on"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(absolute)
                        .collect(),
                },
            );
        }
    }
    let region = |p: &Planned| {
        regions
            .get(&p.module)
            .cloned()
            .unwrap_or_else(|| "us-east-1".into())
    };
    let unknown_keys = |p: &Planned| -> Vec<String> {
        p.unknown
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, u)| **u == Value::Bool(true))
            .map(|(k, _)| k.clone())
            .collect()
    };
    // Fakes first (the mode decides a replication group's counts), then plain references to
    // other resources' values, then fakes that derive from a resolved reference.
    let addresses: Vec<String> = planned.keys().cloned().collect();
    let cluster: BTreeMap<String, bool> = planned
        .iter()
        .map(|(a, p)| (a.clone(), p.attrs["num_node_groups"].is_number()))
        .collect();
    for a in &addresses {
        let p = &planned[a];
        let reg = region(p);
        let mut attrs = p.attrs.clone();
        for k in unknown_keys(p) {
            if attrs.get(&k).is_none_or(Value::is_null) {
                let f = fake(&p.rtype, &k, &attrs, a, &reg, cluster[a]);
                attrs[&k] = f;
            }
        }
        let (rtype, unknown) = (p.rtype.clone(), p.unknown.clone());
        fill_nested(&rtype, &mut attrs, &unknown, true);
        planned.get_mut(a).unwrap().attrs = attrs;
    }
    for _ in 0..4 {
        for a in &addresses {
            for k in unknown_keys(&planned[a]) {
                let Some(r) = resolve(&planned, a, &k) else {
                    continue;
                };
                let p = planned.get_mut(a).unwrap();
                // A list attribute (faked as []) set to `[x.y.attr]`.
                let value = if p.attrs[&k].is_array() && !r.is_array() {
                    json!([r])
                } else {
                    r
                };
                p.attrs[&k] = value;
            }
        }
    }
    for a in &addresses {
        let p = &planned[a];
        let reg = region(p);
        let mut attrs = p.attrs.clone();
        for k in unknown_keys(p) {
            if attrs[&k].is_null() {
                attrs[&k] = fake(&p.rtype, &k, &attrs, a, &reg, cluster[a]);
            }
        }
        planned.get_mut(a).unwrap().attrs = attrs;
    }
    let mut resources = Vec::new();
    for (a, p) in &planned {
        let prefix = if p.module.is_empty() {
            String::new()
        } else {
            format!("{}.", p.module)
        };
        let mut deps: BTreeSet<String> = BTreeSet::new();
        for r in p.refs.values().flatten().chain(&p.depends_on) {
            let Some(rel) = r.strip_prefix(&prefix) else {
                continue;
            };
            let parts: Vec<&str> = rel.split('.').collect();
            if parts.len() >= 2 && !["local", "var", "data", "module"].contains(&parts[0]) {
                let d = format!("{prefix}{}.{}", parts[0], parts[1]);
                if &d != a && planned.contains_key(&d) {
                    deps.insert(d);
                }
            }
        }
        let mut instance = json!({
            "schema_version": p.schema_version,
            "attributes": p.attrs,
            "sensitive_attributes": p.sensitive,
            "dependencies": deps,
        });
        if !p.index.is_null() {
            instance["index_key"] = p.index.clone();
        }
        // The instances of a `for_each` resource are one resource of the state.
        let module = (!p.module.is_empty()).then(|| json!(p.module));
        if let Some(existing) = resources.iter_mut().find(|r: &&mut Value| {
            r["type"] == json!(p.rtype)
                && r["name"] == json!(p.name)
                && r.get("module") == module.as_ref()
        }) {
            existing["instances"].as_array_mut().unwrap().push(instance);
            continue;
        }
        let mut res = json!({
            "mode": "managed", "type": p.rtype, "name": p.name, "provider": PROVIDER,
            "instances": [instance],
        });
        if let Some(m) = module {
            res["module"] = m;
        }
        resources.push(res);
    }
    json!({
        "version": 4, "terraform_version": pj["terraform_version"], "serial": 1,
        "lineage": fake_uuid("day2"), "outputs": {}, "resources": resources,
        "check_results": null,
    })
}

/// A value for `attr` that is a plain reference to one other resource's attribute
/// (`x.y.attr` or `[x.y.attr]`), when that value is known.
fn resolve(planned: &BTreeMap<String, Planned>, addr: &str, attr: &str) -> Option<Value> {
    let refs = planned[addr].refs.get(attr)?;
    let candidates: Vec<(&str, &str)> = refs
        .iter()
        .filter(|r| r.matches('.').count() >= 2)
        .filter_map(|r| r.rsplit_once('.'))
        .filter(|(ra, _)| planned.contains_key(*ra))
        .collect();
    let [(ra, at)] = candidates.as_slice() else {
        return None;
    };
    let v = planned[*ra].attrs.get(*at)?;
    (!v.is_null()).then(|| v.clone())
}

/// Copy what a re-plan knows (values that were references to fakes) into the state.
fn merge_round(state: &mut Value, pj: &Value) {
    for rc in pj["resource_changes"].as_array().unwrap() {
        if rc["mode"] != "managed" || rc["change"]["actions"] == json!(["no-op"]) {
            continue;
        }
        let module = rc["module_address"].as_str().map(str::to_string);
        for r in state["resources"].as_array_mut().unwrap() {
            if r["type"] == rc["type"]
                && r["name"] == rc["name"]
                && r["module"].as_str().map(str::to_string) == module
            {
                let Some(inst) = r["instances"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find(|i| i["index_key"] == rc["index"])
                else {
                    continue;
                };
                let merged = merge_known(
                    &rc["change"]["after"],
                    &rc["change"]["after_unknown"],
                    &inst["attributes"],
                );
                inst["attributes"] = merged;
                inst["sensitive_attributes"] = sensitive_of(&rc["change"]["after_sensitive"]);
            }
        }
    }
}

/// Build every distinct old rendering's state with one root: plan against nothing, turn the
/// planned values into a state, re-plan until nothing is pending (one merge round is needed:
/// the key policy's `jsonencode` of the key's ARN). Returns each key's resources.
fn bases(
    tf: &Terraform,
    parent: &Path,
    olds: &BTreeMap<String, PathBuf>,
    port: u16,
) -> BTreeMap<String, Vec<Value>> {
    let (root, _) = bulk_root(tf, parent, "bases", olds, port);
    let regions: BTreeMap<String, String> = olds
        .iter()
        .map(|(k, dir)| (format!("module.{k}"), region_of(dir)))
        .collect();
    tf.plan(&root, "p0")
        .unwrap_or_else(|e| panic!("the old renderings against an empty state: {e}"));
    let mut state = build_state(&tf.show(&root, "p0"), &regions);
    let mut converged = false;
    let mut last = Vec::new();
    for _ in 0..4 {
        std::fs::write(root.join("terraform.tfstate"), state.to_string()).unwrap();
        let out = tf
            .plan(&root, "p1")
            .unwrap_or_else(|e| panic!("the old renderings against their states: {e}"));
        let (changes, _) = stream(&out);
        let pending: Vec<_> = changes
            .iter()
            .filter(|(_, a)| !matches!(a.as_str(), "noop" | "read"))
            .collect();
        if pending.is_empty() {
            converged = true;
            break;
        }
        last = pending.iter().map(|(a, c)| format!("{a}: {c}")).collect();
        merge_round(&mut state, &tf.show(&root, "p1"));
        state["serial"] = json!(state["serial"].as_u64().unwrap() + 1);
    }
    assert!(converged, "the base states did not converge: {last:#?}");
    let mut out: BTreeMap<String, Vec<Value>> = olds.keys().map(|k| (k.clone(), vec![])).collect();
    for r in state["resources"].as_array().unwrap() {
        let key = r["module"].as_str().unwrap().split('.').nth(1).unwrap();
        out.get_mut(key).unwrap().push(r.clone());
    }
    out
}

/// A base's resources as `module.<key>`'s, with the provider configuration that module gets
/// (a resource the new rendering drops is planned for deletion with the provider its state
/// names, and the root has no default one).
fn move_to(resources: &[Value], key: &str, alias: &str) -> Vec<Value> {
    resources
        .iter()
        .map(|r| {
            let mut r = r.clone();
            let old = r["module"].as_str().unwrap().to_string();
            r["module"] = json!(format!("module.{key}"));
            r["provider"] = json!(format!("{PROVIDER}.{alias}"));
            for inst in r["instances"].as_array_mut().unwrap() {
                let deps: Vec<String> = inst["dependencies"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| format!("module.{key}{}", &d.as_str().unwrap()[old.len()..]))
                    .collect();
                inst["dependencies"] = json!(deps);
            }
            r
        })
        .collect()
}

fn dotted(path: &Value) -> String {
    path.as_array()
        .into_iter()
        .flatten()
        .map(|p| match p {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Each managed resource's change under `prefix` (a module address with its dot).
fn extract(pj: &Value, prefix: &str) -> BTreeMap<String, ResourcePlan> {
    let mut out = BTreeMap::new();
    for rc in pj["resource_changes"].as_array().unwrap() {
        let address = rc["address"].as_str().unwrap();
        if rc["mode"] != "managed" || !address.starts_with(prefix) {
            continue;
        }
        let c = &rc["change"];
        let actions: Vec<String> = c["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect();
        let mut sorted = actions.clone();
        sorted.sort();
        let action = if sorted == ["create", "delete"] {
            Action::Replace
        } else {
            Action::parse(&actions[0]).unwrap_or_else(|| panic!("{address}: {actions:?}"))
        };
        let empty = json!({});
        let (before, after) = (
            if c["before"].is_object() {
                &c["before"]
            } else {
                &empty
            },
            if c["after"].is_object() {
                &c["after"]
            } else {
                &empty
            },
        );
        let unknown = &c["after_unknown"];
        let mut changed = Vec::new();
        let mut diff = BTreeMap::new();
        if matches!(action, Action::Update | Action::Replace) {
            let keys: BTreeSet<&String> = before
                .as_object()
                .unwrap()
                .keys()
                .chain(after.as_object().unwrap().keys())
                .collect();
            for k in keys {
                let is_unknown = unknown[k] == Value::Bool(true);
                let differs = before.get(k) != after.get(k) || is_unknown;
                if !differs || k == "tags_all" || (action == Action::Replace && is_unknown) {
                    continue;
                }
                let mask = |v: Option<&Value>, sens: &Value| match v {
                    Some(v) if !v.is_null() && sens[k] == Value::Bool(true) => {
                        json!("(sensitive)")
                    }
                    Some(v) => v.clone(),
                    None => Value::Null,
                };
                let new = if is_unknown {
                    json!("(known after apply)")
                } else {
                    mask(after.get(k), &c["after_sensitive"])
                };
                diff.insert(
                    k.clone(),
                    (mask(before.get(k), &c["before_sensitive"]), new),
                );
                changed.push(k.clone());
            }
        }
        out.insert(
            address[prefix.len()..].to_string(),
            ResourcePlan {
                action,
                actions,
                replace_paths: c["replace_paths"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(dotted)
                    .collect(),
                changed,
                diff,
            },
        );
    }
    out
}

/// The pair (module key) a plan diagnostic is about: its resource address, else the module
/// file it points into, else the first `module.<key>.` its detail names.
fn pair_of(diagnostic: &Value) -> Option<String> {
    let from_address = diagnostic["address"]
        .as_str()
        .and_then(|a| a.strip_prefix("module."))
        .and_then(|a| a.split('.').next());
    let from_file = diagnostic["range"]["filename"]
        .as_str()
        .and_then(|f| f.strip_prefix("mods/"))
        .and_then(|f| f.split('/').next());
    let from_detail = diagnostic["detail"]
        .as_str()
        .and_then(|d| d.split("module.").nth(1))
        .and_then(|rest| rest.split('.').next());
    from_address
        .or(from_file)
        .or(from_detail)
        .map(str::to_string)
}

/// Plan every pair in one root; a pair whose plan errs is reported with its error and the
/// others are planned again without it (one plan error fails the whole plan; its diagnostics
/// name the module of the resource they are about).
fn plan_pairs_bulk(
    tf: &Terraform,
    parent: &Path,
    pairs: &[(String, &Pair)],
    bases: &BTreeMap<String, Vec<Value>>,
    base_of: &BTreeMap<String, String>,
    port: u16,
    round: usize,
) -> BTreeMap<String, PairPlan> {
    let mods: BTreeMap<String, PathBuf> = pairs
        .iter()
        .map(|(k, p)| (k.clone(), p.new.clone()))
        .collect();
    let (root, aliases) = bulk_root(tf, parent, &format!("pairs{round}"), &mods, port);
    let mut resources = Vec::new();
    for (key, pair) in pairs {
        let mut moved = move_to(&bases[&base_of[key]], key, &aliases[key]);
        for r in &mut moved {
            let address = format!(
                "{}.{}",
                r["type"].as_str().unwrap(),
                r["name"].as_str().unwrap()
            );
            if let Some(patch) = pair.patch.get(&address) {
                for (k, v) in patch {
                    r["instances"][0]["attributes"][k] = v.clone();
                }
            }
        }
        resources.extend(moved);
    }
    let state = json!({
        "version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": fake_uuid(&format!("pairs{round}")),
        "outputs": {}, "resources": resources, "check_results": null,
    });
    std::fs::write(root.join("terraform.tfstate"), state.to_string()).unwrap();
    match tf.plan(&root, "p2") {
        Ok(_) => {
            let pj = tf.show(&root, "p2");
            pairs
                .iter()
                .map(|(k, p)| {
                    (
                        p.name.clone(),
                        PairPlan::Planned(extract(&pj, &format!("module.{k}."))),
                    )
                })
                .collect()
        }
        Err(out) => {
            let (_, errors) = stream(&out);
            let mut bad: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for e in &errors {
                if let Some(key) = pair_of(e)
                    && pairs.iter().any(|(k, _)| *k == key)
                {
                    bad.entry(key.to_string()).or_default().push(format!(
                        "{}: {}",
                        e["summary"].as_str().unwrap_or(""),
                        e["detail"].as_str().unwrap_or("")
                    ));
                }
            }
            assert!(
                !bad.is_empty(),
                "a plan error that names no pair:\n{}",
                &out[out.len().saturating_sub(4000)..]
            );
            let mut result: BTreeMap<String, PairPlan> = pairs
                .iter()
                .filter_map(|(k, p)| {
                    bad.get(k)
                        .map(|errs| (p.name.clone(), PairPlan::Error(errs.join("\n"))))
                })
                .collect();
            let rest: Vec<(String, &Pair)> = pairs
                .iter()
                .filter(|(k, _)| !bad.contains_key(k))
                .cloned()
                .collect();
            if !rest.is_empty() {
                result.extend(plan_pairs_bulk(
                    tf,
                    parent,
                    &rest,
                    bases,
                    base_of,
                    port,
                    round + 1,
                ));
            }
            result
        }
    }
}

/// The provider's plan for each pair, by pair name. `None` when terraform is missing
/// (SKIPPED; under CI the mirror must be there).
pub fn plan_pairs(pairs: &[Pair]) -> Option<BTreeMap<String, PairPlan>> {
    let tf = Terraform::new()?;
    let stub = secrets_stub();
    let tmp = TempDir::new("day2-plans");
    // One base per distinct old rendering (by content).
    let mut olds: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut by_content: BTreeMap<Vec<(String, Vec<u8>)>, String> = BTreeMap::new();
    let mut base_of = BTreeMap::new();
    let mut keyed = Vec::new();
    for (i, p) in pairs.iter().enumerate() {
        let content = tf_files(&p.old);
        let n = by_content.len();
        let base = by_content
            .entry(content)
            .or_insert_with(|| format!("b{n}"))
            .clone();
        olds.entry(base.clone()).or_insert_with(|| p.old.clone());
        let key = format!("p{i}");
        base_of.insert(key.clone(), base);
        keyed.push((key, p));
    }
    let states = bases(&tf, tmp.path(), &olds, stub.port);
    let (failing, planned): (Vec<_>, Vec<_>) = keyed.into_iter().partition(|(_, p)| p.expect_error);
    let (tf, states, base_of, port) = (&tf, &states, &base_of, stub.port);
    let dir = tmp.path();
    let result = std::thread::scope(|s| {
        let errors = (!failing.is_empty()).then(|| {
            s.spawn(move || plan_pairs_bulk(tf, dir, &failing, states, base_of, port, 100))
        });
        let mut r = plan_pairs_bulk(tf, dir, &planned, states, base_of, port, 0);
        if let Some(h) = errors {
            r.extend(h.join().unwrap());
        }
        r
    });
    Some(result)
}

/// The `.tf` files of a folder, for telling identical renderings apart.
fn tf_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tf"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_provider_block_is_cut_out_whole() {
        let main = "# head\nprovider \"aws\" {\n  region = \"us-east-1\"\n  x { y = 1 }\n}\n\nlocals {\n  a = 1\n}\n";
        assert_eq!(strip_provider(main), "# head\n\n\nlocals {\n  a = 1\n}\n");
    }

    #[test]
    fn known_values_win_and_unknown_ones_keep_the_old() {
        let after = json!({"a": 1, "b": null, "c": [{"d": null}]});
        let unknown = json!({"b": true, "c": [{"d": true}]});
        let old = json!({"a": 0, "b": "kept", "c": [{"d": "deep"}]});
        assert_eq!(
            merge_known(&after, &unknown, &old),
            json!({"a": 1, "b": "kept", "c": [{"d": "deep"}]})
        );
    }

    #[test]
    fn sensitive_paths_follow_the_nesting() {
        let s = json!({"passwords": true, "authentication_mode": [{"passwords": true}]});
        assert_eq!(
            sensitive_of(&s),
            json!([
                [{"type": "get_attr", "value": "passwords"}],
                [{"type": "get_attr", "value": "authentication_mode"}, {"type": "index", "value": {"value": 0, "type": "number"}}, {"type": "get_attr", "value": "passwords"}]
            ])
        );
    }
}
