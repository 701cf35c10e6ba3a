//! The `f_<column>` list filters (`http-api.md` §3) as declared query parameters.
//!
//! The filters are read from the raw query string (their names depend on the model, and a
//! generated operation would otherwise take one argument per column), so poem-openapi cannot
//! declare them. This pass completes the document, like [`super::links`]: every operation that
//! takes the list's filters — the list itself, export, aggregate and facets of
//! `/api/data/<route>` — gets one optional `f_<column>` parameter per column the server
//! filters on (all but `deleted_at`).
//!
//! Each is a plain `string`: the server takes a value (equality; a bare date on a timestamp
//! column is that day), a repeated parameter (any of the values) and `op:value` forms, so no
//! narrower schema would hold everything it accepts. The description says which forms apply
//! and, for an option set, names the values and its enum schema.

use serde_json::{json, Value};

use super::query::filterable;
use crate::registry::{ColumnDescriptor, ColumnKind, ModelDescriptor, Registry};

/// The path tails (after `/api/data/<route>`) of the operations that take the filters.
const FILTERED: [&str; 4] = ["", "/export", "/aggregate", "/facets"];

/// Adds the filter parameters to the `GET` operations of `document` that take them.
pub fn add_filter_parameters(document: &mut Value, registry: &Registry) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(rest) = path.strip_prefix("/api/data/") else {
            continue;
        };
        let Some((route, tail)) = FILTERED.iter().find_map(|tail| {
            rest.strip_suffix(tail)
                .filter(|route| !route.is_empty() && !route.contains('/'))
                .map(|route| (route, *tail))
        }) else {
            continue;
        };
        let Some((addon, model)) = registry.model(route) else {
            continue;
        };
        let Some(parameters) = item
            .pointer_mut("/get/parameters")
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        let declared: Vec<String> = parameters
            .iter()
            .filter_map(|p| p["name"].as_str().map(str::to_string))
            .collect();
        for column in model.columns.iter().filter(|c| filterable(c)) {
            let name = format!("f_{}", column.name);
            if declared.contains(&name) {
                continue;
            }
            let mut description = describe(addon.key, model, column);
            if tail == "/facets" {
                description.push_str(" A facet ignores the filter on its own `field`.");
            }
            parameters.push(parameter(&name, &description));
        }
    }
}

fn parameter(name: &str, description: &str) -> Value {
    json!({
        "name": name,
        "in": "query",
        "required": false,
        "deprecated": false,
        "explode": true,
        "description": description,
        "schema": {"type": "string"},
    })
}

/// What `f_<column>` takes, by the column's type.
fn describe(addon: &str, model: &ModelDescriptor, column: &ColumnDescriptor) -> String {
    let name = column.name;
    if column.kind == ColumnKind::Json {
        return format!(
            "Filter on `{name}` (JSON): `has:<value>` (the document holds the item) or \
             `null:true|false`."
        );
    }
    let like = if matches!(column.kind, ColumnKind::Text | ColumnKind::Varchar(_)) {
        ", `like`/`ilike` (contains, case-insensitive)"
    } else {
        ""
    };
    let day = if matches!(column.kind, ColumnKind::Timestamp | ColumnKind::Timestamptz) {
        " A bare date is that whole day."
    } else {
        ""
    };
    let forms = format!(
        "`eq`, `neq`, `gt`, `gte`, `lt`, `lte`, `in`/`nin` (comma list), \
         `range:<low>|<high>`, `null:true|false`{like}"
    );
    let mut text = format!(
        "Filter on `{name}`: a value (equality), the parameter repeated (any of the values), or \
         `op:value` with op one of {forms}. A value that is not a `{name}` is a 400 \
         `invalid_filter`.{day}"
    );
    if !column.options.is_empty() {
        let values: Vec<String> = column.options.iter().map(|o| format!("`{o}`")).collect();
        text.push_str(&format!(" Values: {}", values.join(", ")));
        if let Some(set) = super::schema::option_set_name(addon, model, column) {
            text.push_str(&format!(" (`{set}`)"));
        }
        text.push('.');
    }
    text
}
