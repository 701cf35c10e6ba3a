//! The `project_tasks` table of addon `projects`: model `ProjectTasks`, declared in `manifests/projects/manifest.json`.

use sea_orm::entity::prelude::*;

/// A row of `project_tasks` (Project Tasks).
#[derive(
    Clone,
    Debug,
    PartialEq,
    DeriveEntityModel,
    metacore_runtime::serde::Serialize,
    metacore_runtime::serde::Deserialize,
)]
#[serde(crate = "metacore_runtime::serde")]
#[sea_orm(table_name = "addon_projects__project_tasks")]
pub struct Model {
    /// `uuid` NOT NULL — the primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `uuid` NOT NULL — the organisation that owns the row (tenancy column).
    pub organization_id: Uuid,
    /// `uuid` NOT NULL. References `projects`.
    pub project_id: Uuid,
    /// `uuid`. References `project_tasks`.
    pub parent_task_id: Option<Uuid>,
    /// `uuid`.
    pub assignee_id: Option<Uuid>,
    /// `varchar(300)` NOT NULL.
    #[sea_orm(column_type = "String(StringLen::N(300))")]
    pub title: String,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub description: Option<String>,
    /// `varchar(20)`.
    #[sea_orm(column_type = "String(StringLen::N(20))")]
    pub status: Option<String>,
    /// `varchar(20)`.
    #[sea_orm(column_type = "String(StringLen::N(20))")]
    pub priority: Option<String>,
    /// `timestamptz`.
    pub due_date: Option<DateTimeUtc>,
    /// `numeric(18,4)`.
    #[sea_orm(column_type = "Decimal(Some((18, 4)))")]
    pub estimated_hours: Option<metacore_runtime::types::Numeric>,
    /// `numeric(18,4)`.
    #[sea_orm(column_type = "Decimal(Some((18, 4)))")]
    pub actual_hours: Option<metacore_runtime::types::Numeric>,
    /// `integer`.
    pub sort_order: Option<i32>,
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
    /// The row `parent_task_id` points at.
    #[sea_orm(belongs_to = "Entity", from = "Column::ParentTaskId", to = "Column::Id")]
    ParentTask,
    /// The `time_entries` rows that point at this row.
    #[sea_orm(has_many = "super::time_entries::Entity")]
    TimeEntries,
}

impl Related<super::projects::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

impl Related<super::time_entries::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TimeEntries.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
