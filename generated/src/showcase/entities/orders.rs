//! The `orders` table of addon `showcase`: model `Order`, declared in `manifests/showcase/manifest.json`.

use sea_orm::entity::prelude::*;

/// A row of `orders` (Orders).
#[derive(
    Clone,
    Debug,
    PartialEq,
    DeriveEntityModel,
    metacore_runtime::serde::Serialize,
    metacore_runtime::serde::Deserialize,
)]
#[serde(crate = "metacore_runtime::serde")]
#[sea_orm(table_name = "addon_showcase__orders")]
pub struct Model {
    /// `uuid` NOT NULL — the primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `uuid` NOT NULL — the organisation that owns the row (tenancy column).
    pub organization_id: Uuid,
    /// `uuid` NOT NULL: Customer. References `customers`.
    pub customer_id: Uuid,
    /// `bigint` NOT NULL: Number.
    pub number: i64,
    /// `integer` NOT NULL: Quantity.
    pub quantity: i32,
    /// `numeric(18,4)` NOT NULL: Total.
    #[sea_orm(column_type = "Decimal(Some((18, 4)))")]
    pub total: metacore_runtime::types::Numeric,
    /// `numeric`: Discount.
    #[sea_orm(column_type = "Decimal(None)")]
    pub discount: Option<metacore_runtime::types::Numeric>,
    /// `text` NOT NULL: Status.
    #[sea_orm(column_type = "Text")]
    pub status: String,
    /// `date`: Placed on.
    pub placed_on: Option<Date>,
    /// `timestamp`: Ship by (local time).
    pub ship_by: Option<DateTime>,
    /// `json`: Attributes.
    pub attributes: Option<Json>,
    /// `jsonb`: Tags.
    #[sea_orm(column_type = "JsonBinary")]
    pub tags: Option<Json>,
    /// `text`: Notes.
    #[sea_orm(column_type = "Text")]
    pub notes: Option<String>,
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
    /// The row `customer_id` points at.
    #[sea_orm(
        belongs_to = "super::customers::Entity",
        from = "Column::CustomerId",
        to = "super::customers::Column::Id"
    )]
    Customer,
}

impl Related<super::customers::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
