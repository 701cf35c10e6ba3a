//! Migration `m0001_assets_v1_0_0`: addon `assets` at version 1.0.0.
//!
//! * creates table `asset_categories` (`addon_assets__asset_categories`)
//! * creates index `idx_asset_categories_org` on `asset_categories` (organization_id)
//! * creates table `asset_disposals` (`addon_assets__asset_disposals`)
//! * creates index `idx_asset_disposals_asset_id` on `asset_disposals` (asset_id)
//! * creates index `idx_asset_disposals_org` on `asset_disposals` (organization_id)
//! * creates table `assets` (`addon_assets__assets`)
//! * creates index `idx_assets_category_id` on `assets` (category_id)
//! * creates index `idx_assets_org` on `assets` (organization_id)
//! * creates index `idx_assets_status` on `assets` (status)
//! * creates table `depreciation_schedules` (`addon_assets__depreciation_schedules`)
//! * creates index `idx_depreciation_schedules_asset_id` on `depreciation_schedules` (asset_id)
//! * creates index `idx_depreciation_schedules_org` on `depreciation_schedules` (organization_id)
//! * creates table `maintenance_logs` (`addon_assets__maintenance_logs`)
//! * creates index `idx_maintenance_logs_asset_id` on `maintenance_logs` (asset_id)
//! * creates index `idx_maintenance_logs_org` on `maintenance_logs` (organization_id)
//! * creates table `maintenance_schedules` (`addon_assets__maintenance_schedules`)
//! * creates index `idx_maintenance_schedules_asset_id` on `maintenance_schedules` (asset_id)
//! * creates index `idx_maintenance_schedules_org` on `maintenance_schedules` (organization_id)

use sea_orm_migration::prelude::*;

/// Creates the tables of version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0001_assets_v1_0_0"
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
    r#"CREATE TABLE "addon_assets__asset_categories" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" uuid NOT NULL,
    "name" varchar(200) NOT NULL,
    "code" varchar(50),
    "depreciation_method" varchar(30) DEFAULT 'straight_line',
    "useful_life_months" integer DEFAULT 60,
    "salvage_rate" numeric(18,4) DEFAULT 0.1,
    "parent_id" uuid,
    "is_active" boolean DEFAULT true,
    "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_assets__idx_asset_categories_org" ON "addon_assets__asset_categories" ("organization_id")"#,
    r#"CREATE TABLE "addon_assets__asset_disposals" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" uuid NOT NULL,
    "asset_id" uuid NOT NULL,
    "disposal_date" date NOT NULL,
    "disposal_method" varchar(30) NOT NULL,
    "proceeds" numeric(18,4) DEFAULT 0,
    "book_value_at_disposal" numeric(18,4) DEFAULT 0,
    "gain_loss" numeric(18,4) DEFAULT 0,
    "journal_entry_id" uuid,
    "notes" text,
    "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_assets__idx_asset_disposals_asset_id" ON "addon_assets__asset_disposals" ("asset_id")"#,
    r#"CREATE INDEX "addon_assets__idx_asset_disposals_org" ON "addon_assets__asset_disposals" ("organization_id")"#,
    r#"CREATE TABLE "addon_assets__assets" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" uuid NOT NULL,
    "category_id" uuid,
    "name" varchar(300) NOT NULL,
    "code" varchar(100),
    "serial_number" varchar(200),
    "description" text,
    "purchase_date" date,
    "purchase_cost" numeric(18,4) DEFAULT 0,
    "current_value" numeric(18,4) DEFAULT 0,
    "salvage_value" numeric(18,4) DEFAULT 0,
    "useful_life_months" integer DEFAULT 60,
    "depreciation_method" varchar(30) DEFAULT 'straight_line',
    "location" varchar(300),
    "custodian_id" uuid,
    "status" varchar(20) DEFAULT 'active',
    "warranty_expiry" date,
    "notes" text,
    "image_url" varchar(500),
    "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_assets__idx_assets_category_id" ON "addon_assets__assets" ("category_id")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_org" ON "addon_assets__assets" ("organization_id")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_status" ON "addon_assets__assets" ("status")"#,
    r#"CREATE TABLE "addon_assets__depreciation_schedules" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" uuid NOT NULL,
    "asset_id" uuid NOT NULL,
    "period_date" date NOT NULL,
    "depreciation_amount" numeric(18,4) DEFAULT 0,
    "accumulated_depreciation" numeric(18,4) DEFAULT 0,
    "book_value" numeric(18,4) DEFAULT 0,
    "journal_entry_id" uuid,
    "is_posted" boolean DEFAULT false,
    "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_assets__idx_depreciation_schedules_asset_id" ON "addon_assets__depreciation_schedules" ("asset_id")"#,
    r#"CREATE INDEX "addon_assets__idx_depreciation_schedules_org" ON "addon_assets__depreciation_schedules" ("organization_id")"#,
    r#"CREATE TABLE "addon_assets__maintenance_logs" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" uuid NOT NULL,
    "asset_id" uuid NOT NULL,
    "schedule_id" uuid,
    "maintenance_date" date NOT NULL,
    "description" text,
    "cost" numeric(18,4) DEFAULT 0,
    "performed_by" varchar(200),
    "performed_by_id" uuid,
    "notes" text,
    "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_logs_asset_id" ON "addon_assets__maintenance_logs" ("asset_id")"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_logs_org" ON "addon_assets__maintenance_logs" ("organization_id")"#,
    r#"CREATE TABLE "addon_assets__maintenance_schedules" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" uuid NOT NULL,
    "asset_id" uuid NOT NULL,
    "title" varchar(300) NOT NULL,
    "description" text,
    "frequency" varchar(20) DEFAULT 'monthly',
    "next_due_date" date,
    "assigned_to_id" uuid,
    "is_active" boolean DEFAULT true,
    "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_schedules_asset_id" ON "addon_assets__maintenance_schedules" ("asset_id")"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_schedules_org" ON "addon_assets__maintenance_schedules" ("organization_id")"#,
];

/// `up` on SQLite.
const SQLITE_UP: &[&str] = &[
    r#"CREATE TABLE "addon_assets__asset_categories" (
    "id" uuid NOT NULL,
    "organization_id" uuid NOT NULL,
    "name" varchar(200) NOT NULL,
    "code" varchar(50),
    "depreciation_method" varchar(30) DEFAULT 'straight_line',
    "useful_life_months" integer DEFAULT 60,
    "salvage_rate" numeric_text(18,4) DEFAULT '0.1',
    "parent_id" uuid,
    "is_active" boolean DEFAULT 1,
    "created_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_assets__idx_asset_categories_org" ON "addon_assets__asset_categories" ("organization_id")"#,
    r#"CREATE TABLE "addon_assets__asset_disposals" (
    "id" uuid NOT NULL,
    "organization_id" uuid NOT NULL,
    "asset_id" uuid NOT NULL,
    "disposal_date" date_text NOT NULL,
    "disposal_method" varchar(30) NOT NULL,
    "proceeds" numeric_text(18,4) DEFAULT '0',
    "book_value_at_disposal" numeric_text(18,4) DEFAULT '0',
    "gain_loss" numeric_text(18,4) DEFAULT '0',
    "journal_entry_id" uuid,
    "notes" text,
    "created_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_assets__idx_asset_disposals_asset_id" ON "addon_assets__asset_disposals" ("asset_id")"#,
    r#"CREATE INDEX "addon_assets__idx_asset_disposals_org" ON "addon_assets__asset_disposals" ("organization_id")"#,
    r#"CREATE TABLE "addon_assets__assets" (
    "id" uuid NOT NULL,
    "organization_id" uuid NOT NULL,
    "category_id" uuid,
    "name" varchar(300) NOT NULL,
    "code" varchar(100),
    "serial_number" varchar(200),
    "description" text,
    "purchase_date" date_text,
    "purchase_cost" numeric_text(18,4) DEFAULT '0',
    "current_value" numeric_text(18,4) DEFAULT '0',
    "salvage_value" numeric_text(18,4) DEFAULT '0',
    "useful_life_months" integer DEFAULT 60,
    "depreciation_method" varchar(30) DEFAULT 'straight_line',
    "location" varchar(300),
    "custodian_id" uuid,
    "status" varchar(20) DEFAULT 'active',
    "warranty_expiry" date_text,
    "notes" text,
    "image_url" varchar(500),
    "created_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_assets__idx_assets_category_id" ON "addon_assets__assets" ("category_id")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_org" ON "addon_assets__assets" ("organization_id")"#,
    r#"CREATE INDEX "addon_assets__idx_assets_status" ON "addon_assets__assets" ("status")"#,
    r#"CREATE TABLE "addon_assets__depreciation_schedules" (
    "id" uuid NOT NULL,
    "organization_id" uuid NOT NULL,
    "asset_id" uuid NOT NULL,
    "period_date" date_text NOT NULL,
    "depreciation_amount" numeric_text(18,4) DEFAULT '0',
    "accumulated_depreciation" numeric_text(18,4) DEFAULT '0',
    "book_value" numeric_text(18,4) DEFAULT '0',
    "journal_entry_id" uuid,
    "is_posted" boolean DEFAULT 0,
    "created_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_assets__idx_depreciation_schedules_asset_id" ON "addon_assets__depreciation_schedules" ("asset_id")"#,
    r#"CREATE INDEX "addon_assets__idx_depreciation_schedules_org" ON "addon_assets__depreciation_schedules" ("organization_id")"#,
    r#"CREATE TABLE "addon_assets__maintenance_logs" (
    "id" uuid NOT NULL,
    "organization_id" uuid NOT NULL,
    "asset_id" uuid NOT NULL,
    "schedule_id" uuid,
    "maintenance_date" date_text NOT NULL,
    "description" text,
    "cost" numeric_text(18,4) DEFAULT '0',
    "performed_by" varchar(200),
    "performed_by_id" uuid,
    "notes" text,
    "created_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_logs_asset_id" ON "addon_assets__maintenance_logs" ("asset_id")"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_logs_org" ON "addon_assets__maintenance_logs" ("organization_id")"#,
    r#"CREATE TABLE "addon_assets__maintenance_schedules" (
    "id" uuid NOT NULL,
    "organization_id" uuid NOT NULL,
    "asset_id" uuid NOT NULL,
    "title" varchar(300) NOT NULL,
    "description" text,
    "frequency" varchar(20) DEFAULT 'monthly',
    "next_due_date" date_text,
    "assigned_to_id" uuid,
    "is_active" boolean DEFAULT 1,
    "created_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_schedules_asset_id" ON "addon_assets__maintenance_schedules" ("asset_id")"#,
    r#"CREATE INDEX "addon_assets__idx_maintenance_schedules_org" ON "addon_assets__maintenance_schedules" ("organization_id")"#,
];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_assets__idx_maintenance_schedules_org""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_schedules_asset_id""#,
    r#"DROP TABLE "addon_assets__maintenance_schedules" CASCADE"#,
    r#"DROP INDEX "addon_assets__idx_maintenance_logs_org""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_logs_asset_id""#,
    r#"DROP TABLE "addon_assets__maintenance_logs" CASCADE"#,
    r#"DROP INDEX "addon_assets__idx_depreciation_schedules_org""#,
    r#"DROP INDEX "addon_assets__idx_depreciation_schedules_asset_id""#,
    r#"DROP TABLE "addon_assets__depreciation_schedules" CASCADE"#,
    r#"DROP INDEX "addon_assets__idx_assets_status""#,
    r#"DROP INDEX "addon_assets__idx_assets_org""#,
    r#"DROP INDEX "addon_assets__idx_assets_category_id""#,
    r#"DROP TABLE "addon_assets__assets" CASCADE"#,
    r#"DROP INDEX "addon_assets__idx_asset_disposals_org""#,
    r#"DROP INDEX "addon_assets__idx_asset_disposals_asset_id""#,
    r#"DROP TABLE "addon_assets__asset_disposals" CASCADE"#,
    r#"DROP INDEX "addon_assets__idx_asset_categories_org""#,
    r#"DROP TABLE "addon_assets__asset_categories" CASCADE"#,
];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_assets__idx_maintenance_schedules_org""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_schedules_asset_id""#,
    r#"DROP TABLE "addon_assets__maintenance_schedules""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_logs_org""#,
    r#"DROP INDEX "addon_assets__idx_maintenance_logs_asset_id""#,
    r#"DROP TABLE "addon_assets__maintenance_logs""#,
    r#"DROP INDEX "addon_assets__idx_depreciation_schedules_org""#,
    r#"DROP INDEX "addon_assets__idx_depreciation_schedules_asset_id""#,
    r#"DROP TABLE "addon_assets__depreciation_schedules""#,
    r#"DROP INDEX "addon_assets__idx_assets_status""#,
    r#"DROP INDEX "addon_assets__idx_assets_org""#,
    r#"DROP INDEX "addon_assets__idx_assets_category_id""#,
    r#"DROP TABLE "addon_assets__assets""#,
    r#"DROP INDEX "addon_assets__idx_asset_disposals_org""#,
    r#"DROP INDEX "addon_assets__idx_asset_disposals_asset_id""#,
    r#"DROP TABLE "addon_assets__asset_disposals""#,
    r#"DROP INDEX "addon_assets__idx_asset_categories_org""#,
    r#"DROP TABLE "addon_assets__asset_categories""#,
];
