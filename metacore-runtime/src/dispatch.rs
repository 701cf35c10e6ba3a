//! The dispatcher: runs the declared handler of an action or tool (`runtime.md` §3).
//!
//! A [`Dispatcher`] is cheap to clone (one `Arc`), `Send + Sync`, and holds the registered
//! addons (IR, loaded module, compiled tool input schemas) and the [`HostServices`]. The HTTP
//! layer calls [`Dispatcher::action`] for `POST /api/data/{model}/{id}/action/{key}` and
//! [`Dispatcher::tool`] for `POST /api/metacore/tools/{addon}/{tool}` after checking
//! permissions; the result is a normalised [`HandlerOutcome`] (a decline maps to 422) or a
//! [`DispatchError`] whose [`DispatchErrorCode::http_status`] gives the status.
//!
//! WASM handlers run on a fresh instance inside a database transaction that commits — and
//! whose emitted events are published — only when the handler succeeds. Webhook handlers are
//! signed outbound calls. Every WASM call that reached the sandbox is counted in
//! `wasm_invocations_total` and timed in `wasm_invocation_duration_seconds` (`runtime.md`
//! §13), and the events a successful one emitted in `events_written_total`. Each
//! installation has at most 8 invocations in flight; further
//! calls wait for a slot until their deadline. WASM calls then run on the sandbox's
//! dedicated pool, which refuses a call at once when it is full (`sandbox_busy`, 503 with
//! [`DispatchErrorCode::retry_after`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use metacore_core::registry::{AddonDescriptor, Handler};
use sea_orm::DatabaseTransaction;
use serde_json::{json, Value};
use tokio::sync::Semaphore;
use uuid::Uuid;

use crate::invocation::{document, CallerContext, InvocationKind};
use crate::metrics::WasmResult;
use crate::policy::{CapabilityMode, CapabilityPolicy};
use crate::response::{normalise, HandlerOutcome};
use crate::sandbox::{AddonModule, CallFailure, HostServices};
use crate::webhook::WebhookCall;

/// Invocations in flight per installation (§2.1).
const SLOTS_PER_INSTALLATION: usize = 8;
/// Default deadline of a webhook handler (§6.1).
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(15);
/// Longest deadline of any handler.
const MAX_TIMEOUT: Duration = Duration::from_secs(60);
/// What a `sandbox_busy` answer asks the client to wait before retrying, in seconds.
const BUSY_RETRY_AFTER_SECS: u32 = 1;

/// Failure codes of a dispatch; [`DispatchErrorCode::as_str`] is the API's `error.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DispatchErrorCode {
    /// No addon registered under that key.
    UnknownAddon,
    /// The addon has no such action.
    UnknownAction,
    /// The addon has no such tool.
    UnknownTool,
    /// The tool input does not match its `input_schema`.
    InvalidInput,
    /// No handler, or a WASM handler without a module / a relative webhook without base.
    HandlerMissing,
    /// A handler kind this version cannot run (connector, compiled).
    HandlerUnsupported,
    /// The deadline passed (also when no slot freed up in time).
    AddonTimeout,
    /// The guest trapped.
    AddonTrap,
    /// The module could not be instantiated.
    AddonFailed,
    /// The answer is not JSON.
    BadAddonResponse,
    /// The webhook failed (non-2xx, refused, transport).
    WebhookFailed,
    /// The webhook did not answer in time.
    WebhookTimeout,
    /// The WebAssembly pool admits no more invocations; nothing ran, retry later.
    SandboxBusy,
    /// A host-side failure (commit failed, …).
    Internal,
}

impl DispatchErrorCode {
    /// The error code string.
    pub fn as_str(self) -> &'static str {
        match self {
            DispatchErrorCode::UnknownAddon => "addon_not_installed",
            DispatchErrorCode::UnknownAction => "action_not_found",
            DispatchErrorCode::UnknownTool => "tool_not_found",
            DispatchErrorCode::InvalidInput => "validation_failed",
            DispatchErrorCode::HandlerMissing => "handler_missing",
            DispatchErrorCode::HandlerUnsupported => "handler_unsupported",
            DispatchErrorCode::AddonTimeout => "addon_timeout",
            DispatchErrorCode::AddonTrap => "addon_trap",
            DispatchErrorCode::AddonFailed => "addon_failed",
            DispatchErrorCode::BadAddonResponse => "bad_addon_response",
            DispatchErrorCode::WebhookFailed => "webhook_failed",
            DispatchErrorCode::WebhookTimeout => "webhook_timeout",
            DispatchErrorCode::SandboxBusy => "sandbox_busy",
            DispatchErrorCode::Internal => "internal_error",
        }
    }

    /// The HTTP status the API answers with.
    pub fn http_status(self) -> u16 {
        match self {
            DispatchErrorCode::UnknownAddon
            | DispatchErrorCode::UnknownAction
            | DispatchErrorCode::UnknownTool => 404,
            DispatchErrorCode::InvalidInput => 422,
            DispatchErrorCode::HandlerMissing | DispatchErrorCode::HandlerUnsupported => 501,
            DispatchErrorCode::AddonTimeout | DispatchErrorCode::WebhookTimeout => 504,
            DispatchErrorCode::AddonTrap
            | DispatchErrorCode::AddonFailed
            | DispatchErrorCode::BadAddonResponse
            | DispatchErrorCode::WebhookFailed => 502,
            DispatchErrorCode::SandboxBusy => 503,
            DispatchErrorCode::Internal => 500,
        }
    }

    /// Seconds the client should wait before retrying (the `Retry-After` header), for
    /// failures that are worth retrying as they are.
    pub fn retry_after(self) -> Option<u32> {
        match self {
            DispatchErrorCode::SandboxBusy => Some(BUSY_RETRY_AFTER_SECS),
            _ => None,
        }
    }
}

/// A failed dispatch.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}: {message}", code.as_str())]
pub struct DispatchError {
    /// What failed.
    pub code: DispatchErrorCode,
    /// Human message (never contains secrets or host stack traces).
    pub message: String,
    /// Details: validation errors of a tool input, as `[{path, message}]`.
    pub details: Option<Value>,
}

impl DispatchError {
    /// An error without details.
    pub fn new(code: DispatchErrorCode, message: impl Into<String>) -> DispatchError {
        DispatchError {
            code,
            message: message.into(),
            details: None,
        }
    }
}

/// An action invocation, after the caller checked permissions and loaded the record.
#[derive(Debug, Clone)]
pub struct ActionCall {
    /// The addon declaring the action.
    pub addon_key: String,
    /// The action key.
    pub action_key: String,
    /// The target record (`None` for collection actions).
    pub record_id: Option<Uuid>,
    /// The record as the API serialises it.
    pub record: Option<Value>,
    /// Form values.
    pub payload: Value,
    /// Who is calling.
    pub caller: CallerContext,
}

/// A tool invocation.
#[derive(Debug, Clone)]
pub struct ToolCall {
    /// The addon declaring the tool.
    pub addon_key: String,
    /// The tool key.
    pub tool_key: String,
    /// Tool arguments, validated against the tool's `input_schema` here.
    pub input: Value,
    /// Who is calling.
    pub caller: CallerContext,
}

/// An event delivered to one of an addon's subscriptions.
#[derive(Debug, Clone)]
pub struct SubscriptionCall {
    /// The subscribing addon.
    pub addon_key: String,
    /// The subscription's handler.
    pub handler: Handler,
    /// The event, as logged.
    pub event: crate::events::Event,
    /// The addon's installation in the event's organisation (no user: the host calls).
    pub caller: CallerContext,
}

/// A lifecycle hook of an installation, run inside the operation's transaction.
#[derive(Debug, Clone)]
pub struct LifecycleCall {
    /// The addon whose hook runs.
    pub addon_key: String,
    /// The hook's handler.
    pub handler: Handler,
    /// `install`, `enable`, `disable`, `uninstall` or `upgrade`.
    pub phase: String,
    /// The installed version an upgrade starts from.
    pub from_version: Option<String>,
    /// The version an install or upgrade arrives at.
    pub to_version: Option<String>,
    /// The invocation's `payload` (the installation's settings).
    pub payload: Value,
    /// The installation (the acting user, when a person asked).
    pub caller: CallerContext,
    /// The operation's transaction: a WASM hook's database work is a savepoint of it.
    pub within: Arc<DatabaseTransaction>,
}

/// The outer transaction of a lifecycle hook and the events it emitted, published only
/// after that transaction commits.
struct Within {
    transaction: Arc<DatabaseTransaction>,
    events: Mutex<Vec<crate::events::Event>>,
}

/// Dispatcher settings.
#[derive(Debug, Clone)]
pub struct DispatcherConfig {
    /// Services of the host imports and webhook calls.
    pub services: HostServices,
    /// Mode of the webhook handlers' `http:fetch` checks (WASM modules carry their own).
    pub capability_mode: CapabilityMode,
}

/// What [`Dispatcher::replace`] replaced, for [`Dispatcher::put_back`].
pub struct Replaced {
    key: String,
    previous: Option<Arc<RegisteredAddon>>,
}

impl std::fmt::Debug for Replaced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replaced")
            .field("key", &self.key)
            .field("previous", &self.previous.as_ref().map(|r| r.addon.version))
            .finish()
    }
}

struct RegisteredAddon {
    addon: &'static AddonDescriptor,
    module: Option<AddonModule>,
    policy: CapabilityPolicy,
    tool_schemas: HashMap<String, jsonschema::Validator>,
}

struct Inner {
    services: Arc<HostServices>,
    capability_mode: CapabilityMode,
    addons: RwLock<HashMap<String, Arc<RegisteredAddon>>>,
    slots: Mutex<HashMap<Uuid, Arc<Semaphore>>>,
}

/// Runs declared handlers; clone freely.
#[derive(Clone)]
pub struct Dispatcher {
    inner: Arc<Inner>,
}

/// The handler to run and how the invocation is described.
struct Invocation<'a> {
    registered: &'a RegisteredAddon,
    handler: &'a Handler,
    kind: InvocationKind<'a>,
    payload: &'a Value,
    caller: &'a CallerContext,
    webhook_timeout: Duration,
    within: Option<&'a Within>,
}

impl Dispatcher {
    /// A dispatcher without addons.
    pub fn new(config: DispatcherConfig) -> Dispatcher {
        Dispatcher {
            inner: Arc::new(Inner {
                services: Arc::new(config.services),
                capability_mode: config.capability_mode,
                addons: RwLock::new(HashMap::new()),
                slots: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The services handlers use (event bus, database, outbound client).
    pub fn services(&self) -> &HostServices {
        &self.inner.services
    }

    /// Registers (or replaces) an addon with its loaded backend module, if it has one.
    /// Fails when a tool's `input_schema` is not a valid JSON Schema.
    pub fn register(
        &self,
        addon: &'static AddonDescriptor,
        module: Option<AddonModule>,
    ) -> Result<(), String> {
        self.replace(addon, module).map(drop)
    }

    /// Registers `addon` like [`Dispatcher::register`] and hands back what it replaced, so
    /// an operation that fails later can [`Dispatcher::put_back`] the previous state.
    pub fn replace(
        &self,
        addon: &'static AddonDescriptor,
        module: Option<AddonModule>,
    ) -> Result<Replaced, String> {
        let mut tool_schemas = HashMap::new();
        for tool in addon.tools {
            if let Some(text) = tool.input_schema_json {
                let invalid = |e: &dyn std::fmt::Display| {
                    format!("tool `{}` has an invalid input_schema: {e}", tool.key)
                };
                let schema: Value = serde_json::from_str(text).map_err(|e| invalid(&e))?;
                let validator = jsonschema::validator_for(&schema).map_err(|e| invalid(&e))?;
                tool_schemas.insert(tool.key.to_string(), validator);
            }
        }
        let registered = RegisteredAddon {
            policy: CapabilityPolicy::from_addon(addon, self.inner.capability_mode),
            addon,
            module,
            tool_schemas,
        };
        let previous = self
            .inner
            .addons
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(addon.key.to_string(), Arc::new(registered));
        Ok(Replaced {
            key: addon.key.to_string(),
            previous,
        })
    }

    /// Restores what a [`Dispatcher::replace`] replaced: the previous registration, or none.
    pub fn put_back(&self, replaced: Replaced) {
        let mut addons = self
            .inner
            .addons
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match replaced.previous {
            Some(previous) => addons.insert(replaced.key, previous),
            None => addons.remove(&replaced.key),
        };
    }

    /// Every registered addon, by key.
    pub fn addons(&self) -> Vec<&'static AddonDescriptor> {
        let addons = self
            .inner
            .addons
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut all: Vec<_> = addons.values().map(|r| r.addon).collect();
        all.sort_by_key(|a| a.key);
        all
    }

    /// The descriptor of registered addon `key`.
    pub fn addon(&self, key: &str) -> Option<&'static AddonDescriptor> {
        self.registered(key).ok().map(|r| r.addon)
    }

    fn registered(&self, key: &str) -> Result<Arc<RegisteredAddon>, DispatchError> {
        self.inner
            .addons
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(key)
            .cloned()
            .ok_or_else(|| {
                DispatchError::new(DispatchErrorCode::UnknownAddon, format!("no addon `{key}`"))
            })
    }

    /// Runs an action's handler.
    pub async fn action(&self, call: ActionCall) -> Result<HandlerOutcome, DispatchError> {
        let registered = self.registered(&call.addon_key)?;
        let action = registered.addon.action(&call.action_key).ok_or_else(|| {
            DispatchError::new(
                DispatchErrorCode::UnknownAction,
                format!(
                    "addon `{}` has no action `{}`",
                    call.addon_key, call.action_key
                ),
            )
        })?;
        let model = action.model.and_then(|route| registered.addon.model(route));
        let (table, model_key) = model.map(|m| (m.route, m.key)).unwrap_or_default();
        self.invoke(Invocation {
            registered: &registered,
            handler: &action.handler,
            kind: InvocationKind::Action {
                model: table,
                model_key,
                action: action.key,
                record_id: call.record_id,
                record: call.record.as_ref(),
            },
            payload: &call.payload,
            caller: &call.caller,
            webhook_timeout: WEBHOOK_TIMEOUT,
            within: None,
        })
        .await
    }

    /// Validates a tool's input against its `input_schema`, then runs its handler.
    pub async fn tool(&self, call: ToolCall) -> Result<HandlerOutcome, DispatchError> {
        let registered = self.registered(&call.addon_key)?;
        let tool = registered.addon.tool(&call.tool_key).ok_or_else(|| {
            DispatchError::new(
                DispatchErrorCode::UnknownTool,
                format!("addon `{}` has no tool `{}`", call.addon_key, call.tool_key),
            )
        })?;
        if let Some(validator) = registered.tool_schemas.get(tool.key) {
            let errors: Vec<Value> = validator
                .iter_errors(&call.input)
                .map(|e| json!({"path": e.instance_path().to_string(), "message": e.to_string()}))
                .collect();
            if !errors.is_empty() {
                return Err(DispatchError {
                    code: DispatchErrorCode::InvalidInput,
                    message: format!("the input of tool `{}` does not match its schema", tool.key),
                    details: Some(Value::Array(errors)),
                });
            }
        }
        let webhook_timeout = tool
            .timeout_ms
            .filter(|ms| *ms > 0)
            .map(|ms| Duration::from_millis(ms).min(MAX_TIMEOUT))
            .unwrap_or(WEBHOOK_TIMEOUT);
        self.invoke(Invocation {
            registered: &registered,
            handler: &tool.handler,
            kind: InvocationKind::Tool { tool: tool.key },
            payload: &call.input,
            caller: &call.caller,
            webhook_timeout,
            within: None,
        })
        .await
    }

    /// Runs a subscription's handler with the event (in a transaction of its own for WASM).
    pub async fn subscription(
        &self,
        call: SubscriptionCall,
    ) -> Result<HandlerOutcome, DispatchError> {
        let registered = self.registered(&call.addon_key)?;
        self.invoke(Invocation {
            registered: &registered,
            handler: &call.handler,
            kind: InvocationKind::Subscription { event: &call.event },
            payload: &call.event.payload,
            caller: &call.caller,
            webhook_timeout: WEBHOOK_TIMEOUT,
            within: None,
        })
        .await
    }

    /// Runs a lifecycle hook (`runtime.md` §9): a WASM hook inside `call.within` (its
    /// writes and events commit or roll back with the operation), a webhook hook with the
    /// longest deadline. Returns the outcome and the events the hook emitted, logged in the
    /// operation's transaction, for the caller to publish once it has committed.
    pub async fn lifecycle(
        &self,
        call: LifecycleCall,
    ) -> Result<(HandlerOutcome, Vec<crate::events::Event>), DispatchError> {
        let registered = self.registered(&call.addon_key)?;
        let within = Within {
            transaction: call.within.clone(),
            events: Mutex::new(Vec::new()),
        };
        let outcome = self
            .invoke(Invocation {
                registered: &registered,
                handler: &call.handler,
                kind: InvocationKind::Lifecycle {
                    phase: &call.phase,
                    from_version: call.from_version.as_deref(),
                    to_version: call.to_version.as_deref(),
                },
                payload: &call.payload,
                caller: &call.caller,
                webhook_timeout: MAX_TIMEOUT,
                within: Some(&within),
            })
            .await?;
        let events = within
            .events
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok((outcome, events))
    }

    fn slot(&self, installation: Uuid) -> Arc<Semaphore> {
        self.inner
            .slots
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(installation)
            .or_insert_with(|| Arc::new(Semaphore::new(SLOTS_PER_INSTALLATION)))
            .clone()
    }

    async fn invoke(&self, invocation: Invocation<'_>) -> Result<HandlerOutcome, DispatchError> {
        let started = Instant::now();
        let addon = invocation.registered.addon;
        let (label, result) = match *invocation.handler {
            Handler::Wasm { function } => (function, self.run_wasm(&invocation, function).await),
            Handler::Webhook { url, method } => {
                (url, self.run_webhook(&invocation, url, method).await)
            }
            Handler::Noop => (
                "noop",
                Ok(HandlerOutcome::Success {
                    data: Value::Null,
                    message: None,
                    meta: Some(json!({"no_op": true})),
                }),
            ),
            Handler::Compiled { function } => (
                function,
                Err(DispatchError::new(
                    DispatchErrorCode::HandlerUnsupported,
                    format!("compiled handler `{function}` is not registered"),
                )),
            ),
            Handler::Connector { connector, .. } => (
                connector,
                Err(DispatchError::new(
                    DispatchErrorCode::HandlerUnsupported,
                    "connector handlers are not supported in this version",
                )),
            ),
            Handler::None => (
                "none",
                Err(DispatchError::new(
                    DispatchErrorCode::HandlerMissing,
                    "no handler is declared",
                )),
            ),
        };
        let outcome = match &result {
            Ok(HandlerOutcome::Success { .. }) => "ok",
            Ok(HandlerOutcome::Declined(_)) => "declined",
            Err(error) => error.code.as_str(),
        };
        tracing::info!(
            target: "metacore::dispatch",
            addon = %addon.key,
            org = %invocation.caller.org_id(),
            invocation = invocation.kind.name(),
            handler = %label,
            duration_ms = started.elapsed().as_millis() as u64,
            result = outcome,
            "handler dispatched"
        );
        result
    }

    async fn run_wasm(
        &self,
        invocation: &Invocation<'_>,
        function: &str,
    ) -> Result<HandlerOutcome, DispatchError> {
        let module = invocation.registered.module.as_ref().ok_or_else(|| {
            DispatchError::new(
                DispatchErrorCode::HandlerMissing,
                format!(
                    "addon `{}` has no backend module loaded",
                    invocation.registered.addon.key
                ),
            )
        })?;
        let slot = self.slot(invocation.caller.installation.id);
        let _permit = tokio::time::timeout(module.timeout(), slot.acquire_owned())
            .await
            .map_err(|_| {
                DispatchError::new(
                    DispatchErrorCode::AddonTimeout,
                    "no free invocation slot before the deadline",
                )
            })?
            .map_err(|_| {
                DispatchError::new(DispatchErrorCode::Internal, "invocation slots closed")
            })?;
        let doc = document(
            invocation.registered.addon.key,
            invocation.caller,
            &invocation.kind,
            invocation.payload,
        );
        let request = serde_json::to_vec(&doc)
            .map_err(|e| DispatchError::new(DispatchErrorCode::Internal, e.to_string()))?;
        let metrics = &self.inner.services.metrics;
        let addon = invocation.registered.addon.key;
        let started = Instant::now();
        let called = module
            .call_within(
                function,
                &request,
                invocation.caller.clone(),
                self.inner.services.clone(),
                invocation.within.map(|w| w.transaction.clone()),
            )
            .await;
        let elapsed = started.elapsed();
        let completed = called.map_err(|failure| {
            let (code, counted) = match &failure {
                CallFailure::Timeout(_) => {
                    (DispatchErrorCode::AddonTimeout, Some(WasmResult::Timeout))
                }
                CallFailure::Trap(_) => (DispatchErrorCode::AddonTrap, Some(WasmResult::Trap)),
                CallFailure::Failed(_) => (DispatchErrorCode::AddonFailed, Some(WasmResult::Trap)),
                // Nothing ran: not an invocation.
                CallFailure::UnknownHandler(_) => (DispatchErrorCode::HandlerMissing, None),
                CallFailure::Busy(_) => (DispatchErrorCode::SandboxBusy, None),
            };
            if let Some(result) = counted {
                metrics.wasm_invocation(addon, result, elapsed);
            }
            DispatchError::new(code, failure.to_string())
        })?;
        let Some(outcome) = normalise(&completed.response) else {
            metrics.wasm_invocation(addon, WasmResult::Trap, elapsed);
            completed.effects.rollback().await;
            return Err(DispatchError::new(
                DispatchErrorCode::BadAddonResponse,
                "the handler's response is not JSON",
            ));
        };
        if outcome.is_success() {
            metrics.wasm_invocation(addon, WasmResult::Ok, elapsed);
            if let Some(within) = invocation.within {
                let events = completed
                    .effects
                    .release(&within.transaction)
                    .await
                    .map_err(|e| DispatchError::new(DispatchErrorCode::Internal, e))?;
                within
                    .events
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .extend(events);
                return Ok(outcome);
            }
            let published = completed
                .effects
                .commit(&self.inner.services)
                .await
                .map_err(|e| DispatchError::new(DispatchErrorCode::Internal, e))?;
            metrics.events_written(published as u64);
        } else {
            metrics.wasm_invocation(addon, WasmResult::Declined, elapsed);
            completed.effects.rollback().await;
        }
        Ok(outcome)
    }

    async fn run_webhook(
        &self,
        invocation: &Invocation<'_>,
        url: &str,
        method: &str,
    ) -> Result<HandlerOutcome, DispatchError> {
        let registered = invocation.registered;
        let doc = document(
            registered.addon.key,
            invocation.caller,
            &invocation.kind,
            invocation.payload,
        );
        WebhookCall {
            outbound: &self.inner.services.outbound,
            policy: &registered.policy,
            metrics: &self.inner.services.metrics,
            manifest_base_url: registered.addon.backend.base_url,
            caller: invocation.caller,
            kind: &invocation.kind,
            url,
            method,
            document: &doc,
            timeout: invocation.webhook_timeout,
        }
        .send()
        .await
    }
}
