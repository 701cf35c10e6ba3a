//! The in-process event bus.
//!
//! A thin, generic publish/subscribe channel over [`tokio::sync::broadcast`]: an event is a
//! topic (`tickets.Ticket.updated`, `inventory.stock_changed`), a JSON payload and the
//! organisation it belongs to, plus who produced it, when, and its place in the
//! organisation's durable log ([`crate::event_log`]). Every event is first written to that
//! log in the transaction of its change; WASM `event_emit` events and canonical CRUD events
//! are published here only after that commit. Subscribers that fall behind lose the oldest
//! events ([`broadcast`] semantics) — the log still has them.
//!
//! Subscribers receive an [`Arc`] of the event: a broadcast channel clones its value once
//! per receiver, and a canonical event carries the whole row (five to seven subscribers —
//! the WebSocket forwarder, the webhook waker, each consumer — cloned its payload per
//! create).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::sync::broadcast;
use uuid::Uuid;

/// How many events a slow subscriber may lag behind before it loses the oldest.
const DEFAULT_CAPACITY: usize = 1024;

/// One published event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Event name, dot-separated.
    pub topic: String,
    /// The organisation the event belongs to.
    pub org_id: Uuid,
    /// Who produced it: an addon key, or `metacore` for the host.
    pub producer: String,
    /// The acting user, when there is one.
    pub actor_id: Option<Uuid>,
    /// Event data (`null` when the producer sent none).
    pub payload: Value,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Its number in the organisation's log, once written there ([`crate::event_log`]).
    pub sequence: Option<i64>,
    /// How many outbound webhook deliveries its [`crate::event_log::append`] in this process
    /// queued: this process's delivery workers are woken for the events that queued some
    /// (0 for an event read back from the log or not yet written).
    pub deliveries: usize,
}

/// A cheap-to-clone handle on the bus.
#[derive(Debug, Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Arc<Event>>,
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus::new(DEFAULT_CAPACITY)
    }
}

impl EventBus {
    /// A bus on which a subscriber may lag `capacity` events behind.
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity.max(1));
        EventBus { sender }
    }

    /// Publishes `event` to every current subscriber; returns how many received it.
    pub fn publish(&self, event: Event) -> usize {
        self.sender.send(Arc::new(event)).unwrap_or(0)
    }

    /// True when someone would receive a published event (writers may skip building
    /// payloads nobody reads).
    pub fn has_subscribers(&self) -> bool {
        self.sender.receiver_count() > 0
    }

    /// A receiver of every event published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.sender.subscribe()
    }
}
