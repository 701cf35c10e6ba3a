//! Migration `m0002_showcase_v1_0_0`: addon `showcase` at version 1.0.0.
//!
//! * creates index `idx_customers_list` on `customers` (organization_id, created_at, id)
//! * indexes `customers` (name, email, tier) for search
//! * counts the live rows of `customers` per `organization_id`
//! * creates index `idx_orders_list` on `orders` (organization_id, created_at, id)
//! * indexes `orders` (status, notes) for search
//! * counts the live rows of `orders` per `organization_id`

use sea_orm_migration::prelude::*;

/// Brings the tables up to version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_showcase_v1_0_0"
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
    r#"CREATE INDEX "addon_showcase__idx_customers_list" ON "addon_showcase__customers" ("organization_id", "created_at", "id") WHERE "deleted_at" IS NULL"#,
    r#"CREATE EXTENSION IF NOT EXISTS pg_trgm"#,
    r#"CREATE INDEX "addon_showcase__customers__name__trgm" ON "addon_showcase__customers" USING gin ("name" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_showcase__customers__email__trgm" ON "addon_showcase__customers" USING gin ("email" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_showcase__customers__tier__trgm" ON "addon_showcase__customers" USING gin ("tier" gin_trgm_ops)"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"CREATE OR REPLACE FUNCTION "metacore_count__addon_showcase__customers"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $metacore$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW."organization_id" IS NOT DISTINCT FROM OLD."organization_id" THEN
        IF NEW."organization_id" IS NOT NULL THEN
            UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + (CASE WHEN NEW."deleted_at" IS NULL THEN 1 ELSE 0 END) - (CASE WHEN OLD."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_showcase__customers' AND "organization_id" = NEW."organization_id";
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD."organization_id" IS NOT NULL THEN
        UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -(CASE WHEN OLD."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_showcase__customers' AND "organization_id" = OLD."organization_id";
    END IF;
    IF TG_OP <> 'DELETE' AND NEW."organization_id" IS NOT NULL THEN
        INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_showcase__customers', NEW."organization_id", (CASE WHEN NEW."deleted_at" IS NULL THEN 1 ELSE 0 END), 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = c."live_rows" + excluded."live_rows", "version" = c."version" + 1;
    END IF;
    RETURN NULL;
END
$metacore$"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_showcase__customers""#,
    r#"CREATE TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_showcase__customers" FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_showcase__customers"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_showcase__customers'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_showcase__customers', "organization_id", sum(CASE WHEN "deleted_at" IS NULL THEN 1 ELSE 0 END), 1 FROM "addon_showcase__customers" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
    r#"CREATE INDEX "addon_showcase__idx_orders_list" ON "addon_showcase__orders" ("organization_id", "created_at", "id") WHERE "deleted_at" IS NULL"#,
    r#"CREATE EXTENSION IF NOT EXISTS pg_trgm"#,
    r#"CREATE INDEX "addon_showcase__orders__status__trgm" ON "addon_showcase__orders" USING gin ("status" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_showcase__orders__notes__trgm" ON "addon_showcase__orders" USING gin ("notes" gin_trgm_ops)"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"CREATE OR REPLACE FUNCTION "metacore_count__addon_showcase__orders"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $metacore$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW."organization_id" IS NOT DISTINCT FROM OLD."organization_id" THEN
        IF NEW."organization_id" IS NOT NULL THEN
            UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + (CASE WHEN NEW."deleted_at" IS NULL THEN 1 ELSE 0 END) - (CASE WHEN OLD."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_showcase__orders' AND "organization_id" = NEW."organization_id";
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD."organization_id" IS NOT NULL THEN
        UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -(CASE WHEN OLD."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_showcase__orders' AND "organization_id" = OLD."organization_id";
    END IF;
    IF TG_OP <> 'DELETE' AND NEW."organization_id" IS NOT NULL THEN
        INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_showcase__orders', NEW."organization_id", (CASE WHEN NEW."deleted_at" IS NULL THEN 1 ELSE 0 END), 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = c."live_rows" + excluded."live_rows", "version" = c."version" + 1;
    END IF;
    RETURN NULL;
END
$metacore$"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_showcase__orders""#,
    r#"CREATE TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_showcase__orders" FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_showcase__orders"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_showcase__orders'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_showcase__orders', "organization_id", sum(CASE WHEN "deleted_at" IS NULL THEN 1 ELSE 0 END), 1 FROM "addon_showcase__orders" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
];

/// `up` on SQLite.
const SQLITE_UP: &[&str] = &[
    r#"CREATE INDEX "addon_showcase__idx_customers_list" ON "addon_showcase__customers" ("organization_id", "created_at", "id") WHERE "deleted_at" IS NULL"#,
    r#"CREATE VIRTUAL TABLE "addon_showcase__customers__search" USING fts5("name", "email", "tier", content='addon_showcase__customers', tokenize='trigram')"#,
    r#"CREATE TRIGGER "metacore_search__addon_showcase__customers__insert" AFTER INSERT ON "addon_showcase__customers" BEGIN
    INSERT INTO "addon_showcase__customers__search"(rowid, "name", "email", "tier") VALUES (new.rowid, new."name", new."email", new."tier");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_showcase__customers__delete" AFTER DELETE ON "addon_showcase__customers" BEGIN
    INSERT INTO "addon_showcase__customers__search"("addon_showcase__customers__search", rowid, "name", "email", "tier") VALUES ('delete', old.rowid, old."name", old."email", old."tier");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_showcase__customers__update" AFTER UPDATE OF "name", "email", "tier" ON "addon_showcase__customers" BEGIN
    INSERT INTO "addon_showcase__customers__search"("addon_showcase__customers__search", rowid, "name", "email", "tier") VALUES ('delete', old.rowid, old."name", old."email", old."tier");
    INSERT INTO "addon_showcase__customers__search"(rowid, "name", "email", "tier") VALUES (new.rowid, new."name", new."email", new."tier");
END"#,
    r#"INSERT INTO "addon_showcase__customers__search"("addon_showcase__customers__search") VALUES ('rebuild')"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_showcase__customers__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_showcase__customers__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_showcase__customers__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_showcase__customers__move""#,
    r#"CREATE TRIGGER "metacore_count__addon_showcase__customers__insert" AFTER INSERT ON "addon_showcase__customers" WHEN new."organization_id" IS NOT NULL BEGIN
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_showcase__customers', new."organization_id", (CASE WHEN new."deleted_at" IS NULL THEN 1 ELSE 0 END), 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_showcase__customers__delete" AFTER DELETE ON "addon_showcase__customers" WHEN old."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -(CASE WHEN old."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_showcase__customers' AND "organization_id" = old."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_showcase__customers__update" AFTER UPDATE ON "addon_showcase__customers" WHEN new."organization_id" IS old."organization_id" AND new."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + (CASE WHEN new."deleted_at" IS NULL THEN 1 ELSE 0 END) - (CASE WHEN old."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_showcase__customers' AND "organization_id" = new."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_showcase__customers__move" AFTER UPDATE ON "addon_showcase__customers" WHEN new."organization_id" IS NOT old."organization_id" BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -(CASE WHEN old."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_showcase__customers' AND "organization_id" = old."organization_id";
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_showcase__customers', new."organization_id", (CASE WHEN new."deleted_at" IS NULL THEN 1 ELSE 0 END), 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_showcase__customers'"#,
    r#"INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_showcase__customers', "organization_id", sum(CASE WHEN "deleted_at" IS NULL THEN 1 ELSE 0 END), 1 FROM "addon_showcase__customers" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = "version" + 1"#,
    r#"CREATE INDEX "addon_showcase__idx_orders_list" ON "addon_showcase__orders" ("organization_id", "created_at", "id") WHERE "deleted_at" IS NULL"#,
    r#"CREATE VIRTUAL TABLE "addon_showcase__orders__search" USING fts5("status", "notes", content='addon_showcase__orders', tokenize='trigram')"#,
    r#"CREATE TRIGGER "metacore_search__addon_showcase__orders__insert" AFTER INSERT ON "addon_showcase__orders" BEGIN
    INSERT INTO "addon_showcase__orders__search"(rowid, "status", "notes") VALUES (new.rowid, new."status", new."notes");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_showcase__orders__delete" AFTER DELETE ON "addon_showcase__orders" BEGIN
    INSERT INTO "addon_showcase__orders__search"("addon_showcase__orders__search", rowid, "status", "notes") VALUES ('delete', old.rowid, old."status", old."notes");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_showcase__orders__update" AFTER UPDATE OF "status", "notes" ON "addon_showcase__orders" BEGIN
    INSERT INTO "addon_showcase__orders__search"("addon_showcase__orders__search", rowid, "status", "notes") VALUES ('delete', old.rowid, old."status", old."notes");
    INSERT INTO "addon_showcase__orders__search"(rowid, "status", "notes") VALUES (new.rowid, new."status", new."notes");
END"#,
    r#"INSERT INTO "addon_showcase__orders__search"("addon_showcase__orders__search") VALUES ('rebuild')"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_showcase__orders__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_showcase__orders__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_showcase__orders__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_showcase__orders__move""#,
    r#"CREATE TRIGGER "metacore_count__addon_showcase__orders__insert" AFTER INSERT ON "addon_showcase__orders" WHEN new."organization_id" IS NOT NULL BEGIN
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_showcase__orders', new."organization_id", (CASE WHEN new."deleted_at" IS NULL THEN 1 ELSE 0 END), 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_showcase__orders__delete" AFTER DELETE ON "addon_showcase__orders" WHEN old."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -(CASE WHEN old."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_showcase__orders' AND "organization_id" = old."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_showcase__orders__update" AFTER UPDATE ON "addon_showcase__orders" WHEN new."organization_id" IS old."organization_id" AND new."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + (CASE WHEN new."deleted_at" IS NULL THEN 1 ELSE 0 END) - (CASE WHEN old."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_showcase__orders' AND "organization_id" = new."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_showcase__orders__move" AFTER UPDATE ON "addon_showcase__orders" WHEN new."organization_id" IS NOT old."organization_id" BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -(CASE WHEN old."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_showcase__orders' AND "organization_id" = old."organization_id";
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_showcase__orders', new."organization_id", (CASE WHEN new."deleted_at" IS NULL THEN 1 ELSE 0 END), 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_showcase__orders'"#,
    r#"INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_showcase__orders', "organization_id", sum(CASE WHEN "deleted_at" IS NULL THEN 1 ELSE 0 END), 1 FROM "addon_showcase__orders" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = "version" + 1"#,
];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_showcase__orders""#,
    r#"DROP FUNCTION IF EXISTS "metacore_count__addon_showcase__orders"()"#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_showcase__orders'"#,
    r#"DROP INDEX "addon_showcase__orders__status__trgm""#,
    r#"DROP INDEX "addon_showcase__orders__notes__trgm""#,
    r#"DROP INDEX "addon_showcase__idx_orders_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_showcase__customers""#,
    r#"DROP FUNCTION IF EXISTS "metacore_count__addon_showcase__customers"()"#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_showcase__customers'"#,
    r#"DROP INDEX "addon_showcase__customers__name__trgm""#,
    r#"DROP INDEX "addon_showcase__customers__email__trgm""#,
    r#"DROP INDEX "addon_showcase__customers__tier__trgm""#,
    r#"DROP INDEX "addon_showcase__idx_customers_list""#,
];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_showcase__orders__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_showcase__orders__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_showcase__orders__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_showcase__orders__move""#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_showcase__orders'"#,
    r#"DROP TRIGGER "metacore_search__addon_showcase__orders__insert""#,
    r#"DROP TRIGGER "metacore_search__addon_showcase__orders__delete""#,
    r#"DROP TRIGGER "metacore_search__addon_showcase__orders__update""#,
    r#"DROP TABLE "addon_showcase__orders__search""#,
    r#"DROP INDEX "addon_showcase__idx_orders_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_showcase__customers__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_showcase__customers__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_showcase__customers__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_showcase__customers__move""#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_showcase__customers'"#,
    r#"DROP TRIGGER "metacore_search__addon_showcase__customers__insert""#,
    r#"DROP TRIGGER "metacore_search__addon_showcase__customers__delete""#,
    r#"DROP TRIGGER "metacore_search__addon_showcase__customers__update""#,
    r#"DROP TABLE "addon_showcase__customers__search""#,
    r#"DROP INDEX "addon_showcase__idx_customers_list""#,
];
