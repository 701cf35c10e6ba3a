//! The durable event log (`runtime.md` §8, `http-api.md` §11).
//!
//! Every event — canonical CRUD events of the API and the typed data API, each row of an
//! import, and the events a WASM handler emitted — is appended to [`EVENTS_TABLE`] **in the
//! transaction of the change that caused it**, so a rolled-back write leaves nothing behind and
//! a committed one is never lost, whatever happens to the process afterwards. Each
//! organisation's events are numbered by a gap-free `sequence`: [`SEQUENCES_TABLE`] holds the
//! last number per organisation and is incremented with an upsert inside the same
//! transaction, so a rollback undoes the increment and concurrent writers of one
//! organisation serialise on that row.
//!
//! Each appended event also queues its outbound webhook deliveries in the same transaction
//! (`webhooks::queue`: the organisation's webhooks are read in the statement that takes the
//! sequence), so a committed event is never without them.
//!
//! On PostgreSQL each event is also announced on [`CHANNEL`] when it commits, so the other
//! server processes can hand it to their WebSocket hubs. `GET /api/events`
//! ([`crate::api::events`]) replays the caller's organisation's log by
//! cursor; [`prune`] deletes events older than the retention (`METACORE_EVENT_RETENTION_DAYS`,
//! default 30). The tables are part of the runtime's own ([`create_tables`], run by `migrate`
//! and `serve`); only the host writes them (addon SQL cannot name them).

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement, Value};
use uuid::Uuid;

use crate::db::statement;
use crate::events::Event;
use crate::webhooks::queue;

/// The events, by (organisation, sequence).
pub const EVENTS_TABLE: &str = "metacore_events";

/// The last sequence number given out per organisation.
pub const SEQUENCES_TABLE: &str = "metacore_event_seq";

/// The environment variable setting how many days events are kept.
pub const RETENTION_ENV: &str = "METACORE_EVENT_RETENTION_DAYS";

/// How many days events are kept by default.
pub const DEFAULT_RETENTION_DAYS: u32 = 30;

/// The statements creating the log's tables when missing.
pub fn create_tables(backend: DatabaseBackend) -> Vec<Statement> {
    let (uuid, time) = crate::db::column_types(backend);
    [
        format!(
            "CREATE TABLE IF NOT EXISTS {SEQUENCES_TABLE} (\
             organization_id {uuid} PRIMARY KEY, \
             last BIGINT NOT NULL)"
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS {EVENTS_TABLE} (\
             organization_id {uuid} NOT NULL, \
             sequence BIGINT NOT NULL, \
             name TEXT NOT NULL, \
             producer TEXT NOT NULL, \
             actor_id {uuid}, \
             occurred_at {time} NOT NULL, \
             payload TEXT NOT NULL, \
             PRIMARY KEY (organization_id, sequence))"
        ),
        format!(
            "CREATE INDEX IF NOT EXISTS {EVENTS_TABLE}_occurred_at ON {EVENTS_TABLE} (occurred_at)"
        ),
    ]
    .into_iter()
    .map(|sql| Statement::from_string(backend, sql))
    .collect()
}

/// Reads [`RETENTION_ENV`] through `lookup` (unset or empty: [`DEFAULT_RETENTION_DAYS`]); a
/// value that is not a positive whole number of days is an error naming the variable.
pub fn retention_from(lookup: impl Fn(&str) -> Option<String>) -> Result<u32, String> {
    match lookup(RETENTION_ENV).filter(|v| !v.trim().is_empty()) {
        None => Ok(DEFAULT_RETENTION_DAYS),
        Some(value) => match value.trim().parse::<u32>() {
            Ok(days) if days > 0 => Ok(days),
            _ => Err(format!(
                "{RETENTION_ENV}: `{value}` is not a positive whole number of days"
            )),
        },
    }
}

/// The columns [`append`] writes, in the order of its values.
pub(crate) const LOGGED_COLUMNS: &str =
    "organization_id, sequence, name, producer, actor_id, occurred_at, payload";

/// Appends `event` to the log through `txn` — the transaction of the change that caused it —
/// and gives it its organisation's next sequence number, which is returned (and set on the
/// event, with the number of webhook deliveries it queued).
pub async fn append(txn: &impl ConnectionTrait, event: &mut Event) -> Result<i64, DbErr> {
    let next = format!(
        "INSERT INTO {SEQUENCES_TABLE} (organization_id, last) VALUES ($1, 1) \
         ON CONFLICT (organization_id) DO UPDATE SET last = {SEQUENCES_TABLE}.last + 1 \
         RETURNING last"
    );
    let payload = event.payload.to_string();
    let mut values: Vec<Value> = vec![
        event.org_id.into(),
        event.topic.clone().into(),
        event.producer.clone().into(),
        event.actor_id.into(),
        event.occurred_at.into(),
        payload.clone().into(),
    ];
    let sequence = if txn.get_database_backend() == DatabaseBackend::Postgres {
        // One round trip: the next sequence, the event, its announcement to every other
        // listening process at the commit (never if it rolls back) and the organisation's
        // webhooks to queue it for.
        let sql = format!(
            "WITH next AS ({next}), \
             logged AS (INSERT INTO {EVENTS_TABLE} ({LOGGED_COLUMNS}) VALUES ($1, \
             (SELECT last FROM next), $2, $3, $4, $5, $6) RETURNING sequence), \
             announced AS (SELECT sequence, {announce} AS sent FROM logged) \
             SELECT a.sequence, a.sent, w.id AS {id}, w.events AS {events} FROM announced a {join}",
            id = queue::SUBSCRIBER_ID,
            events = queue::SUBSCRIBER_EVENTS,
            join = queue::subscribers_join(),
            announce = crate::coherence::announce(CHANNEL, "$7 || sequence || $8", "$9"),
        );
        let (before, after) = notice_parts(event.org_id);
        values.extend([before.into(), after.into(), process_id().into()]);
        let rows = txn.query_all_raw(statement(txn, &sql, values)).await?;
        let first = rows.first().ok_or_else(sequence_missing)?;
        let sequence: i64 = first.try_get("", "sequence")?;
        event.deliveries = queue::enqueue_for(txn, event, sequence, &payload, &rows).await?;
        sequence
    } else {
        // The organisation's webhooks come back with the sequence, one statement fewer
        // under SQLite's write lock.
        let next = format!("{next}, {}", queue::subscribers_listed());
        let row = txn
            .query_one_raw(statement(txn, &next, vec![event.org_id.into()]))
            .await?
            .ok_or_else(sequence_missing)?;
        let sequence: i64 = row.try_get("", "last")?;
        let listed: String = row.try_get("", queue::SUBSCRIBERS)?;
        values.insert(1, sequence.into());
        let insert = format!(
            "INSERT INTO {EVENTS_TABLE} ({LOGGED_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        );
        txn.execute_raw(statement(txn, &insert, values)).await?;
        // The outbound webhooks' deliveries of this event, in its transaction (§6.2).
        event.deliveries = queue::enqueue_listed(txn, event, sequence, &payload, &listed).await?;
        sequence
    };
    event.sequence = Some(sequence);
    Ok(sequence)
}

/// The PostgreSQL channel every logged event is announced on at its commit, with the payload
/// `<organisation>:<sequence>:<process>` ([`parse_notice`]): each server process reads the
/// events other processes wrote and hands them to its WebSocket hub ([`crate::coherence`]).
pub const CHANNEL: &str = "metacore_events";

/// This process's id in the notices it sends (on [`CHANNEL`], and the notifications'):
/// what it announced itself, it already handled.
pub(crate) fn process_id() -> Uuid {
    static ID: std::sync::OnceLock<Uuid> = std::sync::OnceLock::new();
    *ID.get_or_init(Uuid::new_v4)
}

/// The error of a sequence statement that returned no row.
fn sequence_missing() -> DbErr {
    DbErr::RecordNotFound("the event sequence was not returned".into())
}

/// The text around the sequence in a notice of `org`'s event: `<org>:` and `:<process>`.
pub(crate) fn notice_parts(org: Uuid) -> (String, String) {
    (format!("{org}:"), format!(":{}", process_id()))
}

/// The organisation and sequence of a [`CHANNEL`] notice written by another process; `None`
/// for this process's own notices and for anything malformed.
pub fn parse_notice(payload: &str) -> Option<(Uuid, i64)> {
    let mut parts = payload.split(':');
    let org = parts.next()?.parse().ok()?;
    let sequence = parts.next()?.parse().ok()?;
    let process: Uuid = parts.next()?.parse().ok()?;
    (process != process_id()).then_some((org, sequence))
}

/// Appends every event of `events` ([`append`]), in order.
pub async fn append_all(txn: &impl ConnectionTrait, events: &mut [Event]) -> Result<(), DbErr> {
    for event in events {
        append(txn, event).await?;
    }
    Ok(())
}

/// The last sequence number given out in `org`'s log (0 before its first event). Every
/// event up to it has committed: a number is taken in the transaction that logs its event,
/// and the organisation's writers take numbers one after the other ([module docs](self)).
pub async fn last_sequence(db: &impl ConnectionTrait, org: Uuid) -> Result<i64, DbErr> {
    let sql = format!("SELECT last FROM {SEQUENCES_TABLE} WHERE organization_id = $1");
    match db
        .query_one_raw(statement(db, &sql, vec![org.into()]))
        .await?
    {
        Some(row) => row.try_get("", "last"),
        None => Ok(0),
    }
}

/// A page of `org`'s log after sequence `after`: at most `limit` events whose name matches
/// one of `patterns` (all when empty; see [`name_matches`]), in sequence order, and whether more
/// follow.
pub async fn read(
    db: &impl ConnectionTrait,
    org: Uuid,
    after: i64,
    limit: u64,
    patterns: &[String],
) -> Result<(Vec<Event>, bool), DbErr> {
    read_until(db, org, after, None, limit, patterns).await
}

/// [`read`], of the events up to sequence `until` only when it is given.
pub async fn read_until(
    db: &impl ConnectionTrait,
    org: Uuid,
    after: i64,
    until: Option<i64>,
    limit: u64,
    patterns: &[String],
) -> Result<(Vec<Event>, bool), DbErr> {
    let mut sql = format!(
        "SELECT sequence, name, producer, actor_id, occurred_at, payload FROM {EVENTS_TABLE} \
         WHERE organization_id = $1 AND sequence > $2"
    );
    let mut values: Vec<Value> = vec![org.into(), after.into()];
    if let Some(until) = until {
        values.push(until.into());
        sql.push_str(&format!(" AND sequence <= ${}", values.len()));
    }
    if !patterns.is_empty() {
        let mut alternatives = Vec::new();
        for pattern in patterns {
            values.push(match pattern.strip_suffix('*') {
                Some(prefix) => format!("{}%", escape_like(prefix)).into(),
                None => escape_like(pattern).into(),
            });
            alternatives.push(format!("name LIKE ${} ESCAPE '\\'", values.len()));
        }
        sql.push_str(&format!(" AND ({})", alternatives.join(" OR ")));
    }
    values.push(((limit + 1) as i64).into());
    sql.push_str(&format!(" ORDER BY sequence LIMIT ${}", values.len()));
    let rows = db.query_all_raw(statement(db, &sql, values)).await?;
    let more = rows.len() as u64 > limit;
    let events = rows
        .iter()
        .take(limit as usize)
        .map(|row| {
            let payload: String = row.try_get("", "payload")?;
            Ok(Event {
                topic: row.try_get("", "name")?,
                org_id: org,
                producer: row.try_get("", "producer")?,
                actor_id: row.try_get("", "actor_id")?,
                payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
                occurred_at: row.try_get::<DateTime<Utc>>("", "occurred_at")?,
                sequence: Some(row.try_get("", "sequence")?),
                deliveries: 0,
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    Ok((events, more))
}

/// Does the event name `name` match `pattern` (`runtime.md` §8): the exact name, `*`, or
/// `prefix.*` (names starting with `prefix.`)?
pub fn name_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

/// `text` with the `LIKE` wildcards and the escape character escaped (`\`).
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Deletes the events that occurred more than `days` days ago; returns how many.
pub async fn prune(db: &impl ConnectionTrait, days: u32) -> Result<u64, DbErr> {
    let cutoff = Utc::now() - ChronoDuration::days(i64::from(days));
    let sql = format!("DELETE FROM {EVENTS_TABLE} WHERE occurred_at < $1");
    let done = db
        .execute_raw(statement(db, &sql, vec![cutoff.into()]))
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_exact_names_star_and_prefixes() {
        assert!(name_matches(
            "tickets.Ticket.created",
            "tickets.Ticket.created"
        ));
        assert!(!name_matches(
            "tickets.Ticket.created",
            "tickets.Ticket.updated"
        ));
        assert!(name_matches("*", "anything.at_all"));
        assert!(name_matches("tickets.*", "tickets.Ticket.created"));
        assert!(!name_matches("tickets.*", "ticketsx.Ticket.created"));
        assert!(!name_matches("tickets.*", "tickets"));
    }

    #[test]
    fn notices_of_this_process_are_skipped() {
        let org = Uuid::new_v4();
        let (before, after) = notice_parts(org);
        assert_eq!(parse_notice(&format!("{before}7{after}")), None);
        let other = format!("{org}:7:{}", Uuid::new_v4());
        assert_eq!(parse_notice(&other), Some((org, 7)));
        assert_eq!(parse_notice("garbage"), None);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(escape_like("a_b%c\\d"), "a\\_b\\%c\\\\d");
    }

    #[test]
    fn retention_is_a_positive_number_of_days() {
        assert_eq!(retention_from(|_| None), Ok(DEFAULT_RETENTION_DAYS));
        assert_eq!(retention_from(|_| Some("7".into())), Ok(7));
        assert!(retention_from(|_| Some("0".into())).is_err());
        assert!(retention_from(|_| Some("a week".into()))
            .expect_err("nonsense")
            .contains(RETENTION_ENV));
    }
}
