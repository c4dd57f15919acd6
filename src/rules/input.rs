//! Codes of the input stage (loading and the JSON Schema). They are not rules: a spec that
//! fails them cannot be resolved, so they cannot be waived. They are listed by
//! `cachegen rules` and in SARIF so that every code has an explanation.

pub struct InputCode {
    pub code: &'static str,
    pub name: &'static str,
    pub summary: &'static str,
}

pub const CODES: &[InputCode] = &[
    InputCode {
        code: "CG0001",
        name: "yaml-syntax",
        summary: "The file is not valid YAML.",
    },
    InputCode {
        code: "CG0002",
        name: "duplicate-key",
        summary: "A key appears twice in one mapping; YAML parsers disagree on which wins.",
    },
    InputCode {
        code: "CG0003",
        name: "spec-too-large",
        summary: "The spec file is larger than 1 MiB.",
    },
    InputCode {
        code: "CG0004",
        name: "safety-limit",
        summary: "Nesting, aliases or the extends chain exceed a safety limit (a hostile or broken file).",
    },
    InputCode {
        code: "CG0005",
        name: "extends-unreadable",
        summary: "The base file named by `extends` cannot be read, is not a relative path to a YAML file, or lies outside the project.",
    },
    InputCode {
        code: "CG0006",
        name: "extends-cycle",
        summary: "`extends` leads back to a file already in the chain.",
    },
    InputCode {
        code: "CG0007",
        name: "empty-spec",
        summary: "The spec is empty or not a mapping.",
    },
    InputCode {
        code: "CG0008",
        name: "encoding",
        summary: "The file is not UTF-8 text, or contains NUL bytes.",
    },
    InputCode {
        code: "CG0010",
        name: "unknown-key",
        summary: "A key the spec format does not have (often a typo).",
    },
    InputCode {
        code: "CG0011",
        name: "wrong-type",
        summary: "A value of the wrong type (a number where text belongs, ...).",
    },
    InputCode {
        code: "CG0012",
        name: "missing-key",
        summary: "A required key is missing.",
    },
    InputCode {
        code: "CG0013",
        name: "invalid-value",
        summary: "A value outside what the setting accepts (enum, format, range).",
    },
    InputCode {
        code: "CG0020",
        name: "literal-secret",
        summary: "A secret value is written in the spec; only references are allowed.",
    },
    InputCode {
        code: "CG0021",
        name: "placeholder-secret",
        summary: "A placeholder such as `changeme` stands where a secret belongs.",
    },
    InputCode {
        code: "CG0030",
        name: "unused-exception",
        summary: "A policy exception waives a rule that passes anyway.",
    },
    InputCode {
        code: "CG0031",
        name: "unknown-exception",
        summary: "A policy exception names no known rule.",
    },
    InputCode {
        code: "CG0040",
        name: "duplicate-environment",
        summary: "Two specs name the same environment and would share an output folder.",
    },
    InputCode {
        code: "CG0041",
        name: "project-settings",
        summary: "cachegen.toml has an unknown key or a wrong value.",
    },
    InputCode {
        code: "CG0050",
        name: "run-failed",
        summary: "cachegen could not do its work: a spec or folder it cannot read, an output it cannot write, a bad argument, a server it cannot reach (exit 2).",
    },
    InputCode {
        code: "CG0051",
        name: "stale-output",
        summary: "`render --check`: a generated file differs from what the spec renders, is missing, or is no longer produced.",
    },
];
