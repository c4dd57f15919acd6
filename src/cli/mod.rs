//! The command line, a thin face over the library (`app`): raw arguments (clap), then the
//! resolved settings (flags over `cachegen.toml` over defaults, in `settings`), then the
//! command's work, which returns a report; the report is printed (`print`, `commands`) and its
//! outcome becomes the exit code (`exit`).

mod commands;
mod exit;
mod print;
mod settings;

use crate::app::render::Mode;
use crate::app::{Outcome, Settings};
use clap::{Args, Parser, Subcommand, ValueEnum};
use print::Printer;
use settings::{Flags, NoSettings};
use std::path::PathBuf;
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  cachegen validate                          check every environments/*/cache.yaml
  cachegen validate environments/staging/cache.yaml --format json
  cachegen render                            write generated/<environment>/ for every spec
  cachegen render --check                    in CI: fail with a diff when generated files are stale
  cachegen -C infra/cache validate           a project in a folder of a monorepo, from its root
  cachegen explain environments/production/cache.yaml
  cachegen rules CG1003                      what a rule checks, and why
  cachegen impact --format markdown          what this branch does to live caches, as a pull-request comment
  cachegen verify environments/staging/cache.yaml --url rediss://cache.internal:6379 --tls-ca ca.crt
                                             compare a live Redis with its spec (password in REDIS_PASSWORD)
  cachegen schema                            the JSON Schema (render keeps schema/ up to date)";

#[derive(Parser, Debug)]
#[command(
    name = "cachegen",
    version,
    about = "Validate one declarative cache.yaml per environment and render Redis for AWS, Azure, Google Cloud, docker-compose, redis.conf and .env",
    after_help = EXAMPLES,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Run as if cachegen was started in DIR (a project inside a monorepo, from its root).
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub directory: Option<PathBuf>,
    /// Diagnostics format: human (stderr), json or sarif (stdout); markdown (stdout) for
    /// `impact`'s pull-request comment.
    #[arg(long, value_enum, global = true, default_value = "human")]
    pub format: Format,
    /// Print only errors and drift, no summary or progress.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Colour in human output (`NO_COLOR` is respected with `auto`).
    #[arg(long, value_enum, global = true, default_value = "auto")]
    pub color: ColorChoice,
    /// Treat warnings as errors (overrides `deny_warnings` in cachegen.toml).
    #[arg(long, global = true)]
    pub deny_warnings: bool,
}

/// How diagnostics and reports are printed (`--format`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    /// A pull-request comment (`cachegen impact` only).
    Markdown,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load, schema-check and rule-check specs; print diagnostics.
    Validate {
        /// Spec files; default: every `environments/*/cache.yaml` of the project.
        specs: Vec<PathBuf>,
        /// Where the environments were last rendered (default `generated`, or `output` in
        /// cachegen.toml): changes are judged against what was rendered there.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Validate, then write generated/<environment>/ (or, with --check, compare with the disk).
    Render {
        /// Spec files; default: every `environments/*/cache.yaml` of the project.
        specs: Vec<PathBuf>,
        /// Output folder (default `generated`, or `output` in cachegen.toml).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write nothing; exit 1 with a unified diff when the files on disk differ.
        #[arg(long)]
        check: bool,
        /// Folder of templates that override the built-in ones (`<target>/<file>.j2`).
        #[arg(long)]
        templates: Option<PathBuf>,
    },
    /// Print the JSON Schema of cache.yaml.
    Schema,
    /// Show the resolved spec, derived sizes, waivers, and what each target honours.
    Explain {
        /// The spec to explain.
        spec: PathBuf,
    },
    /// List every rule, or explain one with examples.
    Rules {
        /// A rule code, e.g. CG1003.
        code: Option<String>,
    },
    /// Compare a live Redis with its spec and report drift.
    Verify {
        /// The spec the server should match.
        spec: PathBuf,
        /// redis://[user[:password]@]host:port or rediss://... for TLS.
        #[arg(long)]
        url: String,
        /// Read the password from this environment variable (default REDIS_PASSWORD); a
        /// password in --url wins. Never pass it on the command line where others see it.
        #[arg(long)]
        password_env: Option<String>,
        /// CA certificate (PEM) to trust for rediss://.
        #[arg(long)]
        tls_ca: Option<PathBuf>,
        /// Connect and command timeout, in milliseconds.
        #[arg(long, default_value_t = 5000)]
        timeout_ms: u64,
    },
    /// What the change does to live caches: each replacement, deletion, staged change,
    /// restart and update, per environment and target, with the spec line that causes it.
    /// Exits 1 when something in tier production is replaced or deleted without
    /// `policy.accept_replacement`.
    Impact {
        /// The revision to compare with (default: the merge base of HEAD with the default
        /// branch).
        #[arg(long, conflicts_with = "base_dir")]
        base: Option<String>,
        /// The project's folder in a checkout of the base, instead of git.
        #[arg(long)]
        base_dir: Option<PathBuf>,
    },
    /// Scaffold cachegen.toml, a first environment, .gitignore entries and a CI workflow.
    Init {
        /// Folder to set up (default: the current folder).
        dir: Option<PathBuf>,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let outcome = match Cli::try_parse() {
        Ok(cli) => run(cli),
        Err(e) => {
            let _ = e.print();
            // `--help` and `--version` come this way too, and are no mistake.
            if e.use_stderr() {
                Outcome::NotDone
            } else {
                Outcome::Clean
            }
        }
    };
    ExitCode::from(exit::code(outcome))
}

fn run(cli: Cli) -> Outcome {
    let p = Printer::new(&cli.global);
    // `-C` first, as git and make do: every path after it, on the command line or found, is
    // then relative to DIR.
    if let Some(dir) = &cli.global.directory
        && let Err(e) = std::env::set_current_dir(dir)
    {
        return p.problem(&crate::app::Problem::new(
            format!("-C {}: {e}", dir.display()),
            "give -C the folder of the project (the one with cachegen.toml)",
        ));
    }
    let flags = Flags {
        deny_warnings: cli.global.deny_warnings.then_some(true),
        ..Flags::default()
    };
    if p.format == Format::Markdown && !matches!(cli.command, Command::Impact { .. }) {
        return p.problem(&crate::app::Problem::new(
            "--format markdown is for `cachegen impact`",
            "use --format human, json or sarif",
        ));
    }
    // Only the commands that work on the project read `cachegen.toml`: a broken one does not
    // stop `schema`, `rules` or `init`.
    match cli.command {
        Command::Impact { base, base_dir } => {
            let source = match base_dir {
                Some(d) => crate::app::impact::BaseSource::Dir(d),
                None => crate::app::impact::BaseSource::Git(base),
            };
            in_project(&p, flags, &[], |s| commands::impact(&p, s, &source))
        }
        Command::Schema => commands::schema(),
        Command::Rules { code } => commands::rules(&p, code.as_deref()),
        Command::Init { dir } => commands::init(&p, &dir.unwrap_or_else(|| PathBuf::from("."))),
        Command::Validate { specs, out } => {
            let flags = Flags { out, ..flags };
            in_project(&p, flags, &specs, |s| commands::validate(&p, s, &specs))
        }
        Command::Render {
            specs,
            out,
            check,
            templates,
        } => {
            let flags = Flags {
                out,
                templates,
                ..flags
            };
            let mode = if check { Mode::Check } else { Mode::Write };
            in_project(&p, flags, &specs, |s| commands::render(&p, s, &specs, mode))
        }
        Command::Explain { spec } => in_project(&p, flags, std::slice::from_ref(&spec), |s| {
            commands::explain(&p, s, &spec)
        }),
        Command::Verify {
            spec,
            url,
            password_env,
            tls_ca,
            timeout_ms,
        } => in_project(
            &p,
            flags,
            std::slice::from_ref(&spec),
            |s| match settings::server(&url, password_env.as_deref(), tls_ca.as_deref(), timeout_ms)
            {
                Ok(server) => commands::verify(&p, s, &spec, &server),
                Err(problem) => p.problem(&problem),
            },
        ),
    }
}

/// Run `work` with the settings of the project the run is about: the one that holds the specs
/// named on the command line, else the one around the working folder. Without them (the
/// folder or `cachegen.toml` cannot be read, or the pinned version is another), print why
/// and end the run.
fn in_project(
    p: &Printer,
    flags: Flags,
    specs: &[PathBuf],
    work: impl FnOnce(&Settings) -> Outcome,
) -> Outcome {
    match settings::load(flags, specs) {
        Ok(s) => {
            p.set_project(&s.project.repository, &s.project.root);
            work(&s)
        }
        Err(NoSettings::WorkingFolder(problem)) => p.problem(&problem),
        Err(NoSettings::ProjectFile(diags)) => {
            p.diagnostics(&diags, 0);
            Outcome::NotDone
        }
    }
}
