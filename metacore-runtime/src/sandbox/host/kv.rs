//! `kv_get` / `kv_set` / `kv_delete`: the store namespaced by (addon, organisation), both
//! taken from the store data. Writes join the invocation's transaction.

use sea_orm::{ConnectionTrait, DatabaseBackend};
use serde_json::json;
use wasmtime::Caller;

use super::db::transaction;
use super::Envelope;
use crate::kv::{self, KvError, Namespace};
use crate::sandbox::abi::{arg_bytes, arg_str, return_to_guest};
use crate::sandbox::state::{take, HostState};

pub(super) async fn kv_get(
    mut caller: Caller<'_, HostState>,
    ptr: i32,
    len: i32,
) -> wasmtime::Result<i64> {
    let reply = run(&mut caller, (ptr, len), None, Op::Get).await;
    return_to_guest(&mut caller, &reply).await
}

pub(super) async fn kv_set(
    mut caller: Caller<'_, HostState>,
    (key_ptr, key_len, value_ptr, value_len): (i32, i32, i32, i32),
) -> wasmtime::Result<i64> {
    let reply = run(
        &mut caller,
        (key_ptr, key_len),
        Some((value_ptr, value_len)),
        Op::Set,
    )
    .await;
    return_to_guest(&mut caller, &reply).await
}

pub(super) async fn kv_delete(
    mut caller: Caller<'_, HostState>,
    ptr: i32,
    len: i32,
) -> wasmtime::Result<i64> {
    let reply = run(&mut caller, (ptr, len), None, Op::Delete).await;
    return_to_guest(&mut caller, &reply).await
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Get,
    Set,
    Delete,
}

async fn run(
    caller: &mut Caller<'_, HostState>,
    key: (i32, i32),
    value: Option<(i32, i32)>,
    op: Op,
) -> Vec<u8> {
    let envelope = Envelope::start(caller.data());
    let key = arg_str(caller, key.0, key.1);
    let value = value
        .map(|(ptr, len)| arg_bytes(caller, ptr, len))
        .transpose();
    let (Ok(key), Ok(value)) = (key, value) else {
        return envelope.error(
            "invalid_argument",
            "an argument is out of range or not UTF-8",
        );
    };
    if !take(&mut caller.data_mut().budgets.kv) {
        return envelope.error(
            "limit_exceeded",
            "too many key-value calls in this invocation",
        );
    }
    if let Err(error) = kv::check_key(&key) {
        return envelope.error(error.code(), error.to_string());
    }
    let transaction = match transaction(caller).await {
        Ok(Some(transaction)) => transaction,
        Ok(None) => return envelope.error("db_unavailable", "no database is configured"),
        Err(message) => return envelope.error("db_unavailable", message),
    };
    let state = caller.data();
    let ns = Namespace {
        addon_key: state.addon.key,
        org_id: state.caller.org_id(),
    };
    let db = &*transaction;
    let result: Result<serde_json::Value, KvError> = match op {
        Op::Get => kv::get(db, ns, &key).await.map(|found| match found {
            Some(value) => json!({"found": true, "value": value}),
            None => json!({"found": false, "value": null}),
        }),
        Op::Set => kv::set(db, ns, &key, &value.unwrap_or_default())
            .await
            .map(|()| json!({"stored": true})),
        Op::Delete => kv::delete(db, ns, &key)
            .await
            .map(|deleted| json!({"deleted": deleted})),
    };
    if op != Op::Get && db.get_database_backend() == DatabaseBackend::Sqlite {
        caller.data_mut().wrote_on_sqlite();
    }
    match result {
        Ok(data) => envelope.ok(data, None),
        Err(error) => envelope.error(error.code(), error.to_string()),
    }
}
