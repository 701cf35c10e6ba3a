//! List pages on the migrations' indexes: totals from the row counts (kept by triggers for
//! every writer, cached per row version when filtered), search through the full-text index
//! with exactly the `LIKE` semantics, and deep pages through the deferred join. One test per
//! backend, over the showcase `customers` model (soft-deleting; search columns `name`,
//! `email`, `tier`).

use std::collections::BTreeSet;

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{json, Value};
use uuid::Uuid;

use super::support::{Server, ORG_A, ORG_B};
use metacore_runtime::api::query::{parse_list, ListParams};
use metacore_runtime::api::sql::Sql;
use metacore_runtime::testing;

const NAMES: &[&str] = &[
    "Grace Hopper",
    "grace kelly",
    "Ada Lovelace",
    "Linus 50%_off",
    "O'Reilly",
    "Zoë Ünal",
    "Barbara Liskov",
    "Edsger \"E\" Dijkstra",
];
const TIERS: &[&str] = &["bronze", "silver", "gold"];

#[tokio::test]
async fn lists_on_sqlite() {
    lists(testing::sqlite_database("http_lists").await).await;
}

#[tokio::test]
async fn lists_on_postgres() {
    match testing::postgres_database("http_lists").await {
        Some(db) => lists(db).await,
        None => eprintln!("SKIPPED: the PostgreSQL half of the list tests (no server configured)"),
    }
}

/// The count function runs as its owner (`SECURITY DEFINER`) without pinning a
/// `search_path`, so it must look up no name a caller could shadow: here a temporary
/// `metacore_row_counts` (found before any schema's) and a `+`/`-` on `bigint` in a schema
/// the caller puts before `pg_catalog`. The rows written through that session still count
/// in the real table.
#[tokio::test]
async fn counting_ignores_a_callers_shadowing_names_on_postgres() {
    let Some(db) = testing::postgres_database("http_lists_shadow").await else {
        eprintln!("SKIPPED: the PostgreSQL count-function test (no server configured)");
        return;
    };
    let server = Server::start(db).await;
    let db = server.state.db();
    let config: Option<String> = db
        .query_one_raw(Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT array_to_string(proconfig, ',') AS config FROM pg_proc \
             WHERE proname = 'metacore_count__addon_showcase__customers'",
        ))
        .await
        .unwrap()
        .expect("the count function exists")
        .try_get("", "config")
        .unwrap();
    assert_eq!(config, None, "the count function pins nothing");
    for statement in [
        "CREATE SCHEMA shadow",
        "CREATE FUNCTION shadow.zero(bigint, integer) RETURNS bigint LANGUAGE sql \
         AS 'SELECT 0::bigint'",
        "CREATE OPERATOR shadow.+ (LEFTARG = bigint, RIGHTARG = integer, FUNCTION = shadow.zero)",
        "CREATE OPERATOR shadow.- (LEFTARG = bigint, RIGHTARG = integer, FUNCTION = shadow.zero)",
    ] {
        db.execute_unprepared(statement).await.unwrap();
    }
    let live = |sql: &'static str| async move {
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                sea_orm::DatabaseBackend::Postgres,
                sql,
                [ORG_A.into()],
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<i64>(0).unwrap()
    };
    let counted = "SELECT live_rows FROM public.metacore_row_counts \
                   WHERE table_name = 'addon_showcase__customers' AND organization_id = $1";
    let rows = "SELECT count(*) FROM public.addon_showcase__customers \
                WHERE organization_id = $1 AND deleted_at IS NULL";
    let txn = sea_orm::TransactionTrait::begin(db).await.unwrap();
    for statement in [
        "CREATE TEMPORARY TABLE metacore_row_counts \
         (LIKE public.metacore_row_counts INCLUDING ALL) ON COMMIT DROP"
            .to_string(),
        "SET LOCAL search_path = shadow, pg_catalog, public".to_string(),
        format!(
            "INSERT INTO public.addon_showcase__customers (organization_id, name) \
             VALUES ('{ORG_A}', 'Shadowed 1'), ('{ORG_A}', 'Shadowed 2'), ('{ORG_A}', 'Shadowed 3')"
        ),
        "UPDATE public.addon_showcase__customers SET deleted_at = now() WHERE name = 'Shadowed 2'"
            .to_string(),
        "DELETE FROM public.addon_showcase__customers WHERE name = 'Shadowed 3'".to_string(),
    ] {
        txn.execute_unprepared(&statement).await.unwrap();
    }
    txn.commit().await.unwrap();
    assert_eq!(live(rows).await, 1, "one live row written");
    assert_eq!(live(counted).await, 1, "counted in the real table");
}

async fn lists(db: DatabaseConnection) {
    let server = Server::start(db).await;
    let admin_token = server.token(Some(ORG_A), "admin", &[]);
    let admin = Some(admin_token.as_str());
    let other = server.token(Some(ORG_B), "admin", &[]);
    let mut ids = Vec::new();
    for i in 0..41 {
        let name = format!("{} {i}", NAMES[i % NAMES.len()]);
        let body =
            json!({"name": name, "email": format!("c{i}@Example.com"), "tier": TIERS[i % 3]});
        let created = server
            .send("POST", "/api/data/customers", admin, Some(&body))
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
        ids.push(created.body["data"]["id"].as_str().unwrap().to_string());
    }
    for i in 0..5 {
        let body = json!({"name": format!("Grace elsewhere {i}"), "tier": "gold"});
        let created = server
            .send("POST", "/api/data/customers", Some(&other), Some(&body))
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
    }
    let total = |reply: &Value| reply["meta"]["total"].as_u64().expect("a total");
    let list = |query: String| {
        let server = &server;
        async move {
            let reply = server
                .send("GET", &format!("/api/data/customers?{query}"), admin, None)
                .await;
            assert_eq!(reply.status, 200, "{query}: {}", reply.text);
            reply.body
        }
    };

    // Unfiltered totals come from the row counts: every writer keeps them.
    assert_eq!(total(&list("per_page=5".into()).await), 41);
    let deleted = server
        .send(
            "DELETE",
            &format!("/api/data/customers/{}", ids.pop().unwrap()),
            admin,
            None,
        )
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(
        total(&list("per_page=5".into()).await),
        40,
        "a soft delete leaves the count"
    );
    let db = server.state.db();
    let backend = db.get_database_backend();
    let raw = |sql: &str, values: Vec<sea_orm::Value>| {
        Statement::from_sql_and_values(backend, sql, values)
    };
    let insert = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            "INSERT INTO addon_showcase__customers (id, organization_id, name, tier, active, created_at, updated_at) \
             VALUES ($1, $2, 'Written by SQL', 'gold', true, now(), now())"
        }
        _ => {
            "INSERT INTO addon_showcase__customers (id, organization_id, name, tier, active, created_at, updated_at) \
             VALUES (?, ?, 'Written by SQL', 'gold', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
        }
    };
    let outsider = Uuid::new_v4();
    db.execute_raw(raw(insert, vec![outsider.into(), ORG_A.into()]))
        .await
        .expect("a direct insert");
    assert_eq!(
        total(&list("per_page=5".into()).await),
        41,
        "a direct SQL insert counts"
    );
    db.execute_raw(raw(
        &format!(
            "DELETE FROM addon_showcase__customers WHERE id = {}",
            if backend == sea_orm::DatabaseBackend::Postgres {
                "$1"
            } else {
                "?"
            }
        ),
        vec![outsider.into()],
    ))
    .await
    .expect("a direct delete");
    assert_eq!(
        total(&list("per_page=5".into()).await),
        40,
        "a direct SQL delete counts"
    );

    // Concurrent writes of one organisation (each also updates its row count): none fails.
    // On SQLite a deferred transaction that read first could not take the write lock
    // ("database is locked"); writes begin immediate.
    let mut writers = tokio::task::JoinSet::new();
    for (i, id) in ids.iter().take(24).enumerate() {
        let (base, token, id) = (server.base.clone(), admin_token.clone(), id.clone());
        writers.spawn(async move {
            let client = reqwest::Client::new();
            let (method, url, body) = if i % 3 == 0 {
                (
                    reqwest::Method::POST,
                    format!("{base}/api/data/customers"),
                    json!({"name": format!("Racer {i}"), "tier": "bronze"}),
                )
            } else {
                (
                    reqwest::Method::PATCH,
                    format!("{base}/api/data/customers/{id}"),
                    json!({"active": i % 2 == 0}),
                )
            };
            let reply = client
                .request(method, url)
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await
                .expect("an answer");
            (
                reply.status().as_u16(),
                reply.text().await.unwrap_or_default(),
            )
        });
    }
    let mut racers = 0;
    while let Some(done) = writers.join_next().await {
        let (status, text) = done.expect("the writer ran");
        assert!(
            status == 200 || status == 201,
            "a concurrent write answered {status}: {text}"
        );
        racers += u64::from(status == 201);
    }
    assert_eq!(total(&list("per_page=5".into()).await), 40 + racers);
    let racers_only = list("per_page=50&search=Racer".into()).await;
    for row in racers_only["data"].as_array().unwrap() {
        let id = row["id"].as_str().unwrap();
        let gone = server
            .send("DELETE", &format!("/api/data/customers/{id}"), admin, None)
            .await;
        assert_eq!(gone.status, 200, "{}", gone.text);
    }
    assert_eq!(total(&list("per_page=5".into()).await), 40);

    // Filtered totals: exact after every write (the cache is keyed by the row version).
    let gold = total(&list("f_tier=eq:gold".into()).await);
    let created = server
        .send(
            "POST",
            "/api/data/customers",
            admin,
            Some(&json!({"name": "New gold", "tier": "gold"})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(total(&list("f_tier=eq:gold".into()).await), gold + 1);
    let id = created.body["data"]["id"].as_str().unwrap();
    let moved = server
        .send(
            "PATCH",
            &format!("/api/data/customers/{id}"),
            admin,
            Some(&json!({"tier": "silver"})),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(total(&list("f_tier=eq:gold".into()).await), gold);
    assert_eq!(
        total(&list("f_tier=eq:gold".into()).await),
        gold,
        "served again from the cache"
    );

    // Search: through the index, the same rows as a case-insensitive substring test.
    let everything = list("per_page=200".into()).await;
    let rows = everything["data"].as_array().unwrap().clone();
    assert_eq!(rows.len() as u64, total(&everything));
    for term in [
        "gra",
        "GRACE",
        "a",
        "xample.co",
        "50%_",
        "%",
        "_",
        "o'r",
        "\"e\"",
        "zoë",
        "silver",
        "nothing-like-it",
        // Across two columns of PostgreSQL's search document: no column holds it.
        "0\u{1}c0",
    ] {
        let expected: BTreeSet<String> = rows
            .iter()
            .filter(|row| {
                ["name", "email", "tier"].iter().any(|c| {
                    row[*c]
                        .as_str()
                        .is_some_and(|v| ascii_lower(v).contains(&ascii_lower(term)))
                })
            })
            .map(|row| row["id"].as_str().unwrap().to_string())
            .collect();
        let query = format!("per_page=200&search={}", urlencode(term));
        // Twice: the first counts the matches through the full-text index; the second,
        // knowing a common text's count, tests the rows in list order instead.
        for attempt in ["first", "second"] {
            let found = list(query.clone()).await;
            let got: BTreeSet<String> = found["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|row| row["id"].as_str().unwrap().to_string())
                .collect();
            assert_eq!(got, expected, "search `{term}` ({attempt})");
            assert_eq!(
                total(&found),
                expected.len() as u64,
                "search `{term}` total ({attempt})"
            );
        }
    }

    // The search went through the full-text index on SQLite: the triggers keep it filled.
    if backend == sea_orm::DatabaseBackend::Sqlite {
        let indexed = db
            .query_one_raw(raw(
                "SELECT count(*) AS n FROM addon_showcase__customers__search \
                 WHERE addon_showcase__customers__search MATCH '\"grace\"'",
                vec![],
            ))
            .await
            .expect("the search table answers")
            .expect("a row");
        assert!(indexed.try_get::<i64>("", "n").unwrap() >= 10);
        // A page of a common text walks the search scan index in list order: the condition
        // the runtime writes is the document that index holds, so no row is read to test it.
        let (_, model) = metacore_generated::app()
            .registry
            .model("customers")
            .expect("the showcase customers");
        let params = ListParams {
            search: Some("a".into()),
            ..ListParams::default()
        };
        let query = parse_list(model, &params, &[], backend).expect("the list parses");
        assert!(query.scans_index);
        let condition = query.scan_condition.as_ref().unwrap_or(&query.condition);
        let mut explain = Sql::new(backend);
        explain
            .push("EXPLAIN QUERY PLAN SELECT \"rowid\" FROM addon_showcase__customers")
            .push(" WHERE organization_id = ")
            .bind(ORG_A)
            .push(" AND deleted_at IS NULL AND (")
            .append(condition)
            .push(") ORDER BY created_at DESC, id DESC LIMIT 20");
        let plan: Vec<String> = db
            .query_all_raw(explain.statement())
            .await
            .expect("the plan")
            .iter()
            .map(|row| row.try_get::<String>("", "detail").unwrap())
            .collect();
        assert!(
            plan.iter().any(|step| step
                .contains("USING COVERING INDEX addon_showcase__customers__search__scan")),
            "{plan:?}"
        );
    }
    // On PostgreSQL, through the search document every writer keeps (a generated column).
    if backend == sea_orm::DatabaseBackend::Postgres {
        let document = db
            .query_one_raw(raw(
                "SELECT metacore_search AS d FROM addon_showcase__customers WHERE id = $1",
                vec![Uuid::parse_str(&ids[0]).unwrap().into()],
            ))
            .await
            .unwrap()
            .expect("a row");
        assert_eq!(
            document.try_get::<String>("", "d").unwrap(),
            "grace hopper 0\u{1}c0@example.com\u{1}bronze"
        );
    }
    // A search of some of the search columns tests only those.
    let golds = list("per_page=200&search=GOLD&search_columns=tier".into()).await;
    let expected = rows.iter().filter(|r| r["tier"] == "gold").count();
    assert_eq!(golds["data"].as_array().unwrap().len(), expected);
    assert!(expected > 0);
    let none = list("per_page=200&search=bronze&search_columns=name,email".into()).await;
    assert_eq!(total(&none), 0, "{none}");

    // Deep pages: every page of 7 in order, each row once, past the end empty.
    let all_ids: Vec<String> = rows
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let ids_of = |reply: &Value| -> Vec<String> {
        reply["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    let mut paged = Vec::new();
    for page in 1..=7 {
        let reply = list(format!("per_page=7&page={page}")).await;
        paged.extend(ids_of(&reply));
    }
    assert_eq!(paged, all_ids, "pages partition the default order");
    // Later pages start from rows earlier pages showed; after a write they start over.
    let newest = server
        .send(
            "POST",
            "/api/data/customers",
            admin,
            Some(&json!({"name": "Newest", "tier": "gold"})),
        )
        .await;
    assert_eq!(newest.status, 201, "{}", newest.text);
    let second = list("per_page=7&page=2".into()).await;
    assert_eq!(ids_of(&second), all_ids[6..13], "page 2 moved by one row");
    let newest_id = newest.body["data"]["id"].as_str().unwrap();
    let gone = server
        .send(
            "DELETE",
            &format!("/api/data/customers/{newest_id}"),
            admin,
            None,
        )
        .await;
    assert_eq!(gone.status, 200, "{}", gone.text);
    assert_eq!(
        ids_of(&list("per_page=7&page=2".into()).await),
        all_ids[7..14]
    );
    let by_name = ids_of(&list("per_page=200&sortBy=name&order=asc".into()).await);
    let mut name_pages = Vec::new();
    for page in 1.. {
        let ids = ids_of(&list(format!("per_page=3&page={page}&sortBy=name&order=asc")).await);
        if ids.is_empty() {
            break;
        }
        name_pages.extend(ids);
    }
    assert_eq!(name_pages, by_name, "pages partition a sorted order");
    let sorted = list("per_page=3&page=2&sortBy=name&order=asc".into()).await;
    let names: Vec<&str> = sorted["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3);
    let past = list("per_page=7&page=99".into()).await;
    assert_eq!(past["data"], json!([]));
    assert_eq!(total(&past), all_ids.len() as u64);

    // A table whose counting was never installed (a hand-written model's table created by an
    // older build): totals are counted, and stay exact.
    let uninstall: &[&str] = match backend {
        sea_orm::DatabaseBackend::Postgres => &[
            "DROP TRIGGER metacore_count ON addon_showcase__customers",
            "DELETE FROM metacore_row_counts WHERE table_name = 'addon_showcase__customers'",
        ],
        _ => &[
            "DROP TRIGGER metacore_count__addon_showcase__customers__insert",
            "DROP TRIGGER metacore_count__addon_showcase__customers__delete",
            "DROP TRIGGER metacore_count__addon_showcase__customers__update",
            "DROP TRIGGER metacore_count__addon_showcase__customers__move",
            "DELETE FROM metacore_row_counts WHERE table_name = 'addon_showcase__customers'",
        ],
    };
    for statement in uninstall {
        db.execute_unprepared(statement)
            .await
            .expect("uninstalls counting");
    }
    let before = total(&list("per_page=5".into()).await);
    assert_eq!(before, all_ids.len() as u64);
    let created = server
        .send(
            "POST",
            "/api/data/customers",
            admin,
            Some(&json!({"name": "Uncounted", "tier": "gold"})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(total(&list("per_page=5".into()).await), before + 1);
    assert_eq!(total(&list("f_tier=eq:gold".into()).await), gold + 1);
}

/// Lower-cases ASCII letters only, as SQLite's `lower` does (PostgreSQL's `ILIKE` folds more;
/// the terms' non-ASCII letters are given in the case the rows use).
fn ascii_lower(text: &str) -> String {
    text.to_ascii_lowercase()
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
