//! What an attack run found, each closed on a real socket: the body limit over HTTP/2
//! cleartext without `Content-Length`, client input PostgreSQL used to answer with a 500
//! (NUL bytes, out-of-range numbers and dates, comparisons on JSON columns), decimals that
//! went through `f64`, and model wildcards that granted tools and `rbac` permissions. The
//! database-bound cases run once per backend, as separate tests.

use std::future::poll_fn;
use std::time::Duration;

use metacore_runtime::testing;
use serde_json::{json, Value};

use super::support::{assert_error, Reply, Server, ORG_A};

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

on_each_backend!(client_input_is_refused_before_the_database:
    client_input_is_a_4xx_never_a_500_on_sqlite,
    client_input_is_a_4xx_never_a_500_on_postgres);

on_each_backend!(decimals_keep_their_request_digits:
    decimals_round_trip_exactly_on_sqlite,
    decimals_round_trip_exactly_on_postgres);

on_each_backend!(model_wildcards_stay_within_their_model:
    model_wildcards_grant_no_tools_or_rbac_permissions_on_sqlite,
    model_wildcards_grant_no_tools_or_rbac_permissions_on_postgres);

/// 11 MiB, never ended: more than the 10 MiB limit.
const OVER_LIMIT: usize = 11 * 1024 * 1024;

/// An unauthenticated HTTP/2 (prior knowledge, cleartext) upload without `Content-Length`
/// and without end: the server answers 413 once it has read past 10 MiB — it neither waits
/// for the end of the body nor asks for the token first.
#[tokio::test]
async fn an_h2c_body_without_length_is_cut_at_the_limit_before_authentication() {
    let server = Server::start(testing::sqlite_database("http_h2c_limit").await).await;
    let address = server.address();
    let tcp = tokio::net::TcpStream::connect(address)
        .await
        .expect("a connection");
    let (client, connection) = h2::client::handshake(tcp)
        .await
        .expect("the server speaks HTTP/2 by prior knowledge");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut client = client.ready().await.expect("the connection is ready");
    let request = http::Request::builder()
        .method("POST")
        .uri(format!("http://{address}/api/data/customers"))
        .header("content-type", "application/json")
        .body(())
        .expect("a request");
    let (response, mut body) = client.send_request(request, false).expect("a stream opens");
    let sender = tokio::spawn(async move {
        let chunk = bytes::Bytes::from(vec![b' '; 64 * 1024]);
        let mut sent = 0usize;
        while sent < OVER_LIMIT {
            body.reserve_capacity(chunk.len());
            let granted = match poll_fn(|cx| body.poll_capacity(cx)).await {
                Some(Ok(granted)) => granted.min(chunk.len()),
                _ => return sent,
            };
            if body.send_data(chunk.slice(..granted), false).is_err() {
                return sent;
            }
            sent += granted;
        }
        // Everything sent, the stream left open: only the server can end this exchange.
        let _ = poll_fn(|cx| body.poll_reset(cx)).await;
        sent
    });
    let response = tokio::time::timeout(Duration::from_secs(60), response)
        .await
        .expect("the server answers without waiting for the end of the body")
        .expect("a response");
    assert_eq!(response.status(), 413);
    let mut stream = response.into_body();
    let mut text = Vec::new();
    while let Some(chunk) = stream.data().await {
        let chunk = chunk.expect("the error body");
        let _ = stream.flow_control().release_capacity(chunk.len());
        text.extend_from_slice(&chunk);
    }
    let envelope: Value = serde_json::from_slice(&text).expect("a JSON envelope");
    assert_eq!(envelope["error"]["code"], "payload_too_large", "{envelope}");
    sender.abort();
}

/// The same over HTTP/1.1: a declared `Content-Length` above the limit is refused before
/// the body is sent, and a chunked body that never ends is cut at the limit.
#[tokio::test]
async fn http1_bodies_above_the_limit_are_413_by_length_and_by_chunks() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = Server::start(testing::sqlite_database("http_h1_limit").await).await;
    let head = |framing: &str| {
        format!("POST /api/data/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{framing}\r\n\r\n")
    };
    for framing in [
        format!("Content-Length: {OVER_LIMIT}"),
        "Transfer-Encoding: chunked".to_string(),
    ] {
        let stream = tokio::net::TcpStream::connect(server.address())
            .await
            .expect("a connection");
        let (mut reader, mut writer) = stream.into_split();
        writer
            .write_all(head(&framing).as_bytes())
            .await
            .expect("the head is sent");
        let chunked = framing.starts_with("Transfer-Encoding");
        let sender = tokio::spawn(async move {
            if !chunked {
                return;
            }
            let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
            chunk.extend(std::iter::repeat_n(b' ', 64 * 1024));
            chunk.extend_from_slice(b"\r\n");
            for _ in 0..OVER_LIMIT / (64 * 1024) {
                if writer.write_all(&chunk).await.is_err() {
                    return;
                }
            }
            // No last chunk: the body never ends.
            std::future::pending::<()>().await;
        });
        let read = async {
            let mut answer = Vec::new();
            let mut buf = [0u8; 4096];
            while !String::from_utf8_lossy(&answer).contains("payload_too_large") {
                match reader.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => answer.extend_from_slice(&buf[..n]),
                }
            }
            String::from_utf8_lossy(&answer).into_owned()
        };
        let answer = tokio::time::timeout(Duration::from_secs(60), read)
            .await
            .expect("the server answers without waiting for the end of the body");
        assert!(answer.starts_with("HTTP/1.1 413"), "{framing}: {answer}");
        assert!(answer.contains("payload_too_large"), "{framing}: {answer}");
        sender.abort();
    }
}

fn assert_field_error(reply: &Reply, field: &str, code: &str) {
    assert_error(reply, 422, "validation_failed");
    assert_eq!(
        reply.body["errors"][field][0]["code"], code,
        "{field}: {}",
        reply.text
    );
}

async fn client_input_is_refused_before_the_database(server: &Server) {
    let token = server.token(Some(ORG_A), "admin", &[]);
    let admin = Some(token.as_str());
    let customer = server.create_customer(&token, "Ada").await;

    // NUL in any query parameter: search, a filter, options' `q`.
    for path in [
        "/api/data/customers?search=a%00b",
        "/api/data/customers?f_name=a%00b",
        "/api/data/customers?f_name=ilike:%00",
        "/api/options/orders?field=customer_id&q=%00",
    ] {
        let reply = server.send("GET", path, admin, None).await;
        assert_error(&reply, 400, "invalid_param");
    }

    // NUL in a text field or anywhere in a JSON document.
    let reply = server
        .send(
            "POST",
            "/api/data/customers",
            admin,
            Some(&json!({"name": "a\u{0}b"})),
        )
        .await;
    assert_field_error(&reply, "name", "invalid_type");
    let order = |extra: Value| {
        let mut body = json!({"customer_id": customer, "number": 1});
        if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
            body.extend(extra);
        }
        body
    };
    for (field, value, code) in [
        ("attributes", json!({"k\u{0}": 1}), "invalid_type"),
        ("tags", json!(["ok", "\u{0}"]), "invalid_type"),
        ("notes", json!("\u{0}"), "invalid_type"),
        // Numbers beyond the column: integer (32 bits), numeric(18,4), unbounded numeric.
        ("quantity", json!(3_000_000_000i64), "integer"),
        ("total", json!(123456789012345.5), "max"),
        ("total", json!(-123456789012345.5), "min"),
        ("discount", json!(1e300), "numeric"),
        // A numeric column without precision stays below 10^28, as the spec says.
        ("discount", json!(5e28), "max"),
        ("discount", json!("-10000000000000000000000000000"), "min"),
        // A JSON body types its numbers: text for an integer is refused (a numeric column
        // takes decimal text, the only exact form; files are text and convert before this).
        ("quantity", json!("5"), "integer"),
        // Dates outside years 1–9999.
        ("placed_on", json!("-200000-01-01"), "invalid_type"),
        ("placed_on", json!("0000-12-31"), "invalid_type"),
        ("ship_by", json!("-200000-01-01T00:00:00"), "invalid_type"),
        (
            "ship_by",
            json!("9999-12-31T23:00:00-05:00"),
            "invalid_type",
        ),
    ] {
        let reply = server
            .send(
                "POST",
                "/api/data/orders",
                admin,
                Some(&order(json!({ field: value }))),
            )
            .await;
        assert_field_error(&reply, field, code);
    }
    let reply = server
        .send(
            "POST",
            "/api/data/customers",
            admin,
            Some(&json!({"name": "Big", "credit_limit": 12345678901.5})),
        )
        .await;
    assert_field_error(&reply, "credit_limit", "max");
    assert_eq!(
        reply.body["errors"]["credit_limit"][0]["params"]["max"],
        json!(9999999999.99)
    );
    let reply = server
        .send(
            "POST",
            "/api/data/customers",
            admin,
            Some(&json!({"name": "Text bool", "active": "true"})),
        )
        .await;
    assert_field_error(&reply, "active", "invalid_type");

    // The edges of what fits are accepted.
    let reply = server
        .send(
            "POST",
            "/api/data/orders",
            admin,
            Some(&order(json!({
                // As text: the JSON number would not survive `json!`'s f64.
                "total": "99999999999999.9999",
                "placed_on": "9999-12-31",
                "ship_by": "0001-01-01T00:00:00Z",
                "quantity": 2_147_483_647,
            }))),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let id = reply.body["data"]["id"]
        .as_str()
        .expect("an id")
        .to_string();
    let reply = server
        .send(
            "PATCH",
            &format!("/api/data/orders/{id}"),
            admin,
            Some(&json!({"total": 1e15, "notes": "x\u{0}"})),
        )
        .await;
    assert_field_error(&reply, "total", "max");
    assert_field_error(&reply, "notes", "invalid_type");

    // Filters: operands the column cannot hold, and comparisons on JSON columns.
    for filter in [
        "f_placed_on=-200000-01-01",
        "f_placed_on=gt:-200000-01-01",
        "f_ship_by=-200000-01-01_2024-01-01",
        "f_ship_by=2024-01-01_%2B200000-01-01",
        "f_ship_by=lt:-200000-01-01T00:00:00Z",
        "f_quantity=99999999999",
        "f_total=gt:1e400",
        "f_discount=eq:99999999999999999999999999999999999",
        "f_attributes=eq:%7B%7D",
        "f_attributes=%7B%22a%22%3A1%7D",
        "f_tags=x",
        "f_tags=in:a,b",
        "f_tags=a&f_tags=b",
        "f_tags=gt:1",
    ] {
        let reply = server
            .send("GET", &format!("/api/data/orders?{filter}"), admin, None)
            .await;
        assert_error(&reply, 400, "invalid_filter");
    }
    for filter in [
        "f_tags=has:ok",
        "f_attributes=null:true",
        "f_placed_on=9999-12-31_9999-12-31",
        "f_ship_by=0001-01-01",
    ] {
        let reply = server
            .send("GET", &format!("/api/data/orders?{filter}"), admin, None)
            .await;
        assert_eq!(reply.status, 200, "{filter}: {}", reply.text);
    }
    let reply = server
        .send(
            "GET",
            "/api/data/orders?f_placed_on=9999-12-31_9999-12-31",
            admin,
            None,
        )
        .await;
    assert_eq!(reply.body["meta"]["total"], 1, "{}", reply.text);
}

/// 14 integer digits and 4 decimals: `f64` keeps 17 significant digits (`…5680`).
const EXACT: &str = "12345678901234.5678";

async fn decimals_keep_their_request_digits(server: &Server) {
    let token = server.token(Some(ORG_A), "admin", &[]);
    let admin = Some(token.as_str());

    // fiscal_mexico's money column: `numeric` without precision.
    let body = format!(
        r#"{{"invoice_id": "{}", "rfc_emisor": "AAA010101AAA", "rfc_receptor": "XAXX010101000", "total": {EXACT}}}"#,
        uuid::Uuid::new_v4()
    );
    let created = server
        .send_text("POST", "/api/data/fiscal_documents", admin, Some(&body))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert!(
        created.text.contains(&format!(r#""total":{EXACT}"#)),
        "{}",
        created.text
    );
    let id = created.body["data"]["id"].as_str().expect("an id");
    let read = server
        .send(
            "GET",
            &format!("/api/data/fiscal_documents/{id}"),
            admin,
            None,
        )
        .await;
    assert!(
        read.text.contains(&format!(r#""total":{EXACT}"#)),
        "{}",
        read.text
    );

    // numeric(18,4) on create and update; a filter on the exact value finds the row.
    let customer = server.create_customer(&token, "Ada").await;
    let body = format!(
        r#"{{"customer_id": "{customer}", "number": 7, "total": {EXACT}, "discount": 0.1000000000000000055511}}"#
    );
    let created = server
        .send_text("POST", "/api/data/orders", admin, Some(&body))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert!(
        created.text.contains(&format!(r#""total":{EXACT}"#))
            && created
                .text
                .contains(r#""discount":0.1000000000000000055511"#),
        "{}",
        created.text
    );
    let id = created.body["data"]["id"].as_str().expect("an id");
    let updated = server
        .send_text(
            "PATCH",
            &format!("/api/data/orders/{id}"),
            admin,
            Some(r#"{"total": 98765432109876.5432}"#),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    let read = server
        .send("GET", &format!("/api/data/orders/{id}"), admin, None)
        .await;
    assert!(
        read.text.contains(r#""total":98765432109876.5432"#),
        "{}",
        read.text
    );
    let found = server
        .send(
            "GET",
            "/api/data/orders?f_total=98765432109876.5432",
            admin,
            None,
        )
        .await;
    assert_eq!(found.body["meta"]["total"], 1, "{}", found.text);
}

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

#[tokio::test]
async fn a_dropped_begin_leaves_no_transaction_open_on_sqlite() {
    let path = std::env::temp_dir().join(format!("{}.sqlite", testing::unique_name("begin")));
    dropped_begins(&format!("sqlite://{}?mode=rwc", path.display())).await;
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn a_dropped_begin_leaves_no_transaction_open_on_postgres() {
    match testing::postgres_database_url("http_dropped_begin").await {
        Some(url) => dropped_begins(&url).await,
        None => eprintln!(
            "SKIPPED: the PostgreSQL half of the dropped-BEGIN test (no server configured)"
        ),
    }
}

/// Requests dropped while their `BEGIN` is in flight (a client hanging up) leave the
/// connection outside any transaction: on a pool of one connection, the next statement is
/// its own transaction.
async fn dropped_begins(url: &str) {
    use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend, Statement};
    let mut options = ConnectOptions::new(url);
    options.max_connections(1).sqlx_logging(false);
    let db = Database::connect(options).await.expect("a pool of one");
    let backend = db.get_database_backend();
    for i in 0..200u64 {
        // Polled a few times, the server's answers arriving in between, then dropped: some
        // of these drops land while `BEGIN` waits for its answer.
        let mut begin = Box::pin(metacore_runtime::db::begin_write(&db));
        for _ in 0..=i % 8 {
            let polled =
                poll_fn(|cx| std::task::Poll::Ready(std::future::Future::poll(begin.as_mut(), cx)))
                    .await;
            if polled.is_ready() {
                break;
            }
            // The answers arrive, and the runtime's I/O driver notices them at the yield.
            std::thread::sleep(Duration::from_micros(300));
            tokio::task::yield_now().await;
        }
        drop(begin);
        tokio::time::sleep(Duration::from_millis(2)).await;
        let outside = match backend {
            // Two statements outside a transaction get a transaction id each.
            DatabaseBackend::Postgres => {
                let id = || async {
                    db.query_one_raw(Statement::from_string(
                        backend,
                        "SELECT txid_current() AS id",
                    ))
                    .await
                    .expect("a query")
                    .expect("a row")
                    .try_get::<i64>("", "id")
                    .expect("an id")
                };
                id().await != id().await
            }
            // SQLite refuses a BEGIN inside a transaction.
            _ => {
                let begun = db.execute_unprepared("BEGIN").await.is_ok();
                db.execute_unprepared("ROLLBACK").await.expect("ROLLBACK");
                begun
            }
        };
        assert!(
            outside,
            "attempt {i}: a dropped BEGIN left its transaction open on the pooled connection"
        );
    }
}
