//! The event log's consumers (`runtime.md` §8), on SQLite and PostgreSQL: a consumer killed
//! mid-stream resumes from its cursor with nothing lost; a panicking in-process handler is
//! retried, given up on and hurts no other consumer; the showcase addon's WASM subscription
//! runs on each new order and, when it keeps failing, is retried on its schedule and then
//! skipped with a `metacore.subscription_failed` event; a batching consumer gets the events
//! that piled up in one call, and each alone when that call fails; a consumer that names its
//! topics gets exactly those events, in batches, while its cursor passes the others.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;
use metacore_runtime::consumers::handlers::Handler;
use metacore_runtime::consumers::{self, Consumer};
use metacore_runtime::events::Event;
use metacore_runtime::testing;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{json, Value};
use uuid::Uuid;

use super::notifications::quick;
use super::support::{Server, ORG_A};

#[tokio::test]
async fn consumers_on_sqlite() {
    consumers_resume_and_isolate(testing::sqlite_database("http_consumers").await).await;
}

#[tokio::test]
async fn consumers_on_postgres() {
    match testing::postgres_database("http_consumers").await {
        Some(db) => consumers_resume_and_isolate(db).await,
        None => {
            eprintln!("SKIPPED: the PostgreSQL half of the consumer tests (no server configured)")
        }
    }
}

#[tokio::test]
async fn topic_readers_on_sqlite() {
    topic_readers(testing::sqlite_database("http_consumer_topics").await).await;
}

#[tokio::test]
async fn topic_readers_on_postgres() {
    match testing::postgres_database("http_consumer_topics").await {
        Some(db) => topic_readers(db).await,
        None => eprintln!(
            "SKIPPED: the PostgreSQL half of the consumer topic tests (no server configured)"
        ),
    }
}

#[tokio::test]
async fn subscriptions_on_sqlite() {
    subscriptions(testing::sqlite_database("http_subscriptions").await).await;
}

#[tokio::test]
async fn subscriptions_on_postgres() {
    match testing::postgres_database("http_subscriptions").await {
        Some(db) => subscriptions(db).await,
        None => eprintln!(
            "SKIPPED: the PostgreSQL half of the subscription tests (no server configured)"
        ),
    }
}

#[tokio::test]
async fn batches_on_sqlite() {
    batches(testing::sqlite_database("http_consumer_batches").await).await;
}

#[tokio::test]
async fn batches_on_postgres() {
    match testing::postgres_database("http_consumer_batches").await {
        Some(db) => batches(db).await,
        None => eprintln!(
            "SKIPPED: the PostgreSQL half of the consumer batch tests (no server configured)"
        ),
    }
}

/// A consumer of customer events that takes them in batches, the first of which fails.
#[derive(Default)]
struct Batcher {
    batches: Mutex<Vec<Vec<i64>>>,
    singles: Mutex<Vec<i64>>,
    failed_once: AtomicBool,
}

impl Consumer for Batcher {
    fn name(&self) -> &str {
        "test-batcher"
    }

    fn wants(&self, event: &Event) -> bool {
        event.topic.starts_with("showcase.Customer.")
    }

    fn handle<'a>(&'a self, event: &'a Event) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let sequence = event.sequence.expect("logged");
            self.singles.lock().expect("lock").push(sequence);
            Ok(())
        })
    }

    fn batches(&self) -> bool {
        true
    }

    fn handle_batch<'a>(&'a self, events: &'a [Arc<Event>]) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let sequences = events.iter().map(|e| e.sequence.expect("logged")).collect();
            self.batches.lock().expect("lock").push(sequences);
            if self.failed_once.swap(true, Ordering::SeqCst) {
                Ok(())
            } else {
                Err("the first batch fails".into())
            }
        })
    }
}

/// A batching consumer gets the events that piled up while it was down in one call; when
/// that fails, each is handled alone; a lone event goes to `handle`.
async fn batches(db: DatabaseConnection) {
    let server = Server::start(db).await;
    let token = server.token(Some(ORG_A), "admin", &[]);
    let batcher = Arc::new(Batcher::default());
    let start = || consumers::start(&server.state, vec![batcher.clone()], quick());
    let create = |from: usize, to: usize| {
        let server = &server;
        let token = &token;
        async move {
            for i in from..to {
                server
                    .create_customer(token, &format!("Customer {i}"))
                    .await;
            }
        }
    };
    // Registered first: a consumer first seen after events were written starts after them.
    let running = start();
    tokio::time::sleep(Duration::from_millis(200)).await;
    running.abort();
    let sequences = |from: usize| {
        let server = &server;
        let token = &token;
        async move {
            let mut all: Vec<i64> = log(server, token)
                .await
                .iter()
                .filter(|e| e["name"] == "showcase.Customer.created")
                .map(|e| e["sequence"].as_i64().expect("a sequence"))
                .collect();
            all.sort();
            all.split_off(from)
        }
    };
    create(0, 12).await;
    let running = start();
    let first = sequences(0).await;
    wait_until("the failed batch handled one at a time", || {
        *batcher.singles.lock().expect("lock") == first
    })
    .await;
    running.abort();
    assert_eq!(
        *batcher.batches.lock().expect("lock"),
        std::slice::from_ref(&first)
    );

    create(12, 19).await;
    let running = start();
    let second = sequences(12).await;
    wait_until("the second batch handled", || {
        batcher.batches.lock().expect("lock").len() == 2
    })
    .await;
    assert_eq!(batcher.batches.lock().expect("lock")[1], second);
    // One event alone goes to `handle`.
    create(19, 20).await;
    let third = sequences(19).await;
    let mut expected = first.clone();
    expected.extend(&third);
    wait_until("the lone event handled", || {
        *batcher.singles.lock().expect("lock") == expected
    })
    .await;
    // The cursor passes every event (it moves just after the handler returns).
    let db = server.state.db();
    let mut last = 0;
    for _ in 0..400 {
        let cursor = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT last_sequence FROM metacore_event_cursors WHERE consumer = 'test-batcher'",
            ))
            .await
            .expect("the cursor query")
            .expect("the batcher's cursor");
        last = cursor.try_get("", "last_sequence").expect("last_sequence");
        if Some(&last) == third.last() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(Some(&last), third.last());
    running.abort();
    assert_eq!(batcher.batches.lock().expect("lock").len(), 2);
}

/// Records the sequences of the customer events it handles, slowly.
struct Recorder {
    seen: Arc<Mutex<Vec<i64>>>,
}

impl Consumer for Recorder {
    fn name(&self) -> &str {
        "test-recorder"
    }

    fn wants(&self, event: &Event) -> bool {
        event.topic.starts_with("showcase.Customer.")
    }

    fn handle<'a>(&'a self, event: &'a Event) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            self.seen
                .lock()
                .expect("lock")
                .push(event.sequence.expect("logged"));
            Ok(())
        })
    }
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..400 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{what} never happened");
}

async fn consumers_resume_and_isolate(db: DatabaseConnection) {
    let server = Server::start(db).await;
    let token = server.token(Some(ORG_A), "admin", &[]);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let good = Arc::new(Mutex::new(Vec::new()));
    let panics = Arc::new(Mutex::new(0));
    let consumers_of = |seen: &Arc<Mutex<Vec<i64>>>| -> Vec<Arc<dyn Consumer>> {
        let good = good.clone();
        let panics = panics.clone();
        vec![
            Arc::new(Recorder { seen: seen.clone() }),
            Arc::new(
                Handler::new(
                    "boom",
                    "showcase.*",
                    Arc::new(move |_event: Event| {
                        *panics.lock().expect("lock") += 1;
                        Box::pin(async { panic!("a handler that always panics") })
                    }),
                )
                .with_retries(&[Duration::from_millis(10)]),
            ),
            Arc::new(Handler::new(
                "good",
                "showcase.Customer.created",
                Arc::new(move |event: Event| {
                    let good = good.clone();
                    Box::pin(async move {
                        good.lock()
                            .expect("lock")
                            .push(event.sequence.expect("logged"));
                        Ok(())
                    })
                }),
            )),
        ]
    };
    // The consumers start first (a consumer first seen after events were written starts
    // after them), then 40 events arrive faster than the recorder handles them.
    let running = consumers::start(&server.state, consumers_of(&seen), quick());
    tokio::time::sleep(Duration::from_millis(200)).await;
    for i in 0..40 {
        server
            .create_customer(&token, &format!("Customer {i}"))
            .await;
    }
    wait_until("ten events recorded", || {
        seen.lock().expect("lock").len() >= 10
    })
    .await;
    running.abort(); // killed mid-stream
    let before = seen.lock().expect("lock").len();
    assert!(
        before < 40,
        "the consumer was not stopped mid-stream ({before} events)"
    );
    // More events while it is down, then a restart.
    for i in 40..45 {
        server
            .create_customer(&token, &format!("Customer {i}"))
            .await;
    }
    let running = consumers::start(&server.state, consumers_of(&seen), quick());
    wait_until("every event recorded", || {
        seen.lock()
            .expect("lock")
            .iter()
            .collect::<BTreeSet<_>>()
            .len()
            == 45
    })
    .await;
    let expected: BTreeSet<i64> = log(&server, &token)
        .await
        .iter()
        .filter(|e| e["name"] == "showcase.Customer.created")
        .map(|e| e["sequence"].as_i64().expect("a sequence"))
        .collect();
    assert_eq!(expected.len(), 45);
    let seen = seen.lock().expect("lock").clone();
    let distinct: BTreeSet<i64> = seen.iter().copied().collect();
    assert_eq!(distinct, expected, "every event, none lost");
    // In order; at most the event being handled at the kill is handled twice.
    assert!(seen.len() - distinct.len() <= 1, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "in order: {seen:?}");
    // Caught up and idle, the recorder keeps its lease (its next events need no claim), and
    // its cursor is at the last event it handled.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let db = server.state.db();
    let cursor = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT last_sequence, CASE WHEN leased_by IS NULL THEN 0 ELSE 1 END AS held \
             FROM metacore_event_cursors WHERE consumer = 'test-recorder'",
        ))
        .await
        .expect("the cursor query")
        .expect("the recorder's cursor");
    let held: i32 = cursor.try_get("", "held").expect("held");
    let last: i64 = cursor.try_get("", "last_sequence").expect("last_sequence");
    assert_eq!(held, 1, "the lease is kept between drains");
    assert!(
        expected.contains(&last),
        "the cursor is at a handled event ({last})"
    );
    // The panicking handler hurt nobody: the good one saw every create.
    wait_until("the good handler caught up", || {
        good.lock().expect("lock").len() >= 45
    })
    .await;
    let good: BTreeSet<i64> = good.lock().expect("lock").iter().copied().collect();
    assert_eq!(good, expected);
    // ... and it was tried twice per event (one retry), then given up on.
    wait_until("the panicking handler gave up on every event", || {
        *panics.lock().expect("lock") >= 90
    })
    .await;
    // The API still serves.
    server.create_customer(&token, "After the panics").await;
    running.abort();
}

/// The cursor of `consumer` in [`ORG_A`] and the last sequence of that organisation's log.
async fn cursor_and_end(db: &DatabaseConnection, consumer: &str) -> (Option<i64>, i64) {
    let backend = db.get_database_backend();
    let cursor = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            "SELECT last_sequence FROM metacore_event_cursors WHERE consumer = $1",
            [consumer.into()],
        ))
        .await
        .expect("the cursor query")
        .map(|row| row.try_get("", "last_sequence").expect("last_sequence"));
    let end = metacore_runtime::event_log::last_sequence(db, ORG_A)
        .await
        .expect("the log's end");
    (cursor, end)
}

/// A handler of customer updates only (its pattern is its topic): the creates around them
/// are never handed to it, its cursor still reaches the end of the log, and updates that
/// piled up while it was stopped come in reads of a batch each, none skipped.
async fn topic_readers(db: DatabaseConnection) {
    let server = Server::start(db).await;
    let token = server.token(Some(ORG_A), "admin", &[]);
    let handled = Arc::new(Mutex::new(Vec::new()));
    let settings = consumers::Settings {
        batch: 4,
        ..quick()
    };
    let start = || {
        let handled = handled.clone();
        let handler = Handler::new(
            "updates",
            "showcase.Customer.updated",
            Arc::new(move |event: Event| {
                let handled = handled.clone();
                Box::pin(async move {
                    handled
                        .lock()
                        .expect("lock")
                        .push((event.topic, event.sequence.expect("logged")));
                    Ok(())
                })
            }),
        );
        consumers::start(&server.state, vec![Arc::new(handler)], settings.clone())
    };
    let db = server.state.db();
    let caught_up = || async {
        for _ in 0..400 {
            let (cursor, end) = cursor_and_end(db, "handler:updates").await;
            if cursor == Some(end) {
                return end;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the handler's cursor never reached the end of the log");
    };
    let running = start();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(
            server
                .create_customer(&token, &format!("Customer {i}"))
                .await,
        );
    }
    let end = caught_up().await;
    assert!(end >= 10, "ten creates logged ({end})");
    assert!(
        handled.lock().expect("lock").is_empty(),
        "no create handed over"
    );
    // Stopped, then six updates among creates: more than one read's batch.
    running.abort();
    for (i, id) in ids.iter().take(6).enumerate() {
        let renamed = server
            .send(
                "PATCH",
                &format!("/api/data/customers/{id}"),
                Some(&token),
                Some(&json!({"name": format!("Renamed {i}")})),
            )
            .await;
        assert_eq!(renamed.status, 200, "{}", renamed.text);
        server
            .create_customer(&token, &format!("Later customer {i}"))
            .await;
    }
    let running = start();
    let end = caught_up().await;
    let updates: Vec<(String, i64)> = log(&server, &token)
        .await
        .iter()
        .filter(|e| e["name"] == "showcase.Customer.updated")
        .map(|e| {
            let sequence = e["sequence"].as_i64().expect("a sequence");
            ("showcase.Customer.updated".to_string(), sequence)
        })
        .collect();
    assert_eq!(updates.len(), 6);
    assert!(updates.last().is_some_and(|(_, last)| *last < end));
    assert_eq!(
        *handled.lock().expect("lock"),
        updates,
        "each update, in order"
    );
    running.abort();
}

/// Every event of the organisation's log.
async fn log(server: &Server, token: &str) -> Vec<Value> {
    let reply = server
        .send("GET", "/api/events?limit=200", Some(token), None)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["data"].as_array().expect("events").clone()
}

async fn subscriptions(db: DatabaseConnection) {
    let server = Server::start(db).await;
    let token = server.token(Some(ORG_A), "admin", &[]);
    let running = consumers::start(
        &server.state,
        consumers::of_build(&server.state, &quick(), Vec::new()),
        quick(),
    );
    let customer = server.create_customer(&token, "Buyer").await;
    let order = |number: i64, notes: &str| json!({"customer_id": customer, "number": number, "notes": notes});
    let placed = server
        .send(
            "POST",
            "/api/data/orders",
            Some(&token),
            Some(&order(1, "leave at the door")),
        )
        .await;
    assert_eq!(placed.status, 201, "{}", placed.text);
    let suspicious = server
        .send(
            "POST",
            "/api/data/orders",
            Some(&token),
            Some(&order(2, "fraud, surely")),
        )
        .await;
    assert_eq!(suspicious.status, 201, "{}", suspicious.text);
    let mut events = Vec::new();
    for _ in 0..400 {
        events = log(&server, &token).await;
        if events
            .iter()
            .any(|e| e["name"] == "metacore.subscription_failed")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let named =
        |name: &str| -> Vec<&Value> { events.iter().filter(|e| e["name"] == name).collect() };
    // The handler ran once for the good order (its emitted event committed) ...
    let seen = named("showcase.order_seen");
    assert_eq!(seen.len(), 1, "{events:#?}");
    assert_eq!(seen[0]["producer"], "showcase");
    assert_eq!(seen[0]["payload"], json!({"seen": true}));
    // ... and for the suspicious one declined three times: skipped, announced, its emitted
    // event rolled back each time.
    let failed = named("metacore.subscription_failed");
    assert_eq!(failed.len(), 1, "{events:#?}");
    let orders = named("showcase.Order.created");
    assert_eq!(orders.len(), 2);
    assert_eq!(failed[0]["producer"], "metacore");
    assert_eq!(failed[0]["payload"]["addon"], "showcase");
    assert_eq!(
        failed[0]["payload"]["subscription"],
        "showcase.Order.created"
    );
    assert_eq!(failed[0]["payload"]["attempts"], 3);
    assert_eq!(
        failed[0]["payload"]["event"],
        json!({"name": "showcase.Order.created", "sequence": orders[1]["sequence"]})
    );
    // Another organisation's orders never reach this one's log.
    let other = server.token(Some(Uuid::from_u128(7)), "admin", &[]);
    assert!(log(&server, &other).await.is_empty());
    running.abort();
}
