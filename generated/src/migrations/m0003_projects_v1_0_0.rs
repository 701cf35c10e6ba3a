//! Migration `m0003_projects_v1_0_0`: addon `projects` at version 1.0.0.
//!
//! * keeps `project_tasks` (title, description) in one search document on PostgreSQL, with one trigram index in place of one per column
//! * keeps `projects` (code, name, description) in one search document on PostgreSQL, with one trigram index in place of one per column
//! * keeps `time_entries` (description) in one search document on PostgreSQL, with one trigram index in place of one per column

use sea_orm_migration::prelude::*;

/// Brings the tables up to version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_projects_v1_0_0"
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
    r#"DROP INDEX "addon_projects__project_tasks__title__trgm""#,
    r#"DROP INDEX "addon_projects__project_tasks__description__trgm""#,
    r#"ALTER TABLE "addon_projects__project_tasks" ADD COLUMN "metacore_search" text GENERATED ALWAYS AS (lower(coalesce("title", '')) || chr(1) || lower(coalesce("description", ''))) STORED"#,
    r#"CREATE INDEX "addon_projects__project_tasks__search__trgm" ON "addon_projects__project_tasks" USING gin ("metacore_search" gin_trgm_ops)"#,
    r#"DROP INDEX "addon_projects__projects__code__trgm""#,
    r#"DROP INDEX "addon_projects__projects__name__trgm""#,
    r#"DROP INDEX "addon_projects__projects__description__trgm""#,
    r#"ALTER TABLE "addon_projects__projects" ADD COLUMN "metacore_search" text GENERATED ALWAYS AS (lower(coalesce("code", '')) || chr(1) || lower(coalesce("name", '')) || chr(1) || lower(coalesce("description", ''))) STORED"#,
    r#"CREATE INDEX "addon_projects__projects__search__trgm" ON "addon_projects__projects" USING gin ("metacore_search" gin_trgm_ops)"#,
    r#"DROP INDEX "addon_projects__time_entries__description__trgm""#,
    r#"ALTER TABLE "addon_projects__time_entries" ADD COLUMN "metacore_search" text GENERATED ALWAYS AS (lower(coalesce("description", ''))) STORED"#,
    r#"CREATE INDEX "addon_projects__time_entries__search__trgm" ON "addon_projects__time_entries" USING gin ("metacore_search" gin_trgm_ops)"#,
];

/// `up` on SQLite.
const SQLITE_UP: &[&str] = &[];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_projects__time_entries__search__trgm""#,
    r#"ALTER TABLE "addon_projects__time_entries" DROP COLUMN "metacore_search""#,
    r#"CREATE INDEX "addon_projects__time_entries__description__trgm" ON "addon_projects__time_entries" USING gin ("description" gin_trgm_ops)"#,
    r#"DROP INDEX "addon_projects__projects__search__trgm""#,
    r#"ALTER TABLE "addon_projects__projects" DROP COLUMN "metacore_search""#,
    r#"CREATE INDEX "addon_projects__projects__code__trgm" ON "addon_projects__projects" USING gin ("code" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_projects__projects__name__trgm" ON "addon_projects__projects" USING gin ("name" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_projects__projects__description__trgm" ON "addon_projects__projects" USING gin ("description" gin_trgm_ops)"#,
    r#"DROP INDEX "addon_projects__project_tasks__search__trgm""#,
    r#"ALTER TABLE "addon_projects__project_tasks" DROP COLUMN "metacore_search""#,
    r#"CREATE INDEX "addon_projects__project_tasks__title__trgm" ON "addon_projects__project_tasks" USING gin ("title" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_projects__project_tasks__description__trgm" ON "addon_projects__project_tasks" USING gin ("description" gin_trgm_ops)"#,
];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[];
