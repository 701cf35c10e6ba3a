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
//! SQLite has no notifications: there the TTL alone bounds staleness, and the hub sees this
//! process's writes only (SQLite deployments serve from one process).

use std::time::Duration;

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::DatabaseBackend;
use uuid::Uuid;

use crate::api::access::GRANTS_CHANNEL;
use crate::api::ApiState;
use crate::event_log::CHANNEL as EVENTS_CHANNEL;
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
    let state = state.clone();
    tokio::spawn(async move {
        let mut listener = Some(listener);
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
                match current.recv().await {
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

/// Hands the event another process committed (a [`EVENTS_CHANNEL`] notice) to this
/// process's WebSocket hub, read back from the log.
async fn relay(state: &ApiState, payload: &str) {
    let Some((org, sequence)) = crate::event_log::parse_notice(payload) else {
        return;
    };
    state.events_logged().notify_waiters();
    match crate::event_log::read(state.db(), org, sequence - 1, 1, &[]).await {
        Ok((events, _)) => {
            for event in events.into_iter().filter(|e| e.sequence == Some(sequence)) {
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
