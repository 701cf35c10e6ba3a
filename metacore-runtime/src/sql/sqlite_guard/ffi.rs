//! The SQLite C API calls of the guard: the authorizer, the control functions and the
//! client data that owns the per-connection [`State`]. All `unsafe` of the guard is here.
//!
//! Ownership: the connection's client data `metacore_guard` owns one `Arc<State>` (freed by
//! SQLite when the connection closes); the authorizer's user pointer borrows that `State`.
//! Each control function owns its own `Arc<State>` (freed by SQLite through `xDestroy`
//! when the function is replaced or the connection closes). Callbacks run on the sqlx
//! worker thread that owns the connection, or on the thread holding its
//! `LockedSqliteHandle`; `State` is `Sync`, so either is fine.

#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use libsqlite3_sys::{
    sqlite3, sqlite3_context, sqlite3_context_db_handle, sqlite3_create_function_v2,
    sqlite3_get_clientdata, sqlite3_result_blob, sqlite3_result_error, sqlite3_result_error_code,
    sqlite3_result_int, sqlite3_result_null, sqlite3_result_text, sqlite3_set_authorizer,
    sqlite3_set_clientdata, sqlite3_user_data, sqlite3_value, sqlite3_value_bytes,
    sqlite3_value_text, SQLITE_AUTH, SQLITE_DENY, SQLITE_DIRECTONLY, SQLITE_OK, SQLITE_TRANSIENT,
    SQLITE_UTF8,
};
use sea_orm::sqlx::sqlite::LockedSqliteHandle;

use super::state::{OrgValue, Request, State, ENTER_FUNCTION, LEAVE_FUNCTION, ORG_FUNCTION};
use super::{control_enter, control_leave};

/// The client-data key under which a connection's guard state lives.
const CLIENT_DATA: &CStr = c"metacore_guard";

/// The error prefix of the control functions (`classify` recognises it).
pub(super) const ERROR_PREFIX: &str = "metacore guard: ";

/// Frees an `Arc<State>` boxed by [`boxed_state`] (client-data destructor and `xDestroy`).
unsafe extern "C" fn drop_boxed_state(pointer: *mut c_void) {
    if pointer.is_null() {
        return;
    }
    // SAFETY: every pointer SQLite hands to this destructor came from `boxed_state`
    // (`Box::into_raw` of a `Box<Arc<State>>`) and SQLite calls the destructor exactly once.
    drop(unsafe { Box::from_raw(pointer.cast::<Arc<State>>()) });
}

fn boxed_state(state: &Arc<State>) -> *mut c_void {
    Box::into_raw(Box::new(Arc::clone(state))).cast()
}

/// Installs the authorizer and the control functions on `handle`'s connection, with
/// `state` as their shared state. Fails if a guard is already installed.
pub(super) fn install(
    handle: &mut LockedSqliteHandle<'_>,
    state: &Arc<State>,
) -> Result<(), String> {
    let db = handle.as_raw_handle().as_ptr();
    // SAFETY: `db` is the open connection `handle` locks: no other thread uses it while
    // `handle` lives, and the key is a NUL-terminated string.
    if !unsafe { sqlite3_get_clientdata(db, CLIENT_DATA.as_ptr()) }.is_null() {
        return Err("the guard is already installed on this connection".to_string());
    }
    // SAFETY: as above; SQLite takes ownership of the boxed Arc and frees it with
    // `drop_boxed_state` when the connection closes (or at once if this call fails).
    let rc = unsafe {
        sqlite3_set_clientdata(
            db,
            CLIENT_DATA.as_ptr(),
            boxed_state(state),
            Some(drop_boxed_state),
        )
    };
    if rc != SQLITE_OK {
        return Err(format!("cannot attach the guard state (SQLite error {rc})"));
    }
    // SAFETY: the user pointer is the `State` the client data just stored keeps alive for
    // as long as the connection is open, which is as long as SQLite may call the
    // authorizer; `authorizer` only reads through it (`State` is `Sync`).
    unsafe { sqlite3_set_authorizer(db, Some(authorizer), Arc::as_ptr(state).cast_mut().cast()) };
    let functions: [(&str, c_int, c_int, ControlFn); 3] = [
        (ENTER_FUNCTION, 2, SQLITE_DIRECTONLY, enter_function),
        (LEAVE_FUNCTION, 1, SQLITE_DIRECTONLY, leave_function),
        (ORG_FUNCTION, 0, 0, org_function),
    ];
    for (name, arity, flags, function) in functions {
        let c_name = CString::new(name).map_err(|e| e.to_string())?;
        // SAFETY: `db` is locked as above; the name is NUL-terminated and copied by SQLite;
        // SQLite owns the boxed Arc from here on and frees it with `drop_boxed_state`
        // (also when registration fails, as `sqlite3_create_function_v2` documents).
        let rc = unsafe {
            sqlite3_create_function_v2(
                db,
                c_name.as_ptr(),
                arity,
                SQLITE_UTF8 | flags,
                boxed_state(state),
                Some(function),
                None,
                None,
                Some(drop_boxed_state),
            )
        };
        if rc != SQLITE_OK {
            return Err(format!("cannot register {name} (SQLite error {rc})"));
        }
    }
    Ok(())
}

/// The guard state installed on `handle`'s connection, if any.
pub(super) fn installed(handle: &mut LockedSqliteHandle<'_>) -> Option<Arc<State>> {
    let db = handle.as_raw_handle().as_ptr();
    // SAFETY: `db` is locked by `handle`; the key is NUL-terminated.
    let pointer = unsafe { sqlite3_get_clientdata(db, CLIENT_DATA.as_ptr()) };
    if pointer.is_null() {
        return None;
    }
    // SAFETY: only `install` stores data under this key, always a boxed `Arc<State>`, which
    // lives until the connection closes — not before `handle` (which borrows it) is gone.
    Some(Arc::clone(unsafe { &*pointer.cast::<Arc<State>>() }))
}

/// Borrows a C string argument of a callback (None for NULL; lossy for non-UTF-8 names,
/// which then match no allowed name).
///
/// # Safety
/// `pointer` is NULL or a NUL-terminated string valid for the callback's duration.
unsafe fn text<'a>(pointer: *const c_char) -> Option<std::borrow::Cow<'a, str>> {
    if pointer.is_null() {
        return None;
    }
    // SAFETY: per this function's contract.
    Some(String::from_utf8_lossy(
        unsafe { CStr::from_ptr(pointer) }.to_bytes(),
    ))
}

/// The authorizer: SQLITE_OK or SQLITE_DENY by [`State::authorize`]; denies on panic.
unsafe extern "C" fn authorizer(
    user: *mut c_void,
    action: c_int,
    arg1: *const c_char,
    arg2: *const c_char,
    database: *const c_char,
    context: *const c_char,
) -> c_int {
    let decide = || {
        // SAFETY: `user` is the `State` set in `install`, alive while the connection is
        // open (see there); the string arguments are NULL or NUL-terminated strings SQLite
        // keeps valid for this call.
        let state = unsafe { &*user.cast_const().cast::<State>() };
        let (arg1, arg2, database, context) =
            unsafe { (text(arg1), text(arg2), text(database), text(context)) };
        state.authorize(Request {
            action,
            arg1: arg1.as_deref(),
            arg2: arg2.as_deref(),
            database: database.as_deref(),
            context: context.as_deref(),
        })
    };
    match catch_unwind(AssertUnwindSafe(decide)) {
        Ok(true) => SQLITE_OK,
        _ => SQLITE_DENY,
    }
}

/// A control function's implementation.
type ControlFn = unsafe extern "C" fn(*mut sqlite3_context, c_int, *mut *mut sqlite3_value);

/// What a control function returns.
enum Outcome {
    Int(c_int),
    Text(Option<String>),
    Blob(Vec<u8>),
    /// Refused: an SQLITE_AUTH error with this message.
    Refused(String),
}

/// Runs `body` with the function's state and text arguments, and sets its result.
///
/// # Safety
/// Called only from the `xFunc` of a function `install` registered, with SQLite's
/// `context`, `argc` and `argv`.
unsafe fn run_control(
    context: *mut sqlite3_context,
    argc: c_int,
    argv: *mut *mut sqlite3_value,
    body: impl FnOnce(&Arc<State>, *mut sqlite3, &[Option<String>]) -> Outcome,
) {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the user data is the boxed `Arc<State>` `install` registered with this
        // function; SQLite keeps it alive until `xDestroy`, after every call.
        let state = unsafe { &*sqlite3_user_data(context).cast::<Arc<State>>() };
        // SAFETY: `context` is the live context of this call.
        let db = unsafe { sqlite3_context_db_handle(context) };
        let count = usize::try_from(argc).unwrap_or_default();
        let args: Vec<Option<String>> = (0..count)
            .map(|i| {
                // SAFETY: `argv` holds `argc` valid values for this call; the text
                // pointer stays valid until the next call on that value, and its length
                // is read right after it (in that order, as SQLite requires).
                unsafe {
                    let value = *argv.add(i);
                    let bytes = sqlite3_value_text(value);
                    if bytes.is_null() {
                        return None;
                    }
                    let len = usize::try_from(sqlite3_value_bytes(value)).unwrap_or_default();
                    let slice = std::slice::from_raw_parts(bytes, len);
                    Some(String::from_utf8_lossy(slice).into_owned())
                }
            })
            .collect();
        body(state, db, &args)
    }))
    .unwrap_or_else(|_| Outcome::Refused(format!("{ERROR_PREFIX}internal error")));
    // SAFETY: `context` is live; `sqlite3_result_*` copy what they are given
    // (`SQLITE_TRANSIENT`) and take the byte lengths passed.
    unsafe {
        match outcome {
            Outcome::Int(value) => sqlite3_result_int(context, value),
            Outcome::Text(None) => sqlite3_result_null(context),
            Outcome::Text(Some(text)) => match c_int::try_from(text.len()) {
                Ok(len) => {
                    sqlite3_result_text(context, text.as_ptr().cast(), len, SQLITE_TRANSIENT())
                }
                Err(_) => sqlite3_result_null(context),
            },
            Outcome::Blob(bytes) => match c_int::try_from(bytes.len()) {
                Ok(len) => {
                    sqlite3_result_blob(context, bytes.as_ptr().cast(), len, SQLITE_TRANSIENT())
                }
                Err(_) => sqlite3_result_null(context),
            },
            Outcome::Refused(message) => {
                let len = c_int::try_from(message.len()).unwrap_or(0);
                sqlite3_result_error(context, message.as_ptr().cast(), len);
                sqlite3_result_error_code(context, SQLITE_AUTH);
            }
        }
    }
}

/// `metacore_guard_enter(token, spec)`: switches the guard on and expires every prepared
/// statement of the connection so none runs under authorizations it was prepared with.
unsafe extern "C" fn enter_function(
    context: *mut sqlite3_context,
    argc: c_int,
    argv: *mut *mut sqlite3_value,
) {
    // SAFETY: this is the `xFunc` of a function `install` registered.
    unsafe { run_control(context, argc, argv, enter_body) };
}

fn enter_body(state: &Arc<State>, db: *mut sqlite3, args: &[Option<String>]) -> Outcome {
    match control_enter(state, args) {
        Ok(()) => {
            // Re-installing the same authorizer is how the C API expires all prepared
            // statements (`sqlite3ExpirePreparedStatements(db, 1)`): the running one
            // finishes, every other one is re-prepared — and so re-authorized under the new
            // rules — before it next runs.
            // SAFETY: `db` is the connection running this call (its mutex, if any, is held
            // by SQLite and is recursive); the user pointer is the same `State` `install`
            // set, kept alive by the client data.
            unsafe {
                sqlite3_set_authorizer(db, Some(authorizer), Arc::as_ptr(state).cast_mut().cast())
            };
            Outcome::Int(1)
        }
        Err(message) => Outcome::Refused(format!("{ERROR_PREFIX}{message}")),
    }
}

/// `metacore_guard_leave(token)`: switches the guard off; returns the first denial or NULL.
unsafe extern "C" fn leave_function(
    context: *mut sqlite3_context,
    argc: c_int,
    argv: *mut *mut sqlite3_value,
) {
    // SAFETY: this is the `xFunc` of a function `install` registered.
    unsafe {
        run_control(context, argc, argv, |state, _, args| {
            match control_leave(state, args) {
                Ok(denial) => Outcome::Text(denial),
                Err(message) => Outcome::Refused(format!("{ERROR_PREFIX}{message}")),
            }
        });
    }
}

/// `metacore_guard_org()`: the active organisation, or NULL while the guard is off.
unsafe extern "C" fn org_function(
    context: *mut sqlite3_context,
    argc: c_int,
    argv: *mut *mut sqlite3_value,
) {
    // SAFETY: this is the `xFunc` of a function `install` registered.
    unsafe {
        run_control(context, argc, argv, |state, _, _| match state.org_value() {
            Some(OrgValue::Blob(bytes)) => Outcome::Blob(bytes),
            Some(OrgValue::Text(text)) => Outcome::Text(Some(text)),
            None => Outcome::Text(None),
        })
    };
}
