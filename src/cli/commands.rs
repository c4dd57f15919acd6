//! One function per command: call the library with the resolved settings, print its report,
//! return how the run ended.

use super::Format;
use super::print::Printer;
use crate::app::render::{Comparison, Mode, Rendering, Written};
use crate::app::verify::{Server, VerifyReport};
use crate::app::{self, Outcome, Problem, Settings, explain::ExplainReport, validate::Checks};
use crate::diagnostics::Diagnostic;
use crate::diagnostics::text::{lines, one_line};
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn schema() -> Outcome {
    print!("{}", app::schema::text());
    Outcome::Clean
}

pub fn rules(p: &Printer, code: Option<&str>) -> Outcome {
    match code {
        None if p.format == Format::Json => {
            let all = app::rules::catalog_json();
            println!("{}", serde_json::to_string_pretty(&all).expect("JSON"));
        }
        None => print!("{}", app::rules::catalog_text()),
        Some(code) => match app::rules::describe(code) {
            Ok(text) => print!("{text}"),
            Err(problem) => return p.problem(&problem),
        },
    }
    Outcome::Clean
}

pub fn init(p: &Printer, dir: &Path) -> Outcome {
    match app::init::init(dir) {
        Ok(created) => {
            if !p.quiet {
                for f in &created.files {
                    eprintln!("created {}", one_line(f));
                }
                let at = if created.project_dir == "." {
                    String::new()
                } else {
                    format!(
                        " (from the repository root: `cachegen -C {} ...`)",
                        one_line(&created.project_dir)
                    )
                };
                eprintln!("next:");
                eprintln!(
                    "  1. add your environments under environments/ (your editor checks each spec against schema/){at}"
                );
                eprintln!(
                    "  2. `cachegen render`, which validates, then writes generated/<environment>/"
                );
                eprintln!(
                    "  3. commit everything above and generated/: CI ({}) runs `cachegen render --check`",
                    one_line(&created.workflow)
                );
                if created.needs_git_url {
                    eprintln!(
                        "  4. set CACHEGEN_GIT in {} to the Git URL your team installs cachegen from",
                        one_line(&created.workflow)
                    );
                }
            }
            Outcome::Clean
        }
        Err(problem) => p.problem(&problem),
    }
}

pub fn validate(p: &Printer, settings: &Settings, specs: &[PathBuf]) -> Outcome {
    let checks = match app::validate::validate(settings, specs) {
        Ok(c) => c,
        Err(problem) => return p.problem(&problem),
    };
    p.diagnostics(&reported(p, &checks), checks.specs.len());
    checks.outcome()
}

/// The diagnostics of checked specs, as a run reports them. A spec that cannot be read is
/// told at once on stderr; JSON and SARIF also carry it as a CG0050 error in the run's one
/// document, after the specs' diagnostics.
fn reported(p: &Printer, checks: &Checks) -> Vec<Diagnostic> {
    for problem in &checks.unreadable {
        super::print::problem_to_stderr(problem);
    }
    let mut diags = checks.diagnostics.clone();
    if !p.human() {
        diags.extend(checks.unreadable.iter().map(Problem::diagnostic));
    }
    diags
}

/// Human output shows the specs' diagnostics before what was written or found stale; JSON and
/// SARIF print one document per run, so they wait for the end, where `found` joins them. A
/// rendering that failed shows only its problem in human form.
pub fn render(p: &Printer, settings: &Settings, specs: &[PathBuf], mode: Mode) -> Outcome {
    let report = match app::render::render(settings, specs, mode) {
        Ok(r) => r,
        Err(problem) => return p.problem(&problem),
    };
    let diags = reported(p, &report.checks);
    let specs = report.checks.specs.len();
    let root = &report.output;
    match &report.rendering {
        Rendering::Refused => {
            p.diagnostics(&diags, specs);
            if report.outcome() == Outcome::ToFix && !p.quiet && p.human() {
                eprintln!("nothing was written: fix the errors above, then render again");
            }
        }
        Rendering::NotRendered(problem) => {
            p.problem_after(&diags, specs, problem);
        }
        Rendering::NotWritten(problem) => {
            if p.human() {
                p.diagnostics(&diags, specs);
            }
            p.problem_after(&diags, specs, problem);
        }
        Rendering::Written(written) => {
            // What was written, then every finding with one summary that counts them all
            // (a folder left behind is a warning too).
            if p.human() {
                print_written(p, root, written);
            }
            p.diagnostics(
                &[diags, written.orphans.clone(), written.notices.clone()].concat(),
                specs,
            );
        }
        Rendering::Compared(found) => {
            if p.human() {
                p.diagnostics(&diags, specs);
            }
            if let Err(problem) = print_comparison(p, root, found) {
                p.problem_after(&diags, specs, problem);
            } else if !p.human() {
                p.diagnostics(&[diags, found.stale.clone()].concat(), specs);
            }
        }
    }
    report.outcome()
}

/// What was written, on stderr.
fn print_written(p: &Printer, root: &str, written: &Written) {
    if p.quiet {
        return;
    }
    let mut err = std::io::stderr().lock();
    for env in &written.environments {
        let _ = writeln!(
            err,
            "wrote {}/ ({} files) from {}",
            one_line(&format!("{root}/{}", env.environment)),
            env.files,
            one_line(&env.source)
        );
    }
    for schema in &written.schemas {
        let _ = writeln!(err, "wrote {} (the schema editors read)", one_line(schema));
    }
}

/// `--check`: the diffs, then a verdict on stderr. The diffs are the report in human form
/// (stdout, for a CI log); with JSON or SARIF stdout is the document, so they go to stderr.
/// A folder that could not be read ends the report after the diffs before it.
fn print_comparison<'a>(p: &Printer, root: &str, found: &'a Comparison) -> Result<(), &'a Problem> {
    let mut diffs: Box<dyn Write> = if p.human() {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(std::io::stderr().lock())
    };
    for diff in &found.diffs {
        // A stale file on disk holds whatever a pull request put there: no terminal control
        // of it reaches the CI log.
        let _ = diffs.write_all(lines(diff).as_bytes());
    }
    let _ = diffs.write_all(lines(&found.schema_diffs).as_bytes());
    if let Some(problem) = &found.failure {
        return Err(problem);
    }
    for env in &found.orphans {
        let _ = writeln!(
            diffs,
            "extra: {}/ (no spec renders this environment any more)",
            one_line(&format!("{root}/{env}"))
        );
    }
    for t in &found.foreign_temporaries {
        let _ = writeln!(
            diffs,
            "not generated: {}, named like a cachegen temporary",
            one_line(t)
        );
    }
    drop(diffs);
    let envs = found.stale_environments();
    let not_generated = found.not_generated + found.foreign_temporaries.len();
    if !found.schemas.is_empty() {
        eprintln!(
            "error: the editor schemas are not this cachegen's ({}): {}",
            env!("CARGO_PKG_VERSION"),
            one_line(&found.schemas.join(", "))
        );
        if !found.is_stale() {
            eprintln!("help: run `cachegen render` and commit the result");
        }
    }
    if !found.is_stale() && found.schemas.is_empty() {
        if !p.quiet && p.human() {
            eprintln!(
                "generated files are up to date ({} environments)",
                found.environments
            );
        }
    } else if found.is_stale() {
        let foreign = if not_generated > 0 {
            format!(", {not_generated} not generated by cachegen")
        } else {
            String::new()
        };
        eprintln!(
            "error: generated files are stale: {} changed, {} missing, {} extra{foreign} in {envs} environment{}",
            found.changed,
            found.missing,
            found.extra_with_orphans(),
            if envs == 1 { "" } else { "s" }
        );
        // `render` leaves the folder of a removed environment alone (it may hold Terraform
        // state): deleting it is the team's step, and the help says so.
        if !found.diffs.is_empty() {
            eprintln!("help: run `cachegen render` and commit the result");
        }
        for env in &found.orphans {
            eprintln!(
                "help: `{}` belongs to an environment whose spec is gone: destroy what it provisioned, then delete the folder and commit (render never deletes it)",
                one_line(&format!("{root}/{env}"))
            );
        }
    }
    Ok(())
}

pub fn explain(p: &Printer, settings: &Settings, spec: &Path) -> Outcome {
    let report = match app::explain::explain(settings, spec) {
        Ok(r) => r,
        Err(problem) => return p.problem(&problem),
    };
    match &report {
        ExplainReport::Invalid(diags) => p.diagnostics(diags, 1),
        ExplainReport::Explained(e) => {
            match p.format {
                Format::Json | Format::Sarif | Format::Markdown => println!("{}", e.json()),
                Format::Human => print!("{}", lines(&e.text())),
            }
            // The machine formats print the explanation as their document; the spec's
            // diagnostics are `validate`'s.
            if !e.diagnostics.is_empty() && p.human() {
                p.diagnostics(&e.diagnostics, 1);
            }
        }
    }
    report.outcome()
}

pub fn verify(p: &Printer, settings: &Settings, spec: &Path, server: &Server) -> Outcome {
    let report = match app::verify::verify(settings, spec, server) {
        Ok(r) => r,
        Err(problem) => return p.problem(&problem),
    };
    match &report {
        VerifyReport::Invalid(diags) => p.diagnostics(diags, 1),
        VerifyReport::SpecHasErrors(diags) => {
            p.diagnostics(diags, 1);
            if p.human() {
                eprintln!("the spec has errors: fix them before comparing a server with it");
            }
        }
        VerifyReport::Compared { spec, found } => p.verify(found, spec),
    }
    report.outcome()
}

pub fn impact(p: &Printer, settings: &Settings, source: &app::impact::BaseSource) -> Outcome {
    let found = match app::impact::impact(settings, source) {
        Ok(r) => r,
        Err(problem) => return p.problem(&problem),
    };
    let report = &found.report;
    if !p.quiet {
        let mut err = std::io::stderr().lock();
        for s in &found.skipped {
            let _ = writeln!(err, "note: {s}");
        }
    }
    match p.format {
        Format::Human => {
            let _ = std::io::stderr()
                .lock()
                .write_all(crate::impact::report::human(report, p.quiet).as_bytes());
        }
        Format::Markdown => {
            let _ = std::io::stdout()
                .lock()
                .write_all(crate::impact::report::markdown(report).as_bytes());
            if !p.quiet {
                eprintln!("{}", report.verdict());
            }
        }
        Format::Json => {
            let _ = std::io::stdout()
                .lock()
                .write_all(crate::impact::report::json(report).as_bytes());
        }
        Format::Sarif => {
            let diags = crate::impact::report::diagnostics(report);
            let rules = app::rules::sarif_rules();
            let help_uri = app::rules::help_uri();
            let (repository, run_file) = p.project();
            let run = crate::diagnostics::SarifRun {
                rules: &rules,
                source_root: repository,
                run_file,
                help_uri: help_uri.as_deref(),
                successful: true,
            };
            let _ = std::io::stdout()
                .lock()
                .write_all(crate::diagnostics::render_sarif(&diags, &run).as_bytes());
            if !p.quiet {
                eprintln!("{}", report.verdict());
            }
        }
    }
    found.outcome()
}
