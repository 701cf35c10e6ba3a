//! Where the application's writes run ([`WriteQueue`]): on PostgreSQL, each in a transaction
//! of its own on the pool; on SQLite, in turn on one writer connection
//! ([`crate::db::writer`]), with the API's record writes committed in groups.
//!
//! SQLite has one writer at a time, and in its default durable setting every commit waits
//! for the disk (`fsync` of the write-ahead log). Under load that wait was most of a write:
//! in a trace of ticket creates (16 clients) a write held the lock for 0.84 ms, 0.59 ms of
//! it in `COMMIT`. So a record write ([`WriteQueue::write`]) that finds others queued behind
//! it does not commit alone: it runs inside the batch's transaction, in a savepoint of its
//! own, and leaves the commit to the last write of the batch, which commits for all (at most
//! [`MOST_PER_COMMIT`]). This is group commit, as databases do it for their own log:
//!
//! * **Durable.** A write answers only after the commit that holds it has returned and its
//!   events are published. Whoever ends a batch publishes its events, in log order, right
//!   after the commit: a member whose request was dropped meanwhile (its client hung up) is
//!   committed with the others, and its events reach the bus all the same. If the commit
//!   fails, every write of the batch fails, and none of their events is published.
//! * **Isolated.** A write that fails rolls back to its savepoint: its rows, its events and
//!   the sequence numbers they took are undone, and the batch's other writes stand.
//! * **Never left open.** The batch's commit runs on a task of its own, so it completes even
//!   when the request that ran it is dropped; a write dropped while it holds the turn hands
//!   the open batch to such a task; and a write left waiting for a batch that nobody
//!   committed (the write it was left to gave up while queued) commits it when its turn
//!   comes back.
//! * **In order.** Writes join and commit in the order they queued (tokio's mutex is fair).
//!
//! The other writes that queue for the lock ([`WriteQueue::turn`]: consumers' cursors,
//! idempotency entries, notifications) commit any open batch first and then write alone.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use tokio::sync::{watch, Mutex, MutexGuard};

use super::error::ApiError;
use crate::events::{Event, EventBus};
use crate::metrics::Metrics;

/// The most writes one SQLite commit holds: a batch's first write waits for the others' work
/// before it answers, so this bounds the latency it adds.
pub(crate) const MOST_PER_COMMIT: usize = 32;

/// What a record write runs: its work in the transaction (a savepoint of a batch on
/// SQLite), returning its value and the events to log with it.
pub(crate) type Work<'t, T> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<(T, Vec<Event>), ApiError>> + Send + 't>,
>;

/// How a batch ended, as its members learn it: `None` until then.
type Outcome = Option<Result<(), String>>;

/// Where committed events go: counted in `events_written_total`, then on the bus (the
/// queue's writes, and `ApiState::publish` for the others).
#[derive(Clone)]
pub(crate) struct Publisher {
    pub(crate) bus: EventBus,
    pub(crate) metrics: Metrics,
}

impl Publisher {
    /// Publishes `events`, in order.
    pub(crate) fn publish(&self, events: impl IntoIterator<Item = Event>) {
        for event in events {
            self.metrics.events_written(1);
            self.bus.publish(event);
        }
    }
}

/// The application's writes ([module docs](self)).
pub(crate) struct WriteQueue {
    /// What the writes run on ([`crate::db::writer`]).
    writer: DatabaseConnection,
    /// Where their events go once committed.
    publisher: Publisher,
    /// On SQLite: the turn, with the batch open on the writer, if any. `None` on PostgreSQL,
    /// whose writers do not wait on one lock.
    turn: Option<Mutex<Option<Batch>>>,
    /// The record writes waiting for the turn (a batch is left open only for them).
    waiting: AtomicUsize,
    /// The batches opened so far.
    batches: AtomicU64,
}

/// A transaction on the writer that record writes join, each in a savepoint.
struct Batch {
    /// Tells batches apart ([`WriteQueue::batches`]).
    id: u64,
    txn: DatabaseTransaction,
    /// The writes whose savepoint was released into it.
    members: usize,
    /// Their events, in log order, published once the batch has committed.
    events: Vec<Event>,
    publisher: Publisher,
    /// Tells the members how the batch ended.
    ended: watch::Sender<Outcome>,
}

impl Batch {
    async fn begin(
        writer: &DatabaseConnection,
        publisher: &Publisher,
        id: u64,
    ) -> Result<Batch, DbErr> {
        Ok(Batch {
            id,
            txn: crate::db::begin_write(writer).await?,
            members: 0,
            events: Vec::new(),
            publisher: publisher.clone(),
            ended: watch::channel(None).0,
        })
    }

    /// Commits it (rolls it back when no write stayed in it) and publishes its events, on a
    /// task of its own, which finishes even if the caller is dropped; then tells the
    /// members.
    async fn end(self) -> Result<(), String> {
        let task = tokio::spawn(async move {
            let Batch {
                id: _,
                txn,
                members,
                events,
                publisher,
                ended,
            } = self;
            let result = if members == 0 {
                txn.rollback().await
            } else {
                txn.commit().await
            }
            .map_err(|e| e.to_string());
            if result.is_ok() {
                publisher.publish(events);
            }
            ended.send_replace(Some(result.clone()));
            result
        });
        task.await
            .unwrap_or_else(|e| Err(format!("the commit did not finish: {e}")))
    }
}

/// A write's turn ([`WriteQueue::turn`]): the writes queued behind it wait until it is
/// dropped.
pub(crate) struct WriteTurn<'q> {
    _held: Option<MutexGuard<'q, Option<Batch>>>,
    db: &'q DatabaseConnection,
}

impl WriteTurn<'_> {
    /// What the write runs on: SQLite's one writer connection, or PostgreSQL's pool.
    pub(crate) fn db(&self) -> &DatabaseConnection {
        self.db
    }
}

/// A record write's turn on SQLite: if the write is dropped while it holds it, the open
/// batch is ended on a task of its own rather than left holding the write lock.
struct Joined<'q> {
    held: Option<MutexGuard<'q, Option<Batch>>>,
}

impl Joined<'_> {
    fn batch(&mut self) -> &mut Option<Batch> {
        self.held.as_mut().expect("a joined write holds its turn")
    }

    /// Gives the turn to the next write, leaving the batch open for it.
    fn leave(mut self) {
        self.held = None;
    }
}

impl Drop for Joined<'_> {
    fn drop(&mut self) {
        if let Some(batch) = self.held.as_mut().and_then(|held| held.take()) {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    if let Err(error) = batch.end().await {
                        tracing::error!(%error, "a write batch failed to commit");
                    }
                });
            }
        }
    }
}

/// Counts a record write as waiting for the turn until it gets it or is dropped.
struct Waiting<'q>(&'q AtomicUsize);

impl<'q> Waiting<'q> {
    fn new(count: &'q AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl WriteQueue {
    /// The writes of `db` (queued on one writer connection on SQLite), whose events go to
    /// `publisher`.
    pub(crate) fn new(db: &DatabaseConnection, publisher: Publisher) -> Self {
        let sqlite = db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite;
        WriteQueue {
            writer: crate::db::writer(db),
            publisher,
            turn: sqlite.then(|| Mutex::new(None)),
            waiting: AtomicUsize::new(0),
            batches: AtomicU64::new(0),
        }
    }

    /// Where committed events go.
    pub(crate) fn publisher(&self) -> &Publisher {
        &self.publisher
    }

    /// A write's turn: on SQLite it waits for the writes queued before it and commits the
    /// batch they left open (hold the turn until the write has committed, and write through
    /// [`WriteTurn::db`]); on PostgreSQL it is there at once.
    pub(crate) async fn turn(&self) -> WriteTurn<'_> {
        let held = match &self.turn {
            Some(turn) => {
                let mut held = turn.lock().await;
                if let Some(batch) = held.take() {
                    // Its members learn the outcome; this write goes on either way.
                    let _ = batch.end().await;
                }
                Some(held)
            }
            None => None,
        };
        WriteTurn {
            _held: held,
            db: &self.writer,
        }
    }

    /// Runs `work` in a transaction, with the events it returns appended to the event log
    /// in that transaction ([`crate::event_log`]); returns its value once they are committed
    /// and published (nothing is logged or published when it fails). On SQLite the
    /// transaction is a savepoint of a batch ([module docs](self)).
    pub(crate) async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: for<'t> FnOnce(&'t DatabaseTransaction) -> Work<'t, T>,
    {
        let Some(turn) = &self.turn else {
            let txn = crate::db::begin_write(&self.writer)
                .await
                .map_err(ApiError::internal)?;
            return match logged(&txn, work).await {
                Ok((value, events)) => {
                    txn.commit().await.map_err(ApiError::internal)?;
                    self.publisher.publish(events);
                    Ok(value)
                }
                Err(error) => {
                    let _ = txn.rollback().await;
                    Err(error)
                }
            };
        };
        let mut joined = {
            let _waiting = Waiting::new(&self.waiting);
            Joined {
                held: Some(turn.lock().await),
            }
        };
        if joined.batch().is_none() {
            let id = self.batches.fetch_add(1, Ordering::Relaxed);
            let batch = Batch::begin(&self.writer, &self.publisher, id)
                .await
                .map_err(ApiError::internal)?;
            *joined.batch() = Some(batch);
        }
        let batch = joined.batch().as_mut().expect("a batch was opened above");
        let savepoint = batch.txn.begin().await.map_err(ApiError::internal)?;
        let id = batch.id;
        let (done, ended) = match logged(&savepoint, work).await {
            Ok((value, events)) => {
                savepoint.commit().await.map_err(ApiError::internal)?;
                batch.members += 1;
                batch.events.extend(events);
                (Ok(value), Some(batch.ended.subscribe()))
            }
            Err(error) => {
                savepoint.rollback().await.map_err(ApiError::internal)?;
                (Err(error), None)
            }
        };
        let open = batch.members > 0 && batch.members < MOST_PER_COMMIT;
        if open && self.waiting.load(Ordering::SeqCst) > 0 {
            joined.leave();
        } else {
            // The turn is held until the batch has ended: a member that finds it free
            // again knows the batch it joined was taken out to be ended.
            let batch = joined.batch().take().expect("the batch is still open");
            let result = batch.end().await;
            drop(joined);
            return match (done, result) {
                (Ok(_), Err(error)) => Err(ApiError::internal(error)),
                (done, _) => done,
            };
        }
        let Some(mut ended) = ended else {
            // This write failed and left nothing in the batch to wait for.
            return done;
        };
        // Wait for the batch to end; if it is still open when this write's turn comes
        // back (the write it was left to gave up), end it.
        let ended_here = tokio::select! {
            biased;
            result = async { outcome(ended.wait_for(Option::is_some).await.as_deref().ok()) } => {
                Some(result)
            }
            mut held = turn.lock() => {
                if held.as_ref().is_some_and(|open| open.id == id) {
                    let batch = held.take().expect("checked above");
                    Some(batch.end().await)
                } else {
                    // Whoever took it out is ending it.
                    None
                }
            }
        };
        let result = match ended_here {
            Some(result) => result,
            None => {
                let result = ended.wait_for(Option::is_some).await;
                outcome(result.as_deref().ok())
            }
        };
        match result {
            Ok(()) => done,
            Err(error) => Err(ApiError::internal(error)),
        }
    }
}

/// A batch's outcome from its channel (`None`, closed: the batch was dropped without
/// ending).
fn outcome(ended: Option<&Outcome>) -> Result<(), String> {
    match ended {
        Some(Some(result)) => result.clone(),
        _ => Err("the write batch was dropped before it committed".to_string()),
    }
}

/// Runs `work` in `txn` and appends its events to the log there.
async fn logged<T, F>(txn: &DatabaseTransaction, work: F) -> Result<(T, Vec<Event>), ApiError>
where
    F: for<'t> FnOnce(&'t DatabaseTransaction) -> Work<'t, T>,
{
    let (value, mut events) = work(txn).await?;
    crate::event_log::append_all(txn, &mut events)
        .await
        .map_err(ApiError::internal)?;
    Ok((value, events))
}

#[cfg(test)]
mod tests;
