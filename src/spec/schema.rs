//! The JSON Schema of `cache.yaml`, generated from the Rust types (so the two cannot drift),
//! and the first validation pass: every schema error of a spec, each mapped to the line and
//! column of the value it is about, with a help line and a "did you mean" for typos.

use super::Spec;
use super::secrets::{self, SECRET_FIELDS};
use crate::diagnostics::codes;
use crate::diagnostics::{Diagnostic, Location, Severity};
use crate::load::limits::MAX_REPORTED_ERRORS;
use crate::load::{LoadedSpec, Node, dotted};
use jsonschema::error::ValidationErrorKind;
use schemars::generate::SchemaSettings;
use serde_json::Value;
use std::sync::OnceLock;

/// The schema of a spec, as a project keeps it for editors (`<schema folder>/SPEC_FILE`).
pub const SPEC_FILE: &str = "cache.schema.json";
/// The schema of a partial spec: a base that specs `extend`.
pub const PARTIAL_FILE: &str = "cache.partial.schema.json";

/// The modeline of an environment's `cache.yaml` in the standard layout.
pub const MODELINE: &str = "# yaml-language-server: $schema=../../schema/cache.schema.json";
/// The modeline of a base next to the environments' folders (`environments/base.yaml`).
pub const BASE_MODELINE: &str =
    "# yaml-language-server: $schema=../schema/cache.partial.schema.json";

/// The schema document, generated from `Spec`, with each setting's default from the settings
/// table: `default` where it is one value; `x-default-per-tier` and a sentence in the
/// description where it depends on the tier or is derived. Editors and docs/spec.md show them.
pub fn generate() -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<Spec>();
    let mut value = serde_json::to_value(schema).expect("a schema is JSON");
    drop_null_branches(&mut value);
    unwrap_descriptions(&mut value);
    add_defaults(&mut value);
    value
}

fn add_defaults(schema: &mut Value) {
    use crate::settings::{Default, shown};
    for s in crate::settings::all() {
        let Some(node) = property_mut(schema, s.path) else {
            continue;
        };
        let sentence = match s.default {
            Default::None => continue,
            Default::Fixed(l) => {
                let v = l.to_json();
                let sentence = format!("Default: {}.", shown(&v));
                node.insert("default".into(), v);
                sentence
            }
            Default::PerTier {
                development,
                staging,
                production,
            } => {
                let (d, st, p) = (
                    development.to_json(),
                    staging.to_json(),
                    production.to_json(),
                );
                let sentence = format!(
                    "Default: {} in development, {} in staging, {} in production.",
                    shown(&d),
                    shown(&st),
                    shown(&p)
                );
                node.insert(
                    "x-default-per-tier".into(),
                    serde_json::json!({ "development": d, "staging": st, "production": p }),
                );
                sentence
            }
            Default::Derived(how) => format!("Default: {how}."),
        };
        if let Some(Value::String(d)) = node.get_mut("description") {
            d.push(' ');
            d.push_str(&sentence);
        }
    }
}

/// The schema as `cachegen schema` prints it and `schema/cache.schema.json` holds it: what an
/// editor reads through a spec's modeline. See [`editor_documents`].
pub fn text() -> String {
    pretty(&editor_documents().0)
}

/// The schema of a partial spec, as `schema/cache.partial.schema.json` holds it.
pub fn partial_text() -> String {
    pretty(&editor_documents().1)
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("a schema is JSON");
    s.push('\n');
    s
}

/// The two documents editors read, each file as it is written, before `extends` is merged:
///
/// - the spec schema: a file without `extends` is a whole spec (every required key); a file
///   with `extends` is validated as a partial spec, since its base fills in the rest;
/// - the partial schema, for bases: the same keys and values, none required, and `null`
///   allowed wherever a spec may remove a base's value.
///
/// A partial spec keeps what must be whole: a secret reference and the items of a list
/// (save points, exceptions) replace the base's, so their keys stay required.
pub fn editor_documents() -> (Value, Value) {
    let mut full = generate();
    let root = full.as_object_mut().expect("the schema is an object");
    let dialect = root.remove("$schema").unwrap_or(Value::Null);
    let mut defs = match root.remove("$defs") {
        Some(Value::Object(d)) => d,
        _ => serde_json::Map::new(),
    };
    root.remove("title");
    defs.insert("Spec".into(), Value::Object(root.clone()));
    partial_defs(&mut defs);
    let editor = serde_json::json!({
        "$schema": dialect,
        "title": "cachegen spec (cache.yaml)",
        "description": "One environment's Redis cache, as cachegen validates and renders it. A file with `extends` is a partial spec: its base fills in the rest.",
        "if": { "required": ["extends"] },
        "then": { "$ref": "#/$defs/PartialSpec" },
        "else": { "$ref": "#/$defs/Spec" },
        "$defs": defs.clone(),
    });
    let partial = serde_json::json!({
        "$schema": dialect,
        "title": "cachegen partial spec (a base that specs extend)",
        "description": "Part of a cache.yaml that specs `extend`: any key of a spec, none required; `null` removes a base's value.",
        "$ref": "#/$defs/PartialSpec",
        "$defs": defs,
    });
    (editor, partial)
}

/// Keywords that annotate a property rather than constrain it: they stay on the property when
/// its constraints move into an `anyOf` with `null`.
const ANNOTATIONS: &[&str] = &[
    "description",
    "default",
    "x-default-per-tier",
    "title",
    "examples",
];

/// `Partial<Name>` for every mapping a spec merges key by key with its base: the definitions
/// reached from `Spec` through properties (not through list items or secret references), with
/// no key required and `null` allowed for every key.
fn partial_defs(defs: &mut serde_json::Map<String, Value>) {
    let target = |v: &Value| {
        v.get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
            .map(str::to_string)
    };
    let mut merged = std::collections::BTreeSet::new();
    let mut queue = vec!["Spec".to_string()];
    while let Some(name) = queue.pop() {
        if !merged.insert(name.clone()) {
            continue;
        }
        if let Some(props) = defs[&name].get("properties").and_then(Value::as_object) {
            for p in props.values() {
                if let Some(t) = target(p)
                    && defs.get(&t).is_some_and(|d| d.get("properties").is_some())
                {
                    queue.push(t);
                }
            }
        }
    }
    for name in &merged {
        let mut d = defs[name].clone();
        let obj = d.as_object_mut().expect("a definition is an object");
        obj.remove("required");
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            for p in props.values_mut() {
                let Value::Object(constraints) = std::mem::take(p) else {
                    continue;
                };
                let mut wrapper = serde_json::Map::new();
                let mut inner = serde_json::Map::new();
                for (k, v) in constraints {
                    if ANNOTATIONS.contains(&k.as_str()) {
                        wrapper.insert(k, v);
                    } else if k == "$ref" {
                        let t = v
                            .as_str()
                            .and_then(|r| r.strip_prefix("#/$defs/"))
                            .unwrap_or("");
                        let r = if merged.contains(t) {
                            Value::String(format!("#/$defs/Partial{t}"))
                        } else {
                            v
                        };
                        inner.insert(k, r);
                    } else {
                        inner.insert(k, v);
                    }
                }
                // A map of free keys (`labels`) merges too: `null` removes one of the base's.
                if let Some(ap @ Value::Object(_)) = inner.get_mut("additionalProperties") {
                    *ap = serde_json::json!({ "anyOf": [ap.clone(), { "type": "null" }] });
                }
                wrapper.insert(
                    "anyOf".into(),
                    serde_json::json!([inner, { "type": "null" }]),
                );
                *p = Value::Object(wrapper);
            }
        }
        defs.insert(format!("Partial{name}"), d);
    }
}

/// Doc comments are wrapped at 100 columns; editors wrap themselves, so join the lines.
fn unwrap_descriptions(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(d)) = o.get_mut("description") {
                *d = d
                    .split("\n\n")
                    .map(|p| p.replace('\n', " "))
                    .collect::<Vec<_>>()
                    .join("\n\n");
            }
            o.values_mut().for_each(unwrap_descriptions);
        }
        Value::Array(a) => a.iter_mut().for_each(unwrap_descriptions),
        _ => {}
    }
}

/// `Option<T>` fields are optional, not nullable: a `null` in a spec is a mistake (or, with
/// `extends`, a removal that the loader has already applied). Take `null` out of the schema.
fn drop_null_branches(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if let Some(Value::Array(types)) = o.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let t = types.remove(0);
                    o.insert("type".into(), t);
                }
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(branches)) = o.get(key) {
                    let kept: Vec<Value> = branches
                        .iter()
                        .filter(|b| b.get("type").and_then(Value::as_str) != Some("null"))
                        .cloned()
                        .collect();
                    if kept.len() == 1 && branches.len() == 2 {
                        o.remove(key);
                        if let Value::Object(only) = kept.into_iter().next().expect("one branch") {
                            for (k, val) in only {
                                o.entry(k).or_insert(val);
                            }
                        }
                    }
                }
            }
            for (_, child) in o.iter_mut() {
                drop_null_branches(child);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(drop_null_branches),
        _ => {}
    }
}

struct Compiled {
    schema: Value,
    validator: jsonschema::Validator,
}

/// The committed `schema/cache.schema.json`, which a test keeps equal to `text()`: parsing
/// it costs a fraction of generating it from the types in every process.
const COMMITTED: &str = include_str!("../../schema/cache.schema.json");

/// What a merged spec (its `extends` applied) is validated against: the whole spec,
/// `$defs/Spec` of the committed document.
fn merged_spec_schema(mut committed: Value) -> Value {
    let root = committed
        .as_object_mut()
        .expect("the committed schema is an object");
    for k in ["if", "then", "else", "title", "description"] {
        root.remove(k);
    }
    root.insert("$ref".into(), Value::String("#/$defs/Spec".into()));
    committed
}

/// Compiled once per process and shared by every spec of a run.
fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let schema: Value = merged_spec_schema(
            serde_json::from_str(COMMITTED).expect("the committed schema is JSON"),
        );
        // The spec's patterns are plain regular expressions: the linear-time `regex` engine
        // compiles them faster than the default backtracking one, and cannot blow up.
        let validator = jsonschema::draft202012::options()
            .with_pattern_options(jsonschema::PatternOptions::regex())
            .build(&schema)
            .expect("the committed schema is valid");
        Compiled { schema, validator }
    })
}

/// The subschema that describes the value at an instance pointer, following `$ref`s.
fn subschema<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut node = resolve_ref(root, root)?;
    for seg in crate::load::tree::segments(pointer) {
        let props = node.get("properties").and_then(|p| p.get(seg.as_str()));
        node = if let Some(p) = props {
            p
        } else if let (Some(items), true) =
            (node.get("items"), seg.chars().all(|c| c.is_ascii_digit()))
        {
            items
        } else if let Some(ap @ Value::Object(_)) = node.get("additionalProperties") {
            ap
        } else {
            return None;
        };
        node = resolve_ref(root, node)?;
    }
    Some(node)
}

fn resolve_ref<'a>(root: &'a Value, node: &'a Value) -> Option<&'a Value> {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let target = root.pointer(r.strip_prefix('#')?)?;
            // A property's own description sits beside its `$ref`; keep the target for structure.
            Some(target)
        }
        None => Some(node),
    }
}

/// The schema node of the property at a dotted path (`memory.eviction_samples`): the node
/// under its parent's `properties`, where the property's own keywords (its description, its
/// default) sit beside any `$ref` to its type. `None` for a path the schema does not have.
pub fn property_mut<'a>(
    root: &'a mut Value,
    path: &str,
) -> Option<&'a mut serde_json::Map<String, Value>> {
    // Find the property's place as a pointer into the document first (following `$ref`s
    // between the levels), then borrow it mutably once.
    let mut at = String::new();
    for key in path.split('.') {
        let node = root.pointer(&at)?;
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            at = r.strip_prefix('#')?.to_string();
        }
        root.pointer(&at)?.get("properties")?.get(key)?;
        at = format!("{at}/properties/{key}");
    }
    root.pointer_mut(&at)?.as_object_mut()
}

/// The description of the property at a pointer (the property's own text wins over its type's).
fn description(root: &Value, pointer: &str) -> Option<String> {
    let (parent, key) = match pointer.rfind('/') {
        Some(i) => (&pointer[..i], &pointer[i + 1..]),
        None => return None,
    };
    let own = subschema(root, parent)
        .and_then(|p| p.get("properties"))
        .and_then(|p| p.get(key))
        .and_then(|p| p.get("description"))
        .and_then(Value::as_str);
    own.or_else(|| {
        subschema(root, pointer)
            .and_then(|s| s.get("description"))
            .and_then(Value::as_str)
    })
    .map(str::to_string)
}

fn allowed_keys(root: &Value, pointer: &str) -> Vec<String> {
    subschema(root, pointer)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// The closest candidate to a misspelling, when it is close enough to be the likely intent.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let w = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&w, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

fn under_secret_field(pointer: &str) -> bool {
    SECRET_FIELDS
        .iter()
        .any(|s| pointer == *s || pointer.starts_with(&format!("{s}/")))
}

/// Secrets first: a literal where a reference belongs is its own, clearer error, and the value
/// is never repeated. Returns the diagnostics and the pointers they cover.
fn check_secret_literals(loaded: &LoadedSpec) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for field in SECRET_FIELDS {
        let Some(node) = loaded.root.pointer(field) else {
            continue;
        };
        let literal = match &node.value {
            crate::load::Value::Str(s) => Some(s.as_str()),
            crate::load::Value::Int(_)
            | crate::load::Value::UInt(_)
            | crate::load::Value::Float(_) => Some(""),
            _ => None,
        };
        let Some(literal) = literal else { continue };
        let d = if !literal.is_empty() && secrets::is_placeholder(literal) {
            Diagnostic::error(
                codes::PLACEHOLDER_SECRET,
                format!(
                    "`{}` is a placeholder password copied from an example (value hidden)",
                    dotted(field)
                ),
            )
        } else {
            Diagnostic::error(
                codes::LITERAL_SECRET,
                format!(
                    "`{}` is a literal secret; a spec names where a secret comes from, never its value (value hidden)",
                    dotted(field)
                ),
            )
        };
        out.push(d.at(node.loc.clone()).help(
            "write a reference instead, e.g. `password: { env: REDIS_PASSWORD }` or `{ aws_secret: prod/redis/auth }`, and remove the value from version control history",
        ));
    }
    out
}

fn desc_or(schema: &Value, pointer: &str, fallback: &str) -> String {
    description(schema, pointer).unwrap_or_else(|| fallback.to_string())
}

/// Every node of a tree with its JSON pointer.
fn each_node(node: &Node, pointer: &str, f: &mut impl FnMut(&Node, &str)) {
    f(node, pointer);
    match &node.value {
        crate::load::Value::Map(m) => {
            for (k, child) in m {
                let p = format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1"));
                each_node(child, &p, f);
            }
        }
        crate::load::Value::Seq(items) => {
            for (i, child) in items.iter().enumerate() {
                each_node(child, &format!("{pointer}/{i}"), f);
            }
        }
        _ => {}
    }
}

/// What the JSON Schema lets through and the typed spec must not take:
/// - values under secret-looking keys where the schema takes free-form text (`labels`): they
///   would be rendered (as cloud tags) and shown by `explain` (under keys the schema does not
///   know they are already errors, CG0010, their value hidden);
/// - a whole-number float where an integer belongs (`port: 6379.0`): JSON Schema calls it an
///   integer, the typed spec does not, and the error would otherwise point at line 1.
fn check_beyond_schema(schema: &Value, root: &Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    each_node(root, "", &mut |node, pointer| match &node.value {
        crate::load::Value::Str(_)
            if node.secret
                && !under_secret_field(pointer)
                && subschema(schema, pointer).is_some() =>
        {
            out.push(
                Diagnostic::error(
                    codes::LITERAL_SECRET,
                    format!(
                        "`{}` looks like a secret (its key or its value says so); a spec never holds a secret value (value hidden)",
                        dotted(pointer)
                    ),
                )
                .at(node.loc.clone())
                .help("labels are visible on every cloud resource: remove the value, or rename the key if it is not a secret"),
            );
        }
        crate::load::Value::Float(f) if f.fract() == 0.0 => {
            let Some(sub) = subschema(schema, pointer) else {
                return;
            };
            if sub.get("type").is_none_or(|t| t != "integer") {
                return;
            }
            let field = dotted(pointer);
            let d = if f.abs() < 9.0e18 {
                Diagnostic::error(
                    codes::WRONG_TYPE,
                    format!("`{field}` must be an integer, found a number"),
                )
                .help(format!(
                    "write it without a decimal point{}",
                    if node.secret {
                        String::new()
                    } else {
                        format!(", e.g. `{}`", *f as i64)
                    }
                ))
            } else if sub
                .get(if *f > 0.0 { "maximum" } else { "minimum" })
                .is_none()
            {
                // Beyond 64 bits (the YAML had more digits than fit); bounded settings already
                // have their own error from the schema.
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("`{field}` does not fit in a 64-bit integer"),
                )
                .help(desc_or(
                    schema,
                    pointer,
                    "use a number of at most 20 digits",
                ))
            } else {
                return;
            };
            out.push(d.at(node.loc.clone()));
        }
        _ => {}
    });
    out
}

/// All schema errors of a spec, each at the line of the value it is about.
pub fn validate(loaded: &LoadedSpec) -> Vec<Diagnostic> {
    let compiled = compiled();
    let mut diags = check_secret_literals(loaded);
    diags.extend(check_beyond_schema(&compiled.schema, &loaded.root));
    let covered: Vec<&str> = SECRET_FIELDS
        .iter()
        .copied()
        .filter(|f| {
            loaded
                .root
                .pointer(f)
                .is_some_and(|n| !matches!(n.value, crate::load::Value::Map(_)))
        })
        .collect();
    let instance = loaded.root.to_json();
    let mut not_shown = 0;
    for err in compiled.validator.iter_errors(&instance) {
        let pointer = err.instance_path().as_str().to_string();
        if covered
            .iter()
            .any(|c| pointer == *c || pointer.starts_with(&format!("{c}/")))
        {
            continue;
        }
        let room = MAX_REPORTED_ERRORS.saturating_sub(diags.len());
        if room == 0 {
            not_shown += match err.kind() {
                ValidationErrorKind::AdditionalProperties { unexpected } => unexpected.len(),
                _ => 1,
            };
            continue;
        }
        diags.extend(diagnose(
            &compiled.schema,
            loaded,
            &pointer,
            err.kind(),
            &err.to_string(),
            room,
            &mut not_shown,
        ));
    }
    if not_shown > 0 {
        diags.push(
            Diagnostic::new(
                codes::SAFETY_LIMIT,
                Severity::Note,
                format!(
                    "{not_shown} more schema error{} in this spec not shown (at most {MAX_REPORTED_ERRORS} are reported)",
                    if not_shown == 1 { " is" } else { "s are" }
                ),
            )
            .at(Location::file_start(loaded.file()))
            .help("fix the errors above and validate again"),
        );
    }
    diags
}

fn show(node: Option<&Node>, value: &Value) -> String {
    if node.is_some_and(|n| n.secret) {
        return "(value hidden)".into();
    }
    let s = value.to_string();
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    } else {
        s
    }
}

fn diagnose(
    schema: &Value,
    loaded: &LoadedSpec,
    pointer: &str,
    kind: &ValidationErrorKind,
    fallback: &str,
    room: usize,
    not_shown: &mut usize,
) -> Vec<Diagnostic> {
    let root = &loaded.root;
    let node = root.pointer(pointer);
    let here = loaded.locate(pointer);
    let field = dotted(pointer);
    let instance = node.map(Node::to_json).unwrap_or(Value::Null);
    let secret_context = under_secret_field(pointer) || node.is_some_and(|n| n.secret);
    let desc = description(schema, pointer);
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = allowed_keys(schema, pointer);
            *not_shown += unexpected.len().saturating_sub(room);
            unexpected
                .iter()
                .take(room)
                .map(|key| {
                    let child = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                    let loc = root
                        .pointer(&child)
                        .and_then(|n| n.key_loc.clone())
                        .unwrap_or_else(|| here.clone());
                    let within = if pointer.is_empty() {
                        "at the top level".to_string()
                    } else {
                        format!("in `{field}`")
                    };
                    let d = Diagnostic::error(
                        codes::UNKNOWN_KEY,
                        format!("unknown key `{key}` {within}"),
                    )
                    .at(loc);
                    if let Some(hint) = redis_conf_name(key) {
                        return d.help(hint);
                    }
                    match did_you_mean(key, allowed.iter().map(String::as_str)) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help(format!("allowed keys {within}: {}", allowed.join(", "))),
                    }
                })
                .collect()
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let child = if pointer.is_empty() {
                format!("/{name}")
            } else {
                format!("{pointer}/{name}")
            };
            let what = description(schema, &child).unwrap_or_default();
            let within = if pointer.is_empty() {
                String::new()
            } else {
                format!(" in `{field}`")
            };
            vec![
                Diagnostic::error(
                    codes::MISSING_KEY,
                    format!("missing required key `{name}`{within}"),
                )
                .at(here)
                .help(format!("add `{name}`: {what}")),
            ]
        }
        ValidationErrorKind::Type { .. } => {
            let expected = subschema(schema, pointer)
                .and_then(|s| s.get("type"))
                .map(|t| match t {
                    Value::String(s) => type_word(s).to_string(),
                    Value::Array(a) => a
                        .iter()
                        .filter_map(Value::as_str)
                        .map(type_word)
                        .collect::<Vec<_>>()
                        .join(" or "),
                    _ => "another type".into(),
                })
                .unwrap_or_else(|| "another type".into());
            let found = node.map(Node::kind_name).unwrap_or("nothing");
            let mut help = desc.unwrap_or_default();
            if expected == "a string" && matches!(found, "number" | "integer" | "boolean") {
                let example = if secret_context {
                    "...".to_string()
                } else {
                    instance.to_string()
                };
                help = format!("put the value in quotes, e.g. `\"{example}\"`; {help}");
            }
            vec![
                Diagnostic::error(
                    codes::WRONG_TYPE,
                    format!("`{field}` must be {expected}, found {}", article(found)),
                )
                .at(here)
                .help(help),
            ]
        }
        ValidationErrorKind::Enum { options } => {
            let opts: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|v| {
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string())
                        })
                        .collect()
                })
                .unwrap_or_default();
            let d = Diagnostic::error(
                codes::INVALID_VALUE,
                format!(
                    "`{field}` must be one of {}; found {}",
                    opts.join(", "),
                    show(node, &instance)
                ),
            )
            .at(here);
            let typed = instance.as_str().unwrap_or_default();
            vec![match did_you_mean(typed, opts.iter().map(String::as_str)) {
                Some(s) if !secret_context => d.help(format!("did you mean `{s}`?")),
                _ => d.help(desc.unwrap_or_else(|| format!("use one of: {}", opts.join(", ")))),
            }]
        }
        ValidationErrorKind::Pattern { .. } => {
            let expected = subschema(schema, pointer)
                .and_then(|s| s.get("x-expected"))
                .and_then(Value::as_str)
                .map(|s| format!("is not {s}"))
                .unwrap_or_else(|| "has the wrong format".into());
            vec![
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("`{field}`: {} {expected}", show(node, &instance)),
                )
                .at(here)
                .help(desc.unwrap_or_default()),
            ]
        }
        ValidationErrorKind::Minimum { limit }
        | ValidationErrorKind::ExclusiveMinimum { limit } => vec![
            Diagnostic::error(
                codes::INVALID_VALUE,
                format!(
                    "`{field}` must be at least {limit}, found {}",
                    show(node, &instance)
                ),
            )
            .at(here)
            .help(desc.unwrap_or_default()),
        ],
        ValidationErrorKind::Maximum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => vec![
            Diagnostic::error(
                codes::INVALID_VALUE,
                format!(
                    "`{field}` must be at most {limit}, found {}",
                    show(node, &instance)
                ),
            )
            .at(here)
            .help(desc.unwrap_or_default()),
        ],
        ValidationErrorKind::MinLength { limit } => vec![
            Diagnostic::error(
                codes::INVALID_VALUE,
                format!("`{field}` must be at least {limit} characters long"),
            )
            .at(here)
            .help(desc.unwrap_or_default()),
        ],
        ValidationErrorKind::MaxLength { limit } => vec![
            Diagnostic::error(
                codes::INVALID_VALUE,
                format!("`{field}` must be at most {limit} characters long"),
            )
            .at(here)
            .help(desc.unwrap_or_default()),
        ],
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. }
            if secret_context =>
        {
            // One known kind of reference: the kind is right, its value is not; say what the
            // value must look like rather than list the kinds again.
            // The value stays masked: a malformed reference may be a pasted secret.
            if let Some((kind, value)) = node
                .and_then(Node::as_map)
                .filter(|m| m.len() == 1)
                .and_then(|m| m.iter().next())
                .filter(|(k, _)| secrets::REFERENCE_KINDS.contains(&k.as_str()))
            {
                let expected = match kind.as_str() {
                    "env" => {
                        "an environment variable name: letters, digits and `_`, not starting with a digit, e.g. `REDIS_PASSWORD`"
                    }
                    "aws_secret" => {
                        "a Secrets Manager secret name or ARN: letters, digits and `/_+=.@:-`, e.g. `hospitality/redis/auth-token`"
                    }
                    "azure_key_vault_secret" => {
                        "a Key Vault secret ID: `https://VAULT.vault.azure.net/secrets/NAME[/VERSION]`"
                    }
                    _ => {
                        "a Secret Manager secret name or ID: letters, digits and `/_.-`, e.g. `projects/P/secrets/NAME`"
                    }
                };
                return vec![
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("`{field}.{kind}` must be {expected}"),
                    )
                    .at(value.loc.clone())
                    .help(format!(
                        "name where the secret comes from, e.g. `{field}: {{ env: REDIS_PASSWORD }}`; the value itself never belongs in a spec"
                    )),
                ];
            }
            vec![
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!(
                        "`{field}` must be a secret reference with one key: {}",
                        secrets::REFERENCE_KINDS.join(", ")
                    ),
                )
                .at(here)
                .help("e.g. `{ env: REDIS_PASSWORD }`; the value itself never belongs in a spec"),
            ]
        }
        ValidationErrorKind::PropertyNames { .. } => {
            // Name the offending key rather than the whole mapping.
            let bad = node.and_then(Node::as_map).and_then(|m| {
                m.iter().find(|(k, _)| {
                    !k.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                        || !k.chars().all(|c| {
                            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'
                        })
                        || k.len() > 63
                })
            });
            let (name, loc) = match bad {
                Some((k, n)) => (k.clone(), n.key_loc.clone().unwrap_or(here.clone())),
                None => (String::new(), here),
            };
            vec![
                Diagnostic::error(codes::INVALID_VALUE, format!("`{field}` has an invalid key `{name}`"))
                    .at(loc)
                    .help("keys are lowercase letters, digits, `_` and `-`, starting with a letter, at most 63 characters (the rule every cloud accepts)"),
            ]
        }
        _ => {
            let message = if secret_context {
                format!("`{field}` is not valid (value hidden)")
            } else {
                format!("`{field}`: {fallback}")
            };
            vec![
                Diagnostic::error(codes::INVALID_VALUE, message)
                    .at(here)
                    .help(desc.unwrap_or_default()),
            ]
        }
    }
}

/// Keys that people carry over from redis.conf or provider consoles (a setting's directive or
/// one of its aliases in the settings table), and where the setting lives in a spec.
fn redis_conf_name(key: &str) -> Option<String> {
    let k = key.to_ascii_lowercase().replace('-', "_");
    let row = crate::settings::all().iter().find(|s| {
        s.conf.is_some_and(|c| c.directive.replace('-', "_") == k)
            || s.aliases.contains(&k.as_str())
    })?;
    let reference = if SECRET_FIELDS.contains(&row.pointer().as_str()) {
        " (as a reference: `{ env: NAME }`)"
    } else {
        ""
    };
    Some(format!(
        "`{key}` is written `{}{reference}` in a cachegen spec",
        row.path
    ))
}

fn type_word(t: &str) -> &'static str {
    match t {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "true or false",
        "array" => "a list",
        "object" => "a mapping",
        "null" => "empty",
        _ => "another type",
    }
}

fn article(kind: &str) -> String {
    match kind {
        "integer" => "an integer".into(),
        "null" => "nothing (an empty value)".into(),
        "boolean" => "a boolean".into(),
        k => format!("a {k}"),
    }
}

/// After the schema passed: the typed spec. The schema and the types agree (a test proves it),
/// so this fails only on what the schema cannot express; it still reports a location.
pub fn to_spec(loaded: &LoadedSpec) -> Result<Spec, Diagnostic> {
    serde_json::from_value::<Spec>(loaded.root.to_json()).map_err(|e| {
        Diagnostic::error(
            codes::INVALID_VALUE,
            format!("the spec does not match the expected structure: {e}"),
        )
        .at(loaded.locate(""))
        .help("run `cachegen schema` to see the expected structure")
    })
}
