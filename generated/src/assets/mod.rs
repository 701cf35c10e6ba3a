//! Addon `assets` (Activos Fijos) version 1.0.0, compiled from `manifests/assets/manifest.json`.
//!
//! Gestión de activos fijos, depreciación, mantenimiento y bajas

use metacore_runtime::registry::{AddonDescriptor, ModelDescriptor};

pub mod entities;
pub mod permissions;

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
            capabilities: permissions::asset_categories::ALL,
            table_metadata_json: include_str!("metadata/asset_categories.table.json"),
            modal_metadata_json: include_str!("metadata/asset_categories.modal.json"),
        },
        ModelDescriptor {
            key: "Assets",
            route: "assets",
            physical_table: "addon_assets__assets",
            tenancy_column: Some("organization_id"),
            soft_delete: false,
            capabilities: permissions::assets::ALL,
            table_metadata_json: include_str!("metadata/assets.table.json"),
            modal_metadata_json: include_str!("metadata/assets.modal.json"),
        },
        ModelDescriptor {
            key: "DepreciationSchedules",
            route: "depreciation_schedules",
            physical_table: "addon_assets__depreciation_schedules",
            tenancy_column: Some("organization_id"),
            soft_delete: false,
            capabilities: permissions::depreciation_schedules::ALL,
            table_metadata_json: include_str!(
                "metadata/depreciation_schedules.table.json"
            ),
            modal_metadata_json: include_str!(
                "metadata/depreciation_schedules.modal.json"
            ),
        },
        ModelDescriptor {
            key: "MaintenanceSchedules",
            route: "maintenance_schedules",
            physical_table: "addon_assets__maintenance_schedules",
            tenancy_column: Some("organization_id"),
            soft_delete: false,
            capabilities: permissions::maintenance_schedules::ALL,
            table_metadata_json: include_str!(
                "metadata/maintenance_schedules.table.json"
            ),
            modal_metadata_json: include_str!(
                "metadata/maintenance_schedules.modal.json"
            ),
        },
        ModelDescriptor {
            key: "MaintenanceLogs",
            route: "maintenance_logs",
            physical_table: "addon_assets__maintenance_logs",
            tenancy_column: Some("organization_id"),
            soft_delete: false,
            capabilities: permissions::maintenance_logs::ALL,
            table_metadata_json: include_str!("metadata/maintenance_logs.table.json"),
            modal_metadata_json: include_str!("metadata/maintenance_logs.modal.json"),
        },
        ModelDescriptor {
            key: "AssetDisposals",
            route: "asset_disposals",
            physical_table: "addon_assets__asset_disposals",
            tenancy_column: Some("organization_id"),
            soft_delete: false,
            capabilities: permissions::asset_disposals::ALL,
            table_metadata_json: include_str!("metadata/asset_disposals.table.json"),
            modal_metadata_json: include_str!("metadata/asset_disposals.modal.json"),
        },
    ],
    permissions: permissions::ADDON,
    roles: permissions::ROLES,
    capabilities: permissions::DECLARED,
    navigation_json: include_str!("navigation.json"),
    permission_table_json: include_str!("permissions.json"),
    legacy_manifest_json: include_str!("legacy_manifest.json"),
};
