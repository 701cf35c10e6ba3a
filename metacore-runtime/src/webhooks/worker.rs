//! The delivery workers `serve` starts, and the one code path every attempt takes
//! ([`Context::run`]) — the workers' and the API's synchronous test and replay.
//!
//! Each worker loops: claim one due delivery ([`queue::claim`]), attempt it, record the
//! outcome under its lease. An idle worker waits for a committed event of this process that
//! queued deliveries (the event bus, [`crate::events::Event::deliveries`]), for its poll
//! interval (deliveries queued by other processes, retries coming due, expired leases), or
//! for the stop signal. On stop it claims nothing more; the attempt in flight may finish
//! within the drain bound, else it is released (`pending` again, the attempt uncounted) so
//! another process takes it at once.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::deliver::{self, Message};
use super::queue::{self, Claimed, Outcome, Recorded};
use super::store::{self, WebhookError};
use super::RetrySchedule;
use crate::events::EventBus;
use crate::installations::MasterKey;
use crate::metrics::Metrics;
use crate::outbound::OutboundClient;

/// What an attempt needs: the database, the guarded client, the master key the secrets are
/// sealed under, the metrics and the retry schedule. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Context {
    /// The database of the queue.
    pub db: DatabaseConnection,
    /// The guarded outbound client (egress guard on every connection).
    pub client: OutboundClient,
    /// `METACORE_MASTER_KEY`.
    pub master_key: Option<MasterKey>,
    /// Where attempts are counted (`webhook_deliveries_total`).
    pub metrics: Metrics,
    /// When failed attempts are retried.
    pub retry: RetrySchedule,
}

/// The result of one attempt, as the API's synchronous routes answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempted {
    /// The delivery's status after it (`succeeded`, `pending` for a retry, `dead`).
    pub status: &'static str,
    /// The receiver's status code, if it answered.
    pub status_code: Option<u16>,
    /// Why it failed.
    pub error: Option<String>,
    /// How long it took.
    pub duration: Duration,
}

impl Context {
    /// Attempts `claimed` and records the outcome: a failure is retried per the schedule
    /// when `retry` is true, else it is final. A delivery whose webhook is gone or inactive
    /// is marked dead without an attempt (unless `even_inactive`: the test route).
    pub async fn run(
        &self,
        claimed: &Claimed,
        retry: bool,
        even_inactive: bool,
    ) -> Result<Attempted, String> {
        let target =
            match store::secret_of(&self.db, self.master_key.as_ref(), claimed.webhook_id).await {
                Ok(target) => target,
                // A secret that does not open (no or another master key) will not open on a
                // retry either: the delivery is dead, with the reason (never the secret).
                Err(WebhookError::Secret(reason)) => {
                    queue::abandon(&self.db, claimed, &reason)
                        .await
                        .map_err(|e| e.to_string())?;
                    self.metrics.webhook_delivery("dead", Duration::ZERO);
                    return Ok(Attempted {
                        status: super::STATUS_DEAD,
                        status_code: None,
                        error: Some(reason),
                        duration: Duration::ZERO,
                    });
                }
                Err(error) => return Err(error.to_string()),
            };
        let target = match target {
            Some(target) if !target.deleted && (target.webhook.active || even_inactive) => target,
            other => {
                let reason = match other {
                    Some(t) if t.deleted => "the webhook was deleted",
                    Some(_) => "the webhook is inactive",
                    None => "the webhook does not exist",
                };
                queue::abandon(&self.db, claimed, reason)
                    .await
                    .map_err(|e| e.to_string())?;
                return Ok(Attempted {
                    status: super::STATUS_DEAD,
                    status_code: None,
                    error: Some(reason.to_string()),
                    duration: Duration::ZERO,
                });
            }
        };
        let message = Message {
            delivery: claimed.id,
            event: &claimed.event,
            organization_id: claimed.organization_id,
            sequence: claimed.sequence,
            occurred_at: &claimed.occurred_at,
            payload: &claimed.payload,
        };
        let timeout = Duration::from_secs(target.webhook.timeout_sec.clamp(1, 60) as u64);
        let (outcome, duration) = deliver::attempt(
            &self.client,
            &target.webhook.url,
            &target.secret,
            timeout,
            &message,
        )
        .await;
        let wait = retry.then(|| self.retry.delay(claimed.attempt).as_millis() as i64);
        let recorded = queue::record(&self.db, claimed, &outcome, target.webhook.retry_max, wait)
            .await
            .map_err(|e| e.to_string())?;
        let label = match recorded {
            Recorded::Succeeded => Some("succeeded"),
            Recorded::Retry(_) => Some("failed"),
            Recorded::Dead => Some("dead"),
            Recorded::LeaseLost => None,
        };
        if let Some(label) = label {
            self.metrics.webhook_delivery(label, duration);
        }
        if !outcome.succeeded {
            tracing::info!(
                target: "metacore::webhooks",
                delivery = %claimed.id,
                webhook = %claimed.webhook_id,
                attempt = claimed.attempt,
                status = ?outcome.status,
                error = outcome.error.as_deref().unwrap_or(""),
                result = label.unwrap_or("lease_lost"),
                "webhook delivery failed"
            );
        }
        let Outcome { status, error, .. } = outcome;
        Ok(Attempted {
            status: recorded.status().unwrap_or(super::STATUS_IN_FLIGHT),
            status_code: status,
            error,
            duration,
        })
    }
}

/// The running workers of one process.
pub struct Workers {
    handles: Vec<JoinHandle<()>>,
    stop: Arc<watch::Sender<bool>>,
}

impl std::fmt::Debug for Workers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workers")
            .field("count", &self.handles.len())
            .finish()
    }
}

impl Workers {
    /// Starts `count` workers over `context`, woken by the events committed on `bus` that
    /// queued deliveries and every `poll`; each stops claiming once [`Workers::stopper`]
    /// fires and gives its attempt in flight at most `drain` before releasing it.
    pub fn start(
        context: Context,
        count: usize,
        poll: Duration,
        drain: Duration,
        bus: &EventBus,
    ) -> Workers {
        let (stop, _) = watch::channel(false);
        let stop = Arc::new(stop);
        let wake = Arc::new(Notify::new());
        let mut handles = Vec::with_capacity(count + 1);
        if count > 0 {
            let mut events = bus.subscribe();
            let wake = wake.clone();
            let mut stopped = stop.subscribe();
            handles.push(tokio::spawn(async move {
                loop {
                    tokio::select! {
                        received = events.recv() => match received {
                            // An event that queued no delivery gives the workers nothing to
                            // claim: waking all of them for each would cost a claim each.
                            Ok(event) if event.deliveries == 0 => {}
                            Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                                wake.notify_waiters();
                            }
                            Err(_) => break,
                        },
                        _ = stopped.wait_for(|s| *s) => break,
                    }
                }
            }));
        }
        for _ in 0..count {
            let worker = Worker {
                context: context.clone(),
                poll,
                drain,
                wake: wake.clone(),
                stop: stop.subscribe(),
            };
            handles.push(tokio::spawn(worker.run()));
        }
        Workers { handles, stop }
    }

    /// A handle that makes every worker stop claiming (send `true`).
    pub fn stopper(&self) -> Arc<watch::Sender<bool>> {
        self.stop.clone()
    }

    /// Stops the workers and waits for them, at most `bound` (then they are aborted: their
    /// leases expire and other processes take the rows). Whether they all ended in time.
    pub async fn shutdown(self, bound: Duration) -> bool {
        let _ = self.stop.send(true);
        let aborts: Vec<_> = self.handles.iter().map(|h| h.abort_handle()).collect();
        let joined = tokio::time::timeout(bound, futures_util::future::join_all(self.handles))
            .await
            .is_ok();
        if !joined {
            for handle in aborts {
                handle.abort();
            }
        }
        joined
    }
}

struct Worker {
    context: Context,
    poll: Duration,
    drain: Duration,
    wake: Arc<Notify>,
    stop: watch::Receiver<bool>,
}

impl Worker {
    async fn run(mut self) {
        loop {
            if *self.stop.borrow() {
                return;
            }
            let wake = self.wake.clone();
            let woken = wake.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            match queue::claim(&self.context.db, 1).await {
                Ok(claimed) if !claimed.is_empty() => {
                    for delivery in claimed {
                        self.attempt(&delivery).await;
                    }
                    continue;
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(target: "metacore::webhooks", %error, "cannot claim deliveries");
                }
            }
            tokio::select! {
                () = &mut woken => {}
                () = tokio::time::sleep(self.poll) => {}
                _ = self.stop.wait_for(|s| *s) => return,
            }
        }
    }

    /// Attempts `claimed`; once stopped, waits at most the drain bound, then releases it.
    async fn attempt(&self, claimed: &Claimed) {
        let mut stop = self.stop.clone();
        let drain = self.drain;
        let stopped_then_drained = async move {
            let _ = stop.wait_for(|s| *s).await;
            tokio::time::sleep(drain).await;
        };
        tokio::select! {
            result = self.context.run(claimed, true, false) => {
                if let Err(error) = result {
                    tracing::warn!(
                        target: "metacore::webhooks",
                        delivery = %claimed.id,
                        %error,
                        "cannot record a webhook delivery"
                    );
                }
            }
            () = stopped_then_drained => {
                match queue::release(&self.context.db, claimed).await {
                    Ok(_) => tracing::info!(
                        target: "metacore::webhooks",
                        delivery = %claimed.id,
                        "released a webhook delivery in flight at shutdown"
                    ),
                    Err(error) => tracing::warn!(
                        target: "metacore::webhooks",
                        delivery = %claimed.id,
                        %error,
                        "cannot release a webhook delivery; its lease will expire"
                    ),
                }
            }
        }
    }
}

/// Claims a new delivery of `message`'s event to webhook `webhook` for its first attempt
/// (inserted already leased, so no worker takes it meanwhile) and runs it now, even when
/// the webhook is inactive: the synchronous `test` (final: a failure is not retried) and
/// `replay` (retried like any other when it fails) routes.
pub async fn deliver_now(
    context: &Context,
    webhook: &store::Webhook,
    event: &str,
    sequence: Option<i64>,
    occurred_at: &str,
    payload: &str,
    test: bool,
) -> Result<(Uuid, Attempted), String> {
    let id = Uuid::new_v4();
    let token = Uuid::new_v4();
    let lease = 5_000 + 2_000 * webhook.timeout_sec;
    queue::insert(
        &context.db,
        &queue::NewDelivery {
            id,
            webhook_id: webhook.id,
            organization_id: webhook.organization_id,
            event,
            sequence,
            occurred_at,
            payload,
        },
        Some((token, lease)),
    )
    .await
    .map_err(|e| e.to_string())?;
    let claimed = Claimed {
        id,
        webhook_id: webhook.id,
        organization_id: webhook.organization_id,
        event: event.to_string(),
        sequence,
        occurred_at: occurred_at.to_string(),
        payload: payload.to_string(),
        attempt: 1,
        token,
    };
    let attempted = context.run(&claimed, !test, true).await?;
    Ok((id, attempted))
}
