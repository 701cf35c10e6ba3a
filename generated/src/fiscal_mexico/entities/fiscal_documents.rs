//! The `fiscal_documents` table of addon `fiscal_mexico`: model `FiscalDocuments`, declared in `manifests/fiscal_mexico/manifest.json`.

use sea_orm::entity::prelude::*;

/// A row of `fiscal_documents` (Documentos Fiscales).
#[derive(
    Clone,
    Debug,
    PartialEq,
    DeriveEntityModel,
    metacore_runtime::serde::Serialize,
    metacore_runtime::serde::Deserialize,
)]
#[serde(crate = "metacore_runtime::serde")]
#[sea_orm(table_name = "addon_fiscal_mexico__fiscal_documents")]
pub struct Model {
    /// `uuid` NOT NULL — the primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `uuid` NOT NULL — the organisation that owns the row (tenancy column).
    pub organization_id: Uuid,
    /// `uuid` NOT NULL.
    pub invoice_id: Uuid,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub fiscal_uuid: Option<String>,
    /// `text` NOT NULL.
    #[sea_orm(column_type = "Text")]
    pub rfc_emisor: String,
    /// `text` NOT NULL.
    #[sea_orm(column_type = "Text")]
    pub rfc_receptor: String,
    /// `numeric` NOT NULL.
    #[sea_orm(column_type = "Decimal(None)")]
    pub total: metacore_runtime::types::Numeric,
    /// `text` NOT NULL.
    #[sea_orm(column_type = "Text")]
    pub status: String,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub cfdi_usage: Option<String>,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub payment_form: Option<String>,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub payment_method: Option<String>,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub environment: Option<String>,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub xml_url: Option<String>,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub pdf_url: Option<String>,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub xml: Option<String>,
    /// `timestamptz`.
    pub stamped_at: Option<DateTimeUtc>,
    /// `timestamptz`.
    pub cancelled_at: Option<DateTimeUtc>,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub cancel_reason: Option<String>,
    /// `text`.
    #[sea_orm(column_type = "Text")]
    pub replacement_uuid: Option<String>,
    /// `jsonb`.
    #[sea_orm(column_type = "JsonBinary")]
    pub provider_data: Option<Json>,
}

/// The relations of this model to the addon's other models.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
