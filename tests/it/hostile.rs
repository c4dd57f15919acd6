//! Hostile specs: what anyone can send in a pull request. Each file under
//! tests/fixtures/hostile/ (and each made here at test time: oversize files, FIFOs, folders,
//! link loops, files outside the project) must end in a diagnostic, exit 1 for a spec problem
//! or 2 when the spec named on the command line cannot be read, within a bounded time (a run
//! is killed after `RUN_TIMEOUT`) and memory (`RLIMIT_AS`, and the peak RSS measured), and
//! never panic. Fixtures say what they expect on their first line, like the invalid ones; a
//! few are `clean`: a UTF-8 byte-order mark is accepted, and crashes found by fuzzing whose
//! spec is valid stay here as regressions. `HOSTILE-CANARY` marks a secret that no output
//! may show.

use crate::common::*;
use std::path::{Path, PathBuf};

/// Peak resident memory a run on hostile input may reach (the shipped environments take
/// about 15 MiB in a debug build).
const MAX_PEAK_RSS_KIB: i64 = 256 * 1024;

fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(root().join("tests/fixtures/hostile"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.sort();
    v
}

/// A bounded run that must not panic, hang or blow up; returns it for further checks.
fn bounded(dir: &Path, args: &[&str], what: &str) -> Bounded {
    let r = run_bounded(dir, args);
    assert!(!r.timed_out, "{what}: killed after {RUN_TIMEOUT:?}");
    assert!(
        !r.stderr.contains("panicked") && !r.stdout.contains("panicked"),
        "{what}: panic\n{}",
        r.stderr
    );
    assert!(
        r.peak_rss_kib < MAX_PEAK_RSS_KIB,
        "{what}: peak memory {} KiB",
        r.peak_rss_kib
    );
    assert!(
        !r.stdout.contains("CANARY") && !r.stderr.contains("CANARY"),
        "{what}: a secret is shown\n{}{}",
        r.stdout,
        r.stderr
    );
    r
}

/// `validate` in JSON: the exit code, and the code, line and file of the first error.
fn first_error(dir: &Path, spec: &str) -> (i32, Option<(String, u64, String)>) {
    let r = bounded(dir, &["--format", "json", "validate", spec], spec);
    let first = serde_json::from_str::<serde_json::Value>(&r.stdout)
        .ok()
        .and_then(|v| {
            v["diagnostics"]
                .as_array()?
                .iter()
                .find(|d| d["severity"] == "error")
                .map(|d| {
                    (
                        d["code"].as_str().unwrap_or_default().to_string(),
                        d["location"]["line"].as_u64().unwrap_or(0),
                        d["location"]["file"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    )
                })
        });
    (r.code, first)
}

#[test]
fn every_hostile_fixture_ends_in_a_diagnostic_within_bounds() {
    let dir = root().join("tests/fixtures/hostile");
    let all = fixtures();
    assert!(
        all.len() >= 25,
        "at least 25 hostile fixtures, found {}",
        all.len()
    );
    let out = TempDir::new("hostile-render");
    let out_dir = out.path().to_str().unwrap();
    let mut failing = 0;
    for path in &all {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expect = expectation(path);
        let (code, first) = first_error(&dir, &name);
        if expect.code == "clean" {
            assert_eq!(code, 0, "{name}: expected clean, found {first:?}");
        } else {
            failing += 1;
            assert_eq!(code, 1, "{name}: exit code (first error {first:?})");
            let (c, line, file) = first.unwrap_or_else(|| panic!("{name}: no error reported"));
            assert_eq!(c, expect.code, "{name}: code");
            assert_eq!(line, u64::from(expect.line), "{name}: line");
            assert_eq!(file, expect.file.unwrap_or(name.clone()), "{name}: file");
        }
        // The human report, explain and render end the same way; a spec with an error
        // writes nothing.
        let human = bounded(&dir, &["validate", &name], &name);
        assert_eq!(human.code, code, "{name}: human exit code");
        if code != 0 {
            assert!(human.stderr.contains("help:"), "{name}: {}", human.stderr);
        }
        let explain = bounded(&dir, &["explain", &name], &name);
        assert_eq!(explain.code, code, "{name}: explain exit code");
        let render = bounded(&dir, &["render", &name, "--out", out_dir], &name);
        assert_eq!(render.code, code, "{name}: render exit code");
        if code != 0 {
            assert!(
                !out.path().join("hostile").exists(),
                "{name}: render wrote output for a spec with errors"
            );
        }
        let _ = std::fs::remove_dir_all(out.path().join("hostile"));
    }
    assert!(
        failing >= 25,
        "at least 25 fixtures that fail, found {failing}"
    );
}

#[test]
fn a_byte_order_mark_is_accepted_and_renders() {
    let dir = root().join("tests/fixtures/hostile");
    let bytes = std::fs::read(dir.join("bom-valid.yaml")).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "the fixture starts with a BOM"
    );
    let out = TempDir::new("hostile-bom");
    let o = bounded(
        &dir,
        &[
            "render",
            "bom-valid.yaml",
            "--out",
            out.path().to_str().unwrap(),
        ],
        "bom",
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(out.path().join("hostile/.env").is_file());
}

const SPEC: &str = "spec_version: 1\nname: hostile\nenvironment: hostile\ntier: development\ntargets: { compose: {} }\n";

/// Files that cannot be committed: made here, in a project of their own.
#[test]
fn hostile_files_made_at_test_time() {
    let tmp = TempDir::new("hostile-made");
    let d = tmp.path();
    std::fs::write(d.join("cachegen.toml"), "").unwrap();

    // Oversize: many lines, and one line of more than a megabyte.
    let mut big = String::from(SPEC);
    while big.len() <= 1 << 20 {
        big.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(d.join("oversize-lines.yaml"), &big).unwrap();
    let line = format!("{SPEC}labels: {{ team: \"{}\" }}\n", "x".repeat(1 << 20));
    std::fs::write(d.join("oversize-line.yaml"), line).unwrap();
    // Just under the limit: one line of 900 KB with an error at its end, and tens of
    // thousands of wrong values (each a diagnostic; at most 100 are reported).
    let long = format!(
        "{SPEC}labels: {{ {}, last: 1 }}\n",
        (0..20_000)
            .map(|i| format!("k{i}: v"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert!(long.len() < 1 << 20);
    std::fs::write(d.join("one-long-line.yaml"), long).unwrap();
    let many: String = (0..24_000).map(|i| format!("  k{i}: 1\n")).collect();
    std::fs::write(d.join("many-errors.yaml"), format!("{SPEC}labels:\n{many}")).unwrap();
    // A chain of 17 bases, one more than allowed.
    for i in 0..17 {
        std::fs::write(
            d.join(format!("chain-{i}.yaml")),
            format!("extends: chain-{}.yaml\n", i + 1),
        )
        .unwrap();
    }
    std::fs::write(d.join("chain-17.yaml"), SPEC).unwrap();
    // Things that are not files, as the spec and as a base.
    mkfifo(&d.join("fifo.yaml"));
    std::fs::create_dir(d.join("folder.yaml")).unwrap();
    std::os::unix::fs::symlink("loop.yaml", d.join("loop.yaml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.yaml")).unwrap();
    // Links that lead out of the project: to a file whose read blocks, and to a YAML file.
    let outside = TempDir::new("hostile-outside");
    std::fs::write(
        outside.path().join("secret.yaml"),
        "name: x\nkey: HOSTILE-CANARY-outside \"\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("/proc/kmsg", d.join("kmsg.yaml")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.yaml"), d.join("outside.yaml")).unwrap();
    for (name, target) in [
        ("extends-fifo.yaml", "fifo.yaml"),
        ("extends-folder.yaml", "folder.yaml"),
        ("extends-loop.yaml", "loop.yaml"),
        ("extends-zero.yaml", "zero.yaml"),
        ("extends-kmsg-link.yaml", "kmsg.yaml"),
        ("extends-outside-link.yaml", "outside.yaml"),
    ] {
        std::fs::write(d.join(name), format!("extends: {target}\n{SPEC}")).unwrap();
    }

    // Spec problems: exit 1, with the expected code.
    for (spec, code) in [
        ("oversize-lines.yaml", "CG0003"),
        ("oversize-line.yaml", "CG0003"),
        // Thousands of labels, more than the 48 a cloud takes: that comes first, at `labels`.
        ("one-long-line.yaml", "CG0013"),
        ("many-errors.yaml", "CG0013"),
        ("chain-0.yaml", "CG0004"),
        ("extends-fifo.yaml", "CG0005"),
        ("extends-folder.yaml", "CG0005"),
        ("extends-loop.yaml", "CG0005"),
        ("extends-zero.yaml", "CG0005"),
        ("extends-kmsg-link.yaml", "CG0005"),
        ("extends-outside-link.yaml", "CG0005"),
    ] {
        let (exit, first) = first_error(d, spec);
        assert_eq!(exit, 1, "{spec}: {first:?}");
        assert_eq!(first.map(|f| f.0).as_deref(), Some(code), "{spec}");
    }
    // At most 100 schema errors are reported, and a note counts the rest.
    let r = bounded(
        d,
        &["--format", "json", "validate", "many-errors.yaml"],
        "many",
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["summary"]["errors"], 100);
    assert!(
        r.stdout.contains("23901 more schema errors"),
        "{}",
        r.stdout
    );

    // The spec on the command line cannot be read: exit 2, with a message, no hang.
    for (spec, says) in [
        ("fifo.yaml", "not a regular file"),
        ("folder.yaml", "is a directory"),
        ("loop.yaml", "symbolic link"),
        ("zero.yaml", "symbolic link"),
        ("/dev/zero", "not a regular file"),
        ("missing.yaml", "cannot read"),
        ("kmsg.yaml", "symbolic link"),
        ("outside.yaml", "symbolic link"),
    ] {
        let r = bounded(d, &["validate", spec], spec);
        assert_eq!(r.code, 2, "{spec}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{spec}: {}", r.stderr);
    }

    // A project whose environments/<env>/cache.yaml is a FIFO, a folder or a link out of the
    // project: reported (exit 2), never skipped in silence, never blocking.
    for (env, make) in [("fifo", 0), ("folder", 1), ("kmsg", 2), ("dangling", 3)] {
        let proj = TempDir::new("hostile-project");
        let p = proj.path();
        std::fs::write(p.join("cachegen.toml"), "").unwrap();
        let env_dir = p.join("environments").join(env);
        std::fs::create_dir_all(&env_dir).unwrap();
        let spec = env_dir.join("cache.yaml");
        match make {
            0 => mkfifo(&spec),
            1 => std::fs::create_dir(&spec).unwrap(),
            2 => std::os::unix::fs::symlink("/proc/kmsg", &spec).unwrap(),
            _ => std::os::unix::fs::symlink("nowhere.yaml", &spec).unwrap(),
        }
        let r = bounded(p, &["validate"], env);
        assert_eq!(r.code, 2, "{env}: {}", r.stderr);
        assert!(
            r.stderr.contains("environments/") && r.stderr.contains("cache.yaml"),
            "{env}: {}",
            r.stderr
        );
    }
}

/// A spec's path is the one piece of text in a generated file that no schema pattern
/// constrains: it is in every header and in a Terraform description. A folder name with a
/// quote, Terraform template sequences and a newline must not end a comment or a string
/// early, or `terraform apply` downstream would run on text the reviewer never saw as code.
#[test]
fn a_hostile_folder_name_cannot_break_a_generated_file() {
    let tmp = TempDir::new("hostile-folder");
    copy_project(tmp.path());
    let weird = "we\"ird${x}%{y}\nTAIL-MARKER = 1";
    let mut specs = Vec::new();
    for env in ["production", "development"] {
        let dir = tmp
            .path()
            .join("environments")
            .join(format!("{env}-{weird}"));
        std::fs::create_dir_all(&dir).unwrap();
        let spec =
            std::fs::read_to_string(tmp.path().join("environments").join(env).join("cache.yaml"))
                .unwrap();
        std::fs::write(dir.join("cache.yaml"), spec).unwrap();
        specs.push(dir.join("cache.yaml"));
    }
    let out = tmp.path().join("out");
    let mut args = vec![
        "render".to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    args.extend(specs.iter().map(|s| s.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run_in(tmp.path(), &args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    let mut files = Vec::new();
    collect_files(&out, &mut files);
    assert!(files.len() >= 9, "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(
            !text.lines().any(|l| l.starts_with("TAIL-MARKER")),
            "{}: the folder name's newline ended a comment:\n{text}",
            f.display()
        );
        if f.extension().is_some_and(|e| e == "tf") {
            let body = hcl::parse(&text)
                .unwrap_or_else(|e| panic!("{}: not HCL: {e}\n{text}", f.display()));
            if f.ends_with("terraform/aws/main.tf") {
                // The path reaches the replication group's description as a literal: the
                // quote, `${` and `%{` escaped, so Terraform interpolates nothing from it.
                let group = body
                    .blocks()
                    .find(|b| {
                        b.labels
                            .first()
                            .is_some_and(|l| l.as_str() == "aws_elasticache_replication_group")
                    })
                    .expect("a replication group");
                let description = group
                    .body
                    .attributes()
                    .find(|a| a.key.as_str() == "description")
                    .expect("a description");
                let rendered = description.expr.to_string();
                assert!(
                    rendered.contains(r#"we\"ird$${x}%%{y}\nTAIL-MARKER"#),
                    "{rendered}"
                );
            }
        }
    }
    if let Some(terraform) = which("terraform") {
        let o = std::process::Command::new(terraform)
            .args(["fmt", "-check", "-recursive"])
            .arg(&out)
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "terraform fmt -check: {}",
            String::from_utf8_lossy(&o.stdout)
        );
    } else {
        eprintln!("SKIPPED: terraform not found (terraform fmt of the hostile folder's output)");
    }
}

fn collect_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect_files(&p, into);
        } else {
            into.push(p);
        }
    }
}
