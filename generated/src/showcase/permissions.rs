//! Capability strings of addon `showcase` (`http-api.md` §10.1), the roles its manifest declares, and what it may do outside its own tables.

use metacore_runtime::registry::{DeclaredCapability, RoleGrants};

/// Capabilities of `customers` (Customers).
pub mod customers {
    /// List and view.
    pub const INDEX: &str = "customers.index";
    /// Create.
    pub const CREATE: &str = "customers.create";
    /// Update.
    pub const UPDATE: &str = "customers.update";
    /// Delete.
    pub const DELETE: &str = "customers.delete";
    /// Export.
    pub const EXPORT: &str = "customers.export";
    /// Import.
    pub const IMPORT: &str = "customers.import";
    /// Echo.
    pub const ECHO: &str = "customers.echo";
    /// Ping once.
    pub const PING: &str = "customers.ping";
    /// Promote all.
    pub const PROMOTE: &str = "customers.promote";
    /// Echo (packed).
    pub const ECHO_PACKED: &str = "customers.echo_packed";
    /// Vet.
    pub const VET: &str = "customers.vet";
    /// Every capability of the model.
    pub const ALL: &[&str] = &[
        INDEX,
        CREATE,
        UPDATE,
        DELETE,
        EXPORT,
        IMPORT,
        ECHO,
        PING,
        PROMOTE,
        ECHO_PACKED,
        VET,
    ];
}

/// Capabilities of `orders` (Orders).
pub mod orders {
    /// List and view.
    pub const INDEX: &str = "orders.index";
    /// Create.
    pub const CREATE: &str = "orders.create";
    /// Update.
    pub const UPDATE: &str = "orders.update";
    /// Delete.
    pub const DELETE: &str = "orders.delete";
    /// Export.
    pub const EXPORT: &str = "orders.export";
    /// Import.
    pub const IMPORT: &str = "orders.import";
    /// Every capability of the model.
    pub const ALL: &[&str] = &[INDEX, CREATE, UPDATE, DELETE, EXPORT, IMPORT];
}

/// echo_tool.
pub const TOOL_ECHO_TOOL: &str = "showcase.tools.echo_tool";

/// spin.
pub const TOOL_SPIN: &str = "showcase.tools.spin";

/// Capabilities of the addon that no single model owns: its tools and its
/// `rbac.permissions`.
pub const ADDON: &[&str] = &[TOOL_ECHO_TOOL, TOOL_SPIN];

/// The roles the manifest declares, with what each grants.
pub const ROLES: &[RoleGrants] = &[
    RoleGrants {
        role: "clerk",
        grants: &["customers.index", "orders.index", "orders.create"],
    },
];

/// What the addon declares it may do outside its own tables.
pub const DECLARED: &[DeclaredCapability] = &[
    DeclaredCapability {
        kind: "db:read",
        target: "addon_showcase.*",
    },
    DeclaredCapability {
        kind: "db:write",
        target: "addon_showcase.*",
    },
    DeclaredCapability {
        kind: "event:emit",
        target: "showcase.*",
    },
    DeclaredCapability {
        kind: "event:subscribe",
        target: "showcase.Order.created",
    },
];
