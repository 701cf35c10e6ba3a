//! The error envelope of every non-2xx response (`http-api.md` §1.4, §1.5).
//!
//! [`ApiError`] is what handlers return; it renders as
//! `{"success": false, "message", "error": {"code", "message", "capability"?}, "errors"?}`
//! with the status its code belongs to. [`ErrorEnvelope`] is the same shape as an OpenAPI
//! object, so the spec documents exactly what is sent.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use poem::http::{header, StatusCode};
use poem_openapi::types::ToJSON;
use poem_openapi::Object;
use serde_json::Value;

/// The error body (`http-api.md` §1.4).
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ErrorEnvelope {
    /// Always `false`.
    pub success: bool,
    /// One human-readable line.
    pub message: String,
    /// The machine-readable error.
    pub error: ErrorDetail,
    /// Field-level problems, by field key.
    pub errors: Option<BTreeMap<String, Vec<FieldError>>>,
    /// Context of a failed action or tool (`model`, `action`, `trigger_type`, `duration_ms`, …).
    pub meta: Option<Value>,
}

/// `error` of the envelope.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ErrorDetail {
    /// A stable snake_case code (`permission_denied`, `record_not_found`, …).
    pub code: String,
    /// What went wrong.
    pub message: String,
    /// The missing capability, for `permission_denied`.
    pub capability: Option<String>,
}

/// One field-level problem: a code the React runtime localises, with its parameters.
#[derive(Debug, Clone, PartialEq, Object)]
pub struct FieldError {
    /// `required`, `invalid_type`, `max`, `invalid_option`, `uuid`, …
    pub code: String,
    /// The code's parameters (`{"max": 40, "kind": "length"}`).
    pub params: BTreeMap<String, Value>,
}

impl FieldError {
    /// A field error without parameters.
    pub fn new(code: &str) -> Self {
        FieldError {
            code: code.to_string(),
            params: BTreeMap::new(),
        }
    }

    /// Adds a parameter.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.params.insert(key.to_string(), value.into());
        self
    }
}

/// A failed request: status, code, message and optional field errors.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// `error.code` (an addon's own code when it declined).
    pub code: Cow<'static, str>,
    /// `message` and `error.message`.
    pub message: String,
    /// `error.capability`.
    pub capability: Option<String>,
    /// `errors`.
    pub fields: BTreeMap<String, Vec<FieldError>>,
    /// `meta` (boxed: errors travel in every `Result` of a handler).
    pub meta: Option<Box<Value>>,
    /// Seconds for the `Retry-After` header (a 503 worth retrying).
    pub retry_after: Option<u32>,
}

impl ApiError {
    /// An error with `status`, `code` and `message`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: Cow::Borrowed(code),
            message: message.into(),
            capability: None,
            fields: BTreeMap::new(),
            meta: None,
            retry_after: None,
        }
    }

    /// 400 with `code`.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 401 `unauthorized` (or `token_expired`).
    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// 403 `permission_denied` naming the capability.
    pub fn permission_denied(capability: &str) -> Self {
        let mut error = ApiError::new(
            StatusCode::FORBIDDEN,
            "permission_denied",
            format!("missing capability {capability}"),
        );
        error.capability = Some(capability.to_string());
        error
    }

    /// 404 with `code`.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    /// 422 `validation_failed` with `fields`.
    pub fn validation(fields: BTreeMap<String, Vec<FieldError>>) -> Self {
        let mut error = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "validation failed",
        );
        error.fields = fields;
        error
    }

    /// 409 `duplicate`, with a `duplicate` error on each of `columns`.
    pub fn duplicate(columns: &[&str]) -> Self {
        let mut error = ApiError::new(StatusCode::CONFLICT, "duplicate", "duplicate value");
        for column in columns {
            error
                .fields
                .insert(column.to_string(), vec![FieldError::new("duplicate")]);
        }
        error
    }

    /// 500 `internal`: logs `cause` (never sent to the client).
    pub fn internal(cause: impl fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal server error",
        )
    }

    /// A failed statement the request drove: a PostgreSQL data exception (SQLSTATE class
    /// `22`: a value out of range, malformed or untranslatable) means the client's input did
    /// not fit, so it is `status` with `code` — the backstop behind the validation that
    /// normally refuses such input first; anything else is [`ApiError::internal`].
    pub fn from_db(error: sea_orm::DbErr, status: StatusCode, code: &'static str) -> Self {
        match sqlstate(&error) {
            Some(state) if state.starts_with("22") => {
                tracing::warn!(%error, sqlstate = %state, "a request's value did not fit its column");
                ApiError::new(status, code, "a value does not fit its column")
            }
            _ => ApiError::internal(error),
        }
    }

    /// The envelope this error renders as.
    pub fn envelope(&self) -> ErrorEnvelope {
        let summary = match &*self.code {
            "permission_denied" => format!("permission denied: {}", self.message),
            "unauthorized" | "token_expired" => "unauthorized".to_string(),
            "validation_failed" => "validation failed".to_string(),
            _ => self.message.clone(),
        };
        ErrorEnvelope {
            success: false,
            message: summary,
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message.clone(),
                capability: self.capability.clone(),
            },
            errors: (!self.fields.is_empty()).then(|| self.fields.clone()),
            meta: self.meta.as_deref().cloned(),
        }
    }
}

/// The SQLSTATE of a PostgreSQL error.
fn sqlstate(error: &sea_orm::DbErr) -> Option<String> {
    use sea_orm::{DbErr, RuntimeErr};
    let (DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error))) =
        error
    else {
        return None;
    };
    match &**error {
        sea_orm::sqlx::Error::Database(database) => database
            .try_downcast_ref::<sea_orm::sqlx::postgres::PgDatabaseError>()
            .map(|pg| pg.code().to_string()),
        _ => None,
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl std::error::Error for ApiError {}

impl poem::IntoResponse for ApiError {
    fn into_response(self) -> poem::Response {
        let body = self
            .envelope()
            .to_json()
            .map(|v| v.to_string())
            .unwrap_or_default();
        let mut response = poem::Response::builder()
            .status(self.status)
            .content_type("application/json; charset=utf-8");
        if self.status == StatusCode::UNAUTHORIZED {
            response = response.header(header::WWW_AUTHENTICATE, "Bearer");
        }
        if let Some(seconds) = self.retry_after {
            response = response.header(header::RETRY_AFTER, seconds.to_string());
        }
        response.body(body)
    }
}

impl poem::error::ResponseError for ApiError {
    fn status(&self) -> StatusCode {
        self.status
    }

    fn as_response(&self) -> poem::Response {
        poem::IntoResponse::into_response(self.clone())
    }
}
