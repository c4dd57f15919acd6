use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::IO_THREADS_DO_READS_WITHOUT_THREADS,
    name: "io-threads-do-reads-without-threads",
    family: Family::Spec,
    summary: "`io_threads_do_reads` is on with a single I/O thread.",
    rationale: "Threaded reads only happen when `io-threads` is above 1; with one thread the setting does nothing, which usually means `io_threads` was forgotten.",
    severity: Tiers::all(Severity::Warning),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "server: { io_threads_do_reads: true }",
        passing: "server: { io_threads: 4, io_threads_do_reads: true }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let s = &cx.plan.server;
    if s.io_threads_do_reads && s.io_threads <= 1 {
        vec![Finding::new(
            cx.loc("/server/io_threads_do_reads"),
            "`io_threads_do_reads: true` has no effect with one I/O thread",
            "set `server.io_threads` (e.g. 4 on a 4+ core host), or remove `io_threads_do_reads`",
        )]
    } else {
        Vec::new()
    }
}
