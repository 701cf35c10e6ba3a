//! Reference siblings (`http-api.md` §1.7) on every row response of a model with a
//! reference: the showcase `orders.customer_id` → `customer: {value, label}`. Labels come from
//! the caller's organisation's live rows only: a reference to another organisation's row or to
//! a soft-deleted one is `null`, never labelled. One test per backend.

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{json, Value};
use uuid::Uuid;

use super::support::{Server, ORG_A, ORG_B};
use metacore_runtime::testing;

#[tokio::test]
async fn siblings_on_sqlite() {
    siblings(testing::sqlite_database("http_siblings").await).await;
}

#[tokio::test]
async fn siblings_on_postgres() {
    match testing::postgres_database("http_siblings").await {
        Some(db) => siblings(db).await,
        None => {
            eprintln!("SKIPPED: the PostgreSQL half of the sibling tests (no server configured)")
        }
    }
}

async fn create(server: &Server, token: &str, path: &str, body: Value) -> Value {
    let reply = server.send("POST", path, Some(token), Some(&body)).await;
    assert_eq!(reply.status, 201, "{path}: {}", reply.text);
    reply.body["data"].clone()
}

async fn siblings(db: DatabaseConnection) {
    let server = Server::start(db.clone()).await;
    let a = server.token(Some(ORG_A), "admin", &[]);
    let b = server.token(Some(ORG_B), "admin", &[]);
    let customer = |name: &str| json!({"name": name, "tier": "gold"});
    let ada = create(&server, &a, "/api/data/customers", customer("Ada Lovelace")).await;
    let grace = create(&server, &a, "/api/data/customers", customer("Grace Hopper")).await;
    let foreign = create(&server, &b, "/api/data/customers", customer("Secret B")).await;
    let (ada_id, grace_id) = (ada["id"].as_str().unwrap(), grace["id"].as_str().unwrap());

    // Create, get and update answer with the sibling.
    let order = create(
        &server,
        &a,
        "/api/data/orders",
        json!({"customer_id": ada_id, "number": 1}),
    )
    .await;
    assert_eq!(
        order["customer"],
        json!({"value": ada_id, "label": "Ada Lovelace"})
    );
    let order_id = order["id"].as_str().unwrap().to_string();
    let path = format!("/api/data/orders/{order_id}");
    let got = server.send("GET", &path, Some(&a), None).await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.body["data"]["customer"]["label"], "Ada Lovelace");
    let etag = got.headers["etag"].to_str().unwrap().to_string();
    let patched = server
        .send(
            "PATCH",
            &path,
            Some(&a),
            Some(&json!({"customer_id": grace_id})),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(
        patched.body["data"]["customer"],
        json!({"value": grace_id, "label": "Grace Hopper"})
    );
    // The ETag is the row's: If-Match with the stale one is refused, with the fresh one taken.
    let fresh = server.send("GET", &path, Some(&a), None).await;
    let fresh_etag = fresh.headers["etag"].to_str().unwrap().to_string();
    assert_ne!(etag, fresh_etag);
    for (tag, status) in [(&etag, 412), (&fresh_etag, 200)] {
        let reply = server
            .send_with_headers(
                "PATCH",
                &path,
                Some(&a),
                Some(&json!({"notes": "checked"})),
                &[("if-match", tag.as_str())],
            )
            .await;
        assert_eq!(reply.status, status, "{}", reply.text);
    }

    // A page of many rows over a few customers: every row labelled.
    for n in 2..=25 {
        let customer_id = if n % 2 == 0 { ada_id } else { grace_id };
        create(
            &server,
            &a,
            "/api/data/orders",
            json!({"customer_id": customer_id, "number": n}),
        )
        .await;
    }
    let page = server
        .send("GET", "/api/data/orders?per_page=50", Some(&a), None)
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    let rows = page.body["data"].as_array().unwrap();
    assert_eq!(rows.len(), 25);
    for row in rows {
        let expected = if row["customer_id"] == ada_id {
            "Ada Lovelace"
        } else {
            "Grace Hopper"
        };
        assert_eq!(row["customer"]["value"], row["customer_id"], "{row}");
        assert_eq!(row["customer"]["label"], expected, "{row}");
    }

    // A row pointing at another organisation's customer (written behind the API's back) or at
    // a soft-deleted one is served with a null sibling: the label never leaks.
    let backend = db.get_database_backend();
    let placeholder = |n: usize| match backend {
        sea_orm::DatabaseBackend::Postgres => format!("${n}"),
        _ => "?".to_string(),
    };
    let foreign_id = Uuid::parse_str(foreign["id"].as_str().unwrap()).unwrap();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!(
            "UPDATE addon_showcase__orders SET customer_id = {} WHERE id = {}",
            placeholder(1),
            placeholder(2)
        ),
        [
            foreign_id.into(),
            Uuid::parse_str(&order_id).unwrap().into(),
        ],
    ))
    .await
    .expect("the reference is rewritten");
    let leaked = server.send("GET", &path, Some(&a), None).await;
    assert_eq!(leaked.status, 200, "{}", leaked.text);
    assert_eq!(leaked.body["data"]["customer_id"], foreign["id"]);
    assert_eq!(leaked.body["data"]["customer"], Value::Null);
    assert!(!leaked.text.contains("Secret B"), "{}", leaked.text);
    let listed = server
        .send("GET", "/api/data/orders?per_page=50", Some(&a), None)
        .await;
    assert!(!listed.text.contains("Secret B"), "{}", listed.text);

    let deleted = server
        .send(
            "DELETE",
            &format!("/api/data/customers/{grace_id}"),
            Some(&a),
            None,
        )
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    let page = server
        .send("GET", "/api/data/orders?per_page=50", Some(&a), None)
        .await;
    for row in page.body["data"].as_array().unwrap() {
        if row["customer_id"] == grace_id {
            assert_eq!(row["customer"], Value::Null, "{row}");
        }
    }

    // The spec documents the sibling on the row schema.
    let spec = server.send("GET", "/api/openapi.json", None, None).await;
    let row = &spec.body["components"]["schemas"]["ShowcaseOrdersRow"];
    assert_eq!(row["properties"]["customer"]["type"], "object", "{row}");
    assert!(row["required"]
        .as_array()
        .unwrap()
        .contains(&json!("customer")));
}
