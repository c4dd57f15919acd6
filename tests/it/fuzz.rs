//! Fuzzing on stable Rust: cargo-fuzz needs a nightly toolchain, so these are property tests
//! (proptest) run in-process against the library, with the same two targets a fuzzer would
//! have:
//!
//! - the loader: arbitrary bytes, YAML-ish token soup and mutations of a real spec go through
//!   `cachegen::load::load`; it must never panic or hang, and must return a spec or
//!   diagnostics (each with a help line) that every output format can print;
//! - the whole pipeline: generated specs, mostly valid with random values, go through load,
//!   schema, plan and rules; it must never panic, and a spec without errors must render,
//!   byte for byte the same twice.
//!
//! The case count comes from `PROPTEST_CASES` (defaults below keep `cargo test` quick; `.ci/run`
//! runs a longer pass), the seed from `PROPTEST_RNG_SEED` (fixed by default, so that CI is
//! deterministic; set it to fuzz new ground). A hang is caught by a watchdog that aborts with
//! the input. Every crash found becomes a fixture in tests/fixtures/hostile/.

use cachegen::diagnostics::{self, Diagnostic};
use cachegen::load::{self, LoadError};
use cachegen::pipeline::{self, Outcome};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Cases per target unless `PROPTEST_CASES` says otherwise.
fn config(default_cases: u32) -> Config {
    let mut c = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = default_cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(0x00ca_c4e9_e7f0_2026);
    }
    // A failure is turned into a fixture by hand, not into a file proptest keeps.
    c.failure_persistence = None;
    c
}

// ---------------------------------------------------------------------------------------------
// A watchdog: the loader and pipeline must not hang on any input. proptest without its `fork`
// feature has no timeout, so a thread aborts the process, with the input, when one case runs
// longer than any sane one could.

const HANG: Duration = Duration::from_secs(30);

static CURRENT: Mutex<Option<(Instant, String)>> = Mutex::new(None);

struct Watch;

impl Watch {
    fn start(what: &str, input: &[u8]) -> Watch {
        static STARTED: std::sync::Once = std::sync::Once::new();
        STARTED.call_once(|| {
            std::thread::spawn(|| {
                loop {
                    std::thread::sleep(Duration::from_millis(500));
                    let guard = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some((since, input)) = guard.as_ref()
                        && since.elapsed() > HANG
                    {
                        eprintln!("HANG: one case ran longer than {HANG:?}; input:\n{input}");
                        std::process::abort();
                    }
                }
            });
        });
        let shown = format!("{what}: {:?}", String::from_utf8_lossy(input));
        *CURRENT.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), shown));
        Watch
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        *CURRENT.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

// ---------------------------------------------------------------------------------------------
// A scratch folder with the things an `extends` can point at: a valid base, a folder, a FIFO,
// a symbolic link loop, an empty file.

struct Scratch {
    dir: crate::common::TempDir,
    spec: PathBuf,
}

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = crate::common::TempDir::new(tag);
        let p = dir.path();
        std::fs::write(
            p.join("base.yaml"),
            "spec_version: 1\nname: fuzz\nlabels: { team: platform }\n",
        )
        .unwrap();
        std::fs::create_dir(p.join("dir.yaml")).unwrap();
        std::fs::write(p.join("empty.yaml"), "").unwrap();
        std::os::unix::fs::symlink("loop.yaml", p.join("loop.yaml")).unwrap();
        crate::common::mkfifo(&p.join("fifo.yaml"));
        let spec = p.join("spec.yaml");
        Scratch { dir, spec }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Every diagnostic can be printed in every format, and says how to fix it.
fn print_all(diags: &[Diagnostic]) -> Result<(), TestCaseError> {
    for d in diags {
        prop_assert!(d.help.is_some(), "{} has no help: {}", d.code, d.message);
        prop_assert!(
            d.code.len() == 6 && d.code.starts_with("CG"),
            "code {}",
            d.code
        );
    }
    let _ = diagnostics::render_human(diags, false);
    let _ = diagnostics::render_human(diags, true);
    let json: Value = serde_json::from_str(&diagnostics::render_json(diags))
        .map_err(|e| TestCaseError::fail(format!("JSON output does not parse: {e}")))?;
    prop_assert_eq!(
        json["diagnostics"].as_array().map(Vec::len),
        Some(diags.len())
    );
    let rules = cachegen::app::rules::sarif_rules();
    let run = diagnostics::SarifRun {
        rules: &rules,
        source_root: std::path::Path::new("."),
        run_file: std::path::Path::new("cachegen.toml"),
        help_uri: None,
        successful: true,
    };
    let sarif: Value = serde_json::from_str(&diagnostics::render_sarif(diags, &run))
        .map_err(|e| TestCaseError::fail(format!("SARIF output does not parse: {e}")))?;
    prop_assert_eq!(&sarif["version"], "2.1.0");
    Ok(())
}

/// The loader's property: a spec or diagnostics, never a panic; never "unreadable" for a
/// regular file.
fn load_one(scratch: &Scratch, bytes: &[u8]) -> Result<(), TestCaseError> {
    std::fs::write(&scratch.spec, bytes).unwrap();
    let _watch = Watch::start("loader", bytes);
    match load::load(&scratch.spec) {
        Ok(loaded) => {
            prop_assert!(loaded.root.as_map().is_some_and(|m| !m.is_empty()));
            prop_assert!(!loaded.files.is_empty());
            let diags = cachegen::spec::schema::validate(&loaded);
            print_all(&diags)?;
        }
        Err(LoadError::Invalid(diags)) => {
            prop_assert!(!diags.is_empty(), "invalid without a diagnostic");
            print_all(&diags)?;
        }
        Err(LoadError::Unreadable(f)) => {
            return Err(TestCaseError::fail(format!(
                "a regular spec file was called unreadable: {}",
                f.message
            )));
        }
    }
    Ok(())
}

/// Pieces of YAML syntax and of specs, for token soup and for mutations.
const TOKENS: &[&str] = &[
    "\n",
    "\n  ",
    "\n    ",
    "  ",
    "\t",
    "\r\n",
    "- ",
    ": ",
    ":",
    "? ",
    "{",
    "}",
    "[",
    "]",
    ", ",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "<<: ",
    "<<: *a",
    "!!int ",
    "!!str ",
    "!!binary ",
    "!!float ",
    "!!map ",
    "!custom ",
    "!<tag:x> ",
    "|",
    "|-\n  ",
    ">\n  ",
    "\"",
    "'",
    "\\",
    "# c",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "%TAG !e! tag:e,2000:\n",
    "~",
    "null",
    "true",
    "yes",
    "0",
    "-1",
    "1e400",
    "-0.0",
    ".nan",
    "0x1F",
    "0o17",
    "007",
    "18446744073709551616",
    "-9223372036854775809",
    "1_000",
    "\u{FEFF}",
    "\u{0}",
    "\u{1b}[2J",
    "é",
    "€",
    "𝄞",
    "\u{85}",
    "\u{2028}",
    "spec_version: 1",
    "name: fuzz",
    "environment: fuzz",
    "tier: development",
    "tier: production",
    "targets: { compose: {} }",
    "targets:\n  compose: {}",
    "memory: { max_memory: 8gb }",
    "max_memory: ",
    "password: ",
    "password: { env: REDIS_PASSWORD }",
    "security: { auth: { password: ",
    "api_token: ",
    "labels: ",
    "extends: base.yaml",
    "extends: spec.yaml",
    "extends: dir.yaml",
    "extends: fifo.yaml",
    "extends: loop.yaml",
    "extends: empty.yaml",
    "extends: missing.yaml",
    "extends: ../missing.yaml",
    "extends: /proc/self/environ",
    "extends: ",
    "policy: { exceptions: [{ rule: CG1001, reason: x }] }",
];

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => proptest::sample::select(TOKENS).prop_map(str::to_string),
        2 => "[a-z_]{1,12}",
        1 => any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn token_soup() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(token(), 0..80).prop_map(|t| t.concat().into_bytes())
}

/// A real spec (the shipped staging environment, without its `extends`) with random edits.
fn mutated_spec() -> impl Strategy<Value = Vec<u8>> {
    let base =
        std::fs::read_to_string(crate::common::root().join("environments/staging/cache.yaml"))
            .unwrap()
            .replace("extends: ../base.yaml", "spec_version: 1\nname: fuzz");
    let edit = (
        any::<proptest::sample::Index>(),
        0usize..4,
        token(),
        0usize..40,
    );
    proptest::collection::vec(edit, 1..8).prop_map(move |edits| {
        let mut text = base.clone().into_bytes();
        for (at, kind, tok, len) in edits {
            let i = at.index(text.len() + 1);
            match kind {
                0 => {
                    text.splice(i..i, tok.bytes());
                }
                1 => {
                    let end = (i + len).min(text.len());
                    text.drain(i..end);
                }
                2 => {
                    let end = (i + len).min(text.len());
                    let copy = text[i..end].to_vec();
                    text.splice(i..i, copy);
                }
                _ => {
                    let end = (i + len).min(text.len());
                    text.splice(i..end, tok.bytes());
                }
            }
        }
        text
    })
}

#[test]
fn fuzz_loader_arbitrary_bytes() {
    let scratch = Scratch::new("fuzz-bytes");
    proptest!(config(512), |(bytes in proptest::collection::vec(any::<u8>(), 0..2048))| {
        load_one(&scratch, &bytes)?;
    });
}

#[test]
fn fuzz_loader_yaml_token_soup() {
    let scratch = Scratch::new("fuzz-soup");
    proptest!(config(512), |(bytes in token_soup())| {
        load_one(&scratch, &bytes)?;
    });
}

#[test]
fn fuzz_loader_mutated_spec() {
    let scratch = Scratch::new("fuzz-mutated");
    proptest!(config(512), |(bytes in mutated_spec())| {
        load_one(&scratch, &bytes)?;
    });
}

// ---------------------------------------------------------------------------------------------
// The pipeline: generated specs, mostly valid, with random values.

/// One of `good`, now and then any string.
fn word(good: &'static [&'static str]) -> BoxedStrategy<Value> {
    prop_oneof![
        100 => proptest::sample::select(good).prop_map(Value::from),
        1 => ".{0,12}".prop_map(Value::from),
    ]
    .boxed()
}

/// An integer in `good`, now and then just outside it, at an extreme, or of another type.
fn int(good: std::ops::RangeInclusive<i64>) -> BoxedStrategy<Value> {
    let (lo, hi) = (*good.start(), *good.end());
    prop_oneof![
        100 => good.prop_map(Value::from),
        1 => proptest::sample::select(vec![
            Value::from(lo.saturating_sub(1)),
            Value::from(hi.saturating_add(1)),
            Value::from(i64::MIN),
            Value::from(u64::MAX),
        ]),
        1 => wild(),
    ]
    .boxed()
}

/// A count the schema does not bound (workload sizes, cache entries): any u64 is valid, and
/// the extremes must flow through sizing arithmetic without overflowing.
fn count(usual: std::ops::RangeInclusive<u64>) -> BoxedStrategy<Value> {
    prop_oneof![
        20 => usual.prop_map(Value::from),
        2 => any::<u64>().prop_map(Value::from),
        1 => proptest::sample::select(vec![u64::MAX, u64::MAX / 2, 1 << 63, i64::MAX as u64])
            .prop_map(Value::from),
        1 => wild(),
    ]
    .boxed()
}

fn boolean() -> BoxedStrategy<Value> {
    prop_oneof![100 => any::<bool>().prop_map(Value::from), 1 => wild()].boxed()
}

/// A value of any type.
fn wild() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,8}".prop_map(Value::from),
        Just(json!([1, "two"])),
        Just(json!({ "k": "v" })),
    ]
    .boxed()
}

/// A mapping whose every entry is there with probability 0.6; a key written `!key` is required
/// and always there (now and then left out).
fn section(entries: Vec<(&'static str, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
    let parts: Vec<_> = entries
        .into_iter()
        .map(|(k, s)| {
            let (k, p) = match k.strip_prefix('!') {
                Some(k) => (k, 0.99),
                None => (k, 0.6),
            };
            proptest::option::weighted(p, s).prop_map(move |v| (k, v))
        })
        .collect();
    parts
        .prop_map(|kv| {
            Value::Object(
                kv.into_iter()
                    .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
                    .collect::<Map<_, _>>(),
            )
        })
        .boxed()
}

fn memory_size() -> BoxedStrategy<Value> {
    prop_oneof![
        30 => word(&["64mb", "512mb", "1gb", "2gb", "4gb", "8gb", "16gb", "32gb", "100gb"]),
        2 => (0u64..100_000, proptest::sample::select(&["b", "kb", "mb", "gb", "k", "m", "g", "tb", ""][..]))
            .prop_map(|(n, u)| Value::from(format!("{n}{u}"))),
        1 => (0u64..1_000_000_000_000_000, proptest::sample::select(&["gb", "b", "mb", "kb"][..]))
            .prop_map(|(n, u)| Value::from(format!("{n}{u}"))),
    ]
    .boxed()
}

fn secret_ref() -> BoxedStrategy<Value> {
    prop_oneof![
        20 => prop_oneof![
        Just(json!({ "env": "REDIS_PASSWORD" })),
        "[A-Z_][A-Z0-9_]{0,10}".prop_map(|n| json!({ "env": n })),
        Just(json!({ "aws_secret": "prod/redis/auth" })),
        Just(json!({ "azure_key_vault_secret": "https://v.vault.azure.net/secrets/redis" })),
        Just(json!({ "gcp_secret": "projects/p/secrets/redis" })),
        ],
        1 => wild(),
    ]
    .boxed()
}

fn spec_value() -> BoxedStrategy<Value> {
    let top = section(vec![
        (
            "labels",
            proptest::collection::btree_map("[a-z][a-z0-9_-]{0,8}", ".{0,10}", 0..4)
                .prop_map(|m| json!(m))
                .boxed(),
        ),
        (
            "engine",
            section(vec![
                ("kind", word(&["redis", "valkey"])),
                ("version", word(&["6.2", "7.0", "7.1", "7.2", "8.0", "7.4"])),
            ]),
        ),
        (
            "topology",
            section(vec![
                ("mode", word(&["standalone", "replicated", "cluster"])),
                ("shards", int(1..=8)),
                ("replicas", int(0..=5)),
                ("automatic_failover", boolean()),
                ("multi_zone", boolean()),
            ]),
        ),
        (
            "memory",
            section(vec![
                ("max_memory", memory_size()),
                (
                    "eviction_policy",
                    word(&["noeviction", "allkeys-lru", "allkeys-lfu", "volatile-ttl"]),
                ),
                ("eviction_samples", int(1..=64)),
            ]),
        ),
        (
            "workload",
            section(vec![
                ("organizations", count(0..=10_000_000)),
                ("entries", count(0..=100_000_000)),
                ("avg_entry_bytes", count(0..=1_000_000)),
                ("avg_key_bytes", int(1..=65536)),
            ]),
        ),
        (
            "persistence",
            section(vec![
                (
                    "snapshots",
                    section(vec![
                        ("enabled", boolean()),
                        (
                            "save",
                            proptest::collection::vec(
                                section(vec![
                                    ("!seconds", int(1..=3600)),
                                    ("!changes", int(0..=100_000)),
                                ]),
                                0..4,
                            )
                            .prop_map(Value::from)
                            .boxed(),
                        ),
                        ("compression", boolean()),
                        ("checksum", boolean()),
                        ("retention_days", int(0..=40)),
                        (
                            "window",
                            word(&["03:00-05:00", "23:00-01:00", "05:00-05:30"]),
                        ),
                    ]),
                ),
                (
                    "aof",
                    section(vec![
                        ("enabled", boolean()),
                        ("fsync", word(&["always", "everysec", "no"])),
                        ("rewrite_percentage", int(0..=200)),
                        ("rewrite_min_size", memory_size()),
                    ]),
                ),
            ]),
        ),
        (
            "maintenance",
            section(vec![
                (
                    "window",
                    word(&[
                        "sun:05:00-sun:07:00",
                        "sat:23:00-sun:01:00",
                        "mon:03:00-mon:04:00",
                    ]),
                ),
                ("auto_minor_version_upgrade", boolean()),
            ]),
        ),
        (
            "network",
            section(vec![
                ("port", int(1..=65535)),
                (
                    "allowed_cidrs",
                    proptest::collection::vec(
                        word(&[
                            "10.0.0.0/16",
                            "192.168.1.0/24",
                            "0.0.0.0/0",
                            "10.0.0.1/33",
                            "::/0",
                        ]),
                        0..3,
                    )
                    .prop_map(Value::from)
                    .boxed(),
                ),
                ("public_access", boolean()),
                ("tcp_backlog", int(1..=65535)),
                ("idle_timeout_seconds", int(0..=3600)),
                ("tcp_keepalive_seconds", int(0..=3600)),
            ]),
        ),
        (
            "security",
            section(vec![
                (
                    "tls",
                    section(vec![
                        ("enabled", boolean()),
                        ("min_version", word(&["1.2", "1.3"])),
                    ]),
                ),
                (
                    "auth",
                    section(vec![("enabled", boolean()), ("password", secret_ref())]),
                ),
                ("encryption_at_rest", boolean()),
                (
                    "disabled_commands",
                    proptest::collection::vec(
                        word(&["FLUSHALL", "FLUSHDB", "KEYS", "DEBUG", "CONFIG", "NOPE"]),
                        0..4,
                    )
                    .prop_map(Value::from)
                    .boxed(),
                ),
            ]),
        ),
        (
            "server",
            section(vec![
                ("databases", int(1..=32)),
                ("io_threads", int(1..=8)),
                ("io_threads_do_reads", boolean()),
                (
                    "slowlog",
                    section(vec![
                        ("log_slower_than_us", int(-1..=100_000)),
                        ("max_len", int(0..=1000)),
                    ]),
                ),
                ("latency_monitor_threshold_ms", int(0..=1000)),
                ("keyspace_events", word(&["", "Ex", "KEA", "gx"])),
                (
                    "client_output_buffer_limits",
                    section(vec![
                        ("normal", word(&["0 0 0", "1mb 1mb 60"])),
                        ("replica", word(&["256mb 64mb 60", "1gb 0 0"])),
                        ("pubsub", word(&["32mb 8mb 60"])),
                    ]),
                ),
                ("cluster_node_timeout_ms", int(100..=600_000)),
            ]),
        ),
        (
            "client",
            section(vec![
                ("db", int(0..=20)),
                ("connect_timeout_ms", int(1..=600_000)),
                ("command_timeout_ms", int(1..=600_000)),
                ("max_retries", int(0..=100)),
                ("default_ttl_seconds", int(1..=31_536_000)),
                ("max_entries", count(0..=10_000_000)),
            ]),
        ),
        (
            "!targets",
            section(vec![
                (
                    "compose",
                    section(vec![
                        (
                            "image",
                            word(&["redis:7.2-alpine", "valkey/valkey:8.0", "redis:7.0"]),
                        ),
                        ("container_name", word(&["fuzz-redis", "r1"])),
                        ("host_port", int(1..=65535)),
                        ("host_address", word(&["127.0.0.1", "0.0.0.0"])),
                        (
                            "restart",
                            word(&["no", "always", "on-failure", "unless-stopped"]),
                        ),
                        ("mem_limit", memory_size()),
                        ("tls_dir", word(&["./tls", "certs"])),
                    ]),
                ),
                (
                    "aws",
                    section(vec![
                        ("!region", word(&["us-east-1", "eu-west-1"])),
                        (
                            "!node_type",
                            word(&["cache.r7g.large", "cache.t4g.micro", "cache.m7g.xlarge"]),
                        ),
                    ]),
                ),
            ]),
        ),
        (
            "policy",
            section(vec![(
                "exceptions",
                proptest::collection::vec(
                    section(vec![
                        ("!rule", word(&["CG1001", "CG6001", "CG0020", "CG9999"])),
                        (
                            "!reason",
                            word(&["accepted risk, reviewed by the platform team", "short"]),
                        ),
                    ]),
                    0..2,
                )
                .prop_map(Value::from)
                .boxed(),
            )]),
        ),
    ]);
    let required = (
        word(&["fuzz", "hospitality-redis"]),
        word(&["fuzz", "eu-prod", "dev-2"]),
        word(&["development", "staging", "production"]),
    );
    (top, required)
        .prop_map(|(mut top, (name, environment, tier))| {
            let m = top.as_object_mut().unwrap();
            m.insert("spec_version".into(), json!(1));
            m.insert("name".into(), name);
            m.insert("environment".into(), environment);
            m.insert("tier".into(), tier);
            top
        })
        .boxed()
}

/// YAML in block style (JSON strings are valid double-quoted YAML scalars).
fn block_yaml(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, c) in m {
                out.push_str(&format!("{pad}{}:", serde_json::to_string(k).unwrap()));
                match c {
                    Value::Object(cm) if !cm.is_empty() => {
                        out.push('\n');
                        block_yaml(c, indent + 2, out);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push('\n');
                        block_yaml(c, indent + 2, out);
                    }
                    _ => {
                        out.push(' ');
                        out.push_str(&serde_json::to_string(c).unwrap());
                        out.push('\n');
                    }
                }
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for item in a {
                out.push_str(&format!(
                    "{pad}- {}\n",
                    serde_json::to_string(item).unwrap()
                ));
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&serde_json::to_string(other).unwrap());
            out.push('\n');
        }
    }
}

/// How often each error code stopped a generated spec (printed with `--nocapture`, to tune the
/// generator towards specs that reach the renderer).
static ERROR_CODES: Mutex<std::collections::BTreeMap<&'static str, u32>> =
    Mutex::new(std::collections::BTreeMap::new());

/// Load, check and (when clean) render one spec file from scratch.
fn render_from_scratch(
    project: &cachegen::project::Project,
    engine: &cachegen::targets::Engine,
    path: &Path,
) -> Result<Option<Vec<cachegen::targets::OutFile>>, TestCaseError> {
    let outcome = pipeline::check_spec(project, path);
    print_all(outcome.diagnostics())?;
    let mut seen = ERROR_CODES.lock().unwrap_or_else(|e| e.into_inner());
    for d in outcome.diagnostics() {
        if d.severity == diagnostics::Severity::Error {
            *seen.entry(d.code).or_default() += 1;
        }
    }
    drop(seen);
    let Outcome::Checked(c) = outcome else {
        return Ok(None);
    };
    let explanation = cachegen::explain::explain(&c);
    let _ = cachegen::explain::render_text(&explanation);
    serde_json::to_string(&explanation).map_err(|e| TestCaseError::fail(e.to_string()))?;
    if c.has_errors() {
        return Ok(None);
    }
    let waivers = cachegen::rules::waived(&c.context());
    let accepted = cachegen::rules::accepted(
        &c.context(),
        &project.overrides,
        &cachegen::targets::checkov::rules(),
    );
    let input = cachegen::targets::RenderInput {
        plan: &c.plan,
        engine,
        providers: &project.providers,
        waivers: &waivers,
        accepted: &accepted,
    };
    let files = cachegen::targets::render_all(&input)
        .map_err(|e| TestCaseError::fail(format!("a clean spec failed to render: {e}")))?;
    Ok(Some(files))
}

#[test]
fn fuzz_pipeline_generated_specs() {
    let scratch = Scratch::new("fuzz-pipeline");
    let project = cachegen::project::discover(scratch.path()).expect("default project");
    let engine = cachegen::targets::Engine::new(None).expect("built-in templates");
    let rendered = std::cell::Cell::new(0u32);
    proptest!(config(192), |(spec in spec_value(), block in any::<bool>())| {
        let text = if block {
            let mut s = String::new();
            block_yaml(&spec, 0, &mut s);
            s
        } else {
            serde_json::to_string_pretty(&spec).unwrap()
        };
        std::fs::write(&scratch.spec, &text).unwrap();
        let _watch = Watch::start("pipeline", text.as_bytes());
        let first = render_from_scratch(&project, &engine, &scratch.spec)?;
        if let Some(files) = first {
            rendered.set(rendered.get() + 1);
            prop_assert!(files.iter().any(|f| f.path == ".env"), "every environment has a .env");
            for f in &files {
                prop_assert!(
                    f.contents.contains("Generated by cachegen"),
                    "{} has no header",
                    f.path
                );
            }
            let again = render_from_scratch(&project, &engine, &scratch.spec)?;
            prop_assert_eq!(Some(files), again, "rendering is not deterministic");
        }
    });
    eprintln!(
        "fuzz_pipeline: {} generated specs were clean and rendered; errors seen: {:?}",
        rendered.get(),
        ERROR_CODES.lock().unwrap_or_else(|e| e.into_inner())
    );
    // The generator is meant to produce many valid specs: if none rendered, it tests nothing.
    assert!(
        rendered.get() > 0,
        "no generated spec was clean enough to render; the generator is broken"
    );
}
