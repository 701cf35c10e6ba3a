//! The durable delivery queue (`metacore_webhook_deliveries`): deliveries are inserted in
//! the event's transaction (`enqueue_for`, `enqueue_listed`), claimed atomically with a lease
//! ([`claim`]), and finished only by the holder of that lease ([`record`], [`release`]).
//!
//! Every claim gives the row a fresh lease token (`leased_by`) and increments
//! `attempt_count`: the attempt is the claim. [`record`] and [`release`] change the row only
//! while it is still `in_flight` under that token — a worker whose lease expired and was
//! re-claimed by another finds its update refused, so no attempt is recorded twice and no
//! retry is scheduled twice.

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, QueryResult, Value};
use serde_json::{json, Value as Json};
use uuid::Uuid;

use super::{
    now_ms, truncated, DELIVERIES_TABLE, STATUS_DEAD, STATUS_IN_FLIGHT, STATUS_PENDING,
    STATUS_SUCCEEDED, WEBHOOKS_TABLE,
};
use crate::db::statement;
use crate::events::Event;

/// The longest `last_error` kept (the kernel's overflow made rows stick forever).
pub const MAX_ERROR_CHARS: usize = 1000;

/// The longest `response_excerpt` kept, in bytes (cut on a character boundary).
pub const MAX_EXCERPT_BYTES: usize = 2048;

/// A lease never shorter than this, whatever the webhook's timeout.
const MIN_LEASE_MS: i64 = 5_000;

/// The column of a [`subscribers_join`] row naming a webhook (NULL: none).
pub(crate) const SUBSCRIBER_ID: &str = "metacore_webhook_id";
/// The column of a [`subscribers_join`] row holding that webhook's event patterns.
pub(crate) const SUBSCRIBER_EVENTS: &str = "metacore_webhook_events";

/// `LEFT JOIN` of the active, not deleted webhooks of organisation `$1` (as
/// [`SUBSCRIBER_ID`], [`SUBSCRIBER_EVENTS`]): appended to a statement that already returns one
/// row, it reads the webhooks in that statement (one round trip fewer per event).
pub(crate) fn subscribers_join() -> String {
    format!("LEFT JOIN {WEBHOOKS_TABLE} w ON {}", subscribed("$1"))
}

/// True when organisation `org` (a placeholder) has no webhook an event could be queued for
/// (none active and not deleted): a condition for statements that log an event without
/// queueing deliveries.
pub(crate) fn none_subscribed(org: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM {WEBHOOKS_TABLE} w WHERE {})",
        subscribed(org)
    )
}

/// The webhooks `w` an event of organisation `org` (a placeholder) is queued for: active
/// and not deleted.
fn subscribed(org: &str) -> String {
    format!("w.organization_id = {org} AND w.active = TRUE AND w.deleted_at IS NULL")
}

/// Inserts a `pending` delivery of `event` (already appended, with its sequence; `payload`
/// its payload as stored) for every active, not deleted webhook of its organisation whose
/// patterns match — through `txn`, the event's own transaction. `rows` are the webhooks as
/// [`subscribers_join`] reads them: [`SUBSCRIBER_ID`] (NULL for none) and
/// [`SUBSCRIBER_EVENTS`].
pub(crate) async fn enqueue_for(
    txn: &impl ConnectionTrait,
    event: &Event,
    sequence: i64,
    payload: &str,
    rows: &[QueryResult],
) -> Result<usize, DbErr> {
    let mut subscribers = Vec::new();
    for row in rows {
        if let Some(webhook) = row.try_get::<Option<Uuid>>("", SUBSCRIBER_ID)? {
            subscribers.push((webhook, row.try_get("", SUBSCRIBER_EVENTS)?));
        }
    }
    enqueue_to(txn, event, sequence, payload, subscribers).await
}

/// The column of [`subscribers_listed`].
pub(crate) const SUBSCRIBERS: &str = "metacore_webhooks";

/// SQLite: a scalar subquery (as [`SUBSCRIBERS`]) listing the webhooks [`subscribers_join`]
/// joins, as a JSON array of `[id in hex, event patterns]`: appended to the `RETURNING` of
/// a statement, it reads the webhooks in that statement.
pub(crate) fn subscribers_listed() -> String {
    format!(
        "(SELECT json_group_array(json_array(hex(w.id), w.events)) FROM {WEBHOOKS_TABLE} w \
         WHERE {}) AS {SUBSCRIBERS}",
        subscribed("$1")
    )
}

/// [`enqueue_for`] with the organisation's webhooks listed by [`subscribers_listed`].
pub(crate) async fn enqueue_listed(
    txn: &impl ConnectionTrait,
    event: &Event,
    sequence: i64,
    payload: &str,
    listed: &str,
) -> Result<usize, DbErr> {
    let listed: Vec<(String, String)> = serde_json::from_str(listed)
        .map_err(|e| DbErr::Custom(format!("unreadable webhook list: {e}")))?;
    let mut subscribers = Vec::with_capacity(listed.len());
    for (id, patterns) in listed {
        let id = Uuid::parse_str(&id)
            .map_err(|e| DbErr::Custom(format!("unreadable webhook id {id}: {e}")))?;
        subscribers.push((id, patterns));
    }
    enqueue_to(txn, event, sequence, payload, subscribers).await
}

/// Queues `event` for each of `subscribers` (webhook, event patterns as JSON text) whose
/// patterns match it.
async fn enqueue_to(
    txn: &impl ConnectionTrait,
    event: &Event,
    sequence: i64,
    payload: &str,
    subscribers: Vec<(Uuid, String)>,
) -> Result<usize, DbErr> {
    let mut queued = 0;
    for (webhook, patterns) in subscribers {
        let patterns: Vec<String> = serde_json::from_str(&patterns).unwrap_or_default();
        if !super::store::matches_any(&patterns, &event.topic) {
            continue;
        }
        insert(
            txn,
            &NewDelivery {
                id: Uuid::new_v4(),
                webhook_id: webhook,
                organization_id: event.org_id,
                event: &event.topic,
                sequence: Some(sequence),
                occurred_at: &event.occurred_at.to_rfc3339(),
                payload,
            },
            None,
        )
        .await?;
        queued += 1;
    }
    Ok(queued)
}

/// A delivery to insert.
#[derive(Debug, Clone, Copy)]
pub struct NewDelivery<'a> {
    /// Its id (`X-Metacore-Delivery`).
    pub id: Uuid,
    /// The webhook.
    pub webhook_id: Uuid,
    /// The organisation.
    pub organization_id: Uuid,
    /// The event name.
    pub event: &'a str,
    /// The event's sequence (`None` for `webhook.test`).
    pub sequence: Option<i64>,
    /// When the event occurred (RFC 3339).
    pub occurred_at: &'a str,
    /// The event payload, JSON text.
    pub payload: &'a str,
}

/// Inserts `delivery`: `pending` and due now, or — with `lease` (token, lease in ms) —
/// already claimed by that token for its first attempt (synchronous test and replay).
pub async fn insert(
    db: &impl ConnectionTrait,
    delivery: &NewDelivery<'_>,
    lease: Option<(Uuid, i64)>,
) -> Result<(), DbErr> {
    let now = now_ms();
    let sql = format!(
        "INSERT INTO {DELIVERIES_TABLE} (id, webhook_id, organization_id, event, \
         event_sequence, occurred_at, payload, attempt_count, status, next_attempt_at, \
         locked_until, leased_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $10)"
    );
    let (attempts, status, locked_until, leased_by) = match lease {
        Some((token, lease_ms)) => (1i64, STATUS_IN_FLIGHT, Some(now + lease_ms), Some(token)),
        None => (0, STATUS_PENDING, None, None),
    };
    let values: Vec<Value> = vec![
        delivery.id.into(),
        delivery.webhook_id.into(),
        delivery.organization_id.into(),
        delivery.event.into(),
        delivery.sequence.into(),
        delivery.occurred_at.into(),
        delivery.payload.into(),
        attempts.into(),
        status.into(),
        now.into(),
        locked_until.into(),
        leased_by.into(),
    ];
    db.execute_raw(statement(db, &sql, values)).await?;
    Ok(())
}

/// A claimed delivery: one attempt of it, leased to `token`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    /// The delivery id (`X-Metacore-Delivery`, stable across retries).
    pub id: Uuid,
    /// The webhook.
    pub webhook_id: Uuid,
    /// The organisation.
    pub organization_id: Uuid,
    /// The event name.
    pub event: String,
    /// The event's sequence.
    pub sequence: Option<i64>,
    /// When the event occurred (RFC 3339).
    pub occurred_at: String,
    /// The event payload, JSON text.
    pub payload: String,
    /// This attempt's number (1-based).
    pub attempt: i64,
    /// The lease token this attempt holds.
    pub token: Uuid,
}

const CLAIMED_COLUMNS: &str =
    "id, webhook_id, organization_id, event, event_sequence, occurred_at, payload, attempt_count";

fn claimed(row: &QueryResult, token: Uuid) -> Result<Claimed, DbErr> {
    Ok(Claimed {
        id: row.try_get("", "id")?,
        webhook_id: row.try_get("", "webhook_id")?,
        organization_id: row.try_get("", "organization_id")?,
        event: row.try_get("", "event")?,
        sequence: row.try_get("", "event_sequence")?,
        occurred_at: row.try_get("", "occurred_at")?,
        payload: row.try_get("", "payload")?,
        attempt: row.try_get("", "attempt_count")?,
        token,
    })
}

/// Claims at most `limit` due deliveries for one attempt each: `pending` ones whose
/// `next_attempt_at` has come, and `in_flight` ones whose lease expired (their worker
/// died). Each gets a new lease token, `attempt_count + 1` and `locked_until` = now + twice
/// its webhook's timeout. PostgreSQL skips rows other claimers hold (`FOR UPDATE SKIP
/// LOCKED`); SQLite runs the statement inside `BEGIN IMMEDIATE`.
pub async fn claim(db: &DatabaseConnection, limit: u64) -> Result<Vec<Claimed>, DbErr> {
    let token = Uuid::new_v4();
    let now = now_ms();
    let backend = db.get_database_backend();
    let lock = if backend == DatabaseBackend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE {DELIVERIES_TABLE} SET status = $1, attempt_count = attempt_count + 1, \
         leased_by = $2, locked_until = $3 + COALESCE((SELECT 2000 * w.timeout_sec \
         FROM {WEBHOOKS_TABLE} w WHERE w.id = {DELIVERIES_TABLE}.webhook_id), 0) \
         WHERE id IN (SELECT id FROM {DELIVERIES_TABLE} \
         WHERE (status = $4 AND next_attempt_at <= $5) OR (status = $1 AND locked_until < $5) \
         ORDER BY next_attempt_at LIMIT $6{lock}) \
         RETURNING {CLAIMED_COLUMNS}"
    );
    let values: Vec<Value> = vec![
        STATUS_IN_FLIGHT.into(),
        token.into(),
        (now + MIN_LEASE_MS).into(),
        STATUS_PENDING.into(),
        now.into(),
        (limit as i64).into(),
    ];
    let rows = if backend == DatabaseBackend::Postgres {
        db.query_all_raw(statement(db, &sql, values)).await?
    } else {
        // SQLite has one writer: look before taking the write lock, so idle workers never
        // hold it (a row due now is still claimed under the lock, atomically).
        let due = format!(
            "SELECT 1 AS due FROM {DELIVERIES_TABLE} WHERE (status = $1 AND next_attempt_at \
             <= $2) OR (status = $3 AND locked_until < $2) LIMIT 1"
        );
        let probe: Vec<Value> = vec![STATUS_PENDING.into(), now.into(), STATUS_IN_FLIGHT.into()];
        if db
            .query_one_raw(statement(db, &due, probe))
            .await?
            .is_none()
        {
            return Ok(Vec::new());
        }
        let txn = crate::db::begin_write(db).await?;
        let rows = txn.query_all_raw(statement(&txn, &sql, values)).await?;
        txn.commit().await?;
        rows
    };
    rows.iter().map(|row| claimed(row, token)).collect()
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The receiver answered 2xx.
    pub succeeded: bool,
    /// The status it answered, if it answered.
    pub status: Option<u16>,
    /// Why it failed (truncated to [`MAX_ERROR_CHARS`] when recorded).
    pub error: Option<String>,
    /// The start of the response body (at most [`MAX_EXCERPT_BYTES`]).
    pub excerpt: Option<String>,
}

/// What [`record`] made of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Delivered.
    Succeeded,
    /// Failed; due again at the given Unix milliseconds.
    Retry(i64),
    /// Failed for the last time.
    Dead,
    /// The lease was no longer this attempt's: nothing was recorded.
    LeaseLost,
}

impl Recorded {
    /// The `status` the delivery has after it (`None` when nothing was recorded).
    pub fn status(self) -> Option<&'static str> {
        match self {
            Recorded::Succeeded => Some(STATUS_SUCCEEDED),
            Recorded::Retry(_) => Some(STATUS_PENDING),
            Recorded::Dead => Some(STATUS_DEAD),
            Recorded::LeaseLost => None,
        }
    }
}

/// Records `outcome` of attempt `claimed` — only while the row is still in flight under its
/// token — and counts it on the webhook. A failure is retried after `retry_in_ms` unless
/// it was attempt `retry_max` (or `retry_in_ms` is `None`), then the delivery is `dead`.
pub async fn record(
    db: &DatabaseConnection,
    claimed: &Claimed,
    outcome: &Outcome,
    retry_max: i64,
    retry_in_ms: Option<i64>,
) -> Result<Recorded, DbErr> {
    let now = now_ms();
    let result = if outcome.succeeded {
        Recorded::Succeeded
    } else {
        match retry_in_ms {
            Some(wait) if claimed.attempt < retry_max => Recorded::Retry(now + wait),
            _ => Recorded::Dead,
        }
    };
    let next = match result {
        Recorded::Retry(at) => at,
        _ => now,
    };
    let txn = crate::db::begin_write(db).await?;
    let sql = format!(
        "UPDATE {DELIVERIES_TABLE} SET status = $1, locked_until = NULL, next_attempt_at = $2, \
         last_status = $3, last_error = $4, response_excerpt = $5, delivered_at = $6 \
         WHERE id = $7 AND leased_by = $8 AND attempt_count = $9 AND status = $10"
    );
    let values: Vec<Value> = vec![
        result.status().unwrap_or(STATUS_DEAD).into(),
        next.into(),
        outcome.status.map(i64::from).into(),
        outcome
            .error
            .as_deref()
            .map(|e| truncated(e, MAX_ERROR_CHARS))
            .into(),
        outcome.excerpt.clone().into(),
        outcome.succeeded.then_some(now).into(),
        claimed.id.into(),
        claimed.token.into(),
        claimed.attempt.into(),
        STATUS_IN_FLIGHT.into(),
    ];
    let done = txn.execute_raw(statement(&txn, &sql, values)).await?;
    if done.rows_affected() == 0 {
        txn.rollback().await?;
        return Ok(Recorded::LeaseLost);
    }
    let sql = if outcome.succeeded {
        format!(
            "UPDATE {WEBHOOKS_TABLE} SET success_count = success_count + 1, \
             last_triggered_at = $1 WHERE id = $2"
        )
    } else {
        format!(
            "UPDATE {WEBHOOKS_TABLE} SET failure_count = failure_count + 1, \
             last_triggered_at = $1 WHERE id = $2"
        )
    };
    let values: Vec<Value> = vec![chrono::Utc::now().into(), claimed.webhook_id.into()];
    txn.execute_raw(statement(&txn, &sql, values)).await?;
    txn.commit().await?;
    Ok(result)
}

/// Gives up attempt `claimed` without an outcome (shutdown): the row is `pending` and due
/// at once, with the attempt uncounted — only while this attempt still holds it. Whether
/// it was released.
pub async fn release(db: &DatabaseConnection, claimed: &Claimed) -> Result<bool, DbErr> {
    let sql = format!(
        "UPDATE {DELIVERIES_TABLE} SET status = $1, locked_until = NULL, leased_by = NULL, \
         attempt_count = attempt_count - 1, next_attempt_at = $2 \
         WHERE id = $3 AND leased_by = $4 AND attempt_count = $5 AND status = $6"
    );
    let values: Vec<Value> = vec![
        STATUS_PENDING.into(),
        now_ms().into(),
        claimed.id.into(),
        claimed.token.into(),
        claimed.attempt.into(),
        STATUS_IN_FLIGHT.into(),
    ];
    let done = db.execute_raw(statement(db, &sql, values)).await?;
    Ok(done.rows_affected() > 0)
}

/// Marks `claimed` dead without an attempt (its webhook is gone or inactive), with `reason`.
pub async fn abandon(
    db: &DatabaseConnection,
    claimed: &Claimed,
    reason: &str,
) -> Result<(), DbErr> {
    let sql = format!(
        "UPDATE {DELIVERIES_TABLE} SET status = $1, locked_until = NULL, last_error = $2 \
         WHERE id = $3 AND leased_by = $4 AND status = $5"
    );
    let values: Vec<Value> = vec![
        STATUS_DEAD.into(),
        reason.into(),
        claimed.id.into(),
        claimed.token.into(),
        STATUS_IN_FLIGHT.into(),
    ];
    db.execute_raw(statement(db, &sql, values)).await?;
    Ok(())
}

/// The columns of a delivery as the log shows it.
const LOG_COLUMNS: &str = "id, webhook_id, event, event_sequence, occurred_at, payload, \
                           attempt_count, status, next_attempt_at, last_status, last_error, \
                           response_excerpt, created_at, delivered_at";

/// Milliseconds as RFC 3339 (UTC, milliseconds).
fn rfc3339(ms: i64) -> Option<String> {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

fn log_entry(row: &QueryResult) -> Result<Json, DbErr> {
    let payload: String = row.try_get("", "payload")?;
    let status: String = row.try_get("", "status")?;
    let next: i64 = row.try_get("", "next_attempt_at")?;
    let created: i64 = row.try_get("", "created_at")?;
    let delivered: Option<i64> = row.try_get("", "delivered_at")?;
    Ok(json!({
        "id": row.try_get::<Uuid>("", "id")?,
        "webhook_id": row.try_get::<Uuid>("", "webhook_id")?,
        "event": row.try_get::<String>("", "event")?,
        "event_sequence": row.try_get::<Option<i64>>("", "event_sequence")?,
        "occurred_at": row.try_get::<String>("", "occurred_at")?,
        "payload": serde_json::from_str::<Json>(&payload).unwrap_or(Json::Null),
        "attempt_count": row.try_get::<i64>("", "attempt_count")?,
        "next_attempt_at": (status == STATUS_PENDING).then(|| rfc3339(next)).flatten(),
        "status": status,
        "last_status": row.try_get::<Option<i64>>("", "last_status")?,
        "last_error": row.try_get::<Option<String>>("", "last_error")?,
        "response_excerpt": row.try_get::<Option<String>>("", "response_excerpt")?,
        "created_at": rfc3339(created),
        "delivered_at": delivered.and_then(rfc3339),
    }))
}

/// A page of the deliveries of webhook `webhook` of `org`, newest first, optionally only
/// of `event` and in `status`; and how many match in all.
pub async fn logs(
    db: &impl ConnectionTrait,
    org: Uuid,
    webhook: Uuid,
    event: Option<&str>,
    status: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Json>, u64), DbErr> {
    let mut filter = "webhook_id = $1 AND organization_id = $2".to_string();
    let mut values: Vec<Value> = vec![webhook.into(), org.into()];
    if let Some(event) = event {
        values.push(event.into());
        filter.push_str(&format!(" AND event = ${}", values.len()));
    }
    if let Some(status) = status {
        values.push(status.into());
        filter.push_str(&format!(" AND status = ${}", values.len()));
    }
    let count = format!("SELECT COUNT(*) AS n FROM {DELIVERIES_TABLE} WHERE {filter}");
    let total: i64 = match db
        .query_one_raw(statement(db, &count, values.clone()))
        .await?
    {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    let offset = page.saturating_sub(1).saturating_mul(per_page);
    values.push((per_page as i64).into());
    values.push((offset.min(i64::MAX as u64) as i64).into());
    let sql = format!(
        "SELECT {LOG_COLUMNS} FROM {DELIVERIES_TABLE} WHERE {filter} \
         ORDER BY created_at DESC, id DESC LIMIT ${} OFFSET ${}",
        values.len() - 1,
        values.len()
    );
    let rows = db.query_all_raw(statement(db, &sql, values)).await?;
    let entries = rows.iter().map(log_entry).collect::<Result<Vec<_>, _>>()?;
    Ok((entries, total.max(0) as u64))
}

/// The delivery `id` of `org` as the log shows it, or `None`.
pub async fn delivery(
    db: &impl ConnectionTrait,
    org: Uuid,
    id: Uuid,
) -> Result<Option<Json>, DbErr> {
    let sql = format!(
        "SELECT {LOG_COLUMNS} FROM {DELIVERIES_TABLE} WHERE id = $1 AND organization_id = $2"
    );
    match db
        .query_one_raw(statement(db, &sql, vec![id.into(), org.into()]))
        .await?
    {
        Some(row) => log_entry(&row).map(Some),
        None => Ok(None),
    }
}

/// The event of delivery `id` of `org` for a replay: (webhook, event, sequence,
/// occurred_at, payload text), or `None`.
pub async fn replayable(
    db: &impl ConnectionTrait,
    org: Uuid,
    id: Uuid,
) -> Result<Option<(Uuid, String, Option<i64>, String, String)>, DbErr> {
    let sql = format!(
        "SELECT webhook_id, event, event_sequence, occurred_at, payload FROM {DELIVERIES_TABLE} \
         WHERE id = $1 AND organization_id = $2"
    );
    let Some(row) = db
        .query_one_raw(statement(db, &sql, vec![id.into(), org.into()]))
        .await?
    else {
        return Ok(None);
    };
    Ok(Some((
        row.try_get("", "webhook_id")?,
        row.try_get("", "event")?,
        row.try_get("", "event_sequence")?,
        row.try_get("", "occurred_at")?,
        row.try_get("", "payload")?,
    )))
}
