//! Role administration over HTTP (`http-api.md` §10.6), on SQLite and PostgreSQL: the
//! organisation's roles with manifest and stored grants, replacing a role's stored grants
//! (taking effect at once for that role's callers), unknown capabilities and super-roles
//! refused, the `metacore.roles.manage` gate, and tenancy.

use serde_json::{json, Value};

use super::support::{assert_error, databases, Server, ORG_A, ORG_B};

#[tokio::test]
async fn role_administration_on_every_backend() {
    for (backend, db) in databases("http_roles").await {
        eprintln!("backend: {backend}");
        let server = Server::start(db).await;
        roles(&server).await;
    }
}

fn role<'a>(roles: &'a Value, name: &str) -> Option<&'a Value> {
    roles["data"]
        .as_array()
        .expect("a list of roles")
        .iter()
        .find(|r| r["role"] == name)
}

async fn roles(server: &Server) {
    let admin = server.token(Some(ORG_A), "admin", &[]);
    let auditor = server.token(Some(ORG_A), "auditor", &[]);
    let listed = server
        .send("GET", "/api/permissions/roles", Some(&admin), None)
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let clerk = role(&listed.body, "clerk").expect("the showcase's clerk role");
    assert_eq!(clerk["source"], "manifest");
    assert_eq!(
        clerk["permissions"],
        json!(["customers.index", "orders.create", "orders.index"])
    );
    assert_eq!(clerk["stored"], json!([]));
    assert!(role(&listed.body, "auditor").is_none());

    // The auditor has nothing yet (and this process caches that).
    let customers = |token: &str| {
        let token = token.to_string();
        async move {
            server
                .send("GET", "/api/data/customers", Some(&token), None)
                .await
        }
    };
    assert_error(&customers(&auditor).await, 403, "permission_denied");

    let path = "/api/permissions/roles/Auditor";
    let granted = server
        .send(
            "PUT",
            path,
            Some(&admin),
            Some(&json!({"permissions": ["customers.index", "customers.read", "customers.index"]})),
        )
        .await;
    assert_eq!(granted.status, 200, "{}", granted.text);
    assert_eq!(granted.body["data"]["role"], "auditor");
    assert_eq!(granted.body["data"]["source"], "stored");
    assert_eq!(
        granted.body["data"]["stored"],
        json!(["customers.index", "customers.read"])
    );
    assert_eq!(customers(&auditor).await.status, 200, "granted at once");

    // Stored grants add to a manifest role's.
    let clerk_update = server
        .send(
            "PUT",
            "/api/permissions/roles/clerk",
            Some(&admin),
            Some(&json!({"permissions": ["customers.echo"]})),
        )
        .await;
    assert_eq!(clerk_update.status, 200, "{}", clerk_update.text);
    assert_eq!(clerk_update.body["data"]["source"], "manifest");
    assert_eq!(
        clerk_update.body["data"]["permissions"],
        json!([
            "customers.echo",
            "customers.index",
            "orders.create",
            "orders.index"
        ])
    );

    // Unknown capabilities: 422 naming each, nothing changed.
    let unknown = server
        .send(
            "PUT",
            path,
            Some(&admin),
            Some(
                &json!({"permissions": ["customers.fly", "*", "nope", "showcase.tools.echo_tool"]}),
            ),
        )
        .await;
    assert_error(&unknown, 422, "validation_failed");
    let errors = &unknown.body["errors"];
    assert!(
        errors.get("permissions.0").is_some() && errors.get("permissions.2").is_some(),
        "{}",
        unknown.text
    );
    assert!(errors.get("permissions.1").is_none(), "{}", unknown.text);
    assert!(errors.get("permissions.3").is_none(), "{}", unknown.text);
    assert_eq!(customers(&auditor).await.status, 200);

    // Super-roles have everything already; a malformed body is 400.
    let super_role = server
        .send(
            "PUT",
            "/api/permissions/roles/admin",
            Some(&admin),
            Some(&json!({"permissions": []})),
        )
        .await;
    assert_error(&super_role, 422, "validation_failed");
    let malformed = server
        .send(
            "PUT",
            path,
            Some(&admin),
            Some(&json!({"permissions": "customers.index"})),
        )
        .await;
    assert_eq!(malformed.status, 400, "{}", malformed.text);

    // The gate: a member without `metacore.roles.manage` is refused; with it, allowed.
    let clerk_token = server.token(Some(ORG_A), "clerk", &[]);
    assert_error(
        &server
            .send("GET", "/api/permissions/roles", Some(&clerk_token), None)
            .await,
        403,
        "permission_denied",
    );
    let manager = server.token(Some(ORG_A), "clerk", &["metacore.roles.manage"]);
    let as_manager = server
        .send("GET", "/api/permissions/roles", Some(&manager), None)
        .await;
    assert_eq!(as_manager.status, 200, "{}", as_manager.text);
    assert!(role(&as_manager.body, "auditor").is_some());
    assert_error(
        &server
            .send("GET", "/api/permissions/roles", None, None)
            .await,
        401,
        "unauthorized",
    );

    // Another organisation sees none of this organisation's stored grants.
    let admin_b = server.token(Some(ORG_B), "admin", &[]);
    let theirs = server
        .send("GET", "/api/permissions/roles", Some(&admin_b), None)
        .await;
    assert_eq!(theirs.status, 200, "{}", theirs.text);
    assert!(role(&theirs.body, "auditor").is_none(), "{}", theirs.text);
    assert_eq!(
        role(&theirs.body, "clerk").expect("manifest role")["stored"],
        json!([])
    );
    let auditor_b = server.token(Some(ORG_B), "auditor", &[]);
    assert_error(&customers(&auditor_b).await, 403, "permission_denied");

    // Revoking everything takes effect at once.
    let revoked = server
        .send("PUT", path, Some(&admin), Some(&json!({"permissions": []})))
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.text);
    assert_eq!(revoked.body["data"]["stored"], json!([]));
    assert_error(&customers(&auditor).await, 403, "permission_denied");
}
