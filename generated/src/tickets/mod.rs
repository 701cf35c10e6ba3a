//! Addon `tickets` (Tickets & Pedidos) version 1.0.0, compiled from `manifests/tickets-addon/manifest.json`.
//!
//! Sistema de tickets y pedidos con estados, prioridades y asignación.

use metacore_runtime::registry::{AddonDescriptor, ModelDescriptor};

pub mod entities;
pub mod permissions;

/// This addon, for the registry.
pub const ADDON: AddonDescriptor = AddonDescriptor {
    key: "tickets",
    name: "Tickets & Pedidos",
    version: "1.0.0",
    manifest: "manifests/tickets-addon/manifest.json",
    models: &[
        ModelDescriptor {
            key: "Ticket",
            route: "tickets",
            physical_table: "addon_tickets__tickets",
            tenancy_column: Some("organization_id"),
            soft_delete: false,
            capabilities: permissions::tickets::ALL,
            table_metadata_json: include_str!("metadata/tickets.table.json"),
            modal_metadata_json: include_str!("metadata/tickets.modal.json"),
        },
        ModelDescriptor {
            key: "TicketComment",
            route: "ticket_comments",
            physical_table: "addon_tickets__ticket_comments",
            tenancy_column: Some("organization_id"),
            soft_delete: false,
            capabilities: permissions::ticket_comments::ALL,
            table_metadata_json: include_str!("metadata/ticket_comments.table.json"),
            modal_metadata_json: include_str!("metadata/ticket_comments.modal.json"),
        },
    ],
    permissions: permissions::ADDON,
    roles: permissions::ROLES,
    capabilities: permissions::DECLARED,
    navigation_json: include_str!("navigation.json"),
    permission_table_json: include_str!("permissions.json"),
    legacy_manifest_json: include_str!("legacy_manifest.json"),
};
