//! The per-connection guard state and the authorizer's rules (safe code; `ffi` calls in).

use metacore_core::storage::{search_table, ROW_COUNTS_TABLE};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use libsqlite3_sys::{
    SQLITE_ALTER_TABLE, SQLITE_ANALYZE, SQLITE_ATTACH, SQLITE_CREATE_INDEX, SQLITE_CREATE_TABLE,
    SQLITE_CREATE_TEMP_TABLE, SQLITE_CREATE_TEMP_TRIGGER, SQLITE_CREATE_TEMP_VIEW,
    SQLITE_CREATE_TRIGGER, SQLITE_CREATE_VIEW, SQLITE_CREATE_VTABLE, SQLITE_DELETE, SQLITE_DETACH,
    SQLITE_DROP_INDEX, SQLITE_DROP_TABLE, SQLITE_DROP_TRIGGER, SQLITE_DROP_VIEW,
    SQLITE_DROP_VTABLE, SQLITE_FUNCTION, SQLITE_INSERT, SQLITE_PRAGMA, SQLITE_READ,
    SQLITE_RECURSIVE, SQLITE_REINDEX, SQLITE_SAVEPOINT, SQLITE_SELECT, SQLITE_TRANSACTION,
    SQLITE_UPDATE,
};
use serde::{Deserialize, Serialize};

use crate::sql::functions;

/// The control function that switches the guard off; callable while the guard is on (the
/// host's own `leave` statement is prepared under the guard) but only with the token.
pub(super) const LEAVE_FUNCTION: &str = "metacore_guard_leave";
/// The control function that switches the guard on; never callable while it is on.
pub(super) const ENTER_FUNCTION: &str = "metacore_guard_enter";
/// The function returning the active organisation (for host-installed temp triggers).
pub(super) const ORG_FUNCTION: &str = "metacore_guard_org";
/// Triggers whose name starts with this may call [`ORG_FUNCTION`] while the guard is on.
pub(super) const ORG_TRIGGER_PREFIX: &str = "metacore_org_";
/// The migrations' row-count triggers (`metacore-gen`'s `codegen::ddl::derived`).
const COUNT_TRIGGER_PREFIX: &str = "metacore_count__";

/// The rules of one guarded statement, as the host sends them to `metacore_guard_enter`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct Spec {
    /// Readable tables (main schema).
    pub read: Vec<String>,
    /// Writable tables (main schema); also readable.
    pub write: Vec<String>,
    /// Every write is refused.
    pub read_only: bool,
    /// Milliseconds from entering until the progress handler interrupts.
    pub timeout_ms: u64,
    /// Every table and view name of the connection's schemas, so a column-less read of one
    /// can be told from one of a CTE.
    pub known: Vec<String>,
    /// The active organisation, if the host enforces it with triggers.
    pub org: Option<String>,
    /// Tenant tables readable only through their organisation view.
    pub scoped: Vec<String>,
    /// `(table, column)` key columns (primary and foreign keys) of writable scoped tables,
    /// which SQLite's own foreign-key checks read directly.
    #[serde(default)]
    pub key_columns: Vec<(String, String)>,
}

/// The rules while the guard is on.
#[derive(Debug)]
struct Rules {
    read: HashSet<String>,
    write: HashSet<String>,
    read_only: bool,
    known: HashSet<String>,
    deadline: Instant,
    org: Option<String>,
    scoped: HashSet<String>,
    /// Tables the statement writes, as the authorizer has seen them so far.
    targets: HashSet<String>,
    /// Scoped tables a writing statement read directly: allowed while preparing (SQLite
    /// authorizes an `UPDATE`'s predicate before its target), judged at [`State::leave`]:
    /// each must be one of the statement's own write targets.
    direct_reads: HashSet<String>,
    key_columns: HashSet<(String, String)>,
}

impl Rules {
    /// A scoped table read directly that is not the statement's own write target.
    fn stray_read(&self) -> Option<String> {
        let mut stray: Vec<&String> = self.direct_reads.difference(&self.targets).collect();
        stray.sort();
        stray
            .first()
            .map(|table| format!("reading table {table} other than through its organisation view"))
    }
}

#[derive(Debug, Default)]
struct Inner {
    rules: Option<Rules>,
    /// The first thing refused since the guard was switched on.
    denial: Option<String>,
}

/// Guards switched on right now, across every connection of the process: while none is, a
/// connection going back to the pool needs no look at its own state (which would cost a
/// round trip to the connection's worker thread on every release).
static ACTIVE_GUARDS: AtomicUsize = AtomicUsize::new(0);

/// True when some connection of the process has its guard on.
pub(crate) fn any_active() -> bool {
    ACTIVE_GUARDS.load(Ordering::SeqCst) > 0
}

/// One connection's guard, shared by its authorizer, progress handler and control functions.
#[derive(Debug, Default)]
pub(crate) struct State {
    /// Fast path for the progress handler and authorizer of host statements.
    active: AtomicBool,
    inner: Mutex<Inner>,
}

/// What `metacore_guard_org()` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum OrgValue {
    /// A UUID's bytes.
    Blob(Vec<u8>),
    /// Any other organisation id.
    Text(String),
}

/// One authorizer callback's arguments (see `sqlite3_set_authorizer`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Request<'a> {
    pub action: i32,
    pub arg1: Option<&'a str>,
    pub arg2: Option<&'a str>,
    pub database: Option<&'a str>,
    pub context: Option<&'a str>,
}

/// Virtual-table modules usable without `CREATE VIRTUAL TABLE` (eponymous) in the bundled
/// SQLite build, and the other modules it compiles in: never CTE names.
const EPONYMOUS_MODULES: &[&str] = &[
    "carray",
    "completion",
    "dbstat",
    "fts3",
    "fts3tokenize",
    "fts4",
    "fts4aux",
    "fts5",
    "fts5vocab",
    "generate_series",
    "geopoly",
    "json_each",
    "json_tree",
    "rtree",
    "rtree_i32",
    "zipfile",
];

/// Tables no addon statement may read or write, whatever its rules say.
fn is_system_table(table: &str) -> bool {
    table.starts_with("sqlite_") || table.starts_with("pragma_")
}

impl Drop for State {
    /// A connection closed with its guard on no longer counts as guarded.
    fn drop(&mut self) {
        self.set_active(false);
    }
}

impl State {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A poisoned lock only means a callback panicked (caught at the FFI boundary); the
        // data is still a consistent `Inner`, and refusing to continue would fail open for
        // nobody, so recover it.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Switches the fast-path flag, keeping [`ACTIVE_GUARDS`] in step.
    fn set_active(&self, on: bool) {
        if self.active.swap(on, Ordering::SeqCst) != on {
            if on {
                ACTIVE_GUARDS.fetch_add(1, Ordering::SeqCst);
            } else {
                ACTIVE_GUARDS.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }

    /// Whether an addon statement is confined right now.
    pub(crate) fn is_active(&self) -> bool {
        self.active.load(Ordering::SeqCst)
    }

    /// Switches the guard on with `spec` (the token is checked by the caller).
    pub(super) fn enter(&self, spec: Spec) -> Result<(), String> {
        let mut inner = self.lock();
        if inner.rules.is_some() {
            return Err("the guard is already on".to_string());
        }
        let lower = |names: Vec<String>| -> HashSet<String> {
            names.into_iter().map(|n| n.to_ascii_lowercase()).collect()
        };
        inner.rules = Some(Rules {
            read: lower(spec.read),
            write: lower(spec.write),
            read_only: spec.read_only,
            known: lower(spec.known)
                .into_iter()
                .chain(EPONYMOUS_MODULES.iter().map(|m| m.to_string()))
                .collect(),
            deadline: Instant::now() + Duration::from_millis(spec.timeout_ms),
            org: spec.org,
            scoped: lower(spec.scoped),
            targets: HashSet::new(),
            direct_reads: HashSet::new(),
            key_columns: spec
                .key_columns
                .into_iter()
                .map(|(t, c)| (t.to_ascii_lowercase(), c.to_ascii_lowercase()))
                .collect(),
        });
        inner.denial = None;
        self.set_active(true);
        Ok(())
    }

    /// Switches the guard off, returning the first denial since it was switched on.
    /// A denial found only now — a scoped table read directly that the statement did not
    /// write — means the statement ran but its result and effects must be discarded; the
    /// caller rolls it back.
    pub(super) fn leave(&self) -> Option<String> {
        let mut inner = self.lock();
        self.set_active(false);
        let stray = inner.rules.take().and_then(|rules| rules.stray_read());
        inner.denial.take().or(stray)
    }

    /// Records a refusal the authorizer did not see (a control function called by a guest).
    pub(super) fn record_denial(&self, what: String) {
        let mut inner = self.lock();
        inner.denial.get_or_insert(what);
    }

    /// The active organisation while the guard is on.
    pub(super) fn org(&self) -> Option<String> {
        self.lock().rules.as_ref().and_then(|r| r.org.clone())
    }

    /// The active organisation as the organisation column stores it: a UUID as its 16
    /// bytes (how sqlx binds `Uuid` on SQLite), anything else as text.
    pub(super) fn org_value(&self) -> Option<OrgValue> {
        let org = self.org()?;
        Some(match uuid::Uuid::parse_str(&org) {
            Ok(uuid) => OrgValue::Blob(uuid.as_bytes().to_vec()),
            Err(_) => OrgValue::Text(org),
        })
    }

    /// The progress handler: true when the running statement must be interrupted.
    pub(super) fn past_deadline(&self) -> bool {
        if !self.is_active() {
            return false;
        }
        self.lock()
            .rules
            .as_ref()
            .is_some_and(|r| Instant::now() >= r.deadline)
    }

    /// The authorizer: true to allow, false to deny (recording the first denial).
    pub(super) fn authorize(&self, request: Request<'_>) -> bool {
        if !self.is_active() {
            return true;
        }
        let mut inner = self.lock();
        let Some(rules) = inner.rules.as_mut() else {
            return true;
        };
        match rules.check(request) {
            Ok(()) => true,
            Err(what) => {
                inner.denial.get_or_insert(what);
                false
            }
        }
    }
}

impl Rules {
    /// What the migrations' triggers keep beside a table the statement may write: the row
    /// counts (written by the `metacore_count__…` triggers only) and the table's search index
    /// (its FTS5 table and the shadow tables the module reads and writes on the triggers'
    /// behalf). A guest cannot name them (the parser's catalog does not list them) nor create
    /// triggers, so these are only ever the host's own bookkeeping of the guest's write.
    fn kept_beside_a_target(&self, table: &str, context: Option<&str>) -> bool {
        let count_trigger = context.is_some_and(|c| {
            c.get(..COUNT_TRIGGER_PREFIX.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(COUNT_TRIGGER_PREFIX))
        });
        if table == ROW_COUNTS_TABLE {
            return count_trigger;
        }
        self.write.iter().any(|writable| {
            let search = search_table(writable);
            table == search
                || table
                    .strip_prefix(search.as_str())
                    .is_some_and(|rest| rest.starts_with('_'))
        })
    }

    fn readable(&self, table: &str) -> bool {
        !is_system_table(table) && (self.read.contains(table) || self.write.contains(table))
    }

    fn check(&mut self, request: Request<'_>) -> Result<(), String> {
        let table = request.arg1.unwrap_or_default().to_ascii_lowercase();
        let in_main = request
            .database
            .is_some_and(|d| d.eq_ignore_ascii_case("main"));
        // The host's organisation triggers (TEMP, see `enforce_org`) read the OLD/NEW row
        // of the table being written, which the statement was already allowed to write.
        let org_trigger = request
            .context
            .is_some_and(|c| c.to_ascii_lowercase().starts_with(ORG_TRIGGER_PREFIX));
        // The host's organisation views (see `install_views`) call the org function; a guest
        // cannot create views.
        let org_view = request
            .context
            .is_some_and(|c| c.ends_with(super::ORG_VIEW_SUFFIX));
        let data_access = matches!(
            request.action,
            SQLITE_READ | SQLITE_INSERT | SQLITE_UPDATE | SQLITE_DELETE
        );
        if data_access && !self.read_only && self.kept_beside_a_target(&table, request.context) {
            return Ok(());
        }
        // FTS5 reads `PRAGMA data_version` (a change counter, no data) before it touches a
        // search table the triggers write; reading it discloses nothing and changes nothing.
        let reads_data_version =
            request.action == SQLITE_PRAGMA && table == "data_version" && request.arg2.is_none();
        if reads_data_version && !self.read_only {
            return Ok(());
        }
        match request.action {
            SQLITE_SELECT | SQLITE_RECURSIVE => Ok(()),
            SQLITE_READ if self.scoped.contains(&table) => {
                let via_view = request
                    .context
                    .is_some_and(|c| c.eq_ignore_ascii_case(&super::org_view(&table)));
                if via_view {
                    return Ok(());
                }
                // A write's predicate, SET values and RETURNING read its target directly;
                // which table is the target is known only once the statement is prepared.
                if !self.read_only && self.write.contains(&table) {
                    // Foreign-key checks of a write read the key columns of the related
                    // table; keys carry no organisation data and are allowed as they are.
                    let column = request.arg2.unwrap_or_default().to_ascii_lowercase();
                    if !self.key_columns.contains(&(table.clone(), column)) {
                        self.direct_reads.insert(table);
                    }
                    Ok(())
                } else {
                    Err(format!(
                        "reading table {table} other than through its organisation view"
                    ))
                }
            }
            SQLITE_READ => {
                // A table referenced without reading any column (`SELECT count(*) FROM t`)
                // comes as column "" with the schema as written (none when unqualified).
                // A CTE comes the same way; it is told apart by not being a known name.
                let column_less = request.arg2 == Some("");
                let unqualified = request.database.is_none();
                if self.readable(&table) && (in_main || (column_less && unqualified)) {
                    return Ok(());
                }
                if org_trigger && self.write.contains(&table) && !self.read_only {
                    return Ok(());
                }
                let cte = column_less
                    && unqualified
                    && !self.known.contains(&table)
                    && !is_system_table(&table);
                if cte {
                    return Ok(());
                }
                Err(format!("reading table {table}"))
            }
            SQLITE_INSERT | SQLITE_UPDATE | SQLITE_DELETE => {
                let verb = match request.action {
                    SQLITE_INSERT => "inserting into",
                    SQLITE_UPDATE => "updating",
                    _ => "deleting from",
                };
                if self.read_only {
                    return Err(format!("{verb} table {table} in a read-only statement"));
                }
                if in_main && !is_system_table(&table) && self.write.contains(&table) {
                    self.targets.insert(table);
                    return Ok(());
                }
                Err(format!("{verb} table {table}"))
            }
            SQLITE_FUNCTION => {
                let name = request.arg2.unwrap_or_default().to_ascii_lowercase();
                if functions::is_allowed(&name)
                    || name == LEAVE_FUNCTION
                    || (name == ORG_FUNCTION && (org_trigger || org_view))
                {
                    Ok(())
                } else {
                    Err(format!("calling function {name}"))
                }
            }
            other => Err(describe_action(other, request)),
        }
    }
}

/// What a refused action other than a read, write or function call was.
fn describe_action(action: i32, request: Request<'_>) -> String {
    let arg1 = request.arg1.unwrap_or_default();
    match action {
        SQLITE_PRAGMA => format!("PRAGMA {arg1}"),
        SQLITE_ATTACH => "ATTACH".to_string(),
        SQLITE_DETACH => "DETACH".to_string(),
        SQLITE_TRANSACTION => format!("transaction control ({arg1})"),
        SQLITE_SAVEPOINT => format!("savepoint control ({arg1})"),
        SQLITE_ANALYZE => "ANALYZE".to_string(),
        SQLITE_REINDEX => "REINDEX".to_string(),
        SQLITE_ALTER_TABLE => format!("ALTER TABLE {}", request.arg2.unwrap_or_default()),
        SQLITE_CREATE_TABLE
        | SQLITE_CREATE_TEMP_TABLE
        | SQLITE_CREATE_INDEX
        | SQLITE_CREATE_VIEW
        | SQLITE_CREATE_TEMP_VIEW
        | SQLITE_CREATE_TRIGGER
        | SQLITE_CREATE_TEMP_TRIGGER
        | SQLITE_CREATE_VTABLE => format!("creating {arg1}"),
        SQLITE_DROP_TABLE | SQLITE_DROP_INDEX | SQLITE_DROP_VIEW | SQLITE_DROP_TRIGGER
        | SQLITE_DROP_VTABLE => format!("dropping {arg1}"),
        other => format!("a schema or connection operation (authorizer action {other})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(read: &[&str], write: &[&str], read_only: bool) -> State {
        let state = State::default();
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        state
            .enter(Spec {
                read: owned(read),
                write: owned(write),
                read_only,
                timeout_ms: 60_000,
                known: owned(&["items", "secret"]),
                org: Some("org-1".to_string()),
                scoped: Vec::new(),
                key_columns: vec![],
            })
            .ok();
        state
    }

    fn request<'a>(
        action: i32,
        arg1: Option<&'a str>,
        arg2: Option<&'a str>,
        database: Option<&'a str>,
    ) -> Request<'a> {
        Request {
            action,
            arg1,
            arg2,
            database,
            context: None,
        }
    }

    #[test]
    fn off_allows_everything() {
        let state = State::default();
        assert!(state.authorize(request(SQLITE_PRAGMA, Some("x"), None, None)));
        assert!(!state.past_deadline());
    }

    #[test]
    fn reads_follow_the_read_list() {
        let s = state(&["items"], &[], true);
        assert!(s.authorize(request(
            SQLITE_READ,
            Some("Items"),
            Some("id"),
            Some("main")
        )));
        assert!(!s.authorize(request(
            SQLITE_READ,
            Some("items"),
            Some("id"),
            Some("temp")
        )));
        assert!(s.authorize(request(SQLITE_READ, Some("items"), Some(""), None)));
        assert!(!s.authorize(request(SQLITE_READ, Some("secret"), Some(""), None)));
        assert!(s.authorize(request(SQLITE_READ, Some("my_cte"), Some(""), None)));
        assert!(!s.authorize(request(SQLITE_READ, Some("json_each"), Some(""), None)));
        assert!(!s.authorize(request(SQLITE_READ, Some("dbstat"), Some(""), None)));
        assert!(!s.authorize(request(SQLITE_READ, Some("pragma_x"), Some(""), None)));
        assert_eq!(s.leave().as_deref(), Some("reading table items"));
    }

    #[test]
    fn writes_follow_the_write_list_and_read_only() {
        let s = state(&["items"], &["items"], false);
        assert!(s.authorize(request(SQLITE_INSERT, Some("items"), None, Some("main"))));
        assert!(!s.authorize(request(SQLITE_DELETE, Some("secret"), None, Some("main"))));
        let s = state(&["items"], &["items"], true);
        assert!(!s.authorize(request(
            SQLITE_UPDATE,
            Some("items"),
            Some("a"),
            Some("main")
        )));
    }

    #[test]
    fn functions_and_other_actions() {
        let s = state(&["items"], &[], true);
        let call = |name| request(SQLITE_FUNCTION, None, Some(name), None);
        assert!(s.authorize(call("COUNT")));
        assert!(s.authorize(call(LEAVE_FUNCTION)));
        assert!(!s.authorize(call(ENTER_FUNCTION)));
        assert!(!s.authorize(call(ORG_FUNCTION)));
        assert!(!s.authorize(call("load_extension")));
        let from_trigger = Request {
            context: Some("metacore_org_items_insert"),
            ..call(ORG_FUNCTION)
        };
        assert!(s.authorize(from_trigger));
        assert!(!s.authorize(request(SQLITE_ATTACH, Some("x"), None, None)));
        assert!(!s.authorize(request(SQLITE_TRANSACTION, Some("BEGIN"), None, None)));
        assert_eq!(s.org_value(), Some(OrgValue::Text("org-1".to_string())));
    }

    #[test]
    fn scoped_tables_are_read_through_their_view_or_as_the_write_target() {
        let s = State::default();
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        s.enter(Spec {
            read: owned(&["items", "items$org", "other"]),
            write: owned(&["items", "other"]),
            read_only: false,
            timeout_ms: 60_000,
            known: owned(&["items", "items$org", "other"]),
            org: Some("org-1".to_string()),
            scoped: owned(&["items", "other"]),
            key_columns: vec![],
        })
        .ok();
        let read = |table, context| Request {
            action: SQLITE_READ,
            arg1: Some(table),
            arg2: Some("name"),
            database: Some("main"),
            context,
        };
        assert!(s.authorize(read("items", Some("items$org"))));
        assert!(
            s.authorize(read("items", None)),
            "provisionally: the target's columns"
        );
        assert!(s.authorize(request(
            SQLITE_UPDATE,
            Some("items"),
            Some("name"),
            Some("main")
        )));
        assert!(!s.authorize(read("unlisted", None)));
        let org = Request {
            action: SQLITE_FUNCTION,
            arg1: None,
            arg2: Some(ORG_FUNCTION),
            database: None,
            context: Some("items$org"),
        };
        assert!(
            s.authorize(org),
            "the organisation view calls the org function"
        );
        assert_eq!(s.leave().as_deref(), Some("reading table unlisted"));
        // A direct read of a scoped table the statement does not write is judged at leave.
        s.enter(Spec {
            read: owned(&["items", "other"]),
            write: owned(&["items", "other"]),
            read_only: false,
            timeout_ms: 60_000,
            known: owned(&["items", "other"]),
            org: None,
            scoped: owned(&["items", "other"]),
            key_columns: vec![],
        })
        .ok();
        assert!(s.authorize(read("other", None)));
        assert!(s.authorize(request(
            SQLITE_UPDATE,
            Some("items"),
            Some("name"),
            Some("main")
        )));
        assert!(s.authorize(read("items", None)));
        assert_eq!(
            s.leave().as_deref(),
            Some("reading table other other than through its organisation view")
        );
        let only_view = State::default();
        only_view
            .enter(Spec {
                read: owned(&["items", "items$org"]),
                write: vec![],
                read_only: true,
                timeout_ms: 60_000,
                known: owned(&["items", "items$org"]),
                org: None,
                scoped: owned(&["items"]),
                key_columns: vec![],
            })
            .ok();
        assert!(
            !only_view.authorize(read("items", None)),
            "reads: the view only"
        );
        assert!(only_view.authorize(read("items", Some("items$org"))));
    }

    #[test]
    fn deadline_passes_only_while_on() {
        let s = State::default();
        s.enter(Spec {
            read: vec![],
            write: vec![],
            read_only: true,
            timeout_ms: 0,
            known: vec![],
            org: None,
            scoped: vec![],
            key_columns: vec![],
        })
        .ok();
        assert!(s.past_deadline());
        assert!(s
            .enter(Spec {
                read: vec![],
                write: vec![],
                read_only: true,
                timeout_ms: 0,
                known: vec![],
                org: None,
                scoped: vec![],
                key_columns: vec![],
            })
            .is_err());
        s.leave();
        assert!(!s.past_deadline());
    }
}
