//! The v2 structural pass: tolerant, like the Go kernel's `encoding/json` decoder (§3.1).
//!
//! v2 has no schema; its known keys are those of the Rust types in [`super::types`], read
//! from their generated JSON Schema. This pass walks the document beside that schema and
//! (1) renames keys that match a known key only case-insensitively (MC0112, as Go matches
//! them), (2) reports unknown keys (MC0111: a note, or a warning with a suggestion when a
//! known key is close), and (3) runs the type checks of the schema (MC0105 wrong JSON type,
//! MC0104 missing required key, MC0108 bounds).

use std::sync::OnceLock;

use serde_json::{Map, Value as Schema};

use crate::diagnostics::Diagnostic;
use crate::json::{pointer_push, Node, Value};
use crate::schema_check::{Failure, SchemaChecker};
use crate::suggest::did_you_mean;

/// The JSON Schema of the v2 types, compiled once.
pub fn v2_checker() -> &'static SchemaChecker {
    static CHECKER: OnceLock<SchemaChecker> = OnceLock::new();
    CHECKER.get_or_init(|| {
        let schema = schemars::schema_for!(super::types::ManifestV2);
        SchemaChecker::new(serde_json::to_value(schema).expect("schema serialises"))
    })
}

/// Normalises key case in place and reports unknown keys and type errors.
pub fn check(root: &mut Node) -> Vec<Diagnostic> {
    let checker = v2_checker();
    let mut diagnostics = Vec::new();
    normalise(checker, checker.schema(), root, "", &mut diagnostics);
    for error in checker.check(root) {
        let pointer = error.pointer.as_str();
        let node = root.lookup(pointer);
        let diagnostic = match &error.failure {
            Failure::Type { expected } => Diagnostic::error(
                "MC0105",
                format!(
                    "expected {}, found {}",
                    expected.join(" or "),
                    node.map(Node::type_name).unwrap_or("nothing")
                ),
            )
            .at(pointer)
            .with_help(
                "the Go kernel rejects the whole file when a known key has the wrong JSON type",
            ),
            Failure::Required { property } => {
                Diagnostic::error("MC0104", format!("missing required field `{property}`"))
                    .at(pointer)
                    .with_help(format!("add `\"{property}\": …` to this object"))
            }
            Failure::Bound { description } => {
                Diagnostic::error("MC0108", format!("value {description}")).at(pointer)
            }
            Failure::NotAllowed { .. } => {
                Diagnostic::error("MC0106", "value not allowed here").at(pointer)
            }
            // The v2 types carry no patterns, combinations or formats.
            Failure::Pattern { .. }
            | Failure::Combination { .. }
            | Failure::Format { .. }
            | Failure::Additional { .. } => continue,
        };
        diagnostics.push(diagnostic);
    }
    diagnostics
}

/// The object schema (the one with `properties`) that applies to an object node, following
/// `$ref`s and `anyOf`/`oneOf` branches (`Option<T>` is `anyOf [T, null]`).
fn object_schema<'s>(
    checker: &'s SchemaChecker,
    schema: &'s Schema,
) -> Option<&'s Map<String, Schema>> {
    find_schema(checker, schema, &["anyOf", "oneOf", "allOf"], &|schema| {
        schema.get("properties").and(schema.as_object())
    })
}

/// The schema for items of an array node.
fn item_schema<'s>(checker: &'s SchemaChecker, schema: &'s Schema) -> Option<&'s Schema> {
    find_schema(checker, schema, &["anyOf", "oneOf"], &|schema| {
        schema.get("items")
    })
}

/// The schema for values of a map-like object (`additionalProperties: {…}`).
fn map_value_schema<'s>(checker: &'s SchemaChecker, schema: &'s Schema) -> Option<&'s Schema> {
    find_schema(checker, schema, &["anyOf", "oneOf"], &|schema| {
        schema
            .get("additionalProperties")
            .filter(|values| values.is_object())
    })
}

/// The first answer of `pick`, depth first, over `schema` (its `$ref`s followed) and then the
/// branches of its `keywords` combinators, in order.
fn find_schema<'s, T>(
    checker: &'s SchemaChecker,
    schema: &'s Schema,
    keywords: &[&str],
    pick: &impl Fn(&'s Schema) -> Option<T>,
) -> Option<T> {
    let schema = resolve(checker, schema)?;
    if let Some(found) = pick(schema) {
        return Some(found);
    }
    for keyword in keywords {
        for branch in schema
            .get(keyword)
            .and_then(Schema::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(found) = find_schema(checker, branch, keywords, pick) {
                return Some(found);
            }
        }
    }
    None
}

fn resolve<'s>(checker: &'s SchemaChecker, schema: &'s Schema) -> Option<&'s Schema> {
    let mut schema = schema;
    for _ in 0..16 {
        match schema.get("$ref").and_then(Schema::as_str) {
            Some(reference) => schema = checker.schema().pointer(reference.strip_prefix('#')?)?,
            None => return Some(schema),
        }
    }
    Some(schema)
}

fn normalise(
    checker: &SchemaChecker,
    schema: &Schema,
    node: &mut Node,
    pointer: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match &mut node.value {
        Value::Object(members) => {
            if let Some(object_schema) = object_schema(checker, schema) {
                let empty = Map::new();
                let properties = object_schema
                    .get("properties")
                    .and_then(Schema::as_object)
                    .unwrap_or(&empty);
                // Opaque blocks (the inline UI metadata) keep unlisted keys on purpose.
                let open = matches!(
                    object_schema.get("additionalProperties"),
                    Some(Schema::Bool(true)) | Some(Schema::Object(_))
                );
                let known: Vec<&String> = properties.keys().collect();
                let present: Vec<String> = members.iter().map(|m| m.key.clone()).collect();
                for member in members.iter_mut() {
                    if !properties.contains_key(&member.key) {
                        let folded = known
                            .iter()
                            .find(|k| k.eq_ignore_ascii_case(&member.key))
                            .filter(|k| !present.contains(k));
                        let member_pointer = pointer_push(pointer, &member.key);
                        match folded {
                            None if open => continue,
                            Some(canonical) => {
                                diagnostics.push(
                                    Diagnostic::warning(
                                        "MC0112",
                                        format!(
                                            "key `{}` matches `{canonical}` only case-insensitively",
                                            member.key
                                        ),
                                    )
                                    .at_key(&member_pointer)
                                    .with_help(format!("write `{canonical}`")),
                                );
                                member.key = (*canonical).clone();
                            }
                            None => {
                                let suggestion = did_you_mean(&member.key, known.iter().copied());
                                diagnostics.push(match suggestion {
                                    Some(s) => Diagnostic::warning(
                                        "MC0111",
                                        format!("unknown field `{}` is ignored", member.key),
                                    )
                                    .at_key(&member_pointer)
                                    .with_help(format!("did you mean `{s}`?")),
                                    None => Diagnostic::note(
                                        "MC0111",
                                        format!("unknown field `{}` is ignored", member.key),
                                    )
                                    .at_key(&member_pointer),
                                });
                                continue;
                            }
                        }
                    }
                    if let Some(sub) = properties.get(&member.key) {
                        let member_pointer = pointer_push(pointer, &member.key);
                        normalise(
                            checker,
                            sub,
                            &mut member.value,
                            &member_pointer,
                            diagnostics,
                        );
                    }
                }
            } else if let Some(values) = map_value_schema(checker, schema) {
                for member in members.iter_mut() {
                    let member_pointer = pointer_push(pointer, &member.key);
                    normalise(
                        checker,
                        values,
                        &mut member.value,
                        &member_pointer,
                        diagnostics,
                    );
                }
            }
        }
        Value::Array(items) => {
            if let Some(items_schema) = item_schema(checker, schema) {
                for (i, item) in items.iter_mut().enumerate() {
                    normalise(
                        checker,
                        items_schema,
                        item,
                        &pointer_push(pointer, i),
                        diagnostics,
                    );
                }
            }
        }
        _ => {}
    }
}
