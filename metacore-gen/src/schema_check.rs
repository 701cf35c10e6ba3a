//! A JSON Schema (draft 2020-12 subset) checker over span-preserving [`Node`] trees.
//!
//! The strict v3 parser must accept exactly what the upstream schema accepts (`manifest.md` §2),
//! so the structural pass *is* that schema, interpreted here. Unlike a general validator it
//! reports every failure with the instance pointer and a failure kind, so the v3 front end can
//! map each one to its catalogue code (MC0103 unknown field, MC0107 pattern, …) and location.
//!
//! Supported keywords — every one the upstream schema uses: `$ref` (local `#/$defs/…`), `type`,
//! `properties`, `additionalProperties`, `required`, `items`, `enum`, `const`, `pattern`,
//! `minLength`, `maxLength`, `minItems`, `maxItems`, `minProperties`, `uniqueItems`, `minimum`,
//! `maximum`, `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`, and `format` (`uri`,
//! `date-time`) as an annotation that yields warnings only, as upstream treats it.

use std::collections::HashMap;

use regex::Regex;
use serde_json::Value as Schema;

use crate::json::{pointer_push, Node, Value};

/// What failed, in terms of the schema keyword.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// `type`: the instance has another JSON type.
    Type {
        /// The allowed type names.
        expected: Vec<String>,
    },
    /// `required`: a member is missing (the pointer is the object's).
    Required {
        /// The missing property.
        property: String,
    },
    /// `additionalProperties: false`: an unknown member (the pointer is the member's).
    Additional {
        /// The unknown key.
        property: String,
        /// The keys the object allows, sorted.
        known: Vec<String>,
    },
    /// `enum` / `const`: the value is not one of the allowed values.
    NotAllowed {
        /// The allowed values.
        allowed: Vec<serde_json::Value>,
    },
    /// `pattern`: the string does not match.
    Pattern {
        /// The ECMA-262 pattern as written in the schema.
        pattern: String,
    },
    /// `minLength`, `minItems`, `minimum`, … — a size, count or range bound.
    Bound {
        /// Human description, e.g. "must have at least 1 item".
        description: String,
    },
    /// `anyOf`/`oneOf`/`not`/`allOf`, or anything inside an `if`/`then`.
    Combination {
        /// Human description.
        description: String,
    },
    /// `format` (annotation): a warning only.
    Format {
        /// The format name.
        format: String,
    },
}

/// One failure at one instance location.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaError {
    /// RFC 6901 pointer into the instance.
    pub pointer: String,
    /// What failed.
    pub failure: Failure,
    /// True when the failure came from a conditional (`if`/`then`) rule.
    pub conditional: bool,
}

impl SchemaError {
    /// True for failures that make the instance invalid (everything except `format`).
    pub fn is_error(&self) -> bool {
        !matches!(self.failure, Failure::Format { .. })
    }
}

/// A compiled schema document: the JSON plus its compiled patterns.
pub struct SchemaChecker {
    root: Schema,
    patterns: HashMap<String, Regex>,
}

impl SchemaChecker {
    /// Compiles `root`. Panics only when the schema itself carries a pattern that cannot be
    /// compiled — a bug in the embedded schema, caught by the tests.
    pub fn new(root: Schema) -> Self {
        let mut patterns = HashMap::new();
        collect_patterns(&root, &mut patterns);
        SchemaChecker { root, patterns }
    }

    /// The schema document.
    pub fn schema(&self) -> &Schema {
        &self.root
    }

    /// Checks `instance` against the root schema and returns every failure.
    pub fn check(&self, instance: &Node) -> Vec<SchemaError> {
        let mut errors = Vec::new();
        self.check_at(&self.root, instance, "", false, &mut errors);
        errors
    }

    /// True when `instance` satisfies `schema` (format annotations ignored).
    fn passes(&self, schema: &Schema, instance: &Node) -> bool {
        let mut errors = Vec::new();
        self.check_at(schema, instance, "", false, &mut errors);
        !errors.iter().any(SchemaError::is_error)
    }

    fn resolve<'s>(&'s self, schema: &'s Schema) -> &'s Schema {
        let mut schema = schema;
        // Chains of pure `$ref`s are followed; a `$ref` beside other keywords is applied by
        // `check_at` in addition to them.
        for _ in 0..32 {
            match schema.get("$ref").and_then(Schema::as_str) {
                Some(reference) if schema.as_object().map(|o| o.len()) == Some(1) => {
                    match self.lookup_ref(reference) {
                        Some(target) => schema = target,
                        None => return schema,
                    }
                }
                _ => return schema,
            }
        }
        schema
    }

    fn lookup_ref(&self, reference: &str) -> Option<&Schema> {
        let pointer = reference.strip_prefix('#')?;
        self.root.pointer(pointer)
    }

    fn check_at(
        &self,
        schema: &Schema,
        node: &Node,
        pointer: &str,
        conditional: bool,
        errors: &mut Vec<SchemaError>,
    ) {
        let schema = self.resolve(schema);
        let Some(keywords) = schema.as_object() else {
            if schema == &Schema::Bool(false) {
                errors.push(SchemaError {
                    pointer: pointer.to_string(),
                    failure: Failure::Combination {
                        description: "no value is allowed here".into(),
                    },
                    conditional,
                });
            }
            return;
        };
        if let Some(reference) = keywords.get("$ref").and_then(Schema::as_str) {
            if let Some(target) = self.lookup_ref(reference) {
                self.check_at(target, node, pointer, conditional, errors);
            }
        }
        let fail_here = |errors: &mut Vec<SchemaError>, failure: Failure| {
            errors.push(SchemaError {
                pointer: pointer.to_string(),
                failure,
                conditional,
            })
        };

        if let Some(expected) = keywords.get("type") {
            let names: Vec<String> = match expected {
                Schema::String(s) => vec![s.clone()],
                Schema::Array(items) => items
                    .iter()
                    .filter_map(|i| i.as_str().map(String::from))
                    .collect(),
                _ => vec![],
            };
            if !names.iter().any(|t| type_matches(t, node)) {
                fail_here(errors, Failure::Type { expected: names });
                // Nothing else about this value is meaningful once its type is wrong.
                return;
            }
        }
        if let Some(allowed) = keywords.get("enum").and_then(Schema::as_array) {
            let value = node.to_serde();
            if !allowed.iter().any(|a| json_equal(a, &value)) {
                fail_here(
                    errors,
                    Failure::NotAllowed {
                        allowed: allowed.clone(),
                    },
                );
            }
        }
        if let Some(constant) = keywords.get("const") {
            if !json_equal(constant, &node.to_serde()) {
                fail_here(
                    errors,
                    Failure::NotAllowed {
                        allowed: vec![constant.clone()],
                    },
                );
            }
        }

        match &node.value {
            Value::String(s) => {
                if let Some(pattern) = keywords.get("pattern").and_then(Schema::as_str) {
                    if let Some(regex) = self.patterns.get(pattern) {
                        if !regex.is_match(s) {
                            fail_here(
                                errors,
                                Failure::Pattern {
                                    pattern: pattern.to_string(),
                                },
                            );
                        }
                    }
                }
                let length = s.chars().count() as u64;
                if let Some(min) = keywords.get("minLength").and_then(Schema::as_u64) {
                    if length < min {
                        let description = if min == 1 {
                            "must not be empty".to_string()
                        } else {
                            format!("must be at least {min} characters long")
                        };
                        fail_here(errors, Failure::Bound { description });
                    }
                }
                if let Some(max) = keywords.get("maxLength").and_then(Schema::as_u64) {
                    if length > max {
                        fail_here(
                            errors,
                            Failure::Bound {
                                description: format!("must be at most {max} characters long"),
                            },
                        );
                    }
                }
                if let Some(format) = keywords.get("format").and_then(Schema::as_str) {
                    if !format_matches(format, s) {
                        fail_here(
                            errors,
                            Failure::Format {
                                format: format.to_string(),
                            },
                        );
                    }
                }
            }
            Value::Number(n) => {
                let v = n.as_f64();
                if let Some(min) = keywords.get("minimum").and_then(Schema::as_f64) {
                    if v < min {
                        fail_here(
                            errors,
                            Failure::Bound {
                                description: format!("must be at least {}", fmt_num(min)),
                            },
                        );
                    }
                }
                if let Some(max) = keywords.get("maximum").and_then(Schema::as_f64) {
                    if v > max {
                        fail_here(
                            errors,
                            Failure::Bound {
                                description: format!("must be at most {}", fmt_num(max)),
                            },
                        );
                    }
                }
            }
            Value::Array(items) => {
                if let Some(min) = keywords.get("minItems").and_then(Schema::as_u64) {
                    if (items.len() as u64) < min {
                        let description = if min == 1 {
                            "must have at least 1 item".to_string()
                        } else {
                            format!("must have at least {min} items")
                        };
                        fail_here(errors, Failure::Bound { description });
                    }
                }
                if let Some(max) = keywords.get("maxItems").and_then(Schema::as_u64) {
                    if (items.len() as u64) > max {
                        fail_here(
                            errors,
                            Failure::Bound {
                                description: format!("must have at most {max} items"),
                            },
                        );
                    }
                }
                if keywords.get("uniqueItems") == Some(&Schema::Bool(true)) {
                    let values: Vec<serde_json::Value> = items.iter().map(Node::to_serde).collect();
                    let duplicate = (0..values.len())
                        .find(|&j| (0..j).any(|i| json_equal(&values[i], &values[j])));
                    if let Some(j) = duplicate {
                        fail_here(
                            errors,
                            Failure::Bound {
                                description: format!(
                                    "items must be unique (item {j} repeats an earlier one)"
                                ),
                            },
                        );
                    }
                }
                if let Some(item_schema) = keywords.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check_at(
                            item_schema,
                            item,
                            &pointer_push(pointer, i),
                            conditional,
                            errors,
                        );
                    }
                }
            }
            Value::Object(members) => {
                if let Some(min) = keywords.get("minProperties").and_then(Schema::as_u64) {
                    if (members.len() as u64) < min {
                        fail_here(
                            errors,
                            Failure::Bound {
                                description: format!(
                                    "must have at least {min} propert{}",
                                    if min == 1 { "y" } else { "ies" }
                                ),
                            },
                        );
                    }
                }
                if let Some(required) = keywords.get("required").and_then(Schema::as_array) {
                    for property in required.iter().filter_map(Schema::as_str) {
                        if node.get(property).is_none() {
                            fail_here(
                                errors,
                                Failure::Required {
                                    property: property.to_string(),
                                },
                            );
                        }
                    }
                }
                let properties = keywords.get("properties").and_then(Schema::as_object);
                let additional = keywords.get("additionalProperties");
                for member in members {
                    let member_pointer = pointer_push(pointer, &member.key);
                    match properties.and_then(|p| p.get(&member.key)) {
                        Some(sub) => {
                            self.check_at(sub, &member.value, &member_pointer, conditional, errors)
                        }
                        None => match additional {
                            Some(Schema::Bool(false)) => {
                                let mut known: Vec<String> = properties
                                    .map(|p| p.keys().cloned().collect())
                                    .unwrap_or_default();
                                known.sort();
                                errors.push(SchemaError {
                                    pointer: member_pointer,
                                    failure: Failure::Additional {
                                        property: member.key.clone(),
                                        known,
                                    },
                                    conditional,
                                });
                            }
                            Some(sub @ Schema::Object(_)) => self.check_at(
                                sub,
                                &member.value,
                                &member_pointer,
                                conditional,
                                errors,
                            ),
                            _ => {}
                        },
                    }
                }
            }
            Value::Null | Value::Bool(_) => {}
        }

        if let Some(all) = keywords.get("allOf").and_then(Schema::as_array) {
            for sub in all {
                self.check_at(sub, node, pointer, conditional, errors);
            }
        }
        if let Some(branches) = keywords.get("anyOf").and_then(Schema::as_array) {
            if !branches.iter().any(|b| self.passes(b, node)) {
                self.explain_branches(branches, node, pointer, conditional, "anyOf", errors);
            }
        }
        if let Some(branches) = keywords.get("oneOf").and_then(Schema::as_array) {
            let passing = branches.iter().filter(|b| self.passes(b, node)).count();
            if passing == 0 {
                self.explain_branches(branches, node, pointer, conditional, "oneOf", errors);
            } else if passing > 1 {
                fail_here(
                    errors,
                    Failure::Combination {
                        description: "matches more than one of the alternative shapes".into(),
                    },
                );
            }
        }
        if let Some(negated) = keywords.get("not") {
            if self.passes(negated, node) {
                let description = keywords
                    .get("description")
                    .and_then(Schema::as_str)
                    .map(String::from)
                    .unwrap_or_else(|| format!("{} not allowed here", describe_forbidden(negated)));
                errors.push(SchemaError {
                    pointer: pointer.to_string(),
                    failure: Failure::Combination { description },
                    conditional,
                });
            }
        }
        if let Some(condition) = keywords.get("if") {
            let branch = if self.passes(condition, node) {
                keywords.get("then")
            } else {
                keywords.get("else")
            };
            if let Some(branch) = branch {
                self.check_at(branch, node, pointer, true, errors);
            }
        }
    }

    /// Reports a failed `anyOf`/`oneOf`: when exactly one branch accepts the value's JSON type,
    /// that branch's own failures are the useful explanation; otherwise one combined failure.
    fn explain_branches(
        &self,
        branches: &[Schema],
        node: &Node,
        pointer: &str,
        conditional: bool,
        keyword: &str,
        errors: &mut Vec<SchemaError>,
    ) {
        let typed: Vec<&Schema> = branches
            .iter()
            .filter(|b| self.branch_accepts_type(b, node))
            .collect();
        if let [only] = typed.as_slice() {
            if self.resolve(only).get("type").is_some() {
                self.check_at(only, node, pointer, conditional, errors);
                return;
            }
        }
        if typed.is_empty() {
            let mut expected: Vec<String> = Vec::new();
            for branch in branches {
                match self.resolve(branch).get("type") {
                    Some(Schema::String(t)) => expected.push(t.clone()),
                    Some(Schema::Array(ts)) => {
                        expected.extend(ts.iter().filter_map(Schema::as_str).map(String::from))
                    }
                    _ => {
                        expected.clear();
                        break;
                    }
                }
            }
            expected.retain(|t| t != "null");
            expected.dedup();
            if !expected.is_empty() {
                errors.push(SchemaError {
                    pointer: pointer.to_string(),
                    failure: Failure::Type { expected },
                    conditional,
                });
                return;
            }
        }
        let description = match keyword {
            "oneOf" => "matches none of the alternative shapes allowed here",
            _ => "matches none of the alternatives allowed here",
        };
        errors.push(SchemaError {
            pointer: pointer.to_string(),
            failure: Failure::Combination {
                description: description.into(),
            },
            conditional,
        });
    }

    fn branch_accepts_type(&self, branch: &Schema, node: &Node) -> bool {
        match self.resolve(branch).get("type") {
            Some(Schema::String(t)) => type_matches(t, node),
            Some(Schema::Array(ts)) => ts
                .iter()
                .filter_map(Schema::as_str)
                .any(|t| type_matches(t, node)),
            _ => true,
        }
    }
}

fn describe_forbidden(negated: &Schema) -> String {
    let mut names = Vec::new();
    collect_required(negated, &mut names);
    match names.as_slice() {
        [] => "this shape is".to_string(),
        [one] => format!("`{one}` is"),
        many => format!(
            "{} are",
            many.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
    }
}

fn collect_required(schema: &Schema, names: &mut Vec<String>) {
    if let Some(required) = schema.get("required").and_then(Schema::as_array) {
        names.extend(required.iter().filter_map(Schema::as_str).map(String::from));
    }
    for keyword in ["anyOf", "oneOf", "allOf"] {
        for sub in schema
            .get(keyword)
            .and_then(Schema::as_array)
            .into_iter()
            .flatten()
        {
            collect_required(sub, names);
        }
    }
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        v.to_string()
    }
}

/// Whether `node` has JSON Schema type `name`.
pub fn type_matches(name: &str, node: &Node) -> bool {
    match (name, &node.value) {
        ("object", Value::Object(_))
        | ("array", Value::Array(_))
        | ("string", Value::String(_))
        | ("boolean", Value::Bool(_))
        | ("null", Value::Null)
        | ("number", Value::Number(_)) => true,
        ("integer", Value::Number(n)) => n.is_integral(),
        _ => false,
    }
}

/// JSON equality where numbers compare by value (`1` equals `1.0`).
fn json_equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// Checks the `format` annotations the manifest schema uses.
fn format_matches(format: &str, s: &str) -> bool {
    match format {
        "uri" => {
            // An absolute URI: a scheme, a colon, and no whitespace.
            let Some((scheme, rest)) = s.split_once(':') else {
                return false;
            };
            let mut chars = scheme.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !rest.is_empty()
                && !s.chars().any(char::is_whitespace)
        }
        "date-time" => is_rfc3339(s),
        _ => true,
    }
}

/// RFC 3339 `date-time` (`2026-01-31T12:00:00Z`, fractional seconds and offsets allowed).
pub fn is_rfc3339(s: &str) -> bool {
    static PATTERN: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = PATTERN.get_or_init(|| {
        Regex::new(
            r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$",
        )
        .expect("valid date-time regex")
    });
    re.is_match(s)
}

/// Compiles an ECMA-262 pattern as the schema means it: `\d` is ASCII `[0-9]` (the Rust regex
/// crate's `\d` would be Unicode).
pub fn compile_ecma_pattern(pattern: &str) -> Result<Regex, regex::Error> {
    let mut translated = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('d') => translated.push_str("[0-9]"),
                Some('D') => translated.push_str("[^0-9]"),
                Some(other) => {
                    translated.push('\\');
                    translated.push(other);
                }
                None => translated.push('\\'),
            }
        } else {
            translated.push(c);
        }
    }
    Regex::new(&translated)
}

fn collect_patterns(schema: &Schema, out: &mut HashMap<String, Regex>) {
    match schema {
        Schema::Object(map) => {
            if let Some(Schema::String(pattern)) = map.get("pattern") {
                let regex = compile_ecma_pattern(pattern)
                    .unwrap_or_else(|e| panic!("schema pattern `{pattern}` does not compile: {e}"));
                out.insert(pattern.clone(), regex);
            }
            for (key, value) in map {
                // Property *names* are not keywords: descend into their schemas only.
                if key == "properties" || key == "$defs" {
                    for sub in value.as_object().into_iter().flat_map(|m| m.values()) {
                        collect_patterns(sub, out);
                    }
                } else if !matches!(key.as_str(), "enum" | "const" | "examples" | "default") {
                    collect_patterns(value, out);
                }
            }
        }
        Schema::Array(items) => items.iter().for_each(|i| collect_patterns(i, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use serde_json::json;

    fn check(schema: serde_json::Value, text: &str) -> Vec<SchemaError> {
        SchemaChecker::new(schema).check(&json::parse(text).unwrap().root)
    }

    #[test]
    fn reports_every_failure_with_its_pointer() {
        let schema = json!({
            "type": "object", "additionalProperties": false, "required": ["key", "n"],
            "properties": {
                "key": {"type": "string", "pattern": "^[a-z]\\d$"},
                "n": {"type": "integer", "minimum": 1},
                "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "uniqueItems": true}
            }
        });
        let errors = check(
            schema,
            r#"{"key": "a٣", "tags": ["a", "c", "a"], "extra": 1}"#,
        );
        let pointers: Vec<&str> = errors.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["", "/key", "/tags", "/tags/1", "/extra"]);
        assert!(matches!(&errors[0].failure, Failure::Required { property } if property == "n"));
        assert!(
            matches!(&errors[1].failure, Failure::Pattern { .. }),
            "Arabic-Indic digit is not \\d"
        );
        assert!(
            matches!(&errors[4].failure, Failure::Additional { property, .. } if property == "extra")
        );
    }

    #[test]
    fn one_of_descends_into_the_branch_of_the_right_type() {
        let schema = json!({
            "$defs": {"Opt": {"type": "object", "additionalProperties": false, "properties": {"value": {"type": "string"}}}},
            "oneOf": [{"type": "array", "items": {"$ref": "#/$defs/Opt"}}, {"$ref": "#/$defs/Opt"}]
        });
        let errors = check(schema.clone(), r#"[{"value": 1}]"#);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].pointer, "/0/value");
        assert!(check(schema.clone(), r#"{"value": "x"}"#).is_empty());
        // No branch takes a number: reported as a type error naming both shapes.
        assert!(matches!(
            &check(schema, "3")[0].failure,
            Failure::Type { expected } if expected == &["array", "object"]
        ));
    }

    #[test]
    fn conditional_rules_are_marked() {
        let schema = json!({
            "if": {"properties": {"kind": {"const": "Addon"}}},
            "then": {"not": {"required": ["preset"]}}
        });
        let errors = check(schema.clone(), r#"{"kind": "Addon", "preset": {}}"#);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].conditional);
        assert!(check(schema, r#"{"kind": "Preset", "preset": {}}"#).is_empty());
    }

    #[test]
    fn integers_and_formats() {
        let schema = json!({"properties": {"i": {"type": "integer"}, "u": {"type": "string", "format": "uri"}}});
        let errors = check(schema, r#"{"i": 2.5, "u": "not a uri"}"#);
        assert!(matches!(errors[0].failure, Failure::Type { .. }));
        assert!(!errors[1].is_error());
        assert!(is_rfc3339("2026-08-22T10:00:00.5+02:00"));
        assert!(!is_rfc3339("2026-08-22 10:00"));
    }
}
