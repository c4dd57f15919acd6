//! One function per command. Each resolves its settings, calls the library, prints, and
//! returns the exit code.

use super::{Cli, Command, Format, GlobalArgs, report};
use crate::diagnostics::codes;
use crate::diagnostics::{self, Diagnostic, Severity};
use crate::pipeline::{self, Outcome};
use crate::project::{self, Project};
use std::path::PathBuf;

pub fn run(cli: Cli) -> u8 {
    let g = &cli.global;
    match cli.command {
        Command::Schema => {
            print!("{}", crate::spec::schema::text());
            0
        }
        Command::Rules { code } => rules(g, code.as_deref()),
        Command::Validate { specs } => match project(g) {
            Ok(p) => validate(g, &p, specs),
            Err(code) => code,
        },
        Command::Render {
            specs,
            out,
            check,
            templates,
        } => match project(g) {
            Ok(p) => render(g, &p, specs, out, check, templates),
            Err(code) => code,
        },
        Command::Init { dir } => init(g, dir),
        Command::Explain { spec } => match project(g) {
            Ok(p) => explain(g, &p, &spec),
            Err(code) => code,
        },
        Command::Verify {
            spec,
            url,
            password_env,
            tls_ca,
            timeout_ms,
        } => match project(g) {
            Ok(p) => verify(
                g,
                &p,
                &spec,
                &url,
                password_env.as_deref(),
                tls_ca.as_deref(),
                timeout_ms,
            ),
            Err(code) => code,
        },
    }
}

/// The project settings of the working folder, with command-line flags applied.
fn project(g: &GlobalArgs) -> Result<Project, u8> {
    let cwd = std::env::current_dir()
        .map_err(|e| report::fatal(g, &format!("cannot read the working folder: {e}"), None))?;
    match project::discover(&cwd) {
        Ok(mut p) => {
            if g.deny_warnings {
                p.deny_warnings = true;
            }
            Ok(p)
        }
        Err(diags) => {
            report::print(g, &diags, 0);
            Err(2)
        }
    }
}

/// The specs named on the command line, or every spec of the project.
fn spec_paths(g: &GlobalArgs, project: &Project, specs: Vec<PathBuf>) -> Result<Vec<PathBuf>, u8> {
    if !specs.is_empty() {
        return Ok(specs);
    }
    match pipeline::discover_specs(project) {
        Ok(v) if !v.is_empty() => Ok(v),
        Ok(_) => Err(report::fatal(
            g,
            &format!(
                "no specs found: `{}` has no <environment>/cache.yaml",
                crate::load::display_path(&project.environments)
            ),
            Some("pass spec files explicitly, or run `cachegen init` to start a project"),
        )),
        Err(e) => Err(report::fatal(
            g,
            &format!(
                "cannot list `{}`: {e}",
                crate::load::display_path(&project.environments)
            ),
            Some("run cachegen from the project root (where cachegen.toml is), or pass spec files"),
        )),
    }
}

/// Diagnostics of all outcomes, sorted, and the exit code they mean.
pub fn summarize(project: &Project, outcomes: &[Outcome]) -> (Vec<Diagnostic>, u8) {
    let mut diags: Vec<Diagnostic> = outcomes
        .iter()
        .flat_map(|o| o.diagnostics().iter().cloned())
        .collect();
    diagnostics::sort_and_dedup(&mut diags);
    let unreadable = outcomes
        .iter()
        .any(|o| matches!(o, Outcome::Unreadable { .. }));
    let counts = diagnostics::count(&diags);
    let code = if unreadable {
        2
    } else if counts.errors > 0 || (project.deny_warnings && counts.warnings > 0) {
        1
    } else {
        0
    };
    (diags, code)
}

/// Specs that cannot be read at all (exit 2): printed now in human form; as CG0050 errors in
/// the run's one document for JSON and SARIF.
fn unreadable(g: &GlobalArgs, outcomes: &[Outcome]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for o in outcomes {
        if let Outcome::Unreadable { failure, .. } = o {
            report::problem_to_stderr(&failure.message, Some(&failure.help));
            if g.format != Format::Human {
                diags.push(report::run_failed(&failure.message, Some(&failure.help)));
            }
        }
    }
    diags
}

/// The specs of a command, checked: outcomes, sorted diagnostics, the exit code they mean.
struct Checks {
    outcomes: Vec<Outcome>,
    diags: Vec<Diagnostic>,
    code: u8,
    specs: usize,
}

fn check_specs(g: &GlobalArgs, project: &Project, specs: Vec<PathBuf>) -> Result<Checks, u8> {
    let paths = spec_paths(g, project, specs)?;
    let outcomes = pipeline::check_all(project, &paths);
    let unreadable = unreadable(g, &outcomes);
    let (mut diags, code) = summarize(project, &outcomes);
    diags.extend(unreadable);
    Ok(Checks {
        outcomes,
        diags,
        code,
        specs: paths.len(),
    })
}

fn validate(g: &GlobalArgs, project: &Project, specs: Vec<PathBuf>) -> u8 {
    match check_specs(g, project, specs) {
        Ok(c) => {
            report::print(g, &c.diags, c.specs);
            c.code
        }
        Err(code) => code,
    }
}

fn tiers_text(t: &crate::rules::Tiers) -> String {
    let f = |s: Option<Severity>| s.map(|s| s.as_str()).unwrap_or("off");
    format!(
        "development: {}, staging: {}, production: {}",
        f(t.development),
        f(t.staging),
        f(t.production)
    )
}

fn rules(g: &GlobalArgs, code: Option<&str>) -> u8 {
    use crate::rules::catalog;
    let json = matches!(g.format, Format::Json);
    match code {
        None => {
            if json {
                let v: Vec<serde_json::Value> = catalog::RULES
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "code": r.code, "name": r.name, "family": r.family, "summary": r.summary,
                            "rationale": r.rationale,
                            "severity": {
                                "development": r.severity.development.map(Severity::as_str),
                                "staging": r.severity.staging.map(Severity::as_str),
                                "production": r.severity.production.map(Severity::as_str),
                            },
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&v).expect("JSON"));
                return 0;
            }
            println!("Input codes (cannot be waived):");
            for c in codes::INPUT {
                println!("  {}  {:<28} {}", c.code, c.name, c.summary);
            }
            println!("\nDrift codes of `cachegen verify` (a live server against its spec):");
            for c in codes::DRIFT {
                println!("  {}  {:<28} {}", c.code, c.name, c.summary);
            }
            let mut family = "";
            for r in catalog::RULES {
                if r.family != family {
                    family = r.family;
                    println!("\nRules: {family}");
                }
                let sev = |s: Option<Severity>| match s {
                    Some(Severity::Error) => "E",
                    Some(Severity::Warning) => "W",
                    Some(Severity::Note) => "N",
                    None => "-",
                };
                println!(
                    "  {}  {:<36} {}{}{}  {}",
                    r.code,
                    r.name,
                    sev(r.severity.development),
                    sev(r.severity.staging),
                    sev(r.severity.production),
                    r.summary
                );
            }
            println!(
                "\nSeverity columns: development, staging, production (E error, W warning, N note, - off)."
            );
            println!("`cachegen rules CODE` explains a rule with a failing and a passing example.");
            0
        }
        Some(code) => {
            let code = code.to_ascii_uppercase();
            if let Some(r) = catalog::rule(&code) {
                println!("{} {}  ({} rule)\n", r.code, r.name, r.family);
                println!("{}\n", r.summary);
                println!("Severity: {}\n", tiers_text(&r.severity));
                println!("Why:\n  {}\n", r.rationale);
                println!(
                    "Fails (tier {}):\n{}\n",
                    r.examples.tier.as_str(),
                    indent(r.examples.failing)
                );
                println!("Passes:\n{}\n", indent(r.examples.passing));
                println!(
                    "Waive it for one spec, with a reason that is kept in the generated files:"
                );
                println!(
                    "  policy:\n    exceptions:\n      - {{ rule: {}, reason: \"...\" }}",
                    r.code
                );
                0
            } else if let Some(c) = codes::INPUT.iter().find(|c| c.code == code) {
                println!(
                    "{} {}  (input)\n\n{}\n\nInput problems stop a spec before rules run; they cannot be waived.",
                    c.code, c.name, c.summary
                );
                0
            } else if let Some(c) = codes::DRIFT.iter().find(|c| c.code == code) {
                println!(
                    "{} {}  (drift, reported by `cachegen verify`)\n\n{}\n\nWhy:\n  {}\n\nVerify compares a live server with its spec; drift is fixed on the server (or by changing the spec), it cannot be waived.",
                    c.code, c.name, c.summary, c.rationale
                );
                0
            } else {
                let all = catalog::RULES
                    .iter()
                    .map(|r| r.code)
                    .chain(codes::INPUT.iter().map(|c| c.code))
                    .chain(codes::DRIFT.iter().map(|c| c.code));
                let help = crate::spec::schema::did_you_mean(&code, all)
                    .map(|s| format!("did you mean {s}?"));
                report::fatal(
                    g,
                    &format!("no rule `{code}`"),
                    Some(
                        help.as_deref()
                            .unwrap_or("`cachegen rules` lists every code"),
                    ),
                )
            }
        }
    }
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One environment rendered in memory.
struct Rendered {
    environment: String,
    source: String,
    files: Vec<crate::targets::OutFile>,
}

fn render(
    g: &GlobalArgs,
    project: &Project,
    specs: Vec<PathBuf>,
    out: Option<PathBuf>,
    check: bool,
    templates: Option<PathBuf>,
) -> u8 {
    let specs_given = specs.len();
    let Checks {
        outcomes,
        diags,
        code,
        specs,
    } = match check_specs(g, project, specs) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if code != 0 {
        report::print(g, &diags, specs);
        if code == 1 && !g.quiet && g.format == Format::Human {
            eprintln!("nothing was written: fix the errors above, then render again");
        }
        return code;
    }
    let human = g.format == Format::Human;
    let templates = templates.or_else(|| project.templates.clone());
    let engine = match crate::targets::Engine::new(templates.as_deref()) {
        Ok(e) => e,
        Err(e) => {
            return report::fatal_after(
                g,
                &diags,
                specs,
                &e,
                Some("fix the template override, or remove it to use the built-in templates"),
            );
        }
    };
    // Everything is rendered before anything is written: a template error writes nothing.
    let checked: Vec<&crate::pipeline::Checked> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Checked(c) => Some(c.as_ref()),
            _ => None,
        })
        .collect();
    let rendered = match render_checked(&checked, &engine, &project.providers) {
        Ok(r) => r,
        Err((source, e)) => {
            return report::fatal_after(
                g,
                &diags,
                specs,
                &format!("rendering {source} failed: {e}"),
                Some(
                    "this is a bug in a template (or in a --templates override); nothing was written",
                ),
            );
        }
    };
    let out = out.unwrap_or_else(|| project.output.clone());
    let shown_root = crate::load::display_path(&out);
    // Human output shows the spec's warnings before what was written; JSON and SARIF print one
    // document per run, so they wait for the outcome.
    if human {
        report::print(g, &diags, specs);
    }
    // Folders of environments that have no spec any more: only when every spec was rendered.
    let every_spec = specs_given == 0;
    let result = if check {
        check_rendered(g, &out, &shown_root, &rendered, every_spec)
    } else {
        write_rendered(g, &out, &shown_root, &rendered, every_spec)
    };
    match result {
        Ok(found) => {
            let counts = diagnostics::count(&found);
            let code = if counts.errors > 0 || (project.deny_warnings && counts.warnings > 0) {
                1
            } else {
                0
            };
            if !human {
                let mut all = diags;
                all.extend(found);
                report::print(g, &all, specs);
            }
            code
        }
        Err((message, help)) => {
            if human {
                report::fatal(g, &message, Some(&help))
            } else {
                report::fatal_after(g, &diags, specs, &message, Some(&help))
            }
        }
    }
}

/// Render every checked spec, spread over the cores when there are many.
fn render_checked(
    checked: &[&crate::pipeline::Checked],
    engine: &crate::targets::Engine,
    providers: &crate::project::ProviderVersions,
) -> Result<Vec<Rendered>, (String, String)> {
    let one = |c: &&crate::pipeline::Checked| -> Result<Rendered, (String, String)> {
        let waivers = crate::rules::waived(&c.context());
        let input = crate::targets::RenderInput {
            plan: &c.plan,
            engine,
            providers,
            waivers: &waivers,
        };
        crate::targets::render_all(&input)
            .map(|files| Rendered {
                environment: c.plan.environment.clone(),
                source: c.plan.source.clone(),
                files,
            })
            .map_err(|e| (c.plan.source.clone(), e))
    };
    crate::parallel::map(checked, 32, one).into_iter().collect()
}

/// A problem that stops writing or checking: a message and a help line (exit 2).
type RunFailure = (String, String);

/// Folders under the output that cachegen wrote for an environment that has no spec any more.
fn orphaned(out: &std::path::Path, rendered: &[Rendered]) -> Result<Vec<String>, RunFailure> {
    let known: Vec<&str> = rendered.iter().map(|r| r.environment.as_str()).collect();
    crate::output::orphaned_environments(out, &known).map_err(|e| {
        (
            format!("cannot list `{}`: {e}", crate::load::display_path(out)),
            "check the output folder's permissions".to_string(),
        )
    })
}

/// CG0051 for the folder of an environment whose spec is gone: a warning when `render`
/// leaves it, an error under `--check`.
fn orphan(severity: Severity, shown_root: &str, env: &str) -> Diagnostic {
    let until = if severity == Severity::Warning {
        " (render --check fails until it is gone)"
    } else {
        ""
    };
    Diagnostic::new(
        codes::STALE_OUTPUT,
        severity,
        format!("`{shown_root}/{env}` was generated for an environment that has no spec any more"),
    )
    .help(format!(
        "delete `{shown_root}/{env}`{until}, or restore its spec"
    ))
}

fn write_rendered(
    g: &GlobalArgs,
    out: &std::path::Path,
    shown_root: &str,
    rendered: &[Rendered],
    every_spec: bool,
) -> Result<Vec<Diagnostic>, RunFailure> {
    if out.exists() && !out.is_dir() {
        return Err((
            format!("the output `{shown_root}` is not a folder"),
            "choose another --out, or remove the file".into(),
        ));
    }
    let envs: Vec<crate::output::EnvFiles> = rendered
        .iter()
        .map(|r| crate::output::EnvFiles {
            environment: &r.environment,
            files: &r.files,
        })
        .collect();
    if let Err(e) = crate::output::write_all(out, &envs) {
        let help = if e.replaced.is_empty() {
            "nothing was replaced: every environment's previous output is unchanged; check the folder's permissions and free space".to_string()
        } else {
            format!(
                "already replaced: {}; every other environment's previous output is unchanged; check the folder's permissions and free space, then render again",
                e.replaced.join(", ")
            )
        };
        return Err((
            format!("cannot write `{shown_root}/{}`: {}", e.environment, e.error),
            help,
        ));
    }
    let human = g.format == Format::Human;
    if !g.quiet && human {
        use std::io::Write;
        let mut err = std::io::stderr().lock();
        for r in rendered {
            let _ = writeln!(
                err,
                "wrote {shown_root}/{}/ ({} files) from {}",
                r.environment,
                r.files.len(),
                r.source
            );
        }
    }
    // A removed environment's folder is left for the team to delete (it may hold Terraform
    // state or notes cachegen knows nothing of); `render --check` fails on it until then.
    let mut found = Vec::new();
    if every_spec {
        // The output was written: a folder that cannot be listed now is no reason to fail.
        for env in orphaned(out, rendered).unwrap_or_default() {
            let d = orphan(Severity::Warning, shown_root, &env);
            if human && !g.quiet {
                report::print_one(g, &d);
            }
            found.push(d);
        }
    }
    Ok(found)
}

fn check_rendered(
    g: &GlobalArgs,
    out: &std::path::Path,
    shown_root: &str,
    rendered: &[Rendered],
    every_spec: bool,
) -> Result<Vec<Diagnostic>, RunFailure> {
    use std::io::Write;
    let human = g.format == Format::Human;
    let (mut changed, mut missing, mut extra, mut envs) = (0, 0, 0, 0);
    let mut found = Vec::new();
    // The diffs are the report in human form (stdout, for a CI log); with JSON or SARIF stdout
    // is the document, so they go to stderr and each file is a CG0051 error.
    let mut report_out: Box<dyn Write> = if human {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(std::io::stderr().lock())
    };
    let drifts = crate::parallel::map(rendered, 32, |r| {
        let shown = format!("{shown_root}/{}", r.environment);
        let drift = crate::output::check_env(out, &r.environment, &shown, &r.source, &r.files);
        (shown, r.source.clone(), drift)
    });
    let stale = |what: String| {
        Diagnostic::error(codes::STALE_OUTPUT, what)
            .help("run `cachegen render` and commit the result")
    };
    for (shown, source, drift) in drifts {
        match drift {
            Ok(d) => {
                if !d.is_clean() {
                    envs += 1;
                    changed += d.changed.len();
                    missing += d.missing.len();
                    extra += d.extra.len();
                    let _ = report_out.write_all(d.report.as_bytes());
                    for f in &d.changed {
                        found.push(stale(format!("`{f}` differs from what {source} renders")));
                    }
                    for f in &d.missing {
                        found.push(stale(format!("`{f}` is missing; {source} renders it")));
                    }
                    for f in &d.extra {
                        found.push(stale(format!("`{f}` is no longer produced by {source}")));
                    }
                }
            }
            Err(e) => {
                return Err((
                    format!("cannot read `{shown}`: {e}"),
                    "check the output folder's permissions".into(),
                ));
            }
        }
    }
    if every_spec {
        for env in orphaned(out, rendered)? {
            envs += 1;
            extra += 1;
            let _ = writeln!(
                report_out,
                "extra: {shown_root}/{env}/ (no spec renders this environment any more)"
            );
            found.push(orphan(Severity::Error, shown_root, &env));
        }
    }
    drop(report_out);
    if envs == 0 {
        if !g.quiet && human {
            eprintln!(
                "generated files are up to date ({} environments)",
                rendered.len()
            );
        }
    } else {
        eprintln!(
            "error: generated files are stale: {changed} changed, {missing} missing, {extra} extra in {envs} environment{}",
            if envs == 1 { "" } else { "s" }
        );
        eprintln!("help: run `cachegen render` and commit the result");
    }
    Ok(found)
}

fn init(g: &GlobalArgs, dir: Option<PathBuf>) -> u8 {
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    match crate::scaffold::init(&dir) {
        Ok(written) => {
            if !g.quiet {
                for f in &written {
                    eprintln!("created {}", crate::load::display_path(&dir.join(f)));
                }
                eprintln!(
                    "next: export REDIS_PASSWORD=..., then `cachegen validate` and `cachegen render`"
                );
            }
            0
        }
        Err(crate::scaffold::InitError::Exists(paths)) => {
            let list: Vec<String> = paths.iter().map(|p| crate::load::display_path(p)).collect();
            report::fatal(
                g,
                &format!("refusing to overwrite existing files: {}", list.join(", ")),
                Some("nothing was written; move them away or set the project up by hand"),
            )
        }
        Err(crate::scaffold::InitError::Io(p, e)) => report::fatal(
            g,
            &format!("cannot write `{}`: {e}", crate::load::display_path(&p)),
            None,
        ),
    }
}

fn explain(g: &GlobalArgs, project: &Project, spec: &std::path::Path) -> u8 {
    let outcome = pipeline::check_spec(project, spec);
    let checked = match outcome {
        Outcome::Checked(c) => c,
        Outcome::Unreadable { failure, .. } => {
            return report::fatal(g, &failure.message, Some(&failure.help));
        }
        Outcome::Invalid { diagnostics, .. } => {
            report::print(g, &diagnostics, 1);
            return 1;
        }
    };
    let explanation = crate::explain::explain(&checked);
    match g.format {
        Format::Json | Format::Sarif => {
            println!(
                "{}",
                serde_json::to_string_pretty(&explanation).expect("JSON")
            );
        }
        Format::Human => print!("{}", crate::explain::render_text(&explanation)),
    }
    let mut diags = checked.diagnostics.clone();
    diagnostics::sort_and_dedup(&mut diags);
    if !diags.is_empty() && g.format == Format::Human {
        report::print(g, &diags, 1);
    }
    if diags.iter().any(|d| d.severity == Severity::Error) {
        1
    } else {
        0
    }
}

/// Compare a live server with its spec: 0 no drift, 1 drift (or a spec with errors), 2 no
/// server to compare with (address, TLS, credentials) or a usage problem.
#[allow(clippy::too_many_arguments)]
fn verify(
    g: &GlobalArgs,
    project: &Project,
    spec: &std::path::Path,
    url: &str,
    password_env: Option<&str>,
    tls_ca: Option<&std::path::Path>,
    timeout_ms: u64,
) -> u8 {
    use crate::verify;
    let endpoint = match verify::Endpoint::parse(url) {
        Ok(e) => e,
        Err(bad) => return report::fatal(g, &bad.message, Some(&bad.help)),
    };
    let env_name = password_env.unwrap_or("REDIS_PASSWORD");
    let from_env = match std::env::var(env_name) {
        Ok(v) => Some(verify::Secret::new(v)),
        Err(std::env::VarError::NotPresent) if password_env.is_none() => None,
        Err(std::env::VarError::NotPresent) => {
            return report::fatal(
                g,
                &format!("--password-env names `{env_name}`, which is not set"),
                Some("export the variable, or leave --password-env out to use REDIS_PASSWORD"),
            );
        }
        Err(std::env::VarError::NotUnicode(_)) => {
            return report::fatal(g, &format!("`{env_name}` is not UTF-8 text"), None);
        }
    };
    let endpoint = endpoint.or_password(from_env);
    if timeout_ms == 0 {
        return report::fatal(
            g,
            "--timeout-ms must be at least 1",
            Some("it bounds the connect and every command, e.g. --timeout-ms 5000"),
        );
    }
    let tls_ca = match (tls_ca, endpoint.tls) {
        (None, _) => None,
        (Some(_), false) => {
            return report::fatal(
                g,
                "--tls-ca is for TLS connections, and the URL is redis://",
                Some("use rediss:// to connect with TLS, or leave --tls-ca out"),
            );
        }
        (Some(path), true) => match std::fs::read(path) {
            Ok(pem) => Some(pem),
            Err(e) => {
                return report::fatal(
                    g,
                    &format!(
                        "cannot read --tls-ca `{}`: {e}",
                        crate::load::display_path(path)
                    ),
                    Some("pass the PEM file of the CA that signed the server's certificate"),
                );
            }
        },
    };
    let options = verify::Options {
        tls_ca,
        timeout: std::time::Duration::from_millis(timeout_ms),
    };

    let checked = match pipeline::check_spec(project, spec) {
        pipeline::Outcome::Checked(c) => c,
        pipeline::Outcome::Unreadable { failure, .. } => {
            return report::fatal(g, &failure.message, Some(&failure.help));
        }
        pipeline::Outcome::Invalid { diagnostics, .. } => {
            report::print(g, &diagnostics, 1);
            return 1;
        }
    };
    if checked.has_errors() {
        let mut diags = checked.diagnostics.clone();
        diagnostics::sort_and_dedup(&mut diags);
        report::print(g, &diags, 1);
        if g.format == Format::Human {
            eprintln!("the spec has errors: fix them before comparing a server with it");
        }
        return 1;
    }

    let found = match verify::verify(&checked, &endpoint, &options) {
        Ok(r) => r,
        Err(unreachable) => return report::fatal(g, &unreachable.reason, Some(&unreachable.help)),
    };
    let spec_shown = checked.loaded.display_path().to_string();
    report::print_verify(g, &found, &spec_shown);
    u8::from(found.has_drift())
}
