//! The durable event log over HTTP (`runtime.md` §8, `http-api.md` §11), on SQLite and
//! PostgreSQL: every committed create, update, delete and imported row is in the log with a
//! gap-free per-organisation sequence, failed and rolled-back writes leave nothing (and no
//! gap), concurrent writers never share or skip a number, and `GET /api/events` pages,
//! filters and keeps each organisation to its own log.

use std::sync::Arc;

use serde_json::{json, Value};

use super::support::{assert_error, databases, Server, ORG_A, ORG_B};

#[tokio::test]
async fn the_event_log_on_every_backend() {
    for (backend, db) in databases("http_events").await {
        eprintln!("backend: {backend}");
        let server = Arc::new(Server::start(db).await);
        event_log(server).await;
    }
}

/// Every event of the caller's organisation, read page by page.
async fn all_events(server: &Server, token: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = server
            .send(
                "GET",
                &format!("/api/events?after={after}&limit=7"),
                Some(token),
                None,
            )
            .await;
        assert_eq!(page.status, 200, "{}", page.text);
        out.extend(
            page.body["data"]
                .as_array()
                .expect("events")
                .iter()
                .cloned(),
        );
        after = page.body["meta"]["last_sequence"]
            .as_i64()
            .expect("a cursor");
        if page.body["meta"]["has_more"] != true {
            return out;
        }
    }
}

fn sequences(events: &[Value]) -> Vec<i64> {
    events
        .iter()
        .map(|e| e["sequence"].as_i64().expect("a sequence"))
        .collect()
}

async fn event_log(server: Arc<Server>) {
    let admin = server.token(Some(ORG_A), "admin", &[]);
    let create = |name: &str, email: Option<&str>| {
        let server = server.clone();
        let admin = admin.clone();
        let mut body = json!({"name": name});
        if let Some(email) = email {
            body["email"] = json!(email);
        }
        async move {
            server
                .send("POST", "/api/data/customers", Some(&admin), Some(&body))
                .await
        }
    };
    let first = create("Ada", Some("ada@example.com")).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let id = first.body["data"]["id"]
        .as_str()
        .expect("an id")
        .to_string();
    let path = format!("/api/data/customers/{id}");
    let patched = server
        .send("PATCH", &path, Some(&admin), Some(&json!({"tier": "gold"})))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    // Failed writes: a validation error and a unique violation.
    let invalid = server
        .send(
            "POST",
            "/api/data/customers",
            Some(&admin),
            Some(&json!({"name": "Bad", "tier": "platinum"})),
        )
        .await;
    assert_eq!(invalid.status, 422, "{}", invalid.text);
    assert_error(
        &create("Twin", Some("ada@example.com")).await,
        409,
        "duplicate",
    );
    let deleted = server.send("DELETE", &path, Some(&admin), None).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);

    let events = all_events(&server, &admin).await;
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(
        names,
        [
            "showcase.Customer.created",
            "showcase.Customer.updated",
            "showcase.Customer.deleted"
        ]
    );
    assert_eq!(
        sequences(&events),
        [1, 2, 3],
        "gap-free despite the failed writes"
    );
    assert_eq!(events[0]["payload"]["id"], id.as_str());
    assert_eq!(events[0]["payload"]["after"]["name"], "Ada");
    assert_eq!(events[1]["payload"]["before"]["tier"], "bronze");
    assert_eq!(events[1]["payload"]["after"]["tier"], "gold");
    assert_eq!(events[2]["payload"]["before"]["id"], id.as_str());
    assert_eq!(events[0]["producer"], "showcase");
    assert!(events[0]["actor_id"].is_string(), "{}", events[0]);
    assert!(events[0]["occurred_at"].is_string(), "{}", events[0]);

    // An atomic import with a bad row commits nothing and logs nothing; a row-by-row import
    // logs each row it keeps.
    let csv = "name,tier\nGood,gold\nBad,platinum\n";
    let atomic = server
        .send_raw(
            "POST",
            "/api/data/customers/import?atomic=true",
            Some(&admin),
            "text/csv",
            csv.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(atomic.status, 422, "{}", atomic.text);
    assert_eq!(all_events(&server, &admin).await.len(), 3);
    let each = server
        .send_raw(
            "POST",
            "/api/data/customers/import",
            Some(&admin),
            "text/csv",
            "name\nOne\nTwo\n".as_bytes().to_vec(),
        )
        .await;
    assert_eq!(each.status, 200, "{}", each.text);
    let events = all_events(&server, &admin).await;
    assert_eq!(sequences(&events), [1, 2, 3, 4, 5]);

    // Concurrent writers of one organisation neither share nor skip a number.
    let writers: Vec<_> = (0..16)
        .map(|n| tokio::spawn(create(&format!("Writer {n}"), None)))
        .collect();
    for writer in writers {
        let reply = writer.await.expect("a reply");
        assert_eq!(reply.status, 201, "{}", reply.text);
    }
    let events = all_events(&server, &admin).await;
    assert_eq!(sequences(&events), (1..=21).collect::<Vec<_>>());

    // Filters and paging.
    let deletes = server
        .send(
            "GET",
            "/api/events?type=showcase.Customer.deleted,nothing.*",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(deletes.status, 200, "{}", deletes.text);
    assert_eq!(
        sequences(deletes.body["data"].as_array().expect("events")),
        [3]
    );
    let prefixed = server
        .send(
            "GET",
            "/api/events?type=showcase.*&limit=200",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(prefixed.body["data"].as_array().expect("events").len(), 21);
    let page = server
        .send("GET", "/api/events?after=19&limit=5", Some(&admin), None)
        .await;
    assert_eq!(
        sequences(page.body["data"].as_array().expect("events")),
        [20, 21]
    );
    assert_eq!(
        page.body["meta"],
        json!({"last_sequence": 21, "has_more": false})
    );
    let empty = server
        .send("GET", "/api/events?after=21", Some(&admin), None)
        .await;
    assert_eq!(
        empty.body["meta"],
        json!({"last_sequence": 21, "has_more": false})
    );
    for bad in ["limit=0", "limit=201", "after=-1", "after=x"] {
        let reply = server
            .send("GET", &format!("/api/events?{bad}"), Some(&admin), None)
            .await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.text);
    }

    // Each organisation has its own log and numbering; reading it takes the capability.
    let admin_b = server.token(Some(ORG_B), "admin", &[]);
    assert!(all_events(&server, &admin_b).await.is_empty());
    server.create_customer(&admin_b, "Theirs").await;
    let events_b = all_events(&server, &admin_b).await;
    assert_eq!(sequences(&events_b), [1]);
    assert_eq!(events_b[0]["payload"]["after"]["name"], "Theirs");
    assert_eq!(all_events(&server, &admin).await.len(), 21);
    let clerk = server.token(Some(ORG_A), "clerk", &[]);
    assert_error(
        &server.send("GET", "/api/events", Some(&clerk), None).await,
        403,
        "permission_denied",
    );
    let reader = server.token(Some(ORG_A), "clerk", &["metacore.events.read"]);
    assert_eq!(
        server
            .send("GET", "/api/events", Some(&reader), None)
            .await
            .status,
        200
    );
}

/// The showcase's `promote` action updates every customer and emits
/// `showcase.customers_promoted` from WASM: both commit with the handler's success, and a
/// decline rolls both back without using a sequence number.
#[tokio::test]
async fn a_handlers_writes_and_events_commit_or_roll_back_together() {
    for (backend, db) in databases("http_events_handler").await {
        eprintln!("backend: {backend}");
        let server = Arc::new(Server::start(db).await);
        let admin = server.token(Some(ORG_A), "admin", &[]);
        let id = server.create_customer(&admin, "Ada").await;
        let tier = || async {
            server
                .send(
                    "GET",
                    &format!("/api/data/customers/{id}"),
                    Some(&admin),
                    None,
                )
                .await
                .body["data"]["tier"]
                .clone()
        };
        let (server_ref, admin_ref) = (&server, &admin);
        let promote = move |reason: &'static str| async move {
            server_ref
                .send(
                    "POST",
                    "/api/data/customers/action/promote",
                    Some(admin_ref),
                    Some(&json!({"reason": reason})),
                )
                .await
        };

        let declined = promote("fraud").await;
        assert_eq!(declined.status, 422, "{}", declined.text);
        assert_eq!(tier().await, "bronze", "the decline rolled the update back");
        assert_eq!(sequences(&all_events(&server, &admin).await), [1]);

        let promoted = promote("loyalty").await;
        assert_eq!(promoted.status, 200, "{}", promoted.text);
        assert_eq!(promoted.body["data"]["promoted"], true, "{}", promoted.text);
        assert_eq!(tier().await, "gold");
        let events = all_events(&server, &admin).await;
        assert_eq!(
            sequences(&events),
            [1, 2],
            "no number was lost to the decline"
        );
        assert_eq!(events[1]["name"], "showcase.customers_promoted");
        assert_eq!(events[1]["producer"], "showcase");
        assert_eq!(events[1]["payload"], json!({"tier": "gold"}));
    }
}
