//! Who is calling, and the request document a handler receives (`runtime.md` §1.3).
//!
//! The host builds a [`CallerContext`] from the authenticated request: the addon's
//! [`Installation`] in the caller's organisation (its settings snapshot and webhook secret),
//! the user, the request id and locale. That identity is copied into the wasmtime store and
//! used by host imports; the JSON [`document`] handed to the handler is informational only.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde_json::{json, Map, Value};
use uuid::Uuid;

/// A secret value (installation webhook secret). Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret text; only signing code reads it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// An addon's installation in one organisation, as the host loaded it.
#[derive(Debug, Clone)]
pub struct Installation {
    /// Installation id.
    pub id: Uuid,
    /// The organisation.
    pub org_id: Uuid,
    /// Settings snapshot (secret settings already decrypted), by key.
    pub settings: BTreeMap<String, Value>,
    /// The installation secret webhook calls are signed with.
    pub secret: Option<Secret>,
    /// Base URL for relative webhook handler URLs (set by the operator).
    pub webhook_base_url: Option<String>,
}

/// The identity of one invocation, injected by the host.
#[derive(Debug, Clone)]
pub struct CallerContext {
    /// The addon's installation in the caller's organisation.
    pub installation: Arc<Installation>,
    /// The acting user; `None` for system-initiated invocations.
    pub user_id: Option<Uuid>,
    /// Unique per invocation.
    pub request_id: Uuid,
    /// The request language, when known.
    pub locale: Option<String>,
}

impl CallerContext {
    /// The organisation.
    pub fn org_id(&self) -> Uuid {
        self.installation.org_id
    }
}

/// What is being invoked, with the keys that only apply to that kind.
#[derive(Debug, Clone)]
pub enum InvocationKind<'a> {
    /// An action on a model (or a collection action when `record_id` is `None`).
    Action {
        /// Route name of the target model.
        model: &'a str,
        /// Model key.
        model_key: &'a str,
        /// Action key.
        action: &'a str,
        /// The target record id.
        record_id: Option<Uuid>,
        /// The record as the API serialises it.
        record: Option<&'a Value>,
    },
    /// A tool.
    Tool {
        /// Tool key.
        tool: &'a str,
    },
    /// An event delivered to a subscription.
    Subscription {
        /// The event.
        event: &'a crate::events::Event,
    },
    /// A lifecycle hook of the addon's installation (`runtime.md` §9).
    Lifecycle {
        /// `install`, `enable`, `disable`, `uninstall` or `upgrade`.
        phase: &'a str,
        /// The installed version an upgrade starts from.
        from_version: Option<&'a str>,
        /// The version an install or upgrade arrives at.
        to_version: Option<&'a str>,
    },
}

impl InvocationKind<'_> {
    /// The `invocation` value.
    pub fn name(&self) -> &'static str {
        match self {
            InvocationKind::Action { .. } => "action",
            InvocationKind::Tool { .. } => "tool",
            InvocationKind::Subscription { .. } => "subscription",
            InvocationKind::Lifecycle { .. } => "lifecycle",
        }
    }

    /// The `X-Metacore-Event` value of a webhook call.
    pub fn event_header(&self) -> String {
        match self {
            InvocationKind::Action { model, action, .. } => format!("action:{model}::{action}"),
            InvocationKind::Tool { tool } => format!("tool:{tool}"),
            InvocationKind::Subscription { event } => format!("event:{}", event.topic),
            InvocationKind::Lifecycle { phase, .. } => format!("lifecycle:{phase}"),
        }
    }
}

/// The invocation document (§1.3) for `addon_key` invoked as `kind` with `payload`.
pub fn document(
    addon_key: &str,
    caller: &CallerContext,
    kind: &InvocationKind<'_>,
    payload: &Value,
) -> Value {
    let org = caller.org_id().to_string();
    let mut doc = Map::new();
    doc.insert("invocation".into(), json!(kind.name()));
    doc.insert("request_id".into(), json!(caller.request_id.to_string()));
    doc.insert("addon_key".into(), json!(addon_key));
    doc.insert(
        "installation_id".into(),
        json!(caller.installation.id.to_string()),
    );
    doc.insert("org_id".into(), json!(org));
    doc.insert("tenant".into(), json!(org));
    doc.insert("host".into(), json!("metacore"));
    doc.insert(
        "user_id".into(),
        json!(caller.user_id.map(|u| u.to_string())),
    );
    if let Some(locale) = &caller.locale {
        doc.insert("locale".into(), json!(locale));
    }
    match kind {
        InvocationKind::Action {
            model,
            model_key,
            action,
            record_id,
            record,
        } => {
            doc.insert("model".into(), json!(model));
            doc.insert("model_key".into(), json!(model_key));
            doc.insert("action".into(), json!(action));
            doc.insert("hook".into(), json!(format!("{model}::{action}")));
            doc.insert("record_id".into(), json!(record_id.map(|r| r.to_string())));
            doc.insert("record".into(), record.cloned().unwrap_or(Value::Null));
        }
        InvocationKind::Tool { tool } => {
            doc.insert("tool".into(), json!(tool));
            doc.insert("tool_id".into(), json!(tool));
            doc.insert("parameters".into(), payload.clone());
        }
        InvocationKind::Subscription { event } => {
            doc.insert(
                "event".into(),
                json!({
                    "name": event.topic,
                    "sequence": event.sequence,
                    "occurred_at": event.occurred_at.to_rfc3339(),
                    "actor_id": event.actor_id.map(|a| a.to_string()),
                    "producer": event.producer,
                    "payload": event.payload,
                }),
            );
        }
        InvocationKind::Lifecycle {
            phase,
            from_version,
            to_version,
        } => {
            doc.insert("phase".into(), json!(phase));
            doc.insert("from_version".into(), json!(from_version));
            doc.insert("to_version".into(), json!(to_version));
        }
    }
    doc.insert("payload".into(), payload.clone());
    Value::Object(doc)
}
