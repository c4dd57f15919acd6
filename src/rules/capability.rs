//! Shared by the per-platform "not honoured" rules: settings that the spec writes and a listed
//! platform cannot apply (or only approximates), each reported once with what the platform does
//! instead. The capabilities come with the context: rules never ask a target.

use super::{Context, Finding};
use crate::settings::Platform;

pub fn unhonoured(cx: &Context, platform: Platform, service: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for (setting, support) in cx.capabilities.platform(platform) {
        let pointer = setting.pointer();
        if !cx.is_set(&pointer) || !support.is_loss() {
            continue;
        }
        out.push(Finding::new(
            cx.loc(&pointer),
            format!(
                "`{}` is not honoured by {service}: {}",
                setting.path,
                support.detail()
            ),
            format!(
                "remove `{}` from this spec, or waive this rule with a reason if the difference is accepted",
                setting.path
            ),
        ));
    }
    out
}
