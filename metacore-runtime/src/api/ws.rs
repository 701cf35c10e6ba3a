//! `GET /api/ws` (`http-api.md` §12, `runtime.md` §7): one WebSocket connection of the hub
//! ([`crate::hub`]).
//!
//! Before the upgrade: the bearer token (`?token=` or `Authorization`, 401), the `Origin`
//! (when sent, it must be one of [`AllowedOrigins`], 403), and the upgrade itself (426 for a
//! plain `GET`). The caller's identity and capability set are taken then, for the life of the
//! connection. Channels `user:<id>` and `org:<id>` are implicit; `?channel=` (repeatable) and
//! `subscribe` join `model:<table>` (with `<table>.index`), `addon:<key>` (an addon of the
//! build) and `public:*`; anything else is denied. Frames are text, one JSON object each, at
//! most [`MAX_INBOUND`] bytes inbound (larger: close 1009). The server pings every
//! [`PING_EVERY`] and closes a connection that sent nothing for [`SILENCE`]; each write has
//! [`WRITE_DEADLINE`]. A connection the hub dropped as a slow consumer is closed with 1013.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use poem::http::StatusCode;
use poem::web::websocket::{CloseCode, Message, WebSocket, WebSocketConfig, WebSocketStream};
use poem::web::Data;
use poem::{IntoResponse, Request, Response};
use serde_json::{json, Value};
use tokio::time::Instant;

use super::access::Access;
use super::error::ApiError;
use super::request::{authenticate, query_pairs, Caller};
use super::state::{ApiState, Enabled};
use crate::hub::{Frame, Hub};
use crate::registry::Registry;

/// The largest inbound message.
pub const MAX_INBOUND: usize = 64 * 1024;

/// How often the server pings.
pub const PING_EVERY: Duration = Duration::from_secs(54);

/// How long a connection may send nothing (not even a pong) before it is closed.
pub const SILENCE: Duration = Duration::from_secs(60);

/// How long one outbound frame may take to write.
pub const WRITE_DEADLINE: Duration = Duration::from_secs(10);

/// The most queued frames written with one flush.
const WRITE_BATCH: usize = 64;

/// The keepalive timings of the connections (the defaults are `runtime.md` §7's; tests
/// shorten them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keepalive {
    /// How often the server pings.
    pub ping_every: Duration,
    /// How long a connection may send nothing before it is closed (1001).
    pub silence: Duration,
    /// How long one outbound frame may take to write.
    pub write_deadline: Duration,
}

impl Default for Keepalive {
    fn default() -> Self {
        Keepalive {
            ping_every: PING_EVERY,
            silence: SILENCE,
            write_deadline: WRITE_DEADLINE,
        }
    }
}

/// The environment variable listing the origins browsers may connect from.
pub const ALLOWED_ORIGINS_ENV: &str = "METACORE_ALLOWED_ORIGINS";

/// The origins (`scheme://host[:port]`) a browser's WebSocket may come from; empty: only the
/// server's own (the request's `Host`).
#[derive(Debug, Clone, Default)]
pub struct AllowedOrigins(Vec<String>);

impl AllowedOrigins {
    /// Reads [`ALLOWED_ORIGINS_ENV`] through `lookup` (a comma list); an entry that is not an
    /// origin is an error naming the variable.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let Some(list) = lookup(ALLOWED_ORIGINS_ENV) else {
            return Ok(AllowedOrigins::default());
        };
        let mut origins = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let parsed = url::Url::parse(entry).ok().filter(|u| {
                matches!(u.scheme(), "http" | "https")
                    && u.host().is_some()
                    && u.path() == "/"
                    && u.query().is_none()
            });
            match parsed {
                Some(url) => origins.push(url.origin().ascii_serialization()),
                None => {
                    return Err(format!(
                        "{ALLOWED_ORIGINS_ENV}: `{entry}` is not an origin such as https://app.example.com"
                    ))
                }
            }
        }
        Ok(AllowedOrigins(origins))
    }

    /// Whether a request from `origin` to the server at `host` may connect.
    fn admits(&self, origin: &str, host: Option<&str>) -> bool {
        let Ok(url) = url::Url::parse(origin) else {
            return false;
        };
        let origin = url.origin().ascii_serialization();
        if self.0.is_empty() {
            let authority = origin.split_once("://").map(|(_, rest)| rest);
            return authority.is_some() && authority == host;
        }
        self.0.contains(&origin)
    }
}

/// `GET /api/ws`.
#[poem::handler]
pub async fn ws(
    request: &Request,
    upgrade: poem::Result<WebSocket>,
    Data(state): Data<&ApiState>,
    Data(origins): Data<&AllowedOrigins>,
    Data(keepalive): Data<&Keepalive>,
) -> Response {
    let caller = match authenticate(state.jwt_key(), request) {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    let Some(org) = caller.org else {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "no_organization",
            "the token carries no organisation",
        )
        .into_response();
    };
    if let Some(origin) = request.headers().get(poem::http::header::ORIGIN) {
        let host = request
            .headers()
            .get(poem::http::header::HOST)
            .and_then(|h| h.to_str().ok());
        if !origin.to_str().is_ok_and(|o| origins.admits(o, host)) {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "origin_not_allowed",
                "this origin may not open a WebSocket here",
            )
            .into_response();
        }
    }
    let Ok(upgrade) = upgrade else {
        return ApiError::new(
            StatusCode::UPGRADE_REQUIRED,
            "upgrade_required",
            "GET /api/ws is a WebSocket: send Upgrade: websocket",
        )
        .into_response();
    };
    let access = match state.access_of(&caller).await {
        Ok(access) => access,
        Err(error) => return error.into_response(),
    };
    let enabled = match state.enabled_for(&caller).await {
        Ok(enabled) => enabled,
        Err(error) => return error.into_response(),
    };
    let requested: Vec<String> = query_pairs(request)
        .into_iter()
        .filter(|(name, _)| name == "channel")
        .map(|(_, value)| value)
        .collect();
    let hub = state.hub().clone();
    let registry = *state.registry();
    let keepalive = *keepalive;
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_INBOUND))
        .max_frame_size(Some(MAX_INBOUND));
    upgrade
        .config(config)
        .on_upgrade(move |socket| async move {
            let member = Connection {
                hub,
                registry,
                access,
                enabled,
                caller: caller.clone(),
                org,
                keepalive,
            };
            member.run(socket, requested).await;
        })
        .into_response()
}

/// One upgraded connection.
struct Connection {
    hub: Hub,
    registry: Registry,
    access: Access,
    /// The addons enabled for the organisation when the socket opened (a lifecycle change
    /// sends `ADDON_MANIFEST_CHANGED`, after which clients reconnect).
    enabled: Enabled,
    caller: Caller,
    org: uuid::Uuid,
    keepalive: Keepalive,
}

impl Connection {
    async fn run(self, socket: WebSocketStream, requested: Vec<String>) {
        let mut registration = self.hub.register(self.org, self.caller.user);
        let id = registration.id;
        if !requested.is_empty() {
            self.subscribe(id, &requested);
        }
        let (mut sink, mut stream) = socket.split();
        let Keepalive {
            ping_every,
            silence,
            write_deadline,
        } = self.keepalive;
        let mut ping = tokio::time::interval_at(Instant::now() + ping_every, ping_every);
        let mut heard = Instant::now();
        let close = loop {
            let silent = tokio::time::sleep_until(heard + silence);
            tokio::select! {
                frame = registration.frames.recv() => {
                    let Some(frame) = frame else { break None };
                    // The frames queued meanwhile go out with it, in one flush.
                    let write = async {
                        sink.feed(Message::Text(frame.text.to_string())).await?;
                        for _ in 1..WRITE_BATCH {
                            let Ok(frame) = registration.frames.try_recv() else { break };
                            sink.feed(Message::Text(frame.text.to_string())).await?;
                        }
                        sink.flush().await
                    };
                    match tokio::time::timeout(write_deadline, write).await {
                        Ok(Ok(())) => {}
                        _ => break None,
                    }
                }
                message = stream.next() => {
                    heard = Instant::now();
                    match message {
                        Some(Ok(Message::Text(text))) => self.answer(id, &text),
                        Some(Ok(Message::Binary(_))) => self.hub.send_to_connection(
                            id,
                            error_frame("invalid_message"),
                        ),
                        Some(Ok(Message::Close(_))) | None => break None,
                        Some(Ok(_)) => {}
                        // Too large (tungstenite's capacity error) or broken; poem hands
                        // tungstenite's errors on as text only.
                        Some(Err(error)) => {
                            let error = error.to_string().to_lowercase();
                            let too_large =
                                error.contains("too long") || error.contains("capacity");
                            break too_large.then_some((CloseCode::Size, "message too large"));
                        }
                    }
                }
                _ = ping.tick() => {
                    if sink.send(Message::Ping(Vec::new())).await.is_err() {
                        break None;
                    }
                }
                () = silent => break Some((CloseCode::Away, "no traffic")),
                () = registration.kicked.notified() => {
                    break Some((CloseCode::Again, "slow consumer: reconnect and catch up from /api/events"));
                }
            }
        };
        self.hub.unregister(id);
        if let Some((code, reason)) = close {
            let _ = tokio::time::timeout(
                write_deadline,
                sink.send(Message::Close(Some((code, reason.to_string())))),
            )
            .await;
        }
        let _ = sink.close().await;
    }

    /// Answers one text message of the client.
    fn answer(&self, id: u64, text: &str) {
        let Ok(message) = serde_json::from_str::<Value>(text) else {
            self.hub
                .send_to_connection(id, error_frame("invalid_message"));
            return;
        };
        let channels = || -> Vec<String> {
            message["payload"]["channels"]
                .as_array()
                .map(|list| {
                    list.iter()
                        .filter_map(|c| c.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        match message["type"].as_str() {
            Some("ping") => self
                .hub
                .send_to_connection(id, Frame::new("pong", Value::Null, &[])),
            Some("subscribe") => self.subscribe(id, &channels()),
            Some("unsubscribe") => {
                let left = channels();
                for channel in &left {
                    self.hub.leave(id, channel);
                }
                self.hub.send_to_connection(
                    id,
                    Frame::new("unsubscribed", json!({"channels": left}), &[]),
                );
            }
            Some(_) => self.hub.send_to_connection(id, error_frame("unknown_type")),
            None => self
                .hub
                .send_to_connection(id, error_frame("invalid_message")),
        }
    }

    /// Joins the `channels` the caller may join and says which were granted and denied.
    fn subscribe(&self, id: u64, channels: &[String]) {
        let (mut granted, mut denied) = (Vec::new(), Vec::new());
        for channel in channels {
            if self.may_join(channel) && self.hub.join(id, channel) {
                granted.push(channel.clone());
            } else {
                denied.push(channel.clone());
            }
        }
        self.hub.send_to_connection(
            id,
            Frame::new(
                "subscribed",
                json!({"channels": granted, "denied": denied}),
                &[],
            ),
        );
    }

    /// The channel authoriser: `model:<table>` with `<table>.index` of an enabled addon,
    /// `addon:<key>` of an addon enabled for the organisation, and `public:*`.
    fn may_join(&self, channel: &str) -> bool {
        if let Some(route) = channel.strip_prefix("model:") {
            return self.registry.model(route).is_some_and(|(addon, model)| {
                model.route == route
                    && self.enabled.allows(addon.key)
                    && self.access.allows(&format!("{route}.index"))
            });
        }
        if let Some(addon) = channel.strip_prefix("addon:") {
            return self.registry.addon(addon).is_some() && self.enabled.allows(addon);
        }
        channel
            .strip_prefix("public:")
            .is_some_and(|name| !name.is_empty())
    }
}

/// `{"type": "error", "payload": {"code": code}}`.
fn error_frame(code: &str) -> Frame {
    Frame::new("error", json!({"code": code}), &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_default_to_the_servers_own_and_refuse_nonsense() {
        let same = AllowedOrigins::default();
        assert!(same.admits("http://127.0.0.1:8080", Some("127.0.0.1:8080")));
        assert!(!same.admits("http://evil.example", Some("127.0.0.1:8080")));
        assert!(!same.admits("null", Some("127.0.0.1:8080")));
        let listed = AllowedOrigins::from_lookup(|_| {
            Some("https://app.example.com, http://localhost:5173".to_string())
        })
        .expect("valid origins");
        assert!(listed.admits("https://app.example.com", Some("api.example.com")));
        assert!(listed.admits("http://localhost:5173", None));
        assert!(!listed.admits("https://evil.example.com", Some("api.example.com")));
        let error = AllowedOrigins::from_lookup(|_| Some("app.example.com/path".to_string()))
            .expect_err("not an origin");
        assert!(error.contains(ALLOWED_ORIGINS_ENV), "{error}");
    }
}
