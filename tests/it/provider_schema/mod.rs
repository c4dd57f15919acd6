//! Checks Terraform files against the vendored provider schemas
//! (`tests/fixtures/provider-schemas/`): every `resource` and `data` block, recursively into
//! nested blocks, has no unknown argument or block, no missing required argument or block,
//! blocks written as blocks and attributes as attributes, and single blocks at most once.
//! Stands in for `terraform validate` where the provider cannot be installed.

use serde_json::Value;
use std::path::Path;

/// Meta-arguments every resource takes as attributes (`lifecycle` is the block).
const META_ATTRIBUTES: &[&str] = &["count", "for_each", "provider", "depends_on"];
/// Arguments of a `lifecycle` block.
const LIFECYCLE: &[&str] = &[
    "create_before_destroy",
    "prevent_destroy",
    "ignore_changes",
    "replace_triggered_by",
];

pub struct Schemas {
    /// `(provider prefix, schema file)`, e.g. `("azurerm", {...})`.
    providers: Vec<(String, Value)>,
}

impl Schemas {
    /// The schemas vendored in `tests/fixtures/provider-schemas/`.
    pub fn vendored() -> Schemas {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/provider-schemas");
        let mut providers: Vec<(String, Value)> = Vec::new();
        // Each provider's resources come from one or more files of the same version (the
        // monitoring resources were extracted later, from the same npm packages); a resource
        // in two files must be the same in both.
        for (prefix, file) in [
            ("azurerm", "azurerm-4.55.0.json"),
            ("azurerm", "azurerm-4.55.0-monitor.json"),
            ("google", "google-6.50.0.json"),
            ("google", "google-6.50.0-monitoring.json"),
        ] {
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            let doc: Value = serde_json::from_str(&text).unwrap();
            match providers.iter_mut().find(|(p, _)| p == prefix) {
                None => providers.push((prefix.to_string(), doc)),
                Some((_, merged)) => {
                    assert_eq!(
                        merged["provider"], doc["provider"],
                        "{file}: another provider version"
                    );
                    let into = merged["resources"].as_object_mut().unwrap();
                    for (name, schema) in doc["resources"].as_object().unwrap() {
                        if let Some(known) = into.get(name) {
                            assert_eq!(
                                known, schema,
                                "{file}: `{name}` differs from the other file"
                            );
                        }
                        into.insert(name.clone(), schema.clone());
                    }
                }
            }
        }
        Schemas { providers }
    }

    fn provider(&self, type_name: &str) -> Option<&Value> {
        let prefix = type_name.split('_').next()?;
        self.providers
            .iter()
            .find(|(p, _)| p == prefix)
            .map(|(_, v)| v)
    }

    /// Check one `.tf` file. `Ok(n)`: `n` resource and data blocks checked, all conform.
    pub fn check(&self, text: &str) -> Result<usize, Vec<String>> {
        let body = hcl::parse(text).map_err(|e| vec![format!("not HCL: {e}")])?;
        let mut problems = Vec::new();
        let mut checked = 0;
        for block in body.blocks() {
            let kind = block.identifier.as_str();
            let section = match kind {
                "resource" => "resources",
                "data" => "data_sources",
                _ => continue,
            };
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            let [type_name, name] = labels[..] else {
                problems.push(format!("a {kind} block needs two labels, got {labels:?}"));
                continue;
            };
            let at = format!("{kind}.{type_name}.{name}");
            let Some(schema) = self
                .provider(type_name)
                .and_then(|p| p.get(section))
                .and_then(|s| s.get(type_name))
            else {
                problems.push(format!("{at}: `{type_name}` is not in the vendored schema"));
                continue;
            };
            check_body(schema, &block.body, &at, true, &mut problems);
            checked += 1;
        }
        if problems.is_empty() {
            Ok(checked)
        } else {
            Err(problems)
        }
    }
}

/// Check a block body against its schema (`{attributes, block_types}`), recursively.
/// `top`: a resource's own body, where meta-arguments are allowed.
fn check_body(schema: &Value, body: &hcl::Body, at: &str, top: bool, problems: &mut Vec<String>) {
    let empty = serde_json::Map::new();
    let attributes = schema["attributes"].as_object().unwrap_or(&empty);
    let block_types = schema["block_types"].as_object().unwrap_or(&empty);
    for attr in body.attributes() {
        let key = attr.key.as_str();
        if top && META_ATTRIBUTES.contains(&key) || attributes.contains_key(key) {
            continue;
        }
        if block_types.contains_key(key) {
            problems.push(format!(
                "{at}: `{key}` is a block, written as an attribute (`{key} = ...`)"
            ));
        } else {
            problems.push(format!("{at}: unknown argument `{key}`"));
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for block in body.blocks() {
        let key = block.identifier.as_str();
        let here = format!("{at}.{key}");
        if top && key == "lifecycle" {
            for a in block.body.attributes() {
                if !LIFECYCLE.contains(&a.key.as_str()) {
                    problems.push(format!("{here}: unknown argument `{}`", a.key.as_str()));
                }
            }
            continue;
        }
        if !block.labels.is_empty() {
            problems.push(format!("{here}: a nested block takes no labels"));
        }
        match block_types.get(key) {
            Some(bt) => {
                if bt["nesting"] == "single" && seen.contains(&key) {
                    problems.push(format!("{here}: a single block, written more than once"));
                }
                seen.push(key);
                check_body(&bt["block"], &block.body, &here, false, problems);
            }
            None if attributes.contains_key(key) => problems.push(format!(
                "{at}: `{key}` is an attribute, written as a block (`{key} {{ ... }}`)"
            )),
            None => problems.push(format!("{at}: unknown block `{key}`")),
        }
    }
    for (name, a) in attributes {
        if a["required"] == true && !body.attributes().any(|x| x.key.as_str() == name) {
            problems.push(format!("{at}: missing required argument `{name}`"));
        }
    }
    for (name, b) in block_types {
        if b["required"] == true && !body.blocks().any(|x| x.identifier.as_str() == name) {
            problems.push(format!("{at}: missing required block `{name}`"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CACHE: &str = r#"
resource "azurerm_redis_cache" "redis" {
  name                = "x"
  location            = "eastus"
  resource_group_name = "rg"
  sku_name            = "Premium"
  family              = "P"
  capacity            = 1
  tags                = { "a" = "b" }

  redis_configuration {
    maxmemory_policy = "allkeys-lru"
  }

  lifecycle {
    prevent_destroy = true
  }

  depends_on = []
}
"#;

    fn problems(text: &str) -> Vec<String> {
        Schemas::vendored().check(text).err().unwrap_or_default()
    }

    #[test]
    fn accepts_a_conforming_resource() {
        assert_eq!(Schemas::vendored().check(CACHE), Ok(1));
    }

    #[test]
    fn rejects_an_invented_argument() {
        let p = problems(&CACHE.replace("capacity ", "capacityy "));
        assert!(
            p.iter().any(|p| p.contains("unknown argument `capacityy`")),
            "{p:?}"
        );
        let p = problems(&CACHE.replace(
            "maxmemory_policy = \"allkeys-lru\"",
            "maxmemory_policy = \"allkeys-lru\"\n    maxmemory_samples = 5",
        ));
        assert!(
            p.iter()
                .any(|p| p.contains("redis_configuration: unknown argument `maxmemory_samples`")),
            "nested blocks are checked too: {p:?}"
        );
    }

    #[test]
    fn rejects_a_missing_required_argument() {
        let p = problems(&CACHE.replace("  family              = \"P\"\n", ""));
        assert!(
            p.iter()
                .any(|p| p.contains("missing required argument `family`")),
            "{p:?}"
        );
        let endpoint = r#"
resource "azurerm_private_endpoint" "pe" {
  name                = "x"
  location            = "eastus"
  resource_group_name = "rg"
  subnet_id           = "s"
}
"#;
        let p = problems(endpoint);
        assert!(
            p.iter()
                .any(|p| p.contains("missing required block `private_service_connection`")),
            "{p:?}"
        );
    }

    #[test]
    fn rejects_a_block_written_as_an_attribute_and_the_reverse() {
        let p = problems(&CACHE.replace("redis_configuration {", "redis_configuration = {"));
        assert!(
            p.iter()
                .any(|p| p.contains("`redis_configuration` is a block, written as an attribute")),
            "{p:?}"
        );
        let p = problems(&CACHE.replace(
            "  tags                = { \"a\" = \"b\" }",
            "  tags {\n    a = \"b\"\n  }",
        ));
        assert!(
            p.iter()
                .any(|p| p.contains("`tags` is an attribute, written as a block")),
            "{p:?}"
        );
    }

    #[test]
    fn rejects_unknown_blocks_types_and_repeated_single_blocks() {
        let p = problems(&CACHE.replace("lifecycle {", "lifecycles {"));
        assert!(
            p.iter().any(|p| p.contains("unknown block `lifecycles`")),
            "{p:?}"
        );
        let p = problems(&CACHE.replace("azurerm_redis_cache", "azurerm_redis_kache"));
        assert!(
            p.iter().any(|p| p.contains("not in the vendored schema")),
            "{p:?}"
        );
        let twice = CACHE.replace(
            "  lifecycle {",
            "  redis_configuration {\n    maxmemory_policy = \"noeviction\"\n  }\n\n  lifecycle {",
        );
        let p = problems(&twice);
        assert!(p.iter().any(|p| p.contains("more than once")), "{p:?}");
        let cluster = r#"
resource "google_redis_cluster" "c" {
  shard_count = 1
  persistence_config {
    mode = "RDB"
    rdb_config {
      rdb_snapshot_periodd = "ONE_HOUR"
    }
  }
}
"#;
        let p = problems(cluster);
        assert!(
            p.iter().any(|p| p.contains(
                "persistence_config.rdb_config: unknown argument `rdb_snapshot_periodd`"
            )),
            "{p:?}"
        );
    }
}
