//! Caches that stay coherent across server processes on one PostgreSQL database.
//!
//! Each process caches callers' capability sets ([`crate::api::access`]). When the stored
//! grants change, triggers announce it with `NOTIFY` on [`GRANTS_CHANNEL`] (payload: the
//! organisation), and [`listen`] — one task per process, on a connection of its own —
//! forgets that organisation's cached sets, so a revoked grant is refused by every process within a round trip, not after
//! the cache's TTL. When the listening connection drops, changes may have been missed: every
//! cached set is forgotten and the task reconnects (the TTL covers the gap).
//!
//! SQLite has no notifications: there the TTL alone bounds staleness.

use std::time::Duration;

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::DatabaseBackend;
use uuid::Uuid;

use crate::api::access::GRANTS_CHANNEL;
use crate::api::ApiState;

/// Starts the listener of `state`'s database (PostgreSQL only; a no-op on SQLite). Resolves
/// once it listens, so that no change made after this returns is missed.
pub async fn listen(state: &ApiState) -> Result<(), String> {
    if state.db().get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let listener = connect(state)
        .await
        .map_err(|e| format!("cannot listen for grant changes: {e}"))?;
    let state = state.clone();
    tokio::spawn(async move {
        let mut listener = Some(listener);
        loop {
            let mut current = match listener.take() {
                Some(current) => current,
                None => match connect(&state).await {
                    Ok(current) => current,
                    Err(error) => {
                        tracing::warn!(%error, "cannot listen for grant changes; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                },
            };
            // A notice lost while reconnecting would leave stale sets behind.
            state.access_resolver().forget_all();
            loop {
                match current.recv().await {
                    Ok(notice) => match notice.payload().parse::<Uuid>() {
                        Ok(org) => state.access_resolver().forget_organisation(org),
                        Err(_) => state.access_resolver().forget_all(),
                    },
                    Err(error) => {
                        tracing::warn!(%error, "the grant-change listener dropped; reconnecting");
                        break;
                    }
                }
            }
        }
    });
    Ok(())
}

async fn connect(state: &ApiState) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect_with(state.db().get_postgres_connection_pool()).await?;
    listener.listen(GRANTS_CHANNEL).await?;
    Ok(listener)
}
