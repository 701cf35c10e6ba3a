//! One file per recorded migration: `src/migrations/<name>.rs`, and the `Migrator`.
//!
//! The DDL comes from [`super::ddl`] for both backends, embedded as raw string literals.

use proc_macro2::{Ident, Literal, Span};
use quote::quote;

use super::ddl::{self, Backend};
use super::evolution::Step;
use super::lock::{apply, AddonLock, RecordedMigration};
use super::rust_file;
use super::schema::AddonSchema;

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
    let up = |backend| literals(ddl::up(&migration.steps, backend, &physical));
    let undo = |backend| ddl::down(&migration.steps, backend, &physical).map(literals);
    let (postgres_up, sqlite_up) = (up(Backend::Postgres), up(Backend::Sqlite));
    let mut doc = vec![
        format!(
            " Migration `{}`: addon `{addon_key}` at version {}.",
            migration.name, migration.version
        ),
        String::new(),
    ];
    doc.extend(
        migration
            .steps
            .iter()
            .map(|s| format!(" * {}", describe(s))),
    );
    let title = format!(" {}", title(migration, before));
    let name = &migration.name;
    // Reversible when both backends can undo every step.
    let down =
        undo(Backend::Postgres)
            .zip(undo(Backend::Sqlite))
            .map(|(postgres_down, sqlite_down)| {
                let method = quote! {
                    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                        super::run(manager, POSTGRES_DOWN, SQLITE_DOWN).await
                    }
                };
                let statements = quote! {
                    /// `down` on PostgreSQL.
                    const POSTGRES_DOWN: &[&str] = &[#(#postgres_down,)*];

                    /// `down` on SQLite.
                    const SQLITE_DOWN: &[&str] = &[#(#sqlite_down,)*];
                };
                (method, statements)
            });
    let (down_method, down_statements) = down.unzip();
    rust_file(quote! {
        #(#![doc = #doc])*

        use sea_orm_migration::prelude::*;

        #[doc = #title]
        pub struct Migration;

        impl MigrationName for Migration {
            fn name(&self) -> &str {
                #name
            }
        }

        #[async_trait::async_trait]
        impl MigrationTrait for Migration {
            async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                super::run(manager, POSTGRES_UP, SQLITE_UP).await
            }

            /// All of it or nothing, on SQLite too.
            fn use_transaction(&self) -> Option<bool> {
                Some(true)
            }

            #down_method
        }

        /// `up` on PostgreSQL.
        const POSTGRES_UP: &[&str] = &[#(#postgres_up,)*];

        /// `up` on SQLite.
        const SQLITE_UP: &[&str] = &[#(#sqlite_up,)*];

        #down_statements
    })
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
        Step::CreateSearch { table, columns, .. } => {
            format!("indexes `{table}` ({}) for search", columns.join(", "))
        }
        Step::DocumentSearch { table, columns } => format!(
            "keeps `{table}` ({}) in one search document on PostgreSQL, with one trigram index \
             in place of one per column",
            columns.join(", ")
        ),
        Step::DropSearch { table, .. } => format!("drops the search index of `{table}`"),
        Step::CreateSearchScan { table, index, .. } => format!(
            "indexes the search document of `{table}` after ({}) on SQLite, so a search walks \
             the index alone",
            index.columns.join(", ")
        ),
        Step::DropSearchScan { table, .. } => {
            format!("drops the search scan index of `{table}`")
        }
        Step::CountRows { table, count, .. } => format!(
            "counts the {}rows of `{table}` per `{}`{}",
            if count.live_only { "live " } else { "" },
            count.by,
            match (count.at_commit, count.qualified) {
                (true, true) => ", at commit on PostgreSQL, by a function that pins no search_path",
                (true, false) => ", at commit on PostgreSQL",
                (false, true) => ", on PostgreSQL by a function that pins no search_path",
                (false, false) => "",
            }
        ),
        Step::StopCounting { table } => format!("stops counting the rows of `{table}`"),
    }
}

/// SQL statements as raw string literals, which keep multi-line DDL readable in the file.
fn literals(statements: Vec<String>) -> Vec<Literal> {
    statements.iter().map(|s| raw_literal(s)).collect()
}

/// `s` as a Rust raw string literal with enough `#`s.
fn raw_literal(s: &str) -> Literal {
    let mut hashes = String::from("#");
    while s.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{s}\"{hashes}")
        .parse()
        .expect("a raw string literal")
}

/// `src/migrations/mod.rs` listing `names` in order.
pub fn emit_mod(names: &[String]) -> String {
    let modules: Vec<Ident> = names
        .iter()
        .map(|name| Ident::new(name, Span::call_site()))
        .collect();
    // Without migrations nothing calls `run`.
    let run = (!names.is_empty()).then(|| {
        quote! {
            /// Runs the statements for the connection's backend, in order.
            async fn run(
                manager: &SchemaManager<'_>,
                postgres: &[&str],
                sqlite: &[&str],
            ) -> Result<(), DbErr> {
                let statements = match manager.get_database_backend() {
                    DbBackend::Postgres => postgres,
                    DbBackend::Sqlite => sqlite,
                    other => {
                        return Err(DbErr::Migration(format!(
                            "metacore migrations support PostgreSQL and SQLite, not {other:?}"
                        )))
                    }
                };
                let connection = manager.get_connection();
                for statement in statements {
                    connection.execute_unprepared(statement).await?;
                }
                Ok(())
            }
        }
    });
    let backend_import = run.is_some().then(|| {
        quote!(
            use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
        )
    });
    rust_file(quote! {
        //! The schema migrations of this build, in the order they apply: per addon (sorted by key),
        //! in the order `metacore-gen build` recorded them in `metacore.lock.json`.
        //!
        //! Each migration holds its DDL for PostgreSQL and for SQLite; see each file.

        #(pub mod #modules;)*

        use sea_orm_migration::prelude::*;
        #backend_import

        /// Applies every migration of this build (`Migrator::up(&db, None)`).
        pub struct Migrator;

        #[async_trait::async_trait]
        impl MigratorTrait for Migrator {
            fn migrations() -> Vec<Box<dyn MigrationTrait>> {
                vec![#(Box::new(#modules::Migration),)*]
            }
        }

        #run
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_literals_take_enough_hashes() {
        assert_eq!(raw_literal("SELECT 1").to_string(), "r#\"SELECT 1\"#");
        assert_eq!(
            raw_literal("a \"# b \"## c").to_string(),
            "r###\"a \"# b \"## c\"###"
        );
    }

    #[test]
    fn without_migrations_the_module_has_no_runner() {
        let empty = emit_mod(&[]);
        assert!(empty.contains("vec![]"), "{empty}");
        assert!(!empty.contains("async fn run"), "{empty}");
        assert!(!empty.contains("DbBackend"), "{empty}");
        let one = emit_mod(&["m0001_a_v1_0_0".to_string()]);
        assert!(one.contains("pub mod m0001_a_v1_0_0;\n"), "{one}");
        assert!(one.contains("async fn run("), "{one}");
    }
}
