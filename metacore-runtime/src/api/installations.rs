//! The installation routes (`http-api.md` §9.3–§9.4): the organisation's installations, the
//! lifecycle operations ([`super::lifecycle`]) and the addon settings.
//!
//! Reading needs an authenticated member of the organisation; changing needs
//! `metacore.installations.manage`. Install secrets are shown once (install, rotation) and
//! `secret` settings never.

use poem_openapi::param::{Path, Query};
use poem_openapi::OpenApi;
use serde_json::{json, Map, Value};

use super::actions::InvocationBody;
use super::answer::{document_kind, Answer, Document};
use super::bundles::upload::{BundleUpload, InstallBody};
use super::common::{answer, envelope};
use super::error::ApiError;
use super::lifecycle::{settings, Applied, Change, Source};
use super::state::{ApiState, Call};
use super::tags::INSTALLATIONS;
use crate::installations::{self, InstallationRecord};

/// The capability of the installation routes that change something (`http-api.md` §10.1).
pub const INSTALLATIONS_MANAGE: &str = "metacore.installations.manage";

/// An installation as the routes show it.
fn installation() -> poem_openapi::registry::MetaSchemaRef {
    use crate::api::answer::shape::*;
    object(&[
        ("id", formatted("uuid")),
        ("organization_id", formatted("uuid")),
        ("addon_key", string()),
        ("version", string()),
        ("status", string()),
        ("source", string()),
        ("installed_at", formatted("date-time")),
        ("enabled_at", nullable(formatted("date-time"))),
        ("disabled_at", nullable(formatted("date-time"))),
        ("updated_at", formatted("date-time")),
        ("settings", any()),
    ])
}

document_kind!(
    /// `{"success": true, "data": [{addon_key, version, status, source, installed_at, …}]}`.
    InstallationList, "InstallationsEnvelope", "object",
    "The caller's organisation's installations (never their secrets).",
    data: array(super::installations::installation()));
document_kind!(
    /// `{"success": true, "data": {"installation", "install_secret"}}`.
    RotatedSecret, "RotatedSecretEnvelope", "object",
    "The installation and its new install secret, shown this once.",
    data: object(&[("installation", super::installations::installation()), ("install_secret", string())]));
/// `{"success": true, "data": {"installation", "install_secret"?, "manifest"}}`: 201 when
/// this call installed it, 200 when it already was.
pub struct Installed;

impl super::answer::DocumentKind for Installed {
    const NAME: &'static str = "InstalledEnvelope";
    const DESCRIPTION: &'static str =
        "Installed: the installation, its install secret (shown this once) and manifest.";
    const STATUS: u16 = 201;
    const ALSO_OK: Option<&'static str> =
        Some("Already installed at this version: the installation, without a secret.");

    fn data() -> poem_openapi::registry::MetaSchemaRef {
        use super::answer::shape::*;
        object(&[
            ("installation", installation()),
            ("install_secret", nullable(string())),
            ("manifest", any()),
        ])
    }
}
document_kind!(
    /// `{"success": true, "data": {"installation"}}`.
    InstallationChanged, "InstallationEnvelope", "object",
    "The installation after the operation (`null` after an uninstall).",
    data: object(&[("installation", nullable(super::installations::installation()))]));
document_kind!(
    /// `{"success": true, "data": {<key>: value}, "meta": {"secrets_set": [...]}}`.
    AddonSettings, "AddonSettingsEnvelope", "object",
    "Every declared setting with its value or default; secret settings are `null`.",
    data: any());

/// One entry of the catalogue, as the React runtime's `MarketplaceClient` reads it.
fn catalog_entry() -> poem_openapi::registry::MetaSchemaRef {
    use crate::api::answer::shape::*;
    object(&[
        ("manifest", any()),
        ("installable", boolean()),
        ("entitled", boolean()),
        ("installed", boolean()),
        ("enabled", boolean()),
    ])
}

document_kind!(
    /// The raw catalogue array.
    Catalog, "Catalog", "array",
    "Every addon this server serves, with whether the caller's organisation installed and enabled it.",
    data: super::installations::catalog_entry());

/// One catalogue entry, raw.
pub struct CatalogItem;

impl super::answer::DocumentKind for CatalogItem {
    const NAME: &'static str = "CatalogEntry";
    const JSON_TYPE: &'static str = "raw";
    const DESCRIPTION: &'static str =
        "An addon this server serves, with whether the caller's organisation installed and enabled it.";

    fn data() -> poem_openapi::registry::MetaSchemaRef {
        catalog_entry()
    }
}

/// The installation routes.
pub struct InstallationsApi;

/// The catalogue entry of `addon` for an organisation with installations `records`.
fn entry(addon: &crate::registry::AddonDescriptor, records: &[InstallationRecord]) -> Value {
    let record = records.iter().find(|r| r.addon_key == addon.key);
    json!({
        "manifest": serde_json::from_str::<Value>(addon.legacy_manifest_json).unwrap_or(Value::Null),
        "installable": true,
        "entitled": true,
        "installed": record.is_some(),
        "enabled": record.is_some_and(|r| r.status == installations::STATUS_ENABLED),
    })
}

/// `record` as shown: settings masked.
fn shown(state: &ApiState, record: &InstallationRecord) -> Value {
    let settings = match (state.compiled(&record.addon_key), &record.settings) {
        (Ok(addon), Value::Object(stored)) => settings::shown(addon, stored).0,
        _ => json!({}),
    };
    record.to_json(settings)
}

/// The caller's organisation, when they may manage installations.
async fn manager(
    state: &ApiState,
    request: &poem::Request,
) -> Result<(uuid::Uuid, uuid::Uuid), ApiError> {
    let (caller, access) = state.caller(request).await?;
    let org = caller.organization()?;
    access.require(INSTALLATIONS_MANAGE)?;
    Ok((org, caller.user))
}

/// Where the served version of `addon` comes from: the build, or the live bundle.
fn served_source(state: &ApiState, addon: &crate::registry::AddonDescriptor) -> Source {
    if state.registry().addon(addon.key).is_some() {
        return Source::Compiled;
    }
    match state
        .installer()
        .and_then(|installer| installer.live_digests(addon.key, addon.version))
    {
        Some((manifest_sha256, module_sha256)) => Source::Bundle {
            manifest_sha256,
            module_sha256,
        },
        None => Source::Compiled,
    }
}

/// Installs or upgrades `key` for `org` from the bundle `upload` (`runtime.md` §10.4):
/// checks and stages it, makes it the version this server serves (its hooks run in the
/// operation), runs the operation, then swaps the staged files live — or, on any failure,
/// deletes them and puts back what was served before.
///
/// A server serves one version of an addon, as a deployment of compiled addons does: an
/// upgrade makes the new version live for every organisation that installed the addon,
/// and each organisation's installation moves (running its upgrade step) when it upgrades.
/// A different build under a version already live is refused (409 `version_conflict`).
///
/// `change` makes the operation (an install or an upgrade) from the bundle's [`Source`].
async fn deploy_bundle(
    state: &ApiState,
    org: uuid::Uuid,
    user: uuid::Uuid,
    key: &str,
    upload: &BundleUpload,
    change: impl FnOnce(Source) -> Change,
) -> Result<(&'static crate::registry::AddonDescriptor, Applied), ApiError> {
    let installer = state.installer().ok_or_else(|| {
        ApiError::new(
            poem::http::StatusCode::NOT_IMPLEMENTED,
            "bundles_unsupported",
            "this server was started without a manifest compiler and installs no bundles",
        )
    })?;
    let prepared = installer.prepare(key, upload, state.registry())?;
    let addon = prepared.descriptor;
    let source = Source::Bundle {
        manifest_sha256: prepared.manifest_sha256.clone(),
        module_sha256: prepared.module_sha256.clone(),
    };
    let conflict = |message: String| {
        ApiError::new(
            poem::http::StatusCode::CONFLICT,
            "version_conflict",
            message,
        )
    };
    let change = change(source);
    let allow_downgrade = matches!(
        change,
        Change::Upgrade {
            allow_downgrade: true,
            ..
        }
    );
    let live = state.dispatcher().addon(key);
    let replaces = match live {
        Some(live) if live.version == addon.version => {
            if !installer.is_live_build(&prepared) {
                return Err(conflict(format!(
                    "another build of `{key}` {} is live on this server; publish this one \
                     under a new version",
                    live.version
                )));
            }
            false
        }
        Some(live) if matches!(change, Change::Install { .. }) => {
            return Err(conflict(format!(
                "`{key}` {} is live on this server; upgrade to install another version",
                live.version
            )));
        }
        Some(live) => {
            let version = metacore_core::semver::Version::lenient;
            if version(addon.version) < version(live.version) && !allow_downgrade {
                return Err(conflict(format!(
                    "`{key}` {} is live on this server; {} would be a downgrade \
                     (allow_downgrade=true to force it)",
                    live.version, addon.version
                )));
            }
            true
        }
        None => true,
    };
    let replaced = if replaces {
        let replaced = state
            .dispatcher()
            .replace(addon, prepared.module)
            .map_err(|e| {
                ApiError::new(
                    poem::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "bundle_invalid",
                    e,
                )
            })?;
        Some(replaced)
    } else {
        None
    };
    match state.apply(org, addon, change, Some(user)).await {
        Ok(applied) => {
            // The same build already live keeps its files; the staged copy is deleted.
            if replaces {
                if let Err(error) = prepared.staged.swap() {
                    tracing::error!(addon = %key, %error, "the installed bundle's files were not moved live");
                }
            }
            Ok((addon, applied))
        }
        Err(error) => {
            if let Some(replaced) = replaced {
                state.dispatcher().put_back(replaced);
            }
            Err(error)
        }
    }
}

/// `{"installation": …}` of an operation's result.
fn changed(state: &ApiState, applied: &Applied) -> Value {
    envelope(json!({"installation": applied.record.as_ref().map(|r| shown(state, r))}))
}

impl InstallationsApi {
    async fn change(
        state: &ApiState,
        request: &poem::Request,
        key: &str,
        change: Change,
    ) -> Result<Value, ApiError> {
        let (org, user) = manager(state, request).await?;
        let addon = state.compiled(key)?;
        let applied = state.apply(org, addon, change, Some(user)).await?;
        Ok(changed(state, &applied))
    }
}

#[OpenApi]
impl InstallationsApi {
    /// The installations of the caller's organisation (authenticated members). Addons
    /// compiled into the build are installed on first use unless `METACORE_AUTO_INSTALL` is
    /// false; secret settings are masked and install secrets never shown.
    #[oai(
        path = "/api/metacore/installations",
        method = "get",
        operation_id = "installations_list",
        tag = "INSTALLATIONS"
    )]
    async fn list(&self, call: Call<'_>) -> Answer<Document<InstallationList>> {
        let Call { state, request } = call;
        answer(
            async {
                let (caller, _) = state.caller(request).await?;
                let org = caller.organization()?;
                let records = state.installations_of(org).await?;
                Ok(envelope(Value::Array(
                    records.iter().map(|r| shown(state, r)).collect(),
                )))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// The catalogue: every addon this server serves (compiled, and bundles registered at run
    /// time), sorted by key, each `{manifest, installable, entitled, installed, enabled}` for
    /// the caller's organisation. A raw array, as the React runtime's `MarketplaceClient`
    /// reads it.
    #[oai(
        path = "/api/metacore/catalog",
        method = "get",
        operation_id = "catalog",
        tag = "INSTALLATIONS"
    )]
    async fn catalog(&self, call: Call<'_>) -> Answer<Document<Catalog>> {
        let Call { state, request } = call;
        answer(
            async {
                let (caller, _) = state.caller(request).await?;
                let org = caller.organization()?;
                let records = state.installed(org).await?;
                Ok(Value::Array(
                    state
                        .addons()
                        .into_iter()
                        .map(|a| entry(a, &records))
                        .collect(),
                ))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// One catalogue entry (raw); 404 `addon_not_found` for an addon this server does not
    /// serve.
    #[oai(
        path = "/api/metacore/catalog/:key",
        method = "get",
        operation_id = "catalog_entry",
        tag = "INSTALLATIONS"
    )]
    async fn catalog_entry(
        &self,
        call: Call<'_>,
        key: Path<String>,
    ) -> Answer<Document<CatalogItem>> {
        let Call { state, request } = call;
        answer(
            async {
                let (caller, _) = state.caller(request).await?;
                let org = caller.organization()?;
                let addon = state.compiled(&key)?;
                let records = state.installed(org).await?;
                Ok(entry(addon, &records))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// Installs the addon `key` compiled into this build for the caller's organisation
    /// (`metacore.installations.manage`), body `{"settings"?: {…}}` (validated; declared
    /// defaults fill the rest). Runs the `install` and `enable` hooks in the operation's
    /// transaction: a hook that fails leaves nothing installed (422
    /// `lifecycle_hook_failed`). 201 with the install secret, shown this once; already
    /// installed at this version → 200 without it; at another version → 409
    /// `version_conflict`; another operation on it running → 409 `operation_in_progress`.
    #[oai(
        path = "/api/metacore/installations/:key",
        method = "post",
        operation_id = "installations_install",
        tag = "INSTALLATIONS"
    )]
    async fn install(
        &self,
        call: Call<'_>,
        key: Path<String>,
        body: InstallBody,
    ) -> Answer<Document<Installed>> {
        let Call { state, request } = call;
        let result = async {
            let (org, user) = manager(state, request).await?;
            let body = body.0?;
            let (addon, applied) = match body.bundle {
                None => {
                    let addon = state.compiled(&key)?;
                    let change = Change::Install {
                        settings: body.settings,
                        source: Source::Compiled,
                    };
                    (addon, state.apply(org, addon, change, Some(user)).await?)
                }
                Some(upload) => {
                    deploy_bundle(state, org, user, &key, &upload, |source| Change::Install {
                        settings: body.settings,
                        source,
                    })
                    .await?
                }
            };
            let manifest: Value =
                serde_json::from_str(addon.legacy_manifest_json).unwrap_or(Value::Null);
            let body = envelope(json!({
                "installation": applied.record.as_ref().map(|r| shown(state, r)),
                "install_secret": applied.secret.as_ref().map(|s| s.expose()),
                "manifest": manifest,
            }));
            Ok((body, applied.changed))
        }
        .await;
        match result {
            Ok((body, true)) => answer::<Installed>(Ok(body)),
            Ok((body, false)) => match serde_json::to_vec(&body) {
                Ok(bytes) => Answer::raw(poem::http::StatusCode::OK, bytes),
                Err(error) => Answer::err(ApiError::internal(error)),
            },
            Err(error) => answer::<Installed>(Err(error)),
        }
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// Enables the organisation's disabled installation of `key` (its `enable` hook runs
    /// first); already enabled → 200, unchanged.
    #[oai(
        path = "/api/metacore/installations/:key/enable",
        method = "post",
        operation_id = "installations_enable",
        tag = "INSTALLATIONS"
    )]
    async fn enable(
        &self,
        call: Call<'_>,
        key: Path<String>,
    ) -> Answer<Document<InstallationChanged>> {
        answer(Self::change(call.state, call.request, &key, Change::Enable).await)
    }

    /// Disables the organisation's installation of `key` (its `disable` hook runs first):
    /// the addon's models, actions, tools, navigation, metadata and subscriptions disappear
    /// for this organisation only (404 `addon_not_installed`); its data is kept.
    #[oai(
        path = "/api/metacore/installations/:key/disable",
        method = "post",
        operation_id = "installations_disable",
        tag = "INSTALLATIONS"
    )]
    async fn disable(
        &self,
        call: Call<'_>,
        key: Path<String>,
    ) -> Answer<Document<InstallationChanged>> {
        answer(Self::change(call.state, call.request, &key, Change::Disable).await)
    }

    /// Upgrades the organisation's installation of `key` to the version this server serves,
    /// or, with a `multipart/form-data` body (`bundle`, `signature`, optional `settings`),
    /// to the version of that signed bundle, which becomes the one this server serves. Runs
    /// the first `lifecycle.upgrade[]` step whose `from` range matches the installed version
    /// and merges the settings (new ones get defaults, removed ones are dropped, supplied
    /// ones are applied). Same version → 200, unchanged; a downgrade → 409
    /// `version_conflict` unless `allow_downgrade=true`.
    #[oai(
        path = "/api/metacore/installations/:key/upgrade",
        method = "post",
        operation_id = "installations_upgrade",
        tag = "INSTALLATIONS"
    )]
    async fn upgrade(
        &self,
        call: Call<'_>,
        key: Path<String>,
        /// Accept a version lower than the installed one.
        allow_downgrade: Query<Option<bool>>,
        body: InstallBody,
    ) -> Answer<Document<InstallationChanged>> {
        let Call { state, request } = call;
        let allow_downgrade = allow_downgrade.0.unwrap_or(false);
        let result = async {
            let (org, user) = manager(state, request).await?;
            let body = body.0?;
            match body.bundle {
                None => {
                    let addon = state.compiled(&key)?;
                    let source = served_source(state, addon);
                    let change = Change::Upgrade {
                        allow_downgrade,
                        settings: body.settings,
                        source,
                    };
                    let applied = state.apply(org, addon, change, Some(user)).await?;
                    Ok(changed(state, &applied))
                }
                Some(upload) => {
                    let change = |source| Change::Upgrade {
                        allow_downgrade,
                        settings: body.settings,
                        source,
                    };
                    let (_, applied) =
                        deploy_bundle(state, org, user, &key, &upload, change).await?;
                    Ok(changed(state, &applied))
                }
            }
        }
        .await;
        answer(result)
    }

    /// Uninstalls `key` from the caller's organisation (its `disable` hook when enabled,
    /// then `uninstall`): the installation, settings and secret are deleted; with
    /// `drop=true` also the organisation's rows of the addon's tables and its key-value
    /// store. Other organisations are untouched.
    #[oai(
        path = "/api/metacore/installations/:key",
        method = "delete",
        operation_id = "installations_uninstall",
        tag = "INSTALLATIONS"
    )]
    async fn uninstall(
        &self,
        call: Call<'_>,
        key: Path<String>,
        /// Also delete the organisation's data of the addon (default false).
        drop: Query<Option<bool>>,
    ) -> Answer<Document<InstallationChanged>> {
        let change = Change::Uninstall {
            drop: drop.0.unwrap_or(false),
        };
        answer(Self::change(call.state, call.request, &key, change).await)
    }

    /// A new install secret for the caller's organisation's installation of `key`
    /// (`metacore.installations.manage`): returned this once; the old secret stops
    /// verifying at once. 404 `addon_not_installed` when it is not installed.
    #[oai(
        path = "/api/metacore/installations/:key/rotate-secret",
        method = "post",
        operation_id = "installations_rotate_secret",
        tag = "INSTALLATIONS"
    )]
    async fn rotate_secret(
        &self,
        call: Call<'_>,
        key: Path<String>,
    ) -> Answer<Document<RotatedSecret>> {
        let Call { state, request } = call;
        answer(
            async {
                let (org, _) = manager(state, request).await?;
                let (record, secret) = state.rotate_installation_secret(&key, org).await?;
                Ok(envelope(json!({
                    "installation": shown(state, &record),
                    "install_secret": secret.expose(),
                })))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// The settings of the organisation's installation of `key`: every declared setting
    /// with its value or default; `secret` settings are `null` and `meta.secrets_set` names
    /// those with a value. 404 `addon_not_installed` when not installed.
    #[oai(
        path = "/api/addons/:key/settings",
        method = "get",
        operation_id = "addon_settings",
        tag = "INSTALLATIONS"
    )]
    async fn settings(&self, call: Call<'_>, key: Path<String>) -> Answer<Document<AddonSettings>> {
        let Call { state, request } = call;
        answer(
            async {
                let (caller, _) = state.caller(request).await?;
                let org = caller.organization()?;
                let addon = state.compiled(&key)?;
                let record = installed(state, org, addon.key).await?;
                let (data, secrets_set) = settings::shown(addon, &stored(&record));
                Ok(json!({"success": true, "data": data, "meta": {"secrets_set": secrets_set}}))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// As `PUT /api/addons/{key}/settings`, at the path the React runtime's
    /// `MarketplaceClient.updateSettings` posts to.
    #[oai(
        path = "/api/metacore/installations/:key/settings",
        method = "post",
        operation_id = "installations_settings",
        tag = "INSTALLATIONS"
    )]
    async fn post_settings(
        &self,
        call: Call<'_>,
        key: Path<String>,
        body: InvocationBody,
    ) -> Answer<Document<AddonSettings>> {
        answer(update_settings(call.state, call.request, &key, &body.0).await)
            .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// Changes settings of the organisation's installation of `key`
    /// (`metacore.installations.manage`) with a partial object: values are validated
    /// against the declared types and options (422 with `errors`; unknown keys too);
    /// secrets are stored encrypted — `null` keeps one, `""` clears it.
    #[oai(
        path = "/api/addons/:key/settings",
        method = "put",
        operation_id = "addon_settings_update",
        tag = "INSTALLATIONS"
    )]
    async fn update_settings(
        &self,
        call: Call<'_>,
        key: Path<String>,
        body: InvocationBody,
    ) -> Answer<Document<AddonSettings>> {
        answer(update_settings(call.state, call.request, &key, &body.0).await)
            .header(poem::http::header::CACHE_CONTROL, "no-store")
    }
}

/// Applies the partial settings `patch` to the caller's organisation's installation of `key`.
async fn update_settings(
    state: &ApiState,
    request: &poem::Request,
    key: &str,
    patch: &Map<String, Value>,
) -> Result<Value, ApiError> {
    let (org, _) = manager(state, request).await?;
    let addon = state.compiled(key)?;
    let record = installed(state, org, addon.key).await?;
    let next = settings::update(addon, &stored(&record), patch, state.master_key(), org)?;
    {
        let turn = state.write_turn().await;
        installations::set_settings(turn.db(), org, addon.key, &Value::Object(next.clone()))
            .await
            .map_err(ApiError::internal)?;
    }
    state.forget_installations(org);
    let (data, secrets_set) = settings::shown(addon, &next);
    Ok(json!({"success": true, "data": data, "meta": {"secrets_set": secrets_set}}))
}

/// The installation of `addon` in `org`, else 404 `addon_not_installed`.
async fn installed(
    state: &ApiState,
    org: uuid::Uuid,
    addon: &str,
) -> Result<InstallationRecord, ApiError> {
    state
        .installed(org)
        .await?
        .iter()
        .find(|r| r.addon_key == addon)
        .cloned()
        .ok_or_else(|| super::lifecycle::not_installed(addon))
}

fn stored(record: &InstallationRecord) -> Map<String, Value> {
    match &record.settings {
        Value::Object(stored) => stored.clone(),
        _ => Map::new(),
    }
}
