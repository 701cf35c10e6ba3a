//! Migration `m0004_assets_v1_0_0`: addon `assets` at version 1.0.0.
//!
//! * indexes the search document of `asset_categories` after (organization_id, created_at, id) on SQLite, so a search walks the index alone
//! * indexes the search document of `asset_disposals` after (organization_id, created_at, id) on SQLite, so a search walks the index alone
//! * indexes the search document of `assets` after (organization_id, created_at, id) on SQLite, so a search walks the index alone
//! * indexes the search document of `maintenance_logs` after (organization_id, created_at, id) on SQLite, so a search walks the index alone
//! * indexes the search document of `maintenance_schedules` after (organization_id, created_at, id) on SQLite, so a search walks the index alone

use sea_orm_migration::prelude::*;

/// Brings the tables up to version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_assets_v1_0_0"
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
    r#"CREATE INDEX "addon_assets__asset_categories__search__scan" ON "addon_assets__asset_categories" ("organization_id", "created_at", "id", (coalesce("name", '') || char(1) || coalesce("code", '')))"#,
    r#"ANALYZE "addon_assets__asset_categories""#,
    r#"DELETE FROM "sqlite_stat1" WHERE "tbl" = 'addon_assets__asset_categories' AND ("stat" = '0' OR "stat" LIKE '0 %')"#,
    r#"CREATE INDEX "addon_assets__asset_disposals__search__scan" ON "addon_assets__asset_disposals" ("organization_id", "created_at", "id", (coalesce("notes", '')))"#,
    r#"ANALYZE "addon_assets__asset_disposals""#,
    r#"DELETE FROM "sqlite_stat1" WHERE "tbl" = 'addon_assets__asset_disposals' AND ("stat" = '0' OR "stat" LIKE '0 %')"#,
    r#"CREATE INDEX "addon_assets__assets__search__scan" ON "addon_assets__assets" ("organization_id", "created_at", "id", (coalesce("name", '') || char(1) || coalesce("code", '') || char(1) || coalesce("serial_number", '') || char(1) || coalesce("location", '')))"#,
    r#"ANALYZE "addon_assets__assets""#,
    r#"DELETE FROM "sqlite_stat1" WHERE "tbl" = 'addon_assets__assets' AND ("stat" = '0' OR "stat" LIKE '0 %')"#,
    r#"CREATE INDEX "addon_assets__maintenance_logs__search__scan" ON "addon_assets__maintenance_logs" ("organization_id", "created_at", "id", (coalesce("description", '') || char(1) || coalesce("performed_by", '')))"#,
    r#"ANALYZE "addon_assets__maintenance_logs""#,
    r#"DELETE FROM "sqlite_stat1" WHERE "tbl" = 'addon_assets__maintenance_logs' AND ("stat" = '0' OR "stat" LIKE '0 %')"#,
    r#"CREATE INDEX "addon_assets__maintenance_schedules__search__scan" ON "addon_assets__maintenance_schedules" ("organization_id", "created_at", "id", (coalesce("title", '')))"#,
    r#"ANALYZE "addon_assets__maintenance_schedules""#,
    r#"DELETE FROM "sqlite_stat1" WHERE "tbl" = 'addon_assets__maintenance_schedules' AND ("stat" = '0' OR "stat" LIKE '0 %')"#,
];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_assets__maintenance_schedules__search__scan""#,
    r#"DROP INDEX "addon_assets__maintenance_logs__search__scan""#,
    r#"DROP INDEX "addon_assets__assets__search__scan""#,
    r#"DROP INDEX "addon_assets__asset_disposals__search__scan""#,
    r#"DROP INDEX "addon_assets__asset_categories__search__scan""#,
];
