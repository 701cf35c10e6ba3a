//! Addon installations per organisation (`runtime.md` §9), as far as this version goes: the
//! durable record of each compiled addon installed in an organisation and its **install
//! secret**, the key webhook handler calls of that installation are signed with (§6.1).
//!
//! Table `metacore_installations` — a runtime table created by
//! [`crate::api::access::bootstrap_statements`] (so `metacore-app migrate` and `serve` make
//! it), with every column of §9 so the full lifecycle (enable, disable, upgrade, uninstall,
//! bundles) can fill in the rest without altering it:
//!
//! `id` (unique), `organization_id`, `addon_key`, `version`, `status` (`enabled` |
//! `disabled`), `source` (`compiled` | `bundle`), `manifest_sha256`, `module_sha256`,
//! `secret_hash` (`sha256:<hex>`), `secret_enc`, `settings` (JSON text), `webhook_base_url`,
//! `installed_at`, `enabled_at`, `disabled_at`, `updated_at`; primary key
//! (`organization_id`, `addon_key`).
//!
//! * **Lifecycle**: [`insert`], [`set_status`], [`set_version`], [`set_settings`] and
//!   [`delete`] are the row changes of the lifecycle operations, which run them inside their
//!   transaction with the hooks (`crate::api::lifecycle`); an addon compiled into the build
//!   is installed for an organisation on first use the same way.
//! * **The secret**: 32 bytes from the operating system's CSPRNG as 64 lowercase hex
//!   characters, whose ASCII bytes are the HMAC key (§6.1). It is returned once, by
//!   [`rotate_secret`]; listings never carry it; it is never logged ([`Secret`]'s `Debug`
//!   is redacted). Rotation replaces it: the old secret stops verifying at once.
//! * **At rest**: `secret_enc` is the secret sealed with AES-256-GCM under
//!   `METACORE_MASTER_KEY` ([`MasterKey`]; 32 bytes, hex or base64), with a fresh 96-bit
//!   nonce and the (organisation, addon) pair as associated data, so a sealed secret copied
//!   to another row does not open: `aes256gcm:<base64url(nonce ‖ ciphertext ‖ tag)>`.
//!   Without a master key (development; the server warns loudly at start) it is stored as
//!   `plain:<secret>`, as the appendix of `runtime.md` allows. `secret_hash` is
//!   `sha256:<hex>` of the secret in either case.
//! * **`METACORE_WEBHOOK_SECRET`**: the contract knows no process-wide signing secret — the
//!   key is "the installation secret" — so this version drops it: per-installation secrets
//!   always win, and `serve` warns when the variable is still set.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, QueryResult, Statement, Value};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::db::statement;
use crate::invocation::Secret;

/// The table of installations.
pub const TABLE: &str = "metacore_installations";

/// The environment variable holding the key secrets are encrypted with at rest.
pub const MASTER_KEY_ENV: &str = "METACORE_MASTER_KEY";

/// `status` of an installation whose addon runs.
pub const STATUS_ENABLED: &str = "enabled";

/// `status` of an installation whose addon is off for its organisation (data kept).
pub const STATUS_DISABLED: &str = "disabled";

/// `source` of an addon compiled into the build.
pub const SOURCE_COMPILED: &str = "compiled";

/// `source` of an addon installed from a signed bundle.
pub const SOURCE_BUNDLE: &str = "bundle";

const SEALED_PREFIX: &str = "aes256gcm:";
const PLAIN_PREFIX: &str = "plain:";
const NONCE_BYTES: usize = 12;

/// Why an installation operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstallationError {
    /// The database failed.
    #[error("database error: {0}")]
    Database(String),
    /// The operating system's random source failed.
    #[error("no randomness for a new secret: {0}")]
    Random(String),
    /// A stored secret is sealed but the server has no `METACORE_MASTER_KEY`.
    #[error("the installation secret is encrypted and METACORE_MASTER_KEY is not set")]
    MasterKeyMissing,
    /// A stored secret does not open under the master key (wrong key, or a damaged or moved
    /// value).
    #[error("the installation secret does not decrypt under METACORE_MASTER_KEY")]
    Undecryptable,
    /// A stored row is not in the expected shape.
    #[error("malformed installation row: {0}")]
    Malformed(String),
}

impl From<DbErr> for InstallationError {
    fn from(error: DbErr) -> Self {
        InstallationError::Database(error.to_string())
    }
}

/// The 32-byte key secrets are sealed with at rest (`METACORE_MASTER_KEY`). Its `Debug`
/// never shows the key.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

impl MasterKey {
    /// The key written as 64 hex characters or as base64 (standard or URL-safe, padded or
    /// not) of exactly 32 bytes.
    pub fn parse(text: &str) -> Result<MasterKey, String> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).map_err(|e| e.to_string())?
        } else {
            use base64::engine::general_purpose::{
                STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD,
            };
            [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
                .iter()
                .find_map(|engine| engine.decode(text).ok())
                .ok_or_else(|| "neither 64 hex characters nor base64".to_string())?
        };
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|b: Vec<u8>| format!("{} bytes instead of 32", b.len()))?;
        Ok(MasterKey(key))
    }

    /// The key from `METACORE_MASTER_KEY` read through `lookup`: `None` when unset or
    /// empty, an error naming the variable when malformed.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<MasterKey>, String> {
        match lookup(MASTER_KEY_ENV).filter(|v| !v.trim().is_empty()) {
            Some(text) => MasterKey::parse(&text)
                .map(Some)
                .map_err(|e| format!("{MASTER_KEY_ENV}: {e}")),
            None => Ok(None),
        }
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&Key::<Aes256Gcm>::from(self.0))
    }
}

/// `n` bytes from the operating system's CSPRNG.
fn random<const N: usize>() -> Result<[u8; N], InstallationError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| InstallationError::Random(e.to_string()))?;
    Ok(bytes)
}

/// A new install secret: 32 random bytes as 64 lowercase hex characters.
pub fn new_secret() -> Result<Secret, InstallationError> {
    Ok(Secret::new(hex::encode(random::<32>()?)))
}

/// `sha256:<hex>` of `secret`.
pub fn secret_hash(secret: &Secret) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(secret.expose())))
}

/// What the sealed secret is bound to: its row.
fn associated_data(org: Uuid, addon_key: &str) -> Vec<u8> {
    format!("{TABLE}:{org}:{addon_key}").into_bytes()
}

/// `secret` as stored in `secret_enc`: sealed under `key`, or plain without one.
pub fn seal(
    key: Option<&MasterKey>,
    secret: &Secret,
    org: Uuid,
    addon_key: &str,
) -> Result<String, InstallationError> {
    seal_bound(key, secret, &associated_data(org, addon_key))
}

/// `secret` sealed under `key` with `aad` as associated data (what the sealed value is bound
/// to: its row), or `plain:<secret>` without a key. [`seal`] binds install secrets to their
/// (organisation, addon); other runtime secrets (outbound webhooks) bind to their own rows.
pub fn seal_bound(
    key: Option<&MasterKey>,
    secret: &Secret,
    aad: &[u8],
) -> Result<String, InstallationError> {
    let Some(key) = key else {
        return Ok(format!("{PLAIN_PREFIX}{}", secret.expose()));
    };
    let nonce = random::<NONCE_BYTES>()?;
    let sealed = key
        .cipher()
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: secret.expose().as_bytes(),
                aad,
            },
        )
        .map_err(|_| InstallationError::Undecryptable)?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(format!(
        "{SEALED_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(out)
    ))
}

/// The secret stored as `stored` in the row of (`org`, `addon_key`). A plain value opens
/// with or without a key (rows written before the operator set one).
pub fn open(
    key: Option<&MasterKey>,
    stored: &str,
    org: Uuid,
    addon_key: &str,
) -> Result<Secret, InstallationError> {
    open_bound(key, stored, &associated_data(org, addon_key))
}

/// The secret stored as `stored` by [`seal_bound`] with the associated data `aad`.
pub fn open_bound(
    key: Option<&MasterKey>,
    stored: &str,
    aad: &[u8],
) -> Result<Secret, InstallationError> {
    if let Some(plain) = stored.strip_prefix(PLAIN_PREFIX) {
        return Ok(Secret::new(plain));
    }
    let Some(encoded) = stored.strip_prefix(SEALED_PREFIX) else {
        return Err(InstallationError::Malformed(
            "secret_enc has an unknown format".into(),
        ));
    };
    let key = key.ok_or(InstallationError::MasterKeyMissing)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(encoded)
        .map_err(|_| InstallationError::Undecryptable)?;
    if bytes.len() <= NONCE_BYTES {
        return Err(InstallationError::Undecryptable);
    }
    let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
    let nonce: [u8; NONCE_BYTES] = nonce
        .try_into()
        .map_err(|_| InstallationError::Undecryptable)?;
    let plain = key
        .cipher()
        .decrypt(&Nonce::from(nonce), Payload { msg: sealed, aad })
        .map_err(|_| InstallationError::Undecryptable)?;
    String::from_utf8(plain)
        .map(Secret::new)
        .map_err(|_| InstallationError::Undecryptable)
}

/// The statement creating `metacore_installations` when it does not exist; part of the
/// runtime's own tables ([`crate::api::access::bootstrap_statements`]).
pub fn create_table(backend: DatabaseBackend) -> Statement {
    let (uuid, time) = crate::db::column_types(backend);
    let sql = format!(
        "CREATE TABLE IF NOT EXISTS {TABLE} (\
         id {uuid} NOT NULL UNIQUE, \
         organization_id {uuid} NOT NULL, \
         addon_key TEXT NOT NULL, \
         version TEXT NOT NULL, \
         status TEXT NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')), \
         source TEXT NOT NULL DEFAULT 'compiled' CHECK (source IN ('compiled', 'bundle')), \
         manifest_sha256 TEXT, \
         module_sha256 TEXT, \
         secret_hash TEXT NOT NULL, \
         secret_enc TEXT NOT NULL, \
         settings TEXT NOT NULL DEFAULT '{{}}', \
         webhook_base_url TEXT, \
         installed_at {time} NOT NULL, \
         enabled_at {time}, \
         disabled_at {time}, \
         updated_at {time} NOT NULL, \
         PRIMARY KEY (organization_id, addon_key))"
    );
    Statement::from_string(backend, sql)
}

/// The PostgreSQL channel a change of an installation (its secret, status or settings) is
/// announced on; the payload is the organisation's id. Every server process listens
/// ([`crate::coherence`]) and forgets the installations of that organisation it loaded.
pub const CHANNEL: &str = "metacore_installations";

/// On PostgreSQL, the trigger announcing every change of [`TABLE`] on [`CHANNEL`], whoever
/// makes it (a process, an operator's `psql`). None on SQLite, which one process serves.
pub fn change_notices(backend: DatabaseBackend) -> Vec<Statement> {
    if backend != DatabaseBackend::Postgres {
        return Vec::new();
    }
    [
        format!(
            "CREATE OR REPLACE FUNCTION {TABLE}_changed() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN \
               IF TG_OP = 'DELETE' THEN \
                 PERFORM pg_notify('{CHANNEL}', OLD.organization_id::text); \
               ELSE \
                 PERFORM pg_notify('{CHANNEL}', NEW.organization_id::text); \
               END IF; \
               RETURN NULL; \
             END $$"
        ),
        format!("DROP TRIGGER IF EXISTS {TABLE}_changed ON {TABLE}"),
        format!(
            "CREATE TRIGGER {TABLE}_changed AFTER INSERT OR UPDATE OR DELETE ON {TABLE} \
             FOR EACH ROW EXECUTE FUNCTION {TABLE}_changed()"
        ),
    ]
    .into_iter()
    .map(|sql| Statement::from_string(backend, sql))
    .collect()
}

/// One installation as stored, without its secret.
#[derive(Debug, Clone, PartialEq)]
pub struct InstallationRecord {
    /// Installation id (stable: `X-Metacore-Installation-ID`).
    pub id: Uuid,
    /// The organisation.
    pub organization_id: Uuid,
    /// The addon.
    pub addon_key: String,
    /// The installed version.
    pub version: String,
    /// `enabled` or `disabled`.
    pub status: String,
    /// `compiled` or `bundle`.
    pub source: String,
    /// Settings values by key (JSON object).
    pub settings: serde_json::Value,
    /// Base URL of relative webhook handler URLs (set by the operator).
    pub webhook_base_url: Option<String>,
    /// When it was installed.
    pub installed_at: DateTime<Utc>,
    /// When it was last enabled.
    pub enabled_at: Option<DateTime<Utc>>,
    /// When it was last disabled.
    pub disabled_at: Option<DateTime<Utc>>,
    /// When the row last changed (a rotation changes it).
    pub updated_at: DateTime<Utc>,
}

impl InstallationRecord {
    /// The record as `GET /api/metacore/installations` shows it (`http-api.md` §9.3), with
    /// `settings` as given (the caller masks secret settings); never the secret.
    pub fn to_json(&self, settings: serde_json::Value) -> serde_json::Value {
        let time = |t: &DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        json!({
            "id": self.id.to_string(),
            "organization_id": self.organization_id.to_string(),
            "addon_key": self.addon_key,
            "version": self.version,
            "status": self.status,
            "source": self.source,
            "installed_at": time(&self.installed_at),
            "enabled_at": self.enabled_at.as_ref().map(time),
            "disabled_at": self.disabled_at.as_ref().map(time),
            "updated_at": time(&self.updated_at),
            "settings": settings,
        })
    }
}

const COLUMNS: &str = "id, organization_id, addon_key, version, status, source, settings, \
                       webhook_base_url, installed_at, enabled_at, disabled_at, updated_at";

fn record(row: &QueryResult) -> Result<InstallationRecord, InstallationError> {
    let settings: String = row.try_get("", "settings")?;
    Ok(InstallationRecord {
        id: row.try_get("", "id")?,
        organization_id: row.try_get("", "organization_id")?,
        addon_key: row.try_get("", "addon_key")?,
        version: row.try_get("", "version")?,
        status: row.try_get("", "status")?,
        source: row.try_get("", "source")?,
        settings: serde_json::from_str(&settings)
            .map_err(|e| InstallationError::Malformed(format!("settings: {e}")))?,
        webhook_base_url: row.try_get("", "webhook_base_url")?,
        installed_at: row.try_get("", "installed_at")?,
        enabled_at: row.try_get("", "enabled_at")?,
        disabled_at: row.try_get("", "disabled_at")?,
        updated_at: row.try_get("", "updated_at")?,
    })
}

/// A new installation ([`insert`]).
#[derive(Debug, Clone)]
pub struct NewInstallation<'a> {
    /// The addon key.
    pub key: &'a str,
    /// The installed version.
    pub version: &'a str,
    /// [`SOURCE_COMPILED`] or [`SOURCE_BUNDLE`].
    pub source: &'a str,
    /// The settings, as stored (secret settings sealed).
    pub settings: &'a serde_json::Value,
    /// SHA-256 of the manifest bytes (bundles).
    pub manifest_sha256: Option<&'a str>,
    /// SHA-256 of the backend module (bundles).
    pub module_sha256: Option<&'a str>,
}

/// Inserts the installation of `new` in `org`, `enabled`, with a fresh install secret;
/// returns its record and the secret (shown once).
pub async fn insert(
    db: &impl ConnectionTrait,
    key: Option<&MasterKey>,
    org: Uuid,
    new: &NewInstallation<'_>,
) -> Result<(InstallationRecord, Secret), InstallationError> {
    let secret = new_secret()?;
    let now = Utc::now();
    let id = Uuid::new_v4();
    let sql = format!(
        "INSERT INTO {TABLE} (id, organization_id, addon_key, version, status, source, \
         manifest_sha256, module_sha256, secret_hash, secret_enc, settings, installed_at, \
         enabled_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    );
    let values: Vec<Value> = vec![
        id.into(),
        org.into(),
        new.key.into(),
        new.version.into(),
        STATUS_ENABLED.into(),
        new.source.into(),
        new.manifest_sha256.map(str::to_string).into(),
        new.module_sha256.map(str::to_string).into(),
        secret_hash(&secret).into(),
        seal(key, &secret, org, new.key)?.into(),
        new.settings.to_string().into(),
        now.into(),
        now.into(),
        now.into(),
    ];
    db.execute_raw(statement(db, &sql, values)).await?;
    let record = InstallationRecord {
        id,
        organization_id: org,
        addon_key: new.key.to_string(),
        version: new.version.to_string(),
        status: STATUS_ENABLED.to_string(),
        source: new.source.to_string(),
        settings: new.settings.clone(),
        webhook_base_url: None,
        installed_at: now,
        enabled_at: Some(now),
        disabled_at: None,
        updated_at: now,
    };
    Ok((record, secret))
}

/// Sets the status of the installation of `addon_key` in `org` (and `enabled_at` or
/// `disabled_at`).
pub async fn set_status(
    db: &impl ConnectionTrait,
    org: Uuid,
    addon_key: &str,
    status: &str,
) -> Result<(), InstallationError> {
    let stamp = if status == STATUS_ENABLED {
        "enabled_at"
    } else {
        "disabled_at"
    };
    let now = Utc::now();
    let sql = format!(
        "UPDATE {TABLE} SET status = $1, {stamp} = $2, updated_at = $3 \
         WHERE organization_id = $4 AND addon_key = $5"
    );
    let values: Vec<Value> = vec![
        status.into(),
        now.into(),
        now.into(),
        org.into(),
        addon_key.into(),
    ];
    db.execute_raw(statement(db, &sql, values)).await?;
    Ok(())
}

/// Replaces the settings (as stored) of the installation of `addon_key` in `org`.
pub async fn set_settings(
    db: &impl ConnectionTrait,
    org: Uuid,
    addon_key: &str,
    settings: &serde_json::Value,
) -> Result<(), InstallationError> {
    let sql = format!(
        "UPDATE {TABLE} SET settings = $1, updated_at = $2 \
         WHERE organization_id = $3 AND addon_key = $4"
    );
    let values: Vec<Value> = vec![
        settings.to_string().into(),
        Utc::now().into(),
        org.into(),
        addon_key.into(),
    ];
    db.execute_raw(statement(db, &sql, values)).await?;
    Ok(())
}

/// Records an upgrade of the installation of `addon_key` in `org`: its new version,
/// source, hashes and merged settings.
pub async fn set_version(
    db: &impl ConnectionTrait,
    org: Uuid,
    addon_key: &str,
    new: &NewInstallation<'_>,
) -> Result<(), InstallationError> {
    let sql = format!(
        "UPDATE {TABLE} SET version = $1, source = $2, manifest_sha256 = $3, \
         module_sha256 = $4, settings = $5, updated_at = $6 \
         WHERE organization_id = $7 AND addon_key = $8"
    );
    let values: Vec<Value> = vec![
        new.version.into(),
        new.source.into(),
        new.manifest_sha256.map(str::to_string).into(),
        new.module_sha256.map(str::to_string).into(),
        new.settings.to_string().into(),
        Utc::now().into(),
        org.into(),
        addon_key.into(),
    ];
    db.execute_raw(statement(db, &sql, values)).await?;
    Ok(())
}

/// Deletes the installation of `addon_key` in `org` (its settings and secret with it).
pub async fn delete(
    db: &impl ConnectionTrait,
    org: Uuid,
    addon_key: &str,
) -> Result<(), InstallationError> {
    let sql = format!("DELETE FROM {TABLE} WHERE organization_id = $1 AND addon_key = $2");
    db.execute_raw(statement(db, &sql, vec![org.into(), addon_key.into()]))
        .await?;
    Ok(())
}

/// The installation of `addon_key` in `org` with its secret, when installed.
pub async fn load(
    db: &impl ConnectionTrait,
    key: Option<&MasterKey>,
    org: Uuid,
    addon_key: &str,
) -> Result<Option<(InstallationRecord, Secret)>, InstallationError> {
    let sql = format!(
        "SELECT {COLUMNS}, secret_enc FROM {TABLE} \
         WHERE organization_id = $1 AND addon_key = $2"
    );
    let row = db
        .query_one_raw(statement(db, &sql, vec![org.into(), addon_key.into()]))
        .await?;
    let Some(row) = row else { return Ok(None) };
    let stored: String = row.try_get("", "secret_enc")?;
    let secret = open(key, &stored, org, addon_key)?;
    Ok(Some((record(&row)?, secret)))
}

/// The (addon, version) pairs installed from bundles in any organisation, sorted.
pub async fn bundles(
    db: &impl ConnectionTrait,
) -> Result<Vec<(String, String)>, InstallationError> {
    let sql = format!(
        "SELECT DISTINCT addon_key, version FROM {TABLE} WHERE source = $1 \
         ORDER BY addon_key, version"
    );
    let rows = db
        .query_all_raw(statement(db, &sql, vec![SOURCE_BUNDLE.into()]))
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("", "addon_key")?, row.try_get("", "version")?)))
        .collect()
}

/// The installations of `org`, by addon key; never their secrets.
pub async fn list(
    db: &impl ConnectionTrait,
    org: Uuid,
) -> Result<Vec<InstallationRecord>, InstallationError> {
    let sql =
        format!("SELECT {COLUMNS} FROM {TABLE} WHERE organization_id = $1 ORDER BY addon_key");
    let rows = db
        .query_all_raw(statement(db, &sql, vec![org.into()]))
        .await?;
    rows.iter().map(record).collect()
}

/// Gives the installation of `addon_key` in `org` a new secret and returns it (the only
/// time it is shown); the old one stops verifying at once. `None` when not installed.
pub async fn rotate_secret(
    db: &impl ConnectionTrait,
    key: Option<&MasterKey>,
    org: Uuid,
    addon_key: &str,
) -> Result<Option<Secret>, InstallationError> {
    let secret = new_secret()?;
    let sql = format!(
        "UPDATE {TABLE} SET secret_hash = $1, secret_enc = $2, updated_at = $3 \
         WHERE organization_id = $4 AND addon_key = $5"
    );
    let values: Vec<Value> = vec![
        secret_hash(&secret).into(),
        seal(key, &secret, org, addon_key)?.into(),
        Utc::now().into(),
        org.into(),
        addon_key.into(),
    ];
    let result = db.execute_raw(statement(db, &sql, values)).await?;
    Ok((result.rows_affected() > 0).then_some(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORG: Uuid = Uuid::from_u128(7);

    #[test]
    fn new_secrets_are_64_lowercase_hex_and_differ() {
        let a = new_secret().expect("randomness");
        let b = new_secret().expect("randomness");
        assert_eq!(a.expose().len(), 64);
        assert!(a
            .expose()
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
        assert_ne!(a, b);
        assert!(secret_hash(&a).starts_with("sha256:"));
        assert_eq!(secret_hash(&a).len(), 7 + 64);
    }

    #[test]
    fn sealed_secrets_open_only_under_their_key_and_row() {
        let key = MasterKey::parse(&"ab".repeat(32)).expect("hex key");
        let other = MasterKey::parse(&base64::engine::general_purpose::STANDARD.encode([9u8; 32]))
            .expect("base64 key");
        let secret = new_secret().expect("randomness");
        let sealed = seal(Some(&key), &secret, ORG, "tickets").expect("sealed");
        assert!(sealed.starts_with(SEALED_PREFIX));
        assert!(!sealed.contains(secret.expose()));
        assert_eq!(
            open(Some(&key), &sealed, ORG, "tickets").expect("opens"),
            secret
        );
        assert_eq!(
            open(Some(&other), &sealed, ORG, "tickets"),
            Err(InstallationError::Undecryptable)
        );
        assert_eq!(
            open(Some(&key), &sealed, ORG, "stripe"),
            Err(InstallationError::Undecryptable)
        );
        assert_eq!(
            open(Some(&key), &sealed, Uuid::from_u128(8), "tickets"),
            Err(InstallationError::Undecryptable)
        );
        assert_eq!(
            open(None, &sealed, ORG, "tickets"),
            Err(InstallationError::MasterKeyMissing)
        );
        let again = seal(Some(&key), &secret, ORG, "tickets").expect("sealed");
        assert_ne!(sealed, again, "a fresh nonce every time");
    }

    #[test]
    fn without_a_key_secrets_are_stored_plain_and_still_open_with_one() {
        let secret = new_secret().expect("randomness");
        let stored = seal(None, &secret, ORG, "tickets").expect("plain");
        assert_eq!(stored, format!("plain:{}", secret.expose()));
        let key = MasterKey::parse(&"01".repeat(32)).expect("hex key");
        assert_eq!(open(Some(&key), &stored, ORG, "tickets"), Ok(secret));
        assert!(matches!(
            open(None, "rot13:x", ORG, "tickets"),
            Err(InstallationError::Malformed(_))
        ));
    }

    #[test]
    fn master_keys_must_be_32_bytes() {
        assert!(MasterKey::parse(&"ab".repeat(31)).is_err());
        assert!(MasterKey::parse("not a key").is_err());
        let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([0xfb; 32]);
        assert!(MasterKey::parse(&url_safe).is_ok());
        let env = |v: &'static str| move |_: &str| Some(v.to_string());
        assert!(MasterKey::from_lookup(env("")).expect("empty").is_none());
        let error = MasterKey::from_lookup(env("short")).expect_err("malformed");
        assert!(error.contains(MASTER_KEY_ENV), "{error}");
        assert!(!format!("{:?}", MasterKey([1; 32])).contains('1'));
    }
}
