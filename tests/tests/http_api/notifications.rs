//! Notifications from the tickets addon's rules, on SQLite and PostgreSQL: the recipients
//! of each kind of rule (organisation, roles, actor, payload field), `when`, `entered` and
//! `exclude_actor`, the `NOTIFICATION` frames on the recipients' sockets, and the API (list,
//! unread filter, unread count, read, read-all), each user seeing only their own; events
//! that piled up while the consumers were down notify once each, in one batch, announced to
//! the other processes on PostgreSQL.

use std::collections::BTreeMap;
use std::time::Duration;

use metacore_runtime::consumers::{self, Settings};
use metacore_runtime::notifications::members;
use metacore_runtime::testing;
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{DatabaseBackend, DatabaseConnection};
use serde_json::{json, Value};
use uuid::Uuid;

use super::support::{assert_error, Server, ORG_A, ORG_B};
use super::ws::{next, open};

#[tokio::test]
async fn notifications_on_sqlite() {
    notifications(testing::sqlite_database("http_notifications").await).await;
}

#[tokio::test]
async fn notifications_on_postgres() {
    match testing::postgres_database("http_notifications").await {
        Some(db) => notifications(db).await,
        None => eprintln!(
            "SKIPPED: the PostgreSQL half of the notification tests (no server configured)"
        ),
    }
}

/// Consumers that notice new events within 50 ms and retry quickly.
pub(super) fn quick() -> Settings {
    Settings {
        poll: Duration::from_millis(50),
        lease: Duration::from_millis(500),
        subscription_retries: vec![Duration::from_millis(50), Duration::from_millis(100)],
        ..Settings::default()
    }
}

const TICKET_GRANTS: &[&str] = &[
    "tickets.index",
    "tickets.create",
    "tickets.update",
    "tickets.delete",
];

struct User {
    id: Uuid,
    token: String,
}

fn user(server: &Server, org: Uuid, role: &str) -> User {
    let id = Uuid::new_v4();
    User {
        id,
        token: server.token_for(id, Some(org), role, TICKET_GRANTS),
    }
}

/// The notifications of `user` (every page of 100), newest first.
async fn inbox(server: &Server, user: &User, query: &str) -> Vec<Value> {
    let reply = server
        .send(
            "GET",
            &format!("/api/notifications?per_page=100{query}"),
            Some(&user.token),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["data"].as_array().expect("a list").clone()
}

/// Waits until `user` has `count` notifications; they, newest first.
async fn wait_for(server: &Server, user: &User, count: usize) -> Vec<Value> {
    for _ in 0..200 {
        let got = inbox(server, user, "").await;
        if got.len() >= count {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "{count} notifications never arrived: {:#?}",
        inbox(server, user, "").await
    );
}

fn titles(notifications: &[Value]) -> Vec<String> {
    let mut titles: Vec<String> = notifications
        .iter()
        .map(|n| n["title"].as_str().expect("a title").to_string())
        .collect();
    titles.sort();
    titles
}

async fn create_ticket(server: &Server, by: &User, fields: Value) -> Value {
    let reply = server
        .send("POST", "/api/data/tickets", Some(&by.token), Some(&fields))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body["data"].clone()
}

async fn update_ticket(server: &Server, by: &User, id: &str, fields: Value) {
    let reply = server
        .send(
            "PATCH",
            &format!("/api/data/tickets/{id}"),
            Some(&by.token),
            Some(&fields),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

async fn notifications(db: DatabaseConnection) {
    let server = Server::start(db).await;
    let settings = quick();
    let running = consumers::start(
        &server.state,
        consumers::of_build(&server.state, &settings, Vec::new()),
        settings,
    );
    let agent = user(&server, ORG_A, "support");
    let creator = user(&server, ORG_A, "support");
    let manager = user(&server, ORG_A, "manager");
    let reporter = user(&server, ORG_A, "user");
    let assignee = user(&server, ORG_A, "user");
    let outsider = user(&server, ORG_B, "support");
    // Members are learned from their requests.
    for u in [&agent, &creator, &manager, &reporter, &assignee, &outsider] {
        assert!(inbox(&server, u, "").await.is_empty());
    }
    for _ in 0..200 {
        let known = members::of(server.state.db(), ORG_A, None)
            .await
            .expect("members");
        if known.len() == 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let supporters = members::of(server.state.db(), ORG_A, Some(&["support"]))
        .await
        .expect("members");
    assert_eq!(supporters, [agent.id, creator.id].into_iter().collect());

    let mut agent_socket = open(&server, "", Some(&agent.token), None)
        .await
        .expect("agent socket");
    let mut outsider_socket = open(&server, "", Some(&outsider.token), None)
        .await
        .expect("outsider socket");

    // Created, urgent: `ticket_opened` to the support role less the actor, and
    // `ticket_urgent` (its `when` holds) to every member.
    let ticket = create_ticket(
        &server,
        &creator,
        json!({"number": "T-1", "title": "Printer on fire", "priority": "urgent",
               "reporter_id": reporter.id, "assignee_id": assignee.id}),
    )
    .await;
    let id = ticket["id"].as_str().expect("an id").to_string();
    let got = wait_for(&server, &agent, 2).await;
    assert_eq!(
        titles(&got),
        ["Nuevo ticket T-1", "Ticket urgente T-1"],
        "{got:#?}"
    );
    let opened = got
        .iter()
        .find(|n| n["rule"] == "ticket_opened")
        .expect("opened");
    assert_eq!(opened["message"], "Printer on fire");
    assert_eq!(opened["link"], format!("/m/tickets/{id}"));
    assert_eq!(opened["icon"], "TicketCheck");
    assert_eq!(opened["type"], "info");
    assert_eq!(opened["addon"], "tickets");
    assert_eq!(opened["read"], false);
    let urgent = got
        .iter()
        .find(|n| n["rule"] == "ticket_urgent")
        .expect("urgent");
    assert_eq!(urgent["type"], "warning");
    // The frames, in the React runtime's shape.
    let mut framed = BTreeMap::new();
    for _ in 0..2 {
        let frame = next(&mut agent_socket).await;
        assert_eq!(frame["type"], "NOTIFICATION", "{frame}");
        let payload = &frame["payload"];
        let keys: Vec<&str> = payload
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            ["icon", "id", "link", "message", "title", "type"],
            "{frame}"
        );
        framed.insert(
            payload["id"].as_str().expect("an id").to_string(),
            payload["title"].clone(),
        );
    }
    for n in &got {
        assert_eq!(
            framed.get(n["id"].as_str().expect("an id")),
            Some(&n["title"]),
            "{framed:?}"
        );
    }
    // Everyone in the organisation has the urgent one; the actor has no `ticket_opened`.
    for u in [&creator, &manager, &reporter, &assignee] {
        let got = wait_for(&server, u, 1).await;
        assert_eq!(titles(&got), ["Ticket urgente T-1"], "{got:#?}");
    }

    // A normal ticket: no urgent notification (`when`); the agent is told of it.
    create_ticket(
        &server,
        &manager,
        json!({"number": "T-2", "title": "Paper jam", "priority": "normal", "reporter_id": reporter.id}),
    )
    .await;
    let got = wait_for(&server, &agent, 3).await;
    assert_eq!(
        titles(&got),
        ["Nuevo ticket T-1", "Nuevo ticket T-2", "Ticket urgente T-1"]
    );

    // `entered`: in progress notifies the assignee (a payload field) once, not again when
    // another field changes; the actor is excluded.
    update_ticket(&server, &manager, &id, json!({"status": "in_progress"})).await;
    let got = wait_for(&server, &assignee, 2).await;
    assert_eq!(titles(&got), ["T-1 en progreso", "Ticket urgente T-1"]);
    update_ticket(
        &server,
        &manager,
        &id,
        json!({"title": "Printer still on fire"}),
    )
    .await;
    // Resolved by the reporter: `ticket_resolved` goes to the reporter field, actor included.
    update_ticket(&server, &reporter, &id, json!({"status": "resolved"})).await;
    let got = wait_for(&server, &reporter, 2).await;
    assert_eq!(titles(&got), ["Ticket T-1 resuelto", "Ticket urgente T-1"]);
    let resolved = got
        .iter()
        .find(|n| n["rule"] == "ticket_resolved")
        .expect("resolved");
    assert_eq!(resolved["message"], "Printer still on fire");
    assert_eq!(resolved["type"], "success");
    // Deleted: the actor is told.
    let deleted = server
        .send(
            "DELETE",
            &format!("/api/data/tickets/{id}"),
            Some(&manager.token),
            None,
        )
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    let got = wait_for(&server, &manager, 2).await;
    assert_eq!(titles(&got), ["Eliminaste T-1", "Ticket urgente T-1"]);
    // Nothing more arrived meanwhile: the assignee still has two (the title change did not
    // re-enter `in_progress`).
    assert_eq!(inbox(&server, &assignee, "").await.len(), 2);

    // The other organisation saw nothing, on the API or its socket.
    assert!(inbox(&server, &outsider, "").await.is_empty());
    let silent = tokio::time::timeout(Duration::from_millis(300), next(&mut outsider_socket)).await;
    assert!(silent.is_err(), "the outsider got a frame: {silent:?}");

    // The API: unread count, read one, another user's id, read-all, the unread filter.
    let count = |user: &User| {
        let token = user.token.clone();
        let server = &server;
        async move {
            let reply = server
                .send("GET", "/api/notifications/unread-count", Some(&token), None)
                .await;
            assert_eq!(reply.status, 200, "{}", reply.text);
            reply.body["data"]["count"].as_u64().expect("a count")
        }
    };
    assert_eq!(count(&agent).await, 3);
    let first = inbox(&server, &agent, "").await[0]["id"]
        .as_str()
        .expect("an id")
        .to_string();
    let read = server
        .send(
            "POST",
            &format!("/api/notifications/{first}/read"),
            Some(&agent.token),
            None,
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.body["data"]["read"], true);
    assert!(read.body["data"]["read_at"].is_string());
    assert_eq!(count(&agent).await, 2);
    let again = server
        .send(
            "POST",
            &format!("/api/notifications/{first}/read"),
            Some(&agent.token),
            None,
        )
        .await;
    assert_eq!(again.status, 200, "reading twice is fine: {}", again.text);
    for stranger in [&creator, &outsider] {
        let reply = server
            .send(
                "POST",
                &format!("/api/notifications/{first}/read"),
                Some(&stranger.token),
                None,
            )
            .await;
        assert_error(&reply, 404, "notification_not_found");
    }
    let unread = inbox(&server, &agent, "&unread=true").await;
    assert_eq!(unread.len(), 2);
    assert!(unread.iter().all(|n| n["id"] != first.as_str()));
    let page = server
        .send(
            "GET",
            "/api/notifications?per_page=1&page=2",
            Some(&agent.token),
            None,
        )
        .await;
    assert_eq!(
        page.body["meta"],
        json!({"total": 3, "unread": 2, "page": 2, "per_page": 1})
    );
    assert_eq!(page.body["data"].as_array().map(Vec::len), Some(1));
    let all = server
        .send(
            "POST",
            "/api/notifications/read-all",
            Some(&agent.token),
            None,
        )
        .await;
    assert_eq!(all.body["data"]["updated"], 2, "{}", all.text);
    assert_eq!(count(&agent).await, 0);
    assert!(inbox(&server, &agent, "&unread=true").await.is_empty());
    // The others' notifications were left unread (the creator: T-1 urgent, T-2 opened).
    assert_eq!(count(&creator).await, 2);

    // Bad requests.
    let no_token = server.send("GET", "/api/notifications", None, None).await;
    assert_eq!(no_token.status, 401, "{}", no_token.text);
    let bad_id = server
        .send(
            "POST",
            "/api/notifications/not-a-uuid/read",
            Some(&agent.token),
            None,
        )
        .await;
    assert_error(&bad_id, 400, "invalid_id");
    for query in ["per_page=0", "per_page=1000", "page=0"] {
        let reply = server
            .send(
                "GET",
                &format!("/api/notifications?{query}"),
                Some(&agent.token),
                None,
            )
            .await;
        assert_error(&reply, 400, "invalid_param");
    }

    // Events that piled up while the consumers were down arrive as one batch: every
    // notification once, pushed to the sockets too.
    running.abort();
    for i in 0..5 {
        create_ticket(
            &server,
            &manager,
            json!({"number": format!("B-{i}"), "title": "Batched", "priority": "high",
                   "reporter_id": reporter.id}),
        )
        .await;
    }
    // On PostgreSQL each is announced to the other processes as `<id>:<process>`, while
    // another process listens: this test, registered as one.
    let mut listener = match server.state.db().get_database_backend() {
        DatabaseBackend::Postgres => {
            let pool = server.state.db().get_postgres_connection_pool();
            let mut listener = PgListener::connect_with(pool).await.expect("a listener");
            listener
                .listen(metacore_runtime::notifications::CHANNEL)
                .await
                .expect("listen");
            metacore_runtime::coherence::register(server.state.db(), Uuid::new_v4())
                .await
                .expect("registers as a listening process");
            Some(listener)
        }
        _ => None,
    };
    let settings = quick();
    let running = consumers::start(
        &server.state,
        consumers::of_build(&server.state, &settings, Vec::new()),
        settings,
    );
    let got = wait_for(&server, &agent, 13).await;
    let batched: Vec<String> = titles(&got)
        .into_iter()
        .filter(|title| title.ends_with(char::is_numeric) && title.contains(" B-"))
        .collect();
    let mut expected: Vec<String> = (0..5)
        .flat_map(|i| {
            [
                format!("Nuevo ticket B-{i}"),
                format!("Ticket urgente B-{i}"),
            ]
        })
        .collect();
    expected.sort();
    assert_eq!(batched, expected, "{got:#?}");
    // (The socket still holds the frame of T-2's notification, not read above.)
    let mut framed = Vec::new();
    for _ in 0..20 {
        let frame = next(&mut agent_socket).await;
        assert_eq!(frame["type"], "NOTIFICATION", "{frame}");
        let title = frame["payload"]["title"].as_str().expect("a title");
        if title.contains(" B-") {
            framed.push(title.to_string());
        }
        if framed.len() == 10 {
            break;
        }
    }
    framed.sort();
    assert_eq!(framed, expected);
    // The manager (not in `support`) has the urgent ones only.
    let got = wait_for(&server, &manager, 7).await;
    assert_eq!(got.len(), 7, "{got:#?}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(inbox(&server, &agent, "").await.len(), 13, "none twice");
    if let Some(listener) = &mut listener {
        // 5 opened to each of the two supporters, 5 urgent to each of the five members.
        let mut announced = BTreeMap::new();
        while announced.len() < 35 {
            let notice = tokio::time::timeout(Duration::from_secs(5), listener.recv())
                .await
                .expect("35 notices")
                .expect("a notice");
            let (id, process) = notice.payload().split_once(':').expect("<id>:<process>");
            let process: Uuid = process.parse().expect("a process id");
            announced.insert(id.parse::<Uuid>().expect("an id"), process);
        }
        for n in &got {
            let id: Uuid = n["id"].as_str().expect("an id").parse().expect("a uuid");
            if n["title"].as_str().is_some_and(|t| t.contains(" B-")) {
                assert!(announced.contains_key(&id), "{n} was not announced");
            }
        }
        let processes: std::collections::BTreeSet<&Uuid> = announced.values().collect();
        assert_eq!(processes.len(), 1, "{announced:?}");
    }
    running.abort();
}
