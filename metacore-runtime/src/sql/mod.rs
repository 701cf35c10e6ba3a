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
pub mod rows;
pub mod sqlite_guard;

use std::time::Duration;

use sea_orm::{ConnectionTrait, DbErr, RuntimeErr, Statement, Value};
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

/// Executes a confined statement with `args` and the organisation, returning the `data`
/// of the success envelope: `{rows, rowCount, columns}` for reads, `{rowsAffected,
/// returning?}` for writes.
pub async fn run(
    db: &impl ConnectionTrait,
    kind: Kind,
    confined: &Confined,
    mut args: Vec<Value>,
    org_id: uuid::Uuid,
    timeout: Duration,
) -> Result<serde_json::Value, SqlError> {
    args.push(org_id.into());
    let statement = Statement::from_sql_and_values(db.get_database_backend(), &confined.sql, args);
    let work = async {
        if confined.returns_rows {
            let rows = db.query_all_raw(statement).await?;
            if rows.len() > MAX_ROWS {
                return Err(SqlError::RowLimit);
            }
            let mut size = 0usize;
            let mut encoded = Vec::with_capacity(rows.len());
            for row in &rows {
                let value = rows::to_json(row)?;
                size += value.to_string().len();
                if size > MAX_RESULT_BYTES {
                    return Err(SqlError::RowLimit);
                }
                encoded.push(value);
            }
            let columns: Vec<_> = rows
                .first()
                .map(rows::columns)
                .unwrap_or_default()
                .iter()
                .map(rows::ColumnInfo::to_json)
                .collect();
            Ok(match kind {
                Kind::Query => json!({"rows": encoded, "rowCount": rows.len(), "columns": columns}),
                Kind::Exec => json!({"rowsAffected": rows.len(), "returning": encoded}),
            })
        } else {
            let result = db.execute_raw(statement).await?;
            Ok(json!({"rowsAffected": result.rows_affected()}))
        }
    };
    tokio::time::timeout(timeout, work)
        .await
        .unwrap_or(Err(SqlError::Timeout))
}
