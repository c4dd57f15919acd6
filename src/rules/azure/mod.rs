//! Rules for the Azure target (CG3xxx): what Azure Cache for Redis (`service: cache`) and
//! Azure Managed Redis (`service: managed`) accept, from the azurerm provider's validation and
//! Microsoft's documentation. Facts that are not primary-sourced are warnings.

/// The examples' Azure targets (a production example base lists AWS: `aws: null` drops it).
macro_rules! managed_target {
    () => {
        "targets: { aws: null, azure: { service: managed, location: eastus, resource_group: rg, sku: Balanced_B10 } }"
    };
}
macro_rules! premium_target {
    () => {
        "targets: { aws: null, azure: { service: cache, location: eastus, resource_group: rg, sku: Premium_P2 } }"
    };
}
macro_rules! standard_target {
    () => {
        "targets: { aws: null, azure: { service: cache, location: eastus, resource_group: rg, sku: Standard_C3 } }"
    };
}

pub mod cache_memory_fits_sku;
pub mod cache_replicas;
pub mod cache_retirement;
pub mod engine_version;
pub mod managed_zones;
pub mod memory_fits_sku_unverified;
pub mod name;
pub mod premium_only;
pub mod rdb_aof_exclusive;
pub mod sku;
pub mod unhonoured_setting;

use crate::facts::azure;
use crate::plan::{AzurePlan, Plan};
use crate::spec::AzureService;

/// The Azure target of a plan, if listed.
pub fn target(plan: &Plan) -> Option<&AzurePlan> {
    plan.targets.azure.as_ref()
}

/// The Azure Cache for Redis target and its SKU, when listed with a known SKU.
pub fn cache(plan: &Plan) -> Option<(&AzurePlan, &'static azure::CacheSku)> {
    let t = target(plan).filter(|t| t.service == AzureService::Cache)?;
    Some((t, azure::cache_sku(&t.sku)?))
}
