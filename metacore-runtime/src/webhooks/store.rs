//! The webhooks of an organisation (`metacore_webhooks`): checked input, create, read,
//! update, soft delete and secret rotation. Every function takes the caller's organisation
//! and never reads or changes another's rows (an id of another organisation is simply not
//! found). The signing secret is sealed at rest and bound to its row; it leaves this module
//! only in [`Created`] (create and rotation) and through [`secret_of`] for signing.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Value};
use serde_json::{json, Value as Json};
use url::Url;
use uuid::Uuid;

use super::{DELIVERIES_TABLE, STATUS_DEAD, STATUS_PENDING, WEBHOOKS_TABLE};
use crate::db::statement;
use crate::egress::EgressGuard;
use crate::installations::{self, InstallationError, MasterKey};
use crate::invocation::Secret;

/// The longest name.
pub const MAX_NAME_CHARS: usize = 255;
/// The longest URL.
pub const MAX_URL_CHARS: usize = 2048;
/// The most event patterns of one webhook.
pub const MAX_PATTERNS: usize = 64;
/// The longest event pattern.
pub const MAX_PATTERN_CHARS: usize = 255;
/// The shortest secret a caller may supply.
pub const MIN_SECRET_CHARS: usize = 16;
/// The longest secret a caller may supply.
pub const MAX_SECRET_CHARS: usize = 255;

/// Why a webhook operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// Input that breaks the rules: field → codes with their parameters (a 422).
    #[error("invalid webhook: {0:?}")]
    Invalid(BTreeMap<String, Vec<(&'static str, Json)>>),
    /// No such webhook (or delivery) in the organisation.
    #[error("no such webhook in this organisation")]
    NotFound,
    /// The database failed.
    #[error("database error: {0}")]
    Database(String),
    /// The secret could not be generated, sealed or opened.
    #[error("{0}")]
    Secret(String),
}

impl From<DbErr> for WebhookError {
    fn from(error: DbErr) -> Self {
        WebhookError::Database(error.to_string())
    }
}

impl From<InstallationError> for WebhookError {
    fn from(error: InstallationError) -> Self {
        match error {
            InstallationError::Database(text) => WebhookError::Database(text),
            // Only the kind of failure; the messages never carry the secret.
            other => WebhookError::Secret(
                other
                    .to_string()
                    .replace("installation secret", "webhook secret"),
            ),
        }
    }
}

/// A webhook as stored (never with its secret).
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    /// Its id.
    pub id: Uuid,
    /// The owning organisation.
    pub organization_id: Uuid,
    /// A name for people.
    pub name: String,
    /// Where deliveries are posted.
    pub url: String,
    /// Event patterns: exact names, `*` or `prefix.*`.
    pub events: Vec<String>,
    /// Whether new events are queued for it.
    pub active: bool,
    /// Total attempts of a delivery.
    pub retry_max: i64,
    /// Seconds one attempt may take.
    pub timeout_sec: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
    /// When a delivery last succeeded.
    pub last_triggered_at: Option<DateTime<Utc>>,
    /// Attempts that succeeded.
    pub success_count: i64,
    /// Attempts that failed.
    pub failure_count: i64,
}

impl Webhook {
    /// The API's view: every field but the secret, with `secret_set: true`.
    pub fn to_json(&self) -> Json {
        json!({
            "id": self.id,
            "organization_id": self.organization_id,
            "name": self.name,
            "url": self.url,
            "events": self.events,
            "active": self.active,
            "retry_max": self.retry_max,
            "timeout_sec": self.timeout_sec,
            "secret_set": true,
            "created_at": self.created_at.to_rfc3339(),
            "updated_at": self.updated_at.to_rfc3339(),
            "last_triggered_at": self.last_triggered_at.map(|t| t.to_rfc3339()),
            "success_count": self.success_count,
            "failure_count": self.failure_count,
        })
    }

    /// Does an event named `name` go to this webhook?
    pub fn wants(&self, name: &str) -> bool {
        matches_any(&self.events, name)
    }
}

/// Does `name` match one of `patterns` ([`crate::event_log::name_matches`])?
pub fn matches_any(patterns: &[String], name: &str) -> bool {
    patterns
        .iter()
        .any(|p| crate::event_log::name_matches(p, name))
}

/// A webhook with the secret it was just given: the answer of create and rotation, the only
/// times the secret is shown.
#[derive(Debug)]
pub struct Created {
    /// The webhook.
    pub webhook: Webhook,
    /// Its secret.
    pub secret: Secret,
}

impl Created {
    /// The API's view: the webhook and, this once, `secret`.
    pub fn to_json(&self) -> Json {
        let mut value = self.webhook.to_json();
        value["secret"] = Json::String(self.secret.expose().to_string());
        value
    }
}

/// What a create or an update sets; `None` keeps the current value (create: the default).
#[derive(Debug, Default, Clone)]
pub struct Changes {
    /// `name`.
    pub name: Option<String>,
    /// `url`.
    pub url: Option<String>,
    /// `events`.
    pub events: Option<Vec<String>>,
    /// `active` (default true).
    pub active: Option<bool>,
    /// `retry_max` (default 3, 1–10).
    pub retry_max: Option<i64>,
    /// `timeout_sec` (default 15, 1–60).
    pub timeout_sec: Option<i64>,
}

struct Problems(BTreeMap<String, Vec<(&'static str, Json)>>);

impl Problems {
    fn add(&mut self, field: &str, code: &'static str, params: Json) {
        self.0
            .entry(field.to_string())
            .or_default()
            .push((code, params));
    }
}

/// Checks `changes` (a create when `creating`: `name`, `url` and `events` are required) and
/// a supplied `secret` against the rules of `runtime.md` §6.2; URLs must also pass the
/// egress guard's literal checks (scheme, no userinfo, no refused name or blocked literal
/// address unless allow-listed).
pub fn check(
    changes: &Changes,
    secret: Option<&str>,
    creating: bool,
    guard: &EgressGuard,
) -> Result<(), WebhookError> {
    let mut problems = Problems(BTreeMap::new());
    match &changes.name {
        None if creating => problems.add("name", "required", json!({})),
        Some(name) if name.trim().is_empty() => problems.add("name", "required", json!({})),
        Some(name) if name.chars().count() > MAX_NAME_CHARS => {
            problems.add("name", "max_length", json!({"max": MAX_NAME_CHARS}))
        }
        _ => {}
    }
    match &changes.url {
        None if creating => problems.add("url", "required", json!({})),
        None => {}
        Some(url) if url.chars().count() > MAX_URL_CHARS => {
            problems.add("url", "max_length", json!({"max": MAX_URL_CHARS}))
        }
        Some(url) => match Url::parse(url.trim()) {
            Err(_) => problems.add("url", "invalid_url", json!({})),
            Ok(parsed) => {
                if let Err(refusal) = guard.check_literal(&parsed) {
                    problems.add(
                        "url",
                        "url_not_allowed",
                        json!({"reason": refusal.kind.as_str()}),
                    );
                }
            }
        },
    }
    match &changes.events {
        None if creating => problems.add("events", "required", json!({})),
        None => {}
        Some(events) if events.is_empty() => problems.add("events", "required", json!({})),
        Some(events) if events.len() > MAX_PATTERNS => {
            problems.add("events", "max_items", json!({"max": MAX_PATTERNS}))
        }
        Some(events) => {
            for (index, pattern) in events.iter().enumerate() {
                if !valid_pattern(pattern) {
                    problems.add(&format!("events.{index}"), "invalid_pattern", json!({}));
                }
            }
        }
    }
    if let Some(n) = changes.retry_max {
        if !(1..=10).contains(&n) {
            problems.add("retry_max", "range", json!({"min": 1, "max": 10}));
        }
    }
    if let Some(n) = changes.timeout_sec {
        if !(1..=60).contains(&n) {
            problems.add("timeout_sec", "range", json!({"min": 1, "max": 60}));
        }
    }
    if let Some(secret) = secret {
        let chars = secret.chars().count();
        if !(MIN_SECRET_CHARS..=MAX_SECRET_CHARS).contains(&chars)
            || secret.chars().any(|c| c.is_control() || c.is_whitespace())
        {
            problems.add(
                "secret",
                "invalid_secret",
                json!({"min": MIN_SECRET_CHARS, "max": MAX_SECRET_CHARS}),
            );
        }
    }
    if problems.0.is_empty() {
        Ok(())
    } else {
        Err(WebhookError::Invalid(problems.0))
    }
}

/// An event pattern: an exact name (no `*`), `*`, or `prefix.*`; no spaces or control
/// characters, at most [`MAX_PATTERN_CHARS`].
pub fn valid_pattern(pattern: &str) -> bool {
    if pattern.is_empty()
        || pattern.chars().count() > MAX_PATTERN_CHARS
        || pattern.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return false;
    }
    match pattern.strip_suffix(".*") {
        _ if pattern == "*" => true,
        Some(prefix) => !prefix.is_empty() && !prefix.contains('*'),
        None => !pattern.contains('*'),
    }
}

const COLUMNS: &str = "id, organization_id, name, url, events, active, retry_max, timeout_sec, \
                       created_at, updated_at, last_triggered_at, success_count, failure_count";

fn record(row: &QueryResult) -> Result<Webhook, WebhookError> {
    let events: String = row.try_get("", "events")?;
    Ok(Webhook {
        id: row.try_get("", "id")?,
        organization_id: row.try_get("", "organization_id")?,
        name: row.try_get("", "name")?,
        url: row.try_get("", "url")?,
        events: serde_json::from_str(&events)
            .map_err(|e| WebhookError::Database(format!("malformed events: {e}")))?,
        active: row.try_get("", "active")?,
        retry_max: row.try_get("", "retry_max")?,
        timeout_sec: row.try_get("", "timeout_sec")?,
        created_at: row.try_get("", "created_at")?,
        updated_at: row.try_get("", "updated_at")?,
        last_triggered_at: row.try_get("", "last_triggered_at")?,
        success_count: row.try_get("", "success_count")?,
        failure_count: row.try_get("", "failure_count")?,
    })
}

/// What a webhook's sealed secret is bound to: its row.
fn associated_data(org: Uuid, id: Uuid) -> Vec<u8> {
    format!("{WEBHOOKS_TABLE}:{org}:{id}").into_bytes()
}

/// A secret for a new webhook or a rotation: the caller's, or 32 random bytes as 64 hex.
fn secret_or_new(supplied: Option<&str>) -> Result<Secret, WebhookError> {
    match supplied {
        Some(secret) => Ok(Secret::new(secret)),
        None => Ok(installations::new_secret()?),
    }
}

/// Creates a webhook of `org` from checked `changes` ([`check`]) with `secret` (generated
/// when `None`), sealed under `key`.
pub async fn create(
    db: &impl ConnectionTrait,
    key: Option<&MasterKey>,
    org: Uuid,
    changes: Changes,
    secret: Option<&str>,
) -> Result<Created, WebhookError> {
    let id = Uuid::new_v4();
    let secret = secret_or_new(secret)?;
    let sealed = installations::seal_bound(key, &secret, &associated_data(org, id))?;
    let now = Utc::now();
    let events = changes.events.unwrap_or_default();
    let sql = format!(
        "INSERT INTO {WEBHOOKS_TABLE} (id, organization_id, name, url, events, secret_enc, \
         active, retry_max, timeout_sec, created_at, updated_at, success_count, failure_count) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, 0, 0)"
    );
    let values: Vec<Value> = vec![
        id.into(),
        org.into(),
        changes.name.unwrap_or_default().trim().to_string().into(),
        changes.url.unwrap_or_default().trim().to_string().into(),
        Json::from(events).to_string().into(),
        sealed.into(),
        changes.active.unwrap_or(true).into(),
        changes.retry_max.unwrap_or(3).into(),
        changes.timeout_sec.unwrap_or(15).into(),
        now.into(),
    ];
    db.execute_raw(statement(db, &sql, values)).await?;
    let webhook = get(db, org, id).await?;
    Ok(Created { webhook, secret })
}

/// The webhooks of `org` that are not deleted, oldest first.
pub async fn list(db: &impl ConnectionTrait, org: Uuid) -> Result<Vec<Webhook>, WebhookError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {WEBHOOKS_TABLE} WHERE organization_id = $1 \
         AND deleted_at IS NULL ORDER BY created_at, id"
    );
    let rows = db
        .query_all_raw(statement(db, &sql, vec![org.into()]))
        .await?;
    rows.iter().map(record).collect()
}

/// The webhook `id` of `org` ([`WebhookError::NotFound`] when deleted, missing or another
/// organisation's).
pub async fn get(db: &impl ConnectionTrait, org: Uuid, id: Uuid) -> Result<Webhook, WebhookError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {WEBHOOKS_TABLE} WHERE id = $1 AND organization_id = $2 \
         AND deleted_at IS NULL"
    );
    let row = db
        .query_one_raw(statement(db, &sql, vec![id.into(), org.into()]))
        .await?
        .ok_or(WebhookError::NotFound)?;
    record(&row)
}

/// Applies checked `changes` to the webhook `id` of `org`; the owner never changes.
pub async fn update(
    db: &impl ConnectionTrait,
    org: Uuid,
    id: Uuid,
    changes: Changes,
) -> Result<Webhook, WebhookError> {
    let current = get(db, org, id).await?;
    let sql = format!(
        "UPDATE {WEBHOOKS_TABLE} SET name = $1, url = $2, events = $3, active = $4, \
         retry_max = $5, timeout_sec = $6, updated_at = $7 \
         WHERE id = $8 AND organization_id = $9 AND deleted_at IS NULL"
    );
    let values: Vec<Value> = vec![
        changes
            .name
            .map_or(current.name, |n| n.trim().to_string())
            .into(),
        changes
            .url
            .map_or(current.url, |u| u.trim().to_string())
            .into(),
        Json::from(changes.events.unwrap_or(current.events))
            .to_string()
            .into(),
        changes.active.unwrap_or(current.active).into(),
        changes.retry_max.unwrap_or(current.retry_max).into(),
        changes.timeout_sec.unwrap_or(current.timeout_sec).into(),
        Utc::now().into(),
        id.into(),
        org.into(),
    ];
    let done = db.execute_raw(statement(db, &sql, values)).await?;
    if done.rows_affected() == 0 {
        return Err(WebhookError::NotFound);
    }
    get(db, org, id).await
}

/// Soft-deletes the webhook `id` of `org` (it stops receiving events and disappears from
/// the API) and kills its pending deliveries (`dead`, with the reason as `last_error`).
pub async fn delete(db: &impl ConnectionTrait, org: Uuid, id: Uuid) -> Result<(), WebhookError> {
    let now = Utc::now();
    let sql = format!(
        "UPDATE {WEBHOOKS_TABLE} SET deleted_at = $1, updated_at = $1, active = $2 \
         WHERE id = $3 AND organization_id = $4 AND deleted_at IS NULL"
    );
    let values: Vec<Value> = vec![now.into(), false.into(), id.into(), org.into()];
    if db
        .execute_raw(statement(db, &sql, values))
        .await?
        .rows_affected()
        == 0
    {
        return Err(WebhookError::NotFound);
    }
    let sql = format!(
        "UPDATE {DELIVERIES_TABLE} SET status = $1, last_error = $2, locked_until = NULL \
         WHERE webhook_id = $3 AND organization_id = $4 AND status = $5"
    );
    let values: Vec<Value> = vec![
        STATUS_DEAD.into(),
        "the webhook was deleted".into(),
        id.into(),
        org.into(),
        STATUS_PENDING.into(),
    ];
    db.execute_raw(statement(db, &sql, values)).await?;
    Ok(())
}

/// Gives the webhook `id` of `org` a new generated secret, sealed under `key`; the old one
/// stops signing at once. The new secret is returned this once.
pub async fn rotate_secret(
    db: &impl ConnectionTrait,
    key: Option<&MasterKey>,
    org: Uuid,
    id: Uuid,
) -> Result<Created, WebhookError> {
    let secret = secret_or_new(None)?;
    let sealed = installations::seal_bound(key, &secret, &associated_data(org, id))?;
    let sql = format!(
        "UPDATE {WEBHOOKS_TABLE} SET secret_enc = $1, updated_at = $2 \
         WHERE id = $3 AND organization_id = $4 AND deleted_at IS NULL"
    );
    let values: Vec<Value> = vec![sealed.into(), Utc::now().into(), id.into(), org.into()];
    if db
        .execute_raw(statement(db, &sql, values))
        .await?
        .rows_affected()
        == 0
    {
        return Err(WebhookError::NotFound);
    }
    let webhook = get(db, org, id).await?;
    Ok(Created { webhook, secret })
}

/// What a worker needs of a webhook to attempt a delivery: the webhook (deleted ones too,
/// `deleted` says so) and its opened secret.
#[derive(Debug)]
pub struct Target {
    /// The webhook.
    pub webhook: Webhook,
    /// Whether it was deleted.
    pub deleted: bool,
    /// Its signing secret.
    pub secret: Secret,
}

/// The webhook `id` (of any organisation, deleted or not) with its secret opened under
/// `key`; `None` when there is no such row.
pub async fn secret_of(
    db: &impl ConnectionTrait,
    key: Option<&MasterKey>,
    id: Uuid,
) -> Result<Option<Target>, WebhookError> {
    let sql =
        format!("SELECT {COLUMNS}, secret_enc, deleted_at FROM {WEBHOOKS_TABLE} WHERE id = $1");
    let Some(row) = db
        .query_one_raw(statement(db, &sql, vec![id.into()]))
        .await?
    else {
        return Ok(None);
    };
    let webhook = record(&row)?;
    let sealed: String = row.try_get("", "secret_enc")?;
    let deleted: Option<DateTime<Utc>> = row.try_get("", "deleted_at")?;
    let secret = installations::open_bound(
        key,
        &sealed,
        &associated_data(webhook.organization_id, webhook.id),
    )?;
    Ok(Some(Target {
        webhook,
        deleted: deleted.is_some(),
        secret,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(url: &str, events: &[&str]) -> Changes {
        Changes {
            name: Some("n".into()),
            url: Some(url.into()),
            events: Some(events.iter().map(|e| e.to_string()).collect()),
            ..Changes::default()
        }
    }

    fn codes(result: Result<(), WebhookError>) -> Vec<String> {
        match result {
            Ok(()) => Vec::new(),
            Err(WebhookError::Invalid(fields)) => fields
                .into_iter()
                .flat_map(|(f, c)| c.into_iter().map(move |(code, _)| format!("{f}:{code}")))
                .collect(),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn patterns_are_exact_names_star_or_prefixes() {
        for good in ["*", "tickets.*", "tickets.Ticket.created", "a.b.*"] {
            assert!(valid_pattern(good), "{good}");
        }
        for bad in ["", "ti*ckets", "*.created", ".*", "a b", "tickets*"] {
            assert!(!valid_pattern(bad), "{bad}");
        }
    }

    #[test]
    fn urls_are_checked_when_stored() {
        let strict = EgressGuard::strict();
        let guard = |g: &EgressGuard, url: &str| codes(check(&changes(url, &["*"]), None, true, g));
        assert!(guard(&strict, "https://hooks.example.com/x").is_empty());
        for bad in [
            "ftp://hooks.example.com/",
            "https://user:pw@hooks.example.com/",
            "http://127.0.0.1:9/",
            "http://localhost/",
            "http://10.1.2.3/",
            "not a url",
        ] {
            assert!(!guard(&strict, bad).is_empty(), "{bad}");
        }
        let allowed = EgressGuard::with_allow_list("127.0.0.1").expect("a list");
        assert!(guard(&allowed, "http://127.0.0.1:9/").is_empty());
    }

    #[test]
    fn every_rule_has_its_code() {
        let guard = EgressGuard::strict();
        let all = codes(check(
            &Changes {
                retry_max: Some(11),
                timeout_sec: Some(0),
                events: Some(vec![]),
                ..Changes::default()
            },
            Some("short"),
            true,
            &guard,
        ));
        for code in [
            "name:required",
            "url:required",
            "events:required",
            "retry_max:range",
            "timeout_sec:range",
            "secret:invalid_secret",
        ] {
            assert!(all.contains(&code.to_string()), "{code} in {all:?}");
        }
        // An update changes only what it names.
        assert!(codes(check(&Changes::default(), None, false, &guard)).is_empty());
    }
}
