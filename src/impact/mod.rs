//! What a change of the specs (and of their generated files) will do to live caches, before
//! anyone runs `terraform plan`: per environment and target, each resource that is replaced,
//! deleted, changed in steps, restarted, updated, left alone or created, with the spec line
//! that caused it.
//!
//! How a finding is made:
//! - the base environment's files as applied (its committed generated files, or its spec
//!   rendered with the base's templates when none are committed) and the head's rendering are
//!   read as what they run (`resources`): Terraform resources with evaluated arguments,
//!   compose services, redis.conf directives, `.env` variables; their diff says, resource by
//!   resource, what changes and whether the provider replaces it (`tf_facts`);
//! - the causes: each setting the spec writes differently (and a moved spec file); the base
//!   spec is rendered once with each cause applied alone, and a changed argument belongs to the
//!   causes whose rendering changes it. What the base spec renders differently with the head's
//!   templates and cachegen's version belongs to the generated files (a template or version
//!   change);
//! - the settings table's `change` column says what the service does to the cache itself (a
//!   restart, steps, a replacement the provider cannot see), for the resources that hold data.

pub mod report;
pub mod resources;
pub mod terraform;
pub mod tf_facts;

use crate::diagnostics::{Location, SourceFile};
use crate::load::redact;
use crate::pipeline::Checked;
use crate::plan::{Plan, Waived};
use crate::settings::{self, Effect, Judgment, Kind as SettingKind, Platform, Setting, Tier};
use crate::spec::{AzureService, Spec};
use crate::targets::{self, Engine, OutFile, ProviderVersions};
use resources::{Change, Reading, Target};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Where a finding comes from in the files a reviewer sees.
#[derive(Clone, Debug)]
pub struct Place {
    /// As the report names it (relative to where cachegen runs).
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// In the base revision (the line is gone from the head).
    pub in_base: bool,
    /// The same place for SARIF and human snippets, when it is in a spec.
    pub location: Option<Location>,
}

/// What a finding is due to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A setting the spec writes differently.
    Setting(&'static str),
    /// The spec file moved (generated files name it).
    SpecFile,
    /// The generated files changed without a spec change: a template, the project's settings
    /// or cachegen's version.
    Generated,
    /// Several settings together, none alone.
    Settings,
    /// The environment is added or removed.
    Environment,
}

impl Cause {
    pub fn setting(&self) -> Option<&'static str> {
        match self {
            Cause::Setting(s) => Some(s),
            _ => None,
        }
    }

    /// What a reviewer reads in the "setting" column.
    pub fn label(&self) -> String {
        match self {
            Cause::Setting(s) => (*s).to_string(),
            Cause::SpecFile => "(spec file moved)".into(),
            Cause::Generated => "(generated files)".into(),
            Cause::Settings => "(several settings together)".into(),
            Cause::Environment => "(environment)".into(),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Cause::Setting(_) => "setting",
            Cause::SpecFile => "spec_file",
            Cause::Generated => "generated_files",
            Cause::Settings => "settings",
            Cause::Environment => "environment",
        }
    }
}

/// An argument of a resource that changes, as shown.
#[derive(Clone, Debug)]
pub struct ArgumentShown {
    pub name: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub effect: Effect,
}

#[derive(Clone, Debug)]
pub struct Finding {
    pub target: Target,
    /// Terraform address, `service redis`, `redis.conf: maxmemory`, `.env: REDIS_DB`; empty
    /// when nothing of the target changes.
    pub resource: String,
    pub cause: Cause,
    pub effect: Effect,
    /// The setting's (or, for generated files, the argument's) values, secrets masked.
    pub old: Option<String>,
    pub new: Option<String>,
    pub arguments: Vec<ArgumentShown>,
    pub location: Option<Place>,
    pub reason: String,
    /// For a staged change: what to apply, in order.
    pub steps: Vec<String>,
}

/// An alarm, alert or alert policy: a rule over the cache's metrics, holding no data and no
/// endpoint. One per member cluster (AWS), so a rename or a new node count destroys the old
/// rules and creates new ones; that loses nothing, and must not block as data lost would.
/// (The alarm topic is not one: its subscribers live outside Terraform.)
fn is_alert_rule(resource: &str) -> bool {
    [
        "aws_cloudwatch_metric_alarm.",
        "azurerm_monitor_metric_alert.",
        "azurerm_monitor_scheduled_query_rules_alert_v2.",
        "google_monitoring_alert_policy.",
    ]
    .iter()
    .any(|t| resource.starts_with(t))
}

/// What happens to one environment as a whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Unchanged,
    Changed,
    Created,
    Deleted,
    /// It could not be judged (the head spec has errors, or its files cannot be read).
    NotJudged(String),
}

impl Status {
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Unchanged => "unchanged",
            Status::Changed => "changed",
            Status::Created => "created",
            Status::Deleted => "deleted",
            Status::NotJudged(_) => "not_judged",
        }
    }
}

#[derive(Clone, Debug)]
pub struct EnvironmentImpact {
    pub environment: String,
    /// The head's tier, else the base's.
    pub tier: Tier,
    /// Production on either side: its replacements and deletions block the change.
    pub production: bool,
    /// The spec, relative to where cachegen runs (the base's for a removed environment).
    pub spec: String,
    pub status: Status,
    /// Most severe first.
    pub findings: Vec<Finding>,
    /// `policy.accept_replacement` of this change, when it acknowledges its replacements.
    pub acknowledged: Option<String>,
    /// `policy.accept_replacement` left from an earlier change: it acknowledges nothing.
    pub stale_acknowledgment: Option<Place>,
    /// What could not be read or judged, said once.
    pub notes: Vec<String>,
}

impl EnvironmentImpact {
    pub fn worst(&self) -> Option<Effect> {
        self.findings.iter().map(|f| f.effect).max()
    }

    pub fn count(&self, effect: Effect) -> usize {
        self.findings.iter().filter(|f| f.effect == effect).count()
    }

    /// Replacements and deletions in production that nothing acknowledges: they fail the run.
    pub fn blocking(&self) -> Vec<&Finding> {
        if !self.production || self.acknowledged.is_some() {
            return Vec::new();
        }
        self.findings
            .iter()
            .filter(|f| matches!(f.effect, Effect::Replace | Effect::Delete))
            .filter(|f| !is_alert_rule(&f.resource))
            .collect()
    }

    /// Each resource's action once: the most severe finding on it (what `terraform plan`
    /// would say, made stricter where cachegen knows better).
    pub fn resource_effects(&self, target: Target) -> BTreeMap<String, Effect> {
        let mut out: BTreeMap<String, Effect> = BTreeMap::new();
        for f in self.findings.iter().filter(|f| f.target == target) {
            if f.resource.is_empty() {
                continue;
            }
            let e = out.entry(f.resource.clone()).or_insert(f.effect);
            *e = (*e).max(f.effect);
        }
        out
    }
}

#[derive(Clone, Debug)]
pub struct Report {
    /// What the base is: `origin/main (merge base 1a2b3c4)`, `--base-dir ../base`.
    pub base: String,
    pub environments: Vec<EnvironmentImpact>,
}

impl Report {
    pub fn blocking(&self) -> usize {
        self.environments.iter().map(|e| e.blocking().len()).sum()
    }

    pub fn changed(&self) -> impl Iterator<Item = &EnvironmentImpact> {
        self.environments
            .iter()
            .filter(|e| e.status != Status::Unchanged)
    }

    pub fn has_unjudged(&self) -> bool {
        self.environments
            .iter()
            .any(|e| matches!(e.status, Status::NotJudged(_)))
    }
}

/// One spec of a side, as the pipeline left it.
pub enum SpecState<'a> {
    Checked(&'a Checked),
    /// It cannot be resolved: what the pipeline said first.
    Invalid {
        source: String,
        message: String,
    },
}

/// One side of the comparison: the base (a revision) or the head (the working tree).
pub struct Side<'a> {
    pub specs: Vec<SpecState<'a>>,
    pub engine: &'a Engine,
    pub providers: &'a ProviderVersions,
    /// The base's committed generated files per environment (only files cachegen wrote).
    pub generated: BTreeMap<String, Vec<OutFile>>,
    /// Where its files are on disk, and how the report names that folder: the base lives in a
    /// private copy, named as the project's own files.
    pub copy_root: Option<PathBuf>,
    pub shown_root: String,
    /// The output folder as the report names it (`generated`).
    pub output_shown: String,
}

/// Compare every environment of `base` and `head`.
pub fn compare(base: &Side, head: &Side, base_label: String) -> Report {
    let (b, h) = (checked(base), checked(head));
    // The same spec file, else the same environment (a spec folder moved).
    let mut pairs: Vec<(Option<&Checked>, Option<&Checked>)> = Vec::new();
    let mut used = BTreeSet::new();
    for hc in &h {
        let found = b
            .iter()
            .enumerate()
            .find(|(i, bc)| !used.contains(i) && bc.plan.source == hc.plan.source)
            .or_else(|| {
                b.iter()
                    .enumerate()
                    .find(|(i, bc)| !used.contains(i) && bc.plan.environment == hc.plan.environment)
            });
        match found {
            Some((i, bc)) => {
                used.insert(i);
                pairs.push((Some(*bc), Some(*hc)));
            }
            None => pairs.push((None, Some(*hc))),
        }
    }
    for (i, bc) in b.iter().enumerate() {
        if !used.contains(&i) {
            pairs.push((Some(*bc), None));
        }
    }
    let mut environments: Vec<EnvironmentImpact> =
        crate::parallel::map(&pairs, 4, |(o, n)| environment(base, head, *o, *n));
    for s in &head.specs {
        if let SpecState::Invalid { source, message } = s {
            environments.push(EnvironmentImpact {
                environment: environment_of(source),
                tier: Tier::Development,
                production: false,
                spec: source.clone(),
                status: Status::NotJudged(format!(
                    "the spec has errors ({message}); fix them (`cachegen validate`), then judge the change"
                )),
                findings: Vec::new(),
                acknowledged: None,
                stale_acknowledgment: None,
                notes: Vec::new(),
            });
        }
    }
    for s in &base.specs {
        if let SpecState::Invalid { source, message } = s
            && !environments.iter().any(|e| e.spec == *source)
        {
            environments.push(EnvironmentImpact {
                environment: environment_of(source),
                tier: Tier::Development,
                production: false,
                spec: source.clone(),
                status: Status::NotJudged(format!(
                    "its base revision does not load with this cachegen ({message}); compare the generated files by hand"
                )),
                findings: Vec::new(),
                acknowledged: None,
                stale_acknowledgment: None,
                notes: Vec::new(),
            });
        }
    }
    environments.sort_by(|a, b| a.environment.cmp(&b.environment).then(a.spec.cmp(&b.spec)));
    Report {
        base: base_label,
        environments,
    }
}

fn checked<'a>(s: &Side<'a>) -> Vec<&'a Checked> {
    s.specs
        .iter()
        .filter_map(|x| match x {
            SpecState::Checked(c) => Some(*c),
            SpecState::Invalid { .. } => None,
        })
        .collect()
}

/// The folder name of a spec path, for an environment that could not be read.
fn environment_of(source: &str) -> String {
    Path::new(source)
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.to_string())
}

/// The platform of a target in a plan (Azure's two services share a renderer).
fn platform(target: Target, plan: &Plan) -> Option<Platform> {
    match target {
        Target::Compose => Some(Platform::Compose),
        Target::Aws => Some(Platform::Aws),
        Target::Gcp => Some(Platform::Gcp),
        Target::Azure => Some(match plan.targets.azure.as_ref().map(|a| a.service) {
            Some(AzureService::Managed) => Platform::AzureManaged,
            _ => Platform::AzureCache,
        }),
        Target::Application => None,
    }
}

fn lists(target: Target, plan: &Plan) -> bool {
    let t = &plan.targets;
    match target {
        Target::Compose => t.compose.is_some(),
        Target::Aws => t.aws.is_some(),
        Target::Azure => t.azure.is_some(),
        Target::Gcp => t.gcp.is_some(),
        Target::Application => true,
    }
}

/// A spec place as the report names it (a base spec lives in a private copy).
fn place(side: &Side, loc: Location, in_base: bool) -> Place {
    let shown = match &side.copy_root {
        Some(root) => match loc.file.path().strip_prefix(root) {
            Ok(rel) => format!(
                "{}{}",
                side.shown_root,
                rel.to_string_lossy().replace('\\', "/")
            ),
            Err(_) => loc.file.display_path().to_string(),
        },
        None => loc.file.display_path().to_string(),
    };
    let location = if shown == loc.file.display_path() {
        loc.clone()
    } else {
        let file = SourceFile::new(
            PathBuf::from(&shown),
            shown.clone(),
            loc.file.text().to_string(),
        );
        Location {
            file,
            line: loc.line,
            column: loc.column,
            span: loc.span.clone(),
        }
    };
    Place {
        file: shown,
        line: loc.line,
        column: loc.column,
        in_base,
        location: Some(location),
    }
}

/// A value as the report shows it: text as it is, the rest as JSON, secrets masked.
fn shown_setting(pointer: &str, v: Option<&Value>) -> Option<String> {
    let v = v?;
    let masked = mask(pointer, v, false);
    Some(match masked {
        Value::String(s) => s,
        other => other.to_string(),
    })
}

fn mask(pointer: &str, v: &Value, parent_secret: bool) -> Value {
    let key = pointer.rsplit('/').next().unwrap_or("");
    let secret = redact::is_secret_value(pointer, key, parent_secret);
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), mask(&format!("{pointer}/{k}"), x, secret)))
                .collect(),
        ),
        Value::Array(a) if secret => Value::Array(a.iter().map(|_| Value::from("***")).collect()),
        _ if secret => Value::from("***"),
        other => other.clone(),
    }
}

fn shown_arg(v: Option<&Value>, sensitive: bool) -> Option<String> {
    let v = v?;
    if sensitive && !v.is_null() {
        return Some("(sensitive)".into());
    }
    Some(match terraform::readable(v) {
        Value::String(s) => s,
        other => other.to_string(),
    })
}

/// One cause found in the specs, with where it is written.
struct Found {
    cause: Cause,
    row: Option<&'static Setting>,
    old: Option<Value>,
    new: Option<Value>,
    place: Option<Place>,
}

/// Each setting the two specs write differently (the spec after `extends`), and a moved spec.
fn causes(base: &Side, head: &Side, o: &Checked, n: &Checked) -> Vec<Found> {
    let oj = serde_json::to_value(&o.spec).unwrap_or(Value::Null);
    let nj = serde_json::to_value(&n.spec).unwrap_or(Value::Null);
    let mut out = Vec::new();
    for row in settings::all() {
        let p = row.pointer();
        let (ov, nv) = (
            oj.pointer(&p).filter(|v| !v.is_null()),
            nj.pointer(&p).filter(|v| !v.is_null()),
        );
        if ov == nv {
            continue;
        }
        let place = if nv.is_some() {
            Some(place(head, n.loaded.locate(&p), false))
        } else {
            Some(place(base, o.loaded.locate(&p), true))
        };
        out.push(Found {
            cause: Cause::Setting(row.path),
            row: Some(row),
            old: ov.cloned(),
            new: nv.cloned(),
            place,
        });
    }
    if o.plan.source != n.plan.source {
        out.push(Found {
            cause: Cause::SpecFile,
            row: None,
            old: Some(Value::String(o.plan.source.clone())),
            new: Some(Value::String(n.plan.source.clone())),
            place: Some(place(head, Location::file_start(n.loaded.file()), false)),
        });
    }
    out
}

/// The base spec with one cause applied, rendered with the head's templates.
fn perturbed(
    o: &Checked,
    n: &Checked,
    found: &Found,
    head: &Side,
    waivers: &[Waived],
) -> Option<Vec<OutFile>> {
    let plan = match &found.cause {
        Cause::SpecFile => crate::plan::resolve(&o.spec, &n.plan.source),
        Cause::Setting(_) => {
            let row = found.row?;
            let mut json = serde_json::to_value(&o.spec).ok()?;
            set_pointer(&mut json, &row.pointer(), found.new.clone());
            let spec: Spec = serde_json::from_value(json).ok()?;
            resolve_quietly(&spec, &o.plan.source)?
        }
        _ => return None,
    };
    render(&plan, head, waivers).ok()
}

/// The plan of a spec made by hand (one setting changed alone). Every spec the schema accepts
/// resolves; a combination no spec on disk has could trip an assumption of the plan, and must
/// not stop the report: that cause is then judged with the others together.
fn resolve_quietly(spec: &Spec, source: &str) -> Option<Plan> {
    std::panic::catch_unwind(|| crate::plan::resolve(spec, source)).ok()
}

fn set_pointer(json: &mut Value, pointer: &str, v: Option<Value>) {
    let segs: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let mut node = json;
    for seg in &segs[..segs.len() - 1] {
        if !node.is_object() {
            *node = Value::Object(Default::default());
        }
        let obj = node.as_object_mut().expect("an object");
        node = obj
            .entry(seg.to_string())
            .or_insert_with(|| Value::Object(Default::default()));
        if node.is_null() {
            *node = Value::Object(Default::default());
        }
    }
    let last = segs[segs.len() - 1];
    if let Some(obj) = node.as_object_mut() {
        match v {
            Some(v) => {
                obj.insert(last.to_string(), v);
            }
            None => {
                obj.remove(last);
            }
        }
    }
}

fn render(plan: &Plan, side: &Side, waivers: &[Waived]) -> Result<Vec<OutFile>, String> {
    targets::render_all(&targets::RenderInput {
        plan,
        engine: side.engine,
        providers: side.providers,
        waivers,
        // checkov's skip comments: comments, which change no resource or argument.
        accepted: &[],
    })
}

/// A target's files read, or why not.
fn read_all(files: &[OutFile]) -> BTreeMap<Target, Result<Reading, resources::Unreadable>> {
    Target::ALL
        .iter()
        .map(|t| (*t, resources::read(*t, files)))
        .collect()
}

/// (target, resource, argument) that differ between two readings; `*` for a resource created
/// or deleted.
type Touched = BTreeSet<(Target, String, String)>;

fn touched(changes: &[Change]) -> Touched {
    let mut out = Touched::new();
    for c in changes {
        if c.args.is_empty() {
            out.insert((c.target, c.address.clone(), "*".into()));
        }
        for a in &c.args {
            out.insert((c.target, c.address.clone(), a.name.clone()));
        }
    }
    out
}

fn diff_files(
    old: &BTreeMap<Target, Result<Reading, resources::Unreadable>>,
    new: &BTreeMap<Target, Result<Reading, resources::Unreadable>>,
) -> Vec<Change> {
    let mut out = Vec::new();
    for t in Target::ALL {
        if let (Some(Ok(o)), Some(Ok(n))) = (old.get(&t), new.get(&t)) {
            out.extend(resources::diff(t, o, n));
        }
    }
    out
}

fn environment(
    base: &Side,
    head: &Side,
    o: Option<&Checked>,
    n: Option<&Checked>,
) -> EnvironmentImpact {
    match (o, n) {
        (Some(o), Some(n)) => changed(base, head, o, n),
        (None, Some(n)) => whole(head, n, Effect::Create),
        (Some(o), None) => whole(base, o, Effect::Delete),
        (None, None) => unreachable!("a pair has a side"),
    }
}

fn spec_shown(side: &Side, c: &Checked) -> String {
    place(side, Location::file_start(c.loaded.file()), false).file
}

/// An environment added or removed: every resource of it is created or deleted.
fn whole(side: &Side, c: &Checked, effect: Effect) -> EnvironmentImpact {
    let waivers = crate::rules::waived(&c.context());
    let files = if effect == Effect::Delete {
        side.generated
            .get(&c.plan.environment)
            .cloned()
            .map(Ok)
            .unwrap_or_else(|| render(&c.plan, side, &waivers))
    } else {
        render(&c.plan, side, &waivers)
    };
    let mut notes = Vec::new();
    let files = files.unwrap_or_else(|e| {
        notes.push(format!("its files could not be rendered: {e}"));
        Vec::new()
    });
    let readings = read_all(&files);
    let empty: BTreeMap<Target, Result<Reading, resources::Unreadable>> = Target::ALL
        .iter()
        .map(|t| (*t, Ok(resources::empty(*t))))
        .collect();
    let changes = if effect == Effect::Delete {
        diff_files(&readings, &empty)
    } else {
        diff_files(&empty, &readings)
    };
    let loc = c.loaded.locate("/environment");
    let at = place(side, loc, effect == Effect::Delete);
    let why = if effect == Effect::Delete {
        "the spec is removed: `terraform destroy` (or removing the stack) deletes it, with its data"
    } else {
        "a new environment"
    };
    let mut findings: Vec<Finding> = changes
        .iter()
        .filter(|ch| ch.target != Target::Application)
        .map(|ch| Finding {
            target: ch.target,
            resource: ch.address.clone(),
            cause: Cause::Environment,
            effect: if ch.effect == Effect::None {
                Effect::None
            } else {
                effect
            },
            old: None,
            new: None,
            arguments: Vec::new(),
            location: Some(at.clone()),
            reason: if effect == Effect::Delete && ch.prevent_destroy {
                format!("{why}; `prevent_destroy` stops `terraform destroy` until it is removed")
            } else {
                why.to_string()
            },
            steps: Vec::new(),
        })
        .collect();
    sort(&mut findings);
    let acknowledged = if effect == Effect::Delete {
        c.plan.accept_replacement.clone()
    } else {
        None
    };
    EnvironmentImpact {
        environment: c.plan.environment.clone(),
        tier: c.plan.tier,
        production: c.plan.tier == Tier::Production,
        spec: spec_shown(side, c),
        status: if effect == Effect::Delete {
            Status::Deleted
        } else {
            Status::Created
        },
        findings,
        acknowledged,
        stale_acknowledgment: None,
        notes,
    }
}

fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.effect
            .cmp(&a.effect)
            .then(a.target.cmp(&b.target))
            .then(a.resource.cmp(&b.resource))
            .then(a.cause.label().cmp(&b.cause.label()))
    });
}

/// An environment in both revisions.
fn changed(base: &Side, head: &Side, o: &Checked, n: &Checked) -> EnvironmentImpact {
    let mut notes = Vec::new();
    let waivers = crate::rules::waived(&o.context());
    let head_waivers = crate::rules::waived(&n.context());
    let head_files = render(&n.plan, head, &head_waivers).unwrap_or_else(|e| {
        notes.push(format!("the head spec could not be rendered: {e}"));
        Vec::new()
    });
    // The base as rendered with the head's templates and this cachegen: what the spec
    // changes alone.
    let rerendered = render(&o.plan, head, &waivers).unwrap_or_else(|e| {
        notes.push(format!("the base spec could not be rendered: {e}"));
        Vec::new()
    });
    let applied = match base.generated.get(&o.plan.environment) {
        Some(files) => files.clone(),
        None => render(&o.plan, base, &waivers).unwrap_or_else(|_| rerendered.clone()),
    };
    let found = causes(base, head, o, n);

    let read_applied = read_all(&applied);
    let read_head = read_all(&head_files);
    for (t, r) in read_applied.iter().chain(read_head.iter()) {
        if let Err(e) = r {
            notes.push(format!(
                "{}: `{}` cannot be read ({}); its changes are not judged",
                t.as_str(),
                e.file,
                e.message
            ));
        }
    }
    let final_changes = diff_files(&read_applied, &read_head);
    let read_rerendered = read_all(&rerendered);
    let generated_touched = if applied == rerendered {
        Touched::new()
    } else {
        touched(&diff_files(&read_applied, &read_rerendered))
    };
    let by_cause: Vec<(usize, Touched)> = found
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let t = perturbed(o, n, f, head, &waivers)
                .map(|files| touched(&diff_files(&read_rerendered, &read_all(&files))))
                .unwrap_or_default();
            (i, t)
        })
        .collect();

    let mut findings = Vec::new();
    let listed = |t: Target| lists(t, &o.plan) || lists(t, &n.plan);
    let mut touched_targets: BTreeMap<usize, BTreeSet<Target>> = BTreeMap::new();
    for ch in &final_changes {
        // Which causes each changed argument belongs to.
        let keys: Vec<String> = if ch.args.is_empty() {
            vec!["*".into()]
        } else {
            ch.args.iter().map(|a| a.name.clone()).collect()
        };
        let mut per_cause: BTreeMap<Option<usize>, Vec<String>> = BTreeMap::new();
        let mut generated_args = Vec::new();
        let mut together = Vec::new();
        for k in &keys {
            let key = (ch.target, ch.address.clone(), k.clone());
            let mut owners: Vec<usize> = by_cause
                .iter()
                .filter(|(_, t)| {
                    t.contains(&key) || t.contains(&(ch.target, ch.address.clone(), "*".into()))
                })
                .map(|(i, _)| *i)
                .collect();
            owners.dedup();
            if owners.is_empty() {
                if generated_touched.contains(&key) || found.is_empty() {
                    generated_args.push(k.clone());
                } else {
                    together.push(k.clone());
                }
            }
            for i in owners {
                per_cause.entry(Some(i)).or_default().push(k.clone());
                touched_targets.entry(i).or_default().insert(ch.target);
            }
        }
        if !together.is_empty() {
            per_cause.insert(None, together);
        }
        for (owner, args) in per_cause {
            let (cause, row, old, new, place) = match owner {
                Some(i) => {
                    let f = &found[i];
                    let p = f.row.map(|r| r.pointer()).unwrap_or_default();
                    (
                        f.cause.clone(),
                        f.row,
                        shown_setting(&p, f.old.as_ref()),
                        shown_setting(&p, f.new.as_ref()),
                        f.place.clone(),
                    )
                }
                None => (
                    Cause::Settings,
                    None,
                    None,
                    None,
                    Some(place(head, Location::file_start(n.loaded.file()), false)),
                ),
            };
            findings.push(resource_finding(
                ch,
                &args,
                cause,
                row,
                (old, new),
                place,
                (o, n),
            ));
        }
        if !generated_args.is_empty() {
            let first = ch.arg(&generated_args[0]);
            let (old, new) = if generated_args.len() == 1 {
                (
                    first.and_then(|a| shown_arg(a.old.as_ref(), a.sensitive)),
                    first.and_then(|a| shown_arg(a.new.as_ref(), a.sensitive)),
                )
            } else {
                (None, None)
            };
            let place = generated_place(head, n, ch, &head_files);
            let mut f = resource_finding(
                ch,
                &generated_args,
                Cause::Generated,
                None,
                (old, new),
                place,
                (o, n),
            );
            f.reason = format!(
                "the generated files changed without a spec change (a template, the project's settings, cachegen's version, or the base's committed files were stale): {}",
                f.reason
            );
            findings.push(f);
        }
    }
    // Settings that change nothing a target applies: said, since a reviewer may expect a
    // change.
    for (i, f) in found.iter().enumerate() {
        let Some(row) = f.row else { continue };
        if row.kind == SettingKind::Application {
            continue;
        }
        for t in Target::ALL {
            if t == Target::Application
                || !listed(t)
                || touched_targets.get(&i).is_some_and(|s| s.contains(&t))
            {
                continue;
            }
            let Some(p) = platform(t, &n.plan).or_else(|| platform(t, &o.plan)) else {
                continue;
            };
            let judged = row.change.get(p).judge(&o.plan.values, &n.plan.values);
            let why = match &judged {
                Some(j) if j.why == "another target's option" => continue,
                Some(j) if j.effect == Effect::None => j.why.clone(),
                _ => format!("nothing that {} applies changes", t.as_str()),
            };
            let pt = row.pointer();
            findings.push(Finding {
                target: t,
                resource: String::new(),
                cause: f.cause.clone(),
                effect: Effect::None,
                old: shown_setting(&pt, f.old.as_ref()),
                new: shown_setting(&pt, f.new.as_ref()),
                arguments: Vec::new(),
                location: f.place.clone(),
                reason: why,
                steps: Vec::new(),
            });
        }
    }
    sort(&mut findings);

    let acknowledgment = |c: &Checked| c.plan.accept_replacement.clone();
    let (ack, stale) = match (acknowledgment(o), acknowledgment(n)) {
        (Some(a), Some(b)) if a == b => (
            None,
            Some(place(
                head,
                n.loaded.locate("/policy/accept_replacement"),
                false,
            )),
        ),
        (_, Some(b)) => (Some(b), None),
        _ => (None, None),
    };
    let status = if findings.is_empty() && notes.is_empty() {
        Status::Unchanged
    } else {
        Status::Changed
    };
    EnvironmentImpact {
        environment: n.plan.environment.clone(),
        tier: n.plan.tier,
        production: n.plan.tier == Tier::Production || o.plan.tier == Tier::Production,
        spec: spec_shown(head, n),
        status,
        findings,
        acknowledged: ack,
        stale_acknowledgment: stale,
        notes,
    }
}

/// Where a change of the generated files shows: the resource in the head's rendering.
fn generated_place(head: &Side, n: &Checked, ch: &Change, files: &[OutFile]) -> Option<Place> {
    let file = files.iter().find(|f| f.path == ch.file)?;
    let needle = match &ch.kind {
        resources::Kind::Terraform(t) => {
            let name = ch
                .address
                .strip_prefix(&format!("{t}."))
                .unwrap_or("")
                .split('[')
                .next()
                .unwrap_or("")
                .to_string();
            format!("resource \"{t}\" \"{name}\"")
        }
        resources::Kind::Service { .. } => {
            format!("  {}:", ch.address.trim_start_matches("service "))
        }
        resources::Kind::Directive { .. } => {
            ch.address.split(": ").nth(1).unwrap_or("").to_string()
        }
        _ => String::new(),
    };
    let line = file
        .contents
        .lines()
        .position(|l| !needle.is_empty() && l.starts_with(&needle))
        .map(|i| i as u32 + 1)
        .unwrap_or(1);
    let shown = format!("{}/{}/{}", head.output_shown, n.plan.environment, ch.file);
    let start: usize = file
        .contents
        .split_inclusive('\n')
        .take(line as usize - 1)
        .map(str::len)
        .sum();
    let source = SourceFile::new(PathBuf::from(&shown), shown.clone(), file.contents.clone());
    Some(Place {
        location: Some(Location::from_span(&source, start..start)),
        file: shown,
        line,
        column: 1,
        in_base: false,
    })
}

/// A finding on one changed resource, for the arguments one cause changed.
fn resource_finding(
    ch: &Change,
    args: &[String],
    cause: Cause,
    row: Option<&'static Setting>,
    (old, new): (Option<String>, Option<String>),
    place: Option<Place>,
    (o, n): (&Checked, &Checked),
) -> Finding {
    let mine: Vec<&resources::ArgChange> =
        ch.args.iter().filter(|a| args.contains(&a.name)).collect();
    let mut effect = match ch.effect {
        Effect::Create | Effect::Delete => ch.effect,
        _ => mine.iter().map(|a| a.effect).max().unwrap_or(ch.effect),
    };
    let mut reasons: Vec<String> = Vec::new();
    let mut steps = Vec::new();
    let judged: Option<Judgment> = match (row, platform(ch.target, &n.plan)) {
        (Some(r), Some(p))
            if ch.holds_data && !matches!(effect, Effect::Create | Effect::Delete) =>
        {
            r.change.get(p).judge(&o.plan.values, &n.plan.values)
        }
        _ => None,
    };
    if let Some(j) = judged
        && j.effect >= effect
        && j.effect != Effect::None
    {
        effect = j.effect;
        reasons.push(j.why);
        steps = j.steps;
    }
    match ch.effect {
        Effect::Create => reasons.push("created".into()),
        Effect::Delete => reasons.push("deleted".into()),
        _ => {}
    }
    for a in &mine {
        if (a.effect == effect || reasons.is_empty())
            && !a.why.is_empty()
            && !reasons.contains(&a.why)
        {
            reasons.push(a.why.clone());
        }
    }
    if reasons.is_empty() {
        reasons.extend(
            mine.iter()
                .map(|a| a.why.clone())
                .filter(|w| !w.is_empty())
                .take(1),
        );
    }
    if matches!(effect, Effect::Replace | Effect::Delete) && ch.prevent_destroy {
        reasons.push(
            "`prevent_destroy` makes Terraform refuse the plan until it is removed on purpose"
                .into(),
        );
    }
    Finding {
        target: ch.target,
        resource: ch.address.clone(),
        cause,
        effect,
        old,
        new,
        arguments: mine
            .iter()
            .map(|a| ArgumentShown {
                name: a.name.clone(),
                old: shown_arg(a.old.as_ref(), a.sensitive),
                new: shown_arg(a.new.as_ref(), a.sensitive),
                effect: a.effect,
            })
            .collect(),
        location: place,
        reason: reasons.join("; "),
        steps,
    }
}
