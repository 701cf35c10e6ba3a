//! `log(msg_ptr, msg_len)`: one line into `tracing` (target `metacore::addon`, level INFO)
//! with the invocation's `addon`, `org`, `installation` and `request_id`.
//!
//! Invalid UTF-8 is replaced lossily, lines over 16 KiB are cut with `…`, an out-of-range
//! argument is ignored, and after 1 000 lines further lines are dropped with one warning.

use wasmtime::Caller;

use crate::sandbox::abi::arg_bytes;
use crate::sandbox::state::{take, HostState};

/// Longest line kept, in bytes.
const MAX_LINE_BYTES: usize = 16 * 1024;

pub(super) fn log(mut caller: Caller<'_, HostState>, ptr: i32, len: i32) {
    let Ok(bytes) = arg_bytes(&mut caller, ptr, len) else {
        return;
    };
    let state = caller.data_mut();
    if !take(&mut state.budgets.log) {
        if !state.log_overflow_reported {
            state.log_overflow_reported = true;
            tracing::warn!(
                target: "metacore::addon",
                addon = %state.addon.key,
                org = %state.caller.org_id(),
                "log budget exhausted: further lines of this invocation are dropped"
            );
        }
        return;
    }
    let line = String::from_utf8_lossy(&bytes);
    let line = truncate(&line);
    tracing::info!(
        target: "metacore::addon",
        addon = %state.addon.key,
        org = %state.caller.org_id(),
        installation = %state.caller.installation.id,
        request_id = %state.caller.request_id,
        "{line}"
    );
}

/// `line` cut at a character boundary to at most [`MAX_LINE_BYTES`], with `…` when cut.
fn truncate(line: &str) -> std::borrow::Cow<'_, str> {
    if line.len() <= MAX_LINE_BYTES {
        return line.into();
    }
    let mut end = MAX_LINE_BYTES;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &line[..end]).into()
}
