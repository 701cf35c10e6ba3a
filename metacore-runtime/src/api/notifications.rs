//! The caller's own notifications ([`crate::notifications`]): list, unread count, mark one or
//! all read. Every route needs a token with an organisation and shows the caller only their
//! own notifications in that organisation; another user's notification is a 404.

use poem_openapi::param::{Path, Query};
use poem_openapi::OpenApi;
use serde_json::{json, Value};
use uuid::Uuid;

use super::answer::{document_kind, Answer, Document};
use super::common::answer;
use super::error::ApiError;
use super::state::{ApiState, Call};
use super::tags::NOTIFICATIONS;
use crate::notifications;

/// Notifications per page by default.
const DEFAULT_PER_PAGE: u64 = 20;

/// The most notifications per page.
const MAX_PER_PAGE: u64 = 100;

/// The members of a notification.
fn notification() -> poem_openapi::registry::MetaSchemaRef {
    use super::answer::shape::*;
    object(&[
        ("id", formatted("uuid")),
        ("title", string()),
        ("message", nullable(string())),
        ("type", string()),
        ("link", nullable(string())),
        ("icon", nullable(string())),
        ("addon", string()),
        ("rule", string()),
        ("event_sequence", integer()),
        ("created_at", formatted("date-time")),
        ("read_at", nullable(formatted("date-time"))),
        ("read", boolean()),
    ])
}

document_kind!(
/// `{"success": true, "data": [notification], "meta": {total, unread, page, per_page}}`.
Notifications, "NotificationsEnvelope", "object", "A page of the caller's notifications, newest first.",
data: array(super::notifications::notification()));

document_kind!(
/// `{"success": true, "data": notification}`.
NotificationItem, "NotificationEnvelope", "object", "One of the caller's notifications.",
data: super::notifications::notification());

document_kind!(
/// `{"success": true, "data": {count}}`.
UnreadCount, "UnreadCountEnvelope", "object", "How many of the caller's notifications are unread.",
data: object(&[("count", integer())]));

document_kind!(
/// `{"success": true, "data": {updated}}`.
MarkedRead, "MarkedReadEnvelope", "object", "How many notifications were marked read.",
data: object(&[("updated", integer())]));

/// The notification operations.
pub struct NotificationsApi;

/// The caller's organisation and user.
async fn recipient(state: &ApiState, request: &poem::Request) -> Result<(Uuid, Uuid), ApiError> {
    let (caller, _) = state.caller(request).await?;
    Ok((caller.organization()?, caller.user))
}

#[OpenApi]
impl NotificationsApi {
    /// The caller's notifications, newest first; `unread=true` keeps the unread ones.
    /// `page` (from 1) and `per_page` (default 20, at most 100) page them; `meta` has the
    /// `total` of the listed kind and the `unread` count.
    #[oai(
        path = "/api/notifications",
        method = "get",
        operation_id = "notifications",
        tag = "NOTIFICATIONS"
    )]
    async fn list(
        &self,
        call: Call<'_>,
        unread: Query<Option<bool>>,
        page: Query<Option<u64>>,
        per_page: Query<Option<u64>>,
    ) -> Answer<Document<Notifications>> {
        let Call { state, request } = call;
        answer(
            async {
                let (org, user) = recipient(state, request).await?;
                let page = match page.0.unwrap_or(1) {
                    0 => return Err(ApiError::bad_request("invalid_param", "`page` starts at 1")),
                    n => n,
                };
                let per_page = match per_page.0.unwrap_or(DEFAULT_PER_PAGE) {
                    n @ 1..=MAX_PER_PAGE => n,
                    _ => {
                        return Err(ApiError::bad_request(
                            "invalid_param",
                            format!("`per_page` must be between 1 and {MAX_PER_PAGE}"),
                        ))
                    }
                };
                let db = state.db();
                let unread_only = unread.0.unwrap_or(false);
                let (items, total) =
                    notifications::list(db, org, user, unread_only, page, per_page)
                        .await
                        .map_err(ApiError::internal)?;
                let unread = notifications::unread_count(db, org, user)
                    .await
                    .map_err(ApiError::internal)?;
                let data: Vec<Value> = items.iter().map(|n| n.to_json()).collect();
                Ok(json!({
                    "success": true,
                    "data": data,
                    "meta": {"total": total, "unread": unread, "page": page, "per_page": per_page},
                }))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// How many of the caller's notifications are unread.
    #[oai(
        path = "/api/notifications/unread-count",
        method = "get",
        operation_id = "notifications_unread_count",
        tag = "NOTIFICATIONS"
    )]
    async fn unread_count(&self, call: Call<'_>) -> Answer<Document<UnreadCount>> {
        let Call { state, request } = call;
        answer(
            async {
                let (org, user) = recipient(state, request).await?;
                let count = notifications::unread_count(state.db(), org, user)
                    .await
                    .map_err(ApiError::internal)?;
                Ok(json!({"success": true, "data": {"count": count}}))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// Marks every unread notification of the caller read.
    #[oai(
        path = "/api/notifications/read-all",
        method = "post",
        operation_id = "notifications_read_all",
        tag = "NOTIFICATIONS"
    )]
    async fn read_all(&self, call: Call<'_>) -> Answer<Document<MarkedRead>> {
        let Call { state, request } = call;
        answer(
            async {
                let (org, user) = recipient(state, request).await?;
                let turn = state.write_turn().await;
                let updated = notifications::mark_all_read(turn.db(), org, user)
                    .await
                    .map_err(ApiError::internal)?;
                Ok(json!({"success": true, "data": {"updated": updated}}))
            }
            .await,
        )
    }

    /// Marks the caller's notification `id` read (again is fine); 404 when the caller has
    /// no such notification.
    #[oai(
        path = "/api/notifications/:id/read",
        method = "post",
        operation_id = "notifications_read",
        tag = "NOTIFICATIONS"
    )]
    async fn read(&self, call: Call<'_>, id: Path<String>) -> Answer<Document<NotificationItem>> {
        let Call { state, request } = call;
        answer(
            async {
                let (org, user) = recipient(state, request).await?;
                let id: Uuid = id.0.trim().parse().map_err(|_| {
                    ApiError::bad_request("invalid_id", "the notification id is not a UUID")
                })?;
                let turn = state.write_turn().await;
                let found = notifications::mark_read(turn.db(), org, user, id)
                    .await
                    .map_err(ApiError::internal)?;
                match found {
                    Some(n) => Ok(json!({"success": true, "data": n.to_json()})),
                    None => Err(ApiError::not_found(
                        "notification_not_found",
                        "you have no notification with this id",
                    )),
                }
            }
            .await,
        )
    }
}
