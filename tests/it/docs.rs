//! The documentation stays true: the spec reference in docs/spec.md is generated from the
//! schema and the code list in docs/rules.md from the rule catalogue (run `UPDATE_DOCS=1 cargo
//! test --test it docs::` after changing either), every relative link and anchor resolves,
//! every command the docs name exists, the README stays the short entry point, and the
//! Terraform backends the docs show are ones Terraform accepts.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

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
        // A range beside the `$ref` (an alert threshold: a number in it, or `false`).
        if let (Some(min), Some(max)) = (p.get("minimum"), p.get("maximum")) {
            return format!("{name} {min}..{max}");
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

/// Every code, as docs/rules.md lists it: a heading per code (SARIF's helpUri anchors), its
/// name and kind, its severity per tier, its summary and rationale, a rule's examples.
fn catalogue() -> String {
    use cachegen::diagnostics::{Severity, codes};
    let mut out = Vec::new();
    let tier = |s: Option<Severity>| s.map(|s| s.as_str()).unwrap_or("off");
    let mut all: Vec<(&str, String)> = Vec::new();
    for c in codes::INPUT {
        all.push((
            c.code,
            format!(
                "### {}\n\n`{}`, input (cannot be waived).\n\n{}\n",
                c.code, c.name, c.summary
            ),
        ));
    }
    for r in cachegen::rules::catalog::RULES {
        let mut text = format!(
            "### {}\n\n`{}`, {} rule. Development: {}, staging: {}, production: {}.\n\n{}\n\n{}\n",
            r.code,
            r.name,
            r.family,
            tier(r.severity.development),
            tier(r.severity.staging),
            tier(r.severity.production),
            r.summary,
            r.rationale
        );
        text.push_str(&format!(
            "\nFails (tier {}): `{}`. Passes: `{}`.\n",
            r.examples.tier.as_str(),
            r.examples.failing.replace('\n', " "),
            r.examples.passing.replace('\n', " ")
        ));
        all.push((r.code, text));
    }
    for c in codes::DRIFT {
        all.push((
            c.code,
            format!(
                "### {}\n\n`{}`, drift (`cachegen verify`).\n\n{}\n\n{}\n",
                c.code, c.name, c.summary, c.rationale
            ),
        ));
    }
    for c in codes::HEALTH {
        all.push((
            c.code,
            format!(
                "### {}\n\n`{}`, health (`cachegen verify`, against `monitoring.alerts`).\n\n{}\n\n{}\n",
                c.code, c.name, c.summary, c.rationale
            ),
        ));
    }
    for c in codes::IMPACT {
        all.push((
            c.code,
            format!(
                "### {}\n\n`{}`, change impact (`cachegen impact`).\n\n{}\n\n{}\n",
                c.code, c.name, c.summary, c.rationale
            ),
        ));
    }
    all.sort_by_key(|(c, _)| *c);
    for (_, t) in all {
        out.push(t);
    }
    out.join("\n")
}

/// Replace what stands between `start` and `end` in `file` with `generated`, or, unless
/// UPDATE_DOCS is set, fail when it differs.
fn generated_between(file: &str, start: &str, end: &str, generated: &str) {
    let path = root().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let (before, rest) = text
        .split_once(start)
        .unwrap_or_else(|| panic!("{file} has the marker {start}"));
    let (_, after) = rest
        .split_once(end)
        .unwrap_or_else(|| panic!("{file} has the marker {end}"));
    let expected = format!("{before}{start}\n{generated}\n{end}{after}");
    if text != expected {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, expected).unwrap();
        } else {
            panic!("{file} is stale: run `UPDATE_DOCS=1 cargo test --test it docs::`");
        }
    }
}

#[test]
fn the_spec_reference_is_generated_from_the_schema() {
    generated_between(
        "docs/spec.md",
        "<!-- spec-reference:start (generated from the schema by tests/it/docs.rs) -->",
        "<!-- spec-reference:end -->",
        &reference(),
    );
}

#[test]
fn the_code_list_is_generated_from_the_catalogue() {
    generated_between(
        "docs/rules.md",
        "<!-- rules-catalog:start (generated from the catalogue by tests/it/docs.rs) -->",
        "<!-- rules-catalog:end -->",
        &catalogue(),
    );
    // SARIF's helpUri anchors: a heading per code.
    let text = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    for (_, code) in cachegen::diagnostics::codes::ALL {
        assert!(text.contains(&format!("\n### {code}\n")), "{code}");
    }
}

/// The markdown files a reader of the repository follows.
fn documents() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = [
        "README.md",
        "CONTRIBUTING.md",
        "ARCHITECTURE.md",
        "CHANGELOG.md",
    ]
    .iter()
    .map(|f| root().join(f))
    .collect();
    for e in std::fs::read_dir(root().join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut in_code = false;
    let mut out = Vec::new();
    for l in text.lines() {
        if l.starts_with("```") {
            in_code = !in_code;
        } else if !in_code && l.starts_with('#') {
            out.push(slug(l.trim_start_matches('#')));
        }
    }
    out
}

/// Every `](target)` of a markdown file outside code blocks.
fn links(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut in_code = false;
    let mut out = Vec::new();
    for l in text.lines() {
        if l.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = l;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    out
}

#[test]
fn every_link_and_anchor_resolves() {
    let mut broken = Vec::new();
    let mut count = 0;
    for doc in documents() {
        for link in links(&doc) {
            if link.starts_with("http://") || link.starts_with("https://") {
                continue;
            }
            count += 1;
            let (path, anchor) = link.split_once('#').unwrap_or((&link, ""));
            let target = if path.is_empty() {
                doc.clone()
            } else {
                doc.parent().unwrap().join(path)
            };
            if !target.exists() {
                broken.push(format!("{}: {link} (no such file)", doc.display()));
            } else if !anchor.is_empty() && !anchors(&target).contains(&anchor.to_string()) {
                broken.push(format!("{}: {link} (no such heading)", doc.display()));
            }
        }
    }
    assert!(count > 40, "the docs link to each other ({count} links)");
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn the_readme_is_the_short_entry_point_to_every_page() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines <= 220,
        "README.md has {lines} lines: move detail to docs/"
    );
    for doc in documents() {
        if doc.parent() == Some(root().join("docs").as_path()) {
            let name = format!("docs/{}", doc.file_name().unwrap().to_string_lossy());
            assert!(
                readme.contains(&format!("]({name})")),
                "README links {name}"
            );
        }
    }
}

/// The README's set-up survives every edit and merge: installing this version, locked, from its
/// tag; starting a repository with `cachegen init` (in a block the walkthrough test runs); and,
/// from a clone, the two commands that render and test everything.
#[test]
fn the_readme_keeps_its_set_up_commands() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let install = format!(
        "cargo install --locked --git <cachegen's Git URL> --tag v{} cachegen",
        env!("CARGO_PKG_VERSION")
    );
    assert!(
        readme.contains(&format!("```sh\n{install}\n```")),
        "README.md installs this version: {install}"
    );
    assert!(
        block_after("README.md", "walkthrough: run")
            .lines()
            .any(|l| l.trim() == "cachegen init"),
        "README.md's first walkthrough block runs `cachegen init`"
    );
    for cmd in ["cargo run --release -- render", "cargo test --locked"] {
        assert!(
            readme.lines().any(|l| l.starts_with(cmd)),
            "README.md keeps `{cmd}`"
        );
    }
}

#[test]
fn every_command_the_docs_name_exists() {
    let text = std::fs::read_to_string(root().join("docs/command-line.md")).unwrap();
    for cmd in [
        "validate", "render", "schema", "explain", "rules", "verify", "init",
    ] {
        assert!(
            text.contains(&format!("`cachegen {cmd}")),
            "docs/command-line.md documents `cachegen {cmd}`"
        );
        let o = run_in(&root(), &[cmd, "--help"]);
        assert_eq!(code(&o), 0, "`cachegen {cmd}`");
    }
    assert!(text.contains("`-C DIR`"));
    assert_eq!(code(&run_in(&root(), &["-C", ".", "rules"])), 0);
}

/// A fenced block of `file` that follows the line `<!-- marker -->`.
pub fn block_after(file: &str, marker: &str) -> String {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let at = text
        .find(&format!("<!-- {marker} -->"))
        .unwrap_or_else(|| panic!("{file} has <!-- {marker} -->"));
    let rest = &text[at..];
    let open = rest.find("```").unwrap();
    let body = &rest[open..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("\n```").unwrap() + 1].to_string()
}

/// The remote backends docs/outputs.md shows: Terraform checks a backend's arguments at
/// `terraform init` before it connects, so an argument that is not the backend's fails here
/// (the lookup of credentials that follows cannot succeed offline, and is no concern).
#[test]
fn the_documented_backends_are_ones_terraform_accepts() {
    let Some(terraform) = which("terraform") else {
        eprintln!("SKIPPED: terraform not found");
        return;
    };
    let tmp = TempDir::new("docs-backends");
    let init = |dir: &Path, block: &str| {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("backend.tf"), block).unwrap();
        let o = Command::new(&terraform)
            .args(["init", "-input=false", "-no-color"])
            .current_dir(dir)
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            // No cloud credentials, and none to find: nothing leaves the machine.
            .env("AWS_ACCESS_KEY_ID", "offline")
            .env("AWS_SECRET_ACCESS_KEY", "offline")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("GOOGLE_APPLICATION_CREDENTIALS", dir.join("none.json"))
            .env("PATH", "/nonexistent")
            .output()
            .unwrap();
        output_text(&o)
    };
    let configuration_error = |out: &str| {
        [
            "Unsupported argument",
            "Missing required argument",
            "Unsupported block type",
            "Invalid ",
        ]
        .iter()
        .any(|e| out.contains(e))
    };
    for cloud in ["aws", "azure", "gcp"] {
        let block = block_after("docs/outputs.md", &format!("backend: {cloud}"));
        assert!(block.contains("backend \""), "{cloud}: {block}");
        let out = init(&tmp.path().join(cloud), &block);
        assert!(
            out.contains("Initializing the backend") && !configuration_error(&out),
            "{cloud}: {out}"
        );
    }
    // It can fail: an argument the backend does not have.
    let block = block_after("docs/outputs.md", "backend: aws").replace(
        "encrypt      = true",
        "encrypt      = true\n    encrypted    = true",
    );
    let out = init(&tmp.path().join("negative"), &block);
    assert!(configuration_error(&out), "{out}");
}

/// scripts/split-readme.py redoes the README split on a README in one piece (after other
/// branches edited its sections): sections move to their pages by heading, headings shift to
/// the page's level, links follow the heading they name, a new page gets a row in the README's
/// table, and a section without a page stops it before anything is written.
#[test]
fn the_readme_split_script_moves_sections_by_their_headings() {
    let Some(python) = tool("python3") else {
        return;
    };
    let tmp = TempDir::new("split-readme");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("scripts")).unwrap();
    std::fs::copy(
        root().join("scripts/split-readme.py"),
        dir.join("scripts/split-readme.py"),
    )
    .unwrap();
    let one_piece = "# cachegen\n\nSee [the state](#terraform-state).\n\n\
        ## Documentation\n\n| page | what |\n| --- | --- |\n\
        | [docs/outputs.md](docs/outputs.md) | outputs |\n\
        | [docs/guarantees.md](docs/guarantees.md) | guarantees |\n\n\
        ## Outputs\n\nWhat is written.\n\n### Terraform state\n\nRemote.\n\n#### Backends\n\n\
        ```sh\n# a comment, not a heading\n```\n\n\
        ## Guarantees\n\n[State](#terraform-state), [building](#development), \
        [contributing](CONTRIBUTING.md), [here](#guarantees).\n\n\
        ## Monitoring: alerts on every target, and `verify` health\n\nAlerts.\n\n\
        ## Developing cachegen\n\nFrom a clone.\n";
    let run = |readme: &str| {
        std::fs::write(dir.join("README.md"), readme).unwrap();
        Command::new(&python)
            .arg("scripts/split-readme.py")
            .current_dir(dir)
            .output()
            .unwrap()
    };

    // A section without a page: refused, naming it, nothing written.
    let unknown = one_piece.replace(
        "## Guarantees\n",
        "## Something new\n\nX.\n\n## Guarantees\n",
    );
    let o = run(&unknown);
    assert_eq!(code(&o), 1, "{}", output_text(&o));
    assert!(stderr(&o).contains("## Something new"), "{}", stderr(&o));
    assert!(!dir.join("docs").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("README.md")).unwrap(),
        unknown
    );

    let o = run(one_piece);
    assert_eq!(code(&o), 0, "{}", output_text(&o));
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let readme = read("README.md");
    assert!(readme.contains("See [the state](docs/outputs.md#terraform-state)."));
    assert!(readme.contains("## Developing cachegen\n\nFrom a clone.\n"));
    assert!(readme.contains(
        "| [docs/monitoring.md](docs/monitoring.md) | Monitoring: alerts on every target, and `verify` health |"
    ));
    assert!(!readme.contains("## Outputs") && !readme.contains("## Guarantees"));
    assert_eq!(
        read("docs/outputs.md"),
        "# Outputs\n\nWhat is written.\n\n## Terraform state\n\nRemote.\n\n### Backends\n\n\
         ```sh\n# a comment, not a heading\n```\n"
    );
    assert_eq!(
        read("docs/guarantees.md"),
        "# Guarantees\n\n[State](outputs.md#terraform-state), \
         [building](../README.md#developing-cachegen), [contributing](../CONTRIBUTING.md), \
         [here](#guarantees).\n"
    );
    assert!(read("docs/monitoring.md").starts_with("# Monitoring"));

    // Run again on the split README: refused, nothing changed.
    let o = run(&readme);
    assert_eq!(code(&o), 1, "{}", output_text(&o));
    assert!(stderr(&o).contains("already split"), "{}", stderr(&o));
}

/// azurerm 4.x refuses to plan without a subscription, and the generated provider block names
/// none (one module serves every subscription), so the Azure page's apply snippet exports
/// ARM_SUBSCRIPTION_ID before `terraform init`.
#[test]
fn the_azure_apply_snippet_names_the_subscription() {
    let tf = root().join("generated/production-azure/terraform/azure");
    let versions = std::fs::read_to_string(tf.join("versions.tf")).unwrap();
    assert!(versions.contains("version = \">= 4."), "{versions}");
    let main = std::fs::read_to_string(tf.join("main.tf")).unwrap();
    let provider = main
        .split("provider \"azurerm\" {")
        .nth(1)
        .and_then(|rest| rest.split("\n}").next())
        .expect("main.tf has a provider \"azurerm\" block");
    assert!(!provider.contains("subscription_id"), "{provider}");

    let page = std::fs::read_to_string(root().join("docs/azure.md")).unwrap();
    let apply = page
        .split("```sh\n")
        .skip(1)
        .map(|b| b.split("\n```").next().unwrap())
        .find(|b| b.contains("terraform init"))
        .expect("docs/azure.md shows how to apply");
    let export = apply
        .lines()
        .position(|l| l.starts_with("export ARM_SUBSCRIPTION_ID="));
    let init = apply.lines().position(|l| l.contains("terraform init"));
    assert!(
        matches!((export, init), (Some(e), Some(i)) if e < i),
        "the apply snippet exports ARM_SUBSCRIPTION_ID before terraform init:\n{apply}"
    );
}
