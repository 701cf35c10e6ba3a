//! What the application records about each request (`runtime.md` §13), at its outermost
//! layer ([`super::server::application`]):
//!
//! * a **request id**: the client's `X-Request-Id` when it is 1–128 characters of
//!   `[A-Za-z0-9._-]`, else a new UUID v4; returned as `X-Request-Id` on every response
//!   (errors included) and kept in the request's data as [`RequestId`];
//! * a **tracing span** `request` carrying `request_id`, around everything the request runs,
//!   so every line logged while serving it carries the id;
//! * one **log line** per request (target `metacore::http`): method, route template,
//!   status and duration in milliseconds — never headers, query strings or bodies, which
//!   may hold tokens;
//! * the **HTTP metrics** `http_requests_total{method,route,status}` and
//!   `http_request_duration_seconds{method,route}` ([`Metrics::http_request`]), labelled by
//!   the route template poem matched ([`PathPattern`]), or `unmatched`.
//!
//! It also serves `GET /metrics` ([`metrics_endpoint`]) behind a bearer token.

use std::sync::Arc;
use std::time::Duration;

use poem::http::{header, HeaderValue, StatusCode};
use poem::PathPattern;
use poem::{Endpoint, Request, Response};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::error::ApiError;
use super::state::ApiState;
use crate::metrics::{Metrics, CONTENT_TYPE, UNMATCHED_ROUTE};

/// The request and response header carrying the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Longest client-supplied request id kept.
const MAX_REQUEST_ID_LEN: usize = 128;

/// The id of the request being served (in the request's data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub Arc<str>);

impl RequestId {
    /// The id of `request`: its `X-Request-Id` when valid (1–128 characters of
    /// `[A-Za-z0-9._-]`), else a new UUID v4.
    pub fn of(request: &Request) -> RequestId {
        let supplied = request
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|value| value.to_str().ok())
            .filter(|id| is_valid_request_id(id));
        RequestId(match supplied {
            Some(id) => id.into(),
            None => uuid::Uuid::new_v4().to_string().into(),
        })
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// True for 1–128 characters of `[A-Za-z0-9._-]` (nothing that could forge a log line or a
/// header).
pub fn is_valid_request_id(id: &str) -> bool {
    (1..=MAX_REQUEST_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The route template `response` was served by (set by poem's router on the innermost
/// response), or `unmatched`.
pub fn route_of(response: &Response) -> Arc<str> {
    match response.data::<PathPattern>() {
        Some(PathPattern(pattern)) if !pattern.is_empty() => pattern.clone(),
        _ => UNMATCHED_ROUTE.into(),
    }
}

/// Records the finished request: the metrics, the log line (in the request's span), and the
/// `X-Request-Id` header on `response`.
pub fn finish(
    metrics: &Metrics,
    method: &str,
    route: Arc<str>,
    request_id: &RequestId,
    elapsed: Duration,
    mut response: Response,
) -> Response {
    let status = response.status().as_u16();
    tracing::info!(
        target: "metacore::http",
        method,
        route = %route,
        status,
        duration_ms = elapsed.as_micros() as f64 / 1000.0,
        "request"
    );
    metrics.http_request(method, route, status, elapsed);
    if let Ok(value) = HeaderValue::from_str(request_id.as_str()) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// The bearer token `GET /metrics` requires (`METACORE_METRICS_TOKEN`); only its SHA-256 is
/// kept, and it is never printed.
#[derive(Clone)]
pub struct MetricsToken([u8; 32]);

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(…)")
    }
}

impl MetricsToken {
    /// The token `token`; `None` when it is empty or blank (an empty token would let anyone
    /// in).
    pub fn new(token: &str) -> Option<MetricsToken> {
        let token = token.trim();
        (!token.is_empty()).then(|| MetricsToken(Sha256::digest(token.as_bytes()).into()))
    }

    /// True when `presented` is the token, compared in constant time (on the digests, so
    /// the length does not leak either).
    pub fn verify(&self, presented: &str) -> bool {
        let presented: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        bool::from(self.0.ct_eq(&presented))
    }
}

/// `GET /metrics`: the server's metrics ([`ApiState::metrics`]) in the OpenMetrics text
/// format for a request with `Authorization: Bearer <token>`; 401 in the JSON envelope
/// without it or with another token.
pub fn metrics_endpoint(token: MetricsToken) -> impl Endpoint<Output = Response> {
    poem::endpoint::make_sync(move |request: Request| {
        let presented = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                value
                    .strip_prefix("Bearer ")
                    .or_else(|| value.strip_prefix("bearer "))
            })
            .map(str::trim);
        if !presented.is_some_and(|presented| token.verify(presented)) {
            return poem::IntoResponse::into_response(ApiError::unauthorized(
                "unauthorized",
                "GET /metrics needs Authorization: Bearer <METACORE_METRICS_TOKEN>",
            ));
        }
        let Some(state) = request.data::<ApiState>() else {
            return poem::IntoResponse::into_response(ApiError::internal(
                "the application was built without its ApiState",
            ));
        };
        Response::builder()
            .status(StatusCode::OK)
            .content_type(CONTENT_TYPE)
            .header(header::CACHE_CONTROL, "no-store")
            .body(state.metrics().encode())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_short_and_plain() {
        for valid in ["a", "req-1.2_3", &"x".repeat(128)] {
            assert!(is_valid_request_id(valid), "{valid}");
        }
        for invalid in ["", &"x".repeat(129), "a b", "a\nb", "é", "a/b", "a\"b"] {
            assert!(!is_valid_request_id(invalid), "{invalid:?}");
        }
    }

    #[test]
    fn metrics_tokens_compare_whole_and_never_print() {
        let token = MetricsToken::new("s3cret").expect("a token");
        assert!(token.verify("s3cret"));
        assert!(!token.verify("s3cre"));
        assert!(!token.verify("s3cret2"));
        assert!(!token.verify(""));
        assert!(MetricsToken::new("  ").is_none());
        assert!(!format!("{token:?}").contains("s3cret"));
    }
}
