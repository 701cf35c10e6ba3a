//! `metacore-gen`: the command-line front of the metacore compiler library.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use metacore_gen::build::{BuildOutcome, BuildRequest};
use metacore_gen::diagnostics::{FileReport, LocatedDiagnostic, Tally};
use metacore_gen::frontend;

/// The metacore compiler: checks addon manifests (Module Contract v3 and legacy v2) and
/// compiles them into a typed Rust crate.
#[derive(Parser)]
#[command(name = "metacore-gen", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate manifests and report every problem with its file:line:column.
    ///
    /// PATHs are manifest files or directories. A directory holding `manifest.json` is one
    /// addon; any other directory is searched recursively for `*.json` files.
    ///
    /// Exit status: 0 when there is no error (warnings allowed unless --strict), 1 when any
    /// manifest has an error, 2 for usage errors (bad flags, unreadable paths).
    Validate {
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
        /// Output format: `human` (source snippets) or `json` (one array of diagnostics).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Check this WASM module instead of `backend/backend.wasm` beside each manifest.
        #[arg(long, value_name = "PATH")]
        wasm: Option<PathBuf>,
        /// Manifest files or directories.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Compile manifests into a Rust crate: sea-orm entities, migrations, registry.
    ///
    /// Validates first: any error stops the build and nothing is written. The crate's
    /// `metacore.lock.json` records the migrations generated so far; when a manifest's schema
    /// changed since, one new migration with the difference is added. Destructive changes
    /// (dropping a table or column, narrowing a type, NOT NULL without a default) are refused
    /// unless --allow-destructive. Recorded migrations are never rewritten.
    ///
    /// Exit status: 0 built, 1 errors in the manifests, 2 usage or I/O errors.
    Build {
        /// The crate directory to write (created when missing).
        #[arg(long, value_name = "DIR", default_value = "generated")]
        out: PathBuf,
        /// Package name of the generated crate.
        #[arg(long, value_name = "NAME", default_value = "metacore-generated")]
        crate_name: String,
        /// Record destructive schema changes (drops, narrowing) instead of refusing them.
        #[arg(long)]
        allow_destructive: bool,
        /// The metacore-runtime crate to depend on (default: the one beside this compiler).
        #[arg(long, value_name = "DIR")]
        runtime_path: Option<PathBuf>,
        /// Output format of diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Manifest files or directories.
        #[arg(required = true, value_name = "MANIFEST_PATH")]
        paths: Vec<PathBuf>,
    },
    /// Print a JSON Schema for manifest files (v3, or legacy v2), for editor completion.
    ///
    /// Point your editor's `json.schemas` setting (or a `"$schema"` key) at the output.
    Schema,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate {
            strict,
            format,
            wasm,
            paths,
        } => validate(&paths, strict, format, wasm),
        Command::Build {
            out,
            crate_name,
            allow_destructive,
            runtime_path,
            format,
            paths,
        } => build(
            BuildRequest {
                paths,
                out,
                crate_name,
                allow_destructive,
                runtime_path,
            },
            format,
        ),
        Command::Schema => {
            let schema = metacore_gen::editor_schema();
            let text = serde_json::to_string_pretty(&schema).expect("schema serialises");
            println!("{text}");
            ExitCode::SUCCESS
        }
    }
}

fn validate(paths: &[PathBuf], strict: bool, format: Format, wasm: Option<PathBuf>) -> ExitCode {
    let files = match frontend::collect_inputs(paths) {
        Ok(files) if !files.is_empty() => files,
        Ok(_) => {
            eprintln!("error: no manifest files found under the given paths");
            return ExitCode::from(2);
        }
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let options = frontend::Options {
        wasm_override: wasm,
        ..frontend::Options::default()
    };
    let reports: Vec<FileReport> = frontend::run(&files, &options)
        .into_iter()
        .map(|m| m.report)
        .collect();
    print_reports(&reports, strict, format);
    if reports.iter().any(|r| r.has_errors(strict)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints the diagnostics of `reports` in `format`; human output ends with a tally line.
fn print_reports(reports: &[FileReport], strict: bool, format: Format) {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Json => {
            let all: Vec<LocatedDiagnostic> =
                reports.iter().flat_map(|r| r.located(strict)).collect();
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&all).expect("diagnostics serialise")
            );
        }
        Format::Human => {
            for report in reports {
                let _ = write!(out, "{}", report.render_human(strict));
            }
            let tally = Tally::of(reports, strict);
            let rejected = reports.iter().filter(|r| r.has_errors(strict)).count();
            let _ = writeln!(
                out,
                "{} file(s) checked: {} accepted, {} rejected; {} error(s), {} warning(s), {} note(s)",
                reports.len(),
                reports.len() - rejected,
                rejected,
                tally.errors,
                tally.warnings,
                tally.notes
            );
        }
    }
}

fn build(request: BuildRequest, format: Format) -> ExitCode {
    let outcome = match metacore_gen::build::build(&request) {
        Ok(outcome) => outcome,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    match outcome {
        BuildOutcome::Rejected { reports } => {
            print_reports(&reports, false, format);
            eprintln!("error: the build stopped on the errors above; nothing was written");
            ExitCode::from(1)
        }
        BuildOutcome::Built {
            tree,
            reports,
            new_migrations,
            addons,
            models,
        } => {
            print_reports(&reports, false, format);
            let changes = match metacore_gen::build::write_tree(&request.out, &tree) {
                Ok(changes) => changes,
                Err(e) => {
                    eprintln!("error: cannot write `{}`: {e}", request.out.display());
                    return ExitCode::from(2);
                }
            };
            eprintln!(
                "built {addons} addon(s), {models} model(s) into `{}`: {} file(s) written, {} removed, {} unchanged",
                request.out.display(),
                changes.added.len() + changes.changed.len(),
                changes.removed.len(),
                tree.len() - changes.added.len() - changes.changed.len(),
            );
            for name in new_migrations {
                eprintln!("new migration: {name}");
            }
            ExitCode::SUCCESS
        }
    }
}
