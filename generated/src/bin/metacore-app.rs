//! `metacore-app`: serve, migrate, mint a development token or print the OpenAPI document
//! for the addons of this build (`metacore-app --help`). The compiler's front end goes
//! with it so the server can install signed bundles of model-less addons.

/// The runtime's allocator (mimalloc): a server's many small allocations, freed on
/// other threads than the ones that made them, do not queue on one lock.
#[global_allocator]
static ALLOCATOR: metacore_runtime::Allocator = metacore_runtime::Allocator;

fn main() -> std::process::ExitCode {
    let compiler = std::sync::Arc::new(metacore_gen::dynamic::Compiler);
    metacore_runtime::cli::main_with(metacore_generated::app(), Some(compiler))
}
