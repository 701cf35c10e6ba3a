//! The CRUD operations generated handlers delegate to (`http-api.md` §3, §4): authenticate,
//! check the route's capability before touching data, scope to the caller's organisation,
//! run the store, wrap the envelope, publish the canonical event after the commit.

use poem::Request;
use serde_json::json;
use uuid::Uuid;

use super::answer::{
    Created, CreatedAnswer, Data, Deleted, DeletedAnswer, EnvelopeBody, ListAnswer, Page, RowAnswer,
};
use super::error::ApiError;
use super::logged_create;
use super::query::parse_list;
pub use super::query::ListParams;
use super::request::{exact_decimals, query_pairs};
use super::schema::{CreateBody, ModelSchema, Row, UpdateBody};
use super::siblings;
use super::state::{ApiState, Call};
use super::store::{self, Cells, Scope};
use crate::events::Event;
use crate::registry::AddonDescriptor;

/// Authenticates, requires an organisation and `<route>.<verb>`.
pub(crate) async fn admit<M: ModelSchema>(
    state: &ApiState,
    request: &Request,
    verb: &str,
) -> Result<Scope, ApiError> {
    admit_all::<M>(state, request, &[verb]).await
}

/// [`admit`] for a route needing several capabilities, `<route>.<verb>` for each of `verbs`
/// (in order: the first missing one is the 403).
pub(crate) async fn admit_all<M: ModelSchema>(
    state: &ApiState,
    request: &Request,
    verbs: &[&str],
) -> Result<Scope, ApiError> {
    let (caller, access) = state.caller(request).await?;
    let org = caller.organization()?;
    state.require_enabled(M::addon(), org).await?;
    for verb in verbs {
        access.require(&format!("{}.{verb}", M::model().route))?;
    }
    Ok(Scope {
        org,
        user: caller.user,
    })
}

pub(crate) fn addon_of<M: ModelSchema>(
    state: &ApiState,
) -> Result<&'static AddonDescriptor, ApiError> {
    state
        .registry()
        .addon(M::addon())
        .ok_or_else(|| ApiError::not_found("addon_not_installed", "addon not installed"))
}

/// The canonical `<addon>.<Model>.<what>` event (`http-api.md` §11.1).
pub(crate) fn event<M: ModelSchema>(what: &str, scope: Scope, payload: serde_json::Value) -> Event {
    Event {
        topic: format!("{}.{}.{what}", M::addon(), M::model().key),
        org_id: scope.org,
        producer: M::addon().to_string(),
        actor_id: Some(scope.user),
        payload,
        occurred_at: chrono::Utc::now(),
        sequence: None,
        deliveries: 0,
    }
}

/// A row as the JSON object events and handlers receive.
pub(crate) fn row_json(cells: &Cells) -> serde_json::Value {
    serde_json::Value::Object(
        cells
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_json()))
            .collect(),
    )
}

pub(crate) fn id_of<M: ModelSchema>(cells: &Cells) -> String {
    store::id_label(M::model(), cells).unwrap_or_default()
}

/// `GET /api/data/{model}`.
pub async fn list<M: ModelSchema>(call: Call<'_>, params: ListParams) -> ListAnswer<M> {
    let Call { state, request } = call;
    let result = async {
        let scope = admit::<M>(state, request, "index").await?;
        let query = parse_list(
            M::model(),
            &params,
            &query_pairs(request),
            state.db().get_database_backend(),
        )?;
        let (rows, total) =
            store::list(state.db(), state.counts(), M::model(), scope.org, &query).await?;
        let count = rows.len() as u64;
        let from = if count == 0 {
            0
        } else {
            (query.page - 1) * query.per_page + 1
        };
        let meta = json!({
            "total": total,
            "page": query.page,
            "current_page": query.page,
            "per_page": query.per_page,
            "last_page": total.div_ceil(query.per_page).max(1),
            "from": from,
            "to": if count == 0 { 0 } else { from + count - 1 },
        });
        let addon = addon_of::<M>(state)?;
        let labels = siblings::resolve(state.db(), addon, M::model(), scope.org, &rows).await?;
        let data: Vec<Row<M>> = rows
            .into_iter()
            .zip(labels)
            .map(|(cells, labels)| Row::with_siblings(cells, labels))
            .collect();
        Ok(Page(EnvelopeBody::new(data).with_meta(meta)))
    }
    .await;
    result.into()
}

/// `GET /api/data/{model}/{id}`.
pub async fn get<M: ModelSchema>(call: Call<'_>, id: Uuid) -> RowAnswer<M> {
    let Call { state, request } = call;
    let result = async {
        let scope = admit::<M>(state, request, "index").await?;
        let cells = store::get(state.db(), M::model(), scope.org, id)
            .await?
            .ok_or_else(|| ApiError::not_found("record_not_found", "record not found"))?;
        let labels = labels_of::<M>(state, scope, &cells).await?;
        Ok((cells, labels))
    }
    .await;
    // The ETag is the row's own (`store::etag`): a label of a referenced row is not part of
    // the row's version. Without labels the row is serialised once, for both.
    let served = result.and_then(|(cells, labels)| {
        let etag = (!labels.is_empty()).then(|| store::etag(&cells));
        let row = serde_json::to_vec(&Row::<M>::with_siblings(cells, labels))
            .map_err(ApiError::internal)?;
        let etag = etag.unwrap_or_else(|| store::etag_of(&row));
        Ok((row, etag))
    });
    match served {
        Ok((row, etag)) => RowAnswer::<M>::data_bytes(&row).header(poem::http::header::ETAG, &etag),
        Err(error) => RowAnswer::<M>::err(error),
    }
}

/// The reference labels of one row of `M`.
async fn labels_of<M: ModelSchema>(
    state: &ApiState,
    scope: Scope,
    cells: &Cells,
) -> Result<siblings::Siblings, ApiError> {
    let addon = addon_of::<M>(state)?;
    let mut labels = siblings::resolve(
        state.db(),
        addon,
        M::model(),
        scope.org,
        std::slice::from_ref(cells),
    )
    .await?;
    Ok(labels.pop().unwrap_or_default())
}

/// `POST /api/data/{model}` → 201.
pub async fn create<M: ModelSchema>(call: Call<'_>, body: CreateBody<M>) -> CreatedAnswer<M> {
    let Call { state, request } = call;
    let result = async {
        let scope = admit::<M>(state, request, "create").await?;
        let mut fields = body.fields;
        exact_decimals(request, M::model(), &mut fields);
        let cells = create_row::<M>(state, scope, fields).await?;
        let labels = labels_of::<M>(state, scope, &cells).await?;
        Ok(Created(EnvelopeBody::new(Row::with_siblings(
            cells, labels,
        ))))
    }
    .await;
    result.into()
}

/// Creates a row of `M` from `fields` in `scope`'s organisation (validation, tenancy, the
/// `created` event after the commit): the create of the HTTP API and of [`super::data`].
pub(crate) async fn create_row<M: ModelSchema>(
    state: &ApiState,
    scope: Scope,
    fields: serde_json::Map<String, serde_json::Value>,
) -> Result<Cells, ApiError> {
    let addon = addon_of::<M>(state)?;
    if logged_create::applies(state.db()) {
        let created = event::<M>("created", scope, serde_json::Value::Null);
        let made =
            logged_create::create(state.db(), addon, M::model(), scope, &fields, created).await?;
        if let Some((cells, created)) = made {
            state.publish(created);
            return Ok(cells);
        }
    }
    // The row and its `created` event in the event log commit together.
    state
        .write(move |txn| {
            Box::pin(async move {
                let cells = store::create(txn, addon, M::model(), scope, &fields).await?;
                let payload = logged_create::json_payload(M::model(), &cells);
                Ok((cells, vec![event::<M>("created", scope, payload)]))
            })
        })
        .await
}

/// `PUT`/`PATCH /api/data/{model}/{id}`.
pub async fn update<M: ModelSchema>(call: Call<'_>, id: Uuid, body: UpdateBody<M>) -> RowAnswer<M> {
    let Call { state, request } = call;
    let result = async {
        let scope = admit::<M>(state, request, "update").await?;
        let if_match = request
            .headers()
            .get(poem::http::header::IF_MATCH)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_string());
        let mut fields = body.fields;
        exact_decimals(request, M::model(), &mut fields);
        let cells = update_row::<M>(state, scope, id, fields, if_match).await?;
        let labels = labels_of::<M>(state, scope, &cells).await?;
        Ok(Data(EnvelopeBody::new(Row::with_siblings(cells, labels))))
    }
    .await;
    result.into()
}

/// Changes the `fields` of row `id` of `M` in `scope`'s organisation (optionally only while
/// its ETag is `if_match`), publishing `updated` after the commit when anything changed.
pub(crate) async fn update_row<M: ModelSchema>(
    state: &ApiState,
    scope: Scope,
    id: Uuid,
    fields: serde_json::Map<String, serde_json::Value>,
    if_match: Option<String>,
) -> Result<Cells, ApiError> {
    let addon = addon_of::<M>(state)?;
    state
        .write(move |txn| {
            Box::pin(async move {
                let (before, after) = store::update(
                    txn,
                    addon,
                    M::model(),
                    scope,
                    id,
                    &fields,
                    if_match.as_deref(),
                )
                .await?;
                Ok(match after {
                    None => (before, Vec::new()),
                    Some(after) => {
                        let updated = event::<M>(
                            "updated",
                            scope,
                            json!({
                                "id": id.to_string(),
                                "before": row_json(&before),
                                "after": row_json(&after),
                            }),
                        );
                        (after, vec![updated])
                    }
                })
            })
        })
        .await
}

/// `DELETE /api/data/{model}/{id}`.
pub async fn delete<M: ModelSchema>(call: Call<'_>, id: Uuid) -> DeletedAnswer {
    let Call { state, request } = call;
    let result = async {
        let scope = admit::<M>(state, request, "delete").await?;
        delete_row::<M>(state, scope, id).await?;
        Ok(Deleted)
    }
    .await;
    result.into()
}

/// Deletes row `id` of `M` in `scope`'s organisation (soft when the model says so),
/// publishing `deleted` after the commit.
pub(crate) async fn delete_row<M: ModelSchema>(
    state: &ApiState,
    scope: Scope,
    id: Uuid,
) -> Result<(), ApiError> {
    state
        .write(move |txn| {
            Box::pin(async move {
                let before = store::delete(txn, M::model(), scope, id).await?;
                let deleted = event::<M>(
                    "deleted",
                    scope,
                    json!({"id": id.to_string(), "before": row_json(&before)}),
                );
                Ok(((), vec![deleted]))
            })
        })
        .await
}
