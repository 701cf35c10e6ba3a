//! SQLite settings only the C API can make: the one `unsafe` corner of [`crate::db`].
//!
//! * **No memory statistics** ([`configure_process`]: `SQLITE_CONFIG_MEMSTATUS` off, once
//!   per process, before SQLite initialises). With them on — the bundled build's default —
//!   every allocation and free SQLite makes takes one process-wide mutex. A pool's
//!   connections each run on their own sqlx worker thread, and a page of rows copies every
//!   value out of SQLite, so they queued on that mutex: throughput stopped growing with
//!   concurrency while the cores sat idle. The statistics only feed `sqlite3_memory_used`
//!   and the soft heap limit, neither of which metacore uses.
//! * **Stable query plans** ([`configure_connection`]: `SQLITE_DBCONFIG_ENABLE_QPSG` on every
//!   connection). Without it SQLite plans some statements with the values bound to them —
//!   a `LIMIT ?`, a `LIKE ?` pattern, an equality that `ANALYZE`'s samples cover — and then
//!   re-parses and re-plans the cached statement each time such a parameter is bound again,
//!   which for the list statements was every request. The API writes its statements for
//!   the indexes the compiler emits; one plan per statement text is what they need.
//!
//! * **A page cache per connection** (a build setting: `LIBSQLITE3_FLAGS` in the workspace's
//!   `.cargo/config.toml` undefines `SQLITE_ENABLE_MEMORY_MANAGEMENT`, which libsqlite3-sys
//!   defines). With it, every connection of the process shares one page cache, and each page
//!   a statement reads locks and unlocks that cache's one mutex: a search testing a few
//!   hundred rows spent a sixth of its time there. It only serves `sqlite3_release_memory`,
//!   which metacore never calls. A test of this module checks the build.
//!
//! None of these changes what a statement returns.

#![allow(unsafe_code)]

use std::ffi::c_int;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

use libsqlite3_sys::{
    sqlite3_config, sqlite3_db_config, SQLITE_CONFIG_MEMSTATUS, SQLITE_DBCONFIG_ENABLE_QPSG,
    SQLITE_OK,
};
use sea_orm::sqlx::sqlite::SqliteConnection;

/// Switches SQLite's memory statistics off, once per process; call it before the process
/// opens its first SQLite connection. Later calls do nothing, and when SQLite was already
/// initialised (a connection opened some other way first) the setting is refused and left
/// as it was: only slower, never wrong.
pub(crate) fn configure_process() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: `sqlite3_config` must not run concurrently with other SQLite calls; it
        // runs once, before `connect` opens the process's first connection, and when SQLite
        // is already initialised it only returns SQLITE_MISUSE. The option takes one `int`
        // argument, passed as such through the C variadic list.
        let rc = unsafe { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0 as c_int) };
        if rc == SQLITE_OK {
            MEMORY_STATISTICS_OFF.store(true, Ordering::SeqCst);
        } else {
            tracing::debug!("SQLite was initialised already; memory statistics stay on");
        }
    });
}

/// Whether [`configure_process`] switched the memory statistics off.
static MEMORY_STATISTICS_OFF: AtomicBool = AtomicBool::new(false);

/// Turns on the query planner stability guarantee for `conn` (see the module docs).
pub(crate) async fn configure_connection(
    conn: &mut SqliteConnection,
) -> Result<(), sea_orm::sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    // SAFETY: `db` is the open connection `handle` locks (no other thread uses it meanwhile);
    // SQLITE_DBCONFIG_ENABLE_QPSG takes an `int` (1: on) and an `int*` for the resulting
    // state, which may be NULL.
    let rc = unsafe {
        sqlite3_db_config(
            db,
            SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as c_int,
            std::ptr::null_mut::<c_int>(),
        )
    };
    if rc == SQLITE_OK {
        Ok(())
    } else {
        Err(sea_orm::sqlx::Error::Configuration(
            format!("cannot enable SQLite's query planner stability guarantee (error {rc})").into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use libsqlite3_sys::{sqlite3_status64, SQLITE_STATUS_MEMORY_USED};
    use sea_orm::{ConnectionTrait, Statement};

    use super::*;

    /// A pooled connection of a database `crate::db::connect` opened, after some work.
    async fn pooled() -> (
        sea_orm::DatabaseConnection,
        sea_orm::sqlx::pool::PoolConnection<sea_orm::sqlx::Sqlite>,
    ) {
        let db = crate::testing::sqlite_database("sqlite-settings").await;
        db.execute_unprepared("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1), (2), (3)")
            .await
            .unwrap();
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT a FROM t ORDER BY a LIMIT 2",
            ))
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        let conn = db.get_sqlite_connection_pool().acquire().await.unwrap();
        (db, conn)
    }

    #[tokio::test]
    async fn every_pooled_connection_plans_without_bound_values() {
        let (_db, mut conn) = pooled().await;
        let mut handle = conn.lock_handle().await.unwrap();
        let mut on: c_int = -1;
        // SAFETY: the handle locks the open connection; -1 reads the setting into `on`.
        let rc = unsafe {
            sqlite3_db_config(
                handle.as_raw_handle().as_ptr(),
                SQLITE_DBCONFIG_ENABLE_QPSG,
                -1 as c_int,
                &mut on as *mut c_int,
            )
        };
        assert_eq!(rc, SQLITE_OK);
        assert_eq!(on, 1, "the query planner stability guarantee is on");
    }

    #[tokio::test]
    async fn sqlite_keeps_no_memory_statistics() {
        let (_db, _conn) = pooled().await;
        if !MEMORY_STATISTICS_OFF.load(Ordering::SeqCst) {
            // Only when something opened SQLite before `connect` in this test process.
            eprintln!("SKIPPED: SQLite was initialised before db::connect configured it");
            return;
        }
        let (mut current, mut highest) = (0i64, 0i64);
        // SAFETY: plain out-parameters; no reset.
        let rc =
            unsafe { sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &mut current, &mut highest, 0) };
        assert_eq!(rc, SQLITE_OK);
        assert_eq!(
            (current, highest),
            (0, 0),
            "with statistics off SQLite counts no memory, though connections are open"
        );
    }

    #[tokio::test]
    async fn each_connection_keeps_a_page_cache_of_its_own() {
        let (db, _conn) = pooled().await;
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT sqlite_compileoption_used('ENABLE_MEMORY_MANAGEMENT') AS shared",
            ))
            .await
            .unwrap()
            .expect("one row");
        let shared: i64 = row.try_get("", "shared").unwrap();
        assert_eq!(
            shared, 0,
            "SQLite was built with SQLITE_ENABLE_MEMORY_MANAGEMENT: every connection shares one \
             page cache behind one mutex (is LIBSQLITE3_FLAGS in .cargo/config.toml applied?)"
        );
    }
}
