//! `cargo xtask codegen [--check]`: `generated/` is the output of
//! `metacore-gen build manifests/`, and this keeps it so.
//!
//! Two committed artifacts exist only once something is compiled: `generated/openapi.json`,
//! the OpenAPI document the generated `metacore-app` serves, and the showcase addon's
//! `backend/backend.wasm`, compiled from its `backend.wat`. After the tree is written (or
//! found current) the tests comparing them run
//! (`cargo test --workspace --test http_api -- committed_`), rewriting them
//! (`METACORE_UPDATE=1`) when not `--check`ing.

use std::process::ExitCode;

use metacore_gen::build::{self, BuildOutcome, BuildRequest, TreeChanges};

use crate::workspace_root;

/// Rebuilds `generated/`, or with `--check` reports how it differs from a fresh build.
pub fn run(args: &[String]) -> ExitCode {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => {
            eprintln!("usage: cargo xtask codegen [--check]");
            return ExitCode::from(2);
        }
    };
    let root = workspace_root();
    // Paths relative to the root, as the generated docs name the manifests.
    if let Err(e) = std::env::set_current_dir(&root) {
        eprintln!("error: cannot enter {}: {e}", root.display());
        return ExitCode::from(2);
    }
    let request = BuildRequest {
        paths: vec!["manifests".into()],
        out: "generated".into(),
        crate_name: "metacore-generated".into(),
        allow_destructive: false,
        runtime_path: None,
    };
    let tree = match build::build(&request) {
        Ok(BuildOutcome::Built { tree, .. }) => tree,
        Ok(BuildOutcome::Rejected { reports }) => {
            for report in &reports {
                eprint!("{}", report.render_human(false));
            }
            eprintln!("error: manifests/ does not build; run `cargo run -p metacore-gen -- build manifests/` for details");
            return ExitCode::FAILURE;
        }
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    if check {
        let changes = build::compare_tree(&request.out, &tree);
        if changes.is_empty() {
            println!("generated/ is up to date ({} files)", tree.len());
            return compiled_artifacts(Mode::Check);
        }
        eprintln!("generated/ is stale: run `cargo xtask codegen` and commit the result");
        print_changes(&changes);
        return ExitCode::FAILURE;
    }
    match build::write_tree(&request.out, &tree) {
        Ok(changes) if changes.is_empty() => {
            println!("generated/ is up to date ({} files)", tree.len());
        }
        Ok(changes) => {
            println!("generated/ updated:");
            print_changes(&changes);
        }
        Err(e) => {
            eprintln!("error: cannot write generated/: {e}");
            return ExitCode::from(2);
        }
    }
    compiled_artifacts(Mode::Write)
}

#[derive(PartialEq)]
enum Mode {
    Check,
    Write,
}

/// Compiles the generated crate and compares (or rewrites) `generated/openapi.json` and
/// the showcase backend.
fn compiled_artifacts(mode: Mode) -> ExitCode {
    let verb = if mode == Mode::Write {
        "writing"
    } else {
        "checking"
    };
    println!(
        "{verb} generated/openapi.json and manifests/showcase/backend/backend.wasm (compiles the generated crate)"
    );
    let mut test = crate::cargo();
    test.args(["test", "--quiet", "--workspace", "--test", "http_api", "--"])
        .arg("committed_");
    if mode == Mode::Write {
        test.env("METACORE_UPDATE", "1");
    } else {
        test.env_remove("METACORE_UPDATE");
    }
    match test.status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => {
            eprintln!("error: a compiled artifact is stale; run `cargo xtask codegen`");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            ExitCode::from(2)
        }
    }
}

fn print_changes(changes: &TreeChanges) {
    for (label, paths) in [
        ("added", &changes.added),
        ("changed", &changes.changed),
        ("removed", &changes.removed),
    ] {
        for path in paths {
            eprintln!("  {label:>7}  generated/{}", path.display());
        }
    }
}
