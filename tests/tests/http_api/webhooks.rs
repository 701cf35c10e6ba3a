//! Outbound webhooks (`runtime.md` §6.2) end to end, on SQLite and PostgreSQL, with a real
//! receiver on 127.0.0.1 (allow-listed through the egress guard): signed deliveries of the
//! events the API writes, the retry schedule (a 10 ms unit instead of a second), `dead`
//! after `retry_max`, replays, the synchronous test on an inactive webhook, rotation, the
//! log's paging and filters, soft delete killing pending deliveries, secrets sealed at rest
//! and absent from every GET and log line, expired leases claimed again with the dead
//! worker's late outcome refused — and a matrix of every route across two organisations.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use metacore_runtime::api::server::Options;
use metacore_runtime::api::HandlerSettings;
use metacore_runtime::egress::EgressGuard;
use metacore_runtime::installations::MasterKey;
use metacore_runtime::poem::{self, EndpointExt};
use metacore_runtime::testing;
use metacore_runtime::webhooks::{self, RetrySchedule, WebhookSettings, Workers};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{json, Value};

use super::installations::{capture_logs, captured_logs};
use super::support::{assert_error, Server, ORG_A, ORG_B};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Hit {
    pub headers: poem::http::HeaderMap,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Hit {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    /// Does the signature verify with `secret`?
    pub fn signed_with(&self, secret: &str) -> bool {
        let timestamp: i64 = self
            .header("x-metacore-timestamp")
            .parse()
            .expect("a timestamp");
        webhooks::verify(
            secret,
            timestamp,
            &self.body,
            &self.header("x-metacore-signature"),
        )
    }
}

/// A receiver on 127.0.0.1: records every request and answers the scripted statuses in
/// order, then 200.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    script: Arc<Mutex<VecDeque<u16>>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let hits = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::new()));
        let (recorded, scripted) = (hits.clone(), script.clone());
        let endpoint = poem::endpoint::make(move |request: poem::Request| {
            let recorded = recorded.clone();
            let scripted = scripted.clone();
            async move {
                let headers = request.headers().clone();
                let body = request.into_body().into_vec().await.unwrap_or_default();
                recorded.lock().expect("hits").push(Hit {
                    headers,
                    body,
                    at: Instant::now(),
                });
                let status = scripted.lock().expect("script").pop_front().unwrap_or(200);
                let mut response = poem::Response::builder()
                    .status(poem::http::StatusCode::from_u16(status).expect("a status"));
                if (300..400).contains(&status) {
                    response = response.header("location", "http://127.0.0.1:9/elsewhere");
                }
                response.body(format!("answered {status}"))
            }
        })
        .map_to_response();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let url = format!("http://{}/hook", listener.local_addr().expect("an address"));
        tokio::spawn(async move {
            let _ = metacore_runtime::cli::serve_on(listener, endpoint).await;
        });
        Receiver { url, hits, script }
    }

    /// The next requests answer `statuses`, in order.
    pub fn script(&self, statuses: &[u16]) {
        self.script.lock().expect("script").extend(statuses);
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().expect("hits").clone()
    }

    /// Waits (at most 20 s) until `count` requests arrived; returns them all.
    pub async fn wait_for(&self, count: usize) -> Vec<Hit> {
        let started = Instant::now();
        loop {
            let hits = self.hits();
            if hits.len() >= count {
                return hits;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{} of {count} requests arrived",
                hits.len()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

const MASTER_KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// A server whose egress guard lets 127.0.0.1 through, with a 10 ms retry unit and a
/// master key.
async fn start(db: DatabaseConnection) -> Server {
    let settings = HandlerSettings {
        egress: EgressGuard::with_allow_list("127.0.0.1").expect("an allow-list"),
        webhooks: WebhookSettings {
            retry: RetrySchedule {
                unit: Duration::from_millis(10),
            },
            ..WebhookSettings::default()
        },
        ..HandlerSettings::default()
    };
    Server::start_with_options(
        db,
        super::support::sandbox(),
        settings,
        Some(MasterKey::parse(MASTER_KEY).expect("a key")),
        Options::default(),
    )
    .await
}

fn workers(server: &Server, count: usize) -> Workers {
    Workers::start(
        server.state.webhook_context(),
        count,
        Duration::from_millis(20),
        Duration::from_secs(1),
        server.state.bus(),
    )
}

#[tokio::test]
async fn webhooks_on_sqlite() {
    scenario(testing::sqlite_database("http_webhooks").await).await;
}

#[tokio::test]
async fn webhooks_on_postgres() {
    let Some(db) = testing::postgres_database("http_webhooks").await else {
        eprintln!("METACORE_TEST_POSTGRES_URL is not set: skipped");
        return;
    };
    scenario(db).await;
}

/// The deliveries of `webhook` as the log shows them (`query` appended).
async fn logs(server: &Server, token: &str, webhook: &str, query: &str) -> Value {
    let reply = server
        .send(
            "GET",
            &format!("/api/webhooks/{webhook}/logs{query}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

async fn scenario(db: DatabaseConnection) {
    capture_logs();
    let receiver = Receiver::start().await;
    let server = start(db).await;
    let pool = workers(&server, 2);
    let admin = server.token(Some(ORG_A), "admin", &[]);
    let mut secrets: Vec<String> = Vec::new();

    // Bad input: 422 per field, 403 without the capability, never a 500.
    let bad = server
        .send(
            "POST",
            "/api/webhooks",
            Some(&admin),
            Some(
                &json!({"name": "", "url": "ftp://x.example.com", "events": [],
                         "retry_max": 11, "timeout_sec": 0, "secret": "short"}),
            ),
        )
        .await;
    assert_error(&bad, 422, "validation_failed");
    for field in [
        "name",
        "url",
        "events",
        "retry_max",
        "timeout_sec",
        "secret",
    ] {
        assert!(
            bad.body["errors"][field].is_array(),
            "{field}: {}",
            bad.text
        );
    }
    for url in [
        "http://10.0.0.1/x",
        "http://user:pw@hooks.example.com/",
        "http://localhost/",
    ] {
        let refused = server
            .send(
                "POST",
                "/api/webhooks",
                Some(&admin),
                Some(&json!({"name": "n", "url": url, "events": ["*"]})),
            )
            .await;
        assert_error(&refused, 422, "validation_failed");
        assert_eq!(
            refused.body["errors"]["url"][0]["code"], "url_not_allowed",
            "{url}"
        );
    }
    let bad_pattern = server
        .send(
            "POST",
            "/api/webhooks",
            Some(&admin),
            Some(&json!({"name": "n", "url": receiver.url, "events": ["a*b"]})),
        )
        .await;
    assert_error(&bad_pattern, 422, "validation_failed");
    let not_json = server
        .send_text("POST", "/api/webhooks", Some(&admin), Some("{\"name\": 3}"))
        .await;
    assert_eq!(not_json.status, 400, "{}", not_json.text);
    let clerk = server.token(Some(ORG_A), "clerk", &[]);
    assert_error(
        &server
            .send("GET", "/api/webhooks", Some(&clerk), None)
            .await,
        403,
        "permission_denied",
    );
    let granted = server.token(Some(ORG_A), "clerk", &["metacore.webhooks.manage"]);
    assert_eq!(
        server
            .send("GET", "/api/webhooks", Some(&granted), None)
            .await
            .status,
        200
    );

    // Create: 201, the secret this once (64 hex), sealed at rest.
    let created = server
        .send(
            "POST",
            "/api/webhooks",
            Some(&admin),
            Some(&json!({"name": "CRM", "url": receiver.url,
                         "events": ["showcase.Customer.*"], "retry_max": 3})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let hook = created.body["data"]["id"]
        .as_str()
        .expect("an id")
        .to_string();
    let secret = created.body["data"]["secret"]
        .as_str()
        .expect("the secret")
        .to_string();
    assert_eq!(secret.len(), 64);
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
    secrets.push(secret.clone());
    assert_eq!(created.body["data"]["secret_set"], true);
    assert_eq!(created.body["data"]["active"], true);
    assert_eq!(created.body["data"]["timeout_sec"], 15);
    let stored = server
        .state
        .db()
        .query_one_raw(sea_orm::Statement::from_string(
            server.state.db().get_database_backend(),
            "SELECT secret_enc FROM metacore_webhooks".to_string(),
        ))
        .await
        .expect("a query")
        .expect("a row");
    let sealed: String = stored.try_get("", "secret_enc").expect("secret_enc");
    assert!(sealed.starts_with("aes256gcm:"), "{sealed}");
    assert!(!sealed.contains(&secret));

    // A create is delivered, signed, with the documented headers and body. Its event says it
    // queued one delivery (what wakes the workers); an event of an organisation without
    // webhooks queued none.
    let mut bus = server.state.bus().subscribe();
    server.create_customer(&admin, "Ada").await;
    let published = bus.recv().await.expect("the create's event");
    assert_eq!(
        (published.topic.as_str(), published.deliveries),
        ("showcase.Customer.created", 1)
    );
    let other = server.token(Some(ORG_B), "admin", &[]);
    server.create_customer(&other, "Grace").await;
    let published = bus.recv().await.expect("the other create's event");
    assert_eq!((published.org_id, published.deliveries), (ORG_B, 0));
    let hits = receiver.wait_for(1).await;
    let first = &hits[0];
    assert!(first.signed_with(&secret), "the signature verifies");
    assert!(!first.signed_with("another secret"));
    assert_eq!(
        first.header("x-metacore-event"),
        "showcase.Customer.created"
    );
    assert_eq!(first.header("user-agent"), "metacore-webhooks/1.0");
    assert_eq!(first.header("content-type"), "application/json");
    let body = first.json();
    assert_eq!(
        body["id"].as_str(),
        Some(first.header("x-metacore-delivery").as_str())
    );
    assert_eq!(body["event"], "showcase.Customer.created");
    assert_eq!(body["organization_id"], ORG_A.to_string());
    assert!(body["sequence"].as_i64().is_some_and(|s| s >= 1), "{body}");
    assert!(body["occurred_at"].is_string());
    assert_eq!(body["data"]["after"]["name"], "Ada");

    // Three failures (a 3xx among them): retried at 4 and 16 units, then dead.
    receiver.script(&[500, 302, 503]);
    server.create_customer(&admin, "Bob").await;
    let hits = receiver.wait_for(4).await;
    let tries = &hits[1..4];
    let id = tries[0].header("x-metacore-delivery");
    assert!(
        tries.iter().all(|h| h.header("x-metacore-delivery") == id),
        "the delivery id is stable across retries"
    );
    assert!(tries.iter().all(|h| h.signed_with(&secret)));
    let gap1 = tries[1].at - tries[0].at;
    let gap2 = tries[2].at - tries[1].at;
    // At least 4 and 16 units after the attempt before (the workers poll every 20 ms).
    assert!(gap1 >= Duration::from_millis(40), "{gap1:?}");
    assert!(gap2 >= Duration::from_millis(160), "{gap2:?}");
    let dead = wait_for_status(&server, &admin, &hook, &id, "dead").await;
    assert_eq!(dead["attempt_count"], 3);
    assert_eq!(dead["last_status"], 503);
    assert!(dead["last_error"].as_str().is_some_and(|e| e.len() <= 1000));
    assert_eq!(dead["response_excerpt"], "answered 503");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(receiver.hits().len(), 4, "no attempt after the last");

    // Replay: a new delivery of the same event and payload, now.
    let replayed = server
        .send(
            "POST",
            &format!("/api/webhooks/logs/{id}/replay"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(replayed.status, 200, "{}", replayed.text);
    assert_eq!(replayed.body["data"]["status"], "succeeded");
    assert_eq!(replayed.body["data"]["status_code"], 200);
    let again = receiver.wait_for(5).await[4].clone();
    assert_ne!(again.header("x-metacore-delivery"), id);
    assert_eq!(
        replayed.body["data"]["delivery"].as_str(),
        Some(again.header("x-metacore-delivery").as_str())
    );
    assert_eq!(again.json()["data"], tries[0].json()["data"]);
    assert_eq!(again.json()["sequence"], tries[0].json()["sequence"]);

    // Inactive: events are not queued; the test endpoint still delivers, synchronously.
    let paused = server
        .send(
            "PUT",
            &format!("/api/webhooks/{hook}"),
            Some(&admin),
            Some(&json!({"active": false, "organization_id": ORG_B})),
        )
        .await;
    assert_eq!(paused.status, 200, "{}", paused.text);
    assert_eq!(paused.body["data"]["active"], false);
    assert_eq!(paused.body["data"]["organization_id"], ORG_A.to_string());
    let before = logs(&server, &admin, &hook, "").await["meta"]["total"].clone();
    server.create_customer(&admin, "Cy").await;
    assert_eq!(
        logs(&server, &admin, &hook, "").await["meta"]["total"],
        before
    );
    let tested = server
        .send(
            "POST",
            &format!("/api/webhooks/{hook}/test"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(tested.status, 200, "{}", tested.text);
    assert_eq!(tested.body["data"]["status"], "succeeded");
    assert!(tested.body["data"]["duration_ms"].is_u64());
    let test_hit = receiver.wait_for(6).await[5].clone();
    assert_eq!(test_hit.header("x-metacore-event"), "webhook.test");
    assert_eq!(test_hit.json()["data"]["webhook_id"], hook);
    assert!(test_hit.json()["data"]["timestamp"].is_i64());
    assert!(test_hit.signed_with(&secret));
    receiver.script(&[301]);
    let redirected = server
        .send(
            "POST",
            &format!("/api/webhooks/{hook}/test"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(redirected.status, 200, "{}", redirected.text);
    assert_eq!(redirected.body["data"]["status"], "dead", "a 3xx fails");
    assert_eq!(redirected.body["data"]["status_code"], 301);

    // Rotation: a new secret, shown once; the old one no longer verifies.
    let rotated = server
        .send(
            "POST",
            &format!("/api/webhooks/{hook}/rotate-secret"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let new_secret = rotated.body["data"]["secret"]
        .as_str()
        .expect("a secret")
        .to_string();
    assert_ne!(new_secret, secret);
    secrets.push(new_secret.clone());
    server
        .send(
            "POST",
            &format!("/api/webhooks/{hook}/test"),
            Some(&admin),
            None,
        )
        .await;
    let after = receiver.wait_for(8).await[7].clone();
    assert!(after.signed_with(&new_secret));
    assert!(!after.signed_with(&secret));

    // The log: newest first, paged, filtered; bad parameters are 400.
    let all = logs(&server, &admin, &hook, "").await;
    let total = all["meta"]["total"].as_u64().expect("a total");
    assert_eq!(total, 6, "{all}");
    let page = logs(&server, &admin, &hook, "?page=2&per_page=4").await;
    assert_eq!(page["data"].as_array().expect("entries").len(), 2);
    assert_eq!(page["meta"]["last_page"], 2);
    assert_eq!(page["meta"]["from"], 5);
    let tests = logs(&server, &admin, &hook, "?event=webhook.test").await;
    assert_eq!(tests["meta"]["total"], 3);
    assert_eq!(tests["data"][0]["status"], "succeeded", "newest first");
    let dead_ones = logs(&server, &admin, &hook, "?status=dead").await;
    assert_eq!(dead_ones["meta"]["total"], 2);
    for query in ["?status=lost", "?per_page=0", "?page=0"] {
        let refused = server
            .send(
                "GET",
                &format!("/api/webhooks/{hook}/logs{query}"),
                Some(&admin),
                None,
            )
            .await;
        assert_error(&refused, 400, "invalid_param");
    }

    // A second webhook with a pending delivery (workers stopped): deleting it kills it.
    assert!(pool.shutdown(Duration::from_secs(5)).await);
    let other = server
        .send(
            "POST",
            "/api/webhooks",
            Some(&admin),
            Some(&json!({"name": "All", "url": receiver.url, "events": ["*"],
                         "secret": "a-supplied-secret-of-enough-length"})),
        )
        .await;
    assert_eq!(other.status, 201, "{}", other.text);
    assert_eq!(
        other.body["data"]["secret"],
        "a-supplied-secret-of-enough-length"
    );
    secrets.push("a-supplied-secret-of-enough-length".into());
    let other_id = other.body["data"]["id"]
        .as_str()
        .expect("an id")
        .to_string();
    server.create_customer(&admin, "Dee").await;
    let pending = logs(&server, &admin, &other_id, "?status=pending").await;
    assert_eq!(pending["meta"]["total"], 1, "{pending}");
    let deleted = server
        .send(
            "DELETE",
            &format!("/api/webhooks/{other_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_error(
        &server
            .send(
                "GET",
                &format!("/api/webhooks/{other_id}"),
                Some(&admin),
                None,
            )
            .await,
        404,
        "webhook_not_found",
    );
    let statuses = delivery_statuses(&server, &other_id).await;
    assert_eq!(statuses, ["dead"]);
    let listed = server
        .send("GET", "/api/webhooks", Some(&admin), None)
        .await;
    assert_eq!(listed.body["data"].as_array().expect("a list").len(), 1);

    // Secrets: in no GET, no log line.
    let mut readable = vec![listed.text.clone()];
    readable.push(
        server
            .send("GET", &format!("/api/webhooks/{hook}"), Some(&admin), None)
            .await
            .text,
    );
    readable.push(all.to_string());
    let logged = captured_logs();
    for secret in &secrets {
        for text in &readable {
            assert!(
                !text.contains(secret.as_str()),
                "a secret is readable: {text}"
            );
        }
        assert!(!logged.contains(secret.as_str()), "a secret was logged");
    }
    let metrics = server.state.metrics().encode();
    for line in [
        r#"webhook_deliveries_total{result="succeeded"}"#,
        r#"webhook_deliveries_total{result="failed"} 2"#,
        r#"webhook_deliveries_total{result="dead"}"#,
    ] {
        assert!(metrics.contains(line), "{line} in {metrics}");
    }
}

/// The statuses of every delivery of `webhook`, read from the table (the API no longer
/// shows a deleted webhook's log).
async fn delivery_statuses(server: &Server, webhook: &str) -> Vec<String> {
    let db = server.state.db();
    let backend = db.get_database_backend();
    let placeholder = if backend == sea_orm::DatabaseBackend::Postgres {
        "$1"
    } else {
        "?1"
    };
    let id: uuid::Uuid = webhook.parse().expect("a UUID");
    let rows = db
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT status FROM metacore_webhook_deliveries WHERE webhook_id = {placeholder}"
            ),
            vec![id.into()],
        ))
        .await
        .expect("a query");
    rows.iter()
        .map(|r| r.try_get("", "status").expect("a status"))
        .collect()
}

/// Waits (at most 10 s) for delivery `id` of `webhook` to reach `status`; its log entry.
async fn wait_for_status(
    server: &Server,
    token: &str,
    webhook: &str,
    id: &str,
    status: &str,
) -> Value {
    let started = Instant::now();
    loop {
        let page = logs(server, token, webhook, "?per_page=200").await;
        if let Some(entry) = page["data"]
            .as_array()
            .expect("entries")
            .iter()
            .find(|e| e["id"] == id && e["status"] == status)
        {
            return entry.clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{id} never became {status}: {page}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn webhook_routes_keep_to_their_organisation_on_sqlite() {
    isolation(testing::sqlite_database("http_webhooks_tenancy").await).await;
}

#[tokio::test]
async fn webhook_routes_keep_to_their_organisation_on_postgres() {
    let Some(db) = testing::postgres_database("http_webhooks_tenancy").await else {
        eprintln!("METACORE_TEST_POSTGRES_URL is not set: skipped");
        return;
    };
    isolation(db).await;
}

/// Every route, called by organisation B with organisation A's ids, is a 404 (a listing
/// shows nothing of A's); without the capability a 403, without a token a 401; A's webhook
/// is untouched afterwards, and B's events never reach it.
async fn isolation(db: DatabaseConnection) {
    let receiver = Receiver::start().await;
    let server = start(db).await;
    let pool = workers(&server, 1);
    let a = server.token(Some(ORG_A), "admin", &[]);
    let b = server.token(Some(ORG_B), "admin", &[]);
    let b_clerk = server.token(Some(ORG_B), "clerk", &[]);
    let created = server
        .send(
            "POST",
            "/api/webhooks",
            Some(&a),
            Some(&json!({"name": "A's", "url": receiver.url, "events": ["*"]})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let hook = created.body["data"]["id"]
        .as_str()
        .expect("an id")
        .to_string();
    let tested = server
        .send(
            "POST",
            &format!("/api/webhooks/{hook}/test"),
            Some(&a),
            None,
        )
        .await;
    let delivery = tested.body["data"]["delivery"]
        .as_str()
        .expect("a delivery")
        .to_string();
    let update = json!({"name": "taken", "active": false});
    let routes: Vec<(&str, String, Option<&Value>)> = vec![
        ("GET", format!("/api/webhooks/{hook}"), None),
        ("PUT", format!("/api/webhooks/{hook}"), Some(&update)),
        ("DELETE", format!("/api/webhooks/{hook}"), None),
        ("POST", format!("/api/webhooks/{hook}/rotate-secret"), None),
        ("POST", format!("/api/webhooks/{hook}/test"), None),
        ("GET", format!("/api/webhooks/{hook}/logs"), None),
        (
            "POST",
            format!("/api/webhooks/logs/{delivery}/replay"),
            None,
        ),
    ];
    let hits_before = receiver.hits().len();
    for (method, path, body) in &routes {
        let reply = server.send(method, path, Some(&b), *body).await;
        assert_eq!(reply.status, 404, "{method} {path} by B: {}", reply.text);
        assert!(!reply.text.contains(&hook), "{}", reply.text);
        let denied = server.send(method, path, Some(&b_clerk), *body).await;
        assert_error(&denied, 403, "permission_denied");
        let anonymous = server.send(method, path, None, *body).await;
        assert_eq!(anonymous.status, 401, "{method} {path}");
    }
    for (method, path, body) in [
        ("GET", "/api/webhooks", None),
        (
            "POST",
            "/api/webhooks",
            Some(json!({"name": "x", "url": receiver.url, "events": ["*"]})),
        ),
    ] {
        assert_error(
            &server
                .send(method, path, Some(&b_clerk), body.as_ref())
                .await,
            403,
            "permission_denied",
        );
        assert_eq!(
            server.send(method, path, None, body.as_ref()).await.status,
            401
        );
    }
    let listed = server.send("GET", "/api/webhooks", Some(&b), None).await;
    assert_eq!(listed.body["data"], json!([]), "{}", listed.text);
    // A's webhook is as it was, and received nothing from B's routes.
    assert_eq!(receiver.hits().len(), hits_before);
    let mine = server
        .send("GET", &format!("/api/webhooks/{hook}"), Some(&a), None)
        .await;
    assert_eq!(mine.status, 200);
    assert_eq!(mine.body["data"]["name"], "A's");
    assert_eq!(mine.body["data"]["active"], true);
    // B's events never reach A's webhook; A's do.
    server.create_customer(&b, "Theirs").await;
    server.create_customer(&a, "Ours").await;
    let hits = receiver.wait_for(hits_before + 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let hits_after = receiver.hits();
    assert_eq!(hits_after.len(), hits.len(), "exactly one more delivery");
    let last = hits_after.last().expect("a hit").json();
    assert_eq!(last["organization_id"], ORG_A.to_string());
    assert_eq!(last["data"]["after"]["name"], "Ours");
    assert!(pool.shutdown(Duration::from_secs(5)).await);
}

#[tokio::test]
async fn expired_leases_are_claimed_again_on_sqlite() {
    leases(testing::sqlite_database("http_webhooks_leases").await).await;
}

#[tokio::test]
async fn expired_leases_are_claimed_again_on_postgres() {
    let Some(db) = testing::postgres_database("http_webhooks_leases").await else {
        eprintln!("METACORE_TEST_POSTGRES_URL is not set: skipped");
        return;
    };
    leases(db).await;
}

/// A claimed delivery is nobody else's while its lease runs; once it expires (its worker
/// died) the next claim takes it as a new attempt with a new token, and the dead worker's
/// late outcome is refused — the attempt is recorded once.
async fn leases(db: DatabaseConnection) {
    use metacore_runtime::webhooks::queue::{self, Outcome, Recorded};
    let receiver = Receiver::start().await;
    let server = start(db).await;
    let admin = server.token(Some(ORG_A), "admin", &[]);
    let created = server
        .send(
            "POST",
            "/api/webhooks",
            Some(&admin),
            Some(&json!({"name": "lease", "url": receiver.url, "events": ["*"]})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    server.create_customer(&admin, "Lease").await;
    let db = server.state.db();
    let first = queue::claim(db, 10).await.expect("a claim");
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].attempt, 1);
    assert!(
        queue::claim(db, 10).await.expect("a claim").is_empty(),
        "leased"
    );
    // The worker dies: its lease runs out.
    db.execute_unprepared(
        "UPDATE metacore_webhook_deliveries SET locked_until = locked_until - 3600000",
    )
    .await
    .expect("an update");
    let second = queue::claim(db, 10).await.expect("a claim");
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].id, first[0].id, "the same delivery");
    assert_eq!(second[0].attempt, 2, "a new attempt");
    assert_ne!(second[0].token, first[0].token);
    let ok = Outcome {
        succeeded: true,
        status: Some(200),
        error: None,
        excerpt: None,
    };
    assert_eq!(
        queue::record(db, &first[0], &ok, 3, Some(10))
            .await
            .expect("a record"),
        Recorded::LeaseLost,
        "the dead worker's outcome is refused"
    );
    assert!(!queue::release(db, &first[0]).await.expect("a release"));
    assert_eq!(
        queue::record(db, &second[0], &ok, 3, Some(10))
            .await
            .expect("a record"),
        Recorded::Succeeded
    );
    assert!(queue::claim(db, 10).await.expect("a claim").is_empty());
    let hook = created.body["data"]["id"].as_str().expect("an id");
    let shown = server
        .send("GET", &format!("/api/webhooks/{hook}"), Some(&admin), None)
        .await;
    assert_eq!(shown.body["data"]["success_count"], 1, "counted once");
}
