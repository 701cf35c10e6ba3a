//! Capability strings of addon `projects` (`http-api.md` §10.1), the roles its manifest declares, and what it may do outside its own tables.

use metacore_runtime::registry::{DeclaredCapability, RoleGrants};

/// Capabilities of `projects` (Projects).
pub mod projects {
    /// List and view.
    pub const INDEX: &str = "projects.index";
    /// Create.
    pub const CREATE: &str = "projects.create";
    /// Update.
    pub const UPDATE: &str = "projects.update";
    /// Delete.
    pub const DELETE: &str = "projects.delete";
    /// Export.
    pub const EXPORT: &str = "projects.export";
    /// Import.
    pub const IMPORT: &str = "projects.import";
    /// Every capability of the model.
    pub const ALL: &[&str] = &[INDEX, CREATE, UPDATE, DELETE, EXPORT, IMPORT];
}

/// Capabilities of `project_tasks` (Project Tasks).
pub mod project_tasks {
    /// List and view.
    pub const INDEX: &str = "project_tasks.index";
    /// Create.
    pub const CREATE: &str = "project_tasks.create";
    /// Update.
    pub const UPDATE: &str = "project_tasks.update";
    /// Delete.
    pub const DELETE: &str = "project_tasks.delete";
    /// Export.
    pub const EXPORT: &str = "project_tasks.export";
    /// Import.
    pub const IMPORT: &str = "project_tasks.import";
    /// Every capability of the model.
    pub const ALL: &[&str] = &[INDEX, CREATE, UPDATE, DELETE, EXPORT, IMPORT];
}

/// Capabilities of `time_entries` (Time Entries).
pub mod time_entries {
    /// List and view.
    pub const INDEX: &str = "time_entries.index";
    /// Create.
    pub const CREATE: &str = "time_entries.create";
    /// Update.
    pub const UPDATE: &str = "time_entries.update";
    /// Delete.
    pub const DELETE: &str = "time_entries.delete";
    /// Export.
    pub const EXPORT: &str = "time_entries.export";
    /// Import.
    pub const IMPORT: &str = "time_entries.import";
    /// Every capability of the model.
    pub const ALL: &[&str] = &[INDEX, CREATE, UPDATE, DELETE, EXPORT, IMPORT];
}

/// Crear proyecto.
pub const TOOL_CREAR_PROYECTO: &str = "projects.tools.crear-proyecto";

/// Asignar tarea.
pub const TOOL_ASIGNAR_TAREA: &str = "projects.tools.asignar-tarea";

/// Capabilities of the addon that no single model owns: its tools and its
/// `rbac.permissions`.
pub const ADDON: &[&str] = &[TOOL_CREAR_PROYECTO, TOOL_ASIGNAR_TAREA];

/// The roles the manifest declares, with what each grants.
pub const ROLES: &[RoleGrants] = &[];

/// What the addon declares it may do outside its own tables.
pub const DECLARED: &[DeclaredCapability] = &[];
