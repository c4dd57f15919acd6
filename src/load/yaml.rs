//! One YAML file into a source tree, with the limits that keep a hostile file harmless.
//! serde-saphyr parses (it reports a position for every error, refuses duplicate keys, and
//! enforces depth and alias budgets); we keep a span for every key and value.

use super::limits::{MAX_ALIASES, MAX_DEPTH, MAX_NODES};
use super::redact as secrets;
use super::tree::{Node, Value};
use crate::diagnostics::codes;
use crate::diagnostics::{Diagnostic, Location, SourceFile};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// Why a file could not be read at all (as opposed to read and found wrong).
#[derive(Debug)]
pub struct ReadFailure {
    pub message: String,
    pub help: String,
    /// The file is there but over the size limit: a problem of the spec, not of I/O.
    pub too_large: bool,
}

/// Decode a spec's bytes as UTF-8 (a leading byte-order mark is accepted and dropped) and
/// register the file. NUL bytes are refused: YAML does not allow them and they usually mean a
/// binary file. On failure the file is still registered (lossily decoded) so that the
/// diagnostic can point at the offending byte.
pub fn decode(path: &Path, display: String, bytes: Vec<u8>) -> Result<Arc<SourceFile>, Diagnostic> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(text) => {
            let nul = text.find('\0');
            let file = SourceFile::new(path.to_path_buf(), display, text);
            match nul {
                None => Ok(file),
                Some(pos) => {
                    file.set_redactions(secrets::textual_redactions(file.text()));
                    Err(Diagnostic::error(
                        codes::ENCODING,
                        "the spec contains a NUL byte, which YAML does not allow",
                    )
                    .at(Location::from_span(&file, pos..pos + 1))
                    .help("remove the NUL byte; a spec is a plain text file"))
                }
            }
        }
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            // Lossy text: valid up to the bad byte, so the offset of the problem is exact.
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let file = SourceFile::new(path.to_path_buf(), display, text);
            file.set_redactions(secrets::textual_redactions(file.text()));
            let bad_len = file.text()[good..]
                .chars()
                .next()
                .map(char::len_utf8)
                .unwrap_or(0);
            Err(Diagnostic::error(
                codes::ENCODING,
                format!("the spec is not valid UTF-8 (byte {good} starts an invalid sequence)"),
            )
            .at(Location::from_span(&file, good..good + bad_len))
            .help("save the file as UTF-8"))
        }
    }
}

/// Parse a decoded spec into a source tree. The file is registered with the spans of its
/// secret values so that no diagnostic can show them.
pub fn parse(file: &Arc<SourceFile>) -> Result<Node, Diagnostic> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_nodes: MAX_NODES,
            max_aliases: MAX_ALIASES,
            max_anchors: MAX_ALIASES,
        },
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        with_snippet: false,
    };
    let raw = match serde_saphyr::from_str_with_options::<Spanned<Raw>>(file.text(), options) {
        Ok(r) => r,
        Err(e) => {
            file.set_redactions(secrets::textual_redactions(file.text()));
            return Err(syntax_diagnostic(file, &e));
        }
    };
    let mut redactions = secrets::comment_redactions(file.text());
    let root = convert(file, raw, None, "", false, &mut redactions);
    file.set_redactions(redactions);
    Ok(root)
}

fn syntax_diagnostic(file: &Arc<SourceFile>, e: &serde_saphyr::Error) -> Diagnostic {
    // Unwrap the snippet and alias wrappers to the error that happened.
    let mut inner = e;
    while let serde_saphyr::Error::AliasError { error, .. }
    | serde_saphyr::Error::WithSnippet { error, .. } = inner
    {
        inner = error;
    }
    let mut text = inner.to_string();
    // The position is shown by the diagnostic itself.
    if let Some(i) = text.rfind(" at line ") {
        text.truncate(i);
    }
    let (code, help) = match inner {
        serde_saphyr::Error::DuplicateMappingKey { .. } => (
            codes::DUPLICATE_KEY,
            "a key may appear once per mapping; remove one of them (a later one would silently win elsewhere)",
        ),
        serde_saphyr::Error::Budget { .. }
        | serde_saphyr::Error::AliasExpansionLimitExceeded { .. }
        | serde_saphyr::Error::AliasReplayLimitExceeded { .. }
        | serde_saphyr::Error::AliasReplayStackDepthExceeded { .. }
        | serde_saphyr::Error::AliasReplayCounterOverflow { .. } => (
            codes::SAFETY_LIMIT,
            "a spec is small and shallow; remove the deep nesting or the repeated aliases",
        ),
        // The parser's own nesting limit, reached before the depth budget by deep flow
        // collections (`[[[[...`): the same safety limit, not a syntax error.
        serde_saphyr::Error::MultipleDocuments { .. } => (
            codes::YAML_SYNTAX,
            "a spec is one YAML document: remove the second `---` and what follows it, or move that to a file of its own",
        ),
        _ if text.contains("recursion limit exceeded") => (
            codes::SAFETY_LIMIT,
            "a spec is small and shallow; remove the deep nesting or the repeated aliases",
        ),
        _ => (codes::YAML_SYNTAX, "fix the YAML syntax at this position"),
    };
    let message = match code {
        codes::DUPLICATE_KEY => format!(
            "duplicate key: {}",
            text.trim_start_matches("duplicate mapping key: ")
                .split(", set ")
                .next()
                .unwrap_or(&text)
        ),
        codes::SAFETY_LIMIT => format!("the spec exceeds a safety limit: {}", limit_words(&text)),
        _ if matches!(inner, serde_saphyr::Error::MultipleDocuments { .. }) => {
            "the file holds more than one YAML document".to_string()
        }
        _ => format!("YAML syntax error: {text}"),
    };
    let mut loc = match e.location() {
        Some(l) if l.line() > 0 => {
            let line = l.line() as u32;
            let column = l.column() as u32;
            let start = l
                .span()
                .byte_offset()
                .map(|o| o as usize)
                .unwrap_or_else(|| offset_of(file.text(), line, column));
            let len = l.span().byte_len().unwrap_or(0) as usize;
            Location {
                file: file.clone(),
                line,
                column,
                span: start..start + len.min(200),
            }
        }
        _ => Location::file_start(file),
    };
    // An error inside a secret value: the parser's message may quote it.
    let message = if file.is_redacted(loc.span.start) {
        loc.span = loc.span.start..loc.span.start;
        format!(
            "{} (details hidden: the error is in a secret value)",
            match code {
                codes::DUPLICATE_KEY => "duplicate key",
                codes::SAFETY_LIMIT => "the spec exceeds a safety limit",
                _ => "YAML syntax error",
            }
        )
    } else {
        message
    };
    Diagnostic::error(code, message).at(loc).help(help)
}

/// serde-saphyr names the budget it enforced (`Nodes { nodes: 50001 }`); say it in words.
fn limit_words(text: &str) -> String {
    if text.contains("Depth") || text.contains("recursion limit") {
        format!("nesting deeper than {MAX_DEPTH} levels")
    } else if text.contains("Nodes") {
        format!("more than {MAX_NODES} values once aliases are expanded (an alias bomb?)")
    } else if text.contains("Alias") || text.contains("Anchor") {
        format!("more than {MAX_ALIASES} aliases or anchors")
    } else {
        text.trim_start_matches("budget breached: ").to_string()
    }
}

fn offset_of(text: &str, line: u32, column: u32) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            return offset
                + l.char_indices()
                    .nth(column.saturating_sub(1) as usize)
                    .map(|(b, _)| b)
                    .unwrap_or(l.len());
        }
        offset += l.len();
    }
    text.len()
}

fn location(file: &Arc<SourceFile>, l: &serde_saphyr::Location) -> Location {
    let start = l
        .span()
        .byte_offset()
        .map(|o| o as usize)
        .unwrap_or_else(|| offset_of(file.text(), l.line() as u32, l.column() as u32));
    let len = l.span().byte_len().unwrap_or(0) as usize;
    Location {
        file: file.clone(),
        line: l.line() as u32,
        column: l.column() as u32,
        span: start..(start + len).min(file.text().len()),
    }
}

/// Raw parse tree, as serde-saphyr hands it over.
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

fn key_text(k: &Raw) -> String {
    match k {
        Raw::Null => "null".into(),
        Raw::Bool(b) => b.to_string(),
        Raw::Int(i) => i.to_string(),
        Raw::UInt(u) => u.to_string(),
        Raw::Float(f) => f.to_string(),
        Raw::Str(s) => s.clone(),
        // A mapping or list as a key: keep a readable stand-in so that the schema rejects it.
        Raw::Seq(_) | Raw::Map(_) => "<complex key>".into(),
    }
}

fn convert(
    file: &Arc<SourceFile>,
    raw: Spanned<Raw>,
    key_loc: Option<Location>,
    pointer: &str,
    secret_context: bool,
    redactions: &mut Vec<Range<usize>>,
) -> Node {
    let loc = location(file, &raw.referenced);
    let is_scalar = !matches!(raw.value, Raw::Seq(_) | Raw::Map(_) | Raw::Null);
    let url_secret = match &raw.value {
        Raw::Str(s) => secrets::url_password(s).is_some(),
        _ => false,
    };
    let secret =
        is_scalar && (secret_context || url_secret || secrets::is_secret_scalar_position(pointer));
    if secret {
        redactions.push(loc.span.clone());
        // Reached through an alias: the value is written where its anchor is defined.
        let defined = location(file, &raw.defined);
        if defined.span != loc.span {
            redactions.push(defined.span);
        }
    } else if secret_context {
        // A mapping or list under a secret key, through an alias: its anchor's text is the
        // secret's too (its scalars are marked one by one below, where they are defined).
        let defined = location(file, &raw.defined);
        if defined.span != loc.span && !defined.span.is_empty() {
            redactions.push(defined.span);
        }
    }
    let value = match raw.value {
        Raw::Null => Value::Null,
        Raw::Bool(b) => Value::Bool(b),
        Raw::Int(i) => Value::Int(i),
        Raw::UInt(u) => Value::UInt(u),
        Raw::Float(f) => Value::Float(f),
        Raw::Str(s) => Value::Str(s),
        Raw::Seq(items) => Value::Seq(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    convert(
                        file,
                        item,
                        None,
                        &format!("{pointer}/{i}"),
                        secret_context,
                        redactions,
                    )
                })
                .collect(),
        ),
        Raw::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let name = key_text(&k.value);
                    let child = format!("{pointer}/{}", name.replace('~', "~0").replace('/', "~1"));
                    // The name in a reference stays visible, unless it cannot be a name
                    // (`env: "hunter2 !"`): then it is likely the secret, pasted in.
                    let child_secret = secrets::is_secret_value(&child, &name, secret_context)
                        || (secret_context
                            && !matches!(&v.value, Raw::Str(s) if secrets::is_plausible_reference(&name, s)));
                    let kl = location(file, &k.referenced);
                    (
                        name,
                        convert(file, v, Some(kl), &child, child_secret, redactions),
                    )
                })
                .collect(),
        ),
    };
    Node {
        value,
        loc,
        key_loc,
        secret,
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a YAML value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Raw, D2::Error> {
                Raw::deserialize(d)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
                Ok(Raw::UInt(v))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Raw, E> {
                Ok(Raw::Float(v as f64))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
                Ok(Raw::Float(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw::Float(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::Str(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
                Ok(Raw::Str(v))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Raw, E> {
                Ok(Raw::Str(String::from_utf8_lossy(v).into_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Raw::Seq(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut v = Vec::new();
                while let Some(k) = a.next_key::<Spanned<Raw>>()? {
                    let val = a.next_value()?;
                    v.push((k, val));
                }
                Ok(Raw::Map(v))
            }
        }
        d.deserialize_any(V)
    }
}
