//! The `asset_categories` table of addon `assets`: model `AssetCategories`, declared in `manifests/assets/manifest.json`.

use sea_orm::entity::prelude::*;

/// A row of `asset_categories` (Asset Categories).
#[derive(
    Clone,
    Debug,
    PartialEq,
    DeriveEntityModel,
    metacore_runtime::serde::Serialize,
    metacore_runtime::serde::Deserialize,
)]
#[serde(crate = "metacore_runtime::serde")]
#[sea_orm(table_name = "addon_assets__asset_categories")]
pub struct Model {
    /// `uuid` NOT NULL — the primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `uuid` NOT NULL — the organisation that owns the row (tenancy column).
    pub organization_id: Uuid,
    /// `varchar(200)` NOT NULL.
    #[sea_orm(column_type = "String(StringLen::N(200))")]
    pub name: String,
    /// `varchar(50)`.
    #[sea_orm(column_type = "String(StringLen::N(50))")]
    pub code: Option<String>,
    /// `varchar(30)`.
    #[sea_orm(column_type = "String(StringLen::N(30))")]
    pub depreciation_method: Option<String>,
    /// `integer`.
    pub useful_life_months: Option<i32>,
    /// `numeric(18,4)`.
    #[sea_orm(column_type = "Decimal(Some((18, 4)))")]
    pub salvage_rate: Option<metacore_runtime::types::Numeric>,
    /// `uuid`. References `asset_categories`.
    pub parent_id: Option<Uuid>,
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
    /// The row `parent_id` points at.
    #[sea_orm(belongs_to = "Entity", from = "Column::ParentId", to = "Column::Id")]
    Parent,
    /// The `assets` rows that point at this row.
    #[sea_orm(has_many = "super::assets::Entity")]
    Assets,
}

impl Related<super::assets::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Assets.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
