//! What an environment was last rendered with: the settings that decide what a later change
//! does to the live cache (whether it is replaced, refused by the service, or needs steps).
//! `render` writes it next to the generated files (`rendered.toml`); `validate` and `render`
//! read it back and hand it to the day-2 rules, which compare the next spec with it. It holds
//! no secret: a password is a reference, and only whether one is used is recorded.

use super::{AwsAuth, Plan, TlsState};
use crate::spec::{AzureService, EngineKind, GcpTier, Tier, TopologyMode};
use serde::{Deserialize, Serialize};

/// The file's name in an environment's folder.
pub const FILE_NAME: &str = "rendered.toml";

/// The format of the file; a reader refuses another.
pub const FORMAT: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub format: u32,
    /// The spec, relative to the project root.
    pub source: String,
    pub environment: String,
    /// `<name>-<environment>`: every resource's name.
    pub resource_name: String,
    pub tier: Tier,
    pub engine: EngineKind,
    /// `major.minor`.
    pub engine_version: String,
    pub topology: TopologyMode,
    pub replicas: u32,
    pub port: u16,
    pub tls: TlsState,
    pub auth: bool,
    pub encryption_at_rest: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws: Option<AwsRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azure: Option<AzureRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gcp: Option<GcpRecord>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsRecord {
    pub region: String,
    /// The customer key; absent: the key cachegen creates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_arn: Option<String>,
    pub auth: AwsAuth,
    /// The RBAC user and user group exist.
    pub rbac_users: bool,
    pub apply_immediately: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureRecord {
    pub service: AzureService,
    pub location: String,
    pub resource_group: String,
    pub sku: String,
    pub zones: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GcpRecord {
    pub region: String,
    pub tier: GcpTier,
    pub read_replicas: bool,
}

impl Record {
    /// The record of a plan, for the clouds it lists; `None` for a spec without a cloud
    /// target (a compose stack has nothing a change could replace).
    pub fn of(plan: &Plan) -> Option<Record> {
        if !plan.targets.has_cloud() {
            return None;
        }
        Some(Record {
            format: FORMAT,
            source: plan.source.clone(),
            environment: plan.environment.clone(),
            resource_name: plan.resource_name.clone(),
            tier: plan.tier,
            engine: plan.engine.kind,
            engine_version: plan.engine.version.clone(),
            topology: plan.topology.mode,
            replicas: plan.topology.replicas,
            port: plan.network.port,
            tls: plan.security.tls_state(),
            auth: plan.security.auth,
            encryption_at_rest: plan.security.encryption_at_rest,
            aws: plan.targets.aws.as_ref().map(|a| AwsRecord {
                region: a.region.clone(),
                kms_key_arn: a.kms_key_arn.clone(),
                auth: a.auth,
                rbac_users: a.rbac_users,
                apply_immediately: a.apply_immediately,
            }),
            azure: plan.targets.azure.as_ref().map(|a| AzureRecord {
                service: a.service,
                location: a.location.clone(),
                resource_group: a.resource_group.clone(),
                sku: a.sku.clone(),
                zones: a.zones.clone(),
            }),
            gcp: plan.targets.gcp.as_ref().map(|g| GcpRecord {
                region: g.region.clone(),
                tier: g.tier,
                read_replicas: g.read_replicas,
            }),
        })
    }

    /// The file's body (the generated-file header goes above it). Every string is written as
    /// one line, its control characters escaped (a JSON string is a TOML basic string), so that
    /// a spec path with a newline cannot start a line of its own.
    pub fn to_toml(&self) -> String {
        let value = serde_json::to_value(self).expect("a record is JSON");
        let mut top = String::new();
        let mut tables = String::new();
        for (key, v) in value.as_object().expect("a record is an object") {
            match v {
                serde_json::Value::Object(fields) => {
                    tables.push_str(&format!("\n[{key}]\n"));
                    for (k, x) in fields {
                        tables.push_str(&format!("{k} = {x}\n"));
                    }
                }
                serde_json::Value::Null => {}
                other => top.push_str(&format!("{key} = {other}\n")),
            }
        }
        top + &tables
    }

    /// A record read back; `Err` says why it is not one (another format, a hand edit).
    pub fn parse(text: &str) -> Result<Record, String> {
        let r: Record = toml::from_str(text).map_err(|e| e.message().to_string())?;
        if r.format != FORMAT {
            return Err(format!(
                "format {} (this cachegen reads format {FORMAT})",
                r.format
            ));
        }
        Ok(r)
    }

    /// `major.minor` of the recorded engine version.
    pub fn engine_major_minor(&self) -> (u32, u32) {
        self.engine_version
            .split_once('.')
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
            .unwrap_or((0, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn production() -> Plan {
        let text = "spec_version: 1\nname: orders\nenvironment: production\ntier: production\nengine: { kind: redis, version: \"7.1\" }\nsecurity: { auth: { password: { aws_secret: orders/token } }, disabled_commands: [FLUSHALL] }\ntargets: { aws: { region: us-east-1, node_type: cache.r7g.large } }\n";
        let spec: crate::spec::Spec = serde_saphyr::from_str(text).unwrap();
        super::super::resolve(&spec, "environments/production/cache.yaml")
    }

    #[test]
    fn a_record_reads_back_as_written() {
        let r = Record::of(&production()).unwrap();
        let text = r.to_toml();
        assert_eq!(Record::parse(&text).unwrap(), r);
        assert!(text.contains("auth = \"rbac\""), "{text}");
        assert!(text.contains("tls = \"required\""), "{text}");
    }

    #[test]
    fn a_newline_in_the_source_stays_on_its_line() {
        let mut r = Record::of(&production()).unwrap();
        r.source = "environments/x\"y\nTAIL = 1/cache.yaml".into();
        let text = r.to_toml();
        assert!(!text.lines().any(|l| l.starts_with("TAIL")), "{text}");
        assert_eq!(Record::parse(&text).unwrap(), r);
    }

    #[test]
    fn another_format_or_a_stray_key_is_refused() {
        let text = Record::of(&production()).unwrap().to_toml();
        assert!(Record::parse(&text.replace("format = 1", "format = 2")).is_err());
        assert!(Record::parse(&format!("password = \"x\"\n{text}")).is_err());
    }
}
