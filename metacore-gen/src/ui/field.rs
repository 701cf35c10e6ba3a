//! `FieldDef` (`http-api.md` §6.4): the inputs of a model's create/edit form.
//!
//! Derived fields are every column but the server-maintained ones (`id`, the tenancy column,
//! `created_at`, `updated_at`, `deleted_at`, `created_by(_id)`, `updated_by(_id)`) and
//! generated columns; `readonly` columns and columns bound to a `sequence` are kept, read-only.
//! A v2 model with an inline `modal.fields` list serves that list verbatim (normalised while
//! lowering).

use serde_json::Value as Json;

use super::common::{
    flag, hint, humanise, literal_default, options_config, options_endpoint, route_of,
    static_options, validation_json, Object, ValueKind,
};
use crate::ir::{Addon, Column, Model, SystemRole};

/// Columns the server fills in, never part of a form.
const SERVER_COLUMNS: [&str; 7] = [
    "created_at",
    "updated_at",
    "deleted_at",
    "created_by",
    "created_by_id",
    "updated_by",
    "updated_by_id",
];

/// The `fields` of the model's ModalMetadata.
pub(crate) fn fields(addon: &Addon, model: &Model) -> Vec<Json> {
    let inline = model
        .modal_ui
        .as_ref()
        .and_then(|m| m.get("fields"))
        .and_then(Json::as_array)
        .filter(|fields| !fields.is_empty());
    match inline {
        Some(fields) => fields.clone(),
        None => model
            .columns
            .iter()
            .filter(|c| is_form_field(c))
            .map(|c| field_def(addon, c))
            .collect(),
    }
}

fn is_form_field(column: &Column) -> bool {
    column.role == SystemRole::None
        && column.generated.is_none()
        && !SERVER_COLUMNS.contains(&column.name.as_str())
}

fn type_name(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::Relation => "search",
        ValueKind::Select => "select",
        ValueKind::Number => "number",
        ValueKind::Boolean => "boolean",
        ValueKind::Date => "date",
        ValueKind::DateTime => "datetime",
        ValueKind::Json => "textarea",
        ValueKind::Text => "text",
    }
}

fn field_def(addon: &Addon, column: &Column) -> Json {
    let kind = ValueKind::of(column);
    let dynamic = options_config(column.options.as_ref());
    let widget = hint(column, "widget").cloned().or_else(|| {
        (kind == ValueKind::Relation || dynamic.is_some()).then(|| Json::from("dynamic_select"))
    });
    let field_type = hint(column, "widget")
        .and_then(Json::as_str)
        .unwrap_or(type_name(kind));
    let readonly = flag(column, "readonly") || column.ui.contains_key("sequence");
    let required = !column.nullable && column.default.is_none() && !readonly;
    let reference = column.reference.as_deref().map(|r| route_of(addon, r));
    // A v2 column shown only in tables or lists has no place in the form.
    let hidden = matches!(
        hint(column, "visibility").and_then(Json::as_str),
        Some("table" | "list")
    );
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
        .with("type", field_type)
        .with_opt("widget", widget)
        .with("required", required)
        .with("nullable", !required)
        .with_opt("searchEndpoint", reference.as_deref().map(options_endpoint))
        .with_opt("ref", reference)
        .with_opt(
            "defaultValue",
            column.default.as_ref().and_then(literal_default),
        )
        .with_opt("options", static_options(column))
        .with("readonly", readonly)
        .with("hidden", hidden)
        .with_opt(
            "validation",
            column.validation.as_ref().map(validation_json),
        )
        .with_opt("visible_when", declared("visible_when"))
        .with_opt("section", declared("section"))
        .with_opt("scan", declared("scan"))
        .with_opt("depends_on", column.depends_on.clone())
        .with_opt("options_config", dynamic)
        .with_opt("cellStyle", declared("display"))
        .with_opt("styleConfig", declared("display_config"))
        .build()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ui::test_support::{model, v2, v3, v3_columns};

    #[test]
    fn form_fields_of_a_v3_model() {
        let addon = v3(json!({"models": [
            {"key": "Product", "table": "products", "columns": v3_columns(json!([{"name": "name", "type": "text"}]))},
            {"key": "Line", "table": "lines",
             "sequences": [{"key": "folio", "format": "L-{n}"}],
             "columns": v3_columns(json!([
                {"name": "product_id", "type": "uuid", "not_null": true, "ref": "Product"},
                {"name": "warehouse_id", "type": "uuid"},
                {"name": "stock_id", "type": "uuid", "depends_on": "warehouse_id",
                 "options": {"source": "stock", "filter_by": "warehouse_id", "value": "product_id", "label": "qty"}},
                {"name": "qty", "type": "integer", "not_null": true, "default": 1},
                {"name": "folio", "type": "text", "not_null": true, "sequence": "folio"},
                {"name": "photo", "type": "text", "widget": "image", "scan": true},
                {"name": "notes", "type": "jsonb"},
                {"name": "total", "type": "numeric", "generated": "qty * 2"},
                {"name": "created_by_id", "type": "uuid"},
                {"name": "created_at", "type": "timestamptz", "default": "now()"}
             ]))}
        ]}));
        let fields = fields(&addon, model(&addon, "lines"));
        let keys: Vec<&str> = fields.iter().filter_map(|f| f["key"].as_str()).collect();
        assert_eq!(
            keys,
            [
                "product_id",
                "warehouse_id",
                "stock_id",
                "qty",
                "folio",
                "photo",
                "notes"
            ]
        );
        assert_eq!(
            fields[0],
            json!({"key": "product_id", "label": "Product id", "type": "search",
                   "widget": "dynamic_select", "required": true, "nullable": false,
                   "ref": "products", "searchEndpoint": "/options/products?field=id",
                   "readonly": false, "hidden": false})
        );
        assert_eq!(fields[1]["required"], false);
        assert_eq!(fields[1]["nullable"], true);
        assert_eq!(fields[2]["widget"], "dynamic_select");
        assert_eq!(
            fields[2]["options_config"],
            json!({"type": "dynamic", "source": "stock", "filter_by": "warehouse_id", "value": "product_id"})
        );
        assert_eq!(fields[2]["depends_on"], "warehouse_id");
        assert_eq!(fields[3]["defaultValue"], 1);
        assert_eq!(
            fields[3]["required"], false,
            "a default makes a value optional"
        );
        assert_eq!(fields[4]["readonly"], true, "bound to a sequence");
        assert_eq!(fields[4]["required"], false);
        assert_eq!(fields[5]["type"], "image");
        assert_eq!(fields[5]["widget"], "image");
        assert_eq!(fields[5]["scan"], true);
        assert_eq!(fields[6]["type"], "textarea");
    }

    #[test]
    fn v2_inline_modal_fields_are_verbatim() {
        let addon = v2(
            json!({"model_definitions": [{"table_name": "assets", "model_key": "assets",
            "columns": [{"name": "parent_id", "type": "uuid", "visibility": "table"}],
            "modal": {"fields": [{"key": "parent_id", "label": "Padre", "type": "search", "searchEndpoint": "assets"}]}}]}),
        );
        assert_eq!(
            fields(&addon, model(&addon, "assets")),
            vec![
                json!({"key": "parent_id", "label": "Padre", "type": "search",
                        "searchEndpoint": "/options/assets?field=id"})
            ]
        );
        let derived = v2(
            json!({"model_definitions": [{"table_name": "assets", "model_key": "assets",
            "columns": [{"name": "parent_id", "type": "uuid", "visibility": "table"}]}]}),
        );
        assert_eq!(
            fields(&derived, model(&derived, "assets"))[0]["hidden"],
            true
        );
    }
}
