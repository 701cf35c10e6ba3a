//! `cargo xtask bench-isolation`: how the API answers while the WebAssembly pool is saturated
//! with infinite loops (issue 11).
//!
//! Per backend (SQLite, and PostgreSQL from `.ci/postgres.sh`), one database is migrated and
//! seeded as for `bench-http` ([`fixture`]) and the release `metacore-app` serves it with the
//! repository's manifests, so the showcase addon's `spin` tool (an infinite loop, ended by its
//! 10 s deadline) is loaded. `wrk` measures `GET /api/health` and a get by id
//! (`GET /api/data/tickets/{id}`) twice: unloaded, then while a second `wrk` keeps exactly as
//! many `spin` calls open as the pool admits (`METACORE_WASM_MAX_IN_FLIGHT`, default 8 per
//! `METACORE_WASM_THREADS`, default the cores), each one re-sent as soon as its 504 arrives.
//! Before the loaded runs, a probe call must be refused with 503 `sandbox_busy`: the pool is
//! full. The table shows req/s, p50 and p99 of both runs and their ratios; the target is a p99
//! under 50 ms for both workloads under load.

use crate::bench_http::wrk::Sample;
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::bench_http::fixture::{self, Backend, Database};
use crate::bench_http::{build_metacore_app, ensure_wrk, http, Server, SECRET};

const USAGE: &str = "usage: cargo xtask bench-isolation [--quick] [--duration SECS] \
    [--connections N] [--threads N] [--backends sqlite,postgres]";

/// The p99 both workloads must stay under while the pool runs infinite loops.
const TARGET_P99_MS: f64 = 50.0;

/// Pool admission slots per pool thread when `METACORE_WASM_MAX_IN_FLIGHT` is not set (the
/// runtime's default).
const IN_FLIGHT_PER_THREAD: usize = 8;

/// Invocations in flight per installation (`runtime.md` §2.1): the loops come from several
/// organisations, at most this many each, so they fill the pool rather than wait for an
/// installation slot.
const SLOTS_PER_INSTALLATION: usize = 8;

struct Options {
    duration: u32,
    connections: u32,
    threads: u32,
    backends: Vec<Backend>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            duration: 10,
            connections: 16,
            threads: 2,
            backends: vec![Backend::Sqlite, Backend::Postgres],
        };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            if flag == "--quick" {
                options.duration = 3;
                continue;
            }
            let value = args.next().ok_or(format!("{flag} takes a value"))?;
            let number = || match value.parse::<u32>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(format!("{flag} takes a positive number")),
            };
            match flag.as_str() {
                "--duration" => options.duration = number()?,
                "--connections" => options.connections = number()?,
                "--threads" => options.threads = number()?,
                "--backends" => {
                    options.backends = value
                        .split(',')
                        .map(|name| match name {
                            "sqlite" => Ok(Backend::Sqlite),
                            "postgres" => Ok(Backend::Postgres),
                            _ => Err(format!("unknown backend `{name}`")),
                        })
                        .collect::<Result<_, _>>()?;
                }
                _ => return Err(format!("unknown flag `{flag}`")),
            }
        }
        Ok(options)
    }
}

/// One table row: a workload unloaded and with the pool saturated.
struct Row {
    backend: Backend,
    workload: &'static str,
    unloaded: Sample,
    loaded: Sample,
}

/// `cargo xtask bench-isolation`.
pub fn run(args: &[String]) -> ExitCode {
    let options = match Options::parse(args) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = ensure_wrk() {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let app = match build_metacore_app() {
        Ok(app) => app,
        Err(e) => {
            eprintln!("error: metacore-app: {e}");
            return ExitCode::FAILURE;
        }
    };
    let scratch =
        std::env::temp_dir().join(format!("metacore-bench-isolation-{}", std::process::id()));
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let mut failed = false;
    for &backend in &options.backends {
        let dir = scratch.join(backend.name());
        let measured = std::fs::create_dir_all(&dir)
            .map_err(|e| e.to_string())
            .and_then(|()| run_backend(backend, &app, &dir, &options, &mut rows, &mut notes));
        if let Err(e) = measured {
            eprintln!("error: {}: {e}", backend.name());
            failed = true;
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let met = print_table(&rows, &notes, &options);
    if failed || !met {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Invocations the server's pool admits, as the runtime computes it from the same variables.
fn pool_capacity() -> usize {
    let var = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|n| *n > 0)
    };
    let threads = var("METACORE_WASM_THREADS")
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    var("METACORE_WASM_MAX_IN_FLIGHT").unwrap_or(threads * IN_FLIGHT_PER_THREAD)
}

fn run_backend(
    backend: Backend,
    app: &Path,
    dir: &Path,
    options: &Options,
    rows: &mut Vec<Row>,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    eprintln!("{}: preparing the database", backend.name());
    let database = Database::start(backend, dir)?;
    fixture::migrate(Some(app), &database.url)?;
    let sample_id = fixture::seed(&database.url)?;
    let token = fixture::token(Some(app), SECRET)?;
    let server = Server::start(
        "metacore",
        app,
        &["serve"],
        &database.url,
        dir.join("metacore.log"),
    )?;
    let get = format!("/api/data/tickets/{sample_id}");
    for path in ["/api/health", get.as_str()] {
        match http(server.port, "GET", path, Some(&token), None)? {
            (200, _) => {}
            (status, body) => return Err(format!("GET {path} answered {status}: {body}")),
        }
    }
    let workloads = [("health", "/api/health"), ("get by id", get.as_str())];
    let script = dir.join("measure.lua");
    std::fs::write(&script, measure_script(&token)).map_err(|e| e.to_string())?;

    let mut unloaded = Vec::new();
    for (name, path) in workloads {
        eprintln!("{}: {name}, pool idle", backend.name());
        wrk(server.port, path, &script, 1, options)?;
        unloaded.push(wrk(server.port, path, &script, options.duration, options)?);
    }

    let capacity = pool_capacity();
    let spin_seconds = options.duration * 2 + 30;
    eprintln!(
        "{}: saturating the WASM pool with {capacity} infinite loops",
        backend.name()
    );
    let mut spinners = Vec::new();
    for (index, first) in (0..capacity).step_by(SLOTS_PER_INSTALLATION).enumerate() {
        let connections = (capacity - first).min(SLOTS_PER_INSTALLATION);
        let org = uuid::Uuid::from_u128(0x5919_0000_0000_4000_8000_0000_0000_0000 + index as u128);
        let spin_script = dir.join(format!("spin-{index}.lua"));
        let spin_token = fixture::token_for(Some(app), SECRET, org)?;
        std::fs::write(&spin_script, spin_script_text(&spin_token)).map_err(|e| e.to_string())?;
        spinners.push(Spinner::start(
            server.port,
            &spin_script,
            connections,
            spin_seconds,
        )?);
    }
    wait_until_busy(&server, &token)?;
    let mut loaded = Vec::new();
    for (name, path) in workloads {
        eprintln!("{}: {name}, pool saturated", backend.name());
        wrk(server.port, path, &script, 1, options)?;
        loaded.push(wrk(server.port, path, &script, options.duration, options)?);
    }
    let still_busy = probe(&server, &token)? == 503;
    drop(spinners);
    if !still_busy {
        notes.push(format!(
            "{}: the pool had a free slot at the end of the loaded runs",
            backend.name()
        ));
    }
    for ((&(name, _), unloaded), loaded) in workloads.iter().zip(unloaded).zip(loaded) {
        rows.push(Row {
            backend,
            workload: name,
            unloaded,
            loaded,
        });
    }
    notes.push(format!(
        "{}: {capacity} `spin` calls kept open (the pool's capacity, from {} organisations); a \
         probe call answered 503 sandbox_busy before the loaded runs",
        backend.name(),
        spin_orgs(capacity)
    ));
    Ok(())
}

/// Organisations the loops come from.
fn spin_orgs(capacity: usize) -> usize {
    capacity.div_ceil(SLOTS_PER_INSTALLATION)
}

/// Headers and a machine-readable summary line with p50 and p99.
fn measure_script(token: &str) -> String {
    format!(
        r#"wrk.headers["Authorization"] = "Bearer {token}"
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH-ISOLATION %d %d %.0f %.0f %d %d\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"#
    )
}

/// `POST /api/metacore/tools/showcase/spin`, over and over.
fn spin_script_text(token: &str) -> String {
    format!(
        r#"wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer {token}"
wrk.headers["Content-Type"] = "application/json"
wrk.body = "{{}}"
"#
    )
}

/// A background `wrk` keeping `connections` spin calls of one organisation open; killed on
/// drop.
struct Spinner(Child);

impl Spinner {
    fn start(
        port: u16,
        script: &Path,
        connections: usize,
        seconds: u32,
    ) -> Result<Spinner, String> {
        Command::new("wrk")
            .arg("-t1")
            .arg(format!("-c{connections}"))
            .arg(format!("-d{seconds}s"))
            .args(["--timeout", "60s", "-s"])
            .arg(script)
            .arg(format!(
                "http://127.0.0.1:{port}/api/metacore/tools/showcase/spin"
            ))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map(Spinner)
            .map_err(|e| format!("cannot run wrk: {e}"))
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The status of one `echo_tool` call: 503 when the pool is full.
fn probe(server: &Server, token: &str) -> Result<u16, String> {
    let body = r#"{"text": "probe"}"#;
    http(
        server.port,
        "POST",
        "/api/metacore/tools/showcase/echo_tool",
        Some(token),
        Some(body),
    )
    .map(|(status, _)| status)
}

/// Probes until the pool refuses a call (503), for at most 30 s.
fn wait_until_busy(server: &Server, token: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match probe(server, token)? {
            503 => return Ok(()),
            status if Instant::now() > deadline => {
                return Err(format!(
                    "the pool never filled up: a probe still answered {status} after 30 s"
                ))
            }
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

fn wrk(
    port: u16,
    path: &str,
    script: &Path,
    seconds: u32,
    options: &Options,
) -> Result<Sample, String> {
    let output = Command::new("wrk")
        .arg(format!("-t{}", options.threads))
        .arg(format!("-c{}", options.connections))
        .arg(format!("-d{seconds}s"))
        .args(["--timeout", "10s", "-s"])
        .arg(script)
        .arg(format!("http://127.0.0.1:{port}{path}"))
        .output()
        .map_err(|e| format!("cannot run wrk: {e}"))?;
    crate::bench_http::wrk::summary("BENCH-ISOLATION", &output)
}

/// Prints the table; true when every loaded p99 meets the target.
fn print_table(rows: &[Row], notes: &[String], options: &Options) -> bool {
    println!(
        "\nwrk -t{} -c{} -d{}s per run; loaded = the WASM pool saturated with infinite loops\n",
        options.threads, options.connections, options.duration
    );
    println!(
        "| backend | workload | req/s idle | req/s loaded | ratio | p50 idle | p50 loaded \
         | p99 idle | p99 loaded | ratio |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let ms = |micros: f64| format!("{:.2} ms", micros / 1000.0);
    let mut met = !rows.is_empty();
    let mut notes = notes.to_vec();
    for row in rows {
        let (idle, busy) = (&row.unloaded, &row.loaded);
        println!(
            "| {} | {} | {:.0} | {:.0} | {:.2} | {} | {} | {} | {} | {:.2} |",
            row.backend.name(),
            row.workload,
            idle.per_second(),
            busy.per_second(),
            busy.per_second() / idle.per_second().max(1e-9),
            ms(idle.p50_micros),
            ms(busy.p50_micros),
            ms(idle.p99_micros),
            ms(busy.p99_micros),
            busy.p99_micros / idle.p99_micros.max(1e-9),
        );
        met &= busy.p99_micros < TARGET_P99_MS * 1000.0;
        for (label, sample) in [("idle", idle), ("loaded", busy)] {
            if sample.non_2xx + sample.socket_errors > 0 {
                met = false;
                notes.push(format!(
                    "{} {} ({label}): {} non-2xx answers, {} socket errors",
                    row.backend.name(),
                    row.workload,
                    sample.non_2xx,
                    sample.socket_errors
                ));
            }
        }
    }
    println!();
    for note in notes {
        println!("* {note}");
    }
    println!(
        "* target: p99 < {TARGET_P99_MS:.0} ms for both workloads with the pool saturated: {}",
        if met { "met" } else { "NOT met" }
    );
    met
}
