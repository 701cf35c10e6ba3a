//! SQL DDL for migration steps, per database backend.
//!
//! Generated migrations carry their DDL as SQL text for both backends side by side, so a
//! reader sees exactly what runs. PostgreSQL gets the canonical types of `manifest.md` §4.1.
//! SQLite gets type names whose affinity keeps values exact: `numeric` columns are TEXT
//! (`numeric_text(p,s)`: exact decimal text, read back by `metacore_runtime::types::Numeric`),
//! timestamps and dates are TEXT, booleans 0/1. SQLite cannot alter a column or add a
//! constraint to an existing table; those steps only backfill data there (the server
//! enforces NOT NULL and references on every write anyway).

mod derived;

use super::evolution::{self, Step};
use super::schema::{
    physical_table, AddonSchema, ColumnSchema, DefaultValue, ForeignKeySchema, IndexSchema,
    RowCount, TableSchema,
};
use crate::ir::{Addon, ColumnType};

/// A database backend migrations run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

/// The statements of one migration's `up`, in order. `physical` maps a route name to its
/// table (the schema before the migration, plus tables the migration creates).
pub fn up(steps: &[Step], backend: Backend, physical: &dyn Fn(&str) -> String) -> Vec<String> {
    let mut out = Vec::new();
    let mut deferred = Vec::new();
    for step in steps {
        match step {
            Step::CreateTable { schema, .. } => {
                out.push(create_table(schema, backend, physical));
                if backend == Backend::Postgres {
                    // Added after every table of the migration exists (tables may point at
                    // each other); SQLite only checks references on writes.
                    for (name, fk) in &schema.foreign_keys {
                        deferred.push(add_foreign_key(&schema.physical, name, fk, physical));
                    }
                }
            }
            Step::DropTable {
                physical: table, ..
            } => {
                out.push(format!("DROP TABLE {}", quote(table)));
            }
            Step::AddColumn { table, column } => out.push(format!(
                "ALTER TABLE {} ADD COLUMN {}",
                quote(&physical(table)),
                column_definition(column, backend)
            )),
            Step::DropColumn { table, column } => out.push(format!(
                "ALTER TABLE {} DROP COLUMN {}",
                quote(&physical(table)),
                quote(column)
            )),
            Step::AlterColumn { table, from, to } => {
                out.extend(alter_column(&physical(table), from, to, backend));
            }
            Step::CreateIndex { table, index, .. } => {
                out.push(create_index(&physical(table), index, None));
            }
            Step::DropIndex { physical: name, .. } => {
                out.push(format!("DROP INDEX {}", quote(name)));
            }
            Step::AddForeignKey {
                table,
                name,
                foreign_key,
            } => {
                if backend == Backend::Postgres {
                    deferred.push(add_foreign_key(
                        &physical(table),
                        name,
                        foreign_key,
                        physical,
                    ));
                }
            }
            Step::DropForeignKey { table, name } => {
                if backend == Backend::Postgres {
                    out.push(format!(
                        "ALTER TABLE {} DROP CONSTRAINT {}",
                        quote(&physical(table)),
                        quote(name)
                    ));
                }
            }
            Step::CreateSearch {
                table,
                columns,
                document,
            } => {
                out.extend(derived::create_search(
                    &physical(table),
                    columns,
                    *document,
                    backend,
                ));
            }
            Step::DropSearch {
                table,
                columns,
                document,
            } => {
                out.extend(derived::drop_search(
                    &physical(table),
                    columns,
                    *document,
                    backend,
                ));
            }
            Step::DocumentSearch { table, columns } => {
                out.extend(derived::document_search(&physical(table), columns, backend));
            }
            Step::CreateSearchScan {
                table,
                index,
                columns,
            } => {
                out.extend(derived::create_search_scan(
                    &physical(table),
                    index,
                    columns,
                    backend,
                ));
            }
            Step::DropSearchScan { physical: name, .. } => {
                out.extend(derived::drop_search_scan(name, backend));
            }
            Step::CountRows {
                table,
                count,
                replaces,
            } => {
                if !same_here(count, replaces.as_ref(), backend) {
                    out.extend(derived::count_rows(&physical(table), count, backend));
                }
            }
            Step::StopCounting { table } => {
                out.extend(derived::stop_counting(&physical(table), backend));
            }
        }
    }
    out.extend(deferred);
    out
}

/// The statements creating every table of `addon` (with its indices and foreign keys) in an
/// empty database: what its first migration's `up` runs.
pub fn create_addon(addon: &Addon, backend: Backend) -> Vec<String> {
    let (steps, _) = evolution::diff(&AddonSchema::default(), &AddonSchema::of(addon));
    up(&steps, backend, &|table| physical_table(&addon.key, table))
}

/// Whether counting by `count` is what `replaces` already does on `backend`: on SQLite, whose
/// triggers always count at once and name no function, a change of [`RowCount::at_commit`]
/// or [`RowCount::qualified`] alone changes nothing.
fn same_here(count: &RowCount, replaces: Option<&RowCount>, backend: Backend) -> bool {
    backend == Backend::Sqlite
        && replaces.is_some_and(|before| {
            RowCount {
                at_commit: count.at_commit,
                qualified: count.qualified,
                ..before.clone()
            } == *count
        })
}

/// The statements undoing `steps`, when every step can be undone without losing what the
/// migration did not create (tables, columns and indices it added). `None` otherwise.
pub fn down(
    steps: &[Step],
    backend: Backend,
    physical: &dyn Fn(&str) -> String,
) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for step in steps.iter().rev() {
        match step {
            Step::CreateTable { schema, .. } => {
                out.push(format!("DROP TABLE {}", quote(&schema.physical)));
            }
            Step::AddColumn { table, column } => out.push(format!(
                "ALTER TABLE {} DROP COLUMN {}",
                quote(&physical(table)),
                quote(&column.name)
            )),
            Step::CreateIndex { index, .. } => {
                out.push(format!("DROP INDEX {}", quote(&index.physical)));
            }
            Step::CreateSearch {
                table,
                columns,
                document,
            } => {
                out.extend(derived::drop_search(
                    &physical(table),
                    columns,
                    *document,
                    backend,
                ));
            }
            Step::DocumentSearch { table, columns } => {
                out.extend(derived::undocument_search(
                    &physical(table),
                    columns,
                    backend,
                ));
            }
            Step::CreateSearchScan { index, .. } => {
                out.extend(derived::drop_search_scan(&index.physical, backend));
            }
            Step::CountRows {
                table,
                count,
                replaces,
            } => match replaces {
                Some(_) if same_here(count, replaces.as_ref(), backend) => {}
                Some(before) => out.extend(derived::count_rows(&physical(table), before, backend)),
                None => out.extend(derived::stop_counting(&physical(table), backend)),
            },
            Step::AddForeignKey { table, name, .. } => {
                if backend == Backend::Postgres {
                    out.push(format!(
                        "ALTER TABLE {} DROP CONSTRAINT {}",
                        quote(&physical(table)),
                        quote(name)
                    ));
                }
            }
            _ => return None,
        }
    }
    if backend == Backend::Postgres {
        // Constraints between the dropped tables go with them.
        out = out
            .into_iter()
            .map(|s| match s.strip_prefix("DROP TABLE ") {
                Some(table) => format!("DROP TABLE {table} CASCADE"),
                None => s,
            })
            .collect();
    }
    Some(out)
}

/// A double-quoted identifier.
pub fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

fn create_table(
    table: &TableSchema,
    backend: Backend,
    physical: &dyn Fn(&str) -> String,
) -> String {
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|c| column_definition(c, backend))
        .collect();
    let keys: Vec<String> = table
        .columns
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| quote(&c.name))
        .collect();
    if !keys.is_empty() {
        lines.push(format!("PRIMARY KEY ({})", keys.join(", ")));
    }
    if backend == Backend::Sqlite {
        for (name, fk) in &table.foreign_keys {
            lines.push(format!(
                "CONSTRAINT {} {}",
                quote(name),
                references(fk, physical)
            ));
        }
    }
    format!(
        "CREATE TABLE {} (\n{}\n)",
        quote(&table.physical),
        lines
            .iter()
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
            .join(",\n")
    )
}

fn references(fk: &ForeignKeySchema, physical: &dyn Fn(&str) -> String) -> String {
    let list = |columns: &[String]| {
        columns
            .iter()
            .map(|c| quote(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = format!(
        "FOREIGN KEY ({}) REFERENCES {} ({})",
        list(&fk.columns),
        quote(&physical(&fk.target)),
        list(&fk.target_columns)
    );
    if let Some(action) = fk.on_delete.as_deref().and_then(on_delete) {
        text.push_str(" ON DELETE ");
        text.push_str(action);
    }
    text
}

fn on_delete(policy: &str) -> Option<&'static str> {
    match policy {
        "cascade" => Some("CASCADE"),
        "set_null" => Some("SET NULL"),
        "restrict" => Some("RESTRICT"),
        "no_action" => Some("NO ACTION"),
        _ => None,
    }
}

fn add_foreign_key(
    table: &str,
    name: &str,
    fk: &ForeignKeySchema,
    physical: &dyn Fn(&str) -> String,
) -> String {
    format!(
        "ALTER TABLE {} ADD CONSTRAINT {} {}",
        quote(table),
        quote(name),
        references(fk, physical)
    )
}

/// `CREATE [UNIQUE] INDEX` of `index` on `table`: its columns, then `expression` (an SQL
/// expression, parenthesised) when given; partial on live rows when the index says so.
fn create_index(table: &str, index: &IndexSchema, expression: Option<&str>) -> String {
    let mut parts: Vec<String> = index.columns.iter().map(|c| quote(c)).collect();
    parts.extend(expression.map(|e| format!("({e})")));
    format!(
        "CREATE {}INDEX {} ON {} ({}){}",
        if index.unique { "UNIQUE " } else { "" },
        quote(&index.physical),
        quote(table),
        parts.join(", "),
        if index.only_live_rows {
            " WHERE \"deleted_at\" IS NULL"
        } else {
            ""
        }
    )
}

/// `"name" type [NOT NULL] [DEFAULT …]`.
fn column_definition(column: &ColumnSchema, backend: Backend) -> String {
    let mut text = format!("{} {}", quote(&column.name), sql_type(column, backend));
    if !column.nullable {
        text.push_str(" NOT NULL");
    }
    if let Some(default) = column
        .default
        .as_ref()
        .and_then(|d| default_sql(d, column, backend))
    {
        text.push_str(" DEFAULT ");
        text.push_str(&default);
    }
    text
}

fn sql_type(column: &ColumnSchema, backend: Backend) -> String {
    let Some(parsed) = column.parsed_type() else {
        return column.column_type.clone();
    };
    match backend {
        Backend::Postgres => parsed.canonical(),
        Backend::Sqlite => match parsed {
            ColumnType::Numeric(Some((p, s))) => format!("numeric_text({p},{s})"),
            ColumnType::Numeric(None) => "numeric_text".into(),
            ColumnType::Timestamp => "timestamp_text".into(),
            ColumnType::Timestamptz => "timestamptz_text".into(),
            ColumnType::Date => "date_text".into(),
            ColumnType::Json => "json_text".into(),
            ColumnType::Jsonb => "jsonb_text".into(),
            other => other.canonical(),
        },
    }
}

fn default_sql(default: &DefaultValue, column: &ColumnSchema, backend: Backend) -> Option<String> {
    let numeric = matches!(column.parsed_type(), Some(ColumnType::Numeric(_)));
    Some(match (default, backend) {
        (DefaultValue::Bool(b), Backend::Postgres) => b.to_string(),
        (DefaultValue::Bool(b), Backend::Sqlite) => u8::from(*b).to_string(),
        // TEXT affinity keeps a decimal literal's exact spelling.
        (DefaultValue::Number(n), Backend::Sqlite) if numeric => format!("'{n}'"),
        (DefaultValue::Number(n), _) => n.clone(),
        (DefaultValue::Text(t), _) => format!("'{}'", t.replace('\'', "''")),
        (DefaultValue::Now, _) => "CURRENT_TIMESTAMP".into(),
        (DefaultValue::CurrentDate, _) => "CURRENT_DATE".into(),
        (DefaultValue::RandomUuid, Backend::Postgres) => "gen_random_uuid()".into(),
        // SQLite has no UUID generator: the server always sets `id` itself.
        (DefaultValue::RandomUuid, Backend::Sqlite) => return None,
    })
}

fn alter_column(
    table: &str,
    from: &ColumnSchema,
    to: &ColumnSchema,
    backend: Backend,
) -> Vec<String> {
    let mut out = Vec::new();
    let column = quote(&to.name);
    let table_q = quote(table);
    let becomes_not_null = from.nullable && !to.nullable;
    if becomes_not_null {
        if let Some(default) = to
            .default
            .as_ref()
            .and_then(|d| default_sql(d, to, backend))
        {
            out.push(format!(
                "UPDATE {table_q} SET {column} = {default} WHERE {column} IS NULL"
            ));
        }
    }
    if backend == Backend::Sqlite {
        return out;
    }
    if from.column_type != to.column_type {
        let ty = sql_type(to, backend);
        out.push(format!(
            "ALTER TABLE {table_q} ALTER COLUMN {column} TYPE {ty} USING {column}::{ty}"
        ));
    }
    if from.default != to.default {
        match to
            .default
            .as_ref()
            .and_then(|d| default_sql(d, to, backend))
        {
            Some(default) => out.push(format!(
                "ALTER TABLE {table_q} ALTER COLUMN {column} SET DEFAULT {default}"
            )),
            None => out.push(format!(
                "ALTER TABLE {table_q} ALTER COLUMN {column} DROP DEFAULT"
            )),
        }
    }
    if becomes_not_null {
        out.push(format!(
            "ALTER TABLE {table_q} ALTER COLUMN {column} SET NOT NULL"
        ));
    } else if !from.nullable && to.nullable {
        out.push(format!(
            "ALTER TABLE {table_q} ALTER COLUMN {column} DROP NOT NULL"
        ));
    }
    out
}
