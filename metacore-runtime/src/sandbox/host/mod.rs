//! The `metacore_host` imports (`runtime.md` §1.5).
//!
//! One submodule per import family. Every import reads identity, policy and budgets from
//! the store's `HostState` only; arguments are bounds-checked `(ptr, len)` pairs, and a
//! bad argument returns the import's `invalid_argument` error instead of trapping. Results
//! are written back through the guest's `alloc` (`super::abi::return_to_guest`). Two error
//! families are kept for kernel compatibility: **flat** `{"error", "message"}` (`http_fetch`,
//! `event_emit`) and the **envelope** `{"success": false, "error": {…}, "meta": {…}}`
//! (database and key-value imports), built by `flat_error` and `Envelope`. Every call is
//! counted in `wasm_host_calls_total{import}` on entry, before its arguments are read.

mod db;
mod env;
mod events;
mod http;
mod kv;
mod log;

use std::time::Instant;

use metacore_core::wasm::HOST_MODULE;
use serde_json::{json, Value};
use wasmtime::{Caller, Linker};

use super::state::HostState;

/// Defines every import on `linker`.
pub(crate) fn define(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    linker.func_wrap(
        HOST_MODULE,
        "log",
        |caller: Caller<'_, HostState>, ptr: i32, len: i32| {
            counted(&caller, "log");
            log::log(caller, ptr, len)
        },
    )?;
    linker.func_wrap_async(
        HOST_MODULE,
        "env_get",
        |caller: Caller<'_, HostState>, (ptr, len): (i32, i32)| {
            counted(&caller, "env_get");
            Box::new(env::env_get(caller, ptr, len))
        },
    )?;
    linker.func_wrap_async(
        HOST_MODULE,
        "http_fetch",
        |caller: Caller<'_, HostState>, args: (i32, i32, i32, i32, i32, i32)| {
            counted(&caller, "http_fetch");
            Box::new(http::http_fetch(caller, args))
        },
    )?;
    linker.func_wrap_async(
        HOST_MODULE,
        "event_emit",
        |caller: Caller<'_, HostState>, args: (i32, i32, i32, i32)| {
            counted(&caller, "event_emit");
            Box::new(events::event_emit(caller, args))
        },
    )?;
    linker.func_wrap_async(
        HOST_MODULE,
        "db_query",
        |caller: Caller<'_, HostState>, args: (i32, i32, i32, i32)| {
            counted(&caller, "db_query");
            Box::new(db::db_call(caller, args, db::Kind::Query))
        },
    )?;
    linker.func_wrap_async(
        HOST_MODULE,
        "db_exec",
        |caller: Caller<'_, HostState>, args: (i32, i32, i32, i32)| {
            counted(&caller, "db_exec");
            Box::new(db::db_call(caller, args, db::Kind::Exec))
        },
    )?;
    linker.func_wrap_async(
        HOST_MODULE,
        "kv_get",
        |caller: Caller<'_, HostState>, (ptr, len): (i32, i32)| {
            counted(&caller, "kv_get");
            Box::new(kv::kv_get(caller, ptr, len))
        },
    )?;
    linker.func_wrap_async(
        HOST_MODULE,
        "kv_set",
        |caller: Caller<'_, HostState>, args: (i32, i32, i32, i32)| {
            counted(&caller, "kv_set");
            Box::new(kv::kv_set(caller, args))
        },
    )?;
    linker.func_wrap_async(
        HOST_MODULE,
        "kv_delete",
        |caller: Caller<'_, HostState>, (ptr, len): (i32, i32)| {
            counted(&caller, "kv_delete");
            Box::new(kv::kv_delete(caller, ptr, len))
        },
    )?;
    Ok(())
}

/// Counts one call of `import` in `wasm_host_calls_total` (the server's metrics).
fn counted(caller: &Caller<'_, HostState>, import: &'static str) {
    caller.data().services.metrics.host_call(import);
}

/// A flat error `{"error": code, "message": …}`.
pub(crate) fn flat_error(code: &str, message: impl Into<String>) -> Vec<u8> {
    json!({"error": code, "message": message.into()})
        .to_string()
        .into_bytes()
}

/// Builder of the envelope replies of the database and key-value imports.
pub(crate) struct Envelope {
    started: Instant,
    addon: String,
    org: String,
}

impl Envelope {
    /// Starts timing an import call.
    pub(crate) fn start(state: &HostState) -> Envelope {
        Envelope {
            started: Instant::now(),
            addon: state.addon.key.to_string(),
            org: state.org(),
        }
    }

    fn meta(&self, extra: Option<(&str, Value)>) -> Value {
        let mut meta = json!({
            "addon": self.addon,
            "orgId": self.org,
            "durationMs": self.started.elapsed().as_millis() as u64,
            "envelopeVersion": 1,
        });
        if let (Some((key, value)), Some(map)) = (extra, meta.as_object_mut()) {
            map.insert(key.to_string(), value);
        }
        meta
    }

    /// `{"success": true, "data": …, "meta": …}`.
    pub(crate) fn ok(&self, data: Value, extra_meta: Option<(&str, Value)>) -> Vec<u8> {
        json!({"success": true, "data": data, "meta": self.meta(extra_meta)})
            .to_string()
            .into_bytes()
    }

    /// `{"success": false, "error": {"code", "message", …extra}, "meta": …}`.
    pub(crate) fn error(&self, code: &str, message: impl Into<String>) -> Vec<u8> {
        self.error_with(code, message, None)
    }

    /// An error with one more field in `error` (such as `sqlstate`).
    pub(crate) fn error_with(
        &self,
        code: &str,
        message: impl Into<String>,
        extra: Option<(&str, Value)>,
    ) -> Vec<u8> {
        let mut error = json!({"code": code, "message": message.into()});
        if let (Some((key, value)), Some(map)) = (extra, error.as_object_mut()) {
            map.insert(key.to_string(), value);
        }
        json!({"success": false, "error": error, "meta": self.meta(None)})
            .to_string()
            .into_bytes()
    }
}
