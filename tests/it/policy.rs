//! Tier policy, exceptions, sizing, the capability matrix in `explain`, and SARIF with rule
//! metadata checked against the SARIF 2.1.0 schema.

use crate::common::*;
use std::path::Path;

fn write_spec(dir: &Path, text: &str) {
    std::fs::write(dir.join("cache.yaml"), text).unwrap();
}

fn json_diags(dir: &Path) -> (i32, serde_json::Value) {
    let o = run_in(dir, &["--format", "json", "validate", "cache.yaml"]);
    (code(&o), serde_json::from_str(&stdout(&o)).unwrap())
}

const PROD_NO_TLS: &str = "spec_version: 1
name: shop
environment: prod
tier: production
memory: { max_memory: 8gb, eviction_policy: allkeys-lru }
persistence: { snapshots: { retention_days: 7, window: \"03:00-05:00\" } }
maintenance: { window: \"sun:05:00-sun:07:00\" }
network: { allowed_cidrs: [\"10.0.0.0/16\"] }
security:
  tls: { enabled: false }
  auth: { password: { aws_secret: shop/redis } }
targets:
  aws: { region: us-east-1, node_type: cache.r7g.large }
";

#[test]
fn the_same_rule_is_an_error_in_production_and_off_in_development() {
    let tmp = TempDir::new("tiers");
    write_spec(tmp.path(), PROD_NO_TLS);
    let (c, v) = json_diags(tmp.path());
    assert_eq!(c, 1);
    assert!(json_codes(&v).contains(&"CG6001".to_string()));
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "CG6001")
        .unwrap();
    assert_eq!(d["severity"], "error");
    assert_eq!(
        d["location"]["line"], 10,
        "points at `tls: {{ enabled: false }}`"
    );

    write_spec(
        tmp.path(),
        &PROD_NO_TLS.replace("tier: production", "tier: development"),
    );
    let (_, v) = json_diags(tmp.path());
    assert!(
        !json_codes(&v).contains(&"CG6001".to_string()),
        "development is relaxed"
    );
}

#[test]
fn an_exception_waives_a_rule_and_its_reason_reaches_the_files() {
    let tmp = TempDir::new("waiver");
    let reason = "Clients inside the VPC only; TLS termination at the sidecar (ticket PLAT-123)";
    // ElastiCache has no authentication without TLS (CG2016), so this spec turns both off and
    // waives both protections.
    let spec = PROD_NO_TLS.replace(
        "auth: { password: { aws_secret: shop/redis } }",
        "auth: { enabled: false }",
    );
    write_spec(
        tmp.path(),
        &format!(
            "{spec}policy:\n  exceptions:\n    - {{ rule: CG6001, reason: \"{reason}\" }}\n    - {{ rule: CG6002, reason: \"network isolation only (PLAT-123)\" }}\n"
        ),
    );
    let (c, v) = json_diags(tmp.path());
    assert_eq!(c, 0, "{v}");
    assert!(!json_codes(&v).contains(&"CG6001".to_string()));

    let o = run_in(tmp.path(), &["render", "cache.yaml", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for f in [
        "prod/.env",
        "prod/terraform/aws/main.tf",
        "prod/terraform/aws/versions.tf",
    ] {
        let text = std::fs::read_to_string(tmp.path().join("out").join(f)).unwrap();
        assert!(
            text.contains(&format!("# Policy exception CG6001: {reason}")),
            "{f}"
        );
    }
    let o = run_in(tmp.path(), &["--format", "json", "explain", "cache.yaml"]);
    let e: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(e["waivers"][0]["rule"], "CG6001");
    assert_eq!(e["waivers"][0]["reason"], reason);
}

#[test]
fn a_target_rule_waiver_reaches_only_that_targets_files() {
    let tmp = TempDir::new("waiver-scope");
    write_spec(
        tmp.path(),
        "spec_version: 1\nname: shop\nenvironment: dev\ntier: development\nmaintenance: { window: \"sun:05:00-sun:07:00\" }\ntargets: { compose: {} }\npolicy:\n  exceptions:\n    - { rule: CG5001, reason: \"kept for the day we move to a cloud\" }\n",
    );
    let o = run_in(tmp.path(), &["render", "cache.yaml", "--out", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let compose = std::fs::read_to_string(tmp.path().join("out/dev/docker-compose.yml")).unwrap();
    let env = std::fs::read_to_string(tmp.path().join("out/dev/.env")).unwrap();
    assert!(compose.contains("Policy exception CG5001"));
    assert!(
        !env.contains("Policy exception"),
        "the .env is not concerned by a compose rule"
    );
}

#[test]
fn exceptions_that_waive_nothing_or_name_no_rule_are_reported() {
    let tmp = TempDir::new("unused");
    let spec = PROD_NO_TLS.replace("tls: { enabled: false }", "tls: { enabled: true }");
    write_spec(
        tmp.path(),
        &format!(
            "{spec}policy:\n  exceptions:\n    - {{ rule: CG6001, reason: \"no longer needed at all\" }}\n"
        ),
    );
    let (c, v) = json_diags(tmp.path());
    assert_eq!(c, 0);
    assert_eq!(
        json_codes(&v),
        vec!["CG0030"],
        "an unused exception is a warning"
    );

    write_spec(
        tmp.path(),
        &format!(
            "{spec}policy:\n  exceptions:\n    - {{ rule: CG6100, reason: \"a typo in the code\" }}\n"
        ),
    );
    let (c, v) = json_diags(tmp.path());
    assert_eq!(c, 1);
    assert_eq!(json_codes(&v), vec!["CG0031"]);

    write_spec(
        tmp.path(),
        &format!("{spec}policy:\n  exceptions:\n    - {{ rule: CG6001 }}\n"),
    );
    let (c, v) = json_diags(tmp.path());
    assert_eq!(c, 1);
    assert_eq!(json_codes(&v), vec!["CG0012"], "the reason is required");
}

#[test]
fn sizing_follows_the_guides_table() {
    let tmp = TempDir::new("sizing");
    for (orgs, have, need) in [
        (100_000, "2gb", "4.00 GiB"),
        (500_000, "4gb", "8.00 GiB"),
        (1_000_000, "8gb", "16.00 GiB"),
        (5_000_000, "16gb", "32.00 GiB"),
    ] {
        write_spec(
            tmp.path(),
            &format!(
                "spec_version: 1\nname: shop\nenvironment: dev\ntier: development\nmemory: {{ max_memory: {have} }}\nworkload: {{ organizations: {orgs} }}\ntargets: {{ compose: {{}} }}\n"
            ),
        );
        let (_, v) = json_diags(tmp.path());
        let d = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "CG7001")
            .unwrap_or_else(|| panic!("{orgs}: {v}"));
        assert!(d["message"].as_str().unwrap().contains(need), "{orgs}: {d}");
    }
    // Enough memory: no warning; a derived max_memory comes from the workload.
    write_spec(
        tmp.path(),
        "spec_version: 1\nname: shop\nenvironment: dev\ntier: development\nworkload: { organizations: 1000000 }\ntargets: { compose: {} }\n",
    );
    let (c, v) = json_diags(tmp.path());
    assert_eq!((c, json_codes(&v).len()), (0, 0), "{v}");
    let o = run_in(tmp.path(), &["--format", "json", "explain", "cache.yaml"]);
    let e: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(e["plan"]["memory"]["max_memory"], "16gb");
    assert_eq!(e["plan"]["memory"]["max_memory_from"], "workload");
}

#[test]
fn explain_matrix_of_each_shipped_environment() {
    let settings = golden();
    for env in [
        "development",
        "staging",
        "production",
        "production-azure",
        "production-gcp",
    ] {
        let spec = format!("environments/{env}/cache.yaml");
        let o = run_in(&root(), &["explain", &spec]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        settings.bind(|| insta::assert_snapshot!(format!("explain@{env}"), stdout(&o)));
        let o = run_in(&root(), &["--format", "json", "explain", &spec]);
        let e: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert!(e["capabilities"].as_array().unwrap().len() >= 40);
    }
}

#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
    let validator = sarif_validator();
    let tmp = TempDir::new("sarif");
    write_spec(
        tmp.path(),
        &format!("{PROD_NO_TLS}workload: {{ organizations: 1000000 }}\n"),
    );
    let o = run_in(tmp.path(), &["--format", "sarif", "validate", "cache.yaml"]);
    let log: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let tls = rules
        .iter()
        .find(|r| r["id"] == "CG6001")
        .expect("rule metadata for CG6001");
    assert!(
        tls["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .contains("checklist")
    );
    assert!(
        tls["help"]["text"]
            .as_str()
            .unwrap()
            .contains("cachegen rules CG6001")
    );
    // The validator can fail: a result without a message is refused.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&broken));
}

/// A size is derived once, in the plan: `explain` shows the same Memorystore capacity under
/// "Derived" and "Recommended sizes" (it once recomputed the recommendation with a 1 GB floor,
/// where read replicas need 5 GB).
#[test]
fn explain_shows_one_derived_size() {
    let dir = crate::common::TempDir::new("explain-derived");
    let spec = dir.path().join("cache.yaml");
    std::fs::write(
        &spec,
        "spec_version: 1\nname: orders\nenvironment: dev\ntier: development\ntopology: { mode: replicated, replicas: 2 }\nmemory: { max_memory: 2gb }\ntargets: { gcp: { region: us-central1 } }\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["--format", "json", "explain", "cache.yaml"]);
    let e: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let sizes: Vec<&str> = e["derived"]
        .as_array()
        .unwrap()
        .iter()
        .chain(e["recommendations"].as_array().unwrap())
        .filter(|d| d["name"] == "gcp memory_size_gb")
        .map(|d| d["value"].as_str().unwrap())
        .collect();
    assert_eq!(sizes, ["5", "5"], "{}", stdout(&o));
}

/// The shipped production spec of `env` without its waivers, in a project of its own.
fn without_waivers(dir: &Path, env: &str) -> String {
    std::fs::create_dir_all(dir.join("environments").join(env)).unwrap();
    std::fs::copy(
        root().join("environments/base.yaml"),
        dir.join("environments/base.yaml"),
    )
    .unwrap();
    let text =
        std::fs::read_to_string(root().join(format!("environments/{env}/cache.yaml"))).unwrap();
    let spec = text.split("\npolicy:").next().unwrap().to_string() + "\n";
    let path = format!("environments/{env}/cache.yaml");
    std::fs::write(dir.join(&path), &spec).unwrap();
    path
}

/// Production on Azure Managed Redis or Memorystore, as the platform guide's options write
/// it, validates without waivers: what the service can never give (refusing commands, a
/// snapshot history, a maintenance window) is a warning that names the residual risk. A
/// setting the spec writes and the service cannot honour stays an error, and so does the
/// warning when the project raises it.
#[test]
fn a_protection_the_platform_can_never_give_is_a_warning_naming_the_residual_risk() {
    for (env, expected) in [
        ("production-gcp", vec!["CG6005", "CG6011"]),
        ("production-azure", vec!["CG6005", "CG6010", "CG6011"]),
    ] {
        let tmp = TempDir::new("policy-residual");
        let spec = without_waivers(tmp.path(), env);
        let o = run_in(tmp.path(), &["--format", "json", "validate", &spec]);
        assert_eq!(code(&o), 0, "{env}: {}", stdout(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let found: Vec<(&str, &str, &str)> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap(),
                    d["severity"].as_str().unwrap(),
                    d["message"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            found.iter().map(|f| f.0).collect::<Vec<_>>(),
            expected,
            "{env}: {found:#?}"
        );
        for (c, severity, message) in &found {
            assert_eq!(*severity, "warning", "{env} {c}");
            assert!(message.contains("Residual risk: "), "{env} {c}: {message}");
        }

        // The project can make them fatal again.
        std::fs::write(
            tmp.path().join("cachegen.toml"),
            "[rules]\nCG6011 = \"error\"\n",
        )
        .unwrap();
        let o = run_in(tmp.path(), &["--format", "json", "validate", &spec]);
        assert_eq!(code(&o), 1, "{env}: {}", stdout(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert!(
            v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["code"] == "CG6011" && d["severity"] == "error"),
            "{env}: {v}"
        );
        std::fs::remove_file(tmp.path().join("cachegen.toml")).unwrap();

        // What the spec writes and the service cannot honour stays an error.
        let path = tmp.path().join(&spec);
        let text = std::fs::read_to_string(&path).unwrap();
        let line = "  encryption_at_rest: true\n";
        assert!(text.contains(line), "{env}");
        let written = text.replace(
            line,
            &format!("{line}  disabled_commands: [FLUSHALL, FLUSHDB, KEYS, DEBUG]\n"),
        );
        std::fs::write(&path, &written).unwrap();
        let o = run_in(tmp.path(), &["--format", "json", "validate", &spec]);
        assert_eq!(code(&o), 1, "{env}: {written}\n{}", stdout(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert!(
            v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["code"] == "CG6011" && d["severity"] == "error"),
            "{env}: {v}"
        );
    }
}
