//! Encoding result rows as JSON (`runtime.md` §1.5 value encoding).
//!
//! Integers → numbers; `numeric` → exact strings; floats → numbers; booleans; text; UUIDs as
//! strings; timestamps RFC 3339; dates `YYYY-MM-DD`; `json`/`jsonb` → JSON; bytes →
//! `{"$bytes": "<base64>"}`; NULL → null. Column `type` is the lowercase database type name
//! (on SQLite the declared type, or null). SQLite has no UUID type: a 16-byte blob (how
//! sea-orm stores a UUID there) is returned as a UUID string.

use base64::Engine as _;
use sea_orm::prelude::{ChronoDate, ChronoDateTime, ChronoDateTimeUtc, Decimal};
use sea_orm::sqlx::{self, Column, Row, TypeInfo, ValueRef};
use sea_orm::QueryResult;
use serde_json::{json, Map, Value};

use super::SqlError;

/// One column's name and type.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnInfo {
    /// Column name.
    pub name: String,
    /// Lowercase type name, when known.
    pub type_name: Option<String>,
}

impl ColumnInfo {
    /// `{"name", "type"}`.
    pub fn to_json(&self) -> Value {
        json!({"name": self.name, "type": self.type_name})
    }
}

fn bytes_value(bytes: Vec<u8>) -> Value {
    json!({"$bytes": base64::engine::general_purpose::STANDARD.encode(bytes)})
}

fn decode_error(column: &str, error: sqlx::Error) -> SqlError {
    SqlError::Database(format!("cannot decode column `{column}`: {error}"))
}

/// The columns of a row.
pub fn columns(row: &QueryResult) -> Vec<ColumnInfo> {
    let info = |name: &str, type_name: &str| ColumnInfo {
        name: name.to_string(),
        type_name: (type_name != "NULL").then(|| type_name.to_ascii_lowercase()),
    };
    if let Some(pg) = row.try_as_pg_row() {
        return pg
            .columns()
            .iter()
            .map(|c| info(c.name(), c.type_info().name()))
            .collect();
    }
    if let Some(sqlite) = row.try_as_sqlite_row() {
        return sqlite
            .columns()
            .iter()
            .map(|c| info(c.name(), c.type_info().name()))
            .collect();
    }
    Vec::new()
}

/// A row as a JSON object keyed by column name.
pub fn to_json(row: &QueryResult) -> Result<Value, SqlError> {
    let mut object = Map::new();
    if let Some(pg) = row.try_as_pg_row() {
        for (index, column) in pg.columns().iter().enumerate() {
            object.insert(column.name().to_string(), pg_value(pg, index, column)?);
        }
    } else if let Some(sqlite) = row.try_as_sqlite_row() {
        for (index, column) in sqlite.columns().iter().enumerate() {
            object.insert(
                column.name().to_string(),
                sqlite_value(sqlite, index, column)?,
            );
        }
    }
    Ok(Value::Object(object))
}

fn pg_value(
    row: &sqlx::postgres::PgRow,
    index: usize,
    column: &sqlx::postgres::PgColumn,
) -> Result<Value, SqlError> {
    let name = column.name();
    let raw = row.try_get_raw(index).map_err(|e| decode_error(name, e))?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let err = |e| decode_error(name, e);
    Ok(match column.type_info().name() {
        "BOOL" => json!(row.try_get::<bool, _>(index).map_err(err)?),
        "INT2" => json!(row.try_get::<i16, _>(index).map_err(err)?),
        "INT4" => json!(row.try_get::<i32, _>(index).map_err(err)?),
        "INT8" => json!(row.try_get::<i64, _>(index).map_err(err)?),
        "FLOAT4" => json!(row.try_get::<f32, _>(index).map_err(err)?),
        "FLOAT8" => json!(row.try_get::<f64, _>(index).map_err(err)?),
        "NUMERIC" => json!(row.try_get::<Decimal, _>(index).map_err(err)?.to_string()),
        "UUID" => json!(row
            .try_get::<uuid::Uuid, _>(index)
            .map_err(err)?
            .to_string()),
        "TIMESTAMPTZ" => json!(row
            .try_get::<ChronoDateTimeUtc, _>(index)
            .map_err(err)?
            .to_rfc3339()),
        "TIMESTAMP" => json!(row
            .try_get::<ChronoDateTime, _>(index)
            .map_err(err)?
            .format("%Y-%m-%dT%H:%M:%S%.f")
            .to_string()),
        "DATE" => json!(row
            .try_get::<ChronoDate, _>(index)
            .map_err(err)?
            .to_string()),
        "JSON" | "JSONB" => row.try_get::<Value, _>(index).map_err(err)?,
        "BYTEA" => bytes_value(row.try_get::<Vec<u8>, _>(index).map_err(err)?),
        _ => json!(row.try_get::<String, _>(index).map_err(err)?),
    })
}

fn sqlite_value(
    row: &sqlx::sqlite::SqliteRow,
    index: usize,
    column: &sqlx::sqlite::SqliteColumn,
) -> Result<Value, SqlError> {
    let name = column.name();
    let raw = row.try_get_raw(index).map_err(|e| decode_error(name, e))?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let storage = raw.type_info().name().to_string();
    let declared = column.type_info().name().to_ascii_uppercase();
    let err = |e| decode_error(name, e);
    Ok(match storage.as_str() {
        "INTEGER" | "BOOLEAN" if declared == "BOOLEAN" => {
            json!(row.try_get::<bool, _>(index).map_err(err)?)
        }
        "INTEGER" => json!(row.try_get::<i64, _>(index).map_err(err)?),
        "REAL" => json!(row.try_get::<f64, _>(index).map_err(err)?),
        "BLOB" => {
            let bytes = row.try_get::<Vec<u8>, _>(index).map_err(err)?;
            match uuid::Uuid::from_slice(&bytes) {
                Ok(id) if bytes.len() == 16 => json!(id.to_string()),
                _ => bytes_value(bytes),
            }
        }
        _ => json!(row.try_get::<String, _>(index).map_err(err)?),
    })
}
