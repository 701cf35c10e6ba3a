//! The `maintenance_logs` table of addon `assets`: model `MaintenanceLogs`, declared in `manifests/assets/manifest.json`.

use sea_orm::entity::prelude::*;

/// A row of `maintenance_logs` (Maintenance Logs).
#[derive(
    Clone,
    Debug,
    PartialEq,
    DeriveEntityModel,
    metacore_runtime::serde::Serialize,
    metacore_runtime::serde::Deserialize,
)]
#[serde(crate = "metacore_runtime::serde")]
#[sea_orm(table_name = "addon_assets__maintenance_logs")]
pub struct Model {
    /// `uuid` NOT NULL — the primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `uuid` NOT NULL — the organisation that owns the row (tenancy column).
    pub organization_id: Uuid,
    /// `uuid` NOT NULL. References `assets`.
    pub asset_id: Uuid,
    /// `uuid`. References `maintenance_schedules`.
    pub schedule_id: Option<Uuid>,
    /// `date` NOT NULL.
    pub maintenance_date: Date,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub description: Option<String>,
    /// `numeric(18,4)`.
    #[sea_orm(column_type = "Decimal(Some((18, 4)))")]
    pub cost: Option<metacore_runtime::types::Numeric>,
    /// `varchar(200)`.
    #[sea_orm(column_type = "String(StringLen::N(200))")]
    pub performed_by: Option<String>,
    /// `uuid`.
    pub performed_by_id: Option<Uuid>,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub notes: Option<String>,
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
    /// The row `schedule_id` points at.
    #[sea_orm(
        belongs_to = "super::maintenance_schedules::Entity",
        from = "Column::ScheduleId",
        to = "super::maintenance_schedules::Column::Id"
    )]
    Schedule,
}

impl Related<super::assets::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Asset.def()
    }
}

impl Related<super::maintenance_schedules::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Schedule.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
