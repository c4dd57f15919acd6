//! The impact report for people (stderr), for a pull request (Markdown, a summary table first
//! and the details folded), for machines (JSON, documented in the README) and for code
//! scanning (SARIF: a replacement or deletion in production is an error, a restart or a
//! staged change a warning, at the spec line that causes it).

use super::{EnvironmentImpact, Finding, Report, Status};
use crate::diagnostics::{Diagnostic, Severity, codes};
use crate::settings::Effect;
use serde_json::{Value, json};
use std::fmt::Write;

/// The marker a CI job finds its own pull-request comment by.
pub const COMMENT_MARKER: &str = "<!-- cachegen-impact -->";

/// GitHub refuses a comment longer than 65,536 characters; the details stop before that.
const MARKDOWN_BUDGET: usize = 60_000;

impl Report {
    /// One line for the end of every format: what the change does in a few words.
    pub fn verdict(&self) -> String {
        let changed = self.changed().count();
        if changed == 0 {
            return "no changes".into();
        }
        let blocking = self.blocking();
        let envs = format!(
            "{changed} environment{} change{}",
            plural(changed),
            if changed == 1 { "s" } else { "" }
        );
        if blocking > 0 {
            format!(
                "{envs}; {blocking} replacement{} or deletion{} in production that no `policy.accept_replacement` acknowledges",
                plural(blocking),
                plural(blocking)
            )
        } else {
            format!("{envs}; nothing in production is replaced or deleted without acknowledgment")
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn setting_change(f: &Finding) -> String {
    match (&f.old, &f.new) {
        (None, None) => String::new(),
        (o, n) => format!(
            "{} -> {}",
            o.as_deref().unwrap_or("(unset)"),
            n.as_deref().unwrap_or("(unset)")
        ),
    }
}

fn location_text(f: &Finding) -> String {
    match &f.location {
        Some(p) => format!(
            "{}:{}:{}{}",
            p.file,
            p.line,
            p.column,
            if p.in_base { " (base)" } else { "" }
        ),
        None => String::new(),
    }
}

/// Human text, for stderr. Unchanged environments are counted, not listed.
pub fn human(report: &Report, quiet: bool) -> String {
    let mut s = String::new();
    if !quiet {
        let _ = writeln!(s, "impact of the change against {}", report.base);
    }
    for env in report.changed() {
        let blocking = env.blocking();
        if quiet && blocking.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "\n{} (tier {}, {}): {}",
            env.environment,
            env.tier.as_str(),
            env.spec,
            status_text(env)
        );
        for f in &env.findings {
            if quiet && !blocking.iter().any(|b| std::ptr::eq(*b, f)) {
                continue;
            }
            let resource = if f.resource.is_empty() {
                "-"
            } else {
                &f.resource
            };
            let _ = writeln!(
                s,
                "  {:<8} {:<11} {resource}",
                f.effect.as_str(),
                f.target.as_str()
            );
            let change = setting_change(f);
            let _ = writeln!(
                s,
                "           {}{}{}",
                f.cause.label(),
                if change.is_empty() { "" } else { ": " },
                change
            );
            let loc = location_text(f);
            if !loc.is_empty() {
                let _ = writeln!(s, "           at {loc}");
            }
            for a in &f.arguments {
                if f.arguments.len() > 1 || f.old.is_none() {
                    let _ = writeln!(
                        s,
                        "           {} {}: {} -> {}",
                        a.effect.as_str(),
                        a.name,
                        short(a.old.as_deref().unwrap_or("(unset)")),
                        short(a.new.as_deref().unwrap_or("(unset)"))
                    );
                }
            }
            let _ = writeln!(s, "           {}", f.reason);
            for (i, step) in f.steps.iter().enumerate() {
                let _ = writeln!(s, "           {}. {step}", i + 1);
            }
        }
        for n in &env.notes {
            let _ = writeln!(s, "  note: {n}");
        }
        if let Some(p) = &env.stale_acknowledgment {
            let _ = writeln!(
                s,
                "  warning: `policy.accept_replacement` at {}:{}:{} was already in the base: it acknowledges nothing in this change; remove it",
                p.file, p.line, p.column
            );
        }
        if let Some(reason) = &env.acknowledged
            && env
                .findings
                .iter()
                .any(|f| matches!(f.effect, Effect::Replace | Effect::Delete))
        {
            let _ = writeln!(
                s,
                "  acknowledged by `policy.accept_replacement`: {}",
                one_line(reason)
            );
        }
    }
    let unchanged = report.environments.len() - report.changed().count();
    if !quiet && unchanged > 0 && report.changed().count() > 0 {
        let _ = writeln!(
            s,
            "\n{unchanged} environment{} unchanged",
            plural(unchanged)
        );
    }
    if report.blocking() > 0 {
        let _ = writeln!(s, "\nerror: {}", report.verdict());
        let _ = writeln!(
            s,
            "help: if this is intended, say why in the spec with `policy.accept_replacement: \"<reason>\"` (and remove it in a later change); otherwise change the spec so that nothing is replaced"
        );
    } else if !quiet {
        let _ = writeln!(s, "\n{}", report.verdict());
    }
    // Names and values come from the specs and files of a pull request: nothing of them may
    // move the cursor or end a line.
    s.chars()
        .map(|c| if c != '\n' && invisible(c) { ' ' } else { c })
        .collect()
}

/// A long value cut for a terminal line (the JSON and Markdown reports keep it whole).
fn short(s: &str) -> String {
    const MAX: usize = 100;
    let s = one_line(s);
    if s.chars().count() <= MAX {
        return s;
    }
    let cut: String = s.chars().take(MAX).collect();
    format!("{cut}...")
}

fn status_text(env: &EnvironmentImpact) -> String {
    match &env.status {
        Status::NotJudged(why) => format!("not judged: {why}"),
        Status::Changed => {
            let counts: Vec<String> = Effect::BY_SEVERITY
                .iter()
                .filter_map(|e| {
                    let n = env.count(*e);
                    (n > 0).then(|| format!("{n} {}", e.as_str()))
                })
                .collect();
            format!("changed ({})", counts.join(", "))
        }
        other => other.as_str().to_string(),
    }
}

/// Text on one line, with nothing that a terminal or a renderer reads as a line break, an
/// escape sequence or a change of direction.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if invisible(c) { ' ' } else { c })
        .collect()
}

fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text in a Markdown table cell, on one line, with nothing a pull-request comment would turn
/// into markup, a link, an image or a mention (spec values and file contents may come from a
/// hostile pull request).
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("&#64;"),
            c => out.push(c),
        }
    }
    out
}

/// Text inside an HTML element (the `<summary>` of a folded section, where Markdown is not
/// read): escaped, on one line.
fn html(s: &str) -> String {
    one_line(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('@', "&#64;")
}

/// A value as a code span: shown as written (no markup, link or mention happens inside one);
/// `|` is escaped for the table, and a value holding backquotes gets a longer fence.
fn code(s: &str) -> String {
    let text = one_line(s).replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    if text.contains('`') {
        let fence = "`".repeat(longest + 1);
        format!("{fence} {text} {fence}")
    } else if text.is_empty() {
        "` `".into()
    } else {
        format!("`{text}`")
    }
}

/// Prose of cachegen's own (reasons, steps): backquoted names become code spans, the rest is
/// escaped.
fn prose(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in s.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str(&code(part));
        } else {
            out.push_str(&md(part));
        }
    }
    out
}

fn effect_badge(e: Effect) -> &'static str {
    match e {
        Effect::Replace => "🔴 replace",
        Effect::Delete => "🔴 delete",
        Effect::Staged => "🟠 staged",
        Effect::Restart => "🟡 restart",
        Effect::Update => "🟢 update",
        Effect::None => "⚪ none",
        Effect::Create => "🔵 create",
    }
}

/// A pull-request comment: the marker, a summary table, then each environment's findings
/// folded.
pub fn markdown(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{COMMENT_MARKER}");
    let _ = writeln!(s, "### cachegen impact\n");
    let _ = writeln!(
        s,
        "Compared with {}.\n",
        prose(&format!("`{}`", report.base))
    );
    if report.changed().count() == 0 {
        let _ = writeln!(
            s,
            "**No changes**: no environment's live resources change ({} environment{} compared).",
            report.environments.len(),
            plural(report.environments.len())
        );
        return s;
    }
    let blocking = report.blocking();
    if blocking > 0 {
        let _ = writeln!(
            s,
            "> [!CAUTION]\n> {} in production would destroy data or endpoints. If that is intended, say why in the spec with `policy.accept_replacement` (and remove it in a later change).\n",
            if blocking == 1 {
                "1 replacement or deletion".to_string()
            } else {
                format!("{blocking} replacements or deletions")
            }
        );
    }
    let _ = writeln!(
        s,
        "| environment | tier | replace | delete | staged | restart | update | none | create | verdict |"
    );
    let _ = writeln!(
        s,
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    );
    for env in report.changed() {
        let n = |e: Effect| match env.count(e) {
            0 => "·".to_string(),
            k => k.to_string(),
        };
        let verdict = match &env.status {
            Status::NotJudged(_) => "❔ not judged".to_string(),
            Status::Created => "🔵 new environment".to_string(),
            _ if !env.blocking().is_empty() => "⛔ blocks: data lost in production".to_string(),
            _ if env.acknowledged.is_some()
                && env
                    .findings
                    .iter()
                    .any(|f| matches!(f.effect, Effect::Replace | Effect::Delete)) =>
            {
                "⚠️ replacement acknowledged".to_string()
            }
            Status::Deleted => "🔴 environment removed".to_string(),
            _ => env
                .worst()
                .map(|w| effect_badge(w).to_string())
                .unwrap_or_default(),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            code(&env.environment),
            env.tier.as_str(),
            n(Effect::Replace),
            n(Effect::Delete),
            n(Effect::Staged),
            n(Effect::Restart),
            n(Effect::Update),
            n(Effect::None),
            n(Effect::Create),
            verdict
        );
    }
    let unchanged = report.environments.len() - report.changed().count();
    if unchanged > 0 {
        let _ = writeln!(
            s,
            "\n{unchanged} other environment{} unchanged.",
            plural(unchanged)
        );
    }
    let mut truncated = 0;
    for env in report.changed() {
        let mut d = String::new();
        let _ = writeln!(
            d,
            "\n<details{}><summary><b>{}</b> ({}, <code>{}</code>): {}</summary>\n",
            if env.blocking().is_empty() {
                ""
            } else {
                " open"
            },
            html(&env.environment),
            env.tier.as_str(),
            html(&env.spec),
            html(&status_text(env))
        );
        if let Status::NotJudged(why) = &env.status {
            let _ = writeln!(d, "{}\n", prose(why));
        }
        if let Some(reason) = &env.acknowledged {
            let _ = writeln!(
                d,
                "Replacement acknowledged by {}: {}\n",
                code("policy.accept_replacement"),
                code(&one_line(reason))
            );
        }
        if let Some(p) = &env.stale_acknowledgment {
            let _ = writeln!(
                d,
                "⚠️ {} at {} was already in the base: it acknowledges nothing in this change; remove it.\n",
                code("policy.accept_replacement"),
                code(&format!("{}:{}", p.file, p.line))
            );
        }
        if !env.findings.is_empty() {
            let _ = writeln!(
                d,
                "| effect | target | resource | setting | change | spec line | why |"
            );
            let _ = writeln!(d, "| --- | --- | --- | --- | --- | --- | --- |");
            for f in &env.findings {
                let change = if f.old.is_some() || f.new.is_some() {
                    format!(
                        "{} → {}",
                        code(f.old.as_deref().unwrap_or("(unset)")),
                        code(f.new.as_deref().unwrap_or("(unset)"))
                    )
                } else {
                    f.arguments
                        .iter()
                        .map(|a| {
                            format!(
                                "{}: {} → {}",
                                code(&a.name),
                                code(a.old.as_deref().unwrap_or("(unset)")),
                                code(a.new.as_deref().unwrap_or("(unset)"))
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("<br>")
                };
                let mut why = prose(&f.reason);
                // The arguments the reason does not name, so that none goes unseen.
                let unnamed: Vec<String> = f
                    .arguments
                    .iter()
                    .filter(|a| !matches!(a.name.as_str(), "value" | "contents"))
                    .filter(|a| !f.reason.contains(&format!("`{}`", a.name)))
                    .map(|a| code(&a.name))
                    .collect();
                if !unnamed.is_empty() && (f.old.is_some() || f.new.is_some()) {
                    let _ = write!(why, " (also changes {})", unnamed.join(", "));
                }
                for (i, step) in f.steps.iter().enumerate() {
                    let _ = write!(why, "<br>{}. {}", i + 1, prose(step));
                }
                let _ = writeln!(
                    d,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    effect_badge(f.effect),
                    f.target.as_str(),
                    if f.resource.is_empty() {
                        "—".to_string()
                    } else {
                        code(&f.resource)
                    },
                    code(&f.cause.label()),
                    change,
                    f.location
                        .as_ref()
                        .map(|p| code(&format!(
                            "{}:{}{}",
                            p.file,
                            p.line,
                            if p.in_base { " (base)" } else { "" }
                        )))
                        .unwrap_or_default(),
                    why
                );
            }
        }
        for note in &env.notes {
            let _ = writeln!(d, "\nNote: {}", prose(note));
        }
        let _ = writeln!(d, "\n</details>");
        if s.len() + d.len() > MARKDOWN_BUDGET {
            truncated += 1;
            continue;
        }
        s.push_str(&d);
    }
    if truncated > 0 {
        let _ = writeln!(
            s,
            "\n{truncated} environment{} left out to keep the comment within GitHub's limit: run `cachegen impact` for every detail.",
            plural(truncated)
        );
    }
    let _ = writeln!(s, "\n{}", prose(&report.verdict()));
    s
}

fn finding_json(f: &Finding) -> Value {
    json!({
        "target": f.target.as_str(),
        "resource": if f.resource.is_empty() { Value::Null } else { Value::from(f.resource.clone()) },
        "setting": f.cause.setting(),
        "cause": f.cause.kind(),
        "effect": f.effect.as_str(),
        "old": f.old,
        "new": f.new,
        "arguments": f.arguments.iter().map(|a| json!({
            "name": a.name, "old": a.old, "new": a.new, "effect": a.effect.as_str(),
        })).collect::<Vec<_>>(),
        "location": f.location.as_ref().map(|p| json!({
            "file": p.file, "line": p.line, "column": p.column,
            "revision": if p.in_base { "base" } else { "head" },
        })),
        "reason": f.reason,
        "steps": f.steps,
    })
}

/// The machine document (the README's "Change impact" section documents it).
pub fn json(report: &Report) -> String {
    let envs: Vec<Value> = report
        .environments
        .iter()
        .map(|e| {
            json!({
                "environment": e.environment,
                "tier": e.tier.as_str(),
                "spec": e.spec,
                "status": e.status.as_str(),
                "not_judged": match &e.status { Status::NotJudged(w) => Some(w.clone()), _ => None },
                "blocking": !e.blocking().is_empty(),
                "acknowledged": e.acknowledged,
                "stale_acknowledgment": e.stale_acknowledgment.as_ref().map(|p| json!({
                    "file": p.file, "line": p.line, "column": p.column,
                })),
                "changes": e.findings.iter().map(finding_json).collect::<Vec<_>>(),
                "notes": e.notes,
            })
        })
        .collect();
    let doc = json!({
        "impact_version": 1,
        "base": report.base,
        "verdict": report.verdict(),
        "blocking": report.blocking(),
        "environments": envs,
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("JSON of plain values");
    text.push('\n');
    text
}

/// The findings code scanning should show, as diagnostics: replacements and deletions (errors
/// in production unless acknowledged, else warnings), staged changes and restarts (warnings),
/// and an acknowledgment left from an earlier change.
pub fn diagnostics(report: &Report) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for env in report.changed() {
        let blocking = env.blocking();
        for f in &env.findings {
            let (code, severity) = match f.effect {
                Effect::Replace | Effect::Delete => (
                    if f.effect == Effect::Replace {
                        codes::IMPACT_REPLACE
                    } else {
                        codes::IMPACT_DELETE
                    },
                    if blocking.iter().any(|b| std::ptr::eq(*b, f)) {
                        Severity::Error
                    } else {
                        Severity::Warning
                    },
                ),
                Effect::Staged => (codes::IMPACT_STAGED, Severity::Warning),
                Effect::Restart => (codes::IMPACT_RESTART, Severity::Warning),
                _ => continue,
            };
            let change = setting_change(f);
            let resource = if f.resource.is_empty() {
                String::new()
            } else {
                format!(" {}", f.resource)
            };
            let mut message = format!(
                "{}: {} {}{resource} ({}{}{})",
                env.environment,
                f.effect.as_str(),
                f.target.as_str(),
                f.cause.label(),
                if change.is_empty() { "" } else { ": " },
                change
            );
            let _ = write!(message, ": {}", f.reason);
            let mut d = Diagnostic::new(code, severity, message)
                .at_opt(f.location.as_ref().and_then(|p| p.location.clone()));
            if !f.steps.is_empty() {
                d = d.help(
                    f.steps
                        .iter()
                        .enumerate()
                        .map(|(i, s)| format!("{}. {s}", i + 1))
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            } else if severity == Severity::Error {
                d = d.help("if this is intended, say why with `policy.accept_replacement: \"<reason>\"` in the spec (and remove it in a later change)");
            }
            out.push(d);
        }
        if let Some(p) = &env.stale_acknowledgment {
            out.push(
                Diagnostic::warning(
                    codes::IMPACT_STALE_ACKNOWLEDGMENT,
                    format!(
                        "{}: `policy.accept_replacement` was already in the base: it acknowledges nothing in this change",
                        env.environment
                    ),
                )
                .at_opt(p.location.clone())
                .help("remove it: it acknowledges only the change that adds it"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values from a pull request stay text in a comment: no table cell broken by `|`, no
    /// code span ended by a backquote, no mention, link, image or HTML.
    #[test]
    fn markdown_keeps_hostile_text_inert() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("x`y"), "`` x`y ``");
        assert_eq!(code("line\nbreak"), "`line break`");
        assert_eq!(code(""), "` `");
        let text = md("@admin [x](https://e.example) ![i](y) <img src=z> **b** | c");
        assert!(!text.contains('@'), "a mention survives in {text}");
        // A backslash before a punctuation character makes it a literal in CommonMark: every
        // character that starts markup must carry one.
        let mut previous = ' ';
        for c in text.chars() {
            if "[]!<>*|".contains(c) {
                assert_eq!(previous, '\\', "`{c}` unescaped in {text}");
            }
            previous = c;
        }
        assert_eq!(html("<b>&\"@"), "&lt;b&gt;&amp;&quot;&#64;");
        assert_eq!(prose("`a|b` @c"), "`a\\|b` &#64;c");
        assert_eq!(one_line("a\u{2028}b\u{202e}c\u{1b}[0m"), "a b c [0m");
    }
}
