//! Benchmarks of each pipeline stage on the shipped specs: load and validate, resolve into a
//! Plan, and render each target. Run with `cargo bench --bench pipeline`; whole-run and scale
//! figures come from `scripts/bench-scale.sh`. Nothing here asserts a time.

use cachegen::pipeline::{Checked, Outcome, check_spec};
use cachegen::project::{Project, discover};
use cachegen::targets::{Engine, RenderInput};
use std::path::PathBuf;

fn main() {
    divan::main();
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn project() -> Project {
    discover(&root()).expect("the repository's cachegen.toml")
}

fn spec(env: &str) -> PathBuf {
    root().join(format!("environments/{env}/cache.yaml"))
}

fn checked(env: &str) -> Checked {
    match check_spec(&project(), &spec(env)) {
        Outcome::Checked(c) => *c,
        _ => panic!("{env} does not validate"),
    }
}

const ENVS: &[&str] = &[
    "development",
    "staging",
    "production",
    "production-azure",
    "production-gcp",
];

/// Load (YAML with spans, extends), JSON Schema, typed spec, Plan and every rule.
#[divan::bench(args = ENVS)]
fn load_and_validate(env: &str) -> usize {
    let p = project();
    let path = spec(env);
    match check_spec(divan::black_box(&p), divan::black_box(&path)) {
        Outcome::Checked(c) => c.diagnostics.len(),
        _ => usize::MAX,
    }
}

/// Tier defaults and derived values, from an already typed spec.
#[divan::bench(args = ENVS)]
fn resolve(bencher: divan::Bencher, env: &str) {
    let c = checked(env);
    bencher
        .bench(|| cachegen::plan::resolve(divan::black_box(&c.spec), "environments/x/cache.yaml"));
}

/// Every file of one environment, per target (templates compiled once, as in a run).
#[divan::bench(args = ["compose (development)", "compose (staging)", "aws (production)", "azure (production-azure)", "gcp (production-gcp)"])]
fn render(bencher: divan::Bencher, case: &str) {
    let env = case.split('(').nth(1).unwrap().trim_end_matches(')');
    let c = checked(env);
    let engine = Engine::new(None).unwrap();
    let providers = project().providers;
    let waivers = cachegen::rules::waived(&c.context());
    let accepted = cachegen::rules::accepted(
        &c.context(),
        &project().overrides,
        &cachegen::targets::checkov::rules(),
    );
    let input = RenderInput {
        plan: &c.plan,
        engine: &engine,
        providers: &providers,
        waivers: &waivers,
        accepted: &accepted,
    };
    bencher.bench(|| {
        cachegen::targets::render_all(divan::black_box(&input))
            .unwrap()
            .len()
    });
}

/// What every process pays once: the schema generated and compiled, the templates compiled.
#[divan::bench]
fn startup_schema_and_templates() -> usize {
    cachegen::spec::schema::text().len() + Engine::new(None).map(|_| 1).unwrap_or(0)
}
