//! The SQLite guard (`sql::sqlite_guard`): the database itself refuses what an addon
//! statement may not do, whatever SQL reaches it — other tables (directly, through a
//! subquery, CTE, view or trigger), writes outside the statement's tables or in a
//! `db_query`, functions off the allow-list, PRAGMA/ATTACH — and interrupts it past its
//! deadline; host statements before and after are unaffected.

use std::time::{Duration, Instant};

use metacore_runtime::sql::sqlite_guard::{self, Confinement};
use metacore_runtime::sql::SqlError;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, Statement, TransactionTrait,
};
use uuid::Uuid;

fn sqlite_url() -> String {
    let path = std::env::temp_dir().join(format!("metacore-guard-{}.db", Uuid::new_v4()));
    format!("sqlite://{}?mode=rwc", path.display())
}

/// A fresh guarded SQLite database with `items` (readable), `notes` (writable), `secret`
/// (neither), a view over `secret` and a trigger on `notes` that writes to `secret`.
async fn guarded() -> DatabaseConnection {
    let mut options = ConnectOptions::new(sqlite_url());
    sqlite_guard::guard_connections(&mut options);
    let db = Database::connect(options).await.expect("SQLite opens");
    for sql in [
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT)",
        "CREATE TABLE secret (id INTEGER PRIMARY KEY, value TEXT)",
        "CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT)",
        "CREATE TABLE tenant (id INTEGER PRIMARY KEY, organization_id UUID NOT NULL, body TEXT)",
        "CREATE VIEW secret_view AS SELECT value FROM secret",
        "CREATE TRIGGER notes_audit AFTER DELETE ON notes BEGIN \
         INSERT INTO audit (what) VALUES ('deleted'); END",
        "INSERT INTO items (name) VALUES ('a'), ('b')",
        "INSERT INTO secret (value) VALUES ('s')",
    ] {
        db.execute_unprepared(sql).await.expect("setup");
    }
    db
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Runs `sql` confined (read `items`, write `write`) in a transaction, then leaves the guard
/// and commits; returns the statement's result classified.
async fn confined(
    db: &DatabaseConnection,
    sql: &str,
    write: &[&str],
    read_only: bool,
) -> Result<Vec<sea_orm::QueryResult>, SqlError> {
    confined_in_org(db, sql, vec![], write, read_only, "").await
}

/// [`confined`] with arguments and an organisation whose rows of `tenant` alone may be
/// written (organisation triggers installed first).
async fn confined_in_org(
    db: &DatabaseConnection,
    sql: &str,
    values: Vec<sea_orm::Value>,
    write: &[&str],
    read_only: bool,
    org: &str,
) -> Result<Vec<sea_orm::QueryResult>, SqlError> {
    let read = strings(&["items"]);
    let write = strings(write);
    let txn = db.begin().await.expect("begin");
    if !org.is_empty() {
        sqlite_guard::enforce_org(&txn, "tenant", "organization_id")
            .await
            .expect("organisation triggers");
    }
    let confinement = Confinement {
        read: &read,
        write: &write,
        read_only,
        timeout: Duration::from_secs(5),
        org,
        scoped: &[],
        key_columns: &[],
    };
    sqlite_guard::enter(&txn, &confinement)
        .await
        .expect("enter");
    let result = txn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            sql,
            values,
        ))
        .await;
    let denial = sqlite_guard::leave_with_denial(&txn).await.expect("leave");
    txn.commit().await.ok();
    result.map_err(|e| classified(&e, denial))
}

fn classified(error: &DbErr, denial: Option<String>) -> SqlError {
    match sqlite_guard::classify(error) {
        Some(SqlError::Forbidden(message)) => {
            SqlError::Forbidden(format!("{message} [{}]", denial.unwrap_or_default()))
        }
        Some(other) => other,
        None => SqlError::from(error.clone()),
    }
}

#[track_caller]
fn assert_forbidden(result: Result<Vec<sea_orm::QueryResult>, SqlError>, naming: &str) {
    match result {
        Err(SqlError::Forbidden(message)) => {
            assert!(
                message.contains(naming),
                "{message:?} should name {naming:?}"
            )
        }
        other => panic!("expected Forbidden naming {naming:?}, got {other:?}"),
    }
}

async fn count(db: &impl ConnectionTrait, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, sql))
        .await
        .expect("host query")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("an integer")
}

#[tokio::test]
async fn reading_an_allowed_table_works() {
    let db = guarded().await;
    let rows = confined(&db, "SELECT id, name FROM items ORDER BY id", &[], true)
        .await
        .expect("allowed");
    assert_eq!(rows.len(), 2);
    let rows = confined(
        &db,
        "WITH c AS (SELECT name FROM items) SELECT count(*), upper(max(name)) FROM c",
        &[],
        true,
    )
    .await
    .expect("CTE over an allowed table");
    assert_eq!(rows[0].try_get_by_index::<i64>(0).ok(), Some(2));
    confined(
        &db,
        "SELECT count(*) FROM items WHERE name LIKE 'a%'",
        &[],
        true,
    )
    .await
    .expect("column-less read of an allowed table");
}

#[tokio::test]
async fn other_tables_are_forbidden_however_reached() {
    let db = guarded().await;
    for sql in [
        "SELECT value FROM secret",
        "SELECT count(*) FROM secret",
        "SELECT name FROM items WHERE id IN (SELECT id FROM secret)",
        "WITH s AS (SELECT value FROM secret) SELECT * FROM s",
        "SELECT * FROM secret_view",
        "SELECT count(*) FROM main.secret",
    ] {
        assert_forbidden(confined(&db, sql, &[], true).await, "secret");
    }
    for sql in [
        "SELECT sql FROM sqlite_master",
        "SELECT count(*) FROM sqlite_schema",
        "SELECT * FROM sqlite_temp_master",
    ] {
        assert_forbidden(confined(&db, sql, &[], true).await, "sqlite_");
    }
    assert_forbidden(
        confined(
            &db,
            "SELECT count(*) FROM pragma_table_info('secret')",
            &[],
            true,
        )
        .await,
        "refused",
    );
}

#[tokio::test]
async fn writes_are_refused_in_db_query_and_outside_the_write_list() {
    let db = guarded().await;
    assert_forbidden(
        confined(
            &db,
            "INSERT INTO notes (body) VALUES ('x')",
            &["notes"],
            true,
        )
        .await,
        "read-only",
    );
    assert_forbidden(
        confined(&db, "DELETE FROM items", &["notes"], false).await,
        "deleting from table items",
    );
    assert_forbidden(
        confined(&db, "UPDATE secret SET value = 'y'", &["notes"], false).await,
        "secret",
    );
    confined(
        &db,
        "INSERT INTO notes (body) VALUES ('x') RETURNING id",
        &["notes"],
        false,
    )
    .await
    .expect("writing a writable table (AUTOINCREMENT) works");
    assert_eq!(count(&db, "SELECT count(*) FROM notes").await, 1);
    // The trigger on notes writes to audit, which the statement may not write.
    assert_forbidden(
        confined(&db, "DELETE FROM notes", &["notes"], false).await,
        "audit",
    );
    assert_eq!(count(&db, "SELECT count(*) FROM notes").await, 1);
    assert_eq!(
        count(&db, "SELECT count(*) FROM secret WHERE value = 's'").await,
        1
    );
}

#[tokio::test]
async fn functions_off_the_allow_list_are_refused() {
    let db = guarded().await;
    assert_forbidden(
        confined(&db, "SELECT load_extension('x')", &[], true).await,
        "load_extension",
    );
    assert_forbidden(
        confined(&db, "SELECT sqlite_version()", &[], true).await,
        "sqlite_version",
    );
    assert_forbidden(
        confined(&db, "SELECT metacore_guard_enter('x', '{}')", &[], true).await,
        "metacore_guard_enter",
    );
    // Callable (the host's own leave is prepared under the guard) but not without the token.
    assert_forbidden(
        confined(&db, "SELECT metacore_guard_leave('guess')", &[], true).await,
        "metacore_guard_leave",
    );
    assert_forbidden(
        confined(&db, "SELECT metacore_guard_org()", &[], true).await,
        "metacore_guard_org",
    );
    match confined(&db, "SELECT no_such_function(1)", &[], true).await {
        Err(SqlError::Database(message)) => assert!(message.contains("no such function")),
        other => panic!("an unknown function must fail, got {other:?}"),
    }
}

#[tokio::test]
async fn pragma_attach_and_transaction_control_are_refused() {
    let db = guarded().await;
    for (sql, naming) in [
        ("PRAGMA journal_mode", "PRAGMA"),
        ("PRAGMA writable_schema = 1", "PRAGMA"),
        ("ATTACH DATABASE ':memory:' AS other", "ATTACH"),
        ("CREATE TABLE evil (x)", "refused"),
        ("DROP TABLE items", "sqlite_master"),
        ("COMMIT", "transaction"),
        ("SAVEPOINT x", "savepoint"),
    ] {
        assert_forbidden(confined(&db, sql, &["items"], false).await, naming);
    }
    assert_eq!(count(&db, "SELECT count(*) FROM items").await, 2);
}

#[tokio::test]
async fn host_statements_after_leave_are_unrestricted() {
    let db = guarded().await;
    assert_forbidden(
        confined(&db, "SELECT value FROM secret", &[], true).await,
        "secret",
    );
    assert_eq!(count(&db, "SELECT count(*) FROM secret").await, 1);
    assert!(count(&db, "SELECT count(*) FROM sqlite_master").await > 0);
    db.execute_unprepared("PRAGMA user_version = 7")
        .await
        .expect("host PRAGMA");
    db.execute_unprepared("CREATE TABLE later (x)")
        .await
        .expect("host DDL");
}

#[tokio::test]
async fn a_cached_host_statement_is_reauthorized_under_the_guard() {
    let db = guarded().await;
    let txn: DatabaseTransaction = db.begin().await.expect("begin");
    let sql = "SELECT value FROM secret";
    // Prepared (and cached by sqlx) while the guard is off…
    assert_eq!(
        txn.query_all_raw(Statement::from_string(DbBackend::Sqlite, sql))
            .await
            .expect("host")
            .len(),
        1
    );
    let read = strings(&["items"]);
    let confinement = Confinement {
        read: &read,
        write: &[],
        read_only: true,
        timeout: Duration::from_secs(5),
        org: "",
        scoped: &[],
        key_columns: &[],
    };
    sqlite_guard::enter(&txn, &confinement)
        .await
        .expect("enter");
    // …the identical text under the guard is re-prepared and refused…
    let guarded_result = txn
        .query_all_raw(Statement::from_string(DbBackend::Sqlite, sql))
        .await;
    sqlite_guard::leave(&txn).await.expect("leave");
    assert!(
        matches!(
            guarded_result.as_ref().map_err(sqlite_guard::classify),
            Err(Some(SqlError::Forbidden(_)))
        ),
        "{guarded_result:?}"
    );
    // …and runs again for the host afterwards.
    assert_eq!(
        txn.query_all_raw(Statement::from_string(DbBackend::Sqlite, sql))
            .await
            .expect("host again")
            .len(),
        1
    );
    txn.commit().await.expect("commit");
}

#[tokio::test]
async fn enter_fails_closed_without_the_guard() {
    let db = Database::connect(sqlite_url()).await.expect("SQLite opens");
    let txn = db.begin().await.expect("begin");
    let confinement = Confinement {
        read: &[],
        write: &[],
        read_only: true,
        timeout: Duration::from_secs(1),
        org: "",
        scoped: &[],
        key_columns: &[],
    };
    match sqlite_guard::enter(&txn, &confinement).await {
        Err(SqlError::Database(message)) => {
            assert!(message.contains("guard_connections"), "{message}")
        }
        other => panic!("enter must fail closed, got {other:?}"),
    }
}

#[tokio::test]
async fn the_deadline_interrupts_a_runaway_statement() {
    let db = guarded().await;
    let txn = db.begin().await.expect("begin");
    let confinement = Confinement {
        read: &[],
        write: &[],
        read_only: true,
        timeout: Duration::from_millis(200),
        org: "",
        scoped: &[],
        key_columns: &[],
    };
    sqlite_guard::enter(&txn, &confinement)
        .await
        .expect("enter");
    let started = Instant::now();
    let result = txn
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
        ))
        .await;
    let elapsed = started.elapsed();
    sqlite_guard::leave(&txn).await.expect("leave");
    match result {
        Err(error) => assert_eq!(sqlite_guard::classify(&error), Some(SqlError::Timeout)),
        Ok(rows) => panic!("the statement must be interrupted, got {} rows", rows.len()),
    }
    assert!(
        elapsed < Duration::from_secs(3),
        "interrupted after {elapsed:?}"
    );
    // The same connection runs host statements normally afterwards, past the deadline.
    assert_eq!(count(&txn, "SELECT count(*) FROM items").await, 2);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        count(
            &txn,
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 200000) \
             SELECT count(*) FROM r"
        )
        .await,
        200_000
    );
}

#[tokio::test]
async fn a_connection_released_with_the_guard_on_is_not_reused() {
    let db = guarded().await;
    {
        let txn = db.begin().await.expect("begin");
        let confinement = Confinement {
            read: &[],
            write: &[],
            read_only: true,
            timeout: Duration::from_secs(5),
            org: "",
            scoped: &[],
            key_columns: &[],
        };
        sqlite_guard::enter(&txn, &confinement)
            .await
            .expect("enter");
        // Dropped without leave.
    }
    // The pool opens a fresh (guarded, off) connection instead.
    assert_eq!(count(&db, "SELECT count(*) FROM secret").await, 1);
}

#[tokio::test]
async fn postgres_urls_are_left_alone() {
    let mut options = ConnectOptions::new("postgres://localhost/none");
    sqlite_guard::guard_connections(&mut options);
    assert_eq!(options.get_url(), "postgres://localhost/none");
}

#[tokio::test]
async fn organisation_triggers_refuse_writes_to_other_organisations_rows() {
    let db = guarded().await;
    let (mine, theirs) = (Uuid::new_v4(), Uuid::new_v4());
    for org in [mine, theirs] {
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO tenant (organization_id, body) VALUES (?, 'seed')",
            [org.into()],
        ))
        .await
        .expect("host seeds both organisations");
    }
    let org = mine.to_string();
    let run = |sql: &'static str, values: Vec<sea_orm::Value>| {
        let (db, org) = (&db, &org);
        async move { confined_in_org(db, sql, values, &["tenant"], false, org).await }
    };
    let insert = "INSERT INTO tenant (organization_id, body) VALUES (?, 'x')";
    assert_forbidden(
        run(insert, vec![theirs.into()]).await,
        "another organisation",
    );
    run(insert, vec![mine.into()])
        .await
        .expect("own organisation");
    // No WHERE: the rewriter's filter "bypassed"; the other organisation's row aborts it.
    assert_forbidden(
        run("UPDATE tenant SET body = 'y'", vec![]).await,
        "another organisation",
    );
    assert_forbidden(
        run("DELETE FROM tenant", vec![]).await,
        "another organisation",
    );
    assert_forbidden(
        run(
            "UPDATE tenant SET organization_id = ? WHERE organization_id = ?",
            vec![theirs.into(), mine.into()],
        )
        .await,
        "another organisation",
    );
    run(
        "UPDATE tenant SET body = 'z' WHERE organization_id = ?",
        vec![mine.into()],
    )
    .await
    .expect("own rows");
    run(
        "DELETE FROM tenant WHERE organization_id = ?",
        vec![mine.into()],
    )
    .await
    .expect("own rows");
    assert_eq!(count(&db, "SELECT count(*) FROM tenant").await, 1);
    // Host writes (guard off) on the same connection are not confined by organisation.
    db.execute_unprepared("UPDATE tenant SET body = 'host'")
        .await
        .expect("host write");
    assert_eq!(
        count(&db, "SELECT count(*) FROM tenant WHERE body = 'host'").await,
        1
    );
}

#[tokio::test]
async fn enter_refuses_a_pool_handle() {
    // A pool may run the next statement on another (unguarded) connection: fail closed.
    let db = guarded().await;
    let confinement = Confinement {
        read: &[],
        write: &[],
        read_only: true,
        timeout: Duration::from_secs(5),
        org: "",
        scoped: &[],
        key_columns: &[],
    };
    match sqlite_guard::enter(&db, &confinement).await {
        Err(SqlError::Database(message)) => assert!(message.contains("transaction"), "{message}"),
        other => panic!("enter on a pool must fail closed, got {other:?}"),
    }
    assert_eq!(count(&db, "SELECT count(*) FROM secret").await, 1);
}
