//! Shared by the per-target "not honoured" rules: settings that the spec writes and a listed
//! target cannot apply (or only approximates), each reported once with what the target does
//! instead.

use super::{Context, Finding};
use crate::load::dotted;
use crate::targets::capability::{SETTINGS, support};

pub fn unhonoured(cx: &Context, target: &str, service: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for setting in SETTINGS {
        if !cx.is_set(setting) {
            continue;
        }
        let Some(s) = support(target, setting, cx.plan) else {
            continue;
        };
        if s.is_loss() {
            out.push(Finding::new(
                cx.loc(setting),
                format!("`{}` is not honoured by {service}: {}", dotted(setting), s.detail()),
                format!("remove `{}` from this spec, or waive this rule with a reason if the difference is accepted", dotted(setting)),
            ));
        }
    }
    out
}
