//! The editor's view: every shipped and `init`-generated spec and base, read raw (before
//! `extends` is merged) with the schema its modeline names, as yaml-language-server reads it,
//! is valid; the schemas tell a whole spec from a partial one; and `render` keeps the
//! committed schemas (`render --check` fails when they are stale).

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const MODELINE: &str = "# yaml-language-server: $schema=";

/// The schema a file's modeline names, resolved against the file's folder.
fn modeline_schema(file: &Path) -> PathBuf {
    let text = std::fs::read_to_string(file).unwrap();
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix(MODELINE))
        .unwrap_or_else(|| panic!("{}: no modeline, so no editor checks it", file.display()));
    file.parent().unwrap().join(line.trim())
}

fn validator(schema: &Path) -> jsonschema::Validator {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(schema).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", schema.display()));
    jsonschema::validator_for(&doc).unwrap()
}

/// The schema errors an editor shows for `file` as it is on disk.
pub fn editor_errors(file: &Path) -> Vec<String> {
    let v = validator(&modeline_schema(file));
    let doc: Value = serde_saphyr::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    v.iter_errors(&doc)
        .map(|e| format!("{} {e}", e.instance_path()))
        .collect()
}

/// Every YAML file cachegen ships: the environments, their base, the cluster example.
fn shipped() -> Vec<PathBuf> {
    let mut out = vec![
        root().join("environments/base.yaml"),
        root().join("examples/cluster/cache.yaml"),
    ];
    for e in std::fs::read_dir(root().join("environments")).unwrap() {
        let p = e.unwrap().path().join("cache.yaml");
        if p.is_file() {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn every_shipped_spec_and_base_is_valid_as_an_editor_reads_it() {
    let files = shipped();
    assert!(files.len() >= 7, "{files:?}");
    for f in &files {
        let schema = std::fs::canonicalize(modeline_schema(f)).unwrap();
        assert_eq!(
            schema.parent(),
            Some(
                std::fs::canonicalize(root().join("schema"))
                    .unwrap()
                    .as_path()
            ),
            "{}: the modeline names the project's schema folder",
            f.display()
        );
        let errors = editor_errors(f);
        assert!(errors.is_empty(), "{}: {errors:#?}", f.display());
    }
}

#[test]
fn every_init_generated_spec_is_valid_as_an_editor_reads_it() {
    let tmp = TempDir::new("editor-init");
    assert_eq!(code(&run_in(tmp.path(), &["init", "-q"])), 0);
    let spec = tmp.path().join("environments/development/cache.yaml");
    assert_eq!(
        modeline_schema(&spec),
        tmp.path()
            .join("environments/development/../../schema/cache.schema.json")
    );
    assert!(
        editor_errors(&spec).is_empty(),
        "{:?}",
        editor_errors(&spec)
    );
    // init writes the schemas this cachegen keeps.
    for (file, text) in [
        ("schema/cache.schema.json", cachegen::spec::schema::text()),
        (
            "schema/cache.partial.schema.json",
            cachegen::spec::schema::partial_text(),
        ),
    ] {
        assert_eq!(
            std::fs::read_to_string(tmp.path().join(file)).unwrap(),
            text
        );
    }
}

/// A scratch project with the committed schemas and `files`; returns each file's errors.
fn errors_in(files: &[(&str, &str)]) -> Vec<Vec<String>> {
    let tmp = TempDir::new("editor-cases");
    copy_dir(&root().join("schema"), &tmp.path().join("schema"));
    files
        .iter()
        .map(|(name, text)| {
            let p = tmp.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
            editor_errors(&p)
        })
        .collect()
}

const SPEC: &str = "# yaml-language-server: $schema=../../schema/cache.schema.json\n";
const BASE: &str = "# yaml-language-server: $schema=../schema/cache.partial.schema.json\n";

#[test]
fn the_schemas_tell_a_whole_spec_from_a_partial_one() {
    let cases: Vec<(&str, String, bool)> = vec![
        // A spec that extends a base needs none of the required keys: the base has them.
        (
            "environments/a/cache.yaml",
            format!(
                "{SPEC}extends: ../base.yaml\nenvironment: stage-a\ntier: staging\ntargets: {{ aws: {{ node_type: cache.t4g.small }} }}\n"
            ),
            true,
        ),
        // ... and may remove a base's value with null.
        (
            "environments/b/cache.yaml",
            format!(
                "{SPEC}extends: ../base.yaml\nmaintenance: {{ window: null }}\nlabels: {{ team: null }}\n"
            ),
            true,
        ),
        // A spec without `extends` is a whole spec.
        (
            "environments/c/cache.yaml",
            format!("{SPEC}environment: c\ntier: staging\ntargets: {{ compose: {{}} }}\n"),
            false,
        ),
        // null is no value in a whole spec.
        (
            "environments/d/cache.yaml",
            format!(
                "{SPEC}spec_version: 1\nname: d\nenvironment: d\ntier: staging\nmaintenance: {{ window: null }}\ntargets: {{ compose: {{}} }}\n"
            ),
            false,
        ),
        // A typo is a typo in a partial spec too.
        (
            "environments/e/cache.yaml",
            format!("{SPEC}extends: ../base.yaml\nmemory: {{ eviction_polcy: allkeys-lru }}\n"),
            false,
        ),
        // A base needs no required key, but is checked key by key.
        (
            "environments/base.yaml",
            format!("{BASE}name: shop\nmemory: {{ eviction_policy: allkeys-lru }}\n"),
            true,
        ),
        (
            "environments/base2.yaml",
            format!("{BASE}name: shop\nmemory: {{ max_memory: 1.5gb }}\n"),
            false,
        ),
        // A secret reference replaces the base's whole: it stays a whole reference.
        (
            "environments/base3.yaml",
            format!("{BASE}security: {{ auth: {{ password: {{}} }} }}\n"),
            false,
        ),
        // So do the items of a list.
        (
            "environments/base4.yaml",
            format!("{BASE}persistence: {{ snapshots: {{ save: [{{ seconds: 60 }}] }} }}\n"),
            false,
        ),
    ];
    let files: Vec<(&str, &str)> = cases.iter().map(|(n, t, _)| (*n, t.as_str())).collect();
    for ((name, _, valid), errors) in cases.iter().zip(errors_in(&files)) {
        assert_eq!(errors.is_empty(), *valid, "{name}: {errors:#?}");
    }
}

#[test]
fn render_keeps_the_schemas_and_check_fails_when_they_are_stale() {
    let tmp = TempDir::new("editor-render");
    copy_project(tmp.path());
    std::fs::remove_dir_all(tmp.path().join("schema")).unwrap();
    let schema = tmp.path().join("schema/cache.schema.json");
    let partial = tmp.path().join("schema/cache.partial.schema.json");
    // render writes them where the project keeps them.
    let o = run_in(tmp.path(), &["render"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&schema).unwrap(),
        cachegen::spec::schema::text()
    );
    assert_eq!(
        std::fs::read_to_string(&partial).unwrap(),
        cachegen::spec::schema::partial_text()
    );
    assert!(
        stderr(&o).contains("wrote schema/cache.schema.json"),
        "{}",
        stderr(&o)
    );
    assert_eq!(code(&run_in(tmp.path(), &["render", "--check"])), 0);

    // A stale schema (the issue's `{}`) fails --check with a diff and a finding at the file.
    std::fs::write(&schema, "{}\n").unwrap();
    let o = run_in(tmp.path(), &["render", "--check"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("schema/cache.schema.json"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("-{}"), "the diff: {}", stdout(&o));
    let o = run_in(tmp.path(), &["--format", "json", "render", "--check"]);
    assert_eq!(code(&o), 1);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "CG0051", "{v}");
    assert_eq!(d["location"]["file"], "schema/cache.schema.json", "{v}");
    // A missing one too.
    std::fs::remove_file(&partial).unwrap();
    let o = run_in(tmp.path(), &["render", "--check"]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("cache.partial.schema.json"),
        "{}",
        stderr(&o)
    );
    // render puts both back; a run over named specs leaves the project's files alone.
    assert_eq!(
        code(&run_in(
            tmp.path(),
            &["render", "environments/staging/cache.yaml"]
        )),
        0
    );
    assert!(!partial.exists());
    assert_eq!(code(&run_in(tmp.path(), &["render", "-q"])), 0);
    assert_eq!(code(&run_in(tmp.path(), &["render", "--check"])), 0);

    // `schema = false` leaves them to the team.
    let toml = std::fs::read_to_string(tmp.path().join("cachegen.toml")).unwrap();
    std::fs::write(
        tmp.path().join("cachegen.toml"),
        toml.replace("schema = \"schema\"", "schema = false"),
    )
    .unwrap();
    std::fs::write(&schema, "{}\n").unwrap();
    assert_eq!(code(&run_in(tmp.path(), &["render", "--check"])), 0);
    assert_eq!(code(&run_in(tmp.path(), &["render", "-q"])), 0);
    assert_eq!(std::fs::read_to_string(&schema).unwrap(), "{}\n");
}

#[cfg(unix)]
#[test]
fn a_schema_folder_that_links_out_of_the_project_is_never_written() {
    let tmp = TempDir::new("editor-link");
    let project = tmp.path().join("project");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&project).unwrap();
    copy_project(&project);
    std::fs::remove_dir_all(project.join("schema")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("cache.schema.json"), "theirs\n").unwrap();
    std::os::unix::fs::symlink(&outside, project.join("schema")).unwrap();
    let o = run_in(&project, &["render"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    let o = run_in(&project, &["render", "--check"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(outside.join("cache.schema.json")).unwrap(),
        "theirs\n"
    );
    assert!(!outside.join("cache.partial.schema.json").exists());
}
