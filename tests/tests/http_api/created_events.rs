//! A create's `created` event carries the row exactly as the API serves it, for every column
//! type, on both backends. On PostgreSQL a create is one statement whose SQL builds the
//! logged payload (`metacore_runtime::api::logged_create`), so these are the cases where the
//! database's JSON and the served form could part: timestamps with no, milli- and
//! microsecond fractions, the first and last dates of the calendar, exact decimals,
//! 64-bit integers, escapes and non-ASCII text, nested JSON with floats and nulls.
//!
//! On PostgreSQL the statement itself is tested too: it writes the row, its event and the
//! next sequence number together, and writes nothing when a reference is missing or the
//! organisation has a webhook (the general path then answers). Events are announced to other
//! processes only while one listens (`metacore_runtime::coherence`).

use metacore_generated::showcase::api::Orders;
use metacore_runtime::api::logged_create;
use metacore_runtime::api::schema::ModelSchema;
use metacore_runtime::api::store::{Cells, Scope};
use metacore_runtime::api::ApiError;
use metacore_runtime::events::Event;
use metacore_runtime::testing;
use metacore_runtime::{coherence, event_log};
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::ConnectionTrait;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::support::{assert_error, Server, ORG_A};

/// The served columns of an order, the keys of its payload's `after`.
const ORDER_COLUMNS: [&str; 15] = [
    "attributes",
    "created_at",
    "customer_id",
    "discount",
    "id",
    "notes",
    "number",
    "organization_id",
    "placed_on",
    "quantity",
    "ship_by",
    "status",
    "tags",
    "total",
    "updated_at",
];

/// Orders whose served forms are easy to get wrong, referencing `customer`.
fn orders(customer: &str) -> Vec<Value> {
    vec![
        json!({
            "customer_id": customer, "number": 1, "quantity": 3, "total": "99.9900",
            "discount": "0.000001", "status": "draft", "placed_on": "2026-02-28",
            "ship_by": "2026-12-06T10:11:12Z",
            "attributes": {"b": [1, 2.5, 1e2, -0.0, 12345678901234567890u64], "a": {"s": "x\"y", "n": null}},
            "tags": ["a", "b"],
            "notes": "line\nbreak \\ \u{1} \u{7f} é 😀 \"quoted\" </script>",
        }),
        json!({
            "customer_id": customer, "number": 9_007_199_254_740_993i64, "quantity": -5,
            "total": "12345678901234.5678", "ship_by": "2026-12-06T10:11:12.345Z",
            "attributes": [], "tags": {},
        }),
        json!({
            "customer_id": customer, "number": 3, "total": "0",
            "ship_by": "2026-12-06T10:11:12.345678Z", "discount": "0.00", "notes": "",
        }),
        json!({
            "customer_id": customer, "number": 4, "total": "-1.5", "discount": null,
            "ship_by": "0001-01-01T00:00:00.000001Z", "placed_on": "9999-12-31",
        }),
        json!({
            "customer_id": customer, "number": 5, "total": "7",
            "ship_by": "9999-12-31T23:59:59.999999Z", "placed_on": "0001-01-01",
        }),
    ]
}

/// Creates each order and checks its event on the bus and in the log against the row as
/// served.
async fn created_events_carry_the_served_row(server: &mut Server) {
    let admin = server.token(Some(ORG_A), "admin", &[]);
    let customer = server.create_customer(&admin, "Ada").await;
    let mut last = server
        .send("GET", "/api/events?limit=200", Some(&admin), None)
        .await
        .body["meta"]["last_sequence"]
        .as_i64()
        .expect("a cursor");
    server.drain_events();
    for body in orders(&customer) {
        let created = server
            .send("POST", "/api/data/orders", Some(&admin), Some(&body))
            .await;
        assert_eq!(created.status, 201, "{body}: {}", created.text);
        let id = created.body["data"]["id"].as_str().expect("an id");
        let read = server
            .send("GET", &format!("/api/data/orders/{id}"), Some(&admin), None)
            .await;
        assert_eq!(read.status, 200, "{}", read.text);
        let served: Map<String, Value> = ORDER_COLUMNS
            .iter()
            .map(|c| (c.to_string(), read.body["data"][c].clone()))
            .collect();
        for column in ORDER_COLUMNS {
            assert_eq!(
                created.body["data"][column], served[column],
                "{column}: the create's answer and the read differ"
            );
        }
        let expected = json!({"id": id, "after": served});

        let published = server.drain_events();
        assert_eq!(published.len(), 1, "{published:?}");
        assert_eq!(published[0].topic, "showcase.Order.created");
        assert_eq!(
            published[0].payload, expected,
            "the published event of {body}"
        );

        let logged = server
            .send(
                "GET",
                &format!("/api/events?after={last}&limit=10"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(logged.status, 200, "{}", logged.text);
        let events = logged.body["data"].as_array().expect("events");
        assert_eq!(events.len(), 1, "{}", logged.text);
        assert_eq!(events[0]["name"], "showcase.Order.created");
        assert_eq!(
            Some(events[0]["sequence"].as_i64()),
            Some(published[0].sequence)
        );
        assert_eq!(events[0]["payload"], expected, "the logged event of {body}");
        last = events[0]["sequence"].as_i64().expect("a sequence");
    }
}

#[tokio::test]
async fn created_events_carry_the_served_row_on_sqlite() {
    let db = testing::sqlite_database("http_created_events").await;
    created_events_carry_the_served_row(&mut Server::start(db).await).await;
}

#[tokio::test]
async fn created_events_carry_the_served_row_on_postgres() {
    // Without a configured server this says so on stderr (and fails under CI=true).
    let Some(db) = testing::postgres_database("http_created_events").await else {
        return;
    };
    created_events_carry_the_served_row(&mut Server::start(db).await).await;
}

/// The organisation's orders, events and last sequence number.
async fn written(server: &Server) -> (i64, i64, i64) {
    let db = server.state.db();
    let count = |sql: &'static str| async move {
        let row = db
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                db.get_database_backend(),
                sql,
                [ORG_A.into()],
            ))
            .await
            .expect("a count")
            .expect("a row");
        row.try_get_by_index::<i64>(0).expect("a number")
    };
    (
        count("SELECT COUNT(*) FROM addon_showcase__orders WHERE organization_id = $1").await,
        count("SELECT COUNT(*) FROM metacore_events WHERE organization_id = $1").await,
        count("SELECT COALESCE(MAX(last), 0) FROM metacore_event_seq WHERE organization_id = $1")
            .await,
    )
}

/// The body of an order numbered `number` referencing `customer`.
fn order(number: i64, customer: &str) -> Map<String, Value> {
    let body = json!({"customer_id": customer, "number": number, "total": "1.50"});
    body.as_object().expect("an object").clone()
}

/// [`logged_create::create`] of [`order`] in [`ORG_A`].
async fn create_in_one_statement(
    server: &Server,
    number: i64,
    customer: &str,
) -> Result<Option<(Cells, Event)>, ApiError> {
    let scope = Scope {
        org: ORG_A,
        user: Uuid::nil(),
    };
    let addon = &metacore_generated::showcase::ADDON;
    let body = order(number, customer);
    logged_create::create(
        server.state.db(),
        addon,
        Orders::model(),
        scope,
        &body,
        blank_event(),
    )
    .await
}

/// A `created` event of an order in [`ORG_A`], before its payload is known.
fn blank_event() -> Event {
    Event {
        topic: "showcase.Order.created".into(),
        org_id: ORG_A,
        producer: "showcase".into(),
        actor_id: Some(Uuid::nil()),
        payload: Value::Null,
        occurred_at: sea_orm::prelude::ChronoUtc::now(),
        sequence: None,
        deliveries: 0,
    }
}

#[tokio::test]
async fn a_create_on_postgres_is_one_statement_that_writes_all_or_nothing() {
    // Without a configured server this says so on stderr (and fails under CI=true).
    let Some(db) = testing::postgres_database("http_logged_create").await else {
        return;
    };
    let server = Server::start(db).await;
    let admin = server.token(Some(ORG_A), "admin", &[]);
    let customer = server.create_customer(&admin, "Ada").await;
    let db = server.state.db();
    assert!(logged_create::applies(db));

    // Written: the row, its event with the next number, the payload as served.
    let (rows, events, last) = written(&server).await;
    let made = create_in_one_statement(&server, 1, &customer)
        .await
        .expect("no error");
    let (cells, event) = made.expect("the statement applies");
    assert_eq!(event.sequence, Some(last + 1));
    assert_eq!(
        event.payload,
        logged_create::json_payload(Orders::model(), &cells)
    );
    assert_eq!(event.payload["after"]["total"], json!(1.5));
    assert_eq!(written(&server).await, (rows + 1, events + 1, last + 1));

    // A duplicate number fails as a whole: no row, no event, no number taken.
    let before = written(&server).await;
    let duplicate = create_in_one_statement(&server, 1, &customer).await;
    let error = duplicate.expect_err("a duplicate is an error");
    assert_eq!(error.status.as_u16(), 409, "{error:?}");
    assert_eq!(written(&server).await, before);

    // A missing reference: nothing written, and the general path answers the 422.
    let missing = Uuid::new_v4().to_string();
    let made = create_in_one_statement(&server, 2, &missing)
        .await
        .expect("no error");
    assert!(made.is_none(), "a dangling reference inserts nothing");
    assert_eq!(written(&server).await, before);
    let dangling = server
        .send(
            "POST",
            "/api/data/orders",
            Some(&admin),
            Some(&Value::Object(order(2, &missing))),
        )
        .await;
    assert_error(&dangling, 422, "validation_failed");
    assert_eq!(
        dangling.body["errors"]["customer_id"][0]["code"],
        "not_found"
    );
    assert_eq!(written(&server).await, before);

    // An organisation with a webhook: nothing written by the statement; the general path
    // creates the row and queues the event's delivery in its transaction.
    let hook = server
        .send(
            "POST",
            "/api/webhooks",
            Some(&admin),
            Some(
                &json!({"name": "orders", "url": "https://hooks.example.com/orders",
                         "events": ["showcase.Order.*"]}),
            ),
        )
        .await;
    assert_eq!(hook.status, 201, "{}", hook.text);
    let made = create_in_one_statement(&server, 3, &customer)
        .await
        .expect("no error");
    assert!(
        made.is_none(),
        "a subscribed organisation takes the general path"
    );
    assert_eq!(written(&server).await, before);
    let created = server
        .send(
            "POST",
            "/api/data/orders",
            Some(&admin),
            Some(&Value::Object(order(3, &customer))),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(
        written(&server).await,
        (before.0 + 1, before.1 + 1, before.2 + 1)
    );
    let queued = db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT COUNT(*) FROM metacore_webhook_deliveries WHERE organization_id = $1 \
             AND event_sequence = $2",
            [ORG_A.into(), (before.2 + 1).into()],
        ))
        .await
        .expect("a count")
        .expect("a row")
        .try_get_by_index::<i64>(0)
        .expect("a number");
    assert_eq!(queued, 1, "the create's event is queued for the webhook");
}

/// The sequence numbers of the [`event_log::CHANNEL`] notices `listener` gets within a
/// moment (none when nothing was announced).
async fn notices(listener: &mut PgListener) -> Vec<i64> {
    let mut got = Vec::new();
    while let Ok(notice) =
        tokio::time::timeout(std::time::Duration::from_millis(500), listener.recv()).await
    {
        let notice = notice.expect("a notice");
        let parts: Vec<&str> = notice.payload().split(':').collect();
        assert_eq!(parts.len(), 3, "{}", notice.payload());
        assert_eq!(parts[0], ORG_A.to_string());
        got.push(parts[1].parse().expect("a sequence"));
    }
    got
}

#[tokio::test]
async fn events_are_announced_only_while_another_process_listens_on_postgres() {
    // Without a configured server this says so on stderr (and fails under CI=true).
    let Some(db) = testing::postgres_database("http_announced").await else {
        return;
    };
    let server = Server::start(db).await;
    let admin = server.token(Some(ORG_A), "admin", &[]);
    let customer = server.create_customer(&admin, "Ada").await;
    let db = server.state.db();
    let mut listener = PgListener::connect_with(db.get_postgres_connection_pool())
        .await
        .expect("a listener");
    listener.listen(event_log::CHANNEL).await.expect("listen");
    // A create (one statement) and an update (the general path's append).
    let write = |number: i64| {
        let (server, admin, customer) = (&server, &admin, &customer);
        async move {
            let created = server
                .send(
                    "POST",
                    "/api/data/orders",
                    Some(admin),
                    Some(&Value::Object(order(number, customer))),
                )
                .await;
            assert_eq!(created.status, 201, "{}", created.text);
            let id = created.body["data"]["id"]
                .as_str()
                .expect("an id")
                .to_string();
            let updated = server
                .send(
                    "PATCH",
                    &format!("/api/data/orders/{id}"),
                    Some(admin),
                    Some(&json!({"quantity": 2})),
                )
                .await;
            assert_eq!(updated.status, 200, "{}", updated.text);
            written(server).await.2
        }
    };

    // No other process registered: nothing is announced.
    write(1).await;
    assert_eq!(notices(&mut listener).await, Vec::<i64>::new());

    // Another process listens: both events are announced, in order.
    coherence::register(db, Uuid::new_v4())
        .await
        .expect("registers");
    let last = write(2).await;
    assert_eq!(notices(&mut listener).await, vec![last - 1, last]);

    // Its registration lapsed: nothing again.
    db.execute_unprepared(&format!(
        "UPDATE {} SET listening_until = now() - interval '1 second'",
        coherence::LISTENERS_TABLE
    ))
    .await
    .expect("lapses");
    write(3).await;
    assert_eq!(notices(&mut listener).await, Vec::<i64>::new());
}
