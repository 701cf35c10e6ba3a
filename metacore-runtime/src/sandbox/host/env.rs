//! `env_get(key_ptr, key_len) -> i64`: the addon's own installation setting `key`.
//!
//! Strings come back as raw UTF-8, other JSON values as their JSON text; missing, null or
//! empty values return 0. The reserved read-only `metacore.*` keys expose the invocation's
//! identity from the store.

use serde_json::Value;
use wasmtime::Caller;

use crate::sandbox::abi::{arg_str, return_to_guest};
use crate::sandbox::state::{take, HostState};

/// Longest key accepted, in bytes.
const MAX_KEY_BYTES: usize = 256;

pub(super) async fn env_get(
    mut caller: Caller<'_, HostState>,
    ptr: i32,
    len: i32,
) -> wasmtime::Result<i64> {
    let value = lookup(&mut caller, ptr, len).unwrap_or_default();
    return_to_guest(&mut caller, value.as_bytes()).await
}

/// The value's text; `None` for anything that returns 0.
fn lookup(caller: &mut Caller<'_, HostState>, ptr: i32, len: i32) -> Option<String> {
    let key = arg_str(caller, ptr, len).ok()?;
    let state = caller.data_mut();
    if key.len() > MAX_KEY_BYTES || !take(&mut state.budgets.env_get) {
        return None;
    }
    let caller = &state.caller;
    let reserved = match key.as_str() {
        "metacore.org_id" => Some(caller.org_id().to_string()),
        "metacore.user_id" => Some(caller.user_id?.to_string()),
        "metacore.addon_key" => Some(state.addon.key.to_string()),
        "metacore.installation_id" => Some(caller.installation.id.to_string()),
        "metacore.request_id" => Some(caller.request_id.to_string()),
        "metacore.locale" => caller.locale.clone(),
        _ => None,
    };
    let text = match reserved {
        Some(text) => text,
        None => match caller.installation.settings.get(&key)? {
            Value::Null => return None,
            Value::String(s) => s.clone(),
            other => other.to_string(),
        },
    };
    (!text.is_empty()).then_some(text)
}
