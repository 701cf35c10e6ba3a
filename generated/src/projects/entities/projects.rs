//! The `projects` table of addon `projects`: model `Projects`, declared in `manifests/projects/manifest.json`.

use sea_orm::entity::prelude::*;

/// A row of `projects` (Projects).
#[derive(
    Clone,
    Debug,
    PartialEq,
    DeriveEntityModel,
    metacore_runtime::serde::Serialize,
    metacore_runtime::serde::Deserialize,
)]
#[serde(crate = "metacore_runtime::serde")]
#[sea_orm(table_name = "addon_projects__projects")]
pub struct Model {
    /// `uuid` NOT NULL — the primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `uuid` NOT NULL — the organisation that owns the row (tenancy column).
    pub organization_id: Uuid,
    /// `uuid`.
    pub manager_id: Option<Uuid>,
    /// `uuid`.
    pub customer_id: Option<Uuid>,
    /// `varchar(50)` NOT NULL.
    #[sea_orm(column_type = "String(StringLen::N(50))")]
    pub code: String,
    /// `varchar(300)` NOT NULL.
    #[sea_orm(column_type = "String(StringLen::N(300))")]
    pub name: String,
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
    pub start_date: Option<DateTimeUtc>,
    /// `timestamptz`.
    pub end_date: Option<DateTimeUtc>,
    /// `numeric(18,4)`.
    #[sea_orm(column_type = "Decimal(Some((18, 4)))")]
    pub budget: Option<metacore_runtime::types::Numeric>,
    /// `varchar(10)`.
    #[sea_orm(column_type = "String(StringLen::N(10))")]
    pub currency_code: Option<String>,
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
    /// The `project_tasks` rows that point at this row.
    #[sea_orm(has_many = "super::project_tasks::Entity")]
    ProjectTasks,
    /// The `time_entries` rows that point at this row.
    #[sea_orm(has_many = "super::time_entries::Entity")]
    TimeEntries,
}

impl Related<super::project_tasks::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProjectTasks.def()
    }
}

impl Related<super::time_entries::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TimeEntries.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
