//! The guarded outbound HTTP client used for `http_fetch` and webhook handlers.
//!
//! One [`OutboundClient`] per runtime wraps a `reqwest` client that never follows redirects
//! itself and resolves names only through the [`GuardedResolver`]. [`OutboundClient::send`]
//! checks every hop with the [`EgressGuard`] and a caller-supplied per-hop check (the
//! addon's `http:fetch` policy), follows at most the allowed number of redirects manually,
//! bounds the whole exchange by a timeout and stops reading a body past its size limit.
//! Every refusal of the guard — before a hop, or at the resolver when it connects — is
//! counted in `egress_refused_total` ([`Metrics`]).

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LOCATION};
use reqwest::{Method, StatusCode};
use url::Url;

use crate::egress::{EgressGuard, EgressRefusal, GuardedResolver};
use crate::metrics::Metrics;

/// Connect timeout of every outbound connection (§5.7).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// An outbound request.
#[derive(Debug, Clone)]
pub struct OutboundRequest {
    /// HTTP method.
    pub method: Method,
    /// Absolute URL.
    pub url: Url,
    /// Headers to send.
    pub headers: HeaderMap,
    /// Body bytes (empty: none).
    pub body: Vec<u8>,
}

/// What the caller allows for one exchange.
#[derive(Debug, Clone, Copy)]
pub struct ExchangeLimits {
    /// Overall time for every hop together.
    pub timeout: Duration,
    /// Largest response body accepted.
    pub max_response_bytes: usize,
    /// Redirect hops followed; 0 means a 3xx is returned as the response.
    pub max_redirects: usize,
}

/// A response that arrived within the limits.
#[derive(Debug, Clone)]
pub struct OutboundResponse {
    /// Status code.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// Why an exchange failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboundError {
    /// The egress guard refused a hop.
    #[error(transparent)]
    Egress(#[from] EgressRefusal),
    /// The per-hop check (capability policy) refused a hop.
    #[error("{0} is not covered by the addon's http:fetch capabilities")]
    NotPermitted(String),
    /// The time limit passed.
    #[error("the request timed out")]
    Timeout,
    /// The response body is larger than allowed.
    #[error("the response body is larger than {0} bytes")]
    TooLarge(usize),
    /// More redirects than allowed, or a redirect without a usable `Location`.
    #[error("{0}")]
    Redirect(String),
    /// Any network failure.
    #[error("{0}")]
    Transport(String),
}

/// The guarded client; cheap to clone.
#[derive(Debug, Clone)]
pub struct OutboundClient {
    client: reqwest::Client,
    guard: Arc<EgressGuard>,
    metrics: Metrics,
}

impl OutboundClient {
    /// A client applying `guard` to every hop, counting its refusals in `metrics`.
    pub fn new(guard: EgressGuard, metrics: Metrics) -> Result<OutboundClient, String> {
        // TLS uses the process-wide rustls provider; install ring (the provider the database
        // driver already links) unless the application installed one first.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let guard = Arc::new(guard);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver::new(guard.clone())))
            .connect_timeout(CONNECT_TIMEOUT)
            .no_proxy()
            .build()
            .map_err(|e| format!("cannot build the outbound HTTP client: {e}"))?;
        Ok(OutboundClient {
            client,
            guard,
            metrics,
        })
    }

    /// The guard in use.
    pub fn guard(&self) -> &EgressGuard {
        &self.guard
    }

    /// Sends `request`, following redirects manually; `permit_hop` is asked for every URL.
    pub async fn send(
        &self,
        request: OutboundRequest,
        limits: ExchangeLimits,
        permit_hop: &(dyn Fn(&Url) -> bool + Sync),
    ) -> Result<OutboundResponse, OutboundError> {
        let result = tokio::time::timeout(limits.timeout, self.follow(request, limits, permit_hop))
            .await
            .unwrap_or(Err(OutboundError::Timeout));
        if let Err(OutboundError::Egress(refusal)) = &result {
            tracing::warn!(
                target: "metacore::egress",
                reason = refusal.kind.as_str(),
                detail = %refusal.reason,
                "egress refused"
            );
            self.metrics.egress_refused(refusal.kind);
        }
        result
    }

    async fn follow(
        &self,
        mut request: OutboundRequest,
        limits: ExchangeLimits,
        permit_hop: &(dyn Fn(&Url) -> bool + Sync),
    ) -> Result<OutboundResponse, OutboundError> {
        let mut hops = 0;
        loop {
            if !permit_hop(&request.url) {
                return Err(OutboundError::NotPermitted(request.url.to_string()));
            }
            self.guard.check_url(&request.url).await?;
            let response = self.exchange(&request, limits.max_response_bytes).await?;
            if !response.status.is_redirection() || limits.max_redirects == 0 {
                return Ok(response);
            }
            hops += 1;
            if hops > limits.max_redirects {
                return Err(OutboundError::Redirect(format!(
                    "more than {} redirects",
                    limits.max_redirects
                )));
            }
            let location = response
                .headers
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| OutboundError::Redirect("a redirect without Location".into()))?;
            request.url = request
                .url
                .join(location)
                .map_err(|e| OutboundError::Redirect(format!("bad redirect Location: {e}")))?;
            let keeps_method = matches!(
                response.status,
                StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT
            );
            if !keeps_method && request.method != Method::HEAD {
                request.method = Method::GET;
                request.body.clear();
                request.headers.remove(reqwest::header::CONTENT_TYPE);
            }
        }
    }

    async fn exchange(
        &self,
        request: &OutboundRequest,
        max_body: usize,
    ) -> Result<OutboundResponse, OutboundError> {
        let mut builder = self
            .client
            .request(request.method.clone(), request.url.clone())
            .headers(request.headers.clone());
        if !request.body.is_empty() {
            builder = builder.body(request.body.clone());
        }
        let mut response = builder.send().await.map_err(classify)?;
        if response
            .content_length()
            .is_some_and(|len| len > max_body as u64)
        {
            return Err(OutboundError::TooLarge(max_body));
        }
        let status = response.status();
        let headers = response.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > max_body {
                return Err(OutboundError::TooLarge(max_body));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(OutboundResponse {
            status,
            headers,
            body,
        })
    }
}

/// Maps a client error, recognising a refusal raised by the guarded resolver.
fn classify(error: reqwest::Error) -> OutboundError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(current) = source {
        if let Some(refusal) = current.downcast_ref::<EgressRefusal>() {
            return OutboundError::Egress(refusal.clone());
        }
        source = current.source();
    }
    if error.is_timeout() {
        OutboundError::Timeout
    } else {
        OutboundError::Transport(error.to_string())
    }
}

/// A header map from static names and owned values; values that are not valid header text
/// are dropped (callers only pass host-built values).
pub fn headers<'a>(pairs: impl IntoIterator<Item = (&'static str, String)> + 'a) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_str(&value) {
            map.insert(HeaderName::from_static(name), value);
        }
    }
    map
}
