//! `/api/webhooks` (`runtime.md` §6.2): the caller's organisation's outbound webhooks —
//! list, create, get, update, soft delete, secret rotation, a synchronous test delivery,
//! the delivery log and replays — every route gated on `metacore.webhooks.manage` and
//! scoped to the caller's organisation (another organisation's id is a 404, like an id that
//! does not exist). The secret is in the answers of create and rotation only.

use std::collections::BTreeMap;

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use serde_json::{json, Value};
use uuid::Uuid;

use super::answer::{document_kind, Answer, Document, DocumentKind};
use super::common::{answer, envelope};
use super::error::{ApiError, FieldError};
use super::state::{ApiState, Call};
use super::tags::WEBHOOKS;
use crate::webhooks::store::{self, Changes, WebhookError};
use crate::webhooks::{queue, worker, STATUSES};

/// The capability of webhook administration (`http-api.md` §10.1).
pub const WEBHOOKS_MANAGE: &str = "metacore.webhooks.manage";

/// Log entries per page by default.
const DEFAULT_PER_PAGE: u64 = 50;

/// The most log entries per page.
const MAX_PER_PAGE: u64 = 200;

/// The event of a test delivery.
pub const TEST_EVENT: &str = "webhook.test";

/// A webhook as the API shows it (never its secret).
fn webhook() -> poem_openapi::registry::MetaSchemaRef {
    use crate::api::answer::shape::*;
    object(&[
        ("id", formatted("uuid")),
        ("organization_id", formatted("uuid")),
        ("name", string()),
        ("url", string()),
        ("events", array(string())),
        ("active", boolean()),
        ("retry_max", integer()),
        ("timeout_sec", integer()),
        ("secret_set", boolean()),
        ("created_at", formatted("date-time")),
        ("updated_at", formatted("date-time")),
        ("last_triggered_at", nullable(formatted("date-time"))),
        ("success_count", integer()),
        ("failure_count", integer()),
    ])
}

/// A delivery as the log shows it.
fn delivery() -> poem_openapi::registry::MetaSchemaRef {
    use crate::api::answer::shape::*;
    object(&[
        ("id", formatted("uuid")),
        ("webhook_id", formatted("uuid")),
        ("event", string()),
        ("event_sequence", nullable(integer())),
        ("occurred_at", string()),
        ("payload", any()),
        ("attempt_count", integer()),
        ("status", string()),
        ("next_attempt_at", nullable(formatted("date-time"))),
        ("last_status", nullable(integer())),
        ("last_error", nullable(string())),
        ("response_excerpt", nullable(string())),
        ("created_at", formatted("date-time")),
        ("delivered_at", nullable(formatted("date-time"))),
    ])
}

document_kind!(
/// `{"success": true, "data": [webhook]}`.
WebhookList, "WebhookListEnvelope", "object", "The organisation's webhooks (never their secrets).",
data: array(webhook()));
document_kind!(
/// `{"success": true, "data": webhook}`.
WebhookDocument, "WebhookEnvelope", "object", "One webhook (never its secret).",
data: webhook());
document_kind!(
/// `{"success": true, "data": [delivery], "meta": {…}}`.
DeliveryLog, "WebhookDeliveriesEnvelope", "object", "A page of a webhook's deliveries, newest first, with the list `meta`.",
data: array(delivery()));
document_kind!(
/// `{"success": true, "data": {delivery, status, duration_ms, …}}`.
DeliveryAttempt, "WebhookAttemptEnvelope", "object", "The delivery made now and how it ended.",
data: object(&[
    ("delivery", formatted("uuid")),
    ("status", string()),
    ("status_code", nullable(integer())),
    ("error", nullable(string())),
    ("duration_ms", integer()),
]));
document_kind!(
/// `{"success": true, "data": {…webhook, secret}}`.
WebhookSecretDocument, "WebhookSecretEnvelope", "object", "The webhook with its new secret, shown this once.",
data: {
    let mut schema = webhook();
    if let poem_openapi::registry::MetaSchemaRef::Inline(inline) = &mut schema {
        inline.properties.push(("secret", string()));
        inline.required.push("secret");
    }
    schema
});

/// The answer of create: 201 with the webhook and its secret.
pub struct WebhookCreated;

impl DocumentKind for WebhookCreated {
    const NAME: &'static str = "WebhookCreatedEnvelope";
    const DESCRIPTION: &'static str = "The webhook created, with its secret shown this once.";
    const STATUS: u16 = 201;

    fn data() -> poem_openapi::registry::MetaSchemaRef {
        WebhookSecretDocument::data()
    }
}

/// The body of `POST /api/webhooks`.
#[derive(Object)]
pub struct WebhookCreate {
    /// A name for people (at most 255 characters).
    pub name: String,
    /// Where deliveries are posted: `http` or `https`, at most 2048 characters, no
    /// credentials, not a private or loopback literal unless allow-listed.
    pub url: String,
    /// Event patterns (at least one): exact names, `*`, or `prefix.*`.
    pub events: Vec<String>,
    /// Whether events are queued for it (default true).
    pub active: Option<bool>,
    /// Total attempts of a delivery, 1–10 (default 3).
    pub retry_max: Option<i64>,
    /// Seconds one attempt may take, 1–60 (default 15).
    pub timeout_sec: Option<i64>,
    /// The signing secret (16–255 characters); generated (64 hex characters) when absent.
    pub secret: Option<String>,
}

/// The body of `PUT /api/webhooks/{id}`: the fields to change (absent ones stay).
#[derive(Object)]
pub struct WebhookUpdate {
    /// A name for people (at most 255 characters).
    pub name: Option<String>,
    /// Where deliveries are posted.
    pub url: Option<String>,
    /// Event patterns (at least one).
    pub events: Option<Vec<String>>,
    /// Whether events are queued for it.
    pub active: Option<bool>,
    /// Total attempts of a delivery, 1–10.
    pub retry_max: Option<i64>,
    /// Seconds one attempt may take, 1–60.
    pub timeout_sec: Option<i64>,
}

/// The webhook administration operations.
pub struct WebhooksApi;

/// A webhook id of a path: 404 when it is not a UUID, as when it is not the caller's.
fn webhook_id(id: &str) -> Result<Uuid, ApiError> {
    id.parse().map_err(|_| not_found())
}

fn not_found() -> ApiError {
    ApiError::not_found("webhook_not_found", "no such webhook in this organisation")
}

/// The API error of a webhook operation; a database failure is a 500 without details, a
/// secret failure says what is wrong with the key (never the secret).
fn failed(error: WebhookError) -> ApiError {
    match error {
        WebhookError::NotFound => not_found(),
        WebhookError::Invalid(fields) => ApiError::validation(
            fields
                .into_iter()
                .map(|(field, codes)| {
                    let codes = codes
                        .into_iter()
                        .map(|(code, params)| {
                            let mut error = FieldError::new(code);
                            if let Value::Object(params) = params {
                                for (key, value) in params {
                                    error = error.with(&key, value);
                                }
                            }
                            error
                        })
                        .collect();
                    (field, codes)
                })
                .collect::<BTreeMap<_, _>>(),
        ),
        WebhookError::Database(text) => ApiError::internal(text),
        WebhookError::Secret(text) => ApiError::internal(text),
    }
}

async fn organisation(state: &ApiState, request: &poem::Request) -> Result<Uuid, ApiError> {
    state.organisation_with(request, WEBHOOKS_MANAGE).await
}

fn attempt_json(delivery: Uuid, attempted: &worker::Attempted) -> Value {
    envelope(json!({
        "delivery": delivery,
        "status": attempted.status,
        "status_code": attempted.status_code,
        "error": attempted.error,
        "duration_ms": attempted.duration.as_millis() as u64,
    }))
}

#[OpenApi]
impl WebhooksApi {
    /// The caller's organisation's webhooks, oldest first, never with their secrets
    /// (`secret_set: true`) (`metacore.webhooks.manage`).
    #[oai(
        path = "/api/webhooks",
        method = "get",
        operation_id = "webhooks_list",
        tag = "WEBHOOKS"
    )]
    async fn list(&self, call: Call<'_>) -> Answer<Document<WebhookList>> {
        let Call { state, request } = call;
        answer(
            async {
                let org = organisation(state, request).await?;
                let webhooks = store::list(state.db(), org).await.map_err(failed)?;
                Ok(envelope(Value::Array(
                    webhooks.iter().map(store::Webhook::to_json).collect(),
                )))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// Creates a webhook of the caller's organisation; 201 with its `secret`, shown this
    /// once (`metacore.webhooks.manage`). 422 with per-field codes for bad input.
    #[oai(
        path = "/api/webhooks",
        method = "post",
        operation_id = "webhooks_create",
        tag = "WEBHOOKS"
    )]
    async fn create(
        &self,
        call: Call<'_>,
        body: Json<WebhookCreate>,
    ) -> Answer<Document<WebhookCreated>> {
        let Call { state, request } = call;
        answer(
            async {
                let org = organisation(state, request).await?;
                let body = body.0;
                let changes = Changes {
                    name: Some(body.name),
                    url: Some(body.url),
                    events: Some(body.events),
                    active: body.active,
                    retry_max: body.retry_max,
                    timeout_sec: body.timeout_sec,
                };
                let guard = state.dispatcher().services().outbound.guard();
                store::check(&changes, body.secret.as_deref(), true, guard).map_err(failed)?;
                let created = store::create(
                    state.db(),
                    state.webhook_context().master_key.as_ref(),
                    org,
                    changes,
                    body.secret.as_deref(),
                )
                .await
                .map_err(failed)?;
                Ok(envelope(created.to_json()))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// One webhook of the caller's organisation, without its secret
    /// (`metacore.webhooks.manage`).
    #[oai(
        path = "/api/webhooks/:id",
        method = "get",
        operation_id = "webhooks_get",
        tag = "WEBHOOKS"
    )]
    async fn get(&self, call: Call<'_>, id: Path<String>) -> Answer<Document<WebhookDocument>> {
        let Call { state, request } = call;
        answer(
            async {
                let org = organisation(state, request).await?;
                let webhook = store::get(state.db(), org, webhook_id(&id)?)
                    .await
                    .map_err(failed)?;
                Ok(envelope(webhook.to_json()))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// Changes `name`, `url`, `events`, `active`, `retry_max` and `timeout_sec` of a webhook
    /// (absent fields stay; the owner never changes) (`metacore.webhooks.manage`).
    #[oai(
        path = "/api/webhooks/:id",
        method = "put",
        operation_id = "webhooks_update",
        tag = "WEBHOOKS"
    )]
    async fn update(
        &self,
        call: Call<'_>,
        id: Path<String>,
        body: Json<WebhookUpdate>,
    ) -> Answer<Document<WebhookDocument>> {
        let Call { state, request } = call;
        answer(
            async {
                let org = organisation(state, request).await?;
                let id = webhook_id(&id)?;
                let body = body.0;
                let changes = Changes {
                    name: body.name,
                    url: body.url,
                    events: body.events,
                    active: body.active,
                    retry_max: body.retry_max,
                    timeout_sec: body.timeout_sec,
                };
                let guard = state.dispatcher().services().outbound.guard();
                store::check(&changes, None, false, guard).map_err(failed)?;
                let webhook = store::update(state.db(), org, id, changes)
                    .await
                    .map_err(failed)?;
                Ok(envelope(webhook.to_json()))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// Soft-deletes a webhook: it receives nothing more and its pending deliveries become
    /// `dead` (`metacore.webhooks.manage`).
    #[oai(
        path = "/api/webhooks/:id",
        method = "delete",
        operation_id = "webhooks_delete",
        tag = "WEBHOOKS"
    )]
    async fn delete(&self, call: Call<'_>, id: Path<String>) -> Answer<Document<WebhookDocument>> {
        let Call { state, request } = call;
        answer(
            async {
                let org = organisation(state, request).await?;
                let id = webhook_id(&id)?;
                let webhook = store::get(state.db(), org, id).await.map_err(failed)?;
                store::delete(state.db(), org, id).await.map_err(failed)?;
                let mut shown = webhook.to_json();
                shown["active"] = Value::Bool(false);
                Ok(envelope(shown))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// Gives a webhook a new generated secret, returned this once; the old one stops
    /// signing at once (`metacore.webhooks.manage`).
    #[oai(
        path = "/api/webhooks/:id/rotate-secret",
        method = "post",
        operation_id = "webhooks_rotate_secret",
        tag = "WEBHOOKS"
    )]
    async fn rotate_secret(
        &self,
        call: Call<'_>,
        id: Path<String>,
    ) -> Answer<Document<WebhookSecretDocument>> {
        let Call { state, request } = call;
        answer(
            async {
                let org = organisation(state, request).await?;
                let id = webhook_id(&id)?;
                let context = state.webhook_context();
                let rotated =
                    store::rotate_secret(state.db(), context.master_key.as_ref(), org, id)
                        .await
                        .map_err(failed)?;
                Ok(envelope(rotated.to_json()))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// Delivers the event `webhook.test` (`data: {webhook_id, timestamp}`) now, even to an
    /// inactive webhook, and answers how it went: `{delivery, status, status_code, error,
    /// duration_ms}`; the attempt is in the log and is not retried
    /// (`metacore.webhooks.manage`).
    #[oai(
        path = "/api/webhooks/:id/test",
        method = "post",
        operation_id = "webhooks_test",
        tag = "WEBHOOKS"
    )]
    async fn test(&self, call: Call<'_>, id: Path<String>) -> Answer<Document<DeliveryAttempt>> {
        let Call { state, request } = call;
        answer(
            async {
                let org = organisation(state, request).await?;
                let webhook = store::get(state.db(), org, webhook_id(&id)?)
                    .await
                    .map_err(failed)?;
                let now = chrono::Utc::now();
                let payload = json!({"webhook_id": webhook.id, "timestamp": now.timestamp()});
                let (delivery, attempted) = worker::deliver_now(
                    &state.webhook_context(),
                    &webhook,
                    TEST_EVENT,
                    None,
                    &now.to_rfc3339(),
                    &payload.to_string(),
                    true,
                )
                .await
                .map_err(ApiError::internal)?;
                Ok(attempt_json(delivery, &attempted))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// A webhook's deliveries, newest first: `page` (from 1), `per_page` (default 50, at
    /// most 200), optionally only of `event` and in `status` (`pending`, `in_flight`,
    /// `succeeded`, `dead`); the list envelope's `meta` (`metacore.webhooks.manage`).
    #[oai(
        path = "/api/webhooks/:id/logs",
        method = "get",
        operation_id = "webhooks_logs",
        tag = "WEBHOOKS"
    )]
    async fn logs(
        &self,
        call: Call<'_>,
        id: Path<String>,
        page: Query<Option<u64>>,
        per_page: Query<Option<u64>>,
        event: Query<Option<String>>,
        status: Query<Option<String>>,
    ) -> Answer<Document<DeliveryLog>> {
        let Call { state, request } = call;
        answer(
            async {
                let org = organisation(state, request).await?;
                let webhook = store::get(state.db(), org, webhook_id(&id)?)
                    .await
                    .map_err(failed)?;
                let page = match page.0.unwrap_or(1) {
                    0 => {
                        return Err(ApiError::bad_request(
                            "invalid_param",
                            "`page` must be 1 or more",
                        ))
                    }
                    n => n.min(1_000_000),
                };
                let per_page = match per_page.0.unwrap_or(DEFAULT_PER_PAGE) {
                    0 => {
                        return Err(ApiError::bad_request(
                            "invalid_param",
                            "`per_page` must be 1 or more",
                        ))
                    }
                    n => n.min(MAX_PER_PAGE),
                };
                let status = status.0.filter(|s| !s.is_empty());
                if let Some(status) = &status {
                    if !STATUSES.contains(&status.as_str()) {
                        return Err(ApiError::bad_request(
                            "invalid_param",
                            format!("`status` must be one of {}", STATUSES.join(", ")),
                        ));
                    }
                }
                let event = event.0.filter(|e| !e.is_empty());
                let (entries, total) = queue::logs(
                    state.db(),
                    org,
                    webhook.id,
                    event.as_deref(),
                    status.as_deref(),
                    page,
                    per_page,
                )
                .await
                .map_err(ApiError::internal)?;
                let from = (page - 1) * per_page + 1;
                let count = entries.len() as u64;
                Ok(json!({
                    "success": true,
                    "data": entries,
                    "meta": {
                        "total": total,
                        "page": page,
                        "current_page": page,
                        "per_page": per_page,
                        "last_page": total.div_ceil(per_page).max(1),
                        "from": (count > 0).then_some(from),
                        "to": (count > 0).then_some(from + count - 1),
                    },
                }))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// Delivers the event of delivery `delivery_id` again as a new delivery (same event and
    /// payload, new id), now; when that attempt fails it is retried like any other
    /// (`metacore.webhooks.manage`). 404 when the delivery or its webhook is not the
    /// caller's organisation's (or was deleted).
    #[oai(
        path = "/api/webhooks/logs/:delivery_id/replay",
        method = "post",
        operation_id = "webhooks_replay",
        tag = "WEBHOOKS"
    )]
    async fn replay(
        &self,
        call: Call<'_>,
        delivery_id: Path<String>,
    ) -> Answer<Document<DeliveryAttempt>> {
        let Call { state, request } = call;
        let result = async {
            let org = organisation(state, request).await?;
            let gone = || {
                ApiError::not_found(
                    "delivery_not_found",
                    "no such webhook delivery in this organisation",
                )
            };
            let id: Uuid = delivery_id.parse().map_err(|_| gone())?;
            let (webhook, event, sequence, occurred_at, payload) =
                queue::replayable(state.db(), org, id)
                    .await
                    .map_err(ApiError::internal)?
                    .ok_or_else(gone)?;
            let webhook = match store::get(state.db(), org, webhook).await {
                Err(WebhookError::NotFound) => return Err(gone()),
                other => other.map_err(failed)?,
            };
            let (delivery, attempted) = worker::deliver_now(
                &state.webhook_context(),
                &webhook,
                &event,
                sequence,
                &occurred_at,
                &payload,
                false,
            )
            .await
            .map_err(ApiError::internal)?;
            Ok(attempt_json(delivery, &attempted))
        }
        .await;
        answer(result).header(poem::http::header::CACHE_CONTROL, "no-store")
    }
}
