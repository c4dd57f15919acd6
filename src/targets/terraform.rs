//! What the Terraform targets share: `versions.tf`, tags, and the layout pass that aligns
//! `=` the way `terraform fmt` does, so that generated files pass `terraform fmt -check`
//! whatever attributes a spec turns on or off.

use super::{OutFile, RenderInput, with_header};
use serde::Serialize;

/// Provider constraints with defaults applied.
#[derive(Clone, Debug, Serialize)]
pub struct ProviderVersions {
    pub terraform: String,
    pub aws: String,
    pub azurerm: String,
    pub google: String,
}

impl Default for ProviderVersions {
    /// Capped at the versions the tests exercise (`facts::terraform::TESTED`): a provider major
    /// nobody checked is never picked up by `terraform init -upgrade`.
    fn default() -> Self {
        let range = |name| {
            crate::facts::terraform::tested(name)
                .expect("every provider is tested")
                .range
                .to_string()
        };
        ProviderVersions {
            terraform: ">= 1.5".into(),
            aws: range("aws"),
            azurerm: range("azurerm"),
            google: range("google"),
        }
    }
}

#[derive(Serialize)]
struct VersionsCtx<'a> {
    terraform: &'a str,
    provider: &'a str,
    source: &'a str,
    version: &'a str,
}

/// `versions.tf` for one provider, with the project's version constraints.
pub fn versions_tf(input: &RenderInput, provider: &str, version: &str) -> Result<OutFile, String> {
    let ctx = VersionsCtx {
        terraform: &input.providers.terraform,
        provider,
        source: &format!("hashicorp/{provider}"),
        version,
    };
    let text = input.engine.render(
        "terraform/versions.tf.j2",
        &minijinja::Value::from_serialize(&ctx),
    )?;
    Ok(tf_file("versions.tf", input, text))
}

/// The four files of a Terraform target: `versions.tf` for `provider` (with the project's
/// `version` constraint), and `variables.tf`, `main.tf` and `outputs.tf` from the templates
/// `<target>/<file>.j2`, rendered with `ctx`.
pub fn module<T: Serialize>(
    input: &RenderInput,
    target: &str,
    provider: &str,
    version: &str,
    ctx: &T,
) -> Result<Vec<OutFile>, String> {
    let value = minijinja::Value::from_serialize(ctx);
    let mut files = vec![versions_tf(input, provider, version)?];
    for name in ["variables.tf", "main.tf", "outputs.tf"] {
        let body = input
            .engine
            .render(&format!("{target}/{name}.j2"), &value)?;
        files.push(tf_file(name, input, body));
    }
    Ok(files)
}

/// A module's files under `terraform/<dir>/` of the environment's folder.
pub fn under(dir: &str, files: Vec<OutFile>) -> Vec<OutFile> {
    files
        .into_iter()
        .map(|f| OutFile {
            path: format!("terraform/{dir}/{}", f.path),
            contents: f.contents,
        })
        .collect()
}

/// A `.tf` file: header, then the body aligned like `terraform fmt`.
pub fn tf_file(name: &str, input: &RenderInput, body: String) -> OutFile {
    OutFile {
        path: name.to_string(),
        contents: with_header("#", input, align(&body)),
    }
}

/// Align the `=` of consecutive single-line attributes at the same indentation, as
/// `terraform fmt` does. A line that opens a multi-line value (ends with `{`, `[` or `(`) is
/// not aligned and ends the run; blank lines, comments and block headers end a run too.
pub fn align(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let Some((indent, _)) = single(lines[i]) else {
            out.push(normalize(lines[i]));
            i += 1;
            continue;
        };
        let mut j = i;
        while j < lines.len() && single(lines[j]).is_some_and(|(ind, _)| ind == indent) {
            j += 1;
        }
        let width = lines[i..j]
            .iter()
            .filter_map(|l| attribute(l).map(|(_, k)| k.len()))
            .max()
            .unwrap_or(0);
        for l in &lines[i..j] {
            let (ind, key) = attribute(l).expect("in a run");
            let value = l[l.find('=').expect("attribute") + 1..].trim();
            out.push(format!("{}{:width$} = {}", " ".repeat(ind), key, value));
        }
        i = j;
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

/// A single-line attribute (one that does not open a multi-line value).
fn single(l: &str) -> Option<(usize, &str)> {
    attribute(l).filter(|_| !opens(l))
}

/// An attribute that is not aligned (a multi-line opener) gets single spaces around `=`.
fn normalize(line: &str) -> String {
    match attribute(line) {
        Some((ind, key)) => {
            let value = line[line.find('=').expect("attribute") + 1..].trim();
            format!("{}{} = {}", " ".repeat(ind), key, value)
        }
        None => line.trim_end().to_string(),
    }
}

/// `(indent, key)` of a single-line `key = value` attribute (not `==`, not a comment).
fn attribute(line: &str) -> Option<(usize, &str)> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') || trimmed.starts_with("//") {
        return None;
    }
    let eq = trimmed.find('=')?;
    let key = trimmed[..eq].trim_end();
    if trimmed[eq + 1..].starts_with('=') || key.is_empty() {
        return None;
    }
    let ident = key.trim_matches('"').chars().all(|c| {
        c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ':' || c == '.' || c == '/'
    });
    if !ident || key.contains(' ') && !key.starts_with('"') {
        return None;
    }
    Some((line.len() - trimmed.len(), key))
}

fn opens(line: &str) -> bool {
    let t = line.trim_end();
    t.ends_with('{') || t.ends_with('[') || t.ends_with('(')
}

#[cfg(test)]
mod tests {
    use super::align;

    #[test]
    fn aligns_like_terraform_fmt() {
        let src = "resource \"x\" \"y\" {\n  a = 1\n  longer = 2\n\n  tags = {\n    \"k\" = \"v\"\n    \"long-key\" = \"w\"\n  }\n}\n";
        let want = "resource \"x\" \"y\" {\n  a      = 1\n  longer = 2\n\n  tags = {\n    \"k\"        = \"v\"\n    \"long-key\" = \"w\"\n  }\n}\n";
        assert_eq!(align(src), want);
    }

    #[test]
    fn an_opener_stands_alone_and_ends_the_run() {
        let src = "  name = \"a\"\n  description = \"b\"\n  policy = jsonencode({\n    x = 1\n  })\n  after = 1\n  # note\n  z = 2\n";
        let want = "  name        = \"a\"\n  description = \"b\"\n  policy = jsonencode({\n    x = 1\n  })\n  after = 1\n  # note\n  z = 2\n";
        assert_eq!(align(src), want);
    }
}
