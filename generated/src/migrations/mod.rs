//! The schema migrations of this build, in the order they apply: per addon (sorted by key),
//! in the order `metacore-gen build` recorded them in `metacore.lock.json`.
//!
//! Each migration holds its DDL for PostgreSQL and for SQLite; see each file.

pub mod m0001_assets_v1_0_0;
pub mod m0002_assets_v1_0_0;
pub mod m0003_assets_v1_0_0;
pub mod m0004_assets_v1_0_0;
pub mod m0005_assets_v1_0_0;
pub mod m0006_assets_v1_0_0;
pub mod m0001_fiscal_mexico_v1_0_0;
pub mod m0002_fiscal_mexico_v1_0_0;
pub mod m0003_fiscal_mexico_v1_0_0;
pub mod m0004_fiscal_mexico_v1_0_0;
pub mod m0005_fiscal_mexico_v1_0_0;
pub mod m0006_fiscal_mexico_v1_0_0;
pub mod m0001_projects_v1_0_0;
pub mod m0002_projects_v1_0_0;
pub mod m0003_projects_v1_0_0;
pub mod m0004_projects_v1_0_0;
pub mod m0005_projects_v1_0_0;
pub mod m0006_projects_v1_0_0;
pub mod m0001_showcase_v1_0_0;
pub mod m0002_showcase_v1_0_0;
pub mod m0003_showcase_v1_0_0;
pub mod m0004_showcase_v1_0_0;
pub mod m0005_showcase_v1_0_0;
pub mod m0006_showcase_v1_0_0;
pub mod m0001_tickets_v1_0_0;
pub mod m0002_tickets_v1_0_0;
pub mod m0003_tickets_v1_0_0;
pub mod m0004_tickets_v1_0_0;
pub mod m0005_tickets_v1_0_0;
pub mod m0006_tickets_v1_0_0;

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

/// Applies every migration of this build (`Migrator::up(&db, None)`).
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_assets_v1_0_0::Migration),
            Box::new(m0002_assets_v1_0_0::Migration),
            Box::new(m0003_assets_v1_0_0::Migration),
            Box::new(m0004_assets_v1_0_0::Migration),
            Box::new(m0005_assets_v1_0_0::Migration),
            Box::new(m0006_assets_v1_0_0::Migration),
            Box::new(m0001_fiscal_mexico_v1_0_0::Migration),
            Box::new(m0002_fiscal_mexico_v1_0_0::Migration),
            Box::new(m0003_fiscal_mexico_v1_0_0::Migration),
            Box::new(m0004_fiscal_mexico_v1_0_0::Migration),
            Box::new(m0005_fiscal_mexico_v1_0_0::Migration),
            Box::new(m0006_fiscal_mexico_v1_0_0::Migration),
            Box::new(m0001_projects_v1_0_0::Migration),
            Box::new(m0002_projects_v1_0_0::Migration),
            Box::new(m0003_projects_v1_0_0::Migration),
            Box::new(m0004_projects_v1_0_0::Migration),
            Box::new(m0005_projects_v1_0_0::Migration),
            Box::new(m0006_projects_v1_0_0::Migration),
            Box::new(m0001_showcase_v1_0_0::Migration),
            Box::new(m0002_showcase_v1_0_0::Migration),
            Box::new(m0003_showcase_v1_0_0::Migration),
            Box::new(m0004_showcase_v1_0_0::Migration),
            Box::new(m0005_showcase_v1_0_0::Migration),
            Box::new(m0006_showcase_v1_0_0::Migration),
            Box::new(m0001_tickets_v1_0_0::Migration),
            Box::new(m0002_tickets_v1_0_0::Migration),
            Box::new(m0003_tickets_v1_0_0::Migration),
            Box::new(m0004_tickets_v1_0_0::Migration),
            Box::new(m0005_tickets_v1_0_0::Migration),
            Box::new(m0006_tickets_v1_0_0::Migration),
        ]
    }
}

/// Runs the statements for the connection's backend, in order.
async fn run(
    manager: &SchemaManager<'_>,
    postgres: &[&str],
    sqlite: &[&str],
) -> Result<(), DbErr> {
    let statements = match manager.get_database_backend() {
        DbBackend::Postgres => postgres,
        DbBackend::Sqlite => sqlite,
        other => {
            return Err(
                DbErr::Migration(
                    format!(
                        "metacore migrations support PostgreSQL and SQLite, not {other:?}"
                    ),
                ),
            );
        }
    };
    let connection = manager.get_connection();
    for statement in statements {
        connection.execute_unprepared(statement).await?;
    }
    Ok(())
}
