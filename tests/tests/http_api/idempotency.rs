//! `Idempotency-Key` over HTTP (`runtime.md` §12), on SQLite and PostgreSQL: a retried create
//! replays the first answer and makes no second row; another body under the same key is 422;
//! a repeat while the first request runs is 409; a failed answer is not kept; entries expire;
//! concurrent duplicates sent to two servers sharing one database make one row; an action's
//! `idempotency.key_field` keys by organisation, not by user.

use std::sync::Arc;
use std::time::{Duration, Instant};

use metacore_runtime::api::idempotency::TABLE;
use metacore_runtime::api::HandlerSettings;
use metacore_runtime::{testing, Sandbox, SandboxConfig};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::json;

use super::support::{assert_error, Reply, Server, ORG_A, ORG_B};

/// A store whose entries live two seconds, and a sandbox whose calls end within one.
async fn start(db: DatabaseConnection) -> Server {
    let sandbox = Sandbox::new(SandboxConfig {
        max_timeout: Duration::from_secs(1),
        ..SandboxConfig::default()
    })
    .expect("the sandbox starts");
    let settings = HandlerSettings {
        idempotency_ttl: Duration::from_secs(2),
        ..HandlerSettings::default()
    };
    Server::start_configured(db, &sandbox, settings, None).await
}

async fn create(server: &Server, token: &str, key: &str, name: &str) -> Reply {
    server
        .send_with_headers(
            "POST",
            "/api/data/customers",
            Some(token),
            Some(&json!({"name": name})),
            &[("Idempotency-Key", key)],
        )
        .await
}

async fn customers(server: &Server, token: &str) -> u64 {
    let list = server
        .send("GET", "/api/data/customers?per_page=1", Some(token), None)
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    list.body["meta"]["total"].as_u64().expect("a total")
}

fn replayed(reply: &Reply) -> bool {
    reply
        .headers
        .get("idempotent-replay")
        .is_some_and(|v| v == "true")
}

#[tokio::test]
async fn idempotency_on_sqlite() {
    let server = start(testing::sqlite_database("http_idem").await).await;
    replay_reuse_and_failures(&server).await;
    in_flight_and_expiry(&server).await;
    key_field(&server).await;
}

#[tokio::test]
async fn idempotency_on_postgres() {
    let Some(db) = testing::postgres_database("http_idem").await else {
        eprintln!("SKIPPED: idempotency on PostgreSQL (no METACORE_TEST_POSTGRES_URL)");
        return;
    };
    let server = start(db).await;
    replay_reuse_and_failures(&server).await;
    in_flight_and_expiry(&server).await;
    key_field(&server).await;
}

async fn replay_reuse_and_failures(server: &Server) {
    let ada = server.token(Some(ORG_A), "admin", &[]);
    let first = create(server, &ada, "create-1", "Ada").await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert!(!replayed(&first));

    // The retry gets the same answer, byte for byte, and makes no second row.
    let again = create(server, &ada, "create-1", "Ada").await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert!(replayed(&again), "{:?}", again.headers);
    assert_eq!(again.bytes, first.bytes);
    assert_eq!(
        again.headers.get("content-type"),
        first.headers.get("content-type")
    );
    assert_eq!(customers(server, &ada).await, 1);

    // Another body under the same key.
    let reused = create(server, &ada, "create-1", "Grace").await;
    assert_error(&reused, 422, "idempotency_key_reuse");
    assert_eq!(customers(server, &ada).await, 1);

    // Keys are the caller's own: another user's `create-1` is a new request.
    let bob = server.token(Some(ORG_A), "admin", &[]);
    let other_user = create(server, &bob, "create-1", "Ada").await;
    assert_eq!(other_user.status, 201, "{}", other_user.text);
    assert!(!replayed(&other_user));
    assert_ne!(other_user.body["data"]["id"], first.body["data"]["id"]);
    assert_eq!(customers(server, &ada).await, 2);

    // A failed request is not kept: the corrected retry under the same key runs.
    let invalid = server
        .send_with_headers(
            "POST",
            "/api/data/customers",
            Some(&ada),
            Some(&json!({"name": "Ada", "tier": "platinum"})),
            &[("Idempotency-Key", "create-2")],
        )
        .await;
    assert_eq!(invalid.status, 422, "{}", invalid.text);
    let corrected = create(server, &ada, "create-2", "Lin").await;
    assert_eq!(corrected.status, 201, "{}", corrected.text);
    assert!(!replayed(&corrected));

    // Malformed keys.
    let long = "k".repeat(256);
    assert_error(
        &create(server, &ada, &long, "Ada").await,
        400,
        "invalid_param",
    );
    let longest = create(server, &ada, &"k".repeat(255), "Max").await;
    assert_eq!(longest.status, 201, "{}", longest.text);

    // Without a token nothing is stored: 401 as always.
    let anonymous = server
        .send_with_headers(
            "POST",
            "/api/data/customers",
            None,
            Some(&json!({"name": "Ada"})),
            &[("Idempotency-Key", "create-1")],
        )
        .await;
    assert_error(&anonymous, 401, "unauthorized");
    assert_eq!(customers(server, &ada).await, 4);
}

async fn in_flight_and_expiry(server: &Server) {
    let admin = server.token(Some(ORG_A), "admin", &[]);
    // The showcase's `spin` tool loops until its deadline (1 s here), then answers 504.
    let send_spin = {
        let base = server.base.clone();
        let admin = admin.clone();
        move || {
            let (base, admin) = (base.clone(), admin.clone());
            tokio::spawn(async move {
                reqwest::Client::new()
                    .post(format!("{base}/api/metacore/tools/showcase/spin"))
                    .bearer_auth(admin)
                    .header("Idempotency-Key", "spin-1")
                    .send()
                    .await
                    .expect("the server answers")
                    .status()
                    .as_u16()
            })
        }
    };
    let first = send_spin();
    wait_for_entry(server.state.db()).await;
    let repeat = server
        .send_with_headers(
            "POST",
            "/api/metacore/tools/showcase/spin",
            Some(&admin),
            None,
            &[("Idempotency-Key", "spin-1")],
        )
        .await;
    assert_error(&repeat, 409, "idempotency_in_flight");
    assert_eq!(first.await.expect("the first call ends"), 504);
    // The timeout was not kept: the same key runs again (and times out again).
    assert_eq!(send_spin().await.expect("the retry ends"), 504);
    assert_eq!(
        entries(server.state.db()).await,
        0,
        "failed answers leave no entry"
    );

    // Entries live two seconds here: then the key is free for another body.
    let first = create(server, &admin, "expiring", "Early").await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_error(
        &create(server, &admin, "expiring", "Late").await,
        422,
        "idempotency_key_reuse",
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let pruned = metacore_runtime::api::idempotency::prune(server.state.db())
        .await
        .expect("expired entries are pruned");
    assert!(pruned >= 1, "the expired `expiring` entry was pruned");
    let late = create(server, &admin, "expiring", "Late").await;
    assert_eq!(late.status, 201, "{}", late.text);
    assert!(!replayed(&late));
}

/// Waits until a keyed request holds its entry.
async fn wait_for_entry(db: &DatabaseConnection) {
    let started = Instant::now();
    while entries(db).await == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the first request never claimed its key"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn entries(db: &DatabaseConnection) -> i64 {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {TABLE} WHERE state = 'in_flight'"),
        ))
        .await
        .expect("the store is readable")
        .expect("a count");
    row.try_get("", "n").expect("a number")
}

/// The showcase's `ping` action declares `idempotency.key_field: request_id`: the value keys
/// the answer for the whole organisation, whoever sends it.
async fn key_field(server: &Server) {
    let ada = server.token(Some(ORG_A), "admin", &[]);
    let bob = server.token(Some(ORG_A), "admin", &[]);
    let eve = server.token(Some(ORG_B), "admin", &[]);
    let record = create(server, &ada, "ping-record", "Pinged").await;
    let id = record.body["data"]["id"]
        .as_str()
        .expect("an id")
        .to_string();
    let path = format!("/api/data/customers/{id}/action/ping");
    let body = json!({"request_id": "r-1", "note": "first"});
    let first = server.send("POST", &path, Some(&ada), Some(&body)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert!(!replayed(&first));
    let by_bob = server.send("POST", &path, Some(&bob), Some(&body)).await;
    assert_eq!(by_bob.status, 200, "{}", by_bob.text);
    assert!(replayed(&by_bob), "another user's repeat replays");
    assert_eq!(by_bob.bytes, first.bytes);
    let other = json!({"request_id": "r-1", "note": "second"});
    assert_error(
        &server.send("POST", &path, Some(&bob), Some(&other)).await,
        422,
        "idempotency_key_reuse",
    );
    let fresh = json!({"request_id": "r-2", "note": "second"});
    let second = server.send("POST", &path, Some(&bob), Some(&fresh)).await;
    assert_eq!(second.status, 200, "{}", second.text);
    assert!(!replayed(&second));

    // Another organisation's `r-1` is its own.
    let theirs = create(server, &eve, "ping-record", "Theirs").await;
    let id = theirs.body["data"]["id"].as_str().expect("an id");
    let path = format!("/api/data/customers/{id}/action/ping");
    let elsewhere = server.send("POST", &path, Some(&eve), Some(&body)).await;
    assert_eq!(elsewhere.status, 200, "{}", elsewhere.text);
    assert!(!replayed(&elsewhere));
    assert_eq!(elsewhere.body["data"]["org_id"], ORG_B.to_string());
}

/// Two servers (two processes' worth of state and connections) on one database; eight
/// concurrent creates under one key, spread across both: exactly one runs, the others are
/// replays or 409s, and one row exists.
#[tokio::test]
async fn concurrent_duplicates_across_servers_on_sqlite() {
    let dir = std::env::temp_dir().join(testing::unique_name("http_idem_two"));
    std::fs::create_dir_all(&dir).expect("a directory");
    let url = format!("sqlite://{}?mode=rwc", dir.join("app.db").display());
    concurrent_duplicates(&url).await;
}

#[tokio::test]
async fn concurrent_duplicates_across_servers_on_postgres() {
    let Some(url) = testing::postgres_database_url("http_idem_two").await else {
        eprintln!(
            "SKIPPED: concurrent idempotent creates on PostgreSQL (no METACORE_TEST_POSTGRES_URL)"
        );
        return;
    };
    concurrent_duplicates(&url).await;
}

async fn concurrent_duplicates(url: &str) {
    let connect = || async {
        metacore_runtime::db::connect(url)
            .await
            .expect("the database connects")
    };
    let one = Arc::new(Server::start(connect().await).await);
    let two = Arc::new(Server::start(connect().await).await);
    let admin = one.token(Some(ORG_A), "admin", &[]);
    let calls: Vec<_> = (0..8)
        .map(|i| {
            let server = if i % 2 == 0 { one.clone() } else { two.clone() };
            let admin = admin.clone();
            tokio::spawn(async move { create(&server, &admin, "together", "Once").await })
        })
        .collect();
    let mut ran = 0;
    let mut ids = Vec::new();
    for call in calls {
        let reply = call.await.expect("a reply");
        match reply.status {
            201 => {
                if !replayed(&reply) {
                    ran += 1;
                }
                ids.push(reply.body["data"]["id"].clone());
            }
            409 => assert_error(&reply, 409, "idempotency_in_flight"),
            _ => panic!("unexpected answer {}: {}", reply.status, reply.text),
        }
    }
    assert_eq!(ran, 1, "exactly one request ran");
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "one id: {ids:?}");
    assert_eq!(customers(&one, &admin).await, 1);
    let later = create(&two, &admin, "together", "Once").await;
    assert_eq!(later.status, 201, "{}", later.text);
    assert!(replayed(&later));
}
