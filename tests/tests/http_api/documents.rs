//! Metadata, navigation, manifests, permissions and the OpenAPI document, as served.

use serde_json::Value;

use super::support::{assert_error, databases, Server, ORG_A};

#[tokio::test]
async fn documents_are_served_and_gated_per_caller() {
    let (_, db) = databases("http_documents").await.remove(0);
    let server = Server::start(db).await;
    let admin = server.token(Some(ORG_A), "admin", &[]);
    let clerk = server.token(Some(ORG_A), "clerk", &[]);

    let health = server.send("GET", "/api/health", None, None).await;
    assert_eq!(health.status, 200);
    assert_eq!(health.body["data"]["status"], "ok");

    let table = server
        .send("GET", "/api/metadata/table/customers", Some(&admin), None)
        .await;
    assert_eq!(table.status, 200, "{}", table.text);
    assert_eq!(table.body["data"]["endpoint"], "/data/customers");
    assert_eq!(table.body["data"]["canCreate"], true);
    let clerk_orders = server
        .send("GET", "/api/metadata/table/orders", Some(&clerk), None)
        .await;
    assert_eq!(
        clerk_orders.body["data"]["canCreate"], true,
        "clerks create orders"
    );
    let clerk_customers = server
        .send("GET", "/api/metadata/table/customers", Some(&clerk), None)
        .await;
    assert_eq!(clerk_customers.body["data"]["canCreate"], false);
    let keys: Vec<&str> = clerk_customers.body["data"]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["key"].as_str())
        .collect();
    assert_eq!(keys, ["view"], "only what the clerk may do");
    let modal = server
        .send("GET", "/api/metadata/modal/Customer", Some(&admin), None)
        .await;
    assert_eq!(modal.status, 200);
    assert!(modal.body["data"]["fields"].is_array());
    assert_error(
        &server
            .send("GET", "/api/metadata/table/nothing", Some(&admin), None)
            .await,
        404,
        "model_not_found",
    );

    let all = server
        .send("GET", "/api/metadata/all", Some(&clerk), None)
        .await;
    let tables = all.body["data"]["tables"].as_object().expect("tables");
    let mut routes: Vec<&String> = tables.keys().collect();
    routes.sort();
    assert_eq!(
        routes,
        ["customers", "orders"],
        "clerks list customers and orders only"
    );
    let everything = server
        .send("GET", "/api/metadata/all", Some(&admin), None)
        .await;
    assert!(
        everything.body["data"]["tables"]
            .as_object()
            .expect("tables")
            .len()
            >= 14
    );

    let navigation = server
        .send("GET", "/api/metacore/navigation", Some(&admin), None)
        .await;
    assert_eq!(navigation.status, 200);
    let groups = navigation.body.as_array().expect("a raw array");
    assert!(!groups.is_empty());
    let clerk_navigation = server
        .send("GET", "/api/metacore/navigation", Some(&clerk), None)
        .await;
    let urls: Vec<&str> = clerk_navigation
        .body
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| g["items"].as_array().into_iter().flatten())
        .filter_map(|i| i["url"].as_str())
        .collect();
    assert!(
        urls.iter().all(|u| !u.contains("tickets")),
        "no items the clerk cannot open: {urls:?}"
    );
    assert_eq!(
        server
            .send(
                "GET",
                "/api/metacore/navigation",
                Some(&server.token(None, "admin", &[])),
                None
            )
            .await
            .body,
        Value::Array(Vec::new())
    );
    assert_error(
        &server
            .send("GET", "/api/metacore/navigation", None, None)
            .await,
        401,
        "unauthorized",
    );

    let manifests = server
        .send("GET", "/api/metacore/manifests", Some(&clerk), None)
        .await;
    let keys: Vec<&str> = manifests
        .body
        .as_array()
        .expect("a raw array")
        .iter()
        .filter_map(|m| m["key"].as_str())
        .collect();
    assert!(
        keys.contains(&"showcase") && keys.contains(&"tickets"),
        "{keys:?}"
    );
    assert_eq!(manifests.headers["x-metacore-kernel-version"], "3.0.0");

    let me = server
        .send("GET", "/api/permissions/me", Some(&clerk), None)
        .await;
    assert_eq!(me.body["data"]["is_admin"], false);
    assert_eq!(
        me.body["data"]["permissions"],
        serde_json::json!(["customers.index", "orders.create", "orders.index"])
    );
    let admin_me = server
        .send("GET", "/api/permissions/me", Some(&admin), None)
        .await;
    assert_eq!(
        admin_me.body["data"]["permissions"],
        serde_json::json!(["*"])
    );

    let spec = server.send("GET", "/api/openapi.json", None, None).await;
    assert_eq!(spec.status, 200);
    let customer_row = &spec.body["components"]["schemas"]["ShowcaseCustomersRow"];
    assert_eq!(
        customer_row["properties"]["email"]["maxLength"], 120,
        "typed model schemas"
    );
    assert_eq!(customer_row["properties"]["id"]["format"], "uuid");
    assert!(spec.body["paths"]["/api/data/customers/{id}"]["put"].is_object());
    let docs = server.send("GET", "/docs", None, None).await;
    assert_eq!(docs.status, 200);
    assert!(docs.text.contains("swagger"), "Swagger UI at /docs");
    assert_error(
        &server.send("GET", "/api/nothing/here", None, None).await,
        404,
        "not_found",
    );
    assert_error(
        &server
            .send("DELETE", "/api/data/customers", Some(&admin), None)
            .await,
        405,
        "method_not_allowed",
    );
    // `Allow` lists what the served document declares for the path, whatever route it is.
    let id = "00000000-0000-4000-8000-000000000001";
    for (method, path, allow) in [
        ("DELETE", "/api/data/customers".to_string(), "GET, POST"),
        (
            "POST",
            format!("/api/data/customers/{id}"),
            "GET, PUT, PATCH, DELETE",
        ),
        ("GET", "/api/notifications/read-all".to_string(), "POST"),
        ("GET", format!("/api/notifications/{id}/read"), "POST"),
        ("DELETE", "/api/webhooks".to_string(), "GET, POST"),
        ("POST", format!("/api/webhooks/{id}"), "GET, PUT, DELETE"),
        ("GET", format!("/api/webhooks/{id}/rotate-secret"), "POST"),
        ("GET", "/api/permissions/roles/clerk".to_string(), "PUT"),
        ("DELETE", "/api/data/customers/export".to_string(), "GET"),
        ("DELETE", "/api/data/customers/import".to_string(), "POST"),
    ] {
        let reply = server.send(method, &path, Some(&admin), None).await;
        assert_error(&reply, 405, "method_not_allowed");
        assert_eq!(
            reply.headers.get("allow").and_then(|v| v.to_str().ok()),
            Some(allow),
            "{method} {path}"
        );
    }
}

/// `generated/openapi.json` is the spec the demo application (`metacore-demo`: the generated
/// addons and the hand-written `crm` addon) serves, byte for byte. `cargo xtask codegen`
/// rewrites it by running the `committed_` tests with `METACORE_UPDATE=1`; the comparisons
/// run in that mode too.
#[tokio::test]
async fn committed_openapi_json_is_the_served_spec() {
    let app = metacore_demo::app();
    let spec = metacore_runtime::api::server::spec_json((app.api)(), app.info(), &app.registry);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/openapi.json");
    if std::env::var_os("METACORE_UPDATE").is_some() {
        std::fs::write(&path, format!("{spec}\n")).expect("generated/openapi.json is writable");
    }
    // The hand-written `crm` addon's operations are grouped under its own tag too.
    let document: serde_json::Value = serde_json::from_str(&spec).expect("JSON");
    for (method, operation) in document["paths"]["/api/data/contacts"].as_object().unwrap() {
        assert_eq!(operation["tags"], serde_json::json!(["crm"]), "{method}");
    }
    assert!(document["tags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "crm"));
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == format!("{spec}\n"),
        "generated/openapi.json is stale: run `cargo xtask codegen` and commit the result"
    );
    let paths = serde_json::from_str::<Value>(&committed).expect("generated/openapi.json is JSON");
    assert!(
        paths["paths"]["/api/data/contacts"].is_object(),
        "the hand-written model's operations are in the spec"
    );

    // SQLite only: `cargo xtask codegen --check` runs this before any PostgreSQL is up.
    let db = metacore_runtime::testing::sqlite_database("http_openapi_file").await;
    metacore_runtime::cli::prepare(&db, app.migrate, &app.registry)
        .await
        .expect("the demo app migrates");
    let state = metacore_runtime::api::ApiState::new(
        db,
        app.registry,
        metacore_runtime::api::JwtKey::new("spec"),
        metacore_runtime::EventBus::default(),
        None,
    )
    .expect("state");
    let endpoint = metacore_runtime::cli::endpoint(&app, state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        let _ = metacore_runtime::cli::serve_on(listener, endpoint).await;
    });
    let _ = rustls::crypto::ring::default_provider().install_default();
    let served = reqwest::get(format!("http://{address}/api/openapi.json"))
        .await
        .expect("the spec is served")
        .text()
        .await
        .expect("a body");
    let served: Value = serde_json::from_str(&served).expect("JSON");
    assert_eq!(served, paths, "the served spec is the committed one");
}

#[tokio::test]
async fn readiness_on_sqlite() {
    readiness(metacore_runtime::testing::sqlite_database("http_ready").await).await;
}

#[tokio::test]
async fn readiness_on_postgres() {
    if let Some(db) = metacore_runtime::testing::postgres_database("http_ready").await {
        readiness(db).await;
    }
}

/// `/api/ready` is public and 200 while the database answers; 503 `not_ready` once it does not.
async fn readiness(db: sea_orm::DatabaseConnection) {
    let server = Server::start(db).await;
    let ready = server.send("GET", "/api/ready", None, None).await;
    assert_eq!(ready.status, 200, "{}", ready.text);
    assert_eq!(ready.body["data"]["status"], "ready");
    server
        .state
        .db()
        .close_by_ref()
        .await
        .expect("the pool closes");
    let gone = server.send("GET", "/api/ready", None, None).await;
    assert_error(&gone, 503, "not_ready");
    let health = server.send("GET", "/api/health", None, None).await;
    assert_eq!(health.status, 200, "health only says the process is up");
}
