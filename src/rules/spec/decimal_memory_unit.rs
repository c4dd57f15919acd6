use super::MEMORY_SIZE_FIELDS;
use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::{Tier, units};

pub static RULE: Rule = Rule {
    code: codes::DECIMAL_MEMORY_UNIT,
    name: "decimal-memory-unit",
    family: Family::Spec,
    summary: "A memory size uses a 1000-based unit (`8g`), which Redis reads as 8,000,000,000 bytes, not 8 GiB.",
    rationale: "Redis reads `k`, `m` and `g` as powers of 1000 and `kb`, `mb` and `gb` as powers of 1024. `8g` is 7.45 GiB: about 550 MB less than the author of `8g` usually means, which is enough to make a node type look like it fits when it does not. Write the 1024-based unit.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "memory: { max_memory: 2g }",
        passing: "memory: { max_memory: 2gb }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for field in MEMORY_SIZE_FIELDS {
        let Some(node) = cx.loaded.root.pointer(field) else {
            continue;
        };
        let Some(text) = node.as_str() else { continue };
        let size = crate::spec::MemorySize(text.to_string());
        if size.is_decimal_unit()
            && let Some(bytes) = size.bytes()
        {
            out.push(Finding::new(
                node.loc.clone(),
                format!(
                    "`{text}` is {bytes} bytes ({}), not {text}b",
                    units::gib(bytes)
                ),
                format!("write `{text}b` for 1024-based units, as Redis's own examples do"),
            ));
        }
    }
    out
}
