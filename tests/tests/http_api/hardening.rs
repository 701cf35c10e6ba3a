//! What an attack run found, each closed on a real socket: the body limit over HTTP/2
//! cleartext without `Content-Length`, client input PostgreSQL used to answer with a 500
//! (NUL bytes, out-of-range numbers and dates, comparisons on JSON columns), decimals that
//! went through `f64`, and model wildcards that granted tools and `rbac` permissions. The
//! database-bound cases run once per backend, as separate tests.

use std::future::poll_fn;
use std::time::Duration;

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
