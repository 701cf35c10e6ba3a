//! Delivery of the durable event log to its consumers (`runtime.md` §8, "Delivery after
//! commit").
//!
//! A [`Consumer`] — the notification rules ([`crate::notifications`]), each addon's
//! subscriptions ([`subscriptions`]), the application's in-process handlers ([`handlers`]) —
//! reads every organisation's log in sequence order from a cursor of its own, kept in
//! [`CURSORS_TABLE`] as `(consumer, organization_id, last_sequence)`. The cursor moves only
//! after the consumer handled the event, so an event committed just before a crash (or a
//! consumer killed mid-stream) is handled after the restart: delivery is at least once.
//!
//! One task per consumer ([`start`]) drains an organisation's log on a task of its own (so
//! one slow organisation does not hold up the others) when this process commits an event the
//! consumer wants there; every [`Settings::poll`], and when another process announces an
//! event ([`crate::coherence`]), it looks for every organisation whose log is ahead of its
//! cursor (which also moves the cursor past the events it skips, in one write per batch).
//! A consumer that names its [topics](Consumer::topics) — every consumer the runtime starts
//! does — reads only the events so named, and its cursor jumps past the others to the end of
//! the log as it stood before the read: an addon subscribed to one rare event no longer
//! reads every other event, payload and all, once a poll.
//! Several processes may run the same consumers on one database: an organisation's cursor is
//! *leased* (`leased_by`, `lease_until`, renewed as it moves) and only the lease holder reads
//! past it; an expired lease (a killed process) is taken over. A process keeps the leases it
//! holds between drains instead of releasing each: while a lease has more than half of
//! [`Settings::lease`] to run, the next drain starts from the cursor it remembers, so a busy
//! organisation costs one cursor write per handled event rather than three writes (claim,
//! advance, release) per drain. A lease nobody renews lapses for another process to take.
//!
//! A consumer that [batches](Consumer::batches) gets the events it wants of one read (up to
//! [`Settings::batch`]) in one [`Consumer::handle_batch`] call, and the cursor moves past
//! them in one write: when a stream of writes outruns it, its batches grow and its round
//! trips per event shrink, so it catches up instead of trailing further.
//!
//! Each event is handled on a task of its own, so a consumer that panics is caught like one
//! that fails. A failure is retried after each delay of the consumer's schedule
//! ([`Consumer::retries`]); then the consumer gives up on that event ([`Consumer::gave_up`]),
//! which is logged, and moves on.
//!
//! A cursor created for an organisation starts after the events that occurred before the
//! consumer was first seen by this database ([`CONSUMERS_TABLE`]), so deploying a new
//! consumer (say, a notification rule's addon) does not replay the whole retained log.

pub mod handlers;
pub mod subscriptions;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement, Value};
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::api::ApiState;
use crate::db::statement;
use crate::event_log::{EVENTS_TABLE, SEQUENCES_TABLE};
use crate::events::Event;

/// Each consumer's position per organisation.
pub const CURSORS_TABLE: &str = "metacore_event_cursors";

/// When each consumer was first started against this database.
pub const CONSUMERS_TABLE: &str = "metacore_event_consumers";

/// One reader of the event log.
pub trait Consumer: Send + Sync + 'static {
    /// Its stable name: the key of its cursors (`notifications`, `subscriptions:<addon>`).
    fn name(&self) -> &str;

    /// Whether it handles `event` at all; the cursor passes the others without a call.
    fn wants(&self, event: &Event) -> bool;

    /// The event names it can want, as patterns (`runtime.md` §8: a name, `*`, `prefix.*`),
    /// when they are known before an event is read: its drains then read only the events so
    /// named, and move the cursor past the others without reading them. [`Consumer::wants`]
    /// still decides on each event read. `None` (the default): every event is read.
    fn topics(&self) -> Option<&[String]> {
        None
    }

    /// Handles one event; an error is retried ([`Consumer::retries`]).
    fn handle<'a>(&'a self, event: &'a Event) -> BoxFuture<'a, Result<(), String>>;

    /// Whether [`Consumer::handle_batch`] is cheaper than one [`Consumer::handle`] per
    /// event (the default: no, events are handled one at a time).
    fn batches(&self) -> bool {
        false
    }

    /// Handles `events` — those it wants of one read of an organisation's log, in sequence
    /// order — together; called instead of [`Consumer::handle`] for two or more when
    /// [`Consumer::batches`]. The cursor moves past them all once this returns `Ok`. On an
    /// error each event is handled again alone, with its retries, so handling a batch twice
    /// must do no harm (the notification rules' rows are unique per event). The default
    /// handles each in turn.
    fn handle_batch<'a>(&'a self, events: &'a [Arc<Event>]) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            for event in events {
                self.handle(event).await?;
            }
            Ok(())
        })
    }

    /// The delays before the retries of a failed event (the default: none).
    fn retries(&self) -> &[Duration] {
        &[]
    }

    /// Called once the retries of `event` are spent, before the cursor passes it; the
    /// default logs `error`.
    fn gave_up<'a>(&'a self, event: &'a Event, error: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            tracing::error!(
                consumer = self.name(),
                org = %event.org_id,
                sequence = event.sequence,
                event = %event.topic,
                %error,
                "an event consumer gave up on an event"
            );
        })
    }
}

/// How the consumers run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How often the log is looked at without a wake-up (events other processes wrote on
    /// SQLite, leases to take over).
    pub poll: Duration,
    /// How long a lease lasts without being renewed: how long an organisation's events wait
    /// after the process handling them was killed. Longer than any handler runs.
    pub lease: Duration,
    /// Events read per round trip.
    pub batch: u64,
    /// How long a consumer that [batches](Consumer::batches) lets events gather after being
    /// woken, before it reads them: a burst of writes becomes one batch (on SQLite one
    /// commit and one fsync for the batch's notifications, and one for its cursor) rather
    /// than a drain per event or two. Events reach it this much later.
    pub gather: Duration,
    /// The delays before the retries of a failed subscription (`runtime.md` §8: 4 s, 16 s).
    pub subscription_retries: Vec<Duration>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            poll: Duration::from_secs(1),
            lease: Duration::from_secs(30),
            batch: 100,
            gather: Duration::from_millis(10),
            subscription_retries: subscriptions::RETRIES.to_vec(),
        }
    }
}

/// The statements creating the cursor tables when missing.
pub fn create_tables(backend: DatabaseBackend) -> Vec<Statement> {
    let (uuid, _) = crate::db::column_types(backend);
    [
        format!(
            "CREATE TABLE IF NOT EXISTS {CURSORS_TABLE} (\
             consumer TEXT NOT NULL, \
             organization_id {uuid} NOT NULL, \
             last_sequence BIGINT NOT NULL, \
             leased_by {uuid}, \
             lease_until BIGINT NOT NULL DEFAULT 0, \
             PRIMARY KEY (consumer, organization_id))"
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS {CONSUMERS_TABLE} (\
             consumer TEXT PRIMARY KEY, \
             registered_at BIGINT NOT NULL)"
        ),
    ]
    .into_iter()
    .map(|sql| Statement::from_string(backend, sql))
    .collect()
}

/// The running consumers; dropping this handle leaves them running.
pub struct Running {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Stops every consumer at once, wherever it is — as a killed process would: handled
    /// events whose cursor has not moved are handled again by the next run.
    pub fn abort(self) {
        for task in self.tasks {
            task.abort();
        }
    }
}

/// Starts one task per consumer on `state`'s database. Nothing runs for an empty list.
pub fn start(state: &ApiState, consumers: Vec<Arc<dyn Consumer>>, settings: Settings) -> Running {
    let owner = Uuid::new_v4();
    let tasks = consumers
        .into_iter()
        .map(|consumer| {
            let runner = Runner {
                state: state.clone(),
                consumer,
                settings: settings.clone(),
                owner,
                held: Arc::default(),
            };
            tokio::spawn(runner.run())
        })
        .collect();
    Running { tasks }
}

/// The consumers of `state`'s build: the notification rules when any addon declares some,
/// each addon's subscriptions, and `extra` (the application's in-process handlers).
pub fn of_build(
    state: &ApiState,
    settings: &Settings,
    extra: Vec<Arc<dyn Consumer>>,
) -> Vec<Arc<dyn Consumer>> {
    let mut consumers: Vec<Arc<dyn Consumer>> = Vec::new();
    if let Some(rules) = crate::notifications::Rules::of(state) {
        consumers.push(Arc::new(rules));
    }
    consumers.extend(subscriptions::of_build(
        state,
        &settings.subscription_retries,
    ));
    consumers.extend(extra);
    consumers
}

#[derive(Clone)]
struct Runner {
    state: ApiState,
    consumer: Arc<dyn Consumer>,
    settings: Settings,
    owner: Uuid,
    /// The leases this runner holds: per organisation, its cursor and when the lease ends.
    held: Arc<Mutex<HashMap<Uuid, Held>>>,
}

/// A lease a [`Runner`] holds ([`Runner::held`]).
#[derive(Debug, Clone, Copy)]
struct Held {
    /// The cursor, as this runner last wrote it.
    cursor: i64,
    /// `lease_until` as this runner last wrote it (ms since the epoch).
    until: i64,
}

impl Runner {
    async fn run(self) {
        let name = self.consumer.name().to_string();
        let registered = loop {
            match register(&self.state, &name).await {
                Ok(at) => break at,
                Err(error) => {
                    tracing::warn!(consumer = %name, %error, "cannot register an event consumer; retrying");
                    tokio::time::sleep(self.settings.poll).await;
                }
            }
        };
        let wake = self.state.events_logged();
        let mut bus = self.state.bus().subscribe();
        let mut draining: JoinSet<Uuid> = JoinSet::new();
        // Organisations being drained, and those of them that got events meanwhile.
        let mut busy: HashSet<Uuid> = HashSet::new();
        let mut dirty: HashSet<Uuid> = HashSet::new();
        let mut poll = tokio::time::interval(self.settings.poll);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            // Which organisations to drain now: all that are behind (a poll, another
            // process's announcement, a lagging bus), or the one this process just wrote to.
            let mut due: Vec<Uuid> = Vec::new();
            let mut scan = false;
            tokio::select! {
                event = bus.recv() => match event {
                    // An event this consumer skips moves its cursor at the next poll.
                    Ok(event) if self.consumer.wants(&event) => due.push(event.org_id),
                    Ok(_) => {}
                    Err(_) => scan = true,
                },
                () = wake.notified() => scan = true,
                Some(done) = draining.join_next() => match done {
                    Ok(org) => {
                        busy.remove(&org);
                        if dirty.remove(&org) {
                            due.push(org);
                        }
                    }
                    // A drain cannot panic (handlers run on tasks of their own); should it,
                    // forget every organisation so that the next scan restarts them.
                    Err(_) => {
                        busy.clear();
                        dirty.clear();
                    }
                },
                _ = poll.tick() => scan = true,
            }
            if scan {
                match behind(&self.state, &name).await {
                    Ok(orgs) => due.extend(orgs),
                    Err(error) => {
                        tracing::warn!(consumer = %name, %error, "cannot read the event log")
                    }
                }
            }
            for org in due {
                if !busy.insert(org) {
                    dirty.insert(org);
                    continue;
                }
                let runner = self.clone();
                draining.spawn(async move {
                    runner.drain(org, registered).await;
                    org
                });
            }
        }
    }

    /// Reads `org`'s log past the cursor while this process holds its lease. When it
    /// cannot (another process holds the lease, the database fails), it waits one poll
    /// before returning, so the organisation is not retried in a tight loop.
    async fn drain(&self, org: Uuid, registered: DateTime<Utc>) {
        if self.consumer.batches() && !self.settings.gather.is_zero() {
            tokio::time::sleep(self.settings.gather).await;
        }
        if !self.drained(org, registered).await {
            tokio::time::sleep(self.settings.poll).await;
        }
    }

    /// [`Runner::drain`]'s work: true when it caught up with the log.
    async fn drained(&self, org: Uuid, registered: DateTime<Utc>) -> bool {
        let name = self.consumer.name();
        let mut cursor = match self.claim(org, registered).await {
            Ok(Some(cursor)) => cursor,
            Ok(None) => return false,
            Err(error) => {
                tracing::warn!(consumer = name, %org, %error, "cannot lease an event cursor");
                return false;
            }
        };
        let topics = self.consumer.topics();
        loop {
            let (events, end) = match self.read(org, cursor, topics).await {
                Ok(read) => read,
                Err(error) => {
                    tracing::warn!(consumer = name, %org, %error, "cannot read the event log");
                    let _ = self.release(org).await;
                    return false;
                }
            };
            // A short batch reached the end of the log: the drain ends there rather than
            // read again, or under a steady stream of skipped events it would go on reading
            // one or two at a time and write the cursor for each. What is logged meanwhile
            // comes with the next drain: the bus starts one for an event the consumer wants
            // (after this one, when it arrives during it), the next poll for the others.
            let caught_up = (events.len() as u64) < self.settings.batch;
            // Where the cursor ends: past the last event read, or, when a read of the
            // consumer's topics reached the end of the log, past the events it left out.
            let through = match (caught_up, end, events.last()) {
                (true, Some(end), _) => end,
                (_, _, Some(last)) => last.sequence.unwrap_or(cursor + events.len() as i64),
                (_, _, None) => cursor,
            };
            if events.is_empty() {
                if through > cursor && !self.moved(org, through).await {
                    return false;
                }
                break;
            }
            let events: Vec<Arc<Event>> = events.into_iter().map(Arc::new).collect();
            if self.delivered_together(&events).await {
                cursor = through;
                if !self.moved(org, cursor).await {
                    return false;
                }
            } else {
                // The cursor is written after each handled event, and once per batch for the
                // events the consumer skips.
                let last = events.len() - 1;
                for (i, event) in events.into_iter().enumerate() {
                    let wanted = self.consumer.wants(&event);
                    cursor = if i == last {
                        through
                    } else {
                        event.sequence.unwrap_or(cursor + 1)
                    };
                    if wanted {
                        self.deliver(event).await;
                    }
                    if (wanted || i == last) && !self.moved(org, cursor).await {
                        return false;
                    }
                }
            }
            if caught_up {
                break;
            }
        }
        // The lease is kept for the organisation's next events (see the module docs).
        true
    }

    /// One read of `org`'s log past `cursor` (at most [`Settings::batch`] events): every
    /// event, or with `topics` only those so named, up to the end of the log as it was
    /// before the read, which comes with them.
    async fn read(
        &self,
        org: Uuid,
        cursor: i64,
        topics: Option<&[String]>,
    ) -> Result<(Vec<Event>, Option<i64>), DbErr> {
        let db = self.state.db();
        let end = match topics {
            Some(_) => Some(crate::event_log::last_sequence(db, org).await?),
            None => None,
        };
        if end.is_some_and(|end| end <= cursor) {
            return Ok((Vec::new(), end));
        }
        let (events, _) = crate::event_log::read_until(
            db,
            org,
            cursor,
            end,
            self.settings.batch,
            topics.unwrap_or_default(),
        )
        .await?;
        Ok((events, end))
    }

    /// Hands the events of `read` that the consumer wants to [`Consumer::handle_batch`] when
    /// it batches and there are two or more: true when they were handled (the cursor moves
    /// past all of `read` in one write), false when they are to be delivered one at a time
    /// (no batching, or the batch failed).
    async fn delivered_together(&self, read: &[Arc<Event>]) -> bool {
        if !self.consumer.batches() {
            return false;
        }
        let wanted: Vec<Arc<Event>> = read
            .iter()
            .filter(|event| self.consumer.wants(event))
            .cloned()
            .collect();
        if wanted.len() < 2 {
            return false;
        }
        let consumer = self.consumer.clone();
        let count = wanted.len();
        // A task of its own, as for one event: a panic is caught like an error.
        let handled = tokio::spawn(async move { consumer.handle_batch(&wanted).await }).await;
        let error = match handled {
            Ok(Ok(())) => return true,
            Ok(Err(error)) => error,
            Err(join) if join.is_panic() => "the handler panicked".to_string(),
            Err(join) => join.to_string(),
        };
        tracing::warn!(
            consumer = self.consumer.name(),
            events = count,
            %error,
            "an event consumer failed on a batch; handling its events one at a time"
        );
        false
    }

    /// Handles `event`, retrying on the consumer's schedule; gives up after the last retry.
    async fn deliver(&self, event: Arc<Event>) {
        let mut delays = self.consumer.retries().iter();
        loop {
            let consumer = self.consumer.clone();
            let handled = {
                let event = event.clone();
                tokio::spawn(async move { consumer.handle(&event).await })
            };
            let error = match handled.await {
                Ok(Ok(())) => return,
                Ok(Err(error)) => error,
                Err(join) if join.is_panic() => "the handler panicked".to_string(),
                Err(join) => join.to_string(),
            };
            match delays.next() {
                Some(delay) => {
                    tracing::warn!(
                        consumer = self.consumer.name(),
                        event = %event.topic,
                        sequence = event.sequence,
                        %error,
                        retry_in_ms = delay.as_millis() as u64,
                        "an event consumer failed; retrying"
                    );
                    // Keep the lease while waiting.
                    let _ = self.advance_lease(event.org_id, *delay).await;
                    tokio::time::sleep(*delay).await;
                }
                None => {
                    self.consumer.gave_up(&event, &error).await;
                    return;
                }
            }
        }
    }

    fn lease_until(&self, extra: Duration) -> i64 {
        now_ms() + (self.settings.lease + extra).as_millis() as i64
    }

    /// Creates the cursor when missing, then leases it; its position, or `None` when
    /// another live process holds it.
    async fn claim(&self, org: Uuid, registered: DateTime<Utc>) -> Result<Option<i64>, DbErr> {
        if let Some(cursor) = self.fresh_lease(org) {
            return Ok(Some(cursor));
        }
        let db = self.state.db();
        let name = self.consumer.name();
        let exists = format!(
            "SELECT last_sequence FROM {CURSORS_TABLE} WHERE consumer = $1 AND organization_id = $2"
        );
        let found = db
            .query_one_raw(statement(db, &exists, vec![name.into(), org.into()]))
            .await?;
        if found.is_none() {
            let start = format!(
                "SELECT COALESCE(MAX(sequence), 0) AS start FROM {EVENTS_TABLE} \
                 WHERE organization_id = $1 AND occurred_at < $2"
            );
            let start: i64 = match db
                .query_one_raw(statement(db, &start, vec![org.into(), registered.into()]))
                .await?
            {
                Some(row) => row.try_get("", "start")?,
                None => 0,
            };
            let insert = format!(
                "INSERT INTO {CURSORS_TABLE} (consumer, organization_id, last_sequence) \
                 VALUES ($1, $2, $3) ON CONFLICT (consumer, organization_id) DO NOTHING"
            );
            let turn = self.state.write_turn().await;
            let db = turn.db();
            db.execute_raw(statement(
                db,
                &insert,
                vec![name.into(), org.into(), start.into()],
            ))
            .await?;
        }
        let claim = format!(
            "UPDATE {CURSORS_TABLE} SET leased_by = $3, lease_until = $4 \
             WHERE consumer = $1 AND organization_id = $2 \
             AND (leased_by IS NULL OR leased_by = $3 OR lease_until < $5) \
             RETURNING last_sequence"
        );
        let until = self.lease_until(Duration::ZERO);
        let values: Vec<Value> = vec![
            name.into(),
            org.into(),
            self.owner.into(),
            until.into(),
            now_ms().into(),
        ];
        let turn = self.state.write_turn().await;
        let db = turn.db();
        let row = db.query_one_raw(statement(db, &claim, values)).await?;
        let cursor = row
            .map(|row| row.try_get::<i64>("", "last_sequence"))
            .transpose()?;
        match cursor {
            Some(cursor) => self.hold(org, Held { cursor, until }),
            None => self.forget(org),
        }
        Ok(cursor)
    }

    /// The cursor of `org` when this runner holds its lease with more than half of it to
    /// run: no other process can have taken it, so the cursor is where this runner left it.
    fn fresh_lease(&self, org: Uuid) -> Option<i64> {
        let half = (self.settings.lease.as_millis() / 2) as i64;
        let held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.get(&org)
            .filter(|lease| now_ms() < lease.until - half)
            .map(|lease| lease.cursor)
    }

    fn hold(&self, org: Uuid, lease: Held) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.insert(org, lease);
    }

    fn forget(&self, org: Uuid) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.remove(&org);
    }

    /// [`Runner::advance`], with a failure logged: false when the cursor did not move — the
    /// lease was lost (another process goes on) or the database failed — which ends the
    /// drain.
    async fn moved(&self, org: Uuid, sequence: i64) -> bool {
        match self.advance(org, sequence).await {
            Ok(moved) => moved,
            Err(error) => {
                let name = self.consumer.name();
                tracing::warn!(consumer = name, %org, %error, "cannot move an event cursor");
                false
            }
        }
    }

    /// Moves the cursor to `sequence` and renews the lease; false when the lease was lost.
    async fn advance(&self, org: Uuid, sequence: i64) -> Result<bool, DbErr> {
        let sql = format!(
            "UPDATE {CURSORS_TABLE} SET last_sequence = $4, lease_until = $5 \
             WHERE consumer = $1 AND organization_id = $2 AND leased_by = $3"
        );
        let until = self.lease_until(Duration::ZERO);
        let values: Vec<Value> = vec![
            self.consumer.name().into(),
            org.into(),
            self.owner.into(),
            sequence.into(),
            until.into(),
        ];
        let turn = self.state.write_turn().await;
        let db = turn.db();
        let done = db.execute_raw(statement(db, &sql, values)).await;
        let moved = matches!(&done, Ok(done) if done.rows_affected() == 1);
        if moved {
            self.hold(
                org,
                Held {
                    cursor: sequence,
                    until,
                },
            );
        } else {
            self.forget(org);
        }
        done.map(|_| moved)
    }

    /// Renews the lease for `extra` more than usual (a retry's wait).
    async fn advance_lease(&self, org: Uuid, extra: Duration) -> Result<(), DbErr> {
        let sql = format!(
            "UPDATE {CURSORS_TABLE} SET lease_until = $4 \
             WHERE consumer = $1 AND organization_id = $2 AND leased_by = $3"
        );
        // The remembered lease keeps its end: a longer one is only a margin.
        let values: Vec<Value> = vec![
            self.consumer.name().into(),
            org.into(),
            self.owner.into(),
            self.lease_until(extra).into(),
        ];
        let turn = self.state.write_turn().await;
        let db = turn.db();
        db.execute_raw(statement(db, &sql, values)).await?;
        Ok(())
    }

    /// Gives up the lease of `org` (its log could not be read).
    async fn release(&self, org: Uuid) -> Result<(), DbErr> {
        self.forget(org);
        let sql = format!(
            "UPDATE {CURSORS_TABLE} SET leased_by = NULL, lease_until = 0 \
             WHERE consumer = $1 AND organization_id = $2 AND leased_by = $3"
        );
        let values: Vec<Value> = vec![self.consumer.name().into(), org.into(), self.owner.into()];
        let turn = self.state.write_turn().await;
        let db = turn.db();
        db.execute_raw(statement(db, &sql, values)).await?;
        Ok(())
    }
}

/// Records when `consumer` was first seen (kept on later starts); returns that time.
async fn register(state: &ApiState, consumer: &str) -> Result<DateTime<Utc>, DbErr> {
    let db = state.db();
    let insert = format!(
        "INSERT INTO {CONSUMERS_TABLE} (consumer, registered_at) VALUES ($1, $2) \
         ON CONFLICT (consumer) DO NOTHING"
    );
    {
        let turn = state.write_turn().await;
        let db = turn.db();
        db.execute_raw(statement(
            db,
            &insert,
            vec![consumer.into(), now_ms().into()],
        ))
        .await?;
    }
    let select = format!("SELECT registered_at FROM {CONSUMERS_TABLE} WHERE consumer = $1");
    let millis: i64 = match db
        .query_one_raw(statement(db, &select, vec![consumer.into()]))
        .await?
    {
        Some(row) => row.try_get("", "registered_at")?,
        None => now_ms(),
    };
    Ok(DateTime::from_timestamp_millis(millis).unwrap_or_else(Utc::now))
}

/// The organisations whose log is past `consumer`'s cursor (or that have no cursor yet).
async fn behind(state: &ApiState, consumer: &str) -> Result<Vec<Uuid>, DbErr> {
    let db = state.db();
    let sql = format!(
        "SELECT s.organization_id AS organization_id FROM {SEQUENCES_TABLE} s \
         LEFT JOIN {CURSORS_TABLE} c ON c.organization_id = s.organization_id AND c.consumer = $1 \
         WHERE c.last_sequence IS NULL OR s.last > c.last_sequence"
    );
    let rows = db
        .query_all_raw(statement(db, &sql, vec![consumer.into()]))
        .await?;
    rows.iter()
        .map(|row| row.try_get("", "organization_id"))
        .collect()
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}
