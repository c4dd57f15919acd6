//! An environment's rendered files read as what they run, per target: Terraform resources
//! (evaluated, `hcl`), compose services and volumes, redis.conf directives, the scripts the
//! containers run at start, and the application's `.env` variables. And the diff of two such
//! readings, resource by resource and argument by argument, with what each change does.

use super::terraform::{self, Module};
use super::tf_facts;
use crate::facts::terraform_schema as schema;
use crate::settings::{self, Effect};
use crate::targets::OutFile;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// What applies an environment's files: a cloud's Terraform, the compose stack, or the
/// application (`.env`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    Compose,
    Aws,
    Azure,
    Gcp,
    Application,
}

impl Target {
    pub const ALL: [Target; 5] = [
        Target::Compose,
        Target::Aws,
        Target::Azure,
        Target::Gcp,
        Target::Application,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Target::Compose => "compose",
            Target::Aws => "aws",
            Target::Azure => "azure",
            Target::Gcp => "gcp",
            Target::Application => "application",
        }
    }

    /// The folder of its Terraform, for the clouds.
    fn terraform_dir(self) -> Option<&'static str> {
        match self {
            Target::Aws => Some("terraform/aws/"),
            Target::Azure => Some("terraform/azure/"),
            Target::Gcp => Some("terraform/gcp/"),
            _ => None,
        }
    }

    /// Whether an environment file belongs to it. `rendered.toml` (what the environment was
    /// last rendered with, for the day-2 rules) is cachegen's record: nothing applies it.
    pub fn owns(self, path: &str) -> bool {
        if path == crate::plan::record::FILE_NAME {
            return false;
        }
        match self.terraform_dir() {
            Some(dir) => path.starts_with(dir) && path.ends_with(".tf"),
            None if self == Target::Application => path == ".env",
            None => !path.starts_with("terraform/") && path != ".env",
        }
    }

    /// The resource types that hold the data: what a setting's `change` cell speaks of.
    fn holds_data(self, kind: &Kind) -> bool {
        match kind {
            Kind::Terraform(t) => matches!(
                t.as_str(),
                "aws_elasticache_replication_group"
                    | "aws_elasticache_cluster"
                    | "azurerm_redis_cache"
                    | "azurerm_managed_redis"
                    | "google_redis_instance"
                    | "google_redis_cluster"
            ),
            Kind::Service { data } => *data,
            _ => false,
        }
    }
}

/// What a resource is, for how its changes are judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Terraform(String),
    /// `terraform { required_providers }`.
    Requirements,
    /// The compose project (`name:`): its services and volumes are named after it.
    Project,
    /// A compose service; `data`: it mounts a data volume (a Redis server, not a one-shot).
    Service {
        data: bool,
    },
    Volume,
    /// Another top-level compose entry (a secret, a network).
    ComposeEntry,
    /// A redis.conf directive.
    Directive {
        at_start: bool,
    },
    /// A script a container runs at start.
    Script,
    /// A `.env` variable.
    Variable,
}

#[derive(Clone, Debug)]
pub struct Resource {
    pub address: String,
    pub kind: Kind,
    pub args: BTreeMap<String, Value>,
    pub ignore_changes: Vec<String>,
    pub prevent_destroy: bool,
    /// The file that declares it, relative to the environment's folder.
    pub file: String,
}

/// A target's files, read. Terraform keeps its module, so that references can follow a
/// replacement.
pub enum Reading {
    Terraform(Module),
    Plain(Vec<Resource>),
}

/// Why a target's files could not be read.
#[derive(Clone, Debug)]
pub struct Unreadable {
    pub file: String,
    pub message: String,
}

/// Read one target's files out of an environment's files.
pub fn read(target: Target, files: &[OutFile]) -> Result<Reading, Unreadable> {
    let mine: Vec<&OutFile> = files.iter().filter(|f| target.owns(&f.path)).collect();
    if let Some(dir) = target.terraform_dir() {
        let texts: Vec<(String, String)> = mine
            .iter()
            .map(|f| {
                (
                    f.path.trim_start_matches(dir).to_string(),
                    f.contents.clone(),
                )
            })
            .collect();
        return Module::parse(&texts)
            .map(Reading::Terraform)
            .map_err(|e| Unreadable {
                file: format!("{dir}{}", e.file),
                message: e.message,
            });
    }
    let mut out = Vec::new();
    for f in mine {
        if target == Target::Application {
            out.extend(env_vars(f));
        } else if f.path == "docker-compose.yml" {
            out.extend(compose(f)?);
        } else if f.path.ends_with(".conf") {
            out.extend(directives(f));
        } else {
            out.push(Resource {
                address: f.path.clone(),
                kind: Kind::Script,
                args: BTreeMap::from([("contents".to_string(), Value::String(f.contents.clone()))]),
                ignore_changes: Vec::new(),
                prevent_destroy: false,
                file: f.path.clone(),
            });
        }
    }
    Ok(Reading::Plain(out))
}

fn plain(address: String, kind: Kind, args: BTreeMap<String, Value>, file: &str) -> Resource {
    Resource {
        address,
        kind,
        args,
        ignore_changes: Vec::new(),
        prevent_destroy: false,
        file: file.to_string(),
    }
}

fn compose(f: &OutFile) -> Result<Vec<Resource>, Unreadable> {
    let doc: Value = serde_saphyr::from_str(&f.contents).map_err(|e| Unreadable {
        file: f.path.clone(),
        message: e.to_string(),
    })?;
    let mut out = Vec::new();
    let Some(top) = doc.as_object() else {
        return Ok(out);
    };
    if let Some(name) = top.get("name") {
        out.push(plain(
            "project".into(),
            Kind::Project,
            BTreeMap::from([("name".to_string(), name.clone())]),
            &f.path,
        ));
    }
    for (section, kind) in [
        ("services", None),
        ("volumes", Some(Kind::Volume)),
        ("secrets", Some(Kind::ComposeEntry)),
        ("configs", Some(Kind::ComposeEntry)),
        ("networks", Some(Kind::ComposeEntry)),
    ] {
        let Some(entries) = top.get(section).and_then(Value::as_object) else {
            continue;
        };
        for (name, body) in entries {
            let args: BTreeMap<String, Value> = match body {
                Value::Object(o) => o.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                Value::Null => BTreeMap::new(),
                other => BTreeMap::from([("value".to_string(), other.clone())]),
            };
            let kind = kind.clone().unwrap_or_else(|| Kind::Service {
                data: args
                    .get("volumes")
                    .and_then(Value::as_array)
                    .is_some_and(|v| {
                        v.iter()
                            .filter_map(Value::as_str)
                            .any(|m| m.contains(":/data"))
                    }),
            });
            let singular = section.trim_end_matches('s');
            out.push(plain(format!("{singular} {name}"), kind, args, &f.path));
        }
    }
    Ok(out)
}

/// redis.conf, one resource per directive. Repeated directives (`save`) are one value; a
/// directive with a sub-key (`client-output-buffer-limit normal`, `rename-command FLUSHALL`)
/// is one resource per sub-key.
fn directives(f: &OutFile) -> Vec<Resource> {
    let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in f.contents.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.splitn(2, char::is_whitespace);
        let first = words.next().unwrap_or("").to_ascii_lowercase();
        let rest = words.next().unwrap_or("").trim().to_string();
        let (key, value) = match first.as_str() {
            "client-output-buffer-limit" | "rename-command" | "user" => {
                let mut r = rest.splitn(2, char::is_whitespace);
                let sub = r.next().unwrap_or("").to_string();
                (
                    format!("{first} {sub}"),
                    r.next().unwrap_or("").trim().to_string(),
                )
            }
            _ => (first, rest),
        };
        values.entry(key).or_default().push(value);
    }
    values
        .into_iter()
        .map(|(key, v)| {
            let at_start = settings::all()
                .iter()
                .find_map(|s| s.conf.filter(|c| c.directive == key))
                .map(|c| c.read_at_start)
                // A directive the table does not know (the port, TLS files, the ACL file) is
                // one the stack sets up at start.
                .unwrap_or(true);
            plain(
                format!("{}: {key}", f.path),
                Kind::Directive { at_start },
                BTreeMap::from([("value".to_string(), Value::String(v.join("; ")))]),
                &f.path,
            )
        })
        .collect()
}

fn env_vars(f: &OutFile) -> Vec<Resource> {
    f.contents
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            plain(
                format!(".env: {}", k.trim()),
                Kind::Variable,
                BTreeMap::from([("value".to_string(), Value::String(v.trim().to_string()))]),
                &f.path,
            )
        })
        .collect()
}

/// One argument that changes.
#[derive(Clone, Debug)]
pub struct ArgChange {
    pub name: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
    pub effect: Effect,
    pub why: String,
    /// Its value is never shown.
    pub sensitive: bool,
}

/// One resource that changes (or is created or deleted).
#[derive(Clone, Debug)]
pub struct Change {
    pub target: Target,
    pub address: String,
    pub kind: Kind,
    pub file: String,
    /// What the change does to the resource: the most severe of its arguments', or
    /// create/delete.
    pub effect: Effect,
    pub args: Vec<ArgChange>,
    pub holds_data: bool,
    pub prevent_destroy: bool,
}

impl Change {
    pub fn arg(&self, name: &str) -> Option<&ArgChange> {
        self.args.iter().find(|a| a.name == name)
    }
}

/// What changes from `old` to `new` (both read for `target`).
pub fn diff(target: Target, old: &Reading, new: &Reading) -> Vec<Change> {
    match (old, new) {
        (Reading::Terraform(o), Reading::Terraform(n)) => terraform_diff(target, o, n),
        (Reading::Plain(o), Reading::Plain(n)) => plain_diff(target, o, n),
        (o, n) => {
            // A target read two ways cannot happen (the same files make the same reading);
            // compare what each holds.
            let none = BTreeMap::new();
            let list = |r: &Reading| match r {
                Reading::Terraform(m) => to_plain(m.resources(&none)),
                Reading::Plain(p) => p.clone(),
            };
            plain_diff(target, &list(o), &list(n))
        }
    }
}

/// Nothing of `target` at all (the target is added or removed).
pub fn empty(target: Target) -> Reading {
    if target.terraform_dir().is_some() {
        Reading::Terraform(Module::default())
    } else {
        Reading::Plain(Vec::new())
    }
}

fn to_plain(rs: Vec<terraform::Resource>) -> Vec<Resource> {
    rs.into_iter()
        .map(|r| Resource {
            address: r.address,
            kind: Kind::Terraform(r.rtype),
            args: r.args,
            ignore_changes: r.ignore_changes,
            prevent_destroy: r.prevent_destroy,
            file: r.file,
        })
        .collect()
}

/// Terraform: compare resource by resource; replacing a resource changes what refers to its
/// computed attributes, which may replace those in turn, so the comparison repeats until no
/// new replacement appears.
fn terraform_diff(target: Target, old: &Module, new: &Module) -> Vec<Change> {
    let dir = target.terraform_dir().unwrap_or("");
    let mut before = to_plain(old.resources(&BTreeMap::new()));
    if !new.moved.is_empty() {
        let old_addresses: BTreeSet<String> = before.iter().map(|r| r.address.clone()).collect();
        for r in &mut before {
            let taken = |a: &str| a != r.address && old_addresses.contains(a);
            r.address = terraform::moved_address(&new.moved, &r.address, &taken);
        }
    }
    let mut generation: BTreeMap<String, u32> = BTreeMap::new();
    let mut changes = Vec::new();
    for _ in 0..16 {
        let after = to_plain(new.resources(&generation));
        changes = plain_diff(target, &before, &after);
        let replaced: BTreeMap<String, u32> = changes
            .iter()
            .filter(|c| matches!(c.effect, Effect::Replace | Effect::Create))
            .map(|c| (c.address.clone(), 1))
            .collect();
        if replaced == generation {
            break;
        }
        generation = replaced;
    }
    let mut requirements = BTreeSet::new();
    requirements.extend(old.requirements.keys().cloned());
    requirements.extend(new.requirements.keys().cloned());
    for key in requirements {
        let (o, n) = (old.requirements.get(&key), new.requirements.get(&key));
        if o != n {
            changes.push(Change {
                target,
                address: "terraform".into(),
                kind: Kind::Requirements,
                file: format!("{dir}{}", key.split(':').next().unwrap_or("")),
                effect: Effect::None,
                args: vec![ArgChange {
                    name: key.clone(),
                    old: o.cloned(),
                    new: n.cloned(),
                    effect: Effect::None,
                    why: "the Terraform or provider versions allowed change: `terraform init -upgrade` may choose another provider, whose plan may differ".into(),
                    sensitive: false,
                }],
                holds_data: false,
                prevent_destroy: false,
            });
        }
    }
    for c in &mut changes {
        if !c.file.starts_with(dir) {
            c.file = format!("{dir}{}", c.file);
        }
    }
    changes
}

fn plain_diff(target: Target, old: &[Resource], new: &[Resource]) -> Vec<Change> {
    let by = |rs: &[Resource]| -> BTreeMap<String, Resource> {
        rs.iter().map(|r| (r.address.clone(), r.clone())).collect()
    };
    let (old, new) = (by(old), by(new));
    let addresses: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    // A new compose project is a new stack: every service and volume starts empty.
    let project_changes = match (old.get("project"), new.get("project")) {
        (Some(o), Some(n)) => o.args != n.args,
        _ => false,
    };
    let mut out = Vec::new();
    for address in addresses {
        let (o, n) = (old.get(address), new.get(address));
        let r = n.or(o).expect("an address comes from one side");
        let holds_data = target.holds_data(&r.kind);
        let valued = matches!(r.kind, Kind::Directive { .. } | Kind::Variable);
        let (effect, args) = match (o, n) {
            (None, Some(_)) if !valued => (Effect::Create, Vec::new()),
            (Some(_), None) if !valued => (Effect::Delete, Vec::new()),
            _ => {
                let empty = BTreeMap::new();
                let oa = o.map(|x| &x.args).unwrap_or(&empty);
                let na = n.map(|x| &x.args).unwrap_or(&empty);
                let args = arg_changes(&r.kind, oa, na, &n.unwrap_or(r).ignore_changes);
                let mut effect = args.iter().map(|a| a.effect).max().unwrap_or(Effect::None);
                if project_changes && matches!(r.kind, Kind::Service { .. } | Kind::Volume) {
                    effect = Effect::Replace;
                }
                if args.is_empty() && effect == Effect::None {
                    continue;
                }
                (effect, args)
            }
        };
        out.push(Change {
            target,
            address: address.clone(),
            kind: r.kind.clone(),
            file: r.file.clone(),
            effect,
            args,
            holds_data,
            prevent_destroy: o.or(n).is_some_and(|x| x.prevent_destroy),
        });
    }
    if project_changes {
        for c in &mut out {
            if matches!(c.kind, Kind::Service { .. } | Kind::Volume) && c.args.is_empty() {
                c.args.push(ArgChange {
                    name: "project".into(),
                    old: old.get("project").and_then(|p| p.args.get("name").cloned()),
                    new: new.get("project").and_then(|p| p.args.get("name").cloned()),
                    effect: Effect::Replace,
                    why: "the compose project is renamed: its containers and volumes are new, and start empty".into(),
                    sensitive: false,
                });
            }
        }
    }
    out
}

fn sorted(v: &Value) -> Value {
    match v {
        Value::Array(a) => {
            let mut a = a.clone();
            a.sort_by_key(|x| x.to_string());
            Value::Array(a)
        }
        other => other.clone(),
    }
}

fn arg_changes(
    kind: &Kind,
    old: &BTreeMap<String, Value>,
    new: &BTreeMap<String, Value>,
    ignore: &[String],
) -> Vec<ArgChange> {
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut out = Vec::new();
    for name in names {
        if ignore.iter().any(|i| i == name || i == "all") {
            continue;
        }
        let (o, n) = (old.get(name), new.get(name));
        match kind {
            Kind::Terraform(rtype) => {
                out.extend(terraform_arg(rtype, name, o, n, old, ignore));
            }
            _ => {
                if o == n {
                    continue;
                }
                let (effect, why) = plain_effect(kind, name);
                out.push(ArgChange {
                    name: name.clone(),
                    old: o.cloned(),
                    new: n.cloned(),
                    effect,
                    why,
                    sensitive: crate::load::redact::is_secret_looking_key(name),
                });
            }
        }
    }
    out
}

/// One Terraform argument: absent means the provider's default or the live value, sets are
/// compared as sets, and a block holding one element is compared argument by argument (a
/// nested argument may force replacement where its block does not).
fn terraform_arg(
    rtype: &str,
    name: &str,
    o: Option<&Value>,
    n: Option<&Value>,
    old_args: &BTreeMap<String, Value>,
    ignore: &[String],
) -> Vec<ArgChange> {
    // No longer written, an Optional+Computed argument keeps its live value. Newly written,
    // it changes whatever the provider had computed (which the base's files do not say).
    if n.is_none() && schema::kept_when_absent(rtype, name) {
        return Vec::new();
    }
    let absent = schema::when_absent(rtype, name);
    let o = o.cloned().unwrap_or_else(|| absent.clone());
    let n = n.cloned().unwrap_or(absent);
    let (oc, nc) = if schema::is_set(rtype, name) {
        (sorted(&o), sorted(&n))
    } else {
        (o.clone(), n.clone())
    };
    if oc == nc {
        return Vec::new();
    }
    if let (Value::Array(oa), Value::Array(na)) = (&o, &n)
        && oa.len() == 1
        && na.len() == 1
        && let (Value::Object(ob), Value::Object(nb)) = (&oa[0], &na[0])
    {
        let inner_names: BTreeSet<&String> = ob.keys().chain(nb.keys()).collect();
        let mut out = Vec::new();
        for inner in inner_names {
            let path = format!("{name}.{inner}");
            if ignore.contains(&path) {
                continue;
            }
            let (io, inn) = (ob.get(inner), nb.get(inner));
            if io == inn {
                continue;
            }
            out.extend(terraform_arg(rtype, &path, io, inn, old_args, ignore));
        }
        return out;
    }
    let (effect, why) = tf_facts::judge(rtype, name, &o, &n, old_args);
    vec![ArgChange {
        name: name.to_string(),
        sensitive: schema::is_sensitive(rtype, name)
            || crate::load::redact::is_secret_looking_key(name),
        old: Some(o),
        new: Some(n),
        effect,
        why,
    }]
}

/// What a change does to a compose resource, a directive, a script or a variable.
fn plain_effect(kind: &Kind, name: &str) -> (Effect, String) {
    match kind {
        Kind::Project => (
            Effect::Replace,
            "the compose project is renamed: its containers and volumes are new, and start empty"
                .into(),
        ),
        Kind::Service { .. } => (
            Effect::Restart,
            format!("`{name}` changes: `docker compose up -d` recreates the container (a short outage; named volumes are kept)"),
        ),
        Kind::Volume => (
            Effect::Replace,
            "the volume's definition changes: compose refuses to reuse it, and a new one starts empty".into(),
        ),
        Kind::ComposeEntry => (
            Effect::Restart,
            "the services that use it are recreated by `docker compose up -d`".into(),
        ),
        Kind::Directive { at_start: true } => (
            Effect::Restart,
            "Redis reads it only at start: restart the service (`docker compose restart`) to apply it".into(),
        ),
        Kind::Directive { at_start: false } => (
            Effect::Update,
            "Redis takes it at runtime (`CONFIG SET`); `docker compose up -d` does not restart a container for a changed redis.conf, so set it with CONFIG SET or restart the service".into(),
        ),
        Kind::Script => (
            Effect::Restart,
            "the container runs it at start: restart the service (`docker compose restart`) to apply it".into(),
        ),
        Kind::Variable => (
            Effect::None,
            "the application reads `.env` when it starts: restart the application; the cache is not touched".into(),
        ),
        Kind::Terraform(_) | Kind::Requirements => (Effect::Update, String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> OutFile {
        OutFile {
            path: path.into(),
            contents: contents.into(),
        }
    }

    fn changes(target: Target, old: &[OutFile], new: &[OutFile]) -> Vec<Change> {
        diff(
            target,
            &read(target, old).unwrap(),
            &read(target, new).unwrap(),
        )
    }

    const RG: &str = r#"
locals { name = "NAME" }
resource "aws_security_group" "redis" { name = "${local.name}-redis" }
resource "aws_vpc_security_group_ingress_rule" "redis_0" {
  security_group_id = aws_security_group.redis.id
  cidr_ipv4 = "10.0.0.0/16"
}
resource "aws_elasticache_replication_group" "redis" {
  replication_group_id = local.name
  port = PORT
  security_group_ids = [aws_security_group.redis.id]
  transit_encryption_mode = "required"
}"#;

    fn rg(name: &str, port: u16, mode: bool) -> Vec<OutFile> {
        let mut t = RG.replace("NAME", name).replace("PORT", &port.to_string());
        if !mode {
            t = t.replace("  transit_encryption_mode = \"required\"\n", "");
        }
        vec![file("terraform/aws/main.tf", &t)]
    }

    #[test]
    fn a_rename_replaces_what_is_named_and_what_refers_to_the_replaced() {
        let c = changes(Target::Aws, &rg("a", 6379, true), &rg("b", 6379, true));
        let effect = |a: &str| c.iter().find(|x| x.address == a).map(|x| x.effect);
        assert_eq!(effect("aws_security_group.redis"), Some(Effect::Replace));
        assert_eq!(
            effect("aws_vpc_security_group_ingress_rule.redis_0"),
            Some(Effect::Replace),
            "its security group is replaced"
        );
        assert_eq!(
            effect("aws_elasticache_replication_group.redis"),
            Some(Effect::Replace)
        );
        let group = c
            .iter()
            .find(|x| x.address.ends_with("group.redis"))
            .unwrap();
        assert!(group.holds_data);
        assert!(
            group.arg("security_group_ids").is_some(),
            "{:?}",
            group.args
        );
    }

    #[test]
    fn an_optional_computed_argument_that_is_no_longer_written_is_no_change() {
        assert!(changes(Target::Aws, &rg("a", 6379, true), &rg("a", 6379, false)).is_empty());
        let c = changes(Target::Aws, &rg("a", 6379, true), &rg("a", 6380, true));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].effect, Effect::Replace);
        assert_eq!(c[0].args[0].name, "port");
    }

    /// A template that renames a resource with a `moved` block keeps it: Terraform moves it in
    /// the state and plans only what changed in its arguments.
    #[test]
    fn a_moved_block_keeps_the_resource_under_its_new_address() {
        let old = rg("a", 6379, true);
        let renamed = RG.replace("NAME", "a").replace("PORT", "6379").replace(
            "\"redis_0\" {",
            "\"cidr_10\" {\n  description = \"from the VPC\"",
        );
        let without_move = changes(
            Target::Aws,
            &old,
            &[file("terraform/aws/main.tf", &renamed)],
        );
        let effect = |c: &[Change], a: &str| c.iter().find(|x| x.address == a).map(|x| x.effect);
        assert_eq!(
            effect(&without_move, "aws_vpc_security_group_ingress_rule.redis_0"),
            Some(Effect::Delete)
        );
        let moved = format!(
            "{renamed}\nmoved {{\n  from = aws_vpc_security_group_ingress_rule.redis_0\n  to = aws_vpc_security_group_ingress_rule.cidr_10\n}}\n"
        );
        let c = changes(Target::Aws, &old, &[file("terraform/aws/main.tf", &moved)]);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].address, "aws_vpc_security_group_ingress_rule.cidr_10");
        assert_eq!(c[0].effect, Effect::Update);
        assert_eq!(c[0].args[0].name, "description");
    }

    #[test]
    fn moved_addresses_follow_chains_and_instances() {
        let moved = vec![
            ("aws_x.a".to_string(), "aws_x.b".to_string()),
            ("aws_x.b".to_string(), "aws_x.c".to_string()),
            ("aws_y.a[0]".to_string(), "aws_y.z".to_string()),
        ];
        let free = |_: &str| false;
        assert_eq!(
            terraform::moved_address(&moved, "aws_x.a", &free),
            "aws_x.c"
        );
        assert_eq!(
            terraform::moved_address(&moved, "aws_x.a[\"k\"]", &free),
            "aws_x.c[\"k\"]"
        );
        assert_eq!(
            terraform::moved_address(&moved, "aws_x.ab", &free),
            "aws_x.ab"
        );
        assert_eq!(
            terraform::moved_address(&moved, "aws_y.a[0]", &free),
            "aws_y.z"
        );
        assert_eq!(
            terraform::moved_address(&moved, "aws_y.a[1]", &free),
            "aws_y.a[1]"
        );
        let taken = |a: &str| a == "aws_x.b";
        assert_eq!(
            terraform::moved_address(&moved, "aws_x.a", &taken),
            "aws_x.a",
            "Terraform refuses a move onto a resource the state holds"
        );
    }

    #[test]
    fn compose_services_directives_and_variables() {
        let stack = |image: &str, name: &str| {
            format!(
                "name: \"{name}\"\nservices:\n  redis:\n    image: \"{image}\"\n    volumes:\n      - \"redis-data:/data\"\nvolumes:\n  redis-data: {{}}\n"
            )
        };
        let old = [
            file("docker-compose.yml", &stack("redis:7.2-alpine", "p")),
            file(
                "redis.conf",
                "maxmemory 2gb\nio-threads 1\nsave 900 1\nsave 60 10\n",
            ),
        ];
        let new = [
            file("docker-compose.yml", &stack("redis:7.4-alpine", "p")),
            file(
                "redis.conf",
                "maxmemory 3gb\nio-threads 2\nsave 900 1\nsave 60 10\n",
            ),
        ];
        let c = changes(Target::Compose, &old, &new);
        let effect = |a: &str| c.iter().find(|x| x.address == a).map(|x| x.effect);
        assert_eq!(effect("service redis"), Some(Effect::Restart));
        assert_eq!(effect("redis.conf: maxmemory"), Some(Effect::Update));
        assert_eq!(effect("redis.conf: io-threads"), Some(Effect::Restart));
        assert_eq!(effect("redis.conf: save"), None);
        let renamed = [file("docker-compose.yml", &stack("redis:7.2-alpine", "q"))];
        let c = changes(Target::Compose, &old[..1], &renamed);
        assert_eq!(
            c.iter()
                .find(|x| x.address == "volume redis-data")
                .map(|x| x.effect),
            Some(Effect::Replace)
        );
        let env = changes(
            Target::Application,
            &[file(".env", "# x\nREDIS_DB=0\n")],
            &[file(".env", "REDIS_DB=1\n")],
        );
        assert_eq!(env[0].effect, Effect::None);
        assert_eq!(env[0].address, ".env: REDIS_DB");
    }
}
