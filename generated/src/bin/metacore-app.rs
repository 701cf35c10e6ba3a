//! `metacore-app`: serve, migrate, mint a development token or print the OpenAPI document
//! for the addons of this build (`metacore-app --help`).

fn main() -> std::process::ExitCode {
    metacore_runtime::cli::main(metacore_generated::app())
}
