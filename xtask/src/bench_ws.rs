//! `cargo xtask bench-ws`: how many WebSocket frames `metacore-app` delivers per second, and
//! how long a committed write takes to reach every socket, with N clients on loopback.
//!
//! Per backend, one fresh database is migrated by `metacore-app migrate` and one server
//! (release build) serves it. For each client count, N clients join `model:customers` (the
//! channel of the showcase addon's customers) and one more client joins it and never reads —
//! with a 4 KiB receive buffer, so its queue fills. A writer then creates customers over HTTP
//! at a fixed rate (the offered frames per second divided by N, in events per second) for the
//! run's duration. Every canonical `showcase.Customer.created` event fans out to every
//! member: frames delivered = events × N when nothing is lost.
//!
//! Latency is measured from the moment the writer sent the create (an upper bound of "from
//! commit": it includes the insert and its transaction) to the frame's arrival, per frame.
//! Clients run in this process on the same two cores as the server, so the numbers are
//! what one machine does with both sides of every socket; the clients only scan each frame
//! for the customer's name instead of parsing it, to keep their share small.

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

use crate::bench_http::fixture::{self, Backend, Database};
use crate::bench_http::{build_metacore_app, http, Server};

const USAGE: &str = "usage: cargo xtask bench-ws [--clients 1000,5000] [--frames-per-sec N] \
    [--duration SECS] [--backends sqlite,postgres] [--help]";

const HELP: &str = "
N WebSocket clients on loopback joined to model:customers of a release metacore-app, plus one
client that never reads; a writer creates customers over HTTP at (frames per second / N)
events per second. Prints per backend and client count: events written, frames expected and
delivered, delivered frames per second, p50/p99/max latency from the create to the frame, and
whether the slow client was disconnected (1013). Targets: >= 50,000 frames/s delivered and
p99 < 100 ms at 1,000 clients.

options:
  --clients LIST        client counts, one run each (default 1000,5000)
  --frames-per-sec N    frames offered per second (default 60000: above the 50,000 target,
                        so keeping up at a low p99 meets it; offer more to find where the
                        server saturates and latency grows without bound)
  --duration SECS       seconds of writing per run (default 5)
  --backends LIST       sqlite,postgres (default sqlite; postgres needs .ci/postgres.sh)
  -h, --help            this text";

struct Options {
    clients: Vec<usize>,
    frames_per_sec: u64,
    duration: Duration,
    backends: Vec<Backend>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Option<Options>, String> {
        let mut options = Options {
            clients: vec![1000, 5000],
            frames_per_sec: 60_000,
            duration: Duration::from_secs(5),
            backends: vec![Backend::Sqlite],
        };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let mut value = || {
                args.next()
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            let number = |text: String| {
                text.parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("{flag}: `{text}` is not a positive number"))
            };
            match flag.as_str() {
                "-h" | "--help" => return Ok(None),
                "--clients" => {
                    options.clients = value()?
                        .split(',')
                        .map(|n| number(n.trim().to_string()).map(|n| n as usize))
                        .collect::<Result<_, _>>()?
                }
                "--frames-per-sec" => options.frames_per_sec = number(value()?)?,
                "--duration" => options.duration = Duration::from_secs(number(value()?)?),
                "--backends" => {
                    options.backends = value()?
                        .split(',')
                        .map(|b| match b.trim() {
                            "sqlite" => Ok(Backend::Sqlite),
                            "postgres" => Ok(Backend::Postgres),
                            other => Err(format!("--backends: unknown backend `{other}`")),
                        })
                        .collect::<Result<_, _>>()?
                }
                other => return Err(format!("unknown option `{other}`")),
            }
        }
        Ok(Some(options))
    }
}

/// One run's outcome.
struct Outcome {
    clients: usize,
    rate: u64,
    events: u64,
    delivered: u64,
    elapsed: Duration,
    latencies: Vec<u32>,
    short: usize,
    slow: String,
}

/// Runs the benchmark.
pub fn run(args: &[String]) -> ExitCode {
    let options = match Options::parse(args) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}\n{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("error: {error}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let app = match build_metacore_app() {
        Ok(app) => app,
        Err(error) => {
            eprintln!("error: metacore-app: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = false;
    for backend in &options.backends {
        match bench_backend(&app, *backend, &options) {
            Ok(outcomes) => print_table(*backend, &outcomes),
            Err(error) => {
                eprintln!("error: {}: {error}", backend.name());
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn bench_backend(app: &Path, backend: Backend, options: &Options) -> Result<Vec<Outcome>, String> {
    let scratch = std::env::temp_dir().join(format!(
        "metacore-bench-ws-{}-{}",
        backend.name(),
        std::process::id()
    ));
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let database = Database::start(backend, &scratch)?;
    fixture::migrate(Some(app), &database.url)?;
    let token = fixture::token(Some(app), crate::bench_http::SECRET)?;
    let mut outcomes = Vec::new();
    for &clients in &options.clients {
        eprintln!(
            "{}: {clients} clients, {} frames/s offered",
            backend.name(),
            options.frames_per_sec
        );
        let server = Server::start(
            "metacore-app",
            app,
            &["serve"],
            &database.url,
            scratch.join(format!("server-{clients}.log")),
        )?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let outcome = runtime.block_on(one_run(server.port, &token, clients, options))?;
        drop(server);
        outcomes.push(outcome);
    }
    drop(database);
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(outcomes)
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(port: u16, token: &str, receive_buffer: Option<u32>) -> Result<Socket, String> {
    let url = format!("ws://127.0.0.1:{port}/api/ws?channel=model:customers&token={token}");
    let socket = tokio::net::TcpSocket::new_v4().map_err(|e| e.to_string())?;
    if let Some(size) = receive_buffer {
        socket
            .set_recv_buffer_size(size)
            .map_err(|e| e.to_string())?;
    }
    let stream = socket
        .connect(([127, 0, 0, 1], port).into())
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let (mut socket, _) =
        tokio_tungstenite::client_async(url, tokio_tungstenite::MaybeTlsStream::Plain(stream))
            .await
            .map_err(|e| format!("upgrade: {e}"))?;
    // The `subscribed` answer to the channel joined at connect.
    match tokio::time::timeout(Duration::from_secs(30), socket.next()).await {
        Ok(Some(Ok(Message::Text(text)))) if text.contains("subscribed") => Ok(socket),
        other => Err(format!("no `subscribed` frame: {other:?}")),
    }
}

/// The customer number `i` named in a frame (`"name":"bench-ws-<i>"`).
fn number_in(text: &str) -> Option<u64> {
    let start = text.find("\"name\":\"bench-ws-")? + "\"name\":\"bench-ws-".len();
    let digits: String = text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

async fn one_run(
    port: u16,
    token: &str,
    clients: usize,
    options: &Options,
) -> Result<Outcome, String> {
    let rate = (options.frames_per_sec / clients as u64).max(1);
    let events = (rate as f64 * options.duration.as_secs_f64()).ceil() as u64;
    // Connect everyone, 64 at a time.
    let mut sockets = Vec::with_capacity(clients);
    let mut pending = futures_util::stream::iter((0..clients).map(|_| connect(port, token, None)))
        .buffer_unordered(64);
    while let Some(socket) = pending.next().await {
        sockets.push(socket?);
    }
    let mut slow = connect(port, token, Some(4096)).await?;
    eprintln!(
        "  {clients} clients and one slow client connected; writing {events} events at {rate}/s"
    );
    let sent: Arc<Mutex<HashMap<u64, Instant>>> = Arc::default();
    let mut readers = Vec::with_capacity(clients);
    for mut socket in sockets {
        // Arrivals are kept per client and matched with the send times after the run, so
        // the clients share no lock while frames arrive.
        readers.push(tokio::spawn(async move {
            let mut arrivals = Vec::with_capacity(events as usize);
            while (arrivals.len() as u64) < events {
                let message =
                    match tokio::time::timeout(Duration::from_secs(20), socket.next()).await {
                        Ok(Some(Ok(message))) => message,
                        _ => break,
                    };
                let Message::Text(text) = message else {
                    continue;
                };
                if let Some(n) = number_in(&text) {
                    arrivals.push((n, Instant::now()));
                }
            }
            arrivals
        }));
    }
    // The writer: one create every 1/rate s, each on a thread of its own (HTTP/1.0).
    let started = Instant::now();
    let every = Duration::from_secs_f64(1.0 / rate as f64);
    let mut writes = Vec::new();
    for i in 0..events {
        let due = started + every.mul_f64(i as f64);
        tokio::time::sleep_until(due.into()).await;
        let sent = sent.clone();
        let token = token.to_string();
        writes.push(tokio::task::spawn_blocking(move || {
            sent.lock().expect("lock").insert(i, Instant::now());
            let body = format!("{{\"name\":\"bench-ws-{i}\"}}");
            http(
                port,
                "POST",
                "/api/data/customers",
                Some(&token),
                Some(&body),
            )
        }));
    }
    for write in writes {
        match write.await.map_err(|e| e.to_string())? {
            Ok((201, _)) => {}
            Ok((status, body)) => return Err(format!("a create answered {status}: {body}")),
            Err(error) => return Err(format!("a create failed: {error}")),
        }
    }
    let sent = sent.lock().expect("lock").clone();
    let mut latencies = Vec::new();
    let mut short = 0;
    let mut delivered = 0;
    let mut last_frame = started;
    for reader in readers {
        let arrivals = reader.await.map_err(|e| e.to_string())?;
        if (arrivals.len() as u64) < events {
            short += 1;
        }
        delivered += arrivals.len() as u64;
        for (n, arrived) in arrivals {
            last_frame = last_frame.max(arrived);
            if let Some(at) = sent.get(&n) {
                latencies.push(arrived.duration_since(*at).as_micros() as u32);
            }
        }
    }
    let elapsed = last_frame.duration_since(started);
    // What became of the client that never read.
    let mut buffered = 0u64;
    let slow = loop {
        match tokio::time::timeout(Duration::from_secs(2), slow.next()).await {
            Ok(Some(Ok(Message::Close(Some(frame))))) if frame.code == CloseCode::Again => {
                break format!("closed 1013 after {buffered} frames")
            }
            Ok(Some(Ok(Message::Text(_)))) => buffered += 1,
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(error))) => {
                break format!("connection ended ({error}) after {buffered} frames")
            }
            Ok(None) => break format!("connection ended after {buffered} frames"),
            Err(_) => break format!("still open; its buffers held all {buffered} frames"),
        }
    };
    latencies.sort_unstable();
    Ok(Outcome {
        clients,
        rate,
        events,
        delivered,
        elapsed,
        latencies,
        short,
        slow,
    })
}

fn percentile(sorted: &[u32], p: f64) -> String {
    if sorted.is_empty() {
        return "n/a".into();
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    format!("{:.1} ms", f64::from(sorted[index]) / 1000.0)
}

fn print_table(backend: Backend, outcomes: &[Outcome]) {
    println!(
        "\nbench-ws on {} (targets at 1,000 clients: >= 50,000 frames/s, p99 < 100 ms)\n",
        backend.name()
    );
    println!(
        "| clients | events/s | events | frames expected | delivered | frames/s | p50 | p99 | max | short clients | slow client |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for o in outcomes {
        let expected = o.events * o.clients as u64;
        let per_sec = o.delivered as f64 / o.elapsed.as_secs_f64().max(1e-9);
        println!(
            "| {} | {} | {} | {} | {} | {:.0} | {} | {} | {} | {} | {} |",
            o.clients,
            o.rate,
            o.events,
            expected,
            o.delivered,
            per_sec,
            percentile(&o.latencies, 0.5),
            percentile(&o.latencies, 0.99),
            percentile(&o.latencies, 1.0),
            o.short,
            o.slow,
        );
    }
}
