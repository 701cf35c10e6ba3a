//! Capability strings of addon `assets` (`http-api.md` §10.1), the roles its manifest declares, and what it may do outside its own tables.

use metacore_runtime::registry::{DeclaredCapability, RoleGrants};

/// Capabilities of `asset_categories` (Asset Categories).
pub mod asset_categories {
    /// List and view.
    pub const INDEX: &str = "asset_categories.index";
    /// Create.
    pub const CREATE: &str = "asset_categories.create";
    /// Update.
    pub const UPDATE: &str = "asset_categories.update";
    /// Delete.
    pub const DELETE: &str = "asset_categories.delete";
    /// Export.
    pub const EXPORT: &str = "asset_categories.export";
    /// Import.
    pub const IMPORT: &str = "asset_categories.import";
    /// Every capability of the model.
    pub const ALL: &[&str] = &[INDEX, CREATE, UPDATE, DELETE, EXPORT, IMPORT];
}

/// Capabilities of `assets` (Assets).
pub mod assets {
    /// List and view.
    pub const INDEX: &str = "assets.index";
    /// Create.
    pub const CREATE: &str = "assets.create";
    /// Update.
    pub const UPDATE: &str = "assets.update";
    /// Delete.
    pub const DELETE: &str = "assets.delete";
    /// Export.
    pub const EXPORT: &str = "assets.export";
    /// Import.
    pub const IMPORT: &str = "assets.import";
    /// Every capability of the model.
    pub const ALL: &[&str] = &[INDEX, CREATE, UPDATE, DELETE, EXPORT, IMPORT];
}

/// Capabilities of `depreciation_schedules` (Depreciation Schedules).
pub mod depreciation_schedules {
    /// List and view.
    pub const INDEX: &str = "depreciation_schedules.index";
    /// Create.
    pub const CREATE: &str = "depreciation_schedules.create";
    /// Update.
    pub const UPDATE: &str = "depreciation_schedules.update";
    /// Delete.
    pub const DELETE: &str = "depreciation_schedules.delete";
    /// Export.
    pub const EXPORT: &str = "depreciation_schedules.export";
    /// Import.
    pub const IMPORT: &str = "depreciation_schedules.import";
    /// Every capability of the model.
    pub const ALL: &[&str] = &[INDEX, CREATE, UPDATE, DELETE, EXPORT, IMPORT];
}

/// Capabilities of `maintenance_schedules` (Maintenance Schedules).
pub mod maintenance_schedules {
    /// List and view.
    pub const INDEX: &str = "maintenance_schedules.index";
    /// Create.
    pub const CREATE: &str = "maintenance_schedules.create";
    /// Update.
    pub const UPDATE: &str = "maintenance_schedules.update";
    /// Delete.
    pub const DELETE: &str = "maintenance_schedules.delete";
    /// Export.
    pub const EXPORT: &str = "maintenance_schedules.export";
    /// Import.
    pub const IMPORT: &str = "maintenance_schedules.import";
    /// Every capability of the model.
    pub const ALL: &[&str] = &[INDEX, CREATE, UPDATE, DELETE, EXPORT, IMPORT];
}

/// Capabilities of `maintenance_logs` (Maintenance Logs).
pub mod maintenance_logs {
    /// List and view.
    pub const INDEX: &str = "maintenance_logs.index";
    /// Create.
    pub const CREATE: &str = "maintenance_logs.create";
    /// Update.
    pub const UPDATE: &str = "maintenance_logs.update";
    /// Delete.
    pub const DELETE: &str = "maintenance_logs.delete";
    /// Export.
    pub const EXPORT: &str = "maintenance_logs.export";
    /// Import.
    pub const IMPORT: &str = "maintenance_logs.import";
    /// Every capability of the model.
    pub const ALL: &[&str] = &[INDEX, CREATE, UPDATE, DELETE, EXPORT, IMPORT];
}

/// Capabilities of `asset_disposals` (Asset Disposals).
pub mod asset_disposals {
    /// List and view.
    pub const INDEX: &str = "asset_disposals.index";
    /// Create.
    pub const CREATE: &str = "asset_disposals.create";
    /// Update.
    pub const UPDATE: &str = "asset_disposals.update";
    /// Delete.
    pub const DELETE: &str = "asset_disposals.delete";
    /// Export.
    pub const EXPORT: &str = "asset_disposals.export";
    /// Import.
    pub const IMPORT: &str = "asset_disposals.import";
    /// Every capability of the model.
    pub const ALL: &[&str] = &[INDEX, CREATE, UPDATE, DELETE, EXPORT, IMPORT];
}

/// Registrar activo.
pub const TOOL_REGISTRAR_ACTIVO: &str = "assets.tools.registrar-activo";

/// Programar mantenimiento.
pub const TOOL_PROGRAMAR_MANTENIMIENTO: &str = "assets.tools.programar-mantenimiento";

/// Capabilities of the addon that no single model owns: its tools and its
/// `rbac.permissions`.
pub const ADDON: &[&str] = &[TOOL_REGISTRAR_ACTIVO, TOOL_PROGRAMAR_MANTENIMIENTO];

/// The roles the manifest declares, with what each grants.
pub const ROLES: &[RoleGrants] = &[];

/// What the addon declares it may do outside its own tables.
pub const DECLARED: &[DeclaredCapability] = &[];
