//! Outbound webhooks across real `serve` processes (`runtime.md` §6.2):
//!
//! * a process killed with SIGKILL in the middle of a stream of events loses none: after a
//!   restart on the same database (SQLite file, PostgreSQL) every event of the log reaches
//!   the receiver at least once (expired leases are claimed again);
//! * SIGTERM stops the workers claiming; an attempt still in flight past
//!   `--shutdown-timeout` is released (`pending` again, the attempt uncounted) and the next
//!   process delivers it;
//! * two processes on one PostgreSQL database, 8 workers each, never deliver the same
//!   attempt twice: with every first attempt refused, each delivery arrives exactly twice.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use metacore::poem::{self, EndpointExt};
use metacore::testing;
use serde_json::{json, Value};

#[path = "support/served.rs"]
mod served;
mod support;

use served::{call, tempdir};

const SECRET: &str = "webhook-processes-test";
const BINARY: &str = env!("CARGO_BIN_EXE_metacore-demo");
const ORG: &str = "00000000-0000-4000-8000-0000000000ab";

/// What the receiver got: per delivery id, the bodies in arrival order.
#[derive(Default)]
struct Seen {
    by_delivery: HashMap<String, Vec<Value>>,
}

/// A receiver on 127.0.0.1 that answers after `delay`, refusing (500) the first request of
/// each delivery when `refuse_first`.
async fn receiver(delay: Duration, refuse_first: bool) -> (String, Arc<Mutex<Seen>>) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let recorded = seen.clone();
    let endpoint = poem::endpoint::make(move |request: poem::Request| {
        let recorded = recorded.clone();
        async move {
            let delivery = request
                .headers()
                .get("x-metacore-delivery")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            let body = request.into_body().into_vec().await.unwrap_or_default();
            let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let first = {
                let mut seen = recorded.lock().expect("seen");
                let bodies = seen.by_delivery.entry(delivery).or_default();
                bodies.push(body);
                bodies.len() == 1
            };
            tokio::time::sleep(delay).await;
            let status = if refuse_first && first { 500 } else { 200 };
            poem::Response::builder()
                .status(poem::http::StatusCode::from_u16(status).expect("a status"))
                .body("ok")
        }
    })
    .map_to_response();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = format!("http://{}/hook", listener.local_addr().expect("an address"));
    tokio::spawn(async move {
        let _ = metacore::cli::serve_on(listener, endpoint).await;
    });
    (url, seen)
}

/// A `serve` process with webhook workers, a fast retry schedule and 127.0.0.1 allowed;
/// `output` gets its whole stderr once it exits.
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

fn serve(dir: &Path, database: &str, workers: &str) -> Served {
    serve_with(dir, database, workers, &[])
}

fn serve_with(dir: &Path, database: &str, workers: &str, args: &[&str]) -> Served {
    let mut child = testing::serve_command(BINARY, dir, database, SECRET)
        .args(args)
        .env("METACORE_EGRESS_ALLOW", "127.0.0.1")
        .env("METACORE_WEBHOOK_WORKERS", workers)
        .env("METACORE_WEBHOOK_POLL_MS", "50")
        .env("METACORE_WEBHOOK_RETRY_UNIT_MS", "10")
        .spawn()
        .expect("metacore-demo starts");
    let (base, output) = testing::announced_base(&mut child, Duration::from_secs(120));
    Served {
        child,
        base,
        output,
    }
}

fn token(dir: &Path) -> String {
    served::token(BINARY, dir, SECRET, ORG, "admin")
}

/// A create that may meet a dead process: the status, or `None` when no answer came.
async fn try_create(base: &str, token: &str, name: &str) -> Option<u16> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = reqwest::Client::new()
        .post(format!("{base}/api/data/customers"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(json!({"name": name}).to_string())
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .ok()?;
    Some(response.status().as_u16())
}

async fn create_webhook(base: &str, token: &str, url: &str, retry_max: u32) -> String {
    let (status, created) = call(
        "POST",
        format!("{base}/api/webhooks"),
        token,
        Some(
            json!({"name": "sink", "url": url, "events": ["showcase.Customer.created"],
                    "retry_max": retry_max, "timeout_sec": 2}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    created["data"]["id"].as_str().expect("an id").to_string()
}

/// The sequences of every `showcase.Customer.created` event in the organisation's log.
async fn logged_sequences(base: &str, token: &str) -> BTreeSet<i64> {
    let mut out = BTreeSet::new();
    let mut after = 0;
    loop {
        let (status, page) = call(
            "GET",
            format!("{base}/api/events?after={after}&limit=200&type=showcase.Customer.created"),
            token,
            None,
        )
        .await;
        assert_eq!(status, 200, "{page}");
        for event in page["data"].as_array().expect("events") {
            out.insert(event["sequence"].as_i64().expect("a sequence"));
        }
        after = page["meta"]["last_sequence"].as_i64().expect("a cursor");
        if page["meta"]["has_more"] != true {
            return out;
        }
    }
}

fn delivered_sequences(seen: &Mutex<Seen>) -> BTreeSet<i64> {
    seen.lock()
        .expect("seen")
        .by_delivery
        .values()
        .flatten()
        .filter_map(|body| body["sequence"].as_i64())
        .collect()
}

/// Events stream in through one process, which is killed (SIGKILL) with deliveries in
/// flight; a new process on the same database delivers every logged event at least once.
async fn killed_mid_stream_loses_nothing(dir: &Path, database: &str) {
    let (url, seen) = receiver(Duration::from_millis(40), false).await;
    let token = token(dir);
    let mut first = serve(dir, database, "4");
    create_webhook(&first.base, &token, &url, 10).await;
    for n in 0..30 {
        assert_eq!(
            try_create(&first.base, &token, &format!("before-{n}")).await,
            Some(201)
        );
    }
    // Kill it while creates and deliveries are still going.
    let base = first.base.clone();
    let token_copy = token.clone();
    let stream = tokio::spawn(async move {
        for n in 0..30 {
            if try_create(&base, &token_copy, &format!("during-{n}"))
                .await
                .is_none()
            {
                break;
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    first.child.kill().expect("SIGKILL");
    let _ = first.child.wait();
    stream.await.expect("the stream ends");
    let delivered_before = delivered_sequences(&seen).len();
    let second = serve(dir, database, "4");
    for n in 0..20 {
        assert_eq!(
            try_create(&second.base, &token, &format!("after-{n}")).await,
            Some(201)
        );
    }
    let logged = logged_sequences(&second.base, &token).await;
    assert!(logged.len() >= 50, "{} events logged", logged.len());
    let started = Instant::now();
    loop {
        let delivered = delivered_sequences(&seen);
        let missing: Vec<_> = logged.difference(&delivered).collect();
        if missing.is_empty() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "never delivered: {missing:?} (delivered before the kill: {delivered_before})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "{} events, {} delivered before the kill, {} requests in all",
        logged.len(),
        delivered_before,
        seen.lock()
            .expect("seen")
            .by_delivery
            .values()
            .map(Vec::len)
            .sum::<usize>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_process_loses_no_delivery_on_sqlite() {
    let dir = tempdir("webhook-crash-sqlite");
    let database = format!("sqlite://{}?mode=rwc", dir.join("app.db").display());
    killed_mid_stream_loses_nothing(&dir, &database).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_process_loses_no_delivery_on_postgres() {
    let Some(database) = testing::postgres_database_url("webhook_crash").await else {
        eprintln!("METACORE_TEST_POSTGRES_URL is not set: skipped");
        return;
    };
    let dir = tempdir("webhook-crash-pg");
    killed_mid_stream_loses_nothing(&dir, &database).await;
}

/// SIGTERM while a delivery is in flight (the receiver takes 1.5 s) and a shutdown timeout
/// of 0: the process exits at once, releasing the attempt; the next process delivers it,
/// and the released attempt is not counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_releases_the_delivery_in_flight() {
    let dir = tempdir("webhook-sigterm");
    let database = format!("sqlite://{}?mode=rwc", dir.join("app.db").display());
    let (url, seen) = receiver(Duration::from_millis(1500), false).await;
    let token = token(&dir);
    let mut first = serve_with(&dir, &database, "2", &["--shutdown-timeout", "0"]);
    let hook = create_webhook(&first.base, &token, &url, 3).await;
    assert_eq!(
        try_create(&first.base, &token, "in-flight").await,
        Some(201)
    );
    let started = Instant::now();
    while seen.lock().expect("seen").by_delivery.is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nothing arrived"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let status = Command::new("kill")
        .args(["-TERM", &first.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let stopping = Instant::now();
    let exit = first.child.wait().expect("the process ends");
    assert!(exit.success(), "{exit:?}");
    assert!(
        stopping.elapsed() < Duration::from_secs(5),
        "{:?}",
        stopping.elapsed()
    );
    let output = first
        .output
        .recv_timeout(Duration::from_secs(5))
        .expect("the output ends")
        .expect_err("the output, not an address");
    assert!(
        output.contains("released a webhook delivery in flight at shutdown"),
        "{output}"
    );
    let second = serve(&dir, &database, "2");
    let started = Instant::now();
    loop {
        let (status, page) = call(
            "GET",
            format!("{}/api/webhooks/{hook}/logs", second.base),
            &token,
            None,
        )
        .await;
        assert_eq!(status, 200, "{page}");
        let entry = &page["data"][0];
        if entry["status"] == "succeeded" {
            assert_eq!(entry["attempt_count"], 1, "{entry}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "never delivered: {page}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let seen = seen.lock().expect("seen");
    assert_eq!(seen.by_delivery.len(), 1);
    assert_eq!(seen.by_delivery.values().next().map(Vec::len), Some(2));
}

/// Two processes, 8 workers each, on one PostgreSQL database; the receiver refuses the
/// first request of every delivery. Each delivery arrives exactly twice — its failed first
/// attempt and its retry — never three times: no attempt is claimed by two workers.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_never_deliver_one_attempt_twice() {
    let Some(database) = testing::postgres_database_url("webhook_two").await else {
        eprintln!("METACORE_TEST_POSTGRES_URL is not set: skipped");
        return;
    };
    let dir = tempdir("webhook-two");
    let (url, seen) = receiver(Duration::from_millis(5), true).await;
    let token = token(&dir);
    let one = serve(&dir, &database, "8");
    let two = serve(&dir, &database, "8");
    create_webhook(&one.base, &token, &url, 3).await;
    let creates: Vec<_> = (0..80)
        .map(|n| {
            let base = if n % 2 == 0 {
                one.base.clone()
            } else {
                two.base.clone()
            };
            let token = token.clone();
            tokio::spawn(async move { try_create(&base, &token, &format!("c-{n}")).await })
        })
        .collect();
    for create in creates {
        assert_eq!(create.await.expect("a create"), Some(201));
    }
    let started = Instant::now();
    loop {
        let counts: BTreeMap<usize, usize> = {
            let seen = seen.lock().expect("seen");
            let mut counts = BTreeMap::new();
            for bodies in seen.by_delivery.values() {
                *counts.entry(bodies.len()).or_default() += 1;
            }
            counts
        };
        assert!(
            counts.keys().all(|&n| n <= 2),
            "a delivery arrived more than twice: {counts:?}"
        );
        if counts.get(&2) == Some(&80) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "deliveries by arrival count: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Nothing more arrives afterwards.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let seen = seen.lock().expect("seen");
    assert_eq!(seen.by_delivery.len(), 80);
    assert!(seen.by_delivery.values().all(|b| b.len() == 2));
}
