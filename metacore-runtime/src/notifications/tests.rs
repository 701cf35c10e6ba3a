//! Rule matching and templates, without a database.

use chrono::Utc;
use serde_json::json;
use uuid::Uuid;

use super::{fill, fires, text_at};
use crate::events::Event;
use crate::registry::{Audience, NotificationRule, PayloadFilter};

const RULE: NotificationRule = NotificationRule {
    key: "resolved",
    on: "tickets.Ticket.updated",
    title: "{{after.number}} resolved",
    body: None,
    severity: "success",
    icon: None,
    link: None,
    to: Audience::Org,
    exclude_actor: false,
    when: &[PayloadFilter {
        path: "after.priority",
        values: &["high", "urgent"],
    }],
    entered: Some(PayloadFilter {
        path: "status",
        values: &["resolved"],
    }),
};

fn event(topic: &str, payload: serde_json::Value) -> Event {
    Event {
        topic: topic.to_string(),
        org_id: Uuid::nil(),
        producer: "tickets".into(),
        actor_id: None,
        payload,
        occurred_at: Utc::now(),
        sequence: Some(1),
        deliveries: 0,
    }
}

#[test]
fn a_rule_fires_on_its_event_when_every_filter_holds_and_the_field_entered() {
    let update = |before: &str, after: &str, priority: &str| {
        event(
            "tickets.Ticket.updated",
            json!({"before": {"status": before, "priority": priority},
                   "after": {"status": after, "priority": priority}}),
        )
    };
    assert!(fires(&RULE, &update("open", "resolved", "high")));
    assert!(
        !fires(&RULE, &update("resolved", "resolved", "high")),
        "did not enter"
    );
    assert!(
        !fires(&RULE, &update("open", "closed", "high")),
        "another value"
    );
    assert!(
        !fires(&RULE, &update("open", "resolved", "low")),
        "`when` fails"
    );
    let created = event(
        "tickets.Ticket.created",
        json!({"after": {"status": "resolved", "priority": "high"}}),
    );
    assert!(!fires(&RULE, &created), "another event");
    let on_create = NotificationRule {
        on: "tickets.Ticket.created",
        ..RULE
    };
    assert!(
        fires(&on_create, &created),
        "a created row has no before value"
    );
}

#[test]
fn templates_read_dotted_paths_and_leave_missing_ones_empty() {
    let payload = json!({"id": "7", "after": {"number": "T-1", "n": 3, "ok": true, "gone": null}});
    assert_eq!(text_at(&payload, "after.n").as_deref(), Some("3"));
    assert_eq!(text_at(&payload, "after.ok").as_deref(), Some("true"));
    assert_eq!(text_at(&payload, "after.gone"), None);
    assert_eq!(text_at(&payload, "after"), None);
    assert_eq!(
        fill("{{after.number}} ({{ id }}) {{after.missing}}!", &payload),
        "T-1 (7) !"
    );
    assert_eq!(
        fill("unclosed {{after.number", &payload),
        "unclosed {{after.number"
    );
}
