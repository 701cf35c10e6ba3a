//! metacore-runtime: what generated metacore applications call into.
//!
//! This crate hosts addon backends (`spec/runtime.md`). The pieces, one module each:
//!
//! * [`sandbox`] — loads a backend WebAssembly module with wasmtime, checks it against the
//!   host ABI at load, and runs one handler call under per-call limits; its `host` submodule
//!   implements the `metacore_host` imports.
//! * [`policy`] — the per-addon capability policy compiled from the IR, enforce or shadow mode.
//! * [`egress`] — the SSRF guard every outbound connection goes through; [`outbound`] is the
//!   guarded HTTP client built on it; [`signing`] is the addon-bound HMAC scheme of webhooks.
//! * [`sql`] — `db_query` / `db_exec`: parsing, table confinement, tenancy rewriting, binding
//!   and row encoding; [`kv`] — the key-value store namespaced by addon and organisation.
//! * [`installations`] — each addon's installation per organisation and its install secret
//!   (sealed at rest), which webhook calls are signed with.
//! * [`events`] — the in-process event bus; [`event_log`] — the durable, per-organisation
//!   numbered log every event is written to in its change's transaction.
//! * [`hub`] — the WebSocket hub: connections, channels, non-blocking sends.
//! * [`metrics`] — the Prometheus metrics `GET /metrics` exposes (`runtime.md` §13).
//! * [`invocation`] — who is calling (identity injected by the host) and the request document.
//! * [`response`] — normalising a handler's answer (§1.4).
//! * [`dispatch`] — the [`Dispatcher`] that runs an action's or tool's declared handler.
//! * [`registry`] — the static description of the addons a build compiled (what generated
//!   code hands the runtime).
//! * [`types`] — column value types with the same exact behaviour on PostgreSQL and SQLite.
//! * [`api`] — the HTTP API generated handlers delegate to; [`cli`] — the `metacore-app`
//!   command line.
//! * [`db`] — opening the application database (pool, WAL, the SQL guard);
//!   [`schema_lock`] — one process at a time migrates it; [`coherence`] — caches kept
//!   coherent across processes on one PostgreSQL.
//! * [`webhooks`] — organisation-configured outbound webhooks: the durable, signed delivery
//!   queue and its workers (§6.2).
//! * [`testing`] — throw-away SQLite and PostgreSQL databases for tests.

pub mod api;
pub mod cli;
pub mod coherence;
pub mod connection;
pub mod consumers;
pub mod db;
pub mod dispatch;
pub mod egress;
pub mod event_log;
pub mod events;
pub mod hub;
pub mod installations;
pub mod invocation;
pub mod kv;
pub mod metrics;
pub mod notifications;
pub mod outbound;
pub mod policy;
pub mod response;
pub mod sandbox;
pub mod schema_lock;
pub mod signing;
pub mod sql;
pub mod testing;
pub mod types;
pub mod webhooks;

pub use metacore_core::{registry, wasm};
/// The allocator `metacore-app` declares as its `#[global_allocator]` (mimalloc).
///
/// A server allocates many small, short-lived values — rows, cells, JSON — on one thread
/// and often frees them on another; glibc's allocator serialised the runtime's worker
/// threads on its arena locks under load (`cargo xtask bench-http` list pages gained about
/// a quarter with this one).
///
/// Built with mimalloc's `override`, it also stands in for C's `malloc` and `free`, so the
/// bundled SQLite allocates from it too. sqlx copies every result value
/// (`sqlite3_value_dup`) on its SQLite worker thread and the runtime frees the copy on
/// another; under glibc that handoff was 12 % of a list page's CPU (`_int_malloc`,
/// `_int_free`), and list, search and deep pages served 8–10 % more requests without it.
pub use mimalloc::MiMalloc as Allocator;
/// serde, for the derives of generated entities (`#[serde(crate = "metacore_runtime::serde")]`).
pub use serde;
/// poem and poem-openapi, for the operations `#[metacore::model]` expands to.
pub use {poem, poem_openapi};
mod webhook;

pub use dispatch::{
    ActionCall, DispatchError, DispatchErrorCode, Dispatcher, DispatcherConfig, ToolCall,
};
pub use events::{Event, EventBus};
pub use invocation::{CallerContext, Installation, Secret};
pub use metrics::Metrics;
pub use policy::CapabilityMode;
pub use response::{AddonError, HandlerOutcome};
pub use sandbox::{AddonModule, HostServices, LoadError, Sandbox, SandboxConfig, SqlChecks};
