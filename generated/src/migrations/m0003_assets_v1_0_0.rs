//! Migration `m0003_assets_v1_0_0`: addon `assets` at version 1.0.0.
//!
//! * keeps `asset_categories` (name, code) in one search document on PostgreSQL, with one trigram index in place of one per column
//! * keeps `asset_disposals` (notes) in one search document on PostgreSQL, with one trigram index in place of one per column
//! * keeps `assets` (name, code, serial_number, location) in one search document on PostgreSQL, with one trigram index in place of one per column
//! * keeps `maintenance_logs` (description, performed_by) in one search document on PostgreSQL, with one trigram index in place of one per column
//! * keeps `maintenance_schedules` (title) in one search document on PostgreSQL, with one trigram index in place of one per column

use sea_orm_migration::prelude::*;

/// Brings the tables up to version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_assets_v1_0_0"
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
    r#"DROP INDEX "addon_assets__asset_categories__name__trgm""#,
    r#"DROP INDEX "addon_assets__asset_categories__code__trgm""#,
    r#"ALTER TABLE "addon_assets__asset_categories" ADD COLUMN "metacore_search" text GENERATED ALWAYS AS (lower(coalesce("name", '')) || chr(1) || lower(coalesce("code", ''))) STORED"#,
    r#"CREATE INDEX "addon_assets__asset_categories__search__trgm" ON "addon_assets__asset_categories" USING gin ("metacore_search" gin_trgm_ops)"#,
    r#"DROP INDEX "addon_assets__asset_disposals__notes__trgm""#,
    r#"ALTER TABLE "addon_assets__asset_disposals" ADD COLUMN "metacore_search" text GENERATED ALWAYS AS (lower(coalesce("notes", ''))) STORED"#,
    r#"CREATE INDEX "addon_assets__asset_disposals__search__trgm" ON "addon_assets__asset_disposals" USING gin ("metacore_search" gin_trgm_ops)"#,
    r#"DROP INDEX "addon_assets__assets__name__trgm""#,
    r#"DROP INDEX "addon_assets__assets__code__trgm""#,
    r#"DROP INDEX "addon_assets__assets__serial_number__trgm""#,
    r#"DROP INDEX "addon_assets__assets__location__trgm""#,
    r#"ALTER TABLE "addon_assets__assets" ADD COLUMN "metacore_search" text GENERATED ALWAYS AS (lower(coalesce("name", '')) || chr(1) || lower(coalesce("code", '')) || chr(1) || lower(coalesce("serial_number", '')) || chr(1) || lower(coalesce("location", ''))) STORED"#,
    r#"CREATE INDEX "addon_assets__assets__search__trgm" ON "addon_assets__assets" USING gin ("metacore_search" gin_trgm_ops)"#,
    r#"DROP INDEX "addon_assets__maintenance_logs__description__trgm""#,
    r#"DROP INDEX "addon_assets__maintenance_logs__performed_by__trgm""#,
    r#"ALTER TABLE "addon_assets__maintenance_logs" ADD COLUMN "metacore_search" text GENERATED ALWAYS AS (lower(coalesce("description", '')) || chr(1) || lower(coalesce("performed_by", ''))) STORED"#,
    r#"CREATE INDEX "addon_assets__maintenance_logs__search__trgm" ON "addon_assets__maintenance_logs" USING gin ("metacore_search" gin_trgm_ops)"#,
    r#"DROP INDEX "addon_assets__maintenance_schedules__title__trgm""#,
    r#"ALTER TABLE "addon_assets__maintenance_schedules" ADD COLUMN "metacore_search" text GENERATED ALWAYS AS (lower(coalesce("title", ''))) STORED"#,
    r#"CREATE INDEX "addon_assets__maintenance_schedules__search__trgm" ON "addon_assets__maintenance_schedules" USING gin ("metacore_search" gin_trgm_ops)"#,
];

/// `up` on SQLite.
const SQLITE_UP: &[&str] = &[];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_assets__maintenance_schedules__search__trgm""#,
    r#"ALTER TABLE "addon_assets__maintenance_schedules" DROP COLUMN "metacore_search""#,
    r#"CREATE INDEX "addon_assets__maintenance_schedules__title__trgm" ON "addon_assets__maintenance_schedules" USING gin ("title" gin_trgm_ops)"#,
    r#"DROP INDEX "addon_assets__maintenance_logs__search__trgm""#,
    r#"ALTER TABLE "addon_assets__maintenance_logs" DROP COLUMN "metacore_search""#,
    r#"CREATE INDEX "addon_assets__maintenance_logs__description__trgm" ON "addon_assets__maintenance_logs" USING gin ("description" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_assets__maintenance_logs__performed_by__trgm" ON "addon_assets__maintenance_logs" USING gin ("performed_by" gin_trgm_ops)"#,
    r#"DROP INDEX "addon_assets__assets__search__trgm""#,
    r#"ALTER TABLE "addon_assets__assets" DROP COLUMN "metacore_search""#,
    r#"CREATE INDEX "addon_assets__assets__name__trgm" ON "addon_assets__assets" USING gin ("name" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_assets__assets__code__trgm" ON "addon_assets__assets" USING gin ("code" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_assets__assets__serial_number__trgm" ON "addon_assets__assets" USING gin ("serial_number" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_assets__assets__location__trgm" ON "addon_assets__assets" USING gin ("location" gin_trgm_ops)"#,
    r#"DROP INDEX "addon_assets__asset_disposals__search__trgm""#,
    r#"ALTER TABLE "addon_assets__asset_disposals" DROP COLUMN "metacore_search""#,
    r#"CREATE INDEX "addon_assets__asset_disposals__notes__trgm" ON "addon_assets__asset_disposals" USING gin ("notes" gin_trgm_ops)"#,
    r#"DROP INDEX "addon_assets__asset_categories__search__trgm""#,
    r#"ALTER TABLE "addon_assets__asset_categories" DROP COLUMN "metacore_search""#,
    r#"CREATE INDEX "addon_assets__asset_categories__name__trgm" ON "addon_assets__asset_categories" USING gin ("name" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_assets__asset_categories__code__trgm" ON "addon_assets__asset_categories" USING gin ("code" gin_trgm_ops)"#,
];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[];
