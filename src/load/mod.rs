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
use crate::project_fs::{FsError, Kind, Problem, Root};
pub use crate::project_fs::{display_path, normalize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A spec and its bases, merged.
#[derive(Debug)]
pub struct LoadedSpec {
    /// The spec file (its project's root joined with its path there).
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

/// Load a spec and its `extends` chain, with the spec's own folder as its project: its bases
/// must lie in that folder or below it. (A run loads specs with [`load_in`] and the project's
/// root.)
pub fn load(path: &Path) -> Result<LoadedSpec, LoadError> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().map(PathBuf::from).unwrap_or_default();
    let root = Root::open(folder).map_err(|e| LoadError::Unreadable(unreadable(&e)))?;
    load_in(&root, &name)
}

/// Load the spec at `rel` in `root` (the project) and its `extends` chain. Every file is read
/// through `project_fs`: inside the root, through no symbolic link, a regular file of at most
/// `MAX_SPEC_BYTES`. A spec comes from a pull request; `extends: ../../../proc/self/environ` or
/// a link to `~/.aws/credentials` must not put the CI machine's secrets into a diagnostic.
pub fn load_in(root: &Root, rel: &Path) -> Result<LoadedSpec, LoadError> {
    let rel = normalize(rel);
    if rel.as_os_str().is_empty() {
        return Err(LoadError::Unreadable(ReadFailure {
            message: format!(
                "`{}` is a directory, not a spec file",
                display_path(root.path())
            ),
            help: "point at the cache.yaml inside it".into(),
            too_large: false,
        }));
    }
    let rel = match rel.components().next() {
        Some(std::path::Component::Normal(_)) => rel,
        _ => {
            return Err(LoadError::Unreadable(ReadFailure {
                message: format!(
                    "`{}` is outside the project `{}`",
                    rel.display(),
                    display_path(root.path())
                ),
                help: OUTSIDE_HELP.into(),
                too_large: false,
            }));
        }
    };
    let path = root.full(&rel);
    let bytes = root.read(&rel, limits::MAX_SPEC_BYTES).map_err(|e| {
        let f = unreadable(&e);
        if f.too_large {
            LoadError::Invalid(vec![
                Diagnostic::error(codes::SPEC_TOO_LARGE, f.message).help(f.help),
            ])
        } else {
            LoadError::Unreadable(f)
        }
    })?;
    let file =
        yaml::decode(&path, display_path(&path), bytes).map_err(|d| LoadError::Invalid(vec![d]))?;
    let root_node = yaml::parse(&file).map_err(|d| LoadError::Invalid(vec![d]))?;
    check_root(&root_node, &file).map_err(|d| LoadError::Invalid(vec![d]))?;

    let mut files = vec![file];
    let mut trees = vec![root_node];
    // Paths relative to the root, normalized: with no link followed, equal paths are the same
    // file and different paths are different files.
    let mut seen = vec![rel.clone()];
    loop {
        let current = trees.last_mut().expect("chain has the spec");
        let Some(ext) = current.remove_key("extends") else {
            break;
        };
        let including = seen.last().expect("chain has the spec").clone();
        let base_rel = match &ext.value {
            Value::Str(s) if !s.trim().is_empty() => {
                if let Err(why) = check_extends_path(s) {
                    return Err(LoadError::Invalid(vec![
                        Diagnostic::error(codes::EXTENDS_UNREADABLE, why)
                            .at(ext.loc.clone())
                            .help("write the path of a base spec relative to this file, e.g. `extends: ../base.yaml`"),
                    ]));
                }
                let dir = including.parent().unwrap_or(Path::new(""));
                match crate::project_fs::join_written(dir, s) {
                    Some(r) => r,
                    None => {
                        return Err(LoadError::Invalid(vec![
                            Diagnostic::error(
                                codes::EXTENDS_UNREADABLE,
                                format!(
                                    "cannot load the base spec: `{s}` leads outside the project `{}`",
                                    display_path(root.path())
                                ),
                            )
                            .at(ext.loc.clone())
                            .help(OUTSIDE_HELP),
                        ]));
                    }
                }
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
        let base_path = root.full(&base_rel);
        if let Some(i) = seen.iter().position(|s| *s == base_rel) {
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
        let bytes = match root.read(&base_rel, limits::MAX_SPEC_BYTES) {
            Ok(b) => b,
            Err(e) => {
                let f = unreadable(&e);
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
        seen.push(base_rel);
        files.push(base_file);
        trees.push(base_root);
    }

    // Merge from the deepest base up to the spec itself.
    let mut merged = trees.pop().expect("chain has the spec");
    while let Some(over) = trees.pop() {
        merged = tree::merge(merged, over);
    }
    Ok(LoadedSpec {
        path,
        root: merged,
        files,
    })
}

const OUTSIDE_HELP: &str = "cachegen reads specs and their bases only inside the project (the folder of cachegen.toml, or the working folder), through no symbolic link: write a relative path that stays inside it, and replace a link with the file itself";

/// A file that could not be read, in the words of a spec problem.
fn unreadable(e: &FsError) -> ReadFailure {
    let too_large = matches!(e.problem(), Problem::TooLarge { .. });
    let (message, help) = match e.problem() {
        Problem::TooLarge { len, limit } => (
            format!(
                "`{}` is {len} bytes, more than the {limit} byte limit for a spec",
                display_path(e.path())
            ),
            "a cache spec is a few kilobytes; split shared settings into a base file with `extends`".to_string(),
        ),
        Problem::NotAFile(Kind::Dir) => (
            format!("`{}` is a directory, not a spec file", display_path(e.path())),
            "point at the cache.yaml inside it".to_string(),
        ),
        Problem::NotAFile(k) => (
            format!(
                "`{}` is not a regular file ({}), so it is not read",
                display_path(e.path()),
                k.describe()
            ),
            "a spec must be a regular YAML file".to_string(),
        ),
        Problem::Link | Problem::Outside { .. } | Problem::KernelView => {
            (e.to_string(), OUTSIDE_HELP.to_string())
        }
        _ => (
            e.to_string(),
            if e.is_not_found() {
                "check the path; `extends` paths are relative to the file that names them".to_string()
            } else {
                e.help().to_string()
            },
        ),
    };
    ReadFailure {
        message,
        help,
        too_large,
    }
}

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
