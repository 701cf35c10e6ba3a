//! Each host import: denied without its capability, working with it.

use std::collections::BTreeMap;

use metacore_runtime::{Dispatcher, HandlerOutcome};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::support::{
    action, addon, caller, calling_guest, dispatcher, grant, json_response, serve, services,
};

async fn run(dispatcher: &Dispatcher, settings: BTreeMap<String, Value>) -> HandlerOutcome {
    let who = caller(Uuid::new_v4(), settings);
    dispatcher
        .action(action("hosted", "run", json!({}), &who))
        .await
        .expect("the call completes")
}

fn declined_message(outcome: HandlerOutcome) -> String {
    match outcome {
        HandlerOutcome::Declined(error) => error.message,
        other => panic!("expected a flat error, got {other:?}"),
    }
}

fn success(outcome: HandlerOutcome) -> Value {
    match outcome {
        HandlerOutcome::Success { data, .. } => data,
        other => panic!("expected success, got {other:?}"),
    }
}

#[tokio::test]
async fn log_and_env_get_need_no_capability() {
    let wasm = calling_guest(&[
        ("log", vec!["hello from the guest".into()]),
        ("log", vec!["a second line".into()]),
        ("env_get", vec!["limit".into()]),
    ]);
    let dispatcher = dispatcher(addon("hosted", &["run"]), &wasm, services(None, false));
    let settings = BTreeMap::from([("limit".to_string(), json!({"max": 3}))]);
    assert_eq!(success(run(&dispatcher, settings).await), json!({"max": 3}));
    // A missing setting returns 0: an empty, successful response.
    assert_eq!(
        success(run(&dispatcher, BTreeMap::new()).await),
        Value::Null
    );
}

#[tokio::test]
async fn env_get_exposes_identity_from_the_store() {
    let wasm = calling_guest(&[("env_get", vec!["metacore.org_id".into()])]);
    let dispatcher = dispatcher(addon("hosted", &["run"]), &wasm, services(None, false));
    let org = Uuid::new_v4();
    let who = caller(org, BTreeMap::new());
    let outcome = dispatcher
        .action(action("hosted", "run", json!({}), &who))
        .await;
    // The raw uuid text is not JSON: the host reports a bad response, proving the value
    // came back; the identity itself is checked through the document in `dispatch`.
    let error = outcome.expect_err("a bare uuid is not JSON");
    assert_eq!(error.code.as_str(), "bad_addon_response");
}

#[tokio::test]
async fn http_fetch_needs_its_capability_and_the_egress_guard_applies() {
    let (addr, received) = serve(json_response(r#"{"pong": true}"#)).await;
    let url = format!("http://{addr}/ping?q=1");
    let wasm = calling_guest(&[(
        "http_fetch",
        vec![url.clone(), "POST".into(), "{\"a\":1}".into()],
    )]);

    // Without the capability: forbidden.
    let denied = dispatcher(addon("hosted", &["run"]), &wasm, services(None, true));
    assert_eq!(
        declined_message(run(&denied, BTreeMap::new()).await),
        "forbidden"
    );

    // With it, and loopback allow-listed for the test: the request goes out.
    let mut allowed = addon("hosted", &["run"]);
    grant(&mut allowed, "http:fetch", &addr.to_string());
    let dispatcher = dispatcher(allowed.clone(), &wasm, services(None, true));
    let reply = success(run(&dispatcher, BTreeMap::new()).await);
    assert_eq!(reply["status"], 200);
    assert_eq!(reply["headers"]["content-type"], "application/json");
    assert_eq!(reply["body"], r#"{"pong": true}"#);
    let request = received.await.expect("server task");
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/ping?q=1");
    assert_eq!(request.headers["user-agent"], "metacore-addon/hosted");
    assert_eq!(request.body, br#"{"a":1}"#);

    // With the capability but without the allow-list: the SSRF guard refuses loopback.
    let guarded = crate::support::dispatcher(allowed, &wasm, services(None, false));
    assert_eq!(
        declined_message(run(&guarded, BTreeMap::new()).await),
        "forbidden"
    );
}

#[tokio::test]
async fn event_emit_needs_its_capability_and_publishes_after_success() {
    let wasm = calling_guest(&[(
        "event_emit",
        vec!["hosted.pinged".into(), "{\"n\":1}".into()],
    )]);
    let denied = dispatcher(addon("hosted", &["run"]), &wasm, services(None, false));
    assert_eq!(
        declined_message(run(&denied, BTreeMap::new()).await),
        "forbidden"
    );

    let mut allowed = addon("hosted", &["run"]);
    grant(&mut allowed, "event:emit", "hosted.*");
    let dispatcher = dispatcher(allowed, &wasm, services(None, false));
    let mut events = dispatcher.services().events.subscribe();
    let org = Uuid::new_v4();
    let who = caller(org, BTreeMap::new());
    let outcome = dispatcher
        .action(action("hosted", "run", json!({}), &who))
        .await
        .expect("call");
    assert_eq!(success(outcome), Value::Null);
    let event = events.try_recv().expect("the event was published");
    assert_eq!(event.topic, "hosted.pinged");
    assert_eq!(event.org_id, org);
    assert_eq!(event.producer, "hosted");
    assert_eq!(event.actor_id, who.user_id);
    assert_eq!(event.payload, json!({"n": 1}));
}

#[tokio::test]
async fn kv_is_namespaced_by_addon_and_organisation() {
    let database = crate::database::sqlite().await;
    metacore_runtime::cli::runtime_tables(&database)
        .await
        .expect("the runtime's own tables");
    let set_then_get = calling_guest(&[
        ("kv_set", vec!["counter".into(), "{\"v\":7}".into()]),
        ("kv_get", vec!["counter".into()]),
    ]);
    let get = calling_guest(&[("kv_get", vec!["counter".into()])]);
    let reserved = calling_guest(&[("kv_set", vec!["__host".into(), "1".into()])]);

    let org = Uuid::new_v4();
    let who = caller(org, BTreeMap::new());
    let call = |d: Dispatcher, who: metacore_runtime::CallerContext| async move {
        d.action(action("hosted", "run", json!({}), &who))
            .await
            .expect("call")
    };
    let writer = dispatcher(
        addon("hosted", &["run"]),
        &set_then_get,
        services(Some(database.clone()), false),
    );
    let stored = success(call(writer, who.clone()).await);
    assert_eq!(stored, json!({"found": true, "value": {"v": 7}}));

    let reader = dispatcher(
        addon("hosted", &["run"]),
        &get,
        services(Some(database.clone()), false),
    );
    let same_org = success(call(reader.clone(), who.clone()).await);
    assert_eq!(
        same_org["found"], true,
        "committed with the successful call"
    );
    let other_org = success(call(reader, caller(Uuid::new_v4(), BTreeMap::new())).await);
    assert_eq!(other_org, json!({"found": false, "value": null}));

    let other_addon = dispatcher(
        addon("otheraddon", &["run"]),
        &get,
        services(Some(database.clone()), false),
    );
    let outcome = other_addon
        .action(action("otheraddon", "run", json!({}), &who))
        .await
        .expect("call");
    assert_eq!(success(outcome)["found"], false);

    let host_key = dispatcher(
        addon("hosted", &["run"]),
        &reserved,
        services(Some(database), false),
    );
    let HandlerOutcome::Declined(error) = call(host_key, who).await else {
        panic!("reserved keys are refused")
    };
    assert_eq!(error.code, "forbidden");
}
