//! Models (§2.6, §6.4–§6.6, §7.8): unique model keys, tables, columns and index names;
//! identifier lengths; reserved column names; type parameters; the primary key and the tenancy column; references from
//! indices, foreign keys, relations, seeds and UI options to columns and models; validation
//! blocks; generated columns; and the notes for the implicit columns of v3 models.

use std::collections::BTreeMap;

use metacore_core::storage::SEARCH_DOCUMENT_COLUMN;
use regex::Regex;
use serde_json::Value as Json;

use super::Context;
use crate::diagnostics::Diagnostic;
use crate::ir::{
    Addon, Column, ColumnType, Dialect, ForeignKey, Index, Isolation, Model, Relation, SystemRole,
    Validation,
};
use crate::json::pointer_push;
use crate::suggest::did_you_mean;

/// PostgreSQL truncates identifiers beyond this many bytes.
const MAX_IDENTIFIER_BYTES: usize = 63;

/// The `custom` validators the server enforces itself (§6.4).
const BUILTIN_VALIDATORS: [&str; 4] = ["email", "url", "uuid", "phone"];

/// Runs the models checks.
pub fn check(addon: &Addon, _context: &Context, out: &mut Vec<Diagnostic>) {
    check_model_names(addon, out);
    // Compiler-made indices first, so a name clash is reported on the declared index.
    let mut index_names: BTreeMap<&str, (&Model, &Index)> = BTreeMap::new();
    for implicit in [true, false] {
        for model in &addon.models {
            for index in model.indices.iter().filter(|i| i.implicit == implicit) {
                check_index(addon, model, index, &mut index_names, out);
            }
        }
    }
    for model in &addon.models {
        check_columns(addon, model, out);
        check_primary_key(model, out);
        check_tenancy(addon, model, out);
        for fk in &model.foreign_keys {
            check_foreign_key(addon, model, fk, out);
        }
        check_relations(addon, model, out);
        check_advanced(model, out);
        check_form_layout(model, out);
        check_implicit_notes(addon, model, out);
    }
}

// ---------------------------------------------------------------------------------------------
// Names

fn key_field(addon: &Addon) -> &'static str {
    match addon.dialect {
        Dialect::V3 => "key",
        Dialect::V2 => "model_key",
    }
}

fn table_field(addon: &Addon) -> &'static str {
    match addon.dialect {
        Dialect::V3 => "table",
        Dialect::V2 => "table_name",
    }
}

/// MC0301, MC0302, and the length of v3 table names (MC0304; v2 lowering checks its own).
fn check_model_names(addon: &Addon, out: &mut Vec<Diagnostic>) {
    let mut keys: BTreeMap<&str, &Model> = BTreeMap::new();
    let mut tables: BTreeMap<&str, &Model> = BTreeMap::new();
    for model in &addon.models {
        if let Some(first) = first_seen(&mut keys, &model.key, model) {
            out.push(
                Diagnostic::error(
                    "MC0301",
                    format!("model key `{}` is declared twice", model.key),
                )
                .at(format!("{}/{}", model.src, key_field(addon)))
                .with_help(format!("rename one of them; the first is at {}", first.src)),
            );
        }
        if let Some(first) = first_seen(&mut tables, &model.table, model) {
            out.push(
                Diagnostic::error(
                    "MC0302",
                    format!(
                        "table `{}` of model `{}` is already the table of model `{}`",
                        model.table, model.key, first.key
                    ),
                )
                .at(format!("{}/{}", model.src, table_field(addon)))
                .with_help("every model needs its own table; the table is also its route name"),
            );
        }
        if addon.dialect == Dialect::V3 && model.table.len() > MAX_IDENTIFIER_BYTES {
            out.push(
                Diagnostic::error(
                    "MC0304",
                    format!(
                        "table name `{}` is {} bytes long; PostgreSQL identifiers are at most 63",
                        model.table,
                        model.table.len()
                    ),
                )
                .at(format!("{}/table", model.src))
                .with_help("use a shorter table name"),
            );
        }
    }
}

/// Inserts `value` under `key` unless present; returns the earlier value when it was.
fn first_seen<'a, T: Copy>(map: &mut BTreeMap<&'a str, T>, key: &'a str, value: T) -> Option<T> {
    match map.get(key) {
        Some(first) => Some(*first),
        None => {
            map.insert(key, value);
            None
        }
    }
}

/// `Model.column`, for messages.
fn qualified(model: &Model, column: &str) -> String {
    format!("`{}.{}`", model.key, column)
}

/// "did you mean `x`?", or the list of the model's columns.
fn column_help(model: &Model, name: &str) -> String {
    match did_you_mean(name, model.columns.iter().map(|c| &c.name)) {
        Some(s) => format!("did you mean `{s}`?"),
        None => {
            let names: Vec<String> = model
                .columns
                .iter()
                .take(16)
                .map(|c| format!("`{}`", c.name))
                .collect();
            format!(
                "columns of `{}`: {}{}",
                model.key,
                names.join(", "),
                if model.columns.len() > 16 {
                    ", …"
                } else {
                    ""
                }
            )
        }
    }
}

/// True for `^[a-z][a-z0-9_]*$` (or `^[a-z_]…` when `underscore_first`).
fn is_identifier(s: &str, underscore_first: bool) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || (underscore_first && c == '_'))
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

// ---------------------------------------------------------------------------------------------
// Model references

/// What a model name written in the manifest refers to.
enum Resolved<'a> {
    /// A model of this addon.
    Own(&'a Model),
    /// A model of another addon (the addon part of a qualified name).
    Foreign(&'a str),
    /// Nothing this addon declares.
    Unknown,
}

fn resolve<'a>(addon: &'a Addon, name: &'a str) -> Resolved<'a> {
    if let Some(model) = addon.find_model_ref(name) {
        return Resolved::Own(model);
    }
    if let Some((prefix, _)) = name.split_once('.') {
        // v2 refs name tables schema-qualified: `addon_<key>.<table>`.
        if prefix.strip_prefix("addon_") == Some(addon.key.as_str()) {
            return Resolved::Unknown;
        }
        if prefix != addon.key {
            let addon_key = prefix.strip_prefix("addon_").unwrap_or(prefix);
            return Resolved::Foreign(addon_key);
        }
    }
    Resolved::Unknown
}

/// Help for an unknown model name: the closest key or table, or the models there are.
fn model_help(addon: &Addon, name: &str) -> String {
    let (prefix, local) = match name.split_once('.') {
        Some((p, l)) => (Some(p), l),
        None => (None, name),
    };
    let candidates: Vec<&String> = addon
        .models
        .iter()
        .flat_map(|m| [&m.key, &m.table])
        .collect();
    match did_you_mean(local, candidates) {
        Some(s) => match prefix {
            Some(p) => format!("did you mean `{p}.{s}`?"),
            None => format!("did you mean `{s}`?"),
        },
        None if addon.models.is_empty() => "this addon declares no models".to_string(),
        None => {
            let keys: Vec<String> = addon
                .models
                .iter()
                .map(|m| format!("`{}`", m.key))
                .collect();
            format!("models of this addon: {}", keys.join(", "))
        }
    }
}

/// The warning for a reference into another addon (MC0315).
fn foreign_model_warning(
    addon: &Addon,
    what: String,
    target: &str,
    other: &str,
    physical: bool,
    pointer: String,
) -> Diagnostic {
    let d = Diagnostic::warning(
        "MC0315",
        format!(
            "{what} references `{target}`, a model of addon `{other}`; it cannot be checked here"
        ),
    )
    .at(pointer);
    if physical {
        d.with_help(
            "a physical constraint cannot span addons that are installed separately; write `\"policy\": \"logical\"`",
        )
    } else if !addon.requires.iter().any(|r| r.key == other) {
        d.with_help(format!(
            "declare `{other}` in the addon's requirements so it is installed first"
        ))
    } else {
        d
    }
}

// ---------------------------------------------------------------------------------------------
// Columns

fn check_columns(addon: &Addon, model: &Model, out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, &Column> = BTreeMap::new();
    for column in &model.columns {
        if let Some(first) = first_seen(&mut seen, &column.name, column) {
            duplicate_column(addon, model, first, column, out);
        }
        if column.implicit {
            continue;
        }
        if addon.dialect == Dialect::V3 && column.name.len() > MAX_IDENTIFIER_BYTES {
            out.push(
                Diagnostic::error(
                    "MC0304",
                    format!(
                        "column name `{}` of `{}` is {} bytes long; PostgreSQL identifiers are at most 63",
                        column.name,
                        model.key,
                        column.name.len()
                    ),
                )
                .at(format!("{}/name", column.src))
                .with_help("use a shorter column name"),
            );
        }
        if let Some(why) = reserved_column(&column.name) {
            out.push(
                Diagnostic::error(
                    "MC0325",
                    format!(
                        "column name `{}` of `{}` is reserved: {why}",
                        column.name, model.key
                    ),
                )
                .at(format!("{}/name", column.src))
                .with_help("rename the column"),
            );
        }
        check_type_params(model, column, out);
        if let Some(validation) = &column.validation {
            check_validation(addon, model, column, validation, out);
        }
        if let Some(expression) = &column.generated {
            check_generated(model, column, expression, out);
        }
        check_ref(addon, model, column, out);
        check_column_ui(model, column, out);
    }
}

fn duplicate_column(
    addon: &Addon,
    model: &Model,
    first: &Column,
    column: &Column,
    out: &mut Vec<Diagnostic>,
) {
    match (first.implicit, column.implicit) {
        (false, false) => out.push(
            Diagnostic::error(
                "MC0303",
                format!(
                    "column {} is declared twice",
                    qualified(model, &column.name)
                ),
            )
            .at(format!("{}/name", column.src))
            .with_help(format!(
                "remove or rename one; the first is at {}",
                first.src
            )),
        ),
        // v2 lowering reports declared columns that reuse an implicit name (MC0312).
        _ if addon.dialect == Dialect::V2 => {}
        (true, true) => {}
        (true, false) | (false, true) => {
            let declared = if column.implicit { first } else { column };
            out.push(
                Diagnostic::error(
                    "MC0303",
                    format!(
                        "column {} clashes with the column of that name the compiler adds",
                        qualified(model, &declared.name)
                    ),
                )
                .at(format!("{}/name", declared.src))
                .with_help(if declared.name == "id" {
                    "mark it `\"primary_key\": true` (as a `uuid`), or rename it".to_string()
                } else {
                    "rename it".to_string()
                }),
            );
        }
    }
}

/// Why a column may not be named `name` (a lowercase identifier), if it may not. (SQLite's
/// third rowid alias, `_rowid_`, is no identifier of a manifest.)
fn reserved_column(name: &str) -> Option<&'static str> {
    if name == SEARCH_DOCUMENT_COLUMN {
        Some("the migrations keep the search document of the model's search columns under that name on PostgreSQL")
    } else if matches!(name, "rowid" | "oid") {
        Some("on SQLite it would hide the row's rowid, which the search index and list pages join on")
    } else if name.starts_with("metacore_") {
        Some("the `metacore_` prefix names what the runtime adds to tables and statements")
    } else {
        None
    }
}

/// MC0305: type parameters the schema pattern lets through.
fn check_type_params(model: &Model, column: &Column, out: &mut Vec<Diagnostic>) {
    let (problem, help) = match column.column_type {
        ColumnType::Numeric(Some((p, _))) if p == 0 || p > 1000 => (
            format!("precision {p} is out of range"),
            "numeric precision is 1 to 1000, e.g. `numeric(12,2)`; or write `numeric` for any precision"
                .to_string(),
        ),
        ColumnType::Numeric(Some((p, s))) if s > p => (
            format!("scale {s} is larger than the precision {p}"),
            "the scale (digits after the point) cannot exceed the precision (all digits), e.g. `numeric(12,2)`".to_string(),
        ),
        ColumnType::Varchar(0) => (
            "the length must be at least 1".to_string(),
            "write `varchar(n)` with n ≥ 1, or `text`".to_string(),
        ),
        ColumnType::Vector(Some(0)) => (
            "the dimension must be at least 1".to_string(),
            "write `vector(n)` with n ≥ 1, or `vector`".to_string(),
        ),
        _ => return,
    };
    out.push(
        Diagnostic::error(
            "MC0305",
            format!(
                "column {} has type `{}`: {problem}",
                qualified(model, &column.name),
                column.column_type.canonical()
            ),
        )
        .at(format!("{}/type", column.src))
        .with_help(help),
    );
}

// ---------------------------------------------------------------------------------------------
// Validation blocks (MC0318)

fn check_validation(
    addon: &Addon,
    model: &Model,
    column: &Column,
    validation: &Validation,
    out: &mut Vec<Diagnostic>,
) {
    let name = qualified(model, &column.name);
    if let Some(pattern) = &validation.regex {
        if let Err(e) = Regex::new(pattern) {
            let reason = regex_error_reason(&e);
            let unsupported = ["(?=", "(?!", "(?<=", "(?<!"]
                .iter()
                .any(|l| pattern.contains(l))
                || (1..=9).any(|n| pattern.contains(&format!("\\{n}")));
            out.push(
                Diagnostic::error(
                    "MC0318",
                    format!("the validation regex of {name} does not compile: {reason}"),
                )
                .at(format!("{}/regex", validation.src))
                .with_help(if unsupported {
                    "look-around and backreferences are not supported (the regex dialect is RE2-like); rewrite the pattern without them"
                } else {
                    "fix the pattern; the syntax is that of RE2 / Rust `regex`"
                }),
            );
        }
    }
    if let (Some(min), Some(max)) = (validation.min, validation.max) {
        if min > max {
            out.push(
                Diagnostic::error(
                    "MC0318",
                    format!("the validation of {name} has `min` {min} greater than `max` {max}"),
                )
                .at(format!("{}/min", validation.src))
                .with_help("swap them, or drop one bound"),
            );
        }
    }
    if let Some(custom) = &validation.custom {
        let pointer = format!("{}/custom", validation.src);
        let org_ref = custom
            .strip_prefix("$org.")
            .is_some_and(|key| is_identifier(key, false));
        let segments: Vec<&str> = custom.split('.').collect();
        let dotted = segments.iter().all(|s| is_identifier(s, false));
        let builtin = BUILTIN_VALIDATORS.contains(&custom.as_str());
        let valid = org_ref
            || builtin
            || match addon.dialect {
                Dialect::V3 => dotted,
                Dialect::V2 => dotted && segments.len() >= 2,
            };
        if !valid {
            out.push(
                Diagnostic::error(
                    "MC0318",
                    format!("invalid custom validator `{custom}` on {name}"),
                )
                .at(pointer)
                .with_help(match addon.dialect {
                    Dialect::V3 => "write a built-in (`email`, `url`, `uuid`, `phone`), a dotted slug like `rfc.tax_id`, or `$org.<key>`",
                    Dialect::V2 => "write a built-in (`email`, `url`, `uuid`, `phone`), a dotted slug like `rfc.tax_id` or `$org.<key>`",
                }),
            );
        } else if !org_ref && !builtin {
            out.push(
                Diagnostic::note(
                    "MC0318",
                    format!(
                        "custom validator `{custom}` on {name} is enforced by the client only"
                    ),
                )
                .at(pointer)
                .with_help("the server enforces `email`, `url`, `uuid`, `phone` and `$org.<key>` validators"),
            );
        }
    }
}

/// The one-line reason of a regex error (its display is a multi-line excerpt).
fn regex_error_reason(error: &regex::Error) -> String {
    let text = error.to_string();
    text.lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: ").map(str::to_string))
        .unwrap_or_else(|| text.lines().last().unwrap_or("").trim().to_string())
}

// ---------------------------------------------------------------------------------------------
// Generated columns (MC0320)

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token<'a> {
    Number,
    Ident(&'a str),
    Op(char),
    Open,
    Close,
}

fn tokenize(expression: &str) -> Result<Vec<Token<'_>>, String> {
    let bytes = expression.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'0'..=b'9' | b'.' => {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                if i < bytes.len() && bytes[i] == b'.' {
                    i += 1;
                    let fraction = i;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                    if i == fraction && fraction == start + 1 {
                        return Err("`.` is not a number".to_string());
                    }
                }
                if i < bytes.len() && (bytes[i].is_ascii_alphabetic() || bytes[i] == b'_') {
                    return Err(format!(
                        "`{}` is not a number",
                        &expression[start..identifier_end(bytes, i)]
                    ));
                }
                tokens.push(Token::Number);
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let start = i;
                i = identifier_end(bytes, i);
                tokens.push(Token::Ident(&expression[start..i]));
            }
            b'+' | b'-' | b'*' | b'/' => {
                tokens.push(Token::Op(char::from(b)));
                i += 1;
            }
            b'(' => {
                tokens.push(Token::Open);
                i += 1;
            }
            b')' => {
                tokens.push(Token::Close);
                i += 1;
            }
            _ => {
                let c = expression[i..].chars().next().unwrap_or('?');
                return Err(format!("`{c}` is not allowed"));
            }
        }
    }
    Ok(tokens)
}

fn identifier_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
        i += 1;
    }
    i
}

/// A recursive-descent check of `expr = term (("+"|"-") term)*`,
/// `term = unary (("*"|"/") unary)*`, `unary = ("+"|"-") unary | number | ident | "(" expr ")"`.
struct Parser<'t, 'a> {
    tokens: &'t [Token<'a>],
    position: usize,
}

impl<'a> Parser<'_, 'a> {
    fn peek(&self) -> Option<Token<'a>> {
        self.tokens.get(self.position).copied()
    }

    fn expression(&mut self) -> Result<(), String> {
        self.term()?;
        while let Some(Token::Op('+' | '-')) = self.peek() {
            self.position += 1;
            self.term()?;
        }
        Ok(())
    }

    fn term(&mut self) -> Result<(), String> {
        self.unary()?;
        while let Some(Token::Op('*' | '/')) = self.peek() {
            self.position += 1;
            self.unary()?;
        }
        Ok(())
    }

    fn unary(&mut self) -> Result<(), String> {
        match self.peek() {
            Some(Token::Op('+' | '-')) => {
                self.position += 1;
                self.unary()
            }
            Some(Token::Number) => {
                self.position += 1;
                Ok(())
            }
            Some(Token::Ident(name)) => {
                self.position += 1;
                if self.peek() == Some(Token::Open) {
                    return Err(format!("function calls (`{name}(…)`) are not allowed"));
                }
                Ok(())
            }
            Some(Token::Open) => {
                self.position += 1;
                self.expression()?;
                match self.peek() {
                    Some(Token::Close) => {
                        self.position += 1;
                        Ok(())
                    }
                    _ => Err("a `(` is not closed".to_string()),
                }
            }
            Some(Token::Op(op)) => Err(format!("`{op}` has no left operand")),
            Some(Token::Close) => Err("unexpected `)`".to_string()),
            None => Err("the expression ends where an operand is expected".to_string()),
        }
    }
}

/// Checks the arithmetic syntax; returns the identifiers used.
fn parse_generated(expression: &str) -> Result<Vec<&str>, String> {
    let tokens = tokenize(expression)?;
    if tokens.is_empty() {
        return Err("the expression is empty".to_string());
    }
    let mut parser = Parser {
        tokens: &tokens,
        position: 0,
    };
    parser.expression()?;
    match parser.peek() {
        None => {}
        Some(Token::Close) => return Err("unexpected `)`".to_string()),
        Some(_) => return Err("an operator is missing between two operands".to_string()),
    }
    let mut identifiers: Vec<&str> = Vec::new();
    for token in tokens {
        if let Token::Ident(name) = token {
            if !identifiers.contains(&name) {
                identifiers.push(name);
            }
        }
    }
    Ok(identifiers)
}

fn check_generated(model: &Model, column: &Column, expression: &str, out: &mut Vec<Diagnostic>) {
    let name = qualified(model, &column.name);
    let pointer = format!("{}/generated", column.src);
    match parse_generated(expression) {
        Err(reason) => out.push(
            Diagnostic::error(
                "MC0320",
                format!("the generated expression of {name} is not plain arithmetic: {reason}"),
            )
            .at(&pointer)
            .with_help("use sibling columns, decimal numbers, `+ - * /` and parentheses, e.g. `quantity * unit_price`"),
        ),
        Ok(identifiers) => {
            for identifier in identifiers {
                let diagnostic = if identifier == column.name {
                    Diagnostic::error(
                        "MC0320",
                        format!("the generated column {name} refers to itself"),
                    )
                    .with_help("compute it from other columns")
                } else {
                    match model.column(identifier) {
                        None => Diagnostic::error(
                            "MC0320",
                            format!(
                                "the generated expression of {name} names `{identifier}`, which is not a column of `{}`",
                                model.key
                            ),
                        )
                        .with_help(column_help(model, identifier)),
                        Some(sibling) if sibling.generated.is_some() => Diagnostic::error(
                            "MC0320",
                            format!(
                                "the generated expression of {name} uses `{identifier}`, itself a generated column"
                            ),
                        )
                        .with_help(format!(
                            "PostgreSQL cannot chain generated columns; inline the expression of `{identifier}`"
                        )),
                        Some(_) => continue,
                    }
                };
                out.push(diagnostic.at(&pointer));
            }
        }
    }
    if column.default.is_some() {
        out.push(
            Diagnostic::error(
                "MC0320",
                format!("the generated column {name} also has a default"),
            )
            .at(format!("{}/default", column.src))
            .with_help("a generated column is always computed; remove `default`"),
        );
    }
    if !column.nullable && !column.primary_key && column.role == SystemRole::None {
        out.push(
            Diagnostic::error(
                "MC0320",
                format!("the generated column {name} is declared NOT NULL"),
            )
            .at(format!("{}/not_null", column.src))
            .with_help("a generated column cannot be declared NOT NULL; remove `not_null`"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// `ref` (MC0321) and column UI options (MC0323)

fn check_ref(addon: &Addon, model: &Model, column: &Column, out: &mut Vec<Diagnostic>) {
    let Some(target) = &column.reference else {
        return;
    };
    // A ref derived from a foreign key or a relation is reported there (MC0315).
    let derived = model
        .foreign_keys
        .iter()
        .any(|fk| &fk.target_model == target && fk.columns.contains(&column.name))
        || model
            .relations
            .iter()
            .any(|r| &r.through == target && r.foreign_key == column.name);
    if derived {
        return;
    }
    if let Resolved::Unknown = resolve(addon, target) {
        out.push(
            Diagnostic::warning(
                "MC0321",
                format!(
                    "`ref` of column {} names `{target}`, which is not a known model",
                    qualified(model, &column.name)
                ),
            )
            .at(format!("{}/ref", column.src))
            .with_help(format!(
                "{} (a ref is a model key, `<addon>.<ModelKey>` or a table name)",
                model_help(addon, target)
            )),
        );
    }
}

fn check_column_ui(model: &Model, column: &Column, out: &mut Vec<Diagnostic>) {
    let name = qualified(model, &column.name);
    if let Some(Json::Array(options)) = &column.options {
        let mut values: BTreeMap<String, usize> = BTreeMap::new();
        for (j, option) in options.iter().enumerate() {
            if let Some(value) = option.get("value") {
                let text = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_string);
                if let Some(first) = values.get(&text) {
                    out.push(
                        Diagnostic::error(
                            "MC0323",
                            format!("option value `{text}` of {name} is listed twice"),
                        )
                        .at(format!("{}/options/{j}/value", column.src))
                        .with_help(format!(
                            "option values must be unique; the first is option {first}"
                        )),
                    );
                } else {
                    values.insert(text, j);
                }
            }
            if let Some(field) = option
                .get("when")
                .and_then(|w| w.get("field"))
                .and_then(Json::as_str)
                .filter(|f| !f.is_empty())
            {
                if model.column(field).is_none() {
                    out.push(
                        Diagnostic::warning(
                            "MC0323",
                            format!(
                                "option {j} of {name} is guarded by `{field}`, which is not a column of `{}`",
                                model.key
                            ),
                        )
                        .at(format!("{}/options/{j}/when/field", column.src))
                        .with_help(column_help(model, field)),
                    );
                }
            }
        }
    }
    if let Some(depends_on) = &column.depends_on {
        let pointer = format!("{}/depends_on", column.src);
        if depends_on == &column.name {
            out.push(
                Diagnostic::error("MC0323", format!("column {name} depends on itself"))
                    .at(pointer)
                    .with_help("name the sibling column whose value filters this one"),
            );
        } else if model.column(depends_on).is_none() {
            out.push(
                Diagnostic::error(
                    "MC0323",
                    format!(
                        "column {name} depends on `{depends_on}`, which is not a column of `{}`",
                        model.key
                    ),
                )
                .at(pointer)
                .with_help(column_help(model, depends_on)),
            );
        }
    }
    if let Some(field) = column
        .ui
        .get("visible_when")
        .and_then(|v| v.get("field"))
        .and_then(Json::as_str)
    {
        if let Some(d) = sibling_warning(model, Some(column), field, &name) {
            out.push(d.at(format!("{}/visible_when/field", column.src)));
        }
    }
    if let (Some(section), Some(keys)) = (
        column.ui.get("section").and_then(Json::as_str),
        section_keys(model),
    ) {
        if !keys.contains(&section) {
            let help = match did_you_mean(section, &keys) {
                Some(s) => format!("did you mean `{s}`?"),
                None if keys.is_empty() => "the form layout declares no sections".to_string(),
                None => format!(
                    "sections of the form layout: {}",
                    keys.iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            out.push(
                Diagnostic::warning(
                    "MC0323",
                    format!(
                        "column {name} is placed in section `{section}`, which the form layout of `{}` does not declare",
                        model.key
                    ),
                )
                .at(format!("{}/section", column.src))
                .with_help(help),
            );
        }
    }
}

/// The warning for a `visible_when.field` that names no sibling column (unpositioned).
fn sibling_warning(
    model: &Model,
    owner: Option<&Column>,
    field: &str,
    what: &str,
) -> Option<Diagnostic> {
    if owner.is_some_and(|c| c.name == field) {
        return Some(
            Diagnostic::warning(
                "MC0323",
                format!("the visibility of {what} depends on its own value"),
            )
            .with_help("name the sibling column that drives the visibility"),
        );
    }
    model.column(field).is_none().then(|| {
        Diagnostic::warning(
            "MC0323",
            format!(
                "the visibility of {what} depends on `{field}`, which is not a column of `{}`",
                model.key
            ),
        )
        .with_help(column_help(model, field))
    })
}

/// The section keys of the model's form layout, when it has one.
fn section_keys(model: &Model) -> Option<Vec<&str>> {
    let layout = model.form_layout.as_ref()?;
    Some(
        layout
            .get("sections")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| s.get("key").and_then(Json::as_str))
            .collect(),
    )
}

fn check_form_layout(model: &Model, out: &mut Vec<Diagnostic>) {
    let Some(sections) = model
        .form_layout
        .as_ref()
        .and_then(|l| l.get("sections"))
        .and_then(Json::as_array)
    else {
        return;
    };
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, section) in sections.iter().enumerate() {
        let pointer = format!("{}/form_layout/sections/{i}", model.src);
        if let Some(key) = section.get("key").and_then(Json::as_str) {
            if let Some(first) = first_seen(&mut seen, key, i) {
                out.push(
                    Diagnostic::error(
                        "MC0323",
                        format!("form section `{key}` of `{}` is declared twice", model.key),
                    )
                    .at(format!("{pointer}/key"))
                    .with_help(format!(
                        "section keys must be unique within a model; the first is section {first}"
                    )),
                );
            }
        }
        if let Some(field) = section
            .get("visible_when")
            .and_then(|v| v.get("field"))
            .and_then(Json::as_str)
        {
            let what = format!(
                "form section `{}` of `{}`",
                section.get("key").and_then(Json::as_str).unwrap_or("?"),
                model.key
            );
            if let Some(d) = sibling_warning(model, None, field, &what) {
                out.push(d.at(format!("{pointer}/visible_when/field")));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Primary key (MC0309), tenancy (MC0310, MC0311), implicit columns (MC0324)

fn check_primary_key(model: &Model, out: &mut Vec<Diagnostic>) {
    let keys: Vec<&Column> = model.columns.iter().filter(|c| c.primary_key).collect();
    match keys.as_slice() {
        [] => out.push(
            Diagnostic::error(
                "MC0309",
                format!("model `{}` has no primary key", model.key),
            )
            .at(format!("{}/columns", model.src))
            .with_help("add `{\"name\":\"id\",\"type\":\"uuid\",\"primary_key\":true}`"),
        ),
        [key] if key.name != "id" => out.push(
            Diagnostic::error(
                "MC0309",
                format!(
                    "the primary key of `{}` is `{}`; it must be a `uuid` column named `id`",
                    model.key, key.name
                ),
            )
            .at(format!("{}/primary_key", key.src))
            .with_help(format!(
                "every route addresses a row by UUID: add an `id uuid` primary key and make `{}` a unique index",
                key.name
            )),
        ),
        [key] if key.column_type != ColumnType::Uuid => out.push(
            Diagnostic::error(
                "MC0309",
                format!(
                    "the primary key `{}.id` is `{}`; it must be `uuid`",
                    model.key,
                    key.column_type.canonical()
                ),
            )
            .at(format!("{}/type", key.src))
            .with_help("write `\"type\": \"uuid\"` with `\"default\": \"gen_random_uuid()\"`"),
        ),
        [_] => {}
        [_, rest @ ..] => {
            let names: Vec<String> = keys.iter().map(|c| format!("`{}`", c.name)).collect();
            for extra in rest {
                out.push(
                    Diagnostic::error(
                        "MC0309",
                        format!(
                            "model `{}` has a composite primary key ({})",
                            model.key,
                            names.join(", ")
                        ),
                    )
                    .at(format!("{}/primary_key", extra.src))
                    .with_help(
                        "keep `id` (uuid) as the only primary key; express the combination as a unique index",
                    ),
                );
            }
        }
    }
}

fn check_tenancy(addon: &Addon, model: &Model, out: &mut Vec<Diagnostic>) {
    let name = &addon.tenancy.column;
    let column = model.tenancy_column().or_else(|| model.column(name));
    if addon.tenancy.isolation == Isolation::Shared
        && column.is_none_or(|c| c.implicit && addon.dialect == Dialect::V3)
    {
        out.push(
            Diagnostic::error(
                "MC0310",
                format!(
                    "model `{}` has no `{name}` column; under `shared` isolation every table is scoped by it",
                    model.key
                ),
            )
            .at(format!("{}/columns", model.src))
            .with_help(format!(
                "add `{{\"name\":\"{name}\",\"type\":\"uuid\",\"not_null\":true}}`"
            )),
        );
        return;
    }
    let Some(column) = column.filter(|c| !c.implicit) else {
        return;
    };
    if column.column_type != ColumnType::Uuid {
        out.push(
            Diagnostic::error(
                "MC0311",
                format!(
                    "the tenancy column {} is `{}`; it must be `uuid`",
                    qualified(model, &column.name),
                    column.column_type.canonical()
                ),
            )
            .at(format!("{}/type", column.src))
            .with_help("write `\"type\": \"uuid\"`: it holds the organisation id"),
        );
    }
}

/// MC0324: v3 only (v2 always adds its implicit columns, so there is nothing to tell).
fn check_implicit_notes(addon: &Addon, model: &Model, out: &mut Vec<Diagnostic>) {
    if addon.dialect != Dialect::V3 {
        return;
    }
    for column in model.columns.iter().filter(|c| c.implicit) {
        let message = match column.role {
            SystemRole::Id => format!(
                "model `{}` declares no primary key; the compiler adds `id uuid` (primary key, default `gen_random_uuid()`)",
                model.key
            ),
            // Under `shared` isolation a missing tenancy column is an error (MC0310).
            SystemRole::Tenancy if addon.tenancy.isolation != Isolation::Shared => format!(
                "model `{}` does not declare the tenancy column; the compiler adds `{} uuid NOT NULL`",
                model.key, column.name
            ),
            _ => continue,
        };
        out.push(Diagnostic::note("MC0324", message).at_key(format!("{}/columns", model.src)));
    }
}

// ---------------------------------------------------------------------------------------------
// Indices (MC0304, MC0313, MC0314, MC0319)

fn check_index<'a>(
    addon: &'a Addon,
    model: &'a Model,
    index: &'a Index,
    seen: &mut BTreeMap<&'a str, (&'a Model, &'a Index)>,
    out: &mut Vec<Diagnostic>,
) {
    let name = &index.name;
    // v2 derives every index name from the table and column names.
    let derived = index.implicit || addon.dialect == Dialect::V2;
    let what = if index.implicit {
        format!("the index `{name}` the compiler adds to `{}`", model.key)
    } else {
        format!("index `{name}` of `{}`", model.key)
    };
    let name_pointer = if index.implicit {
        index.src.clone()
    } else {
        format!("{}/name", index.src)
    };
    // A derived name is invalid only when its parts are, and those are reported already.
    if !derived && !is_identifier(name, true) {
        let suggestion: String = name
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let suggestion = if suggestion.starts_with(|c: char| c.is_ascii_digit()) {
            format!("_{suggestion}")
        } else {
            suggestion
        };
        out.push(
            Diagnostic::error("MC0304", format!("invalid index name `{name}`"))
                .at(&name_pointer)
                .with_help(if suggestion.is_empty() {
                    "index names match `^[a-z_][a-z0-9_]*$`".to_string()
                } else {
                    format!("index names match `^[a-z_][a-z0-9_]*$`, e.g. `{suggestion}`")
                }),
        );
    } else if name.len() > MAX_IDENTIFIER_BYTES
        // An over-long table name is reported on its own.
        && !(derived && model.table.len() > MAX_IDENTIFIER_BYTES)
    {
        out.push(
            Diagnostic::error(
                "MC0304",
                format!(
                    "the name of {what} is {} bytes long; PostgreSQL identifiers are at most 63",
                    name.len()
                ),
            )
            .at(&name_pointer)
            .with_help(if derived {
                "shorten the table or column name it is derived from"
            } else {
                "use a shorter index name"
            }),
        );
    }
    if let Some((first_model, first)) = first_seen(seen, name, (model, index)) {
        let earlier = if first.implicit {
            format!("the index the compiler adds to `{}`", first_model.key)
        } else {
            format!("the index on `{}` at {}", first_model.key, first.src)
        };
        out.push(
            Diagnostic::error("MC0314", format!("duplicate index name `{name}`"))
                .at(&name_pointer)
                .with_help(format!(
                    "index names live in the addon's schema and must be unique across all its models; `{name}` is already {earlier}{}",
                    if derived {
                        " (rename the column it is derived from)"
                    } else {
                        ""
                    }
                )),
        );
    } else if let Some(table) = addon.models.iter().find(|m| &m.table == name) {
        out.push(
            Diagnostic::error(
                "MC0314",
                format!(
                    "index name `{name}` is also the name of table `{}`",
                    table.table
                ),
            )
            .at(&name_pointer)
            .with_help("indices and tables share one namespace per schema; rename the index"),
        );
    }
    if !index.implicit {
        for (j, column) in index.columns.iter().enumerate() {
            if model.column(column).is_none() {
                out.push(
                    Diagnostic::error(
                        "MC0313",
                        format!(
                            "{what} names `{column}`, which is not a column of `{}`",
                            model.key
                        ),
                    )
                    .at(format!("{}/columns/{j}", index.src))
                    .with_help(column_help(model, column)),
                );
            }
        }
    }
    if let Some(method @ ("ivfflat" | "hnsw")) = index.method.as_deref() {
        for column in index.columns.iter().filter_map(|c| model.column(c)) {
            if !matches!(column.column_type, ColumnType::Vector(_)) {
                out.push(
                    Diagnostic::error(
                        "MC0313",
                        format!(
                            "{what} uses `{method}`, but `{}` is `{}`, not a `vector` column",
                            column.name,
                            column.column_type.canonical()
                        ),
                    )
                    .at(format!("{}/method", index.src))
                    .with_help("`ivfflat` and `hnsw` index `vector` columns only; use `btree`, or `gin` for jsonb"),
                );
            }
        }
    }
    check_unique_tenancy(addon, model, index, &what, out);
}

/// MC0319: under `shared` isolation a unique index without the tenancy column is global.
fn check_unique_tenancy(
    addon: &Addon,
    model: &Model,
    index: &Index,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let tenancy = &addon.tenancy.column;
    if !index.unique
        || addon.tenancy.isolation != Isolation::Shared
        || index.columns.iter().any(|c| c == tenancy)
        // A key that contains the primary key is unique per row anyway.
        || index
            .columns
            .iter()
            .any(|c| model.column(c).is_some_and(|c| c.primary_key))
    {
        return;
    }
    let suggested: Vec<&str> = std::iter::once(tenancy.as_str())
        .chain(index.columns.iter().map(String::as_str))
        .collect();
    out.push(
        Diagnostic::warning(
            "MC0319",
            format!(
                "unique {what} does not include `{tenancy}`: it is global across organisations"
            ),
        )
        .at(format!("{}/columns", index.src))
        .with_help(format!("did you mean `[{}]`?", suggested.join(", "))),
    );
}

// ---------------------------------------------------------------------------------------------
// Foreign keys (MC0313, MC0315, MC0316)

fn check_foreign_key(addon: &Addon, model: &Model, fk: &ForeignKey, out: &mut Vec<Diagnostic>) {
    // A v2 `belongs_to` relation lowers to a foreign key with the relation's src; its target
    // and local column are reported by the relation checks.
    let derived = model.relations.iter().any(|r| r.src == fk.src);
    let local_pointer = |j: usize| {
        if derived {
            format!("{}/foreign_key", fk.src)
        } else {
            format!("{}/columns/{j}", fk.src)
        }
    };
    let target_pointer = |j: usize| {
        if derived {
            format!("{}/references", fk.src)
        } else {
            format!("{}/references/columns/{j}", fk.src)
        }
    };
    let what = match model.relations.iter().find(|r| r.src == fk.src) {
        Some(relation) => format!("relation `{}` of `{}`", relation.name, model.key),
        None => format!("the foreign key `{}({})`", model.key, fk.columns.join(", ")),
    };
    let mut locals: Vec<Option<&Column>> = Vec::new();
    for (j, name) in fk.columns.iter().enumerate() {
        let column = model.column(name);
        if column.is_none() && !derived {
            out.push(
                Diagnostic::error(
                    "MC0313",
                    format!(
                        "{what} names `{name}`, which is not a column of `{}`",
                        model.key
                    ),
                )
                .at(local_pointer(j))
                .with_help(column_help(model, name)),
            );
        }
        locals.push(column);
    }
    if fk.on_delete.as_deref() == Some("set_null") {
        for column in locals.iter().flatten().filter(|c| !c.nullable) {
            out.push(
                Diagnostic::error(
                    "MC0316",
                    format!(
                        "{what} sets `{}` to NULL on delete, but the column is NOT NULL",
                        column.name
                    ),
                )
                .at(format!("{}/on_delete", fk.src))
                .with_help(format!(
                    "drop `not_null` from `{}`, or use `restrict` or `cascade`",
                    column.name
                )),
            );
        }
    }
    let counts_match = fk.columns.len() == fk.target_columns.len();
    if !counts_match {
        out.push(
            Diagnostic::error(
                "MC0316",
                format!(
                    "{what} has {} column(s) but references {}",
                    fk.columns.len(),
                    fk.target_columns.len()
                ),
            )
            .at(if derived {
                fk.src.clone()
            } else {
                format!("{}/references/columns", fk.src)
            })
            .with_help("list one referenced column per local column, in the same order"),
        );
    }
    let model_pointer = if derived {
        format!("{}/through", fk.src)
    } else {
        format!("{}/references/model", fk.src)
    };
    match resolve(addon, &fk.target_model) {
        Resolved::Own(target) => {
            for (j, name) in fk.target_columns.iter().enumerate() {
                let Some(referenced) = target.column(name) else {
                    out.push(
                        Diagnostic::error(
                            "MC0313",
                            format!(
                                "{what} references `{name}`, which is not a column of `{}`",
                                target.key
                            ),
                        )
                        .at(target_pointer(j))
                        .with_help(column_help(target, name)),
                    );
                    continue;
                };
                let Some(Some(local)) = locals.get(j).filter(|_| counts_match) else {
                    continue;
                };
                if local.column_type != referenced.column_type {
                    out.push(
                        Diagnostic::error(
                            "MC0316",
                            format!(
                                "{what}: `{}` is `{}` but references `{}.{}` of type `{}`",
                                local.name,
                                local.column_type.canonical(),
                                target.key,
                                referenced.name,
                                referenced.column_type.canonical()
                            ),
                        )
                        .at(local_pointer(j))
                        .with_help(format!(
                            "declare `{}` as `{}`",
                            local.name,
                            referenced.column_type.canonical()
                        )),
                    );
                }
            }
        }
        Resolved::Foreign(other) if !derived => out.push(foreign_model_warning(
            addon,
            what,
            &fk.target_model,
            other,
            fk.physical,
            model_pointer,
        )),
        Resolved::Unknown if !derived => out.push(
            Diagnostic::error(
                "MC0315",
                format!(
                    "{what} references `{}`, which is not a model of this addon",
                    fk.target_model
                ),
            )
            .at(model_pointer)
            .with_help(model_help(addon, &fk.target_model)),
        ),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Relations (MC0313, MC0315, MC0317)

fn check_relations(addon: &Addon, model: &Model, out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, &Relation> = BTreeMap::new();
    for relation in &model.relations {
        let what = format!("relation `{}` of `{}`", relation.name, model.key);
        // v2 lowering checks the v2 relation identifiers and reports missing fields; a missing
        // (empty) field is not reported again here.
        if addon.dialect == Dialect::V3
            && (!is_identifier(&relation.name, false) || relation.name.len() > MAX_IDENTIFIER_BYTES)
        {
            out.push(
                Diagnostic::error(
                    "MC0317",
                    format!("invalid relation name `{}`", relation.name),
                )
                .at(format!("{}/name", relation.src))
                .with_help("relation names match `^[a-z][a-z0-9_]*$` and are at most 63 bytes, e.g. `vehicles`"),
            );
        }
        let earlier = if relation.name.is_empty() {
            None
        } else {
            first_seen(&mut seen, &relation.name, relation)
        };
        if let Some(first) = earlier {
            out.push(
                Diagnostic::error("MC0317", format!("{what} is declared twice"))
                    .at(format!("{}/name", relation.src))
                    .with_help(format!(
                        "relation names are unique per model; the first is at {}",
                        first.src
                    )),
            );
        }
        if relation.options.get("embed") == Some(&Json::Bool(true))
            && relation.kind != "one_to_many"
        {
            out.push(
                Diagnostic::warning(
                    "MC0317",
                    format!(
                        "{what} is `{}`; `embed` applies to `one_to_many` only",
                        relation.kind
                    ),
                )
                .at_key(format!("{}/embed", relation.src))
                .with_help("remove `embed`"),
            );
        }
        if relation.through.is_empty() {
            continue;
        }
        match resolve(addon, &relation.through) {
            Resolved::Own(target) => {
                if relation.kind == "one_to_many"
                    && !relation.foreign_key.is_empty()
                    && target.column(&relation.foreign_key).is_none()
                {
                    out.push(
                        Diagnostic::error(
                            "MC0313",
                            format!(
                                "{what} uses `{}`, which is not a column of `{}`",
                                relation.foreign_key, target.key
                            ),
                        )
                        .at(format!("{}/foreign_key", relation.src))
                        .with_help(format!(
                            "for `one_to_many`, `foreign_key` is the column of `{}` pointing back at `{}`; {}",
                            target.key,
                            model.key,
                            column_help(target, &relation.foreign_key)
                        )),
                    );
                }
            }
            Resolved::Foreign(other) => out.push(foreign_model_warning(
                addon,
                what,
                &relation.through,
                other,
                false,
                format!("{}/through", relation.src),
            )),
            Resolved::Unknown => out.push(
                Diagnostic::error(
                    "MC0315",
                    format!(
                        "{what} goes through `{}`, which is not a model of this addon",
                        relation.through
                    ),
                )
                .at(format!("{}/through", relation.src))
                .with_help(model_help(addon, &relation.through)),
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Advanced sub-features: seed, stage_field, sequences (MC0313, MC0323)

fn check_advanced(model: &Model, out: &mut Vec<Diagnostic>) {
    if let Some(seed) = model.advanced.get("seed") {
        let base = format!("{}/seed", model.src);
        if let Some(key) = seed.get("key").and_then(Json::as_str) {
            if model.column(key).is_none() {
                out.push(
                    Diagnostic::error(
                        "MC0313",
                        format!(
                            "the seed key of `{}` is `{key}`, which is not a column",
                            model.key
                        ),
                    )
                    .at(format!("{base}/key"))
                    .with_help(column_help(model, key)),
                );
            }
        }
        // One diagnostic per unknown key, at its first row.
        let mut unknown: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        let rows = seed.get("rows").and_then(Json::as_array);
        for (i, row) in rows.into_iter().flatten().enumerate() {
            for key in row.as_object().into_iter().flat_map(|o| o.keys()) {
                if model.column(key).is_none() {
                    unknown.entry(key).or_insert((i, 0)).1 += 1;
                }
            }
        }
        let mut unknown: Vec<_> = unknown.into_iter().collect();
        unknown.sort_by_key(|(key, (row, _))| (*row, *key));
        for (key, (row, count)) in unknown {
            let rows_note = if count > 1 {
                format!(" ({count} rows)")
            } else {
                String::new()
            };
            out.push(
                Diagnostic::error(
                    "MC0313",
                    format!(
                        "seed rows of `{}` set `{key}`, which is not a column{rows_note}",
                        model.key
                    ),
                )
                .at_key(pointer_push(&format!("{base}/rows/{row}"), key))
                .with_help(column_help(model, key)),
            );
        }
    }
    if let Some(field) = model.advanced.get("stage_field").and_then(Json::as_str) {
        if model.column(field).is_none() {
            out.push(
                Diagnostic::error(
                    "MC0313",
                    format!(
                        "the stage field of `{}` is `{field}`, which is not a column",
                        model.key
                    ),
                )
                .at(format!("{}/stage_field", model.src))
                .with_help(column_help(model, field)),
            );
        }
    }
    if let Some(sequences) = model.advanced.get("sequences").and_then(Json::as_array) {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, sequence) in sequences.iter().enumerate() {
            let Some(key) = sequence.get("key").and_then(Json::as_str) else {
                continue;
            };
            if let Some(first) = first_seen(&mut seen, key, i) {
                out.push(
                    Diagnostic::error(
                        "MC0323",
                        format!("sequence `{key}` of `{}` is declared twice", model.key),
                    )
                    .at(format!("{}/sequences/{i}/key", model.src))
                    .with_help(format!(
                        "sequence keys are unique per model; the first is sequence {first}"
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::{load_ok, load_text};
    use crate::diagnostics::{Diagnostic, Severity};

    /// The codes this module owns.
    const OWN: [&str; 20] = [
        "MC0301", "MC0302", "MC0303", "MC0304", "MC0305", "MC0309", "MC0310", "MC0311", "MC0313",
        "MC0314", "MC0315", "MC0316", "MC0317", "MC0318", "MC0319", "MC0320", "MC0321", "MC0323",
        "MC0324", "MC0325",
    ];

    const ID: &str = r#"{"name": "id", "type": "uuid", "primary_key": true}"#;
    const ORG: &str = r#"{"name": "organization_id", "type": "uuid", "not_null": true}"#;

    /// The diagnostics of this module's codes for a v3 manifest with these models.
    fn diagnostics(isolation: &str, models: &str) -> Vec<Diagnostic> {
        let text = format!(
            r#"{{"apiVersion": "asteby.com/v3", "kind": "Addon",
                "metadata": {{"key": "shop", "name": "Shop", "version": "1.0.0"}},
                "compatibility": {{"requires": [{{"key": "kernel", "version": ">=3.0.0 <4.0.0"}}]}},
                "tenancy": {{"isolation": "{isolation}"}},
                "models": [{models}]}}"#
        );
        load_ok(&text)
            .report
            .diagnostics
            .into_iter()
            .filter(|d| OWN.contains(&d.code))
            .collect()
    }

    /// Sorted `(code, pointer)` pairs.
    fn codes(isolation: &str, models: &str) -> Vec<(&'static str, String)> {
        let mut out: Vec<_> = diagnostics(isolation, models)
            .into_iter()
            .map(|d| (d.code, d.pointer().unwrap_or("").to_string()))
            .collect();
        out.sort();
        out
    }

    fn pairs(expected: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
        let mut out: Vec<_> = expected.iter().map(|(c, p)| (*c, p.to_string())).collect();
        out.sort();
        out
    }

    fn model(key: &str, table: &str, columns: &[&str], rest: &str) -> String {
        let rest = if rest.is_empty() {
            String::new()
        } else {
            format!(", {rest}")
        };
        format!(
            r#"{{"key": "{key}", "table": "{table}", "columns": [{}]{rest}}}"#,
            columns.join(", ")
        )
    }

    #[test]
    fn the_search_document_column_name_is_reserved() {
        let m = model(
            "Note",
            "notes",
            &[ID, ORG, r#"{"name": "metacore_search", "type": "text"}"#],
            "",
        );
        assert_eq!(
            codes("shared", &m),
            pairs(&[("MC0325", "/models/0/columns/2/name")])
        );
    }

    #[test]
    fn rowid_aliases_and_the_metacore_prefix_are_reserved() {
        for name in ["rowid", "oid", "metacore_rowid", "metacore_page"] {
            let column = format!(r#"{{"name": "{name}", "type": "text"}}"#);
            let m = model("Note", "notes", &[ID, ORG, &column], "");
            assert_eq!(
                codes("shared", &m),
                pairs(&[("MC0325", "/models/0/columns/2/name")]),
                "{name}"
            );
        }
        let m = model(
            "Note",
            "notes",
            &[ID, ORG, r#"{"name": "rowid_hint", "type": "text"}"#],
            "",
        );
        assert_eq!(codes("shared", &m), vec![]);
    }

    #[test]
    fn a_well_formed_model_is_clean() {
        let m = model(
            "Ticket",
            "tickets",
            &[
                ID,
                ORG,
                r#"{"name": "number", "type": "varchar(20)", "not_null": true}"#,
                r#"{"name": "amount", "type": "numeric(12,2)"}"#,
                r#"{"name": "quantity", "type": "integer"}"#,
                r#"{"name": "total", "type": "numeric", "generated": "(amount * quantity) - 1.5"}"#,
                r#"{"name": "email", "type": "text", "validation": {"regex": "^[^@]+@[^@]+$", "min": 3, "max": 200, "custom": "email"}}"#,
                r#"{"name": "status", "type": "text", "options": [{"value": "open", "label": "Open"}, {"value": "done", "label": "Done"}], "section": "main"}"#,
                r#"{"name": "reason", "type": "text", "visible_when": {"field": "status", "equals": "done"}, "depends_on": "status"}"#,
            ],
            r#""indices": [{"name": "tickets_org_number_uq", "columns": ["organization_id", "number"], "unique": true}],
               "form_layout": {"mode": "sections", "sections": [{"key": "main"}]}"#,
        );
        assert_eq!(codes("shared", &m), vec![]);
    }

    #[test]
    fn duplicate_models_and_columns() {
        let first = model("Ticket", "tickets", &[ID, ORG], "");
        let second = model(
            "Ticket",
            "tickets",
            &[ID, ORG, r#"{"name": "id", "type": "uuid"}"#],
            "",
        );
        assert_eq!(
            codes("shared", &format!("{first}, {second}")),
            pairs(&[
                ("MC0301", "/models/1/key"),
                ("MC0302", "/models/1/table"),
                ("MC0303", "/models/1/columns/2/name"),
            ])
        );
    }

    #[test]
    fn over_long_and_invalid_identifiers() {
        let long = "a".repeat(64);
        let m = model(
            "Ticket",
            &long,
            &[ID, ORG, &format!(r#"{{"name": "{long}", "type": "text"}}"#)],
            &format!(
                r#""indices": [{{"name": "Bad-Name", "columns": ["id"]}}, {{"name": "x{long}", "columns": ["id"]}}]"#
            ),
        );
        assert_eq!(
            codes("shared", &m),
            pairs(&[
                ("MC0304", "/models/0/table"),
                ("MC0304", "/models/0/columns/2/name"),
                ("MC0304", "/models/0/indices/0/name"),
                ("MC0304", "/models/0/indices/1/name"),
            ])
        );
    }

    #[test]
    fn type_parameters_beyond_the_schema() {
        let m = model(
            "Ticket",
            "tickets",
            &[
                ID,
                ORG,
                r#"{"name": "col_a", "type": "numeric(0,0)"}"#,
                r#"{"name": "col_b", "type": "numeric(5,6)"}"#,
                r#"{"name": "col_c", "type": "varchar(0)"}"#,
                r#"{"name": "col_d", "type": "numeric(1001,2)"}"#,
                r#"{"name": "col_e", "type": "numeric(1000,1000)"}"#,
            ],
            "",
        );
        let found = codes("shared", &m);
        assert_eq!(
            found,
            pairs(&[
                ("MC0305", "/models/0/columns/2/type"),
                ("MC0305", "/models/0/columns/3/type"),
                ("MC0305", "/models/0/columns/4/type"),
                ("MC0305", "/models/0/columns/5/type"),
            ])
        );
    }

    #[test]
    fn primary_key_must_be_a_single_uuid_id() {
        let composite = model(
            "Aa",
            "a_rows",
            &[
                ID,
                ORG,
                r#"{"name": "code", "type": "text", "primary_key": true}"#,
            ],
            "",
        );
        let named = model(
            "Bb",
            "b_rows",
            &[
                ORG,
                r#"{"name": "code", "type": "uuid", "primary_key": true}"#,
            ],
            "",
        );
        let integer = model(
            "Cc",
            "c_rows",
            &[
                ORG,
                r#"{"name": "id", "type": "integer", "primary_key": true}"#,
            ],
            "",
        );
        assert_eq!(
            codes("shared", &format!("{composite}, {named}, {integer}")),
            pairs(&[
                ("MC0309", "/models/0/columns/2/primary_key"),
                ("MC0309", "/models/1/columns/1/primary_key"),
                ("MC0309", "/models/2/columns/1/type"),
            ])
        );
    }

    #[test]
    fn tenancy_column_under_shared_isolation() {
        let missing = model("Aa", "a_rows", &[ID], "");
        let text = model(
            "Bb",
            "b_rows",
            &[
                ID,
                r#"{"name": "organization_id", "type": "text", "not_null": true}"#,
            ],
            "",
        );
        let found = diagnostics("shared", &format!("{missing}, {text}"));
        let missing = found.iter().find(|d| d.code == "MC0310").unwrap();
        assert_eq!(missing.pointer(), Some("/models/0/columns"));
        assert_eq!(
            missing.help.as_deref(),
            Some(r#"add `{"name":"organization_id","type":"uuid","not_null":true}`"#)
        );
        let wrong = found.iter().find(|d| d.code == "MC0311").unwrap();
        assert_eq!(wrong.severity, Severity::Error);
        assert_eq!(wrong.pointer(), Some("/models/1/columns/1/type"));
        assert_eq!(found.len(), 2);
        // `schema` isolation adds the column instead (note MC0324).
        assert_eq!(
            codes("schema", &model("Aa", "a_rows", &[ID], "")),
            pairs(&[("MC0324", "/models/0/columns")])
        );
    }

    #[test]
    fn implicit_columns_are_noted_in_v3() {
        let found = diagnostics(
            "schema",
            &model(
                "Aa",
                "a_rows",
                &[r#"{"name": "title", "type": "text"}"#],
                "",
            ),
        );
        assert_eq!(found.len(), 2);
        assert!(found
            .iter()
            .all(|d| d.code == "MC0324" && d.severity == Severity::Note));
        assert!(found.iter().any(|d| d.message.contains("`id uuid`")));
        assert!(found
            .iter()
            .any(|d| d.message.contains("`organization_id uuid NOT NULL`")));
    }

    #[test]
    fn unknown_column_references() {
        let parent = model(
            "Ticket",
            "tickets",
            &[
                ID,
                ORG,
                r#"{"name": "status", "type": "text"}"#,
                r#"{"name": "code", "type": "text"}"#,
            ],
            r#""indices": [{"name": "tickets_x", "columns": ["satus"]},
                           {"name": "tickets_vec", "columns": ["code"], "method": "hnsw"}],
               "relations": [{"name": "comments", "kind": "one_to_many", "through": "Comment", "foreign_key": "parent_id"}],
               "seed": {"key": "kode", "rows": [{"code": "a", "colour": "red"}, {"code": "b", "colour": "blue"}]},
               "stage_field": "state""#,
        );
        let child = model(
            "Comment",
            "comments",
            &[ID, ORG, r#"{"name": "ticket_id", "type": "uuid"}"#],
            r#""foreign_keys": [{"columns": ["tickt_id"], "references": {"model": "shop.Ticket", "columns": ["id"]}, "policy": "logical"}]"#,
        );
        let found = diagnostics("shared", &format!("{parent}, {child}"));
        let mut pointers: Vec<(&str, &str)> = found
            .iter()
            .map(|d| (d.code, d.pointer().unwrap_or("")))
            .collect();
        pointers.sort();
        assert_eq!(
            pointers,
            vec![
                ("MC0313", "/models/0/indices/0/columns/0"),
                ("MC0313", "/models/0/indices/1/method"),
                ("MC0313", "/models/0/relations/0/foreign_key"),
                ("MC0313", "/models/0/seed/key"),
                ("MC0313", "/models/0/seed/rows/0/colour"),
                ("MC0313", "/models/0/stage_field"),
                ("MC0313", "/models/1/foreign_keys/0/columns/0"),
            ]
        );
        let index = found
            .iter()
            .find(|d| d.pointer() == Some("/models/0/indices/0/columns/0"))
            .unwrap();
        assert_eq!(index.help.as_deref(), Some("did you mean `status`?"));
        let seed_row = found
            .iter()
            .find(|d| d.pointer() == Some("/models/0/seed/rows/0/colour"))
            .unwrap();
        assert!(seed_row.message.contains("(2 rows)"));
    }

    #[test]
    fn duplicate_index_names_across_the_addon() {
        let a = model(
            "Aa",
            "a_rows",
            &[ID, ORG],
            r#""indices": [{"name": "by_org", "columns": ["organization_id"]}]"#,
        );
        let b = model(
            "Bb",
            "b_rows",
            &[ID, ORG],
            r#""indices": [{"name": "by_org", "columns": ["organization_id"]}, {"name": "a_rows", "columns": ["id"]}]"#,
        );
        assert_eq!(
            codes("shared", &format!("{a}, {b}")),
            pairs(&[
                ("MC0314", "/models/1/indices/0/name"),
                ("MC0314", "/models/1/indices/1/name"),
            ])
        );
    }

    #[test]
    fn foreign_key_and_relation_targets() {
        let m = model(
            "Comment",
            "comments",
            &[
                ID,
                ORG,
                r#"{"name": "ticket_id", "type": "uuid"}"#,
                r#"{"name": "customer_id", "type": "uuid"}"#,
            ],
            r#""foreign_keys": [
                 {"columns": ["ticket_id"], "references": {"model": "shop.Tiket", "columns": ["id"]}, "policy": "physical"},
                 {"columns": ["customer_id"], "references": {"model": "crm.Customer", "columns": ["id"]}, "policy": "logical"}],
               "relations": [{"name": "notes", "kind": "one_to_many", "through": "Note", "foreign_key": "comment_id"}]"#,
        );
        let found = diagnostics("shared", &m);
        let unknown = found
            .iter()
            .find(|d| d.pointer() == Some("/models/0/foreign_keys/0/references/model"))
            .unwrap();
        assert_eq!(
            (unknown.code, unknown.severity),
            ("MC0315", Severity::Error)
        );
        let foreign = found
            .iter()
            .find(|d| d.pointer() == Some("/models/0/foreign_keys/1/references/model"))
            .unwrap();
        assert_eq!(
            (foreign.code, foreign.severity),
            ("MC0315", Severity::Warning)
        );
        assert!(foreign.help.as_deref().unwrap().contains("`crm`"));
        let relation = found
            .iter()
            .find(|d| d.pointer() == Some("/models/0/relations/0/through"))
            .unwrap();
        assert_eq!(
            (relation.code, relation.severity),
            ("MC0315", Severity::Error)
        );
        // Refs derived from the foreign keys are not reported a second time (MC0321).
        assert_eq!(found.len(), 3, "{found:?}");
    }

    #[test]
    fn foreign_key_column_mismatches() {
        let ticket = model("Ticket", "tickets", &[ID, ORG], "");
        let comment = model(
            "Comment",
            "comments",
            &[
                ID,
                ORG,
                r#"{"name": "ticket_id", "type": "text", "not_null": true}"#,
                r#"{"name": "other_id", "type": "uuid", "not_null": true}"#,
            ],
            r#""foreign_keys": [
                 {"columns": ["ticket_id"], "references": {"model": "Ticket", "columns": ["id"]}, "policy": "physical"},
                 {"columns": ["other_id"], "references": {"model": "Ticket", "columns": ["id"]}, "policy": "physical", "on_delete": "set_null"},
                 {"columns": ["ticket_id", "other_id"], "references": {"model": "Ticket", "columns": ["id"]}, "policy": "logical"}]"#,
        );
        assert_eq!(
            codes("shared", &format!("{ticket}, {comment}")),
            pairs(&[
                ("MC0316", "/models/1/foreign_keys/0/columns/0"),
                ("MC0316", "/models/1/foreign_keys/1/on_delete"),
                ("MC0316", "/models/1/foreign_keys/2/references/columns"),
            ])
        );
    }

    #[test]
    fn relation_names_and_embed() {
        let ticket = model(
            "Ticket",
            "tickets",
            &[ID, ORG],
            r#""relations": [
                 {"name": "comments", "kind": "one_to_many", "through": "Comment", "foreign_key": "ticket_id"},
                 {"name": "comments", "kind": "one_to_many", "through": "Comment", "foreign_key": "ticket_id"},
                 {"name": "Tags", "kind": "many_to_many", "through": "Comment", "foreign_key": "ticket_id", "embed": true}]"#,
        );
        let comment = model(
            "Comment",
            "comments",
            &[ID, ORG, r#"{"name": "ticket_id", "type": "uuid"}"#],
            "",
        );
        let found = diagnostics("shared", &format!("{ticket}, {comment}"));
        let mut pointers: Vec<(&str, Severity, &str)> = found
            .iter()
            .map(|d| (d.code, d.severity, d.pointer().unwrap_or("")))
            .collect();
        pointers.sort();
        assert_eq!(
            pointers,
            vec![
                ("MC0317", Severity::Error, "/models/0/relations/1/name"),
                ("MC0317", Severity::Error, "/models/0/relations/2/name"),
                ("MC0317", Severity::Warning, "/models/0/relations/2/embed"),
            ]
        );
    }

    #[test]
    fn validation_blocks() {
        let m = model(
            "Ticket",
            "tickets",
            &[
                ID,
                ORG,
                r#"{"name": "col_a", "type": "text", "validation": {"regex": "(?=x)y"}}"#,
                r#"{"name": "col_b", "type": "integer", "validation": {"min": 10, "max": 5}}"#,
                r#"{"name": "col_c", "type": "text", "validation": {"custom": "Not A Slug"}}"#,
                r#"{"name": "col_d", "type": "text", "validation": {"custom": "rfc.tax_id"}}"#,
                r#"{"name": "col_e", "type": "text", "validation": {"custom": "$org.rfc"}}"#,
                r#"{"name": "col_f", "type": "text", "validation": {"custom": "phone", "regex": "^[0-9]+$"}}"#,
            ],
            "",
        );
        let found = diagnostics("shared", &m);
        let mut pointers: Vec<(&str, Severity, &str)> = found
            .iter()
            .map(|d| (d.code, d.severity, d.pointer().unwrap_or("")))
            .collect();
        pointers.sort();
        assert_eq!(
            pointers,
            vec![
                (
                    "MC0318",
                    Severity::Error,
                    "/models/0/columns/2/validation/regex"
                ),
                (
                    "MC0318",
                    Severity::Error,
                    "/models/0/columns/3/validation/min"
                ),
                (
                    "MC0318",
                    Severity::Error,
                    "/models/0/columns/4/validation/custom"
                ),
                (
                    "MC0318",
                    Severity::Note,
                    "/models/0/columns/5/validation/custom"
                ),
            ]
        );
        assert!(found
            .iter()
            .any(|d| d.message.contains("enforced by the client only")));
        assert!(found
            .iter()
            .any(|d| d.help.as_deref().is_some_and(|h| h.contains("look-around"))));
    }

    #[test]
    fn unique_index_without_the_tenancy_column() {
        let m = |isolation| {
            diagnostics(
                isolation,
                &model(
                    "Ticket",
                    "tickets",
                    &[ID, ORG, r#"{"name": "number", "type": "text"}"#],
                    r#""indices": [{"name": "tickets_number_uq", "columns": ["number"], "unique": true},
                                   {"name": "tickets_id_uq", "columns": ["id", "number"], "unique": true}]"#,
                ),
            )
        };
        let found = m("shared");
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].code, found[0].severity),
            ("MC0319", Severity::Warning)
        );
        assert_eq!(found[0].pointer(), Some("/models/0/indices/0/columns"));
        assert_eq!(
            found[0].help.as_deref(),
            Some("did you mean `[organization_id, number]`?")
        );
        assert!(m("schema").is_empty());
    }

    #[test]
    fn generated_columns() {
        let m = model(
            "Ticket",
            "tickets",
            &[
                ID,
                ORG,
                r#"{"name": "price", "type": "numeric"}"#,
                r#"{"name": "col_a", "type": "numeric", "generated": "col_a + 1"}"#,
                r#"{"name": "col_b", "type": "numeric", "generated": "prices * 2"}"#,
                r#"{"name": "col_c", "type": "numeric", "generated": "round(price)"}"#,
                r#"{"name": "col_d", "type": "numeric", "generated": "price * 2", "default": 1}"#,
                r#"{"name": "col_e", "type": "numeric", "generated": "price * 2", "not_null": true}"#,
                r#"{"name": "col_f", "type": "numeric", "generated": "(price * 2"}"#,
                r#"{"name": "col_g", "type": "numeric", "generated": "-price / (2.5 + price)"}"#,
            ],
            "",
        );
        assert_eq!(
            codes("shared", &m),
            pairs(&[
                ("MC0320", "/models/0/columns/3/generated"),
                ("MC0320", "/models/0/columns/4/generated"),
                ("MC0320", "/models/0/columns/5/generated"),
                ("MC0320", "/models/0/columns/6/default"),
                ("MC0320", "/models/0/columns/7/not_null"),
                ("MC0320", "/models/0/columns/8/generated"),
            ])
        );
    }

    #[test]
    fn ref_targets() {
        let ticket = model(
            "Ticket",
            "tickets",
            &[
                ID,
                ORG,
                r#"{"name": "col_a", "type": "uuid", "ref": "Tickt"}"#,
                r#"{"name": "col_b", "type": "uuid", "ref": "Ticket"}"#,
                r#"{"name": "col_c", "type": "uuid", "ref": "tickets"}"#,
                r#"{"name": "col_d", "type": "uuid", "ref": "shop.Ticket"}"#,
                r#"{"name": "col_e", "type": "uuid", "ref": "crm.Customer"}"#,
            ],
            "",
        );
        let found = diagnostics("shared", &ticket);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].code, found[0].severity),
            ("MC0321", Severity::Warning)
        );
        assert_eq!(found[0].pointer(), Some("/models/0/columns/2/ref"));
        assert!(found[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("did you mean `Ticket`?"));
    }

    #[test]
    fn column_ui_options() {
        let m = model(
            "Ticket",
            "tickets",
            &[
                ID,
                ORG,
                r#"{"name": "status", "type": "text", "options": [{"value": "open", "label": "Open"}, {"value": "open", "label": "Again"}]}"#,
                r#"{"name": "city", "type": "text", "depends_on": "country"}"#,
                r#"{"name": "reason", "type": "text", "visible_when": {"field": "stat"}, "section": "extra"}"#,
            ],
            r#""form_layout": {"mode": "steps", "sections": [{"key": "main"}, {"key": "main"}]}"#,
        );
        let found = diagnostics("shared", &m);
        let mut pointers: Vec<(&str, Severity, &str)> = found
            .iter()
            .map(|d| (d.code, d.severity, d.pointer().unwrap_or("")))
            .collect();
        pointers.sort();
        assert_eq!(
            pointers,
            vec![
                (
                    "MC0323",
                    Severity::Error,
                    "/models/0/columns/2/options/1/value"
                ),
                ("MC0323", Severity::Error, "/models/0/columns/3/depends_on"),
                (
                    "MC0323",
                    Severity::Error,
                    "/models/0/form_layout/sections/1/key"
                ),
                ("MC0323", Severity::Warning, "/models/0/columns/4/section"),
                (
                    "MC0323",
                    Severity::Warning,
                    "/models/0/columns/4/visible_when/field"
                ),
            ]
        );
    }

    #[test]
    fn v2_models_use_the_same_rules() {
        let text = r#"{"key": "shop", "name": "Shop", "version": "1.0.0",
            "model_definitions": [{"table_name": "orders", "model_key": "orders", "columns": [
                {"name": "number", "type": "string", "unique": true},
                {"name": "customer_id", "type": "uuid"},
                {"name": "code", "type": "string", "validation": {"custom": "email"}},
                {"name": "tax", "type": "string", "validation": {"custom": "rfc"}},
                {"name": "org", "type": "string", "index": true}],
              "relations": [
                {"name": "customer", "kind": "belongs_to", "through": "customers", "foreign_key": "customer_id"},
                {"name": "customer", "kind": "belongs_to", "through": "orders", "foreign_key": "customer_id"}]}]}"#;
        let manifest = load_text(text);
        assert!(manifest.addon.is_some());
        let mut found: Vec<(&str, Severity, String)> = manifest
            .report
            .diagnostics
            .iter()
            .filter(|d| OWN.contains(&d.code))
            .map(|d| (d.code, d.severity, d.pointer().unwrap_or("").to_string()))
            .collect();
        found.sort();
        let expected = [
            (
                "MC0314",
                Severity::Error,
                "/model_definitions/0/columns/4/name",
            ),
            (
                "MC0315",
                Severity::Error,
                "/model_definitions/0/relations/0/through",
            ),
            (
                "MC0317",
                Severity::Error,
                "/model_definitions/0/relations/1/name",
            ),
            (
                "MC0318",
                Severity::Error,
                "/model_definitions/0/columns/3/validation/custom",
            ),
        ];
        assert_eq!(
            found,
            expected
                .iter()
                .map(|(c, s, p)| (*c, *s, p.to_string()))
                .collect::<Vec<_>>()
        );
    }
}
