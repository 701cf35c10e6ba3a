//! `db_query` / `db_exec`: addon SQL confined to its own tables and organisation.
//!
//! [`confine`] parses and rewrites the statement against a [`Catalog`] of reachable tables;
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

pub use catalog::{Catalog, KnownTable};
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
            SqlError::Constraint { .. } => "constraint_violation",
            SqlError::Database(_) => "db_error",
        }
    }
}

impl From<DbErr> for SqlError {
    fn from(error: DbErr) -> Self {
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
}

/// Executes a confined statement with `args` (and the organisation) under the database
/// guard, returning the `data` of the success envelope: `{rows, rowCount, columns}` for
/// reads, `{rowsAffected, returning?}` for writes. Rows are streamed and counted: a result
/// past [`MAX_ROWS`] rows or [`MAX_RESULT_BYTES`] is refused before more is read.
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
    let postgres = backend == DatabaseBackend::Postgres;
    if postgres {
        pg_guard::enter(
            db,
            runner.addon_key,
            runner.org_id,
            runner.timeout,
            kind == Kind::Query,
        )
        .await?;
    }
    let work = async {
        if confined.returns_rows {
            read_rows(db, statement, kind).await
        } else {
            let result = db.execute_raw(statement).await?;
            Ok(json!({"rowsAffected": result.rows_affected()}))
        }
    };
    // The database enforces the deadline (statement_timeout); this backs it up.
    let result = tokio::time::timeout(runner.timeout + Duration::from_millis(250), work)
        .await
        .unwrap_or(Err(SqlError::Timeout));
    if postgres {
        pg_guard::leave(db, result.is_ok() && kind == Kind::Exec).await?;
    }
    result
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
