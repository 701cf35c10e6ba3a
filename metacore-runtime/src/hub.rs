//! The WebSocket hub (`runtime.md` §7): who is connected, in which channels, and sending to
//! them without ever waiting on a socket.
//!
//! Each connection ([`crate::api::ws`]) registers here with its organisation, user and a
//! bounded outbound queue of [`QUEUE`] frames. Senders ([`Hub::send_to_user`],
//! [`Hub::send_to_org`], [`Hub::send_to_channel`]) pick the matching connections under a short
//! lock, release it, and `try_send` each frame: they never block and never write to a socket.
//! A connection whose queue is full is a slow consumer: it is removed, told to close with
//! 1013 ("try again later") and counted (`ws_slow_consumer_disconnects_total`); its client
//! catches up through `GET /api/events?after=<last sequence>`.
//!
//! Channels are always inside the connection's organisation: `user:<id>` and `org:<id>` are
//! implicit, `model:<table>` and `addon:<key>` are joined by the connection after its
//! authorisation. [`forward`] turns committed canonical events (`<addon>.<Model>.<what>`, from
//! the event bus, with their log sequence) into frames for the `model:<table>` members of the
//! event's organisation; on PostgreSQL, events other processes committed arrive through
//! [`crate::coherence`] and go the same way ([`deliver`]).

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tokio::sync::{mpsc, Notify};
use uuid::Uuid;

use crate::events::{Event, EventBus};
use crate::metrics::Metrics;
use crate::registry::Registry;

/// The prefix of the lifecycle events (`metacore.addon.installed`, …), which reach the
/// organisation's sockets as `ADDON_MANIFEST_CHANGED`.
pub const LIFECYCLE_PREFIX: &str = "metacore.addon.";

/// Frames a connection may have queued before it counts as a slow consumer.
pub const QUEUE: usize = 256;

/// Channels a connection may be in (besides its implicit two).
pub const MAX_CHANNELS: usize = 64;

/// One outbound frame: its JSON text and its `type` (for the metrics).
#[derive(Debug, Clone)]
pub struct Frame {
    /// The `type` of the frame (shared, like the text: a frame is cloned for every
    /// recipient).
    pub kind: Arc<str>,
    /// The frame's JSON text.
    pub text: Arc<str>,
}

impl Frame {
    /// A frame `{"type": kind, "payload": payload, …extra}`.
    pub fn new(kind: &str, payload: Value, extra: &[(&str, Value)]) -> Frame {
        let mut object = serde_json::Map::new();
        object.insert("type".into(), Value::String(kind.to_string()));
        object.insert("payload".into(), payload);
        for (key, value) in extra {
            object.insert((*key).to_string(), value.clone());
        }
        Frame {
            kind: kind.into(),
            text: Value::Object(object).to_string().into(),
        }
    }
}

/// What the hub knows of one connection.
struct Member {
    org: Uuid,
    user: Uuid,
    channels: BTreeSet<String>,
    queue: mpsc::Sender<Frame>,
    kicked: Arc<Notify>,
}

/// A registered connection's end: its queue and the signal that it was dropped as slow.
pub struct Registration {
    /// The connection's id in the hub.
    pub id: u64,
    /// Frames to write, in order.
    pub frames: mpsc::Receiver<Frame>,
    /// Notified when the hub dropped the connection as a slow consumer (close with 1013).
    pub kicked: Arc<Notify>,
}

/// The hub of one server (cheap to clone).
#[derive(Clone)]
pub struct Hub(Arc<Inner>);

struct Inner {
    members: Mutex<HashMap<u64, Member>>,
    next: AtomicU64,
    metrics: Metrics,
}

impl Hub {
    /// An empty hub recording into `metrics`.
    pub fn new(metrics: Metrics) -> Hub {
        Hub(Arc::new(Inner {
            members: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
            metrics,
        }))
    }

    fn members(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Member>> {
        self.0
            .members
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers a connection of `user` in `org`.
    pub fn register(&self, org: Uuid, user: Uuid) -> Registration {
        let id = self.0.next.fetch_add(1, Ordering::Relaxed);
        let (queue, frames) = mpsc::channel(QUEUE);
        let kicked = Arc::new(Notify::new());
        self.members().insert(
            id,
            Member {
                org,
                user,
                channels: BTreeSet::new(),
                queue,
                kicked: kicked.clone(),
            },
        );
        self.0.metrics.ws_connected(1);
        Registration { id, frames, kicked }
    }

    /// Removes connection `id` (it closed).
    pub fn unregister(&self, id: u64) {
        if self.members().remove(&id).is_some() {
            self.0.metrics.ws_connected(-1);
        }
    }

    /// Adds `channel` to connection `id`'s channels; false when it already has
    /// [`MAX_CHANNELS`].
    pub fn join(&self, id: u64, channel: &str) -> bool {
        let mut members = self.members();
        let Some(member) = members.get_mut(&id) else {
            return false;
        };
        if member.channels.contains(channel) {
            return true;
        }
        if member.channels.len() >= MAX_CHANNELS {
            return false;
        }
        member.channels.insert(channel.to_string());
        true
    }

    /// Removes `channel` from connection `id`'s channels.
    pub fn leave(&self, id: u64, channel: &str) {
        if let Some(member) = self.members().get_mut(&id) {
            member.channels.remove(channel);
        }
    }

    /// Sends `frame` to the connection `id` alone (replies to its own messages).
    pub fn send_to_connection(&self, id: u64, frame: Frame) {
        self.send(frame, |member_id, _| member_id == id);
    }

    /// Sends `frame` to every connection of `user` in `org` (channel `user:<id>`).
    pub fn send_to_user(&self, org: Uuid, user: Uuid, frame: Frame) {
        self.send(frame, |_, member| member.org == org && member.user == user);
    }

    /// Sends `frame` to every connection of `org` (channel `org:<id>`).
    pub fn send_to_org(&self, org: Uuid, frame: Frame) {
        self.send(frame, |_, member| member.org == org);
    }

    /// Sends `frame` to the connections of `org` that joined `channel`.
    pub fn send_to_channel(&self, org: Uuid, channel: &str, frame: Frame) {
        self.send(frame, |_, member| {
            member.org == org && member.channels.contains(channel)
        });
    }

    /// How many connections are registered.
    pub fn connections(&self) -> usize {
        self.members().len()
    }

    /// Queues `frame` for every member `to` picks; a full queue drops that member as slow.
    /// The lock is held only to pick; nothing here waits.
    fn send(&self, frame: Frame, to: impl Fn(u64, &Member) -> bool) {
        self.send_made(|| frame, to)
    }

    /// [`Hub::send`] of the frame `make` builds, only when a member is picked: most events
    /// reach no socket, and building a frame serialises the event.
    fn send_made(&self, make: impl FnOnce() -> Frame, to: impl Fn(u64, &Member) -> bool) {
        let picked: Vec<(u64, mpsc::Sender<Frame>)> = self
            .members()
            .iter()
            .filter(|(id, member)| to(**id, member))
            .map(|(id, member)| (*id, member.queue.clone()))
            .collect();
        if picked.is_empty() {
            return;
        }
        let frame = make();
        let mut slow = Vec::new();
        let mut sent = 0;
        for (id, queue) in picked {
            match queue.try_send(frame.clone()) {
                Ok(()) => sent += 1,
                Err(mpsc::error::TrySendError::Full(_)) => slow.push(id),
                // The connection is closing: it unregisters itself.
                Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
        }
        self.0.metrics.ws_messages_sent(&frame.kind, sent);
        if slow.is_empty() {
            return;
        }
        let dropped: Vec<Member> = {
            let mut members = self.members();
            slow.iter().filter_map(|id| members.remove(id)).collect()
        };
        for member in dropped {
            self.0.metrics.ws_connected(-1);
            self.0.metrics.ws_slow_consumer_disconnected();
            member.kicked.notify_one();
        }
    }
}

/// Forwards the committed canonical events published on `bus` to the `model:<table>` members
/// of each event's organisation, as `{"type": <event name>, "payload", "channel", "sequence"}`
/// (on a task of its own, for as long as the bus lives). Events of other names (addons'
/// `event_emit`) reach no socket in this version.
pub fn forward(hub: Hub, bus: &EventBus, registry: Registry) {
    let mut events = bus.subscribe();
    tokio::spawn(async move {
        loop {
            let event = match events.recv().await {
                Ok(event) => event,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "the WebSocket forwarder fell behind the event bus");
                    continue;
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            };
            deliver(&hub, &registry, &event);
        }
    });
}

/// Sends the canonical `event` to the `model:<table>` members of its organisation (other
/// events reach no socket in this version).
pub fn deliver(hub: &Hub, registry: &Registry, event: &Event) {
    if event.topic.starts_with(LIFECYCLE_PREFIX) {
        // An addon was installed, enabled, disabled, upgraded or uninstalled: every socket of
        // the organisation reloads its manifests, navigation and metadata.
        let mut payload = event.payload.clone();
        if let Value::Object(fields) = &mut payload {
            fields.insert(
                "operation".into(),
                json!(&event.topic[LIFECYCLE_PREFIX.len()..]),
            );
        }
        let frame = Frame::new(
            "ADDON_MANIFEST_CHANGED",
            payload,
            &[("sequence", json!(event.sequence))],
        );
        hub.send_to_org(event.org_id, frame);
        return;
    }
    let Some(table) = model_route(registry, &event.topic) else {
        return;
    };
    let channel = format!("model:{table}");
    let make = || {
        Frame::new(
            &event.topic,
            event.payload.clone(),
            &[
                ("channel", json!(channel)),
                ("sequence", json!(event.sequence)),
            ],
        )
    };
    hub.send_made(make, |_, member| {
        member.org == event.org_id && member.channels.contains(&channel)
    });
}

/// The route of the model a canonical event name `<addon>.<Model>.<what>` is about.
fn model_route(registry: &Registry, name: &str) -> Option<&'static str> {
    let mut parts = name.splitn(3, '.');
    let (addon, model, what) = (parts.next()?, parts.next()?, parts.next()?);
    if !matches!(what, "created" | "updated" | "deleted") {
        return None;
    }
    registry
        .addon(addon)?
        .models
        .iter()
        .find(|m| m.key == model)
        .map(|m| m.route)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_queue_drops_only_that_connection_and_senders_never_wait() {
        let hub = Hub::new(Metrics::new());
        let org = Uuid::new_v4();
        let mut reader = hub.register(org, Uuid::new_v4());
        let stalled = hub.register(org, Uuid::new_v4());
        for n in 0..QUEUE {
            hub.send_to_org(org, Frame::new("CUSTOM", json!(n), &[]));
            // The reader keeps up.
            assert!(reader.frames.recv().await.is_some());
        }
        assert_eq!(hub.connections(), 2);
        hub.send_to_org(org, Frame::new("CUSTOM", json!("one too many"), &[]));
        assert_eq!(hub.connections(), 1, "the stalled connection was dropped");
        tokio::time::timeout(std::time::Duration::from_secs(1), stalled.kicked.notified())
            .await
            .expect("the stalled connection was told to close");
        assert!(
            reader.frames.recv().await.is_some(),
            "the reader still receives"
        );
    }

    #[test]
    fn channels_are_bounded_and_scoped_to_the_organisation() {
        let hub = Hub::new(Metrics::new());
        let (org, other) = (Uuid::new_v4(), Uuid::new_v4());
        let mut mine = hub.register(org, Uuid::new_v4());
        let mut theirs = hub.register(other, Uuid::new_v4());
        for n in 0..MAX_CHANNELS {
            assert!(hub.join(mine.id, &format!("public:{n}")));
        }
        assert!(!hub.join(mine.id, "public:extra"));
        assert!(hub.join(theirs.id, "public:0"));
        hub.send_to_channel(org, "public:0", Frame::new("CUSTOM", json!(1), &[]));
        assert!(mine.frames.try_recv().is_ok());
        assert!(
            theirs.frames.try_recv().is_err(),
            "never another organisation's"
        );
        hub.leave(mine.id, "public:0");
        hub.send_to_channel(org, "public:0", Frame::new("CUSTOM", json!(2), &[]));
        assert!(mine.frames.try_recv().is_err());
    }
}
