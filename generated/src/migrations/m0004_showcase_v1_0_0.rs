//! Migration `m0004_showcase_v1_0_0`: addon `showcase` at version 1.0.0.
//!
//! * indexes the search document of `customers` after (organization_id, created_at, id, deleted_at) on SQLite, so a search walks the index alone
//! * indexes the search document of `orders` after (organization_id, created_at, id, deleted_at) on SQLite, so a search walks the index alone

use sea_orm_migration::prelude::*;

/// Brings the tables up to version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_showcase_v1_0_0"
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
    r#"CREATE INDEX "addon_showcase__customers__search__scan" ON "addon_showcase__customers" ("organization_id", "created_at", "id", "deleted_at", (coalesce("name", '') || char(1) || coalesce("email", '') || char(1) || coalesce("tier", ''))) WHERE "deleted_at" IS NULL"#,
    r#"ANALYZE "addon_showcase__customers""#,
    r#"DELETE FROM "sqlite_stat1" WHERE "tbl" = 'addon_showcase__customers' AND ("stat" = '0' OR "stat" LIKE '0 %')"#,
    r#"CREATE INDEX "addon_showcase__orders__search__scan" ON "addon_showcase__orders" ("organization_id", "created_at", "id", "deleted_at", (coalesce("status", '') || char(1) || coalesce("notes", ''))) WHERE "deleted_at" IS NULL"#,
    r#"ANALYZE "addon_showcase__orders""#,
    r#"DELETE FROM "sqlite_stat1" WHERE "tbl" = 'addon_showcase__orders' AND ("stat" = '0' OR "stat" LIKE '0 %')"#,
];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_showcase__orders__search__scan""#,
    r#"DROP INDEX "addon_showcase__customers__search__scan""#,
];
