//! Column values between JSON, the database and responses.
//!
//! A [`Cell`] is one column of a row as served (`http-api.md` §1.1/§1.7): decimals keep their
//! exact digits (serialised as raw JSON numbers, never through a float), timestamps are RFC
//! 3339 in UTC with `Z`, UUIDs lowercase. [`decode`] reads a cell from a result row;
//! [`parse_json`] and [`parse_text`] turn client input into the typed database value to bind
//! (and the cell it will read back as), or the field error the contract names.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use sea_orm::{QueryResult, Value as DbValue};
use serde::ser::{Serialize, Serializer};
use serde_json::Value;
use uuid::Uuid;

use super::error::FieldError;
use crate::registry::{ColumnDescriptor, ColumnKind};
use crate::types::Numeric;

/// One served column value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// NULL.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer (integer/bigint).
    Int(i64),
    /// An exact decimal, as its digits.
    Decimal(String),
    /// Text, a UUID, a date or a timestamp, in its served form.
    Text(String),
    /// A JSON document.
    Json(Value),
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Null => serializer.serialize_none(),
            Cell::Bool(b) => serializer.serialize_bool(*b),
            Cell::Int(i) => serializer.serialize_i64(*i),
            Cell::Decimal(digits) => match serde_json::value::RawValue::from_string(digits.clone())
            {
                Ok(raw) => raw.serialize(serializer),
                Err(_) => serializer.serialize_str(digits),
            },
            Cell::Text(text) => serializer.serialize_str(text),
            Cell::Json(value) => value.serialize(serializer),
        }
    }
}

impl Cell {
    /// The cell as a JSON value (decimals become JSON numbers, as close as `f64` gets; used
    /// for event payloads, not for responses).
    pub fn to_json(&self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Bool(b) => Value::Bool(*b),
            Cell::Int(i) => Value::from(*i),
            Cell::Decimal(digits) => serde_json::from_str(digits).unwrap_or(Value::Null),
            Cell::Text(text) => Value::String(text.clone()),
            Cell::Json(value) => value.clone(),
        }
    }

    /// The text a label, option value or facet shows for this cell.
    pub fn label(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Text(text) | Cell::Decimal(text) => text.clone(),
            other => other.to_json().to_string(),
        }
    }
}

/// `id` in its served form, lowercase and hyphenated, encoded straight into the string:
/// `to_string` goes through `fmt`, which showed in the profile of a list page (four UUIDs a
/// row there).
pub(crate) fn uuid_text(id: Uuid) -> String {
    id.hyphenated()
        .encode_lower(&mut Uuid::encode_buffer())
        .to_owned()
}

fn timestamp_text(value: DateTime<Utc>) -> String {
    value.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The cell of `column` in `row` (selected under the column's own name).
pub fn decode(row: &QueryResult, column: &ColumnDescriptor) -> Result<Cell, sea_orm::DbErr> {
    let name = column.name;
    let cell = match column.kind {
        ColumnKind::Uuid => row
            .try_get::<Option<Uuid>>("", name)?
            .map(|u| Cell::Text(uuid_text(u))),
        ColumnKind::Text | ColumnKind::Varchar(_) => {
            row.try_get::<Option<String>>("", name)?.map(Cell::Text)
        }
        ColumnKind::Integer => row
            .try_get::<Option<i32>>("", name)?
            .map(|i| Cell::Int(i64::from(i))),
        ColumnKind::Bigint => row.try_get::<Option<i64>>("", name)?.map(Cell::Int),
        ColumnKind::Numeric(_) => row
            .try_get::<Option<Numeric>>("", name)?
            .map(|n| Cell::Decimal(n.to_string())),
        ColumnKind::Boolean => row.try_get::<Option<bool>>("", name)?.map(Cell::Bool),
        ColumnKind::Timestamp => row
            .try_get::<Option<NaiveDateTime>>("", name)?
            .map(|t| Cell::Text(timestamp_text(t.and_utc()))),
        ColumnKind::Timestamptz => row
            .try_get::<Option<DateTime<Utc>>>("", name)?
            .map(|t| Cell::Text(timestamp_text(t))),
        ColumnKind::Date => row
            .try_get::<Option<NaiveDate>>("", name)?
            .map(|d| Cell::Text(d.to_string())),
        ColumnKind::Json => row.try_get::<Option<Value>>("", name)?.map(Cell::Json),
    };
    Ok(cell.unwrap_or(Cell::Null))
}

/// PostgreSQL: an expression giving the JSON value of `column` as `expr` reads it, equal to
/// what [`decode`] and [`Cell::to_json`] make of it: timestamps as RFC 3339 text in UTC with
/// `Z` and 0, 3 or 6 fractional digits ([`timestamp_text`]), a zero decimal as `0`,
/// everything else as `to_json` writes it. Dates and timestamps must lie in the years 1 to
/// 9999, where chrono and PostgreSQL write them alike ([`plain_years`]).
pub(crate) fn served_json_sql(column: &ColumnDescriptor, expr: &str) -> String {
    let utc = match column.kind {
        ColumnKind::Timestamptz => format!("({expr} AT TIME ZONE 'UTC')"),
        ColumnKind::Timestamp => expr.to_string(),
        // A zero is read back without its scale (`0`, not `0.00`): a whole number in JSON.
        ColumnKind::Numeric(_) => {
            return format!("CASE WHEN {expr} = 0 THEN to_json(0) ELSE to_json({expr}) END")
        }
        _ => return format!("to_json({expr})"),
    };
    format!(
        "to_json(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || \
         CASE WHEN extract(microseconds FROM {utc})::bigint % 1000000 = 0 THEN '' \
         WHEN extract(microseconds FROM {utc})::bigint % 1000 = 0 THEN to_char({utc}, '.MS') \
         ELSE to_char({utc}, '.US') END || 'Z')"
    )
}

/// True unless `value` is a date or timestamp outside the years 1 to 9999, which chrono and
/// PostgreSQL write differently (year 0 is 1 BC in PostgreSQL; five-digit years get a sign
/// in chrono).
pub(crate) fn plain_years(value: &DbValue) -> bool {
    let year = match value {
        DbValue::ChronoDate(Some(d)) => d.year(),
        DbValue::ChronoDateTime(Some(t)) => t.year(),
        DbValue::ChronoDateTimeUtc(Some(t)) => t.year(),
        _ => return true,
    };
    (1..=9999).contains(&year)
}

/// A typed NULL for `kind`.
pub fn null_of(kind: ColumnKind) -> DbValue {
    match kind {
        ColumnKind::Uuid => DbValue::Uuid(None),
        ColumnKind::Text | ColumnKind::Varchar(_) => DbValue::String(None),
        ColumnKind::Integer => DbValue::Int(None),
        ColumnKind::Bigint => DbValue::BigInt(None),
        ColumnKind::Numeric(_) => DbValue::Decimal(None),
        ColumnKind::Boolean => DbValue::Bool(None),
        ColumnKind::Timestamp => DbValue::ChronoDateTime(None),
        ColumnKind::Timestamptz => DbValue::ChronoDateTimeUtc(None),
        ColumnKind::Date => DbValue::ChronoDate(None),
        ColumnKind::Json => DbValue::Json(None),
    }
}

/// A value to bind and the cell it reads back as.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The database value.
    pub value: DbValue,
    /// The served form.
    pub cell: Cell,
}

impl Parsed {
    /// NULL of `kind`.
    pub fn null(kind: ColumnKind) -> Self {
        Parsed {
            value: null_of(kind),
            cell: Cell::Null,
        }
    }

    /// A UUID.
    pub fn uuid(id: Uuid) -> Self {
        Parsed {
            value: id.into(),
            cell: Cell::Text(uuid_text(id)),
        }
    }

    /// A timestamp for a `timestamp`/`timestamptz` column (others: NULL of their kind).
    pub fn timestamp(kind: ColumnKind, at: DateTime<Utc>) -> Self {
        let value = match kind {
            ColumnKind::Timestamp => DbValue::from(at.naive_utc()),
            ColumnKind::Timestamptz => DbValue::from(at),
            ColumnKind::Date => DbValue::from(at.date_naive()),
            other => return Parsed::null(other),
        };
        let cell = match kind {
            ColumnKind::Date => Cell::Text(at.date_naive().to_string()),
            _ => Cell::Text(timestamp_text(at)),
        };
        Parsed { value, cell }
    }
}

/// Client JSON for `column` → the value to write, or the field error (`http-api.md` §1.5).
/// `null` (and, for non-text columns, `""`) is NULL; whether NULL is allowed is the caller's
/// check.
pub fn parse_json(column: &ColumnDescriptor, input: &Value) -> Result<Parsed, FieldError> {
    let kind = column.kind;
    let text_kind = matches!(kind, ColumnKind::Text | ColumnKind::Varchar(_));
    match input {
        Value::Null => return Ok(Parsed::null(kind)),
        Value::String(s) if s.is_empty() && !text_kind => return Ok(Parsed::null(kind)),
        _ => {}
    }
    let parsed = match (kind, input) {
        (ColumnKind::Text | ColumnKind::Varchar(_), Value::String(s)) => text(column, s)?,
        (ColumnKind::Text | ColumnKind::Varchar(_), _) => {
            return Err(FieldError::new("invalid_type").with("expected", "string"))
        }
        (ColumnKind::Integer | ColumnKind::Bigint, Value::Number(n)) => {
            integer(kind, n.as_i64()).ok_or_else(|| FieldError::new("integer"))?
        }
        (ColumnKind::Numeric(declared), Value::Number(n)) => decimal(&n.to_string(), declared)?,
        (ColumnKind::Boolean, Value::Bool(b)) => Parsed {
            value: DbValue::from(*b),
            cell: Cell::Bool(*b),
        },
        (ColumnKind::Json, Value::String(s)) => {
            let value = serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone()));
            checked_json(value)?
        }
        (ColumnKind::Json, other) => checked_json(other.clone())?,
        // A JSON body says what a number or a boolean is: `"5"` or `"true"` is a type error
        // (files and query strings, which hold text only, go through `parse_text`). A numeric
        // column takes a decimal string too, the only way JSON carries exact digits.
        (ColumnKind::Integer | ColumnKind::Bigint, Value::String(_)) => {
            return Err(FieldError::new("integer"))
        }
        (ColumnKind::Boolean, Value::String(_)) => {
            return Err(FieldError::new("invalid_type").with("expected", "boolean"))
        }
        (_, Value::String(s)) => parse_text(column, s)?,
        (ColumnKind::Boolean, _) => {
            return Err(FieldError::new("invalid_type").with("expected", "boolean"))
        }
        (ColumnKind::Integer | ColumnKind::Bigint, _) => return Err(FieldError::new("integer")),
        (ColumnKind::Numeric(_), _) => return Err(FieldError::new("numeric")),
        (ColumnKind::Uuid, _) => return Err(FieldError::new("uuid")),
        (ColumnKind::Date, _) => {
            return Err(FieldError::new("invalid_type").with("expected", "date"))
        }
        (ColumnKind::Timestamp | ColumnKind::Timestamptz, _) => {
            return Err(FieldError::new("invalid_type").with("expected", "datetime"))
        }
    };
    check_options(column, &parsed.cell)?;
    if let (ColumnKind::Numeric(declared), Cell::Decimal(digits)) = (kind, &parsed.cell) {
        let (precision, scale) = declared.unwrap_or(UNDECLARED_NUMERIC);
        check_precision(digits, precision, scale)?;
    }
    Ok(parsed)
}

/// Text (a query operand, a CSV cell, a string in JSON) for `column` → the typed value.
pub fn parse_text(column: &ColumnDescriptor, input: &str) -> Result<Parsed, FieldError> {
    let kind = column.kind;
    let input_trimmed = input.trim();
    match kind {
        ColumnKind::Text | ColumnKind::Varchar(_) => text(column, input),
        ColumnKind::Uuid => Uuid::parse_str(input_trimmed)
            .map(Parsed::uuid)
            .map_err(|_| FieldError::new("uuid")),
        ColumnKind::Integer | ColumnKind::Bigint => {
            integer(kind, input_trimmed.parse::<i64>().ok())
                .ok_or_else(|| FieldError::new("integer"))
        }
        ColumnKind::Numeric(declared) => decimal(input_trimmed, declared),
        ColumnKind::Boolean => {
            let b = match input_trimmed.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => true,
                "false" | "0" | "no" => false,
                _ => return Err(FieldError::new("invalid_type").with("expected", "boolean")),
            };
            Ok(Parsed {
                value: DbValue::from(b),
                cell: Cell::Bool(b),
            })
        }
        ColumnKind::Date => NaiveDate::parse_from_str(input_trimmed, "%Y-%m-%d")
            .ok()
            .filter(|d| supported_date(*d))
            .map(|d| Parsed::timestamp(kind, d.and_time(chrono::NaiveTime::MIN).and_utc()))
            .ok_or_else(|| FieldError::new("invalid_type").with("expected", "date")),
        ColumnKind::Timestamp | ColumnKind::Timestamptz => parse_datetime(input_trimmed)
            .filter(|at| supported_date(at.date_naive()))
            .map(|at| Parsed::timestamp(kind, at))
            .ok_or_else(|| FieldError::new("invalid_type").with("expected", "datetime")),
        ColumnKind::Json => checked_json(
            serde_json::from_str(input).unwrap_or_else(|_| Value::String(input.to_string())),
        ),
    }
}

/// Dates both backends store and order alike: years 1–9999 (in UTC). PostgreSQL's
/// timestamps end in 294276 and SQLite keeps ISO text, which sorts correctly only with four
/// digit years; a year such as -200000 is a client mistake, not a database error.
pub fn supported_date(date: NaiveDate) -> bool {
    (1..=9999).contains(&date.year())
}

/// RFC 3339, or a naive `YYYY-MM-DD[T ]HH:MM[:SS[.f]]` taken as UTC.
pub fn parse_datetime(input: &str) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(input) {
        return Some(at.with_timezone(&Utc));
    }
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(input, format).ok())
    .map(|t| t.and_utc())
}

fn text(column: &ColumnDescriptor, input: &str) -> Result<Parsed, FieldError> {
    // PostgreSQL text cannot hold U+0000 (and SQLite would cut C strings at it): refused on
    // both backends alike.
    if input.contains('\0') {
        return Err(FieldError::new("invalid_type").with("expected", "string"));
    }
    if let ColumnKind::Varchar(max) = column.kind {
        if input.chars().count() > max as usize {
            return Err(FieldError::new("max")
                .with("max", max)
                .with("kind", "length"));
        }
    }
    Ok(Parsed {
        value: DbValue::from(input.to_string()),
        cell: Cell::Text(input.to_string()),
    })
}

fn integer(kind: ColumnKind, value: Option<i64>) -> Option<Parsed> {
    let value = value?;
    let db = match kind {
        ColumnKind::Integer => DbValue::from(i32::try_from(value).ok()?),
        _ => DbValue::from(value),
    };
    Some(Parsed {
        value: db,
        cell: Cell::Int(value),
    })
}

/// The bounds a `numeric` column without precision is checked against, as if it were
/// `numeric(28, 0)` for its integer digits: below 10²⁸ in magnitude, which the exact decimal
/// type the server computes with holds (its limit is about 7.9 × 10²⁸), on both databases.
pub(crate) const UNDECLARED_NUMERIC: (u32, u32) = (28, 0);

fn decimal(text: &str, declared: Option<(u32, u32)>) -> Result<Parsed, FieldError> {
    let mut number: Numeric = text.parse().map_err(|_| FieldError::new("numeric"))?;
    if let Some((_, scale)) = declared {
        number.0 = number.0.round_dp(scale);
        number.0.rescale(scale);
    }
    Ok(Parsed {
        value: number.into(),
        cell: Cell::Decimal(number.to_string()),
    })
}

/// A value for a `numeric(precision, scale)` column (already rounded to `scale`) must have at
/// most `precision - scale` integer digits, as PostgreSQL demands; SQLite would store any
/// size, so both refuse it here: `max`/`min` with the largest magnitude that fits.
fn check_precision(digits: &str, precision: u32, scale: u32) -> Result<(), FieldError> {
    let unsigned = digits.trim_start_matches('-');
    let integer = unsigned.split('.').next().unwrap_or_default();
    let integer_digits = integer.trim_start_matches('0').len();
    let allowed = precision.saturating_sub(scale) as usize;
    if integer_digits <= allowed {
        return Ok(());
    }
    let mut bound = "9".repeat(allowed.max(1));
    if allowed == 0 {
        bound = "0".to_string();
    }
    if scale > 0 {
        bound = format!("{bound}.{}", "9".repeat(scale as usize));
    }
    let negative = digits.starts_with('-');
    let limit = |text: String| serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text));
    Err(if negative {
        FieldError::new("min").with("min", limit(format!("-{bound}")))
    } else {
        FieldError::new("max").with("max", limit(bound))
    })
}

/// A JSON document for a `json` column: no U+0000 in any string or key (PostgreSQL's `jsonb`
/// cannot hold it).
fn checked_json(value: Value) -> Result<Parsed, FieldError> {
    fn has_nul(value: &Value) -> bool {
        match value {
            Value::String(s) => s.contains('\0'),
            Value::Array(items) => items.iter().any(has_nul),
            Value::Object(fields) => fields.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
            _ => false,
        }
    }
    if has_nul(&value) {
        return Err(FieldError::new("invalid_type").with("expected", "json"));
    }
    Ok(json(value))
}

fn json(value: Value) -> Parsed {
    Parsed {
        value: DbValue::Json(Some(Box::new(value.clone()))),
        cell: Cell::Json(value),
    }
}

fn check_options(column: &ColumnDescriptor, cell: &Cell) -> Result<(), FieldError> {
    if column.options.is_empty() || *cell == Cell::Null {
        return Ok(());
    }
    let text = cell.label();
    if column.options.contains(&text.as_str()) {
        Ok(())
    } else {
        Err(FieldError::new("invalid_option").with("allowed", column.options.to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::uuid_text;

    #[test]
    fn a_uuid_is_served_lowercase_and_hyphenated_as_display_writes_it() {
        for text in [
            "00000000-0000-0000-0000-000000000000",
            "EE67549D-1D46-49AA-8477-51FDF251ACE3",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
        ] {
            let id = Uuid::parse_str(text).unwrap();
            assert_eq!(uuid_text(id), id.to_string());
            assert_eq!(uuid_text(id), text.to_lowercase());
        }
    }
}
