//! Migration `m0001_projects_v1_0_0`: addon `projects` at version 1.0.0.
//!
//! * creates table `project_tasks` (`addon_projects__project_tasks`)
//! * creates index `idx_project_tasks_assignee_id` on `project_tasks` (assignee_id)
//! * creates index `idx_project_tasks_org` on `project_tasks` (organization_id)
//! * creates index `idx_project_tasks_parent_task_id` on `project_tasks` (parent_task_id)
//! * creates index `idx_project_tasks_project_id` on `project_tasks` (project_id)
//! * creates index `idx_project_tasks_status` on `project_tasks` (status)
//! * creates table `projects` (`addon_projects__projects`)
//! * creates index `idx_projects_customer_id` on `projects` (customer_id)
//! * creates index `idx_projects_manager_id` on `projects` (manager_id)
//! * creates index `idx_projects_org` on `projects` (organization_id)
//! * creates index `idx_projects_status` on `projects` (status)
//! * creates unique index `uidx_projects_code` on `projects` (organization_id, code)
//! * creates table `time_entries` (`addon_projects__time_entries`)
//! * creates index `idx_time_entries_date` on `time_entries` (date)
//! * creates index `idx_time_entries_employee_id` on `time_entries` (employee_id)
//! * creates index `idx_time_entries_org` on `time_entries` (organization_id)
//! * creates index `idx_time_entries_project_id` on `time_entries` (project_id)
//! * creates index `idx_time_entries_task_id` on `time_entries` (task_id)

use sea_orm_migration::prelude::*;

/// Creates the tables of version 1.0.0.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0001_projects_v1_0_0"
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
    r#"CREATE TABLE "addon_projects__project_tasks" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" uuid NOT NULL,
    "project_id" uuid NOT NULL,
    "parent_task_id" uuid,
    "assignee_id" uuid,
    "title" varchar(300) NOT NULL,
    "description" text,
    "status" varchar(20) DEFAULT 'todo',
    "priority" varchar(20) DEFAULT 'medium',
    "due_date" timestamptz,
    "estimated_hours" numeric(18,4) DEFAULT 0,
    "actual_hours" numeric(18,4) DEFAULT 0,
    "sort_order" integer DEFAULT 0,
    "is_active" boolean DEFAULT true,
    "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" timestamptz,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_assignee_id" ON "addon_projects__project_tasks" ("assignee_id")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_org" ON "addon_projects__project_tasks" ("organization_id")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_parent_task_id" ON "addon_projects__project_tasks" ("parent_task_id")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_project_id" ON "addon_projects__project_tasks" ("project_id")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_status" ON "addon_projects__project_tasks" ("status")"#,
    r#"CREATE TABLE "addon_projects__projects" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" uuid NOT NULL,
    "manager_id" uuid,
    "customer_id" uuid,
    "code" varchar(50) NOT NULL,
    "name" varchar(300) NOT NULL,
    "description" text,
    "status" varchar(20) DEFAULT 'planning',
    "priority" varchar(20) DEFAULT 'medium',
    "start_date" timestamptz,
    "end_date" timestamptz,
    "budget" numeric(18,4) DEFAULT 0,
    "currency_code" varchar(10) DEFAULT 'MXN',
    "is_active" boolean DEFAULT true,
    "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" timestamptz,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_projects__idx_projects_customer_id" ON "addon_projects__projects" ("customer_id")"#,
    r#"CREATE INDEX "addon_projects__idx_projects_manager_id" ON "addon_projects__projects" ("manager_id")"#,
    r#"CREATE INDEX "addon_projects__idx_projects_org" ON "addon_projects__projects" ("organization_id")"#,
    r#"CREATE INDEX "addon_projects__idx_projects_status" ON "addon_projects__projects" ("status")"#,
    r#"CREATE UNIQUE INDEX "addon_projects__uidx_projects_code" ON "addon_projects__projects" ("organization_id", "code") WHERE "deleted_at" IS NULL"#,
    r#"CREATE TABLE "addon_projects__time_entries" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" uuid NOT NULL,
    "project_id" uuid NOT NULL,
    "task_id" uuid,
    "employee_id" uuid,
    "date" timestamptz,
    "hours" numeric(18,4) NOT NULL DEFAULT 0,
    "description" text,
    "is_billable" boolean DEFAULT true,
    "is_active" boolean DEFAULT true,
    "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" timestamptz,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_date" ON "addon_projects__time_entries" ("date")"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_employee_id" ON "addon_projects__time_entries" ("employee_id")"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_org" ON "addon_projects__time_entries" ("organization_id")"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_project_id" ON "addon_projects__time_entries" ("project_id")"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_task_id" ON "addon_projects__time_entries" ("task_id")"#,
];

/// `up` on SQLite.
const SQLITE_UP: &[&str] = &[
    r#"CREATE TABLE "addon_projects__project_tasks" (
    "id" uuid NOT NULL,
    "organization_id" uuid NOT NULL,
    "project_id" uuid NOT NULL,
    "parent_task_id" uuid,
    "assignee_id" uuid,
    "title" varchar(300) NOT NULL,
    "description" text,
    "status" varchar(20) DEFAULT 'todo',
    "priority" varchar(20) DEFAULT 'medium',
    "due_date" timestamptz_text,
    "estimated_hours" numeric_text(18,4) DEFAULT '0',
    "actual_hours" numeric_text(18,4) DEFAULT '0',
    "sort_order" integer DEFAULT 0,
    "is_active" boolean DEFAULT 1,
    "created_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" timestamptz_text,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_assignee_id" ON "addon_projects__project_tasks" ("assignee_id")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_org" ON "addon_projects__project_tasks" ("organization_id")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_parent_task_id" ON "addon_projects__project_tasks" ("parent_task_id")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_project_id" ON "addon_projects__project_tasks" ("project_id")"#,
    r#"CREATE INDEX "addon_projects__idx_project_tasks_status" ON "addon_projects__project_tasks" ("status")"#,
    r#"CREATE TABLE "addon_projects__projects" (
    "id" uuid NOT NULL,
    "organization_id" uuid NOT NULL,
    "manager_id" uuid,
    "customer_id" uuid,
    "code" varchar(50) NOT NULL,
    "name" varchar(300) NOT NULL,
    "description" text,
    "status" varchar(20) DEFAULT 'planning',
    "priority" varchar(20) DEFAULT 'medium',
    "start_date" timestamptz_text,
    "end_date" timestamptz_text,
    "budget" numeric_text(18,4) DEFAULT '0',
    "currency_code" varchar(10) DEFAULT 'MXN',
    "is_active" boolean DEFAULT 1,
    "created_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" timestamptz_text,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_projects__idx_projects_customer_id" ON "addon_projects__projects" ("customer_id")"#,
    r#"CREATE INDEX "addon_projects__idx_projects_manager_id" ON "addon_projects__projects" ("manager_id")"#,
    r#"CREATE INDEX "addon_projects__idx_projects_org" ON "addon_projects__projects" ("organization_id")"#,
    r#"CREATE INDEX "addon_projects__idx_projects_status" ON "addon_projects__projects" ("status")"#,
    r#"CREATE UNIQUE INDEX "addon_projects__uidx_projects_code" ON "addon_projects__projects" ("organization_id", "code") WHERE "deleted_at" IS NULL"#,
    r#"CREATE TABLE "addon_projects__time_entries" (
    "id" uuid NOT NULL,
    "organization_id" uuid NOT NULL,
    "project_id" uuid NOT NULL,
    "task_id" uuid,
    "employee_id" uuid,
    "date" timestamptz_text,
    "hours" numeric_text(18,4) NOT NULL DEFAULT '0',
    "description" text,
    "is_billable" boolean DEFAULT 1,
    "is_active" boolean DEFAULT 1,
    "created_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" timestamptz_text,
    PRIMARY KEY ("id")
)"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_date" ON "addon_projects__time_entries" ("date")"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_employee_id" ON "addon_projects__time_entries" ("employee_id")"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_org" ON "addon_projects__time_entries" ("organization_id")"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_project_id" ON "addon_projects__time_entries" ("project_id")"#,
    r#"CREATE INDEX "addon_projects__idx_time_entries_task_id" ON "addon_projects__time_entries" ("task_id")"#,
];

/// `down` on PostgreSQL.
const POSTGRES_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_projects__idx_time_entries_task_id""#,
    r#"DROP INDEX "addon_projects__idx_time_entries_project_id""#,
    r#"DROP INDEX "addon_projects__idx_time_entries_org""#,
    r#"DROP INDEX "addon_projects__idx_time_entries_employee_id""#,
    r#"DROP INDEX "addon_projects__idx_time_entries_date""#,
    r#"DROP TABLE "addon_projects__time_entries" CASCADE"#,
    r#"DROP INDEX "addon_projects__uidx_projects_code""#,
    r#"DROP INDEX "addon_projects__idx_projects_status""#,
    r#"DROP INDEX "addon_projects__idx_projects_org""#,
    r#"DROP INDEX "addon_projects__idx_projects_manager_id""#,
    r#"DROP INDEX "addon_projects__idx_projects_customer_id""#,
    r#"DROP TABLE "addon_projects__projects" CASCADE"#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_status""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_project_id""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_parent_task_id""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_org""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_assignee_id""#,
    r#"DROP TABLE "addon_projects__project_tasks" CASCADE"#,
];

/// `down` on SQLite.
const SQLITE_DOWN: &[&str] = &[
    r#"DROP INDEX "addon_projects__idx_time_entries_task_id""#,
    r#"DROP INDEX "addon_projects__idx_time_entries_project_id""#,
    r#"DROP INDEX "addon_projects__idx_time_entries_org""#,
    r#"DROP INDEX "addon_projects__idx_time_entries_employee_id""#,
    r#"DROP INDEX "addon_projects__idx_time_entries_date""#,
    r#"DROP TABLE "addon_projects__time_entries""#,
    r#"DROP INDEX "addon_projects__uidx_projects_code""#,
    r#"DROP INDEX "addon_projects__idx_projects_status""#,
    r#"DROP INDEX "addon_projects__idx_projects_org""#,
    r#"DROP INDEX "addon_projects__idx_projects_manager_id""#,
    r#"DROP INDEX "addon_projects__idx_projects_customer_id""#,
    r#"DROP TABLE "addon_projects__projects""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_status""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_project_id""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_parent_task_id""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_org""#,
    r#"DROP INDEX "addon_projects__idx_project_tasks_assignee_id""#,
    r#"DROP TABLE "addon_projects__project_tasks""#,
];
