//! Installations and their install secrets over HTTP (`http-api.md` §9.3, `runtime.md` §6.1
//! and §9): the tickets addon's `resolve` action is a webhook handler whose calls a real
//! receiver on 127.0.0.1 verifies with the secret `rotate-secret` returned; a second rotation
//! makes the old secret fail at once; another organisation's secret is unaffected; secrets
//! are sealed at rest and never appear in `GET /api/metacore/installations` nor in the logs;
//! rotating needs `metacore.installations.manage`.
//!
//! The handler URL is `http://localhost:7101/webhooks/resolve` (`manifests/tickets-addon`),
//! so the receiver binds that port and the backends' tests take turns on it. The operator
//! allow-lists the loopback (`METACORE_EGRESS_ALLOW`) and runs in `shadow` mode, since the
//! addon does not declare `http:fetch` for its own webhook host.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use metacore_runtime::installations::MasterKey;
use metacore_runtime::invocation::Secret;
use metacore_runtime::poem;
use metacore_runtime::{cli, testing};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::support::{assert_error, sandbox, Server, ORG_A, ORG_B};

/// Where the tickets addon's webhooks live.
const RECEIVER: &str = "127.0.0.1:7101";

/// One backend at a time owns the receiver's port.
static PORT: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn install_secrets_sign_webhook_actions_on_sqlite() {
    let db = testing::sqlite_database("http_installations").await;
    scenario(db).await;
}

#[tokio::test]
async fn install_secrets_sign_webhook_actions_on_postgres() {
    let Some(db) = testing::postgres_database("http_installations").await else {
        eprintln!("METACORE_TEST_POSTGRES_URL is not set: skipped");
        return;
    };
    scenario(db).await;
}

/// Everything logged by this test binary, as text.
fn logs() -> &'static Mutex<Vec<u8>> {
    static LOGS: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();
    LOGS.get_or_init(|| Mutex::new(Vec::new()))
}

struct Capture;

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        logs()
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Records every log event, at every level, of every crate (the server's, sqlx's, …).
pub(super) fn capture_logs() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        use tracing_subscriber::util::SubscriberInitExt;
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
            .with_ansi(false)
            .with_writer(|| Capture)
            .finish()
            .try_init();
    });
}

pub(super) fn captured_logs() -> String {
    String::from_utf8_lossy(&logs().lock().unwrap_or_else(|p| p.into_inner())).into_owned()
}

/// What the receiver knows: the install secret of each organisation (`X-Metacore-Tenant`)
/// and the verdict on every call.
#[derive(Default)]
struct Receiver {
    secrets: Mutex<HashMap<String, String>>,
    verdicts: Mutex<Vec<(String, bool)>>,
}

impl Receiver {
    fn know(&self, org: Uuid, secret: &str) {
        self.secrets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(org.to_string(), secret.to_string());
    }

    /// `runtime.md` §6.1, written independently of the runtime's signer: HMAC-SHA256 keyed
    /// with the secret's ASCII bytes over
    /// `<timestamp>.<METHOD>.<path>.<nonce>.<hex(sha256(body))>`, sent as `sha256=<hex>`.
    fn verify(&self, request: &poem::Request, body: &[u8]) -> bool {
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let tenant = header("x-metacore-tenant");
        let Some(secret) = self
            .secrets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&tenant)
            .cloned()
        else {
            return false;
        };
        let timestamp: i64 = header("x-metacore-timestamp").parse().unwrap_or_default();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default();
        if (now - timestamp).abs() > 300 {
            return false;
        }
        let path = match request.uri().query() {
            Some(query) => format!("{}?{query}", request.uri().path()),
            None => request.uri().path().to_string(),
        };
        let message = format!(
            "{timestamp}.{}.{path}.{}.{}",
            request.method().as_str(),
            header("x-metacore-nonce"),
            hex::encode(Sha256::digest(body)),
        );
        let Some(signature) = header("x-metacore-signature")
            .strip_prefix("sha256=")
            .and_then(|h| hex::decode(h).ok())
        else {
            return false;
        };
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()) else {
            return false;
        };
        mac.update(message.as_bytes());
        let valid = mac.verify_slice(&signature).is_ok();
        self.verdicts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((tenant, valid));
        valid
    }
}

/// Serves the tickets webhooks on [`RECEIVER`]: 200 with a JSON answer when the signature
/// verifies, 401 otherwise. Stops when the returned handle is aborted.
async fn start_receiver(receiver: Arc<Receiver>) -> tokio::task::JoinHandle<()> {
    let listener = tokio::net::TcpListener::bind(RECEIVER)
        .await
        .expect("port 7101 on 127.0.0.1 is free for the tickets webhooks");
    let endpoint = poem::endpoint::make(move |mut request: poem::Request| {
        let receiver = receiver.clone();
        async move {
            let body = request.take_body().into_vec().await.unwrap_or_default();
            let document: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            if receiver.verify(&request, &body) {
                poem::Response::builder()
                    .content_type("application/json")
                    .body(
                        json!({
                            "success": true,
                            "data": {"resolved": document["record_id"]},
                            "message": "resolved",
                        })
                        .to_string(),
                    )
            } else {
                poem::Response::builder()
                    .status(poem::http::StatusCode::UNAUTHORIZED)
                    .body("bad signature")
            }
        }
    });
    tokio::spawn(async move {
        let _ = cli::serve_on(listener, endpoint).await;
    })
}

async fn create_ticket(server: &Server, token: &str, number: &str) -> String {
    let created = server
        .send(
            "POST",
            "/api/data/tickets",
            Some(token),
            Some(&json!({
                "number": number,
                "title": format!("Ticket {number}"),
                "reporter_id": Uuid::new_v4().to_string(),
            })),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    created.body["data"]["id"]
        .as_str()
        .expect("an id")
        .to_string()
}

async fn rotate(server: &Server, token: &str) -> String {
    let rotated = server
        .send(
            "POST",
            "/api/metacore/installations/tickets/rotate-secret",
            Some(token),
            None,
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    assert_eq!(rotated.body["success"], true, "{}", rotated.text);
    let installation = &rotated.body["data"]["installation"];
    assert_eq!(installation["addon_key"], "tickets", "{}", rotated.text);
    assert_eq!(installation["status"], "enabled", "{}", rotated.text);
    let secret = rotated.body["data"]["install_secret"]
        .as_str()
        .expect("the new secret, shown once")
        .to_string();
    assert_eq!(secret.len(), 64, "{secret}");
    assert!(
        secret
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)),
        "64 lowercase hex characters: {secret}"
    );
    secret
}

async fn resolve(server: &Server, token: &str, ticket: &str) -> super::support::Reply {
    server
        .send(
            "POST",
            &format!("/api/data/tickets/{ticket}/action/resolve"),
            Some(token),
            None,
        )
        .await
}

async fn stored_secrets(db: &DatabaseConnection) -> Vec<String> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT secret_enc FROM metacore_installations",
        ))
        .await
        .expect("the installations table exists");
    rows.iter()
        .map(|row| row.try_get_by_index::<String>(0).expect("text"))
        .collect()
}

async fn scenario(db: DatabaseConnection) {
    capture_logs();
    let _port = PORT.lock().await;
    let receiver = Arc::new(Receiver::default());
    let receiver_task = start_receiver(receiver.clone()).await;
    let settings = cli::handler_settings(|name| match name {
        cli::EGRESS_ALLOW_ENV => Some("localhost,127.0.0.1,::1".to_string()),
        cli::CAPABILITY_MODE_ENV => Some("shadow".to_string()),
        _ => None,
    })
    .expect("valid handler settings");
    let master_key = MasterKey::parse(&"5a".repeat(32)).expect("a 32-byte key");
    let server = Server::start_configured(db.clone(), sandbox(), settings, Some(master_key)).await;

    let admin_a = server.token(Some(ORG_A), "admin", &[]);
    let admin_b = server.token(Some(ORG_B), "admin", &[]);
    let manager_a = server.token(Some(ORG_A), "member", &["metacore.installations.manage"]);
    let member_a = server.token(Some(ORG_A), "member", &["tickets.resolve"]);
    let ticket_a = create_ticket(&server, &admin_a, "A-1").await;
    let ticket_b = create_ticket(&server, &admin_b, "B-1").await;

    // Auto-installed on first use: the list shows the compiled addons, without secrets.
    let listed = server
        .send("GET", "/api/metacore/installations", Some(&member_a), None)
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let tickets = listed.body["data"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|i| i["addon_key"] == "tickets")
        .cloned()
        .expect("tickets is installed");
    assert_eq!(
        (&tickets["version"], &tickets["status"], &tickets["source"]),
        (&json!("1.0.0"), &json!("enabled"), &json!("compiled"))
    );
    assert_eq!(tickets["settings"]["slack_webhook"], Value::Null, "masked");
    assert_eq!(tickets["settings"]["auto_assign_round_robin"], false);
    assert!(!listed.text.contains("secret\":\""), "{}", listed.text);

    // Concurrent first uses in a new organisation agree on one installation.
    let org_c = Uuid::from_u128(0xc000_0000_0000_0000_0000_0000_0000_000c);
    let member_c = server.token(Some(org_c), "member", &[]);
    let list_c = || server.send("GET", "/api/metacore/installations", Some(&member_c), None);
    let (one, two, three, four) = tokio::join!(list_c(), list_c(), list_c(), list_c());
    let ids: Vec<Value> = [one, two, three, four]
        .iter()
        .map(|reply| {
            assert_eq!(reply.status, 200, "{}", reply.text);
            reply.body["data"]
                .as_array()
                .and_then(|list| list.iter().find(|i| i["addon_key"] == "tickets"))
                .map(|i| i["id"].clone())
                .expect("tickets is installed")
        })
        .collect();
    assert!(
        ids.iter().all(|id| id == &ids[0] && id.is_string()),
        "{ids:?}"
    );
    assert_ne!(ids[0], tickets["id"], "one installation per organisation");

    // Rotation needs the capability; an unknown addon is a 404.
    let denied = server
        .send(
            "POST",
            "/api/metacore/installations/tickets/rotate-secret",
            Some(&member_a),
            None,
        )
        .await;
    assert_error(&denied, 403, "permission_denied");
    assert!(!denied.text.contains("install_secret"), "{}", denied.text);
    let unknown = server
        .send(
            "POST",
            "/api/metacore/installations/no_such_addon/rotate-secret",
            Some(&admin_a),
            None,
        )
        .await;
    assert_error(&unknown, 404, "addon_not_found");
    let anonymous = server
        .send(
            "POST",
            "/api/metacore/installations/tickets/rotate-secret",
            None,
            None,
        )
        .await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.text);

    // Organisation A: the receiver verifies with the secret rotate-secret returned.
    let first = rotate(&server, &manager_a).await;
    receiver.know(ORG_A, &first);
    let resolved = resolve(&server, &member_a, &ticket_a).await;
    assert_eq!(resolved.status, 200, "{}", resolved.text);
    assert_eq!(resolved.body["data"]["resolved"], ticket_a.as_str());
    assert_eq!(resolved.body["meta"]["trigger_type"], "webhook");

    // Organisation B has its own secret.
    let other = rotate(&server, &admin_b).await;
    assert_ne!(other, first);
    receiver.know(ORG_B, &other);
    let resolved_b = resolve(&server, &admin_b, &ticket_b).await;
    assert_eq!(resolved_b.status, 200, "{}", resolved_b.text);

    // A second rotation: the old secret no longer verifies, the new one does.
    let second = rotate(&server, &admin_a).await;
    assert_ne!(second, first);
    let stale = resolve(&server, &member_a, &ticket_a).await;
    assert_error(&stale, 502, "webhook_failed");
    assert!(!stale.text.contains(&second), "{}", stale.text);
    receiver.know(ORG_A, &second);
    let fresh = resolve(&server, &member_a, &ticket_a).await;
    assert_eq!(fresh.status, 200, "{}", fresh.text);

    // ... and organisation B's installation is unaffected.
    let still_b = resolve(&server, &admin_b, &ticket_b).await;
    assert_eq!(still_b.status, 200, "{}", still_b.text);
    let verdicts = receiver
        .verdicts
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let (a, b) = (ORG_A.to_string(), ORG_B.to_string());
    assert_eq!(
        verdicts,
        vec![
            (a.clone(), true),
            (b.clone(), true),
            (a.clone(), false),
            (a, true),
            (b, true)
        ]
    );

    // Never shown again: not in either organisation's list.
    for token in [&member_a, &admin_b] {
        let listed = server
            .send("GET", "/api/metacore/installations", Some(token), None)
            .await;
        assert_eq!(listed.status, 200, "{}", listed.text);
        for secret in [&first, &second, &other] {
            assert!(!listed.text.contains(secret.as_str()), "{}", listed.text);
        }
    }

    // At rest: sealed with AES-256-GCM under the master key, never the secret itself.
    let stored = stored_secrets(&db).await;
    assert!(!stored.is_empty());
    for value in &stored {
        assert!(value.starts_with("aes256gcm:"), "{value}");
        for secret in [&first, &second, &other] {
            assert!(!value.contains(secret.as_str()));
        }
    }

    // Nor in the logs (which did record the calls).
    let logs = captured_logs();
    assert!(logs.contains("handler dispatched"), "logs are captured");
    for secret in [&first, &second, &other] {
        assert!(!logs.contains(secret.as_str()), "a secret was logged");
    }
    receiver_task.abort();
    let _ = receiver_task.await;
}

/// Two servers on one PostgreSQL database, each listening for changes
/// (`metacore_runtime::coherence`): a secret rotated through one is the secret the other
/// signs with within a second — long before the five-second reuse of a loaded installation
/// would have ended. A settings change made directly in the database is seen as promptly.
#[tokio::test]
async fn a_rotation_through_one_server_reaches_the_other_within_a_second() {
    let Some(url) = testing::postgres_database_url("http_install_coherence").await else {
        eprintln!(
            "SKIPPED: installation coherence needs PostgreSQL (no METACORE_TEST_POSTGRES_URL)"
        );
        return;
    };
    let connect = || async {
        metacore_runtime::db::connect(&url)
            .await
            .expect("the database connects")
    };
    let one = Server::start(connect().await).await;
    let two = Server::start(connect().await).await;
    for server in [&one, &two] {
        metacore_runtime::coherence::listen(&server.state)
            .await
            .expect("the listener starts");
    }
    let admin = two.token(Some(ORG_A), "admin", &[]);
    let before = one
        .state
        .installation("tickets", ORG_A)
        .await
        .expect("installed on first use");
    let rotated = Secret::new(rotate(&two, &admin).await);
    assert!(before.secret.as_ref() != Some(&rotated));
    let started = Instant::now();
    loop {
        let now = one
            .state
            .installation("tickets", ORG_A)
            .await
            .expect("installed");
        if now.secret.as_ref() == Some(&rotated) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "the other server still signs with the old secret after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // Settings changed by an operator in the database.
    let db = connect().await;
    db.execute_unprepared(
        "UPDATE metacore_installations SET settings = '{\"sla_hours\": 7}' \
         WHERE addon_key = 'tickets'",
    )
    .await
    .expect("the settings change");
    let started = Instant::now();
    for server in [&one, &two] {
        loop {
            let now = server
                .state
                .installation("tickets", ORG_A)
                .await
                .expect("installed");
            if now.settings.get("sla_hours") == Some(&json!(7)) {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(1),
                "a server still has the old settings"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
