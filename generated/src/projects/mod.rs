//! Addon `projects` (Gestión de Proyectos) version 1.0.0, compiled from `manifests/projects/manifest.json`.
//!
//! Gestión de proyectos, tareas y registro de tiempo
//!
//! Entities:
//! * [`projects`] — model `Projects`
//! * [`project_tasks`] — model `ProjectTasks`
//! * [`time_entries`] — model `TimeEntries`

use metacore_runtime::registry::{AddonDescriptor, ModelDescriptor};

pub mod projects;
pub mod project_tasks;
pub mod time_entries;

/// This addon, for the registry.
pub const ADDON: AddonDescriptor = AddonDescriptor {
    key: "projects",
    name: "Gestión de Proyectos",
    version: "1.0.0",
    manifest: "manifests/projects/manifest.json",
    models: &[
        ModelDescriptor {
            key: "Projects",
            route: "projects",
            physical_table: "addon_projects__projects",
            tenancy_column: Some("organization_id"),
            soft_delete: true,
        },
        ModelDescriptor {
            key: "ProjectTasks",
            route: "project_tasks",
            physical_table: "addon_projects__project_tasks",
            tenancy_column: Some("organization_id"),
            soft_delete: true,
        },
        ModelDescriptor {
            key: "TimeEntries",
            route: "time_entries",
            physical_table: "addon_projects__time_entries",
            tenancy_column: Some("organization_id"),
            soft_delete: true,
        },
    ],
};
