//! The template engine: minijinja with the built-in templates embedded in the binary, an
//! optional override folder, and filters that format values for each target language.
//! Nothing reaches a file unformatted: the formatter refuses booleans, none, lists and maps,
//! so a Jinja `True` or `None` can never be written into HCL, YAML or redis.conf.

use crate::project_fs::Root;
use minijinja::value::{Value, ValueKind};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};
use std::path::Path;

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

/// Every built-in template, by its name under `templates/`.
pub const BUILTIN: &[(&str, &str)] = builtin![
    "redis_conf/redis.conf.j2",
    "redis_conf/start-redis.sh.j2",
    "redis_conf/create-cluster.sh.j2",
    "compose/docker-compose.yml.j2",
    "dotenv/env.j2",
    "terraform/versions.tf.j2",
    "aws/variables.tf.j2",
    "aws/main.tf.j2",
    "aws/outputs.tf.j2",
    "azure/variables.tf.j2",
    "azure/main.tf.j2",
    "azure/outputs.tf.j2",
    "gcp/variables.tf.j2",
    "gcp/main.tf.j2",
    "gcp/outputs.tf.j2",
];

/// Compiled templates, shared by every spec of a run (and across threads).
pub struct Engine {
    env: Environment<'static>,
}

impl Engine {
    /// Compile the built-in templates, replaced by same-named files under `overrides`. An
    /// override is read through `project_fs`: a regular file under the folder, reached through
    /// no link; anything else at a template's name (a link, a FIFO, a folder) is an error, never
    /// followed, and never silently skipped.
    pub fn new(overrides: Option<&Root>) -> Result<Engine, String> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        env.set_formatter(|out, _state, value| {
            match value.kind() {
                ValueKind::String | ValueKind::Number => {
                    write!(out, "{value}").map_err(Error::from)
                }
                kind => Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!("a {kind} value cannot be written as is; format it with a filter (yesno, tf, yaml, conf, env, bool)"),
                )),
            }
        });
        env.add_filter("yesno", yesno);
        env.add_filter("bool", bool_word);
        env.add_filter("tf", tf);
        env.add_filter("yaml", yaml);
        env.add_filter("conf", conf);
        env.add_filter("env", env_value);
        env.add_function("fail", fail);
        for (name, source) in BUILTIN {
            let text = match overrides {
                Some(dir) => match override_text(dir, name)? {
                    Some(text) => text,
                    None => (*source).to_string(),
                },
                None => (*source).to_string(),
            };
            env.add_template_owned(*name, text)
                .map_err(|e| format!("template `{name}` does not compile: {e:#}"))?;
        }
        Ok(Engine { env })
    }

    pub fn render(&self, name: &str, ctx: &Value) -> Result<String, String> {
        let t = self.env.get_template(name).map_err(|e| format!("{e:#}"))?;
        t.render(ctx)
            .map_err(|e| format!("template `{name}`: {e:#}"))
    }
}

/// Largest template override read, in bytes.
const MAX_TEMPLATE_BYTES: u64 = 1 << 20;

/// The override of template `name` under `dir`, when there is one.
fn override_text(dir: &Root, name: &str) -> Result<Option<String>, String> {
    let rel = Path::new(name);
    match dir.metadata(rel) {
        Ok(None) => return Ok(None),
        Ok(Some(_)) => {}
        Err(e) => return Err(format!("template override: {e}")),
    }
    let bytes = dir
        .read(rel, MAX_TEMPLATE_BYTES)
        .map_err(|e| format!("template override: {e}"))?;
    String::from_utf8(bytes).map(Some).map_err(|_| {
        format!(
            "template override `{}` is not UTF-8 text",
            crate::project_fs::display_path(&dir.full(rel))
        )
    })
}

fn want_bool(v: &Value, filter: &str) -> Result<bool, Error> {
    match v.kind() {
        ValueKind::Bool => Ok(v.is_true()),
        k => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`{filter}` takes a boolean, got {k}"),
        )),
    }
}

/// redis.conf booleans.
fn yesno(v: Value) -> Result<String, Error> {
    Ok(if want_bool(&v, "yesno")? { "yes" } else { "no" }.into())
}

/// `true` / `false` (dotenv, YAML).
fn bool_word(v: Value) -> Result<String, Error> {
    Ok(if want_bool(&v, "bool")? {
        "true"
    } else {
        "false"
    }
    .into())
}

fn none_error(filter: &str) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!("`{filter}`: a none or undefined value has no spelling here"),
    )
}

/// An HCL (Terraform) literal: quoted, escaped string (with `${` and `%{` escaped so that no
/// value can become an interpolation), number, bool, list or object.
pub fn tf(v: Value) -> Result<String, Error> {
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => Err(none_error("tf")),
        ValueKind::Bool => Ok(if v.is_true() { "true" } else { "false" }.into()),
        ValueKind::Number => Ok(v.to_string()),
        ValueKind::String => Ok(hcl_string(v.as_str().unwrap_or_default())),
        ValueKind::Seq | ValueKind::Iterable => {
            let items: Result<Vec<String>, Error> = v.try_iter()?.map(tf).collect();
            Ok(format!("[{}]", items?.join(", ")))
        }
        ValueKind::Map => {
            let mut parts = Vec::new();
            for key in v.try_iter()? {
                let val = v.get_item(&key)?;
                parts.push(format!("{} = {}", hcl_string(&key.to_string()), tf(val)?));
            }
            if parts.is_empty() {
                Ok("{}".into())
            } else {
                Ok(format!("{{ {} }}", parts.join(", ")))
            }
        }
        k => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`tf` cannot write a {k}"),
        )),
    }
}

pub fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if crate::diagnostics::text::is_unsafe(c) => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{:04x}", u));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A YAML scalar: strings double-quoted (JSON escaping is valid YAML), numbers and booleans bare.
fn yaml(v: Value) -> Result<String, Error> {
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => Err(none_error("yaml")),
        ValueKind::Bool => Ok(if v.is_true() { "true" } else { "false" }.into()),
        ValueKind::Number => Ok(v.to_string()),
        ValueKind::String => {
            let json = serde_json::to_string(v.as_str().unwrap_or_default()).expect("string");
            // JSON leaves NEL, U+2028 and U+2029 raw, and YAML 1.1 folds them as line breaks.
            let mut out = String::with_capacity(json.len());
            for c in json.chars() {
                if crate::diagnostics::text::is_unsafe(c) {
                    let mut units = [0u16; 2];
                    for u in c.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{:04x}", u));
                    }
                } else {
                    out.push(c);
                }
            }
            Ok(out)
        }
        k => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`yaml` cannot write a {k}"),
        )),
    }
}

/// A redis.conf argument, spelled as the settings table spells directive values (bare when a
/// plain token, else double-quoted with escapes).
fn conf(v: Value) -> Result<String, Error> {
    match v.kind() {
        ValueKind::String => Ok(crate::settings::conf_quote(v.as_str().unwrap_or_default())),
        ValueKind::Number => Ok(v.to_string()),
        k => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`conf` cannot write a {k}"),
        )),
    }
}

/// A `.env` value that dotenv parsers and POSIX `sh` read the same way: bare when plain,
/// else single-quoted. Single quotes and newlines have no common spelling and are refused.
fn env_value(v: Value) -> Result<String, Error> {
    let s = match v.kind() {
        ValueKind::String => v.as_str().unwrap_or_default().to_string(),
        ValueKind::Number => return Ok(v.to_string()),
        ValueKind::Bool => return Ok(if v.is_true() { "true" } else { "false" }.into()),
        k => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("`env` cannot write a {k}"),
            ));
        }
    };
    if s.contains('\'') || s.chars().any(crate::diagnostics::text::is_unsafe) {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "`env`: a value with a quote, a line break or a control character cannot be written portably",
        ));
    }
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@,+".contains(c))
    {
        Ok(s)
    } else {
        Ok(format!("'{s}'"))
    }
}

/// `{{ fail("...") }}`: a template states an impossible combination loudly.
fn fail(message: String) -> Result<Value, Error> {
    Err(Error::new(ErrorKind::InvalidOperation, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hcl_strings_cannot_interpolate() {
        assert_eq!(hcl_string("a\"b"), "\"a\\\"b\"");
        assert_eq!(hcl_string("${var.x}"), "\"$${var.x}\"");
        assert_eq!(hcl_string("%{if}"), "\"%%{if}\"");
        assert_eq!(hcl_string("$5"), "\"$5\"");
    }

    #[test]
    fn formatter_refuses_bools_and_none() {
        let mut env = Environment::new();
        env.set_formatter(|out, _s, v| match v.kind() {
            ValueKind::String | ValueKind::Number => write!(out, "{v}").map_err(Error::from),
            _ => Err(Error::new(ErrorKind::InvalidOperation, "no")),
        });
        assert!(env.render_str("{{ true }}", ()).is_err());
        assert!(env.render_str("{{ none }}", ()).is_err());
        assert_eq!(env.render_str("{{ 3 }}", ()).unwrap(), "3");
    }

    #[test]
    fn filters_format_for_their_language() {
        assert_eq!(conf(Value::from("Ex")).unwrap(), "Ex");
        assert_eq!(conf(Value::from("")).unwrap(), "\"\"");
        assert_eq!(
            conf(Value::from("TLSv1.2 TLSv1.3")).unwrap(),
            "\"TLSv1.2 TLSv1.3\""
        );
        assert_eq!(env_value(Value::from("a b")).unwrap(), "'a b'");
        assert!(env_value(Value::from("it's")).is_err());
        assert_eq!(yaml(Value::from("7.2")).unwrap(), "\"7.2\"");
        assert!(yesno(Value::from(1)).is_err());
        assert_eq!(
            tf(Value::from_serialize(vec!["a", "b"])).unwrap(),
            "[\"a\", \"b\"]"
        );
    }
}
