//! Column defaults: reading what a manifest writes in a column's `default` into a
//! [`ColumnDefault`] (`manifest.md` §6.3).
//!
//! The two dialects write defaults differently:
//!
//! * **v2** ([`v2_default`], §6.3.1) writes SQL literal *text* and the upstream kernel splices it
//!   into DDL, so it only accepts a whitelist: numbers without exponent, single-quoted text
//!   without `'` `"` `;` `\`, the lowercase builtins `now()`, `current_timestamp`,
//!   `gen_random_uuid()`, `uuid_generate_v4()`, and `true`/`false`/`null` (MC0306). JSON
//!   booleans and numbers are accepted too. Beyond the kernel, the literal must fit the column
//!   type (MC0307).
//! * **v3** ([`v3_default`], §6.3.2) writes JSON values: a string is a literal of the column's
//!   type (`"open"`, `"2024-01-31"`), except five case-insensitive builtins. Arrays, objects and
//!   strings with `'` `"` `;` `\` are refused (MC0306, parity with the upstream whitelist),
//!   except that a v2-style `"'open'"` is read as `open` with warning MC0308.
//!
//! We never splice defaults into SQL: the IR carries typed values, and numbers keep their exact
//! decimal text so that nothing is rounded through a float.

use crate::diagnostics::Diagnostic;
use crate::ir::{ColumnDefault, ColumnType};
use crate::json::{Node, Value};

/// The outcome of reading a column default: the value (None = no default) and any
/// diagnostics, already pointed at `pointer`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultOutcome {
    /// The default, when there is one and it is valid.
    pub value: Option<ColumnDefault>,
    /// What was wrong (or worth a warning), pointed at the `default` value.
    pub diagnostics: Vec<Diagnostic>,
}

impl DefaultOutcome {
    fn none() -> Self {
        DefaultOutcome {
            value: None,
            diagnostics: Vec::new(),
        }
    }

    fn value(value: ColumnDefault) -> Self {
        DefaultOutcome {
            value: Some(value),
            diagnostics: Vec::new(),
        }
    }

    fn rejected(diagnostic: Diagnostic) -> Self {
        DefaultOutcome {
            value: None,
            diagnostics: vec![diagnostic],
        }
    }
}

/// Reads a v3 column default (§6.3.2).
///
/// `null` is no default; `true`/`false` fit boolean columns; numbers fit numeric columns
/// (integers must be whole and within `i32`/`i64`); the builtins `now()`,
/// `current_timestamp`, `current_date`, `gen_random_uuid()` and `uuid_generate_v4()` (any
/// case) fit the date/time or uuid columns they make sense on; any other string is a literal
/// of the column's type. Arrays, objects and strings containing `'` `"` `;` `\` → MC0306,
/// except a string that starts and ends with `'` (→ MC0308 warning, quotes stripped); values
/// that do not fit the type → MC0307.
pub fn v3_default(node: &Node, column_type: &ColumnType, pointer: &str) -> DefaultOutcome {
    let ty = column_type.canonical();
    match &node.value {
        Value::Null => DefaultOutcome::none(),
        Value::Bool(b) => {
            if *column_type == ColumnType::Boolean {
                DefaultOutcome::value(ColumnDefault::Bool(*b))
            } else {
                DefaultOutcome::rejected(mismatch(
                    pointer,
                    format!("boolean default `{b}` on a `{ty}` column"),
                    literal_help(column_type),
                ))
            }
        }
        Value::Number(n) => {
            if !column_type.is_numeric() {
                let help = if column_type.is_text() {
                    format!("write the text as a JSON string: `\"{}\"`", n.text)
                } else {
                    literal_help(column_type)
                };
                return DefaultOutcome::rejected(mismatch(
                    pointer,
                    format!("numeric default `{}` on a `{ty}` column", n.text),
                    help,
                ));
            }
            match numeric_default(&n.text, column_type, false) {
                Ok(value) => DefaultOutcome::value(value),
                Err((message, help)) => DefaultOutcome::rejected(mismatch(pointer, message, help)),
            }
        }
        Value::String(s) => v3_string_default(s, column_type, pointer),
        Value::Array(_) | Value::Object(_) => DefaultOutcome::rejected(
            Diagnostic::error(
                "MC0306",
                format!(
                    "a column default cannot be an {}",
                    if matches!(node.value, Value::Array(_)) {
                        "array"
                    } else {
                        "object"
                    }
                ),
            )
            .at(pointer)
            .with_help(
                "a default is a JSON string, number or boolean; arrays and objects are refused even on json/jsonb columns (parity with the upstream whitelist)",
            ),
        ),
    }
}

fn v3_string_default(s: &str, column_type: &ColumnType, pointer: &str) -> DefaultOutcome {
    let ty = column_type.canonical();
    let mut diagnostics = Vec::new();
    let mut text = s;
    if s.len() >= 2 && s.starts_with('\'') && s.ends_with('\'') {
        text = &s[1..s.len() - 1];
        diagnostics.push(
            Diagnostic::warning(
                "MC0308",
                format!("default `{s}` is written as a SQL-quoted string; it is read as `{text}`"),
            )
            .at(pointer)
            .with_help(format!(
                "v3 defaults are JSON values, not SQL literals: write `\"{text}\"`"
            )),
        );
    } else if let Some(builtin) = v3_builtin(s) {
        if builtin_fits(&builtin, column_type) {
            return DefaultOutcome::value(builtin);
        }
        return DefaultOutcome::rejected(mismatch(
            pointer,
            format!("`{s}` cannot be the default of a `{ty}` column"),
            builtin_help(&builtin),
        ));
    }
    if let Some(bad) = text.chars().find(|c| matches!(c, '\'' | '"' | ';' | '\\')) {
        diagnostics.push(
            Diagnostic::error(
                "MC0306",
                format!("default `{s}` contains `{bad}`, which is not allowed in a default"),
            )
            .at(pointer)
            .with_help("remove the `'`, `\"`, `;` and `\\` characters; defaults are plain values, never SQL"),
        );
        return DefaultOutcome {
            value: None,
            diagnostics,
        };
    }
    match string_literal(text, column_type, true) {
        Ok(value) => DefaultOutcome {
            value: Some(value),
            diagnostics,
        },
        Err((message, help)) => {
            diagnostics.push(mismatch(pointer, message, help));
            DefaultOutcome {
                value: None,
                diagnostics,
            }
        }
    }
}

/// Reads a v2 column default (§6.3.1).
///
/// `null` and `""` are no default; JSON booleans and numbers are literals (a whole number
/// prints as an integer, otherwise as a decimal); a string must be one of the kernel's SQL
/// literals (MC0306). The literal must then fit the column type (MC0307): quoted text only on
/// text, uuid, date and timestamp columns (and parsed as that type), numbers only on numeric
/// columns, booleans only on boolean columns, `now()`/`current_timestamp` on date/timestamp
/// columns, the uuid builtins on uuid columns.
pub fn v2_default(node: &Node, column_type: &ColumnType, pointer: &str) -> DefaultOutcome {
    let ty = column_type.canonical();
    match &node.value {
        Value::Null => DefaultOutcome::none(),
        Value::Bool(b) => v2_bool(*b, column_type, pointer, &b.to_string()),
        Value::Number(n) => {
            if !column_type.is_numeric() {
                let help = if column_type.is_text() {
                    format!("write quoted SQL text: `\"'{}'\"`", n.text)
                } else {
                    literal_help(column_type)
                };
                return DefaultOutcome::rejected(mismatch(
                    pointer,
                    format!("numeric default `{}` on a `{ty}` column", n.text),
                    help,
                ));
            }
            match numeric_default(&n.text, column_type, true) {
                Ok(value) => DefaultOutcome::value(value),
                Err((message, help)) => DefaultOutcome::rejected(mismatch(pointer, message, help)),
            }
        }
        Value::String(s) if s.is_empty() => DefaultOutcome::none(),
        Value::String(s) => v2_string_default(s, column_type, pointer),
        Value::Array(_) | Value::Object(_) => DefaultOutcome::rejected(
            Diagnostic::error(
                "MC0306",
                format!(
                    "a v2 column default cannot be an {}",
                    if matches!(node.value, Value::Array(_)) {
                        "array"
                    } else {
                        "object"
                    }
                ),
            )
            .at(pointer)
            .with_help(V2_WHITELIST_HELP),
        ),
    }
}

const V2_WHITELIST_HELP: &str = "v2 defaults are SQL literals: a number (`42`, `-1.5`), quoted text (`'open'`), `now()`, `current_timestamp`, `gen_random_uuid()`, `uuid_generate_v4()`, `true`, `false` or `null`";

fn v2_bool(b: bool, column_type: &ColumnType, pointer: &str, written: &str) -> DefaultOutcome {
    if *column_type == ColumnType::Boolean {
        DefaultOutcome::value(ColumnDefault::Bool(b))
    } else {
        DefaultOutcome::rejected(mismatch(
            pointer,
            format!(
                "boolean default `{written}` on a `{}` column",
                column_type.canonical()
            ),
            literal_help(column_type),
        ))
    }
}

/// The kernel's whitelist, `^(-?\d+(\.\d+)?|'[^'";\\]*'|now\(\)|gen_random_uuid\(\)|uuid_generate_v4\(\)|current_timestamp|true|false|null)$`.
enum V2Literal<'a> {
    Number,
    Quoted(&'a str),
    Builtin(ColumnDefault),
    Bool(bool),
    Null,
}

fn v2_literal(s: &str) -> Option<V2Literal<'_>> {
    match s {
        "now()" | "current_timestamp" => return Some(V2Literal::Builtin(ColumnDefault::Now)),
        "gen_random_uuid()" | "uuid_generate_v4()" => {
            return Some(V2Literal::Builtin(ColumnDefault::RandomUuid))
        }
        "true" => return Some(V2Literal::Bool(true)),
        "false" => return Some(V2Literal::Bool(false)),
        "null" => return Some(V2Literal::Null),
        _ => {}
    }
    if s.len() >= 2 && s.starts_with('\'') && s.ends_with('\'') {
        let inner = &s[1..s.len() - 1];
        return (!inner.contains(['\'', '"', ';', '\\'])).then_some(V2Literal::Quoted(inner));
    }
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    (all_digits(int) && frac.is_none_or(all_digits)).then_some(V2Literal::Number)
}

fn v2_string_default(s: &str, column_type: &ColumnType, pointer: &str) -> DefaultOutcome {
    let ty = column_type.canonical();
    let Some(literal) = v2_literal(s) else {
        let lower = s.to_ascii_lowercase();
        let help = if v2_literal(&lower).is_some_and(|l| {
            matches!(
                l,
                V2Literal::Builtin(_) | V2Literal::Bool(_) | V2Literal::Null
            )
        }) {
            format!("builtins are written in lowercase: `{lower}`")
        } else if let Some(number) = Decimal::parse(s) {
            format!(
                "write the number in plain decimal form: `{}`",
                number.plain()
            )
        } else if s.starts_with('\'') && s.ends_with('\'') && s.len() >= 2 {
            "quoted text may not contain `'`, `\"`, `;` or `\\`".to_string()
        } else if !s.contains(['\'', '"', ';', '\\']) && !s.starts_with('-') {
            format!("text must be single-quoted: `\"'{s}'\"`")
        } else {
            V2_WHITELIST_HELP.to_string()
        };
        return DefaultOutcome::rejected(
            Diagnostic::error(
                "MC0306",
                format!("default `{s}` is not an allowed SQL literal"),
            )
            .at(pointer)
            .with_help(help),
        );
    };
    match literal {
        V2Literal::Null => DefaultOutcome::none(),
        V2Literal::Bool(b) => v2_bool(b, column_type, pointer, s),
        V2Literal::Builtin(builtin) => {
            let fits = match builtin {
                // v2 has no `current_date`; `now()` on a date column is cast by the database.
                ColumnDefault::Now => {
                    column_type.is_timestamp() || *column_type == ColumnType::Date
                }
                _ => builtin_fits(&builtin, column_type),
            };
            if fits {
                DefaultOutcome::value(builtin)
            } else {
                DefaultOutcome::rejected(mismatch(
                    pointer,
                    format!("`{s}` cannot be the default of a `{ty}` column"),
                    builtin_help(&builtin),
                ))
            }
        }
        V2Literal::Number => {
            if !column_type.is_numeric() {
                let help = if column_type.is_text() {
                    format!("quote it to make it text: `\"'{s}'\"`")
                } else {
                    literal_help(column_type)
                };
                return DefaultOutcome::rejected(mismatch(
                    pointer,
                    format!("numeric default `{s}` on a `{ty}` column"),
                    help,
                ));
            }
            match numeric_default(s, column_type, true) {
                Ok(value) => DefaultOutcome::value(value),
                Err((message, help)) => DefaultOutcome::rejected(mismatch(pointer, message, help)),
            }
        }
        V2Literal::Quoted(inner) => {
            let text_like = column_type.is_text()
                || column_type.is_timestamp()
                || matches!(column_type, ColumnType::Uuid | ColumnType::Date);
            if !text_like {
                let help = match column_type {
                    ColumnType::Boolean => "write `true` or `false` without quotes".to_string(),
                    t if t.is_numeric() => format!("write the number without quotes: `{inner}`"),
                    _ => format!("a `{ty}` column cannot have a v2 default; remove it"),
                };
                return DefaultOutcome::rejected(mismatch(
                    pointer,
                    format!("quoted text `{s}` cannot be the default of a `{ty}` column"),
                    help,
                ));
            }
            match string_literal(inner, column_type, false) {
                Ok(value) => DefaultOutcome::value(value),
                Err((message, help)) => DefaultOutcome::rejected(mismatch(pointer, message, help)),
            }
        }
    }
}

/// A v3 builtin, matched case-insensitively.
fn v3_builtin(s: &str) -> Option<ColumnDefault> {
    match s.to_ascii_lowercase().as_str() {
        "now()" | "current_timestamp" => Some(ColumnDefault::Now),
        "current_date" => Some(ColumnDefault::CurrentDate),
        "gen_random_uuid()" | "uuid_generate_v4()" => Some(ColumnDefault::RandomUuid),
        _ => None,
    }
}

fn builtin_fits(builtin: &ColumnDefault, column_type: &ColumnType) -> bool {
    match builtin {
        ColumnDefault::Now | ColumnDefault::CurrentDate => {
            column_type.is_timestamp() || *column_type == ColumnType::Date
        }
        ColumnDefault::RandomUuid => *column_type == ColumnType::Uuid,
        _ => false,
    }
}

fn builtin_help(builtin: &ColumnDefault) -> String {
    match builtin {
        ColumnDefault::RandomUuid => "random UUIDs are defaults of `uuid` columns only".into(),
        _ => "clock builtins are defaults of `date`, `timestamp` and `timestamptz` columns only"
            .into(),
    }
}

fn mismatch(pointer: &str, message: String, help: String) -> Diagnostic {
    Diagnostic::error("MC0307", message)
        .at(pointer)
        .with_help(help)
}

/// What a valid default of `column_type` looks like.
fn literal_help(column_type: &ColumnType) -> String {
    match column_type {
        ColumnType::Uuid => {
            "a uuid default is a UUID string (`00000000-0000-0000-0000-000000000000`) or `gen_random_uuid()`".into()
        }
        ColumnType::Text | ColumnType::Varchar(_) => "a text default is a string".into(),
        ColumnType::Integer | ColumnType::Bigint => "an integer default is a whole number, e.g. `0`".into(),
        ColumnType::Numeric(_) => "a numeric default is a number, e.g. `0` or `1.5`".into(),
        ColumnType::Boolean => "a boolean default is `true` or `false`".into(),
        ColumnType::Date => "a date default is `YYYY-MM-DD` or `current_date`".into(),
        ColumnType::Timestamp | ColumnType::Timestamptz => {
            "a timestamp default is an ISO 8601 date-time (`2024-01-31T09:30:00Z`) or `now()`".into()
        }
        ColumnType::Json | ColumnType::Jsonb => {
            "a json default is a string holding JSON text, e.g. `\"{}\"` or `\"[]\"`".into()
        }
        ColumnType::Vector(_) => "vector columns take no default; remove it".into(),
    }
}

/// A string literal of `column_type` (v3 strings, v2 quoted text).
fn string_literal(
    text: &str,
    column_type: &ColumnType,
    v3: bool,
) -> Result<ColumnDefault, (String, String)> {
    let ty = column_type.canonical();
    let bad = |what: &str| {
        (
            format!("default `{text}` is not {what} for a `{ty}` column"),
            literal_help(column_type),
        )
    };
    match column_type {
        ColumnType::Text => Ok(ColumnDefault::Text(text.to_string())),
        ColumnType::Varchar(n) => {
            let len = text.chars().count();
            if len as u64 > u64::from(*n) {
                Err((
                    format!("default `{text}` is {len} characters long; the column is `{ty}`"),
                    format!("shorten the default to at most {n} characters or widen the column"),
                ))
            } else {
                Ok(ColumnDefault::Text(text.to_string()))
            }
        }
        ColumnType::Uuid => {
            if is_uuid(text) {
                Ok(ColumnDefault::Text(text.to_ascii_lowercase()))
            } else {
                Err(bad("a UUID"))
            }
        }
        ColumnType::Date => {
            if parse_date(text).is_some() {
                Ok(ColumnDefault::Text(text.to_string()))
            } else {
                Err(bad("an ISO 8601 date (`YYYY-MM-DD`)"))
            }
        }
        ColumnType::Timestamp | ColumnType::Timestamptz => {
            if is_timestamp(text) {
                Ok(ColumnDefault::Text(text.to_string()))
            } else {
                Err(bad("an ISO 8601 date-time"))
            }
        }
        // Only v3 reaches these: v2 quoted text is limited to text-like columns.
        ColumnType::Integer | ColumnType::Bigint | ColumnType::Numeric(_) if v3 => {
            if is_decimal_text(text) {
                numeric_default(text, column_type, false)
            } else {
                Err(bad("a number"))
            }
        }
        ColumnType::Boolean if v3 => match text.to_ascii_lowercase().as_str() {
            "true" => Ok(ColumnDefault::Bool(true)),
            "false" => Ok(ColumnDefault::Bool(false)),
            _ => Err((
                format!("default `{text}` is not a boolean"),
                "write `true` or `false`".into(),
            )),
        },
        ColumnType::Json | ColumnType::Jsonb if v3 => {
            if serde_json::from_str::<serde_json::Value>(text).is_ok() {
                Ok(ColumnDefault::Text(text.to_string()))
            } else {
                Err(bad("JSON text"))
            }
        }
        _ => Err((
            format!("a `{ty}` column cannot have the default `{text}`"),
            literal_help(column_type),
        )),
    }
}

/// A numeric literal checked against a numeric column. Integer columns get the integer's
/// plain text (`3.0` → `3`); numeric columns keep the exact text in v3 and the kernel's
/// printing in v2 (whole numbers as integers, otherwise plain decimals).
fn numeric_default(
    text: &str,
    column_type: &ColumnType,
    v2_printing: bool,
) -> Result<ColumnDefault, (String, String)> {
    let ty = column_type.canonical();
    let Some(decimal) = Decimal::parse(text) else {
        return Err((
            format!("default `{text}` is not a number a `{ty}` column can hold"),
            literal_help(column_type),
        ));
    };
    match column_type {
        ColumnType::Integer | ColumnType::Bigint => {
            if !decimal.frac.is_empty() {
                return Err((
                    format!("default `{text}` is not a whole number; the column is `{ty}`"),
                    "write a whole number, or make the column `numeric`".into(),
                ));
            }
            let (min, max) = if *column_type == ColumnType::Integer {
                (i128::from(i32::MIN), i128::from(i32::MAX))
            } else {
                (i128::from(i64::MIN), i128::from(i64::MAX))
            };
            let int = if decimal.int.is_empty() {
                "0"
            } else {
                &decimal.int
            };
            let value = int
                .parse::<i128>()
                .ok()
                .filter(|_| decimal.int.len() <= 30)
                .map(|v| if decimal.negative { -v } else { v })
                .filter(|v| (min..=max).contains(v));
            match value {
                Some(v) => Ok(ColumnDefault::Number(v.to_string())),
                None => Err((
                    format!(
                        "default `{text}` is out of range for a `{ty}` column ({min} to {max})"
                    ),
                    if *column_type == ColumnType::Integer {
                        "use a smaller value, or make the column `bigint`".into()
                    } else {
                        "use a smaller value, or make the column `numeric`".into()
                    },
                )),
            }
        }
        ColumnType::Numeric(precision) => {
            if let Some((p, s)) = precision {
                let int_digits = decimal.int.trim_start_matches('0').len() as u64;
                if int_digits > u64::from(p.saturating_sub(*s)) {
                    return Err((
                        format!(
                            "default `{text}` has {int_digits} digits before the decimal point; `{ty}` allows {}",
                            p.saturating_sub(*s)
                        ),
                        "use a smaller value or widen the column's precision".into(),
                    ));
                }
            }
            Ok(ColumnDefault::Number(if v2_printing {
                decimal.plain()
            } else {
                text.to_string()
            }))
        }
        _ => Err((
            format!("numeric default `{text}` on a `{ty}` column"),
            literal_help(column_type),
        )),
    }
}

/// A decimal number broken into digits, exponent applied (no float involved).
struct Decimal {
    negative: bool,
    /// Integer digits, no leading zeros (`""` for zero).
    int: String,
    /// Fraction digits, no trailing zeros.
    frac: String,
}

impl Decimal {
    /// Parses `[+-]digits[.digits][e[+-]digits]` (also `.5`, `5.`); `None` for anything else or
    /// an exponent beyond ±400.
    fn parse(text: &str) -> Option<Decimal> {
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(i) => {
                let e = &rest[i + 1..];
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let value: i64 = e.parse().ok()?;
                (&rest[..i], value)
            }
            None => (rest, 0),
        };
        if !(-400..=400).contains(&exponent) {
            return None;
        }
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int.is_empty() && frac.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let mut digits: String = format!("{int}{frac}");
        // Position of the decimal point within `digits`, after the exponent.
        let mut point = int.len() as i64 + exponent;
        if point < 0 {
            digits = format!("{}{digits}", "0".repeat((-point) as usize));
            point = 0;
        }
        let point = point as usize;
        if point > digits.len() {
            digits.push_str(&"0".repeat(point - digits.len()));
        }
        let (i, f) = digits.split_at(point);
        Some(Decimal {
            negative,
            int: i.trim_start_matches('0').to_string(),
            frac: f.trim_end_matches('0').to_string(),
        })
    }

    /// Plain decimal text: `42`, `-0.5`, `1000` (for `1e3`).
    fn plain(&self) -> String {
        let int = if self.int.is_empty() { "0" } else { &self.int };
        let zero = self.int.is_empty() && self.frac.is_empty();
        let sign = if self.negative && !zero { "-" } else { "" };
        if self.frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{}", self.frac)
        }
    }
}

/// `[+-]digits[.digits]` (what v3 accepts as a numeric string).
fn is_decimal_text(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    match body.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => digits(body),
    }
}

/// The hyphenated 8-4-4-4-12 hexadecimal form (any case).
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `YYYY-MM-DD`, a real calendar date.
fn parse_date(text: &str) -> Option<(u32, u32, u32)> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &str| -> Option<u32> {
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(&text[0..4])?, num(&text[5..7])?, num(&text[8..10])?);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then_some((y, m, d))
}

/// ISO 8601 date or date-time: `YYYY-MM-DD`, optionally `T`/space `HH:MM[:SS[.fff]]` and a
/// zone `Z`, `±HH`, `±HHMM` or `±HH:MM`.
fn is_timestamp(text: &str) -> bool {
    if text.len() < 10 || !text.is_char_boundary(10) || parse_date(&text[..10]).is_none() {
        return false;
    }
    let rest = &text[10..];
    if rest.is_empty() {
        return true;
    }
    let Some(time) = rest.strip_prefix(['T', 't', ' ']).filter(|t| !t.is_empty()) else {
        return false;
    };
    // Split off the zone.
    let (clock, zone) = match time.find(['Z', 'z', '+', '-']) {
        Some(i) => (&time[..i], &time[i..]),
        None => (time, ""),
    };
    let two = |s: &str, max: u32| {
        s.len() == 2
            && s.bytes().all(|b| b.is_ascii_digit())
            && s.parse::<u32>().is_ok_and(|v| v <= max)
    };
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (clock, None),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    let clock_ok = match parts.as_slice() {
        [h, m] => fraction.is_none() && two(h, 23) && two(m, 59),
        [h, m, s] => two(h, 23) && two(m, 59) && two(s, 60),
        _ => false,
    } && fraction
        .is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    let zone_ok = match zone {
        "" | "Z" | "z" => true,
        z if !z.is_ascii() => false,
        z => {
            let body = &z[1..];
            match body.len() {
                2 => two(body, 23),
                4 => two(&body[..2], 23) && two(&body[2..], 59),
                5 => &body[2..3] == ":" && two(&body[..2], 23) && two(&body[3..], 59),
                _ => false,
            }
        }
    };
    clock_ok && zone_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;

    fn node(json: &str) -> Node {
        crate::json::parse(json).expect("test JSON").root
    }

    fn v3(json: &str, ty: &str) -> DefaultOutcome {
        v3_default(
            &node(json),
            &ColumnType::parse_canonical(ty).expect("type"),
            "/models/0/columns/1/default",
        )
    }

    fn v2(json: &str, ty: &str) -> DefaultOutcome {
        v2_default(
            &node(json),
            &ColumnType::parse_canonical(ty).expect("type"),
            "/model_definitions/0/columns/1/default",
        )
    }

    fn codes(outcome: &DefaultOutcome) -> Vec<&'static str> {
        outcome.diagnostics.iter().map(|d| d.code).collect()
    }

    fn ok(outcome: DefaultOutcome) -> Option<ColumnDefault> {
        assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
        outcome.value
    }

    fn number(text: &str) -> Option<ColumnDefault> {
        Some(ColumnDefault::Number(text.into()))
    }

    fn text(t: &str) -> Option<ColumnDefault> {
        Some(ColumnDefault::Text(t.into()))
    }

    #[test]
    fn v3_null_is_no_default() {
        assert_eq!(ok(v3("null", "text")), None);
    }

    #[test]
    fn v3_booleans_only_on_boolean_columns() {
        assert_eq!(ok(v3("true", "boolean")), Some(ColumnDefault::Bool(true)));
        assert_eq!(codes(&v3("false", "text")), ["MC0307"]);
        assert_eq!(
            ok(v3("\"FALSE\"", "boolean")),
            Some(ColumnDefault::Bool(false))
        );
        assert_eq!(codes(&v3("\"yes\"", "boolean")), ["MC0307"]);
    }

    #[test]
    fn v3_numbers_keep_exact_text_on_numeric_columns() {
        assert_eq!(ok(v3("0.10", "numeric(12,2)")), number("0.10"));
        assert_eq!(
            ok(v3("12345678901234567890.123456789", "numeric")),
            number("12345678901234567890.123456789")
        );
        assert_eq!(codes(&v3("1000.5", "numeric(5,2)")), ["MC0307"]);
        assert_eq!(ok(v3("\"2.50\"", "numeric")), number("2.50"));
        assert_eq!(codes(&v3("\"2,5\"", "numeric")), ["MC0307"]);
    }

    #[test]
    fn v3_integers_are_whole_and_in_range() {
        assert_eq!(ok(v3("42", "integer")), number("42"));
        assert_eq!(ok(v3("3.0", "integer")), number("3"));
        assert_eq!(ok(v3("1e3", "bigint")), number("1000"));
        assert_eq!(codes(&v3("4.5", "integer")), ["MC0307"]);
        assert_eq!(ok(v3("-2147483648", "integer")), number("-2147483648"));
        assert_eq!(codes(&v3("2147483648", "integer")), ["MC0307"]);
        assert_eq!(ok(v3("2147483648", "bigint")), number("2147483648"));
        assert_eq!(codes(&v3("9223372036854775808", "bigint")), ["MC0307"]);
        assert_eq!(ok(v3("\"-7\"", "integer")), number("-7"));
    }

    #[test]
    fn v3_numbers_on_text_columns_are_mismatches() {
        let outcome = v3("42", "text");
        assert_eq!(codes(&outcome), ["MC0307"]);
        assert!(outcome.diagnostics[0]
            .help
            .as_deref()
            .unwrap()
            .contains("\"42\""));
        assert_eq!(codes(&v3("1", "uuid")), ["MC0307"]);
    }

    #[test]
    fn v3_builtins_case_insensitive_and_placed() {
        assert_eq!(ok(v3("\"now()\"", "timestamptz")), Some(ColumnDefault::Now));
        assert_eq!(ok(v3("\"NOW()\"", "timestamp")), Some(ColumnDefault::Now));
        assert_eq!(
            ok(v3("\"CURRENT_TIMESTAMP\"", "date")),
            Some(ColumnDefault::Now)
        );
        assert_eq!(
            ok(v3("\"current_date\"", "date")),
            Some(ColumnDefault::CurrentDate)
        );
        assert_eq!(
            ok(v3("\"current_date\"", "timestamptz")),
            Some(ColumnDefault::CurrentDate)
        );
        assert_eq!(
            ok(v3("\"gen_random_uuid()\"", "uuid")),
            Some(ColumnDefault::RandomUuid)
        );
        assert_eq!(
            ok(v3("\"UUID_GENERATE_V4()\"", "uuid")),
            Some(ColumnDefault::RandomUuid)
        );
        assert_eq!(codes(&v3("\"now()\"", "text")), ["MC0307"]);
        assert_eq!(codes(&v3("\"gen_random_uuid()\"", "text")), ["MC0307"]);
        assert_eq!(codes(&v3("\"current_date\"", "integer")), ["MC0307"]);
    }

    #[test]
    fn v3_text_literals() {
        assert_eq!(ok(v3("\"open\"", "text")), text("open"));
        assert_eq!(ok(v3("\"\"", "text")), text(""));
        assert_eq!(ok(v3("\"abcd\"", "varchar(4)")), text("abcd"));
        assert_eq!(ok(v3("\"ñañá\"", "varchar(4)")), text("ñañá"));
        assert_eq!(codes(&v3("\"abcde\"", "varchar(4)")), ["MC0307"]);
    }

    #[test]
    fn v3_uuid_date_timestamp_literals_must_parse() {
        assert_eq!(
            ok(v3("\"123E4567-E89B-12D3-A456-426614174000\"", "uuid")),
            text("123e4567-e89b-12d3-a456-426614174000")
        );
        assert_eq!(codes(&v3("\"not-a-uuid\"", "uuid")), ["MC0307"]);
        assert_eq!(ok(v3("\"2024-02-29\"", "date")), text("2024-02-29"));
        assert_eq!(codes(&v3("\"2023-02-29\"", "date")), ["MC0307"]);
        assert_eq!(codes(&v3("\"31/01/2024\"", "date")), ["MC0307"]);
        for good in [
            "2024-01-31T09:30:00Z",
            "2024-01-31 09:30",
            "2024-01-31T09:30:00.123456+05:30",
            "2024-01-31T09:30:00-0800",
            "2024-01-31",
        ] {
            assert_eq!(
                ok(v3(&format!("\"{good}\""), "timestamptz")),
                text(good),
                "{good}"
            );
        }
        for bad in [
            "2024-01-31T25:00",
            "2024-01-31T",
            "yesterday",
            "2024-01-31T09:30+5",
        ] {
            assert_eq!(
                codes(&v3(&format!("\"{bad}\""), "timestamp")),
                ["MC0307"],
                "{bad}"
            );
        }
    }

    #[test]
    fn v3_arrays_and_objects_are_refused_even_on_json() {
        assert_eq!(codes(&v3("[]", "jsonb")), ["MC0306"]);
        assert_eq!(codes(&v3("{\"a\": 1}", "json")), ["MC0306"]);
        assert_eq!(ok(v3("\"[]\"", "jsonb")), text("[]"));
        assert_eq!(codes(&v3("\"{oops\"", "jsonb")), ["MC0307"]);
    }

    #[test]
    fn v3_sql_characters_are_refused() {
        for bad in ["a;b", "back\\\\slash", "say \\\"hi\\\"", "it's"] {
            let outcome = v3(&format!("\"{bad}\""), "text");
            assert_eq!(codes(&outcome), ["MC0306"], "{bad}");
            assert_eq!(outcome.value, None);
        }
    }

    #[test]
    fn v3_sql_quoted_string_warns_and_strips() {
        let outcome = v3("\"'open'\"", "text");
        assert_eq!(codes(&outcome), ["MC0308"]);
        assert_eq!(outcome.diagnostics[0].severity, Severity::Warning);
        assert_eq!(outcome.value, text("open"));
        // The stripped text must still fit and still be clean.
        assert_eq!(
            codes(&v3("\"'abcde'\"", "varchar(3)")),
            ["MC0308", "MC0307"]
        );
        assert_eq!(codes(&v3("\"'it''s'\"", "text")), ["MC0308", "MC0306"]);
    }

    #[test]
    fn v3_diagnostics_point_at_the_default() {
        let outcome = v3("[1]", "text");
        assert_eq!(
            outcome.diagnostics[0].pointer(),
            Some("/models/0/columns/1/default")
        );
        assert!(outcome.diagnostics[0].help.is_some());
    }

    #[test]
    fn v2_null_and_empty_are_no_default() {
        assert_eq!(ok(v2("null", "text")), None);
        assert_eq!(ok(v2("\"\"", "varchar(20)")), None);
        assert_eq!(ok(v2("\"null\"", "integer")), None);
    }

    #[test]
    fn v2_json_numbers_print_whole_as_integers() {
        assert_eq!(ok(v2("0", "numeric(18,4)")), number("0"));
        assert_eq!(ok(v2("0.1", "numeric(18,4)")), number("0.1"));
        assert_eq!(ok(v2("42.50", "numeric(18,4)")), number("42.5"));
        assert_eq!(ok(v2("1e3", "numeric(18,4)")), number("1000"));
        assert_eq!(ok(v2("2.0", "integer")), number("2"));
        assert_eq!(ok(v2("60", "integer")), number("60"));
        assert_eq!(codes(&v2("0.5", "integer")), ["MC0307"]);
        assert_eq!(codes(&v2("1e20", "numeric(18,4)")), ["MC0307"]);
        assert_eq!(codes(&v2("3", "varchar(10)")), ["MC0307"]);
    }

    #[test]
    fn v2_booleans() {
        assert_eq!(ok(v2("true", "boolean")), Some(ColumnDefault::Bool(true)));
        assert_eq!(
            ok(v2("\"false\"", "boolean")),
            Some(ColumnDefault::Bool(false))
        );
        assert_eq!(codes(&v2("true", "integer")), ["MC0307"]);
        assert_eq!(codes(&v2("\"TRUE\"", "boolean")), ["MC0306"]);
    }

    #[test]
    fn v2_whitelist_rejects_what_the_kernel_rejects() {
        for bad in [
            "open", "NOW()", "'it''s'", "'a;b'", "1e3", "+1", "1.", ".5", "now", "'x",
        ] {
            let outcome = v2(&format!("\"{bad}\""), "text");
            assert_eq!(codes(&outcome), ["MC0306"], "{bad}");
            assert!(outcome.diagnostics[0].help.is_some());
        }
        assert!(v2("\"open\"", "text").diagnostics[0]
            .help
            .as_deref()
            .unwrap()
            .contains("'open'"));
        assert!(v2("\"NOW()\"", "timestamptz").diagnostics[0]
            .help
            .as_deref()
            .unwrap()
            .contains("`now()`"));
        assert_eq!(codes(&v2("[1]", "jsonb")), ["MC0306"]);
        assert_eq!(codes(&v2("{}", "jsonb")), ["MC0306"]);
    }

    #[test]
    fn v2_quoted_text_fits_text_like_columns_only() {
        assert_eq!(ok(v2("\"'draft'\"", "varchar(20)")), text("draft"));
        assert_eq!(ok(v2("\"''\"", "text")), text(""));
        assert_eq!(codes(&v2("\"'toolong'\"", "varchar(3)")), ["MC0307"]);
        assert_eq!(
            ok(v2("\"'123e4567-e89b-12d3-a456-426614174000'\"", "uuid")),
            text("123e4567-e89b-12d3-a456-426614174000")
        );
        assert_eq!(codes(&v2("\"'x'\"", "uuid")), ["MC0307"]);
        assert_eq!(ok(v2("\"'2024-01-31'\"", "date")), text("2024-01-31"));
        assert_eq!(
            ok(v2("\"'2024-01-31 10:00:00'\"", "timestamptz")),
            text("2024-01-31 10:00:00")
        );
        assert_eq!(codes(&v2("\"'42'\"", "integer")), ["MC0307"]);
        assert_eq!(codes(&v2("\"'true'\"", "boolean")), ["MC0307"]);
        assert_eq!(codes(&v2("\"'{}'\"", "jsonb")), ["MC0307"]);
    }

    #[test]
    fn v2_numeric_strings() {
        assert_eq!(ok(v2("\"-12.50\"", "numeric(18,4)")), number("-12.5"));
        assert_eq!(ok(v2("\"7\"", "bigint")), number("7"));
        assert_eq!(codes(&v2("\"7.5\"", "integer")), ["MC0307"]);
        assert_eq!(codes(&v2("\"7\"", "text")), ["MC0307"]);
        assert_eq!(codes(&v2("\"99999999999\"", "integer")), ["MC0307"]);
    }

    #[test]
    fn v2_builtins() {
        assert_eq!(ok(v2("\"now()\"", "timestamptz")), Some(ColumnDefault::Now));
        assert_eq!(
            ok(v2("\"current_timestamp\"", "date")),
            Some(ColumnDefault::Now)
        );
        assert_eq!(
            ok(v2("\"gen_random_uuid()\"", "uuid")),
            Some(ColumnDefault::RandomUuid)
        );
        assert_eq!(
            ok(v2("\"uuid_generate_v4()\"", "uuid")),
            Some(ColumnDefault::RandomUuid)
        );
        assert_eq!(codes(&v2("\"now()\"", "varchar(20)")), ["MC0307"]);
        assert_eq!(codes(&v2("\"uuid_generate_v4()\"", "text")), ["MC0307"]);
        // `current_date` is a v3 builtin only.
        assert_eq!(codes(&v2("\"current_date\"", "date")), ["MC0306"]);
    }

    #[test]
    fn decimal_expansion_is_exact() {
        let plain = |t: &str| Decimal::parse(t).map(|d| d.plain());
        assert_eq!(plain("1.5e-3").as_deref(), Some("0.0015"));
        assert_eq!(plain("-0.0").as_deref(), Some("0"));
        assert_eq!(plain("120e-1").as_deref(), Some("12"));
        assert_eq!(plain("0.1").as_deref(), Some("0.1"));
        assert_eq!(plain("1e999").as_deref(), None);
        assert_eq!(plain("abc").as_deref(), None);
    }
}
