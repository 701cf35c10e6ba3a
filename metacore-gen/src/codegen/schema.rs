//! The physical database schema of one addon, as the build records it.
//!
//! [`AddonSchema::of`] projects an IR addon onto what the database holds: tables with their
//! physical names, columns with canonical types, nullability and defaults, indices and
//! physical foreign keys. It is the unit the schema lock stores (`lock`) and the schema
//! evolution diffs (`evolution`); migrations are emitted from it, never from the manifest
//! directly, so a migration once recorded keeps meaning the same thing.
//!
//! ## Where tables live
//!
//! Every addon table is named `addon_<key>__<table>` (addon key with `-` written `_`), on
//! PostgreSQL and SQLite alike, in the connection's default schema. SQLite has no schemas, and
//! one spelling on both backends lets each model have a single static sea-orm entity and the
//! same SQL everywhere. The double underscore cannot occur in a key or table name, so the
//! mapping back to `(addon, table)` is unambiguous; PostgreSQL's `addon_<key>.<table>` (the
//! name addons use in their own SQL) is resolved by the runtime to the same table.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ir::{self, ColumnType, SystemRole};

/// The longest identifier PostgreSQL keeps without truncating it.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// The physical table of `table` in addon `addon_key`.
pub fn physical_table(addon_key: &str, table: &str) -> String {
    format!("addon_{}__{table}", addon_key.replace('-', "_"))
}

/// A physical constraint or index name: `<base>`, shortened with a stable hash suffix when
/// it would exceed [`MAX_IDENTIFIER_BYTES`].
pub fn constraint_name(base: &str) -> String {
    if base.len() <= MAX_IDENTIFIER_BYTES {
        return base.to_string();
    }
    let hash = crate::fnv::fnv1a(base.as_bytes());
    let mut cut = MAX_IDENTIFIER_BYTES - 9;
    while !base.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{:08x}", &base[..cut], hash as u32)
}

/// One addon's tables, by route name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddonSchema {
    /// Tables by route name (sorted).
    pub tables: BTreeMap<String, TableSchema>,
}

/// One table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSchema {
    /// The table's name in the database.
    pub physical: String,
    /// Columns in declaration order; the primary key is the column with `primary_key`.
    pub columns: Vec<ColumnSchema>,
    /// Indices by name (sorted).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub indices: BTreeMap<String, IndexSchema>,
    /// Physical foreign keys by constraint name (sorted).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub foreign_keys: BTreeMap<String, ForeignKeySchema>,
    /// The search columns, kept in a full-text index (SQLite FTS5 trigram table, PostgreSQL
    /// `pg_trgm` GIN indexes) that list `search` reads; empty: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub search: Vec<String>,
    /// On PostgreSQL, `search` is kept in one generated search document with one trigram
    /// index (`metacore_core::storage::SEARCH_DOCUMENT_COLUMN`) instead of one trigram index
    /// per column (what migrations recorded before it existed did). SQLite's index is the
    /// same either way.
    #[serde(default, skip_serializing_if = "is_false")]
    pub search_document: bool,
    /// On SQLite, an index of the list's default order (`columns`, then `deleted_at` when the
    /// model soft-deletes) followed by the search document of `search`
    /// (`metacore_core::storage::sqlite_search_document`): a search of a common text walks
    /// that index alone, testing each entry's document, instead of reading every row it
    /// passes. `None` without search columns or an organisation, and in
    /// migrations recorded before it existed. Nothing on PostgreSQL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_scan: Option<IndexSchema>,
    /// How rows are counted per organisation in `metacore_row_counts` (every tenant table):
    /// list totals read the count there instead of counting the table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_count: Option<RowCount>,
}

/// Row counting of a tenant table, kept by triggers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCount {
    /// The organisation column rows are counted by.
    pub by: String,
    /// Only rows with `deleted_at IS NULL` count (soft-deleting tables).
    #[serde(default, skip_serializing_if = "is_false")]
    pub live_only: bool,
    /// PostgreSQL: the count changes when the writing transaction commits (a deferred
    /// constraint trigger), not at each statement. Every write of an organisation updates
    /// its one count row, whose lock is then held only through the commit instead of from
    /// the row's write to the commit: with the event append in between, concurrent creates
    /// queued on it (about 15 % more creates per second on the benchmark). Nothing reads a
    /// count inside the transaction that changed it. `false` in locks recorded before.
    #[serde(default, skip_serializing_if = "is_false")]
    pub at_commit: bool,
    /// PostgreSQL: the count function names the counts table with its schema and each
    /// operator as `pg_catalog`'s instead of pinning `search_path` with `SET … FROM
    /// CURRENT`. The `SET` made PostgreSQL switch `search_path` in and out on every call:
    /// without it, 3,555 → 3,840 ticket creates per second (wrk -c16, the trigram and filter
    /// indexes dropped in both runs). `false` in locks recorded before.
    #[serde(default, skip_serializing_if = "is_false")]
    pub qualified: bool,
}

impl TableSchema {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnSchema> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnSchema {
    /// Column name.
    pub name: String,
    /// Canonical type spelling (`varchar(40)`, `numeric(18,4)`, `timestamptz`, …).
    #[serde(rename = "type")]
    pub column_type: String,
    /// NULL allowed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    /// Part of the primary key (only `id`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary_key: bool,
    /// Database default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<DefaultValue>,
}

impl ColumnSchema {
    /// The canonical type, parsed back.
    pub fn parsed_type(&self) -> Option<ColumnType> {
        ColumnType::parse_canonical(&self.column_type)
    }
}

/// A column default, as stored in the lock: the IR's own default.
pub use crate::ir::ColumnDefault as DefaultValue;

/// One index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexSchema {
    /// The index's name in the database.
    pub physical: String,
    /// Indexed columns, in order.
    pub columns: Vec<String>,
    /// UNIQUE.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// Only rows with `deleted_at IS NULL` (partial index).
    #[serde(default, skip_serializing_if = "is_false")]
    pub only_live_rows: bool,
}

/// One physical foreign key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKeySchema {
    /// Local columns.
    pub columns: Vec<String>,
    /// Route name of the target table (same addon).
    pub target: String,
    /// Target columns.
    pub target_columns: Vec<String>,
    /// `restrict`, `cascade`, `set_null` or `no_action`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_delete: Option<String>,
}

pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}

impl AddonSchema {
    /// The schema of `addon`. Foreign keys to models of other addons, logical foreign keys and
    /// foreign keys whose target cannot be resolved are not physical constraints.
    pub fn of(addon: &ir::Addon) -> AddonSchema {
        let tables = addon
            .models
            .iter()
            .map(|model| (model.table.clone(), table_of(addon, model)))
            .collect();
        AddonSchema { tables }
    }
}

/// The stored schema of `model` of `addon`.
pub fn table_of(addon: &ir::Addon, model: &ir::Model) -> TableSchema {
    let physical = physical_table(&addon.key, &model.table);
    let columns = model
        .columns
        .iter()
        .map(|c| ColumnSchema {
            name: c.name.clone(),
            column_type: c.column_type.canonical(),
            nullable: c.nullable && c.role != SystemRole::Id && c.role != SystemRole::Tenancy,
            primary_key: c.primary_key,
            default: c.default.clone(),
        })
        .collect();
    let prefix = format!("addon_{}__", addon.key.replace('-', "_"));
    let indices = model
        .indices
        .iter()
        .map(|index| {
            let schema = IndexSchema {
                physical: constraint_name(&format!("{prefix}{}", index.name)),
                columns: index.columns.clone(),
                unique: index.unique,
                only_live_rows: index.only_live_rows,
            };
            (index.name.clone(), schema)
        })
        .collect();
    let foreign_keys = model
        .foreign_keys
        .iter()
        .filter(|fk| fk.physical)
        .filter_map(|fk| {
            let target = addon.find_model(&fk.target_model)?;
            let name = constraint_name(&format!(
                "fk_{}__{}__{}",
                addon.key.replace('-', "_"),
                model.table,
                fk.columns.join("_")
            ));
            let schema = ForeignKeySchema {
                columns: fk.columns.clone(),
                target: target.table.clone(),
                target_columns: if fk.target_columns.is_empty() {
                    vec!["id".to_string()]
                } else {
                    fk.target_columns.clone()
                },
                on_delete: fk.on_delete.clone(),
            };
            Some((name, schema))
        })
        .collect();
    let search: Vec<String> = crate::ui::search_column_names(model)
        .into_iter()
        .filter(|name| model.column(name).is_some_and(|c| c.column_type.is_text()))
        .collect();
    // After the list order, `deleted_at` (NULL in every entry of the partial index): SQLite
    // reads an index alone only when it holds every column the statement names, and a
    // list's statement tests `deleted_at IS NULL`.
    let deleted_at = model
        .column_with(SystemRole::DeletedAt)
        .map(|c| c.name.clone());
    let search_scan = (!search.is_empty())
        .then(|| crate::list_indexes::list_order(model))
        .flatten()
        .map(|mut columns| {
            columns.extend(deleted_at);
            IndexSchema {
                physical: constraint_name(&format!("{physical}__search__scan")),
                columns,
                unique: false,
                only_live_rows: model.soft_delete(),
            }
        });
    TableSchema {
        physical,
        columns,
        indices,
        foreign_keys,
        search_document: !search.is_empty(),
        search_scan,
        search,
        row_count: model.tenancy_column().map(|c| RowCount {
            by: c.name.clone(),
            live_only: model.soft_delete(),
            at_commit: true,
            qualified: true,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn physical_names_are_prefixed_and_bounded() {
        assert_eq!(
            physical_table("tickets", "tickets"),
            "addon_tickets__tickets"
        );
        assert_eq!(
            physical_table("custom-webhook", "events"),
            "addon_custom_webhook__events"
        );
        let long = "x".repeat(80);
        let name = constraint_name(&long);
        assert_eq!(name.len(), MAX_IDENTIFIER_BYTES);
        assert_eq!(name, constraint_name(&long), "stable");
        assert_ne!(name, constraint_name(&"y".repeat(80)));
        assert_eq!(constraint_name("short"), "short");
    }
}
