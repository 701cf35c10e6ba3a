//! `metacore-gen`: the command-line front of the metacore compiler library.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use metacore_gen::build::{BuildOutcome, BuildRequest};
use metacore_gen::diagnostics::{FileReport, LocatedDiagnostic, Tally};
use metacore_gen::frontend;

use metacore_bundle::signature::{Detached, PublicKey, SecretKey};

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
        /// The metacore-runtime crate to depend on (default: the one beside this compiler);
        /// metacore-gen, which the app links to install bundles, is taken from beside it.
        #[arg(long, value_name = "DIR")]
        runtime_path: Option<PathBuf>,
        /// Output format of diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Manifest files or directories.
        #[arg(required = true, value_name = "MANIFEST_PATH")]
        paths: Vec<PathBuf>,
    },
    /// Write an addon directory as a deterministic bundle (`.tar.gz`) ready to sign.
    ///
    /// Validates DIR/manifest.json with the full front end first, as `validate` does, and
    /// refuses a manifest with errors. The bundle holds manifest.json (its exact bytes),
    /// backend/backend.wasm, README.md and everything under migrations/, frontend/, locales/,
    /// i18n/, assets/ and templates/ (hidden files excluded). The same files always give
    /// byte-identical bundles, whatever their timestamps. Prints the bundle's SHA-256, the
    /// digest `sign` signs.
    ///
    /// Exit status: 0 written, 1 errors in the manifest or the files, 2 usage or I/O errors.
    Bundle {
        /// The bundle to write (default: `<key>-<version>.tar.gz` in the current directory).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Output format of diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// The addon directory (holding manifest.json).
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Generate an Ed25519 key pair for signing bundles.
    ///
    /// Writes PREFIX.key (the secret key in hex, readable by its owner only; keep it out of
    /// version control) and PREFIX.pub (the public key in hex, for the servers'
    /// METACORE_TRUSTED_KEYS). Never overwrites an existing key. Prints the public key.
    ///
    /// Exit status: 0 written, 2 when a file exists or cannot be written.
    Keygen {
        /// The path prefix of the two key files.
        #[arg(long, value_name = "PREFIX")]
        out: PathBuf,
    },
    /// Sign a bundle: Ed25519 over the SHA-256 of its exact bytes, written to FILE.sig.
    ///
    /// The bundle is read with the installer's checks first; an invalid bundle is not
    /// signed. FILE.sig holds the 64-byte signature as 128 hex characters.
    ///
    /// Exit status: 0 signed, 1 invalid bundle, 2 usage or I/O errors.
    Sign {
        /// The secret key file written by `keygen`.
        #[arg(long, value_name = "PREFIX.key")]
        key: PathBuf,
        /// The bundle to sign.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Verify a bundle's signature and run the installer's checks on the bundle.
    ///
    /// The signature file may hold the signature in hex or base64, or the JSON detached
    /// signature document (whose `digest` and `checksums` are checked too). The signature is
    /// checked over the exact bytes first, then the archive is read with every limit and path
    /// rule the installer applies.
    ///
    /// Exit status: 0 valid, 1 refused (the message names the error code), 2 usage or I/O
    /// errors.
    Verify {
        /// The signer's public key: 64 hex characters, or a `.pub` file written by `keygen`.
        #[arg(long = "pub", value_name = "HEX")]
        public: String,
        /// The signature file (default: FILE.sig).
        #[arg(long, value_name = "FILE.sig")]
        signature: Option<PathBuf>,
        /// The bundle to verify.
        #[arg(value_name = "FILE")]
        file: PathBuf,
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
        Command::Bundle { out, format, dir } => bundle(&dir, out, format),
        Command::Keygen { out } => keygen(&out),
        Command::Sign { key, file } => sign(&key, &file),
        Command::Verify {
            public,
            signature,
            file,
        } => verify(&public, signature, &file),
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

fn bundle(dir: &Path, out: Option<PathBuf>, format: Format) -> ExitCode {
    let manifest = dir.join(metacore_bundle::MANIFEST_PATH);
    if !manifest.is_file() {
        eprintln!("error: `{}` has no manifest.json", dir.display());
        return ExitCode::from(2);
    }
    let mut manifests = frontend::run(&[manifest], &frontend::Options::default());
    let Some(checked) = manifests.pop() else {
        eprintln!("error: the front end returned no report");
        return ExitCode::from(2);
    };
    if !checked.report.diagnostics.is_empty() {
        print_reports(std::slice::from_ref(&checked.report), false, format);
    }
    let addon = match checked.addon {
        Some(addon) if !checked.report.has_errors(false) => addon,
        _ => {
            eprintln!("error: the manifest has errors; no bundle was written");
            return ExitCode::from(1);
        }
    };
    let inputs = match metacore_bundle::collect(dir) {
        Ok(inputs) => inputs,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let bytes = match metacore_bundle::write(&inputs) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: {}: {e}", e.code());
            return ExitCode::from(1);
        }
    };
    let out =
        out.unwrap_or_else(|| PathBuf::from(format!("{}-{}.tar.gz", addon.key, addon.version)));
    if let Err(e) = std::fs::write(&out, &bytes) {
        eprintln!("error: cannot write `{}`: {e}", out.display());
        return ExitCode::from(2);
    }
    eprintln!(
        "wrote `{}`: {} file(s), {} bytes",
        out.display(),
        inputs.len(),
        bytes.len()
    );
    println!("sha256 {}", hex::encode(metacore_bundle::sha256(&bytes)));
    ExitCode::SUCCESS
}

fn keygen(prefix: &Path) -> ExitCode {
    match SecretKey::generate_files(prefix) {
        Ok((secret, [key, public])) => {
            eprintln!(
                "wrote `{}` (secret, keep it private) and `{}`",
                key.display(),
                public.display()
            );
            println!("{}", secret.public_key().to_hex());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn sign(key: &Path, file: &Path) -> ExitCode {
    let secret = match SecretKey::read_file(key) {
        Ok(secret) => secret,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let bytes = match read_bundle(file) {
        Ok(bytes) => bytes,
        Err(code) => return code,
    };
    if let Err(e) = metacore_bundle::read(bytes.as_slice()) {
        eprintln!("error: {}: `{}`: {e}", e.code(), file.display());
        return ExitCode::from(1);
    }
    let out = signature_path(file);
    let signature = secret.sign(&bytes);
    if let Err(e) = std::fs::write(&out, format!("{}\n", signature.to_hex())) {
        eprintln!("error: cannot write `{}`: {e}", out.display());
        return ExitCode::from(2);
    }
    eprintln!(
        "wrote `{}` (key {})",
        out.display(),
        secret.public_key().to_hex()
    );
    ExitCode::SUCCESS
}

fn verify(public: &str, signature: Option<PathBuf>, file: &Path) -> ExitCode {
    let key = match PublicKey::from_arg(public) {
        Ok(key) => key,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let bytes = match read_bundle(file) {
        Ok(bytes) => bytes,
        Err(code) => return code,
    };
    let signature_file = signature.unwrap_or_else(|| signature_path(file));
    let text = match std::fs::read_to_string(&signature_file) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", signature_file.display());
            return ExitCode::from(2);
        }
    };
    let digest = metacore_bundle::sha256(&bytes);
    let checked = Detached::parse(&text).and_then(|detached| {
        detached.verify(&[key], &digest)?;
        let bundle = metacore_bundle::read(bytes.as_slice())?;
        detached.check_checksums(&bundle)?;
        Ok(bundle)
    });
    match checked {
        Ok(bundle) => {
            println!(
                "verified `{}`: signed by {}, {} file(s), sha256 {}",
                file.display(),
                key.to_hex(),
                bundle.entries().len(),
                hex::encode(digest)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: `{}`: {e}", e.code(), file.display());
            ExitCode::from(1)
        }
    }
}

/// Reads a bundle file, refusing one above the installer's upload cap without reading it all.
fn read_bundle(path: &Path) -> Result<Vec<u8>, ExitCode> {
    use std::io::Read as _;
    let limit = metacore_bundle::MAX_COMPRESSED_BYTES;
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(limit + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        eprintln!("error: cannot read `{}`: {e}", path.display());
        return Err(ExitCode::from(2));
    }
    if bytes.len() as u64 > limit {
        eprintln!(
            "error: payload_too_large: `{}` is larger than {limit} bytes",
            path.display()
        );
        return Err(ExitCode::from(1));
    }
    Ok(bytes)
}

/// `FILE.sig` beside `FILE`.
fn signature_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}
