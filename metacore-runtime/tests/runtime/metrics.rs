//! The metrics the sandbox's code paths record (`runtime.md` §13), read back from the
//! dispatcher's own registry: each WASM call by addon and result, each host import call,
//! each capability violation by kind and mode, each egress refusal by reason, and the
//! events a successful call committed.

use std::collections::BTreeMap;

use metacore_runtime::{DispatchErrorCode, Dispatcher, HandlerOutcome};
use serde_json::json;
use uuid::Uuid;

use crate::support::{action, addon, caller, calling_guest, dispatcher, grant, guest, services};

/// The value of the exposition line `series` (e.g. `events_written_total`), 0 when absent.
fn value(dispatcher: &Dispatcher, series: &str) -> u64 {
    let text = dispatcher.services().metrics.encode();
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0, |v| v.parse().unwrap_or_else(|_| panic!("{series}: {v}")))
}

#[tokio::test]
async fn host_calls_violations_and_egress_refusals_are_counted() {
    // A granted fetch the egress guard refuses (loopback), an undeclared fetch, an
    // undeclared event, a log line; the handler itself succeeds.
    let wasm = calling_guest(&[
        (
            "http_fetch",
            vec!["http://127.0.0.1:9/".into(), "GET".into(), String::new()],
        ),
        (
            "http_fetch",
            vec![
                "https://undeclared.example/".into(),
                "GET".into(),
                String::new(),
            ],
        ),
        ("event_emit", vec!["hosted.pinged".into(), "{}".into()]),
        ("log", vec!["done".into()]),
    ]);
    let mut hosted = addon("hosted", &["run"]);
    grant(&mut hosted, "http:fetch", "127.0.0.1:9");
    let dispatcher = dispatcher(hosted, &wasm, services(None, false));
    let who = caller(Uuid::new_v4(), BTreeMap::new());
    let outcome = dispatcher
        .action(action("hosted", "run", json!({}), &who))
        .await
        .expect("the call completes");
    assert!(
        matches!(outcome, HandlerOutcome::Success { .. }),
        "{outcome:?}"
    );

    for (series, expected) in [
        (r#"wasm_host_calls_total{import="http_fetch"}"#, 2),
        (r#"wasm_host_calls_total{import="event_emit"}"#, 1),
        (r#"wasm_host_calls_total{import="log"}"#, 1),
        (
            r#"capability_violations_total{addon="hosted",kind="http:fetch",mode="enforce"}"#,
            1,
        ),
        (
            r#"capability_violations_total{addon="hosted",kind="event:emit",mode="enforce"}"#,
            1,
        ),
        (r#"egress_refused_total{reason="blocked_address"}"#, 1),
        (r#"wasm_invocations_total{addon="hosted",result="ok"}"#, 1),
        (
            r#"wasm_invocation_duration_seconds_count{addon="hosted"}"#,
            1,
        ),
        // The refused event was never emitted.
        ("events_written_total", 0),
    ] {
        assert_eq!(
            value(&dispatcher, series),
            expected,
            "{series} in:\n{}",
            dispatcher.services().metrics.encode()
        );
    }
}

#[tokio::test]
async fn invocations_are_counted_by_result_and_committed_events_by_number() {
    const GUEST: &str = r#"
        (func (export "boom") (param i32 i32) (result i64)
          unreachable)
        (func (export "spin") (param i32 i32) (result i64)
          (loop $forever br $forever)
          i64.const 0)
        (data (i32.const 4096) "{\"success\":false,\"error\":{\"code\":\"no\",\"message\":\"no\"}}")
        (func (export "decline") (param i32 i32) (result i64)
          i64.const 17592186044470)
    "#;
    let mut counted = addon("counted", &["echo", "boom", "spin", "decline"]);
    counted.backend.timeout_ms = 200;
    let dispatcher = dispatcher(counted, &guest(GUEST), services(None, false));
    let who = caller(Uuid::new_v4(), BTreeMap::new());
    let run = |function: &'static str| {
        let dispatcher = dispatcher.clone();
        let who = who.clone();
        async move {
            dispatcher
                .action(action("counted", function, json!({}), &who))
                .await
        }
    };
    assert!(run("echo").await.is_ok());
    assert_eq!(
        run("boom").await.expect_err("traps").code,
        DispatchErrorCode::AddonTrap
    );
    assert_eq!(
        run("spin").await.expect_err("times out").code,
        DispatchErrorCode::AddonTimeout
    );
    assert!(matches!(
        run("decline").await,
        Ok(HandlerOutcome::Declined(_))
    ));
    for result in ["ok", "trap", "timeout", "declined"] {
        let series = format!(r#"wasm_invocations_total{{addon="counted",result="{result}"}}"#);
        assert_eq!(value(&dispatcher, &series), 1, "{series}");
    }
    assert_eq!(
        value(
            &dispatcher,
            r#"wasm_invocation_duration_seconds_count{addon="counted"}"#
        ),
        4
    );

    // Two events emitted by one successful call: both counted once committed.
    let wasm = calling_guest(&[
        ("event_emit", vec!["emitter.one".into(), "{}".into()]),
        ("event_emit", vec!["emitter.two".into(), "{}".into()]),
    ]);
    let mut emitter = addon("emitter", &["run"]);
    grant(&mut emitter, "event:emit", "emitter.*");
    let emitting = crate::support::dispatcher(emitter, &wasm, services(None, false));
    emitting
        .action(action("emitter", "run", json!({}), &who))
        .await
        .expect("the call succeeds");
    assert_eq!(value(&emitting, "events_written_total"), 2);
}
