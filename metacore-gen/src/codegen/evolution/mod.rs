//! Schema evolution: the steps that turn one recorded [`AddonSchema`] into the next.
//!
//! [`diff`] compares what the previous build recorded with what the manifest now declares.
//! Additive changes (a new table, column, index or foreign key; a widened type; a column
//! that becomes nullable; a new default) become [`Step`]s of a new migration. Changes that
//! could lose data or are ambiguous — dropping a table or column (a rename looks like a drop
//! plus an add), narrowing a type, making a column NOT NULL without a default, adding a NOT
//! NULL column without a default to an existing table — are [`Destructive`] and stop the
//! build unless the caller allows them.

use serde::{Deserialize, Serialize};

use super::schema::{
    is_false, AddonSchema, ColumnSchema, ForeignKeySchema, IndexSchema, RowCount, TableSchema,
};
use crate::ir::ColumnType;

/// One schema change. Migrations are lists of steps; the lock stores them, so a recorded
/// migration is re-emitted identically by every later build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Step {
    /// Create a table with its columns and foreign keys.
    CreateTable {
        /// Route name.
        table: String,
        /// The table.
        schema: TableSchema,
    },
    /// Drop a table.
    DropTable {
        /// Route name.
        table: String,
        /// The physical name.
        physical: String,
    },
    /// Add a column.
    AddColumn {
        /// Route name.
        table: String,
        /// The column.
        column: ColumnSchema,
    },
    /// Drop a column.
    DropColumn {
        /// Route name.
        table: String,
        /// Column name.
        column: String,
    },
    /// Change a column's type, nullability or default.
    AlterColumn {
        /// Route name.
        table: String,
        /// The column before.
        from: ColumnSchema,
        /// The column after.
        to: ColumnSchema,
    },
    /// Create an index.
    CreateIndex {
        /// Route name.
        table: String,
        /// The index name the manifest declares.
        name: String,
        /// The index.
        index: IndexSchema,
    },
    /// Drop an index.
    DropIndex {
        /// Route name.
        table: String,
        /// The index name the manifest declared.
        name: String,
        /// The physical name.
        physical: String,
    },
    /// Add a foreign key to an existing table.
    AddForeignKey {
        /// Route name.
        table: String,
        /// Constraint name.
        name: String,
        /// The foreign key.
        foreign_key: ForeignKeySchema,
    },
    /// Drop a foreign key.
    DropForeignKey {
        /// Route name.
        table: String,
        /// Constraint name.
        name: String,
    },
    /// Keep `columns` in a full-text index, with the triggers that keep it in step, filled
    /// from the rows already there.
    CreateSearch {
        /// Route name.
        table: String,
        /// The search columns.
        columns: Vec<String>,
        /// PostgreSQL keeps them in one search document ([`TableSchema::search_document`]);
        /// false in migrations recorded before that form existed.
        #[serde(default, skip_serializing_if = "is_false")]
        document: bool,
    },
    /// Drop the full-text index of `columns` and its triggers.
    DropSearch {
        /// Route name.
        table: String,
        /// The search columns it covered.
        columns: Vec<String>,
        /// It was the search document form.
        #[serde(default, skip_serializing_if = "is_false")]
        document: bool,
    },
    /// On PostgreSQL, replace the trigram index of each of `columns` with one search
    /// document of them and its trigram index (nothing changes on SQLite).
    DocumentSearch {
        /// Route name.
        table: String,
        /// The search columns.
        columns: Vec<String>,
    },
    /// On SQLite, index the list order's columns followed by the search document of `columns`
    /// ([`TableSchema::search_scan`]; nothing on PostgreSQL).
    CreateSearchScan {
        /// Route name.
        table: String,
        /// The index: its name, the list order's columns, live rows only.
        index: IndexSchema,
        /// The search columns its document joins.
        columns: Vec<String>,
    },
    /// Drop the index of [`Step::CreateSearchScan`] (SQLite; nothing on PostgreSQL).
    DropSearchScan {
        /// Route name.
        table: String,
        /// The physical name.
        physical: String,
    },
    /// Count rows per organisation in `metacore_row_counts` with triggers, starting from a
    /// count of the rows already there (replaces any previous counting of the table).
    CountRows {
        /// Route name.
        table: String,
        /// How.
        count: RowCount,
        /// How the table was counted before, when it was (what undoing the step restores).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replaces: Option<RowCount>,
    },
    /// Stop counting the table's rows.
    StopCounting {
        /// Route name.
        table: String,
    },
}

/// A change that may lose data or is ambiguous.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destructive {
    /// The table (route name).
    pub table: String,
    /// The column, when the change is about one.
    pub column: Option<String>,
    /// What changes, for the diagnostic.
    pub message: String,
    /// How to make it additive instead.
    pub help: String,
}

/// The steps from `old` to `new`, and the destructive ones among them (which are included in
/// the steps, so a build that allows them can emit them).
pub fn diff(old: &AddonSchema, new: &AddonSchema) -> (Vec<Step>, Vec<Destructive>) {
    let mut steps = Vec::new();
    let mut destructive = Vec::new();
    // Foreign keys are dropped first and added last, so tables they join exist meanwhile.
    for (name, old_table) in &old.tables {
        let Some(new_table) = new.tables.get(name) else {
            continue;
        };
        for fk in old_table.foreign_keys.keys() {
            if new_table.foreign_keys.get(fk) != old_table.foreign_keys.get(fk) {
                steps.push(Step::DropForeignKey {
                    table: name.clone(),
                    name: fk.clone(),
                });
            }
        }
        for (index, schema) in &old_table.indices {
            if new_table.indices.get(index) != Some(schema) {
                steps.push(Step::DropIndex {
                    table: name.clone(),
                    name: index.clone(),
                    physical: schema.physical.clone(),
                });
            }
        }
        // Before any column it reads can go (or change type).
        if let Some(scan) = old_table
            .search_scan
            .as_ref()
            .filter(|_| scan_rebuilt(old_table, new_table))
        {
            steps.push(Step::DropSearchScan {
                table: name.clone(),
                physical: scan.physical.clone(),
            });
        }
        if search_rebuilt(old_table, new_table) && !old_table.search.is_empty() {
            steps.push(Step::DropSearch {
                table: name.clone(),
                columns: old_table.search.clone(),
                document: old_table.search_document,
            });
        }
        if old_table.row_count.is_some() && new_table.row_count.is_none() {
            steps.push(Step::StopCounting {
                table: name.clone(),
            });
        }
    }
    for (name, new_table) in &new.tables {
        match old.tables.get(name) {
            None => {
                let mut created = new_table.clone();
                created.search.clear();
                created.search_document = false;
                created.search_scan = None;
                created.row_count = None;
                steps.push(Step::CreateTable {
                    table: name.clone(),
                    schema: created,
                });
                let empty = TableSchema::empty_like(new_table);
                push_indices(&mut steps, name, &empty, new_table);
                push_derived(&mut steps, name, &empty, new_table);
            }
            Some(old_table) => {
                diff_columns(name, old_table, new_table, &mut steps, &mut destructive);
                push_indices(&mut steps, name, old_table, new_table);
                push_derived(&mut steps, name, old_table, new_table);
                for (fk, schema) in &new_table.foreign_keys {
                    if old_table.foreign_keys.get(fk) != Some(schema) {
                        steps.push(Step::AddForeignKey {
                            table: name.clone(),
                            name: fk.clone(),
                            foreign_key: schema.clone(),
                        });
                    }
                }
            }
        }
    }
    for (name, old_table) in &old.tables {
        if !new.tables.contains_key(name) {
            steps.push(Step::DropTable {
                table: name.clone(),
                physical: old_table.physical.clone(),
            });
            destructive.push(Destructive {
                table: name.clone(),
                column: None,
                message: format!("table `{name}` is no longer declared; dropping it deletes its rows"),
                help: "keep the model (it may stay unused), or build with --allow-destructive to drop the table".into(),
            });
        }
    }
    (steps, destructive)
}

impl TableSchema {
    fn empty_like(table: &TableSchema) -> TableSchema {
        TableSchema {
            physical: table.physical.clone(),
            columns: Vec::new(),
            indices: Default::default(),
            foreign_keys: Default::default(),
            search: Vec::new(),
            search_document: false,
            search_scan: None,
            row_count: None,
        }
    }
}

/// Whether the search scan index of `old` is dropped and `new`'s created: when it changes,
/// and when the search columns its document joins change.
fn scan_rebuilt(old: &TableSchema, new: &TableSchema) -> bool {
    old.search_scan != new.search_scan || (new.search_scan.is_some() && old.search != new.search)
}

/// Whether the search index of `old` is dropped and `new`'s created: when the search columns
/// change, and when one of them changes type under a search document (PostgreSQL cannot
/// change the type of a column a generated column reads).
fn search_rebuilt(old: &TableSchema, new: &TableSchema) -> bool {
    old.search != new.search
        || (old.search_document
            && old.search.iter().any(|name| {
                old.column(name).map(|c| &c.column_type) != new.column(name).map(|c| &c.column_type)
            }))
}

/// The search index and row counting `new` needs that `old` does not have (after its
/// columns exist).
fn push_derived(steps: &mut Vec<Step>, table: &str, old: &TableSchema, new: &TableSchema) {
    if search_rebuilt(old, new) && !new.search.is_empty() {
        steps.push(Step::CreateSearch {
            table: table.to_string(),
            columns: new.search.clone(),
            document: new.search_document,
        });
    } else if !new.search.is_empty() && new.search_document && !old.search_document {
        steps.push(Step::DocumentSearch {
            table: table.to_string(),
            columns: new.search.clone(),
        });
    }
    if let Some(scan) = new.search_scan.as_ref().filter(|_| scan_rebuilt(old, new)) {
        steps.push(Step::CreateSearchScan {
            table: table.to_string(),
            index: scan.clone(),
            columns: new.search.clone(),
        });
    }
    if let Some(count) = new
        .row_count
        .as_ref()
        .filter(|c| old.row_count.as_ref() != Some(*c))
    {
        steps.push(Step::CountRows {
            table: table.to_string(),
            count: count.clone(),
            replaces: old.row_count.clone(),
        });
    }
}

fn push_indices(steps: &mut Vec<Step>, table: &str, old: &TableSchema, new: &TableSchema) {
    for (index, schema) in &new.indices {
        if old.indices.get(index) != Some(schema) {
            steps.push(Step::CreateIndex {
                table: table.to_string(),
                name: index.clone(),
                index: schema.clone(),
            });
        }
    }
}

fn diff_columns(
    table: &str,
    old: &TableSchema,
    new: &TableSchema,
    steps: &mut Vec<Step>,
    destructive: &mut Vec<Destructive>,
) {
    let added: Vec<&ColumnSchema> = new
        .columns
        .iter()
        .filter(|c| old.column(&c.name).is_none())
        .collect();
    let removed: Vec<&ColumnSchema> = old
        .columns
        .iter()
        .filter(|c| new.column(&c.name).is_none())
        .collect();
    for column in &added {
        steps.push(Step::AddColumn {
            table: table.to_string(),
            column: (*column).clone(),
        });
        if !column.nullable && column.default.is_none() {
            destructive.push(Destructive {
                table: table.to_string(),
                column: Some(column.name.clone()),
                message: format!(
                    "new column `{table}.{}` is NOT NULL without a default: existing rows have no value for it",
                    column.name
                ),
                help: "give the column a `default`, or make it nullable and fill it in later".into(),
            });
        }
    }
    for column in &removed {
        steps.push(Step::DropColumn {
            table: table.to_string(),
            column: column.name.clone(),
        });
        let rename_hint = added
            .iter()
            .find(|a| a.column_type == column.column_type)
            .map(|a| format!(" (if `{}` was renamed to `{}`, note that renames are not detected: they drop the data)", column.name, a.name))
            .unwrap_or_default();
        destructive.push(Destructive {
            table: table.to_string(),
            column: Some(column.name.clone()),
            message: format!(
                "column `{table}.{}` is no longer declared; dropping it deletes its values{rename_hint}",
                column.name
            ),
            help: "keep the column (mark it hidden in the UI), or build with --allow-destructive to drop it".into(),
        });
    }
    for to in &new.columns {
        let Some(from) = old.column(&to.name) else {
            continue;
        };
        if from == to {
            continue;
        }
        steps.push(Step::AlterColumn {
            table: table.to_string(),
            from: from.clone(),
            to: to.clone(),
        });
        if from.column_type != to.column_type && !widens(&from.column_type, &to.column_type) {
            destructive.push(Destructive {
                table: table.to_string(),
                column: Some(to.name.clone()),
                message: format!(
                    "column `{table}.{}` changes type from `{}` to `{}`, which may not hold every existing value",
                    to.name, from.column_type, to.column_type
                ),
                help: "only widening changes are automatic (varchar(n) → varchar(m ≥ n) or text, integer → bigint, more numeric precision); add a new column instead".into(),
            });
        }
        if from.nullable && !to.nullable && to.default.is_none() {
            destructive.push(Destructive {
                table: table.to_string(),
                column: Some(to.name.clone()),
                message: format!(
                    "column `{table}.{}` becomes NOT NULL without a default: existing NULLs have no value to take",
                    to.name
                ),
                help: "give the column a `default` (existing NULLs are filled with it), or keep it nullable".into(),
            });
        }
        if from.primary_key != to.primary_key {
            destructive.push(Destructive {
                table: table.to_string(),
                column: Some(to.name.clone()),
                message: format!("the primary key of `{table}` changes"),
                help: "the primary key is always `id`; it cannot change".into(),
            });
        }
    }
}

/// True when every value of type `from` is a value of type `to`.
pub fn widens(from: &str, to: &str) -> bool {
    use ColumnType::*;
    let (Some(from), Some(to)) = (
        ColumnType::parse_canonical(from),
        ColumnType::parse_canonical(to),
    ) else {
        return false;
    };
    match (from, to) {
        (Varchar(n), Varchar(m)) => m >= n,
        (Varchar(_), Text) => true,
        (Integer, Bigint) => true,
        (Integer | Bigint, Numeric(None)) => true,
        (Integer, Numeric(Some((p, s)))) => p - s >= 10,
        (Bigint, Numeric(Some((p, s)))) => p - s >= 19,
        (Numeric(Some(_)), Numeric(None)) => true,
        (Numeric(Some((p, s))), Numeric(Some((p2, s2)))) => s2 >= s && p2 - s2 >= p - s,
        (Json, Jsonb) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests;
