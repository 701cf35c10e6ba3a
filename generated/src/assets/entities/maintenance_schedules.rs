//! The `maintenance_schedules` table of addon `assets`: model `MaintenanceSchedules`, declared in `manifests/assets/manifest.json`.

use sea_orm::entity::prelude::*;

/// A row of `maintenance_schedules` (Maintenance Schedules).
#[derive(
    Clone,
    Debug,
    PartialEq,
    DeriveEntityModel,
    metacore_runtime::serde::Serialize,
    metacore_runtime::serde::Deserialize,
)]
#[serde(crate = "metacore_runtime::serde")]
#[sea_orm(table_name = "addon_assets__maintenance_schedules")]
pub struct Model {
    /// `uuid` NOT NULL — the primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `uuid` NOT NULL — the organisation that owns the row (tenancy column).
    pub organization_id: Uuid,
    /// `uuid` NOT NULL. References `assets`.
    pub asset_id: Uuid,
    /// `varchar(300)` NOT NULL.
    #[sea_orm(column_type = "String(StringLen::N(300))")]
    pub title: String,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub description: Option<String>,
    /// `varchar(20)`.
    #[sea_orm(column_type = "String(StringLen::N(20))")]
    pub frequency: Option<String>,
    /// `date`.
    pub next_due_date: Option<Date>,
    /// `uuid`.
    pub assigned_to_id: Option<Uuid>,
    /// `boolean`.
    pub is_active: Option<bool>,
    /// `timestamptz` NOT NULL — set by the server on create.
    pub created_at: DateTimeUtc,
    /// `timestamptz` NOT NULL — set by the server on every write.
    pub updated_at: DateTimeUtc,
}

/// The relations of this model to the addon's other models.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `asset_id` points at.
    #[sea_orm(
        belongs_to = "super::assets::Entity",
        from = "Column::AssetId",
        to = "super::assets::Column::Id"
    )]
    Asset,
    /// The `maintenance_logs` rows that point at this row.
    #[sea_orm(has_many = "super::maintenance_logs::Entity")]
    MaintenanceLogs,
}

impl Related<super::assets::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Asset.def()
    }
}

impl Related<super::maintenance_logs::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MaintenanceLogs.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
