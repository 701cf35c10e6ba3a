//! The WebAssembly sandbox: one wasmtime engine, addon modules loaded into it, limited calls.
//!
//! * [`Sandbox`] owns the engine (pooling allocator, epoch interruption, stack limit), the
//!   ticker thread that advances the epoch every [`SandboxConfig::epoch_tick`], and the
//!   linker holding the `metacore_host` imports ([`host`]). Create one per process.
//! * [`Sandbox::load`] checks a backend module against the addon's descriptor with
//!   [`metacore_core::wasm::check_module`] — the same checks the compiler runs: `memory`
//!   and `alloc` exported, every declared handler exported with one of the two handler
//!   signatures, every import in the `metacore_host` allow-list — and refuses it with the
//!   diagnostics, which name the function or import. It then compiles and pre-links the
//!   module into an [`AddonModule`].
//! * [`AddonModule::call`] (`module`) runs one handler under the addon's limits, on the
//!   sandbox's dedicated, bounded pool of worker threads (`pool`), never on the caller's
//!   async workers: a looping guest costs a pool thread until its deadline, not the API.

mod abi;
pub mod host;
mod module;
mod pool;
mod state;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use metacore_core::registry::AddonDescriptor;
use metacore_core::wasm::{self, DeclaredHandler, HandlerAbi, WASI_MODULE};
use metacore_core::Severity;
use sha2::{Digest, Sha256};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, Linker, Module, PoolingAllocationConfig,
};

use crate::policy::{CapabilityMode, CapabilityPolicy};

pub use module::{AddonModule, CallFailure, Completed, Effects};
pub use pool::PoolError;
use state::HostState;
pub use state::{HostServices, SqlChecks};

/// Hard bound on an addon's linear memory (§2.1).
pub const MAX_MEMORY_BYTES: u64 = 512 * 1024 * 1024;

/// Hard bound on an addon's per-call deadline (§2.1).
pub const MAX_TIMEOUT: Duration = Duration::from_secs(60);

/// Engine-wide settings.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Enforcement mode of every addon loaded (the operator may pick `shadow`).
    pub capability_mode: CapabilityMode,
    /// Instances that may exist at once (pool slots for instances, memories, tables, stacks).
    pub max_instances: u32,
    /// Size of one memory slot of the pool: no addon memory limit can exceed it.
    pub max_memory_bytes: u64,
    /// WebAssembly stack limit (§2.1: 512 KiB).
    pub max_wasm_stack: usize,
    /// Epoch ticker period; deadlines are checked, and running guests yield their pool
    /// worker, once per tick (§2.1: 10 ms).
    pub epoch_tick: Duration,
    /// The operator's bound on every addon's per-call deadline (at most [`MAX_TIMEOUT`]).
    pub max_timeout: Duration,
    /// Worker threads of the pool guest code runs on (`METACORE_WASM_THREADS`; default: the
    /// available cores).
    pub pool_threads: usize,
    /// Invocations the pool admits at once, running or waiting for a worker
    /// (`METACORE_WASM_MAX_IN_FLIGHT`; default: 8 per pool thread); one more is refused
    /// with [`CallFailure::Busy`] (HTTP 503 `sandbox_busy` with `Retry-After`).
    pub max_in_flight: usize,
}

/// Environment variable overriding [`SandboxConfig::pool_threads`].
pub const THREADS_ENV: &str = "METACORE_WASM_THREADS";

/// Environment variable overriding [`SandboxConfig::max_in_flight`].
pub const MAX_IN_FLIGHT_ENV: &str = "METACORE_WASM_MAX_IN_FLIGHT";

/// Environment variable lowering [`SandboxConfig::max_timeout`], in milliseconds (at most
/// [`MAX_TIMEOUT`]).
pub const MAX_TIMEOUT_ENV: &str = "METACORE_WASM_MAX_TIMEOUT_MS";

/// Default [`SandboxConfig::max_in_flight`] per pool thread.
const IN_FLIGHT_PER_THREAD: usize = 8;

impl Default for SandboxConfig {
    fn default() -> Self {
        let pool_threads = std::thread::available_parallelism().map_or(1, usize::from);
        SandboxConfig {
            capability_mode: CapabilityMode::Enforce,
            max_instances: 256,
            max_memory_bytes: MAX_MEMORY_BYTES,
            max_wasm_stack: 512 * 1024,
            epoch_tick: Duration::from_millis(10),
            max_timeout: MAX_TIMEOUT,
            pool_threads,
            max_in_flight: pool_threads * IN_FLIGHT_PER_THREAD,
        }
    }
}

impl SandboxConfig {
    /// The defaults, with the pool sized by [`THREADS_ENV`] and [`MAX_IN_FLIGHT_ENV`] when
    /// set (positive integers; without the second, 8 per thread) and every deadline bounded by
    /// [`MAX_TIMEOUT_ENV`] (milliseconds, at most [`MAX_TIMEOUT`]). Fails on any other value.
    pub fn from_env() -> Result<SandboxConfig, String> {
        SandboxConfig::from_lookup(|name| std::env::var(name).ok())
    }

    /// As [`SandboxConfig::from_env`], reading the variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<SandboxConfig, String> {
        let positive = |name: &str| -> Result<Option<usize>, String> {
            match lookup(name) {
                Some(value) if !value.trim().is_empty() => match value.trim().parse::<usize>() {
                    Ok(n) if n > 0 => Ok(Some(n)),
                    _ => Err(format!("{name} must be a positive integer, not `{value}`")),
                },
                _ => Ok(None),
            }
        };
        let mut config = SandboxConfig::default();
        if let Some(threads) = positive(THREADS_ENV)? {
            config.pool_threads = threads;
            config.max_in_flight = threads * IN_FLIGHT_PER_THREAD;
        }
        if let Some(max_in_flight) = positive(MAX_IN_FLIGHT_ENV)? {
            config.max_in_flight = max_in_flight;
        }
        if let Some(ms) = positive(MAX_TIMEOUT_ENV)? {
            let bound = Duration::from_millis(u64::try_from(ms).unwrap_or(u64::MAX));
            if bound > MAX_TIMEOUT {
                return Err(format!(
                    "{MAX_TIMEOUT_ENV} must be at most {} (ms), not `{ms}`",
                    MAX_TIMEOUT.as_millis()
                ));
            }
            config.max_timeout = bound;
        }
        Ok(config)
    }
}

/// Why a module was not loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The module file could not be read.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        reason: String,
    },
    /// The module does not fit the host ABI or the manifest; one line per finding, each
    /// naming the function or import at fault.
    #[error("backend module refused: {}", .findings.join("; "))]
    Refused {
        /// The findings.
        findings: Vec<String>,
    },
    /// wasmtime could not compile or link the module.
    #[error("backend module could not be compiled: {0}")]
    Compile(String),
}

/// The process-wide sandbox engine and the pool its calls run on.
pub struct Sandbox {
    engine: Engine,
    linker: Linker<HostState>,
    config: SandboxConfig,
    pool: pool::Pool,
    /// Compiled modules by the SHA-256 of their bytes: a bundle installed again, restored at
    /// start-up or installed by another organisation is not compiled twice.
    compiled: std::sync::Mutex<std::collections::HashMap<[u8; 32], Module>>,
}

/// Compiled modules kept at most; past it the cache starts afresh.
const COMPILED_CACHE: usize = 64;

impl Sandbox {
    /// An engine with `config`, its epoch ticker and worker pool started.
    pub fn new(config: SandboxConfig) -> Result<Arc<Sandbox>, String> {
        let mut pool = PoolingAllocationConfig::default();
        let slots = config.max_instances.max(1);
        pool.total_core_instances(slots)
            .total_memories(slots)
            .total_tables(slots)
            .total_stacks(slots)
            .max_memories_per_module(1)
            .max_tables_per_module(1)
            .table_elements(state::MAX_TABLE_ELEMENTS)
            .max_memory_size(config.max_memory_bytes as usize);
        let mut engine_config = Config::new();
        engine_config
            .epoch_interruption(true)
            .max_wasm_stack(config.max_wasm_stack)
            .wasm_backtrace_max_frames(None)
            .memory_reservation(config.max_memory_bytes)
            .memory_init_cow(true)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let engine = Engine::new(&engine_config).map_err(|e| e.to_string())?;
        let mut linker = Linker::new(&engine);
        host::define(&mut linker).map_err(|e| e.to_string())?;
        start_ticker(&engine, config.epoch_tick)
            .map_err(|e| format!("cannot start the epoch ticker: {e}"))?;
        let pool = pool::Pool::new(config.pool_threads, config.max_in_flight)
            .map_err(|e| format!("cannot start the WebAssembly worker pool: {e}"))?;
        Ok(Arc::new(Sandbox {
            engine,
            linker,
            config,
            pool,
            compiled: std::sync::Mutex::new(std::collections::HashMap::new()),
        }))
    }

    /// `bytes` compiled, from the cache when the same bytes were compiled before.
    fn compile(&self, bytes: &[u8]) -> Result<Module, LoadError> {
        let digest: [u8; 32] = Sha256::digest(bytes).into();
        let cached = self
            .compiled
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&digest)
            .cloned();
        if let Some(module) = cached {
            return Ok(module);
        }
        let module =
            Module::new(&self.engine, bytes).map_err(|e| LoadError::Compile(e.to_string()))?;
        let mut compiled = self
            .compiled
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if compiled.len() >= COMPILED_CACHE {
            compiled.clear();
        }
        compiled.insert(digest, module.clone());
        Ok(module)
    }

    /// How many compiled modules the cache holds.
    pub fn compiled_modules(&self) -> usize {
        self.compiled
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .len()
    }

    /// Invocations admitted to the pool and not finished yet.
    pub fn in_flight(&self) -> usize {
        self.pool.in_flight()
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The configuration in use.
    pub fn config(&self) -> &SandboxConfig {
        &self.config
    }

    /// Loads the backend module compiled into the build (`addon.backend.module`), after
    /// checking it against the SHA-256 recorded at build time.
    pub fn load_embedded(
        self: &Arc<Self>,
        addon: &'static AddonDescriptor,
    ) -> Result<AddonModule, LoadError> {
        let bytes = addon.backend.module.ok_or_else(|| LoadError::Read {
            path: addon.backend.entry.to_string(),
            reason: "the build carries no backend module for this addon".into(),
        })?;
        if let Some(expected) = addon.backend.module_sha256 {
            let actual = hex::encode(Sha256::digest(bytes));
            if actual != expected {
                return Err(LoadError::Refused {
                    findings: vec![format!(
                        "{} has SHA-256 {actual}, but the build recorded {expected}",
                        addon.backend.entry
                    )],
                });
            }
        }
        self.load(addon, bytes)
    }

    /// Loads a backend module from a file, for modules kept outside the build.
    pub fn load_file(
        self: &Arc<Self>,
        addon: &'static AddonDescriptor,
        path: &Path,
    ) -> Result<AddonModule, LoadError> {
        let bytes = std::fs::read(path).map_err(|e| LoadError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        self.load(addon, &bytes)
    }

    /// Checks and compiles `bytes` as the backend of `addon`.
    pub fn load(
        self: &Arc<Self>,
        addon: &'static AddonDescriptor,
        bytes: &[u8],
    ) -> Result<AddonModule, LoadError> {
        let memory_limit = memory_limit(addon, &self.config);
        let declared: Vec<DeclaredHandler> = addon
            .backend
            .wasm_handlers
            .iter()
            .map(|h| DeclaredHandler {
                function: h.function.to_string(),
                pointer: h.pointer.to_string(),
            })
            .collect();
        let (facts, diagnostics) =
            wasm::check_module(bytes, addon.backend.entry, &declared, memory_limit);
        let mut findings: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| match &d.help {
                Some(help) => format!("{} ({help})", d.message),
                None => d.message.clone(),
            })
            .collect();
        let facts = match facts {
            Some(facts) if findings.is_empty() => facts,
            _ => return Err(LoadError::Refused { findings }),
        };
        findings.extend(
            facts
                .imports
                .iter()
                .filter(|i| i.module == WASI_MODULE)
                .map(|i| {
                    format!(
                        "import `{WASI_MODULE}.{}` is not provided: this runtime has no WASI yet",
                        i.name
                    )
                }),
        );
        if !findings.is_empty() {
            return Err(LoadError::Refused { findings });
        }
        let module = self.compile(bytes)?;
        let pre = self
            .linker
            .instantiate_pre(&module)
            .map_err(|e| LoadError::Compile(e.to_string()))?;
        let handlers = facts
            .exported_functions
            .iter()
            .filter_map(|(name, sig)| HandlerAbi::of(sig).map(|abi| (name.clone(), abi)))
            .collect();
        let policy = CapabilityPolicy::from_addon(addon, self.config.capability_mode);
        let timeout = Duration::from_millis(addon.backend.timeout_ms)
            .min(self.config.max_timeout)
            .min(MAX_TIMEOUT);
        Ok(AddonModule::new(module::ModuleParts {
            sandbox: self.clone(),
            pre,
            handlers,
            exports_free: facts.exported_functions.contains_key("free"),
            exports_initialize: facts.exported_functions.contains_key("_initialize"),
            policy: Arc::new(policy),
            memory_limit,
            timeout,
            addon,
        }))
    }
}

/// The addon's memory limit: its manifest value, bounded by the pool slot size.
fn memory_limit(addon: &AddonDescriptor, config: &SandboxConfig) -> u64 {
    (u64::from(addon.backend.memory_limit_mb) * 1024 * 1024).min(config.max_memory_bytes)
}

/// Advances the engine's epoch every `tick` until the engine is dropped.
fn start_ticker(engine: &Engine, tick: Duration) -> std::io::Result<()> {
    let weak = engine.weak();
    std::thread::Builder::new()
        .name("metacore-epoch".into())
        .spawn(move || {
            while let Some(engine) = weak.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(tick);
            }
        })
        .map(drop)
}
