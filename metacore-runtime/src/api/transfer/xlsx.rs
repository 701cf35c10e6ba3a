//! XLSX files: exports written with `rust_xlsxwriter`, imports read with `calamine`.
//!
//! **Export.** One worksheet in constant-memory mode (each finished row goes to a temporary
//! file, so memory stays one row whatever the size); the archive is assembled once the last
//! page is read, then sent. Booleans and numbers are spreadsheet booleans and numbers when
//! the number survives the trip through a double exactly (integers up to 2⁵³, decimals whose
//! shortest double text is their own), otherwise text, so no digit is lost; everything else
//! is a text cell. A text cell is never a formula, so no formula guard is needed (unlike
//! CSV). A text longer than a cell holds (32,767 characters) refuses the export with 422
//! `export_cell_too_long` rather than cutting it.
//!
//! **Import.** The upload is a ZIP archive; before anything parses it, every member is
//! inflated into a counter, and an archive that expands past [`MAX_EXPANDED_BYTES`] (a ZIP
//! bomb) or holds more than [`MAX_MEMBERS`] members is refused. Then the first worksheet is
//! read cell by cell (`calamine`'s streaming reader, never a dense range, so a lone cell at
//! `XFD1048576` costs nothing): its first row with a value is the header, the rows below are
//! the records, numbered from 1 under the header like CSV rows, empty rows in between kept as
//! blank rows. Formula cells give their cached value (no formula is evaluated); an error
//! value (`#DIV/0!`) refuses the file naming the cell; a date cell becomes ISO 8601 text.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};
use poem::http::StatusCode;
use rust_xlsxwriter::{utility::column_number_to_name, Format, Workbook, XlsxError};

use super::refused;
use crate::api::error::ApiError;
use crate::api::value::Cell;

/// `Content-Type` of an XLSX file.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The most bytes an uploaded workbook may expand to (all members inflated).
pub const MAX_EXPANDED_BYTES: u64 = 128 * 1024 * 1024;

/// The most members an uploaded workbook's archive may hold.
pub const MAX_MEMBERS: usize = 1_000;

/// The longest text a cell holds.
const MAX_CELL_CHARS: usize = 32_767;

/// An export being written: one worksheet, a bold header row, then the rows in order.
pub struct Sheet {
    workbook: Workbook,
    /// The row the next [`Sheet::append`] writes.
    next: u32,
    /// The header of each column, for error messages.
    headers: Vec<String>,
}

impl Sheet {
    /// A workbook whose first row is `headers`.
    pub fn new(headers: Vec<String>) -> Result<Self, ApiError> {
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(failed)?;
        for (col, header) in headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, column(col)?, header, &bold)
                .map_err(failed)?;
        }
        Ok(Sheet {
            workbook,
            next: 1,
            headers,
        })
    }

    /// Writes one row of cells.
    pub fn append<'c>(&mut self, cells: impl Iterator<Item = &'c Cell>) -> Result<(), ApiError> {
        let row = self.next;
        let sheet = self.workbook.worksheet_from_index(0).map_err(failed)?;
        for (col, cell) in cells.enumerate() {
            let at = column(col)?;
            let written = match cell {
                Cell::Null => continue,
                Cell::Bool(b) => sheet.write_boolean(row, at, *b),
                Cell::Int(i) if i.unsigned_abs() <= 1 << 53 => {
                    sheet.write_number(row, at, *i as f64)
                }
                Cell::Int(i) => sheet.write_string(row, at, i.to_string()),
                Cell::Decimal(digits) => match exact_number(digits) {
                    Some(number) => sheet.write_number(row, at, number),
                    None => sheet.write_string(row, at, digits),
                },
                Cell::Json(value) => sheet.write_string(row, at, value.to_string()),
                Cell::Text(text) => {
                    let chars = text.chars().count();
                    if chars > MAX_CELL_CHARS {
                        let mut error = ApiError::new(
                            StatusCode::UNPROCESSABLE_ENTITY,
                            "export_cell_too_long",
                            format!(
                                "row {row}, column `{}` holds {chars} characters; an XLSX cell \
                                 holds at most {MAX_CELL_CHARS}: export as CSV",
                                self.headers.get(col).map_or("", String::as_str)
                            ),
                        );
                        error.meta = Some(Box::new(serde_json::json!({"row": row})));
                        return Err(error);
                    }
                    sheet.write_string(row, at, text)
                }
            };
            written.map(|_| ()).map_err(failed)?;
        }
        self.next += 1;
        Ok(())
    }

    /// The finished file (assembled on a blocking thread: compression is CPU work).
    pub async fn finish(mut self) -> Result<Vec<u8>, ApiError> {
        tokio::task::spawn_blocking(move || self.workbook.save_to_buffer().map_err(failed))
            .await
            .map_err(ApiError::internal)?
    }
}

/// Column `index` as the writer's column number (16,384 at most).
fn column(index: usize) -> Result<u16, ApiError> {
    u16::try_from(index)
        .ok()
        .filter(|c| *c < 16_384)
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_column",
                "an XLSX sheet holds at most 16,384 columns",
            )
        })
}

/// A writer failure: the server's fault (the cells were checked before).
fn failed(error: XlsxError) -> ApiError {
    ApiError::internal(format!("writing the XLSX file failed: {error}"))
}

/// `digits` as a double when the double reads back as the same decimal (`12.50` → 12.5),
/// else `None` (more digits than a double keeps).
fn exact_number(digits: &str) -> Option<f64> {
    let number: f64 = digits.trim().parse().ok()?;
    if !number.is_finite() {
        return None;
    }
    let canonical = |text: &str| -> String {
        let text = text.trim();
        let (sign, unsigned) = match text.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", text.strip_prefix('+').unwrap_or(text)),
        };
        let unsigned = if unsigned.contains('.') {
            unsigned.trim_end_matches('0').trim_end_matches('.')
        } else {
            unsigned
        };
        let unsigned = unsigned.trim_start_matches('0');
        let unsigned = if unsigned.is_empty() || unsigned.starts_with('.') {
            format!("0{unsigned}")
        } else {
            unsigned.to_string()
        };
        if unsigned == "0" {
            unsigned
        } else {
            format!("{sign}{unsigned}")
        }
    };
    (canonical(&number.to_string()) == canonical(digits)).then_some(number)
}

/// The cells of an uploaded worksheet: the header and the records under it.
#[derive(Debug, Default)]
pub struct Table {
    /// The header row's texts by column index.
    pub headers: BTreeMap<u32, String>,
    /// The records in order, numbered from 1 under the header; `None` is an empty row.
    pub rows: Vec<Option<BTreeMap<u32, String>>>,
}

/// Refuses an archive that expands past [`MAX_EXPANDED_BYTES`] or holds too many members, by
/// inflating every member into a counter (the sizes an archive declares can lie).
fn check_expansion(bytes: &[u8]) -> Result<(), ApiError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        refused(format!(
            "the file is not an XLSX workbook (not a ZIP archive: {e})"
        ))
    })?;
    if archive.len() > MAX_MEMBERS {
        return Err(refused(format!(
            "the workbook's archive holds {} members; at most {MAX_MEMBERS} are read",
            archive.len()
        )));
    }
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let member = archive
            .by_index(index)
            .map_err(|e| refused(format!("the workbook's archive is damaged: {e}")))?;
        let budget = MAX_EXPANDED_BYTES - total;
        let inflated = std::io::copy(&mut member.take(budget + 1), &mut std::io::sink())
            .map_err(|e| refused(format!("the workbook's archive is damaged: {e}")))?;
        total += inflated;
        if total > MAX_EXPANDED_BYTES {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!(
                    "the workbook expands to more than {} MiB",
                    MAX_EXPANDED_BYTES / (1024 * 1024)
                ),
            ));
        }
    }
    Ok(())
}

/// Reads the first worksheet of an XLSX workbook. Rows past `max_rows` are counted, not kept:
/// the second value is how many records the sheet has.
pub fn read(bytes: &[u8], max_rows: usize) -> Result<(Table, usize), ApiError> {
    check_expansion(bytes)?;
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| refused(format!("the XLSX workbook cannot be read: {e}")))?;
    let first = workbook
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| refused("the workbook has no worksheet"))?;
    let mut cells = workbook
        .worksheet_cells_reader(&first)
        .map_err(|e| refused(format!("worksheet `{first}` cannot be read: {e}")))?;
    let mut table = Table::default();
    let mut header_row: Option<u32> = None;
    let mut records = 0usize;
    loop {
        let cell = cells
            .next_cell()
            .map_err(|e| refused(format!("worksheet `{first}` cannot be read: {e}")))?;
        let Some(cell) = cell else { break };
        let (row, col) = cell.get_position();
        let Some(text) = text_of(cell.get_value(), row, col)? else {
            continue;
        };
        let header = *header_row.get_or_insert(row);
        if row == header {
            table.headers.insert(col, text);
            continue;
        }
        let number = (row - header) as usize;
        records = records.max(number);
        if number > max_rows {
            continue;
        }
        if table.rows.len() < number {
            table.rows.resize(number, None);
        }
        table.rows[number - 1]
            .get_or_insert_with(BTreeMap::new)
            .insert(col, text);
    }
    Ok((table, records))
}

/// A cell's value as the text a create parses; `None` for an empty cell.
fn text_of(value: &DataRef<'_>, row: u32, col: u32) -> Result<Option<String>, ApiError> {
    let text = match value {
        DataRef::Empty => return Ok(None),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::DateTime(at) if at.is_duration() => at.as_f64().to_string(),
        DataRef::DateTime(at) => at
            .as_datetime()
            .map(iso)
            .unwrap_or_else(|| at.as_f64().to_string()),
        DataRef::Error(error) => {
            return Err(refused(format!(
                "cell {}{} holds the error value {error}",
                column_number_to_name(col.min(16_383) as u16),
                row + 1
            )))
        }
    };
    Ok(Some(text))
}

/// ISO 8601 text of a spreadsheet date: the date alone at midnight.
fn iso(at: chrono::NaiveDateTime) -> String {
    if at.time() == chrono::NaiveTime::MIN {
        at.date().format("%Y-%m-%d").to_string()
    } else {
        at.format("%Y-%m-%dT%H:%M:%S").to_string()
    }
}

#[cfg(test)]
mod tests;
