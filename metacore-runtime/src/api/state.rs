//! What every handler shares: the database, the compiled registry, the token key, the
//! capability resolver, the event bus, and the dispatcher of action and tool handlers with
//! the addons' installations.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use poem::Request;
use poem_openapi::registry::{MetaSecurityScheme, Registry as SpecRegistry};
use poem_openapi::{ApiExtractor, ApiExtractorType, ExtractParamOptions};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::access::{Access, AccessResolver};
use super::auth::JwtKey;
use super::counts::CountCache;
use super::error::ApiError;
use super::request::{authenticate, Caller};
use crate::dispatch::{Dispatcher, DispatcherConfig};
use crate::egress::EgressGuard;
use crate::events::{Event, EventBus};
use crate::invocation::{Installation, Secret};
use crate::outbound::OutboundClient;
use crate::policy::CapabilityMode;
use crate::registry::Registry;
use crate::sandbox::HostServices;

/// The shared state of a server (cheap to clone).
#[derive(Clone)]
pub struct ApiState(Arc<Inner>);

struct Inner {
    db: DatabaseConnection,
    registry: Registry,
    key: JwtKey,
    access: AccessResolver,
    bus: EventBus,
    dispatcher: Dispatcher,
    installations: Installations,
    counts: CountCache,
    /// On SQLite, which has one writer at a time: the API's writes queue here, in order,
    /// instead of polling for the database's write lock (its busy handler sleeps between
    /// tries, which made the slowest writes wait most of a second under load).
    write_queue: Option<tokio::sync::Mutex<()>>,
}

/// Each addon's installation per organisation, made on first use: a stable id for the
/// process, the settings' declared defaults, the webhook signing secret.
struct Installations {
    secret: Option<Secret>,
    made: Mutex<HashMap<(String, Uuid), Arc<Installation>>>,
}

/// What the operator decides about addon handlers (`runtime.md` appendix:
/// `METACORE_EGRESS_ALLOW`, `METACORE_CAPABILITY_MODE`; `cli::handler_settings` reads them).
#[derive(Debug, Clone, Default)]
pub struct HandlerSettings {
    /// The egress guard of handlers' outbound calls (default: strict, no allow-list).
    pub egress: EgressGuard,
    /// What a capability violation does (default: `enforce`).
    pub capability_mode: CapabilityMode,
}

impl ApiState {
    /// State over `db` serving `registry`, verifying tokens with `key`, with the default
    /// [`HandlerSettings`] (strict egress guard, `enforce`); see [`ApiState::with_settings`].
    pub fn new(
        db: DatabaseConnection,
        registry: Registry,
        key: JwtKey,
        bus: EventBus,
        webhook_secret: Option<Secret>,
    ) -> Result<Self, String> {
        ApiState::with_settings(
            db,
            registry,
            key,
            bus,
            webhook_secret,
            HandlerSettings::default(),
        )
    }

    /// State over `db` serving `registry`, verifying tokens with `key`. Its dispatcher runs
    /// handlers on the same database and bus, with the egress guard and capability mode of
    /// `settings`, and has no addon registered (register them through
    /// [`ApiState::dispatcher`]); webhook handlers are signed with `webhook_secret`.
    pub fn with_settings(
        db: DatabaseConnection,
        registry: Registry,
        key: JwtKey,
        bus: EventBus,
        webhook_secret: Option<Secret>,
        settings: HandlerSettings,
    ) -> Result<Self, String> {
        let services = HostServices {
            database: Some(db.clone()),
            events: bus.clone(),
            outbound: OutboundClient::new(settings.egress)?,
            shared_tables: Vec::new(),
            sql_checks: Default::default(),
        };
        Ok(ApiState::with_dispatcher(
            db,
            registry,
            key,
            Dispatcher::new(DispatcherConfig {
                services,
                capability_mode: settings.capability_mode,
            }),
            webhook_secret,
        ))
    }

    /// State whose handlers run on `dispatcher` (its services' bus is the one canonical
    /// events are published on); webhook calls are signed with `webhook_secret`.
    pub fn with_dispatcher(
        db: DatabaseConnection,
        registry: Registry,
        key: JwtKey,
        dispatcher: Dispatcher,
        webhook_secret: Option<Secret>,
    ) -> Self {
        let db_backend = sea_orm::ConnectionTrait::get_database_backend(&db);
        ApiState(Arc::new(Inner {
            db,
            registry,
            key,
            access: AccessResolver::default(),
            bus: dispatcher.services().events.clone(),
            dispatcher,
            installations: Installations {
                secret: webhook_secret,
                made: Mutex::new(HashMap::new()),
            },
            counts: CountCache::default(),
            write_queue: (db_backend == sea_orm::DatabaseBackend::Sqlite)
                .then(|| tokio::sync::Mutex::new(())),
        }))
    }

    /// The dispatcher of action and tool handlers.
    pub fn dispatcher(&self) -> &Dispatcher {
        &self.0.dispatcher
    }

    /// The installation of `addon` in `org`.
    pub fn installation(&self, addon: &str, org: Uuid) -> Arc<Installation> {
        let installations = &self.0.installations;
        let mut made = installations
            .made
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        made.entry((addon.to_string(), org))
            .or_insert_with(|| {
                let settings: BTreeMap<String, serde_json::Value> = self
                    .0
                    .dispatcher
                    .addon(addon)
                    .map(|descriptor| {
                        descriptor
                            .settings
                            .iter()
                            .filter_map(|s| {
                                let default = serde_json::from_str(s.default_json?).ok()?;
                                Some((s.key.to_string(), default))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Arc::new(Installation {
                    id: Uuid::new_v4(),
                    org_id: org,
                    settings,
                    secret: installations.secret.clone(),
                    webhook_base_url: None,
                })
            })
            .clone()
    }

    /// The database.
    pub fn db(&self) -> &DatabaseConnection {
        &self.0.db
    }

    /// The compiled addons.
    pub fn registry(&self) -> &Registry {
        &self.0.registry
    }

    /// The filtered list totals this server has counted.
    pub fn counts(&self) -> &CountCache {
        &self.0.counts
    }

    /// The event bus canonical events are published on.
    pub fn bus(&self) -> &EventBus {
        &self.0.bus
    }

    /// The caller of `request` and what they may do (401 without a valid token).
    pub async fn caller(&self, request: &Request) -> Result<(Caller, Access), ApiError> {
        let caller = authenticate(&self.0.key, request)?;
        let access = self.access_of(&caller).await?;
        Ok((caller, access))
    }

    /// What `caller` may do: their role's grants, the stored grants and their own.
    pub async fn access_of(&self, caller: &Caller) -> Result<Access, ApiError> {
        self.0
            .access
            .resolve(&self.0.db, &self.0.registry, caller)
            .await
            .map_err(ApiError::internal)
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
        let _turn = self.write_turn().await;
        let txn = crate::db::begin_write(&self.0.db)
            .await
            .map_err(ApiError::internal)?;
        let (value, events) = match work(&txn).await {
            Ok(done) => done,
            Err(error) => {
                let _ = txn.rollback().await;
                return Err(error);
            }
        };
        txn.commit().await.map_err(ApiError::internal)?;
        for event in events {
            self.publish(event);
        }
        Ok(value)
    }

    /// This write's turn on SQLite (hold it until the write has committed); `None` on
    /// PostgreSQL, whose writers do not wait on one lock.
    pub(crate) async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.0.write_queue {
            Some(queue) => Some(queue.lock().await),
            None => None,
        }
    }

    /// Publishes `event` of a write that has committed.
    pub fn publish(&self, event: Event) {
        self.0.bus.publish(event);
    }
}

/// The name of the bearer-token security scheme in the OpenAPI document.
pub const BEARER_SCHEME: &str = "bearerAuth";

/// What every authenticated operation starts from: the server's [`ApiState`] and the request
/// (its token, query pairs and raw body). One extractor instead of two parameters keeps
/// generated operations under clippy's argument limit without an `allow`.
///
/// It is also what documents authentication: as a poem-openapi security-scheme extractor it
/// registers [`BEARER_SCHEME`] (`http`, `bearer`, JWT) and puts it on every operation taking
/// it, so the spec cannot drift from what the handlers do. Extracting never fails on the
/// token: handlers authenticate through [`ApiState::caller`], and a missing or bad token
/// stays a 401 in the JSON envelope (`http-api.md` §1.2).
#[derive(Clone, Copy)]
pub struct Call<'a> {
    /// The server's shared state.
    pub state: &'a ApiState,
    /// The request being served.
    pub request: &'a Request,
}

impl<'a> ApiExtractor<'a> for Call<'a> {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::SecurityScheme];

    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut SpecRegistry) {
        registry.create_security_scheme(
            BEARER_SCHEME,
            MetaSecurityScheme {
                ty: "http",
                description: Some(
                    "HS256 JWT in `Authorization: Bearer <token>` (claims `sub`, `org`, \
                     `role`, `grants`, `exp`); `GET` requests may pass it as `?token=`.",
                ),
                name: None,
                key_in: None,
                scheme: Some("bearer"),
                bearer_format: Some("JWT"),
                flows: None,
                openid_connect_url: None,
            },
        );
    }

    fn security_schemes() -> Vec<&'static str> {
        vec![BEARER_SCHEME]
    }

    async fn from_request(
        request: &'a Request,
        _body: &mut poem::RequestBody,
        _options: ExtractParamOptions<()>,
    ) -> poem::Result<Self> {
        let state = request.data::<ApiState>().ok_or_else(|| {
            poem::Error::from_string(
                "the application was built without its ApiState (Route::data)",
                poem::http::StatusCode::INTERNAL_SERVER_ERROR,
            )
        })?;
        Ok(Call { state, request })
    }
}
