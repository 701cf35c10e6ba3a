//! `POST /api/data/{model}/import/validate` and `/import` (§5.6).
//!
//! A file's rows (CSV, JSON, or the first worksheet of an XLSX workbook) are read into field
//! maps by the model's import spec (headers match a column's key, header or aliases, trimmed
//! and case-insensitive; unknown headers are ignored, blank rows skipped), then each row goes
//! through the create of §4.1 — the same parsing, required fields, options, references and
//! unique checks — inside one transaction, each row under its own savepoint so a failing row
//! leaves the others alone:
//!
//! * validate rolls everything back and reports;
//! * import commits the rows that passed (or, with `?atomic=true`, nothing when any failed)
//!   and publishes one `created` event per row after the commit.
//!
//! Uniqueness within the file falls out of this: a later duplicate row meets the earlier one
//! in the same transaction.

use std::collections::BTreeMap;

use chrono::{SecondsFormat, Utc};
use poem::http::StatusCode;
use sea_orm::TransactionTrait;
use serde_json::{json, Map, Value};

use super::{import_spec, refused, xlsx, Format, ImportBody, SpecColumn, Upload};
use crate::api::answer::{document_kind, Answer, Document};
use crate::api::error::{ApiError, FieldError};
use crate::api::handlers::{addon_of, admit, admit_all, event, id_of, row_json};
use crate::api::schema::ModelSchema;
use crate::api::state::{ApiState, Call};
use crate::api::store::{self, Scope};
use crate::api::value::{parse_text, Cell};
use crate::events::Event;
use crate::registry::{ColumnKind, ModelDescriptor};

/// The default of `METACORE_IMPORT_MAX_ROWS`.
pub const DEFAULT_MAX_ROWS: usize = 10_000;

/// The most rows a file may hold (`METACORE_IMPORT_MAX_ROWS`).
fn max_rows() -> usize {
    std::env::var("METACORE_IMPORT_MAX_ROWS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_MAX_ROWS)
}

/// A row of the file: its 1-based number (header excluded) and its fields, or `None` when
/// it is blank.
struct FileRow {
    number: usize,
    fields: Option<Map<String, Value>>,
}

/// One row that failed.
struct Failure {
    row: usize,
    column: Option<String>,
    code: String,
    message: String,
    input: Map<String, Value>,
}

/// What running a file's rows did.
struct Outcome {
    total: usize,
    skipped: usize,
    passed: usize,
    failures: Vec<Failure>,
    sample: Vec<Map<String, Value>>,
}

document_kind!(
/// `{"success": true, "data": {rowCount, valid, skipped, total, errors, sample, validatedAt}}`.
ImportCheck, "ImportValidationEnvelope", "object",
"What importing the file would do: `data.valid` rows pass, `data.errors` lists each failing field as `{row, column, code, message}` (rows 1-based, header excluded), `data.sample` up to 5 parsed rows. Nothing was written.",
data: object(&[
    ("rowCount", integer()),
    ("valid", integer()),
    ("skipped", integer()),
    ("total", integer()),
    ("errors", array(object(&[
        ("row", integer()),
        ("column", nullable(string())),
        ("code", string()),
        ("message", string()),
    ]))),
    ("sample", array(object(&[]))),
    ("validatedAt", formatted("date-time")),
]));
document_kind!(
/// `{"success": failed == 0, "data": {created, skipped, failed, failures}}`.
ImportReport, "ImportResultEnvelope", "object",
"What the import did: `data.created` rows, `data.skipped` blank rows, `data.failed` rows with `data.failures` as `{row, column, code, error, input}`. A 422 `import_failed` carries the same `data` when no row was created.",
data: object(&[
    ("created", integer()),
    ("skipped", integer()),
    ("failed", integer()),
    ("failures", array(object(&[
        ("row", integer()),
        ("column", nullable(string())),
        ("code", string()),
        ("error", string()),
        ("input", object(&[])),
    ]))),
]));

/// The reply of validate.
pub type ValidateAnswer = Answer<Document<ImportCheck>>;
/// The reply of import.
pub type ImportAnswer = Answer<Document<ImportReport>>;

/// `POST /api/data/{model}/import/validate`: every row checked like a create, nothing written.
pub async fn validate<M: ModelSchema>(call: Call<'_>, body: ImportBody) -> ValidateAnswer {
    let Call { state, request } = call;
    let result = async {
        let scope = admit::<M>(state, request, "import").await?;
        let rows = read_rows::<M>(body.0?).await?;
        run::<M>(state, scope, rows, Mode::Validate).await
    }
    .await;
    match result {
        Ok(outcome) => {
            let errors: Vec<Value> = outcome
                .failures
                .iter()
                .map(|f| json!({"row": f.row, "column": f.column, "code": f.code, "message": f.message}))
                .collect();
            let body = json!({
                "success": true,
                "data": {
                    "rowCount": outcome.passed,
                    "valid": outcome.passed,
                    "skipped": outcome.skipped,
                    "total": outcome.total,
                    "errors": errors,
                    "sample": outcome.sample,
                    "validatedAt": Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
                }
            });
            Answer::ok(&Document::new(body))
        }
        Err(error) => Answer::err(error),
    }
}

/// `POST /api/data/{model}/import[?atomic=true]`: creates the file's rows.
pub async fn import<M: ModelSchema>(
    call: Call<'_>,
    atomic: Option<bool>,
    body: ImportBody,
) -> ImportAnswer {
    let Call { state, request } = call;
    let result = async {
        let scope = admit_all::<M>(state, request, &["import", "create"]).await?;
        let rows = read_rows::<M>(body.0?).await?;
        let mode = if atomic.unwrap_or(false) {
            Mode::Atomic
        } else {
            Mode::EachRow
        };
        run::<M>(state, scope, rows, mode).await
    }
    .await;
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(error) => return Answer::err(error),
    };
    let failed = outcome.failures.len();
    let failures: Vec<Value> = outcome
        .failures
        .iter()
        .map(|f| {
            json!({"row": f.row, "column": f.column, "code": f.code, "error": f.message, "input": f.input})
        })
        .collect();
    let data = json!({
        "created": outcome.passed,
        "skipped": outcome.skipped,
        "failed": failed,
        "failures": failures,
    });
    if outcome.passed == 0 && failed > 0 {
        let body = json!({
            "success": false,
            "message": "no row was imported",
            "error": {"code": "import_failed", "message": "no row was imported"},
            "data": data,
        });
        return Answer::raw(
            StatusCode::UNPROCESSABLE_ENTITY,
            body.to_string().into_bytes(),
        );
    }
    Answer::ok(&Document::new(
        json!({"success": failed == 0, "data": data}),
    ))
}

/// What [`run`] does with the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Check only: roll everything back.
    Validate,
    /// Keep the rows that passed.
    EachRow,
    /// Keep all rows or none.
    Atomic,
}

/// Creates each row under its own savepoint in one transaction, then commits or rolls back
/// as `mode` says; events of committed rows are published after the commit.
async fn run<M: ModelSchema>(
    state: &ApiState,
    scope: Scope,
    rows: Vec<FileRow>,
    mode: Mode,
) -> Result<Outcome, ApiError> {
    let addon = addon_of::<M>(state)?;
    let model = M::model();
    let mut outcome = Outcome {
        total: rows.len(),
        skipped: 0,
        passed: 0,
        failures: Vec::new(),
        sample: Vec::new(),
    };
    let mut events: Vec<Event> = Vec::new();
    let turn = state.write_turn().await;
    let txn = crate::db::begin_write(turn.db())
        .await
        .map_err(ApiError::internal)?;
    for row in rows {
        let Some(fields) = row.fields else {
            outcome.skipped += 1;
            continue;
        };
        let fields = typed(model, fields);
        let savepoint = txn.begin().await.map_err(ApiError::internal)?;
        match store::create(&savepoint, addon, model, scope, &fields).await {
            Ok(cells) => {
                savepoint.commit().await.map_err(ApiError::internal)?;
                outcome.passed += 1;
                if outcome.sample.len() < 5 {
                    outcome.sample.push(fields);
                }
                events.push(event::<M>(
                    "created",
                    scope,
                    json!({"id": id_of::<M>(&cells), "after": row_json(&cells)}),
                ));
            }
            Err(error) => {
                savepoint.rollback().await.map_err(ApiError::internal)?;
                if error.status.is_server_error() {
                    let _ = txn.rollback().await;
                    return Err(error);
                }
                outcome
                    .failures
                    .extend(failures_of(row.number, &error, &fields));
            }
        }
    }
    let keep = match mode {
        Mode::Validate => false,
        Mode::EachRow => true,
        Mode::Atomic => outcome.failures.is_empty(),
    };
    if keep {
        crate::event_log::append_all(&txn, &mut events)
            .await
            .map_err(ApiError::internal)?;
        txn.commit().await.map_err(ApiError::internal)?;
        for event in events {
            state.publish(event);
        }
    } else {
        txn.rollback().await.map_err(ApiError::internal)?;
        if mode == Mode::Atomic {
            outcome.passed = 0;
        }
    }
    Ok(outcome)
}

/// `fields` read from a file, with the text of integer and boolean columns turned into the
/// JSON numbers and booleans a create takes (a file holds text only); text that is not one
/// stays text, for the create to refuse with the column's error.
fn typed(model: &ModelDescriptor, fields: Map<String, Value>) -> Map<String, Value> {
    fields
        .into_iter()
        .map(|(key, value)| {
            let column = model.column(&key).filter(|c| {
                matches!(
                    c.kind,
                    ColumnKind::Integer | ColumnKind::Bigint | ColumnKind::Boolean
                )
            });
            let typed = match (column, &value) {
                (Some(column), Value::String(text)) if !text.trim().is_empty() => {
                    match parse_text(column, text).map(|parsed| parsed.cell) {
                        Ok(Cell::Int(i)) => Value::from(i),
                        Ok(Cell::Bool(b)) => Value::Bool(b),
                        _ => value,
                    }
                }
                _ => value,
            };
            (key, typed)
        })
        .collect()
}

/// The failures a refused create of row `row` stands for: one per field error, or one for
/// the row.
fn failures_of(row: usize, error: &ApiError, input: &Map<String, Value>) -> Vec<Failure> {
    if error.fields.is_empty() {
        return vec![Failure {
            row,
            column: None,
            code: error.code.to_string(),
            message: error.message.clone(),
            input: input.clone(),
        }];
    }
    error
        .fields
        .iter()
        .flat_map(|(column, errors)| {
            errors.iter().map(move |e| Failure {
                row,
                column: Some(column.clone()),
                code: e.code.to_string(),
                message: field_message(e),
                input: input.clone(),
            })
        })
        .collect()
}

/// A field error as one line: its code and parameters.
fn field_message(error: &FieldError) -> String {
    if error.params.is_empty() {
        return error.code.clone();
    }
    let params: Vec<String> = error
        .params
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string())
            )
        })
        .collect();
    format!("{} ({})", error.code, params.join(", "))
}

/// The rows of `upload` as field maps by the import spec of `M` (422 `invalid_file` when it
/// cannot be read, `too_many_rows` past the limit), parsed on a blocking thread.
async fn read_rows<M: ModelSchema>(upload: Upload) -> Result<Vec<FileRow>, ApiError> {
    let spec = import_spec(M::model());
    let max = max_rows();
    let rows = tokio::task::spawn_blocking(move || match upload.format {
        Format::Csv => csv_rows(&spec, &upload.bytes),
        Format::Json => json_rows(&spec, &upload.bytes),
        Format::Xlsx => xlsx_rows(&spec, &upload.bytes, max),
    })
    .await
    .map_err(ApiError::internal)??;
    if rows.len() > max {
        return Err(too_many_rows(rows.len(), max));
    }
    Ok(rows)
}

/// 422 `too_many_rows`: the file has `rows` rows, more than `max`.
fn too_many_rows(rows: usize, max: usize) -> ApiError {
    let mut error = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_many_rows",
        format!("the file has {rows} rows; an import takes at most {max}"),
    );
    error.meta = Some(Box::new(json!({"rows": rows, "max": max})));
    error
}

/// The rows of the first worksheet of an XLSX workbook (see [`xlsx::read`]); a row whose
/// cells are all blank is a blank row, as in CSV.
fn xlsx_rows(spec: &[SpecColumn], bytes: &[u8], max: usize) -> Result<Vec<FileRow>, ApiError> {
    let (table, records) = xlsx::read(bytes, max)?;
    if records > max {
        return Err(too_many_rows(records, max));
    }
    let columns: BTreeMap<u32, &SpecColumn> = table
        .headers
        .iter()
        .filter_map(|(col, header)| spec.iter().find(|c| c.named(header)).map(|c| (*col, c)))
        .collect();
    Ok(table
        .rows
        .into_iter()
        .enumerate()
        .map(|(i, cells)| FileRow {
            number: i + 1,
            fields: cells
                .filter(|cells| cells.values().any(|text| !text.trim().is_empty()))
                .map(|cells| {
                    cells
                        .into_iter()
                        .filter_map(|(col, text)| {
                            columns
                                .get(&col)
                                .map(|c| (c.key.clone(), Value::String(text)))
                        })
                        .collect()
                }),
        })
        .collect())
}

fn csv_rows(spec: &[SpecColumn], bytes: &[u8]) -> Result<Vec<FileRow>, ApiError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| refused(format!("the header record cannot be read: {e}")))?
        .clone();
    let columns: Vec<Option<&SpecColumn>> = headers
        .iter()
        .map(|h| spec.iter().find(|c| c.named(h)))
        .collect();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| refused(format!("row {}: {e}", i + 1)))?;
        let number = i + 1;
        let blank = record.iter().all(|v| v.trim().is_empty());
        let fields = (!blank).then(|| {
            columns
                .iter()
                .zip(record.iter())
                .filter_map(|(column, value)| {
                    column.map(|c| (c.key.clone(), Value::String(value.to_string())))
                })
                .collect()
        });
        rows.push(FileRow { number, fields });
    }
    Ok(rows)
}

fn json_rows(spec: &[SpecColumn], bytes: &[u8]) -> Result<Vec<FileRow>, ApiError> {
    let document: Value =
        serde_json::from_slice(bytes).map_err(|e| refused(format!("the file is not JSON: {e}")))?;
    let items = match document {
        Value::Array(items) => items,
        Value::Object(mut object) => match object.remove("data") {
            Some(Value::Array(items)) => items,
            _ => {
                return Err(refused(
                    "a JSON import is an array of objects or {\"data\": [...]}",
                ))
            }
        },
        _ => {
            return Err(refused(
                "a JSON import is an array of objects or {\"data\": [...]}",
            ))
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let Value::Object(object) = item else {
                return Err(refused(format!("row {}: not an object", i + 1)));
            };
            let fields: Map<String, Value> = object
                .into_iter()
                .filter_map(|(k, v)| {
                    spec.iter()
                        .find(|c| c.named(&k))
                        .map(|c| (c.key.clone(), v))
                })
                .collect();
            let blank = fields
                .values()
                .all(|v| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()));
            Ok(FileRow {
                number: i + 1,
                fields: (!blank).then_some(fields),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Vec<SpecColumn> {
        vec![
            SpecColumn {
                key: "name".into(),
                header: "Name".into(),
                aliases: vec!["Full name".into()],
            },
            SpecColumn {
                key: "email".into(),
                header: "Email".into(),
                aliases: Vec::new(),
            },
        ]
    }

    #[test]
    fn csv_headers_match_by_key_header_or_alias_and_blank_rows_are_kept_as_skips() {
        let file =
            "\u{feff} full NAME ,EMAIL,unknown\r\nAda,ada@x.io,zzz\r\n,,\r\n\"Lovelace, A\",,\r\n";
        let rows = csv_rows(&spec(), file.as_bytes()).unwrap();
        assert_eq!(rows.len(), 3);
        let first = rows[0].fields.as_ref().unwrap();
        assert_eq!(first["name"], "Ada");
        assert_eq!(first["email"], "ada@x.io");
        assert!(!first.contains_key("unknown"));
        assert!(rows[1].fields.is_none(), "blank");
        assert_eq!(rows[2].number, 3);
        assert_eq!(rows[2].fields.as_ref().unwrap()["name"], "Lovelace, A");
    }

    #[test]
    fn json_takes_arrays_and_data_objects_only() {
        let rows = json_rows(&spec(), br#"{"data": [{"Name": "Ada"}, {}]}"#).unwrap();
        assert_eq!(rows[0].fields.as_ref().unwrap()["name"], "Ada");
        assert!(rows[1].fields.is_none());
        for bad in [&b"{\"x\": 1}"[..], b"[1]", b"nope"] {
            let error = json_rows(&spec(), bad).err().expect("refused");
            assert_eq!(error.code, "invalid_file");
        }
    }
}
