//! The notifications table: insert (once per user, rule and event), read, mark read.

use std::collections::HashSet;

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, QueryResult, Statement, Value,
};
use serde_json::{json, Value as Json};
use uuid::Uuid;

use super::CHANNEL;
use crate::db::statement;
use crate::event_log::process_id;

/// The notifications, one row per recipient.
pub const TABLE: &str = "metacore_notifications";

/// One user's notification.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// Its id.
    pub id: Uuid,
    /// The organisation.
    pub organization_id: Uuid,
    /// The recipient.
    pub user_id: Uuid,
    /// The addon whose rule made it.
    pub addon_key: String,
    /// The rule's key.
    pub rule: String,
    /// The event it was made for.
    pub event_sequence: i64,
    /// Rendered title.
    pub title: String,
    /// Rendered body.
    pub message: Option<String>,
    /// `info`, `success`, `warning` or `error`.
    pub kind: String,
    /// Rendered deep link.
    pub link: Option<String>,
    /// Icon key.
    pub icon: Option<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When its user read it.
    pub read_at: Option<DateTime<Utc>>,
}

impl Notification {
    /// The `NOTIFICATION` frame's payload, the shape of the React runtime.
    pub fn frame(&self) -> Json {
        json!({
            "id": self.id,
            "title": self.title,
            "message": self.message,
            "type": self.kind,
            "link": self.link,
            "icon": self.icon,
        })
    }

    /// The API's representation: the frame's members and the rest.
    pub fn to_json(&self) -> Json {
        let mut value = self.frame();
        if let Json::Object(map) = &mut value {
            map.insert("addon".into(), json!(self.addon_key));
            map.insert("rule".into(), json!(self.rule));
            map.insert("event_sequence".into(), json!(self.event_sequence));
            map.insert("created_at".into(), json!(self.created_at.to_rfc3339()));
            map.insert(
                "read_at".into(),
                json!(self.read_at.map(|at| at.to_rfc3339())),
            );
            map.insert("read".into(), json!(self.read_at.is_some()));
        }
        value
    }

    fn from_row(row: &QueryResult) -> Result<Notification, DbErr> {
        Ok(Notification {
            id: row.try_get("", "id")?,
            organization_id: row.try_get("", "organization_id")?,
            user_id: row.try_get("", "user_id")?,
            addon_key: row.try_get("", "addon_key")?,
            rule: row.try_get("", "rule")?,
            event_sequence: row.try_get("", "event_sequence")?,
            title: row.try_get("", "title")?,
            message: row.try_get("", "message")?,
            kind: row.try_get("", "kind")?,
            link: row.try_get("", "link")?,
            icon: row.try_get("", "icon")?,
            created_at: row.try_get("", "created_at")?,
            read_at: row.try_get("", "read_at")?,
        })
    }
}

const COLUMNS: &str = "id, organization_id, user_id, addon_key, rule, event_sequence, title, \
                       message, kind, link, icon, created_at, read_at";

/// The statements creating the table when missing.
pub fn create_tables(backend: DatabaseBackend) -> Vec<Statement> {
    let (uuid, time) = crate::db::column_types(backend);
    [
        format!(
            "CREATE TABLE IF NOT EXISTS {TABLE} (\
             id {uuid} PRIMARY KEY, \
             organization_id {uuid} NOT NULL, \
             user_id {uuid} NOT NULL, \
             addon_key TEXT NOT NULL, \
             rule TEXT NOT NULL, \
             event_sequence BIGINT NOT NULL, \
             title TEXT NOT NULL, \
             message TEXT, \
             kind TEXT NOT NULL, \
             link TEXT, \
             icon TEXT, \
             created_at {time} NOT NULL, \
             read_at {time}, \
             UNIQUE (organization_id, user_id, addon_key, rule, event_sequence))"
        ),
        format!(
            "CREATE INDEX IF NOT EXISTS {TABLE}_inbox ON {TABLE} \
             (organization_id, user_id, created_at)"
        ),
    ]
    .into_iter()
    .map(|sql| Statement::from_string(backend, sql))
    .collect()
}

/// Rows per `INSERT` of [`insert`]: on SQLite 12 parameters each, well under its limit on a
/// statement's parameters; on PostgreSQL one JSON parameter, kept to the same size.
const ROWS_PER_INSERT: usize = 1000;

/// Stores `notifications`, each unless its user already has it for that rule and event;
/// returns the ones stored now. On PostgreSQL each is announced on [`CHANNEL`] at the
/// commit while another process listens ([`crate::coherence`]). One multi-row statement
/// (atomic on its own) up to [`ROWS_PER_INSERT`]; one transaction over several beyond.
pub(crate) async fn insert(
    db: &DatabaseConnection,
    notifications: &[Notification],
) -> Result<Vec<Notification>, DbErr> {
    let stored = if notifications.len() <= ROWS_PER_INSERT {
        insert_rows(db, notifications).await?
    } else {
        let txn = crate::db::begin_write(db).await?;
        let mut stored = HashSet::new();
        for chunk in notifications.chunks(ROWS_PER_INSERT) {
            stored.extend(insert_rows(&txn, chunk).await?);
        }
        txn.commit().await?;
        stored
    };
    Ok(notifications
        .iter()
        .filter(|n| stored.contains(&n.id))
        .cloned()
        .collect())
}

/// One `INSERT` of `notifications`; the ids of the rows it stored.
async fn insert_rows(
    db: &impl ConnectionTrait,
    notifications: &[Notification],
) -> Result<HashSet<Uuid>, DbErr> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        return insert_rows_postgres(db, notifications).await;
    }
    let mut values: Vec<Value> = Vec::with_capacity(notifications.len() * 12 + 1);
    let mut rows = Vec::with_capacity(notifications.len());
    for n in notifications {
        let first = values.len() + 1;
        values.extend([
            n.id.into(),
            n.organization_id.into(),
            n.user_id.into(),
            n.addon_key.clone().into(),
            n.rule.clone().into(),
            n.event_sequence.into(),
            n.title.clone().into(),
            n.message.clone().into(),
            n.kind.clone().into(),
            n.link.clone().into(),
            n.icon.clone().into(),
            n.created_at.into(),
        ]);
        let placeholders: Vec<String> = (first..first + 12).map(|i| format!("${i}")).collect();
        rows.push(format!("({}, NULL)", placeholders.join(", ")));
    }
    let sql = format!(
        "INSERT INTO {TABLE} ({COLUMNS}) VALUES {} {ON_CONFLICT} RETURNING id",
        rows.join(", ")
    );
    let rows = db.query_all_raw(statement(db, &sql, values)).await?;
    rows.iter().map(|row| row.try_get("", "id")).collect()
}

/// The rows an insert leaves out: those their user already has for that rule and event.
const ON_CONFLICT: &str =
    "ON CONFLICT (organization_id, user_id, addon_key, rule, event_sequence) DO NOTHING";

/// [`insert_rows`] on PostgreSQL: the rows as one JSON array (`json_to_recordset`), so that
/// every batch runs the same statement, prepared once per connection. Twelve parameters a
/// row made each batch size a statement of its own, parsed and planned anew (a consumer's
/// batches vary from one event to a hundred).
async fn insert_rows_postgres(
    db: &impl ConnectionTrait,
    notifications: &[Notification],
) -> Result<HashSet<Uuid>, DbErr> {
    let rows: Vec<Json> = notifications
        .iter()
        .map(|n| {
            json!({
                "id": n.id,
                "organization_id": n.organization_id,
                "user_id": n.user_id,
                "addon_key": n.addon_key,
                "rule": n.rule,
                "event_sequence": n.event_sequence,
                "title": n.title,
                "message": n.message,
                "kind": n.kind,
                "link": n.link,
                "icon": n.icon,
                // Microseconds, as PostgreSQL keeps them (and as a bound value is sent).
                "created_at": n.created_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            })
        })
        .collect();
    let announced = crate::coherence::announce(CHANNEL, "made.id::text || $2", "$3");
    let sql = format!(
        "WITH made AS (INSERT INTO {TABLE} ({COLUMNS}) \
         SELECT r.id, r.organization_id, r.user_id, r.addon_key, r.rule, r.event_sequence, \
         r.title, r.message, r.kind, r.link, r.icon, r.created_at, NULL \
         FROM json_to_recordset($1::json) AS r(id uuid, organization_id uuid, user_id uuid, \
         addon_key text, rule text, event_sequence bigint, title text, message text, \
         kind text, link text, icon text, created_at timestamptz) \
         {ON_CONFLICT} RETURNING id) \
         SELECT made.id, {announced} FROM made"
    );
    let values: Vec<Value> = vec![
        Json::Array(rows).to_string().into(),
        format!(":{}", process_id()).into(),
        process_id().into(),
    ];
    let rows = db.query_all_raw(statement(db, &sql, values)).await?;
    rows.iter().map(|row| row.try_get("", "id")).collect()
}

/// The notification id of a [`CHANNEL`] notice from another process: `<id>:<process>`.
pub(crate) fn parse_notice(payload: &str) -> Option<Uuid> {
    let (id, process) = payload.split_once(':')?;
    let process: Uuid = process.parse().ok()?;
    (process != process_id()).then(|| id.parse().ok())?
}

/// The notification `id`.
pub(crate) async fn get(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<Notification>, DbErr> {
    let sql = format!("SELECT {COLUMNS} FROM {TABLE} WHERE id = $1");
    db.query_one_raw(statement(db, &sql, vec![id.into()]))
        .await?
        .map(|row| Notification::from_row(&row))
        .transpose()
}

/// A page of `user`'s notifications in `org`, newest first (only unread ones with
/// `unread_only`), and how many there are in all.
pub async fn list(
    db: &impl ConnectionTrait,
    org: Uuid,
    user: Uuid,
    unread_only: bool,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Notification>, u64), DbErr> {
    let filter = if unread_only {
        " AND read_at IS NULL"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM {TABLE} WHERE organization_id = $1 AND user_id = $2{filter} \
         ORDER BY created_at DESC, event_sequence DESC, id LIMIT $3 OFFSET $4"
    );
    let offset = page.saturating_sub(1).saturating_mul(per_page);
    let values: Vec<Value> = vec![
        org.into(),
        user.into(),
        (per_page as i64).into(),
        (offset.min(i64::MAX as u64) as i64).into(),
    ];
    let rows = db.query_all_raw(statement(db, &sql, values)).await?;
    let items = rows
        .iter()
        .map(Notification::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let count = format!(
        "SELECT COUNT(*) AS n FROM {TABLE} WHERE organization_id = $1 AND user_id = $2{filter}"
    );
    let total = count_of(db, &count, vec![org.into(), user.into()]).await?;
    Ok((items, total))
}

/// How many of `user`'s notifications in `org` are unread.
pub async fn unread_count(db: &impl ConnectionTrait, org: Uuid, user: Uuid) -> Result<u64, DbErr> {
    let sql = format!(
        "SELECT COUNT(*) AS n FROM {TABLE} \
         WHERE organization_id = $1 AND user_id = $2 AND read_at IS NULL"
    );
    count_of(db, &sql, vec![org.into(), user.into()]).await
}

async fn count_of(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Result<u64, DbErr> {
    let n: i64 = match db.query_one_raw(statement(db, sql, values)).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(n.max(0) as u64)
}

/// Marks `user`'s notification `id` in `org` read (kept read when it already was); the
/// notification, or `None` when `user` has no such notification there.
pub async fn mark_read(
    db: &DatabaseConnection,
    org: Uuid,
    user: Uuid,
    id: Uuid,
) -> Result<Option<Notification>, DbErr> {
    let txn = crate::db::begin(db).await?;
    let sql = format!(
        "UPDATE {TABLE} SET read_at = $4 \
         WHERE id = $1 AND organization_id = $2 AND user_id = $3 AND read_at IS NULL"
    );
    txn.execute_raw(statement(
        &txn,
        &sql,
        vec![id.into(), org.into(), user.into(), Utc::now().into()],
    ))
    .await?;
    let found = get(&txn, id)
        .await?
        .filter(|n| n.organization_id == org && n.user_id == user);
    txn.commit().await?;
    Ok(found)
}

/// Marks all of `user`'s unread notifications in `org` read; returns how many.
pub async fn mark_all_read(db: &impl ConnectionTrait, org: Uuid, user: Uuid) -> Result<u64, DbErr> {
    let sql = format!(
        "UPDATE {TABLE} SET read_at = $3 \
         WHERE organization_id = $1 AND user_id = $2 AND read_at IS NULL"
    );
    let done = db
        .execute_raw(statement(
            db,
            &sql,
            vec![org.into(), user.into(), Utc::now().into()],
        ))
        .await?;
    Ok(done.rows_affected())
}
