//! `cachegen rules`: every code cachegen reports (input, drift, health, and the rules by family), or
//! one of them in full, with a failing and a passing example for a rule.

use super::Problem;
use crate::diagnostics::{SarifRule, Severity, codes};
use crate::rules::{Tiers, catalog};
use std::fmt::Write;

/// Every code as SARIF describes it (`tool.driver.rules`): its help in plain text (what
/// `cachegen rules CODE` prints) and in Markdown (what code scanning shows beside an alert),
/// and tags: `cachegen`, its family, and `security` for the tier policy.
pub fn sarif_rules() -> Vec<SarifRule> {
    catalog::rule_infos()
        .into_iter()
        .map(|info| {
            let rule = catalog::rule(info.code);
            let mut tags = vec!["cachegen"];
            match rule {
                Some(r) => {
                    tags.push(r.family.as_str());
                    if r.family == crate::rules::Family::Policy {
                        tags.push("security");
                    }
                }
                None if info.code.starts_with("CG80") => tags.push("drift"),
                None => tags.push("input"),
            }
            SarifRule {
                info,
                help_text: format!(
                    "{}\n`cachegen rules {}` prints this help.\n",
                    describe(info.code).unwrap_or_default().trim_end(),
                    info.code
                ),
                help_markdown: markdown(info.code).unwrap_or_default(),
                tags,
            }
        })
        .collect()
}

/// Where the rules are documented, for SARIF's `helpUri`: `docs/rules.md` of the version that
/// runs, in cachegen's repository (`repository` in Cargo.toml). Without a repository there is
/// no address to give, and the log carries the help itself (`help.markdown`).
pub fn help_uri() -> Option<String> {
    let repo = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    (!repo.is_empty()).then(|| format!("{repo}/blob/v{}/docs/rules.md", env!("CARGO_PKG_VERSION")))
}

/// One code in Markdown: what `describe` says, as code scanning shows it beside an alert.
pub fn markdown(code: &str) -> Result<String, Problem> {
    let code = code.to_ascii_uppercase();
    let mut s = String::new();
    if let Some(r) = catalog::rule(&code) {
        let _ = writeln!(s, "**{}** `{}` ({} rule)\n", r.summary, r.name, r.family);
        let _ = writeln!(s, "{}\n", r.rationale);
        let _ = writeln!(s, "Severity: {}.\n", tiers_text(&r.severity));
        let _ = writeln!(
            s,
            "Fails (tier {}):\n\n```yaml\n{}\n```\n",
            r.examples.tier.as_str(),
            r.examples.failing
        );
        let _ = writeln!(s, "Passes:\n\n```yaml\n{}\n```\n", r.examples.passing);
        let _ = writeln!(
            s,
            "To accept it for one spec, waive it with the reason (kept in the generated files):\n\n```yaml\npolicy:\n  exceptions:\n    - {{ rule: {}, reason: \"...\" }}\n```\n\nTo change its severity for the whole project: `{} = \"error\"` (or `warning`, `note`, `off`) under `[rules]` in cachegen.toml.",
            r.code, r.code
        );
    } else if let Some(c) = codes::INPUT.iter().find(|c| c.code == code) {
        let _ = writeln!(s, "**{}** `{}` (input)\n", c.summary, c.name);
        if c.rationale != c.summary {
            let _ = writeln!(s, "{}\n", c.rationale);
        }
        let _ = writeln!(
            s,
            "Input problems stop a spec before its rules run; they cannot be waived."
        );
    } else if let Some(c) = codes::DRIFT.iter().find(|c| c.code == code) {
        let _ = writeln!(
            s,
            "**{}** `{}` (drift, reported by `cachegen verify`)\n\n{}\n\nDrift is fixed on the server (or by changing the spec); it cannot be waived.",
            c.summary, c.name, c.rationale
        );
    } else {
        return Err(Problem::bare(format!("no rule `{code}`")));
    }
    Ok(s)
}

/// Every rule as data: code, name, family, summary, rationale, severity per tier.
pub fn catalog_json() -> serde_json::Value {
    let tier = |s: Option<Severity>| s.map(Severity::as_str);
    let rules: Vec<serde_json::Value> = catalog::RULES
        .iter()
        .map(|r| {
            serde_json::json!({
                "code": r.code, "name": r.name, "family": r.family, "summary": r.summary,
                "rationale": r.rationale,
                "severity": {
                    "development": tier(r.severity.development),
                    "staging": tier(r.severity.staging),
                    "production": tier(r.severity.production),
                },
            })
        })
        .collect();
    serde_json::json!({
        "format_version": crate::diagnostics::FORMAT_VERSION,
        "rules": rules,
    })
}

/// Every code for people: input and drift codes, then the rules by family with a severity
/// column per tier.
pub fn catalog_text() -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Input codes (cannot be waived):");
    for c in codes::INPUT {
        let _ = writeln!(s, "  {}  {:<28} {}", c.code, c.name, c.summary);
    }
    let _ = writeln!(
        s,
        "\nDrift codes of `cachegen verify` (a live server against its spec):"
    );
    for c in codes::DRIFT {
        let _ = writeln!(s, "  {}  {:<28} {}", c.code, c.name, c.summary);
    }
    let _ = writeln!(
        s,
        "\nHealth codes of `cachegen verify` (a live server against `monitoring.alerts`):"
    );
    for c in codes::HEALTH {
        let _ = writeln!(s, "  {}  {:<28} {}", c.code, c.name, c.summary);
    }
    let _ = writeln!(
        s,
        "\nChange impact codes of `cachegen impact` (what a change does to live caches):"
    );
    for c in codes::IMPACT {
        let _ = writeln!(s, "  {}  {:<28} {}", c.code, c.name, c.summary);
    }
    let mut family = "";
    for r in catalog::RULES {
        if r.family.as_str() != family {
            family = r.family.as_str();
            let _ = writeln!(s, "\nRules: {family}");
        }
        let sev = |s: Option<Severity>| match s {
            Some(Severity::Error) => "E",
            Some(Severity::Warning) => "W",
            Some(Severity::Note) => "N",
            None => "-",
        };
        let _ = writeln!(
            s,
            "  {}  {:<36} {}{}{}  {}",
            r.code,
            r.name,
            sev(r.severity.development),
            sev(r.severity.staging),
            sev(r.severity.production),
            r.summary
        );
    }
    let _ = writeln!(
        s,
        "\nSeverity columns: development, staging, production (E error, W warning, N note, - off)."
    );
    let _ = writeln!(
        s,
        "`cachegen rules CODE` explains a rule with a failing and a passing example."
    );
    s
}

/// One code in full, for people. `code` may be written in lower case.
pub fn describe(code: &str) -> Result<String, Problem> {
    let code = code.to_ascii_uppercase();
    let mut s = String::new();
    if let Some(r) = catalog::rule(&code) {
        let _ = writeln!(s, "{} {}  ({} rule)\n", r.code, r.name, r.family);
        let _ = writeln!(s, "{}\n", r.summary);
        let _ = writeln!(s, "Severity: {}\n", tiers_text(&r.severity));
        let _ = writeln!(s, "Why:\n  {}\n", r.rationale);
        if let Some(previous) = r.examples.previous {
            let _ = writeln!(
                s,
                "Last rendered with (generated/<environment>/rendered.toml):\n{}\n",
                indent(previous)
            );
        }
        let _ = writeln!(
            s,
            "Fails (tier {}):\n{}\n",
            r.examples.tier.as_str(),
            indent(r.examples.failing)
        );
        let _ = writeln!(s, "Passes:\n{}\n", indent(r.examples.passing));
        let _ = writeln!(
            s,
            "Waive it for one spec, with a reason that is kept in the generated files:"
        );
        let _ = writeln!(
            s,
            "  policy:\n    exceptions:\n      - {{ rule: {}, reason: \"...\" }}",
            r.code
        );
    } else if let Some(c) = codes::INPUT.iter().find(|c| c.code == code) {
        let _ = writeln!(
            s,
            "{} {}  (input)\n\n{}\n\nInput problems stop a spec before rules run; they cannot be waived.",
            c.code, c.name, c.summary
        );
    } else if let Some(c) = codes::DRIFT.iter().find(|c| c.code == code) {
        let _ = writeln!(
            s,
            "{} {}  (drift, reported by `cachegen verify`)\n\n{}\n\nWhy:\n  {}\n\nVerify compares a live server with its spec; drift is fixed on the server (or by changing the spec), it cannot be waived.",
            c.code, c.name, c.summary, c.rationale
        );
    } else if let Some(c) = codes::HEALTH.iter().find(|c| c.code == code) {
        let _ = writeln!(
            s,
            "{} {}  (health, reported by `cachegen verify`)\n\n{}\n\nWhy:\n  {}\n\nVerify judges a live server's INFO against the thresholds of `monitoring.alerts`; change a threshold there, or switch it off with `false`.",
            c.code, c.name, c.summary, c.rationale
        );
    } else if let Some(c) = codes::IMPACT.iter().find(|c| c.code == code) {
        let _ = writeln!(
            s,
            "{} {}  (change impact, reported by `cachegen impact`)\n\n{}\n\nWhy:\n  {}\n\nImpact describes a change, not a spec: nothing waives it. A replacement or deletion in production passes when the spec says why, with `policy.accept_replacement: \"<reason>\"` (remove it in a later change).",
            c.code, c.name, c.summary, c.rationale
        );
    } else {
        let all = catalog::RULES
            .iter()
            .map(|r| r.code)
            .chain(codes::INPUT.iter().map(|c| c.code))
            .chain(codes::DRIFT.iter().map(|c| c.code))
            .chain(codes::HEALTH.iter().map(|c| c.code))
            .chain(codes::IMPACT.iter().map(|c| c.code));
        let help = crate::spec::schema::did_you_mean(&code, all)
            .map(|s| format!("did you mean {s}?"))
            .unwrap_or_else(|| "`cachegen rules` lists every code".to_string());
        return Err(Problem::new(format!("no rule `{code}`"), help));
    }
    Ok(s)
}

fn tiers_text(t: &Tiers) -> String {
    let f = |s: Option<Severity>| s.map(|s| s.as_str()).unwrap_or("off");
    format!(
        "development: {}, staging: {}, production: {}",
        f(t.development),
        f(t.staging),
        f(t.production)
    )
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
