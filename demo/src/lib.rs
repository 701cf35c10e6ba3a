//! The demo application: the addons compiled from `manifests/` (the generated crate) and the
//! hand-written addon [`crm`], whose model is declared in Rust. `metacore-demo` serves both.
//!
//! Generated code lives in `generated/` and is rewritten by `cargo xtask codegen`; this
//! crate is never touched by codegen.

pub mod crm;

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use metacore::cli::App;
use metacore::registry::{AddonDescriptor, Registry};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};

/// The hand-written addons.
pub static HAND_WRITTEN: [AddonDescriptor; 1] = [crm::contact::ADDON];

/// The operations of every model: the generated ones, then the hand-written ones.
pub type Api = (metacore_generated::Api, crm::contact::Api);

/// The operations of every model.
pub fn api() -> Api {
    (metacore_generated::api(), crm::contact::Api)
}

/// Every addon: the generated build's and the hand-written ones, sorted by key.
pub fn registry() -> Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    *REGISTRY.get_or_init(|| metacore_generated::registry().with_addons(&HAND_WRITTEN))
}

/// The generated migrations, then the hand-written models' tables, created when missing.
///
/// A hand-written model's table is created from its declaration the first time; later
/// changes to the struct are migrations written here by hand (the table is this crate's).
pub fn migrate(
    db: &DatabaseConnection,
) -> Pin<Box<dyn Future<Output = Result<(), DbErr>> + Send + '_>> {
    Box::pin(async move {
        metacore_generated::migrate(db).await?;
        let backend = db.get_database_backend();
        let (statements, exists) = match backend {
            DatabaseBackend::Postgres => (
                crm::contact::POSTGRES_DDL,
                "SELECT 1 FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = $1",
            ),
            _ => (
                crm::contact::SQLITE_DDL,
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
            ),
        };
        let table = crm::contact::CONTACTS_MODEL.physical_table;
        let found = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                exists,
                [table.into()],
            ))
            .await?;
        if found.is_none() {
            for statement in statements {
                db.execute_unprepared(statement).await?;
            }
        }
        Ok(())
    })
}

/// The demo as an application: what `metacore-demo` runs.
pub fn app() -> App<Api> {
    App {
        title: "metacore demo",
        version: env!("CARGO_PKG_VERSION"),
        description: "The addons compiled from `manifests/` and the hand-written `crm` addon, \
                      served by the metacore runtime. Authenticate with an HS256 bearer JWT \
                      (the `token` command mints one in development).",
        registry: registry(),
        api,
        migrate,
    }
}
