//! Addon `projects` (Gestión de Proyectos) version 1.0.0, compiled from `manifests/projects/manifest.json`.
//!
//! Gestión de proyectos, tareas y registro de tiempo

use metacore_runtime::registry::{AddonDescriptor, ModelDescriptor};

pub mod entities;
pub mod permissions;

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
            capabilities: permissions::projects::ALL,
            table_metadata_json: include_str!("metadata/projects.table.json"),
            modal_metadata_json: include_str!("metadata/projects.modal.json"),
        },
        ModelDescriptor {
            key: "ProjectTasks",
            route: "project_tasks",
            physical_table: "addon_projects__project_tasks",
            tenancy_column: Some("organization_id"),
            soft_delete: true,
            capabilities: permissions::project_tasks::ALL,
            table_metadata_json: include_str!("metadata/project_tasks.table.json"),
            modal_metadata_json: include_str!("metadata/project_tasks.modal.json"),
        },
        ModelDescriptor {
            key: "TimeEntries",
            route: "time_entries",
            physical_table: "addon_projects__time_entries",
            tenancy_column: Some("organization_id"),
            soft_delete: true,
            capabilities: permissions::time_entries::ALL,
            table_metadata_json: include_str!("metadata/time_entries.table.json"),
            modal_metadata_json: include_str!("metadata/time_entries.modal.json"),
        },
    ],
    permissions: permissions::ADDON,
    roles: permissions::ROLES,
    capabilities: permissions::DECLARED,
    navigation_json: include_str!("navigation.json"),
    permission_table_json: include_str!("permissions.json"),
    legacy_manifest_json: include_str!("legacy_manifest.json"),
};
