//! PostgreSQL enforces what the parser already checked: each addon's SQL runs under a role of
//! its own, granted only on its own tables (and what its `db:*` capabilities name), and every
//! tenant table has row-level security forced.
//!
//! * [`install_statements`] — run by the app's own migration step (`cli::prepare`): one
//!   `NOLOGIN` role per addon (`metacore_addon_<key>`), the server's role made a member so it
//!   can `SET ROLE`, grants reset to exactly the addon's tables, and on every tenant table
//!   `ENABLE` + `FORCE ROW LEVEL SECURITY` with two policies: a permissive one for everyone
//!   and a restrictive one that, for addon roles only, keeps the rows whose tenancy column
//!   equals `current_setting('app.current_org')`. Host roles (the server, migrations, an
//!   operator) are unaffected; superusers bypass row-level security as always.
//! * [`enter`] / [`leave`] — around each addon statement, in the invocation's transaction:
//!   `SAVEPOINT`, `SET LOCAL ROLE`, `SET LOCAL app.current_org`, `SET LOCAL
//!   statement_timeout`, and for `db_query` `SET LOCAL transaction_read_only`. When the
//!   server's role is a superuser, `temp_file_limit` ([`TEMP_FILE_LIMIT`]) is set too, so a
//!   statement that spills (a huge sort, a runaway recursive CTE) cannot fill the disk before
//!   its deadline; other roles may not set it, and an operator sets it for the cluster
//!   instead. A read, or any failed statement, is rolled back to the savepoint, which also
//!   restores the role and the settings; a successful write is released and the role reset.
//!
//! The role is a second line: what a statement can reach is bounded by the grants and the
//! policies even if the parser let something through.

use crate::api::sql::quote;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseBackend};
use uuid::Uuid;

use super::SqlError;
use crate::registry::Registry;

/// Prefix of every addon role; the restrictive policy recognises addon roles by it.
pub const ROLE_PREFIX: &str = "metacore_addon_";

/// Most temporary-file space one addon statement may use (sorts and hashes that spill).
pub const TEMP_FILE_LIMIT: &str = "64MB";

/// Name of the savepoint each statement runs in.
const SAVEPOINT: &str = "metacore_statement";

/// The role addon `key` runs its SQL as.
pub fn role_name(addon_key: &str) -> String {
    format!("{ROLE_PREFIX}{}", addon_key.replace('-', "_"))
}

/// One tenant table: its physical name and tenancy column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantTable {
    /// Physical table name.
    pub table: String,
    /// The organisation column.
    pub column: String,
}

/// What one addon's role may touch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddonGrants {
    /// The addon key.
    pub key: String,
    /// Tables it may read (physical names).
    pub read: Vec<String>,
    /// Tables it may write (physical names).
    pub write: Vec<String>,
}

/// The grants of every addon of `registry` and its tenant tables: own tables read and
/// write; `db:read` / `db:write` capabilities naming `addon_<key>.<table>` or
/// `addon_<key>.*` add the matching tables of other addons.
pub fn from_registry(registry: &Registry) -> (Vec<AddonGrants>, Vec<TenantTable>) {
    let tables: Vec<&str> = registry
        .addons
        .iter()
        .flat_map(|a| a.models.iter().map(|m| m.physical_table))
        .collect();
    let matching = |target: &str| -> Vec<String> {
        let Some((schema, table)) = target.split_once('.') else {
            return Vec::new();
        };
        if !schema.starts_with("addon_") {
            return Vec::new();
        }
        tables
            .iter()
            .filter(|physical| {
                physical
                    .strip_prefix(schema)
                    .and_then(|rest| rest.strip_prefix("__"))
                    .is_some_and(|rest| table == "*" || rest == table)
            })
            .map(|t| t.to_string())
            .collect()
    };
    let grants = registry
        .addons
        .iter()
        .map(|addon| {
            let own: Vec<String> = addon
                .models
                .iter()
                .map(|m| m.physical_table.to_string())
                .collect();
            let mut read = own.clone();
            let mut write = own;
            for capability in addon.capabilities {
                match capability.kind {
                    "db:read" => read.extend(matching(capability.target)),
                    "db:write" => {
                        let tables = matching(capability.target);
                        read.extend(tables.iter().cloned());
                        write.extend(tables);
                    }
                    _ => {}
                }
            }
            for list in [&mut read, &mut write] {
                list.sort();
                list.dedup();
            }
            AddonGrants {
                key: addon.key.to_string(),
                read,
                write,
            }
        })
        .collect();
    let tenant = registry
        .addons
        .iter()
        .flat_map(|a| a.models.iter())
        .filter_map(|m| {
            m.tenancy_column.map(|column| TenantTable {
                table: m.physical_table.to_string(),
                column: column.to_string(),
            })
        })
        .collect();
    (grants, tenant)
}

/// The statements that create the roles, grants and policies (idempotent: run on every
/// migration).
pub fn install_statements(addons: &[AddonGrants], tenant: &[TenantTable]) -> Vec<String> {
    // `set_config('role', …)` inside a statement would switch back to the server's role for
    // the rest of that statement (SQL-running functions such as `query_to_xml` check
    // privileges when they run). Only the function's owner — a superuser — can take it from
    // PUBLIC; when the server's role cannot, the parser's function allow-list is the line.
    let mut sql = vec![
        "DO $$ BEGIN \
           REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC; \
           EXECUTE format('GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO %I', current_user); \
         EXCEPTION WHEN insufficient_privilege THEN NULL; END $$"
            .to_string(),
    ];
    for addon in addons {
        let role = role_name(&addon.key);
        let literal = role.replace('\'', "''");
        // CREATE ROLE has no IF NOT EXISTS; concurrent migrations of other databases of the
        // same cluster may race on the same role.
        sql.push(format!(
            "DO $$ BEGIN \
               IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{literal}') THEN \
                 CREATE ROLE {role_q} NOLOGIN; \
               END IF; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
            role_q = quote(&role)
        ));
        sql.push(format!(
            "DO $$ BEGIN \
               IF NOT pg_has_role(current_user, '{literal}', 'MEMBER') THEN \
                 EXECUTE format('GRANT %I TO %I', '{literal}', current_user); \
               END IF; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        ));
        sql.push(format!(
            "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}",
            quote(&role)
        ));
        for table in &addon.read {
            let verbs = if addon.write.contains(table) {
                "SELECT, INSERT, UPDATE, DELETE"
            } else {
                "SELECT"
            };
            sql.push(format!(
                "GRANT {verbs} ON {} TO {}",
                quote(table),
                quote(&role)
            ));
        }
    }
    for table in tenant {
        let t = quote(&table.table);
        let column = quote(&table.column);
        sql.push(format!("ALTER TABLE {t} ENABLE ROW LEVEL SECURITY"));
        sql.push(format!("ALTER TABLE {t} FORCE ROW LEVEL SECURITY"));
        sql.push(format!("DROP POLICY IF EXISTS metacore_all ON {t}"));
        sql.push(format!(
            "CREATE POLICY metacore_all ON {t} AS PERMISSIVE FOR ALL TO PUBLIC \
             USING (true) WITH CHECK (true)"
        ));
        sql.push(format!("DROP POLICY IF EXISTS metacore_tenant ON {t}"));
        let check = format!(
            "NOT starts_with(current_user::text, '{ROLE_PREFIX}') \
             OR {column} = NULLIF(current_setting('app.current_org', true), '')::uuid"
        );
        sql.push(format!(
            "CREATE POLICY metacore_tenant ON {t} AS RESTRICTIVE FOR ALL TO PUBLIC \
             USING ({check}) WITH CHECK ({check})"
        ));
    }
    sql
}

/// Runs [`install_statements`] for explicit grants (PostgreSQL only).
pub async fn install_grants(
    db: &impl ConnectionTrait,
    addons: &[AddonGrants],
    tenant: &[TenantTable],
) -> Result<(), String> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    for statement in install_statements(addons, tenant) {
        db.execute_unprepared(&statement).await.map_err(|e| {
            format!(
                "cannot set up the addon roles and row-level security ({e}); the server's \
                 database role needs CREATEROLE, or a DBA must create the roles \
                 `{ROLE_PREFIX}<addon>` and grant them to it"
            )
        })?;
    }
    Ok(())
}

/// Opens the statement's savepoint and switches to the addon's role, organisation,
/// deadline and (for reads) read-only mode.
pub async fn enter(
    db: &impl ConnectionTrait,
    addon_key: &str,
    org: Uuid,
    timeout: Duration,
    read_only: bool,
) -> Result<(), SqlError> {
    let millis = timeout.as_millis().clamp(1, i32::MAX as u128);
    let read_only = if read_only {
        "SET LOCAL transaction_read_only = on;"
    } else {
        ""
    };
    // `temp_file_limit` can only be set by a superuser (or, from PostgreSQL 15, a role
    // granted SET on it); it must be set before switching to the addon's role.
    let sql = format!(
        "SAVEPOINT {SAVEPOINT}; \
         SELECT pg_catalog.set_config('temp_file_limit', '{TEMP_FILE_LIMIT}', true) \
           WHERE pg_catalog.current_setting('is_superuser') = 'on'; \
         SET LOCAL ROLE {}; SET LOCAL app.current_org = '{org}'; \
         SET LOCAL statement_timeout = {millis}; {read_only}",
        quote(&role_name(addon_key))
    );
    if let Err(error) = db.execute_unprepared(&sql).await {
        // Leave the transaction usable for the host's own statements.
        let _ = leave(db, false).await;
        return Err(SqlError::Database(format!(
            "cannot switch to the addon's database role (was `metacore-app migrate` run?): \
             {error}"
        )));
    }
    Ok(())
}

/// Closes the statement's savepoint: keeps a successful write, rolls back anything else.
pub async fn leave(db: &impl ConnectionTrait, keep: bool) -> Result<(), SqlError> {
    let sql = if keep {
        format!(
            "RELEASE SAVEPOINT {SAVEPOINT}; SET LOCAL ROLE NONE; \
             SET LOCAL statement_timeout TO DEFAULT; \
             SELECT pg_catalog.set_config(name, reset_val, true) FROM pg_catalog.pg_settings \
               WHERE name = 'temp_file_limit' \
                 AND pg_catalog.current_setting('is_superuser') = 'on'"
        )
    } else {
        format!("ROLLBACK TO SAVEPOINT {SAVEPOINT}; RELEASE SAVEPOINT {SAVEPOINT}")
    };
    db.execute_unprepared(&sql)
        .await
        .map(drop)
        .map_err(SqlError::from)
}
