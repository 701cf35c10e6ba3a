//! `cargo xtask bench-build`: how fast `build` is, and how the generated crate's compile
//! time grows with its model count.
//!
//! Three measurements, side by side in one run: `build` (in memory, no writes) over every
//! buildable corpus manifest, in groups; over one synthetic manifest of 1,000 models; and
//! `cargo build` of generated crates of several sizes, each after a warm-up build of the same
//! crate size so only the generated code is compiled, never the dependencies (kept in
//! `<target>/bench-build` between runs).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use metacore_gen::build::{self, BuildOutcome, BuildRequest};

use crate::bench::{measure, ms};
use crate::workspace_root;

/// Runs the benchmark.
pub fn run(args: &[String]) -> ExitCode {
    let sizes: Vec<usize> = match args {
        [] => vec![10, 50, 100],
        [flag, list] if flag == "--sizes" => match list.split(',').map(str::parse).collect() {
            Ok(sizes) => sizes,
            Err(_) => {
                eprintln!("error: --sizes takes numbers separated by commas");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("usage: cargo xtask bench-build [--sizes 10,50,100]");
            return ExitCode::from(2);
        }
    };
    let scratch = std::env::temp_dir().join(format!("metacore-bench-build-{}", std::process::id()));
    let result = run_in(&scratch, &sizes);
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

fn run_in(scratch: &Path, sizes: &[usize]) -> ExitCode {
    let groups = metacore_tests::buildable_groups(&metacore_tests::all_corpus_files());
    let files: usize = groups.iter().map(Vec::len).sum();
    let corpus = measure(10, || {
        for group in &groups {
            std::hint::black_box(build_in_memory(group.clone(), &scratch.join("corpus")));
        }
    });
    let synthetic = scratch.join("synthetic-1000");
    write_synthetic(&synthetic, 1000);
    let thousand = measure(5, || {
        std::hint::black_box(build_in_memory(
            vec![synthetic.join("manifest.json")],
            &scratch.join("out-1000"),
        ));
    });
    println!("| build | median | min | max | target |");
    println!("|---|---|---|---|---|");
    println!(
        "| corpus: {files} manifests in {} groups | {} | {} | {} | < 1 s: {} |",
        groups.len(),
        ms(corpus.median),
        ms(corpus.min),
        ms(corpus.max),
        verdict(corpus.median, Duration::from_secs(1))
    );
    println!(
        "| synthetic: 1,000 models | {} | {} | {} | < 5 s: {} |",
        ms(thousand.median),
        ms(thousand.min),
        ms(thousand.max),
        verdict(thousand.median, Duration::from_secs(5))
    );
    println!(
        "\n| models | cargo build of the generated crate | per model | vs. smallest (per model) |"
    );
    println!("|---|---|---|---|");
    // Kept between runs so dependencies compile once.
    let target_dir = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join("target"))
        .join("bench-build");
    let mut first_per_model = None;
    for &size in sizes {
        let manifests = scratch.join(format!("synthetic-{size}"));
        write_synthetic(&manifests, size);
        let out = scratch.join(format!("crate-{size}"));
        let request = request(vec![manifests.join("manifest.json")], &out);
        match build::build(&request) {
            Ok(BuildOutcome::Built { tree, .. }) => {
                if let Err(e) = build::write_tree(&out, &tree) {
                    eprintln!("error: cannot write {}: {e}", out.display());
                    return ExitCode::FAILURE;
                }
            }
            _ => {
                eprintln!("error: the synthetic manifest of {size} models does not build");
                return ExitCode::FAILURE;
            }
        }
        // Warm up: dependencies, then touch the crate so only it is rebuilt and timed.
        if !cargo_build(&out, &target_dir) {
            return ExitCode::FAILURE;
        }
        let lib = out.join("src/lib.rs");
        let text = std::fs::read_to_string(&lib).unwrap_or_default();
        let _ = std::fs::write(&lib, format!("{text}\n"));
        let start = Instant::now();
        if !cargo_build(&out, &target_dir) {
            return ExitCode::FAILURE;
        }
        let elapsed = start.elapsed();
        let per_model = elapsed.as_secs_f64() / size as f64;
        let base = *first_per_model.get_or_insert(per_model);
        println!(
            "| {size} | {:.2} s | {:.1} ms | {:.2}x |",
            elapsed.as_secs_f64(),
            per_model * 1000.0,
            per_model / base
        );
    }
    ExitCode::SUCCESS
}

fn verdict(measured: Duration, target: Duration) -> &'static str {
    if measured < target {
        "met"
    } else {
        "NOT met"
    }
}

fn request(paths: Vec<PathBuf>, out: &Path) -> BuildRequest {
    BuildRequest {
        paths,
        out: out.to_path_buf(),
        crate_name: "metacore-bench".into(),
        allow_destructive: false,
        runtime_path: Some(workspace_root().join("metacore-runtime")),
    }
}

fn build_in_memory(paths: Vec<PathBuf>, out: &Path) -> usize {
    match build::build(&request(paths, out)) {
        Ok(BuildOutcome::Built { tree, .. }) => tree.len(),
        _ => 0,
    }
}

fn cargo_build(dir: &Path, target_dir: &Path) -> bool {
    let status = crate::cargo()
        .args(["build", "--quiet", "--offline"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .status();
    match status {
        Ok(status) if status.success() => true,
        other => {
            eprintln!("error: cargo build in {} failed: {other:?}", dir.display());
            false
        }
    }
}

/// A v3 manifest of `models` models (each with a reference to the previous one and one of
/// every column type) in `dir/manifest.json`.
pub fn write_synthetic(dir: &Path, models: usize) {
    let models: Vec<serde_json::Value> = (0..models)
        .map(|i| {
            let mut columns = vec![
                serde_json::json!({"name": "id", "type": "uuid", "primary_key": true, "default": "gen_random_uuid()"}),
                serde_json::json!({"name": "organization_id", "type": "uuid", "not_null": true}),
                serde_json::json!({"name": "name", "type": "text", "not_null": true}),
                serde_json::json!({"name": "code", "type": "varchar(40)"}),
                serde_json::json!({"name": "quantity", "type": "integer"}),
                serde_json::json!({"name": "amount", "type": "numeric(18,4)"}),
                serde_json::json!({"name": "active", "type": "boolean", "default": true}),
                serde_json::json!({"name": "due_on", "type": "date"}),
                serde_json::json!({"name": "data", "type": "jsonb"}),
                serde_json::json!({"name": "created_at", "type": "timestamptz", "not_null": true, "default": "now()"}),
            ];
            if i > 0 {
                columns.push(serde_json::json!({"name": "parent_id", "type": "uuid", "ref": format!("items_{:04}", i - 1)}));
            }
            serde_json::json!({
                "key": format!("Item{i:04}"),
                "table": format!("items_{i:04}"),
                "columns": columns,
                "indices": [{"name": format!("items_{i:04}_code_idx"), "columns": ["code"]}],
            })
        })
        .collect();
    let manifest = serde_json::json!({
        "apiVersion": "asteby.com/v3",
        "kind": "Addon",
        "metadata": {"key": "synthetic", "name": "Synthetic", "version": "1.0.0"},
        "compatibility": {"requires": [{"key": "kernel", "version": ">=3.0.0 <4.0.0"}]},
        "tenancy": {"isolation": "shared", "rls_column": "organization_id"},
        "models": models,
    });
    std::fs::create_dir_all(dir).expect("scratch directory");
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_string_pretty(&manifest).expect("serialises"),
    )
    .expect("synthetic manifest written");
}
