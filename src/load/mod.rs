//! Loading: a spec file and the chain of bases it `extends`, merged into one source tree in
//! which every value still knows its file, line and column. Loading knows nothing of targets.

use crate::diagnostics::codes;
pub mod limits;
pub mod redact;
pub mod tree;
mod yaml;

pub use tree::{Node, Value, dotted};
pub use yaml::ReadFailure;

use crate::diagnostics::{Diagnostic, Location, SourceFile};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// A spec and its bases, merged.
#[derive(Debug)]
pub struct LoadedSpec {
    /// The spec file as given.
    pub path: PathBuf,
    /// The merged tree (`extends` taken out).
    pub root: Node,
    /// The spec file first, then each base it extends, in order.
    pub files: Vec<Arc<SourceFile>>,
}

impl LoadedSpec {
    pub fn file(&self) -> &Arc<SourceFile> {
        &self.files[0]
    }

    pub fn display_path(&self) -> &str {
        self.files[0].display_path()
    }

    /// Where a setting is written, or the nearest section that holds it. A setting whose whole
    /// section is absent comes from the tier's defaults, so it points at `tier:` (the line
    /// that chose it) rather than at the top of the file.
    pub fn locate(&self, pointer: &str) -> Location {
        let section = pointer
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("");
        if !section.is_empty()
            && !self.root.is_set(&format!("/{section}"))
            && self.root.is_set("/tier")
        {
            return self.root.locate("/tier");
        }
        self.root.locate(pointer)
    }
}

#[derive(Debug)]
pub enum LoadError {
    /// The spec named on the command line cannot be read at all (exit 2).
    Unreadable(ReadFailure),
    /// The spec, or a base it extends, is wrong (exit 1).
    Invalid(Vec<Diagnostic>),
}

/// Load a spec and its `extends` chain.
pub fn load(path: &Path) -> Result<LoadedSpec, LoadError> {
    load_within(path, None)
}

/// Load a spec and its `extends` chain, reading no file that resolves (through `..` or
/// symbolic links) outside `boundary`: the project's root, when the spec is in the project.
/// A spec comes from a pull request; `extends: ../../../proc/self/environ` or a link to
/// `~/.aws/credentials` must not put the CI machine's secrets into a diagnostic.
pub fn load_within(path: &Path, boundary: Option<&Path>) -> Result<LoadedSpec, LoadError> {
    let boundary = boundary.map(canonical);
    if let Some(b) = &boundary
        && let Some(outside) = outside(path, b)
    {
        return Err(LoadError::Unreadable(ReadFailure {
            message: format!(
                "`{}` resolves to `{}`, outside the project `{}`",
                display_path(path),
                outside.display(),
                b.display()
            ),
            help: OUTSIDE_HELP.into(),
            too_large: false,
        }));
    }
    let bytes = yaml::read_bytes(path).map_err(|f| {
        if f.too_large {
            LoadError::Invalid(vec![
                Diagnostic::error(codes::SPEC_TOO_LARGE, f.message).help(f.help),
            ])
        } else {
            LoadError::Unreadable(f)
        }
    })?;
    let file =
        yaml::decode(path, display_path(path), bytes).map_err(|d| LoadError::Invalid(vec![d]))?;
    let root = yaml::parse(&file).map_err(|d| LoadError::Invalid(vec![d]))?;
    check_root(&root, &file).map_err(|d| LoadError::Invalid(vec![d]))?;

    let mut files = vec![file];
    let mut trees = vec![root];
    let mut seen = vec![canonical(path)];
    loop {
        let current = trees.last_mut().expect("chain has the spec");
        let Some(ext) = current.remove_key("extends") else {
            break;
        };
        let including = files.last().expect("chain has the spec").clone();
        let base_path = match &ext.value {
            Value::Str(s) if !s.trim().is_empty() => {
                if let Err(why) = check_extends_path(s) {
                    return Err(LoadError::Invalid(vec![
                        Diagnostic::error(codes::EXTENDS_UNREADABLE, why)
                            .at(ext.loc.clone())
                            .help("write the path of a base spec relative to this file, e.g. `extends: ../base.yaml`"),
                    ]));
                }
                let dir = including.path().parent().unwrap_or(Path::new("."));
                dir.join(s)
            }
            _ => {
                return Err(LoadError::Invalid(vec![
                    Diagnostic::error(codes::EXTENDS_UNREADABLE, format!("`extends` must be a path to a base spec, found a {}", ext.kind_name()))
                        .at(ext.loc.clone())
                        .help("write the path of the base file, relative to this file: `extends: ../base.yaml`"),
                ]));
            }
        };
        if files.len() >= limits::MAX_EXTENDS_DEPTH {
            return Err(LoadError::Invalid(vec![
                Diagnostic::error(
                    codes::SAFETY_LIMIT,
                    format!(
                        "the `extends` chain is longer than {} files",
                        limits::MAX_EXTENDS_DEPTH
                    ),
                )
                .at(ext.loc.clone())
                .help("flatten the chain: one shared base is usually enough"),
            ]));
        }
        let canon = canonical(&base_path);
        // A link named `base.yaml` may lead anywhere: judge where it resolves to.
        let refusal = boundary
            .as_deref()
            .and_then(|b| outside(&base_path, b))
            .map(|to| (to, "outside the project"))
            .or_else(|| (!is_yaml_name(&canon)).then(|| (canon.clone(), "not a YAML file")));
        if let Some((to, why)) = refusal {
            return Err(LoadError::Invalid(vec![
                Diagnostic::error(
                    codes::EXTENDS_UNREADABLE,
                    format!(
                        "cannot load the base spec: `{}` resolves to `{}`, {why}",
                        display_path(&base_path),
                        to.display(),
                    ),
                )
                .at(ext.loc.clone())
                .help(OUTSIDE_HELP),
            ]));
        }
        if let Some(i) = seen.iter().position(|s| *s == canon) {
            let mut d = Diagnostic::error(
                codes::EXTENDS_CYCLE,
                format!("`extends` cycle: `{}` is already in the chain", display_path(&base_path)),
            )
            .at(ext.loc.clone())
            .help("remove the `extends` that points back; a base must not extend the specs built on it");
            for f in &files[i..] {
                d = d.related(
                    format!("`{}` is part of the cycle", f.display_path()),
                    Location::file_start(f),
                );
            }
            return Err(LoadError::Invalid(vec![d]));
        }
        let bytes = match yaml::read_bytes(&base_path) {
            Ok(b) => b,
            Err(f) => {
                let code = if f.too_large {
                    codes::SPEC_TOO_LARGE
                } else {
                    codes::EXTENDS_UNREADABLE
                };
                return Err(LoadError::Invalid(vec![
                    Diagnostic::error(code, format!("cannot load the base spec: {}", f.message))
                        .at(ext.loc.clone())
                        .help(f.help),
                ]));
            }
        };
        let base_file = yaml::decode(&base_path, display_path(&base_path), bytes)
            .map_err(|d| LoadError::Invalid(vec![d]))?;
        let base_root = yaml::parse(&base_file).map_err(|d| LoadError::Invalid(vec![d]))?;
        check_root(&base_root, &base_file).map_err(|d| LoadError::Invalid(vec![d]))?;
        seen.push(canon);
        files.push(base_file);
        trees.push(base_root);
    }

    // Merge from the deepest base up to the spec itself.
    let mut merged = trees.pop().expect("chain has the spec");
    while let Some(over) = trees.pop() {
        merged = tree::merge(merged, over);
    }
    Ok(LoadedSpec {
        path: path.to_path_buf(),
        root: merged,
        files,
    })
}

const OUTSIDE_HELP: &str = "cachegen reads specs and their bases only inside the project (the folder of cachegen.toml, or the working folder); a `..` or a symbolic link may not lead out of it";

/// What an `extends` value may be: a relative path to a `.yaml` or `.yml` file.
fn check_extends_path(s: &str) -> Result<(), String> {
    let p = Path::new(s);
    if p.is_absolute() || s.starts_with('~') {
        return Err(format!(
            "`extends` must be a path relative to this file, not `{s}`"
        ));
    }
    if !is_yaml_name(p) {
        return Err(format!(
            "`extends` must name a YAML file (`.yaml` or `.yml`), not `{s}`"
        ));
    }
    Ok(())
}

fn is_yaml_name(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Where `path` really is, when that is outside `boundary` (a canonical folder). A path that
/// does not resolve (missing) is judged by its normalized form; reading it then fails anyway.
fn outside(path: &Path, boundary: &Path) -> Option<PathBuf> {
    let real = match std::fs::canonicalize(path) {
        Ok(p) => p,
        Err(_) => {
            let abs = if path.is_absolute() {
                path.to_path_buf()
            } else {
                std::env::current_dir().ok()?.join(path)
            };
            normalize(&abs)
        }
    };
    (!real.starts_with(boundary)).then_some(real)
}

fn check_root(root: &Node, file: &Arc<SourceFile>) -> Result<(), Diagnostic> {
    match &root.value {
        Value::Map(m) if !m.is_empty() => Ok(()),
        Value::Map(_) | Value::Null => Err(Diagnostic::error(codes::EMPTY_SPEC, "the spec is empty")
            .at(Location::file_start(file))
            .help("start from `cachegen init`, or write at least `spec_version`, `name`, `environment` and `tier`")),
        _ => Err(
            Diagnostic::error(codes::EMPTY_SPEC, format!("the spec must be a mapping of settings, found a {}", root.kind_name()))
                .at(root.loc.clone())
                .help("a spec is a YAML mapping: `spec_version: 1`, `name: ...`, ..."),
        ),
    }
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| normalize(p))
}

/// `a/b/../c` -> `a/c`, without touching the file system.
pub(crate) fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            // `..` cancels a name before it; above the root it stays `/`; at the start of a
            // relative path it is kept (`../../x` is not `x`).
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A path as diagnostics print it: relative to the working folder when under it, normalized,
/// with `/` separators, so that output is the same on every machine.
pub fn display_path(p: &Path) -> String {
    let normalized = normalize(p);
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| normalized.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or(normalized);
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() { ".".into() } else { s }
}
