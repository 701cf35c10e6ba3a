//! Pieces shared by the metadata shapes: a JSON object builder that skips absent values,
//! label humanising, reference → route resolution, and the readings of a column that several
//! shapes agree on (its value kind, static options, dynamic options, validation, default).

use serde_json::Value as Json;

use crate::ir::{Action, Addon, Column, ColumnDefault, ColumnType, Model, Validation};

pub(crate) use metacore_core::ui::Object;

/// `fiscal_documents` → `Fiscal documents`: underscores become spaces, the first letter is
/// capitalised (the derivation of default titles and labels, `http-api.md` §6.2).
pub fn humanise(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The route name a model reference (`ref`, `through`, a nav item's `model`, an action's
/// `target_model`) stands for: the table of this addon's model it names, else — for another
/// addon's model, which one addon's IR cannot resolve — its last dotted segment as written
/// (`addon_tickets.comments` → `comments`; `crm.Customer` → `Customer`, which the server
/// accepts case-insensitively as a model key, `http-api.md` §1.6).
pub fn route_of(addon: &Addon, reference: &str) -> String {
    match addon.find_model(reference) {
        Some(model) => model.table.clone(),
        None => reference
            .rsplit('.')
            .next()
            .unwrap_or(reference)
            .to_string(),
    }
}

/// `/options/<route>?field=id`: where a picker over the rows of `route` searches.
pub fn options_endpoint(route: &str) -> String {
    format!("/options/{route}?field=id")
}

/// The actions of `addon` whose target is `model`, in manifest order.
pub(crate) fn actions_of<'a>(
    addon: &'a Addon,
    model: &'a Model,
) -> impl Iterator<Item = &'a Action> {
    addon.actions.iter().filter(move |action| {
        action
            .target_model
            .as_deref()
            .and_then(|target| addon.find_model(target))
            .is_some_and(|target| target.table == model.table)
    })
}

/// A model's title: the v2 inline `table.title`, else its label, else the humanised table
/// name (`http-api.md` §6.2; the modal uses the same unless its own inline block says).
pub(crate) fn title(model: &Model) -> String {
    model
        .table_ui
        .as_ref()
        .and_then(|t| t.get("title"))
        .and_then(Json::as_str)
        .map(str::to_string)
        .or_else(|| model.label.clone())
        .unwrap_or_else(|| humanise(&model.table))
}

/// `derived` with every key of a v2 inline UI block laid over it, except the `kept` keys,
/// which the caller derived itself (from the inline block where it applies).
pub(crate) fn overlay(derived: Json, inline: Option<&Json>, kept: &[&str]) -> Json {
    let (Json::Object(mut fields), Some(Json::Object(inline))) = (derived.clone(), inline) else {
        return derived;
    };
    for (key, value) in inline {
        if !kept.contains(&key.as_str()) {
            fields.insert(key.clone(), value.clone());
        }
    }
    Json::Object(fields)
}

/// The column of a model holding its stage (`stage_field`), when declared.
pub(crate) fn stage_field(model: &Model) -> Option<&str> {
    model.advanced.get("stage_field").and_then(Json::as_str)
}

/// How a column's values are read and edited, the classification the table and form shapes
/// both derive their `type` from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueKind {
    /// A reference to another model's rows.
    Relation,
    /// One of a static list of options.
    Select,
    /// integer, bigint, numeric.
    Number,
    /// boolean.
    Boolean,
    /// date.
    Date,
    /// timestamp, timestamptz.
    DateTime,
    /// json, jsonb.
    Json,
    /// text, varchar, uuid, vector.
    Text,
}

impl ValueKind {
    pub(crate) fn of(column: &Column) -> ValueKind {
        if column.reference.is_some() {
            ValueKind::Relation
        } else if static_options(column).is_some() {
            ValueKind::Select
        } else {
            match column.column_type {
                t if t.is_numeric() => ValueKind::Number,
                t if t.is_timestamp() => ValueKind::DateTime,
                ColumnType::Boolean => ValueKind::Boolean,
                ColumnType::Date => ValueKind::Date,
                ColumnType::Json | ColumnType::Jsonb => ValueKind::Json,
                _ => ValueKind::Text,
            }
        }
    }
}

/// The column's static options as served: `[{value, label, icon?, color?, image?}]` (the
/// `when` guard is for forms of the runtime's own and is not served). `None` when the column
/// has no static list (no options, or the DynamicOptions object).
pub(crate) fn static_options(column: &Column) -> Option<Vec<Json>> {
    column.options.as_ref().and_then(served_options)
}

/// The values of the column's static options, as text (what a write must use); empty
/// when the column has no static list.
pub fn static_option_values(column: &Column) -> Vec<String> {
    static_options(column)
        .into_iter()
        .flatten()
        .map(|option| match option.get("value").unwrap_or(&option) {
            Json::String(text) => text.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// A static option list as served (see [`static_options`]); `None` for anything but an array.
pub(crate) fn served_options(options: &Json) -> Option<Vec<Json>> {
    let list = options.as_array()?;
    Some(
        list.iter()
            .map(|option| match option.as_object() {
                Some(fields) => Json::Object(
                    ["value", "label", "icon", "color", "image"]
                        .into_iter()
                        .filter_map(|key| Some((key.to_string(), fields.get(key)?.clone())))
                        .collect(),
                ),
                None => option.clone(),
            })
            .collect(),
    )
}

/// `options_config` from a DynamicOptions object: `{"type": "dynamic", "source", "filter_by",
/// "value", "label_ref", "description"}` with the present keys only (`http-api.md` §6.4).
pub(crate) fn options_config(options: Option<&Json>) -> Option<Json> {
    let fields = options?.as_object()?;
    let mut config = Object::new().with("type", "dynamic");
    for key in ["source", "filter_by", "value", "label_ref", "description"] {
        config = config.with_opt(key, fields.get(key).cloned());
    }
    Some(config.build())
}

/// A validation block as served: `{regex?, min?, max?, custom?}`.
pub(crate) fn validation_json(validation: &Validation) -> Json {
    Object::new()
        .with_opt("regex", validation.regex.clone())
        .with_opt("min", validation.min.and_then(number))
        .with_opt("max", validation.max.and_then(number))
        .with_opt("custom", validation.custom.clone())
        .build()
}

/// `value` with a whole float (`820.0`, as typed manifests read numbers) printed as the
/// integer it is; any other value unchanged.
pub(crate) fn whole(value: &Json) -> Json {
    value
        .as_f64()
        .filter(|_| value.is_f64())
        .and_then(number)
        .unwrap_or_else(|| value.clone())
}

/// A bound as a JSON number, whole numbers printed without a fraction (`1`, not `1.0`).
fn number(value: f64) -> Option<Json> {
    const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0; // 2^53
    if value.fract() == 0.0 && value.abs() < EXACT_INTEGERS {
        Some(Json::from(value as i64))
    } else {
        serde_json::Number::from_f64(value).map(Json::Number)
    }
}

/// A literal default as a JSON value (`'open'` → `"open"`, `42` → `42`); builtins such as
/// `now()` have no value a form could show and give `None`.
pub(crate) fn literal_default(default: &ColumnDefault) -> Option<Json> {
    match default {
        ColumnDefault::Bool(b) => Some(Json::Bool(*b)),
        ColumnDefault::Number(text) => Some(number_text(text)),
        ColumnDefault::Text(text) => Some(Json::String(text.clone())),
        ColumnDefault::Now | ColumnDefault::CurrentDate | ColumnDefault::RandomUuid => None,
    }
}

/// A number from its exact decimal text (kept as text if it is not a JSON number).
pub(crate) fn number_text(text: &str) -> Json {
    text.parse::<serde_json::Number>()
        .map(Json::Number)
        .unwrap_or_else(|_| Json::String(text.to_string()))
}

/// A UI hint of the column as declared (`display`, `section`, `display_config`, …).
pub(crate) fn hint<'c>(column: &'c Column, key: &str) -> Option<&'c Json> {
    column.ui.get(key)
}

/// A boolean UI hint of the column; absent is false.
pub(crate) fn flag(column: &Column, key: &str) -> bool {
    column.ui.get(key).and_then(Json::as_bool).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humanises_names() {
        assert_eq!(humanise("fiscal_documents"), "Fiscal documents");
        assert_eq!(humanise("resolve"), "Resolve");
        assert_eq!(humanise(""), "");
        assert_eq!(humanise("élan_vital"), "Élan vital");
    }

    #[test]
    fn numbers_print_exactly() {
        assert_eq!(number(1.0), Some(Json::from(1)));
        assert_eq!(number(2.5), Some(serde_json::json!(2.5)));
        assert_eq!(number_text("42"), Json::from(42));
        assert_eq!(number_text("0.1"), serde_json::json!(0.1));
    }
}
