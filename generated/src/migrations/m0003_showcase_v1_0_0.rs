//! Migration `m0003_showcase_v1_0_0`: addon `showcase` at version 1.0.0.
//!
//! * keeps `customers` (name, email, tier) in one search document on PostgreSQL, with one trigram index in place of one per column
//! * keeps `orders` (status, notes) in one search document on PostgreSQL, with one trigram index in place of one per column

use sea_orm_migration::prelude::*;

/// Brings the tables up to version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_showcase_v1_0_0"
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
    r#"DROP INDEX "addon_showcase__customers__name__trgm""#,
    r#"DROP INDEX "addon_showcase__customers__email__trgm""#,
    r#"DROP INDEX "addon_showcase__customers__tier__trgm""#,
    r#"ALTER TABLE "addon_showcase__customers" ADD COLUMN "metacore_search" text GENERATED ALWAYS AS (lower(coalesce("name", '')) || chr(1) || lower(coalesce("email", '')) || chr(1) || lower(coalesce("tier", ''))) STORED"#,
    r#"CREATE INDEX "addon_showcase__customers__search__trgm" ON "addon_showcase__customers" USING gin ("metacore_search" gin_trgm_ops)"#,
    r#"DROP INDEX "addon_showcase__orders__status__trgm""#,
    r#"DROP INDEX "addon_showcase__orders__notes__trgm""#,
    r#"ALTER TABLE "addon_showcase__orders" ADD COLUMN "metacore_search" text GENERATED ALWAYS AS (lower(coalesce("status", '')) || chr(1) || lower(coalesce("notes", ''))) STORED"#,
    r#"CREATE INDEX "addon_showcase__orders__search__trgm" ON "addon_showcase__orders" USING gin ("metacore_search" gin_trgm_ops)"#,
];

/// `up` on SQLite.
const SQLITE_UP: &[&str] = &[];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_showcase__orders__search__trgm""#,
    r#"ALTER TABLE "addon_showcase__orders" DROP COLUMN "metacore_search""#,
    r#"CREATE INDEX "addon_showcase__orders__status__trgm" ON "addon_showcase__orders" USING gin ("status" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_showcase__orders__notes__trgm" ON "addon_showcase__orders" USING gin ("notes" gin_trgm_ops)"#,
    r#"DROP INDEX "addon_showcase__customers__search__trgm""#,
    r#"ALTER TABLE "addon_showcase__customers" DROP COLUMN "metacore_search""#,
    r#"CREATE INDEX "addon_showcase__customers__name__trgm" ON "addon_showcase__customers" USING gin ("name" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_showcase__customers__email__trgm" ON "addon_showcase__customers" USING gin ("email" gin_trgm_ops)"#,
    r#"CREATE INDEX "addon_showcase__customers__tier__trgm" ON "addon_showcase__customers" USING gin ("tier" gin_trgm_ops)"#,
];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[];
