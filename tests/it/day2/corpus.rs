//! The day-2 corpus: change pairs of a production AWS spec (`tests/fixtures/day2/pairs.toml`,
//! spec variants in `tests/fixtures/day2/specs/`), each with the verdict cachegen intends:
//! whether `cachegen validate` refuses the new spec with the old rendering in place (and with
//! which rule), which rendering is planned, and the provider's action per resource address.
//!
//! Each pair is what a team does in a pull request: a project whose spec renders the old
//! variant into `generated/`, then the spec edited to the new variant, validated and rendered.
//! The harness then plans every pair's new rendering against a state built from its old one.
//! Other test modules read the same corpus and plans through [`corpus_plans`] (one harness run
//! per test process).

use super::harness::{self, Pair, PairPlan};
use crate::common::{TempDir, code, copy_dir, output_text, root, run_in};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// One pair of `pairs.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairFixture {
    pub name: String,
    /// What changes, in a platform engineer's words.
    pub about: String,
    /// Variant names (`tests/fixtures/day2/specs/<name>.yaml`).
    pub old: String,
    pub new: String,
    /// The folder under `environments/` of each spec (default `production`).
    #[serde(default = "production")]
    pub old_folder: String,
    #[serde(default = "production")]
    pub new_folder: String,
    /// The old rendering is this committed folder (a rendering of an earlier cachegen), not
    /// the old variant rendered now; nothing was rendered into `generated/` before.
    #[serde(default)]
    pub old_rendering: Option<String>,
    /// The rule `cachegen validate` refuses the new spec with (an error), given the old
    /// rendering; absent: validate reports no error.
    #[serde(default)]
    pub refused: Option<String>,
    /// Which rendering is planned.
    #[serde(default)]
    pub planned: Planned,
    /// The provider's action per resource address; an address not listed is a no-op.
    #[serde(default)]
    pub expect: BTreeMap<String, String>,
    /// The plan fails, with this text in its error.
    #[serde(default)]
    pub error: Option<String>,
    /// JSON: attributes to overwrite in the old state, by address (what AWS returns on a read,
    /// or after a step outside Terraform).
    #[serde(default)]
    pub patch: Option<String>,
}

fn production() -> String {
    "production".into()
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Planned {
    /// The new spec as is (validate passes).
    #[default]
    New,
    /// The new spec with `policy.accept_replacement` (a refusal the spec may acknowledge).
    Acknowledged,
    /// The new spec rendered without the old rendering in place, so without the refusal: what
    /// Terraform would do if validate were skipped.
    Bypass,
    /// As `bypass`, with the refusing rule waived in the spec (`policy.exceptions`): for a rule
    /// that judges the spec alone, which no missing rendering turns off.
    Waived,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    pair: Vec<PairFixture>,
}

pub fn fixtures_dir() -> PathBuf {
    root().join("tests/fixtures/day2")
}

/// Every pair of the corpus, in file order.
pub fn pairs() -> Vec<PairFixture> {
    let text = std::fs::read_to_string(fixtures_dir().join("pairs.toml")).unwrap();
    let file: File = toml::from_str(&text).unwrap_or_else(|e| panic!("pairs.toml: {e}"));
    file.pair
}

/// A spec variant's text.
pub fn variant(name: &str) -> String {
    std::fs::read_to_string(fixtures_dir().join(format!("specs/{name}.yaml")))
        .unwrap_or_else(|e| panic!("variant {name}: {e}"))
}

/// A spec as a pull request holds it: its folder under `environments/` and its text.
#[derive(Clone, Debug)]
pub struct SpecFile {
    pub folder: String,
    pub text: String,
}

/// The text with `policy.accept_replacement`: the reviewed acknowledgment that applying it
/// replaces the cache.
pub fn acknowledged(text: &str) -> String {
    let ack = "  accept_replacement: \"day-2 corpus: the replacement is intended\"\n";
    match text.find("\npolicy:\n") {
        Some(i) => format!("{}{ack}{}", &text[..i + 9], &text[i + 9..]),
        None => format!("{text}policy:\n{ack}"),
    }
}

/// The text with `rule` waived (`policy.exceptions`).
pub fn waived(text: &str, rule: &str) -> String {
    let item = format!(
        "    - rule: {rule}\n      reason: \"day-2 corpus: what Terraform does if the refusal is waived\"\n"
    );
    if let Some(i) = text.find("\n  exceptions:\n") {
        let at = i + "\n  exceptions:\n".len();
        format!("{}{item}{}", &text[..at], &text[at..])
    } else if let Some(i) = text.find("\npolicy:\n") {
        let at = i + "\npolicy:\n".len();
        format!("{}  exceptions:\n{item}{}", &text[..at], &text[at..])
    } else {
        format!("{text}policy:\n  exceptions:\n{item}")
    }
}

/// A project with the shipped `cachegen.toml` and `environments/base.yaml`, and `spec` at
/// `environments/<folder>/cache.yaml` (any other spec removed).
pub fn write_project(dir: &Path, spec: &SpecFile) {
    std::fs::create_dir_all(dir.join("environments")).unwrap();
    std::fs::copy(root().join("cachegen.toml"), dir.join("cachegen.toml")).unwrap();
    std::fs::copy(
        root().join("environments/base.yaml"),
        dir.join("environments/base.yaml"),
    )
    .unwrap();
    for e in std::fs::read_dir(dir.join("environments")).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            std::fs::remove_dir_all(e.path()).unwrap();
        }
    }
    let folder = dir.join("environments").join(&spec.folder);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("cache.yaml"), &spec.text).unwrap();
}

/// A pair carried through the workflow, and what the provider plans for it. The specs are
/// for other test modules (the change-impact agreement test runs `cachegen impact` on them).
#[derive(Debug)]
#[allow(dead_code)]
pub struct CorpusResult {
    pub pair: PairFixture,
    pub old_spec: SpecFile,
    /// The spec as the pull request leaves it.
    pub new_spec: SpecFile,
    /// The spec whose rendering was planned (the new one, or the new one acknowledged).
    pub planned_spec: SpecFile,
    /// Codes of the errors `cachegen validate` reported for the new spec, the old rendering in
    /// place.
    pub validate_errors: Vec<String>,
    /// What `cachegen validate` printed.
    pub validate_output: String,
    /// The provider's plan of the planned rendering against the old state.
    pub plan: PairPlan,
}

fn render(dir: &Path, extra: &[&str]) {
    let mut args = vec!["render"];
    args.extend_from_slice(extra);
    let o = run_in(dir, &args);
    assert_eq!(
        code(&o),
        0,
        "{}: render: {}",
        dir.display(),
        output_text(&o)
    );
}

/// The `environment` a spec text names.
pub fn environment(text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("environment: "))
        .expect("every variant names its environment")
        .trim()
        .to_string()
}

/// The `terraform/aws` folder of a spec's rendering under `out`.
fn aws_folder(out: &Path, spec: &SpecFile) -> PathBuf {
    let dir = out.join(environment(&spec.text)).join("terraform/aws");
    assert!(dir.join("main.tf").is_file(), "{}", dir.display());
    dir
}

/// The error codes of `cachegen validate --format json`.
fn validate(dir: &Path) -> (Vec<String>, String) {
    let o = run_in(dir, &["validate", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{}: validate json: {e}\n{}", dir.display(), output_text(&o)));
    let diagnostics = doc["diagnostics"].as_array().unwrap();
    let errors = diagnostics
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    let text = diagnostics
        .iter()
        .map(|d| {
            format!(
                "{} {}: {} (help: {})",
                d["severity"].as_str().unwrap_or(""),
                d["code"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap_or(""),
                d["help"].as_str().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    (errors, text)
}

/// Carry one pair through the workflow in `work/<name>`; returns what validate said and the
/// harness's pair (old and planned renderings).
fn materialize(work: &Path, p: &PairFixture) -> (CorpusResult, Pair) {
    let dir = work.join(&p.name);
    let old_spec = SpecFile {
        folder: p.old_folder.clone(),
        text: variant(&p.old),
    };
    let new_spec = SpecFile {
        folder: p.new_folder.clone(),
        text: variant(&p.new),
    };
    let old_tf = work.join(format!("{}.old-tf", p.name));
    match &p.old_rendering {
        Some(folder) => {
            write_project(&dir, &old_spec);
            copy_dir(&root().join(folder), &old_tf);
        }
        None => {
            write_project(&dir, &old_spec);
            render(&dir, &[]);
            copy_dir(&aws_folder(&dir.join("generated"), &old_spec), &old_tf);
        }
    }
    write_project(&dir, &new_spec);
    let (validate_errors, validate_output) = validate(&dir);
    let planned_spec = match p.planned {
        Planned::Acknowledged => SpecFile {
            folder: new_spec.folder.clone(),
            text: acknowledged(&new_spec.text),
        },
        Planned::Waived => SpecFile {
            folder: new_spec.folder.clone(),
            text: waived(
                &new_spec.text,
                p.refused
                    .as_deref()
                    .expect("a waived pair names the rule it waives"),
            ),
        },
        _ => new_spec.clone(),
    };
    let new_tf = match p.planned {
        Planned::New => {
            render(&dir, &[]);
            aws_folder(&dir.join("generated"), &planned_spec)
        }
        Planned::Acknowledged => {
            write_project(&dir, &planned_spec);
            render(&dir, &[]);
            aws_folder(&dir.join("generated"), &planned_spec)
        }
        Planned::Bypass | Planned::Waived => {
            write_project(&dir, &planned_spec);
            let out = work.join(format!("{}.bypass", p.name));
            render(&dir, &["--out", out.to_str().unwrap()]);
            aws_folder(&out, &planned_spec)
        }
    };
    let patch = p
        .patch
        .as_deref()
        .map(|j| serde_json::from_str(j).unwrap_or_else(|e| panic!("{}: patch: {e}", p.name)))
        .unwrap_or_default();
    let pair = Pair {
        name: p.name.clone(),
        old: old_tf,
        new: new_tf,
        patch,
        expect_error: p.error.is_some(),
    };
    (
        CorpusResult {
            pair: p.clone(),
            old_spec,
            new_spec,
            planned_spec,
            validate_errors,
            validate_output,
            plan: PairPlan::Error("not planned".into()),
        },
        pair,
    )
}

static PLANS: OnceLock<Option<Vec<CorpusResult>>> = OnceLock::new();

/// Every pair of the corpus carried through the workflow and planned with the real provider
/// (one harness run per test process, shared by every test that asks). `None` when terraform
/// is missing (SKIPPED, printed by the harness).
pub fn corpus_plans() -> Option<&'static [CorpusResult]> {
    PLANS
        .get_or_init(|| {
            let work = TempDir::new("day2-corpus");
            let fixtures = pairs();
            let carried: Vec<(CorpusResult, Pair)> = std::thread::scope(|s| {
                let handles: Vec<_> = fixtures
                    .chunks(fixtures.len().div_ceil(4).max(1))
                    .map(|chunk| {
                        let work = work.path();
                        s.spawn(move || {
                            chunk
                                .iter()
                                .map(|p| materialize(work, p))
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap())
                    .collect()
            });
            let pairs: Vec<Pair> = carried.iter().map(|(_, p)| p.clone()).collect();
            let started = std::time::Instant::now();
            let mut plans = harness::plan_pairs(&pairs)?;
            eprintln!(
                "day-2 corpus: {} pairs planned with hashicorp/aws in {:.0?} (terraform only; rendering not counted)",
                pairs.len(),
                started.elapsed()
            );
            Some(
                carried
                    .into_iter()
                    .map(|(mut r, _)| {
                        r.plan = plans.remove(&r.pair.name).expect("every pair is planned");
                        r
                    })
                    .collect(),
            )
        })
        .as_deref()
}
