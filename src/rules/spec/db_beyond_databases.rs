use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::DB_BEYOND_DATABASES,
    name: "db-beyond-databases",
    family: Family::Spec,
    summary: "`client.db` is not below `server.databases`.",
    rationale: "Databases are numbered from 0 to `databases - 1`; `SELECT` of any other index fails, so every connection of the application would fail.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "server: { databases: 4 }\nclient: { db: 4 }",
        passing: "server: { databases: 4 }\nclient: { db: 3 }",
    },
};

fn check(cx: &Context) -> Vec<Finding> {
    let (db, n) = (cx.plan.client.db, cx.plan.server.databases);
    if db >= n && !cx.plan.topology.is_cluster() {
        vec![
            Finding::new(
                cx.loc("/client/db"),
                format!(
                    "`client.db: {db}` does not exist: there are {n} databases (0..{})",
                    n - 1
                ),
                format!(
                    "use a database from 0 to {}, or raise `server.databases`",
                    n - 1
                ),
            )
            .related(
                "the number of databases is set here",
                cx.loc("/server/databases"),
            ),
        ]
    } else {
        Vec::new()
    }
}
