//! Caches that stay coherent across server processes on one PostgreSQL database.
//!
//! Each process caches callers' capability sets ([`crate::api::access`]) and the addons'
//! installations it loaded — install secret, status, settings ([`crate::installations`]).
//! When the stored grants or an installation change, triggers announce it with `NOTIFY` on
//! [`GRANTS_CHANNEL`] or [`INSTALLATIONS_CHANNEL`] (payload: the organisation), and
//! [`listen`] — one task per process, on a connection of its own — forgets what that
//! organisation had cached, so a revoked grant or a rotated secret takes effect in every
//! process within a round trip, not after the caches' TTL. When the listening connection
//! drops, changes may have been missed: everything cached is forgotten and the task
//! reconnects (the TTLs cover the gap).
//!
//! The same listener receives the events other processes commit ([`EVENTS_CHANNEL`]) and
//! hands them to this process's WebSocket hub, so a socket connected to any process sees the
//! writes made through every other.
//!
//! It also pushes the notifications other processes made to the sockets of their users here
//! ([`crate::notifications`]).
//!
//! Events and notifications are announced only while another process listens: each listening
//! process registers in [`LISTENERS_TABLE`] (renewed every 10 s, lapsing after
//! [`LISTENING_LEASE`], withdrawn by `serve` when it stops: [`deregister`]), and the
//! statements that log an event or store a notification call `pg_notify` only when another
//! process's registration is live (`announce`). A lone process — most deployments — pays
//! nothing for announcements no one reads: each one signalled the listening backend, which
//! read it from PostgreSQL's queue and sent it to this process, which dropped its own (perf
//! during the HTTP benchmark's creates: the signals 3.3 % of all CPU, the listening backend
//! another 3.3 %).
//! A process registers once it listens, so a statement that started before the registration
//! was committed may skip announcing an event the new process would have listened for; that
//! process's event consumers read the log regardless (its WebSocket hub, which may have had
//! no socket yet, misses the event).
//!
//! SQLite has no notifications: there the TTL alone bounds staleness, and the hub sees this
//! process's writes only (SQLite deployments serve from one process).

use std::time::Duration;

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement};
use uuid::Uuid;

use crate::api::access::GRANTS_CHANNEL;
use crate::api::ApiState;
use crate::db::statement;
use crate::event_log::{process_id, CHANNEL as EVENTS_CHANNEL};
use crate::installations::CHANNEL as INSTALLATIONS_CHANNEL;
use crate::notifications::CHANNEL as NOTIFICATIONS_CHANNEL;

/// Starts the listener of `state`'s database (PostgreSQL only; a no-op on SQLite). Resolves
/// once it listens, so that no change made after this returns is missed.
pub async fn listen(state: &ApiState) -> Result<(), String> {
    if state.db().get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let listener = connect(state)
        .await
        .map_err(|e| format!("cannot listen for grant and installation changes: {e}"))?;
    register(state.db(), process_id())
        .await
        .map_err(|e| format!("cannot register as a listening process: {e}"))?;
    let state = state.clone();
    tokio::spawn(async move {
        let mut listener = Some(listener);
        let mut renew = tokio::time::interval(RENEW_EVERY);
        renew.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let mut current = match listener.take() {
                Some(current) => current,
                None => match connect(&state).await {
                    Ok(current) => current,
                    Err(error) => {
                        tracing::warn!(%error, "cannot listen for cache changes; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                },
            };
            // A notice lost while reconnecting would leave stale entries behind.
            state.access_resolver().forget_all();
            state.forget_all_installations();
            loop {
                let received = tokio::select! {
                    received = current.recv() => received,
                    _ = renew.tick() => {
                        if let Err(error) = register(state.db(), process_id()).await {
                            tracing::warn!(%error, "cannot renew this process's listening registration");
                        }
                        continue;
                    }
                };
                match received {
                    Ok(notice) if notice.channel() == EVENTS_CHANNEL => {
                        relay(&state, notice.payload()).await;
                    }
                    Ok(notice) if notice.channel() == NOTIFICATIONS_CHANNEL => {
                        crate::notifications::relay(&state, notice.payload()).await;
                    }
                    Ok(notice) => forget(&state, notice.channel(), notice.payload()),
                    Err(error) => {
                        tracing::warn!(%error, "the cache-change listener dropped; reconnecting");
                        break;
                    }
                }
            }
        }
    });
    Ok(())
}

/// The processes listening for announcements ([module docs](self)): `process_id`, and
/// `listening_until`, when the registration lapses unless renewed (PostgreSQL only).
pub const LISTENERS_TABLE: &str = "metacore_listeners";

/// How long a registration in [`LISTENERS_TABLE`] lasts unless renewed.
pub const LISTENING_LEASE: Duration = Duration::from_secs(30);

/// How often a listening process renews its registration.
const RENEW_EVERY: Duration = Duration::from_secs(10);

/// The statements creating [`LISTENERS_TABLE`] when missing (none on SQLite).
pub fn create_tables(backend: DatabaseBackend) -> Vec<Statement> {
    if backend != DatabaseBackend::Postgres {
        return Vec::new();
    }
    vec![Statement::from_string(
        backend,
        format!(
            "CREATE TABLE IF NOT EXISTS {LISTENERS_TABLE} (\
             process_id UUID PRIMARY KEY, \
             listening_until TIMESTAMPTZ NOT NULL)"
        ),
    )]
}

/// Registers `process` as listening for [`LISTENING_LEASE`] from now (renewing an earlier
/// registration), and removes registrations that lapsed long ago (processes that ended).
/// Another process announces its events and notifications while one is registered.
pub async fn register(db: &impl ConnectionTrait, process: Uuid) -> Result<(), DbErr> {
    let lease = LISTENING_LEASE.as_secs();
    let sql = format!(
        "WITH gone AS (DELETE FROM {LISTENERS_TABLE} \
         WHERE listening_until < now() - interval '1 hour') \
         INSERT INTO {LISTENERS_TABLE} (process_id, listening_until) \
         VALUES ($1, now() + interval '{lease} seconds') \
         ON CONFLICT (process_id) DO UPDATE SET listening_until = excluded.listening_until"
    );
    db.execute_raw(statement(db, &sql, vec![process.into()]))
        .await
        .map(|_| ())
}

/// Withdraws `process`'s registration, when it stops serving: the other processes stop
/// announcing to it at once rather than until its lease lapses (a restarted process would
/// otherwise be announced to for up to [`LISTENING_LEASE`]). Nothing on SQLite.
pub async fn deregister(db: &impl ConnectionTrait, process: Uuid) -> Result<(), DbErr> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let sql = format!("DELETE FROM {LISTENERS_TABLE} WHERE process_id = $1");
    db.execute_raw(statement(db, &sql, vec![process.into()]))
        .await
        .map(|_| ())
}

/// The SQL expression announcing `payload` (an SQL text expression) on `channel` while a
/// process other than the one whose id is bound at `me` (a placeholder) listens, and NULL
/// otherwise: every `pg_notify` of [`EVENTS_CHANNEL`] and [`NOTIFICATIONS_CHANNEL`].
pub(crate) fn announce(channel: &str, payload: &str, me: &str) -> String {
    format!(
        "CASE WHEN EXISTS (SELECT 1 FROM {LISTENERS_TABLE} \
         WHERE process_id <> {me} AND listening_until > now()) \
         THEN pg_notify('{channel}', {payload}) END"
    )
}

/// Hands the event another process committed (a [`EVENTS_CHANNEL`] notice) to this
/// process's WebSocket hub, read back from the log.
async fn relay(state: &ApiState, payload: &str) {
    let Some((org, sequence)) = crate::event_log::parse_notice(payload) else {
        return;
    };
    state.events_logged().notify_waiters();
    match crate::event_log::read(state.db(), org, sequence - 1, 1, &[]).await {
        Ok((events, _)) => {
            for event in events.iter().filter(|e| e.sequence == Some(sequence)) {
                crate::hub::deliver(state.hub(), state.registry(), event);
            }
        }
        Err(error) => tracing::warn!(%error, "cannot read an event another process logged"),
    }
}

/// Forgets what the notice on `channel` about the organisation `payload` makes stale (all of
/// that cache when the payload is not an organisation id).
fn forget(state: &ApiState, channel: &str, payload: &str) {
    let org = payload.parse::<Uuid>().ok();
    match (channel, org) {
        (GRANTS_CHANNEL, Some(org)) => state.access_resolver().forget_organisation(org),
        (GRANTS_CHANNEL, None) => state.access_resolver().forget_all(),
        (INSTALLATIONS_CHANNEL, Some(org)) => state.forget_installations(org),
        _ => state.forget_all_installations(),
    }
}

async fn connect(state: &ApiState) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect_with(state.db().get_postgres_connection_pool()).await?;
    listener
        .listen_all([
            GRANTS_CHANNEL,
            INSTALLATIONS_CHANNEL,
            EVENTS_CHANNEL,
            NOTIFICATIONS_CHANNEL,
        ])
        .await?;
    Ok(listener)
}
