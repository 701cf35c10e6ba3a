//! One process at a time changes the schema: the lock [`crate::cli::prepare`] holds while it
//! migrates.
//!
//! Several `serve` processes started together against one fresh database would otherwise
//! all run the same migrations at once, and all but one fail (PostgreSQL: `type
//! "seaql_migrations" already exists`, a race inside `CREATE TABLE IF NOT EXISTS`). With the
//! lock the first migrates and the others wait, then find nothing pending.
//!
//! * PostgreSQL: a transaction-level advisory lock (`pg_advisory_xact_lock`) taken in a
//!   transaction that stays open, on a connection of its own, while the migrations run on the
//!   others; it is released at commit, or by the server when the process dies.
//! * SQLite: an exclusive lock on a file beside the database (`<file>.migrate-lock`, never
//!   removed: removing it would let two processes lock two different files). The database's
//!   own write lock cannot serve, since the migrations need it themselves. An in-memory
//!   database belongs to one process and takes no lock.

use std::fs::{File, OpenOptions};
use std::path::PathBuf;

use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, TransactionTrait,
};

/// The advisory lock key (the bytes of `metacore`).
pub const ADVISORY_KEY: i64 = 0x6d65_7461_636f_7265;

/// A held schema lock; dropping or [`SchemaLock::release`]-ing it lets the next process in.
pub enum SchemaLock {
    /// The transaction holding the advisory lock.
    Postgres(DatabaseTransaction),
    /// The locked file.
    Sqlite(File),
    /// Nothing to lock (an in-memory database).
    None,
}

impl SchemaLock {
    /// Waits for the lock of `db`'s schema and takes it.
    pub async fn acquire(db: &DatabaseConnection) -> Result<SchemaLock, String> {
        match db.get_database_backend() {
            DatabaseBackend::Postgres => {
                let transaction = db
                    .begin()
                    .await
                    .map_err(|e| format!("cannot take the migration lock: {e}"))?;
                transaction
                    .execute_unprepared(&format!("SELECT pg_advisory_xact_lock({ADVISORY_KEY})"))
                    .await
                    .map_err(|e| format!("cannot take the migration lock: {e}"))?;
                Ok(SchemaLock::Postgres(transaction))
            }
            DatabaseBackend::Sqlite => match lock_file(db).await? {
                Some(path) => {
                    let file = tokio::task::spawn_blocking(move || lock(path))
                        .await
                        .map_err(|e| format!("cannot take the migration lock: {e}"))??;
                    Ok(SchemaLock::Sqlite(file))
                }
                None => Ok(SchemaLock::None),
            },
            _ => Ok(SchemaLock::None),
        }
    }

    /// Lets the next process in.
    pub async fn release(self) -> Result<(), String> {
        match self {
            SchemaLock::Postgres(transaction) => transaction
                .commit()
                .await
                .map_err(|e| format!("cannot release the migration lock: {e}")),
            SchemaLock::Sqlite(file) => file
                .unlock()
                .map_err(|e| format!("cannot release the migration lock: {e}")),
            SchemaLock::None => Ok(()),
        }
    }
}

/// The lock file of a SQLite database stored in a file; `None` in memory.
async fn lock_file(db: &DatabaseConnection) -> Result<Option<PathBuf>, String> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            DatabaseBackend::Sqlite,
            "SELECT file FROM pragma_database_list WHERE name = 'main'",
        ))
        .await
        .map_err(|e| format!("cannot find the database file: {e}"))?;
    let file: String = match row {
        Some(row) => row.try_get("", "file").unwrap_or_default(),
        None => String::new(),
    };
    Ok((!file.is_empty()).then(|| PathBuf::from(format!("{file}.migrate-lock"))))
}

fn lock(path: PathBuf) -> Result<File, String> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot open the migration lock {}: {e}", path.display()))?;
    file.lock()
        .map_err(|e| format!("cannot take the migration lock {}: {e}", path.display()))?;
    Ok(file)
}
