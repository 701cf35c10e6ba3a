//! Capability strings of addon `fiscal_mexico` (`http-api.md` §10.1), the roles its manifest declares, and what it may do outside its own tables.

use metacore_runtime::registry::{DeclaredCapability, RoleGrants};

/// Capabilities of `fiscal_documents` (Documentos Fiscales).
pub mod fiscal_documents {
    /// List and view.
    pub const INDEX: &str = "fiscal_documents.index";
    /// Create.
    pub const CREATE: &str = "fiscal_documents.create";
    /// Update.
    pub const UPDATE: &str = "fiscal_documents.update";
    /// Delete.
    pub const DELETE: &str = "fiscal_documents.delete";
    /// Export.
    pub const EXPORT: &str = "fiscal_documents.export";
    /// Import.
    pub const IMPORT: &str = "fiscal_documents.import";
    /// addons.fiscal_mexico.actions.stamp.
    pub const STAMP_FISCAL: &str = "fiscal_documents.stamp_fiscal";
    /// addons.fiscal_mexico.actions.cancel.
    pub const CANCEL_FISCAL: &str = "fiscal_documents.cancel_fiscal";
    /// Every capability of the model.
    pub const ALL: &[&str] = &[
        INDEX,
        CREATE,
        UPDATE,
        DELETE,
        EXPORT,
        IMPORT,
        STAMP_FISCAL,
        CANCEL_FISCAL,
    ];
}

/// stamp_fiscal.
pub const TOOL_STAMP_FISCAL: &str = "fiscal_mexico.tools.stamp_fiscal";

/// cancel_fiscal.
pub const TOOL_CANCEL_FISCAL: &str = "fiscal_mexico.tools.cancel_fiscal";

/// Capabilities of the addon that no single model owns: its tools and its
/// `rbac.permissions`.
pub const ADDON: &[&str] = &[TOOL_STAMP_FISCAL, TOOL_CANCEL_FISCAL];

/// The roles the manifest declares, with what each grants.
pub const ROLES: &[RoleGrants] = &[];

/// What the addon declares it may do outside its own tables.
pub const DECLARED: &[DeclaredCapability] = &[
    DeclaredCapability {
        kind: "http:fetch",
        target: "*.factura.com",
    },
    DeclaredCapability {
        kind: "http:fetch",
        target: "*.sat.gob.mx",
    },
    DeclaredCapability {
        kind: "event:emit",
        target: "fiscal.*",
    },
];
