//! The value of every setting for one spec: what the spec (or a base it extends) writes, else
//! the default of its tier. Derived settings are filled in by the plan, which computes them,
//! so that `explain`, `verify` and the renderers read one value per setting.

use super::{Conf, Setting, Spelling, Tier, table::SETTINGS};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

/// Resolved values by dotted path.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Values(BTreeMap<&'static str, serde_json::Value>);

impl Values {
    /// Every row's value from the spec (as JSON), else the row's default for `tier`.
    /// Derived settings the spec leaves out stay unset until the plan sets them.
    pub fn resolve(spec: &serde_json::Value, tier: Tier) -> Values {
        let mut map = BTreeMap::new();
        for s in SETTINGS {
            let written = spec.pointer(&s.pointer()).filter(|v| !v.is_null());
            if let Some(v) = written.cloned().or_else(|| s.default.value(tier)) {
                map.insert(s.path, v);
            }
        }
        Values(map)
    }

    pub fn get(&self, s: &Setting) -> Option<&serde_json::Value> {
        self.0.get(s.path)
    }

    /// The value as the spec's type. A missing or ill-typed value is a bug in the table or the
    /// plan (the schema has validated the spec, and a test validates every default), so it
    /// panics with the setting's name.
    pub fn typed<T: DeserializeOwned>(&self, s: &Setting) -> T {
        let v = self
            .0
            .get(s.path)
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        serde_json::from_value(v)
            .unwrap_or_else(|e| panic!("setting `{}` has no valid value: {e}", s.path))
    }

    /// Set a derived (or normalised) value.
    pub fn set(&mut self, s: &Setting, v: impl Serialize) {
        let v = serde_json::to_value(v).expect("a setting's value is JSON");
        if v.is_null() {
            self.0.remove(s.path);
        } else {
            self.0.insert(s.path, v);
        }
    }

    /// The value as redis.conf spells it, for a row with a directive: quoted where a
    /// redis.conf line needs it (`""` for empty).
    pub fn spelled(&self, s: &Setting) -> Option<String> {
        let conf = s.conf?;
        Some(spell(conf, self.0.get(s.path)?))
    }

    /// The value as a configuration API takes it (an ElastiCache parameter, a Memorystore
    /// `redis_configs` entry): the directive's words, never quoted.
    pub fn unquoted(&self, s: &Setting) -> Option<String> {
        let conf = s.conf?;
        Some(match (conf.spelling, self.0.get(s.path)?) {
            (_, serde_json::Value::String(text)) => text.clone(),
            (spelling, v) => spell(Conf { spelling, ..conf }, v),
        })
    }

    /// Every directive of the table with its value as redis.conf spells it.
    pub fn conf_map(&self) -> BTreeMap<&'static str, String> {
        SETTINGS
            .iter()
            .filter_map(|s| Some((s.conf?.directive, self.spelled(s)?)))
            .collect()
    }

    /// Every setting with a value, in table order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static Setting, &serde_json::Value)> {
        SETTINGS
            .iter()
            .filter_map(|s| Some((*s, self.0.get(s.path)?)))
    }
}

/// A value in a directive's spelling.
pub fn spell(conf: Conf, v: &serde_json::Value) -> String {
    match (conf.spelling, v) {
        (Spelling::YesNo, serde_json::Value::Bool(b)) => if *b { "yes" } else { "no" }.into(),
        (Spelling::Text, serde_json::Value::String(s)) => conf_quote(s),
        (_, serde_json::Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// A redis.conf argument: bare when it is a plain token, else double-quoted with escapes
/// (Redis's `sdssplitargs` rules). Empty strings are `""`.
pub fn conf_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@,*+".contains(c));
    if plain {
        return s.to_string();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Every byte of a character some reader takes for a line break or a terminal
            // control (NEL, U+2028, a bidirectional override), escaped.
            c if crate::diagnostics::text::is_unsafe(c) => {
                let mut bytes = [0u8; 4];
                for b in c.encode_utf8(&mut bytes).bytes() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
