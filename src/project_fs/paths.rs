//! Paths without the file system: normalizing, printing, and the relative paths a root takes.

use std::path::{Component, Path, PathBuf};

/// `a/b/../c` -> `a/c`, without touching the file system. Inside a root that holds no symbolic
/// link this is where the kernel would go too; `project_fs` refuses every link, so the two
/// never differ for a path it opens.
pub fn normalize(p: &Path) -> PathBuf {
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

/// A path as cachegen prints it: relative to the working folder when under it, normalized,
/// with `/` separators, so that output is the same on every machine. Printing layers escape
/// what a terminal would interpret (see `diagnostics::text`).
pub fn display_path(p: &Path) -> String {
    let normalized = normalize(p);
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| normalized.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or(normalized);
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() { ".".into() } else { s }
}

/// `rel` as a list of plain names, or `None` when it is absolute or climbs out with `..` (after
/// normalizing: `a/../b` is `b`).
pub fn names(rel: &Path) -> Option<Vec<&std::ffi::OsStr>> {
    let mut out: Vec<&std::ffi::OsStr> = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// A path written in a project file (`extends: ../base.yaml`, `output = "gen"`), relative to
/// the folder `dir` (itself relative to a root): where it lands inside the root, or `None`
/// when it is absolute, starts at a home folder (`~`), or climbs out of the root.
pub fn join_written(dir: &Path, written: &str) -> Option<PathBuf> {
    let w = Path::new(written);
    if w.is_absolute() || written.starts_with('~') || written.contains('\0') {
        return None;
    }
    let joined = dir.join(w);
    let names = names(&joined)?;
    Some(names.iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_paths_stay_inside_their_root() {
        let env = Path::new("environments/staging");
        assert_eq!(
            join_written(env, "../base.yaml"),
            Some(PathBuf::from("environments/base.yaml"))
        );
        assert_eq!(
            join_written(env, "./a/../b.yaml"),
            Some(PathBuf::from("environments/staging/b.yaml"))
        );
        assert_eq!(join_written(env, "../../../etc/passwd"), None);
        assert_eq!(join_written(env, "/proc/self/environ"), None);
        assert_eq!(join_written(env, "~/x.yaml"), None);
        assert_eq!(join_written(Path::new(""), ".."), None);
        assert_eq!(join_written(Path::new(""), "."), Some(PathBuf::new()));
    }

    #[test]
    fn normalize_keeps_leading_parents() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("../../x")), PathBuf::from("../../x"));
        assert_eq!(normalize(Path::new("/../x")), PathBuf::from("/x"));
    }
}
