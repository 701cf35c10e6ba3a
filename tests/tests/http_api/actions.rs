//! Actions and tools over HTTP, run by the showcase addon's real WASM backend
//! (`manifests/showcase/backend/backend.wat`): echo handlers of both signatures, a decline,
//! capability checks, record loading and tenancy, tool input validation; a full WASM pool
//! answering 503 with `Retry-After` while the API stays responsive.

use std::sync::Arc;
use std::time::{Duration, Instant};

use metacore_runtime::{testing, Sandbox, SandboxConfig};
use serde_json::{json, Value};

use super::support::{assert_error, databases, Server, ORG_A, ORG_B};

/// `backend.wasm` is `backend.wat` compiled; `METACORE_UPDATE=1` rewrites it.
#[test]
fn committed_backend_wasm_is_its_wat() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests/showcase/backend");
    let compiled = wat::parse_file(dir.join("backend.wat")).expect("backend.wat is valid WAT");
    if std::env::var_os("METACORE_UPDATE").is_some() {
        std::fs::write(dir.join("backend.wasm"), &compiled).expect("backend.wasm is writable");
        return;
    }
    let committed = std::fs::read(dir.join("backend.wasm")).unwrap_or_default();
    assert!(
        committed == compiled,
        "manifests/showcase/backend/backend.wasm is stale: run `cargo xtask codegen`"
    );
}

#[tokio::test]
async fn actions_and_tools_run_the_wasm_backend_on_every_backend() {
    for (backend, db) in databases("http_actions").await {
        eprintln!("backend: {backend}");
        let server = Server::start(db).await;
        actions(&server).await;
        tools(&server).await;
    }
}

async fn actions(server: &Server) {
    let admin = server.token(Some(ORG_A), "admin", &[]);
    let other = server.token(Some(ORG_B), "admin", &[]);
    let clerk = server.token(Some(ORG_A), "clerk", &[]);
    let granted = server.token(Some(ORG_A), "guest", &["customers.echo"]);
    let id = server.create_customer(&admin, "Ada").await;

    // Row action, (ptr, len) signature: the handler echoes the invocation document.
    let path = format!("/api/data/customers/{id}/action/echo");
    let echoed = server
        .send("POST", &path, Some(&granted), Some(&json!({"note": "hi"})))
        .await;
    assert_eq!(echoed.status, 200, "{}", echoed.text);
    let doc = &echoed.body["data"];
    assert_eq!(doc["invocation"], "action");
    assert_eq!(doc["addon_key"], "showcase");
    assert_eq!(doc["org_id"], ORG_A.to_string());
    assert_eq!(doc["action"], "echo");
    assert_eq!(doc["record_id"], id.as_str());
    assert_eq!(doc["record"]["name"], "Ada", "the loaded record is sent");
    assert_eq!(doc["payload"], json!({"note": "hi"}));
    let meta = &echoed.body["meta"];
    assert_eq!(
        (
            &meta["model"],
            &meta["action"],
            &meta["trigger_type"],
            &meta["rolled_back"]
        ),
        (
            &json!("customers"),
            &json!("echo"),
            &json!("wasm"),
            &json!(false)
        )
    );
    assert!(meta["duration_ms"].is_u64());

    // The /api/dynamic alias and an empty body (`{}`).
    let aliased = server
        .send(
            "POST",
            &format!("/api/dynamic/customers/{id}/action/echo"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(aliased.status, 200, "{}", aliased.text);
    assert_eq!(aliased.body["data"]["payload"], json!({}));

    // Collection action, packed i64 signature: no record.
    let packed = server
        .send(
            "POST",
            "/api/data/customers/action/echo_packed",
            Some(&admin),
            Some(&json!({"n": 1})),
        )
        .await;
    assert_eq!(packed.status, 200, "{}", packed.text);
    assert_eq!(packed.body["data"]["action"], "echo_packed");
    assert_eq!(packed.body["data"]["payload"], json!({"n": 1}));
    assert_eq!(packed.body["data"]["record_id"], Value::Null);

    // A row action needs a record.
    assert_error(
        &server
            .send(
                "POST",
                "/api/data/customers/action/echo",
                Some(&admin),
                None,
            )
            .await,
        400,
        "record_required",
    );
    // The addon declines: 422 with its code, field errors and meta.
    let vetted = server
        .send(
            "POST",
            &format!("/api/data/customers/{id}/action/vet"),
            Some(&admin),
            Some(&json!({"reason": "suspected fraud"})),
        )
        .await;
    assert_error(&vetted, 422, "not_vetted");
    assert_eq!(vetted.body["errors"]["reason"][0]["code"], "rejected");
    assert_eq!(vetted.body["meta"]["rolled_back"], true);
    // The same handler approves any other reason.
    let approved = server
        .send(
            "POST",
            &format!("/api/data/customers/{id}/action/vet"),
            Some(&admin),
            Some(&json!({"reason": "a known customer"})),
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    // The form is checked before the handler runs: required fields, then the kind of each
    // value.
    let missing = server
        .send(
            "POST",
            &format!("/api/data/customers/{id}/action/vet"),
            Some(&admin),
            None,
        )
        .await;
    assert_error(&missing, 422, "validation_failed");
    assert_eq!(missing.body["errors"]["reason"][0]["code"], "required");
    let invalid = server
        .send(
            "POST",
            &format!("/api/data/customers/{id}/action/vet"),
            Some(&admin),
            Some(&json!({"reason": 5})),
        )
        .await;
    assert_error(&invalid, 422, "validation_failed");
    assert_eq!(invalid.body["errors"]["reason"][0]["code"], "invalid");

    // Capability before data: a clerk may not echo; no token is 401.
    let denied = server.send("POST", &path, Some(&clerk), None).await;
    assert_error(&denied, 403, "permission_denied");
    assert_eq!(denied.body["error"]["capability"], "customers.echo");
    assert_error(
        &server.send("POST", &path, None, None).await,
        401,
        "unauthorized",
    );
    // Another organisation's record is not found; so are unknown actions and records.
    assert_error(
        &server.send("POST", &path, Some(&other), None).await,
        404,
        "record_not_found",
    );
    assert_error(
        &server
            .send(
                "POST",
                &format!("/api/data/customers/{id}/action/nope"),
                Some(&admin),
                None,
            )
            .await,
        404,
        "action_not_found",
    );
    let nobody = uuid::Uuid::new_v4();
    assert_error(
        &server
            .send(
                "POST",
                &format!("/api/data/customers/{nobody}/action/echo"),
                Some(&admin),
                None,
            )
            .await,
        404,
        "record_not_found",
    );
    // A body that is not an object is 400.
    let array = server
        .send("POST", &path, Some(&admin), Some(&json!([1, 2])))
        .await;
    assert_error(&array, 400, "invalid_json");
}

async fn tools(server: &Server) {
    let admin = server.token(Some(ORG_A), "admin", &[]);
    let guest = server.token(Some(ORG_A), "guest", &[]);
    let granted = server.token(Some(ORG_A), "guest", &["showcase.tools.echo_tool"]);

    let listed = server
        .send(
            "GET",
            "/api/metacore/tools?addon_key=showcase",
            Some(&granted),
            None,
        )
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.body["data"][0]["key"], "echo_tool");
    assert_eq!(listed.body["data"][0]["handler_type"], "wasm");
    let hidden = server
        .send("GET", "/api/metacore/tools", Some(&guest), None)
        .await;
    assert_eq!(
        hidden.body["data"],
        json!([]),
        "only tools the caller may run"
    );

    let path = "/api/metacore/tools/showcase/echo_tool";
    let called = server
        .send(
            "POST",
            path,
            Some(&granted),
            Some(&json!({"text": "hello"})),
        )
        .await;
    assert_eq!(called.status, 200, "{}", called.text);
    assert_eq!(called.body["data"]["invocation"], "tool");
    assert_eq!(called.body["data"]["payload"], json!({"text": "hello"}));
    assert_eq!(called.body["meta"]["tool"], "echo_tool");
    // `{"parameters": …}` and the kernel-compatible route.
    let wrapped = server
        .send(
            "POST",
            path,
            Some(&admin),
            Some(&json!({"parameters": {"text": "w"}})),
        )
        .await;
    assert_eq!(wrapped.body["data"]["payload"], json!({"text": "w"}));
    let executed = server
        .send(
            "POST",
            "/api/metacore/tools/execute",
            Some(&admin),
            Some(&json!({"addon_key": "showcase", "tool_id": "echo_tool", "parameters": {"text": "k"}})),
        )
        .await;
    assert_eq!(executed.status, 200, "{}", executed.text);
    assert_eq!(executed.body["data"]["payload"], json!({"text": "k"}));

    // The input schema: `text` is required and non-empty.
    let invalid = server
        .send("POST", path, Some(&admin), Some(&json!({"text": ""})))
        .await;
    assert_error(&invalid, 422, "validation_failed");
    assert!(
        invalid.body["errors"]["text"].is_array(),
        "{}",
        invalid.text
    );
    let absent = server.send("POST", path, Some(&admin), None).await;
    assert_error(&absent, 422, "validation_failed");
    assert!(absent.body["errors"]["input"].is_array(), "{}", absent.text);

    assert_error(
        &server.send("POST", path, Some(&guest), None).await,
        403,
        "permission_denied",
    );
    assert_error(
        &server
            .send(
                "POST",
                "/api/metacore/tools/showcase/nope",
                Some(&admin),
                None,
            )
            .await,
        404,
        "tool_not_found",
    );
    assert_error(
        &server
            .send(
                "POST",
                "/api/metacore/tools/nobody/echo_tool",
                Some(&admin),
                None,
            )
            .await,
        404,
        "tool_not_found",
    );
}

/// The showcase's `spin` tool loops until its deadline. With a pool of one worker admitting one
/// call, a second call is refused at once with 503 `sandbox_busy` and `Retry-After` while the
/// server, on this test's single-threaded runtime, keeps answering; after the deadline (504)
/// the pool serves again.
#[tokio::test]
async fn a_full_wasm_pool_answers_503_with_retry_after_and_recovers() {
    let sandbox = Sandbox::new(SandboxConfig {
        max_instances: 8,
        pool_threads: 1,
        max_in_flight: 1,
        max_timeout: Duration::from_secs(1),
        ..SandboxConfig::default()
    })
    .expect("the sandbox starts");
    let server =
        Arc::new(Server::start_on(testing::sqlite_database("http_busy").await, &sandbox).await);
    let admin = server.token(Some(ORG_A), "admin", &[]);
    let spin = {
        let (server, admin) = (server.clone(), admin.clone());
        tokio::spawn(async move {
            server
                .send(
                    "POST",
                    "/api/metacore/tools/showcase/spin",
                    Some(&admin),
                    None,
                )
                .await
        })
    };
    let started = Instant::now();
    while sandbox.in_flight() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the spin never started"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }

    let health = server.send("GET", "/api/health", None, None).await;
    assert_eq!(health.status, 200, "{}", health.text);
    let echo = json!({"text": "hi"});
    let busy = server
        .send(
            "POST",
            "/api/metacore/tools/showcase/echo_tool",
            Some(&admin),
            Some(&echo),
        )
        .await;
    assert_error(&busy, 503, "sandbox_busy");
    assert_eq!(
        busy.headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1"),
        "{:?}",
        busy.headers
    );
    assert_eq!(busy.body["meta"]["tool"], "echo_tool", "{}", busy.text);
    assert!(
        !spin.is_finished(),
        "the refusal came before the loop's deadline"
    );

    let spun = spin.await.expect("the spin request ends");
    assert_error(&spun, 504, "addon_timeout");
    while sandbox.in_flight() > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the pool never drained"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let echoed = server
        .send(
            "POST",
            "/api/metacore/tools/showcase/echo_tool",
            Some(&admin),
            Some(&echo),
        )
        .await;
    assert_eq!(echoed.status, 200, "{}", echoed.text);
}
