//! Code generation: IR → a Rust crate (`metacore-gen build`).
//!
//! The stages, each a module:
//!
//! 1. [`schema`] — the physical schema of each addon (tables, columns, indices, foreign keys).
//! 2. [`lock`] + [`evolution`] — what earlier builds recorded, and the migration steps from
//!    there to the manifest as it is now (destructive steps need explicit permission).
//! 3. [`ddl`] — SQL for each step, on PostgreSQL and SQLite.
//! 4. [`entity`], [`permissions`], [`api`], [`migration`], [`addon_module`], [`crate_root`]
//!    — the files: Rust built as token streams (`quote!`) and formatted by [`mod@format`]
//!    (prettyplease), the JSON metadata of [`crate::ui`], and the crate's `Cargo.toml`.
//!
//! [`model_module`] assembles the same pieces for one model into a single module body (what
//! `#[metacore::model]` expands to).
//!
//! What each registry descriptor holds is decided once, in `values` (IR → the runtime's
//! registry values), and `tokens` writes those values as Rust; [`crate::dynamic`] serves the
//! same values at run time without writing them out.
//!
//! [`plan`] decides the migrations; [`emit`] writes the file tree. Both are pure: the same
//! inputs give byte-identical output.

pub mod addon_module;
pub mod api;
pub mod crate_root;
pub mod ddl;
mod descriptor;
pub mod entity;
pub mod evolution;
pub mod format;
mod handlers;
pub mod lock;
pub mod migration;
pub mod model_module;
pub mod names;
pub mod permissions;
pub(crate) mod references;
pub mod roundtrip;
pub mod schema;
mod tokens;
pub(crate) mod values;

use std::collections::BTreeMap;
use std::path::PathBuf;

use proc_macro2::TokenStream;

use crate::diagnostics::Diagnostic;
use crate::ir::{Addon, ColumnType};
use evolution::Destructive;
use lock::{Lock, LOCK_FILE};
use schema::{physical_table, AddonSchema, MAX_IDENTIFIER_BYTES};

/// One addon to build: its IR and the manifest it came from (as shown in generated docs).
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The lowered addon.
    pub addon: &'a Addon,
    /// The manifest path, relative to where the build runs.
    pub manifest: &'a str,
    /// The backend module, embedded in the crate when the addon has WASM handlers.
    pub backend: Option<&'a [u8]>,
}

/// Options of a build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The package name of the generated crate.
    pub crate_name: String,
    /// The TOML value of the generated crate's `metacore-runtime` dependency
    /// (`{ path = "../metacore-runtime" }`).
    pub runtime_dependency: String,
    /// The TOML value of the generated crate's `metacore-gen` dependency: the binary hands
    /// the front end to the server so it can install signed bundles
    /// (`{ path = "../metacore-gen" }`).
    pub compiler_dependency: String,
    /// Add an empty `[workspace]` table, for a crate built outside any workspace.
    pub standalone: bool,
}

/// A diagnostic for input number `.0`.
pub type InputDiagnostic = (usize, Diagnostic);

/// The build-only gates: what `validate` accepts but this version cannot generate (MC0903),
/// and physical names PostgreSQL would truncate (MC0906).
pub fn check_buildable(addon: &Addon) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for model in &addon.models {
        let physical = physical_table(&addon.key, &model.table);
        if physical.len() > MAX_IDENTIFIER_BYTES {
            out.push(
                Diagnostic::error(
                    "MC0906",
                    format!(
                        "the table of `{}` would be named `{physical}`, {} bytes; databases keep at most {MAX_IDENTIFIER_BYTES}",
                        model.table,
                        physical.len()
                    ),
                )
                .at(format!("{}/table", model.src))
                .with_help("shorten the table name or the addon key (tables are stored as `addon_<key>__<table>`)"),
            );
        }
        for column in &model.columns {
            if let ColumnType::Vector(_) = column.column_type {
                out.push(
                    Diagnostic::error(
                        "MC0903",
                        format!(
                            "`{}.{}` is a `vector` column, which cannot be built yet",
                            model.table, column.name
                        ),
                    )
                    .at(format!("{}/type", column.src))
                    .with_help(
                        "store embeddings as `jsonb` for now, or leave this model out of the build",
                    ),
                );
            }
        }
    }
    out
}

/// Decides the migrations: for each input whose schema differs from what `previous` recorded,
/// one new migration. Destructive changes are refused with MC0907 (the lock keeps its old
/// state for that addon) unless `allow_destructive`. Addons recorded in `previous` but not
/// built now keep their record: their tables stay.
pub fn plan(
    inputs: &[Input],
    previous: &Lock,
    allow_destructive: bool,
) -> (Lock, Vec<InputDiagnostic>) {
    let mut lock = previous.clone();
    let mut diagnostics = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        let addon = input.addon;
        let entry = lock.addons.entry(addon.key.clone()).or_default();
        let (steps, destructive) = evolution::diff(&entry.schema(), &AddonSchema::of(addon));
        if steps.is_empty() {
            continue;
        }
        if !destructive.is_empty() && !allow_destructive {
            diagnostics.extend(
                destructive
                    .iter()
                    .map(|d| (index, destructive_diagnostic(addon, d))),
            );
            continue;
        }
        entry.record(&addon.key, &addon.version.to_string(), steps);
    }
    lock.addons.retain(|_, entry| !entry.migrations.is_empty());
    (lock, diagnostics)
}

fn destructive_diagnostic(addon: &Addon, change: &Destructive) -> Diagnostic {
    let model = addon.models.iter().find(|m| m.table == change.table);
    let pointer = match (model, &change.column) {
        (Some(model), Some(column)) => model
            .column(column)
            .map(|c| c.src.clone())
            .unwrap_or_else(|| format!("{}/columns", model.src)),
        (Some(model), None) => model.src.clone(),
        (None, _) => "/models".to_string(),
    };
    Diagnostic::error("MC0907", change.message.clone())
        .at(pointer)
        .with_help(format!(
            "{}; recorded migrations are never rewritten",
            change.help
        ))
}

/// The generated crate: relative path → file contents (text, or a backend module).
pub type Tree = BTreeMap<PathBuf, Vec<u8>>;

/// Writes the crate for `inputs` (sorted by addon key) with the migrations of `lock`.
pub fn emit(inputs: &[Input], lock: &Lock, options: &BuildOptions) -> Tree {
    let mut inputs: Vec<Input> = inputs.to_vec();
    inputs.sort_by(|a, b| a.addon.key.cmp(&b.addon.key));
    let mut tree = BTreeMap::<PathBuf, String>::new();
    let keys: Vec<&str> = inputs.iter().map(|i| i.addon.key.as_str()).collect();
    tree.insert("Cargo.toml".into(), crate_root::cargo_toml(options, &keys));
    tree.insert(LOCK_FILE.into(), lock.to_text());
    tree.insert(
        "rustfmt.toml".into(),
        "# Generated code is formatted by metacore-gen (prettyplease); rustfmt leaves it as\n\
         # written, so `cargo fmt --all` never makes the crate differ from its build.\n\
         disable_all_formatting = true\n"
            .into(),
    );
    tree.insert("src/lib.rs".into(), crate_root::lib_rs(&inputs));
    tree.insert(
        "src/bin/metacore-app.rs".into(),
        crate_root::main_rs(&options.crate_name),
    );
    for input in &inputs {
        let dir = PathBuf::from("src").join(names::sanitize(&input.addon.key));
        for (path, text) in addon_module::emit(input.addon, input.manifest, input.backend) {
            tree.insert(dir.join(path), text);
        }
    }
    let mut migration_names = Vec::new();
    for (addon_key, entry) in &lock.addons {
        for (name, text) in migration::emit_addon(addon_key, entry) {
            tree.insert(
                PathBuf::from("src/migrations").join(format!("{name}.rs")),
                text,
            );
            migration_names.push(name);
        }
    }
    tree.insert(
        "src/migrations/mod.rs".into(),
        migration::emit_mod(&migration_names),
    );
    let addons: Vec<&Addon> = inputs.iter().map(|i| i.addon).collect();
    if let Some(test) = roundtrip::emit(&addons, &options.crate_name) {
        tree.insert("tests/roundtrip.rs".into(), test);
    }
    let mut tree: Tree = tree
        .into_iter()
        .map(|(path, text)| (path, text.into_bytes()))
        .collect();
    for input in &inputs {
        if let Some(module) = addon_module::embedded_backend(input.addon, input.backend) {
            let dir = PathBuf::from("src").join(names::sanitize(&input.addon.key));
            tree.insert(dir.join(addon_module::BACKEND_FILE), module.to_vec());
        }
    }
    tree
}

/// Formats a token stream as a Rust file.
pub(crate) fn rust_file(tokens: TokenStream) -> String {
    format::format_rust(&tokens.to_string())
}
