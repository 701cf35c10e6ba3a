//! `metacore-demo`: serve, migrate, mint a development token or print the OpenAPI document
//! of the demo application (`metacore-demo --help`). The compiler's front end goes with it so
//! the server can install signed bundles of model-less addons.

/// The runtime's allocator (mimalloc), as generated applications declare it.
#[global_allocator]
static ALLOCATOR: metacore::Allocator = metacore::Allocator;

fn main() -> std::process::ExitCode {
    let compiler = std::sync::Arc::new(metacore_gen::dynamic::Compiler);
    metacore::cli::main_with(metacore_demo::app(), Some(compiler))
}
