//! Addon `showcase` (Showcase) version 1.0.0, compiled from `manifests/showcase/manifest.json`.
//!
//! A customer/order book that exercises every column type, select options, relations and soft delete.

use metacore_runtime::registry::{AddonDescriptor, ModelDescriptor};

pub mod entities;
pub mod permissions;

/// This addon, for the registry.
pub const ADDON: AddonDescriptor = AddonDescriptor {
    key: "showcase",
    name: "Showcase",
    version: "1.0.0",
    manifest: "manifests/showcase/manifest.json",
    models: &[
        ModelDescriptor {
            key: "Customer",
            route: "customers",
            physical_table: "addon_showcase__customers",
            tenancy_column: Some("organization_id"),
            soft_delete: true,
            capabilities: permissions::customers::ALL,
            table_metadata_json: include_str!("metadata/customers.table.json"),
            modal_metadata_json: include_str!("metadata/customers.modal.json"),
        },
        ModelDescriptor {
            key: "Order",
            route: "orders",
            physical_table: "addon_showcase__orders",
            tenancy_column: Some("organization_id"),
            soft_delete: true,
            capabilities: permissions::orders::ALL,
            table_metadata_json: include_str!("metadata/orders.table.json"),
            modal_metadata_json: include_str!("metadata/orders.modal.json"),
        },
    ],
    permissions: permissions::ADDON,
    roles: permissions::ROLES,
    capabilities: permissions::DECLARED,
    navigation_json: include_str!("navigation.json"),
    permission_table_json: include_str!("permissions.json"),
    legacy_manifest_json: include_str!("legacy_manifest.json"),
};
