//! The `depreciation_schedules` table of addon `assets`: model `DepreciationSchedules`, declared in `manifests/assets/manifest.json`.

use sea_orm::entity::prelude::*;

/// A row of `depreciation_schedules` (Depreciation Schedules).
#[derive(
    Clone,
    Debug,
    PartialEq,
    DeriveEntityModel,
    metacore_runtime::serde::Serialize,
    metacore_runtime::serde::Deserialize,
)]
#[serde(crate = "metacore_runtime::serde")]
#[sea_orm(table_name = "addon_assets__depreciation_schedules")]
pub struct Model {
    /// `uuid` NOT NULL — the primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `uuid` NOT NULL — the organisation that owns the row (tenancy column).
    pub organization_id: Uuid,
    /// `uuid` NOT NULL. References `assets`.
    pub asset_id: Uuid,
    /// `date` NOT NULL.
    pub period_date: Date,
    /// `numeric(18,4)`.
    #[sea_orm(column_type = "Decimal(Some((18, 4)))")]
    pub depreciation_amount: Option<metacore_runtime::types::Numeric>,
    /// `numeric(18,4)`.
    #[sea_orm(column_type = "Decimal(Some((18, 4)))")]
    pub accumulated_depreciation: Option<metacore_runtime::types::Numeric>,
    /// `numeric(18,4)`.
    #[sea_orm(column_type = "Decimal(Some((18, 4)))")]
    pub book_value: Option<metacore_runtime::types::Numeric>,
    /// `uuid`.
    pub journal_entry_id: Option<Uuid>,
    /// `boolean`.
    pub is_posted: Option<bool>,
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
}

impl Related<super::assets::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Asset.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
