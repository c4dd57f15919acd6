//! Generated Terraform, read as Terraform reads it: every `resource` of a folder with its
//! arguments evaluated (locals, functions, templates, `count`, `for_each`, dynamic blocks),
//! so that a rename that changes one line of `locals` shows in every resource that uses it.
//!
//! What only `apply` knows (a resource's id or ARN, a variable, a secret read from a data
//! source) stays a symbol: two renderings agree on it when they reference the same thing in
//! the same way, and a reference to a resource that the change replaces gets a new symbol, so
//! that what depends on it changes too (a security group rule follows its replaced group).

use ::hcl::expr::{
    BinaryOperator, Expression, ForExpr, ObjectKey, TemplateExpr, TraversalOperator, UnaryOperator,
};
use ::hcl::template::{Directive, Element, Template};
use ::hcl::{Block, Body};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// Start and end of a symbol for a value known only after apply, inside a JSON string.
const OPEN: char = '\u{1}';
const CLOSE: char = '\u{2}';

/// A value known only after apply, named by how it is reached.
pub fn unknown(symbol: &str) -> Value {
    Value::String(format!("{OPEN}{symbol}{CLOSE}"))
}

/// Whether a value holds anything known only after apply.
pub fn has_unknown(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains(OPEN),
        Value::Array(a) => a.iter().any(has_unknown),
        Value::Object(o) => o.values().any(has_unknown),
        _ => false,
    }
}

/// A value as a reviewer reads it: JSON, with what only apply knows said so.
pub fn show(v: &Value) -> String {
    match readable(v) {
        Value::String(s) => serde_json::to_string(&s).unwrap_or(s),
        other => other.to_string(),
    }
}

/// The value with each symbol replaced by "(known after apply)".
pub fn readable(v: &Value) -> Value {
    match v {
        Value::String(s) if s.contains(OPEN) => {
            let mut out = String::new();
            let mut depth = 0usize;
            for c in s.chars() {
                match c {
                    OPEN => {
                        if depth == 0 {
                            out.push_str("(known after apply)");
                        }
                        depth += 1;
                    }
                    CLOSE => depth = depth.saturating_sub(1),
                    c if depth == 0 => out.push(c),
                    _ => {}
                }
            }
            Value::String(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(readable).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, x)| (k.clone(), readable(x))).collect())
        }
        other => other.clone(),
    }
}

/// One resource instance of a folder, its arguments evaluated.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    /// `aws_elasticache_replication_group.redis`, `aws_x.y["key"]`, `aws_x.y[0]`.
    pub address: String,
    pub rtype: String,
    /// Top-level arguments; a nested block is an argument holding a list of objects.
    pub args: BTreeMap<String, Value>,
    /// `lifecycle { ignore_changes }`: arguments whose changes Terraform does not plan.
    pub ignore_changes: Vec<String>,
    pub prevent_destroy: bool,
    /// The file that declares it (`main.tf`).
    pub file: String,
}

/// The blocks of a folder that matter for what a change does.
#[derive(Debug, Default)]
pub struct Module {
    locals: BTreeMap<String, Expression>,
    variables: BTreeMap<String, Option<Expression>>,
    providers: BTreeMap<String, Body>,
    resources: Vec<(String, Block)>,
    data: BTreeMap<(String, String), Block>,
    /// `terraform { required_providers ... }`, as text: a change is worth telling.
    pub requirements: BTreeMap<String, Value>,
    /// `moved { from = A, to = B }`: the resource at A in the state is B now, not destroyed
    /// and created (a template renames a resource without losing it).
    pub moved: Vec<(String, String)>,
}

/// Why a folder could not be read as Terraform.
#[derive(Debug)]
pub struct NotHcl {
    pub file: String,
    pub message: String,
}

impl Module {
    /// Read `(file name, text)` pairs, as one folder.
    pub fn parse(files: &[(String, String)]) -> Result<Module, NotHcl> {
        let mut m = Module::default();
        for (file, text) in files {
            let body = ::hcl::parse(text).map_err(|e| NotHcl {
                file: file.clone(),
                message: e.to_string(),
            })?;
            for attr in body.attributes() {
                // A top-level attribute is not Terraform; kept as a requirement so that it
                // still shows as a change.
                m.requirements
                    .insert(format!("{file}: {}", attr.key()), Value::Null);
            }
            for block in body.blocks() {
                let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
                match (block.identifier(), labels.as_slice()) {
                    ("locals", _) => {
                        for a in block.body().attributes() {
                            m.locals.insert(a.key().to_string(), a.expr().clone());
                        }
                    }
                    ("variable", [name]) => {
                        let default = block
                            .body()
                            .attributes()
                            .find(|a| a.key() == "default")
                            .map(|a| a.expr().clone());
                        m.variables.insert(name.to_string(), default);
                    }
                    ("provider", [name]) => {
                        let aliased = block.body().attributes().any(|a| a.key() == "alias");
                        if !aliased {
                            m.providers.insert(name.to_string(), block.body().clone());
                        }
                    }
                    ("resource", [_, _]) => m.resources.push((file.clone(), block.clone())),
                    ("data", [t, n]) => {
                        m.data.insert((t.to_string(), n.to_string()), block.clone());
                    }
                    ("moved", []) => {
                        let end = |k: &str| {
                            block
                                .body()
                                .attributes()
                                .find(|a| a.key() == k)
                                .map(|a| address_text(a.expr()))
                        };
                        if let (Some(from), Some(to)) = (end("from"), end("to")) {
                            m.moved.push((from, to));
                        }
                    }
                    ("terraform", _) => {
                        m.requirements
                            .insert(format!("{file}: terraform"), literal_body(block.body()));
                    }
                    _ => {}
                }
            }
        }
        Ok(m)
    }

    /// Every resource instance, evaluated. `generation` names, per resource address, how many
    /// times the change at hand replaces it: references to its computed attributes then differ
    /// from the ones the old rendering made.
    pub fn resources(&self, generation: &BTreeMap<String, u32>) -> Vec<Resource> {
        let ev = Eval {
            module: self,
            generation,
            locals: RefCell::new(BTreeMap::new()),
            resolving: RefCell::new(BTreeSet::new()),
        };
        let mut out = Vec::new();
        for (file, block) in &self.resources {
            let (rtype, name) = labels(block);
            let provider = self.provider_args(&ev, &rtype);
            for (address, scope) in ev.instances(block, &rtype, &name) {
                let mut args = ev.body_args(block.body(), &scope);
                for (k, v) in &provider {
                    args.insert(format!("provider.{k}"), v.clone());
                }
                let (ignore_changes, prevent_destroy) = lifecycle(block.body());
                out.push(Resource {
                    address,
                    rtype: rtype.clone(),
                    args,
                    ignore_changes,
                    prevent_destroy,
                    file: file.clone(),
                });
            }
        }
        out.sort_by(|a, b| a.address.cmp(&b.address));
        out
    }

    /// The provider's own arguments (its region): a resource moves with them.
    fn provider_args(&self, ev: &Eval, rtype: &str) -> BTreeMap<String, Value> {
        let prefix = rtype.split('_').next().unwrap_or("");
        let Some(body) = self.providers.get(prefix) else {
            return BTreeMap::new();
        };
        body.attributes()
            .map(|a| (a.key().to_string(), ev.expr(a.expr(), &Scope::default())))
            .collect()
    }
}

fn labels(block: &Block) -> (String, String) {
    let l: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
    (
        l.first().copied().unwrap_or("").to_string(),
        l.get(1).copied().unwrap_or("").to_string(),
    )
}

/// `lifecycle { ignore_changes = [...]; prevent_destroy = true }`.
fn lifecycle(body: &Body) -> (Vec<String>, bool) {
    let mut ignore = Vec::new();
    let mut prevent = false;
    for b in body.blocks().filter(|b| b.identifier() == "lifecycle") {
        for a in b.body().attributes() {
            match a.key() {
                "prevent_destroy" => prevent = matches!(a.expr(), Expression::Bool(true)),
                "ignore_changes" => match a.expr() {
                    Expression::Array(items) => {
                        for i in items {
                            ignore.push(traversal_text(i));
                        }
                    }
                    Expression::Variable(v) if v.as_str() == "all" => ignore.push("all".into()),
                    _ => {}
                },
                _ => {}
            }
        }
    }
    (ignore, prevent)
}

/// `description`, `default_database[0].eviction_policy` -> `default_database.eviction_policy`.
fn traversal_text(e: &Expression) -> String {
    match e {
        Expression::Variable(v) => v.as_str().to_string(),
        Expression::String(s) => s.clone(),
        Expression::Traversal(t) => {
            let mut s = traversal_text(&t.expr);
            for op in &t.operators {
                if let TraversalOperator::GetAttr(id) = op {
                    s.push('.');
                    s.push_str(id.as_str());
                }
            }
            s
        }
        other => format!("{other:?}"),
    }
}

/// A `moved` block's end as the address of an instance: `aws_x.a`, `aws_x.a[0]`,
/// `aws_x.a["key"]` (spelled as [`Module::resources`] spells instance addresses).
fn address_text(e: &Expression) -> String {
    let Expression::Traversal(t) = e else {
        return traversal_text(e);
    };
    let mut s = traversal_text(&t.expr);
    for op in &t.operators {
        match op {
            TraversalOperator::GetAttr(id) => {
                s.push('.');
                s.push_str(id.as_str());
            }
            TraversalOperator::Index(Expression::Number(n)) => s.push_str(&format!("[{n}]")),
            TraversalOperator::Index(Expression::String(k)) => s.push_str(&format!(
                "[{}]",
                serde_json::to_string(k).unwrap_or_default()
            )),
            TraversalOperator::LegacyIndex(i) => s.push_str(&format!("[{i}]")),
            _ => s.push_str("[*]"),
        }
    }
    s
}

/// Where each old address is after the new rendering's `moved` blocks (chains followed, a
/// whole resource moving with its instances). A move whose target is taken in the old state
/// is an error for Terraform; it is left alone here, and the diff shows both resources.
pub fn moved_address(
    moved: &[(String, String)],
    old: &str,
    taken: &dyn Fn(&str) -> bool,
) -> String {
    let mut at = old.to_string();
    for _ in 0..=moved.len() {
        let next = moved.iter().find_map(|(from, to)| {
            let rest = at.strip_prefix(from.as_str())?;
            (rest.is_empty() || rest.starts_with('[')).then(|| format!("{to}{rest}"))
        });
        match next {
            Some(n) if n != at && !taken(&n) => at = n,
            _ => break,
        }
    }
    at
}

/// A block that holds only literals (`terraform { required_providers ... }`), as its text.
fn literal_body(body: &Body) -> Value {
    Value::String(
        ::hcl::to_string(body)
            .unwrap_or_default()
            .trim()
            .to_string(),
    )
}

/// Names in scope besides the module's: `each`, `count`, a `for` expression's variables, a
/// dynamic block's iterator.
#[derive(Clone, Debug, Default)]
struct Scope(BTreeMap<String, Value>);

impl Scope {
    fn with(&self, name: &str, v: Value) -> Scope {
        let mut s = self.clone();
        s.0.insert(name.to_string(), v);
        s
    }
}

struct Eval<'a> {
    module: &'a Module,
    generation: &'a BTreeMap<String, u32>,
    locals: RefCell<BTreeMap<String, Value>>,
    /// Locals and resources being evaluated: a cycle gives a symbol, never a hang.
    resolving: RefCell<BTreeSet<String>>,
}

/// More instances than this from one `count` or `for_each` are not expanded.
const MAX_INSTANCES: usize = 1024;
/// Nesting deeper than this (a hostile template override) evaluates to a symbol.
const MAX_DEPTH: usize = 64;

impl Eval<'_> {
    /// The instances of a resource block: their addresses and the `each`/`count` in scope.
    fn instances(&self, block: &Block, rtype: &str, name: &str) -> Vec<(String, Scope)> {
        let base = format!("{rtype}.{name}");
        let attr = |k: &str| block.body().attributes().find(|a| a.key() == k);
        if let Some(count) = attr("count") {
            let n = self.expr(count.expr(), &Scope::default());
            return match n.as_u64() {
                Some(n) => (0..(n as usize).min(MAX_INSTANCES))
                    .map(|i| {
                        (
                            format!("{base}[{i}]"),
                            Scope::default().with("count", serde_json::json!({ "index": i })),
                        )
                    })
                    .collect(),
                None => vec![(
                    format!("{base}[*]"),
                    Scope::default().with(
                        "count",
                        serde_json::json!({ "index": unknown("count.index") }),
                    ),
                )],
            };
        }
        if let Some(each) = attr("for_each") {
            let coll = self.expr(each.expr(), &Scope::default());
            let pairs: Vec<(String, Value)> = match &coll {
                Value::Object(o) => o.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                Value::Array(a) => a
                    .iter()
                    .map(|v| (plain(v), v.clone()))
                    .collect::<BTreeMap<_, _>>()
                    .into_iter()
                    .collect(),
                _ => {
                    return vec![(
                        format!("{base}[*]"),
                        Scope::default().with(
                            "each",
                            serde_json::json!({ "key": unknown("each.key"), "value": unknown("each.value") }),
                        ),
                    )];
                }
            };
            return pairs
                .into_iter()
                .take(MAX_INSTANCES)
                .map(|(k, v)| {
                    (
                        format!("{base}[{}]", serde_json::to_string(&k).unwrap_or_default()),
                        Scope::default().with("each", serde_json::json!({ "key": k, "value": v })),
                    )
                })
                .collect();
        }
        vec![(base, Scope::default())]
    }

    /// A body's arguments: attributes, and nested blocks as lists of objects. Meta-arguments
    /// (`count`, `for_each`, `provider`, `depends_on`, `lifecycle`) are not arguments.
    fn body_args(&self, body: &Body, scope: &Scope) -> BTreeMap<String, Value> {
        let mut args = BTreeMap::new();
        for a in body.attributes() {
            if matches!(a.key(), "count" | "for_each" | "provider" | "depends_on") {
                continue;
            }
            args.insert(a.key().to_string(), self.expr(a.expr(), scope));
        }
        let mut blocks: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for b in body.blocks() {
            match b.identifier() {
                "lifecycle" | "provisioner" | "connection" => {}
                "dynamic" => {
                    let Some(label) = b.labels().first() else {
                        continue;
                    };
                    let name = label.as_str().to_string();
                    let entry = blocks.entry(name.clone()).or_default();
                    entry.extend(self.dynamic(b, &name, scope));
                }
                id => {
                    let obj = Value::Object(
                        self.body_args(b.body(), scope)
                            .into_iter()
                            .collect::<Map<_, _>>(),
                    );
                    blocks.entry(id.to_string()).or_default().push(obj);
                }
            }
        }
        for (k, mut v) in blocks {
            // Nested blocks of these providers are sets or single blocks: their order is not
            // a change.
            v.sort_by_key(|x| x.to_string());
            args.insert(k, Value::Array(v));
        }
        args
    }

    /// `dynamic "name" { for_each = ...; iterator = it; content { ... } }`.
    fn dynamic(&self, b: &Block, name: &str, scope: &Scope) -> Vec<Value> {
        let attr = |k: &str| b.body().attributes().find(|a| a.key() == k);
        let iterator = attr("iterator")
            .map(|a| traversal_text(a.expr()))
            .unwrap_or_else(|| name.to_string());
        let Some(content) = b.body().blocks().find(|c| c.identifier() == "content") else {
            return Vec::new();
        };
        let coll = attr("for_each")
            .map(|a| self.expr(a.expr(), scope))
            .unwrap_or(Value::Null);
        let items: Vec<(Value, Value)> = match coll {
            Value::Object(o) => o.into_iter().map(|(k, v)| (Value::String(k), v)).collect(),
            Value::Array(a) => a
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::from(i), v))
                .collect(),
            other => vec![(unknown("dynamic.key"), unknown(&format!("{other}")))],
        };
        items
            .into_iter()
            .take(MAX_INSTANCES)
            .map(|(k, v)| {
                let s = scope.with(&iterator, serde_json::json!({ "key": k, "value": v }));
                Value::Object(
                    self.body_args(content.body(), &s)
                        .into_iter()
                        .collect::<Map<_, _>>(),
                )
            })
            .collect()
    }

    fn expr(&self, e: &Expression, scope: &Scope) -> Value {
        self.expr_at(e, scope, 0)
    }

    fn expr_at(&self, e: &Expression, scope: &Scope, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return unknown("(too deep)");
        }
        let d = depth + 1;
        match e {
            Expression::Null => Value::Null,
            Expression::Bool(b) => Value::Bool(*b),
            Expression::Number(n) => number(n),
            Expression::String(s) => Value::String(s.clone()),
            Expression::Array(items) => {
                Value::Array(items.iter().map(|i| self.expr_at(i, scope, d)).collect())
            }
            Expression::Object(o) => {
                let mut map = Map::new();
                for (k, v) in o {
                    let key = match k {
                        ObjectKey::Identifier(id) => id.as_str().to_string(),
                        ObjectKey::Expression(e) => plain(&self.expr_at(e, scope, d)),
                        _ => continue,
                    };
                    map.insert(key, self.expr_at(v, scope, d));
                }
                Value::Object(map)
            }
            Expression::TemplateExpr(t) => self.template(t, scope, d),
            Expression::Variable(v) => self.variable(v.as_str(), &[], scope, d),
            Expression::Traversal(t) => match &t.expr {
                Expression::Variable(v) => self.variable(v.as_str(), &t.operators, scope, d),
                other => {
                    let root = self.expr_at(other, scope, d);
                    self.apply_ops(root, &t.operators, scope, d)
                }
            },
            Expression::FuncCall(f) => {
                let mut args: Vec<Value> =
                    f.args.iter().map(|a| self.expr_at(a, scope, d)).collect();
                if f.expand_final
                    && let Some(Value::Array(last)) = args.pop()
                {
                    args.extend(last);
                }
                call(f.name.name.as_str(), args)
            }
            Expression::Parenthesis(inner) => self.expr_at(inner, scope, d),
            Expression::Conditional(c) => match self.expr_at(&c.cond_expr, scope, d) {
                Value::Bool(true) => self.expr_at(&c.true_expr, scope, d),
                Value::Bool(false) => self.expr_at(&c.false_expr, scope, d),
                other => unknown(&format!(
                    "{} ? {} : {}",
                    other,
                    self.expr_at(&c.true_expr, scope, d),
                    self.expr_at(&c.false_expr, scope, d)
                )),
            },
            Expression::Operation(op) => self.operation(op, scope, d),
            Expression::ForExpr(f) => self.for_expr(f, scope, d),
            other => unknown(&format!("{other:?}")),
        }
    }

    fn template(&self, t: &TemplateExpr, scope: &Scope, depth: usize) -> Value {
        match Template::from_expr(t) {
            Ok(tpl) => match self.elements(tpl.elements(), scope, depth) {
                Some(s) => Value::String(s),
                None => unknown(&format!("template {t}")),
            },
            Err(_) => Value::String(t.to_string()),
        }
    }

    fn elements(&self, elements: &[Element], scope: &Scope, depth: usize) -> Option<String> {
        let mut out = String::new();
        for el in elements {
            match el {
                Element::Literal(s) => out.push_str(s),
                Element::Interpolation(i) => {
                    out.push_str(&plain(&self.expr_at(&i.expr, scope, depth)))
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(i) => match self.expr_at(&i.cond_expr, scope, depth) {
                        Value::Bool(true) => out.push_str(&self.elements(
                            i.true_template.elements(),
                            scope,
                            depth,
                        )?),
                        Value::Bool(false) => {
                            if let Some(f) = &i.false_template {
                                out.push_str(&self.elements(f.elements(), scope, depth)?)
                            }
                        }
                        _ => return None,
                    },
                    Directive::For(f) => {
                        let coll = self.expr_at(&f.collection_expr, scope, depth);
                        for (k, v) in iterate(&coll)? {
                            let mut s = scope.with(f.value_var.as_str(), v);
                            if let Some(kv) = &f.key_var {
                                s = s.with(kv.as_str(), k);
                            }
                            out.push_str(&self.elements(f.template.elements(), &s, depth)?);
                        }
                    }
                },
            }
        }
        Some(out)
    }

    fn for_expr(&self, f: &ForExpr, scope: &Scope, depth: usize) -> Value {
        let coll = self.expr_at(&f.collection_expr, scope, depth);
        let Some(items) = iterate(&coll) else {
            return unknown(&format!("for {}", coll));
        };
        let mut list = Vec::new();
        let mut map = Map::new();
        for (k, v) in items {
            let mut s = scope.with(f.value_var.as_str(), v);
            if let Some(kv) = &f.key_var {
                s = s.with(kv.as_str(), k);
            }
            if let Some(c) = &f.cond_expr {
                match self.expr_at(c, &s, depth) {
                    Value::Bool(true) => {}
                    Value::Bool(false) => continue,
                    other => return unknown(&format!("for if {other}")),
                }
            }
            let value = self.expr_at(&f.value_expr, &s, depth);
            match &f.key_expr {
                Some(ke) => {
                    let key = plain(&self.expr_at(ke, &s, depth));
                    if f.grouping {
                        let e = map.entry(key).or_insert_with(|| Value::Array(Vec::new()));
                        if let Value::Array(a) = e {
                            a.push(value);
                        }
                    } else {
                        map.insert(key, value);
                    }
                }
                None => list.push(value),
            }
        }
        if f.key_expr.is_some() {
            Value::Object(map)
        } else {
            Value::Array(list)
        }
    }

    fn operation(&self, op: &::hcl::expr::Operation, scope: &Scope, depth: usize) -> Value {
        match op {
            ::hcl::expr::Operation::Unary(u) => {
                let v = self.expr_at(&u.expr, scope, depth);
                match (u.operator, &v) {
                    (UnaryOperator::Not, Value::Bool(b)) => Value::Bool(!b),
                    (UnaryOperator::Neg, Value::Number(n)) => n
                        .as_i64()
                        .map(|i| Value::from(-i))
                        .or_else(|| n.as_f64().map(|f| Value::from(-f)))
                        .unwrap_or(Value::Null),
                    _ => unknown(&format!("{}{}", u.operator.as_str(), v)),
                }
            }
            ::hcl::expr::Operation::Binary(b) => {
                let l = self.expr_at(&b.lhs_expr, scope, depth);
                let r = self.expr_at(&b.rhs_expr, scope, depth);
                if has_unknown(&l) || has_unknown(&r) {
                    return unknown(&format!("{l} {} {r}", b.operator.as_str()));
                }
                binary(b.operator, &l, &r)
                    .unwrap_or_else(|| unknown(&format!("{l} {} {r}", b.operator.as_str())))
            }
        }
    }

    /// A name and what follows it: `local.x`, `var.x`, `each.value`, `data.t.n.attr`,
    /// `aws_x.y.attr`.
    fn variable(
        &self,
        name: &str,
        ops: &[TraversalOperator],
        scope: &Scope,
        depth: usize,
    ) -> Value {
        if let Some(v) = scope.0.get(name) {
            return self.apply_ops(v.clone(), ops, scope, depth);
        }
        let attr = |i: usize| -> Option<String> {
            match ops.get(i) {
                Some(TraversalOperator::GetAttr(id)) => Some(id.as_str().to_string()),
                _ => None,
            }
        };
        match name {
            "local" => {
                let Some(key) = attr(0) else {
                    return unknown("local");
                };
                let v = self.local(&key, depth);
                self.apply_ops(v, &ops[1..], scope, depth)
            }
            "var" => {
                let Some(key) = attr(0) else {
                    return unknown("var");
                };
                let default = self
                    .module
                    .variables
                    .get(&key)
                    .and_then(|d| d.as_ref())
                    .map(|e| self.expr_at(e, &Scope::default(), depth))
                    .map(|v| format!("={v}"))
                    .unwrap_or_default();
                self.apply_ops(
                    unknown(&format!("var.{key}{default}")),
                    &ops[1..],
                    scope,
                    depth,
                )
            }
            "data" => {
                let (Some(t), Some(n)) = (attr(0), attr(1)) else {
                    return unknown("data");
                };
                // A data source is read at plan time: what it returns changes when what it is
                // asked changes.
                let asked = self
                    .module
                    .data
                    .get(&(t.clone(), n.clone()))
                    .map(|b| {
                        serde_json::to_string(&self.body_args(b.body(), &Scope::default()))
                            .unwrap_or_default()
                    })
                    .unwrap_or_default();
                let root = unknown(&format!("data.{t}.{n}{asked}"));
                self.apply_ops(root, &ops[2..], scope, depth)
            }
            "path" | "terraform" | "self" | "count" | "each" => {
                self.apply_ops(unknown(name), ops, scope, depth)
            }
            rtype => self.resource_ref(rtype, ops, scope, depth),
        }
    }

    fn local(&self, key: &str, depth: usize) -> Value {
        if let Some(v) = self.locals.borrow().get(key) {
            return v.clone();
        }
        let guard = format!("local.{key}");
        if !self.resolving.borrow_mut().insert(guard.clone()) {
            return unknown(&format!("cycle {guard}"));
        }
        let v = match self.module.locals.get(key) {
            Some(e) => self.expr_at(e, &Scope::default(), depth),
            None => unknown(&guard),
        };
        self.resolving.borrow_mut().remove(&guard);
        self.locals.borrow_mut().insert(key.to_string(), v.clone());
        v
    }

    /// `aws_x.y.attr`, `aws_x.y[0].attr`, `aws_x.y["k"].attr`: a configured argument is what
    /// the configuration says (Terraform knows it at plan time); anything else is known after
    /// apply, and new when the resource is replaced.
    fn resource_ref(
        &self,
        rtype: &str,
        ops: &[TraversalOperator],
        scope: &Scope,
        depth: usize,
    ) -> Value {
        let Some(TraversalOperator::GetAttr(name)) = ops.first() else {
            return unknown(rtype);
        };
        let name = name.as_str();
        let Some((_, block)) = self.module.resources.iter().find(|(_, b)| {
            let (t, n) = labels(b);
            t == rtype && n == name
        }) else {
            return self.apply_ops(unknown(&format!("{rtype}.{name}")), &ops[1..], scope, depth);
        };
        let repeated = block
            .body()
            .attributes()
            .any(|a| matches!(a.key(), "count" | "for_each"));
        let mut rest = &ops[1..];
        let instance = if repeated {
            let key = match rest.first() {
                Some(TraversalOperator::Index(e)) => Some(self.expr_at(e, scope, depth)),
                Some(TraversalOperator::LegacyIndex(i)) => Some(Value::from(*i)),
                _ => None,
            };
            match key {
                Some(k) => {
                    rest = &rest[1..];
                    let shown = match &k {
                        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
                        other => other.to_string(),
                    };
                    format!("{rtype}.{name}[{shown}]")
                }
                None => {
                    return self.apply_ops(
                        unknown(&format!("{rtype}.{name}[*]")),
                        rest,
                        scope,
                        depth,
                    );
                }
            }
        } else {
            format!("{rtype}.{name}")
        };
        let Some(TraversalOperator::GetAttr(attr)) = rest.first() else {
            return unknown(&instance);
        };
        let attr = attr.as_str();
        let configured = block.body().attributes().find(|a| a.key() == attr);
        let value = match configured {
            Some(a) if !repeated => {
                let guard = format!("{instance}.{attr}");
                if self.resolving.borrow_mut().insert(guard.clone()) {
                    let v = self.expr_at(a.expr(), &Scope::default(), depth);
                    self.resolving.borrow_mut().remove(&guard);
                    v
                } else {
                    unknown(&format!("cycle {guard}"))
                }
            }
            _ => {
                let g = self.generation.get(&instance).copied().unwrap_or(0);
                unknown(&format!("{instance}.{attr}#{g}"))
            }
        };
        self.apply_ops(value, &rest[1..], scope, depth)
    }

    fn apply_ops(
        &self,
        mut v: Value,
        ops: &[TraversalOperator],
        scope: &Scope,
        depth: usize,
    ) -> Value {
        for op in ops {
            let next = match (op, &v) {
                (TraversalOperator::GetAttr(id), Value::Object(o)) => o.get(id.as_str()).cloned(),
                (TraversalOperator::Index(e), _) => {
                    let k = self.expr_at(e, scope, depth);
                    index(&v, &k)
                }
                (TraversalOperator::LegacyIndex(i), _) => index(&v, &Value::from(*i)),
                _ => None,
            };
            v = match next {
                Some(n) => n,
                None => unknown(&format!("{v}{}", op_text(op))),
            };
        }
        v
    }
}

fn op_text(op: &TraversalOperator) -> String {
    match op {
        TraversalOperator::GetAttr(id) => format!(".{}", id.as_str()),
        TraversalOperator::Index(e) => format!("[{e:?}]"),
        TraversalOperator::LegacyIndex(i) => format!(".{i}"),
        TraversalOperator::AttrSplat | TraversalOperator::FullSplat => "[*]".into(),
    }
}

fn index(v: &Value, k: &Value) -> Option<Value> {
    if has_unknown(v) || has_unknown(k) {
        return None;
    }
    match (v, k) {
        (Value::Array(a), Value::Number(n)) => a.get(n.as_u64()? as usize).cloned(),
        (Value::Object(o), Value::String(s)) => o.get(s).cloned(),
        (Value::Object(o), Value::Number(n)) => o.get(&n.to_string()).cloned(),
        _ => None,
    }
}

fn number(n: &::hcl::Number) -> Value {
    if let Some(i) = n.as_i64() {
        Value::from(i)
    } else if let Some(f) = n.as_f64() {
        if f.fract() == 0.0 && f.abs() < 9e15 {
            Value::from(f as i64)
        } else {
            Value::from(f)
        }
    } else {
        Value::Null
    }
}

/// A value as a string is interpolated: text as it is, numbers and booleans spelled.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Key and value of each element of a list or object.
fn iterate(v: &Value) -> Option<Vec<(Value, Value)>> {
    match v {
        Value::Array(a) => Some(
            a.iter()
                .enumerate()
                .map(|(i, x)| (Value::from(i), x.clone()))
                .collect(),
        ),
        Value::Object(o) => Some(
            o.iter()
                .map(|(k, x)| (Value::String(k.clone()), x.clone()))
                .collect(),
        ),
        _ => None,
    }
}

fn binary(op: BinaryOperator, l: &Value, r: &Value) -> Option<Value> {
    use BinaryOperator::*;
    let num = |v: &Value| v.as_f64();
    let n = |f: f64| {
        if f.fract() == 0.0 && f.abs() < 9e15 {
            Value::from(f as i64)
        } else {
            Value::from(f)
        }
    };
    Some(match op {
        Eq => Value::Bool(l == r),
        NotEq => Value::Bool(l != r),
        And => Value::Bool(l.as_bool()? && r.as_bool()?),
        Or => Value::Bool(l.as_bool()? || r.as_bool()?),
        Less => Value::Bool(num(l)? < num(r)?),
        LessEq => Value::Bool(num(l)? <= num(r)?),
        Greater => Value::Bool(num(l)? > num(r)?),
        GreaterEq => Value::Bool(num(l)? >= num(r)?),
        Plus => n(num(l)? + num(r)?),
        Minus => n(num(l)? - num(r)?),
        Mul => n(num(l)? * num(r)?),
        Div => n(num(l)? / num(r)?),
        Mod => n(num(l)? % num(r)?),
    })
}

/// Terraform's functions that generated files use, on known values. Any other function, or
/// one given a value known only after apply, is a symbol of its name and arguments: it changes
/// exactly when its arguments do.
fn call(name: &str, args: Vec<Value>) -> Value {
    let symbol = || {
        unknown(&format!(
            "{name}({})",
            args.iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    };
    if args.iter().any(has_unknown) {
        return symbol();
    }
    let s = |i: usize| args.get(i).and_then(Value::as_str);
    let known = match name {
        "format" => s(0).map(|f| Value::String(format_fn(f, &args[1..]))),
        "lower" => s(0).map(|x| Value::String(x.to_lowercase())),
        "upper" => s(0).map(|x| Value::String(x.to_uppercase())),
        "trimspace" => s(0).map(|x| Value::String(x.trim().to_string())),
        "replace" => match (s(0), s(1), s(2)) {
            (Some(a), Some(b), Some(c)) if !(b.starts_with('/') && b.ends_with('/')) => {
                Some(Value::String(a.replace(b, c)))
            }
            _ => None,
        },
        "split" => match (s(0), s(1)) {
            (Some(sep), Some(x)) => Some(Value::Array(
                x.split(sep).map(|p| Value::String(p.into())).collect(),
            )),
            _ => None,
        },
        "join" => match (s(0), args.get(1)) {
            (Some(sep), Some(Value::Array(a))) => Some(Value::String(
                a.iter().map(plain).collect::<Vec<_>>().join(sep),
            )),
            _ => None,
        },
        "tostring" => args.first().map(|v| Value::String(plain(v))),
        "tolist" | "tuple" => args.first().cloned(),
        "toset" => match args.first() {
            Some(Value::Array(a)) => {
                let mut v = a.clone();
                v.sort_by_key(|x| x.to_string());
                v.dedup();
                Some(Value::Array(v))
            }
            _ => None,
        },
        "tomap" => args.first().cloned(),
        "length" => match args.first() {
            Some(Value::Array(a)) => Some(Value::from(a.len())),
            Some(Value::Object(o)) => Some(Value::from(o.len())),
            Some(Value::String(x)) => Some(Value::from(x.chars().count())),
            _ => None,
        },
        "concat" => args
            .iter()
            .map(|a| a.as_array().cloned())
            .collect::<Option<Vec<_>>>()
            .map(|lists| Value::Array(lists.into_iter().flatten().collect())),
        "merge" => args
            .iter()
            .map(|a| a.as_object().cloned())
            .collect::<Option<Vec<_>>>()
            .map(|maps| Value::Object(maps.into_iter().flatten().collect())),
        "jsonencode" => args
            .first()
            .map(|v| Value::String(serde_json::to_string(v).unwrap_or_default())),
        "coalesce" => args
            .iter()
            .find(|v| !v.is_null() && v.as_str() != Some(""))
            .cloned(),
        _ => None,
    };
    known.unwrap_or_else(symbol)
}

/// Terraform's `format` for the verbs generated files use (`%s`, `%d`, `%v`, `%%`).
fn format_fn(f: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut next = args.iter();
    let mut chars = f.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some(_) => out.push_str(&next.next().map(plain).unwrap_or_default()),
            None => out.push('%'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resources(text: &str) -> Vec<Resource> {
        Module::parse(&[("main.tf".into(), text.into())])
            .unwrap()
            .resources(&BTreeMap::new())
    }

    #[test]
    fn locals_templates_and_functions_are_evaluated() {
        let r = resources(
            r#"
locals { name = "orders-kv" }
resource "aws_elasticache_parameter_group" "redis" {
  name        = "${local.name}-redis7"
  description = format("%s: settings from %s", local.name, "environments/x/cache.yaml")
  parameter {
    name  = "maxmemory-policy"
    value = "allkeys-lru"
  }
}"#,
        );
        assert_eq!(r[0].address, "aws_elasticache_parameter_group.redis");
        assert_eq!(r[0].args["name"], "orders-kv-redis7");
        assert_eq!(
            r[0].args["description"],
            "orders-kv: settings from environments/x/cache.yaml"
        );
        assert_eq!(
            r[0].args["parameter"],
            serde_json::json!([{"name": "maxmemory-policy", "value": "allkeys-lru"}])
        );
    }

    #[test]
    fn references_to_computed_attributes_follow_the_replacement_of_their_resource() {
        let text = r#"
resource "aws_security_group" "redis" { name = "a" }
resource "aws_vpc_security_group_ingress_rule" "redis_0" {
  security_group_id = aws_security_group.redis.id
  name_copy = aws_security_group.redis.name
}"#;
        let m = Module::parse(&[("main.tf".into(), text.into())]).unwrap();
        let before = m.resources(&BTreeMap::new());
        let mut g = BTreeMap::new();
        g.insert("aws_security_group.redis".to_string(), 1);
        let after = m.resources(&g);
        let rule = |r: &[Resource]| {
            r.iter()
                .find(|x| x.address.ends_with("redis_0"))
                .unwrap()
                .clone()
        };
        assert_ne!(
            rule(&before).args["security_group_id"],
            rule(&after).args["security_group_id"]
        );
        assert_eq!(
            rule(&before).args["name_copy"],
            "a",
            "a configured argument is known"
        );
        assert_eq!(
            show(&rule(&before).args["security_group_id"]),
            "\"(known after apply)\""
        );
    }

    #[test]
    fn for_each_count_and_dynamic_blocks_expand() {
        let r = resources(
            r#"
locals { cidrs = ["10.0.0.0/16", "10.1.0.0/16"] }
resource "aws_vpc_security_group_ingress_rule" "redis" {
  for_each  = toset(local.cidrs)
  cidr_ipv4 = each.value
}
resource "aws_kms_key" "k" {
  count = 1 == 1 ? 1 : 0
}
resource "aws_elasticache_parameter_group" "p" {
  dynamic "parameter" {
    for_each = { a = "1", b = "2" }
    content {
      name  = parameter.key
      value = parameter.value
    }
  }
  lifecycle {
    ignore_changes  = [description]
    prevent_destroy = true
  }
}"#,
        );
        let addrs: Vec<&str> = r.iter().map(|x| x.address.as_str()).collect();
        assert_eq!(
            addrs,
            [
                "aws_elasticache_parameter_group.p",
                "aws_kms_key.k[0]",
                "aws_vpc_security_group_ingress_rule.redis[\"10.0.0.0/16\"]",
                "aws_vpc_security_group_ingress_rule.redis[\"10.1.0.0/16\"]",
            ]
        );
        assert_eq!(r[0].args["parameter"].as_array().unwrap().len(), 2);
        assert_eq!(r[0].ignore_changes, ["description"]);
        assert!(r[0].prevent_destroy);
    }

    #[test]
    fn the_provider_region_is_an_argument_of_every_resource() {
        let r = resources(
            r#"
provider "aws" { region = "us-east-1" }
resource "aws_kms_key" "k" {}"#,
        );
        assert_eq!(r[0].args["provider.region"], "us-east-1");
    }
}
