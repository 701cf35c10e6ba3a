//! Per-user notifications from the manifests' notification rules (`manifest.md`
//! `NotificationRule`, `http-api.md` notifications).
//!
//! [`Rules`] is an event-log [`Consumer`]: for each canonical event it finds the rules whose
//! `on` names it and whose `when` filters and `entered` transition hold, resolves their
//! recipients — the organisation's members, those holding some roles, the acting user, or the
//! user whose id is at a payload path; less the actor with `exclude_actor` — and stores one
//! notification per recipient in [`TABLE`], rendered from the rule's title, body and link
//! templates (`{{after.title}}`, `{{id}}`: dotted paths into the event payload). The rows are
//! unique per (user, addon, rule, event), so an event handled twice (delivery is at least
//! once) notifies once. After the commit each new notification is pushed to its user's sockets
//! as a `NOTIFICATION` frame (`{id, title, message, type, link, icon}`); on PostgreSQL the
//! other processes are told on [`CHANNEL`] and push it to the sockets they hold.
//!
//! Users are not stored by the host (tokens carry them), so the organisation's members and
//! their roles are learned from the authenticated requests ([`members`]).

pub mod members;
mod store;

pub use store::{create_tables, list, mark_all_read, mark_read, unread_count, Notification, TABLE};

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use futures_util::future::BoxFuture;
use serde_json::Value;
use uuid::Uuid;

use crate::api::ApiState;
use crate::consumers::Consumer;
use crate::events::Event;
use crate::hub::Frame;
use crate::registry::{AddonDescriptor, Audience, NotificationRule};

/// The PostgreSQL channel on which a committed notification is announced to every process,
/// with the payload `<notification id>:<process>`.
pub const CHANNEL: &str = "metacore_notifications";

/// The notification rules of a build, as one consumer (`notifications`).
pub struct Rules {
    state: ApiState,
    rules: Vec<(&'static AddonDescriptor, &'static NotificationRule)>,
    /// The names the rules fire on, as [`Consumer::topics`].
    topics: Vec<String>,
}

impl Rules {
    /// The rules of `state`'s build; `None` when no addon declares any.
    pub fn of(state: &ApiState) -> Option<Rules> {
        let rules: Vec<_> = state
            .registry()
            .addons
            .iter()
            .flat_map(|addon| addon.notifications.iter().map(move |rule| (addon, rule)))
            .collect();
        let topics: BTreeSet<String> = rules.iter().map(|(_, rule)| rule.on.to_string()).collect();
        (!rules.is_empty()).then(|| Rules {
            state: state.clone(),
            rules,
            topics: topics.into_iter().collect(),
        })
    }
}

impl Consumer for Rules {
    fn name(&self) -> &str {
        "notifications"
    }

    /// Only the events some rule fires on ([`fires`] reads the event alone): the others
    /// need no delivery and pass with the next cursor write instead of one each. A rule's
    /// `when` and `entered` usually hold for few of its topic's events (most updates of a
    /// ticket do not resolve it), and on SQLite a cursor write per event cost as much as
    /// the API's own write, under the same write lock.
    fn wants(&self, event: &Event) -> bool {
        self.rules.iter().any(|(_, rule)| fires(rule, event))
    }

    fn topics(&self) -> Option<&[String]> {
        Some(&self.topics)
    }

    fn handle<'a>(&'a self, event: &'a Event) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(self.notify(std::slice::from_ref(event)))
    }

    /// A batch's notifications are stored in one statement, and each audience's members
    /// read once: under a stream of creates, the consumer's round trips per event fall as
    /// its batches grow instead of trailing the writes.
    fn batches(&self) -> bool {
        true
    }

    fn handle_batch<'a>(&'a self, events: &'a [Arc<Event>]) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(self.notify(events))
    }

    fn retries(&self) -> &[std::time::Duration] {
        &crate::consumers::subscriptions::RETRIES
    }
}

/// The members of an organisation, or of some roles there, read once per [`Rules::notify`].
type Audiences = HashMap<(Uuid, Option<&'static [&'static str]>), BTreeSet<Uuid>>;

impl Rules {
    /// Stores (and pushes) the notifications of the rules that fire on `events`, in one
    /// statement.
    async fn notify<E: std::borrow::Borrow<Event>>(&self, events: &[E]) -> Result<(), String> {
        let mut pending = Vec::new();
        let mut audiences = Audiences::new();
        for event in events {
            let event = event.borrow();
            for (addon, rule) in &self.rules {
                if !fires(rule, event) {
                    continue;
                }
                // The rules of an addon disabled in the event's organisation stay silent.
                if !self
                    .state
                    .is_enabled(addon.key, event.org_id)
                    .await
                    .map_err(|e| e.to_string())?
                {
                    continue;
                }
                let users = self.recipients(rule, event, &mut audiences).await?;
                for user in users {
                    pending.push(render(addon.key, rule, event, user));
                }
            }
        }
        if pending.is_empty() {
            return Ok(());
        }
        let created = {
            let turn = self.state.write_turn().await;
            store::insert(turn.db(), &pending)
                .await
                .map_err(|e| e.to_string())?
        };
        for notification in created {
            push(&self.state, &notification);
        }
        Ok(())
    }

    async fn recipients(
        &self,
        rule: &NotificationRule,
        event: &Event,
        audiences: &mut Audiences,
    ) -> Result<BTreeSet<Uuid>, String> {
        let org = event.org_id;
        let mut users: BTreeSet<Uuid> = match rule.to {
            Audience::Org => self.members(audiences, org, None).await?,
            Audience::Roles(roles) => self.members(audiences, org, Some(roles)).await?,
            Audience::Actor => event.actor_id.into_iter().collect(),
            Audience::Field(path) => text_at(&event.payload, path)
                .and_then(|id| id.parse().ok())
                .into_iter()
                .collect(),
        };
        if rule.exclude_actor {
            if let Some(actor) = event.actor_id {
                users.remove(&actor);
            }
        }
        Ok(users)
    }

    /// The members of `org` (with `roles`, of those roles), read once per `audiences`.
    async fn members(
        &self,
        audiences: &mut Audiences,
        org: Uuid,
        roles: Option<&'static [&'static str]>,
    ) -> Result<BTreeSet<Uuid>, String> {
        if let Some(users) = audiences.get(&(org, roles)) {
            return Ok(users.clone());
        }
        let users = members::of(self.state.db(), org, roles)
            .await
            .map_err(|e| e.to_string())?;
        audiences.insert((org, roles), users.clone());
        Ok(users)
    }
}

/// Whether `rule` fires on `event`: its `on`, every `when` filter, and its `entered`
/// transition (the after value is one of the values and the before value differs; a created
/// row has no before value).
pub fn fires(rule: &NotificationRule, event: &Event) -> bool {
    if rule.on != event.topic {
        return false;
    }
    let holds = |path: &str, values: &[&str]| {
        text_at(&event.payload, path).is_some_and(|value| values.contains(&value.as_str()))
    };
    if !rule.when.iter().all(|f| holds(f.path, f.values)) {
        return false;
    }
    match rule.entered {
        None => true,
        Some(entered) => {
            let after = text_at(&event.payload, &format!("after.{}", entered.path));
            let before = text_at(&event.payload, &format!("before.{}", entered.path));
            after.is_some_and(|a| entered.values.contains(&a.as_str()) && before != Some(a))
        }
    }
}

/// The value at the dotted `path` of `payload` as text: strings as they are, numbers and
/// booleans written out; `None` for a missing value, `null`, an object or an array.
pub fn text_at(payload: &Value, path: &str) -> Option<String> {
    let mut value = payload;
    for part in path.split('.') {
        value = value.get(part)?;
    }
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `template` with each `{{path}}` replaced by the text at that path of `payload` (nothing
/// when absent).
pub fn fill(template: &str, payload: &Value) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        out.push_str(&text_at(payload, after[..end].trim()).unwrap_or_default());
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn render(addon: &str, rule: &NotificationRule, event: &Event, user: Uuid) -> Notification {
    Notification {
        id: Uuid::new_v4(),
        organization_id: event.org_id,
        user_id: user,
        addon_key: addon.to_string(),
        rule: rule.key.to_string(),
        event_sequence: event.sequence.unwrap_or_default(),
        title: fill(rule.title, &event.payload),
        message: rule.body.map(|body| fill(body, &event.payload)),
        kind: rule.severity.to_string(),
        link: rule.link.map(|link| fill(link, &event.payload)),
        icon: rule.icon.map(str::to_string),
        created_at: chrono::Utc::now(),
        read_at: None,
    }
}

/// Sends `notification` to its user's sockets on this process.
pub fn push(state: &ApiState, notification: &Notification) {
    state.hub().send_to_user(
        notification.organization_id,
        notification.user_id,
        Frame::new("NOTIFICATION", notification.frame(), &[]),
    );
}

/// Pushes the notification another process announced on [`CHANNEL`] to this process's
/// sockets (read back from the table).
pub async fn relay(state: &ApiState, payload: &str) {
    let Some(id) = store::parse_notice(payload) else {
        return;
    };
    match store::get(state.db(), id).await {
        Ok(Some(notification)) => push(state, &notification),
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "cannot read a notification another process made"),
    }
}

#[cfg(test)]
mod tests;
