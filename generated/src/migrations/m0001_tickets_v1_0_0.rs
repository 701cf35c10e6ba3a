//! Migration `m0001_tickets_v1_0_0`: addon `tickets` at version 1.0.0.
//!
//! * creates table `ticket_comments` (`addon_tickets__ticket_comments`)
//! * creates table `tickets` (`addon_tickets__tickets`)
//! * creates unique index `tickets_org_number_uq` on `tickets` (organization_id, number)
//! * creates index `tickets_priority_idx` on `tickets` (priority)
//! * creates index `tickets_status_idx` on `tickets` (status)

use sea_orm_migration::prelude::*;

/// Creates the tables of version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0001_tickets_v1_0_0"
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
    r#"CREATE TABLE "addon_tickets__ticket_comments" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" uuid NOT NULL,
    "ticket_id" uuid NOT NULL,
    "author_id" uuid NOT NULL,
    "body" text NOT NULL,
    "mentions" jsonb,
    "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE TABLE "addon_tickets__tickets" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" uuid NOT NULL,
    "number" text NOT NULL,
    "title" text NOT NULL,
    "description" text,
    "status" text NOT NULL DEFAULT 'open',
    "priority" text NOT NULL DEFAULT 'normal',
    "assignee_id" uuid,
    "reporter_id" uuid NOT NULL,
    "due_at" timestamptz,
    "resolved_at" timestamptz,
    "tags" jsonb,
    "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE UNIQUE INDEX "addon_tickets__tickets_org_number_uq" ON "addon_tickets__tickets" ("organization_id", "number")"#,
    r#"CREATE INDEX "addon_tickets__tickets_priority_idx" ON "addon_tickets__tickets" ("priority")"#,
    r#"CREATE INDEX "addon_tickets__tickets_status_idx" ON "addon_tickets__tickets" ("status")"#,
    r#"ALTER TABLE "addon_tickets__ticket_comments" ADD CONSTRAINT "fk_tickets__ticket_comments__ticket_id" FOREIGN KEY ("ticket_id") REFERENCES "addon_tickets__tickets" ("id") ON DELETE CASCADE"#,
];

/// `up` on SQLite.
const SQLITE_UP: &[&str] = &[
    r#"CREATE TABLE "addon_tickets__ticket_comments" (
    "id" uuid NOT NULL,
    "organization_id" uuid NOT NULL,
    "ticket_id" uuid NOT NULL,
    "author_id" uuid NOT NULL,
    "body" text NOT NULL,
    "mentions" jsonb_text,
    "created_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id"),
    CONSTRAINT "fk_tickets__ticket_comments__ticket_id" FOREIGN KEY ("ticket_id") REFERENCES "addon_tickets__tickets" ("id") ON DELETE CASCADE
)"#,
    r#"CREATE TABLE "addon_tickets__tickets" (
    "id" uuid NOT NULL,
    "organization_id" uuid NOT NULL,
    "number" text NOT NULL,
    "title" text NOT NULL,
    "description" text,
    "status" text NOT NULL DEFAULT 'open',
    "priority" text NOT NULL DEFAULT 'normal',
    "assignee_id" uuid,
    "reporter_id" uuid NOT NULL,
    "due_at" timestamptz_text,
    "resolved_at" timestamptz_text,
    "tags" jsonb_text,
    "created_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE UNIQUE INDEX "addon_tickets__tickets_org_number_uq" ON "addon_tickets__tickets" ("organization_id", "number")"#,
    r#"CREATE INDEX "addon_tickets__tickets_priority_idx" ON "addon_tickets__tickets" ("priority")"#,
    r#"CREATE INDEX "addon_tickets__tickets_status_idx" ON "addon_tickets__tickets" ("status")"#,
];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_tickets__tickets_status_idx""#,
    r#"DROP INDEX "addon_tickets__tickets_priority_idx""#,
    r#"DROP INDEX "addon_tickets__tickets_org_number_uq""#,
    r#"DROP TABLE "addon_tickets__tickets" CASCADE"#,
    r#"DROP TABLE "addon_tickets__ticket_comments" CASCADE"#,
];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_tickets__tickets_status_idx""#,
    r#"DROP INDEX "addon_tickets__tickets_priority_idx""#,
    r#"DROP INDEX "addon_tickets__tickets_org_number_uq""#,
    r#"DROP TABLE "addon_tickets__tickets""#,
    r#"DROP TABLE "addon_tickets__ticket_comments""#,
];
