//! Addon subscriptions (`contributions.subscriptions`, `runtime.md` §8) as log consumers.
//!
//! Each subscription is a [`Consumer`] of its own (`subscription:<addon>:<event>`), so its
//! events reach it per organisation in sequence order and a failing subscription does not
//! hold up its addon's others. An event is delivered when its name matches the
//! subscription's pattern and one of the addon's `event:subscribe` capabilities; the handler
//! runs through the [`Dispatcher`](crate::dispatch::Dispatcher) with `invocation:
//! "subscription"` and the addon's installation in the event's organisation, and a WASM
//! handler's writes and emitted events commit in a transaction of its own. A failure (an
//! error, a trap, a decline) is retried after 4 s and 16 s; then the event is skipped with an
//! error log and a `metacore.subscription_failed` event in the organisation's log.
//!
//! The CEL `filter` is not evaluated in this version (the build says so): every matching
//! event is delivered.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures_util::future::BoxFuture;
use serde_json::json;
use uuid::Uuid;

use super::Consumer;
use crate::api::ApiState;
use crate::dispatch::SubscriptionCall;
use crate::event_log::name_matches;
use crate::events::Event;
use crate::invocation::CallerContext;
use crate::registry::{AddonDescriptor, SubscriptionDescriptor};

/// The event announcing that a subscription gave up on an event.
pub const FAILED_EVENT: &str = "metacore.subscription_failed";

/// The delays before the second and third attempts (`runtime.md` §8).
pub const RETRIES: [Duration; 2] = [Duration::from_secs(4), Duration::from_secs(16)];

/// One subscription of one addon.
pub struct Subscription {
    name: String,
    /// Its pattern, as [`Consumer::topics`].
    topics: [String; 1],
    state: ApiState,
    addon: &'static AddonDescriptor,
    subscription: &'static SubscriptionDescriptor,
    retries: Vec<Duration>,
}

/// The subscriptions of every addon of `state`'s build, retried after `retries`.
pub fn of_build(state: &ApiState, retries: &[Duration]) -> Vec<Arc<dyn Consumer>> {
    let mut out: Vec<Arc<dyn Consumer>> = Vec::new();
    for addon in state.registry().addons {
        for (i, subscription) in addon.subscriptions.iter().enumerate() {
            // Two subscriptions of an addon to one pattern keep distinct cursors.
            let twin = addon.subscriptions[..i]
                .iter()
                .filter(|s| s.event == subscription.event)
                .count();
            let mut name = format!("subscription:{}:{}", addon.key, subscription.event);
            if twin > 0 {
                name.push_str(&format!("#{twin}"));
            }
            out.push(Arc::new(Subscription {
                name,
                topics: [subscription.event.to_string()],
                state: state.clone(),
                addon,
                subscription,
                retries: retries.to_vec(),
            }));
        }
    }
    out
}

impl Subscription {
    /// Whether one of the addon's `event:subscribe` capabilities covers `name`.
    fn allowed(&self, name: &str) -> bool {
        self.addon
            .capabilities
            .iter()
            .filter(|c| c.kind == "event:subscribe")
            .any(|c| name_matches(c.target.trim(), name))
    }
}

impl Consumer for Subscription {
    fn name(&self) -> &str {
        &self.name
    }

    fn wants(&self, event: &Event) -> bool {
        // Never an addon's own give-up notices: a failing `*` subscription would feed itself.
        if event.topic == FAILED_EVENT
            && event.payload.get("addon").and_then(|a| a.as_str()) == Some(self.addon.key)
        {
            return false;
        }
        name_matches(self.subscription.event, &event.topic) && self.allowed(&event.topic)
    }

    fn topics(&self) -> Option<&[String]> {
        Some(&self.topics)
    }

    fn handle<'a>(&'a self, event: &'a Event) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            // A disabled or uninstalled addon's subscriptions do not run in that organisation.
            if !self
                .state
                .is_enabled(self.addon.key, event.org_id)
                .await
                .map_err(|e| e.to_string())?
            {
                return Ok(());
            }
            let installation = self
                .state
                .installation(self.addon.key, event.org_id)
                .await
                .map_err(|e| e.to_string())?;
            let call = SubscriptionCall {
                addon_key: self.addon.key.to_string(),
                handler: self.subscription.handler,
                event: event.clone(),
                caller: CallerContext {
                    installation,
                    user_id: None,
                    request_id: Uuid::new_v4(),
                    locale: None,
                },
            };
            match self.state.dispatcher().subscription(call).await {
                Ok(outcome) if outcome.is_success() => Ok(()),
                Ok(_) => Err("the handler declined the event".to_string()),
                Err(error) => Err(format!("{}: {}", error.code.as_str(), error.message)),
            }
        })
    }

    fn retries(&self) -> &[Duration] {
        &self.retries
    }

    fn gave_up<'a>(&'a self, event: &'a Event, error: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            tracing::error!(
                addon = self.addon.key,
                subscription = self.subscription.event,
                org = %event.org_id,
                sequence = event.sequence,
                event = %event.topic,
                %error,
                attempts = self.retries.len() + 1,
                "a subscription failed on every attempt; the event is skipped"
            );
            let failed = Event {
                topic: FAILED_EVENT.to_string(),
                org_id: event.org_id,
                producer: "metacore".to_string(),
                actor_id: None,
                payload: json!({
                    "addon": self.addon.key,
                    "subscription": self.subscription.event,
                    "event": {"name": event.topic, "sequence": event.sequence},
                    "attempts": self.retries.len() + 1,
                    "error": error,
                }),
                occurred_at: Utc::now(),
                sequence: None,
                deliveries: 0,
            };
            let logged = self
                .state
                .write(move |_| Box::pin(async move { Ok(((), vec![failed])) }))
                .await;
            if let Err(error) = logged {
                tracing::error!(%error, "cannot log {FAILED_EVENT}");
            }
        })
    }
}
