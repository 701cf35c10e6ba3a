//! The WebSocket hub over a real socket (`runtime.md` §7), on SQLite and PostgreSQL: refusals
//! before the upgrade (token 401, origin 403, plain GET 426), channel authorisation, ping and
//! subscribe frames, committed canonical events reaching `model:` members of their own
//! organisation only, with their log sequence, the inbound size cap (1009), and a client that
//! never reads dropped while another keeps receiving.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use metacore_runtime::hub::Frame;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use super::support::{databases, Server, ORG_A, ORG_B};

pub(super) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `/api/ws?query` with an optional bearer `token` and `Origin`; the HTTP status of a
/// refusal.
pub(super) async fn open(
    server: &Server,
    query: &str,
    token: Option<&str>,
    origin: Option<&str>,
) -> Result<Socket, u16> {
    let url = format!("ws://{}/api/ws?{query}", server.address());
    let mut request = url.into_client_request().expect("a request");
    if let Some(token) = token {
        request.headers_mut().insert(
            "authorization",
            format!("Bearer {token}").parse().expect("a header"),
        );
    }
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().expect("a header"));
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(error) => panic!("the upgrade failed: {error}"),
    }
}

/// The next text frame as JSON (pings skipped), within five seconds.
pub(super) async fn next(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a frame within 5 s")
            .expect("the socket is open")
            .expect("a frame");
        match message {
            Message::Text(text) => return serde_json::from_str(&text).expect("a JSON frame"),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

async fn send(socket: &mut Socket, frame: Value) {
    socket
        .send(Message::Text(frame.to_string().into()))
        .await
        .expect("sent");
}

#[tokio::test]
async fn the_hub_on_every_backend() {
    for (backend, db) in databases("http_ws").await {
        eprintln!("backend: {backend}");
        let server = Server::start(db).await;
        hub(&server).await;
    }
}

async fn hub(server: &Server) {
    let admin = server.token(Some(ORG_A), "admin", &[]);
    // Refused before the upgrade.
    assert_eq!(open(server, "", None, None).await.err(), Some(401));
    assert_eq!(
        open(server, "", Some("forged"), None).await.err(),
        Some(401)
    );
    assert_eq!(
        open(server, "", Some(&admin), Some("https://evil.example"))
            .await
            .err(),
        Some(403)
    );
    let plain = server.send("GET", "/api/ws", Some(&admin), None).await;
    assert_eq!(plain.status, 426, "{}", plain.text);

    // The server's own origin is admitted; channels join at connect.
    let own = format!("http://{}", server.address());
    let mut socket = open(server, "channel=model:customers", Some(&admin), Some(&own))
        .await
        .expect("connected");
    assert_eq!(
        next(&mut socket).await,
        json!({"type": "subscribed", "payload": {"channels": ["model:customers"], "denied": []}})
    );
    send(&mut socket, json!({"type": "ping"})).await;
    assert_eq!(next(&mut socket).await["type"], "pong");
    send(&mut socket, json!({"type": "dance"})).await;
    assert_eq!(
        next(&mut socket).await,
        json!({"type": "error", "payload": {"code": "unknown_type"}})
    );
    socket
        .send(Message::Text("not json".into()))
        .await
        .expect("sent");
    assert_eq!(
        next(&mut socket).await["payload"]["code"],
        "invalid_message"
    );

    // A member without `customers.index` cannot join the model's channel.
    let guest = server.token(Some(ORG_A), "guest", &[]);
    let mut guest_socket = open(server, "", Some(&guest), None)
        .await
        .expect("connected");
    send(
        &mut guest_socket,
        json!({"type": "subscribe", "payload": {"channels": ["model:customers", "model:nope", "secret:x", "public:lobby"]}}),
    )
    .await;
    assert_eq!(
        next(&mut guest_socket).await["payload"],
        json!({"channels": ["public:lobby"], "denied": ["model:customers", "model:nope", "secret:x"]})
    );

    // Another organisation's member of the same channel.
    let admin_b = server.token(Some(ORG_B), "admin", &[]);
    let mut theirs = open(server, "channel=model:customers", Some(&admin_b), None)
        .await
        .expect("connected");
    assert_eq!(next(&mut theirs).await["type"], "subscribed");

    // A committed create reaches the model channel of its organisation, with its sequence.
    server.create_customer(&admin, "Live").await;
    let event = next(&mut socket).await;
    assert_eq!(event["type"], "showcase.Customer.created");
    assert_eq!(event["channel"], "model:customers");
    assert_eq!(event["sequence"], 1);
    assert_eq!(event["payload"]["after"]["name"], "Live");
    server.create_customer(&admin_b, "Theirs").await;
    let first_for_b = next(&mut theirs).await;
    assert_eq!(
        first_for_b["payload"]["after"]["name"], "Theirs",
        "organisation B never sees A's event: {first_for_b}"
    );
    // A failed write sends nothing; the guest, outside the channel, got nothing either.
    let failed = server
        .send(
            "POST",
            "/api/data/customers",
            Some(&admin),
            Some(&json!({"name": "Bad", "tier": "platinum"})),
        )
        .await;
    assert_eq!(failed.status, 422);
    send(&mut socket, json!({"type": "ping"})).await;
    assert_eq!(
        next(&mut socket).await["type"],
        "pong",
        "nothing came before the pong"
    );
    send(&mut guest_socket, json!({"type": "ping"})).await;
    assert_eq!(next(&mut guest_socket).await["type"], "pong");

    // More than 64 KiB inbound closes with 1009.
    socket
        .send(Message::Text("x".repeat(70 * 1024).into()))
        .await
        .expect("sent");
    let closed = loop {
        match tokio::time::timeout(Duration::from_secs(5), socket.next()).await {
            Ok(Some(Ok(Message::Close(frame)))) => break frame,
            Ok(Some(Ok(_))) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(
        closed.map(|f| u16::from(f.code)),
        Some(1009),
        "closed as too large"
    );
}

/// A client that never reads is dropped when its queue fills (close 1013, counted), while a
/// client that reads receives every frame, in order.
#[tokio::test]
async fn a_client_that_never_reads_is_dropped_while_others_keep_receiving() {
    let server =
        Server::start(metacore_runtime::testing::sqlite_database("http_ws_slow").await).await;
    let admin = server.token(Some(ORG_A), "admin", &[]);
    let _stalled = open(&server, "", Some(&admin), None)
        .await
        .expect("connected");
    let mut reader = open(&server, "", Some(&admin), None)
        .await
        .expect("connected");
    let hub = server.state.hub().clone();
    while hub.connections() < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let filler = "x".repeat(32 * 1024);
    let mut sent = 0u64;
    let mut received = 0u64;
    while hub.connections() == 2 {
        assert!(sent < 20_000, "the stalled client was never dropped");
        for _ in 0..64 {
            hub.send_to_org(
                ORG_A,
                Frame::new("CUSTOM", json!({"n": sent, "filler": filler}), &[]),
            );
            sent += 1;
        }
        // The reader keeps up (and proves the frames arrive in order).
        while received < sent {
            let frame = next(&mut reader).await;
            assert_eq!(frame["payload"]["n"], received);
            received += 1;
        }
    }
    eprintln!("the stalled client was dropped after {sent} frames of 32 KiB");
    assert_eq!(hub.connections(), 1, "only the stalled client was dropped");
    hub.send_to_org(ORG_A, Frame::new("CUSTOM", json!({"n": "after"}), &[]));
    assert_eq!(next(&mut reader).await["payload"]["n"], "after");
    let metrics = server.state.metrics().encode();
    assert!(
        metrics.contains("ws_slow_consumer_disconnects_total 1"),
        "{metrics}"
    );
}

/// Keepalive (timings shortened): the server pings; a client that answers (tungstenite
/// pongs while it reads) stays connected past the silence limit, one that sends nothing is
/// closed with 1001.
#[tokio::test]
async fn keepalive_pings_and_closes_silent_clients() {
    use metacore_runtime::api::server::Options;
    use metacore_runtime::api::ws::Keepalive;
    use metacore_runtime::api::HandlerSettings;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
    let server = Server::start_with_options(
        metacore_runtime::testing::sqlite_database("http_ws_keepalive").await,
        super::support::sandbox(),
        HandlerSettings::default(),
        None,
        Options {
            keepalive: Keepalive {
                ping_every: Duration::from_millis(100),
                silence: Duration::from_millis(400),
                write_deadline: Duration::from_secs(1),
            },
            ..Options::default()
        },
    )
    .await;
    let token = server.token(Some(ORG_A), "admin", &[]);
    let mut lively = open(&server, "", Some(&token), None)
        .await
        .expect("connected");
    let mut silent = open(&server, "", Some(&token), None)
        .await
        .expect("connected");
    // The lively client reads (answering each ping) for a second: at least five pings,
    // and still open.
    let mut pings = 0;
    let until = tokio::time::Instant::now() + Duration::from_secs(1);
    while let Ok(message) = tokio::time::timeout_at(until, lively.next()).await {
        match message.expect("open").expect("a frame") {
            Message::Ping(_) => pings += 1,
            other => panic!("unexpected frame {other:?}"),
        }
    }
    assert!(pings >= 5, "{pings} pings in a second");
    send(&mut lively, json!({"type": "ping"})).await;
    assert_eq!(next(&mut lively).await["type"], "pong");
    // The silent client never answered: the server dropped it (the lively one is the only
    // connection left), and its stream ends with the close "no traffic" — or, when
    // tungstenite first tries to answer the pings it finds buffered, with the broken pipe of
    // the connection the server closed.
    assert_eq!(server.state.hub().connections(), 1);
    let ended = loop {
        match tokio::time::timeout(Duration::from_secs(2), silent.next())
            .await
            .expect("the silent client's stream ends within 2 s")
        {
            Some(Ok(Message::Ping(_))) => continue,
            Some(Ok(Message::Close(frame))) => break frame.map(|f| (f.code, f.reason.to_string())),
            Some(Ok(other)) => panic!("unexpected frame {other:?}"),
            Some(Err(_)) | None => break None,
        }
    };
    if let Some((code, reason)) = ended {
        assert_eq!((code, reason.as_str()), (CloseCode::Away, "no traffic"));
    }
}
