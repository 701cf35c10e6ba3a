//! The `ticket_comments` table of addon `tickets`: model `TicketComment`, declared in `manifests/tickets-addon/manifest.json`.

use sea_orm::entity::prelude::*;

/// A row of `ticket_comments` (Comentarios).
#[derive(
    Clone,
    Debug,
    PartialEq,
    DeriveEntityModel,
    metacore_runtime::serde::Serialize,
    metacore_runtime::serde::Deserialize,
)]
#[serde(crate = "metacore_runtime::serde")]
#[sea_orm(table_name = "addon_tickets__ticket_comments")]
pub struct Model {
    /// `uuid` NOT NULL — the primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `uuid` NOT NULL — the organisation that owns the row (tenancy column).
    pub organization_id: Uuid,
    /// `uuid` NOT NULL. References `tickets.Ticket`.
    pub ticket_id: Uuid,
    /// `uuid` NOT NULL.
    pub author_id: Uuid,
    /// `text` NOT NULL.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// `jsonb`.
    #[sea_orm(column_type = "JsonBinary")]
    pub mentions: Option<Json>,
    /// `timestamptz` NOT NULL — set by the server on create.
    pub created_at: DateTimeUtc,
}

/// The relations of this model to the addon's other models.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `ticket_id` points at.
    #[sea_orm(
        belongs_to = "super::tickets::Entity",
        from = "Column::TicketId",
        to = "super::tickets::Column::Id"
    )]
    Ticket,
}

impl Related<super::tickets::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Ticket.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
