//! Reading a request: the caller behind its token, its query pairs, the exact decimals of its
//! body, and what poem-openapi's own parsing failures mean in the contract's error codes.

use std::collections::BTreeMap;

use poem::http::Method;
use poem::Request;
use poem_openapi::error::{
    ContentTypeError, ParseParamError, ParsePathError, ParseRequestPayloadError,
};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::auth::{now, JwtKey};
use super::error::ApiError;
use crate::registry::{ColumnKind, ModelDescriptor};

/// The body of a request as received, kept beside the parsed body by the server's body
/// limit (`server.rs`): `serde_json::Value` holds non-integer numbers as `f64`, so decimals
/// are re-read from these bytes.
#[derive(Debug, Clone)]
pub struct RawBody(pub bytes::Bytes);

/// Replaces every JSON number sent for a `numeric` column of `model` in `fields` (a parsed
/// JSON object body) by its exact text from the request's [`RawBody`], so
/// `12345678901234.5678` reaches the column digit for digit instead of through `f64`
/// (`…5680`). The column parses numeric text as it parses numbers.
pub fn exact_decimals(request: &Request, model: &ModelDescriptor, fields: &mut Map<String, Value>) {
    let numeric = |name: &str| {
        model
            .column(name)
            .is_some_and(|c| matches!(c.kind, ColumnKind::Numeric(_)))
    };
    let lossy = |value: &Value| matches!(value, Value::Number(n) if !n.is_i64() && !n.is_u64());
    if !fields.iter().any(|(k, v)| numeric(k) && lossy(v)) {
        return;
    }
    let Some(RawBody(raw)) = request.extensions().get::<RawBody>() else {
        return;
    };
    let Ok(texts) = serde_json::from_slice::<BTreeMap<String, &RawValue>>(raw) else {
        return;
    };
    for (key, value) in fields.iter_mut() {
        if numeric(key) && lossy(value) {
            if let Some(text) = texts.get(key) {
                *value = Value::String(text.get().trim().to_string());
            }
        }
    }
}

/// Who is calling, from a verified token.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    /// The user.
    pub user: Uuid,
    /// The organisation, when the token has one.
    pub org: Option<Uuid>,
    /// The role, trimmed and lowercased (empty when none).
    pub role: String,
    /// Extra capabilities from the token.
    pub grants: Vec<String>,
}

impl Caller {
    /// The organisation, or 403 `no_organization`.
    pub fn organization(&self) -> Result<Uuid, ApiError> {
        self.org.ok_or_else(|| {
            ApiError::new(
                poem::http::StatusCode::FORBIDDEN,
                "no_organization",
                "the token carries no organisation",
            )
        })
    }
}

/// The caller of `request`: `Authorization: Bearer <jwt>` (or the bare token), or
/// `?token=` on GET requests. 401 when absent or invalid.
pub fn authenticate(key: &JwtKey, request: &Request) -> Result<Caller, ApiError> {
    let header = request
        .headers()
        .get(poem::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim())
        .map(|v| v.strip_prefix("Bearer ").unwrap_or(v).trim().to_string())
        .filter(|v| !v.is_empty());
    let token = header.or_else(|| {
        (request.method() == Method::GET)
            .then(|| query_pairs(request))
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "token"))
            .map(|(_, v)| v)
    });
    let Some(token) = token else {
        return Err(ApiError::unauthorized(
            "unauthorized",
            "missing bearer token",
        ));
    };
    let claims = key
        .verify(&token, now())
        .map_err(|e| ApiError::unauthorized(e.code(), e.message()))?;
    Ok(Caller {
        user: claims.sub,
        org: claims.org,
        role: claims
            .role
            .map(|r| r.trim().to_lowercase())
            .unwrap_or_default(),
        grants: claims.grants,
    })
}

/// The decoded query pairs of `request`, in order.
pub fn query_pairs(request: &Request) -> Vec<(String, String)> {
    request
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The contract's error for a request poem-openapi could not parse.
pub fn parse_error(error: &poem::Error) -> ApiError {
    // The only typed path parameter of the API is the record id.
    if error.is::<ParsePathError>() {
        return ApiError::bad_request("invalid_id", "the id is not a UUID");
    }
    if let Some(param) = error.downcast_ref::<ParseParamError>() {
        if param.name == "sortBy" {
            return ApiError::bad_request(
                "invalid_sort",
                "cannot sort by that: `sortBy` names a column (not a JSON one)",
            );
        }
        return ApiError::bad_request(
            "invalid_param",
            format!("invalid parameter `{}`: {}", param.name, param.reason),
        );
    }
    if error.is::<ParseRequestPayloadError>() || error.is::<ContentTypeError>() {
        return ApiError::bad_request("invalid_json", "the body must be a JSON object");
    }
    if error.status() == poem::http::StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            poem::http::StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the body is too large",
        );
    }
    ApiError::bad_request("invalid_param", error.to_string())
}
