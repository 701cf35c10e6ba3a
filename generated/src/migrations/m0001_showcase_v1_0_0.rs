//! Migration `m0001_showcase_v1_0_0`: addon `showcase` at version 1.0.0.
//!
//! * creates table `customers` (`addon_showcase__customers`)
//! * creates unique index `customers_org_email_uq` on `customers` (organization_id, email)
//! * creates table `orders` (`addon_showcase__orders`)
//! * creates index `orders_customer_idx` on `orders` (customer_id)
//! * creates unique index `orders_org_number_uq` on `orders` (organization_id, number)

use sea_orm_migration::prelude::*;

/// Creates the tables of version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0001_showcase_v1_0_0"
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
    r#"CREATE TABLE "addon_showcase__customers" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" uuid NOT NULL,
    "name" text NOT NULL,
    "email" varchar(120),
    "tier" varchar(10) NOT NULL DEFAULT 'bronze',
    "credit_limit" numeric(12,2),
    "active" boolean NOT NULL DEFAULT true,
    "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" timestamptz,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE UNIQUE INDEX "addon_showcase__customers_org_email_uq" ON "addon_showcase__customers" ("organization_id", "email")"#,
    r#"CREATE TABLE "addon_showcase__orders" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" uuid NOT NULL,
    "customer_id" uuid NOT NULL,
    "number" bigint NOT NULL,
    "quantity" integer NOT NULL DEFAULT 1,
    "total" numeric(18,4) NOT NULL DEFAULT 0,
    "discount" numeric,
    "status" text NOT NULL DEFAULT 'draft',
    "placed_on" date,
    "ship_by" timestamp,
    "attributes" json,
    "tags" jsonb,
    "notes" text,
    "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" timestamptz,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_showcase__orders_customer_idx" ON "addon_showcase__orders" ("customer_id")"#,
    r#"CREATE UNIQUE INDEX "addon_showcase__orders_org_number_uq" ON "addon_showcase__orders" ("organization_id", "number")"#,
    r#"ALTER TABLE "addon_showcase__orders" ADD CONSTRAINT "fk_showcase__orders__customer_id" FOREIGN KEY ("customer_id") REFERENCES "addon_showcase__customers" ("id") ON DELETE CASCADE"#,
];

/// `up` on SQLite.
const SQLITE_UP: &[&str] = &[
    r#"CREATE TABLE "addon_showcase__customers" (
    "id" uuid NOT NULL,
    "organization_id" uuid NOT NULL,
    "name" text NOT NULL,
    "email" varchar(120),
    "tier" varchar(10) NOT NULL DEFAULT 'bronze',
    "credit_limit" numeric_text(12,2),
    "active" boolean NOT NULL DEFAULT 1,
    "created_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" timestamptz_text,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE UNIQUE INDEX "addon_showcase__customers_org_email_uq" ON "addon_showcase__customers" ("organization_id", "email")"#,
    r#"CREATE TABLE "addon_showcase__orders" (
    "id" uuid NOT NULL,
    "organization_id" uuid NOT NULL,
    "customer_id" uuid NOT NULL,
    "number" bigint NOT NULL,
    "quantity" integer NOT NULL DEFAULT 1,
    "total" numeric_text(18,4) NOT NULL DEFAULT '0',
    "discount" numeric_text,
    "status" text NOT NULL DEFAULT 'draft',
    "placed_on" date_text,
    "ship_by" timestamp_text,
    "attributes" json_text,
    "tags" jsonb_text,
    "notes" text,
    "created_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" timestamptz_text,
    PRIMARY KEY ("id"),
    CONSTRAINT "fk_showcase__orders__customer_id" FOREIGN KEY ("customer_id") REFERENCES "addon_showcase__customers" ("id") ON DELETE CASCADE
)"#,
    r#"CREATE INDEX "addon_showcase__orders_customer_idx" ON "addon_showcase__orders" ("customer_id")"#,
    r#"CREATE UNIQUE INDEX "addon_showcase__orders_org_number_uq" ON "addon_showcase__orders" ("organization_id", "number")"#,
];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_showcase__orders_org_number_uq""#,
    r#"DROP INDEX "addon_showcase__orders_customer_idx""#,
    r#"DROP TABLE "addon_showcase__orders" CASCADE"#,
    r#"DROP INDEX "addon_showcase__customers_org_email_uq""#,
    r#"DROP TABLE "addon_showcase__customers" CASCADE"#,
];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_showcase__orders_org_number_uq""#,
    r#"DROP INDEX "addon_showcase__orders_customer_idx""#,
    r#"DROP TABLE "addon_showcase__orders""#,
    r#"DROP INDEX "addon_showcase__customers_org_email_uq""#,
    r#"DROP TABLE "addon_showcase__customers""#,
];
