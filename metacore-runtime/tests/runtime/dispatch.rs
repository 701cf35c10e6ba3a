//! Dispatch through the [`Dispatcher`]: both handler signatures, tools with schema
//! validation, limits (deadline, memory, stack), isolation of failures, steady memory and
//! concurrent callers, and webhook handlers with a verified signature.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use metacore_runtime::signing::{verify, SignedParts};
use metacore_runtime::{DispatchErrorCode, HandlerOutcome, ToolCall};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::support::{
    action, addon, caller, dispatcher, guest, json_response, serve, services, webhook_action,
    SECRET,
};

const LIMITS_GUEST: &str = r#"
    (func (export "spin") (param i32 i32) (result i64)
      (loop $forever br $forever)
      i64.const 0)
    (func (export "grow") (param i32 i32) (result i64)
      (loop $more
        (if (i32.eq (memory.grow (i32.const 16)) (i32.const -1)) (then unreachable))
        br $more)
      i64.const 0)
    (func $recurse (export "recurse") (param i32 i32) (result i64)
      local.get 0
      local.get 1
      call $recurse)
"#;

fn data(outcome: HandlerOutcome) -> Value {
    match outcome {
        HandlerOutcome::Success { data, .. } => data,
        HandlerOutcome::Declined(e) => panic!("declined: {e:?}"),
    }
}

#[tokio::test]
async fn echo_handlers_of_both_signatures_receive_the_invocation_document() {
    let dispatcher = dispatcher(
        addon("echoer", &["echo", "echo_packed"]),
        &guest(""),
        services(None, false),
    );
    let org = Uuid::new_v4();
    let who = caller(org, BTreeMap::new());
    for function in ["echo", "echo_packed"] {
        let doc = data(
            dispatcher
                .action(action("echoer", function, json!({"note": "hi"}), &who))
                .await
                .expect("dispatch succeeds"),
        );
        assert_eq!(doc["invocation"], "action");
        assert_eq!(doc["action"], function);
        assert_eq!(doc["model"], "notes");
        assert_eq!(doc["model_key"], "Note");
        assert_eq!(doc["hook"], format!("notes::{function}"));
        assert_eq!(doc["payload"], json!({"note": "hi"}));
        assert_eq!(doc["org_id"], org.to_string());
        assert_eq!(doc["tenant"], org.to_string());
        assert_eq!(doc["host"], "metacore");
        assert_eq!(doc["record"], json!({"title": "t"}));
    }
}

#[tokio::test]
async fn tools_are_validated_against_their_input_schema() {
    let dispatcher = dispatcher(
        addon("echoer", &["echo"]),
        &guest(""),
        services(None, false),
    );
    let who = caller(Uuid::new_v4(), BTreeMap::new());
    let call = |input: Value| ToolCall {
        addon_key: "echoer".into(),
        tool_key: "echo_tool".into(),
        input,
        caller: who.clone(),
    };
    let doc = data(
        dispatcher
            .tool(call(json!({"text": "x"})))
            .await
            .expect("valid input"),
    );
    assert_eq!(doc["tool"], "echo_tool");
    assert_eq!(doc["parameters"], json!({"text": "x"}));
    let error = dispatcher
        .tool(call(json!({"text": 3})))
        .await
        .expect_err("invalid input");
    assert_eq!(error.code, DispatchErrorCode::InvalidInput);
    assert_eq!(error.code.http_status(), 422);
    assert!(error.details.is_some());
}

#[tokio::test]
async fn an_infinite_loop_times_out_within_the_deadline_and_the_next_call_works() {
    let mut addon = addon("limits", &["echo", "spin"]);
    addon.backend.timeout_ms = 300;
    let dispatcher = dispatcher(addon, &guest(LIMITS_GUEST), services(None, false));
    let who = caller(Uuid::new_v4(), BTreeMap::new());
    let started = Instant::now();
    let error = dispatcher
        .action(action("limits", "spin", json!({}), &who))
        .await
        .expect_err("the loop cannot finish");
    let elapsed = started.elapsed();
    assert_eq!(error.code, DispatchErrorCode::AddonTimeout, "{error}");
    assert_eq!(error.code.http_status(), 504);
    assert!(elapsed >= Duration::from_millis(290), "{elapsed:?}");
    // A sanity bound, not a latency target (those are `cargo xtask bench-isolation`'s):
    // far below what an unstopped loop would take, generous for a loaded machine.
    assert!(
        elapsed <= Duration::from_secs(3),
        "{elapsed:?}: the loop was not stopped at its deadline"
    );
    let doc = data(
        dispatcher
            .action(action("limits", "echo", json!({"after": true}), &who))
            .await
            .expect("a later call works"),
    );
    assert_eq!(doc["payload"], json!({"after": true}));
}

#[tokio::test]
async fn a_memory_grow_bomb_and_deep_recursion_trap_cleanly() {
    let mut addon = addon("limits", &["echo", "grow", "recurse"]);
    addon.backend.memory_limit_mb = 4;
    let dispatcher = dispatcher(addon, &guest(LIMITS_GUEST), services(None, false));
    let who = caller(Uuid::new_v4(), BTreeMap::new());
    for function in ["grow", "recurse"] {
        let error = dispatcher
            .action(action("limits", function, json!({}), &who))
            .await
            .expect_err("traps");
        assert_eq!(
            error.code,
            DispatchErrorCode::AddonTrap,
            "{function}: {error}"
        );
        assert!(!error.message.contains("backtrace"), "{}", error.message);
    }
    let recursion = dispatcher
        .action(action("limits", "recurse", json!({}), &who))
        .await
        .expect_err("traps");
    assert!(recursion.message.contains("stack"), "{}", recursion.message);
    data(
        dispatcher
            .action(action("limits", "echo", json!({}), &who))
            .await
            .expect("later calls work"),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_concurrent_callers() {
    let dispatcher = dispatcher(
        addon("echoer", &["echo"]),
        &guest(""),
        services(None, false),
    );
    let who = caller(Uuid::new_v4(), BTreeMap::new());
    let tasks: Vec<_> = (0..8)
        .map(|caller_index| {
            let dispatcher = dispatcher.clone();
            let who = who.clone();
            tokio::spawn(async move {
                for call_index in 0..50 {
                    let payload = json!({"caller": caller_index, "call": call_index});
                    let doc = data(
                        dispatcher
                            .action(action("echoer", "echo", payload.clone(), &who))
                            .await
                            .expect("call"),
                    );
                    assert_eq!(doc["payload"], payload);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("caller task");
    }
}

#[tokio::test]
async fn a_webhook_handler_receives_a_signed_post() {
    let (addr, received) = serve(json_response(r#"{"success": true, "data": {"done": 1}}"#)).await;
    let mut addon = addon("hooked", &["echo"]);
    webhook_action(&mut addon, "echo", &format!("http://{addr}/hooks/run?x=1"));
    crate::support::grant(&mut addon, "http:fetch", &addr.to_string());
    let dispatcher = dispatcher(addon, &guest(""), services(None, true));
    let who = caller(Uuid::new_v4(), BTreeMap::new());
    let outcome = dispatcher
        .action(action("hooked", "echo", json!({"a": 1}), &who))
        .await
        .expect("webhook succeeds");
    assert_eq!(data(outcome), json!({"done": 1}));
    let request = received.await.expect("server task");
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/hooks/run?x=1");
    let header = |name: &str| request.headers.get(name).cloned().unwrap_or_default();
    assert_eq!(header("x-metacore-addon"), "hooked");
    assert_eq!(header("x-metacore-invocation"), "action");
    assert_eq!(header("x-metacore-event"), "action:notes::echo");
    assert_eq!(header("x-metacore-tenant"), who.org_id().to_string());
    let timestamp: i64 = header("x-metacore-timestamp").parse().expect("timestamp");
    let nonce = header("x-metacore-nonce");
    let parts = SignedParts {
        timestamp,
        method: &request.method,
        path_and_query: &request.path,
        nonce: &nonce,
        body: &request.body,
    };
    assert!(
        verify(SECRET, &parts, &header("x-metacore-signature")),
        "signature verifies"
    );
    let body: Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert_eq!(body["payload"], json!({"a": 1}));
    assert!(
        !format!("{request:?}").contains(SECRET),
        "the secret is never sent"
    );
}

#[tokio::test]
async fn a_webhook_to_loopback_is_refused_without_the_allow_list() {
    let mut addon = addon("hooked", &["echo"]);
    webhook_action(&mut addon, "echo", "http://127.0.0.1:9/hook");
    crate::support::grant(&mut addon, "http:fetch", "127.0.0.1:9");
    let dispatcher = dispatcher(addon, &guest(""), services(None, false));
    let who = caller(Uuid::new_v4(), BTreeMap::new());
    let error = dispatcher
        .action(action("hooked", "echo", json!({}), &who))
        .await
        .expect_err("refused");
    assert_eq!(error.code, DispatchErrorCode::WebhookFailed);
    assert!(
        error.message.contains("egress refused"),
        "{}",
        error.message
    );
}
