//! Migration `m0002_projects_v1_0_0`: addon `projects` at version 1.0.0.
//!
//! * creates index `idx_project_tasks_list` on `project_tasks` (organization_id, created_at, id)
//! * creates index `idx_project_tasks_org_actual_hours` on `project_tasks` (organization_id, actual_hours)
//! * creates index `idx_project_tasks_org_due_date` on `project_tasks` (organization_id, due_date)
//! * creates index `idx_project_tasks_org_estimated_hours` on `project_tasks` (organization_id, estimated_hours)
//! * creates index `idx_project_tasks_org_priority` on `project_tasks` (organization_id, priority)
//! * creates index `idx_project_tasks_org_status` on `project_tasks` (organization_id, status)
//! * creates index `idx_project_tasks_org_title` on `project_tasks` (organization_id, title)
//! * indexes `project_tasks` (title, description) for search
//! * counts the live rows of `project_tasks` per `organization_id`
//! * creates index `idx_projects_list` on `projects` (organization_id, created_at, id)
//! * creates index `idx_projects_org_budget` on `projects` (organization_id, budget)
//! * creates index `idx_projects_org_end_date` on `projects` (organization_id, end_date)
//! * creates index `idx_projects_org_name` on `projects` (organization_id, name)
//! * creates index `idx_projects_org_priority` on `projects` (organization_id, priority)
//! * creates index `idx_projects_org_start_date` on `projects` (organization_id, start_date)
//! * creates index `idx_projects_org_status` on `projects` (organization_id, status)
//! * indexes `projects` (code, name, description) for search
//! * counts the live rows of `projects` per `organization_id`
//! * creates index `idx_time_entries_list` on `time_entries` (organization_id, created_at, id)
//! * creates index `idx_time_entries_org_date` on `time_entries` (organization_id, date)
//! * creates index `idx_time_entries_org_hours` on `time_entries` (organization_id, hours)
//! * creates index `idx_time_entries_org_is_billable` on `time_entries` (organization_id, is_billable)
//! * indexes `time_entries` (description) for search
//! * counts the live rows of `time_entries` per `organization_id`

use sea_orm_migration::prelude::*;

/// Brings the tables up to version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_projects_v1_0_0"
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
    r#"CREATE INDEX "addon_projects__idx_project_tasks_list" ON "addon_projects__project_tasks" ("organization_id", "created_at", "id") WHERE "deleted_at" IS NULL"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_org_actual_hours" ON "addon_projects__project_tasks" ("organization_id", "actual_hours")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_org_due_date" ON "addon_projects__project_tasks" ("organization_id", "due_date")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_org_estimated_hours" ON "addon_projects__project_tasks" ("organization_id", "estimated_hours")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_org_priority" ON "addon_projects__project_tasks" ("organization_id", "priority")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_org_status" ON "addon_projects__project_tasks" ("organization_id", "status")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_org_title" ON "addon_projects__project_tasks" ("organization_id", "title")"#,
    r#"CREATE EXTENSION IF NOT EXISTS pg_trgm"#,
    r#"CREATE INDEX "addon_projects__project_tasks__title__trgm" ON "addon_projects__project_tasks" USING gin ("title" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_projects__project_tasks__description__trgm" ON "addon_projects__project_tasks" USING gin ("description" gin_trgm_ops)"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"CREATE OR REPLACE FUNCTION "metacore_count__addon_projects__project_tasks"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $metacore$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW."organization_id" IS NOT DISTINCT FROM OLD."organization_id" THEN
        IF NEW."organization_id" IS NOT NULL THEN
            UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + (CASE WHEN NEW."deleted_at" IS NULL THEN 1 ELSE 0 END) - (CASE WHEN OLD."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_projects__project_tasks' AND "organization_id" = NEW."organization_id";
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD."organization_id" IS NOT NULL THEN
        UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -(CASE WHEN OLD."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_projects__project_tasks' AND "organization_id" = OLD."organization_id";
    END IF;
    IF TG_OP <> 'DELETE' AND NEW."organization_id" IS NOT NULL THEN
        INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_projects__project_tasks', NEW."organization_id", (CASE WHEN NEW."deleted_at" IS NULL THEN 1 ELSE 0 END), 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = c."live_rows" + excluded."live_rows", "version" = c."version" + 1;
    END IF;
    RETURN NULL;
END
$metacore$"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_projects__project_tasks""#,
    r#"CREATE TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_projects__project_tasks" FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_projects__project_tasks"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_projects__project_tasks'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_projects__project_tasks', "organization_id", sum(CASE WHEN "deleted_at" IS NULL THEN 1 ELSE 0 END), 1 FROM "addon_projects__project_tasks" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
    r#"CREATE INDEX "addon_projects__idx_projects_list" ON "addon_projects__projects" ("organization_id", "created_at", "id") WHERE "deleted_at" IS NULL"#,
    r#"CREATE INDEX "addon_projects__idx_projects_org_budget" ON "addon_projects__projects" ("organization_id", "budget")"#,
    r#"CREATE INDEX "addon_projects__idx_projects_org_end_date" ON "addon_projects__projects" ("organization_id", "end_date")"#,
    r#"CREATE INDEX "addon_projects__idx_projects_org_name" ON "addon_projects__projects" ("organization_id", "name")"#,
    r#"CREATE INDEX "addon_projects__idx_projects_org_priority" ON "addon_projects__projects" ("organization_id", "priority")"#,
    r#"CREATE INDEX "addon_projects__idx_projects_org_start_date" ON "addon_projects__projects" ("organization_id", "start_date")"#,
    r#"CREATE INDEX "addon_projects__idx_projects_org_status" ON "addon_projects__projects" ("organization_id", "status")"#,
    r#"CREATE EXTENSION IF NOT EXISTS pg_trgm"#,
    r#"CREATE INDEX "addon_projects__projects__code__trgm" ON "addon_projects__projects" USING gin ("code" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_projects__projects__name__trgm" ON "addon_projects__projects" USING gin ("name" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_projects__projects__description__trgm" ON "addon_projects__projects" USING gin ("description" gin_trgm_ops)"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"CREATE OR REPLACE FUNCTION "metacore_count__addon_projects__projects"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $metacore$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW."organization_id" IS NOT DISTINCT FROM OLD."organization_id" THEN
        IF NEW."organization_id" IS NOT NULL THEN
            UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + (CASE WHEN NEW."deleted_at" IS NULL THEN 1 ELSE 0 END) - (CASE WHEN OLD."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_projects__projects' AND "organization_id" = NEW."organization_id";
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD."organization_id" IS NOT NULL THEN
        UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -(CASE WHEN OLD."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_projects__projects' AND "organization_id" = OLD."organization_id";
    END IF;
    IF TG_OP <> 'DELETE' AND NEW."organization_id" IS NOT NULL THEN
        INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_projects__projects', NEW."organization_id", (CASE WHEN NEW."deleted_at" IS NULL THEN 1 ELSE 0 END), 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = c."live_rows" + excluded."live_rows", "version" = c."version" + 1;
    END IF;
    RETURN NULL;
END
$metacore$"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_projects__projects""#,
    r#"CREATE TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_projects__projects" FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_projects__projects"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_projects__projects'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_projects__projects', "organization_id", sum(CASE WHEN "deleted_at" IS NULL THEN 1 ELSE 0 END), 1 FROM "addon_projects__projects" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_list" ON "addon_projects__time_entries" ("organization_id", "created_at", "id") WHERE "deleted_at" IS NULL"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_org_date" ON "addon_projects__time_entries" ("organization_id", "date")"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_org_hours" ON "addon_projects__time_entries" ("organization_id", "hours")"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_org_is_billable" ON "addon_projects__time_entries" ("organization_id", "is_billable")"#,
    r#"CREATE EXTENSION IF NOT EXISTS pg_trgm"#,
    r#"CREATE INDEX "addon_projects__time_entries__description__trgm" ON "addon_projects__time_entries" USING gin ("description" gin_trgm_ops)"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"CREATE OR REPLACE FUNCTION "metacore_count__addon_projects__time_entries"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $metacore$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW."organization_id" IS NOT DISTINCT FROM OLD."organization_id" THEN
        IF NEW."organization_id" IS NOT NULL THEN
            UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + (CASE WHEN NEW."deleted_at" IS NULL THEN 1 ELSE 0 END) - (CASE WHEN OLD."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_projects__time_entries' AND "organization_id" = NEW."organization_id";
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD."organization_id" IS NOT NULL THEN
        UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -(CASE WHEN OLD."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_projects__time_entries' AND "organization_id" = OLD."organization_id";
    END IF;
    IF TG_OP <> 'DELETE' AND NEW."organization_id" IS NOT NULL THEN
        INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_projects__time_entries', NEW."organization_id", (CASE WHEN NEW."deleted_at" IS NULL THEN 1 ELSE 0 END), 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = c."live_rows" + excluded."live_rows", "version" = c."version" + 1;
    END IF;
    RETURN NULL;
END
$metacore$"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_projects__time_entries""#,
    r#"CREATE TRIGGER "metacore_count" AFTER INSERT OR UPDATE OR DELETE ON "addon_projects__time_entries" FOR EACH ROW EXECUTE FUNCTION "metacore_count__addon_projects__time_entries"()"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_projects__time_entries'"#,
    r#"INSERT INTO "metacore_row_counts" AS c ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_projects__time_entries', "organization_id", sum(CASE WHEN "deleted_at" IS NULL THEN 1 ELSE 0 END), 1 FROM "addon_projects__time_entries" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = c."version" + 1"#,
];

/// `up` on SQLite.
const SQLITE_UP: &[&str] = &[
    r#"CREATE INDEX "addon_projects__idx_project_tasks_list" ON "addon_projects__project_tasks" ("organization_id", "created_at", "id") WHERE "deleted_at" IS NULL"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_org_actual_hours" ON "addon_projects__project_tasks" ("organization_id", "actual_hours")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_org_due_date" ON "addon_projects__project_tasks" ("organization_id", "due_date")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_org_estimated_hours" ON "addon_projects__project_tasks" ("organization_id", "estimated_hours")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_org_priority" ON "addon_projects__project_tasks" ("organization_id", "priority")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_org_status" ON "addon_projects__project_tasks" ("organization_id", "status")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_org_title" ON "addon_projects__project_tasks" ("organization_id", "title")"#,
    r#"CREATE VIRTUAL TABLE "addon_projects__project_tasks__search" USING fts5("title", "description", content='addon_projects__project_tasks', tokenize='trigram')"#,
    r#"CREATE TRIGGER "metacore_search__addon_projects__project_tasks__insert" AFTER INSERT ON "addon_projects__project_tasks" BEGIN
    INSERT INTO "addon_projects__project_tasks__search"(rowid, "title", "description") VALUES (new.rowid, new."title", new."description");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_projects__project_tasks__delete" AFTER DELETE ON "addon_projects__project_tasks" BEGIN
    INSERT INTO "addon_projects__project_tasks__search"("addon_projects__project_tasks__search", rowid, "title", "description") VALUES ('delete', old.rowid, old."title", old."description");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_projects__project_tasks__update" AFTER UPDATE OF "title", "description" ON "addon_projects__project_tasks" BEGIN
    INSERT INTO "addon_projects__project_tasks__search"("addon_projects__project_tasks__search", rowid, "title", "description") VALUES ('delete', old.rowid, old."title", old."description");
    INSERT INTO "addon_projects__project_tasks__search"(rowid, "title", "description") VALUES (new.rowid, new."title", new."description");
END"#,
    r#"INSERT INTO "addon_projects__project_tasks__search"("addon_projects__project_tasks__search") VALUES ('rebuild')"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__project_tasks__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__project_tasks__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__project_tasks__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__project_tasks__move""#,
    r#"CREATE TRIGGER "metacore_count__addon_projects__project_tasks__insert" AFTER INSERT ON "addon_projects__project_tasks" WHEN new."organization_id" IS NOT NULL BEGIN
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_projects__project_tasks', new."organization_id", (CASE WHEN new."deleted_at" IS NULL THEN 1 ELSE 0 END), 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_projects__project_tasks__delete" AFTER DELETE ON "addon_projects__project_tasks" WHEN old."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -(CASE WHEN old."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_projects__project_tasks' AND "organization_id" = old."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_projects__project_tasks__update" AFTER UPDATE ON "addon_projects__project_tasks" WHEN new."organization_id" IS old."organization_id" AND new."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + (CASE WHEN new."deleted_at" IS NULL THEN 1 ELSE 0 END) - (CASE WHEN old."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_projects__project_tasks' AND "organization_id" = new."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_projects__project_tasks__move" AFTER UPDATE ON "addon_projects__project_tasks" WHEN new."organization_id" IS NOT old."organization_id" BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -(CASE WHEN old."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_projects__project_tasks' AND "organization_id" = old."organization_id";
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_projects__project_tasks', new."organization_id", (CASE WHEN new."deleted_at" IS NULL THEN 1 ELSE 0 END), 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_projects__project_tasks'"#,
    r#"INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_projects__project_tasks', "organization_id", sum(CASE WHEN "deleted_at" IS NULL THEN 1 ELSE 0 END), 1 FROM "addon_projects__project_tasks" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = "version" + 1"#,
    r#"CREATE INDEX "addon_projects__idx_projects_list" ON "addon_projects__projects" ("organization_id", "created_at", "id") WHERE "deleted_at" IS NULL"#,
    r#"CREATE INDEX "addon_projects__idx_projects_org_budget" ON "addon_projects__projects" ("organization_id", "budget")"#,
    r#"CREATE INDEX "addon_projects__idx_projects_org_end_date" ON "addon_projects__projects" ("organization_id", "end_date")"#,
    r#"CREATE INDEX "addon_projects__idx_projects_org_name" ON "addon_projects__projects" ("organization_id", "name")"#,
    r#"CREATE INDEX "addon_projects__idx_projects_org_priority" ON "addon_projects__projects" ("organization_id", "priority")"#,
    r#"CREATE INDEX "addon_projects__idx_projects_org_start_date" ON "addon_projects__projects" ("organization_id", "start_date")"#,
    r#"CREATE INDEX "addon_projects__idx_projects_org_status" ON "addon_projects__projects" ("organization_id", "status")"#,
    r#"CREATE VIRTUAL TABLE "addon_projects__projects__search" USING fts5("code", "name", "description", content='addon_projects__projects', tokenize='trigram')"#,
    r#"CREATE TRIGGER "metacore_search__addon_projects__projects__insert" AFTER INSERT ON "addon_projects__projects" BEGIN
    INSERT INTO "addon_projects__projects__search"(rowid, "code", "name", "description") VALUES (new.rowid, new."code", new."name", new."description");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_projects__projects__delete" AFTER DELETE ON "addon_projects__projects" BEGIN
    INSERT INTO "addon_projects__projects__search"("addon_projects__projects__search", rowid, "code", "name", "description") VALUES ('delete', old.rowid, old."code", old."name", old."description");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_projects__projects__update" AFTER UPDATE OF "code", "name", "description" ON "addon_projects__projects" BEGIN
    INSERT INTO "addon_projects__projects__search"("addon_projects__projects__search", rowid, "code", "name", "description") VALUES ('delete', old.rowid, old."code", old."name", old."description");
    INSERT INTO "addon_projects__projects__search"(rowid, "code", "name", "description") VALUES (new.rowid, new."code", new."name", new."description");
END"#,
    r#"INSERT INTO "addon_projects__projects__search"("addon_projects__projects__search") VALUES ('rebuild')"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__projects__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__projects__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__projects__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__projects__move""#,
    r#"CREATE TRIGGER "metacore_count__addon_projects__projects__insert" AFTER INSERT ON "addon_projects__projects" WHEN new."organization_id" IS NOT NULL BEGIN
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_projects__projects', new."organization_id", (CASE WHEN new."deleted_at" IS NULL THEN 1 ELSE 0 END), 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_projects__projects__delete" AFTER DELETE ON "addon_projects__projects" WHEN old."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -(CASE WHEN old."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_projects__projects' AND "organization_id" = old."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_projects__projects__update" AFTER UPDATE ON "addon_projects__projects" WHEN new."organization_id" IS old."organization_id" AND new."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + (CASE WHEN new."deleted_at" IS NULL THEN 1 ELSE 0 END) - (CASE WHEN old."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_projects__projects' AND "organization_id" = new."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_projects__projects__move" AFTER UPDATE ON "addon_projects__projects" WHEN new."organization_id" IS NOT old."organization_id" BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -(CASE WHEN old."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_projects__projects' AND "organization_id" = old."organization_id";
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_projects__projects', new."organization_id", (CASE WHEN new."deleted_at" IS NULL THEN 1 ELSE 0 END), 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_projects__projects'"#,
    r#"INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_projects__projects', "organization_id", sum(CASE WHEN "deleted_at" IS NULL THEN 1 ELSE 0 END), 1 FROM "addon_projects__projects" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = "version" + 1"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_list" ON "addon_projects__time_entries" ("organization_id", "created_at", "id") WHERE "deleted_at" IS NULL"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_org_date" ON "addon_projects__time_entries" ("organization_id", "date")"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_org_hours" ON "addon_projects__time_entries" ("organization_id", "hours")"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_org_is_billable" ON "addon_projects__time_entries" ("organization_id", "is_billable")"#,
    r#"CREATE VIRTUAL TABLE "addon_projects__time_entries__search" USING fts5("description", content='addon_projects__time_entries', tokenize='trigram')"#,
    r#"CREATE TRIGGER "metacore_search__addon_projects__time_entries__insert" AFTER INSERT ON "addon_projects__time_entries" BEGIN
    INSERT INTO "addon_projects__time_entries__search"(rowid, "description") VALUES (new.rowid, new."description");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_projects__time_entries__delete" AFTER DELETE ON "addon_projects__time_entries" BEGIN
    INSERT INTO "addon_projects__time_entries__search"("addon_projects__time_entries__search", rowid, "description") VALUES ('delete', old.rowid, old."description");
END"#,
    r#"CREATE TRIGGER "metacore_search__addon_projects__time_entries__update" AFTER UPDATE OF "description" ON "addon_projects__time_entries" BEGIN
    INSERT INTO "addon_projects__time_entries__search"("addon_projects__time_entries__search", rowid, "description") VALUES ('delete', old.rowid, old."description");
    INSERT INTO "addon_projects__time_entries__search"(rowid, "description") VALUES (new.rowid, new."description");
END"#,
    r#"INSERT INTO "addon_projects__time_entries__search"("addon_projects__time_entries__search") VALUES ('rebuild')"#,
    r#"CREATE TABLE IF NOT EXISTS "metacore_row_counts" (
    "table_name" text NOT NULL,
    "organization_id" uuid NOT NULL,
    "live_rows" bigint NOT NULL DEFAULT 0,
    "version" bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("table_name", "organization_id")
)"#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__time_entries__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__time_entries__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__time_entries__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__time_entries__move""#,
    r#"CREATE TRIGGER "metacore_count__addon_projects__time_entries__insert" AFTER INSERT ON "addon_projects__time_entries" WHEN new."organization_id" IS NOT NULL BEGIN
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_projects__time_entries', new."organization_id", (CASE WHEN new."deleted_at" IS NULL THEN 1 ELSE 0 END), 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_projects__time_entries__delete" AFTER DELETE ON "addon_projects__time_entries" WHEN old."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -(CASE WHEN old."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_projects__time_entries' AND "organization_id" = old."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_projects__time_entries__update" AFTER UPDATE ON "addon_projects__time_entries" WHEN new."organization_id" IS old."organization_id" AND new."organization_id" IS NOT NULL BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + (CASE WHEN new."deleted_at" IS NULL THEN 1 ELSE 0 END) - (CASE WHEN old."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_projects__time_entries' AND "organization_id" = new."organization_id";
END"#,
    r#"CREATE TRIGGER "metacore_count__addon_projects__time_entries__move" AFTER UPDATE ON "addon_projects__time_entries" WHEN new."organization_id" IS NOT old."organization_id" BEGIN
    UPDATE "metacore_row_counts" SET "live_rows" = "live_rows" + -(CASE WHEN old."deleted_at" IS NULL THEN 1 ELSE 0 END), "version" = "version" + 1 WHERE "table_name" = 'addon_projects__time_entries' AND "organization_id" = old."organization_id";
    INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") VALUES ('addon_projects__time_entries', new."organization_id", (CASE WHEN new."deleted_at" IS NULL THEN 1 ELSE 0 END), 1) ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = "live_rows" + excluded."live_rows", "version" = "version" + 1;
END"#,
    r#"UPDATE "metacore_row_counts" SET "live_rows" = 0, "version" = "version" + 1 WHERE "table_name" = 'addon_projects__time_entries'"#,
    r#"INSERT INTO "metacore_row_counts" ("table_name", "organization_id", "live_rows", "version") SELECT 'addon_projects__time_entries', "organization_id", sum(CASE WHEN "deleted_at" IS NULL THEN 1 ELSE 0 END), 1 FROM "addon_projects__time_entries" WHERE "organization_id" IS NOT NULL GROUP BY "organization_id" ON CONFLICT ("table_name", "organization_id") DO UPDATE SET "live_rows" = excluded."live_rows", "version" = "version" + 1"#,
];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_projects__time_entries""#,
    r#"DROP FUNCTION IF EXISTS "metacore_count__addon_projects__time_entries"()"#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_projects__time_entries'"#,
    r#"DROP INDEX "addon_projects__time_entries__description__trgm""#,
    r#"DROP INDEX "addon_projects__idx_time_entries_org_is_billable""#,
    r#"DROP INDEX "addon_projects__idx_time_entries_org_hours""#,
    r#"DROP INDEX "addon_projects__idx_time_entries_org_date""#,
    r#"DROP INDEX "addon_projects__idx_time_entries_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_projects__projects""#,
    r#"DROP FUNCTION IF EXISTS "metacore_count__addon_projects__projects"()"#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_projects__projects'"#,
    r#"DROP INDEX "addon_projects__projects__code__trgm""#,
    r#"DROP INDEX "addon_projects__projects__name__trgm""#,
    r#"DROP INDEX "addon_projects__projects__description__trgm""#,
    r#"DROP INDEX "addon_projects__idx_projects_org_status""#,
    r#"DROP INDEX "addon_projects__idx_projects_org_start_date""#,
    r#"DROP INDEX "addon_projects__idx_projects_org_priority""#,
    r#"DROP INDEX "addon_projects__idx_projects_org_name""#,
    r#"DROP INDEX "addon_projects__idx_projects_org_end_date""#,
    r#"DROP INDEX "addon_projects__idx_projects_org_budget""#,
    r#"DROP INDEX "addon_projects__idx_projects_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count" ON "addon_projects__project_tasks""#,
    r#"DROP FUNCTION IF EXISTS "metacore_count__addon_projects__project_tasks"()"#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_projects__project_tasks'"#,
    r#"DROP INDEX "addon_projects__project_tasks__title__trgm""#,
    r#"DROP INDEX "addon_projects__project_tasks__description__trgm""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_org_title""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_org_status""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_org_priority""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_org_estimated_hours""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_org_due_date""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_org_actual_hours""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_list""#,
];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__time_entries__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__time_entries__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__time_entries__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__time_entries__move""#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_projects__time_entries'"#,
    r#"DROP TRIGGER "metacore_search__addon_projects__time_entries__insert""#,
    r#"DROP TRIGGER "metacore_search__addon_projects__time_entries__delete""#,
    r#"DROP TRIGGER "metacore_search__addon_projects__time_entries__update""#,
    r#"DROP TABLE "addon_projects__time_entries__search""#,
    r#"DROP INDEX "addon_projects__idx_time_entries_org_is_billable""#,
    r#"DROP INDEX "addon_projects__idx_time_entries_org_hours""#,
    r#"DROP INDEX "addon_projects__idx_time_entries_org_date""#,
    r#"DROP INDEX "addon_projects__idx_time_entries_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__projects__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__projects__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__projects__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__projects__move""#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_projects__projects'"#,
    r#"DROP TRIGGER "metacore_search__addon_projects__projects__insert""#,
    r#"DROP TRIGGER "metacore_search__addon_projects__projects__delete""#,
    r#"DROP TRIGGER "metacore_search__addon_projects__projects__update""#,
    r#"DROP TABLE "addon_projects__projects__search""#,
    r#"DROP INDEX "addon_projects__idx_projects_org_status""#,
    r#"DROP INDEX "addon_projects__idx_projects_org_start_date""#,
    r#"DROP INDEX "addon_projects__idx_projects_org_priority""#,
    r#"DROP INDEX "addon_projects__idx_projects_org_name""#,
    r#"DROP INDEX "addon_projects__idx_projects_org_end_date""#,
    r#"DROP INDEX "addon_projects__idx_projects_org_budget""#,
    r#"DROP INDEX "addon_projects__idx_projects_list""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__project_tasks__insert""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__project_tasks__delete""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__project_tasks__update""#,
    r#"DROP TRIGGER IF EXISTS "metacore_count__addon_projects__project_tasks__move""#,
    r#"DELETE FROM "metacore_row_counts" WHERE "table_name" = 'addon_projects__project_tasks'"#,
    r#"DROP TRIGGER "metacore_search__addon_projects__project_tasks__insert""#,
    r#"DROP TRIGGER "metacore_search__addon_projects__project_tasks__delete""#,
    r#"DROP TRIGGER "metacore_search__addon_projects__project_tasks__update""#,
    r#"DROP TABLE "addon_projects__project_tasks__search""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_org_title""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_org_status""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_org_priority""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_org_estimated_hours""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_org_due_date""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_org_actual_hours""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_list""#,
];
