//! Migration `m0004_fiscal_mexico_v1_0_0`: addon `fiscal_mexico` at version 1.0.0.
//!
//! * indexes the search document of `fiscal_documents` after (organization_id, id) on SQLite, so a search walks the index alone

use sea_orm_migration::prelude::*;

/// Brings the tables up to version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_fiscal_mexico_v1_0_0"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        super::run(manager, POSTGRES_UP, SQLITE_UP).await
    }
    /// All of it or nothing, on SQLite too.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        super::run(manager, POSTGRES_DOWN, SQLITE_DOWN).await
    }
}

/// `up` on PostgreSQL.
const POSTGRES_UP: &[&str] = &[];

/// `up` on SQLite.
const SQLITE_UP: &[&str] = &[
    r#"CREATE INDEX "addon_fiscal_mexico__fiscal_documents__search__scan" ON "addon_fiscal_mexico__fiscal_documents" ("organization_id", "id", (coalesce("fiscal_uuid", '') || char(1) || coalesce("rfc_emisor", '') || char(1) || coalesce("rfc_receptor", '') || char(1) || coalesce("status", '') || char(1) || coalesce("cfdi_usage", '') || char(1) || coalesce("payment_form", '') || char(1) || coalesce("payment_method", '') || char(1) || coalesce("environment", '') || char(1) || coalesce("xml_url", '') || char(1) || coalesce("pdf_url", '') || char(1) || coalesce("xml", '') || char(1) || coalesce("cancel_reason", '') || char(1) || coalesce("replacement_uuid", '')))"#,
    r#"ANALYZE "addon_fiscal_mexico__fiscal_documents""#,
    r#"DELETE FROM "sqlite_stat1" WHERE "tbl" = 'addon_fiscal_mexico__fiscal_documents' AND ("stat" = '0' OR "stat" LIKE '0 %')"#,
];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_fiscal_mexico__fiscal_documents__search__scan""#,
];
