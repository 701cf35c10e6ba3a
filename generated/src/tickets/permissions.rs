//! Capability strings of addon `tickets` (`http-api.md` §10.1), the roles its manifest declares, and what it may do outside its own tables.

use metacore_runtime::registry::{DeclaredCapability, RoleGrants};

/// Capabilities of `tickets` (Tickets).
pub mod tickets {
    /// List and view.
    pub const INDEX: &str = "tickets.index";
    /// Create.
    pub const CREATE: &str = "tickets.create";
    /// Update.
    pub const UPDATE: &str = "tickets.update";
    /// Delete.
    pub const DELETE: &str = "tickets.delete";
    /// Export.
    pub const EXPORT: &str = "tickets.export";
    /// Import.
    pub const IMPORT: &str = "tickets.import";
    /// addons.tickets.actions.resolve.
    pub const RESOLVE: &str = "tickets.resolve";
    /// addons.tickets.actions.reassign.
    pub const REASSIGN: &str = "tickets.reassign";
    /// Every capability of the model.
    pub const ALL: &[&str] = &[
        INDEX,
        CREATE,
        UPDATE,
        DELETE,
        EXPORT,
        IMPORT,
        RESOLVE,
        REASSIGN,
    ];
}

/// Capabilities of `ticket_comments` (Comentarios).
pub mod ticket_comments {
    /// List and view.
    pub const INDEX: &str = "ticket_comments.index";
    /// Create.
    pub const CREATE: &str = "ticket_comments.create";
    /// Update.
    pub const UPDATE: &str = "ticket_comments.update";
    /// Delete.
    pub const DELETE: &str = "ticket_comments.delete";
    /// Export.
    pub const EXPORT: &str = "ticket_comments.export";
    /// Import.
    pub const IMPORT: &str = "ticket_comments.import";
    /// Every capability of the model.
    pub const ALL: &[&str] = &[INDEX, CREATE, UPDATE, DELETE, EXPORT, IMPORT];
}

/// Leer tickets.
pub const PERMISSION_TICKETS_TICKET_READ: &str = "tickets.ticket.read";

/// Crear/editar tickets.
pub const PERMISSION_TICKETS_TICKET_WRITE: &str = "tickets.ticket.write";

/// Leer comentarios.
pub const PERMISSION_TICKETS_COMMENT_READ: &str = "tickets.comment.read";

/// Escribir comentarios.
pub const PERMISSION_TICKETS_COMMENT_WRITE: &str = "tickets.comment.write";

/// Capabilities of the addon that no single model owns: its tools and its
/// `rbac.permissions`.
pub const ADDON: &[&str] = &[
    PERMISSION_TICKETS_TICKET_READ,
    PERMISSION_TICKETS_TICKET_WRITE,
    PERMISSION_TICKETS_COMMENT_READ,
    PERMISSION_TICKETS_COMMENT_WRITE,
];

/// The roles the manifest declares, with what each grants.
pub const ROLES: &[RoleGrants] = &[];

/// What the addon declares it may do outside its own tables.
pub const DECLARED: &[DeclaredCapability] = &[
    DeclaredCapability {
        kind: "db:read",
        target: "users",
    },
    DeclaredCapability {
        kind: "db:read",
        target: "addon_tickets.*",
    },
    DeclaredCapability {
        kind: "db:write",
        target: "addon_tickets.*",
    },
    DeclaredCapability {
        kind: "event:emit",
        target: "ticket.created",
    },
    DeclaredCapability {
        kind: "event:emit",
        target: "ticket.resolved",
    },
    DeclaredCapability {
        kind: "event:emit",
        target: "ticket.reassigned",
    },
    DeclaredCapability {
        kind: "http:fetch",
        target: "https://api.slack.com/*",
    },
];
