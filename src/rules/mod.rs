//! Rules judge a resolved spec and never write. One rule per file, grouped by family:
//! `spec/` (what any target needs), `aws/`, `azure/`, `gcp/`, `self_hosted/` (compose and
//! redis.conf), `policy/` (the tier policy) and `sizing/`. Each rule has a stable code, a
//! rationale, a severity per tier, and a failing and a passing example that the tests run.

use crate::diagnostics::codes;
pub mod aws;
pub mod azure;
pub mod capability;
pub mod catalog;
pub mod gcp;
pub mod policy;
pub mod self_hosted;
pub mod sizing;
pub mod spec;

use crate::diagnostics::{Diagnostic, Location, Severity};
use crate::load::LoadedSpec;
use crate::plan::record::Record;
use crate::plan::{Accepted, Plan, Waived};
use crate::settings::{Capabilities, Platform};
use crate::spec::{Spec, Tier};
use std::collections::BTreeMap;

/// What a rule sees: the typed spec (what was written), the plan (with defaults), the source
/// tree (where it was written), and what each listed platform does with each setting (computed
/// by the targets before the rules run, so that a rule never asks a target).
pub struct Context<'a> {
    pub spec: &'a Spec,
    pub plan: &'a Plan,
    pub loaded: &'a LoadedSpec,
    pub capabilities: &'a Capabilities,
    /// What the environment was last rendered with (`generated/<env>/rendered.toml`), for the
    /// rules that judge a change rather than a spec; `None` on a first rendering.
    pub previous: Option<&'a Record>,
}

/// A rule's family: its folder, and which platform's files its waivers concern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// What any target needs.
    Spec,
    Aws,
    Azure,
    Gcp,
    /// The compose stack and its redis.conf.
    SelfHosted,
    /// The tier policy.
    Policy,
    Sizing,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Spec => "spec",
            Family::Aws => "aws",
            Family::Azure => "azure",
            Family::Gcp => "gcp",
            Family::SelfHosted => "self-hosted",
            Family::Policy => "policy",
            Family::Sizing => "sizing",
        }
    }

    /// The platforms a rule of this family is about; `None` for rules about every platform.
    pub fn platforms(self) -> Option<&'static [Platform]> {
        match self {
            Family::Aws => Some(&[Platform::Aws]),
            Family::Azure => Some(&[Platform::AzureCache, Platform::AzureManaged]),
            Family::Gcp => Some(&[Platform::Gcp]),
            Family::SelfHosted => Some(&[Platform::Compose]),
            Family::Spec | Family::Policy | Family::Sizing => None,
        }
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Context<'_> {
    /// The place of a setting, or of the nearest section that would hold it.
    pub fn loc(&self, pointer: &str) -> Location {
        self.loaded.locate(pointer)
    }

    /// Whether the spec (or a base it extends) writes this setting.
    pub fn is_set(&self, pointer: &str) -> bool {
        self.loaded.root.is_set(pointer)
    }
}

/// One problem a rule found.
pub struct Finding {
    pub location: Location,
    pub message: String,
    pub help: String,
    pub related: Vec<(String, Location)>,
    /// A protection the listed platform can never give, which the spec did not ask for (it
    /// came with the tier): a warning at most, naming the residual risk, so that a spec that
    /// follows the platform guide validates without waivers. `[rules]` in cachegen.toml can
    /// make it an error again.
    pub platform_limit: bool,
}

impl Finding {
    pub fn new(location: Location, message: impl Into<String>, help: impl Into<String>) -> Finding {
        Finding {
            location,
            message: message.into(),
            help: help.into(),
            related: Vec::new(),
            platform_limit: false,
        }
    }

    /// See [`Finding::platform_limit`].
    pub fn platform_limit(mut self) -> Finding {
        self.platform_limit = true;
        self
    }

    pub fn related(mut self, message: impl Into<String>, location: Location) -> Finding {
        self.related.push((message.into(), location));
        self
    }
}

/// Severity of a rule in each tier (`None`: the rule does not apply there).
#[derive(Clone, Copy, Debug)]
pub struct Tiers {
    pub development: Option<Severity>,
    pub staging: Option<Severity>,
    pub production: Option<Severity>,
}

impl Tiers {
    pub const fn all(s: Severity) -> Tiers {
        Tiers {
            development: Some(s),
            staging: Some(s),
            production: Some(s),
        }
    }

    pub fn get(&self, tier: Tier) -> Option<Severity> {
        match tier {
            Tier::Development => self.development,
            Tier::Staging => self.staging,
            Tier::Production => self.production,
        }
    }

    /// The most severe level in any tier, for SARIF's default level.
    pub fn strongest(&self) -> Severity {
        [self.development, self.staging, self.production]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(Severity::Note)
    }
}

/// A failing and a passing example of a rule: YAML merged over `base_spec(tier)`.
#[derive(Clone, Copy, Debug)]
pub struct Examples {
    pub tier: Tier,
    pub failing: &'static str,
    pub passing: &'static str,
    /// For a rule about a change: what the spec was last rendered with, merged over the same
    /// base (the failing and passing examples are the next spec).
    pub previous: Option<&'static str>,
}

pub struct Rule {
    pub code: &'static str,
    /// kebab-case name, e.g. `shards-without-cluster`.
    pub name: &'static str,
    /// Which family (folder) the rule belongs to.
    pub family: Family,
    pub summary: &'static str,
    pub rationale: &'static str,
    pub severity: Tiers,
    pub check: fn(&Context) -> Vec<Finding>,
    pub examples: Examples,
}

/// Project-wide severity overrides (`[rules]` in cachegen.toml): a level or `off`.
pub type Overrides = BTreeMap<String, Option<Severity>>;

/// Run every rule on a spec. Waived findings are dropped; exceptions that waive nothing, or
/// name no rule, are reported.
pub fn check(cx: &Context, overrides: &Overrides) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut used = vec![false; cx.plan.exceptions.len()];
    for rule in catalog::RULES {
        let overridden = overrides.get(rule.code).copied();
        let severity = match overridden {
            Some(o) => o,
            None => rule.severity.get(cx.plan.tier),
        };
        let Some(severity) = severity else { continue };
        for f in (rule.check)(cx) {
            if let Some(i) = cx.plan.exceptions.iter().position(|e| e.rule == rule.code) {
                used[i] = true;
                continue;
            }
            // The project's own severity wins; the tier's stops at a warning for a limit of
            // the platform that the spec did not ask to be protected against.
            let severity = if f.platform_limit && overridden.is_none() {
                severity.min(Severity::Warning)
            } else {
                severity
            };
            let mut d = Diagnostic::new(rule.code, severity, f.message)
                .at(f.location)
                .help(f.help);
            for (m, l) in f.related {
                d = d.related(m, l);
            }
            out.push(d);
        }
    }
    for (i, e) in cx.plan.exceptions.iter().enumerate() {
        let ptr = format!("/policy/exceptions/{i}/rule");
        if catalog::rule(&e.rule).is_none() {
            let d = Diagnostic::error(
                codes::UNKNOWN_EXCEPTION,
                format!(
                    "the exception names `{}`, which is not a rule that can be waived",
                    e.rule
                ),
            )
            .at(cx.loc(&ptr));
            let known = catalog::RULES.iter().map(|r| r.code);
            out.push(match crate::spec::schema::did_you_mean(&e.rule, known) {
                Some(s) => d.help(format!(
                    "did you mean `{s}`? `cachegen rules` lists every rule"
                )),
                None => d.help(
                    "`cachegen rules` lists every rule; input errors (CG00xx) cannot be waived",
                ),
            });
        } else if !used[i] {
            out.push(
                Diagnostic::warning(
                    codes::UNUSED_EXCEPTION,
                    format!(
                        "the exception for `{}` waives nothing: the rule passes",
                        e.rule
                    ),
                )
                .at(cx.loc(&ptr))
                .help("remove the exception, so that the rule protects this spec again"),
            );
        }
    }
    out
}

/// Which exceptions waived something, for `explain` and for the comments in generated files.
pub fn waived(cx: &Context) -> Vec<Waived> {
    let mut out = Vec::new();
    for e in &cx.plan.exceptions {
        if let Some(rule) = catalog::rule(&e.rule)
            && rule.severity.get(cx.plan.tier).is_some()
            && !(rule.check)(cx).is_empty()
        {
            out.push(Waived {
                rule: e.rule.clone(),
                reason: e.reason.clone(),
                platforms: rule.family.platforms(),
            });
        }
    }
    out
}

/// The findings of `rules` (codes) that cachegen lets through for this spec without a waiver:
/// the rule is off or below an error in the tier, or the project's `[rules]` says so. A
/// waived rule carries its own reason (`waived`); an error would have stopped the render.
pub fn accepted(cx: &Context, overrides: &Overrides, rules: &[&str]) -> Vec<Accepted> {
    let tier = cx.plan.tier.as_str();
    let mut out = Vec::new();
    for rule in catalog::RULES.iter().filter(|r| rules.contains(&r.code)) {
        if cx.plan.exceptions.iter().any(|e| e.rule == rule.code) {
            continue;
        }
        let findings = (rule.check)(cx);
        let Some(f) = findings.first() else { continue };
        let overridden = overrides.get(rule.code).copied();
        let severity = match overridden {
            Some(o) => o,
            None => rule.severity.get(cx.plan.tier).map(|s| {
                if f.platform_limit {
                    s.min(Severity::Warning)
                } else {
                    s
                }
            }),
        };
        let decision = match (overridden, severity) {
            (_, Some(Severity::Error)) => continue,
            (Some(None), _) => "is off in cachegen.toml".to_string(),
            (Some(Some(s)), _) => format!("is a {s} in cachegen.toml"),
            (None, None) => format!("does not apply in tier {tier}"),
            (None, Some(s)) => format!("is a {s} in tier {tier}"),
        };
        out.push(Accepted {
            rule: rule.code,
            why: format!(
                "cachegen {} ({}) {decision}: {}",
                rule.code, rule.name, f.message
            ),
        });
    }
    out
}
