//! `cargo xtask bench-webhooks`: outbound webhook deliveries per second (issue 16) to a local
//! receiver, at 1, 16 and 64 delivery workers, on SQLite and PostgreSQL.
//!
//! Per backend, one database is migrated by the release `metacore-app` and a first server
//! with no workers (`METACORE_WEBHOOK_WORKERS=0`) creates a webhook of every event pointing
//! at a receiver in this process (an HTTP server on 127.0.0.1 answering 200 at once,
//! allow-listed through `METACORE_EGRESS_ALLOW`). For each worker count, that server creates
//! `--deliveries` tickets — so as many `pending` deliveries wait in the queue — then a second
//! server with that many workers starts, and the receiver times the stream from its first
//! delivery to the last: deliveries/s = (n − 1) / that time. Each delivery is one claim,
//! one signed `POST` through the egress guard and one recorded outcome.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use poem::EndpointExt;
use serde_json::json;

use crate::bench_http::fixture::{self, Backend, Database};
use crate::bench_http::{build_metacore_app, free_port, http, Server, SECRET};

const USAGE: &str = "usage: cargo xtask bench-webhooks [--quick] [--deliveries N] \
    [--workers 1,16,64] [--backends sqlite,postgres] [--app PATH]";

struct Options {
    deliveries: usize,
    workers: Vec<usize>,
    backends: Vec<Backend>,
    app: Option<PathBuf>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            deliveries: 2000,
            workers: vec![1, 16, 64],
            backends: vec![Backend::Sqlite, Backend::Postgres],
            app: None,
        };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            if flag == "--quick" {
                options.deliveries = 300;
                continue;
            }
            let value = args.next().ok_or(format!("{flag} takes a value"))?;
            match flag.as_str() {
                "--deliveries" => {
                    options.deliveries = value
                        .parse()
                        .ok()
                        .filter(|n| *n >= 2)
                        .ok_or("--deliveries takes a number ≥ 2")?;
                }
                "--workers" => {
                    options.workers = value
                        .split(',')
                        .map(|n| n.trim().parse().ok().filter(|n| *n >= 1))
                        .collect::<Option<_>>()
                        .ok_or("--workers takes numbers ≥ 1, comma-separated")?;
                }
                "--backends" => {
                    options.backends = value
                        .split(',')
                        .map(|name| match name.trim() {
                            "sqlite" => Ok(Backend::Sqlite),
                            "postgres" => Ok(Backend::Postgres),
                            other => Err(format!("unknown backend `{other}`")),
                        })
                        .collect::<Result<_, _>>()?;
                }
                "--app" => options.app = Some(PathBuf::from(value)),
                _ => return Err(format!("unknown option `{flag}`")),
            }
        }
        Ok(options)
    }
}

/// Counts the deliveries it receives and when the first and last arrived.
#[derive(Default)]
struct Receiver {
    count: AtomicUsize,
    span: Mutex<(Option<Instant>, Option<Instant>)>,
}

impl Receiver {
    fn reset(&self) {
        self.count.store(0, Ordering::SeqCst);
        *self.span.lock().expect("span") = (None, None);
    }

    fn hit(&self) {
        let now = Instant::now();
        let mut span = self.span.lock().expect("span");
        span.0.get_or_insert(now);
        span.1 = Some(now);
        self.count.fetch_add(1, Ordering::SeqCst);
    }
}

/// Serves the receiver on 127.0.0.1 from a thread of its own; its URL.
fn start_receiver(receiver: Arc<Receiver>) -> Result<String, String> {
    let port = free_port()?;
    let endpoint = poem::endpoint::make(move |_: poem::Request| {
        let receiver = receiver.clone();
        async move {
            receiver.hit();
            "ok"
        }
    })
    .map_to_response();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let _ = poem::Server::new(poem::listener::TcpListener::bind(format!(
                "127.0.0.1:{port}"
            )))
            .run(endpoint)
            .await;
        });
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err("the receiver did not start".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(format!("http://127.0.0.1:{port}/hook"))
}

/// One measured run.
struct Row {
    backend: &'static str,
    workers: usize,
    deliveries: usize,
    seconds: f64,
}

/// Runs the benchmark.
pub fn run(args: &[String]) -> ExitCode {
    let options = match Options::parse(args) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("error: {error}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let app = match options
        .app
        .clone()
        .map(Ok)
        .unwrap_or_else(build_metacore_app)
    {
        Ok(app) => app,
        Err(error) => {
            eprintln!("error: metacore-app: {error}");
            return ExitCode::FAILURE;
        }
    };
    let receiver = Arc::new(Receiver::default());
    let url = match start_receiver(receiver.clone()) {
        Ok(url) => url,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut rows = Vec::new();
    let mut failed = false;
    for backend in &options.backends {
        match run_backend(*backend, &app, &url, &receiver, &options) {
            Ok(mut measured) => rows.append(&mut measured),
            Err(error) => {
                eprintln!("error: {}: {error}", backend.name());
                failed = true;
            }
        }
    }
    print_table(&rows, &options);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn run_backend(
    backend: Backend,
    app: &Path,
    url: &str,
    receiver: &Receiver,
    options: &Options,
) -> Result<Vec<Row>, String> {
    let scratch = std::env::temp_dir().join(format!(
        "metacore-bench-webhooks-{}-{}",
        backend.name(),
        std::process::id()
    ));
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let database = Database::start(backend, &scratch)?;
    fixture::migrate(Some(app), &database.url)?;
    fixture::seed_rows(&database.url, 10)?;
    let token = fixture::token(Some(app), SECRET)?;
    let queuer = serve(app, &database.url, 0, &scratch.join("queuer.log"))?;
    let (status, created) = http(
        queuer.port,
        "POST",
        "/api/webhooks",
        Some(&token),
        Some(&json!({"name": "bench", "url": url, "events": ["*"]}).to_string()),
    )?;
    if status != 201 {
        return Err(format!("creating the webhook answered {status}: {created}"));
    }
    let mut rows = Vec::new();
    for (round, &workers) in options.workers.iter().enumerate() {
        eprintln!(
            "{}: queueing {} deliveries, then {workers} worker(s)",
            backend.name(),
            options.deliveries
        );
        for n in 0..options.deliveries {
            let body = json!({
                "number": format!("WH-{round}-{n}"), "title": "Webhook benchmark",
                "description": "Queued for delivery.", "priority": "high",
                "reporter_id": fixture::USER, "tags": ["bench"],
            });
            let (status, answer) = http(
                queuer.port,
                "POST",
                "/api/data/tickets",
                Some(&token),
                Some(&body.to_string()),
            )?;
            if status != 201 {
                return Err(format!("a create answered {status}: {answer}"));
            }
        }
        receiver.reset();
        let log = scratch.join(format!("workers-{workers}.log"));
        let server = serve(app, &database.url, workers, &log)?;
        let deadline = Instant::now() + Duration::from_secs(600);
        while receiver.count.load(Ordering::SeqCst) < options.deliveries {
            if Instant::now() > deadline {
                return Err(format!(
                    "{} of {} deliveries after 600 s",
                    receiver.count.load(Ordering::SeqCst),
                    options.deliveries
                ));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        drop(server);
        let (first, last) = *receiver.span.lock().expect("span");
        let seconds = match (first, last) {
            (Some(first), Some(last)) => (last - first).as_secs_f64(),
            _ => 0.0,
        };
        rows.push(Row {
            backend: backend.name(),
            workers,
            deliveries: options.deliveries,
            seconds,
        });
    }
    drop(queuer);
    drop(database);
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(rows)
}

/// `metacore-app serve` on `url` with `workers` delivery workers and the receiver allowed.
fn serve(app: &Path, url: &str, workers: usize, log: &Path) -> Result<Server, String> {
    let port = free_port()?;
    let mut command = Command::new(app);
    command
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .args(["--database-url", url])
        .env("METACORE_JWT_SECRET", SECRET)
        .env("METACORE_EGRESS_ALLOW", "127.0.0.1")
        .env("METACORE_WEBHOOK_WORKERS", workers.to_string())
        .env("METACORE_WEBHOOK_POLL_MS", "20")
        .env("RUST_LOG", "warn");
    Server::spawn("metacore-app", command, port, log.to_path_buf(), |port| {
        matches!(http(port, "GET", "/api/health", None, None), Ok((200, _)))
    })
}

fn print_table(rows: &[Row], options: &Options) {
    println!();
    println!(
        "Outbound webhook deliveries to a local receiver ({} per run, release build, {} cores)",
        options.deliveries,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!("| backend | workers | deliveries | seconds | deliveries/s |");
    println!("|---|---:|---:|---:|---:|");
    for row in rows {
        let rate = if row.seconds > 0.0 {
            (row.deliveries - 1) as f64 / row.seconds
        } else {
            0.0
        };
        println!(
            "| {} | {} | {} | {:.2} | {:.0} |",
            row.backend, row.workers, row.deliveries, row.seconds, rate
        );
    }
}
