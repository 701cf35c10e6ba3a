//! The addon key-value store (`runtime.md` §1.5 `kv_*`).
//!
//! Table `metacore_kv(addon_key, organization_id, key, value, updated_at)`, primary key
//! `(addon_key, organization_id, key)`, in the application database. A [`Namespace`] is the
//! pair (addon key, organisation) the host takes from the store — never from the guest.
//! Keys are 1–256 bytes without NUL; keys starting with `__` are reserved for the host.
//! Values are JSON text of at most 64 KiB; a namespace holds at most 10 000 keys and 16 MiB.

use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement, Value};
use uuid::Uuid;

use crate::db::statement;

const MAX_KEY_BYTES: usize = 256;
const MAX_VALUE_BYTES: usize = 64 * 1024;
const MAX_KEYS: i64 = 10_000;
const MAX_NAMESPACE_BYTES: i64 = 16 * 1024 * 1024;

/// Whose store it is.
#[derive(Debug, Clone, Copy)]
pub struct Namespace<'a> {
    /// The addon.
    pub addon_key: &'a str,
    /// The organisation.
    pub org_id: Uuid,
}

/// Why a key-value operation failed; [`KvError::code`] is the envelope code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KvError {
    /// Empty, too long or NUL-containing key.
    #[error("keys are 1–256 bytes of UTF-8 without NUL")]
    InvalidKey,
    /// A `__` key.
    #[error("keys starting with `__` are reserved for the host")]
    ReservedKey,
    /// Not JSON, or too large.
    #[error("values must be JSON of at most 64 KiB")]
    InvalidValue,
    /// The namespace is full.
    #[error("the namespace holds at most 10 000 keys and 16 MiB")]
    QuotaExceeded,
    /// The database failed.
    #[error("database error: {0}")]
    Database(String),
}

impl KvError {
    /// The envelope error code.
    pub fn code(&self) -> &'static str {
        match self {
            KvError::InvalidKey => "invalid_argument",
            KvError::ReservedKey => "forbidden",
            KvError::InvalidValue => "invalid_value",
            KvError::QuotaExceeded => "quota_exceeded",
            KvError::Database(_) => "db_error",
        }
    }
}

impl From<DbErr> for KvError {
    fn from(error: DbErr) -> Self {
        KvError::Database(error.to_string())
    }
}

/// The statement creating `metacore_kv` when it does not exist; part of the runtime's own
/// tables ([`crate::api::access::bootstrap_statements`]), created by `metacore-app migrate`.
pub fn create_table(backend: DatabaseBackend) -> Statement {
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "CREATE TABLE IF NOT EXISTS metacore_kv (addon_key TEXT NOT NULL, \
             organization_id UUID NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, \
             updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), \
             PRIMARY KEY (addon_key, organization_id, key))"
        }
        _ => {
            "CREATE TABLE IF NOT EXISTS metacore_kv (addon_key TEXT NOT NULL, \
             organization_id UUID NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, \
             updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, \
             PRIMARY KEY (addon_key, organization_id, key))"
        }
    };
    Statement::from_string(backend, sql)
}

/// Checks a guest key.
pub fn check_key(key: &str) -> Result<(), KvError> {
    if key.is_empty() || key.len() > MAX_KEY_BYTES || key.contains('\0') {
        return Err(KvError::InvalidKey);
    }
    if key.starts_with("__") {
        return Err(KvError::ReservedKey);
    }
    Ok(())
}

fn key_values(ns: Namespace<'_>, key: &str) -> Vec<Value> {
    vec![ns.addon_key.into(), ns.org_id.into(), key.into()]
}

const WHERE_KEY: &str = "addon_key = $1 AND organization_id = $2 AND key = $3";

/// The value stored under `key`, when there is one.
pub async fn get(
    db: &impl ConnectionTrait,
    ns: Namespace<'_>,
    key: &str,
) -> Result<Option<serde_json::Value>, KvError> {
    check_key(key)?;
    let sql = format!("SELECT value FROM metacore_kv WHERE {WHERE_KEY}");
    let row = db
        .query_one_raw(statement(db, &sql, key_values(ns, key)))
        .await?;
    let Some(row) = row else { return Ok(None) };
    let text: String = row.try_get_by_index(0)?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| KvError::Database(format!("stored value is not JSON: {e}")))
}

/// Stores `value` (JSON text) under `key`, within the namespace quota.
pub async fn set(
    db: &impl ConnectionTrait,
    ns: Namespace<'_>,
    key: &str,
    value: &[u8],
) -> Result<(), KvError> {
    check_key(key)?;
    if value.len() > MAX_VALUE_BYTES || serde_json::from_slice::<serde_json::Value>(value).is_err()
    {
        return Err(KvError::InvalidValue);
    }
    let text = std::str::from_utf8(value).map_err(|_| KvError::InvalidValue)?;
    let length = match db.get_database_backend() {
        DatabaseBackend::Postgres => "OCTET_LENGTH(value)",
        _ => "LENGTH(CAST(value AS BLOB))",
    };
    let usage_sql = format!(
        "SELECT COUNT(*), COALESCE(SUM({length}), 0) FROM metacore_kv \
         WHERE addon_key = $1 AND organization_id = $2 AND key <> $3"
    );
    let usage = db
        .query_one_raw(statement(db, &usage_sql, key_values(ns, key)))
        .await?;
    if let Some(usage) = usage {
        let keys: i64 = usage.try_get_by_index(0)?;
        let bytes: i64 = usage.try_get_by_index(1)?;
        if keys + 1 > MAX_KEYS || bytes + text.len() as i64 > MAX_NAMESPACE_BYTES {
            return Err(KvError::QuotaExceeded);
        }
    }
    let upsert = "INSERT INTO metacore_kv (addon_key, organization_id, key, value, updated_at) \
                  VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP) \
                  ON CONFLICT (addon_key, organization_id, key) \
                  DO UPDATE SET value = excluded.value, updated_at = CURRENT_TIMESTAMP";
    let mut values = key_values(ns, key);
    values.push(text.into());
    db.execute_raw(statement(db, upsert, values)).await?;
    Ok(())
}

/// Deletes every key of `ns` (an uninstall with `drop=true`); how many there were.
pub async fn drop_namespace(db: &impl ConnectionTrait, ns: Namespace<'_>) -> Result<u64, KvError> {
    let sql = "DELETE FROM metacore_kv WHERE addon_key = $1 AND organization_id = $2";
    let result = db
        .execute_raw(statement(
            db,
            sql,
            vec![ns.addon_key.into(), ns.org_id.into()],
        ))
        .await?;
    Ok(result.rows_affected())
}

/// Deletes `key`; true when it existed.
pub async fn delete(
    db: &impl ConnectionTrait,
    ns: Namespace<'_>,
    key: &str,
) -> Result<bool, KvError> {
    check_key(key)?;
    let sql = format!("DELETE FROM metacore_kv WHERE {WHERE_KEY}");
    let result = db
        .execute_raw(statement(db, &sql, key_values(ns, key)))
        .await?;
    Ok(result.rows_affected() > 0)
}
