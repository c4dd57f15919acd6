//! Targets: where a cache runs, and the files that run it there. One folder per platform
//! (`compose/`, `aws/`, `azure/`, `gcp/`), each with its renderer (templates under
//! `templates/<target>/`), its capability answers (what it does with each setting where the
//! settings table cannot say it alone) and its endpoint facts (what the application's `.env`
//! needs). They stand behind one trait, [`Backend`], listed once in [`BACKENDS`]; nothing else
//! dispatches on a target's name. `.env` is rendered for every environment from the listed
//! platform's endpoint (`dotenv`).
//!
//! Targets render from the Plan alone (never from YAML) and return files relative to the
//! environment's output folder; `output` writes them. They know no rule: the waivers a spec
//! earned come in as data.

pub mod aws;
pub mod azure;
pub mod capability;
pub mod checkov;
pub mod compose;
pub mod dotenv;
pub mod engine;
pub mod gcp;
pub mod terraform;

pub use engine::Engine;
pub use terraform::ProviderVersions;

use crate::plan::{Accepted, Plan, Waived};
use crate::settings::{Platform, Setting, Support};

/// A generated file, relative to `generated/<environment>/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutFile {
    pub path: String,
    pub contents: String,
}

/// Every path cachegen may generate in an environment's folder, over every platform and mode;
/// `<i>` stands for a node's number. These are the only paths it ever replaces or deletes, and
/// only when the file there carries its header (`output` decides; README "Outputs"): a copy of
/// a generated file under another name (`.env.local`, `main.tf.orig`) is the team's. A test
/// renders specs of every platform and mode and fails on a file missing here.
pub const OUTPUT_PATHS: &[&str] = &[
    ".env",
    "docker-compose.yml",
    "redis.conf",
    "redis-<i>.conf",
    "start-redis.sh",
    "create-cluster.sh",
    "terraform/aws/versions.tf",
    "terraform/aws/variables.tf",
    "terraform/aws/main.tf",
    "terraform/aws/outputs.tf",
    "terraform/azure/versions.tf",
    "terraform/azure/variables.tf",
    "terraform/azure/main.tf",
    "terraform/azure/outputs.tf",
    "terraform/gcp/versions.tf",
    "terraform/gcp/variables.tf",
    "terraform/gcp/main.tf",
    "terraform/gcp/outputs.tf",
];

/// Whether cachegen may generate `path` (relative to an environment's folder, `/` separators).
pub fn may_generate(path: &str) -> bool {
    OUTPUT_PATHS
        .iter()
        .any(|pattern| match pattern.split_once("<i>") {
            None => *pattern == path,
            Some((before, after)) => path
                .strip_prefix(before)
                .and_then(|rest| rest.strip_suffix(after))
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
        })
}

/// What every target needs besides the Plan.
#[derive(Clone, Copy)]
pub struct RenderInput<'a> {
    pub plan: &'a Plan,
    pub engine: &'a Engine,
    pub providers: &'a ProviderVersions,
    /// Rules waived for this spec, written into the headers of the files they concern.
    pub waivers: &'a [Waived],
    /// Findings cachegen let through without a waiver (the tier's or the project's
    /// decision), for the skip comments of downstream scanners (`checkov`).
    pub accepted: &'a [Accepted],
}

/// How the application reaches the cache: what `.env` says.
#[derive(Clone, Debug, Default)]
pub struct Endpoint {
    /// The host, when it is known before anything is applied (self-hosted).
    pub host: Option<String>,
    pub port: u16,
    pub tls: bool,
    /// Where the password comes from; none when the application needs none.
    pub password_from: Option<String>,
    /// The CA file clients trust, when the platform's certificates are the stack's own.
    pub tls_ca_file: Option<String>,
    /// Values known only after `terraform apply`: one line each, saying where to read them.
    pub after_apply: Vec<String>,
    /// Cluster mode on a self-hosted stack: the seed nodes, `host:port,...`.
    pub cluster_nodes: Option<String>,
}

/// A platform a cache runs on.
pub trait Backend: Sync {
    fn platform(&self) -> Platform;

    /// Whether the plan runs the cache here.
    fn listed(&self, plan: &Plan) -> bool;

    /// The service's name and its vendor, as capability texts say them (`{service}`,
    /// `{vendor}` in the settings table).
    fn service(&self, plan: &Plan) -> &'static str;
    fn vendor(&self) -> &'static str;

    /// What applying a configuration key of the settings table (`Takes::Config`) means here.
    fn config_key(&self, key: &str) -> Support;

    /// The platform's own answer for a setting the table leaves to it (`Takes::Target`);
    /// `None` for the settings the table answers.
    fn support(&self, setting: &Setting, plan: &Plan) -> Option<Support>;

    /// How the application reaches the cache.
    fn endpoint(&self, plan: &Plan) -> Endpoint;

    /// Its files, relative to the environment's folder.
    fn render(&self, input: &RenderInput) -> Result<Vec<OutFile>, String>;
}

/// Every platform, in the order `explain` shows them.
pub static BACKENDS: &[&dyn Backend] = &[
    &compose::Compose,
    &aws::Aws,
    &azure::AzureCache,
    &azure::AzureManaged,
    &gcp::Gcp,
];

/// The platforms a plan lists, in display order.
pub fn listed(plan: &Plan) -> Vec<&'static dyn Backend> {
    BACKENDS
        .iter()
        .copied()
        .filter(|b| b.listed(plan))
        .collect()
}

/// The backend of a platform.
pub fn backend(platform: Platform) -> &'static dyn Backend {
    *BACKENDS
        .iter()
        .find(|b| b.platform() == platform)
        .expect("every platform has a backend")
}

/// Every file of one environment, sorted by path: each listed platform's, then `.env`.
pub fn render_all(input: &RenderInput) -> Result<Vec<OutFile>, String> {
    let mut files = Vec::new();
    for backend in listed(input.plan) {
        let waivers: Vec<Waived> = input
            .waivers
            .iter()
            .filter(|w| w.concerns(backend.platform()))
            .cloned()
            .collect();
        files.extend(backend.render(&RenderInput {
            waivers: &waivers,
            ..*input
        })?);
    }
    let waivers: Vec<Waived> = input
        .waivers
        .iter()
        .filter(|w| w.concerns_every_platform())
        .cloned()
        .collect();
    files.extend(dotenv::render(&RenderInput {
        waivers: &waivers,
        ..*input
    })?);
    if let Some(record) = crate::plan::record::Record::of(input.plan) {
        files.push(record_file(input, &record));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// `rendered.toml`: what the environment was rendered with, for the next `validate` to judge a
/// change against.
fn record_file(input: &RenderInput, record: &crate::plan::record::Record) -> OutFile {
    let body = format!(
        "# What this environment was rendered with: the settings that decide what a later change\n# does to the live cache. `cachegen validate` compares the next spec with it, to refuse a\n# change that would replace the cache or fail at apply (cachegen docs, \"Day two\").\n{}",
        record.to_toml()
    );
    OutFile {
        path: crate::plan::record::FILE_NAME.to_string(),
        contents: with_header(
            "#",
            &RenderInput {
                waivers: &[],
                ..*input
            },
            body,
        ),
    }
}

/// Text for a one-line comment: a character that ends a line for some consumer (a newline, a
/// carriage return, NEL, U+2028 and U+2029, which JavaScript's dotenv and YAML 1.1 parsers take
/// for line breaks) would end the comment and leave the rest as code, so it is written as a
/// visible escape, like every terminal control (`diagnostics::text`).
fn one_line(text: &str) -> String {
    crate::diagnostics::text::one_line(text).into_owned()
}

/// The header every generated file starts with, in the file's comment syntax, naming the spec
/// it comes from and every waiver that applies (a script's `#!` line stays first).
pub fn with_header(comment: &str, input: &RenderInput, body: String) -> String {
    let mut h = format!(
        "{comment} Generated by cachegen from {}; do not edit.\n{comment} Change the spec and run `cachegen render` (CI runs `cachegen render --check`).\n",
        one_line(&input.plan.source)
    );
    for w in input.waivers {
        h.push_str(&format!(
            "{comment} Policy exception {}: {}\n",
            w.rule,
            one_line(&w.reason)
        ));
    }
    // Kept in every file, so that the generated diff shows the acknowledgment to whoever
    // reviews it.
    if let Some(why) = &input.plan.accept_replacement {
        h.push_str(&format!(
            "{comment} Replacement accepted (policy.accept_replacement; the deletion guards are off): {}\n",
            one_line(why)
        ));
    }
    match body.strip_prefix("#!") {
        Some(rest) => {
            let (first, tail) = rest.split_once('\n').unwrap_or((rest, ""));
            format!("#!{first}\n{h}{tail}")
        }
        None => format!("{h}{body}"),
    }
}
