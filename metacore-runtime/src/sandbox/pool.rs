//! The dedicated pool WebAssembly invocations run on, apart from the API's async workers.
//!
//! A guest computes on the thread that polls its call: on the server's own tokio workers, two
//! infinite loops on two cores stalled every request until their deadline. [`Pool`] owns a
//! separate multi-thread tokio runtime (`threads` workers named `metacore-wasm`) and admits at
//! most `max_in_flight` invocations at once, running or waiting for a worker; one more is
//! refused at once with [`PoolError::Busy`] (the API answers 503 with `Retry-After`) instead
//! of queueing without bound.
//!
//! The invocation's I/O stays on the caller's runtime: every poll of the job enters the
//! caller's runtime context, so what the guest's host imports create there — database
//! connections, sockets, timers, spawned tasks — is registered with (and driven by) the
//! caller's runtime, whose workers are never blocked by guest code. Were they registered with
//! the pool runtime, a pool saturated by looping guests would leave their readiness events
//! unpolled, and a pooled database connection first opened by a guest would stall API requests
//! that reuse it. Only the guest's computation runs on the pool threads; it gives them up at
//! every epoch tick (see `module.rs`), so one looping guest cannot hold a worker from the
//! admitted calls queued behind it, and at its deadline at the latest.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::runtime::{Handle, Runtime};
use tokio::sync::{oneshot, Semaphore};

/// Why the pool did not run a job.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// Every admission slot is taken; retry later.
    #[error("the WebAssembly pool is busy ({0} invocations in flight)")]
    Busy(usize),
    /// The job ended without an answer (it panicked, or the pool shut down).
    #[error("the invocation stopped before it answered")]
    Lost,
}

/// A bounded pool of worker threads for guest code.
pub(crate) struct Pool {
    runtime: Option<Runtime>,
    admission: Arc<Semaphore>,
    capacity: usize,
}

impl Pool {
    /// A pool of `threads` workers admitting `max_in_flight` jobs (both at least 1).
    pub(crate) fn new(threads: usize, max_in_flight: usize) -> std::io::Result<Pool> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_name("metacore-wasm")
            .enable_all()
            .build()?;
        let capacity = max_in_flight.max(1);
        Ok(Pool {
            runtime: Some(runtime),
            admission: Arc::new(Semaphore::new(capacity)),
            capacity,
        })
    }

    /// Jobs admitted and not finished yet.
    pub(crate) fn in_flight(&self) -> usize {
        self.capacity
            .saturating_sub(self.admission.available_permits())
    }

    /// Runs `job` on the pool, its I/O on the caller's runtime, and waits for its output;
    /// [`PoolError::Busy`] at once when `max_in_flight` jobs are admitted already. A job
    /// whose caller stops waiting still runs to its end (guest calls end at their deadline)
    /// and keeps its admission slot until then.
    pub(crate) async fn run<T, F>(&self, job: F) -> Result<T, PoolError>
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let permit = self
            .admission
            .clone()
            .try_acquire_owned()
            .map_err(|_| PoolError::Busy(self.in_flight()))?;
        let runtime = self.runtime.as_ref().ok_or(PoolError::Lost)?;
        let (answer, answered) = oneshot::channel();
        let job = async move {
            let output = job.await;
            // The slot frees before the answer arrives, so the caller's next call is admitted.
            drop(permit);
            // An unwanted answer (the caller left) is dropped here, inside the caller's
            // runtime context, like everything else of the job.
            drop(answer.send(output));
        };
        runtime.spawn(InContext {
            caller: Handle::try_current().ok(),
            job: Box::pin(job),
        });
        answered.await.map_err(|_| PoolError::Lost)
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // Never blocks, so the last `Sandbox` may be dropped anywhere, even on a runtime.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// A job polled inside its caller's runtime context.
struct InContext {
    caller: Option<Handle>,
    job: Pin<Box<dyn Future<Output = ()> + Send>>,
}

impl Future for InContext {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let _entered = this.caller.as_ref().map(Handle::enter);
        this.job.as_mut().poll(cx)
    }
}
