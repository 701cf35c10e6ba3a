//! The references between the models of one addon, computed once per addon.
//!
//! A column references another model of the same addon through a single-column foreign key,
//! a `ref`, or (v2) a `*_id` picker whose target is known. Entities turn these into
//! `belongs_to`/`has_many` relations and the round-trip test orders its inserts by them, so
//! both ask [`AddonReferences`] instead of recomputing them per model (which made large
//! addons quadratic or worse).

use std::collections::BTreeMap;

use crate::ir::{Addon, Column, ColumnType, Model};

/// A single-column reference from a model to a model of the same addon.
pub(crate) struct Reference<'a> {
    /// The referencing column.
    pub column: &'a str,
    /// The referenced model.
    pub target: &'a Model,
    /// The referenced column (`id` unless a foreign key says otherwise).
    pub target_column: String,
}

/// Every reference of an addon, by referencing and by referenced model.
pub(crate) struct AddonReferences<'a> {
    addon: &'a Addon,
    /// Position of each model in `addon.models`, by table.
    position: BTreeMap<&'a str, usize>,
    /// The references each model makes, in `addon.models` order.
    outgoing: Vec<Vec<Reference<'a>>>,
    /// For each referenced table: (referencing model position, reference index), in
    /// manifest order.
    incoming: BTreeMap<&'a str, Vec<(usize, usize)>>,
}

impl<'a> AddonReferences<'a> {
    /// Computes the references of every model of `addon`.
    pub fn of(addon: &'a Addon) -> Self {
        let position = addon
            .models
            .iter()
            .enumerate()
            .map(|(i, m)| (m.table.as_str(), i))
            .collect();
        let outgoing: Vec<Vec<Reference<'a>>> = addon
            .models
            .iter()
            .map(|m| references_of(addon, m))
            .collect();
        let mut incoming: BTreeMap<&'a str, Vec<(usize, usize)>> = BTreeMap::new();
        for (from, references) in outgoing.iter().enumerate() {
            for (index, reference) in references.iter().enumerate() {
                incoming
                    .entry(reference.target.table.as_str())
                    .or_default()
                    .push((from, index));
            }
        }
        AddonReferences {
            addon,
            position,
            outgoing,
            incoming,
        }
    }

    /// The addon these references belong to.
    pub fn addon(&self) -> &'a Addon {
        self.addon
    }

    /// The position of `model` in `addon.models`.
    pub fn position(&self, model: &Model) -> usize {
        self.position[model.table.as_str()]
    }

    /// The references `model` makes (its `belongs_to` side).
    pub fn from(&self, model: &Model) -> &[Reference<'a>] {
        self.position
            .get(model.table.as_str())
            .map_or(&[], |&i| self.outgoing[i].as_slice())
    }

    /// The references other models make to `model` (its `has_many` side), with the model
    /// making each, in manifest order; self-references excluded.
    pub fn to<'s>(
        &'s self,
        model: &'s Model,
    ) -> impl Iterator<Item = (&'a Model, &'s Reference<'a>)> + 's {
        let addon = self.addon;
        self.incoming
            .get(model.table.as_str())
            .into_iter()
            .flatten()
            .map(move |&(from, index)| (&addon.models[from], &self.outgoing[from][index]))
            .filter(move |(from, _)| from.table != model.table)
    }
}

/// The references `model` makes to models of `addon`.
fn references_of<'a>(addon: &'a Addon, model: &'a Model) -> Vec<Reference<'a>> {
    let mut out: Vec<Reference<'a>> = Vec::new();
    for fk in &model.foreign_keys {
        if let ([column], Some(target)) = (
            fk.columns.as_slice(),
            addon.find_model_ref(&fk.target_model),
        ) {
            let target_column = fk
                .target_columns
                .first()
                .cloned()
                .unwrap_or_else(|| "id".into());
            if target.column(&target_column).is_some() && model.column(column).is_some() {
                out.push(Reference {
                    column,
                    target,
                    target_column,
                });
            }
        }
    }
    for column in &model.columns {
        let declared = column
            .reference
            .as_deref()
            .and_then(|r| addon.find_model_ref(r));
        let Some(target) = declared.or_else(|| picker_target(addon, model, column)) else {
            continue;
        };
        if target.column("id").is_some() && !out.iter().any(|r| r.column == column.name) {
            out.push(Reference {
                column: &column.name,
                target,
                target_column: "id".into(),
            });
        }
    }
    // A relation needs both ends of the same Rust type.
    out.retain(|r| {
        let from = model.column(r.column).map(|c| c.column_type);
        let to = r.target.column(&r.target_column).map(|c| c.column_type);
        from.is_some() && from == to
    });
    out
}

/// The model a v2 `*_id` picker column selects from: the `searchEndpoint` its inline table
/// or modal metadata gives it (`asset_categories`, `/options/asset_categories?field=id`), or
/// else a model whose table or key is the column's stem (`project_id` → `projects`).
fn picker_target<'a>(addon: &'a Addon, model: &Model, column: &Column) -> Option<&'a Model> {
    let stem = column.name.strip_suffix("_id")?;
    if column.column_type != ColumnType::Uuid {
        return None;
    }
    let endpoint = [&model.table_ui, &model.modal_ui]
        .into_iter()
        .flatten()
        .find_map(|ui| search_endpoint_for(ui, &column.name));
    if let Some(endpoint) = endpoint {
        let table = endpoint
            .trim_start_matches("/options/")
            .split(['?', '/'])
            .next()
            .unwrap_or_default();
        return addon.find_model(table);
    }
    addon.models.iter().find(|m| {
        m.table == stem || m.table == format!("{stem}s") || m.key.eq_ignore_ascii_case(stem)
    })
}

/// The `searchEndpoint` of the entry describing `column` anywhere in inline UI metadata.
fn search_endpoint_for<'j>(ui: &'j serde_json::Value, column: &str) -> Option<&'j str> {
    match ui {
        serde_json::Value::Object(map) => {
            let names_column = ["key", "column", "name"]
                .iter()
                .any(|k| map.get(*k).and_then(|v| v.as_str()) == Some(column));
            let own = map.get("searchEndpoint").and_then(|v| v.as_str());
            match (names_column, own) {
                (true, Some(endpoint)) => Some(endpoint),
                _ => map.values().find_map(|v| search_endpoint_for(v, column)),
            }
        }
        serde_json::Value::Array(items) => {
            items.iter().find_map(|v| search_endpoint_for(v, column))
        }
        _ => None,
    }
}
