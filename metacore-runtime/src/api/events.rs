//! `GET /api/events` (`http-api.md` §11.3): the caller's organisation's event log
//! ([`crate::event_log`]) by cursor, gated on `metacore.events.read`.

use poem_openapi::param::Query;
use poem_openapi::OpenApi;
use serde_json::{json, Value};

use super::answer::{document_kind, Answer, Document};
use super::error::ApiError;
use super::state::Call;
use super::tags::EVENTS;
use crate::event_log;

/// The capability of reading the event log (`http-api.md` §10.1).
pub const EVENTS_READ: &str = "metacore.events.read";

/// Events per page by default.
const DEFAULT_LIMIT: u64 = 50;

/// The most events per page.
const MAX_LIMIT: u64 = 200;

/// The most names or patterns `type` may list.
const MAX_PATTERNS: usize = 32;

document_kind!(
/// `{"success": true, "data": [{sequence, name, occurred_at, actor_id, producer, payload}], "meta": {last_sequence, has_more}}`.
Events, "EventsEnvelope", "object", "A page of the organisation's event log, in sequence order.",
data: array(object(&[
    ("sequence", integer()),
    ("name", string()),
    ("occurred_at", formatted("date-time")),
    ("actor_id", nullable(formatted("uuid"))),
    ("producer", string()),
    ("payload", any()),
])));

/// The event log operation.
pub struct EventsApi;

#[OpenApi]
impl EventsApi {
    /// The caller's organisation's events after sequence `after` (default 0), at most
    /// `limit` (default 50, at most 200), whose name matches one of `type` (a comma list of
    /// exact names, `*` or `prefix.*` patterns); `meta.last_sequence` is the cursor of the
    /// next page and `meta.has_more` says whether it has events (`metacore.events.read`).
    #[oai(
        path = "/api/events",
        method = "get",
        operation_id = "events",
        tag = "EVENTS"
    )]
    async fn events(
        &self,
        call: Call<'_>,
        after: Query<Option<i64>>,
        limit: Query<Option<u64>>,
        #[oai(name = "type")] types: Query<Option<String>>,
    ) -> Answer<Document<Events>> {
        let Call { state, request } = call;
        super::common::answer(
            async {
                let org = state.organisation_with(request, EVENTS_READ).await?;
                let after = after.0.unwrap_or(0);
                if after < 0 {
                    return Err(ApiError::bad_request(
                        "invalid_param",
                        "`after` must be a sequence number (0 or more)",
                    ));
                }
                let limit = match limit.0.unwrap_or(DEFAULT_LIMIT) {
                    n @ 1..=MAX_LIMIT => n,
                    _ => {
                        return Err(ApiError::bad_request(
                            "invalid_param",
                            format!("`limit` must be between 1 and {MAX_LIMIT}"),
                        ))
                    }
                };
                let patterns: Vec<String> = types
                    .0
                    .as_deref()
                    .unwrap_or_default()
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect();
                if patterns.len() > MAX_PATTERNS {
                    return Err(ApiError::bad_request(
                        "invalid_param",
                        format!("`type` takes at most {MAX_PATTERNS} names or patterns"),
                    ));
                }
                let (events, has_more) = event_log::read(state.db(), org, after, limit, &patterns)
                    .await
                    .map_err(ApiError::internal)?;
                let last_sequence = events.last().and_then(|e| e.sequence).unwrap_or(after);
                let data: Vec<Value> = events
                    .into_iter()
                    .map(|event| {
                        json!({
                            "sequence": event.sequence,
                            "name": event.topic,
                            "occurred_at": event.occurred_at.to_rfc3339(),
                            "actor_id": event.actor_id,
                            "producer": event.producer,
                            "payload": event.payload,
                        })
                    })
                    .collect();
                Ok(json!({
                    "success": true,
                    "data": data,
                    "meta": {"last_sequence": last_sequence, "has_more": has_more},
                }))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }
}
