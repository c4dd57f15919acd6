//! The shape of the code base, checked: every code in one table, and (below) the layers of
//! `src/` without cycles. These are the rules ARCHITECTURE.md states.

use crate::common::root;
use cachegen::diagnostics::codes;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A string literal that is a whole code, `"CG1234"`, anywhere but the code table.
#[test]
fn codes_are_written_only_in_the_code_table() {
    let table = root().join("src/diagnostics/codes.rs");
    let mut found = Vec::new();
    for f in rust_files(&root().join("src")) {
        if f == table {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let b = line.as_bytes();
            for i in 0..b.len().saturating_sub(7) {
                if b[i] == b'"'
                    && b[i + 1..].starts_with(b"CG")
                    && b.len() > i + 7
                    && b[i + 3..i + 7].iter().all(u8::is_ascii_digit)
                    && b[i + 7] == b'"'
                {
                    found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "a code written as a literal outside src/diagnostics/codes.rs (use its constant):\n{}",
        found.join("\n")
    );
}

/// Each code once; each one described exactly once (a rule's own file, or the table's
/// descriptions of input and drift codes); a rule's name is its constant's name.
#[test]
fn every_code_is_unique_and_described_once() {
    let mut seen = BTreeSet::new();
    for (name, code) in codes::ALL {
        assert!(seen.insert(*code), "{code} ({name}) is declared twice");
        assert!(
            code.len() == 6
                && code.starts_with("CG")
                && code[2..].bytes().all(|b| b.is_ascii_digit()),
            "{name} = {code} is not CG and four digits"
        );
    }
    let rules = cachegen::rules::catalog::RULES;
    for (name, code) in codes::ALL {
        let described: Vec<String> = rules
            .iter()
            .filter(|r| r.code == *code)
            .map(|r| r.name.to_string())
            .chain(
                codes::INPUT
                    .iter()
                    .chain(codes::DRIFT)
                    .filter(|i| i.code == *code)
                    .map(|i| i.name.to_string()),
            )
            .collect();
        assert_eq!(
            described.len(),
            1,
            "{code} ({name}) is described {} times",
            described.len()
        );
        assert_eq!(
            described[0].to_ascii_uppercase().replace('-', "_"),
            *name,
            "{code}: the constant's name should be the code's name"
        );
    }
}
