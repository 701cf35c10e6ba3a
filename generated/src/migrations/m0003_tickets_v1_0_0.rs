//! Migration `m0003_tickets_v1_0_0`: addon `tickets` at version 1.0.0.
//!
//! * keeps `ticket_comments` (body) in one search document on PostgreSQL, with one trigram index in place of one per column
//! * keeps `tickets` (number, title, description, status, priority) in one search document on PostgreSQL, with one trigram index in place of one per column

use sea_orm_migration::prelude::*;

/// Brings the tables up to version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_tickets_v1_0_0"
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
    r#"DROP INDEX "addon_tickets__ticket_comments__body__trgm""#,
    r#"ALTER TABLE "addon_tickets__ticket_comments" ADD COLUMN "metacore_search" text GENERATED ALWAYS AS (lower(coalesce("body", ''))) STORED"#,
    r#"CREATE INDEX "addon_tickets__ticket_comments__search__trgm" ON "addon_tickets__ticket_comments" USING gin ("metacore_search" gin_trgm_ops)"#,
    r#"DROP INDEX "addon_tickets__tickets__number__trgm""#,
    r#"DROP INDEX "addon_tickets__tickets__title__trgm""#,
    r#"DROP INDEX "addon_tickets__tickets__description__trgm""#,
    r#"DROP INDEX "addon_tickets__tickets__status__trgm""#,
    r#"DROP INDEX "addon_tickets__tickets__priority__trgm""#,
    r#"ALTER TABLE "addon_tickets__tickets" ADD COLUMN "metacore_search" text GENERATED ALWAYS AS (lower(coalesce("number", '')) || chr(1) || lower(coalesce("title", '')) || chr(1) || lower(coalesce("description", '')) || chr(1) || lower(coalesce("status", '')) || chr(1) || lower(coalesce("priority", ''))) STORED"#,
    r#"CREATE INDEX "addon_tickets__tickets__search__trgm" ON "addon_tickets__tickets" USING gin ("metacore_search" gin_trgm_ops)"#,
];

/// `up` on SQLite.
const SQLITE_UP: &[&str] = &[];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_tickets__tickets__search__trgm""#,
    r#"ALTER TABLE "addon_tickets__tickets" DROP COLUMN "metacore_search""#,
    r#"CREATE INDEX "addon_tickets__tickets__number__trgm" ON "addon_tickets__tickets" USING gin ("number" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_tickets__tickets__title__trgm" ON "addon_tickets__tickets" USING gin ("title" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_tickets__tickets__description__trgm" ON "addon_tickets__tickets" USING gin ("description" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_tickets__tickets__status__trgm" ON "addon_tickets__tickets" USING gin ("status" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_tickets__tickets__priority__trgm" ON "addon_tickets__tickets" USING gin ("priority" gin_trgm_ops)"#,
    r#"DROP INDEX "addon_tickets__ticket_comments__search__trgm""#,
    r#"ALTER TABLE "addon_tickets__ticket_comments" DROP COLUMN "metacore_search""#,
    r#"CREATE INDEX "addon_tickets__ticket_comments__body__trgm" ON "addon_tickets__ticket_comments" USING gin ("body" gin_trgm_ops)"#,
];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[];
