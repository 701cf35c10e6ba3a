//! What an attack run found, each closed on a real socket: the body limit over HTTP/2
//! cleartext without `Content-Length`, client input PostgreSQL used to answer with a 500
//! (NUL bytes, out-of-range numbers and dates, comparisons on JSON columns), decimals that
//! went through `f64`, and model wildcards that granted tools and `rbac` permissions. The
//! database-bound cases run once per backend, as separate tests.

use metacore_runtime::testing;
use serde_json::{json, Value};

use super::support::{assert_error, Server, ORG_A};

/// Runs `$case` against a fresh server on SQLite (`$sqlite`) and on PostgreSQL
/// (`$postgres`, skipped with a note when no server is configured outside CI).
macro_rules! on_each_backend {
    ($case:ident: $sqlite:ident, $postgres:ident) => {
        #[tokio::test]
        async fn $sqlite() {
            let db = testing::sqlite_database("http_hardening").await;
            $case(&Server::start(db).await).await;
        }

        #[tokio::test]
        async fn $postgres() {
            if let Some(db) = testing::postgres_database("http_hardening").await {
                $case(&Server::start(db).await).await;
            }
        }
    };
}

on_each_backend!(model_wildcards_stay_within_their_model:
    model_wildcards_grant_no_tools_or_rbac_permissions_on_sqlite,
    model_wildcards_grant_no_tools_or_rbac_permissions_on_postgres);

async fn model_wildcards_stay_within_their_model(server: &Server) {
    // Addon `assets` has a model `assets` and tools `assets.tools.*`; addon `tickets` a
    // model `tickets` and the rbac permission `tickets.ticket.read`.
    let token = server.token(Some(ORG_A), "guest", &["assets.*", "tickets.*"]);
    let token = Some(token.as_str());
    let listed = server.send("GET", "/api/data/assets", token, None).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let tool = server
        .send(
            "POST",
            "/api/metacore/tools/assets/registrar-activo",
            token,
            Some(&json!({})),
        )
        .await;
    assert_error(&tool, 403, "permission_denied");
    assert_eq!(
        tool.body["error"]["capability"],
        "assets.tools.registrar-activo"
    );
    let tools = server
        .send("GET", "/api/metacore/tools?addon_key=assets", token, None)
        .await;
    assert_eq!(tools.status, 200, "{}", tools.text);
    assert!(
        !tools.text.contains("registrar-activo"),
        "a model wildcard lists no tool: {}",
        tools.text
    );
    let me = server.send("GET", "/api/permissions/me", token, None).await;
    let permissions: Vec<&str> = me.body["data"]["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(permissions.contains(&"assets.delete"), "{permissions:?}");
    assert!(permissions.contains(&"tickets.index"), "{permissions:?}");
    for denied in [
        "assets.tools.registrar-activo",
        "assets.tools.programar-mantenimiento",
        "tickets.ticket.read",
    ] {
        assert!(
            !permissions.contains(&denied),
            "{denied} in {permissions:?}"
        );
    }
}
