//! One file per recorded migration: `src/migrations/<name>.rs`, and the `Migrator`.
//!
//! The DDL comes from [`super::ddl`] for both backends; the file skeletons are the tera
//! templates `templates/migration.rs.tera` and `templates/migrations_mod.rs.tera`.

use serde::Serialize;

use super::ddl::{self, Backend};
use super::evolution::Step;
use super::lock::{apply, AddonLock, RecordedMigration};
use super::schema::AddonSchema;
use super::templates::render;

#[derive(Serialize)]
struct MigrationContext<'a> {
    name: &'a str,
    addon: &'a str,
    version: &'a str,
    title: String,
    summary: Vec<String>,
    reversible: bool,
    postgres_up: Vec<String>,
    sqlite_up: Vec<String>,
    postgres_down: Vec<String>,
    sqlite_down: Vec<String>,
}

/// Every migration file of one addon, as `(module name, formatted source)`.
pub fn emit_addon(addon_key: &str, lock: &AddonLock) -> Vec<(String, String)> {
    let mut schema = AddonSchema::default();
    let mut files = Vec::new();
    for migration in &lock.migrations {
        files.push((
            migration.name.clone(),
            emit_one(addon_key, migration, &schema),
        ));
        for step in &migration.steps {
            apply(&mut schema, step);
        }
    }
    files
}

fn emit_one(addon_key: &str, migration: &RecordedMigration, before: &AddonSchema) -> String {
    let physical = |table: &str| -> String {
        migration
            .steps
            .iter()
            .find_map(|s| match s {
                Step::CreateTable { table: t, schema } if t == table => {
                    Some(schema.physical.clone())
                }
                _ => None,
            })
            .or_else(|| before.tables.get(table).map(|t| t.physical.clone()))
            .unwrap_or_else(|| super::schema::physical_table(addon_key, table))
    };
    let statements = |backend| ddl::up(&migration.steps, backend, &physical);
    let down = |backend| ddl::down(&migration.steps, backend, &physical);
    let (postgres_down, sqlite_down) = (down(Backend::Postgres), down(Backend::Sqlite));
    let reversible = postgres_down.is_some() && sqlite_down.is_some();
    let literals = |v: Vec<String>| v.iter().map(|s| raw_literal(s)).collect::<Vec<_>>();
    let context = MigrationContext {
        name: &migration.name,
        addon: addon_key,
        version: &migration.version,
        title: title(migration, before),
        summary: migration.steps.iter().map(describe).collect(),
        reversible,
        postgres_up: literals(statements(Backend::Postgres)),
        sqlite_up: literals(statements(Backend::Sqlite)),
        postgres_down: literals(postgres_down.unwrap_or_default()),
        sqlite_down: literals(sqlite_down.unwrap_or_default()),
    };
    render("migration.rs", &context)
}

fn title(migration: &RecordedMigration, before: &AddonSchema) -> String {
    if before.tables.is_empty() {
        format!("Creates the tables of version {}.", migration.version)
    } else {
        format!("Brings the tables up to version {}.", migration.version)
    }
}

/// One line of the migration's summary.
pub fn describe(step: &Step) -> String {
    match step {
        Step::CreateTable { table, schema } => {
            format!("creates table `{table}` (`{}`)", schema.physical)
        }
        Step::DropTable { table, .. } => format!("drops table `{table}`"),
        Step::AddColumn { table, column } => format!(
            "adds column `{table}.{}` `{}`{}",
            column.name,
            column.column_type,
            if column.nullable { "" } else { " NOT NULL" }
        ),
        Step::DropColumn { table, column } => format!("drops column `{table}.{column}`"),
        Step::AlterColumn { table, from, to } => {
            let mut changes = Vec::new();
            if from.column_type != to.column_type {
                changes.push(format!(
                    "type `{}` → `{}`",
                    from.column_type, to.column_type
                ));
            }
            if from.nullable != to.nullable {
                changes.push(if to.nullable {
                    "nullable".into()
                } else {
                    "NOT NULL".into()
                });
            }
            if from.default != to.default {
                changes.push("default".into());
            }
            format!(
                "alters column `{table}.{}`: {}",
                to.name,
                changes.join(", ")
            )
        }
        Step::CreateIndex { table, name, index } => format!(
            "creates {}index `{name}` on `{table}` ({})",
            if index.unique { "unique " } else { "" },
            index.columns.join(", ")
        ),
        Step::DropIndex { table, name, .. } => format!("drops index `{name}` on `{table}`"),
        Step::AddForeignKey {
            table, foreign_key, ..
        } => format!(
            "adds foreign key `{table}` ({}) → `{}`",
            foreign_key.columns.join(", "),
            foreign_key.target
        ),
        Step::DropForeignKey { table, name } => format!("drops foreign key `{name}` of `{table}`"),
    }
}

/// `s` as a Rust raw string literal with enough `#`s.
fn raw_literal(s: &str) -> String {
    let mut hashes = String::from("#");
    while s.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{s}\"{hashes}")
}

#[derive(Serialize)]
struct ModContext<'a> {
    migrations: Vec<NameOnly<'a>>,
}

#[derive(Serialize)]
struct NameOnly<'a> {
    name: &'a str,
}

/// `src/migrations/mod.rs` listing `names` in order.
pub fn emit_mod(names: &[String]) -> String {
    let context = ModContext {
        migrations: names.iter().map(|name| NameOnly { name }).collect(),
    };
    render("migrations_mod.rs", &context)
}
