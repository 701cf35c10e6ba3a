//! The `time_entries` table of addon `projects`: model `TimeEntries`, declared in `manifests/projects/manifest.json`.

use sea_orm::entity::prelude::*;

/// A row of `time_entries` (Time Entries).
#[derive(
    Clone,
    Debug,
    PartialEq,
    DeriveEntityModel,
    metacore_runtime::serde::Serialize,
    metacore_runtime::serde::Deserialize,
)]
#[serde(crate = "metacore_runtime::serde")]
#[sea_orm(table_name = "addon_projects__time_entries")]
pub struct Model {
    /// `uuid` NOT NULL — the primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `uuid` NOT NULL — the organisation that owns the row (tenancy column).
    pub organization_id: Uuid,
    /// `uuid` NOT NULL. References `projects`.
    pub project_id: Uuid,
    /// `uuid`. References `project_tasks`.
    pub task_id: Option<Uuid>,
    /// `uuid`.
    pub employee_id: Option<Uuid>,
    /// `timestamptz`.
    pub date: Option<DateTimeUtc>,
    /// `numeric(18,4)` NOT NULL.
    #[sea_orm(column_type = "Decimal(Some((18, 4)))")]
    pub hours: metacore_runtime::types::Numeric,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub description: Option<String>,
    /// `boolean`.
    pub is_billable: Option<bool>,
    /// `boolean`.
    pub is_active: Option<bool>,
    /// `timestamptz` NOT NULL — set by the server on create.
    pub created_at: DateTimeUtc,
    /// `timestamptz` NOT NULL — set by the server on every write.
    pub updated_at: DateTimeUtc,
    /// `timestamptz` — set when the row is soft-deleted.
    pub deleted_at: Option<DateTimeUtc>,
}

/// The relations of this model to the addon's other models.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `project_id` points at.
    #[sea_orm(
        belongs_to = "super::projects::Entity",
        from = "Column::ProjectId",
        to = "super::projects::Column::Id"
    )]
    Project,
    /// The row `task_id` points at.
    #[sea_orm(
        belongs_to = "super::project_tasks::Entity",
        from = "Column::TaskId",
        to = "super::project_tasks::Column::Id"
    )]
    Task,
}

impl Related<super::projects::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

impl Related<super::project_tasks::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Task.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
