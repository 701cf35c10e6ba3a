//! `db_query` / `db_exec (sql, args) -> i64`: confined SQL in the invocation's transaction.
//!
//! The transaction is opened on the first database or key-value import of the invocation
//! and kept in the store; the dispatcher commits it when the handler succeeds and rolls it
//! back otherwise. On PostgreSQL it runs with `app.current_org` set (row-level security as
//! a second layer). Each statement gets min(5 s, the remaining invocation time).

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseTransaction, Statement, TransactionTrait};
use wasmtime::Caller;

use super::Envelope;
use crate::sandbox::abi::{arg_bytes, arg_str, return_to_guest};
use crate::sandbox::state::{take, HostState, SqlChecks};
use crate::sql::{self, Catalog};

pub(super) use crate::sql::Kind;

const MAX_STATEMENT_TIME: Duration = Duration::from_secs(5);

/// The invocation's transaction, opened on first use; `None` without a database.
pub(super) async fn transaction(
    caller: &mut Caller<'_, HostState>,
) -> Result<Option<Arc<DatabaseTransaction>>, String> {
    let state = caller.data();
    if let Some(transaction) = &state.transaction {
        return Ok(Some(transaction.clone()));
    }
    let org = state.org();
    let transaction = if let Some(parent) = state.parent.clone() {
        parent.begin().await.map_err(|e| e.to_string())?
    } else {
        let Some(database) = state.services.database.clone() else {
            return Ok(None);
        };
        crate::db::begin(&database)
            .await
            .map_err(|e| e.to_string())?
    };
    if transaction.get_database_backend() == DatabaseBackend::Postgres {
        let set = Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT set_config('app.current_org', $1, true)",
            [org.into()],
        );
        transaction
            .execute_raw(set)
            .await
            .map_err(|e| e.to_string())?;
    }
    let transaction = Arc::new(transaction);
    caller.data_mut().transaction = Some(transaction.clone());
    Ok(Some(transaction))
}

pub(super) async fn db_call(
    mut caller: Caller<'_, HostState>,
    (sql_ptr, sql_len, args_ptr, args_len): (i32, i32, i32, i32),
    kind: Kind,
) -> wasmtime::Result<i64> {
    let reply = statement_reply(&mut caller, (sql_ptr, sql_len), (args_ptr, args_len), kind).await;
    return_to_guest(&mut caller, &reply).await
}

async fn statement_reply(
    caller: &mut Caller<'_, HostState>,
    sql: (i32, i32),
    args: (i32, i32),
    kind: Kind,
) -> Vec<u8> {
    let envelope = Envelope::start(caller.data());
    let (sql, args) = match (
        arg_str(caller, sql.0, sql.1),
        arg_bytes(caller, args.0, args.1),
    ) {
        (Ok(sql), Ok(args)) => (sql, args),
        _ => {
            return envelope.error(
                "invalid_argument",
                "an argument is out of range or not UTF-8",
            )
        }
    };
    let (import, budget) = match kind {
        Kind::Query => ("db_query", &mut caller.data_mut().budgets.db_query),
        Kind::Exec => ("db_exec", &mut caller.data_mut().budgets.db_exec),
    };
    if !take(budget) {
        return envelope.error(
            "limit_exceeded",
            format!("too many {import} calls in this invocation"),
        );
    }
    let transaction = match transaction(caller).await {
        Ok(Some(transaction)) => transaction,
        Ok(None) => return envelope.error("db_unavailable", "no database is configured"),
        Err(message) => return envelope.error("db_unavailable", message),
    };
    let state = caller.data();
    let result = async {
        let values = sql::args::decode(&args)?;
        let org = state.org();
        let sqlite = transaction.get_database_backend() == DatabaseBackend::Sqlite;
        let catalog = Catalog {
            addon: state.addon,
            shared: &state.services.shared_tables,
            policy: &state.policy,
            org: &org,
            import,
            metrics: &state.services.metrics,
            sqlite,
        };
        let confined = match state.services.sql_checks {
            SqlChecks::ParserAndDatabase => sql::confine(&sql, kind, values.len(), &catalog)?,
            SqlChecks::DatabaseOnly => sql::Confined::unchecked(&sql, sqlite),
        };
        let reach = sql::Reach::of(&catalog);
        let runner = sql::Runner {
            addon_key: state.addon.key,
            org_id: state.caller.org_id(),
            timeout: MAX_STATEMENT_TIME.min(state.remaining()),
            reach: &reach,
        };
        sql::run(&*transaction, kind, &confined, values, runner).await
    }
    .await;
    if kind == Kind::Exec && transaction.get_database_backend() == DatabaseBackend::Sqlite {
        caller.data_mut().wrote_on_sqlite();
    }
    match result {
        Ok(data) => envelope.ok(data, Some(("truncated", false.into()))),
        Err(error) => {
            let sqlstate = match &error {
                sql::SqlError::Constraint { sqlstate, .. } => {
                    Some(("sqlstate", sqlstate.clone().into()))
                }
                _ => None,
            };
            envelope.error_with(error.code(), error.to_string(), sqlstate)
        }
    }
}
