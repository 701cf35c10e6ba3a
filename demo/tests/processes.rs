//! Several `serve` processes on one database, started at the same moment: the first
//! migrates while the others wait for the schema lock (`metacore_runtime::schema_lock`), then
//! all serve, and a client spread across them sees one set of rows. On PostgreSQL (a fresh
//! database) and on one SQLite file. A database migrated by a newer build is refused with a
//! message that says so. SIGTERM stops accepting, lets the request in progress finish, and
//! exits 0 (on PostgreSQL withdrawing its registration as a listening process); past
//! `--shutdown-timeout` it exits anyway. On PostgreSQL a grant revoked through
//! one process's API, or stored in the database, is in force in every process within a second
//! (`metacore_runtime::coherence`).
//! Nonsense configuration is refused in one line before the database is touched. A rolling
//! restart of three processes under load fails no request and duplicates no row. An event
//! written through one process reaches a WebSocket connected to another.

use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;

use metacore::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use metacore::testing;
use serde_json::{json, Value};

#[path = "support/served.rs"]
mod served;
mod support;

use served::{call, tempdir};

const SECRET: &str = "processes-test";
const BINARY: &str = env!("CARGO_BIN_EXE_metacore-demo");

/// A `serve` process, the base URL it announced, and (once it exits) its whole stderr.
struct Served {
    child: Child,
    base: String,
    output: std::sync::mpsc::Receiver<Result<String, String>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve` on `database` in `dir` with `extra` arguments; returns at once (see
/// [`announced`]).
fn start(dir: &Path, database: &str) -> Child {
    start_with(dir, database, &[])
}

fn start_with(dir: &Path, database: &str, extra: &[&str]) -> Child {
    testing::serve_command(BINARY, dir, database, SECRET)
        .args(extra)
        .env("METACORE_WASM_MAX_TIMEOUT_MS", "1500")
        .spawn()
        .expect("metacore-demo starts")
}

/// The address `child` announces once it listens; panics with its output if it exits first.
fn announced(mut child: Child) -> Served {
    let (base, output) = testing::announced_base(&mut child, Duration::from_secs(120));
    Served {
        child,
        base,
        output,
    }
}

const ORG: &str = "00000000-0000-4000-8000-0000000000aa";

fn token(dir: &Path) -> String {
    token_for(dir, "admin")
}

fn token_for(dir: &Path, role: &str) -> String {
    served::token(BINARY, dir, SECRET, ORG, role)
}

/// Three processes started together on `database` all serve it; creates through each are
/// listed by every other, and deletes through one are gone for all.
async fn three_processes_share(dir: &Path, database: &str) {
    let children: Vec<Child> = (0..3).map(|_| start(dir, database)).collect();
    let served: Vec<Served> = children.into_iter().map(announced).collect();
    let token = token(dir);
    for server in &served {
        let (status, ready) = call("GET", format!("{}/api/ready", server.base), &token, None).await;
        assert_eq!(status, 200, "{ready}");
        assert_eq!(ready["data"]["status"], "ready");
    }
    let mut ids = Vec::new();
    for (n, server) in served.iter().enumerate() {
        let (status, created) = call(
            "POST",
            format!("{}/api/data/customers", server.base),
            &token,
            Some(json!({"name": format!("Customer {n}")})),
        )
        .await;
        assert_eq!(status, 201, "{created}");
        ids.push(created["data"]["id"].as_str().expect("an id").to_string());
    }
    for server in &served {
        let (status, page) = call(
            "GET",
            format!("{}/api/data/customers", server.base),
            &token,
            None,
        )
        .await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["meta"]["total"], 3, "{page}");
    }
    for (n, id) in ids.iter().enumerate() {
        let server = &served[(n + 1) % served.len()];
        let (status, deleted) = call(
            "DELETE",
            format!("{}/api/data/customers/{id}", server.base),
            &token,
            None,
        )
        .await;
        assert_eq!(status, 200, "{deleted}");
    }
    for server in &served {
        let (_, page) = call(
            "GET",
            format!("{}/api/data/customers", server.base),
            &token,
            None,
        )
        .await;
        assert_eq!(page["meta"]["total"], 0, "{page}");
    }
}

#[tokio::test]
async fn three_processes_start_together_on_postgres() {
    let Some(database) = testing::postgres_database_url("processes").await else {
        return;
    };
    let dir = tempdir("pg");
    three_processes_share(&dir, &database).await;
}

#[tokio::test]
async fn three_processes_start_together_on_one_sqlite_file() {
    let dir = tempdir("sqlite");
    let database = format!("sqlite://{}?mode=rwc", dir.join("app.db").display());
    three_processes_share(&dir, &database).await;
    assert!(dir.join("app.db.migrate-lock").exists());
}

#[tokio::test]
async fn a_revoked_grant_is_refused_by_every_process_within_a_second() {
    let Some(database) = testing::postgres_database_url("revoke").await else {
        return;
    };
    let dir = tempdir("revoke");
    let served: Vec<Served> = [start(&dir, &database), start(&dir, &database)]
        .into_iter()
        .map(announced)
        .collect();
    let db = metacore::db::connect(&database)
        .await
        .expect("the database opens");
    use metacore::sea_orm::ConnectionTrait;
    let grant = format!(
        "INSERT INTO metacore_role_grants (organization_id, role, capability) \
         VALUES ('{ORG}', 'auditor', 'customers.index')"
    );
    db.execute_unprepared(&grant)
        .await
        .expect("a grant is stored");
    let auditor = token_for(&dir, "auditor");
    // Both processes compute and cache the auditor's capabilities (their TTL is 60 s).
    for server in &served {
        let (status, page) = call(
            "GET",
            format!("{}/api/data/customers", server.base),
            &auditor,
            None,
        )
        .await;
        assert_eq!(status, 200, "{page}");
    }
    // Revoked through the role administration API of the first process.
    let (status, revoked) = call(
        "PUT",
        format!("{}/api/permissions/roles/auditor", served[0].base),
        &token(&dir),
        Some(json!({"permissions": []})),
    )
    .await;
    assert_eq!(status, 200, "{revoked}");
    let revoked = std::time::Instant::now();
    for server in &served {
        loop {
            let (status, _) = call(
                "GET",
                format!("{}/api/data/customers", server.base),
                &auditor,
                None,
            )
            .await;
            if status == 403 {
                break;
            }
            assert_eq!(status, 200);
            assert!(
                revoked.elapsed() < Duration::from_secs(1),
                "{} still allows the revoked grant after {:?}",
                server.base,
                revoked.elapsed()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    assert!(
        revoked.elapsed() < Duration::from_secs(1),
        "{:?}",
        revoked.elapsed()
    );
    // A grant an operator stores in the database reaches them as promptly.
    db.execute_unprepared(&grant).await.expect("granted again");
    let granted = std::time::Instant::now();
    for server in &served {
        while call(
            "GET",
            format!("{}/api/data/customers", server.base),
            &auditor,
            None,
        )
        .await
        .0 != 200
        {
            assert!(
                granted.elapsed() < Duration::from_secs(1),
                "{:?}",
                granted.elapsed()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Sends SIGTERM to `child` (std's `kill` is SIGKILL).
fn terminate(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Waits up to `limit` for `child` to exit.
fn exited(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("the process can be waited for") {
            return status;
        }
        assert!(started.elapsed() < limit, "still running after {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn sigterm_drains_requests_in_progress_then_exits_zero() {
    let dir = tempdir("sigterm");
    let database = format!("sqlite://{}?mode=rwc", dir.join("app.db").display());
    let mut served = announced(start(&dir, &database));
    let token = token(&dir);
    // The showcase `spin` tool runs until its deadline (1.5 s here), then answers 504.
    let spin = format!("{}/api/metacore/tools/showcase/spin", served.base);
    let call = tokio::spawn(async move { call("POST", spin, &token, Some(json!({}))).await });
    tokio::time::sleep(Duration::from_millis(400)).await;
    terminate(&served.child);
    let (status, answer) = call.await.expect("the call task ends");
    assert_eq!(status, 504, "the request in progress is answered: {answer}");
    assert_eq!(answer["error"]["code"], "addon_timeout");
    let exit = exited(&mut served.child, Duration::from_secs(10));
    assert!(exit.success(), "{exit:?}");
    let output = served
        .output
        .recv_timeout(Duration::from_secs(5))
        .expect("the output ends");
    let output = output.expect_err("the output, not an address");
    assert!(
        output.contains("metacore-app stopped: every request finished"),
        "{output}"
    );
}

/// A process that stops withdraws its registration as a listening process, so the others
/// stop announcing their events to it at once (not when its lease lapses).
#[tokio::test]
async fn sigterm_withdraws_the_listening_registration_on_postgres() {
    let Some(database) = testing::postgres_database_url("deregister").await else {
        return;
    };
    let dir = tempdir("deregister");
    let mut served = announced(start(&dir, &database));
    let db = metacore::db::connect(&database)
        .await
        .expect("the test connects");
    let live = || async {
        let row = db
            .query_one_raw(Statement::from_string(
                DatabaseBackend::Postgres,
                "SELECT COUNT(*) AS live FROM metacore_listeners WHERE listening_until > now()",
            ))
            .await
            .expect("the registrations are read")
            .expect("a count");
        row.try_get::<i64>("", "live").expect("live")
    };
    assert_eq!(live().await, 1, "the serving process is registered");
    terminate(&served.child);
    let exit = exited(&mut served.child, Duration::from_secs(10));
    assert!(exit.success(), "{exit:?}");
    assert_eq!(
        live().await,
        0,
        "the stopped process withdrew its registration"
    );
}

#[tokio::test]
async fn sigterm_exits_at_the_shutdown_timeout_when_requests_outlast_it() {
    let dir = tempdir("bounded");
    let database = format!("sqlite://{}?mode=rwc", dir.join("app.db").display());
    let mut served = announced(start_with(&dir, &database, &["--shutdown-timeout", "0"]));
    let token = token(&dir);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let request = reqwest::Client::new()
        .post(format!("{}/api/metacore/tools/showcase/spin", served.base))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{}")
        .send();
    let call = tokio::spawn(request);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let started = std::time::Instant::now();
    terminate(&served.child);
    let exit = exited(&mut served.child, Duration::from_secs(10));
    assert!(exit.success(), "{exit:?}");
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );
    let output = served
        .output
        .recv_timeout(Duration::from_secs(5))
        .expect("the output ends")
        .expect_err("the output, not an address");
    assert!(
        output.contains("with 1 connection(s) still open"),
        "{output}"
    );
    // The client sees its connection closed, not an answer.
    let outcome = call.await.expect("the call task ends");
    assert!(outcome.is_err(), "{outcome:?}");
}

#[tokio::test]
async fn a_schema_newer_than_the_binary_is_refused() {
    let dir = tempdir("newer");
    let file = dir.join("app.db");
    let database = format!("sqlite://{}?mode=rwc", file.display());
    let migrate = Command::new(BINARY)
        .args(["migrate", "--database-url", &database])
        .current_dir(&dir)
        .output()
        .expect("migrate runs");
    assert!(migrate.status.success(), "{migrate:?}");
    // A newer build recorded a migration this one does not have.
    let db = metacore::db::connect(&database)
        .await
        .expect("the database opens");
    use metacore::sea_orm::ConnectionTrait;
    db.execute_unprepared(
        "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m99991231_000000_from_the_future', 0)",
    )
    .await
    .expect("a migration is recorded");
    drop(db);
    let output = testing::serve_command(BINARY, &dir, &database, SECRET)
        .output()
        .expect("serve runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the database schema is newer than this binary")
            && stderr.contains("m99991231_000000_from_the_future"),
        "{stderr}"
    );
}

/// What the rolling-restart load saw.
#[derive(Default)]
struct Load {
    /// Each idempotency key that was answered, with the id of the row it made.
    created: Vec<(String, String)>,
    /// Deliberate repeats of an answered key that were replays of the same row.
    replays: usize,
    /// Requests that never reached a server (refused or reset before an answer), retried.
    refused: usize,
    /// Lists answered.
    lists: usize,
}

/// One client of the load: creates customers under fresh idempotency keys, spread across the
/// processes in `bases`; a request that cannot reach its process is retried, under the same
/// key, on the next one; every fifth key is sent again on purpose and must replay; every
/// answer must be a success.
async fn client(
    worker: usize,
    bases: std::sync::Arc<std::sync::RwLock<Vec<String>>>,
    token: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Load {
    // A fresh connection per request: a keep-alive connection to a stopping process would
    // blur a refusal into a mid-request reset.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("a client");
    let mut load = Load::default();
    let mut turn = worker;
    let mut send = async |method: reqwest::Method, path: &str, key: &str, body: Option<Value>| {
        for _ in 0..200 {
            turn += 1;
            let base = {
                let bases = bases.read().expect("the bases");
                bases[turn % bases.len()].clone()
            };
            let mut request = http
                .request(method.clone(), format!("{base}{path}"))
                .bearer_auth(&token)
                .header("Idempotency-Key", key);
            if let Some(body) = &body {
                request = request
                    .header("content-type", "application/json")
                    .body(body.to_string());
            }
            match request.send().await {
                Ok(response) => {
                    let replay = response.headers().contains_key("idempotent-replay");
                    let status = response.status().as_u16();
                    let text = response.text().await.unwrap_or_default();
                    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    return (status, replay, body);
                }
                Err(error) if error.is_connect() || error.is_request() => {
                    load.refused += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                Err(error) => panic!("{method} {path} failed: {error:?}"),
            }
        }
        panic!("{method} {path}: no process answered 200 tries");
    };
    let mut n = 0;
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        n += 1;
        let key = format!("client-{worker}-{n}");
        let body = json!({"name": key});
        // A refused try never ran, so the answer is fresh even after retries.
        let (status, _, created) = send(
            reqwest::Method::POST,
            "/api/data/customers",
            &key,
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 201, "{key}: {created}");
        let id = created["data"]["id"].as_str().expect("an id").to_string();
        if n % 5 == 0 {
            let (status, replay, again) = send(
                reqwest::Method::POST,
                "/api/data/customers",
                &key,
                Some(body),
            )
            .await;
            assert_eq!(status, 201, "{key}: {again}");
            assert!(replay, "a repeat of {key} was not a replay: {again}");
            assert_eq!(again["data"]["id"], id.as_str());
            load.replays += 1;
        }
        load.created.push((key, id));
        if n % 3 == 0 {
            let (status, _, page) = send(
                reqwest::Method::GET,
                "/api/data/customers?per_page=5",
                "-",
                None,
            )
            .await;
            assert_eq!(status, 200, "{page}");
            load.lists += 1;
        }
    }
    load
}

/// Three processes on one PostgreSQL database: one key sent to all of them at once makes one
/// row; then, under a steady load of three clients, each process in turn gets SIGTERM (it
/// drains and exits 0) and is started again. No request
/// fails — the only errors are connections refused by a stopping process, which the client
/// retries on another under the same idempotency key — and every key made exactly one row.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rolling_restart_under_load_loses_and_duplicates_nothing() {
    let Some(database) = testing::postgres_database_url("rolling").await else {
        eprintln!("SKIPPED: the rolling restart needs PostgreSQL (no METACORE_TEST_POSTGRES_URL)");
        return;
    };
    let dir = tempdir("rolling");
    let mut served: Vec<Served> = (0..3)
        .map(|_| start(&dir, &database))
        .collect::<Vec<_>>()
        .into_iter()
        .map(announced)
        .collect();
    let bases = std::sync::Arc::new(std::sync::RwLock::new(
        served.iter().map(|s| s.base.clone()).collect::<Vec<_>>(),
    ));
    let token = token(&dir);

    // Concurrent duplicates across the processes: one key sent to all three at once makes
    // one row; the others are told it is in flight or get the stored answer.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let burst: Vec<_> = served
        .iter()
        .flat_map(|server| [server.base.clone(), server.base.clone()])
        .map(|base| {
            let token = token.clone();
            tokio::spawn(async move {
                let response = reqwest::Client::new()
                    .post(format!("{base}/api/data/customers"))
                    .bearer_auth(token)
                    .header("Idempotency-Key", "burst")
                    .header("content-type", "application/json")
                    .body(json!({"name": "burst"}).to_string())
                    .send()
                    .await
                    .expect("an answer");
                let replay = response.headers().contains_key("idempotent-replay");
                let status = response.status().as_u16();
                let body: Value =
                    serde_json::from_str(&response.text().await.expect("a body")).expect("JSON");
                (status, replay, body)
            })
        })
        .collect();
    let mut burst_id = None;
    let mut ran = 0;
    for call in burst {
        let (status, replay, body) = call.await.expect("a burst request ends");
        match status {
            201 => {
                ran += usize::from(!replay);
                let id = body["data"]["id"].as_str().expect("an id").to_string();
                assert!(
                    burst_id.get_or_insert(id.clone()) == &id,
                    "two rows for one key"
                );
            }
            409 => assert_eq!(body["error"]["code"], "idempotency_in_flight", "{body}"),
            other => panic!("burst answered {other}: {body}"),
        }
    }
    assert_eq!(ran, 1, "exactly one process ran the burst's request");

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients: Vec<_> = (0..3)
        .map(|worker| tokio::spawn(client(worker, bases.clone(), token.clone(), stop.clone())))
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    for slot in 0..3 {
        let mut old = served.remove(slot);
        let (replacement, exit) = {
            let (dir, database) = (dir.clone(), database.clone());
            tokio::task::spawn_blocking(move || {
                terminate(&old.child);
                let exit = exited(&mut old.child, Duration::from_secs(30));
                (announced(start(&dir, &database)), exit)
            })
            .await
            .expect("the restart ends")
        };
        assert!(exit.success(), "process {slot} exited with {exit:?}");
        bases.write().expect("the bases")[slot] = replacement.base.clone();
        served.insert(slot, replacement);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut created = vec![("burst".to_string(), burst_id.expect("the burst's row"))];
    let (mut replays, mut refused, mut lists) = (0, 0, 0);
    for client in clients {
        let load = client.await.expect("a client ends without failing");
        created.extend(load.created);
        replays += load.replays;
        refused += load.refused;
        lists += load.lists;
    }
    eprintln!(
        "rolling restart: {} creates, {replays} replays, {lists} lists, {refused} refused and retried",
        created.len()
    );
    assert!(
        created.len() >= 30,
        "the load was too thin: {}",
        created.len()
    );
    assert!(replays > 0 && lists > 0);

    // Every key made exactly one row, the one its answer named.
    let db = metacore::db::connect(&database)
        .await
        .expect("the database opens");
    use metacore::sea_orm::ConnectionTrait;
    let rows = db
        .query_all_raw(metacore::sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT id::text AS id, name FROM addon_showcase__customers WHERE deleted_at IS NULL",
        ))
        .await
        .expect("the rows");
    let mut stored: Vec<(String, String)> = rows
        .iter()
        .map(|row| {
            (
                row.try_get::<String>("", "name").expect("a name"),
                row.try_get::<String>("", "id").expect("an id"),
            )
        })
        .collect();
    stored.sort();
    created.sort();
    assert_eq!(stored, created, "one row per key, no duplicate, none lost");
}

/// Two processes on one PostgreSQL database: a socket connected to the second receives the
/// create made through the first (the event crosses over `LISTEN/NOTIFY`), once, with its
/// sequence.
#[tokio::test]
async fn an_event_written_through_one_process_reaches_a_socket_on_another() {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let Some(database) = testing::postgres_database_url("ws_fanout").await else {
        eprintln!("SKIPPED: cross-process events need PostgreSQL (no METACORE_TEST_POSTGRES_URL)");
        return;
    };
    let dir = tempdir("ws-fanout");
    let served: Vec<Served> = [start(&dir, &database), start(&dir, &database)]
        .into_iter()
        .map(announced)
        .collect();
    let token = token(&dir);
    let url = format!(
        "{}/api/ws?channel=model:customers&token={token}",
        served[1].base.replacen("http://", "ws://", 1)
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("the second process upgrades");
    let mut next = async || loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a frame within 5 s")
            .expect("open")
            .expect("a frame");
        if let Message::Text(text) = message {
            return serde_json::from_str::<Value>(&text).expect("JSON");
        }
    };
    assert_eq!(next().await["type"], "subscribed");
    let (status, created) = call(
        "POST",
        format!("{}/api/data/customers", served[0].base),
        &token,
        Some(json!({"name": "Across"})),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let event = next().await;
    assert_eq!(event["type"], "showcase.Customer.created", "{event}");
    assert_eq!(event["payload"]["after"]["name"], "Across");
    assert_eq!(event["sequence"], 1);
    // Its own write arrives once, not also echoed back over the notice.
    let (status, _) = call(
        "POST",
        format!("{}/api/data/customers", served[1].base),
        &token,
        Some(json!({"name": "Local"})),
    )
    .await;
    assert_eq!(status, 201);
    let local = next().await;
    assert_eq!(local["sequence"], 2, "{local}");
    let (status, _) = call(
        "POST",
        format!("{}/api/data/customers", served[0].base),
        &token,
        Some(json!({"name": "Third"})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        next().await["sequence"],
        3,
        "no duplicate of sequence 2 came first"
    );
    // A notification made by whichever process's consumer handled the event reaches the
    // user's socket on the second process once.
    let (status, ticket) = call(
        "POST",
        format!("{}/api/data/tickets", served[0].base),
        &token,
        Some(
            json!({"number": "X-1", "title": "Across", "priority": "urgent",
                    "reporter_id": "00000000-0000-4000-8000-000000000001"}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{ticket}");
    let notification = next().await;
    assert_eq!(notification["type"], "NOTIFICATION", "{notification}");
    assert_eq!(notification["payload"]["title"], "Ticket urgente X-1");
    let again = tokio::time::timeout(Duration::from_millis(700), next()).await;
    assert!(again.is_err(), "a second frame arrived: {again:?}");
}

/// Nonsense configuration stops `serve` with one line naming the variable, before it
/// touches the database (the SQLite file is never created).
#[test]
fn serve_refuses_nonsense_configuration_in_one_line() {
    let dir = tempdir("config");
    let file = dir.join("never.db");
    let database = format!("sqlite://{}?mode=rwc", file.display());
    let cases = [
        ("METACORE_CAPABILITY_MODE", "off"),
        ("METACORE_MASTER_KEY", "too-short"),
        ("METACORE_EGRESS_ALLOW", "10.0.0.0/99"),
        ("METACORE_IDEMPOTENCY_TTL", "soon"),
        ("METACORE_EVENT_RETENTION_DAYS", "forever"),
        ("METACORE_ALLOWED_ORIGINS", "app.example.com/path"),
        ("METACORE_EXPORT_MAX_ROWS", "lots"),
        ("METACORE_IMPORT_MAX_ROWS", "0"),
        ("METACORE_WASM_MAX_TIMEOUT_MS", "-5"),
        ("METACORE_WEBHOOK_WORKERS", "lots"),
        ("METACORE_WEBHOOK_POLL_MS", "0"),
    ];
    for (name, value) in cases {
        let output = testing::serve_command(BINARY, &dir, &database, SECRET)
            .env(name, value)
            .output()
            .expect("serve runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !output.status.success(),
            "{name}={value} was accepted: {stderr}"
        );
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{name}={value}: one line, got {stderr}");
        assert!(
            lines[0].starts_with("error: ") && lines[0].contains(name),
            "{name}={value}: {stderr}"
        );
        assert!(!file.exists(), "{name}={value}: the database was touched");
    }
}
