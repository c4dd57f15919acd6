//! The README stays true: its spec reference is generated from the schema (run
//! `UPDATE_README=1 cargo test --test it readme::` after changing the spec types), its quick start
//! names the two commands, and every command it shows exists.

use crate::common::*;
use serde_json::Value;

const START: &str =
    "<!-- spec-reference:start (generated from the schema by tests/it/readme.rs) -->";
const END: &str = "<!-- spec-reference:end -->";

fn type_of(schema: &Value, p: &Value) -> String {
    if let Some(r) = p.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap();
        let target = schema.pointer(&r[1..]).unwrap();
        if let Some(e) = target.get("enum").and_then(Value::as_array) {
            return e
                .iter()
                .map(|v| format!("`{}`", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(" \\| ");
        }
        if target.get("oneOf").is_some() {
            return "secret reference".into();
        }
        if target.get("properties").is_some() {
            return "mapping".into();
        }
        return name.to_string();
    }
    match p.get("type").and_then(Value::as_str) {
        Some("array") => {
            let items = p
                .get("items")
                .map(|i| type_of(schema, i))
                .unwrap_or_default();
            format!("list of {items}")
        }
        Some("object") => "mapping".into(),
        Some(t) => {
            let mut s = t.to_string();
            if let (Some(min), Some(max)) = (p.get("minimum"), p.get("maximum")) {
                s = format!("{s} {min}..{max}");
            }
            s
        }
        None => "value".into(),
    }
}

fn rows(schema: &Value, node: &Value, prefix: &str, out: &mut Vec<String>) {
    let node = match node.get("$ref").and_then(Value::as_str) {
        Some(r) => schema.pointer(&r[1..]).unwrap(),
        None => node,
    };
    let Some(props) = node.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = node
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (k, p) in props {
        let name = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        let desc = p
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .replace('|', "\\|");
        let req = if required.contains(&k.as_str()) {
            " (required)"
        } else {
            ""
        };
        out.push(format!(
            "| `{name}`{req} | {} | {desc} |",
            type_of(schema, p)
        ));
        let inner = match p.get("$ref").and_then(Value::as_str) {
            Some(r) => schema.pointer(&r[1..]).unwrap(),
            None => p,
        };
        if inner.get("properties").is_some() {
            rows(schema, inner, &name, out);
        } else if let Some(items) = inner.get("items") {
            rows(schema, items, &format!("{name}[]"), out);
        }
    }
}

fn reference() -> String {
    let schema: Value = cachegen::spec::schema::generate();
    let mut out = vec![
        "| setting | type | meaning |".to_string(),
        "| --- | --- | --- |".to_string(),
    ];
    rows(&schema, &schema, "", &mut out);
    out.join("\n")
}

#[test]
fn spec_reference_is_generated_from_the_schema() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (before, rest) = readme
        .split_once(START)
        .expect("README has the spec reference start marker");
    let (_, after) = rest
        .split_once(END)
        .expect("README has the spec reference end marker");
    let expected = format!("{before}{START}\n{}\n{END}{after}", reference());
    if readme != expected {
        if std::env::var_os("UPDATE_README").is_some() {
            std::fs::write(&path, expected).unwrap();
        } else {
            panic!(
                "README's spec reference is stale: run `UPDATE_README=1 cargo test --test it readme::`"
            );
        }
    }
}

#[test]
fn quick_start_names_the_two_commands_and_they_exist() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains("cargo run --release -- render"));
    assert!(readme.contains("cargo test --locked"));
    for cmd in [
        "validate", "render", "schema", "explain", "rules", "verify", "init",
    ] {
        assert!(
            readme.contains(&format!("cachegen {cmd}")),
            "README documents `cachegen {cmd}`"
        );
        let o = run_in(&root(), &[cmd, "--help"]);
        assert_eq!(code(&o), 0, "`cachegen {cmd} --help`");
    }
}
