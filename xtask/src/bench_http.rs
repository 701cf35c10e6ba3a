//! `cargo xtask bench-http`: requests per second and p50/p99 latency of the generated server
//! `metacore-app`, measured with `wrk` on loopback beside a hand-written baseline server
//! ([`baseline`]) using the same queries and indexes and, on PostgreSQL, PostGraphile 4
//! ([`postgraphile`]), on SQLite and PostgreSQL, at two table sizes, in one run.
//!
//! Per backend and table size, one database ([`fixture`]) is migrated by `metacore-app
//! migrate`, seeded (10,000 and 100,000 tickets of the benchmarked organisation by default)
//! and every server answers from it. Workloads ([`workloads`]): get by id, list page 1,
//! filter and sort, search, page 400, create and update; the reads run first, so they see
//! exactly the seeded rows. Runs alternate between the servers (A B C, then C B A, …) so
//! drift hits all alike. Every server and workload is checked with one request before it is
//! measured (status and the rows expected); one that fails is reported as n/a with the
//! reason, and the rest still runs. [`report`] prints one table per backend and size with the
//! ratios metacore/baseline and metacore/PostGraphile, the targets, the growth from the
//! smallest to the largest table, the servers' memory after the list load ([`footprint`]) and
//! metacore's start-up time. When `metacore-app` does not build, only the other servers are
//! measured.

mod baseline;
pub(crate) mod fixture;
mod footprint;
mod postgraphile;
mod report;
mod workloads;
pub(crate) mod wrk;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use self::fixture::{Backend, Database, Seeded};
use self::report::{Measured, Report, Table, BASELINE, METACORE};
use self::workloads::{Workload, ALL};
use self::wrk::{Load, Sample};

pub use self::baseline::run as run_baseline;

/// How long metacore's event consumers may take to catch up after a write run (the report
/// says when they did not).
pub(crate) const SETTLE_LIMIT: Duration = Duration::from_secs(120);

/// The HS256 secret of the run, given to both servers.
pub(crate) const SECRET: &str = "metacore-bench-http-secret-0123456789abcdef0123456789abcdef";

const USAGE: &str = "usage: cargo xtask bench-http [--quick] [--duration SECS] [--rounds N] \
    [--connections N] [--threads N] [--backends sqlite,postgres] [--sizes 10000,100000] \
    [--servers metacore,baseline,postgraphile] [--startups N] [--help]";

const HELP: &str = "
wrk against metacore-app, a hand-written poem + sqlx baseline (the same queries, indexes and
counters) and, on PostgreSQL, PostGraphile 4 (installed with npm into
~/.cache/metacore-bench/postgraphile when missing), each backend and table size on a fresh
database. Workloads: get by id, list page 1, filter + sort, search, page 400, create, update.
Prints req/s, p50, p99 and the ratios metacore/baseline and metacore/PostGraphile per table,
the target ratios, the growth from the smallest to the largest table, memory after the list
load and metacore-app's start-up time. After each of metacore's create and update runs it
waits until metacore-app's event consumers (notification rules) have caught up with the log,
and reports how far behind they were, so that their deferred work neither slows the next
server's run nor goes unseen. Needs wrk (installed with apt-get when missing) and,
for PostgreSQL, .ci/postgres.sh.

options:
  --quick              short runs: --duration 3 --rounds 1 --startups 3 (other flags
                       override these)
  --duration SECS      seconds of each measured wrk run (default 5; warm-up runs take 1 s)
  --rounds N           measured runs per server and workload, alternating the servers' order
                       (default 2)
  --connections N      wrk connections (default 16)
  --threads N          wrk threads (default 2)
  --backends LIST      sqlite,postgres (default both)
  --sizes LIST         rows of the benchmarked organisation, one table each (default
                       10000,100000; 300 rows of a second organisation are added to each)
  --servers LIST       metacore,baseline,postgraphile (default all; metacore-app is built in
                       any case, it creates the schema)
  --startups N         start-up measurements of metacore-app per table (default 5)
  --workloads LIST     get,list,filter-sort,search,page-400,create,update (default all; the
                       target ratios need get and the workload compared with it)
  -h, --help           this text";

/// Which servers are measured.
struct Servers {
    metacore: bool,
    baseline: bool,
    postgraphile: bool,
}

struct Options {
    duration: u32,
    connections: u32,
    threads: u32,
    rounds: u32,
    backends: Vec<Backend>,
    sizes: Vec<usize>,
    servers: Servers,
    startups: u32,
    workloads: Vec<Workload>,
}

impl Options {
    /// The options of `args`; `None` when help was asked for.
    fn parse(args: &[String]) -> Result<Option<Options>, String> {
        let mut options = Options {
            duration: 5,
            connections: 16,
            threads: 2,
            rounds: 2,
            backends: vec![Backend::Sqlite, Backend::Postgres],
            sizes: vec![10_000, 100_000],
            servers: Servers {
                metacore: true,
                baseline: true,
                postgraphile: true,
            },
            startups: 5,
            workloads: ALL.to_vec(),
        };
        // `--quick` sets defaults, which the other flags override wherever it stands.
        if args.iter().any(|arg| arg == "--quick") {
            options.duration = 3;
            options.rounds = 1;
            options.startups = 3;
        }
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            match flag.as_str() {
                "-h" | "--help" => return Ok(None),
                "--quick" => continue,
                _ => {}
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
                "--startups" => options.startups = number()?,
                "--backends" => options.backends = parse_list(value, parse_backend)?,
                "--sizes" => options.sizes = parse_list(value, parse_size)?,
                "--servers" => options.servers = parse_servers(value)?,
                "--workloads" => options.workloads = parse_list(value, Workload::parse)?,
                _ => return Err(format!("unknown flag `{flag}`")),
            }
        }
        Ok(Some(options))
    }

    /// The load of a measured run (`warm_up`: a 1 s run).
    fn load(&self, warm_up: bool) -> Load {
        Load {
            threads: self.threads,
            connections: self.connections,
            seconds: if warm_up { 1 } else { self.duration },
        }
    }
}

/// The comma-separated items of `value`, each parsed by `item`.
fn parse_list<T>(value: &str, item: fn(&str) -> Result<T, String>) -> Result<Vec<T>, String> {
    let items = value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(item)
        .collect::<Result<Vec<T>, String>>()?;
    if items.is_empty() {
        return Err(format!("`{value}` names nothing"));
    }
    Ok(items)
}

fn parse_backend(name: &str) -> Result<Backend, String> {
    match name {
        "sqlite" => Ok(Backend::Sqlite),
        "postgres" => Ok(Backend::Postgres),
        _ => Err(format!("unknown backend `{name}` (sqlite, postgres)")),
    }
}

fn parse_size(text: &str) -> Result<usize, String> {
    match text.replace('_', "").parse::<usize>() {
        Ok(n) if (1..=10_000_000).contains(&n) => Ok(n),
        _ => Err(format!("`{text}` is not a table size (1 to 10000000 rows)")),
    }
}

fn parse_servers(value: &str) -> Result<Servers, String> {
    let names = parse_list(value, |name| match name {
        "metacore" | "baseline" | "postgraphile" => Ok(name.to_string()),
        _ => Err(format!(
            "unknown server `{name}` (metacore, baseline, postgraphile)"
        )),
    })?;
    let has = |name: &str| names.iter().any(|n| n == name);
    Ok(Servers {
        metacore: has("metacore"),
        baseline: has("baseline"),
        postgraphile: has("postgraphile"),
    })
}

/// `cargo xtask bench-http`.
pub fn run(args: &[String]) -> ExitCode {
    let options = match Options::parse(args) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}\n{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}\n(--help explains the options)");
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
            eprintln!("note: metacore-app is not available ({e}); measuring the others only");
            None
        }
    };
    let postgraphile = (options.servers.postgraphile
        && options.backends.contains(&Backend::Postgres))
    .then(postgraphile::install);
    if let Some(Err(e)) = &postgraphile {
        eprintln!("note: PostGraphile is not available: {e}");
    }
    let scratch = std::env::temp_dir().join(format!("metacore-bench-http-{}", std::process::id()));
    let mut report = Report::default();
    let mut failed = false;
    for &backend in &options.backends {
        for &rows in &options.sizes {
            let table = Table { backend, rows };
            let dir = scratch.join(format!("{}-{rows}", backend.name()));
            let bench = Bench {
                table,
                app: app.as_deref(),
                postgraphile: postgraphile.as_ref(),
                dir: &dir,
                options: &options,
            };
            let measured = std::fs::create_dir_all(&dir)
                .map_err(|e| e.to_string())
                .and_then(|()| bench.run(&mut report));
            if let Err(e) = measured {
                eprintln!("error: {}, {rows} rows: {e}", backend.name());
                report.failures.push((table, e));
                failed = true;
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    report.print(&settings(&options));
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The run's settings, above the tables.
fn settings(options: &Options) -> String {
    format!(
        "wrk -t{} -c{} -d{}s, {} measured round(s) per server after a 1 s warm-up, alternating \
         the servers' order; each table a fresh database, seeded with multi-row INSERTs then \
         VACUUM ANALYZE (PostgreSQL) / ANALYZE (SQLite), plus 300 rows of a second organisation",
        options.threads, options.connections, options.duration, options.rounds
    )
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

/// How a server is asked for the workloads.
#[derive(Clone, Copy, PartialEq)]
enum Api {
    /// `/api/data/tickets` with a bearer token (metacore, baseline).
    Rest,
    /// `POST /graphql` (PostGraphile).
    GraphQl,
}

/// A server under test, or why it did not start.
struct Target {
    name: &'static str,
    api: Api,
    server: Result<Server, String>,
}

impl Target {
    /// One checked request of `workload`.
    fn check(
        &self,
        workload: Workload,
        token: &str,
        tag: &str,
        seeded: &Seeded,
    ) -> Result<(), String> {
        let server = self.server.as_ref().map_err(String::clone)?;
        match self.api {
            Api::Rest => workloads::check(server, workload, token, tag, seeded),
            Api::GraphQl => postgraphile::check(server, workload, seeded, tag),
        }
    }

    /// The wrk script and URL of `workload`.
    fn wrk_request(
        &self,
        workload: Workload,
        token: &str,
        tag: &str,
        seeded: &Seeded,
    ) -> Result<(String, String), String> {
        let server = self.server.as_ref().map_err(String::clone)?;
        let base = format!("http://127.0.0.1:{}", server.port);
        match self.api {
            Api::Rest => Ok((
                workload.script(token, tag, seeded),
                format!("{base}{}", workload.path(seeded)),
            )),
            Api::GraphQl => Ok((
                postgraphile::script(workload, seeded, tag)?,
                format!("{base}/graphql"),
            )),
        }
    }
}

/// One table: a backend at one size, and what measuring it needs.
struct Bench<'a> {
    table: Table,
    app: Option<&'a Path>,
    postgraphile: Option<&'a Result<PathBuf, String>>,
    dir: &'a Path,
    options: &'a Options,
}

impl Bench<'_> {
    /// Prepares the database, starts the servers, measures every workload, then start-up.
    fn run(&self, report: &mut Report) -> Result<(), String> {
        let Table { backend, rows } = self.table;
        eprintln!("{}, {rows} rows: preparing the database", backend.name());
        let database = Database::start(backend, self.dir)?;
        fixture::migrate(self.app, &database.url)?;
        let started = Instant::now();
        let seeded = fixture::seed_rows(&database.url, rows)?;
        report.seeding.push((self.table, started.elapsed()));
        eprintln!(
            "{}, {rows} rows: seeded in {:.1} s",
            backend.name(),
            started.elapsed().as_secs_f64()
        );
        let token = fixture::token(self.app, SECRET)?;
        let targets = self.start_targets(&database.url)?;
        for &workload in &self.options.workloads {
            self.measure(workload, &targets, &token, &seeded, &database.url, report);
        }
        drop(targets);
        if let (Some(app), true) = (self.app, self.options.servers.metacore) {
            eprintln!("{}, {rows} rows: start-up of metacore-app", backend.name());
            let times = footprint::startup(app, &database.url, self.options.startups);
            report.startups.push((self.table, times));
        }
        Ok(())
    }

    /// The servers measured on this table (PostGraphile on PostgreSQL only).
    fn start_targets(&self, url: &str) -> Result<Vec<Target>, String> {
        let servers = &self.options.servers;
        let mut targets = Vec::new();
        if let (Some(app), true) = (self.app, servers.metacore) {
            let log = self.dir.join("metacore.log");
            let server = Server::start(METACORE, app, &["serve"], url, log);
            targets.push(Target {
                name: METACORE,
                api: Api::Rest,
                server,
            });
        }
        if servers.baseline {
            let xtask = std::env::current_exe().map_err(|e| e.to_string())?;
            let log = self.dir.join("baseline.log");
            let server = Server::start(BASELINE, &xtask, &["bench-http-baseline"], url, log);
            targets.push(Target {
                name: BASELINE,
                api: Api::Rest,
                server,
            });
        }
        if let (Some(cli), Backend::Postgres) = (self.postgraphile, self.table.backend) {
            let log = self.dir.join("postgraphile.log");
            let server = cli
                .as_ref()
                .map_err(String::clone)
                .and_then(|cli| postgraphile::start(cli, url, log));
            targets.push(Target {
                name: postgraphile::NAME,
                api: Api::GraphQl,
                server,
            });
        }
        Ok(targets)
    }

    /// Checks `workload` on every target, then a warm-up and the measured rounds, the order
    /// of the targets alternating; after the list load, each server's memory. After each of
    /// metacore's write runs, waits for its event consumers to catch up
    /// ([`fixture::settle`]) before the next run.
    fn measure(
        &self,
        workload: Workload,
        targets: &[Target],
        token: &str,
        seeded: &Seeded,
        url: &str,
        report: &mut Report,
    ) {
        let Table { backend, rows } = self.table;
        let prefix = format!("{}-{rows}", backend.name());
        let mut runs: Vec<Result<Vec<Sample>, String>> = targets
            .iter()
            .map(|target| {
                let tag = format!("{prefix}-{}", target.name);
                target
                    .check(workload, token, &tag, seeded)
                    .map(|()| Vec::new())
            })
            .collect();
        for round in 0..=self.options.rounds {
            let mut order: Vec<usize> = (0..targets.len()).collect();
            if round % 2 == 1 {
                order.reverse();
            }
            for index in order {
                if let Ok(samples) = &mut runs[index] {
                    let target = &targets[index];
                    eprintln!(
                        "{}, {rows} rows: {} on {} ({})",
                        backend.name(),
                        workload.name(),
                        target.name,
                        if round == 0 {
                            "warm-up".to_string()
                        } else {
                            format!("round {round}")
                        }
                    );
                    let tag = format!("{prefix}-{}-{round}", target.name);
                    match self.run_wrk(target, workload, token, &tag, seeded, round == 0) {
                        Ok(sample) if round > 0 => samples.push(sample),
                        Ok(_) => {}
                        Err(e) => runs[index] = Err(e),
                    }
                    if target.name == METACORE && workload.writes() {
                        match fixture::settle(url, SETTLE_LIMIT) {
                            Ok(backlog) if round > 0 => {
                                report.backlogs.push((self.table, workload, backlog))
                            }
                            Ok(_) => {}
                            Err(e) => eprintln!("cannot read the event cursors: {e}"),
                        }
                    }
                }
            }
        }
        if workload == Workload::List {
            for target in targets {
                if let Ok(server) = &target.server {
                    let memory = footprint::memory(server.pid());
                    report.memory.push((self.table, target.name, memory));
                }
            }
        }
        for (target, runs) in targets.iter().zip(runs) {
            let result = runs.map(|runs| wrk::combine(&runs));
            let first_error = match &result {
                Ok(sample) if sample.non_2xx > 0 => {
                    let tag = format!("{prefix}-{}-diagnosis", target.name);
                    self.diagnose(target, workload, token, &tag, seeded)
                }
                _ => None,
            };
            report.measured.push(Measured {
                table: self.table,
                workload,
                server: target.name,
                result,
                first_error,
            });
        }
    }

    /// One wrk run of `workload` against `target`.
    fn run_wrk(
        &self,
        target: &Target,
        workload: Workload,
        token: &str,
        tag: &str,
        seeded: &Seeded,
        warm_up: bool,
    ) -> Result<Sample, String> {
        let (script, url) = target.wrk_request(workload, token, tag, seeded)?;
        let path = self.dir.join(format!("{tag}.lua"));
        std::fs::write(&path, script)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        wrk::run(&url, &path, self.options.load(warm_up))
    }

    /// The first failed answer of a short extra run of `workload` against `target`.
    fn diagnose(
        &self,
        target: &Target,
        workload: Workload,
        token: &str,
        tag: &str,
        seeded: &Seeded,
    ) -> Option<String> {
        eprintln!(
            "{}, {} rows: {} on {} answered errors; diagnosing",
            self.table.backend.name(),
            self.table.rows,
            workload.name(),
            target.name
        );
        let (script, url) = target.wrk_request(workload, token, tag, seeded).ok()?;
        let path = self.dir.join(format!("{tag}.lua"));
        std::fs::write(&path, wrk::diagnosing(&script)).ok()?;
        let answer = wrk::first_error(&url, &path, self.options.load(true))?;
        let logged = target
            .server
            .as_ref()
            .ok()
            .and_then(Server::last_error)
            .map(|line| format!(" (its log: {})", workloads::clip(&line)))
            .unwrap_or_default();
        Some(format!("{answer}{logged}"))
    }
}

/// `line` without ANSI colour sequences (`ESC [ … m`).
fn without_colours(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}

/// A free TCP port on loopback.
pub(crate) fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// A server under test, running; killed on drop.
pub(crate) struct Server {
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
        let port = free_port()?;
        let mut command = Command::new(program);
        command
            .args(args)
            .args([
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--database-url",
                url,
            ])
            .env(baseline::SECRET_ENV, SECRET);
        Server::spawn(name, command, port, log, |port| {
            matches!(http(port, "GET", "/api/health", None, None), Ok((200, _)))
        })
    }

    /// Spawns `command` (which listens on `port`), logging to `log`, and waits up to 60 s
    /// until `ready`.
    pub(crate) fn spawn(
        name: &'static str,
        mut command: Command,
        port: u16,
        log: PathBuf,
        ready: impl Fn(u16) -> bool,
    ) -> Result<Server, String> {
        let out = std::fs::File::create(&log)
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out.try_clone().map_err(|e| e.to_string())?)
            .stderr(out)
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        let mut server = Server { port, child, log };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!("{name} exited ({status}): {}", server.log_tail()));
            }
            if ready(port) {
                return Ok(server);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{name} did not answer within 60 s: {}",
                    server.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The last line of the log that mentions an error.
    fn last_error(&self) -> Option<String> {
        let text = std::fs::read_to_string(&self.log).ok()?;
        text.lines()
            .rev()
            .find(|line| line.to_ascii_lowercase().contains("error"))
            .map(without_colours)
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
