//! Project automation, run as `cargo xtask <command>`.
//!
//! * `cargo xtask bench [--iterations N]` — validates the whole shared corpus in one process,
//!   N times, and prints a table of timings beside a baseline measured in the same run
//!   (plain `serde_json` parsing of the same files), with the ratio between them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use metacore_gen::frontend::{self, Options};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => bench(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask bench [--iterations N]\n\n\
                 bench   time `metacore-gen validate` over the whole corpus in one process,\n        \
                 beside a serde_json-parse baseline of the same files, and print a table"
            );
            ExitCode::from(2)
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn bench(args: &[String]) -> ExitCode {
    let iterations: usize = match args {
        [] => 30,
        [flag, n] if flag == "--iterations" => match n.parse() {
            Ok(n) if n > 0 => n,
            _ => {
                eprintln!("error: --iterations takes a positive number");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("usage: cargo xtask bench [--iterations N]");
            return ExitCode::from(2);
        }
    };
    let corpus = workspace_root().join("../shared/corpus");
    let files = match frontend::collect_inputs(&[corpus.join("v3"), corpus.join("v2")]) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: {e} (the shared corpus must sit beside the repository)");
            return ExitCode::FAILURE;
        }
    };
    let contents: Vec<(PathBuf, Vec<u8>)> = files
        .iter()
        .map(|p| (p.clone(), std::fs::read(p).expect("corpus file readable")))
        .collect();
    let options = Options::default();
    // Warm up: compiles the embedded schemas once, as a long-running process would.
    let mut diagnostics = 0;
    for (path, bytes) in &contents {
        diagnostics += frontend::load(path, bytes, &options)
            .report
            .diagnostics
            .len();
    }

    let validate = measure(iterations, || {
        for (path, bytes) in &contents {
            std::hint::black_box(frontend::load(path, bytes, &options));
        }
    });
    let validate_with_io = measure(iterations, || {
        std::hint::black_box(frontend::run(&files, &options));
    });
    let baseline = measure(iterations, || {
        for (_, bytes) in &contents {
            std::hint::black_box(serde_json::from_slice::<serde_json::Value>(bytes).ok());
        }
    });

    println!(
        "corpus: {} files, {} KiB, {} diagnostics; {} iterations\n",
        contents.len(),
        contents.iter().map(|(_, b)| b.len()).sum::<usize>() / 1024,
        diagnostics,
        iterations
    );
    println!("| what | median | min | max | ratio to baseline (median) |");
    println!("|---|---|---|---|---|");
    for (name, stats) in [
        ("validate whole corpus (in memory)", &validate),
        (
            "validate whole corpus (read files + build checks)",
            &validate_with_io,
        ),
        (
            "baseline: serde_json::from_slice of the same files",
            &baseline,
        ),
    ] {
        println!(
            "| {name} | {} | {} | {} | {:.1}x |",
            ms(stats.median),
            ms(stats.min),
            ms(stats.max),
            stats.median.as_secs_f64() / baseline.median.as_secs_f64()
        );
    }
    let target = Duration::from_millis(100);
    println!(
        "\ntarget: whole corpus under {} → {}",
        ms(target),
        if validate_with_io.median < target {
            "met"
        } else {
            "NOT met"
        }
    );
    ExitCode::SUCCESS
}

struct Stats {
    median: Duration,
    min: Duration,
    max: Duration,
}

fn measure(iterations: usize, mut f: impl FnMut()) -> Stats {
    let mut times: Vec<Duration> = (0..iterations)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    Stats {
        median: times[times.len() / 2],
        min: times[0],
        max: times[times.len() - 1],
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
