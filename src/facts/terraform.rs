//! What changing one argument of a Terraform resource does to the live resource, per provider:
//! updated in place, updated with a restart, destroyed and created again, or refused by the
//! service. Data with a source for every entry: the provider's file and version where the
//! source says it, or the day-2 harness (`tests/it/day2`) where the hashicorp/aws 5.100.0
//! binary was measured. An argument that is not listed updates in place.
//!
//! The versions these facts hold for are [`TESTED`]; the default provider constraints of
//! `versions.tf` are capped there, so that a provider whose behaviour nobody checked is never
//! picked up silently.
//!
//! Nested arguments are written with dots and no index: `default_database.clustering_policy`.

/// What changing an argument does to the live resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgumentChange {
    /// Updated in place without interrupting clients.
    InPlace,
    /// Updated in place, but the service restarts, fails over or resizes nodes: a short
    /// interruption (says which).
    Restarts(&'static str),
    /// The provider destroys the resource and creates it again (ForceNew, or a CustomizeDiff
    /// that always says so): its data and endpoint are lost.
    Replaces,
    /// Replaces only under a condition the provider checks (says which); updates in place
    /// otherwise.
    ReplacesWhen(&'static str),
    /// Planned as an in-place update, but the data is lost: the provider deletes and creates the
    /// database inside the resource, or the service flushes it (says when).
    LosesData(&'static str),
    /// Planned as an in-place update that the service refuses in this form (says when, and what
    /// works instead): the apply fails.
    Refused(&'static str),
}

impl ArgumentChange {
    /// Whether the change can destroy the resource (always or under its condition).
    pub fn may_replace(self) -> bool {
        matches!(
            self,
            ArgumentChange::Replaces | ArgumentChange::ReplacesWhen(_)
        )
    }
}

/// One argument of one resource type.
#[derive(Clone, Copy, Debug)]
pub struct ArgumentFact {
    pub resource: &'static str,
    pub argument: &'static str,
    pub change: ArgumentChange,
    /// Where it comes from: provider file and version (with line or function), or the
    /// measurement that showed it.
    pub source: &'static str,
}

/// A provider whose facts are recorded here, with the version they were taken from and the
/// constraint `versions.tf` gets by default.
#[derive(Clone, Copy, Debug)]
pub struct TestedProvider {
    /// The local name in `required_providers`, e.g. `aws`.
    pub name: &'static str,
    pub source: &'static str,
    /// The version the facts and the tests come from.
    pub tested: &'static str,
    /// The default constraint: from the tested version up to the next untested major.
    pub range: &'static str,
    /// How the tests exercise it.
    pub how: &'static str,
}

pub static TESTED: &[TestedProvider] = &[
    TestedProvider {
        name: "aws",
        source: "hashicorp/aws",
        tested: "5.100.0",
        range: ">= 5.100, < 6.0",
        how: "the binary from the filesystem mirror: terraform validate, an offline plan, and the day-2 corpus of change pairs planned against states built from the old rendering",
    },
    TestedProvider {
        name: "azurerm",
        source: "hashicorp/azurerm",
        tested: "4.55.0",
        range: ">= 4.55, < 5.0",
        how: "the provider's argument schema (tests/fixtures/provider-schemas) and the replacement facts below, read from its source at v4.55.0",
    },
    TestedProvider {
        name: "google",
        source: "hashicorp/google",
        tested: "6.50.0",
        range: ">= 6.50, < 7.0",
        how: "the provider's argument schema (tests/fixtures/provider-schemas) and the replacement facts below, read from its source at v6.50.0",
    },
];

/// The tested entry of a provider (`aws`, `azurerm`, `google`).
pub fn tested(name: &str) -> Option<&'static TestedProvider> {
    TESTED.iter().find(|p| p.name == name)
}

use ArgumentChange::*;

const fn fact(
    resource: &'static str,
    argument: &'static str,
    change: ArgumentChange,
    source: &'static str,
) -> ArgumentFact {
    ArgumentFact {
        resource,
        argument,
        change,
        source,
    }
}

// Sources, AWS. No copy of the 5.100.0 source is stored here; 5.46 is (the fork
// nuno407/terraform-provider-aws at 1a5174b, CHANGELOG "5.46.0 (Unreleased)"). Where 5.46 and the
// 5.100.0 binary differ, the binary's plan wins and the entry says "measured".
const RG: &str = "aws_elasticache_replication_group";

/// hashicorp/aws 5.100.0, for the resources the AWS target renders.
pub static AWS: &[ArgumentFact] = &[
    fact(
        RG,
        "replication_group_id",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 replication_group.go L268; measured with 5.100.0 (day-2 pair rename_name)",
    ),
    fact(
        RG,
        "subnet_group_name",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 replication_group.go L323; measured with 5.100.0 (day-2 pair rename_name)",
    ),
    fact(
        RG,
        "port",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 replication_group.go L238; measured with 5.100.0 (day-2 pair port)",
    ),
    fact(
        RG,
        "at_rest_encryption_enabled",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 replication_group.go L61; measured with 5.100.0 (day-2 pair encryption_at_rest_off)",
    ),
    fact(
        RG,
        "kms_key_id",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 replication_group.go L342; measured with 5.100.0 (day-2 pairs add_kms_key_arn, change_kms_key_arn). AWS stores the key ARN: an alias ARN replaces the group on every plan (provider issue #25713)",
    ),
    fact(
        RG,
        "engine_version",
        ReplacesWhen("the new version is lower than the old one (a downgrade)"),
        "hashicorp/aws 5.46 replication_group.go L379 customizeDiffEngineVersionForceNewOnDowngrade, engine_version.go L85-125; measured with 5.100.0 (day-2 pairs engine_7.1_to_7.0, engine_7.0_to_7.1)",
    ),
    fact(
        RG,
        "engine",
        ReplacesWhen("valkey becomes redis (redis to valkey updates in place)"),
        "hashicorp/aws 6.x replication_group.go customizeDiffEngineForceNewOnDowngrade (ForceNew in 5.46 L111); measured with 5.100.0 (day-2 pairs redis7.1_to_valkey8.0, valkey8.0_to_redis7.1)",
    ),
    fact(
        RG,
        "transit_encryption_enabled",
        ReplacesWhen(
            "engine_version_actual is below 7.0.5; from 7.0.5 it updates in place, and ElastiCache then needs transit_encryption_mode preferred between off and required",
        ),
        "hashicorp/aws 6.x replication_group.go customdiff.ForceNewIf(\"transit_encryption_enabled\", semver.LessThan(engine_version_actual, \"7.0.5\")) (plain ForceNew in 5.46 L330); measured with 5.100.0 (day-2 pair tls_off_to_on)",
    ),
    fact(
        RG,
        "transit_encryption_mode",
        Refused(
            "straight between TLS off and required: ElastiCache takes preferred in between (first TransitEncryptionEnabled with mode preferred, then required)",
        ),
        "AWS ModifyReplicationGroup TransitEncryptionMode (\"setting it to required is a two-step process\"); provider issue #42966; 5.100.0 sends mode required in the same call as TransitEncryptionEnabled (day-2 API capture)",
    ),
    fact(
        RG,
        "user_group_ids",
        Refused(
            "a user group is added while the group has an AUTH token: ElastiCache wants AuthTokenUpdateStrategy DELETE in the same call, which hashicorp/aws 5.x does not send (issues #39546, #31710; fixed in 6.x by PR #45518)",
        ),
        "day-2 API capture with 5.100.0 (token_to_rbac): ModifyReplicationGroup UserGroupIdsToAdd without AuthTokenUpdateStrategy, also with auth_token_update_strategy = DELETE",
    ),
    fact(
        RG,
        "auth_token",
        Refused(
            "the token is removed (token to no authentication): 5.100.0 sends AuthTokenUpdateStrategy ROTATE without a token, which ElastiCache refuses",
        ),
        "day-2 API capture with 5.100.0 (token_to_none); hashicorp/aws 5.46 replication_group.go L882-900 (auth modify with ApplyImmediately true)",
    ),
    fact(
        RG,
        "num_node_groups",
        Refused(
            "the group switches between cluster mode disabled (num_cache_clusters) and enabled (num_node_groups): planned as an update, but cluster-enabled cannot change on a group in use; shards added or removed in cluster mode update in place",
        ),
        "measured with 5.100.0 (day-2 pairs replicated_to_cluster, cluster_to_replicated: update); AWS ElastiCache user guide, modifying cluster mode (cluster_mode compatible first)",
    ),
    fact(
        RG,
        "node_type",
        Restarts(
            "nodes are replaced one by one (online scaling of a group with replicas; a single node is unavailable while it is replaced)",
        ),
        "measured with 5.100.0 (day-2 pair node_type: update); AWS ElastiCache user guide, scaling node-based clusters",
    ),
    fact(
        RG,
        "data_tiering_enabled",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 replication_group.go L100",
    ),
    fact(
        RG,
        "network_type",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 replication_group.go L202",
    ),
    fact(
        RG,
        "global_replication_group_id",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 replication_group.go L128",
    ),
    fact(
        RG,
        "security_group_names",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 replication_group.go L278",
    ),
    fact(
        RG,
        "snapshot_arns",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 replication_group.go L292",
    ),
    fact(
        RG,
        "snapshot_name",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 replication_group.go L317",
    ),
    fact(
        "aws_elasticache_parameter_group",
        "name",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 internal/service/elasticache/parameter_group.go L59-61; measured with 5.100.0 (day-2 pair rename_name)",
    ),
    fact(
        "aws_elasticache_parameter_group",
        "family",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 parameter_group.go L54-57. The old group's delete retries 3 minutes on InvalidCacheParameterGroupState (deleteParameterGroup L297-319): it fails while a group with apply_immediately = false still uses it",
    ),
    fact(
        "aws_elasticache_parameter_group",
        "description",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 parameter_group.go L48-53; measured with 5.100.0 (day-2 pair move_spec_folder, before the description became constant)",
    ),
    fact(
        "aws_elasticache_subnet_group",
        "name",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 internal/service/elasticache/subnet_group.go L53-56",
    ),
    fact(
        "aws_security_group",
        "name",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 internal/service/ec2/vpc_security_group.go L74-78",
    ),
    fact(
        "aws_security_group",
        "description",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 vpc_security_group.go L65-68; measured with 5.100.0 (day-2 pair rename_name)",
    ),
    fact(
        "aws_security_group",
        "vpc_id",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 vpc_security_group.go L107-110",
    ),
    fact(
        "aws_vpc_security_group_ingress_rule",
        "security_group_id",
        Replaces,
        "measured with 5.100.0 (day-2 pair rename_name: replace_paths security_group_id)",
    ),
    fact(
        "aws_cloudwatch_log_group",
        "name",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 internal/service/logs/group.go L57-61; measured with 5.100.0 (day-2 pair rename_name)",
    ),
    fact(
        "aws_kms_key",
        "multi_region",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 internal/service/kms/key.go L104-108",
    ),
    fact(
        "aws_kms_key",
        "key_usage",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 kms/key.go L97-100",
    ),
    fact(
        "aws_kms_key",
        "customer_master_key_spec",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 kms/key.go L65-68",
    ),
    fact(
        "aws_sns_topic",
        "name",
        Replaces,
        "measured with 5.100.0 (day-2 pairs rename_name and change_environment: replace_paths name)",
    ),
    fact(
        "aws_kms_alias",
        "name",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 internal/service/kms/alias.go L39-43; measured with 5.100.0 (day-2 pair rename_name)",
    ),
    fact(
        "aws_elasticache_user",
        "user_id",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 internal/service/elasticache/user.go L114-117; measured with 5.100.0 (day-2 pair rename_name)",
    ),
    fact(
        "aws_elasticache_user",
        "user_name",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 user.go L119-122",
    ),
    fact(
        "aws_elasticache_user_group",
        "user_group_id",
        Replaces,
        "ForceNew: hashicorp/aws 5.46 internal/service/elasticache/user_group.go L60-63; measured with 5.100.0 (day-2 pair rename_name)",
    ),
];

// Sources, Azure: hashicorp/terraform-provider-azurerm at tag v4.55.0 (commit 37bf7f03b661).
// `location` and `resource_group_name` come from go-azure-helpers commonschema (v0.75.1), whose
// Location() and ResourceGroupName() are ForceNew (the provider's internal/location/schema.go
// has a separate SchemaWithoutForceNew for the exceptions).
const AZ_CACHE: &str = "azurerm_redis_cache";
const AZ_MANAGED: &str = "azurerm_managed_redis";

/// hashicorp/azurerm 4.55.0, for the resources the Azure target renders.
pub static AZURERM: &[ArgumentFact] = &[
    fact(
        AZ_CACHE,
        "name",
        Replaces,
        "ForceNew: azurerm v4.55.0 internal/services/redis/redis_cache_resource.go L70-74",
    ),
    fact(
        AZ_CACHE,
        "location",
        Replaces,
        "commonschema.Location() (ForceNew): azurerm v4.55.0 redis_cache_resource.go L76",
    ),
    fact(
        AZ_CACHE,
        "resource_group_name",
        Replaces,
        "commonschema.ResourceGroupName() (ForceNew): azurerm v4.55.0 redis_cache_resource.go L78",
    ),
    fact(
        AZ_CACHE,
        "zones",
        Replaces,
        "commonschema.ZonesMultipleOptionalForceNew(): azurerm v4.55.0 redis_cache_resource.go L80",
    ),
    fact(
        AZ_CACHE,
        "sku_name",
        ReplacesWhen("the SKU goes down (Premium to Standard or Basic, Standard to Basic)"),
        "CustomizeDiff ForceNewIfChange(\"sku_name\", skuWeight[old] > skuWeight[new]): azurerm v4.55.0 redis_cache_resource.go L375-381, skuWeight L40-44",
    ),
    fact(
        AZ_CACHE,
        "subnet_id",
        Replaces,
        "ForceNew: azurerm v4.55.0 redis_cache_resource.go L123-128",
    ),
    fact(
        AZ_CACHE,
        "private_static_ip_address",
        Replaces,
        "ForceNew: azurerm v4.55.0 redis_cache_resource.go L130-136",
    ),
    fact(
        AZ_CACHE,
        "capacity",
        Restarts(
            "scaling moves the data to new nodes; connections drop while it switches over (Azure Cache for Redis: scale)",
        ),
        "updated by resourceRedisCacheUpdate: azurerm v4.55.0 redis_cache_resource.go (Sku in the update parameters, L591)",
    ),
    fact(
        AZ_CACHE,
        "shard_count",
        Restarts(
            "resharding moves slots between shards; connections to moved slots are redirected",
        ),
        "d.HasChange(\"shard_count\") in resourceRedisCacheUpdate: azurerm v4.55.0 redis_cache_resource.go L597",
    ),
    fact(
        AZ_MANAGED,
        "name",
        Replaces,
        "ForceNew: azurerm v4.55.0 internal/services/managedredis/managed_redis_resource.go L94-99",
    ),
    fact(
        AZ_MANAGED,
        "location",
        Replaces,
        "commonschema.Location() (ForceNew): azurerm v4.55.0 managed_redis_resource.go L103",
    ),
    fact(
        AZ_MANAGED,
        "resource_group_name",
        Replaces,
        "commonschema.ResourceGroupName() (ForceNew): azurerm v4.55.0 managed_redis_resource.go L101",
    ),
    fact(
        AZ_MANAGED,
        "sku_name",
        Replaces,
        "ForceNew: azurerm v4.55.0 managed_redis_resource.go L105-110",
    ),
    fact(
        AZ_MANAGED,
        "high_availability_enabled",
        Replaces,
        "ForceNew: azurerm v4.55.0 managed_redis_resource.go L248-253",
    ),
    fact(
        AZ_MANAGED,
        "default_database.clustering_policy",
        LosesData(
            "always: the provider deletes the default database and creates it again (\"data will be lost\")",
        ),
        "Update: HasChanges(clustering_policy, geo_replication_group_name, module) -> dbClient.DeleteThenPoll + createDb, azurerm v4.55.0 managed_redis_resource.go L540-552",
    ),
    fact(
        AZ_MANAGED,
        "default_database.geo_replication_group_name",
        LosesData("always: the database is deleted and created again"),
        "azurerm v4.55.0 managed_redis_resource.go L540-552",
    ),
    fact(
        AZ_MANAGED,
        "default_database.module",
        LosesData("always: the database is deleted and created again"),
        "azurerm v4.55.0 managed_redis_resource.go L540-552",
    ),
    fact(
        "azurerm_redis_firewall_rule",
        "name",
        Replaces,
        "ForceNew: azurerm v4.55.0 internal/services/redis/redis_firewall_rule_resource.go L51-55",
    ),
    fact(
        "azurerm_redis_firewall_rule",
        "redis_cache_name",
        Replaces,
        "ForceNew: azurerm v4.55.0 redis_firewall_rule_resource.go L58-62",
    ),
    fact(
        "azurerm_private_endpoint",
        "name",
        Replaces,
        "ForceNew: azurerm v4.55.0 internal/services/network/private_endpoint_resource.go L67-71",
    ),
    fact(
        "azurerm_private_endpoint",
        "subnet_id",
        Replaces,
        "ForceNew: azurerm v4.55.0 private_endpoint_resource.go L78-82",
    ),
    fact(
        "azurerm_private_endpoint",
        "private_service_connection.private_connection_resource_id",
        Replaces,
        "ForceNew: azurerm v4.55.0 private_endpoint_resource.go L152-156",
    ),
    fact(
        "azurerm_private_endpoint",
        "private_service_connection.subresource_names",
        Replaces,
        "ForceNew: azurerm v4.55.0 private_endpoint_resource.go L166-170",
    ),
    fact(
        "azurerm_private_endpoint",
        "private_service_connection.name",
        Replaces,
        "ForceNew: azurerm v4.55.0 private_endpoint_resource.go L141-145",
    ),
];

// Sources, Google: hashicorp/terraform-provider-google at tag v6.50.0 (commit 956f510990a7).
const GCP_INSTANCE: &str = "google_redis_instance";
const GCP_CLUSTER: &str = "google_redis_cluster";

/// hashicorp/google 6.50.0, for the resources the GCP target renders.
pub static GOOGLE: &[ArgumentFact] = &[
    fact(
        GCP_INSTANCE,
        "name",
        Replaces,
        "ForceNew: google v6.50.0 google/services/redis/resource_redis_instance.go L109-113",
    ),
    fact(
        GCP_INSTANCE,
        "region",
        Replaces,
        "ForceNew: google v6.50.0 resource_redis_instance.go L370-375",
    ),
    fact(
        GCP_INSTANCE,
        "tier",
        Replaces,
        "ForceNew: google v6.50.0 resource_redis_instance.go L407-411",
    ),
    fact(
        GCP_INSTANCE,
        "transit_encryption_mode",
        Replaces,
        "ForceNew: google v6.50.0 resource_redis_instance.go L418-422",
    ),
    fact(
        GCP_INSTANCE,
        "connect_mode",
        Replaces,
        "ForceNew: google v6.50.0 resource_redis_instance.go L144-148",
    ),
    fact(
        GCP_INSTANCE,
        "authorized_network",
        Replaces,
        "ForceNew: google v6.50.0 resource_redis_instance.go L134-139",
    ),
    fact(
        GCP_INSTANCE,
        "customer_managed_key",
        Replaces,
        "ForceNew: google v6.50.0 resource_redis_instance.go L152-156",
    ),
    fact(
        GCP_INSTANCE,
        "location_id",
        Replaces,
        "ForceNew: google v6.50.0 resource_redis_instance.go L173-178",
    ),
    fact(
        GCP_INSTANCE,
        "alternative_location_id",
        Replaces,
        "ForceNew: google v6.50.0 resource_redis_instance.go L116-121",
    ),
    fact(
        GCP_INSTANCE,
        "reserved_ip_range",
        Replaces,
        "ForceNew: google v6.50.0 resource_redis_instance.go L386-391",
    ),
    fact(
        GCP_INSTANCE,
        "redis_version",
        ReplacesWhen("the new version is lower than the old one (a downgrade)"),
        "CustomizeDiff ForceNewIfChange(\"redis_version\", isRedisVersionDecreasing): google v6.50.0 resource_redis_instance.go L43-70, L97-98",
    ),
    fact(
        GCP_INSTANCE,
        "memory_size_gb",
        Restarts(
            "scaling a STANDARD_HA instance fails over once; a BASIC instance is unavailable while it scales and its data is flushed (Memorystore: scaling instances)",
        ),
        "updateMask memorySizeGb: google v6.50.0 resource_redis_instance.go L1080-1082",
    ),
    fact(
        GCP_INSTANCE,
        "read_replicas_mode",
        Refused(
            "read replicas are turned on for an existing instance without secondary_ip_range (\"Required when enabling read replicas on an existing instance\"; may be \"auto\")",
        ),
        "Optional+Computed, updateMask readReplicasMode; secondary_ip_range's description: google v6.50.0 resource_redis_instance.go L342-353, L397-406, L1088-1094",
    ),
    fact(
        GCP_CLUSTER,
        "name",
        Replaces,
        "ForceNew: google v6.50.0 google/services/redis/resource_redis_cluster.go L62-67",
    ),
    fact(
        GCP_CLUSTER,
        "region",
        Replaces,
        "ForceNew: google v6.50.0 resource_redis_cluster.go L508-513",
    ),
    fact(
        GCP_CLUSTER,
        "authorization_mode",
        Replaces,
        "ForceNew: google v6.50.0 resource_redis_cluster.go L84-88",
    ),
    fact(
        GCP_CLUSTER,
        "transit_encryption_mode",
        Replaces,
        "ForceNew: google v6.50.0 resource_redis_cluster.go L520-524",
    ),
    fact(
        GCP_CLUSTER,
        "zone_distribution_config",
        Replaces,
        "ForceNew: google v6.50.0 resource_redis_cluster.go L529-534",
    ),
    fact(
        GCP_CLUSTER,
        "allow_fewer_zones_deployment",
        Replaces,
        "ForceNew: google v6.50.0 resource_redis_cluster.go L75-79",
    ),
    fact(
        GCP_CLUSTER,
        "node_type",
        Restarts("nodes are replaced with the new type one by one"),
        "updateMask nodeType: google v6.50.0 resource_redis_cluster.go L1193-1195",
    ),
    fact(
        GCP_CLUSTER,
        "shard_count",
        Restarts("slots move between shards; clients follow MOVED redirections"),
        "updateMask shardCount: google v6.50.0 resource_redis_cluster.go L1205-1207",
    ),
];

/// Every recorded fact, by provider.
pub fn all() -> impl Iterator<Item = &'static ArgumentFact> {
    AWS.iter().chain(AZURERM).chain(GOOGLE)
}

/// The recorded fact for an argument of a resource type, if any.
pub fn fact_for(resource_type: &str, argument: &str) -> Option<&'static ArgumentFact> {
    all().find(|f| f.resource == resource_type && f.argument == argument)
}

/// What changing `argument` of a `resource_type` does: [`ArgumentChange::InPlace`] when the
/// providers' sources list nothing for it.
pub fn argument_change(resource_type: &str, argument: &str) -> ArgumentChange {
    fact_for(resource_type, argument).map_or(InPlace, |f| f.change)
}

/// The arguments of a resource type that replace it (always or under a condition).
pub fn replacing_arguments(resource_type: &str) -> impl Iterator<Item = &'static ArgumentFact> {
    all().filter(move |f| f.resource == resource_type && f.change.may_replace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fact_has_a_source_and_is_listed_once() {
        let mut seen = std::collections::BTreeSet::new();
        for f in all() {
            assert!(!f.source.is_empty(), "{}.{}", f.resource, f.argument);
            assert!(
                seen.insert((f.resource, f.argument)),
                "{}.{} is listed twice",
                f.resource,
                f.argument
            );
        }
    }

    #[test]
    fn facts_sit_under_their_provider() {
        for (list, prefix) in [(AWS, "aws_"), (AZURERM, "azurerm_"), (GOOGLE, "google_")] {
            for f in list {
                assert!(f.resource.starts_with(prefix), "{}", f.resource);
            }
        }
    }

    #[test]
    fn unlisted_arguments_update_in_place() {
        assert_eq!(
            argument_change("aws_elasticache_replication_group", "node_type"),
            Restarts(
                "nodes are replaced one by one (online scaling of a group with replicas; a single node is unavailable while it is replaced)"
            )
        );
        assert_eq!(
            argument_change("aws_elasticache_replication_group", "snapshot_window"),
            InPlace
        );
        assert!(argument_change("aws_elasticache_replication_group", "port").may_replace());
        assert!(argument_change("azurerm_managed_redis", "sku_name").may_replace());
    }

    #[test]
    fn tested_ranges_start_at_the_tested_version_and_stop_before_the_next_major() {
        for p in TESTED {
            let major: u32 = p.tested.split('.').next().unwrap().parse().unwrap();
            let minor = p.tested.split('.').nth(1).unwrap();
            assert_eq!(
                p.range,
                format!(">= {major}.{minor}, < {}.0", major + 1),
                "{}",
                p.name
            );
        }
    }
}
