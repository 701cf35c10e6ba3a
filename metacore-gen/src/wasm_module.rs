//! The backend module checks, as compiler diagnostics. The ABI and the checks themselves are
//! the contract's ([`metacore_core::wasm`]), so the runtime runs the very same ones when it
//! loads a module.

pub use metacore_core::wasm::{
    allowed_host_import, inspect, snake_case, suggest_export, DeclaredHandler, HandlerAbi,
    ImportFacts, ImportKind, ModuleFacts, Signature, ValType, DEFAULT_MEMORY_LIMIT_BYTES,
    HOST_MODULE, MAX_MODULE_BYTES, WASI_MODULE,
};

use crate::diagnostics::Diagnostic;

/// Runs every check on a backend module ([`metacore_core::wasm::check_module`]), its
/// findings as diagnostics located in the manifest.
pub fn check_module(
    bytes: &[u8],
    module_label: &str,
    handlers: &[DeclaredHandler],
    memory_limit_bytes: u64,
) -> (Option<ModuleFacts>, Vec<Diagnostic>) {
    let (facts, findings) =
        metacore_core::wasm::check_module(bytes, module_label, handlers, memory_limit_bytes);
    (facts, findings.into_iter().map(Diagnostic::from).collect())
}
