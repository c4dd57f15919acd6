//! From raw arguments to the resolved settings of a run. A setting that both a flag and
//! `cachegen.toml` can give is decided here, once: the flag, else the file, else the default.

use crate::app::verify::{Endpoint, Secret, Server};
use crate::app::{Folder, Problem, Settings};
use crate::diagnostics::Diagnostic;
use crate::project::{self, Project};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The flags that override a `cachegen.toml` key; `None` where the command line is silent.
#[derive(Clone, Debug, Default)]
pub struct Flags {
    /// `--out`, relative to the working folder.
    pub out: Option<PathBuf>,
    /// `--templates`, relative to the working folder.
    pub templates: Option<PathBuf>,
    /// `--deny-warnings`; the flag can only turn it on.
    pub deny_warnings: Option<bool>,
}

/// Why a run has no settings.
pub enum NoSettings {
    /// The working folder cannot be read.
    WorkingFolder(Problem),
    /// `cachegen.toml` is wrong, at these places.
    ProjectFile(Vec<Diagnostic>),
}

/// The settings of a run: its project with the flags over it. The project is the one that
/// holds the specs named on the command line (`cachegen.toml` found by walking up from each
/// spec's folder, as Cargo finds a manifest), so that a hook run from a monorepo's root gets
/// the settings of the project it checks; with no spec named, or none inside a project, the
/// one around the working folder.
pub fn load(flags: Flags, specs: &[PathBuf]) -> Result<Settings, NoSettings> {
    let cwd = std::env::current_dir().map_err(|e| {
        NoSettings::WorkingFolder(Problem::bare(format!(
            "cannot read the working folder: {e}"
        )))
    })?;
    let project = match project_file_of(&cwd, specs).map_err(NoSettings::WorkingFolder)? {
        Some(file) => project::load(&file),
        None => project::discover(&cwd),
    }
    .map_err(NoSettings::ProjectFile)?;
    Ok(resolve(flags, project))
}

/// The one `cachegen.toml` that the named specs belong to. Specs of two projects (or of a
/// project and none) in one run are refused: their settings may disagree.
fn project_file_of(cwd: &Path, specs: &[PathBuf]) -> Result<Option<PathBuf>, Problem> {
    // Each spec's project file, as found and as it resolves (two spellings of one file are
    // one project).
    let mut found: Option<Option<(PathBuf, PathBuf)>> = None;
    for spec in specs {
        let abs = crate::load::normalize(&cwd.join(spec));
        let file = abs.parent().and_then(project::find).map(|f| {
            let real = std::fs::canonicalize(&f).unwrap_or_else(|_| f.clone());
            (f, real)
        });
        let same = |a: &Option<(PathBuf, PathBuf)>, b: &Option<(PathBuf, PathBuf)>| {
            a.as_ref().map(|x| &x.1) == b.as_ref().map(|x| &x.1)
        };
        match &found {
            None => found = Some(file),
            Some(first) if same(first, &file) => {}
            Some(first) => {
                let name = |f: &Option<(PathBuf, PathBuf)>| match f {
                    Some((f, _)) => format!("`{}`", crate::load::display_path(f)),
                    None => "no cachegen.toml".to_string(),
                };
                return Err(Problem::new(
                    format!(
                        "the specs belong to different projects: {} and {} (at `{}`)",
                        name(first),
                        name(&file),
                        crate::load::display_path(spec)
                    ),
                    "run cachegen once per project, e.g. `cachegen -C infra/cache validate`",
                ));
            }
        }
    }
    Ok(found.flatten().map(|(f, _)| f))
}

/// Flags over `cachegen.toml` over defaults. Paths from a flag are as given (relative to the
/// working folder); paths from the file are already relative to the project root.
pub fn resolve(flags: Flags, project: Project) -> Settings {
    let named = |path: PathBuf| Folder {
        path,
        named_on_command_line: true,
    };
    let from_project = |path: PathBuf| Folder {
        path,
        named_on_command_line: false,
    };
    Settings {
        output: flags.out.map(named).unwrap_or_else(|| {
            from_project(
                project
                    .output
                    .clone()
                    .unwrap_or_else(|| project.root.join(project::DEFAULT_OUTPUT)),
            )
        }),
        templates: flags
            .templates
            .map(named)
            .or_else(|| project.templates.clone().map(from_project)),
        deny_warnings: flags
            .deny_warnings
            .or(project.deny_warnings)
            .unwrap_or(false),
        project,
    }
}

/// Where the password comes from when the URL has none and `--password-env` does not say.
const DEFAULT_PASSWORD_ENV: &str = "REDIS_PASSWORD";

/// The server `verify` compares with, from its flags. Problems are usage problems, reported
/// in the order the flags are read: the URL, the password, the timeout, the CA.
pub fn server(
    url: &str,
    password_env: Option<&str>,
    tls_ca: Option<&Path>,
    timeout_ms: u64,
) -> Result<Server, Problem> {
    let endpoint = Endpoint::parse(url).map_err(|bad| Problem::new(bad.message, bad.help))?;
    let env_name = password_env.unwrap_or(DEFAULT_PASSWORD_ENV);
    let from_env = match std::env::var(env_name) {
        Ok(v) => Some(Secret::new(v)),
        // Without a password, the default variable is optional: many servers take none.
        Err(std::env::VarError::NotPresent) if password_env.is_none() => None,
        Err(std::env::VarError::NotPresent) => {
            return Err(Problem::new(
                format!("--password-env names `{env_name}`, which is not set"),
                "export the variable, or leave --password-env out to use REDIS_PASSWORD",
            ));
        }
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(Problem::bare(format!("`{env_name}` is not UTF-8 text")));
        }
    };
    let endpoint = endpoint.or_password(from_env);
    if timeout_ms == 0 {
        return Err(Problem::new(
            "--timeout-ms must be at least 1",
            "it bounds the connect and every command, e.g. --timeout-ms 5000",
        ));
    }
    if tls_ca.is_some() && !endpoint.tls {
        return Err(Problem::new(
            "--tls-ca is for TLS connections, and the URL is redis://",
            "use rediss:// to connect with TLS, or leave --tls-ca out",
        ));
    }
    Ok(Server {
        endpoint,
        tls_ca: tls_ca.map(Path::to_path_buf),
        timeout: Duration::from_millis(timeout_ms),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A project in a fresh folder whose `cachegen.toml` holds `toml` (no file when `None`).
    fn project(toml: Option<&str>) -> Project {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("cachegen-settings-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        if let Some(t) = toml {
            std::fs::write(dir.join(project::FILE_NAME), t).unwrap();
        }
        let p = project::discover(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        p
    }

    const FILE: &str = "output = \"gen\"\ntemplates = \"tpl\"\ndeny_warnings = true\n";

    #[test]
    fn defaults_when_neither_flag_nor_file_says() {
        let p = project(None);
        let root = p.root.clone();
        let s = resolve(Flags::default(), p);
        assert_eq!(s.output.path, root.join("generated"));
        assert!(!s.output.named_on_command_line);
        assert_eq!(s.templates, None);
        assert!(!s.deny_warnings);
    }

    #[test]
    fn the_file_over_the_defaults() {
        let p = project(Some(FILE));
        let root = p.root.clone();
        let s = resolve(Flags::default(), p);
        assert_eq!(
            s.output.path,
            root.join("gen"),
            "relative to the project root"
        );
        assert!(!s.output.named_on_command_line, "inside the project");
        assert_eq!(s.templates.map(|t| t.path), Some(root.join("tpl")));
        assert!(s.deny_warnings);
    }

    #[test]
    fn flags_over_the_file() {
        let p = project(Some(FILE));
        let flags = Flags {
            out: Some(PathBuf::from("elsewhere")),
            templates: Some(PathBuf::from("mine")),
            deny_warnings: Some(false),
        };
        let s = resolve(flags, p);
        assert_eq!(
            s.output.path,
            PathBuf::from("elsewhere"),
            "as given: relative to the working folder"
        );
        assert!(s.output.named_on_command_line, "may be anywhere");
        assert_eq!(s.templates.map(|t| t.path), Some(PathBuf::from("mine")));
        assert!(!s.deny_warnings);
    }

    #[test]
    fn a_flag_over_the_default() {
        let p = project(None);
        let flags = Flags {
            deny_warnings: Some(true),
            ..Flags::default()
        };
        assert!(resolve(flags, p).deny_warnings);
    }

    #[test]
    fn verify_flags_are_checked_in_order() {
        let url = server("http://x", Some("CACHEGEN_TEST_UNSET"), None, 0).unwrap_err();
        assert!(url.message.contains("http"), "{url:?}");
        let env = server("redis://h:1", Some("CACHEGEN_TEST_UNSET"), None, 0).unwrap_err();
        assert!(env.message.contains("CACHEGEN_TEST_UNSET"), "{env:?}");
        let timeout = server("redis://h:1", None, None, 0).unwrap_err();
        assert!(timeout.message.contains("--timeout-ms"), "{timeout:?}");
        let ca = server("redis://h:1", None, Some(Path::new("ca.pem")), 1).unwrap_err();
        assert!(ca.message.contains("--tls-ca"), "{ca:?}");
        let ok = server("rediss://h:1", None, Some(Path::new("ca.pem")), 5).unwrap();
        assert_eq!(ok.timeout, Duration::from_millis(5));
    }
}
