//! Migration `m0002_tickets_v1_0_0`: addon `tickets` at version 1.0.0.
//!
//! * creates index `idx_ticket_comments_list` on `ticket_comments` (organization_id, created_at, id)
//! * indexes `ticket_comments` (body) for search
//! * counts the rows of `ticket_comments` per `organization_id`
//! * creates index `idx_tickets_list` on `tickets` (organization_id, created_at, id)
//! * indexes `tickets` (number, title, description, status, priority) for search
//! * counts the rows of `tickets` per `organization_id`

use sea_orm_migration::prelude::*;

/// Brings the tables up to version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_tickets_v1_0_0"
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
    r#"CREATE INDEX "addon_tickets__idx_ticket_comments_list" ON "addon_tickets__ticket_comments" ("organization_id", "created_at", "id")"#,
    r#"CREATE EXTENSION IF NOT EXISTS pg_trgm"#,
    r#"CREATE INDEX "addon_tickets__ticket_comments__body__trgm" ON "addon_tickets__ticket_comments" USING gin ("body" gin_trgm_ops)"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"CREATE OR REPLACE FUNCTION "metacore_count__addon_tickets__ticket_comments"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $metacore$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW."organization_id" IS NOT DISTINCT FROM OLD."organization_id" THEN
        IF NEW."organization_id" IS NOT NULL THEN
            UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__ticket_comments' AND "organization_id" = NEW."organization_id";
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD."organization_id" IS NOT NULL THEN
        UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__ticket_comments' AND "organization_id" = OLD."organization_id";
    END IF;
    IF TG_OP <> 'DELETE' AND NEW."organization_id" IS NOT NULL THEN
        INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_tickets__ticket_comments', NEW."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = c."live_rows" + excluded."live_rows", "version" = c."version" + 1;
    END IF;
    RETURN NULL;
END
$metacore$"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_tickets__ticket_comments""#,
    r#"CREATE TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_tickets__ticket_comments" FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_tickets__ticket_comments"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__ticket_comments'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_tickets__ticket_comments', "organization_id", count(*), 1 FROM "addon_tickets__ticket_comments" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
    r#"CREATE INDEX "addon_tickets__idx_tickets_list" ON "addon_tickets__tickets" ("organization_id", "created_at", "id")"#,
    r#"CREATE EXTENSION IF NOT EXISTS pg_trgm"#,
    r#"CREATE INDEX "addon_tickets__tickets__number__trgm" ON "addon_tickets__tickets" USING gin ("number" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_tickets__tickets__title__trgm" ON "addon_tickets__tickets" USING gin ("title" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_tickets__tickets__description__trgm" ON "addon_tickets__tickets" USING gin ("description" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_tickets__tickets__status__trgm" ON "addon_tickets__tickets" USING gin ("status" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_tickets__tickets__priority__trgm" ON "addon_tickets__tickets" USING gin ("priority" gin_trgm_ops)"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"CREATE OR REPLACE FUNCTION "metacore_count__addon_tickets__tickets"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $metacore$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW."organization_id" IS NOT DISTINCT FROM OLD."organization_id" THEN
        IF NEW."organization_id" IS NOT NULL THEN
            UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__tickets' AND "organization_id" = NEW."organization_id";
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD."organization_id" IS NOT NULL THEN
        UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__tickets' AND "organization_id" = OLD."organization_id";
    END IF;
    IF TG_OP <> 'DELETE' AND NEW."organization_id" IS NOT NULL THEN
        INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_tickets__tickets', NEW."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = c."live_rows" + excluded."live_rows", "version" = c."version" + 1;
    END IF;
    RETURN NULL;
END
$metacore$"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_tickets__tickets""#,
    r#"CREATE TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_tickets__tickets" FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_tickets__tickets"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__tickets'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_tickets__tickets', "organization_id", count(*), 1 FROM "addon_tickets__tickets" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
];

/// `up` on SQLite.
const SQLITE_UP: &[&str] = &[
    r#"CREATE INDEX "addon_tickets__idx_ticket_comments_list" ON "addon_tickets__ticket_comments" ("organization_id", "created_at", "id")"#,
    r#"CREATE VIRTUAL TABLE "addon_tickets__ticket_comments__search" USING fts5("body", content='addon_tickets__ticket_comments', tokenize='trigram')"#,
    r#"CREATE TRIGGER "metacore_search__addon_tickets__ticket_comments__insert" AFTER INSERT ON "addon_tickets__ticket_comments" BEGIN
    INSERT INTO "addon_tickets__ticket_comments__search"(rowid, "body") VALUES (new.rowid, new."body");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_tickets__ticket_comments__delete" AFTER DELETE ON "addon_tickets__ticket_comments" BEGIN
    INSERT INTO "addon_tickets__ticket_comments__search"("addon_tickets__ticket_comments__search", rowid, "body") VALUES ('delete', old.rowid, old."body");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_tickets__ticket_comments__update" AFTER UPDATE OF "body" ON "addon_tickets__ticket_comments" BEGIN
    INSERT INTO "addon_tickets__ticket_comments__search"("addon_tickets__ticket_comments__search", rowid, "body") VALUES ('delete', old.rowid, old."body");
    INSERT INTO "addon_tickets__ticket_comments__search"(rowid, "body") VALUES (new.rowid, new."body");
END"#,
    r#"INSERT INTO "addon_tickets__ticket_comments__search"("addon_tickets__ticket_comments__search") VALUES ('rebuild')"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_tickets__ticket_comments__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_tickets__ticket_comments__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_tickets__ticket_comments__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_tickets__ticket_comments__move""#,
    r#"CREATE TRIGGER "metacore_count__addon_tickets__ticket_comments__insert" AFTER INSERT ON "addon_tickets__ticket_comments" WHEN new."organization_id" IS NOT NULL BEGIN
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_tickets__ticket_comments', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_tickets__ticket_comments__delete" AFTER DELETE ON "addon_tickets__ticket_comments" WHEN old."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__ticket_comments' AND "organization_id" = old."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_tickets__ticket_comments__update" AFTER UPDATE ON "addon_tickets__ticket_comments" WHEN new."organization_id" IS old."organization_id" AND new."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__ticket_comments' AND "organization_id" = new."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_tickets__ticket_comments__move" AFTER UPDATE ON "addon_tickets__ticket_comments" WHEN new."organization_id" IS NOT old."organization_id" BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__ticket_comments' AND "organization_id" = old."organization_id";
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_tickets__ticket_comments', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__ticket_comments'"#,
    r#"INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_tickets__ticket_comments', "organization_id", count(*), 1 FROM "addon_tickets__ticket_comments" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = "version" + 1"#,
    r#"CREATE INDEX "addon_tickets__idx_tickets_list" ON "addon_tickets__tickets" ("organization_id", "created_at", "id")"#,
    r#"CREATE VIRTUAL TABLE "addon_tickets__tickets__search" USING fts5("number", "title", "description", "status", "priority", content='addon_tickets__tickets', tokenize='trigram')"#,
    r#"CREATE TRIGGER "metacore_search__addon_tickets__tickets__insert" AFTER INSERT ON "addon_tickets__tickets" BEGIN
    INSERT INTO "addon_tickets__tickets__search"(rowid, "number", "title", "description", "status", "priority") VALUES (new.rowid, new."number", new."title", new."description", new."status", new."priority");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_tickets__tickets__delete" AFTER DELETE ON "addon_tickets__tickets" BEGIN
    INSERT INTO "addon_tickets__tickets__search"("addon_tickets__tickets__search", rowid, "number", "title", "description", "status", "priority") VALUES ('delete', old.rowid, old."number", old."title", old."description", old."status", old."priority");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_tickets__tickets__update" AFTER UPDATE OF "number", "title", "description", "status", "priority" ON "addon_tickets__tickets" BEGIN
    INSERT INTO "addon_tickets__tickets__search"("addon_tickets__tickets__search", rowid, "number", "title", "description", "status", "priority") VALUES ('delete', old.rowid, old."number", old."title", old."description", old."status", old."priority");
    INSERT INTO "addon_tickets__tickets__search"(rowid, "number", "title", "description", "status", "priority") VALUES (new.rowid, new."number", new."title", new."description", new."status", new."priority");
END"#,
    r#"INSERT INTO "addon_tickets__tickets__search"("addon_tickets__tickets__search") VALUES ('rebuild')"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_tickets__tickets__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_tickets__tickets__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_tickets__tickets__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_tickets__tickets__move""#,
    r#"CREATE TRIGGER "metacore_count__addon_tickets__tickets__insert" AFTER INSERT ON "addon_tickets__tickets" WHEN new."organization_id" IS NOT NULL BEGIN
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_tickets__tickets', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_tickets__tickets__delete" AFTER DELETE ON "addon_tickets__tickets" WHEN old."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__tickets' AND "organization_id" = old."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_tickets__tickets__update" AFTER UPDATE ON "addon_tickets__tickets" WHEN new."organization_id" IS old."organization_id" AND new."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + 1 - 1, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__tickets' AND "organization_id" = new."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_tickets__tickets__move" AFTER UPDATE ON "addon_tickets__tickets" WHEN new."organization_id" IS NOT old."organization_id" BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -1, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__tickets' AND "organization_id" = old."organization_id";
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_tickets__tickets', new."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__tickets'"#,
    r#"INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_tickets__tickets', "organization_id", count(*), 1 FROM "addon_tickets__tickets" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = "version" + 1"#,
];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_tickets__tickets""#,
    r#"DROP FUNCTION IF EXISTS "metacore_count__addon_tickets__tickets"()"#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_tickets__tickets'"#,
    r#"DROP INDEX "addon_tickets__tickets__number__trgm""#,
    r#"DROP INDEX "addon_tickets__tickets__title__trgm""#,
    r#"DROP INDEX "addon_tickets__tickets__description__trgm""#,
    r#"DROP INDEX "addon_tickets__tickets__status__trgm""#,
    r#"DROP INDEX "addon_tickets__tickets__priority__trgm""#,
    r#"DROP INDEX "addon_tickets__idx_tickets_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_tickets__ticket_comments""#,
    r#"DROP FUNCTION IF EXISTS "metacore_count__addon_tickets__ticket_comments"()"#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_tickets__ticket_comments'"#,
    r#"DROP INDEX "addon_tickets__ticket_comments__body__trgm""#,
    r#"DROP INDEX "addon_tickets__idx_ticket_comments_list""#,
];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_tickets__tickets__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_tickets__tickets__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_tickets__tickets__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_tickets__tickets__move""#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_tickets__tickets'"#,
    r#"DROP TRIGGER "metacore_search__addon_tickets__tickets__insert""#,
    r#"DROP TRIGGER "metacore_search__addon_tickets__tickets__delete""#,
    r#"DROP TRIGGER "metacore_search__addon_tickets__tickets__update""#,
    r#"DROP TABLE "addon_tickets__tickets__search""#,
    r#"DROP INDEX "addon_tickets__idx_tickets_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_tickets__ticket_comments__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_tickets__ticket_comments__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_tickets__ticket_comments__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_tickets__ticket_comments__move""#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_tickets__ticket_comments'"#,
    r#"DROP TRIGGER "metacore_search__addon_tickets__ticket_comments__insert""#,
    r#"DROP TRIGGER "metacore_search__addon_tickets__ticket_comments__delete""#,
    r#"DROP TRIGGER "metacore_search__addon_tickets__ticket_comments__update""#,
    r#"DROP TABLE "addon_tickets__ticket_comments__search""#,
    r#"DROP INDEX "addon_tickets__idx_ticket_comments_list""#,
];
