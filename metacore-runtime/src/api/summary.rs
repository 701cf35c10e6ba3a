//! Table footers and filter facets (`http-api.md` §5.3, §5.4): `GET
//! /api/data/{model}/aggregate` and `/facets`, over the caller's organisation's live rows
//! narrowed by the same `f_<column>` filters and `search` as the list.
//!
//! Each is one statement. Aggregates are read as text and served as exact JSON numbers (a
//! PostgreSQL `numeric` sum keeps its digits).

use poem::http::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{json, Map, Value};

use super::answer::{document_kind, Answer, Document};
use super::error::ApiError;
use super::handlers::{addon_of, admit};
use super::query::{filterable, parse_list, scalar, ListParams};
use super::request::query_pairs;
use super::schema::{table_metadata, ModelSchema};
use super::siblings;
use super::sql::{quote, Sql};
use super::state::Call;
use super::store::list_filter;
use super::value::decode;
use crate::registry::{ColumnDescriptor, ColumnKind, ModelDescriptor};

document_kind!(
    /// `{"success": true, "data": {<column>: <number | null>}}`.
    Aggregates, "AggregateEnvelope", "object",
    "One number per aggregated column (`sum`/`count` of no rows is 0; `avg`/`min`/`max` of no rows is null).",
    data: map(nullable(number())));
document_kind!(
    /// `{"success": true, "data": [{value, label, count}]}`.
    Facets, "FacetEnvelope", "object",
    "The distinct non-null values of the field among the filtered rows, with their label and count, most frequent first.",
    data: array(object(&[("value", any()), ("label", any()), ("count", integer())])));

/// The reply of an aggregate.
pub type AggregateAnswer = Answer<Document<Aggregates>>;
/// The reply of a facet list.
pub type FacetAnswer = Answer<Document<Facets>>;

/// The declared parameters of an aggregate.
#[derive(Debug, Clone, Default)]
pub struct AggregateParams {
    /// Comma-separated numeric columns (default: the table's `aggregate` columns).
    pub fields: Option<String>,
    /// `sum` (default), `avg`, `min`, `max` or `count`.
    pub function: Option<String>,
    /// `search`.
    pub search: Option<String>,
}

/// The declared parameters of a facet list.
#[derive(Debug, Clone, Default)]
pub struct FacetParams {
    /// The column (required).
    pub field: Option<String>,
    /// Case-insensitive substring of the label.
    pub q: Option<String>,
    /// At most this many values (default 50, at most 200).
    pub limit: Option<i64>,
    /// `search`.
    pub search: Option<String>,
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Function {
    Sum,
    Avg,
    Min,
    Max,
    Count,
}

impl Function {
    fn parse(name: &str) -> Option<Function> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "sum" => Function::Sum,
            "avg" => Function::Avg,
            "min" => Function::Min,
            "max" => Function::Max,
            "count" => Function::Count,
            _ => return None,
        })
    }

    fn sql(self) -> &'static str {
        match self {
            Function::Sum => "SUM",
            Function::Avg => "AVG",
            Function::Min => "MIN",
            Function::Max => "MAX",
            Function::Count => "COUNT",
        }
    }
}

fn numeric(column: &ColumnDescriptor) -> bool {
    matches!(
        column.kind,
        ColumnKind::Integer | ColumnKind::Bigint | ColumnKind::Numeric(_)
    )
}

/// The table's declared aggregates: numeric columns whose `styleConfig.aggregate` is set.
fn declared(model: &'static ModelDescriptor) -> Vec<(&'static ColumnDescriptor, Function)> {
    table_metadata(model)["columns"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let column = model.column(c["key"].as_str()?)?;
            let function = match &c["styleConfig"]["aggregate"] {
                Value::Bool(true) => Function::Sum,
                Value::String(name) => Function::parse(name)?,
                _ => return None,
            };
            numeric(column).then_some((column, function))
        })
        .collect()
}

/// `GET /api/data/{model}/aggregate`.
pub async fn aggregate<M: ModelSchema>(call: Call<'_>, params: AggregateParams) -> AggregateAnswer {
    let Call { state, request } = call;
    let result = async {
        let scope = admit::<M>(state, request, "index").await?;
        let model = M::model();
        let function = match params.function.as_deref() {
            None | Some("") => Function::Sum,
            Some(name) => Function::parse(name).ok_or_else(|| {
                ApiError::bad_request("invalid_param", "`fn` must be sum, avg, min, max or count")
            })?,
        };
        let columns: Vec<(&'static ColumnDescriptor, Function)> = match params
            .fields
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
        {
            None => declared(model),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(|name| match model.column(name) {
                    Some(c) if numeric(c) && filterable(c) => Ok((c, function)),
                    _ => Err(ApiError::bad_request(
                        "invalid_param",
                        format!("`{name}` is not a numeric column of {}", model.route),
                    )),
                })
                .collect::<Result<_, _>>()?,
        };
        let backend = state.db().get_database_backend();
        let list = ListParams {
            search: params.search,
            ..ListParams::default()
        };
        let query = parse_list(model, &list, &query_pairs(request), backend)?;
        let mut data = Map::new();
        if columns.is_empty() {
            return Ok(json!({"success": true, "data": data}));
        }
        let mut sql = Sql::new(backend);
        sql.push("SELECT ");
        for (i, (column, function)) in columns.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            let operand = if backend == sea_orm::DatabaseBackend::Sqlite
                && matches!(column.kind, ColumnKind::Numeric(_))
            {
                // SQLite keeps exact decimals as text: aggregate their numeric value.
                format!("CAST({} AS REAL)", quote(column.name))
            } else {
                quote(column.name)
            };
            sql.push(&format!(
                "CAST({}({operand}) AS TEXT) AS {}",
                function.sql(),
                quote(&format!("a{i}"))
            ));
        }
        sql.push(" FROM ")
            .ident(model.physical_table)
            .append(&list_filter(backend, model, scope.org, &query.condition));
        let row = state
            .db()
            .query_one_raw(sql.statement())
            .await
            .map_err(|e| ApiError::from_db(e, StatusCode::BAD_REQUEST, "invalid_filter"))?;
        for (i, (column, function)) in columns.iter().enumerate() {
            let text = match &row {
                Some(row) => row
                    .try_get::<Option<String>>("", &format!("a{i}"))
                    .map_err(ApiError::internal)?,
                None => None,
            };
            let value = match text {
                Some(text) => serde_json::from_str::<Value>(text.trim())
                    .ok()
                    .filter(Value::is_number)
                    .unwrap_or(Value::Null),
                None if matches!(function, Function::Sum | Function::Count) => json!(0),
                None => Value::Null,
            };
            data.insert(column.name.to_string(), value);
        }
        Ok(json!({"success": true, "data": data}))
    }
    .await;
    match result {
        Ok(body) => Answer::ok(&Document::new(body)),
        Err(error) => Answer::err(error),
    }
}

/// Groups a facet reads before its `q` narrows them by label.
const MAX_GROUPS: i64 = 10_000;

/// `GET /api/data/{model}/facets`.
pub async fn facets<M: ModelSchema>(call: Call<'_>, params: FacetParams) -> FacetAnswer {
    let Call { state, request } = call;
    let result = async {
        let scope = admit::<M>(state, request, "index").await?;
        let model = M::model();
        let name = params
            .field
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .ok_or_else(|| ApiError::bad_request("invalid_param", "`field` is required"))?;
        let column = model.column(name).filter(|c| scalar(c)).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_param",
                format!("`{name}` is not a scalar column of {}", model.route),
            )
        })?;
        let limit = match params.limit {
            Some(n) if n >= 1 => n.min(200),
            _ => 50,
        };
        let needle = params.q.unwrap_or_default().trim().to_lowercase();
        // The facet's own filter is left out: its counts reflect the other filters.
        let own = format!("f_{name}");
        let pairs: Vec<(String, String)> = query_pairs(request)
            .into_iter()
            .filter(|(k, _)| *k != own)
            .collect();
        let backend = state.db().get_database_backend();
        let list = ListParams {
            search: params.search,
            ..ListParams::default()
        };
        let query = parse_list(model, &list, &pairs, backend)?;
        let mut sql = Sql::new(backend);
        sql.push("SELECT ")
            .ident(column.name)
            .push(", COUNT(*) AS \"n\" FROM ")
            .ident(model.physical_table)
            .append(&list_filter(backend, model, scope.org, &query.condition))
            .push(" AND ")
            .ident(column.name)
            .push(" IS NOT NULL GROUP BY ")
            .ident(column.name)
            .push(" ORDER BY \"n\" DESC, ")
            .ident(column.name)
            .limit(if needle.is_empty() { limit } else { MAX_GROUPS });
        let rows = state
            .db()
            .query_all_raw(sql.statement())
            .await
            .map_err(|e| ApiError::from_db(e, StatusCode::BAD_REQUEST, "invalid_filter"))?;
        let mut groups = Vec::with_capacity(rows.len());
        for row in &rows {
            let cell = decode(row, column).map_err(ApiError::internal)?;
            let count = row.try_get::<i64>("", "n").map_err(ApiError::internal)?;
            groups.push((cell, count));
        }
        // The referenced rows' labels, when the field is a reference (ids read once).
        let target = match column.reference {
            Some(route) => addon_of::<M>(state)?.model(route),
            None => None,
        };
        let ids: Vec<Option<uuid::Uuid>> = groups
            .iter()
            .map(|(cell, _)| target.and_then(|_| uuid::Uuid::parse_str(&cell.label()).ok()))
            .collect();
        let labels = match target {
            Some(target) => siblings::labels(state.db(), target, scope.org, &ids).await?,
            None => Default::default(),
        };
        let items: Vec<Value> = groups
            .into_iter()
            .zip(ids)
            .map(|((cell, count), id)| {
                let label = id
                    .and_then(|id| labels.get(&id).cloned())
                    .unwrap_or_else(|| cell.label());
                (cell, label, count)
            })
            .filter(|(_, label, _)| needle.is_empty() || label.to_lowercase().contains(&needle))
            .take(limit as usize)
            .map(|(cell, label, count)| json!({"value": cell, "label": label, "count": count}))
            .collect();
        Ok(json!({"success": true, "data": items}))
    }
    .await;
    match result {
        Ok(body) => Answer::ok(&Document::new(body)),
        Err(error) => Answer::err(error),
    }
}
