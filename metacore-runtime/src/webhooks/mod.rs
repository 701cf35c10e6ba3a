//! Organisation-configured outbound webhooks (`runtime.md` §6.2): durable, signed,
//! at-least-once across crashes.
//!
//! * **Model** ([`store`]): `metacore_webhooks`, one row per webhook of an organisation —
//!   name, URL, event patterns, `active`, `retry_max` (total attempts, 1–10), `timeout_sec`
//!   (1–60), counters and a soft-delete mark. The signing secret is generated (32 random
//!   bytes as 64 hex characters) unless supplied, **sealed at rest** with AES-256-GCM under
//!   `METACORE_MASTER_KEY` and bound to its row ([`crate::installations::seal_bound`]), shown
//!   only in the answers of create and rotation, never logged.
//! * **Queue** ([`queue`]): `metacore_webhook_deliveries`. [`crate::event_log::append`] —
//!   the one place every event is written — inserts a `pending` delivery per matching active
//!   webhook of the event's organisation **in the event's transaction**
//!   (`queue::enqueue_for`, `queue::enqueue_listed`). Workers claim due rows atomically with
//!   a lease (PostgreSQL: `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)
//!   RETURNING`; SQLite: the same statement inside `BEGIN IMMEDIATE`); a lease that expires (its worker was killed) makes the row
//!   claimable again. Each claim is a new attempt with a fresh lease token, and an outcome is
//!   only recorded while that token still holds the row, so two workers never record (or
//!   retry from) the same attempt.
//! * **Delivery** ([`deliver`]): `POST` through the guarded [`crate::outbound::OutboundClient`]
//!   (egress guard on every connection, no redirects followed), signed with
//!   `X-Metacore-Signature` = hex HMAC-SHA256(secret, `<timestamp>.<body>`). 2xx succeeds;
//!   anything else fails and is retried after 4^n seconds ([`RetrySchedule`]) until
//!   `retry_max` attempts, then `dead`. Errors are truncated to 1 000 characters, response
//!   excerpts to 2 KiB.
//! * **Workers** ([`worker`]): started by `serve` ([`WebhookSettings::workers`] tasks);
//!   woken by committed events of this process and by polling (other processes, retries).
//!   On SIGTERM they stop claiming and finish — or, past the bound, release — the delivery
//!   in flight.
//! * **API**: [`crate::api::webhooks`] (`/api/webhooks`, `metacore.webhooks.manage`).

pub mod deliver;
pub mod queue;
pub mod store;
pub mod worker;

use std::time::Duration;

use sea_orm::{DatabaseBackend, Statement};

pub use deliver::{sign, verify};
pub use store::{Webhook, WebhookError};
pub use worker::{Context, Workers};

/// The organisations' webhooks.
pub const WEBHOOKS_TABLE: &str = "metacore_webhooks";

/// Their deliveries (the durable queue and the delivery log).
pub const DELIVERIES_TABLE: &str = "metacore_webhook_deliveries";

/// The environment variable setting how many delivery workers `serve` runs (default 4; 0
/// runs none in this process).
pub const WORKERS_ENV: &str = "METACORE_WEBHOOK_WORKERS";

/// The environment variable setting how often idle workers look for due deliveries, in
/// milliseconds (default 1000).
pub const POLL_ENV: &str = "METACORE_WEBHOOK_POLL_MS";

/// The environment variable setting the unit of the retry schedule in milliseconds (default
/// 1000: 4 s, 16 s, 64 s …). For tests only: a short unit runs the schedule in moments.
pub const RETRY_UNIT_ENV: &str = "METACORE_WEBHOOK_RETRY_UNIT_MS";

/// A delivery waiting for its (next) attempt.
pub const STATUS_PENDING: &str = "pending";
/// A delivery claimed by a worker (leased until `locked_until`).
pub const STATUS_IN_FLIGHT: &str = "in_flight";
/// A delivery the receiver accepted (2xx).
pub const STATUS_SUCCEEDED: &str = "succeeded";
/// A delivery that will not be attempted again: `retry_max` failed attempts, or its
/// webhook was deleted or deactivated.
pub const STATUS_DEAD: &str = "dead";

/// Every delivery status.
pub const STATUSES: [&str; 4] = [
    STATUS_PENDING,
    STATUS_IN_FLIGHT,
    STATUS_SUCCEEDED,
    STATUS_DEAD,
];

/// When a failed attempt is retried: after attempt `n` (1-based), `4^n` units (a unit is one
/// second in production), capped at 3 600 units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetrySchedule {
    /// One "second" of the schedule.
    pub unit: Duration,
}

impl Default for RetrySchedule {
    fn default() -> Self {
        RetrySchedule {
            unit: Duration::from_secs(1),
        }
    }
}

impl RetrySchedule {
    /// The wait after failed attempt `attempt` (1-based).
    pub fn delay(&self, attempt: i64) -> Duration {
        let exponent = attempt.clamp(1, 6) as u32; // 4^6 = 4096 > 3600: capped anyway.
        let units = 4u64.pow(exponent).min(3600);
        self.unit.saturating_mul(units as u32)
    }
}

/// What the operator decides about outbound webhooks (`serve` reads it from the
/// environment, [`WebhookSettings::from_lookup`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookSettings {
    /// Delivery workers `serve` starts ([`WORKERS_ENV`]).
    pub workers: usize,
    /// How often an idle worker looks for due deliveries ([`POLL_ENV`]).
    pub poll: Duration,
    /// The retry schedule ([`RETRY_UNIT_ENV`]).
    pub retry: RetrySchedule,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            workers: 4,
            poll: Duration::from_secs(1),
            retry: RetrySchedule::default(),
        }
    }
}

impl WebhookSettings {
    /// The most workers accepted.
    pub const MAX_WORKERS: usize = 256;

    /// The settings from the environment `lookup`; unset or empty variables keep the
    /// defaults, a malformed one is an error naming it.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let number = |name: &str, min: u64, max: u64| -> Result<Option<u64>, String> {
            match lookup(name).filter(|v| !v.trim().is_empty()) {
                None => Ok(None),
                Some(value) => match value.trim().parse::<u64>() {
                    Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
                    _ => Err(format!(
                        "{name}: `{value}` is not a whole number from {min} to {max}"
                    )),
                },
            }
        };
        let defaults = WebhookSettings::default();
        Ok(WebhookSettings {
            workers: number(WORKERS_ENV, 0, Self::MAX_WORKERS as u64)?
                .map_or(defaults.workers, |n| n as usize),
            poll: number(POLL_ENV, 1, 60_000)?.map_or(defaults.poll, Duration::from_millis),
            retry: number(RETRY_UNIT_ENV, 1, 60_000)?.map_or(defaults.retry, |ms| RetrySchedule {
                unit: Duration::from_millis(ms),
            }),
        })
    }
}

/// The statements creating the webhook tables when missing (run by `migrate` and `serve`
/// with the runtime's other tables, [`crate::api::access::bootstrap_statements`]).
pub fn create_tables(backend: DatabaseBackend) -> Vec<Statement> {
    let (uuid, time) = crate::db::column_types(backend);
    [
        format!(
            "CREATE TABLE IF NOT EXISTS {WEBHOOKS_TABLE} (\
             id {uuid} PRIMARY KEY, \
             organization_id {uuid} NOT NULL, \
             name TEXT NOT NULL, \
             url TEXT NOT NULL, \
             events TEXT NOT NULL, \
             secret_enc TEXT NOT NULL, \
             active BOOLEAN NOT NULL, \
             retry_max BIGINT NOT NULL, \
             timeout_sec BIGINT NOT NULL, \
             created_at {time} NOT NULL, \
             updated_at {time} NOT NULL, \
             last_triggered_at {time}, \
             success_count BIGINT NOT NULL DEFAULT 0, \
             failure_count BIGINT NOT NULL DEFAULT 0, \
             deleted_at {time})"
        ),
        format!(
            "CREATE INDEX IF NOT EXISTS {WEBHOOKS_TABLE}_organization \
             ON {WEBHOOKS_TABLE} (organization_id)"
        ),
        // Times of the queue are Unix milliseconds: the lease arithmetic is the same
        // integer expression on both backends.
        format!(
            "CREATE TABLE IF NOT EXISTS {DELIVERIES_TABLE} (\
             id {uuid} PRIMARY KEY, \
             webhook_id {uuid} NOT NULL, \
             organization_id {uuid} NOT NULL, \
             event TEXT NOT NULL, \
             event_sequence BIGINT, \
             occurred_at TEXT NOT NULL, \
             payload TEXT NOT NULL, \
             attempt_count BIGINT NOT NULL DEFAULT 0, \
             status TEXT NOT NULL, \
             next_attempt_at BIGINT NOT NULL, \
             locked_until BIGINT, \
             leased_by {uuid}, \
             last_status BIGINT, \
             last_error TEXT, \
             response_excerpt TEXT, \
             created_at BIGINT NOT NULL, \
             delivered_at BIGINT)"
        ),
        format!(
            "CREATE INDEX IF NOT EXISTS {DELIVERIES_TABLE}_due \
             ON {DELIVERIES_TABLE} (status, next_attempt_at)"
        ),
        format!(
            "CREATE INDEX IF NOT EXISTS {DELIVERIES_TABLE}_webhook \
             ON {DELIVERIES_TABLE} (webhook_id, created_at)"
        ),
    ]
    .into_iter()
    .map(|sql| Statement::from_string(backend, sql))
    .collect()
}

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// `text` cut to at most `max` characters (on a character boundary).
pub(crate) fn truncated(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => text[..end].to_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_four_to_the_attempt_capped_at_an_hour() {
        let schedule = RetrySchedule::default();
        assert_eq!(schedule.delay(1), Duration::from_secs(4));
        assert_eq!(schedule.delay(2), Duration::from_secs(16));
        assert_eq!(schedule.delay(3), Duration::from_secs(64));
        assert_eq!(schedule.delay(5), Duration::from_secs(1024));
        assert_eq!(schedule.delay(6), Duration::from_secs(3600));
        assert_eq!(schedule.delay(10), Duration::from_secs(3600));
        let fast = RetrySchedule {
            unit: Duration::from_millis(10),
        };
        assert_eq!(fast.delay(2), Duration::from_millis(160));
    }

    #[test]
    fn settings_come_from_the_environment_and_refuse_nonsense() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            WebhookSettings::from_lookup(vars(&[])),
            Ok(WebhookSettings::default())
        );
        let set = WebhookSettings::from_lookup(vars(&[
            (WORKERS_ENV, "16"),
            (POLL_ENV, "50"),
            (RETRY_UNIT_ENV, "10"),
        ]))
        .expect("valid");
        assert_eq!(set.workers, 16);
        assert_eq!(set.poll, Duration::from_millis(50));
        assert_eq!(set.retry.unit, Duration::from_millis(10));
        for (name, value) in [
            (WORKERS_ENV, "many"),
            (WORKERS_ENV, "100000"),
            (POLL_ENV, "0"),
            (RETRY_UNIT_ENV, "-1"),
        ] {
            let error = WebhookSettings::from_lookup(|n: &str| (n == name).then(|| value.into()))
                .expect_err("nonsense");
            assert!(error.contains(name), "{error}");
        }
    }

    #[test]
    fn truncation_keeps_whole_characters() {
        assert_eq!(truncated("héllo", 2), "hé");
        assert_eq!(truncated("abc", 10), "abc");
    }
}
