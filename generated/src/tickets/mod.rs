//! Addon `tickets` (Tickets & Pedidos) version 1.0.0, compiled from `manifests/tickets-addon/manifest.json`.
//!
//! Sistema de tickets y pedidos con estados, prioridades y asignación.
//!
//! Entities:
//! * [`tickets`] — model `Ticket`
//! * [`ticket_comments`] — model `TicketComment`

use metacore_runtime::registry::{AddonDescriptor, ModelDescriptor};

pub mod tickets;
pub mod ticket_comments;

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
        },
        ModelDescriptor {
            key: "TicketComment",
            route: "ticket_comments",
            physical_table: "addon_tickets__ticket_comments",
            tenancy_column: Some("organization_id"),
            soft_delete: false,
        },
    ],
};
