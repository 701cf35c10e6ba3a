//! Opening the application database: one place that decides how connections are set up, used
//! by `metacore-app` and by tests ([`crate::testing`]).
//!
//! * SQLite files get a pool of [`SQLITE_POOL_SIZE`] connections in WAL mode (readers never
//!   wait for the one writer; sea-orm's default is a single connection, which let one addon
//!   invocation holding it stall every request), a busy timeout, foreign keys on every
//!   connection, and the addon SQL guard on each connection ([`crate::sql::sqlite_guard`]);
//!   SQLite's memory statistics are off and its query plans stable (the private `sqlite`
//!   module says why).
//!   In-memory databases keep one connection (each connection would be its own database).
//!   The writes that queue for SQLite's one write lock run on a connection of their own
//!   ([`writer`]), whose page cache stays warm between them.
//! * PostgreSQL URLs connect as they are; the database guard there is roles and row-level
//!   security ([`crate::sql::pg_guard`]).
//! * On both, a pooled connection is pinged before it is handed out only once it has been
//!   idle for [`PING_AFTER_IDLE`]. sqlx pings on every checkout by default: a round trip
//!   before each statement (and on SQLite a trip to the connection's worker thread); without
//!   it, gets by id on PostgreSQL went from 25,600 to 29,100 per second (`bench-http`) and
//!   creates 2 % faster. A connection in use within the last seconds is alive; one idle
//!   longer (a server restart, a proxy's timeout) is still checked, and replaced when it
//!   fails; one dropped within that time fails its next statement.

mod sqlite;

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, DbErr, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait, Value,
};

use crate::sql::sqlite_guard;

/// Connections of a SQLite file pool.
pub const SQLITE_POOL_SIZE: u32 = 8;

/// How long a pooled connection may sit idle before it is pinged on checkout.
pub const PING_AFTER_IDLE: Duration = Duration::from_secs(10);

/// How long a SQLite statement waits for another connection's write lock.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
#[error("cannot connect to the database {url}: {source}")]
pub struct ConnectError {
    /// The URL, without its password.
    pub url: String,
    /// The driver's error.
    #[source]
    pub source: sea_orm::DbErr,
}

/// The URL with any password replaced by `***` (for messages and logs).
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

/// Opens `url` with the settings above.
pub async fn connect(url: &str) -> Result<DatabaseConnection, ConnectError> {
    let mut options = ConnectOptions::new(url.to_string());
    options.test_before_acquire_if_idle_for(PING_AFTER_IDLE);
    if url.starts_with("sqlite:") {
        let memory = url.contains(":memory:") || url.contains("mode=memory");
        options.max_connections(if memory { 1 } else { SQLITE_POOL_SIZE });
        options.map_sqlx_sqlite_opts(move |sqlite: SqliteConnectOptions| {
            let sqlite = sqlite.foreign_keys(true).busy_timeout(SQLITE_BUSY_TIMEOUT);
            if memory {
                sqlite
            } else {
                sqlite.journal_mode(SqliteJournalMode::Wal)
            }
        });
        sqlite::configure_process();
        // Each new connection gets the planner setting, then the addon SQL guard (as
        // `sqlite_guard::guard_connections` installs it, which this replaces).
        options.map_sqlx_sqlite_pool_opts(|pool| {
            pool.after_connect(|conn, _| {
                Box::pin(async move {
                    sqlite::configure_connection(conn).await?;
                    sqlite_guard::install(conn).await
                })
            })
            .after_release(|conn, _| Box::pin(sqlite_guard::releasable(conn)))
        });
    }
    // Processes opening one SQLite file at the same moment can find it locked while another
    // switches it to WAL (that pragma does not wait on the busy handler): retry, within the
    // busy timeout, instead of failing to start.
    let started = std::time::Instant::now();
    loop {
        match Database::connect(options.clone()).await {
            Ok(db) => return Ok(db),
            Err(source)
                if url.starts_with("sqlite:")
                    && source.to_string().contains("database is locked")
                    && started.elapsed() < SQLITE_BUSY_TIMEOUT =>
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(source) => {
                return Err(ConnectError {
                    url: redacted(url),
                    source,
                })
            }
        }
    }
}

/// The connection the application's queued writes run on (`ApiState::write_turn`): on a
/// SQLite file, a pool of one connection opened with the same settings as `db`'s (lazily,
/// so this needs no `.await`); otherwise `db` itself — PostgreSQL's writers do not queue,
/// and a pool of one connection (an in-memory database) is already its own writer.
///
/// Why one connection: in WAL mode a connection that starts a transaction after another
/// connection wrote discards its whole page cache. Spread over a pool that hands out its
/// idle connections in turn, nearly every write began cold and read the pages of the table
/// and each of its indexes again under the write lock; the one writer finds them where its
/// previous write left them: in an A/B run of ticket creates (wrk, 16 clients, 10,000 rows,
/// before writes were committed in groups) about a tenth more per second.
pub fn writer(db: &DatabaseConnection) -> DatabaseConnection {
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return db.clone();
    }
    let pool = db.get_sqlite_connection_pool();
    if pool.options().get_max_connections() <= 1 {
        return db.clone();
    }
    let options = pool.options().clone().max_connections(1).min_connections(0);
    sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(
        options.connect_lazy_with((*pool.connect_options()).clone()),
    )
}

/// Begins a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (`BEGIN IMMEDIATE`, waiting up to [`SQLITE_BUSY_TIMEOUT`] for it): a deferred transaction
/// that read first fails with "database is locked" when another connection wrote meanwhile,
/// since its snapshot can no longer be upgraded, and the busy timeout cannot help it.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    begin_with(
        db,
        TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        },
    )
    .await
}

/// Begins a transaction (see [`begin_with`]).
pub async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    begin_with(db, TransactionOptions::default()).await
}

/// Begins a transaction with `options` on a task of its own, so that a caller dropped while
/// `BEGIN` is in flight — the request of a client that disconnected — cannot put the
/// connection back in the pool inside a transaction. sqlx 0.9 counts a transaction only
/// once its `BEGIN` has answered: dropped before, it queues no `ROLLBACK`, the server's
/// transaction stays open on the pooled connection, and every later statement there runs
/// inside it, uncommitted, keeping its locks (seen as an event cursor blocked for minutes
/// after a benchmark's clients hung up). On its own task `BEGIN` always finishes, and a
/// transaction nobody awaits any more is dropped, which rolls it back. SQLite needs no task
/// (sqlx's SQLite worker counts the transaction itself, so a dropped guard rolls it back),
/// and its writes, which queue for one lock, are spared the hop.
pub async fn begin_with(
    db: &DatabaseConnection,
    options: TransactionOptions,
) -> Result<DatabaseTransaction, DbErr> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return db.begin_with_options(options).await;
    }
    let db = db.clone();
    tokio::spawn(async move { db.begin_with_options(options).await })
        .await
        .map_err(|e| DbErr::Custom(format!("BEGIN did not finish: {e}")))?
}

/// The column types of the runtime's own tables on `backend`: `(uuid, timestamp)` —
/// `UUID`/`TIMESTAMPTZ` on PostgreSQL, `BLOB`/`TEXT` on SQLite (as sqlx binds them there).
pub(crate) fn column_types(backend: DatabaseBackend) -> (&'static str, &'static str) {
    match backend {
        DatabaseBackend::Postgres => ("UUID", "TIMESTAMPTZ"),
        _ => ("BLOB", "TEXT"),
    }
}

/// A statement with `$n` placeholders, translated to `?n` on SQLite.
pub(crate) fn statement(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Statement {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => sql.to_string(),
        _ => sql.replace('$', "?"),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Statement};

    use super::*;

    /// The single integer `sql` returns on `db`.
    async fn number(db: &DatabaseConnection, sql: &str) -> i64 {
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index(0).unwrap()
    }

    #[tokio::test]
    async fn a_sqlite_file_writes_through_one_connection_of_its_own() {
        let db = crate::testing::sqlite_database("writer").await;
        let writer = writer(&db);
        let pool = writer.get_sqlite_connection_pool();
        assert_eq!(pool.options().get_max_connections(), 1);
        // A temporary table lives on the connection that created it: every later statement
        // of the writer finds it, the application's pool does not.
        writer
            .execute_unprepared("CREATE TEMP TABLE mine (a INTEGER)")
            .await
            .unwrap();
        for _ in 0..3 {
            writer
                .execute_unprepared("INSERT INTO mine VALUES (1)")
                .await
                .unwrap();
        }
        assert_eq!(number(&writer, "SELECT COUNT(*) FROM mine").await, 3);
        assert!(db.execute_unprepared("SELECT * FROM mine").await.is_err());
        // The same database, opened with the same settings.
        writer
            .execute_unprepared("CREATE TABLE shared (a INTEGER); INSERT INTO shared VALUES (7)")
            .await
            .unwrap();
        assert_eq!(number(&db, "SELECT a FROM shared").await, 7);
        assert_eq!(number(&writer, "PRAGMA foreign_keys").await, 1);
        let mode = writer
            .query_one_raw(Statement::from_string(
                DatabaseBackend::Sqlite,
                "PRAGMA journal_mode",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(mode.try_get_by_index::<String>(0).unwrap(), "wal");
        assert_eq!(pool.size(), 1);
    }

    #[tokio::test]
    async fn sqlite_checkouts_ping_only_idle_connections() {
        let db = crate::testing::sqlite_database("ping").await;
        let writer = writer(&db);
        for pool in [
            db.get_sqlite_connection_pool(),
            writer.get_sqlite_connection_pool(),
        ] {
            // The idle check is a `before_acquire` hook instead of sqlx's ping on every
            // checkout.
            assert!(!pool.options().get_test_before_acquire());
        }
        assert_eq!(number(&writer, "SELECT 7").await, 7);
        assert_eq!(number(&db, "SELECT 8").await, 8);
    }

    #[tokio::test]
    async fn an_in_memory_sqlite_database_is_its_own_writer() {
        let db = connect("sqlite::memory:").await.unwrap();
        let writer = writer(&db);
        writer
            .execute_unprepared("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (5)")
            .await
            .unwrap();
        // Another connection would be another, empty database.
        assert_eq!(number(&db, "SELECT a FROM t").await, 5);
    }

    #[tokio::test]
    async fn postgres_writes_through_its_pool() {
        let Some(db) = crate::testing::postgres_database("writer").await else {
            eprintln!("SKIPPED on PostgreSQL: no server configured");
            return;
        };
        let writer = writer(&db);
        let (ours, theirs) = (
            writer.get_postgres_connection_pool(),
            db.get_postgres_connection_pool(),
        );
        assert_eq!(
            ours.options().get_max_connections(),
            theirs.options().get_max_connections()
        );
        // Checkouts ping only idle connections (the idle check is a `before_acquire` hook).
        assert!(!theirs.options().get_test_before_acquire());
        writer
            .execute_unprepared("CREATE TABLE t (a BIGINT); INSERT INTO t VALUES (5)")
            .await
            .unwrap();
        assert_eq!(number(&db, "SELECT a FROM t").await, 5);
    }
}
