//! The v3 structural pass: the upstream JSON Schema, with each failure turned into a located
//! catalogue diagnostic (`manifest.md` §2, "Error-code mapping for schema failures").
//!
//! The schema is embedded byte-for-byte (`schema/manifest-v3.schema.json`, a copy of the
//! reference file; a test keeps them identical), so our accept/reject verdict on structure is
//! the schema's by construction. What this module adds is the mapping: specific codes for the
//! addon key, version, identifiers and column types; MC0110 for unrendered `{{placeholders}}`;
//! "did you mean" suggestions for unknown fields.

use std::sync::OnceLock;

use regex::Regex;

use crate::diagnostics::Diagnostic;
use crate::json::{pointer_tokens, Node};
use crate::schema_check::{Failure, SchemaChecker, SchemaError};
use crate::suggest::did_you_mean;

/// The upstream v3 schema text.
pub const UPSTREAM_SCHEMA: &str = include_str!("../../schema/manifest-v3.schema.json");

/// The compiled upstream schema (compiled once per process).
pub fn upstream_checker() -> &'static SchemaChecker {
    static CHECKER: OnceLock<SchemaChecker> = OnceLock::new();
    CHECKER.get_or_init(|| {
        SchemaChecker::new(serde_json::from_str(UPSTREAM_SCHEMA).expect("embedded schema is JSON"))
    })
}

/// Checks a v3 document against the upstream schema and returns located diagnostics.
/// `skip_api_version` suppresses failures on `/apiVersion` already reported by dialect
/// detection (MC0102).
pub fn check(root: &Node, skip_api_version: bool) -> Vec<Diagnostic> {
    upstream_checker()
        .check(root)
        .iter()
        .filter(|e| !(skip_api_version && e.pointer == "/apiVersion"))
        .map(|e| to_diagnostic(e, root))
        .collect()
}

/// Matches a pointer against a pattern of tokens where `*` stands for any one token.
fn pointer_is(pointer: &str, pattern: &[&str]) -> bool {
    let tokens: Vec<String> = pointer_tokens(pointer).collect();
    tokens.len() == pattern.len() && tokens.iter().zip(pattern).all(|(t, p)| *p == "*" || t == p)
}

/// True when the pointer ends with the given tokens (`*` = any one).
fn pointer_ends_with(pointer: &str, suffix: &[&str]) -> bool {
    let tokens: Vec<String> = pointer_tokens(pointer).collect();
    tokens.len() >= suffix.len()
        && tokens[tokens.len() - suffix.len()..]
            .iter()
            .zip(suffix)
            .all(|(t, p)| *p == "*" || t == p)
}

fn is_column_pointer(pointer: &str, field: &str) -> bool {
    pointer_is(pointer, &["models", "*", "columns", "*", field])
        || pointer_is(
            pointer,
            &["models", "*", "extensions", "*", "columns", "*", field],
        )
}

/// `{{ NAME }}` anywhere in a string: a scaffolding template that was never rendered.
pub fn placeholder(s: &str) -> Option<&str> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"\{\{\s*[^{}]*?\s*\}\}").expect("valid regex"));
    re.find(s).map(|m| m.as_str())
}

/// The code a pattern failure at `pointer` gets (§2 mapping; specific codes win).
fn pattern_code(pointer: &str) -> &'static str {
    if pointer == "/metadata/key" {
        "MC0201"
    } else if pointer == "/metadata/version" {
        "MC0203"
    } else if pointer_is(pointer, &["models", "*", "key"])
        || pointer_is(pointer, &["models", "*", "table"])
        || is_column_pointer(pointer, "name")
    {
        "MC0304"
    } else if is_column_pointer(pointer, "type") {
        "MC0305"
    } else {
        "MC0107"
    }
}

fn describe_value(node: Option<&Node>) -> String {
    match node {
        Some(n) => {
            let text = n.to_serde().to_string();
            if text.chars().count() > 60 {
                format!("{}…", text.chars().take(60).collect::<String>())
            } else {
                text
            }
        }
        None => "the value".to_string(),
    }
}

fn column_type_help(value: Option<&str>) -> String {
    let v2_spelling = value.map(str::to_lowercase);
    let hint = match v2_spelling.as_deref() {
        Some("string") => Some("`text` or `varchar(n)`"),
        Some("int") | Some("int4") => Some("`integer`"),
        Some("int8") | Some("long") => Some("`bigint`"),
        Some("decimal") | Some("float") | Some("double") | Some("money") => {
            Some("`numeric` or `numeric(p,s)`")
        }
        Some("bool") => Some("`boolean`"),
        Some("datetime") => Some("`timestamptz`"),
        _ => None,
    };
    match hint {
        Some(h) => format!(
            "`{}` is a v2 spelling; the v3 spelling is {h} (v3 types: `text`/`varchar(n)`/`integer`/`bigint`/`numeric`/`boolean`/`timestamptz`/…)",
            value.unwrap_or_default()
        ),
        None => "v3 column types: uuid, text, varchar(n), integer, bigint, numeric, numeric(p,s), boolean, timestamp, timestamptz, date, json, jsonb, vector, vector(n)".to_string(),
    }
}

fn capability_kind_help(value: &str) -> Option<&'static str> {
    match value {
        "secret:read" => Some("did you mean `secrets:read`?"),
        "storage:write" => Some("did you mean `file-storage:write`?"),
        "storage:read" => Some("did you mean `fs:read`?"),
        "tool:invoke" => Some("tools need no capability to be invoked; remove this entry"),
        _ => None,
    }
}

fn to_diagnostic(error: &SchemaError, root: &Node) -> Diagnostic {
    let pointer = error.pointer.as_str();
    let node = root.lookup(pointer);
    let string = node.and_then(Node::as_str);
    let in_conditional = |d: Diagnostic| {
        if error.conditional {
            Diagnostic {
                code: "MC0109",
                ..d
            }
        } else {
            d
        }
    };
    match &error.failure {
        Failure::Format { format } => Diagnostic::warning(
            "MC0113",
            format!("{} is not a valid `{format}`", describe_value(node)),
        )
        .at(pointer)
        .with_help(match format.as_str() {
            "uri" => "write an absolute URI, e.g. `https://example.com`",
            _ => "write an RFC 3339 timestamp, e.g. `2026-01-31T12:00:00Z`",
        }),
        Failure::Additional { property, known } => {
            let help = if pointer == "/backend" {
                Some("v3 has no backend block; declare handlers on actions/tools (`{\"type\": \"wasm\", \"function\": \"…\"}`)".to_string())
            } else if pointer == "/key" {
                Some("this looks like a v2 manifest; remove `apiVersion` or move `key` under `metadata`".to_string())
            } else {
                did_you_mean(property, known)
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| {
                        (!known.is_empty()).then(|| {
                            let listed: Vec<String> =
                                known.iter().take(12).map(|k| format!("`{k}`")).collect();
                            format!(
                                "allowed fields here: {}{}",
                                listed.join(", "),
                                if known.len() > 12 { ", …" } else { "" }
                            )
                        })
                    })
            };
            let d = Diagnostic::error("MC0103", format!("unknown field `{property}`"))
                .at_key(pointer)
                .with_label("not allowed here");
            in_conditional(match help {
                Some(h) => d.with_help(h),
                None => d,
            })
        }
        Failure::Required { property } => in_conditional(
            Diagnostic::error("MC0104", format!("missing required field `{property}`"))
                .at(pointer)
                .with_help(format!("add `\"{property}\": …` to this object")),
        ),
        Failure::Type { expected } => {
            let expected = expected
                .iter()
                .map(|t| match t.as_str() {
                    "object" | "array" | "integer" => format!("an {t}"),
                    other => format!("a {other}"),
                })
                .collect::<Vec<_>>()
                .join(" or ");
            let found = node.map(Node::type_name).unwrap_or("nothing");
            let found = if found == "number" && expected.contains("integer") {
                "a non-integer number".to_string()
            } else {
                format!(
                    "{} {found}",
                    if found == "array" || found == "object" {
                        "an"
                    } else {
                        "a"
                    }
                )
            };
            in_conditional(
                Diagnostic::error("MC0105", format!("expected {expected}, found {found}"))
                    .at(pointer),
            )
        }
        Failure::NotAllowed { allowed } => {
            if is_column_pointer(pointer, "type") {
                return column_type_error(pointer, string);
            }
            let listed: Vec<String> = allowed
                .iter()
                .map(|a| {
                    format!(
                        "`{}`",
                        a.as_str()
                            .map(String::from)
                            .unwrap_or_else(|| a.to_string())
                    )
                })
                .collect();
            let mut d = Diagnostic::error(
                "MC0106",
                format!("{} is not allowed here", describe_value(node)),
            )
            .at(pointer);
            let special = pointer_ends_with(pointer, &["kind"])
                .then(|| string.and_then(capability_kind_help))
                .flatten();
            let candidates: Vec<String> = allowed
                .iter()
                .filter_map(|a| a.as_str().map(String::from))
                .collect();
            let suggestion = string.and_then(|s| did_you_mean(s, &candidates));
            d = match (special, suggestion) {
                (Some(h), _) => d.with_help(format!("{h} (allowed: {})", listed.join(", "))),
                (None, Some(s)) => d.with_help(format!("did you mean `{s}`?")),
                (None, None) => d.with_help(format!("allowed: {}", listed.join(", "))),
            };
            in_conditional(d)
        }
        Failure::Pattern { pattern } => {
            if let Some(found) = string.and_then(placeholder) {
                return Diagnostic::error(
                    "MC0110",
                    format!("unrendered template placeholder `{found}`"),
                )
                .at(pointer)
                .with_help("this looks like a scaffolding template; substitute the placeholder before validating");
            }
            if is_column_pointer(pointer, "type") {
                return column_type_error(pointer, string);
            }
            let code = pattern_code(pointer);
            let what = match code {
                "MC0201" => "invalid addon key",
                "MC0203" => "invalid version",
                "MC0304" => "invalid identifier",
                _ => "value does not match the required pattern",
            };
            let help = match code {
                "MC0201" => "addon keys are 2–63 characters: a lowercase letter, then lowercase letters, digits or `_`".to_string(),
                "MC0203" => "versions are `MAJOR.MINOR.PATCH`, optionally with `-pre` and `+build`, e.g. `1.2.0`".to_string(),
                _ => format!("must match `{pattern}`"),
            };
            in_conditional(
                Diagnostic::error(code, format!("{what}: {}", describe_value(node)))
                    .at(pointer)
                    .with_help(help),
            )
        }
        Failure::Bound { description } => in_conditional(
            Diagnostic::error("MC0108", format!("{} {description}", field_name(pointer)))
                .at(pointer),
        ),
        Failure::Combination { description } => {
            if is_column_pointer(pointer, "type") {
                return column_type_error(pointer, string);
            }
            Diagnostic::error("MC0109", format!("{}: {description}", field_name(pointer)))
                .at(pointer)
        }
    }
}

fn column_type_error(pointer: &str, value: Option<&str>) -> Diagnostic {
    match value.and_then(placeholder) {
        Some(found) => Diagnostic::error(
            "MC0110",
            format!("unrendered template placeholder `{found}`"),
        )
        .at(pointer)
        .with_help(
            "this looks like a scaffolding template; substitute the placeholder before validating",
        ),
        None => Diagnostic::error(
            "MC0305",
            format!("unknown column type `{}`", value.unwrap_or("?")),
        )
        .at(pointer)
        .with_help(column_type_help(value)),
    }
}

/// A readable name for the value at `pointer` (`` `columns` ``, or "the manifest").
fn field_name(pointer: &str) -> String {
    match pointer_tokens(pointer).last() {
        Some(last) if last.parse::<usize>().is_err() => format!("`{last}`"),
        Some(_) => "this item".to_string(),
        None => "the manifest".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn codes(text: &str) -> Vec<(&'static str, String)> {
        let root = json::parse(text).unwrap().root;
        let mut out: Vec<_> = check(&root, false)
            .into_iter()
            .map(|d| (d.code, d.pointer().unwrap_or("").to_string()))
            .collect();
        out.sort();
        out
    }

    const BASE: &str = r#""apiVersion": "asteby.com/v3", "kind": "Addon",
        "compatibility": {"requires": [{"key": "kernel", "version": ">=3.0.0 <4.0.0"}]}"#;

    #[test]
    fn specific_codes_win_over_generic_pattern() {
        let text = format!(
            r#"{{{BASE}, "metadata": {{"key": "Bad-Key", "name": "x", "version": "1.0"}},
              "models": [{{"key": "t", "table": "T", "columns": [{{"name": "Id", "type": "string"}}]}}]}}"#
        );
        assert_eq!(
            codes(&text),
            vec![
                ("MC0201", "/metadata/key".to_string()),
                ("MC0203", "/metadata/version".to_string()),
                ("MC0304", "/models/0/columns/0/name".to_string()),
                ("MC0304", "/models/0/key".to_string()),
                ("MC0304", "/models/0/table".to_string()),
                ("MC0305", "/models/0/columns/0/type".to_string()),
            ]
        );
    }

    #[test]
    fn placeholders_and_unknown_fields() {
        let text = format!(
            r#"{{{BASE}, "metadata": {{"key": "{{{{ADDON_KEY}}}}", "name": "x", "version": "1.0.0"}},
              "contributions": {{"actions": [{{"key": "a", "handler": {{"type": "wasm", "function": "f"}}, "confirmMessage": "?"}}]}},
              "backend": {{}}}}"#
        );
        let root = json::parse(&text).unwrap().root;
        let diags = check(&root, false);
        let placeholder = diags.iter().find(|d| d.code == "MC0110").unwrap();
        assert!(placeholder.message.contains("{{ADDON_KEY}}"));
        let unknown: Vec<_> = diags.iter().filter(|d| d.code == "MC0103").collect();
        assert_eq!(unknown.len(), 2);
        assert!(unknown
            .iter()
            .any(|d| d.help.as_deref() == Some("did you mean `confirm_message`?")));
        assert!(unknown
            .iter()
            .any(|d| d.help.as_deref().unwrap().contains("no backend block")));
    }

    #[test]
    fn kind_constraints_are_combination_errors() {
        let text = format!(
            r#"{{{BASE}, "metadata": {{"key": "ok", "name": "x", "version": "1.0.0"}}, "preset": {{"addons": [{{"key": "a", "version": "1.0.0"}}]}}}}"#
        );
        assert_eq!(codes(&text), vec![("MC0109", String::new())]);
    }
}
