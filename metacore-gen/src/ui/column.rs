//! `ColumnDefinition` (`http-api.md` §6.3): the columns of a table view, and the search
//! columns that go with them.
//!
//! Derived columns are every column but the tenancy column and `deleted_at`, in declared order.
//! A v2 model with an inline `table.columns` list serves that list verbatim (its bare
//! `searchEndpoint` values were normalised while lowering), completed with `searchable` and —
//! for columns marked `filterable` — `filterType` when they are missing.

use serde_json::{Map, Value as Json};

use super::common::{
    hint, humanise, options_endpoint, route_of, stage_field, static_options, validation_json,
    Object, ValueKind,
};
use crate::ir::{Addon, Column, ColumnType, Model, SystemRole};

/// The `columns` of the model's TableMetadata.
pub(crate) fn columns(addon: &Addon, model: &Model) -> Vec<Json> {
    match inline_list(model, "columns") {
        Some(inline) => {
            let search_columns = inline_list(model, "searchColumns");
            inline
                .iter()
                .map(|c| complete_inline(model, c, search_columns))
                .collect()
        }
        None => model
            .columns
            .iter()
            .filter(|c| is_listed(c))
            .map(|c| column_definition(addon, model, c))
            .collect(),
    }
}

/// The `searchColumns` of the model's TableMetadata: the v2 inline list, else the searchable
/// columns.
pub(crate) fn search_columns(model: &Model) -> Vec<Json> {
    match inline_list(model, "searchColumns") {
        Some(inline) => inline.clone(),
        None => model
            .columns
            .iter()
            .filter(|c| is_listed(c) && is_searchable(c))
            .map(|c| Json::String(c.name.clone()))
            .collect(),
    }
}

/// A non-empty array `key` of the v2 inline `table` block.
fn inline_list<'m>(model: &'m Model, key: &str) -> Option<&'m Vec<Json>> {
    model
        .table_ui
        .as_ref()?
        .get(key)?
        .as_array()
        .filter(|list| !list.is_empty())
}

/// Shown in tables: everything but the tenancy column and `deleted_at`.
fn is_listed(column: &Column) -> bool {
    !matches!(column.role, SystemRole::Tenancy | SystemRole::DeletedAt)
}

/// Text and varchar columns that are not references.
fn is_searchable(column: &Column) -> bool {
    column.column_type.is_text() && column.reference.is_none()
}

/// `id` and the timestamps the compiler added.
fn is_hidden(column: &Column) -> bool {
    column.role == SystemRole::Id
        || (column.implicit && matches!(column.role, SystemRole::CreatedAt | SystemRole::UpdatedAt))
}

/// The filter widget of a filterable column; `None` when the column is not filterable.
fn filter_type(model: &Model, column: &Column) -> Option<&'static str> {
    match ValueKind::of(column) {
        ValueKind::Relation => Some("dynamic_select"),
        ValueKind::Select => Some("select"),
        ValueKind::Number => Some("number_range"),
        ValueKind::Boolean => Some("boolean"),
        ValueKind::Date | ValueKind::DateTime => Some("date_range"),
        ValueKind::Json | ValueKind::Text => {
            (stage_field(model) == Some(column.name.as_str())).then_some("select")
        }
    }
}

fn type_name(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::Relation => "relation",
        ValueKind::Select => "select",
        ValueKind::Number => "number",
        ValueKind::Boolean => "boolean",
        ValueKind::Date => "date",
        ValueKind::DateTime => "datetime",
        ValueKind::Json | ValueKind::Text => "text",
    }
}

fn column_definition(addon: &Addon, model: &Model, column: &Column) -> Json {
    let filter_type = filter_type(model, column);
    let reference = column.reference.as_deref().map(|r| route_of(addon, r));
    let style_config = hint(column, "display_config");
    let declared = |key: &str| hint(column, key).cloned();
    Object::new()
        .with("key", column.name.as_str())
        .with(
            "label",
            column
                .label
                .clone()
                .unwrap_or_else(|| humanise(&column.name)),
        )
        .with("type", type_name(ValueKind::of(column)))
        .with(
            "sortable",
            !matches!(column.column_type, ColumnType::Json | ColumnType::Jsonb),
        )
        .with("filterable", filter_type.is_some())
        .with_opt("filterType", filter_type)
        .with("searchable", is_searchable(column))
        .with("hidden", is_hidden(column))
        .with_opt("options", static_options(column))
        .with_opt("cellStyle", declared("display"))
        .with_opt("styleConfig", style_config.cloned())
        .with_opt(
            "basePath",
            style_config.and_then(|c| c.get("base_path")).cloned(),
        )
        .with_opt("tooltip", declared("tooltip"))
        .with_opt("description", declared("description"))
        .with_opt("searchEndpoint", reference.as_deref().map(options_endpoint))
        .with_opt("ref", reference)
        .with_opt(
            "validation",
            column.validation.as_ref().map(validation_json),
        )
        .with_opt("visible_when", declared("visible_when"))
        .with_opt("section", declared("section"))
        .with_opt("readonly", declared("readonly"))
        .with_opt("visibility", declared("visibility"))
        .build()
}

/// An inline v2 column, verbatim, with `searchable` (membership in the inline `searchColumns`,
/// else the column's own searchability) and `filterType` (`select` for inline options, else
/// the model column's filter) added when missing.
fn complete_inline(model: &Model, inline: &Json, search_columns: Option<&Vec<Json>>) -> Json {
    let Some(fields) = inline.as_object() else {
        return inline.clone();
    };
    let mut fields: Map<String, Json> = fields.clone();
    let key = fields.get("key").and_then(Json::as_str).map(str::to_string);
    let column = key.as_deref().and_then(|k| model.column(k));
    if !fields.contains_key("searchable") {
        let searchable = match (search_columns, &key) {
            (Some(list), Some(key)) => list.iter().any(|c| c.as_str() == Some(key)),
            _ => column.is_some_and(is_searchable),
        };
        fields.insert("searchable".into(), Json::Bool(searchable));
    }
    if !fields.contains_key("filterType") && fields.get("filterable") == Some(&Json::Bool(true)) {
        let has_options = fields
            .get("options")
            .and_then(Json::as_array)
            .is_some_and(|o| !o.is_empty());
        let filter = if has_options {
            Some("select")
        } else {
            column.and_then(|c| filter_type(model, c))
        };
        if let Some(filter) = filter {
            fields.insert("filterType".into(), Json::String(filter.into()));
        }
    }
    Json::Object(fields)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ui::test_support::{model, v2, v3, v3_columns};

    fn shop() -> Addon {
        v3(json!({"models": [
            {"key": "Customer", "table": "customers", "columns": v3_columns(json!([{"name": "name", "type": "text"}]))},
            {"key": "Order", "table": "orders", "stage_field": "stage",
             "stages": [{"key": "new"}],
             "columns": v3_columns(json!([
                {"name": "customer_id", "type": "uuid", "ref": "Customer"},
                {"name": "status", "type": "text", "options": [{"value": "open", "label": "Open", "color": "green", "when": {"field": "x"}}]},
                {"name": "stage", "type": "text"},
                {"name": "total", "type": "numeric(12,2)", "display": "currency", "display_config": {"currency": "MXN", "base_path": "/x"}},
                {"name": "memo", "type": "varchar(40)", "validation": {"min": 1, "max": 2.5}, "readonly": true, "section": "general", "visible_when": {"field": "status", "equals": "open"}},
                {"name": "meta", "type": "jsonb"},
                {"name": "due", "type": "date"},
                {"name": "deleted_at", "type": "timestamptz"}
             ]))}
        ]}))
    }

    fn column_named(columns: &[Json], key: &str) -> Json {
        columns
            .iter()
            .find(|c| c["key"] == key)
            .cloned()
            .unwrap_or_else(|| panic!("no column {key}"))
    }

    #[test]
    fn a_reference_is_a_dynamic_select_relation() {
        let addon = shop();
        let columns = columns(&addon, model(&addon, "orders"));
        assert_eq!(
            column_named(&columns, "customer_id"),
            json!({"key": "customer_id", "label": "Customer id", "type": "relation",
                   "sortable": true, "filterable": true, "filterType": "dynamic_select",
                   "searchable": false, "hidden": false, "ref": "customers",
                   "searchEndpoint": "/options/customers?field=id"})
        );
    }

    #[test]
    fn derived_shapes_per_kind() {
        let addon = shop();
        let columns = columns(&addon, model(&addon, "orders"));
        let keys: Vec<&str> = columns.iter().filter_map(|c| c["key"].as_str()).collect();
        assert_eq!(
            keys,
            [
                "id",
                "customer_id",
                "status",
                "stage",
                "total",
                "memo",
                "meta",
                "due"
            ],
            "tenancy column and deleted_at are not listed"
        );
        let status = column_named(&columns, "status");
        assert_eq!(status["type"], "select");
        assert_eq!(status["filterType"], "select");
        assert_eq!(
            status["options"],
            json!([{"value": "open", "label": "Open", "color": "green"}])
        );
        assert_eq!(column_named(&columns, "stage")["filterType"], "select");
        let total = column_named(&columns, "total");
        assert_eq!(total["type"], "number");
        assert_eq!(total["filterType"], "number_range");
        assert_eq!(total["cellStyle"], "currency");
        assert_eq!(total["basePath"], "/x");
        let memo = column_named(&columns, "memo");
        assert_eq!(memo["searchable"], true);
        assert_eq!(memo["filterable"], false);
        assert!(memo.get("filterType").is_none());
        assert_eq!(memo["validation"], json!({"min": 1, "max": 2.5}));
        assert_eq!(memo["readonly"], true);
        assert_eq!(memo["section"], "general");
        assert_eq!(
            memo["visible_when"],
            json!({"field": "status", "equals": "open"})
        );
        assert_eq!(column_named(&columns, "meta")["sortable"], false);
        assert_eq!(column_named(&columns, "due")["filterType"], "date_range");
        assert_eq!(column_named(&columns, "id")["hidden"], true);
        assert_eq!(
            search_columns(model(&addon, "orders")),
            vec![json!("status"), json!("stage"), json!("memo")]
        );
    }

    #[test]
    fn v2_implicit_timestamps_are_hidden() {
        let addon = v2(
            json!({"model_definitions": [{"table_name": "notes", "model_key": "notes",
            "columns": [{"name": "body", "type": "text", "searchable": true}]}]}),
        );
        let columns = columns(&addon, model(&addon, "notes"));
        let hidden: Vec<(&str, bool)> = columns
            .iter()
            .map(|c| (c["key"].as_str().unwrap(), c["hidden"].as_bool().unwrap()))
            .collect();
        assert_eq!(
            hidden,
            [
                ("id", true),
                ("body", false),
                ("created_at", true),
                ("updated_at", true)
            ]
        );
    }

    #[test]
    fn v2_inline_columns_are_verbatim_and_completed() {
        let addon = v2(
            json!({"model_definitions": [{"table_name": "assets", "model_key": "assets",
            "columns": [{"name": "name", "type": "string"}, {"name": "category_id", "type": "uuid"},
                        {"name": "cost", "type": "decimal"}, {"name": "kind", "type": "string"}],
            "table": {"columns": [
                {"key": "name", "label": "Nombre", "type": "text"},
                {"key": "category_id", "label": "Cat", "type": "relation", "searchEndpoint": "categories", "filterable": true},
                {"key": "cost", "label": "Costo", "type": "number", "filterable": true, "filterType": "custom"},
                {"key": "kind", "label": "Tipo", "type": "select", "filterable": true, "options": [{"value": "a", "label": "A"}]}
            ], "searchColumns": ["name"]}}]}),
        );
        let columns = columns(&addon, model(&addon, "assets"));
        assert_eq!(
            columns,
            vec![
                json!({"key": "name", "label": "Nombre", "type": "text", "searchable": true}),
                json!({"key": "category_id", "label": "Cat", "type": "relation", "filterable": true,
                       "searchEndpoint": "/options/categories?field=id", "searchable": false}),
                json!({"key": "cost", "label": "Costo", "type": "number", "filterable": true,
                       "filterType": "custom", "searchable": false}),
                json!({"key": "kind", "label": "Tipo", "type": "select", "filterable": true,
                       "options": [{"value": "a", "label": "A"}], "searchable": false, "filterType": "select"}),
            ]
        );
    }
}
