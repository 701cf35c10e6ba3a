//! Migration `m0002_assets_v1_0_0`: addon `assets` at version 1.0.0.
//!
//! * creates index `idx_asset_categories_list` on `asset_categories` (organization_id, created_at, id)
//! * creates index `idx_asset_categories_org_depreciation_method` on `asset_categories` (organization_id, depreciation_method)
//! * creates index `idx_asset_categories_org_name` on `asset_categories` (organization_id, name)
//! * creates index `idx_asset_categories_org_useful_life_months` on `asset_categories` (organization_id, useful_life_months)
//! * indexes `asset_categories` (name, code) for search
//! * counts the rows of `asset_categories` per `organization_id`
//! * creates index `idx_asset_disposals_list` on `asset_disposals` (organization_id, created_at, id)
//! * creates index `idx_asset_disposals_org_disposal_date` on `asset_disposals` (organization_id, disposal_date)
//! * creates index `idx_asset_disposals_org_disposal_method` on `asset_disposals` (organization_id, disposal_method)
//! * creates index `idx_asset_disposals_org_gain_loss` on `asset_disposals` (organization_id, gain_loss)
//! * creates index `idx_asset_disposals_org_proceeds` on `asset_disposals` (organization_id, proceeds)
//! * indexes `asset_disposals` (notes) for search
//! * counts the rows of `asset_disposals` per `organization_id`
//! * creates index `idx_assets_list` on `assets` (organization_id, created_at, id)
//! * creates index `idx_assets_org_category_id` on `assets` (organization_id, category_id)
//! * creates index `idx_assets_org_code` on `assets` (organization_id, code)
//! * creates index `idx_assets_org_current_value` on `assets` (organization_id, current_value)
//! * creates index `idx_assets_org_name` on `assets` (organization_id, name)
//! * creates index `idx_assets_org_purchase_cost` on `assets` (organization_id, purchase_cost)
//! * creates index `idx_assets_org_purchase_date` on `assets` (organization_id, purchase_date)
//! * creates index `idx_assets_org_status` on `assets` (organization_id, status)
//! * indexes `assets` (name, code, serial_number, location) for search
//! * counts the rows of `assets` per `organization_id`
//! * creates index `idx_depreciation_schedules_list` on `depreciation_schedules` (organization_id, created_at, id)
//! * creates index `idx_depreciation_schedules_org_accumulated_depreciation` on `depreciation_schedules` (organization_id, accumulated_depreciation)
//! * creates index `idx_depreciation_schedules_org_book_value` on `depreciation_schedules` (organization_id, book_value)
//! * creates index `idx_depreciation_schedules_org_depreciation_amount` on `depreciation_schedules` (organization_id, depreciation_amount)
//! * creates index `idx_depreciation_schedules_org_is_posted` on `depreciation_schedules` (organization_id, is_posted)
//! * creates index `idx_depreciation_schedules_org_period_date` on `depreciation_schedules` (organization_id, period_date)
//! * counts the rows of `depreciation_schedules` per `organization_id`
//! * creates index `idx_maintenance_logs_list` on `maintenance_logs` (organization_id, created_at, id)
//! * creates index `idx_maintenance_logs_org_cost` on `maintenance_logs` (organization_id, cost)
//! * creates index `idx_maintenance_logs_org_maintenance_date` on `maintenance_logs` (organization_id, maintenance_date)
//! * indexes `maintenance_logs` (description, performed_by) for search
//! * counts the rows of `maintenance_logs` per `organization_id`
//! * creates index `idx_maintenance_schedules_list` on `maintenance_schedules` (organization_id, created_at, id)
//! * creates index `idx_maintenance_schedules_org_frequency` on `maintenance_schedules` (organization_id, frequency)
//! * creates index `idx_maintenance_schedules_org_next_due_date` on `maintenance_schedules` (organization_id, next_due_date)
//! * creates index `idx_maintenance_schedules_org_title` on `maintenance_schedules` (organization_id, title)
//! * indexes `maintenance_schedules` (title) for search
//! * counts the rows of `maintenance_schedules` per `organization_id`

use sea_orm_migration::prelude::*;

/// Brings the tables up to version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_assets_v1_0_0"
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
    r#"CREATE INDEX "addon_assets__idx_asset_categories_list" ON "addon_assets__asset_categories" ("organization_id", "created_at", "id")"#,
    r#"CREATE INDEX "addon_assets__idx_asset_categories_org_depreciation_method" ON "addon_assets__asset_categories" ("organization_id", "depreciation_method")"#,
    r#"CREATE INDEX "addon_assets__idx_asset_categories_org_name" ON "addon_assets__asset_categories" ("organization_id", "name")"#,
    r#"CREATE INDEX "addon_assets__idx_asset_categories_org_useful_life_months" ON "addon_assets__asset_categories" ("organization_id", "useful_life_months")"#,
    r#"CREATE EXTENSION IF NOT EXISTS pg_trgm"#,
    r#"CREATE INDEX "addon_assets__asset_categories__name__trgm" ON "addon_assets__asset_categories" USING gin ("name" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_assets__asset_categories__code__trgm" ON "addon_assets__asset_categories" USING gin ("code" gin_trgm_ops)"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"CREATE OR REPLACE FUNCTION "metacore_count__addon_assets__asset_categories"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $metacore$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW."organization_id" IS NOT DISTINCT FROM OLD."organization_id" THEN
        IF NEW."organization_id" IS NOT NULL THEN
            UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__asset_categories' AND "organization_id" = NEW."organization_id";
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD."organization_id" IS NOT NULL THEN
        UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__asset_categories' AND "organization_id" = OLD."organization_id";
    END IF;
    IF TG_OP <> 'DELETE' AND NEW."organization_id" IS NOT NULL THEN
        INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__asset_categories', NEW."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = c."live_rows" + excluded."live_rows", "version" = c."version" + 1;
    END IF;
    RETURN NULL;
END
$metacore$"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_assets__asset_categories""#,
    r#"CREATE TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_assets__asset_categories" FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_assets__asset_categories"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__asset_categories'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_assets__asset_categories', "organization_id", count(*), 1 FROM "addon_assets__asset_categories" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
    r#"CREATE INDEX "addon_assets__idx_asset_disposals_list" ON "addon_assets__asset_disposals" ("organization_id", "created_at", "id")"#,
    r#"CREATE INDEX "addon_assets__idx_asset_disposals_org_disposal_date" ON "addon_assets__asset_disposals" ("organization_id", "disposal_date")"#,
    r#"CREATE INDEX "addon_assets__idx_asset_disposals_org_disposal_method" ON "addon_assets__asset_disposals" ("organization_id", "disposal_method")"#,
    r#"CREATE INDEX "addon_assets__idx_asset_disposals_org_gain_loss" ON "addon_assets__asset_disposals" ("organization_id", "gain_loss")"#,
    r#"CREATE INDEX "addon_assets__idx_asset_disposals_org_proceeds" ON "addon_assets__asset_disposals" ("organization_id", "proceeds")"#,
    r#"CREATE EXTENSION IF NOT EXISTS pg_trgm"#,
    r#"CREATE INDEX "addon_assets__asset_disposals__notes__trgm" ON "addon_assets__asset_disposals" USING gin ("notes" gin_trgm_ops)"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"CREATE OR REPLACE FUNCTION "metacore_count__addon_assets__asset_disposals"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $metacore$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW."organization_id" IS NOT DISTINCT FROM OLD."organization_id" THEN
        IF NEW."organization_id" IS NOT NULL THEN
            UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__asset_disposals' AND "organization_id" = NEW."organization_id";
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD."organization_id" IS NOT NULL THEN
        UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__asset_disposals' AND "organization_id" = OLD."organization_id";
    END IF;
    IF TG_OP <> 'DELETE' AND NEW."organization_id" IS NOT NULL THEN
        INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__asset_disposals', NEW."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = c."live_rows" + excluded."live_rows", "version" = c."version" + 1;
    END IF;
    RETURN NULL;
END
$metacore$"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_assets__asset_disposals""#,
    r#"CREATE TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_assets__asset_disposals" FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_assets__asset_disposals"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__asset_disposals'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_assets__asset_disposals', "organization_id", count(*), 1 FROM "addon_assets__asset_disposals" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
    r#"CREATE INDEX "addon_assets__idx_assets_list" ON "addon_assets__assets" ("organization_id", "created_at", "id")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_org_category_id" ON "addon_assets__assets" ("organization_id", "category_id")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_org_code" ON "addon_assets__assets" ("organization_id", "code")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_org_current_value" ON "addon_assets__assets" ("organization_id", "current_value")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_org_name" ON "addon_assets__assets" ("organization_id", "name")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_org_purchase_cost" ON "addon_assets__assets" ("organization_id", "purchase_cost")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_org_purchase_date" ON "addon_assets__assets" ("organization_id", "purchase_date")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_org_status" ON "addon_assets__assets" ("organization_id", "status")"#,
    r#"CREATE EXTENSION IF NOT EXISTS pg_trgm"#,
    r#"CREATE INDEX "addon_assets__assets__name__trgm" ON "addon_assets__assets" USING gin ("name" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_assets__assets__code__trgm" ON "addon_assets__assets" USING gin ("code" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_assets__assets__serial_number__trgm" ON "addon_assets__assets" USING gin ("serial_number" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_assets__assets__location__trgm" ON "addon_assets__assets" USING gin ("location" gin_trgm_ops)"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"CREATE OR REPLACE FUNCTION "metacore_count__addon_assets__assets"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $metacore$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW."organization_id" IS NOT DISTINCT FROM OLD."organization_id" THEN
        IF NEW."organization_id" IS NOT NULL THEN
            UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__assets' AND "organization_id" = NEW."organization_id";
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD."organization_id" IS NOT NULL THEN
        UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__assets' AND "organization_id" = OLD."organization_id";
    END IF;
    IF TG_OP <> 'DELETE' AND NEW."organization_id" IS NOT NULL THEN
        INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__assets', NEW."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = c."live_rows" + excluded."live_rows", "version" = c."version" + 1;
    END IF;
    RETURN NULL;
END
$metacore$"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_assets__assets""#,
    r#"CREATE TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_assets__assets" FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_assets__assets"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__assets'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_assets__assets', "organization_id", count(*), 1 FROM "addon_assets__assets" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
    r#"CREATE INDEX "addon_assets__idx_depreciation_schedules_list" ON "addon_assets__depreciation_schedules" ("organization_id", "created_at", "id")"#,
    r#"CREATE INDEX "addon_assets__idx_depreciation_schedules_org_accumulat_6ae4d5df" ON "addon_assets__depreciation_schedules" ("organization_id", "accumulated_depreciation")"#,
    r#"CREATE INDEX "addon_assets__idx_depreciation_schedules_org_book_value" ON "addon_assets__depreciation_schedules" ("organization_id", "book_value")"#,
    r#"CREATE INDEX "addon_assets__idx_depreciation_schedules_org_depreciat_8161b109" ON "addon_assets__depreciation_schedules" ("organization_id", "depreciation_amount")"#,
    r#"CREATE INDEX "addon_assets__idx_depreciation_schedules_org_is_posted" ON "addon_assets__depreciation_schedules" ("organization_id", "is_posted")"#,
    r#"CREATE INDEX "addon_assets__idx_depreciation_schedules_org_period_date" ON "addon_assets__depreciation_schedules" ("organization_id", "period_date")"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"CREATE OR REPLACE FUNCTION "metacore_count__addon_assets__depreciation_schedules"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $metacore$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW."organization_id" IS NOT DISTINCT FROM OLD."organization_id" THEN
        IF NEW."organization_id" IS NOT NULL THEN
            UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__depreciation_schedules' AND "organization_id" = NEW."organization_id";
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD."organization_id" IS NOT NULL THEN
        UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__depreciation_schedules' AND "organization_id" = OLD."organization_id";
    END IF;
    IF TG_OP <> 'DELETE' AND NEW."organization_id" IS NOT NULL THEN
        INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__depreciation_schedules', NEW."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = c."live_rows" + excluded."live_rows", "version" = c."version" + 1;
    END IF;
    RETURN NULL;
END
$metacore$"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_assets__depreciation_schedules""#,
    r#"CREATE TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_assets__depreciation_schedules" FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_assets__depreciation_schedules"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__depreciation_schedules'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_assets__depreciation_schedules', "organization_id", count(*), 1 FROM "addon_assets__depreciation_schedules" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_logs_list" ON "addon_assets__maintenance_logs" ("organization_id", "created_at", "id")"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_logs_org_cost" ON "addon_assets__maintenance_logs" ("organization_id", "cost")"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_logs_org_maintenance_date" ON "addon_assets__maintenance_logs" ("organization_id", "maintenance_date")"#,
    r#"CREATE EXTENSION IF NOT EXISTS pg_trgm"#,
    r#"CREATE INDEX "addon_assets__maintenance_logs__description__trgm" ON "addon_assets__maintenance_logs" USING gin ("description" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_assets__maintenance_logs__performed_by__trgm" ON "addon_assets__maintenance_logs" USING gin ("performed_by" gin_trgm_ops)"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"CREATE OR REPLACE FUNCTION "metacore_count__addon_assets__maintenance_logs"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $metacore$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW."organization_id" IS NOT DISTINCT FROM OLD."organization_id" THEN
        IF NEW."organization_id" IS NOT NULL THEN
            UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__maintenance_logs' AND "organization_id" = NEW."organization_id";
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD."organization_id" IS NOT NULL THEN
        UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__maintenance_logs' AND "organization_id" = OLD."organization_id";
    END IF;
    IF TG_OP <> 'DELETE' AND NEW."organization_id" IS NOT NULL THEN
        INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__maintenance_logs', NEW."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = c."live_rows" + excluded."live_rows", "version" = c."version" + 1;
    END IF;
    RETURN NULL;
END
$metacore$"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_assets__maintenance_logs""#,
    r#"CREATE TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_assets__maintenance_logs" FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_assets__maintenance_logs"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__maintenance_logs'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_assets__maintenance_logs', "organization_id", count(*), 1 FROM "addon_assets__maintenance_logs" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_schedules_list" ON "addon_assets__maintenance_schedules" ("organization_id", "created_at", "id")"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_schedules_org_frequency" ON "addon_assets__maintenance_schedules" ("organization_id", "frequency")"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_schedules_org_next_due_date" ON "addon_assets__maintenance_schedules" ("organization_id", "next_due_date")"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_schedules_org_title" ON "addon_assets__maintenance_schedules" ("organization_id", "title")"#,
    r#"CREATE EXTENSION IF NOT EXISTS pg_trgm"#,
    r#"CREATE INDEX "addon_assets__maintenance_schedules__title__trgm" ON "addon_assets__maintenance_schedules" USING gin ("title" gin_trgm_ops)"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"CREATE OR REPLACE FUNCTION "metacore_count__addon_assets__maintenance_schedules"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $metacore$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW."organization_id" IS NOT DISTINCT FROM OLD."organization_id" THEN
        IF NEW."organization_id" IS NOT NULL THEN
            UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__maintenance_schedules' AND "organization_id" = NEW."organization_id";
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD."organization_id" IS NOT NULL THEN
        UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__maintenance_schedules' AND "organization_id" = OLD."organization_id";
    END IF;
    IF TG_OP <> 'DELETE' AND NEW."organization_id" IS NOT NULL THEN
        INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__maintenance_schedules', NEW."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = c."live_rows" + excluded."live_rows", "version" = c."version" + 1;
    END IF;
    RETURN NULL;
END
$metacore$"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_assets__maintenance_schedules""#,
    r#"CREATE TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_assets__maintenance_schedules" FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_assets__maintenance_schedules"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__maintenance_schedules'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_assets__maintenance_schedules', "organization_id", count(*), 1 FROM "addon_assets__maintenance_schedules" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
];

/// `up` on SQLite.
const SQLITE_UP: &[&str] = &[
    r#"CREATE INDEX "addon_assets__idx_asset_categories_list" ON "addon_assets__asset_categories" ("organization_id", "created_at", "id")"#,
    r#"CREATE INDEX "addon_assets__idx_asset_categories_org_depreciation_method" ON "addon_assets__asset_categories" ("organization_id", "depreciation_method")"#,
    r#"CREATE INDEX "addon_assets__idx_asset_categories_org_name" ON "addon_assets__asset_categories" ("organization_id", "name")"#,
    r#"CREATE INDEX "addon_assets__idx_asset_categories_org_useful_life_months" ON "addon_assets__asset_categories" ("organization_id", "useful_life_months")"#,
    r#"CREATE VIRTUAL TABLE "addon_assets__asset_categories__search" USING fts5("name", "code", content='addon_assets__asset_categories', tokenize='trigram')"#,
    r#"CREATE TRIGGER "metacore_search__addon_assets__asset_categories__insert" AFTER INSERT ON "addon_assets__asset_categories" BEGIN
    INSERT INTO "addon_assets__asset_categories__search"(rowid, "name", "code") VALUES (new.rowid, new."name", new."code");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_assets__asset_categories__delete" AFTER DELETE ON "addon_assets__asset_categories" BEGIN
    INSERT INTO "addon_assets__asset_categories__search"("addon_assets__asset_categories__search", rowid, "name", "code") VALUES ('delete', old.rowid, old."name", old."code");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_assets__asset_categories__update" AFTER UPDATE OF "name", "code" ON "addon_assets__asset_categories" BEGIN
    INSERT INTO "addon_assets__asset_categories__search"("addon_assets__asset_categories__search", rowid, "name", "code") VALUES ('delete', old.rowid, old."name", old."code");
    INSERT INTO "addon_assets__asset_categories__search"(rowid, "name", "code") VALUES (new.rowid, new."name", new."code");
END"#,
    r#"INSERT INTO "addon_assets__asset_categories__search"("addon_assets__asset_categories__search") VALUES ('rebuild')"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__asset_categories__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__asset_categories__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__asset_categories__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__asset_categories__move""#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__asset_categories__insert" AFTER INSERT ON "addon_assets__asset_categories" WHEN new."organization_id" IS NOT NULL BEGIN
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__asset_categories', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__asset_categories__delete" AFTER DELETE ON "addon_assets__asset_categories" WHEN old."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__asset_categories' AND "organization_id" = old."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__asset_categories__update" AFTER UPDATE ON "addon_assets__asset_categories" WHEN new."organization_id" IS old."organization_id" AND new."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__asset_categories' AND "organization_id" = new."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__asset_categories__move" AFTER UPDATE ON "addon_assets__asset_categories" WHEN new."organization_id" IS NOT old."organization_id" BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__asset_categories' AND "organization_id" = old."organization_id";
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__asset_categories', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__asset_categories'"#,
    r#"INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_assets__asset_categories', "organization_id", count(*), 1 FROM "addon_assets__asset_categories" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = "version" + 1"#,
    r#"CREATE INDEX "addon_assets__idx_asset_disposals_list" ON "addon_assets__asset_disposals" ("organization_id", "created_at", "id")"#,
    r#"CREATE INDEX "addon_assets__idx_asset_disposals_org_disposal_date" ON "addon_assets__asset_disposals" ("organization_id", "disposal_date")"#,
    r#"CREATE INDEX "addon_assets__idx_asset_disposals_org_disposal_method" ON "addon_assets__asset_disposals" ("organization_id", "disposal_method")"#,
    r#"CREATE INDEX "addon_assets__idx_asset_disposals_org_gain_loss" ON "addon_assets__asset_disposals" ("organization_id", "gain_loss")"#,
    r#"CREATE INDEX "addon_assets__idx_asset_disposals_org_proceeds" ON "addon_assets__asset_disposals" ("organization_id", "proceeds")"#,
    r#"CREATE VIRTUAL TABLE "addon_assets__asset_disposals__search" USING fts5("notes", content='addon_assets__asset_disposals', tokenize='trigram')"#,
    r#"CREATE TRIGGER "metacore_search__addon_assets__asset_disposals__insert" AFTER INSERT ON "addon_assets__asset_disposals" BEGIN
    INSERT INTO "addon_assets__asset_disposals__search"(rowid, "notes") VALUES (new.rowid, new."notes");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_assets__asset_disposals__delete" AFTER DELETE ON "addon_assets__asset_disposals" BEGIN
    INSERT INTO "addon_assets__asset_disposals__search"("addon_assets__asset_disposals__search", rowid, "notes") VALUES ('delete', old.rowid, old."notes");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_assets__asset_disposals__update" AFTER UPDATE OF "notes" ON "addon_assets__asset_disposals" BEGIN
    INSERT INTO "addon_assets__asset_disposals__search"("addon_assets__asset_disposals__search", rowid, "notes") VALUES ('delete', old.rowid, old."notes");
    INSERT INTO "addon_assets__asset_disposals__search"(rowid, "notes") VALUES (new.rowid, new."notes");
END"#,
    r#"INSERT INTO "addon_assets__asset_disposals__search"("addon_assets__asset_disposals__search") VALUES ('rebuild')"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__asset_disposals__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__asset_disposals__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__asset_disposals__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__asset_disposals__move""#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__asset_disposals__insert" AFTER INSERT ON "addon_assets__asset_disposals" WHEN new."organization_id" IS NOT NULL BEGIN
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__asset_disposals', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__asset_disposals__delete" AFTER DELETE ON "addon_assets__asset_disposals" WHEN old."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__asset_disposals' AND "organization_id" = old."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__asset_disposals__update" AFTER UPDATE ON "addon_assets__asset_disposals" WHEN new."organization_id" IS old."organization_id" AND new."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__asset_disposals' AND "organization_id" = new."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__asset_disposals__move" AFTER UPDATE ON "addon_assets__asset_disposals" WHEN new."organization_id" IS NOT old."organization_id" BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__asset_disposals' AND "organization_id" = old."organization_id";
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__asset_disposals', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__asset_disposals'"#,
    r#"INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_assets__asset_disposals', "organization_id", count(*), 1 FROM "addon_assets__asset_disposals" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = "version" + 1"#,
    r#"CREATE INDEX "addon_assets__idx_assets_list" ON "addon_assets__assets" ("organization_id", "created_at", "id")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_org_category_id" ON "addon_assets__assets" ("organization_id", "category_id")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_org_code" ON "addon_assets__assets" ("organization_id", "code")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_org_current_value" ON "addon_assets__assets" ("organization_id", "current_value")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_org_name" ON "addon_assets__assets" ("organization_id", "name")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_org_purchase_cost" ON "addon_assets__assets" ("organization_id", "purchase_cost")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_org_purchase_date" ON "addon_assets__assets" ("organization_id", "purchase_date")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_org_status" ON "addon_assets__assets" ("organization_id", "status")"#,
    r#"CREATE VIRTUAL TABLE "addon_assets__assets__search" USING fts5("name", "code", "serial_number", "location", content='addon_assets__assets', tokenize='trigram')"#,
    r#"CREATE TRIGGER "metacore_search__addon_assets__assets__insert" AFTER INSERT ON "addon_assets__assets" BEGIN
    INSERT INTO "addon_assets__assets__search"(rowid, "name", "code", "serial_number", "location") VALUES (new.rowid, new."name", new."code", new."serial_number", new."location");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_assets__assets__delete" AFTER DELETE ON "addon_assets__assets" BEGIN
    INSERT INTO "addon_assets__assets__search"("addon_assets__assets__search", rowid, "name", "code", "serial_number", "location") VALUES ('delete', old.rowid, old."name", old."code", old."serial_number", old."location");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_assets__assets__update" AFTER UPDATE OF "name", "code", "serial_number", "location" ON "addon_assets__assets" BEGIN
    INSERT INTO "addon_assets__assets__search"("addon_assets__assets__search", rowid, "name", "code", "serial_number", "location") VALUES ('delete', old.rowid, old."name", old."code", old."serial_number", old."location");
    INSERT INTO "addon_assets__assets__search"(rowid, "name", "code", "serial_number", "location") VALUES (new.rowid, new."name", new."code", new."serial_number", new."location");
END"#,
    r#"INSERT INTO "addon_assets__assets__search"("addon_assets__assets__search") VALUES ('rebuild')"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__assets__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__assets__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__assets__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__assets__move""#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__assets__insert" AFTER INSERT ON "addon_assets__assets" WHEN new."organization_id" IS NOT NULL BEGIN
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__assets', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__assets__delete" AFTER DELETE ON "addon_assets__assets" WHEN old."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__assets' AND "organization_id" = old."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__assets__update" AFTER UPDATE ON "addon_assets__assets" WHEN new."organization_id" IS old."organization_id" AND new."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__assets' AND "organization_id" = new."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__assets__move" AFTER UPDATE ON "addon_assets__assets" WHEN new."organization_id" IS NOT old."organization_id" BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__assets' AND "organization_id" = old."organization_id";
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__assets', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__assets'"#,
    r#"INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_assets__assets', "organization_id", count(*), 1 FROM "addon_assets__assets" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = "version" + 1"#,
    r#"CREATE INDEX "addon_assets__idx_depreciation_schedules_list" ON "addon_assets__depreciation_schedules" ("organization_id", "created_at", "id")"#,
    r#"CREATE INDEX "addon_assets__idx_depreciation_schedules_org_accumulat_6ae4d5df" ON "addon_assets__depreciation_schedules" ("organization_id", "accumulated_depreciation")"#,
    r#"CREATE INDEX "addon_assets__idx_depreciation_schedules_org_book_value" ON "addon_assets__depreciation_schedules" ("organization_id", "book_value")"#,
    r#"CREATE INDEX "addon_assets__idx_depreciation_schedules_org_depreciat_8161b109" ON "addon_assets__depreciation_schedules" ("organization_id", "depreciation_amount")"#,
    r#"CREATE INDEX "addon_assets__idx_depreciation_schedules_org_is_posted" ON "addon_assets__depreciation_schedules" ("organization_id", "is_posted")"#,
    r#"CREATE INDEX "addon_assets__idx_depreciation_schedules_org_period_date" ON "addon_assets__depreciation_schedules" ("organization_id", "period_date")"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__depreciation_schedules__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__depreciation_schedules__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__depreciation_schedules__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__depreciation_schedules__move""#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__depreciation_schedules__insert" AFTER INSERT ON "addon_assets__depreciation_schedules" WHEN new."organization_id" IS NOT NULL BEGIN
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__depreciation_schedules', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__depreciation_schedules__delete" AFTER DELETE ON "addon_assets__depreciation_schedules" WHEN old."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__depreciation_schedules' AND "organization_id" = old."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__depreciation_schedules__update" AFTER UPDATE ON "addon_assets__depreciation_schedules" WHEN new."organization_id" IS old."organization_id" AND new."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__depreciation_schedules' AND "organization_id" = new."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__depreciation_schedules__move" AFTER UPDATE ON "addon_assets__depreciation_schedules" WHEN new."organization_id" IS NOT old."organization_id" BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__depreciation_schedules' AND "organization_id" = old."organization_id";
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__depreciation_schedules', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__depreciation_schedules'"#,
    r#"INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_assets__depreciation_schedules', "organization_id", count(*), 1 FROM "addon_assets__depreciation_schedules" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = "version" + 1"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_logs_list" ON "addon_assets__maintenance_logs" ("organization_id", "created_at", "id")"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_logs_org_cost" ON "addon_assets__maintenance_logs" ("organization_id", "cost")"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_logs_org_maintenance_date" ON "addon_assets__maintenance_logs" ("organization_id", "maintenance_date")"#,
    r#"CREATE VIRTUAL TABLE "addon_assets__maintenance_logs__search" USING fts5("description", "performed_by", content='addon_assets__maintenance_logs', tokenize='trigram')"#,
    r#"CREATE TRIGGER "metacore_search__addon_assets__maintenance_logs__insert" AFTER INSERT ON "addon_assets__maintenance_logs" BEGIN
    INSERT INTO "addon_assets__maintenance_logs__search"(rowid, "description", "performed_by") VALUES (new.rowid, new."description", new."performed_by");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_assets__maintenance_logs__delete" AFTER DELETE ON "addon_assets__maintenance_logs" BEGIN
    INSERT INTO "addon_assets__maintenance_logs__search"("addon_assets__maintenance_logs__search", rowid, "description", "performed_by") VALUES ('delete', old.rowid, old."description", old."performed_by");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_assets__maintenance_logs__update" AFTER UPDATE OF "description", "performed_by" ON "addon_assets__maintenance_logs" BEGIN
    INSERT INTO "addon_assets__maintenance_logs__search"("addon_assets__maintenance_logs__search", rowid, "description", "performed_by") VALUES ('delete', old.rowid, old."description", old."performed_by");
    INSERT INTO "addon_assets__maintenance_logs__search"(rowid, "description", "performed_by") VALUES (new.rowid, new."description", new."performed_by");
END"#,
    r#"INSERT INTO "addon_assets__maintenance_logs__search"("addon_assets__maintenance_logs__search") VALUES ('rebuild')"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__maintenance_logs__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__maintenance_logs__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__maintenance_logs__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__maintenance_logs__move""#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__maintenance_logs__insert" AFTER INSERT ON "addon_assets__maintenance_logs" WHEN new."organization_id" IS NOT NULL BEGIN
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__maintenance_logs', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__maintenance_logs__delete" AFTER DELETE ON "addon_assets__maintenance_logs" WHEN old."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__maintenance_logs' AND "organization_id" = old."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__maintenance_logs__update" AFTER UPDATE ON "addon_assets__maintenance_logs" WHEN new."organization_id" IS old."organization_id" AND new."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__maintenance_logs' AND "organization_id" = new."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__maintenance_logs__move" AFTER UPDATE ON "addon_assets__maintenance_logs" WHEN new."organization_id" IS NOT old."organization_id" BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__maintenance_logs' AND "organization_id" = old."organization_id";
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__maintenance_logs', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__maintenance_logs'"#,
    r#"INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_assets__maintenance_logs', "organization_id", count(*), 1 FROM "addon_assets__maintenance_logs" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = "version" + 1"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_schedules_list" ON "addon_assets__maintenance_schedules" ("organization_id", "created_at", "id")"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_schedules_org_frequency" ON "addon_assets__maintenance_schedules" ("organization_id", "frequency")"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_schedules_org_next_due_date" ON "addon_assets__maintenance_schedules" ("organization_id", "next_due_date")"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_schedules_org_title" ON "addon_assets__maintenance_schedules" ("organization_id", "title")"#,
    r#"CREATE VIRTUAL TABLE "addon_assets__maintenance_schedules__search" USING fts5("title", content='addon_assets__maintenance_schedules', tokenize='trigram')"#,
    r#"CREATE TRIGGER "metacore_search__addon_assets__maintenance_schedules__insert" AFTER INSERT ON "addon_assets__maintenance_schedules" BEGIN
    INSERT INTO "addon_assets__maintenance_schedules__search"(rowid, "title") VALUES (new.rowid, new."title");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_assets__maintenance_schedules__delete" AFTER DELETE ON "addon_assets__maintenance_schedules" BEGIN
    INSERT INTO "addon_assets__maintenance_schedules__search"("addon_assets__maintenance_schedules__search", rowid, "title") VALUES ('delete', old.rowid, old."title");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_assets__maintenance_schedules__update" AFTER UPDATE OF "title" ON "addon_assets__maintenance_schedules" BEGIN
    INSERT INTO "addon_assets__maintenance_schedules__search"("addon_assets__maintenance_schedules__search", rowid, "title") VALUES ('delete', old.rowid, old."title");
    INSERT INTO "addon_assets__maintenance_schedules__search"(rowid, "title") VALUES (new.rowid, new."title");
END"#,
    r#"INSERT INTO "addon_assets__maintenance_schedules__search"("addon_assets__maintenance_schedules__search") VALUES ('rebuild')"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__maintenance_schedules__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__maintenance_schedules__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__maintenance_schedules__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__maintenance_schedules__move""#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__maintenance_schedules__insert" AFTER INSERT ON "addon_assets__maintenance_schedules" WHEN new."organization_id" IS NOT NULL BEGIN
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__maintenance_schedules', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__maintenance_schedules__delete" AFTER DELETE ON "addon_assets__maintenance_schedules" WHEN old."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__maintenance_schedules' AND "organization_id" = old."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__maintenance_schedules__update" AFTER UPDATE ON "addon_assets__maintenance_schedules" WHEN new."organization_id" IS old."organization_id" AND new."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__maintenance_schedules' AND "organization_id" = new."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_assets__maintenance_schedules__move" AFTER UPDATE ON "addon_assets__maintenance_schedules" WHEN new."organization_id" IS NOT old."organization_id" BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__maintenance_schedules' AND "organization_id" = old."organization_id";
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_assets__maintenance_schedules', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_assets__maintenance_schedules'"#,
    r#"INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_assets__maintenance_schedules', "organization_id", count(*), 1 FROM "addon_assets__maintenance_schedules" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = "version" + 1"#,
];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_assets__maintenance_schedules""#,
    r#"DROP FUNCTION IF EXISTS "metacore_count__addon_assets__maintenance_schedules"()"#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_assets__maintenance_schedules'"#,
    r#"DROP INDEX "addon_assets__maintenance_schedules__title__trgm""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_schedules_org_title""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_schedules_org_next_due_date""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_schedules_org_frequency""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_schedules_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_assets__maintenance_logs""#,
    r#"DROP FUNCTION IF EXISTS "metacore_count__addon_assets__maintenance_logs"()"#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_assets__maintenance_logs'"#,
    r#"DROP INDEX "addon_assets__maintenance_logs__description__trgm""#,
    r#"DROP INDEX "addon_assets__maintenance_logs__performed_by__trgm""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_logs_org_maintenance_date""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_logs_org_cost""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_logs_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_assets__depreciation_schedules""#,
    r#"DROP FUNCTION IF EXISTS "metacore_count__addon_assets__depreciation_schedules"()"#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_assets__depreciation_schedules'"#,
    r#"DROP INDEX "addon_assets__idx_depreciation_schedules_org_period_date""#,
    r#"DROP INDEX "addon_assets__idx_depreciation_schedules_org_is_posted""#,
    r#"DROP INDEX "addon_assets__idx_depreciation_schedules_org_depreciat_8161b109""#,
    r#"DROP INDEX "addon_assets__idx_depreciation_schedules_org_book_value""#,
    r#"DROP INDEX "addon_assets__idx_depreciation_schedules_org_accumulat_6ae4d5df""#,
    r#"DROP INDEX "addon_assets__idx_depreciation_schedules_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_assets__assets""#,
    r#"DROP FUNCTION IF EXISTS "metacore_count__addon_assets__assets"()"#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_assets__assets'"#,
    r#"DROP INDEX "addon_assets__assets__name__trgm""#,
    r#"DROP INDEX "addon_assets__assets__code__trgm""#,
    r#"DROP INDEX "addon_assets__assets__serial_number__trgm""#,
    r#"DROP INDEX "addon_assets__assets__location__trgm""#,
    r#"DROP INDEX "addon_assets__idx_assets_org_status""#,
    r#"DROP INDEX "addon_assets__idx_assets_org_purchase_date""#,
    r#"DROP INDEX "addon_assets__idx_assets_org_purchase_cost""#,
    r#"DROP INDEX "addon_assets__idx_assets_org_name""#,
    r#"DROP INDEX "addon_assets__idx_assets_org_current_value""#,
    r#"DROP INDEX "addon_assets__idx_assets_org_code""#,
    r#"DROP INDEX "addon_assets__idx_assets_org_category_id""#,
    r#"DROP INDEX "addon_assets__idx_assets_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_assets__asset_disposals""#,
    r#"DROP FUNCTION IF EXISTS "metacore_count__addon_assets__asset_disposals"()"#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_assets__asset_disposals'"#,
    r#"DROP INDEX "addon_assets__asset_disposals__notes__trgm""#,
    r#"DROP INDEX "addon_assets__idx_asset_disposals_org_proceeds""#,
    r#"DROP INDEX "addon_assets__idx_asset_disposals_org_gain_loss""#,
    r#"DROP INDEX "addon_assets__idx_asset_disposals_org_disposal_method""#,
    r#"DROP INDEX "addon_assets__idx_asset_disposals_org_disposal_date""#,
    r#"DROP INDEX "addon_assets__idx_asset_disposals_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_assets__asset_categories""#,
    r#"DROP FUNCTION IF EXISTS "metacore_count__addon_assets__asset_categories"()"#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_assets__asset_categories'"#,
    r#"DROP INDEX "addon_assets__asset_categories__name__trgm""#,
    r#"DROP INDEX "addon_assets__asset_categories__code__trgm""#,
    r#"DROP INDEX "addon_assets__idx_asset_categories_org_useful_life_months""#,
    r#"DROP INDEX "addon_assets__idx_asset_categories_org_name""#,
    r#"DROP INDEX "addon_assets__idx_asset_categories_org_depreciation_method""#,
    r#"DROP INDEX "addon_assets__idx_asset_categories_list""#,
];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__maintenance_schedules__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__maintenance_schedules__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__maintenance_schedules__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__maintenance_schedules__move""#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_assets__maintenance_schedules'"#,
    r#"DROP TRIGGER "metacore_search__addon_assets__maintenance_schedules__insert""#,
    r#"DROP TRIGGER "metacore_search__addon_assets__maintenance_schedules__delete""#,
    r#"DROP TRIGGER "metacore_search__addon_assets__maintenance_schedules__update""#,
    r#"DROP TABLE "addon_assets__maintenance_schedules__search""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_schedules_org_title""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_schedules_org_next_due_date""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_schedules_org_frequency""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_schedules_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__maintenance_logs__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__maintenance_logs__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__maintenance_logs__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__maintenance_logs__move""#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_assets__maintenance_logs'"#,
    r#"DROP TRIGGER "metacore_search__addon_assets__maintenance_logs__insert""#,
    r#"DROP TRIGGER "metacore_search__addon_assets__maintenance_logs__delete""#,
    r#"DROP TRIGGER "metacore_search__addon_assets__maintenance_logs__update""#,
    r#"DROP TABLE "addon_assets__maintenance_logs__search""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_logs_org_maintenance_date""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_logs_org_cost""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_logs_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__depreciation_schedules__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__depreciation_schedules__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__depreciation_schedules__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__depreciation_schedules__move""#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_assets__depreciation_schedules'"#,
    r#"DROP INDEX "addon_assets__idx_depreciation_schedules_org_period_date""#,
    r#"DROP INDEX "addon_assets__idx_depreciation_schedules_org_is_posted""#,
    r#"DROP INDEX "addon_assets__idx_depreciation_schedules_org_depreciat_8161b109""#,
    r#"DROP INDEX "addon_assets__idx_depreciation_schedules_org_book_value""#,
    r#"DROP INDEX "addon_assets__idx_depreciation_schedules_org_accumulat_6ae4d5df""#,
    r#"DROP INDEX "addon_assets__idx_depreciation_schedules_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__assets__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__assets__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__assets__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__assets__move""#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_assets__assets'"#,
    r#"DROP TRIGGER "metacore_search__addon_assets__assets__insert""#,
    r#"DROP TRIGGER "metacore_search__addon_assets__assets__delete""#,
    r#"DROP TRIGGER "metacore_search__addon_assets__assets__update""#,
    r#"DROP TABLE "addon_assets__assets__search""#,
    r#"DROP INDEX "addon_assets__idx_assets_org_status""#,
    r#"DROP INDEX "addon_assets__idx_assets_org_purchase_date""#,
    r#"DROP INDEX "addon_assets__idx_assets_org_purchase_cost""#,
    r#"DROP INDEX "addon_assets__idx_assets_org_name""#,
    r#"DROP INDEX "addon_assets__idx_assets_org_current_value""#,
    r#"DROP INDEX "addon_assets__idx_assets_org_code""#,
    r#"DROP INDEX "addon_assets__idx_assets_org_category_id""#,
    r#"DROP INDEX "addon_assets__idx_assets_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__asset_disposals__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__asset_disposals__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__asset_disposals__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__asset_disposals__move""#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_assets__asset_disposals'"#,
    r#"DROP TRIGGER "metacore_search__addon_assets__asset_disposals__insert""#,
    r#"DROP TRIGGER "metacore_search__addon_assets__asset_disposals__delete""#,
    r#"DROP TRIGGER "metacore_search__addon_assets__asset_disposals__update""#,
    r#"DROP TABLE "addon_assets__asset_disposals__search""#,
    r#"DROP INDEX "addon_assets__idx_asset_disposals_org_proceeds""#,
    r#"DROP INDEX "addon_assets__idx_asset_disposals_org_gain_loss""#,
    r#"DROP INDEX "addon_assets__idx_asset_disposals_org_disposal_method""#,
    r#"DROP INDEX "addon_assets__idx_asset_disposals_org_disposal_date""#,
    r#"DROP INDEX "addon_assets__idx_asset_disposals_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__asset_categories__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__asset_categories__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__asset_categories__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_assets__asset_categories__move""#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_assets__asset_categories'"#,
    r#"DROP TRIGGER "metacore_search__addon_assets__asset_categories__insert""#,
    r#"DROP TRIGGER "metacore_search__addon_assets__asset_categories__delete""#,
    r#"DROP TRIGGER "metacore_search__addon_assets__asset_categories__update""#,
    r#"DROP TABLE "addon_assets__asset_categories__search""#,
    r#"DROP INDEX "addon_assets__idx_asset_categories_org_useful_life_months""#,
    r#"DROP INDEX "addon_assets__idx_asset_categories_org_name""#,
    r#"DROP INDEX "addon_assets__idx_asset_categories_org_depreciation_method""#,
    r#"DROP INDEX "addon_assets__idx_asset_categories_list""#,
];
