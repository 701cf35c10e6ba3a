//! Migration `m0001_fiscal_mexico_v1_0_0`: addon `fiscal_mexico` at version 1.0.0.
//!
//! * creates table `fiscal_documents` (`addon_fiscal_mexico__fiscal_documents`)

use sea_orm_migration::prelude::*;

/// Creates the tables of version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0001_fiscal_mexico_v1_0_0"
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
    r#"CREATE TABLE "addon_fiscal_mexico__fiscal_documents" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" uuid NOT NULL,
    "invoice_id" uuid NOT NULL,
    "fiscal_uuid" text,
    "rfc_emisor" text NOT NULL,
    "rfc_receptor" text NOT NULL,
    "total" numeric NOT NULL,
    "status" text NOT NULL DEFAULT 'draft',
    "cfdi_usage" text,
    "payment_form" text,
    "payment_method" text,
    "environment" text DEFAULT 'sandbox',
    "xml_url" text,
    "pdf_url" text,
    "xml" text,
    "stamped_at" timestamptz,
    "cancelled_at" timestamptz,
    "cancel_reason" text,
    "replacement_uuid" text,
    "provider_data" jsonb,
    PRIMARY KEY ("id")
)"#,
];

/// `up` on SQLite.
const SQLITE_UP: &[&str] = &[
    r#"CREATE TABLE "addon_fiscal_mexico__fiscal_documents" (
    "id" uuid NOT NULL,
    "organization_id" uuid NOT NULL,
    "invoice_id" uuid NOT NULL,
    "fiscal_uuid" text,
    "rfc_emisor" text NOT NULL,
    "rfc_receptor" text NOT NULL,
    "total" numeric_text NOT NULL,
    "status" text NOT NULL DEFAULT 'draft',
    "cfdi_usage" text,
    "payment_form" text,
    "payment_method" text,
    "environment" text DEFAULT 'sandbox',
    "xml_url" text,
    "pdf_url" text,
    "xml" text,
    "stamped_at" timestamptz_text,
    "cancelled_at" timestamptz_text,
    "cancel_reason" text,
    "replacement_uuid" text,
    "provider_data" jsonb_text,
    PRIMARY KEY ("id")
)"#,
];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[
    r#"DROP TABLE "addon_fiscal_mexico__fiscal_documents" CASCADE"#,
];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[r#"DROP TABLE "addon_fiscal_mexico__fiscal_documents""#];
