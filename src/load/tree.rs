//! The source tree: every value of a spec with the place it came from. Loading builds it,
//! `extends` merges trees (each node keeps its own file), and every later stage finds the
//! line of a setting by its JSON pointer here.

use crate::diagnostics::Location;
use serde_json::Value as Json;

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

#[derive(Clone, Debug)]
pub struct Node {
    pub value: Value,
    /// Where the value is.
    pub loc: Location,
    /// Where the key that holds this value is (none for the root and for list items).
    pub key_loc: Option<Location>,
    /// A secret, or a value under a secret-looking key: its text is never shown.
    pub secret: bool,
}

impl Node {
    pub fn as_map(&self) -> Option<&Vec<(String, Node)>> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The node a JSON pointer (`/memory/max_memory`, `/persistence/snapshots/save/0`) names.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for seg in segments(pointer) {
            node = node.child(&seg)?;
        }
        Some(node)
    }

    fn child(&self, seg: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m.iter().find(|(k, _)| k == seg).map(|(_, v)| v),
            Value::Seq(s) => seg.parse::<usize>().ok().and_then(|i| s.get(i)),
            _ => None,
        }
    }

    /// Where a diagnostic about this node should point: the value for a scalar, the key for a
    /// mapping or list (a block mapping "starts" at its first key, which reads wrong).
    pub fn report_loc(&self) -> &Location {
        match (&self.value, &self.key_loc) {
            (Value::Map(_) | Value::Seq(_), Some(k)) => k,
            _ => &self.loc,
        }
    }

    /// The best place for a pointer: the node itself if it exists, else the deepest ancestor
    /// that does (a default that was not written points at the section that would hold it).
    pub fn locate(&self, pointer: &str) -> Location {
        let mut node = self;
        for seg in segments(pointer) {
            match node.child(&seg) {
                Some(c) => node = c,
                None => break,
            }
        }
        node.report_loc().clone()
    }

    /// Whether the pointer names a value that the spec (or a base it extends) actually sets.
    pub fn is_set(&self, pointer: &str) -> bool {
        self.pointer(pointer).is_some()
    }

    /// The tree as JSON, for the JSON Schema and for typed deserialization.
    pub fn to_json(&self) -> Json {
        match &self.value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => Json::from(*i),
            Value::UInt(u) => Json::from(*u),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(Json::Number)
                .unwrap_or(Json::Null),
            Value::Str(s) => Json::String(s.clone()),
            Value::Seq(s) => Json::Array(s.iter().map(Node::to_json).collect()),
            Value::Map(m) => {
                Json::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
        }
    }

    /// Remove a key from a mapping (used to take `extends` out of a merged tree).
    pub fn remove_key(&mut self, key: &str) -> Option<Node> {
        if let Value::Map(m) = &mut self.value {
            let i = m.iter().position(|(k, _)| k == key)?;
            return Some(m.remove(i).1);
        }
        None
    }

    /// A short name for the kind of value, as a YAML user would say it.
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::UInt(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "list",
            Value::Map(_) => "mapping",
        }
    }
}

/// Split a JSON pointer into unescaped segments.
pub fn segments(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer
        .split('/')
        .skip(1)
        .filter(|s| !s.is_empty())
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
}

/// A pointer as the user reads it in messages: `memory.max_memory`, `persistence.snapshots.save[0]`.
pub fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for seg in segments(pointer) {
        if seg.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    if out.is_empty() {
        "(the spec)".into()
    } else {
        out
    }
}

/// Merge an including file's tree over its base's: mappings merge key by key, everything else
/// (scalars, lists) is replaced whole. A `null` in the including file removes the base's key.
/// A secret reference is one value, not a mapping to merge: the including file's replaces the
/// base's (merging `{ env: A }` over `{ aws_secret: B }` would name two sources).
pub fn merge(base: Node, over: Node) -> Node {
    merge_at(base, over, "")
}

fn merge_at(base: Node, over: Node, pointer: &str) -> Node {
    if super::redact::SECRET_FIELDS.contains(&pointer) {
        return over;
    }
    match (base.value, over.value) {
        (Value::Map(mut b), Value::Map(o)) => {
            for (k, v) in o {
                match b.iter().position(|(bk, _)| *bk == k) {
                    Some(i) => {
                        if matches!(v.value, Value::Null) {
                            b.remove(i);
                        } else {
                            let old = b.remove(i).1;
                            let child =
                                format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1"));
                            let merged = merge_at(old, v, &child);
                            b.insert(i, (k, merged));
                        }
                    }
                    None => b.push((k, v)),
                }
            }
            Node {
                value: Value::Map(b),
                loc: over.loc,
                key_loc: over.key_loc.or(base.key_loc),
                secret: over.secret,
            }
        }
        (_, value) => Node {
            value,
            loc: over.loc,
            key_loc: over.key_loc,
            secret: over.secret,
        },
    }
}
