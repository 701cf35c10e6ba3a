//! What a wasmtime `Store` carries for one invocation (`runtime.md` §4.4).
//!
//! [`HostState`] holds the store limits and the invocation's identity, policy, settings,
//! per-import budgets, deadline, lazily opened database transaction and the events emitted
//! so far. Host imports read identity only from here, never from guest arguments.
//! [`HostServices`] are the services the imports use (database, event bus, outbound HTTP
//! client, metrics), shared by every invocation of one dispatcher.

use std::sync::Arc;
use std::time::Instant;

use metacore_core::registry::AddonDescriptor;
use sea_orm::{DatabaseConnection, DatabaseTransaction};
use wasmtime::{StoreLimits, StoreLimitsBuilder};

use crate::events::{Event, EventBus};
use crate::invocation::CallerContext;
use crate::metrics::Metrics;
use crate::outbound::OutboundClient;
use crate::policy::CapabilityPolicy;
use crate::sql::KnownTable;

/// How long an invocation may keep running once it holds SQLite's write lock.
pub const SQLITE_WRITE_HOLD: std::time::Duration = std::time::Duration::from_secs(1);

/// Table elements per instance (§2.1).
pub(crate) const MAX_TABLE_ELEMENTS: usize = 10_000;

/// Services of the host imports, shared by every invocation of one dispatcher.
#[derive(Debug, Clone)]
pub struct HostServices {
    /// The database `db_*` and `kv_*` run on; `None` makes them answer `db_unavailable`.
    pub database: Option<DatabaseConnection>,
    /// Where `event_emit` publishes (after the invocation succeeded).
    pub events: EventBus,
    /// The guarded client of `http_fetch` and webhook handlers (built with [`Self::metrics`],
    /// where it counts egress refusals).
    pub outbound: OutboundClient,
    /// Where invocations, host calls, capability violations and committed events are
    /// counted (`runtime.md` §13): the server's [`Metrics`].
    pub metrics: Metrics,
    /// Tables outside the addon's own schema that `db:*` capabilities may reach (host tables,
    /// other addons' tables), with their tenancy; anything not listed is unknown.
    pub shared_tables: Vec<KnownTable>,
    /// Whether addon SQL goes through the parser and rewriter before the database guard.
    /// [`SqlChecks::DatabaseOnly`] exists for the test suite proving that the database
    /// guard holds by itself; never use it in production.
    pub sql_checks: SqlChecks,
}

/// Which layers confine addon SQL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SqlChecks {
    /// The parser (good errors, tenancy rewriting) and the database guard.
    #[default]
    ParserAndDatabase,
    /// Test only: the statement goes to the database guard exactly as written.
    DatabaseOnly,
}

/// Calls left per import family for one invocation (§1.5 budgets).
#[derive(Debug, Clone)]
pub(crate) struct Budgets {
    pub log: u32,
    pub env_get: u32,
    pub http_fetch: u32,
    pub event_emit: u32,
    pub db_query: u32,
    pub db_exec: u32,
    pub kv: u32,
}

impl Default for Budgets {
    fn default() -> Self {
        Budgets {
            log: 1_000,
            env_get: 1_000,
            http_fetch: 16,
            event_emit: 64,
            db_query: 256,
            db_exec: 64,
            kv: 1_000,
        }
    }
}

/// Takes one call from a budget; false when it is spent.
pub(crate) fn take(budget: &mut u32) -> bool {
    match budget.checked_sub(1) {
        Some(left) => {
            *budget = left;
            true
        }
        None => false,
    }
}

/// The data of one invocation's store.
pub struct HostState {
    pub(crate) limits: StoreLimits,
    pub(crate) addon: &'static AddonDescriptor,
    pub(crate) caller: CallerContext,
    pub(crate) policy: Arc<CapabilityPolicy>,
    pub(crate) services: Arc<HostServices>,
    pub(crate) deadline: Instant,
    pub(crate) budgets: Budgets,
    pub(crate) log_overflow_reported: bool,
    pub(crate) transaction: Option<Arc<DatabaseTransaction>>,
    /// The outer transaction the invocation's own one is a savepoint of, if any.
    pub(crate) parent: Option<Arc<DatabaseTransaction>>,
    pub(crate) emitted: Vec<Event>,
}

impl HostState {
    /// Fresh state for one invocation with a memory cap of `memory_limit` bytes.
    pub(crate) fn new(
        addon: &'static AddonDescriptor,
        caller: CallerContext,
        policy: Arc<CapabilityPolicy>,
        services: Arc<HostServices>,
        memory_limit: u64,
        deadline: Instant,
    ) -> HostState {
        let limits = StoreLimitsBuilder::new()
            .memory_size(usize::try_from(memory_limit).unwrap_or(usize::MAX))
            .table_elements(MAX_TABLE_ELEMENTS)
            .instances(1)
            .memories(1)
            .tables(1)
            .trap_on_grow_failure(false)
            .build();
        HostState {
            limits,
            addon,
            caller,
            policy,
            services,
            deadline,
            budgets: Budgets::default(),
            log_overflow_reported: false,
            transaction: None,
            parent: None,
            emitted: Vec::new(),
        }
    }

    /// The state of an invocation whose transaction is a savepoint of `parent`.
    pub(crate) fn within(mut self, parent: Option<Arc<DatabaseTransaction>>) -> HostState {
        self.parent = parent;
        self
    }

    /// After a write on SQLite, where the invocation's transaction now holds the database's
    /// one write lock until it ends: the guest gets at most [`SQLITE_WRITE_HOLD`] more, so
    /// no invocation blocks every organisation's writes for its whole deadline.
    pub(crate) fn wrote_on_sqlite(&mut self) {
        self.deadline = self.deadline.min(Instant::now() + SQLITE_WRITE_HOLD);
    }

    /// Time left before the invocation's deadline.
    pub(crate) fn remaining(&self) -> std::time::Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// The organisation, as text.
    pub(crate) fn org(&self) -> String {
        self.caller.org_id().to_string()
    }
}
