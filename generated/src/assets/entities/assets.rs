//! The `assets` table of addon `assets`: model `Assets`, declared in `manifests/assets/manifest.json`.

use sea_orm::entity::prelude::*;

/// A row of `assets` (Assets).
#[derive(
    Clone,
    Debug,
    PartialEq,
    DeriveEntityModel,
    metacore_runtime::serde::Serialize,
    metacore_runtime::serde::Deserialize,
)]
#[serde(crate = "metacore_runtime::serde")]
#[sea_orm(table_name = "addon_assets__assets")]
pub struct Model {
    /// `uuid` NOT NULL — the primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `uuid` NOT NULL — the organisation that owns the row (tenancy column).
    pub organization_id: Uuid,
    /// `uuid`. References `asset_categories`.
    pub category_id: Option<Uuid>,
    /// `varchar(300)` NOT NULL.
    #[sea_orm(column_type = "String(StringLen::N(300))")]
    pub name: String,
    /// `varchar(100)`.
    #[sea_orm(column_type = "String(StringLen::N(100))")]
    pub code: Option<String>,
    /// `varchar(200)`.
    #[sea_orm(column_type = "String(StringLen::N(200))")]
    pub serial_number: Option<String>,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub description: Option<String>,
    /// `date`.
    pub purchase_date: Option<Date>,
    /// `numeric(18,4)`.
    #[sea_orm(column_type = "Decimal(Some((18, 4)))")]
    pub purchase_cost: Option<metacore_runtime::types::Numeric>,
    /// `numeric(18,4)`.
    #[sea_orm(column_type = "Decimal(Some((18, 4)))")]
    pub current_value: Option<metacore_runtime::types::Numeric>,
    /// `numeric(18,4)`.
    #[sea_orm(column_type = "Decimal(Some((18, 4)))")]
    pub salvage_value: Option<metacore_runtime::types::Numeric>,
    /// `integer`.
    pub useful_life_months: Option<i32>,
    /// `varchar(30)`.
    #[sea_orm(column_type = "String(StringLen::N(30))")]
    pub depreciation_method: Option<String>,
    /// `varchar(300)`.
    #[sea_orm(column_type = "String(StringLen::N(300))")]
    pub location: Option<String>,
    /// `uuid`.
    pub custodian_id: Option<Uuid>,
    /// `varchar(20)`.
    #[sea_orm(column_type = "String(StringLen::N(20))")]
    pub status: Option<String>,
    /// `date`.
    pub warranty_expiry: Option<Date>,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub notes: Option<String>,
    /// `varchar(500)`.
    #[sea_orm(column_type = "String(StringLen::N(500))")]
    pub image_url: Option<String>,
    /// `timestamptz` NOT NULL — set by the server on create.
    pub created_at: DateTimeUtc,
    /// `timestamptz` NOT NULL — set by the server on every write.
    pub updated_at: DateTimeUtc,
}

/// The relations of this model to the addon's other models.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `category_id` points at.
    #[sea_orm(
        belongs_to = "super::asset_categories::Entity",
        from = "Column::CategoryId",
        to = "super::asset_categories::Column::Id"
    )]
    Category,
    /// The `depreciation_schedules` rows that point at this row.
    #[sea_orm(has_many = "super::depreciation_schedules::Entity")]
    DepreciationSchedules,
    /// The `maintenance_schedules` rows that point at this row.
    #[sea_orm(has_many = "super::maintenance_schedules::Entity")]
    MaintenanceSchedules,
    /// The `maintenance_logs` rows that point at this row.
    #[sea_orm(has_many = "super::maintenance_logs::Entity")]
    MaintenanceLogs,
    /// The `asset_disposals` rows that point at this row.
    #[sea_orm(has_many = "super::asset_disposals::Entity")]
    AssetDisposals,
}

impl Related<super::asset_categories::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Category.def()
    }
}

impl Related<super::depreciation_schedules::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::DepreciationSchedules.def()
    }
}

impl Related<super::maintenance_schedules::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MaintenanceSchedules.def()
    }
}

impl Related<super::maintenance_logs::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MaintenanceLogs.def()
    }
}

impl Related<super::asset_disposals::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AssetDisposals.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
