//! The indexes that make list pages cheap, added by the compiler (an IR → IR pass between
//! lowering and the checks).
//!
//! A list page (`GET /api/data/<route>`) is the organisation's rows in the default order
//! (`created_at` descending, then `id`), a page at a time. Without an index that starts with
//! the organisation and follows that order, every page sorts the whole organisation. So every
//! tenant model gets:
//!
//! * `idx_<table>_list` on `(organization, created_at, id)` (or `(organization, id)` without a
//!   `created_at`), partial on live rows when the model soft-deletes: the default page is an
//!   index range read backwards;
//! * `idx_<table>_org_<column>` on `(organization, column)` for each column the manifest marks
//!   `sortable` or `filterable` (v2 inline `table.columns`, `table.filters`, or the column's
//!   own UI hints): a filtered or sorted page reads only the organisation's matching entries.
//!
//! An index that an existing one already covers (same leading columns) is not added, and
//! neither is a name the addon already uses. Each model's additions are reported in one
//! `MC0801` note, so a build says what it added; the schema lock turns them into a
//! migration like any other new index.

use std::collections::BTreeSet;

use crate::diagnostics::Diagnostic;
use crate::ir::{Addon, ColumnType, Index, Model, SystemRole};

/// Adds the list indexes to every tenant model of `addon`, with a note per model that got any.
pub fn add(addon: &mut Addon, diagnostics: &mut Vec<Diagnostic>) {
    // Index names are unique across the addon's schema, and must not be a table's name.
    let mut taken: BTreeSet<String> = addon
        .models
        .iter()
        .flat_map(|m| {
            m.indices
                .iter()
                .map(|i| i.name.clone())
                .chain([m.table.clone()])
        })
        .collect();
    for model in &mut addon.models {
        let added = add_to_model(model, &mut taken);
        if added.is_empty() {
            continue;
        }
        let list: Vec<String> = added
            .iter()
            .map(|index| format!("`{}` ({})", index.name, index.columns.join(", ")))
            .collect();
        diagnostics.push(
            Diagnostic::note(
                "MC0801",
                format!(
                    "model `{}`: added {} for list pages: {}",
                    model.key,
                    if added.len() == 1 {
                        "an index"
                    } else {
                        "indexes"
                    },
                    list.join(", ")
                ),
            )
            .at(model.src.clone()),
        );
    }
}

/// The columns of `model`'s list index: the organisation, then the default order
/// (`created_at` when the model has one, then `id`). `None` for a model without an
/// organisation.
pub fn list_order(model: &Model) -> Option<Vec<String>> {
    let tenancy = model.tenancy_column()?.name.clone();
    let id = model
        .column_with(SystemRole::Id)
        .map_or_else(|| "id".to_string(), |c| c.name.clone());
    Some(match model.column_with(SystemRole::CreatedAt) {
        Some(created) => vec![tenancy, created.name.clone(), id],
        None => vec![tenancy, id],
    })
}

/// The indexes added to `model` (already pushed onto its `indices`).
fn add_to_model(model: &mut Model, taken: &mut BTreeSet<String>) -> Vec<Index> {
    let Some(order) = list_order(model) else {
        return Vec::new();
    };
    let tenancy = order[0].clone();
    let mut wanted: Vec<(String, Vec<String>, bool)> = Vec::new();
    wanted.push((
        format!("idx_{}_list", model.table),
        order,
        model.soft_delete(),
    ));
    for column in marked_columns(model) {
        wanted.push((
            format!("idx_{}_org_{column}", model.table),
            vec![tenancy.clone(), column],
            false,
        ));
    }
    let mut added = Vec::new();
    for (name, columns, only_live_rows) in wanted {
        let covered = model
            .indices
            .iter()
            .any(|i| i.columns.starts_with(&columns));
        if covered || !taken.insert(name.clone()) {
            continue;
        }
        let index = Index {
            name,
            columns,
            unique: false,
            method: None,
            only_live_rows,
            implicit: true,
            src: model.src.clone(),
        };
        added.push(index.clone());
        model.indices.push(index);
    }
    added
}

/// The columns the manifest marks `sortable` or `filterable`, in declaration order, that can
/// carry a B-tree index (not JSON or vectors, not the system columns the list index covers).
fn marked_columns(model: &Model) -> Vec<String> {
    let mut marked: Vec<&str> = Vec::new();
    let flagged = |entry: &serde_json::Value| {
        ["sortable", "filterable"]
            .iter()
            .any(|flag| entry.get(flag) == Some(&serde_json::Value::Bool(true)))
    };
    if let Some(table) = &model.table_ui {
        for entry in table["columns"].as_array().into_iter().flatten() {
            if flagged(entry) {
                marked.extend(entry["key"].as_str());
            }
        }
        for filter in table["filters"].as_array().into_iter().flatten() {
            marked.extend(filter["column"].as_str().or(filter["key"].as_str()));
        }
    }
    for column in &model.columns {
        let hinted = ["sortable", "filterable"]
            .iter()
            .any(|flag| column.ui.get(*flag) == Some(&serde_json::Value::Bool(true)));
        if hinted {
            marked.push(&column.name);
        }
    }
    let mut out: Vec<String> = Vec::new();
    for name in marked {
        let Some(column) = model.column(name) else {
            continue;
        };
        let indexable = !matches!(
            column.column_type,
            ColumnType::Json | ColumnType::Jsonb | ColumnType::Vector(_)
        ) && column.role == SystemRole::None;
        if indexable && !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::{self, Options};

    fn lowered(manifest: &str) -> (Addon, Vec<Diagnostic>) {
        let loaded = frontend::load(
            std::path::Path::new("manifest.json"),
            manifest.as_bytes(),
            &Options {
                detached: true,
                ..Options::default()
            },
        );
        let errors: Vec<_> = loaded
            .report
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::diagnostics::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        (
            loaded.addon.expect("lowered"),
            loaded.report.diagnostics.clone(),
        )
    }

    const V2: &str = r#"{
        "key": "shop", "name": "Shop", "version": "1.0.0",
        "models": [{"key": "orders", "label": "Orders"}],
        "model_definitions": [{
            "table_name": "orders", "model_key": "orders", "org_scoped": true, "soft_delete": true,
            "columns": [
                {"name": "number", "type": "string", "unique": true},
                {"name": "status", "type": "string"},
                {"name": "total", "type": "decimal"},
                {"name": "meta", "type": "json"}
            ],
            "table": {"columns": [
                {"key": "number", "label": "N", "sortable": true},
                {"key": "status", "label": "S", "filterable": true},
                {"key": "total", "label": "T", "sortable": true},
                {"key": "meta", "label": "M", "sortable": true}
            ]}
        }]
    }"#;

    #[test]
    fn tenant_models_get_the_default_order_and_marked_column_indexes() {
        let (addon, diagnostics) = lowered(V2);
        let model = &addon.models[0];
        let implicit: Vec<(&str, Vec<&str>, bool)> = model
            .indices
            .iter()
            .filter(|i| i.name.starts_with("idx_orders_list") || i.name.contains("_org_"))
            .map(|i| {
                (
                    i.name.as_str(),
                    i.columns.iter().map(String::as_str).collect(),
                    i.only_live_rows,
                )
            })
            .collect();
        assert_eq!(
            implicit,
            vec![
                (
                    "idx_orders_list",
                    vec!["organization_id", "created_at", "id"],
                    true
                ),
                (
                    "idx_orders_org_status",
                    vec!["organization_id", "status"],
                    false
                ),
                (
                    "idx_orders_org_total",
                    vec!["organization_id", "total"],
                    false
                ),
            ],
            "JSON columns get no index"
        );
        let note = diagnostics
            .iter()
            .find(|d| d.code == "MC0801")
            .expect("a note says what was added");
        assert!(note
            .message
            .contains("`idx_orders_list` (organization_id, created_at, id)"));
        assert!(note.message.contains("idx_orders_org_status"));
        assert!(!note.message.contains("idx_orders_org_number"));
    }

    #[test]
    fn covered_indexes_are_not_added_twice() {
        // `unique` on a tenant model indexes (organization_id, number) already.
        let (addon, _) = lowered(V2);
        let names: Vec<&str> = addon.models[0]
            .indices
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        assert!(names.contains(&"uidx_orders_number"), "{names:?}");
        assert!(!names.contains(&"idx_orders_org_number"), "{names:?}");
    }
}
