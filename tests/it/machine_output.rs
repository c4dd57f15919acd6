//! `--format json|sarif`: stdout is one document in every outcome past argument parsing. A run that fails (exit 2)
//! carries its problem as a CG0050 error, so a dashboard never reads "0 errors" for a run
//! that did not happen; `render --check` lists each stale file as a CG0051 error and keeps
//! stdout parseable (the diffs go to stderr).

use crate::common::*;

fn document(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout(o))
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", stdout(o)))
}

fn sarif_codes(v: &serde_json::Value) -> Vec<String> {
    v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_failed_run_is_an_error_in_the_document() {
    let tmp = TempDir::new("machine-fatal");
    copy_project(tmp.path());
    std::fs::write(tmp.path().join("a-file"), "not a folder\n").unwrap();
    let cases: [(&str, Vec<&str>); 4] = [
        ("unreadable spec", vec!["validate", "missing/cache.yaml"]),
        (
            "unreadable spec, render",
            vec!["render", "missing/cache.yaml"],
        ),
        ("output is a file", vec!["render", "--out", "a-file"]),
        ("unknown rule", vec!["rules", "CG9999"]),
    ];
    for (what, args) in cases {
        for format in ["json", "sarif"] {
            let mut all = vec!["--format", format];
            all.extend(&args);
            let o = run_in(tmp.path(), &all);
            assert_eq!(code(&o), 2, "{what} ({format}): {}", stderr(&o));
            let v = document(&o);
            let codes = if format == "json" {
                assert!(v["summary"]["errors"].as_u64().unwrap() >= 1, "{what}: {v}");
                json_codes(&v)
            } else {
                sarif_codes(&v)
            };
            assert!(
                codes.contains(&"CG0050".to_string()),
                "{what} ({format}): {v}"
            );
            assert!(
                stderr(&o).contains("error: "),
                "{what}: stderr keeps the message"
            );
        }
    }
}

#[test]
fn check_lists_each_stale_file_in_the_document() {
    let tmp = TempDir::new("machine-check");
    copy_project(tmp.path());
    assert_eq!(code(&run_in(tmp.path(), &["render", "-q"])), 0);
    let o = run_in(tmp.path(), &["--format", "json", "render", "--check"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(json_codes(&document(&o)), Vec::<String>::new());

    let conf = tmp.path().join("generated/staging/redis.conf");
    let text = std::fs::read_to_string(&conf).unwrap();
    std::fs::write(&conf, text.replace("maxmemory 4gb", "maxmemory 6gb")).unwrap();
    std::fs::remove_file(tmp.path().join("generated/development/.env")).unwrap();
    for format in ["json", "sarif"] {
        let o = run_in(tmp.path(), &["--format", format, "render", "--check"]);
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        let v = document(&o);
        let codes = if format == "json" {
            json_codes(&v)
        } else {
            sarif_codes(&v)
        };
        assert_eq!(codes, ["CG0051", "CG0051"], "{format}: {v}");
        let text = v.to_string();
        assert!(text.contains("generated/staging/redis.conf"), "{text}");
        assert!(text.contains("generated/development/.env"), "{text}");
        assert!(
            stderr(&o).contains("+maxmemory 4gb"),
            "the diff goes to stderr"
        );
    }
}

/// Every JSON document says which version of the format it is.
#[test]
fn every_json_document_carries_its_format_version() {
    let tmp = TempDir::new("machine-version");
    copy_project(tmp.path());
    for args in [
        vec!["validate"],
        vec!["render", "--check"],
        vec!["explain", "environments/staging/cache.yaml"],
        vec!["rules"],
        vec!["validate", "missing/cache.yaml"],
    ] {
        let mut all = vec!["--format", "json"];
        all.extend(&args);
        let o = run_in(tmp.path(), &all);
        let v = document(&o);
        assert_eq!(
            v["format_version"],
            cachegen::diagnostics::FORMAT_VERSION,
            "{args:?}: {v}"
        );
        assert_eq!(
            v.as_object().unwrap().keys().next().map(String::as_str),
            Some("format_version"),
            "{args:?}: first"
        );
    }
}
