//! `render --check`: what would change, as unified diffs, missing and extra files.

use super::list_files;
use crate::targets::OutFile;
use similar::TextDiff;
use std::path::Path;

/// How one environment's folder differs from what would be written.
#[derive(Debug, Default)]
pub struct Drift {
    pub changed: Vec<Stale>,
    pub missing: Vec<Stale>,
    pub extra: Vec<Stale>,
    /// Unified diffs of changed files, and listings of missing and extra ones.
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
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Compare `out/<environment>/` with `files`. `shown` is how the folder is named in the report.
pub fn check_env(
    out: &Path,
    environment: &str,
    shown: &str,
    source: &str,
    files: &[OutFile],
) -> std::io::Result<Drift> {
    let dir = out.join(environment);
    let on_disk = list_files(&dir)?;
    let mut drift = Drift::default();
    for f in files {
        let path = dir.join(&f.path);
        let name = format!("{shown}/{}", f.path);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let old = String::from_utf8_lossy(&bytes);
                if old != f.contents {
                    drift.changed.push(Stale {
                        line: first_difference(&old, &f.contents),
                        on_disk: Some(old.to_string()),
                        ..Stale::new(name.clone(), path.clone())
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
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                drift.missing.push(Stale::new(name.clone(), path.clone()));
                drift.report.push_str(&format!(
                    "missing: {name} (would be written from {source})\n"
                ));
            }
            Err(e) => return Err(e),
        }
    }
    for rel in on_disk {
        // Only generated files can be stale; the team's own (terraform.tfvars, state, TLS
        // keys) belong in the folder.
        if !files.iter().any(|f| f.path == rel) && super::is_generated(&dir.join(&rel)) {
            let name = format!("{shown}/{rel}");
            drift.report.push_str(&format!(
                "extra: {name} (no longer produced; `cachegen render` removes it)\n"
            ));
            drift.extra.push(Stale::new(name, dir.join(&rel)));
        }
    }
    Ok(drift)
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
