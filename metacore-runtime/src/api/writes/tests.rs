//! The write queue on a real database: SQLite's group commit (batches, a failing member,
//! writes dropped at each step) and PostgreSQL's transaction per write.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, Statement};
use serde_json::json;
use tokio::sync::Notify;
use uuid::Uuid;

use super::*;

/// A queue on `db`, with the runtime's own tables (as `metacore-app migrate` makes them)
/// and a scratch table the writes fill.
async fn queue(db: &DatabaseConnection) -> Arc<WriteQueue> {
    for statement in crate::api::access::bootstrap_statements(db.get_database_backend()) {
        db.execute_raw(statement).await.unwrap();
    }
    db.execute_unprepared("CREATE TABLE things (n BIGINT NOT NULL)")
        .await
        .unwrap();
    let publisher = Publisher {
        bus: EventBus::new(1024),
        metrics: Metrics::new(),
    };
    Arc::new(WriteQueue::new(db, publisher))
}

/// The `(sequence, n)` of the events published on `bus` so far, in publication order.
fn published(bus: &mut tokio::sync::broadcast::Receiver<Arc<Event>>) -> Vec<(i64, i64)> {
    std::iter::from_fn(|| bus.try_recv().ok())
        .map(|event| {
            let n = event.payload["n"].as_i64().expect("a thing's event");
            (event.sequence.expect("a logged event"), n)
        })
        .collect()
}

/// A write of row `n` with its event; it waits for `gate` (when given) after the insert,
/// then fails when `fail` says so.
fn thing(
    org: Uuid,
    n: i64,
    gate: Option<Arc<Notify>>,
    fail: bool,
) -> impl for<'t> FnOnce(&'t DatabaseTransaction) -> Work<'t, i64> {
    move |txn| {
        Box::pin(async move {
            txn.execute_unprepared(&format!("INSERT INTO things (n) VALUES ({n})"))
                .await
                .map_err(ApiError::internal)?;
            if let Some(gate) = gate {
                gate.notified().await;
            }
            if fail {
                return Err(ApiError::internal("this write fails"));
            }
            let event = Event {
                topic: "tests.Thing.created".into(),
                org_id: org,
                producer: "tests".into(),
                actor_id: None,
                payload: json!({ "n": n }),
                occurred_at: Utc::now(),
                sequence: None,
                deliveries: 0,
            };
            Ok((n, vec![event]))
        })
    }
}

/// The rows of `things`, in order.
async fn things(db: &DatabaseConnection) -> Vec<i64> {
    numbers(db, "SELECT n FROM things ORDER BY n").await
}

/// The sequence numbers of `org`'s logged events, in order.
async fn sequences(db: &DatabaseConnection, org: Uuid) -> Vec<i64> {
    let sql = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => format!(
            "SELECT sequence FROM metacore_events WHERE organization_id = '{org}' ORDER BY sequence"
        ),
        _ => format!(
            "SELECT sequence FROM metacore_events WHERE organization_id = x'{}' \
             ORDER BY sequence",
            org.simple()
        ),
    };
    numbers(db, &sql).await
}

async fn numbers(db: &DatabaseConnection, sql: &str) -> Vec<i64> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0).unwrap())
        .collect()
}

/// Waits until `check` holds (at most 10 s).
async fn until(what: &str, check: impl Fn() -> bool) {
    for _ in 0..2000 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("timed out waiting until {what}");
}

/// A write of row `n` on its own task.
fn spawn_write(
    queue: &Arc<WriteQueue>,
    org: Uuid,
    n: i64,
    gate: Option<Arc<Notify>>,
    fail: bool,
) -> tokio::task::JoinHandle<Result<i64, ApiError>> {
    let queue = queue.clone();
    tokio::spawn(async move { queue.write(thing(org, n, gate, fail)).await })
}

/// Starts write `n` on its own task, held inside its work (after its insert) until the
/// returned gate opens, and waits until it holds the turn: the `batch`th batch is open.
async fn holding_the_turn(
    queue: &Arc<WriteQueue>,
    org: Uuid,
    n: i64,
    batch: u64,
) -> (Arc<Notify>, tokio::task::JoinHandle<Result<i64, ApiError>>) {
    let gate = Arc::new(Notify::new());
    let write = spawn_write(queue, org, n, Some(gate.clone()), false);
    until("the write holds the turn", || {
        queue.batches.load(Ordering::SeqCst) == batch
    })
    .await;
    (gate, write)
}

/// Starts write `n` on its own task and waits until `waiting` writes are queued.
async fn queued(
    queue: &Arc<WriteQueue>,
    org: Uuid,
    n: i64,
    gate: Option<Arc<Notify>>,
    fail: bool,
    waiting: usize,
) -> tokio::task::JoinHandle<Result<i64, ApiError>> {
    let write = spawn_write(queue, org, n, gate, fail);
    until("the write queued", || {
        queue.waiting.load(Ordering::SeqCst) == waiting
    })
    .await;
    write
}

/// Starts write 0, held inside its work by the returned gate, and the writes `1..=count`
/// queued behind it.
async fn queued_behind_a_slow_write(
    queue: &Arc<WriteQueue>,
    org: Uuid,
    count: i64,
    failing: Option<i64>,
) -> (
    Arc<Notify>,
    Vec<tokio::task::JoinHandle<Result<i64, ApiError>>>,
) {
    let (gate, first) = holding_the_turn(queue, org, 0, 1).await;
    let mut writes = vec![first];
    for n in 1..=count {
        writes.push(queued(queue, org, n, None, failing == Some(n), n as usize).await);
    }
    (gate, writes)
}

#[tokio::test]
async fn sqlite_commits_queued_writes_together_and_each_lasts() {
    let db = crate::testing::sqlite_database("writes-batch").await;
    let queue = queue(&db).await;
    let org = Uuid::new_v4();
    let mut bus = queue.publisher.bus.subscribe();
    let (gate, writes) = queued_behind_a_slow_write(&queue, org, 20, None).await;
    gate.notify_one();
    for (n, write) in writes.into_iter().enumerate() {
        assert_eq!(write.await.unwrap().unwrap(), n as i64);
    }
    // Published once each, in log order, after the one commit.
    assert_eq!(
        published(&mut bus),
        (0..=20).map(|n| (n + 1, n)).collect::<Vec<_>>()
    );
    assert!(queue
        .publisher
        .metrics
        .encode()
        .contains("events_written_total 21"));
    // Every write joined the batch the first one opened: one commit for 21 writes.
    assert_eq!(queue.batches.load(Ordering::SeqCst), 1);
    assert_eq!(things(&db).await, (0..=20).collect::<Vec<_>>());
    assert_eq!(sequences(&db, org).await, (1..=21).collect::<Vec<_>>());
    // Nothing is left open: another connection writes at once.
    db.execute_unprepared("INSERT INTO things (n) VALUES (100)")
        .await
        .unwrap();
}

#[tokio::test]
async fn sqlite_commits_at_most_so_many_writes_at_once() {
    let db = crate::testing::sqlite_database("writes-most").await;
    let queue = queue(&db).await;
    let org = Uuid::new_v4();
    let count = MOST_PER_COMMIT as i64 + 4;
    let (gate, writes) = queued_behind_a_slow_write(&queue, org, count, None).await;
    gate.notify_one();
    for write in writes {
        write.await.unwrap().unwrap();
    }
    assert_eq!(queue.batches.load(Ordering::SeqCst), 2);
    assert_eq!(things(&db).await.len(), count as usize + 1);
    assert_eq!(
        sequences(&db, org).await,
        (1..=count + 1).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn sqlite_rolls_back_a_failing_write_alone() {
    let db = crate::testing::sqlite_database("writes-failing").await;
    let queue = queue(&db).await;
    let org = Uuid::new_v4();
    let mut bus = queue.publisher.bus.subscribe();
    let (gate, writes) = queued_behind_a_slow_write(&queue, org, 6, Some(3)).await;
    gate.notify_one();
    for (n, write) in writes.into_iter().enumerate() {
        let done = write.await.unwrap();
        if n == 3 {
            let error = done.unwrap_err();
            assert_eq!(error.status, poem::http::StatusCode::INTERNAL_SERVER_ERROR);
        } else {
            assert_eq!(done.unwrap(), n as i64);
        }
    }
    assert_eq!(
        published(&mut bus),
        vec![(1, 0), (2, 1), (3, 2), (4, 4), (5, 5), (6, 6)]
    );
    assert_eq!(things(&db).await, vec![0, 1, 2, 4, 5, 6]);
    assert_eq!(sequences(&db, org).await, (1..=6).collect::<Vec<_>>());
}

#[tokio::test]
async fn sqlite_ends_the_batch_of_a_write_dropped_while_it_holds_the_turn() {
    let db = crate::testing::sqlite_database("writes-dropped").await;
    let queue = queue(&db).await;
    let org = Uuid::new_v4();
    let mut bus = queue.publisher.bus.subscribe();
    // Write 0 is dropped inside its work, with nothing else in its batch: rolled back.
    let (_never, first) = holding_the_turn(&queue, org, 0, 1).await;
    first.abort();
    assert!(first.await.unwrap_err().is_cancelled());
    // The write lock is free again: another connection writes (the busy timeout is 5 s;
    // a batch left open would make this fail).
    tokio::time::timeout(
        Duration::from_secs(2),
        db.execute_unprepared("INSERT INTO things (n) VALUES (100)"),
    )
    .await
    .expect("the write lock was left held")
    .unwrap();
    // Write 1 joins a batch and leaves it open for write 2, which is dropped inside its
    // work: the batch commits write 1 all the same.
    let (gate, one) = holding_the_turn(&queue, org, 1, 2).await;
    let never = Arc::new(Notify::new());
    let two = queued(&queue, org, 2, Some(never), false, 1).await;
    gate.notify_one();
    until("write 2 holds the turn", || {
        queue.waiting.load(Ordering::SeqCst) == 0
    })
    .await;
    // Write 2 now holds the turn inside its work (write 1 left the batch open for it).
    tokio::time::sleep(Duration::from_millis(50)).await;
    two.abort();
    let value = tokio::time::timeout(Duration::from_secs(5), one)
        .await
        .expect("write 1 was never told its batch ended")
        .unwrap()
        .unwrap();
    assert_eq!(value, 1);
    assert_eq!(published(&mut bus), vec![(1, 1)]);
    assert_eq!(things(&db).await, vec![1, 100]);
    assert_eq!(sequences(&db, org).await, vec![1]);
}

#[tokio::test]
async fn sqlite_publishes_a_member_dropped_while_it_waits_for_the_commit() {
    let db = crate::testing::sqlite_database("writes-member-dropped").await;
    let queue = queue(&db).await;
    let org = Uuid::new_v4();
    let mut bus = queue.publisher.bus.subscribe();
    // Write 0 leaves its batch open for write 1 and waits; its request is then dropped
    // (a client hanging up) while write 1 holds the turn.
    let (gate, first) = holding_the_turn(&queue, org, 0, 1).await;
    let hold = Arc::new(Notify::new());
    let second = queued(&queue, org, 1, Some(hold.clone()), false, 1).await;
    gate.notify_one();
    until("write 1 holds the turn", || {
        queue.waiting.load(Ordering::SeqCst) == 0
    })
    .await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    first.abort();
    assert!(first.await.unwrap_err().is_cancelled());
    hold.notify_one();
    assert_eq!(second.await.unwrap().unwrap(), 1);
    // Write 0 was in the batch: committed, and its event published with write 1's.
    assert_eq!(things(&db).await, vec![0, 1]);
    assert_eq!(published(&mut bus), vec![(1, 0), (2, 1)]);
}

#[tokio::test]
async fn sqlite_commits_a_batch_left_to_a_write_that_gave_up() {
    let db = crate::testing::sqlite_database("writes-gave-up").await;
    let queue = queue(&db).await;
    let org = Uuid::new_v4();
    let (gate, first) = holding_the_turn(&queue, org, 0, 1).await;
    // Something that does not end batches queues first (the turn's mutex itself), then
    // write 1, which the first write leaves its batch open for.
    let turn = queue.turn.as_ref().expect("SQLite queues its writes");
    let (held_tx, held_rx) = tokio::sync::oneshot::channel();
    let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
    let holder = {
        let queue = queue.clone();
        tokio::spawn(async move {
            let turn = queue.turn.as_ref().unwrap();
            let held = turn.lock().await;
            let _ = held_tx.send(held.as_ref().map(|batch| batch.members));
            let _ = release_rx.await;
            drop(held);
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let second = queued(&queue, org, 1, None, false, 1).await;
    gate.notify_one();
    // The first write released its savepoint and left the batch open.
    assert_eq!(held_rx.await.unwrap(), Some(1));
    // Write 1 gives up while queued; then the turn comes back to the first write.
    second.abort();
    assert!(second.await.unwrap_err().is_cancelled());
    release_tx.send(()).unwrap();
    holder.await.unwrap();
    let value = tokio::time::timeout(Duration::from_secs(5), first)
        .await
        .expect("the first write never ended its batch")
        .unwrap()
        .unwrap();
    assert_eq!(value, 0);
    assert!(turn.lock().await.is_none());
    assert_eq!(things(&db).await, vec![0]);
    assert_eq!(sequences(&db, org).await, vec![1]);
}

#[tokio::test]
async fn sqlite_turn_commits_the_open_batch_before_writing_alone() {
    let db = crate::testing::sqlite_database("writes-turn").await;
    let queue = queue(&db).await;
    let org = Uuid::new_v4();
    let (gate, first) = holding_the_turn(&queue, org, 0, 1).await;
    // A cursor-like write queues, then a record write the batch is left open for.
    let alone = {
        let queue = queue.clone();
        tokio::spawn(async move {
            let turn = queue.turn().await;
            let db = turn.db();
            db.execute_unprepared("INSERT INTO things (n) VALUES (50)")
                .await
                .map(|_| ())
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let second = queued(&queue, org, 1, None, false, 1).await;
    gate.notify_one();
    first.await.unwrap().unwrap();
    alone.await.unwrap().unwrap();
    second.await.unwrap().unwrap();
    assert_eq!(things(&db).await, vec![0, 1, 50]);
    // The turn ended the first batch; write 1 opened the second.
    assert_eq!(queue.batches.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn postgres_commits_each_write_alone() {
    let Some(db) = crate::testing::postgres_database("writes").await else {
        eprintln!("SKIPPED on PostgreSQL: no server configured");
        return;
    };
    let queue = queue(&db).await;
    assert!(queue.turn.is_none());
    let org = Uuid::new_v4();
    let mut bus = queue.publisher.bus.subscribe();
    let writes: Vec<_> = (0..8)
        .map(|n| spawn_write(&queue, org, n, None, n == 5))
        .collect();
    let mut failed = 0;
    for write in writes {
        if write.await.unwrap().is_err() {
            failed += 1;
        }
    }
    assert_eq!(failed, 1);
    assert_eq!(things(&db).await, vec![0, 1, 2, 3, 4, 6, 7]);
    assert_eq!(sequences(&db, org).await, (1..=7).collect::<Vec<_>>());
    // Each write's event, published after its own commit (in the order they committed).
    let mut events = published(&mut bus);
    assert_eq!(events.len(), 7);
    events.sort();
    assert_eq!(
        events
            .iter()
            .map(|(sequence, _)| *sequence)
            .collect::<Vec<_>>(),
        (1..=7).collect::<Vec<_>>()
    );
    assert_eq!(queue.batches.load(Ordering::SeqCst), 0);
    // A turn on PostgreSQL writes on the pool, without waiting.
    let turn = queue.turn().await;
    turn.db()
        .execute_unprepared("INSERT INTO things (n) VALUES (9)")
        .await
        .unwrap();
}
