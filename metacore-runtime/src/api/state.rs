//! What every handler shares: the database, the compiled registry, the token key, the
//! capability resolver and the event bus.

use std::sync::Arc;

use poem::Request;
use sea_orm::{DatabaseConnection, TransactionTrait};

use super::access::{Access, AccessResolver};
use super::auth::JwtKey;
use super::error::ApiError;
use super::request::{authenticate, Caller};
use crate::events::{Event, EventBus};
use crate::registry::Registry;

/// The shared state of a server (cheap to clone).
#[derive(Clone)]
pub struct ApiState(Arc<Inner>);

struct Inner {
    db: DatabaseConnection,
    registry: Registry,
    key: JwtKey,
    access: AccessResolver,
    bus: EventBus,
}

impl ApiState {
    /// State over `db` serving `registry`, verifying tokens with `key`.
    pub fn new(db: DatabaseConnection, registry: Registry, key: JwtKey, bus: EventBus) -> Self {
        ApiState(Arc::new(Inner {
            db,
            registry,
            key,
            access: AccessResolver::default(),
            bus,
        }))
    }

    /// The database.
    pub fn db(&self) -> &DatabaseConnection {
        &self.0.db
    }

    /// The compiled addons.
    pub fn registry(&self) -> &Registry {
        &self.0.registry
    }

    /// The event bus canonical events are published on.
    pub fn bus(&self) -> &EventBus {
        &self.0.bus
    }

    /// The caller of `request` and what they may do (401 without a valid token).
    pub async fn caller(&self, request: &Request) -> Result<(Caller, Access), ApiError> {
        let caller = authenticate(&self.0.key, request)?;
        let access = self
            .0
            .access
            .resolve(&self.0.db, &self.0.registry, &caller)
            .await
            .map_err(ApiError::internal)?;
        Ok((caller, access))
    }

    /// Runs `work` in one transaction; publishes the events it returns only after the
    /// commit (nothing is published when it fails).
    pub async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: for<'t> FnOnce(
            &'t sea_orm::DatabaseTransaction,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<(T, Vec<Event>), ApiError>> + Send + 't>,
        >,
    {
        let txn = self.0.db.begin().await.map_err(ApiError::internal)?;
        let (value, events) = match work(&txn).await {
            Ok(done) => done,
            Err(error) => {
                let _ = txn.rollback().await;
                return Err(error);
            }
        };
        txn.commit().await.map_err(ApiError::internal)?;
        for event in events {
            self.0.bus.publish(event);
        }
        Ok(value)
    }
}
