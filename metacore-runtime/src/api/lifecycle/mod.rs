//! The addon lifecycle per organisation (`runtime.md` §9): install, enable, disable,
//! upgrade and uninstall, each **one transaction** with its lifecycle hooks.
//!
//! [`ApiState::apply`] runs an operation:
//!
//! 1. **One at a time** per (organisation, addon): an operation already running in this
//!    process, or — on PostgreSQL — in any process (`pg_try_advisory_xact_lock`), makes a
//!    second one 409 `operation_in_progress` at once instead of queueing it.
//! 2. **One transaction**: the row change, the hooks and the lifecycle event
//!    (`metacore.addon.<installed|enabled|disabled|upgraded|uninstalled>`) in the event log.
//!    WASM hooks run inside it (their database work is a savepoint of it,
//!    [`crate::dispatch::LifecycleCall`]), webhook hooks with a 60 s deadline. Any failure —
//!    a hook that declines, traps or times out, a refused setting — rolls everything back
//!    and the previous state stays untouched: 422 `lifecycle_hook_failed` naming the hook
//!    and, in `meta.cause`, what happened.
//! 3. **After the commit**: every cache of the organisation's installations is forgotten
//!    (other processes hear of the change through the table's trigger,
//!    [`crate::coherence`]), the events are published, and the organisation's sockets get
//!    `ADDON_MANIFEST_CHANGED` ([`crate::hub::deliver`]).
//!
//! Hook order is the kernel's: install then enable; disable (when enabled) then uninstall.
//! An upgrade runs the **first** `lifecycle.upgrade[]` step whose `from` range matches the
//! installed version.

pub(crate) mod settings;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use poem::http::StatusCode;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseTransaction, Statement};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::error::ApiError;
use super::state::ApiState;
use crate::dispatch::LifecycleCall;
use crate::events::Event;
use crate::installations::{
    self, InstallationRecord, NewInstallation, SOURCE_COMPILED, STATUS_DISABLED, STATUS_ENABLED,
};
use crate::invocation::{CallerContext, Installation, Secret};
use crate::registry::{AddonDescriptor, HookDescriptor};
use metacore_core::semver::{Range, Version};

/// A lifecycle operation.
#[derive(Debug, Clone)]
pub enum Change {
    /// Install, with supplied settings (validated; defaults fill the rest).
    Install {
        /// Setting values supplied by the caller.
        settings: Map<String, Value>,
        /// Where the addon comes from.
        source: Source,
    },
    /// Enable a disabled installation.
    Enable,
    /// Disable an enabled installation (its data is kept).
    Disable,
    /// Move the installation to the version of the addon served now.
    Upgrade {
        /// Whether a lower version is accepted (`?allow_downgrade=true`).
        allow_downgrade: bool,
        /// Setting values supplied by the caller, validated and applied over the merged
        /// settings.
        settings: Map<String, Value>,
        /// Where the new version comes from.
        source: Source,
    },
    /// Uninstall.
    Uninstall {
        /// Also delete the organisation's rows of the addon's tables and its key-value
        /// namespace.
        drop: bool,
    },
}

/// Where an installed addon comes from.
#[derive(Debug, Clone, Default)]
pub enum Source {
    /// Compiled into the build.
    #[default]
    Compiled,
    /// A signed bundle ([`super::bundles`]).
    Bundle {
        /// SHA-256 of its `manifest.json`, hex.
        manifest_sha256: String,
        /// SHA-256 of its backend module, hex.
        module_sha256: Option<String>,
    },
}

impl Source {
    /// The installation's `source`, `manifest_sha256` and `module_sha256` columns.
    fn columns(&self) -> (&'static str, Option<&str>, Option<&str>) {
        match self {
            Source::Compiled => (SOURCE_COMPILED, None, None),
            Source::Bundle {
                manifest_sha256,
                module_sha256,
            } => (
                installations::SOURCE_BUNDLE,
                Some(manifest_sha256.as_str()),
                module_sha256.as_deref(),
            ),
        }
    }
}

impl Change {
    fn name(&self) -> &'static str {
        match self {
            Change::Install { .. } => "install",
            Change::Enable => "enable",
            Change::Disable => "disable",
            Change::Upgrade { .. } => "upgrade",
            Change::Uninstall { .. } => "uninstall",
        }
    }
}

/// What an operation did.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The installation afterwards (`None` after an uninstall).
    pub record: Option<InstallationRecord>,
    /// The new install secret (a fresh install only; shown once).
    pub secret: Option<Secret>,
    /// False when the installation already was in the asked state (a no-op).
    pub changed: bool,
}

/// The (organisation, addon) pairs with an operation running in this process.
#[derive(Debug, Default)]
pub(crate) struct Running(Mutex<HashSet<(Uuid, String)>>);

/// An operation's claim on its (organisation, addon); released when dropped.
struct Claim<'a> {
    running: &'a Running,
    key: (Uuid, String),
}

impl Running {
    fn claim(&self, org: Uuid, addon: &str) -> Result<Claim<'_>, ApiError> {
        let key = (org, addon.to_string());
        let mut running = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if !running.insert(key.clone()) {
            return Err(in_progress(addon));
        }
        Ok(Claim { running: self, key })
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        self.running
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.key);
    }
}

fn in_progress(addon: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "operation_in_progress",
        format!("another operation on `{addon}` is running for this organisation"),
    )
}

/// 404 `addon_not_installed`.
pub(crate) fn not_installed(addon: &str) -> ApiError {
    ApiError::not_found(
        "addon_not_installed",
        format!("addon `{addon}` is not installed in this organisation"),
    )
}

fn version_conflict(message: String) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, "version_conflict", message)
}

impl ApiState {
    /// Runs `change` on the installation of `addon` in `org`, on behalf of `actor` (see the
    /// module documentation).
    pub async fn apply(
        &self,
        org: Uuid,
        addon: &'static AddonDescriptor,
        change: Change,
        actor: Option<Uuid>,
    ) -> Result<Applied, ApiError> {
        self.apply_locked(org, addon, change, actor, false).await
    }

    /// [`ApiState::apply`]; `automatic` for the auto-install of a first use: an operation of
    /// another process on PostgreSQL is waited for instead of answered with 409, and the
    /// install — the build's default state, not an operator's act — is logged at info
    /// level but not appended to the organisation's event log.
    pub(crate) async fn apply_locked(
        &self,
        org: Uuid,
        addon: &'static AddonDescriptor,
        change: Change,
        actor: Option<Uuid>,
        automatic: bool,
    ) -> Result<Applied, ApiError> {
        let _claim = self.lifecycle_running().claim(org, addon.key)?;
        let (applied, events) = {
            let turn = self.write_turn().await;
            let txn = Arc::new(
                crate::db::begin_write(turn.db())
                    .await
                    .map_err(ApiError::internal)?,
            );
            let result = async {
                lock(&txn, org, addon.key, automatic).await?;
                let mut operation = Operation::new(self, &txn, org, addon, actor);
                operation.quiet = automatic;
                let (applied, mut events) = operation.run(change).await?;
                // The hooks' events are in the log already (they carry a sequence).
                for event in events.iter_mut().filter(|e| e.sequence.is_none()) {
                    crate::event_log::append(&*txn, event)
                        .await
                        .map_err(ApiError::internal)?;
                }
                Ok::<_, ApiError>((applied, events))
            }
            .await;
            let txn = Arc::try_unwrap(txn)
                .map_err(|_| ApiError::internal("a lifecycle hook kept its transaction"))?;
            match result {
                Ok(done) => {
                    txn.commit().await.map_err(ApiError::internal)?;
                    done
                }
                Err(error) => {
                    let _ = txn.rollback().await;
                    return Err(error);
                }
            }
        };
        self.forget_installations(org);
        for event in events {
            self.publish(event);
        }
        Ok(applied)
    }
}

/// On PostgreSQL, the transaction's advisory lock on (`org`, `addon`): 409 when another
/// process holds it (or, with `wait`, once it is released). SQLite is served by one process,
/// whose claims are enough.
async fn lock(
    txn: &DatabaseTransaction,
    org: Uuid,
    addon: &str,
    wait: bool,
) -> Result<(), ApiError> {
    if txn.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let sql = if wait {
        "SELECT true AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS l"
    } else {
        "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked"
    };
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            sql,
            [format!("metacore.lifecycle:{org}:{addon}").into()],
        ))
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::internal("no answer to the advisory lock"))?;
    let locked: bool = row.try_get("", "locked").map_err(ApiError::internal)?;
    if locked {
        Ok(())
    } else {
        Err(in_progress(addon))
    }
}

/// One operation inside its transaction.
struct Operation<'a> {
    state: &'a ApiState,
    txn: &'a Arc<DatabaseTransaction>,
    org: Uuid,
    addon: &'static AddonDescriptor,
    actor: Option<Uuid>,
    /// Events of the hooks and the operation, logged before the commit.
    events: Vec<Event>,
    /// No lifecycle event (an auto-install).
    quiet: bool,
}

impl<'a> Operation<'a> {
    fn new(
        state: &'a ApiState,
        txn: &'a Arc<DatabaseTransaction>,
        org: Uuid,
        addon: &'static AddonDescriptor,
        actor: Option<Uuid>,
    ) -> Self {
        Operation {
            state,
            txn,
            org,
            addon,
            actor,
            events: Vec::new(),
            quiet: false,
        }
    }

    async fn run(mut self, change: Change) -> Result<(Applied, Vec<Event>), ApiError> {
        let db = &**self.txn;
        let master_key = self.state.master_key();
        let current = installations::load(db, master_key, self.org, self.addon.key)
            .await
            .map_err(ApiError::internal)?;
        let operation = change.name();
        let applied = match (change, current) {
            (Change::Install { settings, source }, None) => {
                self.install(&settings, &source).await?
            }
            (Change::Install { .. }, Some((record, _))) => {
                if record.version != self.addon.version {
                    return Err(version_conflict(format!(
                        "`{}` {} is installed; upgrade it to {}",
                        self.addon.key, record.version, self.addon.version
                    )));
                }
                unchanged(record)
            }
            (_, None) => return Err(not_installed(self.addon.key)),
            (Change::Enable, Some((record, secret))) => {
                if record.status == STATUS_ENABLED {
                    unchanged(record)
                } else {
                    self.hook("enable", &record, &secret, None).await?;
                    self.set_status(record, STATUS_ENABLED).await?
                }
            }
            (Change::Disable, Some((record, secret))) => {
                if record.status == STATUS_DISABLED {
                    unchanged(record)
                } else {
                    self.hook("disable", &record, &secret, None).await?;
                    self.set_status(record, STATUS_DISABLED).await?
                }
            }
            (
                Change::Upgrade {
                    allow_downgrade,
                    settings,
                    source,
                },
                Some((record, secret)),
            ) => {
                self.upgrade(record, &secret, allow_downgrade, &settings, &source)
                    .await?
            }
            (Change::Uninstall { drop }, Some((record, secret))) => {
                if record.status == STATUS_ENABLED {
                    self.hook("disable", &record, &secret, None).await?;
                }
                self.hook("uninstall", &record, &secret, None).await?;
                installations::delete(db, self.org, self.addon.key)
                    .await
                    .map_err(ApiError::internal)?;
                if drop {
                    self.drop_data().await?;
                }
                self.event("uninstalled", json!({"drop": drop}));
                Applied {
                    record: None,
                    secret: None,
                    changed: true,
                }
            }
        };
        if applied.changed {
            tracing::info!(addon = %self.addon.key, org = %self.org, operation, "addon lifecycle operation");
        }
        Ok((applied, self.events))
    }

    async fn install(
        &mut self,
        supplied: &Map<String, Value>,
        source: &Source,
    ) -> Result<Applied, ApiError> {
        let master_key = self.state.master_key();
        let stored = settings::initial(self.addon, supplied, master_key, self.org)?;
        let (source, manifest_sha256, module_sha256) = source.columns();
        let (record, secret) = installations::insert(
            &**self.txn,
            master_key,
            self.org,
            &NewInstallation {
                key: self.addon.key,
                version: self.addon.version,
                source,
                settings: &Value::Object(stored),
                manifest_sha256,
                module_sha256,
            },
        )
        .await
        .map_err(ApiError::internal)?;
        let to = Some(self.addon.version);
        self.hook("install", &record, &secret, to).await?;
        self.hook("enable", &record, &secret, to).await?;
        self.event("installed", json!({}));
        Ok(Applied {
            record: Some(record),
            secret: Some(secret),
            changed: true,
        })
    }

    async fn upgrade(
        &mut self,
        record: InstallationRecord,
        secret: &Secret,
        allow_downgrade: bool,
        supplied: &Map<String, Value>,
        source: &Source,
    ) -> Result<Applied, ApiError> {
        let parse = Version::lenient;
        let (Some(installed), Some(target)) = (parse(&record.version), parse(self.addon.version))
        else {
            return Err(ApiError::internal(format!(
                "unparsable versions {} → {}",
                record.version, self.addon.version
            )));
        };
        if installed == target {
            return Ok(unchanged(record));
        }
        if target < installed && !allow_downgrade {
            return Err(version_conflict(format!(
                "`{}` {} is installed; {} would be a downgrade (allow_downgrade=true to force it)",
                self.addon.key, record.version, self.addon.version
            )));
        }
        let step = self.addon.hooks.iter().find(|h| {
            h.hook == "upgrade"
                && h.from
                    .and_then(|range| Range::parse(range).ok())
                    .is_some_and(|range| range.matches(&installed))
        });
        if let Some(step) = step {
            self.run_hook(
                step,
                &record,
                secret,
                Some(&record.version),
                Some(self.addon.version),
            )
            .await?;
        }
        let stored = match &record.settings {
            Value::Object(stored) => stored.clone(),
            _ => Map::new(),
        };
        let merged = settings::merged(self.addon, &stored);
        let master_key = self.state.master_key();
        let merged = Value::Object(settings::update(
            self.addon, &merged, supplied, master_key, self.org,
        )?);
        let (kind, manifest_sha256, module_sha256) = source.columns();
        installations::set_version(
            &**self.txn,
            self.org,
            self.addon.key,
            &NewInstallation {
                key: self.addon.key,
                version: self.addon.version,
                source: kind,
                settings: &merged,
                manifest_sha256,
                module_sha256,
            },
        )
        .await
        .map_err(ApiError::internal)?;
        self.event(
            "upgraded",
            json!({"from_version": record.version, "step": step.and_then(|s| s.from)}),
        );
        Ok(Applied {
            record: Some(InstallationRecord {
                version: self.addon.version.to_string(),
                settings: merged,
                updated_at: chrono::Utc::now(),
                ..record
            }),
            secret: None,
            changed: true,
        })
    }

    async fn set_status(
        &mut self,
        record: InstallationRecord,
        status: &str,
    ) -> Result<Applied, ApiError> {
        installations::set_status(&**self.txn, self.org, self.addon.key, status)
            .await
            .map_err(ApiError::internal)?;
        let now = Some(chrono::Utc::now());
        let record = if status == STATUS_ENABLED {
            self.event("enabled", json!({}));
            InstallationRecord {
                status: status.to_string(),
                enabled_at: now,
                ..record
            }
        } else {
            self.event("disabled", json!({}));
            InstallationRecord {
                status: status.to_string(),
                disabled_at: now,
                ..record
            }
        };
        Ok(Applied {
            record: Some(record),
            secret: None,
            changed: true,
        })
    }

    /// Runs the addon's `phase` hook, if it declares one.
    async fn hook(
        &mut self,
        phase: &str,
        record: &InstallationRecord,
        secret: &Secret,
        to_version: Option<&str>,
    ) -> Result<(), ApiError> {
        let Some(hook) = self.addon.hooks.iter().find(|h| h.hook == phase) else {
            return Ok(());
        };
        self.run_hook(hook, record, secret, None, to_version).await
    }

    async fn run_hook(
        &mut self,
        hook: &HookDescriptor,
        record: &InstallationRecord,
        secret: &Secret,
        from_version: Option<&str>,
        to_version: Option<&str>,
    ) -> Result<(), ApiError> {
        let stored = match &record.settings {
            Value::Object(stored) => stored.clone(),
            _ => Map::new(),
        };
        let master_key = self.state.master_key();
        let installation = Installation {
            id: record.id,
            org_id: self.org,
            settings: settings::opened(self.addon, &stored, master_key, self.org),
            secret: Some(secret.clone()),
            webhook_base_url: record.webhook_base_url.clone(),
        };
        let payload = json!({"settings": installation.settings});
        let result = self
            .state
            .dispatcher()
            .lifecycle(LifecycleCall {
                addon_key: self.addon.key.to_string(),
                handler: hook.handler,
                phase: hook.hook.to_string(),
                from_version: from_version.map(str::to_string),
                to_version: to_version.map(str::to_string),
                payload,
                caller: CallerContext {
                    installation: Arc::new(installation),
                    user_id: self.actor,
                    request_id: Uuid::new_v4(),
                    locale: None,
                },
                within: self.txn.clone(),
            })
            .await;
        let failed = |cause: &str, message: String| {
            let mut error = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "lifecycle_hook_failed",
                format!(
                    "the `{}` hook of `{}` failed: {message}",
                    hook.hook, self.addon.key
                ),
            );
            error.meta = Some(Box::new(json!({"hook": hook.hook, "cause": cause})));
            error
        };
        match result {
            Ok((outcome, events)) if outcome.is_success() => {
                self.events.extend(events);
                Ok(())
            }
            Ok((crate::response::HandlerOutcome::Declined(declined), _)) => {
                Err(failed(&declined.code, declined.message))
            }
            Ok(_) => Err(failed("declined", "the hook declined".into())),
            Err(error) => Err(failed(error.code.as_str(), error.message)),
        }
    }

    /// Deletes the organisation's rows of the addon's tenant tables, children before
    /// parents, and its key-value namespace.
    async fn drop_data(&mut self) -> Result<(), ApiError> {
        let db = &**self.txn;
        let backend = db.get_database_backend();
        let mut left: Vec<_> = self
            .addon
            .models
            .iter()
            .filter(|m| m.tenancy_column.is_some())
            .collect();
        while !left.is_empty() {
            // A model no remaining model refers to goes first.
            let next =
                left.iter()
                    .position(|m| {
                        !left.iter().any(|other| {
                            other.route != m.route
                                && other.columns.iter().any(|c| {
                                    c.reference == Some(m.route) || c.reference == Some(m.key)
                                })
                        })
                    })
                    .unwrap_or(0);
            let model = left.remove(next);
            let column = model.tenancy_column.unwrap_or("organization_id");
            let mut sql = super::sql::Sql::new(backend);
            sql.push("DELETE FROM ")
                .ident(model.physical_table)
                .push(" WHERE ")
                .ident(column)
                .push(" = ")
                .bind(self.org);
            db.execute_raw(sql.statement())
                .await
                .map_err(ApiError::internal)?;
        }
        let namespace = crate::kv::Namespace {
            addon_key: self.addon.key,
            org_id: self.org,
        };
        crate::kv::drop_namespace(db, namespace)
            .await
            .map_err(ApiError::internal)?;
        Ok(())
    }

    /// Records `metacore.addon.<what>` for the commit.
    fn event(&mut self, what: &str, extra: Value) {
        if self.quiet {
            return;
        }
        let mut payload = json!({"addon_key": self.addon.key, "version": self.addon.version});
        if let (Value::Object(payload), Value::Object(extra)) = (&mut payload, extra) {
            payload.extend(extra);
        }
        self.events.push(Event {
            topic: format!("metacore.addon.{what}"),
            org_id: self.org,
            producer: "metacore".into(),
            actor_id: self.actor,
            payload,
            occurred_at: chrono::Utc::now(),
            sequence: None,
            deliveries: 0,
        });
    }
}

fn unchanged(record: InstallationRecord) -> Applied {
    Applied {
        record: Some(record),
        secret: None,
        changed: false,
    }
}
