//! Migration `m0003_fiscal_mexico_v1_0_0`: addon `fiscal_mexico` at version 1.0.0.
//!
//! * keeps `fiscal_documents` (fiscal_uuid, rfc_emisor, rfc_receptor, status, cfdi_usage, payment_form, payment_method, environment, xml_url, pdf_url, xml, cancel_reason, replacement_uuid) in one search document on PostgreSQL, with one trigram index in place of one per column

use sea_orm_migration::prelude::*;

/// Brings the tables up to version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_fiscal_mexico_v1_0_0"
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
const POSTGRES_UP: &[&str] = &[
    r#"DROP INDEX "addon_fiscal_mexico__fiscal_documents__fiscal_uuid__trgm""#,
    r#"DROP INDEX "addon_fiscal_mexico__fiscal_documents__rfc_emisor__trgm""#,
    r#"DROP INDEX "addon_fiscal_mexico__fiscal_documents__rfc_receptor__trgm""#,
    r#"DROP INDEX "addon_fiscal_mexico__fiscal_documents__status__trgm""#,
    r#"DROP INDEX "addon_fiscal_mexico__fiscal_documents__cfdi_usage__trgm""#,
    r#"DROP INDEX "addon_fiscal_mexico__fiscal_documents__payment_form__trgm""#,
    r#"DROP INDEX "addon_fiscal_mexico__fiscal_documents__payment_method__trgm""#,
    r#"DROP INDEX "addon_fiscal_mexico__fiscal_documents__environment__trgm""#,
    r#"DROP INDEX "addon_fiscal_mexico__fiscal_documents__xml_url__trgm""#,
    r#"DROP INDEX "addon_fiscal_mexico__fiscal_documents__pdf_url__trgm""#,
    r#"DROP INDEX "addon_fiscal_mexico__fiscal_documents__xml__trgm""#,
    r#"DROP INDEX "addon_fiscal_mexico__fiscal_documents__cancel_reason__trgm""#,
    r#"DROP INDEX "addon_fiscal_mexico__fiscal_documents__replacement_uuid__trgm""#,
    r#"ALTER TABLE "addon_fiscal_mexico__fiscal_documents" ADD COLUMN "metacore_search" text GENERATED ALWAYS AS (lower(coalesce("fiscal_uuid", '')) || chr(1) || lower(coalesce("rfc_emisor", '')) || chr(1) || lower(coalesce("rfc_receptor", '')) || chr(1) || lower(coalesce("status", '')) || chr(1) || lower(coalesce("cfdi_usage", '')) || chr(1) || lower(coalesce("payment_form", '')) || chr(1) || lower(coalesce("payment_method", '')) || chr(1) || lower(coalesce("environment", '')) || chr(1) || lower(coalesce("xml_url", '')) || chr(1) || lower(coalesce("pdf_url", '')) || chr(1) || lower(coalesce("xml", '')) || chr(1) || lower(coalesce("cancel_reason", '')) || chr(1) || lower(coalesce("replacement_uuid", ''))) STORED"#,
    r#"CREATE INDEX "addon_fiscal_mexico__fiscal_documents__search__trgm" ON "addon_fiscal_mexico__fiscal_documents" USING gin ("metacore_search" gin_trgm_ops)"#,
];

/// `up` on SQLite.
const SQLITE_UP: &[&str] = &[];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_fiscal_mexico__fiscal_documents__search__trgm""#,
    r#"ALTER TABLE "addon_fiscal_mexico__fiscal_documents" DROP COLUMN "metacore_search""#,
    r#"CREATE INDEX "addon_fiscal_mexico__fiscal_documents__fiscal_uuid__trgm" ON "addon_fiscal_mexico__fiscal_documents" USING gin ("fiscal_uuid" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_fiscal_mexico__fiscal_documents__rfc_emisor__trgm" ON "addon_fiscal_mexico__fiscal_documents" USING gin ("rfc_emisor" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_fiscal_mexico__fiscal_documents__rfc_receptor__trgm" ON "addon_fiscal_mexico__fiscal_documents" USING gin ("rfc_receptor" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_fiscal_mexico__fiscal_documents__status__trgm" ON "addon_fiscal_mexico__fiscal_documents" USING gin ("status" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_fiscal_mexico__fiscal_documents__cfdi_usage__trgm" ON "addon_fiscal_mexico__fiscal_documents" USING gin ("cfdi_usage" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_fiscal_mexico__fiscal_documents__payment_form__trgm" ON "addon_fiscal_mexico__fiscal_documents" USING gin ("payment_form" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_fiscal_mexico__fiscal_documents__payment_method__trgm" ON "addon_fiscal_mexico__fiscal_documents" USING gin ("payment_method" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_fiscal_mexico__fiscal_documents__environment__trgm" ON "addon_fiscal_mexico__fiscal_documents" USING gin ("environment" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_fiscal_mexico__fiscal_documents__xml_url__trgm" ON "addon_fiscal_mexico__fiscal_documents" USING gin ("xml_url" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_fiscal_mexico__fiscal_documents__pdf_url__trgm" ON "addon_fiscal_mexico__fiscal_documents" USING gin ("pdf_url" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_fiscal_mexico__fiscal_documents__xml__trgm" ON "addon_fiscal_mexico__fiscal_documents" USING gin ("xml" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_fiscal_mexico__fiscal_documents__cancel_reason__trgm" ON "addon_fiscal_mexico__fiscal_documents" USING gin ("cancel_reason" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_fiscal_mexico__fiscal_documents__replacement_uuid__trgm" ON "addon_fiscal_mexico__fiscal_documents" USING gin ("replacement_uuid" gin_trgm_ops)"#,
];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[];
