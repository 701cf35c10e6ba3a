//! The typed data API: the store the HTTP handlers use — capability checks, tenancy,
//! validation, after-commit events — from Rust, with sea-orm entity models in and out.
//!
//! A [`Data`] acts for one caller, resolved exactly as a bearer token's caller is (manifest
//! roles, stored grants, extra grants). Each operation requires the same `<route>.<verb>`
//! capability as its HTTP route, runs the same store code, and publishes the same canonical
//! `<addon>.<Model>.<created|updated|deleted>` event after the commit, so a row written here
//! is indistinguishable from one written over HTTP, and the reverse.
//!
//! Models are the generated entities' `Model`s, named by their API marker type
//! ([`ModelEntity`]): `data.create::<showcase::api::Customers>(&row)`. Values cross as the
//! API's JSON (entity models derive serde), so validation reports the same field errors.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::access::Access;
use super::error::ApiError;
use super::handlers::{create_row, delete_row, row_json, update_row};
use super::query::{parse_list, ListParams};
use super::request::Caller;
use super::schema::{writable, ModelSchema};
use super::state::ApiState;
use super::store::{self, Cells, Scope};
use crate::registry::{ColumnKind, ColumnRole};

/// A model with a typed sea-orm entity: ties the compiled descriptor ([`ModelSchema`]) to
/// the entity of its table. Implemented by the generated API marker types.
pub trait ModelEntity: ModelSchema {
    /// The sea-orm entity of the model's table.
    type Entity: sea_orm::EntityTrait<Model: Serialize + DeserializeOwned + Send + Sync>;
}

/// A row of `M`: its entity's `Model`.
pub type ModelOf<M> = <<M as ModelEntity>::Entity as sea_orm::EntityTrait>::Model;

/// The data of the models, as one caller may read and write it.
pub struct Data<'a> {
    state: &'a ApiState,
    scope: Scope,
    access: Access,
}

impl ApiState {
    /// Acts as `caller`, whose organisation scopes every operation (403 `no_organization`
    /// without one).
    pub async fn data(&self, caller: &Caller) -> Result<Data<'_>, ApiError> {
        let org = caller.organization()?;
        let access = self.access_of(caller).await?;
        Ok(Data {
            state: self,
            scope: Scope {
                org,
                user: caller.user,
            },
            access,
        })
    }
}

impl Data<'_> {
    async fn admit<M: ModelSchema>(&self, verb: &str) -> Result<(), ApiError> {
        self.state
            .require_enabled(M::addon(), self.scope.org)
            .await?;
        self.access.require(&format!("{}.{verb}", M::model().route))
    }

    /// Creates `row`. Server-maintained columns (tenancy, timestamps, actors) are set by the
    /// server; a nil `id` gets a fresh one.
    pub async fn create<M: ModelEntity>(&self, row: &ModelOf<M>) -> Result<ModelOf<M>, ApiError> {
        self.admit::<M>("create").await?;
        let mut fields = writable_fields::<M>(&mut serialised::<M>(row)?, true);
        if fields.get("id") == Some(&Value::String(Uuid::nil().to_string())) {
            fields.remove("id");
        }
        let cells = create_row::<M>(self.state, self.scope, fields).await?;
        model_of::<M>(&cells)
    }

    /// The row `id`, when it exists in the caller's organisation.
    pub async fn get<M: ModelEntity>(&self, id: Uuid) -> Result<Option<ModelOf<M>>, ApiError> {
        self.admit::<M>("index").await?;
        match store::get(self.state.db(), M::model(), self.scope.org, id).await? {
            Some(cells) => model_of::<M>(&cells).map(Some),
            None => Ok(None),
        }
    }

    /// Writes every client-writable column of `row` to the row with its `id` (404
    /// `record_not_found` when the caller's organisation has none).
    pub async fn update<M: ModelEntity>(&self, row: &ModelOf<M>) -> Result<ModelOf<M>, ApiError> {
        self.admit::<M>("update").await?;
        let mut all = serialised::<M>(row)?;
        let id = all
            .get(M::model().id_column().name)
            .and_then(Value::as_str)
            .and_then(|text| text.parse().ok())
            .ok_or_else(|| ApiError::internal("the row has no uuid id"))?;
        let fields = writable_fields::<M>(&mut all, false);
        let cells = update_row::<M>(self.state, self.scope, id, fields, None).await?;
        model_of::<M>(&cells)
    }

    /// Deletes the row `id` (soft when the model says so).
    pub async fn delete<M: ModelEntity>(&self, id: Uuid) -> Result<(), ApiError> {
        self.admit::<M>("delete").await?;
        delete_row::<M>(self.state, self.scope, id).await
    }

    /// One page of rows with the list parameters of the HTTP route, and the total.
    pub async fn list<M: ModelEntity>(
        &self,
        params: &ListParams,
    ) -> Result<(Vec<ModelOf<M>>, u64), ApiError> {
        self.admit::<M>("index").await?;
        let backend = sea_orm::ConnectionTrait::get_database_backend(self.state.db());
        let query = parse_list(M::model(), params, &[], backend)?;
        let (rows, total) = store::list(
            self.state.db(),
            self.state.counts(),
            M::model(),
            self.scope.org,
            &query,
        )
        .await?;
        let rows = rows
            .iter()
            .map(model_of::<M>)
            .collect::<Result<Vec<_>, _>>()?;
        Ok((rows, total))
    }
}

/// `row` as the API's JSON object.
fn serialised<M: ModelEntity>(row: &ModelOf<M>) -> Result<Map<String, Value>, ApiError> {
    match serde_json::to_value(row).map_err(ApiError::internal)? {
        Value::Object(all) => Ok(all),
        _ => Err(ApiError::internal(
            "an entity model does not serialise to an object",
        )),
    }
}

/// The client-writable fields among `all` (a serialised row): data columns, and on create
/// the `id` too.
fn writable_fields<M: ModelEntity>(
    all: &mut Map<String, Value>,
    create: bool,
) -> Map<String, Value> {
    let mut fields = Map::new();
    for column in M::model().columns.iter().filter(|c| writable(c)) {
        let keep = match column.role {
            ColumnRole::Data => true,
            ColumnRole::Id => create,
            _ => false,
        };
        if let (true, Some(value)) = (keep, all.remove(column.name)) {
            fields.insert(column.name.to_string(), value);
        }
    }
    fields
}

/// The entity model of a stored row. A failure means the entity and the descriptor disagree
/// (a build mismatch), reported with serde's reason: this API has Rust callers only.
fn model_of<M: ModelEntity>(cells: &Cells) -> Result<ModelOf<M>, ApiError> {
    let mut row = row_json(cells);
    // The API serves `timestamp` (without time zone) in UTC as RFC 3339 with `Z`; the
    // entity's `NaiveDateTime` reads it without.
    for column in M::model()
        .columns
        .iter()
        .filter(|c| c.kind == ColumnKind::Timestamp)
    {
        if let Some(Value::String(text)) = row.get_mut(column.name) {
            if let Some(naive) = text.strip_suffix('Z') {
                *text = naive.to_string();
            }
        }
    }
    serde_json::from_value(row).map_err(|e| {
        let mut error = ApiError::internal(&e);
        error.message = format!(
            "a `{}` row does not read back as its entity model: {e}",
            M::model().route
        );
        error
    })
}
