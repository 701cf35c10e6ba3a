//! `event_emit(name, payload) -> i64`: an addon event, published after the call succeeds.
//!
//! The name must be 1–256 bytes of dot-separated `[A-Za-z0-9_]` segments (at least two) and
//! match the addon's `event:emit` policy; the payload is empty (`null`) or JSON of at most
//! 256 KiB. The event carries the invocation's organisation and user and the addon as
//! producer; it is held in the store and published only if the invocation succeeds, so a
//! failed or rolled-back call emits nothing. Returns 0, or a packed flat error.

use serde_json::Value;
use wasmtime::Caller;

use super::flat_error;
use crate::events::Event;
use crate::policy::Check;
use crate::sandbox::abi::{arg_bytes, arg_str, return_to_guest};
use crate::sandbox::state::{take, HostState};

const MAX_NAME_BYTES: usize = 256;
const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

pub(super) async fn event_emit(
    mut caller: Caller<'_, HostState>,
    (name_ptr, name_len, payload_ptr, payload_len): (i32, i32, i32, i32),
) -> wasmtime::Result<i64> {
    match emit(
        &mut caller,
        (name_ptr, name_len),
        (payload_ptr, payload_len),
    ) {
        Ok(()) => Ok(0),
        Err(reply) => return_to_guest(&mut caller, &reply).await,
    }
}

fn emit(
    caller: &mut Caller<'_, HostState>,
    name: (i32, i32),
    payload: (i32, i32),
) -> Result<(), Vec<u8>> {
    let invalid = |_| {
        flat_error(
            "invalid_argument",
            "an argument is out of range or not UTF-8",
        )
    };
    let name = arg_str(caller, name.0, name.1).map_err(invalid)?;
    let payload = arg_bytes(caller, payload.0, payload.1).map_err(invalid)?;
    let state = caller.data_mut();
    if !take(&mut state.budgets.event_emit) {
        return Err(flat_error(
            "limit_exceeded",
            "too many events in this invocation",
        ));
    }
    if !is_event_name(&name) {
        return Err(flat_error(
            "invalid_event",
            format!("`{name}` is not a valid event name"),
        ));
    }
    let org = state.org();
    let check = Check {
        kind: "event:emit",
        target: &name,
        import: "event_emit",
        org: &org,
    };
    if !state.policy.permit(
        state.policy.allows_emit(&name),
        check,
        &state.services.metrics,
    ) {
        return Err(flat_error(
            "forbidden",
            format!("`{name}` is not covered by the addon's event:emit capabilities"),
        ));
    }
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(flat_error(
            "payload_too_large",
            "the payload is larger than 256 KiB",
        ));
    }
    let payload = if payload.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&payload)
            .map_err(|e| flat_error("invalid_payload", format!("the payload is not JSON: {e}")))?
    };
    let event = Event {
        topic: name,
        org_id: state.caller.org_id(),
        producer: state.addon.key.to_string(),
        actor_id: state.caller.user_id,
        payload,
        occurred_at: chrono::Utc::now(),
        sequence: None,
        deliveries: 0,
    };
    state.emitted.push(event);
    Ok(())
}

/// `^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$`, at most 256 bytes.
fn is_event_name(name: &str) -> bool {
    let segment =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    name.len() <= MAX_NAME_BYTES && name.contains('.') && name.split('.').all(segment)
}

#[cfg(test)]
mod tests {
    use super::is_event_name;

    #[test]
    fn event_names() {
        assert!(is_event_name("tickets.escalated"));
        assert!(is_event_name("a.b_2.C"));
        assert!(!is_event_name("tickets"));
        assert!(!is_event_name("tickets.*"));
        assert!(!is_event_name("tickets..x"));
        assert!(!is_event_name(".x"));
    }
}
