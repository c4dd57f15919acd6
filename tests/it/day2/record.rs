//! `generated/<env>/rendered.toml`, what the day-2 rules judge a change against, comes from
//! the repository like any file: a pull request may put a link, a FIFO or a huge file in its
//! place. validate must then skip the checks of changes with a warning (CG0060), never follow
//! the link, block on the FIFO or read without bound; a regular record is read and used.

use super::corpus::{SpecFile, variant, write_project};
use crate::common::{TempDir, code, mkfifo, output_text, run_in};
use std::path::Path;

/// The codes validate reports for the project in `dir`, and its output.
fn codes(dir: &Path) -> (Vec<String>, String) {
    let o = run_in(dir, &["validate", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("validate json: {e}\n{}", output_text(&o)));
    let codes = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    (codes, output_text(&o))
}

/// Puts something in the record's place.
type MakeRecord<'a> = dyn Fn(&Path) + 'a;

#[test]
fn a_record_that_is_not_a_plain_file_is_skipped_with_a_warning() {
    let tmp = TempDir::new("day2-record");
    let dir = tmp.path().join("project");
    write_project(
        &dir,
        &SpecFile {
            folder: "production".into(),
            text: variant("prod"),
        },
    );
    let o = run_in(&dir, &["render"]);
    assert_eq!(code(&o), 0, "{}", output_text(&o));
    let record = dir.join("generated/production/rendered.toml");
    // A record of the same environment on another port: read, it makes the spec's port a
    // change that replaces the cache (CG1040).
    let other_port = std::fs::read_to_string(&record)
        .unwrap()
        .replace("port = 6379", "port = 6380");
    assert_ne!(other_port, std::fs::read_to_string(&record).unwrap());

    std::fs::write(&record, &other_port).unwrap();
    let (found, said) = codes(&dir);
    assert!(
        found.iter().any(|c| c == "CG1040"),
        "a plain record is read: {said}"
    );

    let outside = tmp.path().join("outside.toml");
    std::fs::write(&outside, &other_port).unwrap();
    let cases: [(&str, &MakeRecord); 3] = [
        ("a link", &|p| {
            std::os::unix::fs::symlink(&outside, p).unwrap()
        }),
        ("a FIFO", &|p| mkfifo(p)),
        ("a huge file", &|p| {
            let mut text = other_port.clone();
            text.push_str(&format!("# {}\n", "x".repeat(1 << 20)));
            std::fs::write(p, text).unwrap()
        }),
    ];
    for (what, make) in cases {
        std::fs::remove_file(&record).unwrap();
        make(&record);
        let (found, said) = codes(&dir);
        assert!(
            found.iter().any(|c| c == "CG0060"),
            "{what}: a warning that the record cannot be read: {said}"
        );
        assert!(
            !found.iter().any(|c| c == "CG1040"),
            "{what}: the record was used: {said}"
        );
    }
}
