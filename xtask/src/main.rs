//! Project automation, run as `cargo xtask <command>`.
//!
//! * `cargo xtask codegen [--check]` — rebuilds `generated/` from `manifests/`
//!   (`metacore-gen build manifests/`); with `--check`, changes nothing and exits 1 with a
//!   summary of the differences when `generated/` is stale.
//! * `cargo xtask bench [--iterations N]` — validates the whole shared corpus in one process,
//!   N times, and prints a table of timings beside a baseline measured in the same run
//!   (plain `serde_json` parsing of the same files), with the ratio between them.
//! * `cargo xtask bench-build [--sizes 10,50,100]` — times `build` over the corpus and over a
//!   synthetic 1,000-model manifest, and `cargo build` of generated crates of several sizes.
//! * `cargo xtask bench-http [--quick] [--sizes 10000,100000] ...` — `wrk` against the generated
//!   server `metacore-app`, a hand-written poem + sqlx baseline on the same indexes and, on
//!   PostgreSQL, PostGraphile 4 (npm); SQLite and PostgreSQL, 10,000 and 100,000 rows; get by
//!   id, list, filter + sort, search, page 400, create, update; prints req/s, p50/p99, the
//!   ratios, the growth with the row count, RSS and start-up time.
//!   `bench-http-baseline` is that baseline server, started by the benchmark.
//! * `cargo xtask bench-isolation [--quick] [--duration SECS] ...` — `wrk` against
//!   `metacore-app` (health, get by id) idle and while the WASM pool is saturated with
//!   infinite loops; prints p50/p99, req/s and their ratios (target: p99 < 50 ms loaded).
//! * `cargo xtask bench-webhooks [--quick] [--deliveries N] [--workers 1,16,64] ...` —
//!   outbound webhook deliveries per second from `metacore-app` to a local receiver, at 1,
//!   16 and 64 delivery workers, on SQLite and PostgreSQL.
//! * `cargo xtask conformance [--max-examples N]` — openapi-spec-validator and schemathesis
//!   against the live demo server (`.ci/conformance.sh`), 100 examples per operation.
//! * `cargo xtask browser` — the official React runtime in a Vite host (`browser/`) against the
//!   live demo server, in headless Chromium, plus Swagger UI at `/docs` (`.ci/browser.sh`).

mod bench;
mod bench_build;
mod bench_http;
mod bench_isolation;
mod bench_webhooks;
mod bench_ws;
mod browser;
mod codegen;
mod conformance;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "usage: cargo xtask <command>

  codegen [--check]             rebuild generated/ from manifests/ (--check: fail when stale)
  bench [--iterations N]        time `validate` over the whole corpus, beside a serde_json baseline
  bench-build [--sizes A,B,C]   time `build` (corpus, 1,000 models) and `cargo build` of generated crates
  bench-http [--quick] [--sizes N,M] [--backends ..] [--servers ..] (see bench-http --help)
                                wrk: metacore-app beside a hand-written baseline and PostGraphile
  bench-isolation [--quick] [--duration SECS] [--connections N] [--threads N] [--backends sqlite,postgres]
                                wrk: health and get by id, idle and with the WASM pool running infinite loops
  bench-ws [--clients 1000,5000] [--frames-per-sec N] [--backends ..] (see bench-ws --help)
                                WebSocket fan-out: frames/s delivered and create-to-frame latency
  bench-webhooks [--quick] [--deliveries N] [--workers 1,16,64] [--backends sqlite,postgres] [--app PATH]
                                outbound webhook deliveries/s to a local receiver by worker count
  conformance [--max-examples N]
                                openapi-spec-validator + schemathesis against the live demo server (default 100)
  browser                       the React runtime and Swagger UI in headless Chromium against the live demo server";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("bench-build") => bench_build::run(&args[1..]),
        Some("bench-http") => bench_http::run(&args[1..]),
        Some("bench-http-baseline") => bench_http::run_baseline(&args[1..]),
        Some("bench-isolation") => bench_isolation::run(&args[1..]),
        Some("bench-ws") => bench_ws::run(&args[1..]),
        Some("bench-webhooks") => bench_webhooks::run(&args[1..]),
        Some("conformance") => conformance::run(&args[1..]),
        Some("browser") => browser::run(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The repository root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// Runs `bash <script> <args>` from the repository root: success, failure (1), or 2 when bash
/// cannot be started.
pub fn run_script(script: &str, args: &[String]) -> ExitCode {
    let status = Command::new("bash")
        .arg(script)
        .args(args)
        .current_dir(workspace_root())
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot run bash {script}: {e}");
            ExitCode::from(2)
        }
    }
}

/// A `cargo` command with the environment of a plain shell. `cargo run` gives this process
/// xtask's package variables (`CARGO_PKG_*`, `CARGO_MANIFEST_*`, …); build scripts that watch
/// them (ring's) would rerun in the inner cargo, so they are removed and it reuses what the
/// outer build compiled.
pub fn cargo() -> Command {
    let program = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_MANIFEST_")
            || [
                "CARGO_CRATE_NAME",
                "CARGO_BIN_NAME",
                "CARGO_PRIMARY_PACKAGE",
            ]
            .contains(&&*name)
        {
            command.env_remove(&*name);
        }
    }
    command.current_dir(workspace_root());
    command
}
