//! `http_fetch(url, method, body) -> i64`: an outbound request for the guest.
//!
//! Every hop (the first request and each of at most 5 redirects) is checked against the
//! addon's `http:fetch` policy (shadow mode: logged and allowed) and then the egress guard
//! (never relaxed). Request body ≤ 4 MiB, response body ≤ 8 MiB, time ≤ min(30 s, the
//! invocation's remaining time). The reply is `{status, headers, body | body_base64}` or a
//! flat error.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use reqwest::Method;
use serde_json::{json, Value};
use url::Url;
use wasmtime::Caller;

use super::flat_error;
use crate::outbound::{headers, ExchangeLimits, OutboundError, OutboundRequest};
use crate::policy::{CapabilityPolicy, Check};
use crate::sandbox::abi::{arg_bytes, arg_str, return_to_guest};
use crate::sandbox::state::{take, HostServices, HostState};

const MAX_REQUEST_BODY: usize = 4 * 1024 * 1024;
const MAX_RESPONSE_BODY: usize = 8 * 1024 * 1024;
const MAX_TIME: Duration = Duration::from_secs(30);
const MAX_REDIRECTS: usize = 5;

pub(super) async fn http_fetch(
    mut caller: Caller<'_, HostState>,
    (url_ptr, url_len, method_ptr, method_len, body_ptr, body_len): (i32, i32, i32, i32, i32, i32),
) -> wasmtime::Result<i64> {
    let reply = match read_request(
        &mut caller,
        (url_ptr, url_len),
        (method_ptr, method_len),
        (body_ptr, body_len),
    ) {
        Ok(request) => {
            let state = caller.data();
            let hop = HopContext {
                services: state.services.clone(),
                policy: state.policy.clone(),
                org: state.org(),
                timeout: MAX_TIME.min(state.remaining()),
            };
            fetch(hop, request).await
        }
        Err(reply) => reply,
    };
    return_to_guest(&mut caller, &reply).await
}

type Arg = (i32, i32);

/// Decodes and validates the arguments, or the error reply.
fn read_request(
    caller: &mut Caller<'_, HostState>,
    url: Arg,
    method: Arg,
    body: Arg,
) -> Result<OutboundRequest, Vec<u8>> {
    let invalid = |_| {
        flat_error(
            "invalid_argument",
            "an argument is out of range or not UTF-8",
        )
    };
    let url = arg_str(caller, url.0, url.1).map_err(invalid)?;
    let method = arg_str(caller, method.0, method.1).map_err(invalid)?;
    let body = arg_bytes(caller, body.0, body.1).map_err(invalid)?;
    let state = caller.data_mut();
    if !take(&mut state.budgets.http_fetch) {
        return Err(flat_error(
            "limit_exceeded",
            "too many http_fetch calls in this invocation",
        ));
    }
    let method = match method.to_ascii_uppercase().as_str() {
        "" | "GET" => Method::GET,
        "HEAD" => Method::HEAD,
        "POST" => Method::POST,
        "PUT" => Method::PUT,
        "PATCH" => Method::PATCH,
        "DELETE" => Method::DELETE,
        other => {
            return Err(flat_error(
                "bad_request",
                format!("method `{other}` is not allowed"),
            ))
        }
    };
    let url = Url::parse(&url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| flat_error("bad_request", "the URL must be absolute http or https"))?;
    if body.len() > MAX_REQUEST_BODY {
        return Err(flat_error(
            "too_large",
            "the request body is larger than 4 MiB",
        ));
    }
    let mut header_pairs = vec![("user-agent", format!("metacore-addon/{}", state.addon.key))];
    if !body.is_empty() {
        header_pairs.push(("content-type", "application/json".to_string()));
    }
    Ok(OutboundRequest {
        method,
        url,
        headers: headers(header_pairs),
        body,
    })
}

/// What the request needs from the store, copied out so no store borrow is held across
/// the network wait.
struct HopContext {
    services: Arc<HostServices>,
    policy: Arc<CapabilityPolicy>,
    org: String,
    timeout: Duration,
}

async fn fetch(hop: HopContext, request: OutboundRequest) -> Vec<u8> {
    let HopContext {
        services,
        policy,
        org,
        timeout,
    } = hop;
    let permit_hop = |url: &Url| {
        policy.permit(
            policy.allows_fetch(url),
            Check {
                kind: "http:fetch",
                target: url.as_str(),
                import: "http_fetch",
                org: &org,
            },
            &services.metrics,
        )
    };
    let limits = ExchangeLimits {
        timeout,
        max_response_bytes: MAX_RESPONSE_BODY,
        max_redirects: MAX_REDIRECTS,
    };
    match services.outbound.send(request, limits, &permit_hop).await {
        Ok(response) => {
            let mut header_map = BTreeMap::new();
            for (name, value) in &response.headers {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                header_map
                    .entry(name.as_str().to_string())
                    .and_modify(|v: &mut String| {
                        v.push_str(", ");
                        v.push_str(&value);
                    })
                    .or_insert(value);
            }
            let mut reply = json!({"status": response.status.as_u16(), "headers": header_map});
            let (key, body) = match String::from_utf8(response.body) {
                Ok(text) => ("body", Value::String(text)),
                Err(e) => (
                    "body_base64",
                    Value::String(base64::engine::general_purpose::STANDARD.encode(e.into_bytes())),
                ),
            };
            reply[key] = body;
            reply.to_string().into_bytes()
        }
        Err(error) => {
            let code = match &error {
                OutboundError::Egress(_) | OutboundError::NotPermitted(_) => "forbidden",
                OutboundError::Timeout => "timeout",
                OutboundError::TooLarge(_) => "too_large",
                OutboundError::Redirect(_) | OutboundError::Transport(_) => "transport",
            };
            flat_error(code, error.to_string())
        }
    }
}
