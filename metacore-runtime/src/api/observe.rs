//! The HTTP metrics of each request (`runtime.md` §13), recorded at the application's
//! outermost layer ([`super::server::application`]): `http_requests_total{method,route,status}`
//! and `http_request_duration_seconds{method,route}`
//! ([`Metrics::http_request`](crate::metrics::Metrics::http_request)), labelled by the route
//! template poem matched ([`PathPattern`]), or `unmatched`.
//!
//! It also serves `GET /metrics` ([`metrics_endpoint`]) behind a bearer token.

use std::sync::Arc;

use poem::http::{header, StatusCode};
use poem::PathPattern;
use poem::{Endpoint, Request, Response};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::error::ApiError;
use super::state::ApiState;
use crate::metrics::{CONTENT_TYPE, UNMATCHED_ROUTE};

/// The route template `response` was served by (set by poem's router on the innermost
/// response), or `unmatched`.
pub fn route_of(response: &Response) -> Arc<str> {
    match response.data::<PathPattern>() {
        Some(PathPattern(pattern)) if !pattern.is_empty() => pattern.clone(),
        _ => UNMATCHED_ROUTE.into(),
    }
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
