//! List parameters (`http-api.md` §3): paging, sorting, search and `f_<column>` filters,
//! parsed strictly — an unknown filter or sort column is a 400, never silently ignored —
//! and turned into SQL conditions over the model's own columns.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::error::ApiError;
use super::sql::{contains_pattern, quote, Sql};
use super::value::{parse_text, supported_date, Parsed};
use crate::registry::{ColumnDescriptor, ColumnKind, ColumnRole, ModelDescriptor};
use metacore_core::storage::{
    search_table, sqlite_search_document, SEARCH_DOCUMENT_COLUMN, SEARCH_DOCUMENT_SEPARATOR,
};

/// Largest page size; bigger requests are clamped (kernel behaviour).
pub const MAX_PER_PAGE: u64 = 200;
/// Longest search text used.
const MAX_SEARCH_CHARS: usize = 100;

/// A parsed list request.
#[derive(Debug)]
pub struct ListQuery {
    /// 1-based page.
    pub page: u64,
    /// Rows per page (after clamping).
    pub per_page: u64,
    /// `ORDER BY` columns with direction (`true` = descending), `id` last.
    pub order: Vec<(&'static ColumnDescriptor, bool)>,
    /// The filter and search condition (empty: none).
    pub condition: Sql,
    /// The same condition without the full-text narrowing of the search, when there is one:
    /// when matches are common, reading the list's index in order and testing each row finds
    /// a page sooner than collecting every match first (see [`super::store::list`]).
    pub scan_condition: Option<Sql>,
    /// The search in the condition a page in list order tests (`scan_condition` when there is
    /// one, else `condition`) reads the model's search scan index alone (SQLite,
    /// [`ModelDescriptor::search_scan`]): such a page selects the ids there first, then its
    /// rows.
    pub scans_index: bool,
}

/// The list parameters an operation declares (the typed part of the query string).
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    /// `page`.
    pub page: Option<u64>,
    /// `per_page`.
    pub per_page: Option<u64>,
    /// `sortBy`.
    pub sort_by: Option<String>,
    /// `order`.
    pub order: Option<String>,
    /// `search`.
    pub search: Option<String>,
}

/// Parses a list of `model`: the declared `params`, and the `f_<column>` filters and
/// `search_columns` among the query `pairs`.
pub fn parse_list(
    model: &'static ModelDescriptor,
    params: &ListParams,
    pairs: &[(String, String)],
    backend: sea_orm::DatabaseBackend,
) -> Result<ListQuery, ApiError> {
    let single = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let positive = |name: &str, value: Option<u64>, default: u64| -> Result<u64, ApiError> {
        match value {
            None => Ok(default),
            Some(n) if n >= 1 => Ok(n),
            Some(_) => Err(ApiError::bad_request(
                "invalid_param",
                format!("`{name}` must be an integer of at least 1"),
            )),
        }
    };
    let page = positive("page", params.page, 1)?;
    let per_page = positive(
        "per_page",
        params.per_page,
        u64::from(model.default_per_page),
    )?
    .min(MAX_PER_PAGE);
    let order = parse_order(model, params.sort_by.as_deref(), params.order.as_deref())?;
    let mut condition = Sql::new(backend);
    let mut scan_condition = None;
    let mut scans_index = false;
    let mut filters: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (key, value) in pairs {
        if let Some(column) = key.strip_prefix("f_") {
            let column = column.strip_suffix("[]").unwrap_or(column);
            filters.entry(column).or_default().push(value);
        }
    }
    for (name, values) in filters {
        let column = model
            .column(name)
            .filter(|c| filterable(c))
            .ok_or_else(|| {
                ApiError::bad_request("invalid_filter", format!("unknown filter column `{name}`"))
            })?;
        if let Some(sql) = filter(column, &values, backend)? {
            and(&mut condition, &sql);
        }
    }
    if let Some(search) = params.search.as_deref() {
        let columns = match single("search_columns").filter(|s| !s.trim().is_empty()) {
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(|c| {
                    model
                        .column(c)
                        .filter(|col| searchable(col))
                        .map(|col| col.name)
                        .ok_or_else(|| {
                            ApiError::bad_request(
                                "invalid_param",
                                format!("`{c}` is not a searchable column"),
                            )
                        })
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => model.search_columns.to_vec(),
        };
        if let Some(search) = search_condition(model, &columns, search, backend) {
            if let Some(unindexed) = &search.unindexed {
                let mut scan = condition.clone();
                and(&mut scan, unindexed);
                scan_condition = Some(scan);
            }
            scans_index = search.scans_index;
            and(&mut condition, &search.condition);
        }
    }
    Ok(ListQuery {
        page,
        per_page,
        order,
        condition,
        scan_condition,
        scans_index,
    })
}

fn searchable(column: &ColumnDescriptor) -> bool {
    matches!(column.kind, ColumnKind::Text | ColumnKind::Varchar(_))
}

fn and(condition: &mut Sql, sql: &Sql) {
    if !condition.is_empty() {
        condition.push(" AND ");
    }
    condition.push("(").append(sql).push(")");
}

fn parse_order(
    model: &'static ModelDescriptor,
    sort_by: Option<&str>,
    order: Option<&str>,
) -> Result<Vec<(&'static ColumnDescriptor, bool)>, ApiError> {
    // Exactly what the spec's patterns admit: no surrounding whitespace.
    let descending = match order.map(|o| o.to_ascii_lowercase()) {
        None => None,
        Some(o) if o.is_empty() => None,
        Some(o) if o == "asc" => Some(false),
        Some(o) if o == "desc" => Some(true),
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_param",
                "`order` must be `asc` or `desc`",
            ))
        }
    };
    let id = model.id_column();
    let sort_by = sort_by.filter(|s| !s.is_empty());
    let (column, descending) = match sort_by {
        Some(name) => {
            let column = model.column(name).filter(|c| scalar(c)).ok_or_else(|| {
                ApiError::bad_request("invalid_sort", format!("cannot sort by `{name}`"))
            })?;
            (column, descending.unwrap_or(true))
        }
        None => match model.column_with(ColumnRole::CreatedAt) {
            Some(created) => (created, descending.unwrap_or(true)),
            None => (id, descending.unwrap_or(false)),
        },
    };
    let mut out = vec![(column, descending)];
    if column.name != id.name {
        out.push((id, descending));
    }
    Ok(out)
}

const OPERATORS: [&str; 13] = [
    "eq", "neq", "in", "nin", "ilike", "gt", "gte", "lt", "lte", "range", "has", "null", "like",
];

fn invalid(column: &ColumnDescriptor, operand: &str) -> ApiError {
    ApiError::bad_request(
        "invalid_filter",
        format!("`{operand}` is not a valid value for `{}`", column.name),
    )
}

fn operand(column: &ColumnDescriptor, text: &str) -> Result<Parsed, ApiError> {
    parse_text(column, text).map_err(|_| invalid(column, text))
}

/// Column reference for comparisons: numeric text on SQLite compares as a number.
pub fn compared(column: &ColumnDescriptor, sql: &mut Sql) {
    if sql.sqlite() && matches!(column.kind, ColumnKind::Numeric(_)) {
        sql.push("CAST(").ident(column.name).push(" AS REAL)");
    } else {
        sql.ident(column.name);
    }
}

fn bind_compared(column: &ColumnDescriptor, sql: &mut Sql, parsed: Parsed) {
    if sql.sqlite() && matches!(column.kind, ColumnKind::Numeric(_)) {
        sql.push("CAST(").bind(parsed.value).push(" AS REAL)");
    } else {
        sql.bind(parsed.value);
    }
}

/// A column `f_<column>` may filter on: any but `deleted_at` (soft-deleted rows are never
/// listed).
pub(crate) fn filterable(column: &ColumnDescriptor) -> bool {
    column.role != ColumnRole::DeletedAt
}

/// A column a list sorts by and facets count: a filterable one that is not JSON (documents
/// have no order).
pub(crate) fn scalar(column: &ColumnDescriptor) -> bool {
    filterable(column) && column.kind != ColumnKind::Json
}

/// The condition of `f_<column>` with `values` (several plain values: `in`).
fn filter(
    column: &ColumnDescriptor,
    values: &[&str],
    backend: sea_orm::DatabaseBackend,
) -> Result<Option<Sql>, ApiError> {
    let split = |value: &str| -> (Option<String>, String) {
        match value.split_once(':') {
            Some((op, rest)) if OPERATORS.contains(&op.to_ascii_lowercase().as_str()) => {
                (Some(op.to_ascii_lowercase()), rest.to_string())
            }
            _ => (None, value.to_string()),
        }
    };
    if values.len() > 1 {
        if column.kind == ColumnKind::Json || values.iter().any(|v| split(v).0.is_some()) {
            return Err(ApiError::bad_request(
                "invalid_filter",
                format!("`f_{}` repeats with an operator", column.name),
            ));
        }
        let joined = values
            .iter()
            .map(|v| v.trim())
            .collect::<Vec<_>>()
            .join(",");
        return list_condition(column, &joined, false, backend);
    }
    let (op, rest) = split(values[0]);
    // A JSON document compares with nothing but `has` and `null` (PostgreSQL has no `json =
    // json`; ordering documents means nothing).
    if column.kind == ColumnKind::Json && !matches!(op.as_deref(), Some("has") | Some("null")) {
        return Err(invalid(column, values[0]));
    }
    let mut sql = Sql::new(backend);
    if rest.trim().is_empty() && op.as_deref() != Some("range") {
        return Ok(None);
    }
    match op.as_deref() {
        None => {
            if let Some(range) = day_range(column, rest.trim(), backend)? {
                return Ok(Some(range));
            }
            compare(column, &mut sql, "=", &rest)?;
        }
        Some("eq") => compare(column, &mut sql, "=", &rest)?,
        Some("neq") => compare(column, &mut sql, "<>", &rest)?,
        Some("gt") => compare(column, &mut sql, ">", &rest)?,
        Some("gte") => compare(column, &mut sql, ">=", &rest)?,
        Some("lt") => compare(column, &mut sql, "<", &rest)?,
        Some("lte") => compare(column, &mut sql, "<=", &rest)?,
        Some("in") => return list_condition(column, &rest, false, backend),
        Some("nin") => return list_condition(column, &rest, true, backend),
        Some("ilike") | Some("like") => {
            if !searchable(column) {
                return Err(invalid(column, values[0]));
            }
            like(&mut sql, column.name, &rest);
        }
        Some("null") => match rest.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => {
                sql.ident(column.name).push(" IS NULL");
            }
            "false" | "0" | "no" => {
                sql.ident(column.name).push(" IS NOT NULL");
            }
            _ => return Err(invalid(column, values[0])),
        },
        Some("has") => {
            if column.kind != ColumnKind::Json {
                return Err(invalid(column, values[0]));
            }
            let item = serde_json::from_str::<serde_json::Value>(&rest)
                .unwrap_or_else(|_| serde_json::Value::String(rest.clone()));
            if sql.sqlite() {
                sql.push("EXISTS (SELECT 1 FROM json_each(")
                    .ident(column.name)
                    .push(") WHERE json_each.value = ")
                    .bind(match &item {
                        serde_json::Value::String(s) => sea_orm::Value::from(s.clone()),
                        other => sea_orm::Value::from(other.to_string()),
                    })
                    .push(")");
            } else {
                sql.push("CAST(")
                    .ident(column.name)
                    .push(" AS jsonb) @> CAST(")
                    .bind(serde_json::Value::Array(vec![item]).to_string())
                    .push(" AS jsonb)");
            }
        }
        Some(_) => {
            let (low, high) = match rest.split_once('|').or_else(|| rest.split_once(',')) {
                Some((low, high)) => (low.trim(), high.trim()),
                None => (rest.trim(), ""),
            };
            match (low.is_empty(), high.is_empty()) {
                (true, true) => return Ok(None),
                (false, true) => compare(column, &mut sql, ">=", low)?,
                (true, false) => compare(column, &mut sql, "<=", high)?,
                (false, false) => {
                    compare(column, &mut sql, ">=", low)?;
                    sql.push(" AND ");
                    compare(column, &mut sql, "<=", high)?;
                }
            }
        }
    }
    Ok(Some(sql))
}

fn compare(column: &ColumnDescriptor, sql: &mut Sql, op: &str, text: &str) -> Result<(), ApiError> {
    let parsed = operand(column, text)?;
    compared(column, sql);
    sql.push(" ").push(op).push(" ");
    bind_compared(column, sql, parsed);
    Ok(())
}

fn list_condition(
    column: &ColumnDescriptor,
    list: &str,
    negated: bool,
    backend: sea_orm::DatabaseBackend,
) -> Result<Option<Sql>, ApiError> {
    let items: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if items.is_empty() {
        return Ok(None);
    }
    let mut sql = Sql::new(backend);
    compared(column, &mut sql);
    sql.push(if negated { " NOT IN (" } else { " IN (" });
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        let parsed = operand(column, item)?;
        bind_compared(column, &mut sql, parsed);
    }
    sql.push(")");
    Ok(Some(sql))
}

/// `YYYY-MM-DD_YYYY-MM-DD` on date/timestamp columns, or `YYYY-MM-DD` on a timestamp
/// column: whole UTC days.
fn day_range(
    column: &ColumnDescriptor,
    text: &str,
    backend: sea_orm::DatabaseBackend,
) -> Result<Option<Sql>, ApiError> {
    let is_time = matches!(column.kind, ColumnKind::Timestamp | ColumnKind::Timestamptz);
    if !is_time && column.kind != ColumnKind::Date {
        return Ok(None);
    }
    let day = |s: &str| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .filter(|d| supported_date(*d))
    };
    let (start, end) = match text.split_once('_') {
        Some((a, b)) => match (day(a), day(b)) {
            (Some(a), Some(b)) => (a, b),
            _ => return Err(invalid(column, text)),
        },
        None if is_time && text.len() == 10 => match day(text) {
            Some(d) => (d, d),
            None => return Err(invalid(column, text)),
        },
        None => return Ok(None),
    };
    let bound =
        |d: NaiveDate| Parsed::timestamp(column.kind, d.and_time(chrono::NaiveTime::MIN).and_utc());
    let mut sql = Sql::new(backend);
    sql.ident(column.name).push(" >= ").bind(bound(start).value);
    // The day after the last one, unless that leaves the supported years (9999-12-31).
    if let Some(after) = end.succ_opt().filter(|d| supported_date(*d)) {
        sql.push(" AND ")
            .ident(column.name)
            .push(" < ")
            .bind(bound(after).value);
    }
    Ok(Some(sql))
}

/// Case-insensitive substring match of `text` on `column`, wildcards escaped.
///
/// SQLite's `LIKE` folds the case of ASCII letters and of nothing else — exactly what its
/// `lower` folds (SQLite is built without ICU) — so the plain `LIKE` matches as
/// `lower(column) LIKE lower(pattern)` would, without two lowered copies per tested value.
pub fn like(sql: &mut Sql, column: &str, text: &str) {
    let pattern = contains_pattern(text);
    if sql.sqlite() {
        sql.ident(column)
            .push(" LIKE ")
            .bind(pattern)
            .push(" ESCAPE '\\'");
    } else {
        sql.ident(column)
            .push(" ILIKE ")
            .bind(pattern)
            .push(" ESCAPE '\\'");
    }
}

/// [`like`] on a column of any kind: one that is not text matches on its text form (a cast
/// on PostgreSQL, where `ILIKE` takes text only; SQLite compares any value as text). Text
/// columns keep the plain form their `pg_trgm` indexes serve.
pub fn like_column(sql: &mut Sql, column: &ColumnDescriptor, text: &str) {
    if sql.sqlite() || matches!(column.kind, ColumnKind::Text | ColumnKind::Varchar(_)) {
        like(sql, column.name, text);
        return;
    }
    sql.push("CAST(")
        .ident(column.name)
        .push(" AS text) ILIKE ")
        .bind(contains_pattern(text))
        .push(" ESCAPE '\\'");
}

/// A list's search condition.
#[derive(Debug)]
pub struct SearchCondition {
    /// Any of the columns contains the text.
    pub condition: Sql,
    /// The same test for rows read in list order, when `condition` may be answered through
    /// a full-text index instead (SQLite's FTS5 narrowing; PostgreSQL's trigram index).
    pub unindexed: Option<Sql>,
    /// `unindexed` (else `condition`) tests the search document the model's search scan
    /// index holds (SQLite).
    pub scans_index: bool,
}

/// The search condition: any of `columns` contains `search` (trimmed, at most 100 chars).
///
/// When `columns` are all the model's search columns and the text holds no
/// [`SEARCH_DOCUMENT_SEPARATOR`], one test of the search document answers what a test per
/// column answers:
///
/// * PostgreSQL: `document LIKE lower('%text%')` on the stored column
///   `metacore_core::storage::SEARCH_DOCUMENT_COLUMN` (`ILIKE` is `lower(a) LIKE lower(b)`),
///   whose `pg_trgm` index serves rare texts; tested row by row in list order (common
///   texts), `strpos(document, (SELECT lower(text))) > 0` answers the same at a third of the cost
///   ([`SearchCondition::unindexed`]);
/// * SQLite, when the migrations keep the search scan index
///   ([`ModelDescriptor::search_scan`]): `<document> LIKE '%text%'` over
///   `metacore_core::storage::sqlite_search_document`, which that index holds in list order.
///
/// Otherwise each column is tested (`ILIKE` / SQLite's `LIKE`). On SQLite, when the model's
/// full-text index covers `columns` and the text has at least three characters (a
/// trigram), the rows are first narrowed to the index's matches — a superset of the `LIKE`
/// matches, as the trigram tokenizer folds case at least as widely as `LIKE` — and the exact
/// test then decides as without the index; the exact test alone is
/// [`SearchCondition::unindexed`].
pub fn search_condition(
    model: &ModelDescriptor,
    columns: &[&str],
    search: &str,
    backend: sea_orm::DatabaseBackend,
) -> Option<SearchCondition> {
    let text: String = search.trim().chars().take(MAX_SEARCH_CHARS).collect();
    if text.is_empty() || columns.is_empty() {
        return None;
    }
    let indexed = columns.iter().all(|c| model.search_index.contains(c));
    let sqlite = backend == sea_orm::DatabaseBackend::Sqlite;
    let whole_document = indexed
        && model.search_index.iter().all(|c| columns.contains(c))
        && !text.contains(SEARCH_DOCUMENT_SEPARATOR);
    if !sqlite && whole_document && model.search_document {
        return Some(SearchCondition {
            condition: document_condition(&text, backend),
            unindexed: Some(document_scan(&text, backend)),
            scans_index: false,
        });
    }
    let scans_index = sqlite && whole_document && model.search_scan;
    let mut exact = Sql::new(backend);
    if scans_index {
        exact
            .push(&sqlite_search_document(model.search_index))
            .push(" LIKE ")
            .bind(contains_pattern(&text))
            .push(" ESCAPE '\\'");
    } else {
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                exact.push(" OR ");
            }
            like(&mut exact, column, &text);
        }
    }
    if !(sqlite && indexed && text.chars().count() >= 3) {
        return Some(SearchCondition {
            condition: exact,
            unindexed: None,
            scans_index,
        });
    }
    let fts = quote(&search_table(model.physical_table));
    let mut narrowed = Sql::new(backend);
    narrowed
        .push("\"rowid\" IN (SELECT \"rowid\" FROM ")
        .push(&fts)
        .push(" WHERE ")
        .push(&fts)
        .push(" MATCH ")
        .bind(format!("\"{}\"", text.replace('"', "\"\"")))
        .push(") AND (")
        .append(&exact)
        .push(")");
    Some(SearchCondition {
        condition: narrowed,
        unindexed: Some(exact),
        scans_index,
    })
}

/// PostgreSQL: the search document contains `text`, tested row by row (see
/// [`search_condition`]): `strpos` finds a substring several times faster than `LIKE`
/// matches a pattern (75 against 200 ns on a 130-byte document), and no index serves it,
/// so PostgreSQL walks the list order's index whatever the text. The text is a parameter:
/// every plan of the statement is that walk. It is lowered in an uncorrelated subquery,
/// which PostgreSQL evaluates once per statement: a generic plan cannot fold `lower($n)`
/// and lowered the text again for every row tested (171 against 140 µs a page at 100,000
/// rows, pgbench).
fn document_scan(text: &str, backend: sea_orm::DatabaseBackend) -> Sql {
    let mut scan = Sql::new(backend);
    scan.push("strpos(")
        .ident(SEARCH_DOCUMENT_COLUMN)
        .push(", (SELECT lower(")
        .bind(text.to_string())
        .push("))) > 0");
    scan
}

/// PostgreSQL: the search document contains `text` (see [`search_condition`]).
///
/// The pattern is written into the statement, so that PostgreSQL plans each search for its
/// text: planned without it (the generic plan of a prepared statement), a common text walked
/// every match through the trigram index and sorted them, 8× slower at 100,000 rows than the
/// list order's index.
fn document_condition(text: &str, backend: sea_orm::DatabaseBackend) -> Sql {
    let pattern = contains_pattern(text);
    let mut document = Sql::new(backend);
    document.ident(SEARCH_DOCUMENT_COLUMN).push(" LIKE lower(");
    if text.contains('\0') {
        // Refused by PostgreSQL either way; as a parameter, with the usual error.
        document.bind(pattern);
    } else {
        document.literal(&pattern);
    }
    document.push(") ESCAPE '\\'");
    document
}
