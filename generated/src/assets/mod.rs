//! Addon `assets` (Activos Fijos) version 1.0.0, compiled from `manifests/assets/manifest.json`.
//!
//! Gestión de activos fijos, depreciación, mantenimiento y bajas
//!
//! Entities:
//! * [`asset_categories`] — model `AssetCategories`
//! * [`assets`] — model `Assets`
//! * [`depreciation_schedules`] — model `DepreciationSchedules`
//! * [`maintenance_schedules`] — model `MaintenanceSchedules`
//! * [`maintenance_logs`] — model `MaintenanceLogs`
//! * [`asset_disposals`] — model `AssetDisposals`

use metacore_runtime::registry::{AddonDescriptor, ModelDescriptor};

pub mod asset_categories;
pub mod assets;
pub mod depreciation_schedules;
pub mod maintenance_schedules;
pub mod maintenance_logs;
pub mod asset_disposals;

/// This addon, for the registry.
pub const ADDON: AddonDescriptor = AddonDescriptor {
    key: "assets",
    name: "Activos Fijos",
    version: "1.0.0",
    manifest: "manifests/assets/manifest.json",
    models: &[
        ModelDescriptor {
            key: "AssetCategories",
            route: "asset_categories",
            physical_table: "addon_assets__asset_categories",
            tenancy_column: Some("organization_id"),
            soft_delete: false,
        },
        ModelDescriptor {
            key: "Assets",
            route: "assets",
            physical_table: "addon_assets__assets",
            tenancy_column: Some("organization_id"),
            soft_delete: false,
        },
        ModelDescriptor {
            key: "DepreciationSchedules",
            route: "depreciation_schedules",
            physical_table: "addon_assets__depreciation_schedules",
            tenancy_column: Some("organization_id"),
            soft_delete: false,
        },
        ModelDescriptor {
            key: "MaintenanceSchedules",
            route: "maintenance_schedules",
            physical_table: "addon_assets__maintenance_schedules",
            tenancy_column: Some("organization_id"),
            soft_delete: false,
        },
        ModelDescriptor {
            key: "MaintenanceLogs",
            route: "maintenance_logs",
            physical_table: "addon_assets__maintenance_logs",
            tenancy_column: Some("organization_id"),
            soft_delete: false,
        },
        ModelDescriptor {
            key: "AssetDisposals",
            route: "asset_disposals",
            physical_table: "addon_assets__asset_disposals",
            tenancy_column: Some("organization_id"),
            soft_delete: false,
        },
    ],
};
