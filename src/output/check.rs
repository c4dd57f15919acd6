//! `render --check`: what would change, as unified diffs, missing and extra files.

use super::list_files;
use crate::targets::OutFile;
use similar::TextDiff;
use std::path::Path;

/// How one environment's folder differs from what would be written.
#[derive(Debug, Default)]
pub struct Drift {
    pub changed: Vec<String>,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
    /// Unified diffs of changed files, and listings of missing and extra ones.
    pub report: String,
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
                    drift.changed.push(name.clone());
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
                drift.missing.push(name.clone());
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
            drift.extra.push(name);
        }
    }
    Ok(drift)
}
