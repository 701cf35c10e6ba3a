//! `db_query` / `db_exec` confinement on SQLite and PostgreSQL: own tables only (other
//! addons' tables need a capability), the caller's organisation only, soft-deleted rows
//! hidden, the tenancy column injected and protected.

use std::collections::BTreeMap;

use metacore_runtime::sql::{pg_guard, KnownTable};
use metacore_runtime::{CallerContext, HandlerOutcome};
use sea_orm::{ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, Statement};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::support::{action, addon, caller, calling_guest, dispatcher, grant, services};

/// A fresh SQLite database in a temporary file.
pub async fn sqlite() -> DatabaseConnection {
    let path = std::env::temp_dir().join(format!("metacore-runtime-{}.db", Uuid::new_v4()));
    metacore_runtime::db::connect(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .expect("SQLite opens")
}

/// Physical table names of the scenario on `backend`.
struct Names {
    notes: String,
    secrets: String,
}

/// Physical names: every addon table is `addon_<key>__<table>` on both backends.
fn names(key: &str) -> Names {
    Names {
        notes: format!("addon_{key}__notes"),
        secrets: format!("addon_{key}x__secrets"),
    }
}

async fn exec(db: &DatabaseConnection, sql: &str, values: Vec<sea_orm::Value>) {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => sql.to_string(),
        _ => sql.replace('$', "?"),
    };
    db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
        .unwrap_or_else(|e| panic!("setup statement failed: {e}"));
}

async fn seed(db: &DatabaseConnection, key: &str, org_a: Uuid, org_b: Uuid) {
    let backend = db.get_database_backend();
    let n = names(key);
    let timestamp = if backend == DatabaseBackend::Postgres {
        "TIMESTAMPTZ"
    } else {
        "TEXT"
    };
    exec(db, &format!(
        "CREATE TABLE {} (id TEXT PRIMARY KEY, organization_id UUID NOT NULL, title TEXT NOT NULL, deleted_at {timestamp})",
        n.notes
    ), vec![]).await;
    exec(
        db,
        &format!(
            "CREATE TABLE {} (id TEXT, organization_id UUID, secret TEXT)",
            n.secrets
        ),
        vec![],
    )
    .await;
    for (id, org, title, deleted) in [
        ("a1", org_a, "a1", false),
        ("a2", org_a, "a2", false),
        ("a3", org_a, "a3-deleted", true),
        ("b1", org_b, "b1", false),
    ] {
        let deleted_at = if deleted { "CURRENT_TIMESTAMP" } else { "NULL" };
        exec(db, &format!(
            "INSERT INTO {} (id, organization_id, title, deleted_at) VALUES ($1, $2, $3, {deleted_at})",
            n.notes
        ), vec![id.into(), org.into(), title.into()]).await;
    }
    for (org, secret) in [(org_a, "a-secret"), (org_b, "b-secret")] {
        exec(
            db,
            &format!(
                "INSERT INTO {} (id, organization_id, secret) VALUES ($1, $2, $3)",
                n.secrets
            ),
            vec![secret.into(), org.into(), secret.into()],
        )
        .await;
    }
}

struct Scenario {
    db: DatabaseConnection,
    key: String,
    who: CallerContext,
    org_b: Uuid,
}

impl Scenario {
    async fn run(
        &self,
        import: &str,
        sql: &str,
        args: &str,
        capability: Option<&str>,
    ) -> HandlerOutcome {
        let mut addon = addon(&self.key, &["run"]);
        let mut services = services(Some(self.db.clone()), false);
        if let Some(target) = capability {
            grant(&mut addon, "db:read", target);
            services.shared_tables.push(KnownTable {
                schema: format!("addon_{}x", self.key),
                table: "secrets".into(),
                tenancy_column: Some("organization_id".into()),
                soft_delete: false,
            });
        }
        let wasm = calling_guest(&[(import, vec![sql.to_string(), args.to_string()])]);
        dispatcher(addon, &wasm, services)
            .action(action(&self.key, "run", json!({}), &self.who))
            .await
            .expect("the call completes")
    }

    async fn data(&self, import: &str, sql: &str, args: &str) -> Value {
        match self.run(import, sql, args, None).await {
            HandlerOutcome::Success { data, .. } => data,
            other => panic!("`{sql}` failed: {other:?}"),
        }
    }

    async fn error_code(&self, import: &str, sql: &str, args: &str) -> String {
        match self.run(import, sql, args, None).await {
            HandlerOutcome::Declined(error) => error.code,
            other => panic!("`{sql}` should fail: {other:?}"),
        }
    }
}

fn titles(data: &Value) -> Vec<String> {
    data["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["title"].as_str().expect("title").to_string())
        .collect()
}

async fn confinement(db: DatabaseConnection, key: String) {
    let org_a = Uuid::new_v4();
    let org_b = Uuid::new_v4();
    seed(&db, &key, org_a, org_b).await;
    // What `metacore-app migrate` sets up for compiled addons: on PostgreSQL the addon's
    // database role (read on the other table, as the capability the test grants) and
    // row-level security, on SQLite the organisation views.
    let n = names(&key);
    metacore_runtime::sql::install_guard_for(
        &db,
        &[pg_guard::AddonGrants {
            key: key.clone(),
            read: vec![n.notes.clone(), n.secrets.clone()],
            write: vec![n.notes.clone()],
        }],
        &[n.notes.clone(), n.secrets.clone()].map(|table| pg_guard::TenantTable {
            table,
            column: "organization_id".into(),
        }),
    )
    .await
    .expect("the addon role is installed");
    let s = Scenario {
        db,
        key: key.clone(),
        who: caller(org_a, BTreeMap::new()),
        org_b,
    };

    let own = s
        .data("db_query", "SELECT title FROM notes ORDER BY title", "")
        .await;
    assert_eq!(titles(&own), ["a1", "a2"], "only the caller's live rows");
    assert_eq!(own["rowCount"], 2);
    let qualified = s
        .data(
            "db_query",
            &format!("SELECT n.title FROM addon_{key}.notes AS n WHERE n.title = $1"),
            r#"["a1"]"#,
        )
        .await;
    assert_eq!(titles(&qualified), ["a1"]);
    let other_org = format!(r#"[{{"$uuid": "{}"}}]"#, s.org_b);
    let sneaky = s
        .data(
            "db_query",
            "SELECT title FROM notes WHERE organization_id = $1",
            &other_org,
        )
        .await;
    assert_eq!(
        sneaky["rowCount"], 0,
        "another organisation's rows stay invisible"
    );
    let nested = s.data("db_query", "WITH t AS (SELECT title FROM notes) SELECT title FROM t UNION SELECT title FROM (SELECT title FROM notes) AS x ORDER BY title", "").await;
    assert_eq!(titles(&nested), ["a1", "a2"]);

    let secrets = format!("SELECT secret FROM addon_{key}x.secrets");
    assert_eq!(s.error_code("db_query", &secrets, "").await, "forbidden");
    match s
        .run("db_query", &secrets, "", Some(&format!("addon_{key}x.*")))
        .await
    {
        HandlerOutcome::Success { data, .. } => {
            assert_eq!(
                data["rows"],
                json!([{"secret": "a-secret"}]),
                "confined even when granted"
            )
        }
        other => panic!("granted read failed: {other:?}"),
    }
    assert_eq!(
        s.error_code("db_query", "SELECT * FROM pg_catalog.pg_tables", "")
            .await,
        "invalid_sql"
    );
    assert_eq!(
        s.error_code("db_query", "SELECT * FROM sqlite_master", "")
            .await,
        "invalid_sql"
    );
    assert_eq!(
        s.error_code("db_query", "SELECT * FROM unknown_table", "")
            .await,
        "invalid_sql"
    );
    assert_eq!(
        s.error_code(
            "db_query",
            "SELECT set_config('app.current_org', $1, false)",
            r#"["x"]"#
        )
        .await,
        "invalid_sql"
    );
    assert_eq!(
        s.error_code("db_query", "DELETE FROM notes", "").await,
        "invalid_sql"
    );
    assert_eq!(
        s.error_code("db_query", "SELECT 1; SELECT 2", "").await,
        "invalid_sql"
    );
    assert_eq!(
        s.error_code(
            "db_query",
            "SELECT title FROM notes WHERE title = $2",
            r#"["a"]"#
        )
        .await,
        "arg_count_mismatch"
    );
    assert_eq!(
        s.error_code("db_query", "SELECT $1", r#"[{"$nope": 1}]"#)
            .await,
        "arg_decode"
    );

    let inserted = s
        .data(
            "db_exec",
            "INSERT INTO notes (id, title) VALUES ($1, $2)",
            r#"["n1", "new"]"#,
        )
        .await;
    assert_eq!(inserted["rowsAffected"], 1);
    let forged = format!(r#"["n2", {{"$uuid": "{}"}}, "forged"]"#, s.org_b);
    assert_eq!(
        s.error_code(
            "db_exec",
            "INSERT INTO notes (id, organization_id, title) VALUES ($1, $2, $3)",
            &forged
        )
        .await,
        "forbidden"
    );
    let updated = s
        .data(
            "db_exec",
            "UPDATE notes SET title = title || '!' WHERE deleted_at IS NULL RETURNING id",
            "",
        )
        .await;
    assert_eq!(updated["rowsAffected"], 3, "a1, a2 and n1 — never b1");
    assert_eq!(
        s.error_code("db_exec", "UPDATE notes SET organization_id = NULL", "")
            .await,
        "forbidden"
    );
    let deleted = s
        .data("db_exec", "DELETE FROM notes WHERE id = $1", r#"["b1"]"#)
        .await;
    assert_eq!(
        deleted["rowsAffected"], 0,
        "another organisation's row cannot be deleted"
    );

    let after = s
        .data("db_query", "SELECT title FROM notes ORDER BY title", "")
        .await;
    assert_eq!(titles(&after), ["a1!", "a2!", "new!"]);
    let n = names(&key);
    let b_rows =
        s.db.query_all_raw(Statement::from_string(
            s.db.get_database_backend(),
            format!("SELECT title FROM {} WHERE id = 'b1'", n.notes),
        ))
        .await
        .expect("host query");
    assert_eq!(b_rows.len(), 1);
    let b_title: String = b_rows[0].try_get_by_index(0).expect("title");
    assert_eq!(b_title, "b1", "organisation B is untouched");
}

#[tokio::test]
async fn sqlite_queries_are_confined_to_own_tables_and_organisation() {
    confinement(sqlite().await, "dbaddon".into()).await;
}

#[tokio::test]
async fn postgres_queries_are_confined_to_own_tables_and_organisation() {
    let Some(url) = metacore_runtime::testing::postgres_server_url() else {
        return;
    };
    let db = Database::connect(url).await.expect("PostgreSQL connects");
    let key = format!("t{}", &Uuid::new_v4().simple().to_string()[..12]);
    confinement(db.clone(), key.clone()).await;
    for table in [
        format!("addon_{key}__notes"),
        format!("addon_{key}x__secrets"),
    ] {
        db.execute_unprepared(&format!("DROP TABLE {table}"))
            .await
            .expect("cleanup");
    }
}

/// A guest whose `run` writes with `db_exec` (statement `sql`), then loops forever.
fn writing_then_spinning_guest(sql: &str) -> Vec<u8> {
    let calls = [("db_exec", vec![sql.to_string(), String::new()])];
    let wat = metacore_runtime::testing::calling_guest_wat_then(&calls, &["run"], "(loop br 0)");
    wat::parse_str(wat).expect("valid WAT")
}

#[tokio::test]
async fn sqlite_write_lock_is_not_held_for_the_whole_deadline() {
    let db = sqlite().await;
    let key = "locker".to_string();
    let org = Uuid::new_v4();
    seed(&db, &key, org, Uuid::new_v4()).await;
    let n = names(&key);
    metacore_runtime::sql::install_guard_for(
        &db,
        &[pg_guard::AddonGrants {
            key: key.clone(),
            read: vec![n.notes.clone()],
            write: vec![n.notes.clone()],
        }],
        &[pg_guard::TenantTable {
            table: n.notes.clone(),
            column: "organization_id".into(),
        }],
    )
    .await
    .expect("the guard is installed");
    let mut addon = addon(&key, &["run"]);
    addon.backend.timeout_ms = 20_000;
    let wasm = writing_then_spinning_guest("INSERT INTO notes (id, title) VALUES ('w1', 'held')");
    let dispatcher = dispatcher(addon, &wasm, services(Some(db.clone()), false));
    let who = caller(org, BTreeMap::new());
    let started = std::time::Instant::now();
    let invocation = tokio::spawn(async move {
        dispatcher
            .action(action("locker", "run", json!({}), &who))
            .await
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // The host's own write waits for the invocation's lock (busy timeout), which the
    // invocation may hold for `SQLITE_WRITE_HOLD`, not for its 20 s deadline.
    exec(
        &db,
        &format!(
            "INSERT INTO {} (id, organization_id, title) VALUES ('h1', $1, 'host')",
            n.notes
        ),
        vec![org.into()],
    )
    .await;
    let host_waited = started.elapsed();
    let error = invocation
        .await
        .expect("the invocation task")
        .expect_err("the spinning guest is stopped");
    assert_eq!(
        error.code,
        metacore_runtime::DispatchErrorCode::AddonTimeout
    );
    assert!(
        host_waited < std::time::Duration::from_secs(8),
        "the host write waited {host_waited:?}"
    );
    let rows = db
        .query_all_raw(Statement::from_string(
            DatabaseBackend::Sqlite,
            format!("SELECT id FROM {} WHERE id IN ('w1', 'h1')", n.notes),
        ))
        .await
        .expect("host query");
    assert_eq!(
        rows.len(),
        1,
        "the stopped invocation's write was rolled back"
    );
}
