//! Every bad spec under tests/fixtures/invalid/ fails with exit 1, with the expected code at
//! the expected line (and file), and no other error; its human diagnostics are snapshotted
//! under golden/. The first line of each fixture says what to expect:
//! `# expect: CG0013 line 7` (or `... in bases/other.yml`); binary or empty fixtures say it
//! in a `<name>.expect` file beside them.

use crate::common::*;
use std::path::Path;

fn fixtures() -> Vec<std::path::PathBuf> {
    let dir = root().join("tests/fixtures/invalid");
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.sort();
    v
}

fn check_one(dir: &Path, name: &str, expect: &Expect) -> String {
    let human = run_in(dir, &["validate", name]);
    assert_eq!(code(&human), 1, "{name}: exit code\n{}", stderr(&human));
    let out = stderr(&human);
    assert!(
        out.contains("help:"),
        "{name}: every diagnostic says how to fix it\n{out}"
    );
    assert!(!out.contains("panicked"), "{name}: panic\n{out}");

    let json = run_in(dir, &["--format", "json", "validate", name]);
    assert_eq!(code(&json), 1, "{name}: exit code with --format json");
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let errors: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(!errors.is_empty(), "{name}: no error reported");
    for e in &errors {
        assert_eq!(
            e["code"],
            expect.code.as_str(),
            "{name}: one problem, one code: {e}"
        );
    }
    let first = errors[0];
    assert_eq!(
        first["location"]["line"], expect.line,
        "{name}: line of {first}"
    );
    let file = expect.file.clone().unwrap_or_else(|| name.to_string());
    assert_eq!(first["location"]["file"], file.as_str(), "{name}: file");
    out
}

#[test]
fn every_invalid_fixture_fails_at_its_line() {
    let dir = root().join("tests/fixtures/invalid");
    let all = fixtures();
    assert!(
        all.len() >= 30,
        "at least 30 invalid fixtures, found {}",
        all.len()
    );
    let settings = golden();
    for path in all {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expect = expectation(&path);
        assert!(
            expect.code != "clean",
            "{name}: an invalid fixture cannot be clean"
        );
        let out = check_one(&dir, &name, &expect);
        settings.bind(|| insta::assert_snapshot!(format!("invalid@{name}"), out));
    }
}

#[test]
fn oversize_spec_is_refused_before_parsing() {
    let tmp = TempDir::new("oversize");
    let mut text = String::from(
        "spec_version: 1\nname: big\nenvironment: big\ntier: development\ntargets: { compose: {} }\n",
    );
    while text.len() <= 1 << 20 {
        text.push_str(
            "# padding padding padding padding padding padding padding padding padding\n",
        );
    }
    std::fs::write(tmp.path().join("big.yaml"), text).unwrap();
    let o = run_in(tmp.path(), &["--format", "json", "validate", "big.yaml"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "CG0003");
}

#[test]
fn unreadable_spec_is_an_io_error() {
    let tmp = TempDir::new("io");
    let o = run_in(tmp.path(), &["validate", "nowhere.yaml"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot read"), "{}", stderr(&o));
    let o = run_in(tmp.path(), &["validate", "."]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is a directory"), "{}", stderr(&o));
}

#[test]
fn secret_values_never_appear_in_any_format() {
    let dir = root().join("tests/fixtures/invalid");
    for format in ["human", "json", "sarif"] {
        let o = run_in(
            &dir,
            &["--format", format, "validate", "literal-secret.yaml"],
        );
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(
            !all.contains("s3cr3t-Val-9f2k"),
            "{format} output shows the secret:\n{all}"
        );
        assert!(all.contains("CG0020"), "{format}: {all}");
    }
}
