//! Database-enforced confinement of addon SQL on SQLite (defence in depth behind the parser).
//!
//! The parser and rewriter of [`mod@super::confine`] give good errors, but a parser can always be
//! out-thought; so on SQLite the database itself refuses what an addon statement may not do.
//! [`guard_connections`] installs on every pooled connection:
//!
//! * an authorizer (`sqlite3_set_authorizer`) that, while the guard is on, allows reading only
//!   the statement's tables, writing only its writable tables (never in a `db_query`), calling
//!   only the functions of [`super::functions::is_allowed`], and refuses everything else —
//!   PRAGMA, ATTACH, DDL, transaction control, `sqlite_schema` and friends;
//! * a progress handler that interrupts a guarded statement past its deadline;
//! * the control functions `metacore_guard_enter(token, spec)` / `metacore_guard_leave(token)`
//!   that [`enter`] and [`leave`] call, and `metacore_guard_org()` for host-installed
//!   organisation triggers. The token is a random per-process secret bound as a parameter
//!   (never part of SQL text, never logged, never given to guests), so guest SQL cannot
//!   switch the guard; while it is on the authorizer refuses `metacore_guard_enter`, and
//!   `metacore_guard_leave` without the token fails with a refusal.
//!
//! While the guard is off (host statements: migrations, the HTTP API, the kv store) every
//! action is allowed.
//!
//! [`enforce_org`] adds organisation confinement of writes at the database level: TEMP
//! triggers that abort a guarded write of a row whose organisation column is not
//! [`Confinement::org`].
//!
//! # Prepared statements
//! SQLite authorizes at *prepare* time, and sqlx caches prepared statements per connection
//! by SQL text. Entering the guard therefore expires every prepared statement of the
//! connection (re-installing the authorizer is the C API's way to do that), so a cached
//! statement — however it was prepared before — is re-prepared and re-authorized under the
//! new rules before it next runs. Leaving does not need to: with the guard off everything is
//! allowed, and the authorizer never rewrites a statement (it never answers SQLITE_IGNORE), so
//! a statement prepared under a guard behaves the same unguarded. Prefixing guarded
//! statements with a comment naming the addon is still good practice (separate cache slots,
//! readable logs) but no longer needed for soundness.
//!
//! # Usage
//! [`enter`], the statement and [`leave`] must run on the *same* connection: pass the
//! invocation's transaction ([`enter`] refuses a pool handle, which may use a different
//! connection per call). Call [`leave`] before committing (COMMIT is refused while the
//! guard is on). A connection released to the pool with the guard still on (a missing
//! [`leave`]) is closed, not reused.
//!
//! Reading a table also covers what SQLite reads on the statement's behalf: the parent key
//! of a foreign key a write checks, and tables a trigger body or view touches. Those must be
//! in [`Confinement::read`] (or `write`), or the statement is refused.

mod ffi;
mod state;

use crate::api::sql::quote;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sea_orm::sqlx::sqlite::SqliteConnection;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, RuntimeErr, Statement};

use self::state::{Spec, State};
use crate::sql::SqlError;

/// VM instructions between two progress-handler calls (each reads the clock only while the
/// guard is on).
const PROGRESS_INTERVAL: i32 = 1_000;

/// The tables and views a `FROM` item can name (with the eponymous virtual tables the
/// state adds, every name that is not a CTE).
const KNOWN_NAMES_SQL: &str = "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') \
     UNION SELECT name FROM sqlite_temp_schema WHERE type IN ('table', 'view')";
const ENTER_SQL: &str = "SELECT metacore_guard_enter(?, ?)";
const LEAVE_SQL: &str = "SELECT metacore_guard_leave(?)";

/// What one addon statement may do while the guard is on.
#[derive(Debug, Clone, Copy)]
pub struct Confinement<'a> {
    /// Tables (physical names, main schema) the statement may read.
    pub read: &'a [String],
    /// Tables it may insert into / update / delete from (empty for db_query). Writable
    /// tables are readable too.
    pub write: &'a [String],
    /// True for db_query: every write is refused.
    pub read_only: bool,
    /// The statement's deadline; past it the progress handler interrupts it.
    pub timeout: Duration,
    /// The invocation's organisation (a UUID's text; "" for none). Tables given to
    /// [`enforce_org`] refuse, while the guard is on, any write of a row whose
    /// organisation column is another one — even if the rewriter's filter were bypassed.
    pub org: &'a str,
    /// Tenant tables whose rows a statement reads only through their organisation view
    /// ([`org_view`], created by [`install_views`]): a direct read is refused, except of a
    /// table the statement may write (an `UPDATE`'s own predicate reads its target).
    pub scoped: &'a [String],
    /// `(table, column)` primary- and foreign-key columns of writable scoped tables: SQLite's
    /// foreign-key checks read them directly, which the guard allows.
    pub key_columns: &'a [(String, String)],
}

/// What an organisation view's name ends with (no model table name contains `$`).
pub const ORG_VIEW_SUFFIX: &str = "$org";

/// The organisation view of tenant table `table`: its rows whose organisation column is
/// the guard's active organisation (none while the guard is off).
pub fn org_view(table: &str) -> String {
    format!("{table}{ORG_VIEW_SUFFIX}")
}

/// Creates (when missing) the organisation view of every tenant table, `(table, column)`
/// pairs; run by the app's migration step (`cli::prepare`) on SQLite.
pub async fn install_views(
    conn: &impl ConnectionTrait,
    tenant: &[(String, String)],
) -> Result<(), DbErr> {
    for (table, column) in tenant {
        let sql = format!(
            "CREATE VIEW IF NOT EXISTS {} AS SELECT * FROM {} WHERE {} = {}()",
            quote(&org_view(table)),
            quote(table),
            quote(column),
            state::ORG_FUNCTION
        );
        conn.execute_unprepared(&sql).await?;
    }
    Ok(())
}

/// The per-process secret that authorizes switching the guard: 244 random bits (two
/// version-4 UUIDs) from the operating system's generator, created on first use.
fn token() -> &'static str {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| {
        format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        )
    })
}

/// Compares `given` with the token in time independent of where they differ.
fn token_matches(given: Option<&str>) -> bool {
    let expected = token().as_bytes();
    let Some(given) = given.map(str::as_bytes) else {
        return false;
    };
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// `metacore_guard_enter(token, spec)`'s logic, called by `ffi` on the connection's thread.
fn control_enter(state: &State, args: &[Option<String>]) -> Result<(), String> {
    if !token_matches(args.first().and_then(Option::as_deref)) {
        state.record_denial(format!("calling function {}", state::ENTER_FUNCTION));
        return Err("not authorized to switch the guard".to_string());
    }
    let spec: Spec = serde_json::from_str(args.get(1).and_then(Option::as_deref).unwrap_or(""))
        .map_err(|e| format!("bad guard spec: {e}"))?;
    state.enter(spec)
}

/// `metacore_guard_leave(token)`'s logic: the first denial since entering, if any.
fn control_leave(state: &State, args: &[Option<String>]) -> Result<Option<String>, String> {
    if !token_matches(args.first().and_then(Option::as_deref)) {
        state.record_denial(format!("calling function {}", state::LEAVE_FUNCTION));
        return Err("not authorized to switch the guard".to_string());
    }
    Ok(state.leave())
}

/// Installs the guard on a freshly opened connection.
pub(crate) async fn install(conn: &mut SqliteConnection) -> Result<(), sea_orm::sqlx::Error> {
    let state = Arc::new(State::default());
    let mut handle = conn.lock_handle().await?;
    ffi::install(&mut handle, &state)
        .map_err(|e| sea_orm::sqlx::Error::Configuration(format!("SQLite guard: {e}").into()))?;
    let progress = Arc::clone(&state);
    handle.set_progress_handler(PROGRESS_INTERVAL, move || !progress.past_deadline());
    Ok(())
}

/// Whether a connection going back to the pool may be reused: not with the guard still on
/// (a missing [`leave`]); such a connection is closed instead.
pub(crate) async fn releasable(conn: &mut SqliteConnection) -> Result<bool, sea_orm::sqlx::Error> {
    // No guard on anywhere in the process: this connection's is off too, and asking its
    // worker thread (a round trip on every release) would only confirm it.
    if !state::any_active() {
        return Ok(true);
    }
    let mut handle = conn.lock_handle().await?;
    let on = ffi::installed(&mut handle).is_some_and(|state| state.is_active());
    if on {
        tracing::warn!(
            "a SQLite connection went back to the pool with the addon guard on; closing it"
        );
    }
    Ok(!on)
}

/// Installs the guard on every connection a SQLite pool opened with `options` creates
/// (via `ConnectOptions::map_sqlx_sqlite_pool_opts` + sqlx `after_connect`): the authorizer,
/// the progress handler and the `metacore_*` control functions. No effect for PostgreSQL URLs.
///
/// It replaces any pool-options mapping set on `options` before, and sets the pool's
/// `after_connect` and `after_release` callbacks.
pub fn guard_connections(options: &mut sea_orm::ConnectOptions) {
    if !options.get_url().starts_with("sqlite:") {
        return;
    }
    options.map_sqlx_sqlite_pool_opts(|pool| {
        pool.after_connect(|conn, _| Box::pin(install(conn)))
            .after_release(|conn, _| Box::pin(releasable(conn)))
    });
}

/// Maps a failure of a control statement to a clear `SqlError::Database`.
fn control_error(action: &str, error: DbErr) -> SqlError {
    let message = SqlError::from(error).to_string();
    if message.contains("no such function: metacore_guard") {
        return SqlError::Database(format!(
            "cannot {action} the SQLite guard: it is not installed on this connection \
             (open the pool with sqlite_guard::guard_connections)"
        ));
    }
    SqlError::Database(format!("cannot {action} the SQLite guard: {message}"))
}

/// Switches the guard on for the connection `conn` runs on (normally the invocation's
/// transaction). Fails closed (SqlError::Database with a clear message) when the
/// connection was not opened through `guard_connections`, is not SQLite, or is a pool
/// handle (`DatabaseConnection`), which may run the next statement elsewhere.
pub async fn enter(
    conn: &impl ConnectionTrait,
    confinement: &Confinement<'_>,
) -> Result<(), SqlError> {
    if conn.get_database_backend() != DbBackend::Sqlite {
        return Err(SqlError::Database(
            "the SQLite guard can only be switched on for SQLite connections".to_string(),
        ));
    }
    // A pool handle may run the guarded statement on another connection than this one,
    // unguarded (and the pool closes this one when it comes back with the guard on).
    if std::any::type_name_of_val(conn).ends_with("::DatabaseConnection") {
        return Err(SqlError::Database(
            "the SQLite guard must be switched on in a transaction: a pool handle may run \
             the next statement on another connection"
                .to_string(),
        ));
    }
    let rows = conn
        .query_all_raw(Statement::from_string(DbBackend::Sqlite, KNOWN_NAMES_SQL))
        .await
        .map_err(|e| control_error("switch on", e))?;
    let known = rows
        .iter()
        .map(|row| row.try_get_by_index::<String>(0))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| control_error("switch on", e))?;
    let spec = Spec {
        read: confinement.read.to_vec(),
        write: confinement.write.to_vec(),
        read_only: confinement.read_only,
        timeout_ms: u64::try_from(confinement.timeout.as_millis()).unwrap_or(u64::MAX),
        known,
        org: (!confinement.org.is_empty()).then(|| confinement.org.to_string()),
        scoped: confinement.scoped.to_vec(),
        key_columns: confinement.key_columns.to_vec(),
    };
    let spec = serde_json::to_string(&spec)
        .map_err(|e| SqlError::Database(format!("cannot encode the guard spec: {e}")))?;
    let statement = Statement::from_sql_and_values(
        DbBackend::Sqlite,
        ENTER_SQL,
        [token().to_string().into(), spec.into()],
    );
    conn.query_one_raw(statement)
        .await
        .map_err(|e| control_error("switch on", e))?;
    Ok(())
}

/// Installs, on the connection `conn` runs on, TEMP triggers that abort any insert, update
/// or delete of `table` (main schema) while the guard is on whose row — old or new — has
/// an `org_column` other than [`Confinement::org`] (compared as the column stores it: a
/// UUID as its 16 bytes, as sqlx binds `Uuid` on SQLite). Idempotent; run it with the
/// guard off, before [`enter`], in the same transaction (the triggers are the connection's
/// and live until it closes — or vanish with a rolled-back transaction, so run it each
/// time). Reads stay confined by the rewriter's organisation filter.
pub async fn enforce_org(
    conn: &impl ConnectionTrait,
    table: &str,
    org_column: &str,
) -> Result<(), SqlError> {
    if conn.get_database_backend() != DbBackend::Sqlite {
        return Err(SqlError::Database(
            "organisation triggers are SQLite-only".to_string(),
        ));
    }
    let column = quote(org_column);
    let org = format!("{}()", state::ORG_FUNCTION);
    let refusal = format!(
        "SELECT RAISE(ABORT, '{}the row belongs to another organisation')",
        ffi::ERROR_PREFIX
    );
    let triggers = [
        ("insert", "INSERT", format!("NEW.{column} IS NOT {org}")),
        (
            "update",
            "UPDATE",
            format!("OLD.{column} IS NOT {org} OR NEW.{column} IS NOT {org}"),
        ),
        ("delete", "DELETE", format!("OLD.{column} IS NOT {org}")),
    ];
    for (suffix, event, mismatch) in triggers {
        let name = quote(&format!("{}{table}_{suffix}", state::ORG_TRIGGER_PREFIX));
        let sql = format!(
            "CREATE TEMP TRIGGER IF NOT EXISTS {name} BEFORE {event} ON main.{} \
             WHEN {org} IS NOT NULL AND ({mismatch}) BEGIN {refusal}; END",
            quote(table)
        );
        conn.execute_unprepared(&sql).await.map_err(|e| {
            SqlError::Database(format!(
                "cannot install organisation triggers: {}",
                SqlError::from(e)
            ))
        })?;
    }
    Ok(())
}

/// Switches it off again (always call, also after a failed statement).
pub async fn leave(conn: &impl ConnectionTrait) -> Result<(), SqlError> {
    leave_with_denial(conn).await.map(drop)
}

/// [`leave`], also returning the first thing the guard refused since [`enter`] (e.g.
/// `reading table secret`, `calling function load_extension`), to name it in an error.
pub async fn leave_with_denial(conn: &impl ConnectionTrait) -> Result<Option<String>, SqlError> {
    let statement =
        Statement::from_sql_and_values(DbBackend::Sqlite, LEAVE_SQL, [token().to_string().into()]);
    let row = conn
        .query_one_raw(statement)
        .await
        .map_err(|e| control_error("switch off", e))?;
    match row {
        Some(row) => row
            .try_get_by_index::<Option<String>>(0)
            .map_err(|e| control_error("switch off", e)),
        None => Ok(None),
    }
}

/// Maps a failure of a guarded statement: "not authorized" → SqlError::Forbidden (message
/// naming what was refused when SQLite's message does), interrupted → SqlError::Timeout;
/// else None. [`leave_with_denial`] names the refused action in every case.
pub fn classify(error: &DbErr) -> Option<SqlError> {
    let sqlx_error = match error {
        DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e))
        | DbErr::Conn(RuntimeErr::SqlxError(e)) => e,
        _ => return None,
    };
    let database = sqlx_error.as_database_error()?;
    database.try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()?;
    let code: i32 = database.code()?.parse().ok()?;
    let message = database.message();
    if message.starts_with(ffi::ERROR_PREFIX) {
        // A control function's refusal or an organisation trigger's RAISE.
        return Some(SqlError::Forbidden(forbidden_message(message)));
    }
    // Primary result code: the low byte of the extended one. A refused function call is a
    // plain SQLITE_ERROR "not authorized to use function: …" from the name resolver.
    match code & 0xff {
        libsqlite3_sys::SQLITE_AUTH => Some(SqlError::Forbidden(forbidden_message(message))),
        libsqlite3_sys::SQLITE_INTERRUPT => Some(SqlError::Timeout),
        libsqlite3_sys::SQLITE_ERROR if message.starts_with("not authorized") => {
            Some(SqlError::Forbidden(forbidden_message(message)))
        }
        _ => None,
    }
}

/// A refusal's message for the addon.
fn forbidden_message(sqlite_message: &str) -> String {
    if let Some(own) = sqlite_message.strip_prefix(ffi::ERROR_PREFIX) {
        return format!("the database refused the statement: {own}");
    }
    if let Some(column) = sqlite_message
        .strip_prefix("access to ")
        .and_then(|m| m.strip_suffix(" is prohibited"))
    {
        return format!("the database refused the statement: reading {column} is not allowed");
    }
    if let Some(function) = sqlite_message.strip_prefix("not authorized to use function: ") {
        return format!("the database refused the statement: calling {function} is not allowed");
    }
    "the database refused the statement: it uses a table, function or operation the addon \
     may not use"
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_stable_random_and_checked() {
        assert_eq!(token(), token());
        assert_eq!(token().len(), 64);
        assert!(token_matches(Some(token())));
        assert!(!token_matches(None));
        assert!(!token_matches(Some("")));
        assert!(!token_matches(Some(&token()[1..])));
    }

    #[test]
    fn control_functions_refuse_a_wrong_token() {
        let state = State::default();
        assert!(control_enter(&state, &[Some("guess".into()), Some("{}".into())]).is_err());
        assert!(control_leave(&state, &[None]).is_err());
        assert!(!state.is_active());
    }

    #[test]
    fn forbidden_messages() {
        assert!(forbidden_message("access to secret.x is prohibited").contains("reading secret.x"));
        assert!(forbidden_message("not authorized").contains("may not use"));
        assert!(forbidden_message("metacore guard: no").ends_with(": no"));
        assert!(
            forbidden_message("not authorized to use function: load_extension")
                .contains("calling load_extension")
        );
    }
}
