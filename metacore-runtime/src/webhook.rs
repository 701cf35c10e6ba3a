//! Webhook handlers: an action or tool answered by a signed outbound call (`runtime.md` §6.1).
//!
//! The handler URL has its `{{placeholder}}`s filled from the invocation document (values
//! percent-encoded) and, when relative, is resolved against the installation's
//! `webhook_base_url` (trusted: set by the operator) or the manifest's `backend.url` (then
//! the addon's `http:fetch` policy must cover it). The egress guard applies either way; a
//! 3xx is a failure. Headers carry the identity and the addon-bound HMAC signature
//! ([`crate::signing`]); the secret is never logged.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Method;
use serde_json::Value;
use url::Url;

use crate::dispatch::{DispatchError, DispatchErrorCode};
use crate::invocation::{CallerContext, InvocationKind};
use crate::metrics::Metrics;
use crate::outbound::{headers, ExchangeLimits, OutboundClient, OutboundError, OutboundRequest};
use crate::policy::{CapabilityPolicy, Check};
use crate::response::{normalise, HandlerOutcome};
use crate::signing::{sign, SignedParts};

const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
const EXCERPT_BYTES: usize = 2 * 1024;

/// One webhook call.
pub(crate) struct WebhookCall<'a> {
    pub outbound: &'a OutboundClient,
    pub policy: &'a CapabilityPolicy,
    /// Where capability violations are counted.
    pub metrics: &'a Metrics,
    pub manifest_base_url: Option<&'a str>,
    pub caller: &'a CallerContext,
    pub kind: &'a InvocationKind<'a>,
    pub url: &'a str,
    pub method: &'a str,
    pub document: &'a Value,
    pub timeout: Duration,
}

fn failure(code: DispatchErrorCode, message: impl Into<String>) -> DispatchError {
    DispatchError::new(code, message)
}

/// Fills `{{key}}` from the document's top-level scalar values (percent-encoded).
fn fill_placeholders(template: &str, document: &Value) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = after[..end].trim();
        let value = match document.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(b)) => b.to_string(),
            _ => String::new(),
        };
        out.push_str(&percent_encode(&value));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Percent-encodes everything but the RFC 3986 unreserved characters.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

impl WebhookCall<'_> {
    /// Resolves the URL: absolute as written, or relative to a base; returns whether the
    /// base is operator-trusted.
    fn target(&self) -> Result<(Url, bool), DispatchError> {
        let filled = fill_placeholders(self.url, self.document);
        if let Ok(url) = Url::parse(&filled) {
            return Ok((url, false));
        }
        let installation_base = self.caller.installation.webhook_base_url.as_deref();
        let (base, trusted) = match (installation_base, self.manifest_base_url) {
            (Some(base), _) => (base, true),
            (None, Some(base)) => (base, false),
            (None, None) => {
                return Err(failure(
                    DispatchErrorCode::HandlerMissing,
                    "the webhook URL is relative and the installation has no webhook base URL",
                ))
            }
        };
        let base = Url::parse(base).map_err(|e| {
            failure(
                DispatchErrorCode::HandlerMissing,
                format!("bad webhook base URL: {e}"),
            )
        })?;
        let url = base.join(filled.trim_start_matches('/')).map_err(|e| {
            failure(
                DispatchErrorCode::HandlerMissing,
                format!("bad webhook URL: {e}"),
            )
        })?;
        Ok((url, trusted))
    }

    /// Sends the signed request and normalises the answer.
    pub(crate) async fn send(self) -> Result<HandlerOutcome, DispatchError> {
        let (url, trusted) = self.target()?;
        let method =
            Method::from_bytes(self.method.to_ascii_uppercase().as_bytes()).unwrap_or(Method::POST);
        let body = if matches!(method, Method::GET | Method::DELETE | Method::HEAD) {
            Vec::new()
        } else {
            serde_json::to_vec(self.document)
                .map_err(|e| failure(DispatchErrorCode::Internal, e.to_string()))?
        };
        let secret = self.caller.installation.secret.as_ref().ok_or_else(|| {
            failure(
                DispatchErrorCode::WebhookFailed,
                "the installation has no signing secret",
            )
        })?;
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default();
        let nonce = uuid::Uuid::new_v4().to_string();
        let path_and_query = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        };
        let signature = sign(
            secret.expose(),
            &SignedParts {
                timestamp,
                method: method.as_str(),
                path_and_query: &path_and_query,
                nonce: &nonce,
                body: &body,
            },
        );
        let caller = self.caller;
        let mut pairs = vec![
            (
                "user-agent",
                format!("metacore/{}", env!("CARGO_PKG_VERSION")),
            ),
            ("x-metacore-addon", self.policy.addon_key().to_string()),
            (
                "x-metacore-installation-id",
                caller.installation.id.to_string(),
            ),
            ("x-metacore-invocation", self.kind.name().to_string()),
            ("x-metacore-event", self.kind.event_header()),
            ("x-metacore-host", "metacore".to_string()),
            ("x-metacore-tenant", caller.org_id().to_string()),
            ("x-metacore-request-id", caller.request_id.to_string()),
            ("x-metacore-timestamp", timestamp.to_string()),
            ("x-metacore-nonce", nonce),
            ("x-metacore-signature", signature),
        ];
        if let Some(user) = caller.user_id {
            pairs.push(("x-metacore-user-id", user.to_string()));
        }
        if !body.is_empty() {
            pairs.push(("content-type", "application/json".to_string()));
        }
        let request = OutboundRequest {
            method,
            url,
            headers: headers(pairs),
            body,
        };
        let org = caller.org_id().to_string();
        let policy = self.policy;
        let metrics = self.metrics;
        let permit = |url: &Url| {
            trusted
                || policy.permit(
                    policy.allows_fetch(url),
                    Check {
                        kind: "http:fetch",
                        target: url.as_str(),
                        import: "webhook",
                        org: &org,
                    },
                    metrics,
                )
        };
        let limits = ExchangeLimits {
            timeout: self.timeout,
            max_response_bytes: MAX_RESPONSE_BYTES,
            max_redirects: 0,
        };
        let response = self
            .outbound
            .send(request, limits, &permit)
            .await
            .map_err(|error| match error {
                OutboundError::Timeout => failure(
                    DispatchErrorCode::WebhookTimeout,
                    "the webhook did not answer in time",
                ),
                other => failure(DispatchErrorCode::WebhookFailed, other.to_string()),
            })?;
        if !response.status.is_success() {
            let excerpt =
                String::from_utf8_lossy(&response.body[..response.body.len().min(EXCERPT_BYTES)])
                    .into_owned();
            return Err(failure(
                DispatchErrorCode::WebhookFailed,
                format!(
                    "the webhook answered {}: {excerpt}",
                    response.status.as_u16()
                ),
            ));
        }
        normalise(&response.body).ok_or_else(|| {
            failure(
                DispatchErrorCode::BadAddonResponse,
                "the webhook answer is not JSON",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::fill_placeholders;
    use serde_json::json;

    #[test]
    fn placeholders_are_filled_and_encoded() {
        let doc = json!({"record_id": "a b", "n": 3});
        assert_eq!(
            fill_placeholders("/x/{{record_id}}?n={{ n }}", &doc),
            "/x/a%20b?n=3"
        );
        assert_eq!(fill_placeholders("/x/{{missing}}", &doc), "/x/");
        assert_eq!(fill_placeholders("/x/{{open", &doc), "/x/{{open");
    }
}
