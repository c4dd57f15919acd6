//! `render --check`: what would change, as unified diffs, missing and extra files; and what
//! in the folder is not cachegen's where it must be (a link, a FIFO or a header-less file at a
//! generated path), or is loaded by the consuming tool along with the generated files (a
//! header-less `*.tf`, a compose override, any symbolic link). Nothing that is not a regular
//! file is opened, and no link is followed: a link at `.env` to `/proc/self/environ` is reported
//! as a link, never printed.

use super::team;
use crate::project_fs::{Entry, FsError, Kind, Root};
use crate::targets::OutFile;
use similar::TextDiff;
use std::path::{Path, PathBuf};

/// Largest generated file compared, in bytes (the largest cachegen writes is a few tens of
/// kilobytes); a larger one at a generated path is reported as changed, not read.
const MAX_COMPARED_BYTES: u64 = 16 << 20;

/// Files docker compose reads from the folder of `docker-compose.yml` by itself: another
/// main file (which it prefers) and the override files it merges.
pub const COMPOSE_LOADS: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];

/// Terraform loads every file with these endings in the folder it runs in.
pub const TERRAFORM_LOADS: &[&str] = &[".tf", ".tf.json"];

/// How one environment's folder differs from what would be written.
#[derive(Debug, Default)]
pub struct Drift {
    pub changed: Vec<Stale>,
    pub missing: Vec<Stale>,
    pub extra: Vec<Stale>,
    /// Paths cachegen generates that hold something it did not write, and what.
    pub foreign: Vec<(String, String)>,
    /// Entries the consuming tool loads with the generated files that cachegen did not write.
    pub loaded: Vec<(String, String)>,
    /// Unified diffs of changed files, and listings of the others.
    pub report: String,
}

/// One stale file: as the report names it, where it is on disk, and (for a changed file)
/// what it holds there and the first line that differs, so that a finding can point at it.
#[derive(Debug)]
pub struct Stale {
    pub name: String,
    pub path: std::path::PathBuf,
    pub on_disk: Option<String>,
    pub line: usize,
}

impl Stale {
    fn new(name: String, path: std::path::PathBuf) -> Stale {
        Stale {
            name,
            path,
            on_disk: None,
            line: 1,
        }
    }
}

/// 1-based number of the first line where `old` and `new` differ.
pub fn first_difference(old: &str, new: &str) -> usize {
    let mut a = old.split_inclusive('\n');
    let mut b = new.split_inclusive('\n');
    let mut line: usize = 1;
    loop {
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            (None, None) => return line.saturating_sub(1).max(1),
            _ => return line,
        }
    }
}

impl Drift {
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty()
            && self.missing.is_empty()
            && self.extra.is_empty()
            && self.foreign.is_empty()
            && self.loaded.is_empty()
    }
}

/// Compare `out/<environment>/` with `files` (`out` is `None` when the output folder does not
/// exist). `shown` is how the folder is named in the report.
pub fn check_env(
    out: Option<&Root>,
    environment: &str,
    shown: &str,
    source: &str,
    files: &[OutFile],
) -> Result<Drift, FsError> {
    let mut drift = Drift::default();
    let env = Path::new(environment);
    let dir = match out.map(|o| o.metadata(env)).transpose()?.flatten() {
        None => None,
        Some(m) if m.kind == Kind::Dir => out.map(|o| o.folder(env, false)).transpose()?,
        Some(m) => {
            let what = format!(
                "{} where cachegen writes the environment's folder",
                m.kind.describe()
            );
            drift
                .report
                .push_str(&format!("not generated: {shown} is {what}\n"));
            drift.foreign.push((shown.to_string(), what));
            return Ok(drift);
        }
    };
    let entries = match &dir {
        Some(d) => d.walk(Path::new(""))?,
        None => Vec::new(),
    };
    for f in files {
        let name = format!("{shown}/{}", f.path);
        let rel = Path::new(&f.path);
        let at = match &dir {
            Some(d) => what_is_at(d, rel)?,
            None => At::Absent,
        };
        match at {
            At::Absent => {
                drift
                    .missing
                    .push(Stale::new(name.clone(), PathBuf::from(&name)));
                drift.report.push_str(&format!(
                    "missing: {name} (would be written from {source})\n"
                ));
            }
            At::Foreign(what) => {
                drift.report.push_str(&format!(
                    "not generated: {name} is {what}; cachegen neither reads nor replaces it\n"
                ));
                drift.foreign.push((name, what));
            }
            At::Generated => {
                let d = dir.as_ref().expect("a file is in a folder");
                let bytes = match d.read(rel, MAX_COMPARED_BYTES) {
                    Ok(b) => b,
                    Err(e)
                        if matches!(e.problem(), crate::project_fs::Problem::TooLarge { .. }) =>
                    {
                        drift.changed.push(Stale::new(name.clone(), d.full(rel)));
                        drift.report.push_str(&format!(
                            "changed: {name} is larger than {MAX_COMPARED_BYTES} bytes (not compared)\n"
                        ));
                        continue;
                    }
                    Err(e) => return Err(e),
                };
                let old = String::from_utf8_lossy(&bytes);
                if old != f.contents {
                    drift.changed.push(Stale {
                        line: first_difference(&old, &f.contents),
                        on_disk: Some(old.to_string()),
                        ..Stale::new(name.clone(), d.full(rel))
                    });
                    let diff = TextDiff::from_lines(old.as_ref(), f.contents.as_str());
                    drift.report.push_str(
                        &diff
                            .unified_diff()
                            .context_radius(3)
                            .header(
                                &format!("{name} (on disk)"),
                                &format!("{name} (rendered from {source})"),
                            )
                            .to_string(),
                    );
                    if !drift.report.ends_with('\n') {
                        drift.report.push('\n');
                    }
                }
            }
        }
    }
    if let Some(d) = &dir {
        for e in &entries {
            // Only cachegen's files can be stale; the team's own (terraform.tfvars, state, TLS
            // keys, a `.env.local` copy) belong in the folder.
            let rel = team::slashed(&e.path);
            if !files.iter().any(|f| f.path == rel) && team::is_owned(d, &e.path, e.kind) {
                let name = format!("{shown}/{rel}");
                drift.report.push_str(&format!(
                    "extra: {name} (no longer produced; `cachegen render` removes it)\n"
                ));
                drift.extra.push(Stale::new(name, d.full(&e.path)));
            }
        }
        for (rel, what) in loaded_extras(d, &entries, files) {
            let name = format!("{shown}/{}", team::slashed(&rel));
            drift.report.push_str(&format!(
                "not generated: {name} is {what}, and cachegen did not write it\n"
            ));
            drift.loaded.push((name, what));
        }
    }
    Ok(drift)
}

/// What is at a path cachegen generates.
enum At {
    Absent,
    /// A regular file with cachegen's header.
    Generated,
    /// Anything else: what it is.
    Foreign(String),
}

fn what_is_at(dir: &Root, rel: &Path) -> Result<At, FsError> {
    let mut prefix = PathBuf::new();
    for name in rel.parent().into_iter().flat_map(Path::components) {
        prefix.push(name);
        match dir.metadata(&prefix)? {
            None => return Ok(At::Absent),
            Some(m) if m.kind == Kind::Dir => {}
            Some(m) => {
                return Ok(At::Foreign(format!(
                    "under {} `{}`, where cachegen writes a folder",
                    m.kind.describe(),
                    team::slashed(&prefix)
                )));
            }
        }
    }
    Ok(match dir.metadata(rel)? {
        None => At::Absent,
        Some(m) if m.kind == Kind::File => {
            if team::has_header(dir, rel) {
                At::Generated
            } else {
                At::Foreign("a file without cachegen's header".into())
            }
        }
        Some(m) => At::Foreign(m.kind.describe().into()),
    })
}

/// Entries of an environment's folder that a consuming tool loads along with the generated
/// files, and that cachegen did not write: in a folder of generated Terraform, every other
/// `*.tf` and `*.tf.json` (Terraform loads them all); next to `docker-compose.yml`, another
/// compose file or an override (compose prefers or merges them); anywhere, a symbolic link
/// (Terraform, compose's bind mounts and Redis follow it). `.terraform/`, Terraform's own
/// working folder, is left out.
pub fn loaded_extras(dir: &Root, entries: &[Entry], files: &[OutFile]) -> Vec<(PathBuf, String)> {
    let parent_of = |p: &str| {
        Path::new(p)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    };
    let terraform: Vec<PathBuf> = files
        .iter()
        .filter(|f| f.path.ends_with(".tf"))
        .map(|f| parent_of(&f.path))
        .collect();
    let compose: Vec<PathBuf> = files
        .iter()
        .filter(|f| {
            Path::new(&f.path)
                .file_name()
                .is_some_and(|n| n == "docker-compose.yml")
        })
        .map(|f| parent_of(&f.path))
        .collect();
    let mut found = Vec::new();
    for e in entries {
        if e.path.components().any(|c| c.as_os_str() == ".terraform") || e.kind == Kind::Dir {
            continue;
        }
        let rel = team::slashed(&e.path);
        if files.iter().any(|f| f.path == rel) || team::is_owned(dir, &e.path, e.kind) {
            continue;
        }
        let name = e
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let folder = e.path.parent().map(Path::to_path_buf).unwrap_or_default();
        let what = if terraform.contains(&folder)
            && TERRAFORM_LOADS.iter().any(|end| name.ends_with(end))
            && !(e.kind == Kind::File && is_backend_only(dir, &e.path))
        {
            Some(format!(
                "{} that terraform loads with the generated configuration",
                kind_words(e.kind, "file")
            ))
        } else if compose.contains(&folder) && COMPOSE_LOADS.contains(&name.as_str()) {
            Some(format!(
                "{} that docker compose loads with the generated docker-compose.yml",
                kind_words(e.kind, "compose file")
            ))
        } else if e.kind == Kind::Link {
            link_out_of(dir, &e.path).map(|to| {
                format!(
                    "a symbolic link to `{}`, outside the folder, which the tools that read it follow",
                    to.display()
                )
            })
        } else {
            None
        };
        if let Some(what) = what {
            found.push((e.path.clone(), what));
        }
    }
    found
}

/// Largest hand-written backend file read, in bytes.
const MAX_BACKEND_BYTES: u64 = 64 << 10;

/// Whether a hand-written `*.tf` holds nothing but where Terraform keeps its state: one
/// `terraform` block with one `backend "<type>"` block of literal settings (the remote, encrypted
/// state the docs ask for). It adds no resource, provider, module, variable or expression, so
/// `--check` accepts it as the team's; anything more in it is reported. Where the state goes is
/// still the reviewer's to read: it holds the secrets.
fn is_backend_only(dir: &Root, rel: &Path) -> bool {
    if !rel.to_string_lossy().ends_with(".tf") {
        return false;
    }
    let Ok(bytes) = dir.read(rel, MAX_BACKEND_BYTES) else {
        return false;
    };
    let Ok(body) = hcl::parse(&String::from_utf8_lossy(&bytes)) else {
        return false;
    };
    let [terraform] = body.blocks().collect::<Vec<_>>()[..] else {
        return false;
    };
    if body.attributes().next().is_some()
        || terraform.identifier() != "terraform"
        || !terraform.labels().is_empty()
        || terraform.body().attributes().next().is_some()
    {
        return false;
    }
    let [backend] = terraform.body().blocks().collect::<Vec<_>>()[..] else {
        return false;
    };
    backend.identifier() == "backend" && backend.labels().len() == 1 && literal_body(backend.body())
}

/// Attributes of literal values only (and blocks of them): no variable, function or template.
fn literal_body(body: &hcl::Body) -> bool {
    fn literal(e: &hcl::Expression) -> bool {
        use hcl::Expression as E;
        match e {
            E::Null | E::Bool(_) | E::Number(_) | E::String(_) => true,
            E::Array(items) => items.iter().all(literal),
            E::Object(o) => o.values().all(literal),
            _ => false,
        }
    }
    body.attributes().all(|a| literal(a.expr()))
        && body
            .blocks()
            .all(|b| b.labels().is_empty() && literal_body(b.body()))
}

/// Where a link leads when that is outside the environment's folder (absolute, or `..` past its
/// top, judged on the text of the link: nothing is followed). A link within the folder
/// (`prod.auto.tfvars -> terraform.tfvars`) leads to an entry that is judged itself.
fn link_out_of(dir: &Root, rel: &Path) -> Option<PathBuf> {
    let Ok(target) = dir.read_link(rel) else {
        return Some(PathBuf::from("?"));
    };
    let from = rel.parent().unwrap_or(Path::new(""));
    match crate::project_fs::join_written(from, &target.to_string_lossy()) {
        Some(_) => None,
        None => Some(target),
    }
}

fn kind_words(kind: Kind, file: &str) -> String {
    match kind {
        Kind::File => format!("a {file}"),
        k => k.describe().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::first_difference;

    #[test]
    fn the_first_line_that_differs() {
        assert_eq!(first_difference("a\nb\nc\n", "a\nB\nc\n"), 2);
        assert_eq!(first_difference("a\n", "a\nb\n"), 2);
        assert_eq!(first_difference("a\nb\n", "a\n"), 2);
        assert_eq!(first_difference("x", "y"), 1);
        assert_eq!(first_difference("a\n", "a"), 1);
    }
}
