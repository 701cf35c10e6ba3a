//! Which tables an addon's SQL may name, and where they physically are.
//!
//! Addons name their own model tables `<table>` or `addon_<key>.<table>` (`manifest.md`
//! §5.1); another addon's table is `addon_<other>.<table>`. Physically every addon table is
//! `addon_<key>__<table>` in the default schema, on PostgreSQL and SQLite alike — the layout
//! `metacore-gen build` generates; `public.<t>` is a host
//! table.
//! Other tables are reachable only through `db:read` / `db:write` capabilities and only if
//! the host listed them as [`KnownTable`]s (host tables, other addons' tables).

use crate::api::sql::quote;
use metacore_core::registry::{AddonDescriptor, ColumnRole};

use super::sqlite_guard::org_view;
use super::SqlError;
use crate::metrics::Metrics;
use crate::policy::{CapabilityMode, CapabilityPolicy, Check};

/// A table outside the addon's own schema that capabilities may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownTable {
    /// Schema (`public`, `addon_inventory`).
    pub schema: String,
    /// Table name.
    pub table: String,
    /// The organisation column reads and writes are confined by, when the table has one.
    pub tenancy_column: Option<String>,
    /// True when the table has a `deleted_at` column hiding soft-deleted rows.
    pub soft_delete: bool,
}

/// A resolved table reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The name the statement knows it by (its alias when none is given).
    pub table: String,
    /// The quoted physical name.
    pub physical: String,
    /// What reads select from (quoted): the physical table, or on SQLite a tenant table's
    /// organisation view ([`super::sqlite_guard::org_view`]), the only way the database
    /// guard lets a read reach its rows.
    pub read_from: String,
    /// Tenancy column, if any.
    pub tenancy_column: Option<String>,
    /// Soft-deleted rows hidden.
    pub soft_delete: bool,
}

/// A table the database guard lets a statement reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reachable {
    /// Unquoted physical name.
    pub physical: String,
    /// Its organisation column, when it is a tenant table.
    pub tenancy_column: Option<String>,
    /// Its primary- and foreign-key columns, when known.
    pub key_columns: Vec<String>,
}

/// What one statement may touch.
pub struct Catalog<'a> {
    /// The calling addon.
    pub addon: &'a AddonDescriptor,
    /// Shared tables the host knows.
    pub shared: &'a [KnownTable],
    /// The addon's policy.
    pub policy: &'a CapabilityPolicy,
    /// The invocation's organisation (for violation logs).
    pub org: &'a str,
    /// The import (`db_query` / `db_exec`).
    pub import: &'a str,
    /// Where violations are counted.
    pub metrics: &'a Metrics,
    /// True on SQLite.
    pub sqlite: bool,
}

fn is_system(name: &str) -> bool {
    name.starts_with("pg_") || name.starts_with("sqlite_") || name == "information_schema"
}

impl Catalog<'_> {
    /// True on SQLite.
    pub fn sqlite(&self) -> bool {
        self.sqlite
    }

    fn own_schema(&self) -> String {
        format!("addon_{}", self.addon.key.replace('-', "_"))
    }

    fn physical(&self, schema: &str, table: &str) -> String {
        match (self.sqlite, schema) {
            (false, "public") => format!("{}.{}", quote(schema), quote(table)),
            _ => quote(&self.unquoted(schema, table)),
        }
    }

    /// The physical name as the SQLite guard knows it (`public.<t>` on PostgreSQL).
    fn unquoted(&self, schema: &str, table: &str) -> String {
        match (self.sqlite, schema) {
            (true, "public") => table.to_string(),
            (false, "public") => format!("public.{table}"),
            // `addon_<key>.<table>` is stored as `addon_<key>__<table>` on both backends.
            (_, _) => format!("{schema}__{table}"),
        }
    }

    fn resolved(
        &self,
        (schema, table): (&str, &str),
        tenancy_column: Option<String>,
        soft_delete: bool,
    ) -> Resolved {
        let physical = self.physical(schema, table);
        let read_from = match (&tenancy_column, self.sqlite) {
            (Some(_), true) => quote(&org_view(&self.unquoted(schema, table))),
            _ => physical.clone(),
        };
        Resolved {
            table: table.to_string(),
            physical,
            read_from,
            tenancy_column,
            soft_delete,
        }
    }

    fn own(&self, table: &str) -> Result<Resolved, SqlError> {
        let model = self
            .addon
            .models
            .iter()
            .find(|m| m.route == table)
            .ok_or_else(|| SqlError::Invalid(format!("unknown table `{table}`")))?;
        Ok(self.resolved(
            (&self.own_schema(), table),
            model.tenancy_column.map(str::to_string),
            model.soft_delete,
        ))
    }

    /// Every table a statement may read (`write` false) or write, by unquoted physical name
    /// with its tenancy column: the addon's own tables and the shared tables its
    /// capabilities cover. The database guard allows exactly these.
    pub fn reachable(&self, write: bool) -> Vec<Reachable> {
        let own_schema = self.own_schema();
        let mut tables: Vec<Reachable> = self
            .addon
            .models
            .iter()
            .map(|m| Reachable {
                physical: self.unquoted(&own_schema, m.route),
                tenancy_column: m.tenancy_column.map(str::to_string),
                key_columns: m
                    .columns
                    .iter()
                    .filter(|c| c.role == ColumnRole::Id || c.reference.is_some())
                    .map(|c| c.name.to_string())
                    .collect(),
            })
            .collect();
        tables.extend(
            self.shared
                .iter()
                // Shadow mode logs what enforce mode would refuse, and lets it through.
                .filter(|t| {
                    self.policy.mode() == CapabilityMode::Shadow
                        || self.policy.allows_table(&t.schema, &t.table, write)
                })
                .map(|t| Reachable {
                    physical: self.unquoted(&t.schema, &t.table),
                    tenancy_column: t.tenancy_column.clone(),
                    key_columns: Vec::new(),
                }),
        );
        tables
    }

    /// Resolves the lowercase name parts of a reference, for reading or writing.
    pub fn resolve(&self, parts: &[String], write: bool) -> Result<Resolved, SqlError> {
        match parts {
            [table] if is_system(table) => Err(SqlError::Invalid(format!(
                "system catalogue `{table}` is not accessible"
            ))),
            [table] => self.own(table),
            [schema, table] if is_system(schema) || is_system(table) => Err(SqlError::Invalid(
                format!("system catalogue `{schema}.{table}` is not accessible"),
            )),
            [schema, table] if *schema == self.own_schema() => self.own(table),
            [schema, table] => {
                let target = format!("{schema}.{table}");
                let check = Check {
                    kind: if write { "db:write" } else { "db:read" },
                    target: &target,
                    import: self.import,
                    org: self.org,
                };
                let allowed = self.policy.allows_table(schema, table, write);
                if !self.policy.permit(allowed, check, self.metrics) {
                    return Err(SqlError::Forbidden(format!(
                        "`{target}` is not covered by the addon's {} capabilities",
                        check.kind
                    )));
                }
                let known = self
                    .shared
                    .iter()
                    .find(|t| t.schema == *schema && t.table == *table)
                    .ok_or_else(|| SqlError::Invalid(format!("unknown table `{target}`")))?;
                Ok(self.resolved(
                    (schema, table),
                    known.tenancy_column.clone(),
                    known.soft_delete,
                ))
            }
            _ => Err(SqlError::Invalid(format!(
                "`{}` is not a table name",
                parts.join(".")
            ))),
        }
    }
}
