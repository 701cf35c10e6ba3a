//! `GET /api/data/{model}/export` (§5.5) and `/export/template` (§5.6).
//!
//! An export counts the matching rows first (more than `METACORE_EXPORT_MAX_ROWS`, default
//! 100 000, is 422 `export_too_large` and nothing is sent), then reads them page by page in
//! the list's order. CSV and JSON are streamed as the pages are read: memory stays one page
//! whatever the size. CSV is RFC 4180 with CRLF line ends; a text cell that a spreadsheet
//! would read as a formula (`=`, `+`, `-`, `@`, TAB, CR first) gets a leading `'`. XLSX
//! ([`super::xlsx`]) is written row by row to a temporary file and sent once complete (a ZIP
//! archive's directory comes last), so a failure can still answer with an error.

use std::collections::BTreeMap;

use bytes::Bytes;
use futures_util::stream::{self, StreamExt};
use poem::http::StatusCode;
use poem::Body;
use serde_json::{json, Value};
use uuid::Uuid;

use super::xlsx::{Sheet, XLSX};
use super::{import_spec, File, FileAnswer, CSV, JSON_EXPORT};
use crate::api::error::ApiError;
use crate::api::handlers::admit;
use crate::api::query::{parse_list, ListParams, ListQuery};
use crate::api::request::query_pairs;
use crate::api::schema::{served_columns, table_metadata, ModelSchema};
use crate::api::state::{ApiState, Call};
use crate::api::store;
use crate::api::value::Cell;
use crate::registry::{ColumnDescriptor, ColumnRole, ModelDescriptor};

/// Rows read per statement while streaming.
const CHUNK: u64 = 500;

/// The default of `METACORE_EXPORT_MAX_ROWS`.
pub const DEFAULT_MAX_ROWS: u64 = 100_000;

/// The declared parameters of an export (list filters `f_<column>` come from the query).
#[derive(Debug, Clone, Default)]
pub struct ExportParams {
    /// `csv` (default), `json` or `xlsx`.
    pub format: Option<String>,
    /// Comma-separated column names.
    pub columns: Option<String>,
    /// `search`.
    pub search: Option<String>,
    /// `sortBy`.
    pub sort_by: Option<String>,
    /// `order`.
    pub order: Option<String>,
}

/// The most rows an export may hold (`METACORE_EXPORT_MAX_ROWS`).
fn max_rows() -> u64 {
    std::env::var("METACORE_EXPORT_MAX_ROWS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_MAX_ROWS)
}

/// `GET /api/data/{model}/export`.
pub async fn export<M: ModelSchema>(call: Call<'_>, params: ExportParams) -> FileAnswer {
    exported::<M>(call, params).await.into()
}

async fn exported<M: ModelSchema>(call: Call<'_>, params: ExportParams) -> Result<File, ApiError> {
    let Call { state, request } = call;
    let scope = admit::<M>(state, request, "export").await?;
    let model = M::model();
    let kind = match params.format.as_deref().map(str::trim) {
        None | Some("") => Kind::Csv,
        Some(f) if f.eq_ignore_ascii_case("csv") => Kind::Csv,
        Some(f) if f.eq_ignore_ascii_case("json") => Kind::Json,
        Some(f) if f.eq_ignore_ascii_case("xlsx") => Kind::Xlsx,
        Some(other) => {
            return Err(ApiError::bad_request(
                "invalid_param",
                format!("`format` must be csv, json or xlsx, not `{other}`"),
            ))
        }
    };
    let csv = kind == Kind::Csv;
    let columns = chosen_columns(model, params.columns.as_deref())?;
    // `column_labels` is read from the query: the operation declares the typed parameters
    // only (and stays within clippy's argument limit).
    let pairs = query_pairs(request);
    let labels = column_labels(
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == "column_labels")
            .map(|(_, v)| v.as_str()),
    )?;
    let list = ListParams {
        page: None,
        per_page: None,
        sort_by: params.sort_by,
        order: params.order,
        search: params.search,
    };
    let mut query = parse_list(model, &list, &pairs, state.db().get_database_backend())?;
    let total = store::count(state.db(), state.counts(), model, scope.org, &query).await?;
    let max = max_rows();
    if total > max {
        let mut error = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "export_too_large",
            format!("{total} rows match; an export holds at most {max}: narrow the filters"),
        );
        error.meta = Some(Box::new(json!({"total": total, "max": max})));
        return Err(error);
    }
    query.per_page = CHUNK;
    let headers: Vec<String> = columns
        .iter()
        .map(|c| {
            labels
                .get(c.name)
                .cloned()
                .unwrap_or_else(|| c.name.to_string())
        })
        .collect();
    let pages = (total.div_ceil(CHUNK)).max(1);
    let positions = columns
        .iter()
        .map(|c| {
            served_columns(model)
                .position(|s| s.name == c.name)
                .unwrap_or(0)
        })
        .collect();
    let mut rows = Pages {
        state: state.clone(),
        model,
        org: scope.org,
        query,
        columns,
        positions,
        csv,
        written: 0,
    };
    if kind == Kind::Xlsx {
        let mut sheet = Sheet::new(headers)?;
        for page in 1..=pages {
            for row in rows.rows(page).await? {
                sheet.append(picked(&rows.positions, &row))?;
            }
        }
        return Ok(File {
            content_type: XLSX,
            filename: format!("{}.xlsx", model.route),
            body: Body::from(sheet.finish().await?),
        });
    }
    let head = if csv {
        csv_record(headers.iter().map(String::as_str))
    } else {
        b"[".to_vec()
    };
    let body = stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(head)) })
        .chain(stream::unfold(
            (rows, 1u64),
            move |(mut rows, page)| async move {
                if page > pages {
                    return None;
                }
                let chunk = rows.page(page).await;
                Some((chunk, (rows, page + 1)))
            },
        ))
        .chain(stream::once(async move {
            Ok(Bytes::from_static(if csv { b"" } else { b"]" }))
        }));
    Ok(File {
        content_type: if csv { CSV } else { JSON_EXPORT },
        filename: format!("{}.{}", model.route, if csv { "csv" } else { "json" }),
        body: Body::from_bytes_stream(body),
    })
}

/// The format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Csv,
    Json,
    Xlsx,
}

/// The pages of an export being streamed.
struct Pages {
    state: ApiState,
    model: &'static ModelDescriptor,
    org: Uuid,
    query: ListQuery,
    columns: Vec<&'static ColumnDescriptor>,
    /// Where each of `columns` sits in a row (rows hold the served columns in order).
    positions: Vec<usize>,
    csv: bool,
    /// Rows written so far (JSON needs the commas).
    written: u64,
}

impl Pages {
    /// Page `page` of the rows.
    async fn rows(&mut self, page: u64) -> Result<Vec<store::Cells>, ApiError> {
        self.query.page = page;
        let (rows, _) = store::list(
            self.state.db(),
            self.state.counts(),
            self.model,
            self.org,
            &self.query,
        )
        .await?;
        Ok(rows)
    }

    /// Page `page` of the rows, encoded. A failure mid-stream ends the download with an I/O
    /// error (the status is sent already), and is logged.
    async fn page(&mut self, page: u64) -> Result<Bytes, std::io::Error> {
        let rows = self.rows(page).await.map_err(|error| {
            tracing::error!(error = %error.message, table = self.model.route, "an export stopped");
            std::io::Error::other(error.message.clone())
        })?;
        if self.csv {
            let mut writer = csv_writer();
            for row in &rows {
                writer
                    .write_record(picked(&self.positions, row).map(csv_text))
                    .map_err(std::io::Error::other)?;
            }
            self.written += rows.len() as u64;
            return writer
                .into_inner()
                .map(Bytes::from)
                .map_err(|e| std::io::Error::other(e.to_string()));
        }
        let mut out = Vec::new();
        for row in &rows {
            if self.written > 0 {
                out.push(b',');
            }
            let object: serde_json::Map<String, Value> = self
                .columns
                .iter()
                .zip(picked(&self.positions, row))
                .map(|(c, cell)| (c.name.to_string(), cell.to_json()))
                .collect();
            serde_json::to_writer(&mut out, &object).map_err(std::io::Error::other)?;
            self.written += 1;
        }
        Ok(Bytes::from(out))
    }
}

/// The cells of `row` at `positions`, in that order.
fn picked<'r>(positions: &'r [usize], row: &'r store::Cells) -> impl Iterator<Item = &'r Cell> {
    positions.iter().map(move |&i| &row[i].1)
}

/// The columns an export writes: `columns` (each a served column, else 400), or by default the
/// table's visible columns in order.
fn chosen_columns(
    model: &'static ModelDescriptor,
    columns: Option<&str>,
) -> Result<Vec<&'static ColumnDescriptor>, ApiError> {
    let served: Vec<&'static ColumnDescriptor> = served_columns(model).collect();
    match columns.map(str::trim).filter(|c| !c.is_empty()) {
        Some(list) => list
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(|name| {
                served
                    .iter()
                    .copied()
                    .find(|c| c.name == name)
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            "invalid_column",
                            format!("`{name}` is not a column of {}", model.route),
                        )
                    })
            })
            .collect(),
        None => {
            let visible: Vec<&'static ColumnDescriptor> = table_metadata(model)["columns"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| c["hidden"] != Value::Bool(true))
                .filter_map(|c| {
                    let key = c["key"].as_str()?;
                    served.iter().copied().find(|s| s.name == key)
                })
                .collect();
            if visible.is_empty() {
                Ok(served
                    .into_iter()
                    .filter(|c| c.role != ColumnRole::Tenancy)
                    .collect())
            } else {
                Ok(visible)
            }
        }
    }
}

/// `column_labels`: a JSON object of column → header (400 when it is not one).
fn column_labels(labels: Option<&str>) -> Result<BTreeMap<String, String>, ApiError> {
    let Some(text) = labels.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(BTreeMap::new());
    };
    let invalid = || {
        ApiError::bad_request(
            "invalid_param",
            "`column_labels` must be a JSON object of column → header",
        )
    };
    match serde_json::from_str::<Value>(text).map_err(|_| invalid())? {
        Value::Object(map) => Ok(map
            .into_iter()
            .map(|(k, v)| {
                let label = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (k, label)
            })
            .collect()),
        _ => Err(invalid()),
    }
}

/// A cell as CSV text: null empty, JSON compact, text guarded against formula injection.
fn csv_text(cell: &Cell) -> String {
    match cell {
        Cell::Null => String::new(),
        Cell::Bool(b) => b.to_string(),
        Cell::Int(i) => i.to_string(),
        Cell::Decimal(digits) => digits.clone(),
        Cell::Json(value) => value.to_string(),
        Cell::Text(text) => neutralised(text),
    }
}

/// `text` with a leading `'` when a spreadsheet would take it for a formula.
pub fn neutralised(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A CSV writer into memory (RFC 4180, CRLF line ends).
fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

/// One CSV record (RFC 4180, CRLF).
fn csv_record<'a>(fields: impl Iterator<Item = &'a str>) -> Vec<u8> {
    let mut writer = csv_writer();
    // Writing to a Vec cannot fail; a record of fields always serialises.
    if writer.write_record(fields).is_err() {
        return Vec::new();
    }
    writer.into_inner().unwrap_or_default()
}

/// `GET /api/data/{model}/export/template`: the import spec's headers as one CSV record.
pub async fn template<M: ModelSchema>(call: Call<'_>) -> FileAnswer {
    let Call { state, request } = call;
    let result = async {
        admit::<M>(state, request, "import").await?;
        let model = M::model();
        let spec = import_spec(model);
        let record = csv_record(spec.iter().map(|c| c.header.as_str()));
        Ok(File {
            content_type: CSV,
            filename: format!("{}-template.csv", model.route),
            body: Body::from(record),
        })
    }
    .await;
    result.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_others_kept() {
        for (input, expected) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("plain", "plain"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(neutralised(input), expected);
        }
        assert_eq!(csv_text(&Cell::Int(-2)), "-2", "numbers are not text");
    }

    #[test]
    fn records_are_rfc_4180_with_crlf() {
        let record = csv_record(["a", "b,c", "d\"e", "f\ng"].into_iter());
        assert_eq!(
            String::from_utf8(record).unwrap(),
            "a,\"b,c\",\"d\"\"e\",\"f\ng\"\r\n"
        );
    }
}
