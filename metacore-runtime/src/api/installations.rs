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
use super::common::{answer, envelope};
use super::error::ApiError;
use super::lifecycle::{settings, Applied, Change};
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

/// The installation routes.
pub struct InstallationsApi;

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

/// The body's `settings` object (absent: none).
fn supplied_settings(body: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    match body.get("settings") {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(settings)) => Ok(settings.clone()),
        Some(_) => Err(ApiError::bad_request(
            "invalid_json",
            "`settings` must be a JSON object",
        )),
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
        body: InvocationBody,
    ) -> Answer<Document<Installed>> {
        let Call { state, request } = call;
        let result = async {
            let (org, user) = manager(state, request).await?;
            let addon = state.compiled(&key)?;
            let settings = supplied_settings(&body.0)?;
            let applied = state
                .apply(org, addon, Change::Install { settings }, Some(user))
                .await?;
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

    /// Upgrades the organisation's installation of `key` to the version this build serves:
    /// runs the first `lifecycle.upgrade[]` step whose `from` range matches the installed
    /// version and merges the settings (new ones get defaults, removed ones are dropped).
    /// Same version → 200, unchanged; a downgrade → 409 `version_conflict` unless
    /// `allow_downgrade=true`.
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
    ) -> Answer<Document<InstallationChanged>> {
        let change = Change::Upgrade {
            allow_downgrade: allow_downgrade.0.unwrap_or(false),
        };
        answer(Self::change(call.state, call.request, &key, change).await)
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
        let Call { state, request } = call;
        answer(
            async {
                let (org, _) = manager(state, request).await?;
                let addon = state.compiled(&key)?;
                let record = installed(state, org, addon.key).await?;
                let next =
                    settings::update(addon, &stored(&record), &body.0, state.master_key(), org)?;
                {
                    let _turn = state.write_turn().await;
                    installations::set_settings(
                        state.db(),
                        org,
                        addon.key,
                        &Value::Object(next.clone()),
                    )
                    .await
                    .map_err(ApiError::internal)?;
                }
                state.forget_installations(org);
                let (data, secrets_set) = settings::shown(addon, &next);
                Ok(json!({"success": true, "data": data, "meta": {"secrets_set": secrets_set}}))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }
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
