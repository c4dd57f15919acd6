//! `cachegen explain`: what one spec resolves to, and the spec's own diagnostics.

use super::{Outcome, Problem, Settings};
use crate::diagnostics::{self, Diagnostic};
use crate::explain::Explanation;
use crate::pipeline;
use std::path::Path;

pub enum ExplainReport {
    /// The spec cannot be resolved, so there is nothing to explain: its input errors.
    Invalid(Vec<Diagnostic>),
    Explained(Box<Explained>),
}

pub struct Explained {
    pub explanation: Explanation,
    /// The spec's diagnostics, sorted.
    pub diagnostics: Vec<Diagnostic>,
}

impl Explained {
    /// The explanation for people.
    pub fn text(&self) -> String {
        crate::explain::render_text(&self.explanation)
    }

    /// The explanation as one JSON document.
    pub fn json(&self) -> String {
        let mut doc = serde_json::Map::new();
        doc.insert(
            "format_version".into(),
            crate::diagnostics::FORMAT_VERSION.into(),
        );
        if let serde_json::Value::Object(fields) =
            serde_json::to_value(&self.explanation).expect("JSON")
        {
            doc.extend(fields);
        }
        serde_json::to_string_pretty(&doc).expect("JSON")
    }
}

impl ExplainReport {
    pub fn outcome(&self) -> Outcome {
        match self {
            ExplainReport::Invalid(_) => Outcome::ToFix,
            // Explain describes a spec; it is no gate on one, so warnings never fail it, even
            // when they are denied (as it has always been).
            ExplainReport::Explained(e) => Outcome::of(&e.diagnostics, false),
        }
    }
}

/// Explain one spec. `Err` when it cannot be read.
pub fn explain(settings: &Settings, spec: &Path) -> Result<ExplainReport, Problem> {
    let checked = match pipeline::check_spec(&settings.project, spec) {
        pipeline::Outcome::Checked(c) => c,
        pipeline::Outcome::Unreadable { failure, path } => {
            return Err(Problem::new(failure.message, failure.help).about(&path));
        }
        pipeline::Outcome::Invalid { diagnostics, .. } => {
            return Ok(ExplainReport::Invalid(diagnostics));
        }
    };
    let explanation = crate::explain::explain(&checked);
    let mut diags = checked.diagnostics.clone();
    diagnostics::sort_and_dedup(&mut diags);
    Ok(ExplainReport::Explained(Box::new(Explained {
        explanation,
        diagnostics: diags,
    })))
}
