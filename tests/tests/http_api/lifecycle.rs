//! The addon lifecycle per organisation over HTTP (`runtime.md` §9, `http-api.md` §9.3–§9.4),
//! on SQLite and PostgreSQL, with the showcase addon's WASM lifecycle hooks
//! (`manifests/showcase/backend/backend.wat`: `on_lifecycle` sets the key-value entry
//! `lifecycle_ran`, then declines on `fraud`, traps on `crash` and never returns on
//! `sleep` — words the tests put in the installation's settings, which the hook receives).
//!
//! Auto-install is off (`METACORE_AUTO_INSTALL=false`) so each step is the test's own:
//! * a failing install hook (decline, trap, timeout) leaves no installation, no lifecycle
//!   event and none of the hook's events; a good install is 201 with the secret once, a
//!   second one 200 without it;
//! * disable hides the addon's models, actions, tools, navigation, metadata and manifests
//!   from that organisation only (404 `addon_not_installed`) and keeps its data; enable
//!   brings them back; a failing disable hook leaves it enabled;
//! * settings: defaults, validation, secrets masked and kept on `null`;
//! * upgrade runs the matching `lifecycle.upgrade[]` step and merges settings; a downgrade is
//!   409 unless allowed;
//! * concurrent operations on one (organisation, addon) → one 409 `operation_in_progress`;
//! * uninstall with `drop=true` deletes that organisation's rows only.

use std::time::Duration;

use metacore_runtime::api::state::HandlerSettings;
use metacore_runtime::{testing, Sandbox, SandboxConfig};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use serde_json::{json, Value};

use super::support::{assert_error, Server, ORG_A, ORG_B};

#[tokio::test]
async fn the_lifecycle_runs_hooks_in_one_transaction_on_sqlite() {
    let db = testing::sqlite_database("http_lifecycle").await;
    scenario(db).await;
}

#[tokio::test]
async fn the_lifecycle_runs_hooks_in_one_transaction_on_postgres() {
    let Some(db) = testing::postgres_database("http_lifecycle").await else {
        eprintln!("METACORE_TEST_POSTGRES_URL is not set: the PostgreSQL half is SKIPPED");
        return;
    };
    scenario(db).await;
}

const INSTALL: &str = "/api/metacore/installations/showcase";

/// The events of `org`'s log named `names` (comma-separated), as (name, payload).
async fn events(server: &Server, token: &str, names: &str) -> Vec<(String, Value)> {
    let reply = server
        .send(
            "GET",
            &format!("/api/events?type={names}&limit=200"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["data"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap_or_default().to_string(),
                e["payload"].clone(),
            )
        })
        .collect()
}

/// `sql` with `$n` placeholders (`?` on SQLite) bound to `values`.
fn bound(backend: DatabaseBackend, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    let sql = match backend {
        DatabaseBackend::Postgres => sql.to_string(),
        _ => sql.replace("$1", "?").replace("$2", "?").replace("$3", "?"),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// The showcase addon's key-value entry `key` in organisation A, as stored.
async fn kv(db: &DatabaseConnection, key: &str) -> Option<String> {
    db.query_one_raw(bound(
        db.get_database_backend(),
        "SELECT value FROM metacore_kv WHERE addon_key = 'showcase' AND organization_id = $1 \
         AND key = $2",
        vec![ORG_A.into(), key.into()],
    ))
    .await
    .expect("the store reads")
    .map(|row| row.try_get("", "value").expect("a value"))
}

async fn installations(server: &Server, token: &str) -> Vec<Value> {
    let reply = server
        .send("GET", "/api/metacore/installations", Some(token), None)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["data"].as_array().expect("a list").clone()
}

fn showcase(list: &[Value]) -> Option<&Value> {
    list.iter().find(|i| i["addon_key"] == "showcase")
}

async fn scenario(db: DatabaseConnection) {
    let sandbox = Sandbox::new(SandboxConfig {
        max_timeout: Duration::from_secs(1),
        ..SandboxConfig::default()
    })
    .expect("the sandbox starts");
    let settings = HandlerSettings {
        auto_install: false,
        ..HandlerSettings::default()
    };
    let server = Server::start_configured(db.clone(), &sandbox, settings, None).await;
    let admin = server.token(Some(ORG_A), "admin", &[]);
    let admin_b = server.token(Some(ORG_B), "admin", &[]);
    let member = server.token(Some(ORG_A), "clerk", &[]);

    // Not installed (auto-install is off): the models do not exist for the organisation.
    let listed = server
        .send("GET", "/api/data/customers", Some(&admin), None)
        .await;
    assert_error(&listed, 404, "addon_not_installed");
    assert!(showcase(&installations(&server, &admin).await).is_none());

    // Only managers install.
    let refused = server
        .send("POST", INSTALL, Some(&member), Some(&json!({})))
        .await;
    assert_error(&refused, 403, "permission_denied");

    // Failing install hooks leave nothing behind.
    for (word, cause) in [
        ("fraud", "not_vetted"),
        ("crash", "addon_trap"),
        ("sleep", "addon_timeout"),
    ] {
        let failed = server
            .send(
                "POST",
                INSTALL,
                Some(&admin),
                Some(&json!({"settings": {"greeting": word}})),
            )
            .await;
        assert_error(&failed, 422, "lifecycle_hook_failed");
        assert_eq!(failed.body["meta"]["hook"], "install", "{}", failed.text);
        assert_eq!(failed.body["meta"]["cause"], cause, "{}", failed.text);
        assert!(
            showcase(&installations(&server, &admin).await).is_none(),
            "{word}"
        );
    }
    assert_eq!(
        events(&server, &admin, "metacore.addon.*").await,
        vec![],
        "a failed install logs nothing"
    );
    assert_eq!(
        kv(&db, "lifecycle_ran").await,
        None,
        "the hook's write rolled back"
    );

    // Bad settings are refused before any hook runs.
    let invalid = server
        .send(
            "POST",
            INSTALL,
            Some(&admin),
            Some(&json!({"settings": {"tier": "platinum", "nope": 1}})),
        )
        .await;
    assert_error(&invalid, 422, "validation_failed");
    assert_eq!(invalid.body["errors"]["tier"][0]["code"], "invalid_option");
    assert_eq!(invalid.body["errors"]["nope"][0]["code"], "unknown");

    // A good install: 201 with the secret, once; the hooks ran in order, in its transaction.
    let installed = server
        .send(
            "POST",
            INSTALL,
            Some(&admin),
            Some(&json!({"settings": {"api_key": "sk_test_1"}})),
        )
        .await;
    assert_eq!(installed.status, 201, "{}", installed.text);
    let secret = installed.body["data"]["install_secret"]
        .as_str()
        .expect("a secret");
    assert_eq!(secret.len(), 64);
    assert_eq!(installed.body["data"]["installation"]["status"], "enabled");
    assert_eq!(installed.body["data"]["manifest"]["key"], "showcase");
    assert!(
        !installed.text.contains("sk_test_1"),
        "secret settings are never shown"
    );
    let again = server
        .send("POST", INSTALL, Some(&admin), Some(&json!({})))
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.body["data"]["install_secret"], Value::Null);
    let logged = events(&server, &admin, "metacore.addon.*").await;
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert_eq!(logged[0].0, "metacore.addon.installed");
    assert_eq!(logged[0].1["addon_key"], "showcase");
    assert_eq!(
        kv(&db, "lifecycle_ran").await.as_deref(),
        Some("true"),
        "the hook's write committed"
    );

    // The catalogue (raw, as the React runtime's MarketplaceClient reads it).
    let catalog = server
        .send("GET", "/api/metacore/catalog", Some(&member), None)
        .await;
    assert_eq!(catalog.status, 200, "{}", catalog.text);
    let entry = catalog
        .body
        .as_array()
        .expect("a raw array")
        .iter()
        .find(|e| e["manifest"]["key"] == "showcase")
        .expect("showcase is in the catalogue")
        .clone();
    assert_eq!(
        (entry["installed"].clone(), entry["enabled"].clone()),
        (json!(true), json!(true))
    );
    let entry_b = server
        .send(
            "GET",
            "/api/metacore/catalog/showcase",
            Some(&admin_b),
            None,
        )
        .await;
    assert_eq!(entry_b.status, 200, "{}", entry_b.text);
    assert_eq!(entry_b.body["installed"], false, "{}", entry_b.text);
    let unknown = server
        .send(
            "GET",
            "/api/metacore/catalog/nothing_here",
            Some(&admin),
            None,
        )
        .await;
    assert_error(&unknown, 404, "addon_not_found");

    // Settings: defaults, secrets masked, validation, null keeps a secret.
    let shown = server
        .send("GET", "/api/addons/showcase/settings", Some(&member), None)
        .await;
    assert_eq!(shown.status, 200, "{}", shown.text);
    assert_eq!(
        shown.body["data"],
        json!({"greeting": "hello", "tier": "basic", "api_key": null})
    );
    assert_eq!(shown.body["meta"]["secrets_set"], json!(["api_key"]));
    let put = server
        .send(
            "PUT",
            "/api/addons/showcase/settings",
            Some(&member),
            Some(&json!({"tier": "gold"})),
        )
        .await;
    assert_error(&put, 403, "permission_denied");
    let put = server
        .send(
            "PUT",
            "/api/addons/showcase/settings",
            Some(&admin),
            Some(&json!({"tier": 7})),
        )
        .await;
    assert_error(&put, 422, "validation_failed");
    // The MarketplaceClient's path does the same as PUT /api/addons/{key}/settings.
    let put = server
        .send(
            "POST",
            "/api/metacore/installations/showcase/settings",
            Some(&admin),
            Some(&json!({"tier": "gold", "api_key": null})),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(put.body["data"]["tier"], "gold");
    assert_eq!(put.body["meta"]["secrets_set"], json!(["api_key"]));
    let stored: String = db
        .query_one_raw(bound(
            db.get_database_backend(),
            "SELECT settings FROM metacore_installations WHERE addon_key = 'showcase' \
             AND organization_id = $1",
            vec![ORG_A.into()],
        ))
        .await
        .expect("the row reads")
        .expect("the row")
        .try_get("", "settings")
        .expect("settings");
    assert!(
        stored.contains("plain:sk_test_1") || stored.contains("aes256gcm:"),
        "{stored}"
    );

    // The addon works for A; B never installed it.
    let created = server
        .send(
            "POST",
            "/api/data/customers",
            Some(&admin),
            Some(&json!({"name": "Ada"})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let b_list = server
        .send("GET", "/api/data/customers", Some(&admin_b), None)
        .await;
    assert_error(&b_list, 404, "addon_not_installed");
    let b_install = server
        .send("POST", INSTALL, Some(&admin_b), Some(&json!({})))
        .await;
    assert_eq!(b_install.status, 201, "{}", b_install.text);
    let b_created = server
        .send(
            "POST",
            "/api/data/customers",
            Some(&admin_b),
            Some(&json!({"name": "Bea"})),
        )
        .await;
    assert_eq!(b_created.status, 201, "{}", b_created.text);

    // A failing disable hook leaves the addon enabled.
    let poison = server
        .send(
            "PUT",
            "/api/addons/showcase/settings",
            Some(&admin),
            Some(&json!({"greeting": "fraud"})),
        )
        .await;
    assert_eq!(poison.status, 200, "{}", poison.text);
    let refused = server
        .send("POST", &format!("{INSTALL}/disable"), Some(&admin), None)
        .await;
    assert_error(&refused, 422, "lifecycle_hook_failed");
    assert_eq!(
        showcase(&installations(&server, &admin).await).expect("installed")["status"],
        "enabled"
    );
    let fixed = server
        .send(
            "PUT",
            "/api/addons/showcase/settings",
            Some(&admin),
            Some(&json!({"greeting": null})),
        )
        .await;
    assert_eq!(fixed.body["data"]["greeting"], "hello", "{}", fixed.text);

    // Disable: gone for A only, data kept.
    let disabled = server
        .send("POST", &format!("{INSTALL}/disable"), Some(&admin), None)
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.text);
    assert_eq!(disabled.body["data"]["installation"]["status"], "disabled");
    for path in [
        "/api/data/customers",
        "/api/metadata/table/customers",
        "/api/options/customers?field=id",
    ] {
        let gone = server.send("GET", path, Some(&admin), None).await;
        assert_error(&gone, 404, "addon_not_installed");
    }
    let tool = server
        .send(
            "POST",
            "/api/metacore/tools/showcase/echo_tool",
            Some(&admin),
            Some(&json!({"text": "hi"})),
        )
        .await;
    assert_error(&tool, 404, "addon_not_installed");
    let all = server
        .send("GET", "/api/metadata/all", Some(&admin), None)
        .await;
    assert!(
        all.body["data"]["tables"].get("customers").is_none(),
        "{}",
        all.text
    );
    let navigation = server
        .send("GET", "/api/metacore/navigation", Some(&admin), None)
        .await;
    assert!(!navigation.text.contains("Showcase"), "{}", navigation.text);
    let manifests = server
        .send("GET", "/api/metacore/manifests", Some(&admin), None)
        .await;
    assert!(
        !manifests.text.contains("\"showcase\""),
        "{}",
        manifests.text
    );
    let tools = server
        .send("GET", "/api/metacore/tools", Some(&admin), None)
        .await;
    assert!(!tools.text.contains("echo_tool"), "{}", tools.text);
    // B is untouched.
    let b_list = server
        .send("GET", "/api/data/customers", Some(&admin_b), None)
        .await;
    assert_eq!(b_list.status, 200, "{}", b_list.text);
    assert_eq!(b_list.body["data"].as_array().map(Vec::len), Some(1));
    let b_tools = server
        .send("GET", "/api/metacore/tools", Some(&admin_b), None)
        .await;
    assert!(b_tools.text.contains("echo_tool"), "{}", b_tools.text);
    // Disabling twice is a no-op; enabling brings the data back.
    let twice = server
        .send("POST", &format!("{INSTALL}/disable"), Some(&admin), None)
        .await;
    assert_eq!(twice.status, 200, "{}", twice.text);
    let enabled = server
        .send("POST", &format!("{INSTALL}/enable"), Some(&admin), None)
        .await;
    assert_eq!(
        enabled.body["data"]["installation"]["status"], "enabled",
        "{}",
        enabled.text
    );
    let back = server
        .send("GET", "/api/data/customers", Some(&admin), None)
        .await;
    assert_eq!(
        back.body["data"].as_array().map(Vec::len),
        Some(1),
        "{}",
        back.text
    );

    // Upgrade: the row says an older build installed it.
    let backend = db.get_database_backend();
    let set_version = |version: &str| {
        bound(
            backend,
            "UPDATE metacore_installations SET version = $1, settings = $2 \
             WHERE addon_key = 'showcase' AND organization_id = $3",
            vec![
                version.into(),
                r#"{"greeting": "hi", "retired": true}"#.into(),
                ORG_A.into(),
            ],
        )
    };
    db.execute_raw(set_version("0.9.1")).await.expect("set");
    server.state.forget_all_installations();
    let upgraded = server
        .send("POST", &format!("{INSTALL}/upgrade"), Some(&admin), None)
        .await;
    assert_eq!(upgraded.status, 200, "{}", upgraded.text);
    assert_eq!(kv(&db, "upgrade_step").await.as_deref(), Some("\"recent\""));
    let record = &upgraded.body["data"]["installation"];
    assert_eq!(record["version"], "1.0.0");
    assert_eq!(
        record["settings"],
        json!({"greeting": "hi", "tier": "basic", "api_key": null}),
        "kept, defaulted, dropped"
    );
    db.execute_raw(set_version("0.2.0")).await.expect("set");
    server.state.forget_all_installations();
    let legacy = server
        .send("POST", &format!("{INSTALL}/upgrade"), Some(&admin), None)
        .await;
    assert_eq!(legacy.status, 200, "{}", legacy.text);
    assert_eq!(
        kv(&db, "upgrade_step").await.as_deref(),
        Some("\"legacy\""),
        "the first matching step ran"
    );
    let same = server
        .send("POST", &format!("{INSTALL}/upgrade"), Some(&admin), None)
        .await;
    assert_eq!(same.status, 200, "{}", same.text);
    db.execute_raw(set_version("2.0.0")).await.expect("set");
    server.state.forget_all_installations();
    let downgrade = server
        .send("POST", &format!("{INSTALL}/upgrade"), Some(&admin), None)
        .await;
    assert_error(&downgrade, 409, "version_conflict");
    let forced = server
        .send(
            "POST",
            &format!("{INSTALL}/upgrade?allow_downgrade=true"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(
        forced.body["data"]["installation"]["version"], "1.0.0",
        "{}",
        forced.text
    );

    // Concurrent operations on one (organisation, addon): one runs, the other is 409. The
    // stalling hook keeps the first busy for the sandbox's deadline.
    let stall = server
        .send(
            "PUT",
            "/api/addons/showcase/settings",
            Some(&admin),
            Some(&json!({"greeting": "sleep"})),
        )
        .await;
    assert_eq!(stall.status, 200, "{}", stall.text);
    let disable = format!("{INSTALL}/disable");
    let (first, second) = tokio::join!(server.send("POST", &disable, Some(&admin), None), async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        server.send("POST", &disable, Some(&admin), None).await
    });
    assert_error(&first, 422, "lifecycle_hook_failed");
    assert_error(&second, 409, "operation_in_progress");
    let calm = server
        .send(
            "PUT",
            "/api/addons/showcase/settings",
            Some(&admin),
            Some(&json!({"greeting": "hello"})),
        )
        .await;
    assert_eq!(calm.status, 200, "{}", calm.text);

    // Uninstall with drop=true: A's rows go, B's stay; A can install again.
    let uninstalled = server
        .send(
            "DELETE",
            &format!("{INSTALL}?drop=true"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(uninstalled.status, 200, "{}", uninstalled.text);
    assert_eq!(uninstalled.body["data"]["installation"], Value::Null);
    assert_eq!(
        kv(&db, "lifecycle_ran").await,
        None,
        "the key-value namespace was dropped"
    );
    assert!(showcase(&installations(&server, &admin).await).is_none());
    let b_list = server
        .send("GET", "/api/data/customers", Some(&admin_b), None)
        .await;
    assert_eq!(b_list.body["data"].as_array().map(Vec::len), Some(1));
    let names: Vec<String> = events(&server, &admin, "metacore.addon.*")
        .await
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(
        names,
        [
            "metacore.addon.installed",
            "metacore.addon.disabled",
            "metacore.addon.enabled",
            "metacore.addon.upgraded",
            "metacore.addon.upgraded",
            "metacore.addon.upgraded",
            "metacore.addon.uninstalled",
        ]
    );
    let reinstalled = server
        .send("POST", INSTALL, Some(&admin), Some(&json!({})))
        .await;
    assert_eq!(reinstalled.status, 201, "{}", reinstalled.text);
    let emptied = server
        .send("GET", "/api/data/customers", Some(&admin), None)
        .await;
    assert_eq!(
        emptied.body["data"],
        json!([]),
        "A's rows were dropped: {}",
        emptied.text
    );
}
