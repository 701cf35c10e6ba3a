//! `metacore-demo`: serve, migrate, mint a development token or print the OpenAPI document
//! of the demo application (`metacore-demo --help`).

fn main() -> std::process::ExitCode {
    metacore::cli::main(metacore_demo::app())
}
