//! One delivery attempt over HTTP (`runtime.md` §6.2): the body, the headers, the
//! signature, and the exchange through the guarded outbound client.
//!
//! Body: `{"id", "event", "organization_id", "sequence", "occurred_at", "data"}` with the
//! event payload as stored, byte for byte. Signature: lowercase hex HMAC-SHA256 keyed with
//! the secret's bytes over `<timestamp>.<body>` — no `sha256=` prefix and no nonce, as the
//! kernel signs user webhooks, so existing receivers verify unchanged. [`verify`] is the
//! receiver's side, in constant time.

use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use reqwest::Method;
use sha2::Sha256;
use url::Url;

use super::queue::{Outcome, MAX_EXCERPT_BYTES};
use crate::invocation::Secret;
use crate::outbound::{headers, ExchangeLimits, OutboundClient, OutboundRequest};

/// `User-Agent` of deliveries.
pub const USER_AGENT: &str = "metacore-webhooks/1.0";

/// The largest response body read (only an excerpt is kept).
const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// `X-Metacore-Signature` of `body` sent at `timestamp` (Unix seconds) with `secret`: the
/// lowercase hex HMAC-SHA256 of `<timestamp>.<body>`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    hex::encode(
        mac(secret.as_bytes(), timestamp, body)
            .finalize()
            .into_bytes(),
    )
}

/// Does `signature` (hex) sign `body` sent at `timestamp` with `secret`? In constant time.
pub fn verify(secret: &str, timestamp: i64, body: &[u8], signature: &str) -> bool {
    match hex::decode(signature.trim()) {
        Ok(bytes) => mac(secret.as_bytes(), timestamp, body)
            .verify_slice(&bytes)
            .is_ok(),
        Err(_) => false,
    }
}

/// What is delivered: one event (or `webhook.test`) under a delivery id.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// The delivery id (`X-Metacore-Delivery`, the body's `id`).
    pub delivery: uuid::Uuid,
    /// The event name.
    pub event: &'a str,
    /// The organisation.
    pub organization_id: uuid::Uuid,
    /// The event's sequence.
    pub sequence: Option<i64>,
    /// When it occurred (RFC 3339).
    pub occurred_at: &'a str,
    /// The payload, JSON text (sent as it is).
    pub payload: &'a str,
}

impl Message<'_> {
    /// The request body.
    pub fn body(&self) -> Vec<u8> {
        let text = |s: &str| serde_json::Value::String(s.to_string()).to_string();
        let data = if serde_json::from_str::<serde::de::IgnoredAny>(self.payload).is_ok() {
            self.payload
        } else {
            "null"
        };
        format!(
            r#"{{"id":"{}","event":{},"organization_id":"{}","sequence":{},"occurred_at":{},"data":{}}}"#,
            self.delivery,
            text(self.event),
            self.organization_id,
            self.sequence
                .map_or_else(|| "null".to_string(), |s| s.to_string()),
            text(self.occurred_at),
            data,
        )
        .into_bytes()
    }
}

/// The status of an attempt that never got an answer.
fn failed(error: impl Into<String>) -> Outcome {
    Outcome {
        succeeded: false,
        status: None,
        error: Some(error.into()),
        excerpt: None,
    }
}

/// Attempts `message` to `url` signed with `secret`, within `timeout`, through `client`
/// (the egress guard checks the URL and every address it connects to; redirects are not
/// followed, a 3xx is a failure). Returns the outcome and how long it took.
pub async fn attempt(
    client: &OutboundClient,
    url: &str,
    secret: &Secret,
    timeout: Duration,
    message: &Message<'_>,
) -> (Outcome, Duration) {
    let started = Instant::now();
    let outcome = exchange(client, url, secret, timeout, message).await;
    (outcome, started.elapsed())
}

async fn exchange(
    client: &OutboundClient,
    url: &str,
    secret: &Secret,
    timeout: Duration,
    message: &Message<'_>,
) -> Outcome {
    let url = match Url::parse(url) {
        Ok(url) => url,
        Err(error) => return failed(format!("invalid URL: {error}")),
    };
    let body = message.body();
    let timestamp = chrono::Utc::now().timestamp();
    let signature = sign(secret.expose(), timestamp, &body);
    let request = OutboundRequest {
        method: Method::POST,
        url,
        headers: headers([
            ("content-type", "application/json".to_string()),
            ("user-agent", USER_AGENT.to_string()),
            ("x-metacore-event", message.event.to_string()),
            ("x-metacore-delivery", message.delivery.to_string()),
            ("x-metacore-timestamp", timestamp.to_string()),
            ("x-metacore-signature", signature),
        ]),
        body,
    };
    let limits = ExchangeLimits {
        timeout,
        max_response_bytes: MAX_RESPONSE_BYTES,
        max_redirects: 0,
    };
    match client.send(request, limits, &|_| true).await {
        Ok(response) => {
            let status = response.status.as_u16();
            let excerpt = excerpt(&response.body);
            if response.status.is_success() {
                Outcome {
                    succeeded: true,
                    status: Some(status),
                    error: None,
                    excerpt,
                }
            } else {
                Outcome {
                    succeeded: false,
                    status: Some(status),
                    error: Some(format!("the receiver answered {status}")),
                    excerpt,
                }
            }
        }
        Err(error) => failed(error.to_string()),
    }
}

/// The first [`MAX_EXCERPT_BYTES`] of `body` as text (cut on a character boundary); `None`
/// when empty.
fn excerpt(body: &[u8]) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX_EXCERPT_BYTES + 4)]);
    let mut end = text.len().min(MAX_EXCERPT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Some(text[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hex_hmac_of_timestamp_dot_body() {
        // Python: hmac.new(b"secret", b"1700000000.{}", hashlib.sha256).hexdigest(), and the
        // same in Node (the README's receiver snippets).
        let signature = sign("secret", 1_700_000_000, b"{}");
        assert_eq!(
            signature,
            "b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163"
        );
        assert!(verify("secret", 1_700_000_000, b"{}", &signature));
        assert!(!verify("secret", 1_700_000_001, b"{}", &signature));
        assert!(!verify("other", 1_700_000_000, b"{}", &signature));
        assert!(!verify("secret", 1_700_000_000, b"{} ", &signature));
        assert!(!verify("secret", 1_700_000_000, b"{}", "not hex"));
    }

    #[test]
    fn the_body_carries_the_payload_as_stored() {
        let id = uuid::Uuid::from_u128(1);
        let org = uuid::Uuid::from_u128(2);
        let message = Message {
            delivery: id,
            event: "tickets.Ticket.created",
            organization_id: org,
            sequence: Some(42),
            occurred_at: "2026-01-01T00:00:00+00:00",
            payload: r#"{"amount":12.50}"#,
        };
        let body = String::from_utf8(message.body()).expect("UTF-8");
        assert!(body.ends_with(r#""data":{"amount":12.50}}"#), "{body}");
        let parsed: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(parsed["id"], id.to_string());
        assert_eq!(parsed["sequence"], 42);
        assert_eq!(parsed["organization_id"], org.to_string());
        let test = Message {
            sequence: None,
            payload: "not json",
            ..message
        };
        let parsed: serde_json::Value = serde_json::from_slice(&test.body()).expect("JSON even so");
        assert_eq!(parsed["sequence"], serde_json::Value::Null);
        assert_eq!(parsed["data"], serde_json::Value::Null);
    }

    #[test]
    fn excerpts_are_bounded() {
        assert_eq!(excerpt(b""), None);
        let long = "é".repeat(MAX_EXCERPT_BYTES);
        let cut = excerpt(long.as_bytes()).expect("an excerpt");
        assert!(cut.len() <= MAX_EXCERPT_BYTES);
    }
}
