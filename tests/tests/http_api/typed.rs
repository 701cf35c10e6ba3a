//! The typed data API (`metacore_runtime::api::data`) and the HTTP API are one store: a row
//! written through typed entity models is read over HTTP and the reverse, with the same
//! tenancy, capability checks, validation and canonical events on both paths.

use metacore_generated::showcase::api::{Customers, Orders};
use metacore_generated::showcase::entities::customers;
use metacore_runtime::api::{ApiError, Caller};
use metacore_runtime::types::Numeric;
use sea_orm::prelude::{ChronoUtc, Date, DateTime, Uuid};
use serde_json::json;

use metacore_runtime::testing;

use crate::support::{Server, ORG_A, ORG_B};

fn caller(org: Uuid, role: &str) -> Caller {
    Caller {
        user: Uuid::new_v4(),
        org: Some(org),
        role: role.into(),
        grants: Vec::new(),
    }
}

fn numeric(text: &str) -> Numeric {
    text.parse().expect("a decimal")
}

fn customer(name: &str, tier: &str) -> customers::Model {
    customers::Model {
        id: Uuid::nil(),
        // Set by the server: the caller's organisation, whatever the model says.
        organization_id: ORG_B,
        name: name.into(),
        email: Some(format!("{}@example.com", name.to_lowercase())),
        tier: tier.into(),
        credit_limit: Some(numeric("1234.50")),
        active: true,
        created_at: ChronoUtc::now(),
        updated_at: ChronoUtc::now(),
        deleted_at: None,
    }
}

fn status(error: ApiError) -> u16 {
    error.status.as_u16()
}

async fn typed_and_http_agree(server: &mut Server) {
    let state = server.state.clone();
    let admin_a = state.data(&caller(ORG_A, "admin")).await.expect("org A");
    let admin_b = state.data(&caller(ORG_B, "admin")).await.expect("org B");
    let token_a = server.token(Some(ORG_A), "admin", &[]);
    let token_b = server.token(Some(ORG_B), "admin", &[]);
    server.drain_events();

    // Typed → HTTP.
    let created = admin_a
        .create::<Customers>(&customer("Typed", "gold"))
        .await
        .expect("a typed create");
    assert_ne!(created.id, Uuid::nil(), "the server gives the row an id");
    assert_eq!(
        created.organization_id, ORG_A,
        "tenancy comes from the caller"
    );
    assert_eq!(created.credit_limit, Some(numeric("1234.50")));
    let path = format!("/api/data/customers/{}", created.id);
    let read = server.send("GET", &path, Some(&token_a), None).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.body["data"]["name"], "Typed");
    assert_eq!(read.body["data"]["credit_limit"], json!(1234.5));
    assert_eq!(read.body["data"]["organization_id"], ORG_A.to_string());
    let hidden = server.send("GET", &path, Some(&token_b), None).await;
    assert_eq!(hidden.status, 404, "another organisation never sees it");
    let events = server.drain_events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].topic, "showcase.Customer.created");
    assert_eq!(events[0].org_id, ORG_A);
    assert_eq!(events[0].payload["id"], created.id.to_string());

    // HTTP → typed, with every column type of the orders model.
    let body = json!({
        "customer_id": created.id, "number": 9_007_199_254_740_993_i64, "quantity": 3,
        "total": "10.1250", "discount": "0.5", "status": "placed", "placed_on": "2026-12-04",
        "ship_by": "2026-12-05T10:30:00", "attributes": {"gift": true}, "tags": ["a", "b"],
        "notes": "by HTTP"
    });
    let posted = server
        .send("POST", "/api/data/orders", Some(&token_a), Some(&body))
        .await;
    assert_eq!(posted.status, 201, "{}", posted.text);
    let order_id: Uuid = posted.body["data"]["id"]
        .as_str()
        .expect("an id")
        .parse()
        .unwrap();
    let order = admin_a
        .get::<Orders>(order_id)
        .await
        .expect("a typed get")
        .expect("the order is there");
    assert_eq!(order.customer_id, created.id);
    assert_eq!(order.number, 9_007_199_254_740_993);
    assert_eq!(order.quantity, 3);
    assert_eq!(order.total, numeric("10.1250"));
    assert_eq!(order.discount, Some(numeric("0.5")));
    assert_eq!(
        order.placed_on,
        Some(Date::from_ymd_opt(2026, 12, 4).unwrap())
    );
    let ship_by = DateTime::parse_from_str("2026-12-05T10:30:00", "%Y-%m-%dT%H:%M:%S").unwrap();
    assert_eq!(order.ship_by, Some(ship_by));
    assert_eq!(order.attributes, Some(json!({"gift": true})));
    assert_eq!(order.tags, Some(json!(["a", "b"])));
    assert_eq!(
        admin_b.get::<Orders>(order_id).await.expect("a typed get"),
        None,
        "another organisation's typed get finds nothing"
    );

    // Typed update and delete, seen over HTTP, each with its event.
    server.drain_events();
    let mut changed = order.clone();
    changed.notes = Some("by Rust".into());
    changed.quantity = 4;
    let updated = admin_a
        .update::<Orders>(&changed)
        .await
        .expect("a typed update");
    assert_eq!(updated.quantity, 4);
    let order_path = format!("/api/data/orders/{order_id}");
    let read = server.send("GET", &order_path, Some(&token_a), None).await;
    assert_eq!(read.body["data"]["notes"], "by Rust", "{}", read.text);
    assert_eq!(
        read.body["data"]["total"],
        json!(10.125),
        "untouched values keep their value"
    );
    assert_eq!(
        status(
            admin_b
                .update::<Orders>(&changed)
                .await
                .expect_err("not B's row")
        ),
        404
    );
    admin_a
        .delete::<Orders>(order_id)
        .await
        .expect("a typed delete");
    let gone = server.send("GET", &order_path, Some(&token_a), None).await;
    assert_eq!(gone.status, 404, "{}", gone.text);
    let topics: Vec<String> = server.drain_events().into_iter().map(|e| e.topic).collect();
    assert_eq!(topics, ["showcase.Order.updated", "showcase.Order.deleted"]);

    // The same checks as the HTTP routes: capabilities and validation.
    let guest = state.data(&caller(ORG_A, "guest")).await.expect("a guest");
    assert_eq!(
        status(
            guest
                .create::<Customers>(&customer("Nope", "gold"))
                .await
                .expect_err("no capability")
        ),
        403
    );
    let invalid = admin_a
        .create::<Customers>(&customer("Platinum", "platinum"))
        .await
        .expect_err("tier is not an option");
    assert_eq!(status(invalid.clone()), 422);
    assert!(format!("{:?}", invalid).contains("tier"), "{invalid:?}");
    let (listed, total) = admin_a
        .list::<Customers>(&Default::default())
        .await
        .expect("a typed list");
    assert_eq!(total, 1, "only organisation A's live rows");
    assert_eq!(listed[0].id, created.id);
    assert!(
        server.drain_events().is_empty(),
        "refused writes publish nothing"
    );
}

#[tokio::test]
async fn typed_api_and_http_share_one_store_on_sqlite() {
    let db = testing::sqlite_database("http_typed").await;
    typed_and_http_agree(&mut Server::start(db).await).await;
}

#[tokio::test]
async fn typed_api_and_http_share_one_store_on_postgres() {
    // Without a configured server this says so on stderr (and fails under CI=true).
    let Some(db) = testing::postgres_database("http_typed").await else {
        return;
    };
    typed_and_http_agree(&mut Server::start(db).await).await;
}
