//! The `tickets` table of addon `tickets`: model `Ticket`, declared in `manifests/tickets-addon/manifest.json`.

use sea_orm::entity::prelude::*;

/// A row of `tickets` (Tickets).
#[derive(
    Clone,
    Debug,
    PartialEq,
    DeriveEntityModel,
    metacore_runtime::serde::Serialize,
    metacore_runtime::serde::Deserialize,
)]
#[serde(crate = "metacore_runtime::serde")]
#[sea_orm(table_name = "addon_tickets__tickets")]
pub struct Model {
    /// `uuid` NOT NULL — the primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `uuid` NOT NULL — the organisation that owns the row (tenancy column).
    pub organization_id: Uuid,
    /// `text` NOT NULL.
    #[sea_orm(column_type = "Text")]
    pub number: String,
    /// `text` NOT NULL.
    #[sea_orm(column_type = "Text")]
    pub title: String,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub description: Option<String>,
    /// `text` NOT NULL.
    #[sea_orm(column_type = "Text")]
    pub status: String,
    /// `text` NOT NULL.
    #[sea_orm(column_type = "Text")]
    pub priority: String,
    /// `uuid`.
    pub assignee_id: Option<Uuid>,
    /// `uuid` NOT NULL.
    pub reporter_id: Uuid,
    /// `timestamptz`.
    pub due_at: Option<DateTimeUtc>,
    /// `timestamptz`.
    pub resolved_at: Option<DateTimeUtc>,
    /// `jsonb`.
    #[sea_orm(column_type = "JsonBinary")]
    pub tags: Option<Json>,
    /// `timestamptz` NOT NULL — set by the server on create.
    pub created_at: DateTimeUtc,
}

/// The relations of this model to the addon's other models.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The `ticket_comments` rows that point at this row.
    #[sea_orm(has_many = "super::ticket_comments::Entity")]
    TicketComments,
}

impl Related<super::ticket_comments::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TicketComments.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
