//! `cargo xtask bench`: the front end over the whole corpus, beside a serde_json baseline.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use metacore_gen::frontend::{self, Options};

use crate::workspace_root;

/// `cargo xtask bench`.
pub fn run(args: &[String]) -> ExitCode {
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

/// Timings of repeated runs.
pub struct Stats {
    /// Median.
    pub median: Duration,
    /// Fastest.
    pub min: Duration,
    /// Slowest.
    pub max: Duration,
}

/// Runs `f` `iterations` times.
pub fn measure(iterations: usize, mut f: impl FnMut()) -> Stats {
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

/// `d` in milliseconds.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
