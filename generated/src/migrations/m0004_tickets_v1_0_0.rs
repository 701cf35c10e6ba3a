//! Migration `m0004_tickets_v1_0_0`: addon `tickets` at version 1.0.0.
//!
//! * indexes the search document of `ticket_comments` after (organization_id, created_at, id) on SQLite, so a search walks the index alone
//! * indexes the search document of `tickets` after (organization_id, created_at, id) on SQLite, so a search walks the index alone

use sea_orm_migration::prelude::*;

/// Brings the tables up to version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_tickets_v1_0_0"
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
    r#"CREATE INDEX "addon_tickets__ticket_comments__search__scan" ON "addon_tickets__ticket_comments" ("organization_id", "created_at", "id", (coalesce("body", '')))"#,
    r#"ANALYZE "addon_tickets__ticket_comments""#,
    r#"DELETE FROM "sqlite_stat1" WHERE "tbl" = 'addon_tickets__ticket_comments' AND ("stat" = '0' OR "stat" LIKE '0 %')"#,
    r#"CREATE INDEX "addon_tickets__tickets__search__scan" ON "addon_tickets__tickets" ("organization_id", "created_at", "id", (coalesce("number", '') || char(1) || coalesce("title", '') || char(1) || coalesce("description", '') || char(1) || coalesce("status", '') || char(1) || coalesce("priority", '')))"#,
    r#"ANALYZE "addon_tickets__tickets""#,
    r#"DELETE FROM "sqlite_stat1" WHERE "tbl" = 'addon_tickets__tickets' AND ("stat" = '0' OR "stat" LIKE '0 %')"#,
];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_tickets__tickets__search__scan""#,
    r#"DROP INDEX "addon_tickets__ticket_comments__search__scan""#,
];
