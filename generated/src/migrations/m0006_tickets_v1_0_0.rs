//! Migration `m0006_tickets_v1_0_0`: addon `tickets` at version 1.0.0.
//!
//! * counts the rows of `ticket_comments` per `organization_id`, at commit on PostgreSQL, by a function that pins no search_path
//! * counts the rows of `tickets` per `organization_id`, at commit on PostgreSQL, by a function that pins no search_path

use sea_orm_migration::prelude::*;

/// Brings the tables up to version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0006_tickets_v1_0_0"
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
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"DO $metacore_do$ BEGIN EXECUTE pg_catalog.format($metacore_fn$CREATE OR REPLACE FUNCTION %1$I."metacore_count__addon_tickets__ticket_comments"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $metacore$
BEGIN
    IF TG_OP OPERATOR(pg_catalog.=) 'UPDATE' AND (NEW."organization_id" OPERATOR(pg_catalog.=) OLD."organization_id" OR (NEW."organization_id" IS NULL AND OLD."organization_id" IS NULL)) THEN
        IF NEW."organization_id" IS NOT NULL THEN
            UPDATE %1$I."metacore_row_counts" SET "live_rows" = "live_rows" OPERATOR(pg_catalog.+) (1 OPERATOR(pg_catalog.-) 1), "version" = "version" OPERATOR(pg_catalog.+) 1 WHERE "table_name" OPERATOR(pg_catalog.=) 'addon_tickets__ticket_comments' AND "organization_id" OPERATOR(pg_catalog.=) NEW."organization_id";
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP OPERATOR(pg_catalog.<>) 'INSERT' AND OLD."organization_id" IS NOT NULL THEN
        UPDATE %1$I."metacore_row_counts" SET "live_rows" = "live_rows" OPERATOR(pg_catalog.-) 1, "version" = "version" OPERATOR(pg_catalog.+) 1 WHERE "table_name" OPERATOR(pg_catalog.=) 'addon_tickets__ticket_comments' AND "organization_id" OPERATOR(pg_catalog.=) OLD."organization_id";
    END IF;
    IF TG_OP OPERATOR(pg_catalog.<>) 'DELETE' AND NEW."organization_id" IS NOT NULL THEN
        INSERT INTO %1$I."metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_tickets__ticket_comments', NEW."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = c."live_rows" OPERATOR(pg_catalog.+) excluded."live_rows", "version" = c."version" OPERATOR(pg_catalog.+) 1;
    END IF;
    RETURN NULL;
END
$metacore$$metacore_fn$, pg_catalog.current_schema()); END $metacore_do$"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_tickets__ticket_comments""#,
    r#"CREATE CONSTRAINT TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_tickets__ticket_comments" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_tickets__ticket_comments"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__ticket_comments'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_tickets__ticket_comments', "organization_id", count(*), 1 FROM "addon_tickets__ticket_comments" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"DO $metacore_do$ BEGIN EXECUTE pg_catalog.format($metacore_fn$CREATE OR REPLACE FUNCTION %1$I."metacore_count__addon_tickets__tickets"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $metacore$
BEGIN
    IF TG_OP OPERATOR(pg_catalog.=) 'UPDATE' AND (NEW."organization_id" OPERATOR(pg_catalog.=) OLD."organization_id" OR (NEW."organization_id" IS NULL AND OLD."organization_id" IS NULL)) THEN
        IF NEW."organization_id" IS NOT NULL THEN
            UPDATE %1$I."metacore_row_counts" SET "live_rows" = "live_rows" OPERATOR(pg_catalog.+) (1 OPERATOR(pg_catalog.-) 1), "version" = "version" OPERATOR(pg_catalog.+) 1 WHERE "table_name" OPERATOR(pg_catalog.=) 'addon_tickets__tickets' AND "organization_id" OPERATOR(pg_catalog.=) NEW."organization_id";
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP OPERATOR(pg_catalog.<>) 'INSERT' AND OLD."organization_id" IS NOT NULL THEN
        UPDATE %1$I."metacore_row_counts" SET "live_rows" = "live_rows" OPERATOR(pg_catalog.-) 1, "version" = "version" OPERATOR(pg_catalog.+) 1 WHERE "table_name" OPERATOR(pg_catalog.=) 'addon_tickets__tickets' AND "organization_id" OPERATOR(pg_catalog.=) OLD."organization_id";
    END IF;
    IF TG_OP OPERATOR(pg_catalog.<>) 'DELETE' AND NEW."organization_id" IS NOT NULL THEN
        INSERT INTO %1$I."metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_tickets__tickets', NEW."organization_id", 1, 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = c."live_rows" OPERATOR(pg_catalog.+) excluded."live_rows", "version" = c."version" OPERATOR(pg_catalog.+) 1;
    END IF;
    RETURN NULL;
END
$metacore$$metacore_fn$, pg_catalog.current_schema()); END $metacore_do$"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_tickets__tickets""#,
    r#"CREATE CONSTRAINT TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_tickets__tickets" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_tickets__tickets"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__tickets'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_tickets__tickets', "organization_id", count(*), 1 FROM "addon_tickets__tickets" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
];

/// `up` on SQLite.
const SQLITE_UP: &[&str] = &[];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[
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
    r#"CREATE CONSTRAINT TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_tickets__tickets" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_tickets__tickets"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__tickets'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_tickets__tickets', "organization_id", count(*), 1 FROM "addon_tickets__tickets" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
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
    r#"CREATE CONSTRAINT TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_tickets__ticket_comments" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_tickets__ticket_comments"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_tickets__ticket_comments'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_tickets__ticket_comments', "organization_id", count(*), 1 FROM "addon_tickets__ticket_comments" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[];
