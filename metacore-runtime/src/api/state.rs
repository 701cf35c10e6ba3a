//! What every handler shares: the database, the compiled registry, the token key, the
//! capability resolver, the event bus, the server's metrics, and the dispatcher of action and
//! tool handlers with the addons' installations.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use poem::Request;
use poem_openapi::registry::{MetaSecurityScheme, Registry as SpecRegistry};
use poem_openapi::{ApiExtractor, ApiExtractorType, ExtractParamOptions};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::access::{Access, AccessResolver};
use super::auth::JwtKey;
use super::counts::CountCache;
use super::error::ApiError;
use super::idempotency;
use super::request::{authenticate, Caller};
use crate::dispatch::{Dispatcher, DispatcherConfig};
use crate::egress::EgressGuard;
use crate::events::{Event, EventBus};
use crate::hub::{self, Hub};
use crate::installations::{self, InstallationRecord, MasterKey};
use crate::invocation::{Installation, Secret};
use crate::metrics::Metrics;
use crate::outbound::OutboundClient;
use crate::policy::CapabilityMode;
use crate::registry::{AddonDescriptor, Registry};
use crate::sandbox::HostServices;
use crate::webhooks::WebhookSettings;

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
    /// How long stored idempotent answers live.
    idempotency_ttl: Duration,
    /// The operator's outbound webhook settings.
    webhooks: WebhookSettings,
    hub: Hub,
    /// Where the writes run: on SQLite, queued for its one writer, committed in groups.
    writes: super::writes::WriteQueue,
    /// The members this process recorded lately.
    members_seen: crate::notifications::members::Seen,
    /// Woken when another process announced an event ([`crate::consumers`] wait on it).
    events_logged: Arc<tokio::sync::Notify>,
    /// The lifecycle operations running in this process ([`super::lifecycle`]).
    lifecycle: super::lifecycle::Running,
    /// What installs bundles, when the application provides a manifest compiler.
    installer: std::sync::OnceLock<super::bundles::Installer>,
}

/// How long a loaded installation is reused before its row is read again. A rotation in
/// this process replaces it at once; on PostgreSQL other processes forget it when the change
/// is announced ([`crate::coherence`]), and this delay only bounds what a lost announcement
/// (or SQLite, served by one process) can leave stale.
const INSTALLATION_TTL: Duration = Duration::from_secs(5);

/// Loaded installations by (addon key, organisation), with when they were read.
type LoadedInstallations = HashMap<(String, Uuid), (Instant, Arc<Installation>)>;

/// Each organisation's installations, with when they were read.
type ListedInstallations = HashMap<Uuid, (Instant, Arc<Vec<InstallationRecord>>)>;

/// Each addon's installation per organisation ([`crate::installations`]): the durable row,
/// made on first use (auto-install), and the loaded copies with their install secret.
struct Installations {
    master_key: Option<MasterKey>,
    loaded: Mutex<LoadedInstallations>,
    /// Each organisation's installations (what is enabled where), with when they were read.
    listed: Mutex<ListedInstallations>,
    /// Whether compiled addons install themselves on first use (`METACORE_AUTO_INSTALL`).
    auto_install: bool,
    /// Serialises this process's auto-installs.
    auto_installing: tokio::sync::Mutex<()>,
}

/// What the operator decides about addon handlers and requests (`runtime.md` appendix:
/// `METACORE_EGRESS_ALLOW`, `METACORE_CAPABILITY_MODE`, `METACORE_IDEMPOTENCY_TTL`;
/// `cli::handler_settings` reads them).
#[derive(Debug, Clone)]
pub struct HandlerSettings {
    /// The egress guard of handlers' outbound calls (default: strict, no allow-list).
    pub egress: EgressGuard,
    /// What a capability violation does (default: `enforce`).
    pub capability_mode: CapabilityMode,
    /// How long stored idempotent answers live (default: 24 h; [`idempotency`]).
    pub idempotency_ttl: Duration,
    /// Outbound webhooks: workers, poll interval, retry schedule
    /// ([`crate::webhooks::WebhookSettings`]; `serve` starts the workers).
    pub webhooks: WebhookSettings,
    /// Whether compiled addons are installed for an organisation on its first request
    /// (`METACORE_AUTO_INSTALL`, default true; `runtime.md` §9).
    pub auto_install: bool,
}

impl Default for HandlerSettings {
    fn default() -> Self {
        HandlerSettings {
            egress: EgressGuard::default(),
            capability_mode: CapabilityMode::default(),
            idempotency_ttl: idempotency::DEFAULT_TTL,
            webhooks: WebhookSettings::default(),
            auto_install: true,
        }
    }
}

impl ApiState {
    /// State over `db` serving `registry`, verifying tokens with `key`, with the default
    /// [`HandlerSettings`] (strict egress guard, `enforce`); see [`ApiState::with_settings`].
    /// Install secrets are sealed at rest under `master_key` (`METACORE_MASTER_KEY`), or
    /// stored plain without one ([`crate::installations`]).
    pub fn new(
        db: DatabaseConnection,
        registry: Registry,
        key: JwtKey,
        bus: EventBus,
        master_key: Option<MasterKey>,
    ) -> Result<Self, String> {
        ApiState::with_settings(
            db,
            registry,
            key,
            bus,
            master_key,
            HandlerSettings::default(),
        )
    }

    /// State over `db` serving `registry`, verifying tokens with `key`. Its dispatcher runs
    /// handlers on the same database and bus, with the egress guard and capability mode of
    /// `settings` and a fresh [`Metrics`] registry, and has no addon registered (register them through
    /// [`ApiState::dispatcher`]); install secrets are sealed at rest under `master_key`.
    pub fn with_settings(
        db: DatabaseConnection,
        registry: Registry,
        key: JwtKey,
        bus: EventBus,
        master_key: Option<MasterKey>,
        settings: HandlerSettings,
    ) -> Result<Self, String> {
        let metrics = Metrics::new();
        let services = HostServices {
            database: Some(db.clone()),
            events: bus.clone(),
            outbound: OutboundClient::new(settings.egress.clone(), metrics.clone())?,
            metrics,
            shared_tables: Vec::new(),
            sql_checks: Default::default(),
        };
        Ok(ApiState::build(
            db,
            registry,
            key,
            Dispatcher::new(DispatcherConfig {
                services,
                capability_mode: settings.capability_mode,
            }),
            master_key,
            &settings,
        ))
    }

    /// State whose handlers run on `dispatcher` (its services' bus is the one canonical
    /// events are published on, its services' metrics the ones `GET /metrics` shows); webhook
    /// calls are signed with the caller organisation's
    /// install secret, sealed at rest under `master_key`.
    pub fn with_dispatcher(
        db: DatabaseConnection,
        registry: Registry,
        key: JwtKey,
        dispatcher: Dispatcher,
        master_key: Option<MasterKey>,
    ) -> Self {
        ApiState::build(
            db,
            registry,
            key,
            dispatcher,
            master_key,
            &HandlerSettings::default(),
        )
    }

    fn build(
        db: DatabaseConnection,
        registry: Registry,
        key: JwtKey,
        dispatcher: Dispatcher,
        master_key: Option<MasterKey>,
        settings: &HandlerSettings,
    ) -> Self {
        let hub = Hub::new(dispatcher.services().metrics.clone());
        // Committed canonical events reach the sockets of their `model:` channels (inside a
        // runtime; a state built outside one serves no WebSocket anyway).
        if tokio::runtime::Handle::try_current().is_ok() {
            hub::forward(hub.clone(), &dispatcher.services().events, registry);
        }
        let writes = super::writes::WriteQueue::new(
            &db,
            super::writes::Publisher {
                bus: dispatcher.services().events.clone(),
                metrics: dispatcher.services().metrics.clone(),
            },
        );
        ApiState(Arc::new(Inner {
            db,
            writes,
            registry,
            key,
            access: AccessResolver::default(),
            bus: dispatcher.services().events.clone(),
            dispatcher,
            installations: Installations {
                master_key,
                loaded: Mutex::new(HashMap::new()),
                listed: Mutex::new(HashMap::new()),
                auto_install: settings.auto_install,
                auto_installing: tokio::sync::Mutex::new(()),
            },
            counts: CountCache::default(),
            idempotency_ttl: settings.idempotency_ttl,
            webhooks: settings.webhooks,
            hub,
            events_logged: Arc::default(),
            members_seen: Default::default(),
            lifecycle: Default::default(),
            installer: std::sync::OnceLock::new(),
        }))
    }

    /// The operator's outbound webhook settings.
    pub fn webhook_settings(&self) -> WebhookSettings {
        self.0.webhooks
    }

    /// What outbound webhook attempts run with: this state's database, guarded outbound
    /// client (the handlers' egress guard), master key, metrics and retry schedule.
    pub fn webhook_context(&self) -> crate::webhooks::Context {
        crate::webhooks::Context {
            db: self.0.db.clone(),
            client: self.0.dispatcher.services().outbound.clone(),
            master_key: self.0.installations.master_key.clone(),
            metrics: self.metrics().clone(),
            retry: self.0.webhooks.retry,
        }
    }

    /// The dispatcher of action and tool handlers.
    pub fn dispatcher(&self) -> &Dispatcher {
        &self.0.dispatcher
    }

    /// The installation of `addon` in `org`, with its install secret and its settings as
    /// handlers see them (secrets opened): 404 `addon_not_installed` unless it is enabled
    /// there (compiled addons install themselves on first use, [`ApiState::installed`]).
    /// Reused for a few seconds (`INSTALLATION_TTL`); a change through this state replaces
    /// it at once.
    pub async fn installation(
        &self,
        addon: &str,
        org: Uuid,
    ) -> Result<Arc<Installation>, ApiError> {
        let cache_key = (addon.to_string(), org);
        if let Some((at, loaded)) = self.loaded().get(&cache_key) {
            if at.elapsed() < INSTALLATION_TTL {
                return Ok(loaded.clone());
            }
        }
        self.require_enabled(addon, org).await?;
        let descriptor = self.compiled(addon)?;
        let master_key = self.master_key();
        let (record, secret) = installations::load(&self.0.db, master_key, org, addon)
            .await
            .map_err(ApiError::internal)?
            .ok_or_else(|| super::lifecycle::not_installed(addon))?;
        let stored = match record.settings {
            serde_json::Value::Object(stored) => stored,
            _ => serde_json::Map::new(),
        };
        let installation = Arc::new(Installation {
            id: record.id,
            org_id: org,
            settings: super::lifecycle::settings::opened(descriptor, &stored, master_key, org),
            secret: Some(secret),
            webhook_base_url: record.webhook_base_url,
        });
        self.loaded()
            .insert(cache_key, (Instant::now(), installation.clone()));
        Ok(installation)
    }

    /// The installations of `org`, by addon key, never with their secrets: read at most
    /// every few seconds (`INSTALLATION_TTL`; a change through this state, or announced by
    /// another process, is seen at once). With auto-install on (`METACORE_AUTO_INSTALL`),
    /// each addon compiled into the build that `org` lacks is installed first — the install
    /// operation with its hooks and declared defaults ([`ApiState::apply`]); one whose
    /// install fails stays uninstalled (logged) and is tried again later.
    pub async fn installed(&self, org: Uuid) -> Result<Arc<Vec<InstallationRecord>>, ApiError> {
        if let Some((at, records)) = self.listed().get(&org) {
            if at.elapsed() < INSTALLATION_TTL {
                return Ok(records.clone());
            }
        }
        let mut records = installations::list(&self.0.db, org)
            .await
            .map_err(ApiError::internal)?;
        if self.0.installations.auto_install && self.missing(&records).next().is_some() {
            let _auto = self.0.installations.auto_installing.lock().await;
            records = installations::list(&self.0.db, org)
                .await
                .map_err(ApiError::internal)?;
            let missing: Vec<_> = self.missing(&records).collect();
            for addon in missing {
                let install = super::lifecycle::Change::Install {
                    settings: serde_json::Map::new(),
                    source: super::lifecycle::Source::Compiled,
                };
                match self.apply_locked(org, addon, install, None, true).await {
                    Ok(_) => {}
                    Err(error) => tracing::warn!(
                        addon = %addon.key, org = %org, code = %error.code, message = %error.message,
                        "the addon could not be installed automatically"
                    ),
                }
            }
            records = installations::list(&self.0.db, org)
                .await
                .map_err(ApiError::internal)?;
        }
        let records = Arc::new(records);
        self.listed().insert(org, (Instant::now(), records.clone()));
        Ok(records)
    }

    /// The compiled addons `records` lack.
    fn missing<'a>(
        &'a self,
        records: &'a [InstallationRecord],
    ) -> impl Iterator<Item = &'static AddonDescriptor> + 'a {
        self.0
            .registry
            .addons
            .iter()
            .filter(|a| !records.iter().any(|r| r.addon_key == a.key))
    }

    /// Which addons are enabled for `caller`'s organisation (every one for a caller without
    /// an organisation, who reads no organisation's data).
    pub async fn enabled_for(&self, caller: &Caller) -> Result<Enabled, ApiError> {
        Ok(Enabled(match caller.org {
            Some(org) => Some(self.installed(org).await?),
            None => None,
        }))
    }

    /// `Ok` when `addon` is installed and enabled in `org`, else 404 `addon_not_installed`.
    pub async fn require_enabled(&self, addon: &str, org: Uuid) -> Result<(), ApiError> {
        if self.is_enabled(addon, org).await? {
            Ok(())
        } else {
            Err(super::lifecycle::not_installed(addon))
        }
    }

    /// Whether `addon` is installed and enabled in `org`.
    pub async fn is_enabled(&self, addon: &str, org: Uuid) -> Result<bool, ApiError> {
        Ok(self
            .installed(org)
            .await?
            .iter()
            .any(|r| r.addon_key == addon && r.status == installations::STATUS_ENABLED))
    }

    /// The installations of `org` (installing the compiled addons it lacks first), by addon
    /// key; never their secrets.
    pub async fn installations_of(&self, org: Uuid) -> Result<Vec<InstallationRecord>, ApiError> {
        Ok(self.installed(org).await?.as_ref().clone())
    }

    /// Gives the installation of `addon` in `org` a new install secret and returns the
    /// record and the secret — the only time the secret is shown. The old secret stops
    /// verifying at once. 404 `addon_not_installed` when it is not installed there.
    pub async fn rotate_installation_secret(
        &self,
        addon: &str,
        org: Uuid,
    ) -> Result<(InstallationRecord, Secret), ApiError> {
        self.compiled(addon)?;
        self.installed(org).await?;
        let master_key = self.master_key();
        let rotated = {
            let turn = self.write_turn().await;
            installations::rotate_secret(turn.db(), master_key, org, addon)
                .await
                .map_err(ApiError::internal)?
        };
        self.forget_installations(org);
        let secret = rotated.ok_or_else(|| super::lifecycle::not_installed(addon))?;
        let (record, _) = installations::load(&self.0.db, master_key, org, addon)
            .await
            .map_err(ApiError::internal)?
            .ok_or_else(|| super::lifecycle::not_installed(addon))?;
        Ok((record, secret))
    }

    /// The descriptor of `addon` when this server serves it (compiled into the build or
    /// registered with the dispatcher), else 404 `addon_not_found`.
    pub fn compiled(&self, addon: &str) -> Result<&'static AddonDescriptor, ApiError> {
        self.0
            .registry
            .addon(addon)
            .or_else(|| self.0.dispatcher.addon(addon))
            .ok_or_else(|| unknown_addon(addon))
    }

    /// Lets this server install bundles with `installer` (set once, at start-up).
    pub fn set_installer(&self, installer: super::bundles::Installer) {
        let _ = self.0.installer.set(installer);
    }

    /// What installs bundles, when the application provides a manifest compiler.
    pub fn installer(&self) -> Option<&super::bundles::Installer> {
        self.0.installer.get()
    }

    /// Every addon this server serves: those compiled into the build, then the bundles
    /// registered at run time, by key.
    pub fn addons(&self) -> Vec<&'static AddonDescriptor> {
        let mut all: Vec<&'static AddonDescriptor> = self.0.registry.addons.iter().collect();
        for addon in self.0.dispatcher.addons() {
            if !all.iter().any(|a| a.key == addon.key) {
                all.push(addon);
            }
        }
        all.sort_by_key(|a| a.key);
        all
    }

    /// The key install secrets and secret settings are sealed with.
    pub(crate) fn master_key(&self) -> Option<&MasterKey> {
        self.0.installations.master_key.as_ref()
    }

    /// The lifecycle operations running in this process.
    pub(crate) fn lifecycle_running(&self) -> &super::lifecycle::Running {
        &self.0.lifecycle
    }

    /// Forgets the loaded installations of `org` (another process changed one): the next
    /// use reads them again.
    pub fn forget_installations(&self, org: Uuid) {
        self.loaded().retain(|(_, cached), _| *cached != org);
        self.listed().remove(&org);
    }

    /// Forgets every loaded installation (changes may have been missed).
    pub fn forget_all_installations(&self) {
        self.loaded().clear();
        self.listed().clear();
    }

    fn listed(&self) -> std::sync::MutexGuard<'_, ListedInstallations> {
        self.0
            .installations
            .listed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn loaded(&self) -> std::sync::MutexGuard<'_, LoadedInstallations> {
        self.0
            .installations
            .loaded
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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

    /// The key bearer tokens are verified with.
    pub fn jwt_key(&self) -> &JwtKey {
        &self.0.key
    }

    /// The WebSocket hub of this server ([`crate::hub`]).
    pub fn hub(&self) -> &Hub {
        &self.0.hub
    }

    /// How long stored idempotent answers live.
    pub(crate) fn idempotency_ttl(&self) -> Duration {
        self.0.idempotency_ttl
    }

    /// This server's metrics (`runtime.md` §13): the dispatcher's, which handlers, host
    /// imports and the outbound client record into, and the HTTP layer's.
    pub fn metrics(&self) -> &Metrics {
        &self.0.dispatcher.services().metrics
    }

    /// The caller of `request` and what they may do (401 without a valid token).
    pub async fn caller(&self, request: &Request) -> Result<(Caller, Access), ApiError> {
        let caller = authenticate(&self.0.key, request)?;
        let access = self.access_of(&caller).await?;
        Ok((caller, access))
    }

    /// The organisation of the caller of `request` when they hold the administration
    /// `capability` (401 without a valid token, 403 without an organisation or the
    /// capability).
    pub async fn organisation_with(
        &self,
        request: &Request,
        capability: &str,
    ) -> Result<Uuid, ApiError> {
        let (caller, access) = self.caller(request).await?;
        let org = caller.organization()?;
        access.require(capability)?;
        Ok(org)
    }

    /// The cache of callers' capability sets (forgotten when stored grants change).
    pub fn access_resolver(&self) -> &AccessResolver {
        &self.0.access
    }

    /// What `caller` may do: their role's grants, the stored grants and their own. Notes the
    /// caller as a member of their organisation ([`crate::notifications::members`]).
    pub async fn access_of(&self, caller: &Caller) -> Result<Access, ApiError> {
        if let Some(org) = caller.org {
            crate::notifications::members::seen(self, org, caller.user, &caller.role);
        }
        self.0
            .access
            .resolve(&self.0.db, &self.0.registry, caller)
            .await
            .map_err(ApiError::internal)
    }

    /// Runs `work` in one transaction, with the events it returns appended to the event log
    /// in that transaction ([`crate::event_log`]); publishes them only after the commit
    /// (nothing is logged or published when it fails).
    pub async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: for<'t> FnOnce(&'t sea_orm::DatabaseTransaction) -> super::writes::Work<'t, T>,
    {
        self.0.writes.write(work).await
    }

    /// This write's turn (see [`super::writes::WriteQueue::turn`]).
    pub(crate) async fn write_turn(&self) -> super::writes::WriteTurn<'_> {
        self.0.writes.turn().await
    }

    /// The members this process recorded lately ([`crate::notifications::members`]).
    pub(crate) fn members_seen(&self) -> &crate::notifications::members::Seen {
        &self.0.members_seen
    }

    /// What the event consumers wait on besides this process's bus: announcements of the
    /// events other processes committed.
    pub(crate) fn events_logged(&self) -> Arc<tokio::sync::Notify> {
        self.0.events_logged.clone()
    }

    /// Publishes `event` of a write that has committed (counted in `events_written_total`).
    pub fn publish(&self, event: Event) {
        self.0.writes.publisher().publish([event]);
    }
}

/// The addons enabled for an organisation ([`ApiState::enabled_for`]).
#[derive(Debug, Clone)]
pub struct Enabled(Option<Arc<Vec<InstallationRecord>>>);

impl Enabled {
    /// Whether `addon` is enabled.
    pub fn allows(&self, addon: &str) -> bool {
        self.0.as_ref().is_none_or(|records| {
            records
                .iter()
                .any(|r| r.addon_key == addon && r.status == installations::STATUS_ENABLED)
        })
    }

    /// `Ok` when `addon` is enabled, else 404 `addon_not_installed`.
    pub fn require(&self, addon: &str) -> Result<(), ApiError> {
        if self.allows(addon) {
            Ok(())
        } else {
            Err(super::lifecycle::not_installed(addon))
        }
    }
}

/// 404 `addon_not_found` for `addon`.
fn unknown_addon(addon: &str) -> ApiError {
    ApiError::not_found(
        "addon_not_found",
        format!("this server has no addon `{addon}`"),
    )
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
