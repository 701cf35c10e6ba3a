//! The `customers` table of addon `showcase`: model `Customer`, declared in `manifests/showcase/manifest.json`.

use sea_orm::entity::prelude::*;

/// A row of `customers` (Customers).
#[derive(
    Clone,
    Debug,
    PartialEq,
    DeriveEntityModel,
    metacore_runtime::serde::Serialize,
    metacore_runtime::serde::Deserialize,
)]
#[serde(crate = "metacore_runtime::serde")]
#[sea_orm(table_name = "addon_showcase__customers")]
pub struct Model {
    /// `uuid` NOT NULL — the primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `uuid` NOT NULL — the organisation that owns the row (tenancy column).
    pub organization_id: Uuid,
    /// `text` NOT NULL: Name.
    #[sea_orm(column_type = "Text")]
    pub name: String,
    /// `varchar(120)`: Email.
    #[sea_orm(column_type = "String(StringLen::N(120))")]
    pub email: Option<String>,
    /// `varchar(10)` NOT NULL: Tier.
    #[sea_orm(column_type = "String(StringLen::N(10))")]
    pub tier: String,
    /// `numeric(12,2)`: Credit limit.
    #[sea_orm(column_type = "Decimal(Some((12, 2)))")]
    pub credit_limit: Option<metacore_runtime::types::Numeric>,
    /// `boolean` NOT NULL: Active.
    pub active: bool,
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
    /// The `orders` rows that point at this row.
    #[sea_orm(has_many = "super::orders::Entity")]
    Orders,
}

impl Related<super::orders::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Orders.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
