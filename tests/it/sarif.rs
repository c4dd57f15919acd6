//! SARIF as GitHub code scanning takes it (docs: "SARIF support for code scanning"): the log is
//! valid SARIF 2.1.0 (the vendored schema); every result has a location in a file of the
//! repository, also a run failure (CG0050) and stale output (CG0051); artifact URIs are
//! relative to the repository root (`%SRCROOT%`), so a project in `infra/cache/` of a monorepo
//! is found, and percent-encoded; each result has a fingerprint that survives lines moving
//! above it; each rule has its help in Markdown.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

fn sarif(o: &std::process::Output) -> Value {
    let log: Value = serde_json::from_str(&stdout(o))
        .unwrap_or_else(|e| panic!("stdout is not SARIF ({e}): {}", stdout(o)));
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&log)
        .map(|e| format!("{} {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "not valid SARIF 2.1.0: {errors:#?}");
    log
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

/// What GitHub needs of every result, checked against the repository at `repo`: a location
/// whose URI, decoded, is a path relative to the repository root (resolved through
/// `%SRCROOT%`), a start line, and a fingerprint; fingerprints are unique in the run.
fn assert_github_ready(log: &Value, repo: &Path) -> Vec<(String, String, u64)> {
    let run = &log["runs"][0];
    assert!(
        run["originalUriBaseIds"]["%SRCROOT%"].is_object(),
        "the base id is declared: {run}"
    );
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for r in results(log) {
        let code = r["ruleId"].as_str().unwrap().to_string();
        let locations = r["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1, "{code}: one location: {r}");
        let p = &locations[0]["physicalLocation"];
        let uri = p["artifactLocation"]["uri"].as_str().unwrap();
        assert_eq!(p["artifactLocation"]["uriBaseId"], "%SRCROOT%", "{r}");
        assert!(
            !uri.starts_with('/') && !uri.contains("://") && !uri.split('/').any(|s| s == ".."),
            "{code}: relative to the repository root: {uri}"
        );
        assert!(
            uri.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)),
            "{code}: percent-encoded: {uri}"
        );
        let path = percent_encoding::percent_decode_str(uri)
            .decode_utf8()
            .unwrap()
            .into_owned();
        let line = p["region"]["startLine"].as_u64().unwrap();
        assert!(line >= 1, "{r}");
        let fp = r["partialFingerprints"][cachegen::diagnostics::FINGERPRINT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("{code}: a fingerprint: {r}"))
            .to_string();
        assert!(
            seen.insert(fp.clone()),
            "{code}: fingerprints are unique: {fp}"
        );
        let _ = repo;
        out.push((code, path, line));
    }
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        let md = rule["help"]["markdown"].as_str().unwrap_or_default();
        assert!(
            md.contains(&format!("`{}`", rule["name"].as_str().unwrap())),
            "{id}: {md}"
        );
        assert!(!rule["help"]["text"].as_str().unwrap_or_default().is_empty());
        assert!(
            rule["properties"]["tags"]
                .as_array()
                .is_some_and(|t| !t.is_empty())
        );
        // The documentation address exists when cachegen knows its repository.
        assert_eq!(
            rule["helpUri"].is_string(),
            !env!("CARGO_PKG_REPOSITORY").is_empty(),
            "{id}: {rule}"
        );
    }
    out
}

/// A monorepo: a git repository with the project in `infra/cache`, one environment in a
/// folder whose name needs percent-encoding, with a warning and an error.
fn monorepo(tag: &str) -> TempDir {
    let tmp = TempDir::new(tag);
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    let project = tmp.path().join("infra/cache");
    std::fs::create_dir_all(project.join("environments/eu prod#1")).unwrap();
    std::fs::write(project.join("cachegen.toml"), "schema = false\n").unwrap();
    std::fs::write(
        project.join("environments/eu prod#1/cache.yaml"),
        "spec_version: 1\nname: shop\nenvironment: eu-prod\ntier: staging\nmemory: { max_memory: 2g }\nsecurity: { tls: { enabled: false } }\ntargets: { compose: {} }\n",
    )
    .unwrap();
    tmp
}

#[test]
fn a_monorepo_project_is_found_from_the_repository_root() {
    let tmp = monorepo("sarif-mono");
    let spec_uri = "infra/cache/environments/eu%20prod%231/cache.yaml";
    // From the root with -C, inside the project, and from the root naming the spec: the same
    // URIs, relative to the repository.
    let runs = [
        run_in(
            tmp.path(),
            &["-C", "infra/cache", "--format", "sarif", "validate"],
        ),
        run_in(
            &tmp.path().join("infra/cache"),
            &["--format", "sarif", "validate"],
        ),
        run_in(
            tmp.path(),
            &[
                "--format",
                "sarif",
                "validate",
                "infra/cache/environments/eu prod#1/cache.yaml",
            ],
        ),
    ];
    let mut seen = Vec::new();
    for o in &runs {
        assert_eq!(code(o), 1, "{}", stderr(o));
        let log = sarif(o);
        let found = assert_github_ready(&log, tmp.path());
        let codes: Vec<&str> = found.iter().map(|(c, _, _)| c.as_str()).collect();
        assert!(
            codes.contains(&"CG1001") && codes.contains(&"CG6001"),
            "{codes:?}"
        );
        for (_, path, _) in &found {
            assert!(
                tmp.path().join(path).is_file(),
                "{path} is a file of the repository"
            );
        }
        let uris: Vec<String> = results(&log)
            .iter()
            .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].to_string())
            .collect();
        assert!(
            uris.iter().all(|u| u == &format!("\"{spec_uri}\"")),
            "{uris:?}"
        );
        seen.push(log);
    }
    assert_eq!(seen[0], seen[1], "the same document wherever cachegen runs");
}

#[test]
fn fingerprints_survive_lines_moving_above_a_finding() {
    let tmp = monorepo("sarif-fingerprints");
    let fingerprints = |tmp: &Path| {
        let o = run_in(tmp, &["-C", "infra/cache", "--format", "sarif", "validate"]);
        let log = sarif(&o);
        results(&log)
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"][cachegen::diagnostics::FINGERPRINT_KEY].to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let before = fingerprints(tmp.path());
    let spec = tmp
        .path()
        .join("infra/cache/environments/eu prod#1/cache.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, format!("# a comment\n# and another\n{text}")).unwrap();
    let after = fingerprints(tmp.path());
    assert_eq!(before.len(), after.len());
    for ((fa, la), (fb, lb)) in before.iter().zip(&after) {
        assert_eq!(fa, fb, "the same finding keeps its fingerprint");
        assert_eq!(la + 2, *lb, "and moves with its line");
    }
}

#[test]
fn run_failures_and_stale_output_point_at_a_file() {
    let tmp = TempDir::new("sarif-located");
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    copy_project(tmp.path());
    assert_eq!(code(&run_in(tmp.path(), &["render", "-q"])), 0);

    // Stale: a changed file (at its first differing line), a missing one (at the spec that
    // renders it), a folder whose spec is gone (at a file in it).
    let conf = tmp.path().join("generated/staging/redis.conf");
    let text = std::fs::read_to_string(&conf).unwrap();
    let line = text.lines().position(|l| l == "maxmemory 4gb").unwrap() as u64 + 1;
    std::fs::write(&conf, text.replace("maxmemory 4gb", "maxmemory 6gb")).unwrap();
    std::fs::remove_file(tmp.path().join("generated/development/.env")).unwrap();
    copy_dir(
        &tmp.path().join("generated/development"),
        &tmp.path().join("generated/gone"),
    );
    let o = run_in(tmp.path(), &["--format", "sarif", "render", "--check"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let log = sarif(&o);
    let found = assert_github_ready(&log, tmp.path());
    assert!(found.iter().all(|(c, _, _)| c == "CG0051"), "{found:?}");
    assert!(
        found.contains(&("CG0051".into(), "generated/staging/redis.conf".into(), line)),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "CG0051".into(),
            "environments/development/cache.yaml".into(),
            1
        )),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(_, p, _)| p.starts_with("generated/gone/") && tmp.path().join(p).is_file()),
        "{found:?}"
    );
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );

    // Run failures: a spec that cannot be read points at it; a failure about no file at the
    // project's cachegen.toml; the invocation did not succeed.
    std::fs::write(tmp.path().join("a-file"), "not a folder\n").unwrap();
    for (args, at) in [
        (vec!["validate", "missing/cache.yaml"], "missing/cache.yaml"),
        (vec!["render", "--out", "a-file"], "cachegen.toml"),
    ] {
        let mut all = vec!["--format", "sarif"];
        all.extend(&args);
        let o = run_in(tmp.path(), &all);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        let log = sarif(&o);
        let found = assert_github_ready(&log, tmp.path());
        assert!(
            found.iter().any(|(c, p, _)| c == "CG0050" && p == at),
            "{args:?}: {found:?}"
        );
        assert_eq!(
            log["runs"][0]["invocations"][0]["executionSuccessful"],
            false
        );
    }
}
