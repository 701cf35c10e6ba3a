//! Isolation of guest work (issue 11): guests run on the sandbox's own bounded pool, never on
//! the caller's async workers; a full pool refuses at once with `sandbox_busy`; a looping
//! guest gives its worker back at its deadline. Each test has its own small sandbox, so the
//! pool's load is the test's alone. Only generous sanity bounds on time; the latency targets
//! are measured by `cargo xtask bench-isolation`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use metacore_runtime::{
    DispatchError, DispatchErrorCode, Dispatcher, HandlerOutcome, Sandbox, SandboxConfig,
};
use serde_json::json;
use tokio::task::JoinHandle;
use uuid::Uuid;

use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

use crate::support::{action, addon, caller, calling_guest, dispatcher_on, guest, services};

const SPIN: &str = r#"
    (func (export "spin") (param i32 i32) (result i64)
      (loop $forever br $forever)
      i64.const 0)
"#;

/// A sandbox whose pool has `threads` workers and admits `max_in_flight` calls.
fn small_sandbox(threads: usize, max_in_flight: usize) -> Arc<Sandbox> {
    Sandbox::new(SandboxConfig {
        max_instances: 8,
        pool_threads: threads,
        max_in_flight,
        ..SandboxConfig::default()
    })
    .expect("the sandbox starts")
}

/// A dispatcher on `sandbox` with actions `echo` and `spin`; calls end after `timeout_ms`.
fn spinner(sandbox: &Arc<Sandbox>, timeout_ms: u64) -> Dispatcher {
    let mut addon = addon("spinner", &["echo", "spin"]);
    addon.backend.timeout_ms = timeout_ms;
    dispatcher_on(sandbox, addon, &guest(SPIN), services(None, false))
}

/// Starts `function` on a task of the caller's runtime.
fn start(
    dispatcher: &Dispatcher,
    function: &'static str,
) -> JoinHandle<Result<HandlerOutcome, DispatchError>> {
    let dispatcher = dispatcher.clone();
    let who = caller(Uuid::new_v4(), BTreeMap::new());
    tokio::spawn(async move {
        dispatcher
            .action(action("spinner", function, json!({}), &who))
            .await
    })
}

/// Waits (on the caller's runtime) until `sandbox` has `n` invocations in flight.
async fn until_in_flight(sandbox: &Sandbox, n: usize) {
    let started = Instant::now();
    while sandbox.in_flight() != n {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{} invocations in flight, expected {n}",
            sandbox.in_flight()
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

async fn echo(dispatcher: &Dispatcher) -> Result<HandlerOutcome, DispatchError> {
    let who = caller(Uuid::new_v4(), BTreeMap::new());
    dispatcher
        .action(action("spinner", "echo", json!({"n": 1}), &who))
        .await
}

/// The lines guests logged (`metacore::addon` events), with the name of the thread that
/// logged each; recorded by a process-wide subscriber installed on first use.
fn guest_lines() -> &'static Mutex<Vec<(String, String)>> {
    static LINES: OnceLock<&'static Mutex<Vec<(String, String)>>> = OnceLock::new();
    LINES.get_or_init(|| {
        let lines: &'static Mutex<Vec<(String, String)>> = Box::leak(Box::default());
        let subscriber = tracing_subscriber::registry().with(GuestLines(lines));
        tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
        lines
    })
}

struct GuestLines(&'static Mutex<Vec<(String, String)>>);

impl<S: tracing::Subscriber> Layer<S> for GuestLines {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        struct Message(String);
        impl Visit for Message {
            fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" {
                    self.0 = format!("{value:?}");
                }
            }
        }
        if event.metadata().target() != "metacore::addon" {
            return;
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        let thread = std::thread::current().name().unwrap_or("").to_string();
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push((thread, message.0));
    }
}

#[tokio::test]
async fn guest_code_runs_on_the_pool_threads() {
    let lines = guest_lines();
    let marker = format!("where am I {}", Uuid::new_v4());
    let sandbox = small_sandbox(1, 4);
    let wasm = calling_guest(&[("log", vec![marker.clone()])]);
    let dispatcher = dispatcher_on(
        &sandbox,
        addon("hosted", &["run"]),
        &wasm,
        services(None, false),
    );
    let who = caller(Uuid::new_v4(), BTreeMap::new());
    let outcome = dispatcher
        .action(action("hosted", "run", json!({}), &who))
        .await
        .expect("the handler runs");
    assert!(outcome.is_success());
    let threads: Vec<String> = lines
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .iter()
        .filter(|(_, line)| *line == marker)
        .map(|(thread, _)| thread.clone())
        .collect();
    assert_eq!(
        threads,
        ["metacore-wasm"],
        "the guest's host call ran on the pool"
    );
}

/// The default `#[tokio::test]` runtime has one thread, and the loop runs while it keeps
/// serving: a timer and a second guest call (on the pool's single worker, which the loop gives
/// up at every epoch tick) finish before the loop's deadline, which then frees the pool.
#[tokio::test]
async fn an_infinite_loop_does_not_run_on_the_callers_runtime() {
    let sandbox = small_sandbox(1, 4);
    let dispatcher = spinner(&sandbox, 3_000);
    let spin = start(&dispatcher, "spin");
    until_in_flight(&sandbox, 1).await;

    tokio::time::sleep(Duration::from_millis(20)).await;
    let echoed = echo(&dispatcher)
        .await
        .expect("the echo runs beside the loop");
    assert!(echoed.is_success());
    assert!(
        !spin.is_finished(),
        "the loop ended before the caller got a turn"
    );
    assert_eq!(sandbox.in_flight(), 1);

    let error = spin
        .await
        .expect("the task ends")
        .expect_err("the loop cannot finish");
    assert_eq!(error.code, DispatchErrorCode::AddonTimeout, "{error}");
    until_in_flight(&sandbox, 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_pool_refuses_at_once_and_recovers_after_the_deadline() {
    let sandbox = small_sandbox(1, 2);
    let dispatcher = spinner(&sandbox, 1_000);
    let spins = [start(&dispatcher, "spin"), start(&dispatcher, "spin")];
    until_in_flight(&sandbox, 2).await;

    // A third call is refused without waiting for a slot; nothing of it ran.
    let refused = echo(&dispatcher).await.expect_err("the pool is full");
    assert_eq!(refused.code, DispatchErrorCode::SandboxBusy, "{refused}");
    assert_eq!(refused.code.as_str(), "sandbox_busy");
    assert_eq!(refused.code.http_status(), 503);
    assert_eq!(refused.code.retry_after(), Some(1));
    assert!(
        spins.iter().all(|spin| !spin.is_finished()),
        "the refusal came before the loops' deadline"
    );

    // At their deadline the loops give their worker back, and the pool serves again.
    for spin in spins {
        let error = spin
            .await
            .expect("the task ends")
            .expect_err("the loop cannot finish");
        assert_eq!(error.code, DispatchErrorCode::AddonTimeout, "{error}");
    }
    until_in_flight(&sandbox, 0).await;
    let echoed = echo(&dispatcher).await.expect("the pool recovered");
    assert!(echoed.is_success());
}

/// A call abandoned by its caller (a client that hung up) keeps its slot until its deadline
/// ends it: admission counts the work really running, not the callers still waiting.
#[tokio::test]
async fn an_abandoned_call_holds_its_slot_until_its_deadline() {
    let sandbox = small_sandbox(1, 1);
    let dispatcher = spinner(&sandbox, 500);
    let spin = start(&dispatcher, "spin");
    until_in_flight(&sandbox, 1).await;
    spin.abort();
    let refused = echo(&dispatcher).await.expect_err("the loop still runs");
    assert_eq!(refused.code, DispatchErrorCode::SandboxBusy, "{refused}");
    until_in_flight(&sandbox, 0).await;
    assert!(echo(&dispatcher).await.expect("a slot freed").is_success());
}

#[test]
fn the_pool_is_sized_from_the_environment() {
    use metacore_runtime::sandbox::{MAX_IN_FLIGHT_ENV, MAX_TIMEOUT, MAX_TIMEOUT_ENV, THREADS_ENV};
    let config = |vars: &[(&str, &str)]| {
        SandboxConfig::from_lookup(|name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        })
    };
    let defaults = config(&[]).expect("no variables");
    assert!(defaults.pool_threads >= 1);
    assert_eq!(defaults.max_in_flight, defaults.pool_threads * 8);
    let sized = config(&[(THREADS_ENV, "3")]).expect("valid");
    assert_eq!((sized.pool_threads, sized.max_in_flight), (3, 24));
    let sized = config(&[(THREADS_ENV, "3"), (MAX_IN_FLIGHT_ENV, " 5 ")]).expect("valid");
    assert_eq!((sized.pool_threads, sized.max_in_flight), (3, 5));
    for bad in ["0", "many", "-2"] {
        let error = config(&[(THREADS_ENV, bad)]).expect_err("refused");
        assert!(error.contains(THREADS_ENV), "{error}");
    }
    assert_eq!(defaults.max_timeout, MAX_TIMEOUT);
    let bounded = config(&[(MAX_TIMEOUT_ENV, "1500")]).expect("valid");
    assert_eq!(bounded.max_timeout, Duration::from_millis(1500));
    for bad in ["0", "60001", "soon"] {
        let error = config(&[(MAX_TIMEOUT_ENV, bad)]).expect_err("refused");
        assert!(error.contains(MAX_TIMEOUT_ENV), "{error}");
    }
}
