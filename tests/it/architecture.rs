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
                    .chain(codes::HEALTH)
                    .chain(codes::IMPACT)
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

/// The layers of `src/`: each top-level module and the modules it may use. Lower layers come
/// first; nothing uses a module listed after it, so there is no cycle (checked below too).
/// `rules` and `targets` both build on the settings table and the plan, and neither uses the
/// other: the pipeline hands the capability matrix to the rules and the waivers to the
/// targets. ARCHITECTURE.md explains each layer.
const LAYERS: &[(&str, &[&str])] = &[
    ("diagnostics", &[]),
    ("project_fs", &["diagnostics"]),
    ("parallel", &[]),
    ("load", &["diagnostics", "project_fs"]),
    ("settings", &["diagnostics"]),
    ("spec", &["diagnostics", "load", "settings"]),
    ("facts", &["spec"]),
    ("plan", &["facts", "settings", "spec"]),
    (
        "targets",
        &[
            "diagnostics",
            "facts",
            "plan",
            "project_fs",
            "settings",
            "spec",
        ],
    ),
    (
        "rules",
        &["diagnostics", "facts", "load", "plan", "settings", "spec"],
    ),
    (
        "project",
        &["diagnostics", "load", "project_fs", "rules", "targets"],
    ),
    (
        "pipeline",
        &[
            "diagnostics",
            "load",
            "parallel",
            "plan",
            "project",
            "project_fs",
            "rules",
            "settings",
            "spec",
            "targets",
        ],
    ),
    (
        "output",
        &["diagnostics", "load", "parallel", "project_fs", "targets"],
    ),
    (
        "verify",
        &[
            "diagnostics",
            "load",
            "pipeline",
            "plan",
            "project",
            "settings",
            "spec",
            "targets",
        ],
    ),
    (
        "explain",
        &[
            "diagnostics",
            "facts",
            "load",
            "pipeline",
            "plan",
            "rules",
            "settings",
            "spec",
            "targets",
        ],
    ),
    (
        "impact",
        &[
            "diagnostics",
            "facts",
            "load",
            "parallel",
            "pipeline",
            "plan",
            "rules",
            "settings",
            "spec",
            "targets",
        ],
    ),
    (
        "scaffold",
        &["diagnostics", "load", "project", "project_fs", "spec"],
    ),
    (
        "app",
        &[
            "diagnostics",
            "explain",
            "facts",
            "impact",
            "load",
            "output",
            "parallel",
            "pipeline",
            "plan",
            "project",
            "project_fs",
            "rules",
            "scaffold",
            "settings",
            "spec",
            "targets",
            "verify",
        ],
    ),
    (
        "cli",
        &[
            "app",
            "diagnostics",
            "explain",
            "impact",
            "load",
            "output",
            "parallel",
            "pipeline",
            "project",
            "project_fs",
            "rules",
            "scaffold",
            "settings",
            "spec",
            "targets",
            "verify",
        ],
    ),
];

/// The top-level modules a source text names as `crate::<module>`, including each name of a
/// `use crate::{a::x, b}` group.
fn named_modules(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.insert(name);
        }
    }
    out
}

/// Every top-level module's uses of the others, from the source.
fn module_uses() -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let src = root().join("src");
    let mut uses: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for f in rust_files(&src) {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let entry = uses.entry(top.clone()).or_default();
        entry.extend(named_modules(&text).into_iter().filter(|m| *m != top));
    }
    uses
}

#[test]
fn layers_have_no_cycle_and_modules_use_only_lower_layers() {
    let allowed: std::collections::BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    // Each layer uses only layers listed before it: the order is a topological one.
    for (i, (module, deps)) in LAYERS.iter().enumerate() {
        for d in *deps {
            let at = LAYERS.iter().position(|(m, _)| m == d);
            assert!(
                at.is_some_and(|j| j < i),
                "`{module}` may use `{d}`, which is not a lower layer: the layers would have a cycle"
            );
        }
    }
    let mut wrong = Vec::new();
    for (module, used) in module_uses() {
        let Some(ok) = allowed.get(module.as_str()) else {
            wrong.push(format!(
                "`src/{module}` is not in the layer list (tests/it/architecture.rs, ARCHITECTURE.md)"
            ));
            continue;
        };
        for u in used {
            if !ok.contains(&u.as_str()) {
                wrong.push(format!("`{module}` uses `{u}`, which its layer may not"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_use_parser_sees_groups_and_paths() {
    let names = named_modules(
        "use crate::{diagnostics::codes, plan::Plan};\nlet x = crate::targets::listed(p);\nuse crate::spec;",
    );
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        ["diagnostics", "plan", "spec", "targets"]
    );
}

/// Every read, write, listing, rename and delete of a project path goes through
/// `src/project_fs`: no other module of `src/` names `std::fs` outside its tests (the module's
/// documentation and ARCHITECTURE.md say why).
#[test]
fn only_project_fs_touches_the_file_system() {
    let src = root().join("src");
    let mut found = Vec::new();
    for f in rust_files(&src) {
        let rel = f.strip_prefix(&src).unwrap();
        if rel.starts_with("project_fs") || rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            let l = line.trim_start();
            if l.starts_with("//") {
                continue;
            }
            // Resolving a path to its canonical form opens and reads nothing; what is then
            // opened under it still goes through project_fs.
            let l = l.replace("std::fs::canonicalize(", "");
            let bytes = l.as_bytes();
            let hit = l.contains("std::fs")
                || l.match_indices("fs::").any(|(i, _)| {
                    i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')
                });
            if hit {
                found.push(format!("src/{}:{}: {l}", rel.display(), n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "file access outside src/project_fs (use project_fs::Root):\n{}",
        found.join("\n")
    );
}
