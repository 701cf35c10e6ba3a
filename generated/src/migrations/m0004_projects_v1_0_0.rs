//! Migration `m0004_projects_v1_0_0`: addon `projects` at version 1.0.0.
//!
//! * indexes the search document of `project_tasks` after (organization_id, created_at, id, deleted_at) on SQLite, so a search walks the index alone
//! * indexes the search document of `projects` after (organization_id, created_at, id, deleted_at) on SQLite, so a search walks the index alone
//! * indexes the search document of `time_entries` after (organization_id, created_at, id, deleted_at) on SQLite, so a search walks the index alone

use sea_orm_migration::prelude::*;

/// Brings the tables up to version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_projects_v1_0_0"
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
    r#"CREATE INDEX "addon_projects__project_tasks__search__scan" ON "addon_projects__project_tasks" ("organization_id", "created_at", "id", "deleted_at", (coalesce("title", '') || char(1) || coalesce("description", ''))) WHERE "deleted_at" IS NULL"#,
    r#"ANALYZE "addon_projects__project_tasks""#,
    r#"DELETE FROM "sqlite_stat1" WHERE "tbl" = 'addon_projects__project_tasks' AND ("stat" = '0' OR "stat" LIKE '0 %')"#,
    r#"CREATE INDEX "addon_projects__projects__search__scan" ON "addon_projects__projects" ("organization_id", "created_at", "id", "deleted_at", (coalesce("code", '') || char(1) || coalesce("name", '') || char(1) || coalesce("description", ''))) WHERE "deleted_at" IS NULL"#,
    r#"ANALYZE "addon_projects__projects""#,
    r#"DELETE FROM "sqlite_stat1" WHERE "tbl" = 'addon_projects__projects' AND ("stat" = '0' OR "stat" LIKE '0 %')"#,
    r#"CREATE INDEX "addon_projects__time_entries__search__scan" ON "addon_projects__time_entries" ("organization_id", "created_at", "id", "deleted_at", (coalesce("description", ''))) WHERE "deleted_at" IS NULL"#,
    r#"ANALYZE "addon_projects__time_entries""#,
    r#"DELETE FROM "sqlite_stat1" WHERE "tbl" = 'addon_projects__time_entries' AND ("stat" = '0' OR "stat" LIKE '0 %')"#,
];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_projects__time_entries__search__scan""#,
    r#"DROP INDEX "addon_projects__projects__search__scan""#,
    r#"DROP INDEX "addon_projects__project_tasks__search__scan""#,
];
