//! Migration `m0002_fiscal_mexico_v1_0_0`: addon `fiscal_mexico` at version 1.0.0.
//!
//! * creates index `idx_fiscal_documents_list` on `fiscal_documents` (organization_id, id)
//! * indexes `fiscal_documents` (fiscal_uuid, rfc_emisor, rfc_receptor, status, cfdi_usage, payment_form, payment_method, environment, xml_url, pdf_url, xml, cancel_reason, replacement_uuid) for search
//! * counts the rows of `fiscal_documents` per `organization_id`

use sea_orm_migration::prelude::*;

/// Brings the tables up to version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_fiscal_mexico_v1_0_0"
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
    r#"CREATE INDEX "addon_fiscal_mexico__idx_fiscal_documents_list" ON "addon_fiscal_mexico__fiscal_documents" ("organization_id", "id")"#,
    r#"CREATE EXTENSION IF NOT EXISTS pg_trgm"#,
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
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"CREATE OR REPLACE FUNCTION "metacore_count__addon_fiscal_mexico__fiscal_documents"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $metacore$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW."organization_id" IS NOT DISTINCT FROM OLD."organization_id" THEN
        IF NEW."organization_id" IS NOT NULL THEN
            UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_fiscal_mexico__fiscal_documents' AND "organization_id" = NEW."organization_id";
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD."organization_id" IS NOT NULL THEN
        UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_fiscal_mexico__fiscal_documents' AND "organization_id" = OLD."organization_id";
    END IF;
    IF TG_OP <> 'DELETE' AND NEW."organization_id" IS NOT NULL THEN
        INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_fiscal_mexico__fiscal_documents', NEW."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = c."live_rows" + excluded."live_rows", "version" = c."version" + 1;
    END IF;
    RETURN NULL;
END
$metacore$"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_fiscal_mexico__fiscal_documents""#,
    r#"CREATE TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_fiscal_mexico__fiscal_documents" FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_fiscal_mexico__fiscal_documents"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_fiscal_mexico__fiscal_documents'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_fiscal_mexico__fiscal_documents', "organization_id", count(*), 1 FROM "addon_fiscal_mexico__fiscal_documents" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
];

/// `up` on SQLite.
const SQLITE_UP: &[&str] = &[
    r#"CREATE INDEX "addon_fiscal_mexico__idx_fiscal_documents_list" ON "addon_fiscal_mexico__fiscal_documents" ("organization_id", "id")"#,
    r#"CREATE VIRTUAL TABLE "addon_fiscal_mexico__fiscal_documents__search" USING fts5("fiscal_uuid", "rfc_emisor", "rfc_receptor", "status", "cfdi_usage", "payment_form", "payment_method", "environment", "xml_url", "pdf_url", "xml", "cancel_reason", "replacement_uuid", content='addon_fiscal_mexico__fiscal_documents', tokenize='trigram')"#,
    r#"CREATE TRIGGER "metacore_search__addon_fiscal_mexico__fiscal_documents__insert" AFTER INSERT ON "addon_fiscal_mexico__fiscal_documents" BEGIN
    INSERT INTO "addon_fiscal_mexico__fiscal_documents__search"(rowid, "fiscal_uuid", "rfc_emisor", "rfc_receptor", "status", "cfdi_usage", "payment_form", "payment_method", "environment", "xml_url", "pdf_url", "xml", "cancel_reason", "replacement_uuid") VALUES (new.rowid, new."fiscal_uuid", new."rfc_emisor", new."rfc_receptor", new."status", new."cfdi_usage", new."payment_form", new."payment_method", new."environment", new."xml_url", new."pdf_url", new."xml", new."cancel_reason", new."replacement_uuid");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_fiscal_mexico__fiscal_documents__delete" AFTER DELETE ON "addon_fiscal_mexico__fiscal_documents" BEGIN
    INSERT INTO "addon_fiscal_mexico__fiscal_documents__search"("addon_fiscal_mexico__fiscal_documents__search", rowid, "fiscal_uuid", "rfc_emisor", "rfc_receptor", "status", "cfdi_usage", "payment_form", "payment_method", "environment", "xml_url", "pdf_url", "xml", "cancel_reason", "replacement_uuid") VALUES ('delete', old.rowid, old."fiscal_uuid", old."rfc_emisor", old."rfc_receptor", old."status", old."cfdi_usage", old."payment_form", old."payment_method", old."environment", old."xml_url", old."pdf_url", old."xml", old."cancel_reason", old."replacement_uuid");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_fiscal_mexico__fiscal_documents__update" AFTER UPDATE OF "fiscal_uuid", "rfc_emisor", "rfc_receptor", "status", "cfdi_usage", "payment_form", "payment_method", "environment", "xml_url", "pdf_url", "xml", "cancel_reason", "replacement_uuid" ON "addon_fiscal_mexico__fiscal_documents" BEGIN
    INSERT INTO "addon_fiscal_mexico__fiscal_documents__search"("addon_fiscal_mexico__fiscal_documents__search", rowid, "fiscal_uuid", "rfc_emisor", "rfc_receptor", "status", "cfdi_usage", "payment_form", "payment_method", "environment", "xml_url", "pdf_url", "xml", "cancel_reason", "replacement_uuid") VALUES ('delete', old.rowid, old."fiscal_uuid", old."rfc_emisor", old."rfc_receptor", old."status", old."cfdi_usage", old."payment_form", old."payment_method", old."environment", old."xml_url", old."pdf_url", old."xml", old."cancel_reason", old."replacement_uuid");
    INSERT INTO "addon_fiscal_mexico__fiscal_documents__search"(rowid, "fiscal_uuid", "rfc_emisor", "rfc_receptor", "status", "cfdi_usage", "payment_form", "payment_method", "environment", "xml_url", "pdf_url", "xml", "cancel_reason", "replacement_uuid") VALUES (new.rowid, new."fiscal_uuid", new."rfc_emisor", new."rfc_receptor", new."status", new."cfdi_usage", new."payment_form", new."payment_method", new."environment", new."xml_url", new."pdf_url", new."xml", new."cancel_reason", new."replacement_uuid");
END"#,
    r#"INSERT INTO "addon_fiscal_mexico__fiscal_documents__search"("addon_fiscal_mexico__fiscal_documents__search") VALUES ('rebuild')"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_fiscal_mexico__fiscal_documents__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_fiscal_mexico__fiscal_documents__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_fiscal_mexico__fiscal_documents__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_fiscal_mexico__fiscal_documents__move""#,
    r#"CREATE TRIGGER "metacore_count__addon_fiscal_mexico__fiscal_documents__insert" AFTER INSERT ON "addon_fiscal_mexico__fiscal_documents" WHEN new."organization_id" IS NOT NULL BEGIN
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_fiscal_mexico__fiscal_documents', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_fiscal_mexico__fiscal_documents__delete" AFTER DELETE ON "addon_fiscal_mexico__fiscal_documents" WHEN old."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_fiscal_mexico__fiscal_documents' AND "organization_id" = old."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_fiscal_mexico__fiscal_documents__update" AFTER UPDATE ON "addon_fiscal_mexico__fiscal_documents" WHEN new."organization_id" IS old."organization_id" AND new."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_fiscal_mexico__fiscal_documents' AND "organization_id" = new."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_fiscal_mexico__fiscal_documents__move" AFTER UPDATE ON "addon_fiscal_mexico__fiscal_documents" WHEN new."organization_id" IS NOT old."organization_id" BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_fiscal_mexico__fiscal_documents' AND "organization_id" = old."organization_id";
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_fiscal_mexico__fiscal_documents', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_fiscal_mexico__fiscal_documents'"#,
    r#"INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_fiscal_mexico__fiscal_documents', "organization_id", count(*), 1 FROM "addon_fiscal_mexico__fiscal_documents" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = "version" + 1"#,
];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_fiscal_mexico__fiscal_documents""#,
    r#"DROP FUNCTION IF EXISTS "metacore_count__addon_fiscal_mexico__fiscal_documents"()"#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_fiscal_mexico__fiscal_documents'"#,
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
    r#"DROP INDEX "addon_fiscal_mexico__idx_fiscal_documents_list""#,
];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_fiscal_mexico__fiscal_documents__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_fiscal_mexico__fiscal_documents__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_fiscal_mexico__fiscal_documents__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_fiscal_mexico__fiscal_documents__move""#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_fiscal_mexico__fiscal_documents'"#,
    r#"DROP TRIGGER "metacore_search__addon_fiscal_mexico__fiscal_documents__insert""#,
    r#"DROP TRIGGER "metacore_search__addon_fiscal_mexico__fiscal_documents__delete""#,
    r#"DROP TRIGGER "metacore_search__addon_fiscal_mexico__fiscal_documents__update""#,
    r#"DROP TABLE "addon_fiscal_mexico__fiscal_documents__search""#,
    r#"DROP INDEX "addon_fiscal_mexico__idx_fiscal_documents_list""#,
];
