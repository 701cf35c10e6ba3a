//! Addon `showcase` (Showcase) version 1.0.0, compiled from `manifests/showcase/manifest.json`.
//!
//! A customer/order book that exercises every column type, select options, relations and soft delete.
//!
//! Entities:
//! * [`customers`] — model `Customer`
//! * [`orders`] — model `Order`

use metacore_runtime::registry::{AddonDescriptor, ModelDescriptor};

pub mod customers;
pub mod orders;

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
        },
        ModelDescriptor {
            key: "Order",
            route: "orders",
            physical_table: "addon_showcase__orders",
            tenancy_column: Some("organization_id"),
            soft_delete: true,
        },
    ],
};
