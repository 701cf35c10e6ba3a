//! Reading and writing one model's rows (`http-api.md` §3, §4): every statement scoped to
//! the caller's organisation on the tenancy column and blind to soft-deleted rows; writes
//! validated field by field into one 422 with every error; each write in one transaction.

use std::collections::BTreeMap;

use chrono::Utc;
use poem::http::StatusCode;
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, SqlErr};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::counts::{self, CountCache};
use super::error::{ApiError, FieldError};
use super::query::ListQuery;
use super::schema::{required_on_create, served_columns, Row};
use super::sql::{quote, Sql};
use super::value::{decode, parse_json, uuid_text, Cell, Parsed};
use crate::registry::{
    AddonDescriptor, ColumnDescriptor, ColumnKind, ColumnRole, ModelDescriptor, RowRule,
};
use metacore_core::storage::ROW_COUNTS_TABLE;

/// A row as cells by column name.
pub type Cells = Vec<(&'static str, Cell)>;

/// Who writes: the organisation scope and the acting user.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    /// The caller's organisation.
    pub org: Uuid,
    /// The caller.
    pub user: Uuid,
}

/// The served columns of `model`, quoted and comma-separated.
pub(crate) fn select_columns(model: &ModelDescriptor) -> String {
    served_columns(model)
        .map(|c| quote(c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `WHERE <tenancy> = :org [AND deleted_at IS NULL]` (always a `WHERE`).
pub(crate) fn scoped(sql: &mut Sql, model: &ModelDescriptor, org: Uuid) {
    sql.push(" WHERE 1 = 1");
    if let Some(tenancy) = model.tenancy_column {
        sql.push(" AND ").ident(tenancy).push(" = ").bind(org);
    }
    if let Some(deleted) = model.column_with(ColumnRole::DeletedAt) {
        sql.push(" AND ").ident(deleted.name).push(" IS NULL");
    }
}

/// `scoped` narrowed to row `id`: the `WHERE` of every single-row statement.
fn scoped_row(sql: &mut Sql, model: &ModelDescriptor, org: Uuid, id: Uuid) {
    scoped(sql, model, org);
    sql.push(" AND ")
        .ident(model.id_column().name)
        .push(" = ")
        .bind(id);
}

/// The served cells of `model` in `row`.
pub(crate) fn decode_row(
    model: &ModelDescriptor,
    row: &sea_orm::QueryResult,
) -> Result<Cells, DbErr> {
    served_columns(model)
        .map(|c| decode(row, c).map(|cell| (c.name, cell)))
        .collect()
}

/// A failed read: a data exception (a filter operand the column cannot take) is 400
/// `invalid_filter`, anything else a server fault.
fn db_error(error: DbErr) -> ApiError {
    ApiError::from_db(error, StatusCode::BAD_REQUEST, "invalid_filter")
}

/// One page of rows and the total.
///
/// The page is found on the list's index alone and only its rows are read (a deferred join:
/// `… WHERE id IN (SELECT id … ORDER BY … LIMIT … OFFSET …)`), so a deep page skips index
/// entries, not rows; the first page reads the start of the range directly. When the
/// organisation's rows are counted, the page reads their count and version in the same
/// statement (one snapshot): an unfiltered total is that count, a filtered one the
/// [`CountCache`]'s when counted at that version — one round trip either way — else it is
/// counted after the page. A later page starts from the nearest row an earlier page of the
/// same list showed at that version (a row-value seek), skipping only the entries after it; a page
/// that finds the version changed is read again from the start of the list. An empty page,
/// or an organisation without a count, takes the general path: the total from
/// `counts::total` first, then the page if it has rows.
pub async fn list(
    db: &impl ConnectionTrait,
    counts: &CountCache,
    model: &'static ModelDescriptor,
    org: Uuid,
    query: &ListQuery,
) -> Result<(Vec<Cells>, u64), ApiError> {
    let backend = db.get_database_backend();
    let filtered = !query.condition.is_empty();
    let filter = list_filter(backend, model, org, &query.condition);
    let offset = (query.page - 1).saturating_mul(query.per_page);
    let mut order = Sql::new(backend);
    order.push(" ORDER BY ");
    for (i, (column, descending)) in query.order.iter().enumerate() {
        if i > 0 {
            order.push(", ");
        }
        super::query::compared(column, &mut order);
        order.push(if *descending { " DESC" } else { " ASC" });
    }
    if counts::is_counted(model) {
        let key = filtered.then(|| counts::key(model, org, &filter));
        let cached = key.as_ref().and_then(|key| counts.latest(key));
        // A page past the cached total is empty: the general path answers it from the
        // version alone.
        let past_end = cached.is_some_and(|c| offset >= c.matching);
        // The list's page starts: its count key (computed once) and its order.
        let starts_key = seekable(model, query).then(|| {
            let (table, org, filter) = key
                .clone()
                .unwrap_or_else(|| counts::key(model, org, &filter));
            (table, org, format!("{filter}{}", order.cache_key()))
        });
        let start = match &starts_key {
            Some(key) if offset > 0 && !past_end => counts.start_before(key, offset),
            _ => None,
        };
        let attempts = if past_end {
            Vec::new()
        } else if start.is_some() {
            vec![start, None]
        } else {
            vec![None]
        };
        for start in attempts {
            let scanning =
                cached.is_some_and(|c| scans_in_order(query, offset, c.live, c.matching));
            let (mut page_filter, ids_first) =
                page_filter(backend, model, org, &filter, query, scanning);
            let mut skip = offset;
            if let Some(start) = &start {
                let Some(seek) = seek(model, query, backend, &start.id) else {
                    continue;
                };
                page_filter.push(" AND ").append(&seek);
                skip = offset - start.offset;
            }
            let page = Page {
                per_page: query.per_page,
                offset: skip,
                ids_first,
            };
            let statement = page_statement(model, &page_filter, &order, page, Some(org));
            let rows = db
                .query_all_raw(statement.statement())
                .await
                .map_err(db_error)?;
            let Some(seen) = rows.first().map(counted_in).transpose()?.flatten() else {
                continue;
            };
            if start.as_ref().is_some_and(|s| s.version != seen.version) {
                continue;
            }
            let matching = match (&key, cached) {
                (None, _) => seen.live,
                (Some(_), Some(c)) if c.version == seen.version => c.matching,
                (Some(key), _) => {
                    let matching = counts::count_all(db, model, &filter)
                        .await
                        .map_err(db_error)?;
                    counts.put(key.clone(), counts::Counted { matching, ..seen });
                    matching
                }
            };
            let rows = decode_rows(model, &rows)?;
            if let Some(key) = starts_key {
                counts.note_starts(key, seen.version, &page_ends(model, offset, &rows));
            }
            return Ok((rows, matching));
        }
    }
    let totals = counts::total(db, counts, model, org, &filter, filtered)
        .await
        .map_err(db_error)?;
    let total = totals.matching;
    if offset >= total {
        return Ok((Vec::new(), total));
    }
    let scanning = totals
        .live
        .is_some_and(|live| scans_in_order(query, offset, live, total));
    let (page_filter, ids_first) = page_filter(backend, model, org, &filter, query, scanning);
    let page = Page {
        per_page: query.per_page,
        offset,
        ids_first,
    };
    let statement = page_statement(model, &page_filter, &order, page, None);
    let rows = db
        .query_all_raw(statement.statement())
        .await
        .map_err(db_error)?;
    Ok((decode_rows(model, &rows)?, total))
}

/// True when a page of `query` can start at a row of an earlier page: every column of its
/// order is never NULL (a comparison with NULL would drop rows) and compares as stored (not
/// SQLite's numeric text, ordered through a cast).
fn seekable(model: &ModelDescriptor, query: &ListQuery) -> bool {
    let id = model.id_column();
    matches!(
        id.kind,
        ColumnKind::Uuid
            | ColumnKind::Text
            | ColumnKind::Varchar(_)
            | ColumnKind::Integer
            | ColumnKind::Bigint
    ) && query.order.iter().all(|(column, _)| {
        !column.nullable && !matches!(column.kind, ColumnKind::Numeric(_) | ColumnKind::Json)
    })
}

/// `(<order columns>) <= (SELECT <order columns> FROM t WHERE id = :id)` (`>=` ascending):
/// the rows of the list from row `id` on, compared on the row's own stored values. A row
/// that is gone matches nothing (the comparison is NULL). `None` when `id` does not parse.
fn seek(
    model: &ModelDescriptor,
    query: &ListQuery,
    backend: DatabaseBackend,
    id: &str,
) -> Option<Sql> {
    let id_column = model.id_column();
    let id = super::value::parse_text(id_column, id).ok()?;
    let columns = query
        .order
        .iter()
        .map(|(column, _)| quote(column.name))
        .collect::<Vec<_>>()
        .join(", ");
    let descending = query.order.first().is_some_and(|(_, d)| *d);
    let mut sql = Sql::new(backend);
    sql.push("(")
        .push(&columns)
        .push(if descending {
            ") <= (SELECT "
        } else {
            ") >= (SELECT "
        })
        .push(&columns)
        .push(" FROM ")
        .ident(model.physical_table)
        .push(" WHERE ")
        .ident(id_column.name)
        .push(" = ")
        .bind(id.value)
        .push(")");
    Some(sql)
}

/// The id of the row `cells` of `model`, in its served form (`None` without an id cell).
pub(crate) fn id_label(model: &ModelDescriptor, cells: &Cells) -> Option<String> {
    let id = model.id_column().name;
    cells
        .iter()
        .find(|(name, _)| *name == id)
        .map(|(_, cell)| cell.label())
}

/// The first and last rows of a page at `offset` as (offset, id) to start later pages from.
fn page_ends(model: &ModelDescriptor, offset: u64, rows: &[Cells]) -> Vec<(u64, String)> {
    let id_of = |row: &Cells| id_label(model, row);
    let mut ends = Vec::new();
    if let Some(first) = rows.first().and_then(id_of) {
        ends.push((offset, first));
    }
    if let Some(last) = rows.last().filter(|_| rows.len() > 1).and_then(id_of) {
        ends.push((offset + rows.len() as u64 - 1, last));
    }
    ends
}

/// The organisation's live rows and row version a page read beside its rows (`None` when
/// the organisation has no count).
fn counted_in(row: &sea_orm::QueryResult) -> Result<Option<counts::Counted>, ApiError> {
    let live = row
        .try_get::<Option<i64>>("", LIVE_ROWS_COLUMN)
        .map_err(db_error)?;
    let version = row
        .try_get::<Option<i64>>("", VERSION_COLUMN)
        .map_err(db_error)?;
    Ok(live.zip(version).map(|(live, version)| counts::Counted {
        version,
        matching: 0,
        live: live.max(0) as u64,
    }))
}

/// How many rows of `model` in `org` match `query`'s condition (paging ignored): from the row
/// counts when unfiltered, else counted (and cached per row version).
pub async fn count(
    db: &impl ConnectionTrait,
    counts: &CountCache,
    model: &'static ModelDescriptor,
    org: Uuid,
    query: &ListQuery,
) -> Result<u64, ApiError> {
    let backend = db.get_database_backend();
    let filter = list_filter(backend, model, org, &query.condition);
    let totals = counts::total(db, counts, model, org, &filter, !query.condition.is_empty())
        .await
        .map_err(db_error)?;
    Ok(totals.matching)
}

/// `scoped` narrowed by a list's `condition` (when there is one).
pub(crate) fn list_filter(
    backend: DatabaseBackend,
    model: &ModelDescriptor,
    org: Uuid,
    condition: &Sql,
) -> Sql {
    let mut filter = Sql::new(backend);
    scoped(&mut filter, model, org);
    if !condition.is_empty() {
        filter.push(" AND (").append(condition).push(")");
    }
    filter
}

/// The extra column of a page that carries the organisation's live-row count.
const LIVE_ROWS_COLUMN: &str = "metacore_live_rows";
/// The extra column of a page that carries the organisation's row version.
const VERSION_COLUMN: &str = "metacore_row_version";

/// SQLite: the derived table of a page's rowids, and its column.
const PAGE: &str = "metacore_page";
const PAGE_ROWID: &str = "metacore_rowid";

/// Which page a statement reads.
#[derive(Debug, Clone, Copy)]
struct Page {
    per_page: u64,
    /// Rows skipped.
    offset: u64,
    /// Select the page's ids before its rows even when nothing is skipped: the filter reads
    /// an index alone (the search scan), which the rows' other columns would defeat.
    ids_first: bool,
}

/// The filter of a page of `query` and whether the page selects its ids first. With
/// `scanning` (common matches of an indexed search, [`scans_in_order`]), the search's scan
/// form: testing rows in the list's order finds the page sooner than collecting every
/// full-text match first. Otherwise `filter`, whose search is itself the scan form when
/// there is no other.
fn page_filter(
    backend: DatabaseBackend,
    model: &ModelDescriptor,
    org: Uuid,
    filter: &Sql,
    query: &ListQuery,
    scanning: bool,
) -> (Sql, bool) {
    match &query.scan_condition {
        Some(scan) if scanning => (list_filter(backend, model, org, scan), query.scans_index),
        Some(_) => (filter.clone(), false),
        None => (filter.clone(), query.scans_index),
    }
}

/// `SELECT <columns> FROM t WHERE id IN (SELECT id FROM t <filter> <order> LIMIT … OFFSET …)
/// <order>` (SQLite: `… FROM (SELECT rowid … LIMIT … OFFSET …) JOIN t ON t.rowid = …
/// <order>`) — or, for a first page without `ids_first`, `SELECT <columns> FROM t <filter>
/// <order> LIMIT …` — with the live-row count and row version of `count_of` as
/// [`LIVE_ROWS_COLUMN`] and [`VERSION_COLUMN`] when given.
fn page_statement(
    model: &ModelDescriptor,
    filter: &Sql,
    order: &Sql,
    page: Page,
    count_of: Option<Uuid>,
) -> Sql {
    let Page {
        per_page,
        offset,
        ids_first,
    } = page;
    let id = model.id_column().name;
    let mut select = Sql::new(filter.backend());
    select.push("SELECT ").push(&select_columns(model));
    if let Some(org) = count_of {
        for (column, alias) in [("live_rows", LIVE_ROWS_COLUMN), ("version", VERSION_COLUMN)] {
            select
                .push(", (SELECT ")
                .ident(column)
                .push(" FROM ")
                .ident(ROW_COUNTS_TABLE)
                .push(" WHERE \"table_name\" = ")
                .bind(model.physical_table)
                .push(" AND \"organization_id\" = ")
                .bind(org)
                .push(") AS ")
                .ident(alias);
        }
    }
    let table = model.physical_table;
    if offset == 0 && !ids_first {
        // The first page is the start of the index range itself: nothing to skip.
        select
            .push(" FROM ")
            .ident(table)
            .append(filter)
            .append(order)
            .limit(per_page);
        return select;
    }
    let skip = offset.min(i64::MAX as u64) as i64;
    if select.sqlite() {
        // The page's rowids, then their rows by rowid: cheaper than an `IN` list of ids,
        // which SQLite builds (with a Bloom filter) and probes through the id's index.
        select
            .push(" FROM (SELECT \"rowid\" AS ")
            .ident(PAGE_ROWID)
            .push(" FROM ")
            .ident(table)
            .append(filter)
            .append(order)
            .limit(per_page)
            .push(" OFFSET ")
            .bind(skip)
            .push(") AS ")
            .ident(PAGE)
            .push(" JOIN ")
            .ident(table)
            .push(" ON ")
            .ident(table)
            .push(".\"rowid\" = ")
            .ident(PAGE)
            .push(".")
            .ident(PAGE_ROWID)
            .append(order);
        return select;
    }
    select
        .push(" FROM ")
        .ident(table)
        .push(" WHERE ")
        .ident(id)
        .push(" IN (SELECT ")
        .ident(id)
        .push(" FROM ")
        .ident(model.physical_table)
        .append(filter)
        .append(order)
        .limit(per_page)
        .push(" OFFSET ")
        .bind(skip)
        .push(")")
        .append(order);
    select
}

fn decode_rows(
    model: &ModelDescriptor,
    rows: &[sea_orm::QueryResult],
) -> Result<Vec<Cells>, ApiError> {
    rows.iter()
        .map(|row| decode_row(model, row))
        .collect::<Result<_, _>>()
        .map_err(db_error)
}

/// Most rows a page may expect to test in the list's order instead of narrowing to the
/// full-text matches first.
const SCAN_BUDGET: u64 = 2_000;

/// True when reading the rows in the list's default order (an index range: `metacore-gen`'s
/// list index) and testing each is expected to reach the page within [`SCAN_BUDGET`] rows,
/// matches spreading evenly: `total` of `live` rows match, and the page ends
/// `offset + per_page` matches in.
fn scans_in_order(query: &ListQuery, offset: u64, live: u64, total: u64) -> bool {
    let indexed_order = query
        .order
        .first()
        .is_some_and(|(column, _)| matches!(column.role, ColumnRole::CreatedAt | ColumnRole::Id));
    let expected = offset.saturating_add(query.per_page).saturating_mul(live) / total.max(1);
    indexed_order && expected <= SCAN_BUDGET
}

/// The row `id` in the organisation, if visible.
pub async fn get(
    db: &impl ConnectionTrait,
    model: &'static ModelDescriptor,
    org: Uuid,
    id: Uuid,
) -> Result<Option<Cells>, ApiError> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push("SELECT ")
        .push(&select_columns(model))
        .push(" FROM ")
        .ident(model.physical_table);
    scoped_row(&mut sql, model, org, id);
    match db.query_one_raw(sql.statement()).await.map_err(db_error)? {
        Some(row) => Ok(Some(decode_row(model, &row).map_err(db_error)?)),
        None => Ok(None),
    }
}

fn record_not_found() -> ApiError {
    ApiError::not_found("record_not_found", "record not found")
}

/// Keys of a write body the server owns: ignored when sent.
fn server_managed(column: &ColumnDescriptor) -> bool {
    column.generated
        || matches!(
            column.role,
            ColumnRole::CreatedAt
                | ColumnRole::UpdatedAt
                | ColumnRole::DeletedAt
                | ColumnRole::CreatedBy
                | ColumnRole::UpdatedBy
        )
}

fn empty_text(cell: &Cell) -> bool {
    matches!(cell, Cell::Text(t) if t.trim().is_empty())
}

/// Collected field errors.
#[derive(Default)]
struct Problems(BTreeMap<String, Vec<FieldError>>);

impl Problems {
    fn add(&mut self, field: &str, error: FieldError) {
        self.0.entry(field.to_string()).or_default().push(error);
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn into_result(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.0))
        }
    }
}

/// Runs the model's Rust rule over `row` with `values` applied: its violations become field
/// errors, and the data columns it set are parsed like client input into `values`.
fn apply_rule(
    rule: RowRule,
    model: &'static ModelDescriptor,
    mut row: Map<String, Value>,
    values: &mut Vec<(&'static ColumnDescriptor, Parsed)>,
    problems: &mut Problems,
) {
    for (column, parsed) in values.iter() {
        row.insert(column.name.to_string(), parsed.cell.to_json());
    }
    let seen = row.clone();
    if let Err(violations) = rule(&mut row) {
        for violation in violations {
            problems.add(
                violation.field,
                FieldError::new(violation.code).with("message", violation.message),
            );
        }
        return;
    }
    for (key, value) in row {
        if seen.get(&key) == Some(&value) {
            continue;
        }
        let Some(column) = model
            .column(&key)
            .filter(|c| c.role == ColumnRole::Data && !c.generated)
        else {
            problems.add(&key, FieldError::new("not_writable"));
            continue;
        };
        match parse_json(column, &value) {
            Ok(parsed) => {
                values.retain(|(c, _)| c.name != column.name);
                values.push((column, parsed));
            }
            Err(error) => problems.add(&key, error),
        }
    }
}

/// The references among `values` to check: each column naming a model of `addon`, with the
/// id its value names (values that are not UUIDs have failed validation already).
pub(crate) fn references<'v>(
    addon: &AddonDescriptor,
    values: &'v [(&'static ColumnDescriptor, Parsed)],
) -> impl Iterator<Item = (&'static ColumnDescriptor, &'static ModelDescriptor, Uuid)> + 'v {
    let models = addon.models;
    values.iter().filter_map(move |(column, parsed)| {
        let (Some(target_route), Cell::Text(text)) = (column.reference, &parsed.cell) else {
            return None;
        };
        let target = models.iter().find(|m| m.route == target_route)?;
        Some((*column, target, Uuid::parse_str(text).ok()?))
    })
}

/// Checks that every reference value names a visible row of its target (`not_found`).
async fn check_references(
    db: &impl ConnectionTrait,
    addon: &AddonDescriptor,
    org: Uuid,
    values: &[(&'static ColumnDescriptor, Parsed)],
    problems: &mut Problems,
) -> Result<(), ApiError> {
    for (column, target, id) in references(addon, values) {
        if get(db, target, org, id).await?.is_none() {
            problems.add(
                column.name,
                FieldError::new("not_found").with("ref", target.route),
            );
        }
    }
    Ok(())
}

/// Appends `EXISTS (<row id of target in org, not deleted>)` to `sql`: what
/// [`check_references`] asks of each reference, as a condition.
pub(crate) fn reference_exists(sql: &mut Sql, target: &ModelDescriptor, org: Uuid, id: Uuid) {
    sql.push("EXISTS (SELECT 1 FROM ")
        .ident(target.physical_table);
    scoped_row(sql, target, org, id);
    sql.push(")");
}

/// Inserts a row from `body`; returns it as stored.
pub async fn create(
    db: &impl ConnectionTrait,
    addon: &AddonDescriptor,
    model: &'static ModelDescriptor,
    scope: Scope,
    body: &Map<String, Value>,
) -> Result<Cells, ApiError> {
    let values = create_values(db, addon, model, scope, body, true).await?;
    let mut sql = Sql::new(db.get_database_backend());
    insert_into(&mut sql, model, values, false);
    sql.push(" RETURNING ").push(&select_columns(model));
    let row = db
        .query_one_raw(sql.statement())
        .await
        .map_err(|e| write_error(model, e))?
        .ok_or_else(|| ApiError::internal("an insert returned no row"))?;
    decode_row(model, &row).map_err(db_error)
}

/// The columns and values a create of `body` inserts, the row's id among them: validated
/// field by field (one 422 with every error). With `references_here`, its references are
/// checked too (`check_references`); without, only when another field failed (so that the
/// 422 lists every error), and the caller checks them in its insert ([`reference_exists`]).
pub(crate) async fn create_values(
    db: &impl ConnectionTrait,
    addon: &AddonDescriptor,
    model: &'static ModelDescriptor,
    scope: Scope,
    body: &Map<String, Value>,
    references_here: bool,
) -> Result<Vec<(&'static ColumnDescriptor, Parsed)>, ApiError> {
    let now = Utc::now();
    let mut problems = Problems::default();
    let mut values: Vec<(&'static ColumnDescriptor, Parsed)> = Vec::new();
    let mut id = Uuid::new_v4();
    for column in model.columns {
        let sent = body.get(column.name);
        match column.role {
            ColumnRole::Id => match sent.filter(|v| !v.is_null() && *v != "") {
                Some(Value::String(text)) => match Uuid::parse_str(text) {
                    Ok(given) => id = given,
                    Err(_) => problems.add(column.name, FieldError::new("uuid")),
                },
                Some(_) => problems.add(column.name, FieldError::new("uuid")),
                None => {}
            },
            ColumnRole::Tenancy => {
                let same = match sent {
                    None | Some(Value::Null) => true,
                    Some(Value::String(text)) => Uuid::parse_str(text).ok() == Some(scope.org),
                    Some(_) => false,
                };
                if !same {
                    problems.add(column.name, FieldError::new("immutable"));
                }
                values.push((column, Parsed::uuid(scope.org)));
            }
            ColumnRole::CreatedAt | ColumnRole::UpdatedAt => {
                values.push((column, Parsed::timestamp(column.kind, now)));
            }
            ColumnRole::CreatedBy | ColumnRole::UpdatedBy => {
                values.push((column, Parsed::uuid(scope.user)));
            }
            ColumnRole::DeletedAt => {}
            ColumnRole::Data if column.generated => {}
            ColumnRole::Data => match sent {
                None if required_on_create(column) => {
                    problems.add(column.name, FieldError::new("required"))
                }
                None => {}
                Some(input) => match parse_json(column, input) {
                    Ok(parsed) => {
                        let missing = parsed.cell == Cell::Null || empty_text(&parsed.cell);
                        if missing && required_on_create(column) {
                            problems.add(column.name, FieldError::new("required"));
                        } else if parsed.cell == Cell::Null && !column.nullable {
                            // Not required (it has a default): leave it to the database.
                        } else {
                            values.push((column, parsed));
                        }
                    }
                    Err(error) => problems.add(column.name, error),
                },
            },
        }
    }
    if let (Some(rule), true) = (model.rule, problems.is_empty()) {
        let mut row = Map::new();
        row.insert(model.id_column().name.into(), Value::String(id.to_string()));
        apply_rule(rule, model, row, &mut values, &mut problems);
    }
    if references_here || !problems.is_empty() {
        check_references(db, addon, scope.org, &values, &mut problems).await?;
    }
    problems.into_result()?;
    values.push((model.id_column(), Parsed::uuid(id)));
    Ok(values)
}

/// Appends `INSERT INTO <table> (<columns>) VALUES (<values>)` to `sql`; with `select`,
/// the values are a `SELECT` list instead, for the caller to follow with a `WHERE`.
pub(crate) fn insert_into(
    sql: &mut Sql,
    model: &ModelDescriptor,
    values: Vec<(&'static ColumnDescriptor, Parsed)>,
    select: bool,
) {
    sql.push("INSERT INTO ")
        .ident(model.physical_table)
        .push(" (");
    for (i, (column, _)) in values.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.ident(column.name);
    }
    sql.push(if select { ") SELECT " } else { ") VALUES (" });
    for (i, (_, parsed)) in values.into_iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(parsed.value);
    }
    if !select {
        sql.push(")");
    }
}

/// Applies `body` to row `id`; returns (before, after), or `None` for `after` when nothing
/// changed (no write happened). With `if_match` (an `If-Match` value), the row's current
/// [`etag`] must equal it (or it must be `*`), else 412.
#[allow(clippy::too_many_arguments)]
pub async fn update(
    db: &impl ConnectionTrait,
    addon: &AddonDescriptor,
    model: &'static ModelDescriptor,
    scope: Scope,
    id: Uuid,
    body: &Map<String, Value>,
    if_match: Option<&str>,
) -> Result<(Cells, Option<Cells>), ApiError> {
    let before = get(db, model, scope.org, id)
        .await?
        .ok_or_else(record_not_found)?;
    if let Some(expected) = if_match {
        if expected != "*" && expected != etag(&before) {
            return Err(ApiError::new(
                poem::http::StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                "the record changed since it was read",
            ));
        }
    }
    let current = |name: &str| before.iter().find(|(c, _)| *c == name).map(|(_, v)| v);
    let mut problems = Problems::default();
    let mut changes: Vec<(&'static ColumnDescriptor, Parsed)> = Vec::new();
    for (key, input) in body {
        let Some(column) = model.column(key) else {
            continue;
        };
        if server_managed(column) {
            continue;
        }
        if matches!(column.role, ColumnRole::Id | ColumnRole::Tenancy) {
            let same = match input {
                Value::String(text) => {
                    Uuid::parse_str(text)
                        .ok()
                        .map(|u| Cell::Text(uuid_text(u)))
                        .as_ref()
                        == current(key)
                }
                _ => false,
            };
            if !same {
                problems.add(key, FieldError::new("immutable"));
            }
            continue;
        }
        match parse_json(column, input) {
            Ok(parsed) => {
                let missing = parsed.cell == Cell::Null
                    || (empty_text(&parsed.cell) && required_on_create(column));
                if missing && !column.nullable {
                    problems.add(key, FieldError::new("required"));
                } else if Some(&parsed.cell) != current(key) {
                    changes.push((column, parsed));
                }
            }
            Err(error) => problems.add(key, error),
        }
    }
    if let (Some(rule), true) = (model.rule, problems.is_empty()) {
        let row = before
            .iter()
            .map(|(name, cell)| (name.to_string(), cell.to_json()))
            .collect();
        apply_rule(rule, model, row, &mut changes, &mut problems);
        // A computed value equal to the stored one is no change.
        changes.retain(|(column, parsed)| Some(&parsed.cell) != current(column.name));
    }
    check_references(db, addon, scope.org, &changes, &mut problems).await?;
    problems.into_result()?;
    if changes.is_empty() {
        return Ok((before, None));
    }
    let now = Utc::now();
    for column in model.columns {
        match column.role {
            ColumnRole::UpdatedAt => changes.push((column, Parsed::timestamp(column.kind, now))),
            ColumnRole::UpdatedBy => changes.push((column, Parsed::uuid(scope.user))),
            _ => {}
        }
    }
    let mut sql = Sql::new(db.get_database_backend());
    sql.push("UPDATE ")
        .ident(model.physical_table)
        .push(" SET ");
    for (i, (column, parsed)) in changes.into_iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.ident(column.name).push(" = ").bind(parsed.value);
    }
    scoped_row(&mut sql, model, scope.org, id);
    sql.push(" RETURNING ").push(&select_columns(model));
    let row = db
        .query_one_raw(sql.statement())
        .await
        .map_err(|e| write_error(model, e))?
        .ok_or_else(record_not_found)?;
    let after = decode_row(model, &row).map_err(db_error)?;
    Ok((before, Some(after)))
}

/// Deletes (or soft-deletes) row `id`; returns it as it was.
pub async fn delete(
    db: &impl ConnectionTrait,
    model: &'static ModelDescriptor,
    scope: Scope,
    id: Uuid,
) -> Result<Cells, ApiError> {
    let before = get(db, model, scope.org, id)
        .await?
        .ok_or_else(record_not_found)?;
    let mut sql = Sql::new(db.get_database_backend());
    match model.column_with(ColumnRole::DeletedAt) {
        Some(deleted) => {
            sql.push("UPDATE ")
                .ident(model.physical_table)
                .push(" SET ")
                .ident(deleted.name)
                .push(" = ")
                .bind(Parsed::timestamp(deleted.kind, Utc::now()).value);
        }
        None => {
            sql.push("DELETE FROM ").ident(model.physical_table);
        }
    }
    scoped_row(&mut sql, model, scope.org, id);
    let result = db
        .execute_raw(sql.statement())
        .await
        .map_err(|e| write_error(model, e))?;
    if result.rows_affected() == 0 {
        return Err(record_not_found());
    }
    Ok(before)
}

/// A failed write: unique violations are 409 `duplicate`, a referenced row is 409 `in_use`,
/// a value the column cannot take 422 `validation_failed` — anything else is a server fault.
pub(crate) fn write_error(model: &ModelDescriptor, error: DbErr) -> ApiError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(message)) => {
            ApiError::duplicate(&duplicate_columns(model, &message))
        }
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => ApiError::new(
            poem::http::StatusCode::CONFLICT,
            "in_use",
            "the record is referenced by other rows",
        ),
        _ => ApiError::from_db(error, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
    }
}

/// The columns of the unique index a violation message names (tenancy column excluded).
fn duplicate_columns(model: &ModelDescriptor, message: &str) -> Vec<&'static str> {
    let tenancy = model.tenancy_column;
    let without_tenancy = |set: &[&'static str]| -> Vec<&'static str> {
        set.iter()
            .copied()
            .filter(|c| Some(*c) != tenancy)
            .collect()
    };
    let mentioned = |name: &str| {
        message.contains(&format!(".{name}"))
            || message.contains(&format!("_{name}"))
            || message.contains(&format!("({name}"))
            || message.contains(&format!("\"{name}\""))
    };
    let mut best: Option<Vec<&'static str>> = None;
    for set in model.unique {
        let columns = without_tenancy(set);
        let matches = !columns.is_empty() && columns.iter().all(|c| mentioned(c));
        if matches && best.as_ref().is_none_or(|b| b.len() < columns.len()) {
            best = Some(columns);
        }
    }
    best.unwrap_or_else(|| vec![model.id_column().name])
}

/// The `ETag` of a row, `"<hex>"`: a hash of the row's served values.
pub fn etag(cells: &Cells) -> String {
    etag_of(&serde_json::to_vec(&Row::<()>::new(cells.clone())).unwrap_or_default())
}

/// The [`etag`] of a row already serialised as served.
pub fn etag_of(served: &[u8]) -> String {
    let hash = metacore_core::fnv::fnv1a(served);
    format!("\"{hash:016x}\"")
}
