//! `db_query` / `db_exec`: addon SQL confined to its own tables and organisation.
//!
//! `confine` parses and rewrites the statement against a [`Catalog`] of reachable tables;
//! [`args`] decodes the JSON arguments; [`run`] executes the result with the organisation
//! bound as the last parameter, a time limit and row/size limits, and builds the `data` of
//! the success envelope; [`rows`] encodes result rows.

pub mod args;
pub mod catalog;
pub mod confine;
pub mod functions;
pub mod pg_guard;
pub mod rows;
pub mod sqlite_guard;

use std::time::Duration;

use futures_util::StreamExt;
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, RuntimeErr, Statement, StreamTrait, Value};
use serde_json::json;

pub use catalog::{Catalog, KnownTable, Reachable};

use crate::registry::Registry;
pub use confine::{confine, Confined, Kind};

/// Most rows a statement may return.
const MAX_ROWS: usize = 10_000;
/// Most result bytes (as JSON) a statement may return.
const MAX_RESULT_BYTES: usize = 8 * 1024 * 1024;

/// Why a statement was refused or failed; [`SqlError::code`] is the envelope code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SqlError {
    /// Not allowed SQL, unknown table, denied function.
    #[error("{0}")]
    Invalid(String),
    /// A table or column the addon may not touch.
    #[error("{0}")]
    Forbidden(String),
    /// Bad arguments.
    #[error("{0}")]
    ArgDecode(String),
    /// Placeholder count differs from the argument count.
    #[error("the statement uses {placeholders} placeholders but {args} arguments were given")]
    ArgCountMismatch {
        /// Highest placeholder.
        placeholders: usize,
        /// Arguments given.
        args: usize,
    },
    /// The time limit passed.
    #[error("the statement did not finish in time")]
    Timeout,
    /// Too many rows or bytes.
    #[error("the result exceeds 10 000 rows or 8 MiB; paginate")]
    RowLimit,
    /// The statement needed more of a database resource (temporary-file space) than an
    /// addon statement may use.
    #[error("{0}")]
    ResourceLimit(String),
    /// A constraint failed.
    #[error("{message}")]
    Constraint {
        /// The SQLSTATE (or SQLite extended code).
        sqlstate: String,
        /// Database message.
        message: String,
    },
    /// Any other database failure.
    #[error("{0}")]
    Database(String),
}

impl SqlError {
    /// The envelope error code.
    pub fn code(&self) -> &'static str {
        match self {
            SqlError::Invalid(_) => "invalid_sql",
            SqlError::Forbidden(_) => "forbidden",
            SqlError::ArgDecode(_) => "arg_decode",
            SqlError::ArgCountMismatch { .. } => "arg_count_mismatch",
            SqlError::Timeout => "query_timeout",
            SqlError::RowLimit => "row_limit_exceeded",
            SqlError::ResourceLimit(_) => "limit_exceeded",
            SqlError::Constraint { .. } => "constraint_violation",
            SqlError::Database(_) => "db_error",
        }
    }
}

impl From<DbErr> for SqlError {
    fn from(error: DbErr) -> Self {
        if let Some(guarded) = sqlite_guard::classify(&error) {
            return guarded;
        }
        let sqlx_error = match &error {
            DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
                Some(e.clone())
            }
            _ => None,
        };
        if let Some(database) = sqlx_error.as_ref().and_then(|e| e.as_database_error()) {
            use sea_orm::sqlx::error::ErrorKind;
            let constraint = matches!(
                database.kind(),
                ErrorKind::UniqueViolation
                    | ErrorKind::ForeignKeyViolation
                    | ErrorKind::NotNullViolation
                    | ErrorKind::CheckViolation
            );
            match database.code().as_deref() {
                // statement_timeout
                Some("57014") => return SqlError::Timeout,
                // configuration_limit_exceeded: temp_file_limit
                Some("53400") => return SqlError::ResourceLimit(database.message().to_string()),
                // insufficient privilege (grants, row-level security), read-only transaction
                Some("42501") | Some("25006") => {
                    return SqlError::Forbidden(database.message().to_string())
                }
                _ => {}
            }
            if constraint {
                return SqlError::Constraint {
                    sqlstate: database.code().map(|c| c.to_string()).unwrap_or_default(),
                    message: database.message().to_string(),
                };
            }
            return SqlError::Database(database.message().to_string());
        }
        SqlError::Database(error.to_string())
    }
}

/// Sets up the database guard for the addons of `registry` (part of the app's migration
/// step, `cli::prepare`): roles, grants and row-level security on PostgreSQL
/// ([`pg_guard`]), the tenant tables' organisation views on SQLite ([`sqlite_guard`]).
pub async fn install_guard(db: &impl ConnectionTrait, registry: &Registry) -> Result<(), String> {
    let (addons, tenant) = pg_guard::from_registry(registry);
    install_guard_for(db, &addons, &tenant).await
}

/// [`install_guard`] for explicit grants and tenant tables.
pub async fn install_guard_for(
    db: &impl ConnectionTrait,
    addons: &[pg_guard::AddonGrants],
    tenant: &[pg_guard::TenantTable],
) -> Result<(), String> {
    match ConnectionTrait::get_database_backend(db) {
        DatabaseBackend::Postgres => pg_guard::install_grants(db, addons, tenant).await,
        DatabaseBackend::Sqlite => {
            let pairs: Vec<(String, String)> = tenant
                .iter()
                .map(|t| (t.table.clone(), t.column.clone()))
                .collect();
            sqlite_guard::install_views(db, &pairs)
                .await
                .map_err(|e| format!("cannot create the organisation views: {e}"))
        }
        _ => Ok(()),
    }
}

/// Who runs a statement, for the database-side guard ([`pg_guard`] on PostgreSQL).
#[derive(Debug, Clone, Copy)]
pub struct Runner<'a> {
    /// The addon (its database role).
    pub addon_key: &'a str,
    /// The invocation's organisation, bound as the last parameter when the statement uses
    /// it and set as `app.current_org`.
    pub org_id: uuid::Uuid,
    /// The statement's deadline.
    pub timeout: Duration,
    /// What the database guard lets it reach.
    pub reach: &'a Reach,
}

/// What the database guard lets the statements of one addon reach, from its [`Catalog`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    /// Tables (and SQLite organisation views) it may read, by physical name.
    pub read: Vec<String>,
    /// Tables it may write.
    pub write: Vec<String>,
    /// Tenant tables whose rows it reads only through their organisation view (SQLite).
    pub scoped: Vec<String>,
    /// Key columns of writable tables, `(table, column)` (SQLite's foreign-key checks).
    pub key_columns: Vec<(String, String)>,
    /// Writable tenant tables and their organisation column (SQLite's org triggers).
    pub tenant_writes: Vec<(String, String)>,
}

impl Reach {
    /// The reach of the statements `catalog` resolves.
    pub fn of(catalog: &Catalog<'_>) -> Reach {
        let readable = catalog.reachable(false);
        let writable = catalog.reachable(true);
        let scoped: Vec<String> = readable
            .iter()
            .filter(|t| t.tenancy_column.is_some())
            .map(|t| t.physical.clone())
            .collect();
        let mut read: Vec<String> = readable.into_iter().map(|t| t.physical).collect();
        read.extend(scoped.iter().map(|t| sqlite_guard::org_view(t)));
        Reach {
            read,
            scoped,
            key_columns: writable
                .iter()
                .flat_map(|t| {
                    t.key_columns
                        .iter()
                        .map(|c| (t.physical.clone(), c.clone()))
                })
                .collect(),
            tenant_writes: writable
                .iter()
                .filter_map(|t| Some((t.physical.clone(), t.tenancy_column.clone()?)))
                .collect(),
            write: writable.into_iter().map(|t| t.physical).collect(),
        }
    }
}

/// Executes a confined statement with `args` (and the organisation) under the database
/// guard, returning the `data` of the success envelope: `{rows, rowCount, columns}` for
/// reads, `{rowsAffected, returning?}` for writes. Rows are streamed and counted: a result
/// past `MAX_ROWS` rows or `MAX_RESULT_BYTES` is refused before more is read.
pub async fn run<C>(
    db: &C,
    kind: Kind,
    confined: &Confined,
    mut args: Vec<Value>,
    runner: Runner<'_>,
) -> Result<serde_json::Value, SqlError>
where
    C: ConnectionTrait + StreamTrait,
{
    if confined.binds_org {
        args.push(runner.org_id.into());
    }
    let backend = ConnectionTrait::get_database_backend(db);
    let statement = Statement::from_sql_and_values(backend, &confined.sql, args);
    let read_only = kind == Kind::Query;
    match backend {
        DatabaseBackend::Postgres => {
            pg_guard::enter(
                db,
                runner.addon_key,
                runner.org_id,
                runner.timeout,
                read_only,
            )
            .await?
        }
        DatabaseBackend::Sqlite => {
            if !read_only {
                // The database refuses writes of another organisation's rows by itself.
                for (table, column) in &runner.reach.tenant_writes {
                    sqlite_guard::enforce_org(db, table, column).await?;
                }
            }
            // Lets a statement whose refusal is only known after it ran be undone.
            db.execute_unprepared(&format!("SAVEPOINT {SQLITE_SAVEPOINT}"))
                .await?;
            let org = runner.org_id.to_string();
            let reach = runner.reach;
            let confinement = sqlite_guard::Confinement {
                read: &reach.read,
                write: if read_only { &[] } else { &reach.write },
                read_only,
                timeout: runner.timeout,
                org: &org,
                scoped: &reach.scoped,
                key_columns: &reach.key_columns,
            };
            if let Err(error) = sqlite_guard::enter(db, &confinement).await {
                sqlite_release(db, false).await?;
                return Err(error);
            }
        }
        _ => {}
    }
    let work = async {
        if confined.returns_rows {
            read_rows(db, statement, kind).await
        } else {
            let result = db.execute_raw(statement).await?;
            Ok(json!({"rowsAffected": result.rows_affected()}))
        }
    };
    // The database enforces the deadline (statement_timeout, the SQLite progress handler);
    // this backs it up.
    let result = tokio::time::timeout(runner.timeout + Duration::from_millis(250), work)
        .await
        .unwrap_or(Err(SqlError::Timeout));
    match backend {
        DatabaseBackend::Postgres => {
            pg_guard::leave(db, result.is_ok() && kind == Kind::Exec).await?;
            result
        }
        DatabaseBackend::Sqlite => {
            let denial = sqlite_guard::leave_with_denial(db).await?;
            let result = match (result, denial) {
                // Refused while preparing, or found only once it ran: either way refused.
                (Err(SqlError::Forbidden(_)) | Ok(_), Some(denied)) => Err(SqlError::Forbidden(
                    format!("the database refused {denied}"),
                )),
                (result, _) => result,
            };
            sqlite_release(db, result.is_ok()).await?;
            result
        }
        _ => result,
    }
}

/// The savepoint each addon statement runs in on SQLite.
const SQLITE_SAVEPOINT: &str = "metacore_statement";

/// Closes the statement's savepoint: keeps its effects, or undoes them.
async fn sqlite_release<C: ConnectionTrait>(db: &C, keep: bool) -> Result<(), SqlError> {
    let sql = if keep {
        format!("RELEASE SAVEPOINT {SQLITE_SAVEPOINT}")
    } else {
        format!("ROLLBACK TO SAVEPOINT {SQLITE_SAVEPOINT}; RELEASE SAVEPOINT {SQLITE_SAVEPOINT}")
    };
    db.execute_unprepared(&sql)
        .await
        .map(drop)
        .map_err(SqlError::from)
}

/// Streams the rows of `statement`, stopping at the first row past the limits.
async fn read_rows<C>(
    db: &C,
    statement: Statement,
    kind: Kind,
) -> Result<serde_json::Value, SqlError>
where
    C: ConnectionTrait + StreamTrait,
{
    let stream = db.stream_raw(statement).await?;
    let mut stream = std::pin::pin!(stream);
    let mut size = 0usize;
    let mut encoded = Vec::new();
    let mut columns = None;
    while let Some(row) = stream.next().await {
        let row = row?;
        if encoded.len() == MAX_ROWS {
            return Err(SqlError::RowLimit);
        }
        let value = rows::to_json(&row)?;
        size += value.to_string().len();
        if size > MAX_RESULT_BYTES {
            return Err(SqlError::RowLimit);
        }
        if columns.is_none() {
            columns = Some(
                rows::columns(&row)
                    .iter()
                    .map(rows::ColumnInfo::to_json)
                    .collect::<Vec<_>>(),
            );
        }
        encoded.push(value);
    }
    let count = encoded.len();
    Ok(match kind {
        Kind::Query => json!({
            "rows": encoded,
            "rowCount": count,
            "columns": columns.unwrap_or_default(),
        }),
        Kind::Exec => json!({"rowsAffected": count, "returning": encoded}),
    })
}
