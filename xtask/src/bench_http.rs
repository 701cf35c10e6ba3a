//! `cargo xtask bench-http`: requests per second and p99 latency of the generated server
//! `metacore-app`, measured with `wrk` on loopback beside a hand-written baseline server
//! ([`baseline`]) doing the same work, on SQLite and PostgreSQL, in one run.
//!
//! Per backend, one database ([`fixture`]) is migrated and seeded once and both servers answer
//! from it with the same bearer token. Workloads: list (`GET /api/data/tickets?per_page=20`:
//! one page of 10,000 rows plus the total), get by id, and create (`POST` of a JSON body with a
//! fresh ticket number per request); creates run last, so the reads see exactly the seeded
//! rows. Runs alternate between the servers (A B, then B A, …) so drift hits both sides alike.
//! Every server and workload is checked with one request before it is measured; one that
//! fails is skipped with the reason. When `metacore-app` does not build, only the baseline
//! rows are measured.

mod baseline;
pub(crate) mod fixture;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use self::fixture::{Backend, Database};

pub use self::baseline::run as run_baseline;

/// The HS256 secret of the run, given to both servers.
pub(crate) const SECRET: &str = "metacore-bench-http-secret-0123456789abcdef0123456789abcdef";

const USAGE: &str = "usage: cargo xtask bench-http [--quick] [--duration SECS] [--connections N] \
    [--threads N] [--rounds N] [--backends sqlite,postgres]";

struct Options {
    duration: u32,
    connections: u32,
    threads: u32,
    rounds: u32,
    backends: Vec<Backend>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            duration: 10,
            connections: 16,
            threads: 2,
            rounds: 2,
            backends: vec![Backend::Sqlite, Backend::Postgres],
        };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            if flag == "--quick" {
                options.duration = 3;
                options.rounds = 1;
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
                "--rounds" => options.rounds = number()?,
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

#[derive(Clone, Copy, PartialEq)]
enum Workload {
    List,
    Get,
    Create,
}

const WORKLOADS: [Workload; 3] = [Workload::List, Workload::Get, Workload::Create];

impl Workload {
    fn name(self) -> &'static str {
        match self {
            Workload::List => "list",
            Workload::Get => "get by id",
            Workload::Create => "create",
        }
    }

    fn path(self, id: uuid::Uuid) -> String {
        match self {
            Workload::List => "/api/data/tickets?per_page=20".into(),
            Workload::Get => format!("/api/data/tickets/{id}"),
            Workload::Create => "/api/data/tickets".into(),
        }
    }

    /// The wrk script: headers, a fresh ticket number per create, and a machine-readable
    /// summary line.
    fn script(self, token: &str, tag: &str) -> String {
        let mut script = format!("wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n");
        if self == Workload::Create {
            script.push_str(&format!(
                r#"wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
tid = 0
local threads, counter = 0, 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function request()
  counter = counter + 1
  local body = string.format('{{"number":"{tag}-%d-%d","title":"Benchmark ticket %d",' ..
    '"description":"Created by wrk.","priority":"high","reporter_id":"{user}",' ..
    '"tags":["bench","wrk"]}}', tid, counter, counter)
  return wrk.format(nil, nil, nil, body)
end
"#,
                user = fixture::USER,
            ));
        }
        script.push_str(
            r#"function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH-HTTP %d %d %.0f %d %d\n", summary.requests, summary.duration,
    latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"#,
        );
        script
    }

    /// One request's body, for the check before measuring.
    fn check_body(self, tag: &str) -> Option<String> {
        (self == Workload::Create).then(|| {
            serde_json::json!({
                "number": format!("{tag}-check"), "title": "Benchmark check",
                "priority": "high", "reporter_id": fixture::USER, "tags": ["bench"],
            })
            .to_string()
        })
    }
}

/// One wrk run's numbers.
#[derive(Clone, Copy, Default)]
struct Sample {
    requests: u64,
    micros: u64,
    p99_micros: f64,
    non_2xx: u64,
    socket_errors: u64,
}

/// A server under test, running; killed on drop.
pub(crate) struct Server {
    name: &'static str,
    pub(crate) port: u16,
    child: Child,
    log: PathBuf,
}

impl Server {
    /// Starts `program args --bind … --database-url url`, logging to `log`, and waits until
    /// it answers `/api/health`.
    pub(crate) fn start(
        name: &'static str,
        program: &Path,
        args: &[&str],
        url: &str,
        log: PathBuf,
    ) -> Result<Server, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let bind = format!("127.0.0.1:{port}");
        let out = std::fs::File::create(&log).map_err(|e| e.to_string())?;
        let child = Command::new(program)
            .args(args)
            .args(["--bind", &bind, "--database-url", url])
            .env(baseline::SECRET_ENV, SECRET)
            .stdin(Stdio::null())
            .stdout(out.try_clone().map_err(|e| e.to_string())?)
            .stderr(out)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let mut server = Server {
            name,
            port,
            child,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!("{name} exited ({status}): {}", server.log_tail()));
            }
            if matches!(http(port, "GET", "/api/health", None, None), Ok((200, _))) {
                return Ok(server);
            }
            if Instant::now() > deadline {
                return Err(format!("{name} did not answer /api/health within 60 s"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(10)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A table row: measured, or skipped with the reason.
struct Row {
    backend: Backend,
    workload: Workload,
    server: &'static str,
    result: Result<Sample, String>,
}

/// `cargo xtask bench-http`.
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
        Ok(app) => Some(app),
        Err(e) => {
            eprintln!("note: metacore-app is not available ({e}); measuring the baseline only");
            None
        }
    };
    let scratch = std::env::temp_dir().join(format!("metacore-bench-http-{}", std::process::id()));
    let mut rows = Vec::new();
    let mut failed = false;
    for &backend in &options.backends {
        let dir = scratch.join(backend.name());
        let measured = std::fs::create_dir_all(&dir)
            .map_err(|e| e.to_string())
            .and_then(|()| run_backend(backend, app.as_deref(), &dir, &options, &mut rows));
        if let Err(e) = measured {
            eprintln!("error: {}: {e}", backend.name());
            failed = true;
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    print_table(&rows, &options);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Installs `wrk` with `apt-get` when it is missing.
pub(crate) fn ensure_wrk() -> Result<(), String> {
    let installed = || {
        Command::new("wrk")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    };
    if installed() {
        return Ok(());
    }
    eprintln!("installing wrk (apt-get install -y wrk)");
    let _ = Command::new("apt-get")
        .args(["install", "-y", "-qq", "wrk"])
        .status();
    if installed() {
        Ok(())
    } else {
        Err("wrk is not installed and `apt-get install -y wrk` did not install it".into())
    }
}

/// `cargo build --release -p metacore-generated --bin metacore-app`; the executable's path.
pub(crate) fn build_metacore_app() -> Result<PathBuf, String> {
    eprintln!("building metacore-app (release)");
    let output = crate::cargo()
        .args(["build", "--release", "-p", "metacore-generated"])
        .args(["--bin", "metacore-app"])
        .args(["--message-format", "json-render-diagnostics"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err("it does not build".into());
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["target"]["name"] == "metacore-app")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo reported no metacore-app executable".into())
}

/// Sets up `backend`, starts both servers, checks and measures every workload.
fn run_backend(
    backend: Backend,
    app: Option<&Path>,
    dir: &Path,
    options: &Options,
    rows: &mut Vec<Row>,
) -> Result<(), String> {
    eprintln!("{}: preparing the database", backend.name());
    let database = Database::start(backend, dir)?;
    fixture::migrate(app, &database.url)?;
    let sample_id = fixture::seed(&database.url)?;
    let token = fixture::token(app, SECRET)?;
    let xtask = std::env::current_exe().map_err(|e| e.to_string())?;
    // Each server, or why it did not start (metacore's rows are then skipped).
    let mut servers: Vec<(&'static str, Result<Server, String>)> = Vec::new();
    if let Some(app) = app {
        let log = dir.join("metacore.log");
        let server = Server::start("metacore", app, &["serve"], &database.url, log);
        servers.push(("metacore", server));
    }
    let log = dir.join("baseline.log");
    let baseline = Server::start(
        "baseline",
        &xtask,
        &["bench-http-baseline"],
        &database.url,
        log,
    )?;
    servers.push(("baseline", Ok(baseline)));

    for workload in WORKLOADS {
        let path = workload.path(sample_id);
        let mut samples: Vec<Result<Vec<Sample>, String>> = servers
            .iter()
            .map(|(name, server)| {
                let server = server.as_ref().map_err(String::clone)?;
                let tag = format!("{}-{name}", backend.name());
                check(server, workload, &path, &token, &tag).map(|()| Vec::new())
            })
            .collect();
        // Warm-up, then the measured runs, alternating the order of the servers.
        for round in 0..=options.rounds {
            let mut order: Vec<usize> = (0..servers.len()).collect();
            if round % 2 == 1 {
                order.reverse();
            }
            for index in order {
                let Ok(runs) = &mut samples[index] else {
                    continue;
                };
                let Ok(server) = &servers[index].1 else {
                    continue;
                };
                let tag = format!("{}-{}-{}", backend.name(), server.name, round);
                let script = dir.join(format!("{tag}.lua"));
                std::fs::write(&script, workload.script(&token, &tag))
                    .map_err(|e| e.to_string())?;
                let seconds = if round == 0 { 1 } else { options.duration };
                eprintln!(
                    "{}: {} on {} ({})",
                    backend.name(),
                    workload.name(),
                    server.name,
                    if round == 0 {
                        "warm-up".to_string()
                    } else {
                        format!("round {round}")
                    }
                );
                let sample = wrk(server.port, &path, &script, seconds, options)?;
                if round > 0 {
                    runs.push(sample);
                }
            }
        }
        for ((name, _), runs) in servers.iter().zip(samples) {
            rows.push(Row {
                backend,
                workload,
                server: name,
                result: runs.map(|runs| combine(&runs)),
            });
        }
    }
    Ok(())
}

/// One request of `workload` against `server`: a 2xx answer with `success: true`, the row
/// asked for, or a full first page of the list.
fn check(
    server: &Server,
    workload: Workload,
    path: &str,
    token: &str,
    tag: &str,
) -> Result<(), String> {
    let (method, body) = match workload.check_body(tag) {
        Some(body) => ("POST", Some(body)),
        None => ("GET", None),
    };
    let (status, answer) = http(server.port, method, path, Some(token), body.as_deref())?;
    let shape = match workload {
        Workload::List => {
            answer["data"].as_array().map(Vec::len) == Some(20)
                && answer["meta"]["total"] == fixture::ROWS
        }
        Workload::Get => answer["data"]["id"].is_string(),
        Workload::Create => answer["data"]["number"] == format!("{tag}-check"),
    };
    if (200..300).contains(&status) && answer["success"] == true && shape {
        Ok(())
    } else {
        let answer = answer.to_string();
        Err(format!(
            "check failed: {method} {path} answered {status} {}",
            &answer[..answer.len().min(300)]
        ))
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
        .arg("--latency")
        .arg("-s")
        .arg(script)
        .arg(format!("http://127.0.0.1:{port}{path}"))
        .output()
        .map_err(|e| format!("cannot run wrk: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("BENCH-HTTP "))
        .ok_or_else(|| {
            format!(
                "wrk printed no summary: {}{}",
                stdout,
                String::from_utf8_lossy(&output.stderr)
            )
        })?;
    let fields: Vec<f64> = line
        .split_whitespace()
        .map(|field| field.parse().unwrap_or(0.0))
        .collect();
    match fields[..] {
        [requests, micros, p99, non_2xx, socket] => Ok(Sample {
            requests: requests as u64,
            micros: micros as u64,
            p99_micros: p99,
            non_2xx: non_2xx as u64,
            socket_errors: socket as u64,
        }),
        _ => Err(format!("unexpected wrk summary `{line}`")),
    }
}

/// The rounds together: requests over total time, the mean of the p99s, all errors.
fn combine(runs: &[Sample]) -> Sample {
    let mut total = Sample::default();
    for run in runs {
        total.requests += run.requests;
        total.micros += run.micros;
        total.p99_micros += run.p99_micros / runs.len() as f64;
        total.non_2xx += run.non_2xx;
        total.socket_errors += run.socket_errors;
    }
    total
}

impl Sample {
    fn per_second(&self) -> f64 {
        self.requests as f64 / (self.micros as f64 / 1e6).max(1e-9)
    }
}

fn print_table(rows: &[Row], options: &Options) {
    println!(
        "\nwrk -t{} -c{} -d{}s, {} round(s) per server, alternating; {} seeded rows\n",
        options.threads,
        options.connections,
        options.duration,
        options.rounds,
        fixture::ROWS
    );
    println!("| backend | workload | server | req/s | p99 | ratio to baseline |");
    println!("|---|---|---|---|---|---|");
    let mut notes = Vec::new();
    for row in rows {
        let baseline = rows
            .iter()
            .find(|b| {
                b.backend == row.backend && b.workload == row.workload && b.server == "baseline"
            })
            .and_then(|b| b.result.as_ref().ok());
        let label = format!(
            "| {} | {} | {} |",
            row.backend.name(),
            row.workload.name(),
            row.server
        );
        let name = format!(
            "{} {} on {}",
            row.backend.name(),
            row.workload.name(),
            row.server
        );
        match &row.result {
            Ok(sample) => {
                let ratio = match baseline {
                    Some(b) => format!("{:.2}", sample.per_second() / b.per_second()),
                    None => "—".into(),
                };
                println!(
                    "{label} {:.0} | {:.2} ms | {ratio} |",
                    sample.per_second(),
                    sample.p99_micros / 1000.0
                );
                if sample.non_2xx + sample.socket_errors > 0 {
                    notes.push(format!(
                        "{name}: {} non-2xx answers, {} socket errors (connect, read, write, timeout)",
                        sample.non_2xx, sample.socket_errors
                    ));
                }
            }
            Err(e) => {
                println!("{label} — | — | skipped |");
                notes.push(format!("{name} skipped: {e}"));
            }
        }
    }
    if !notes.is_empty() {
        println!();
    }
    for note in notes {
        println!("* {note}");
    }
}

/// A minimal HTTP/1.0 exchange (the servers answer with a plain body and close): the status
/// and the body as JSON (`null` when it is not JSON).
pub(crate) fn http(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Result<(u16, Value), String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    let mut request = format!("{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n");
    if let Some(token) = token {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    let body = body.unwrap_or_default();
    if !body.is_empty() {
        request.push_str("Content-Type: application/json\r\n");
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(|e| e.to_string())?;
    let answer = String::from_utf8_lossy(&answer);
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("not an HTTP answer: {head}"))?;
    Ok((status, serde_json::from_str(body).unwrap_or(Value::Null)))
}
