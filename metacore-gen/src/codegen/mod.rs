//! Code generation: IR → a Rust crate (`metacore-gen build`).
//!
//! The stages, each a module:
//!
//! 1. [`schema`] — the physical schema of each addon (tables, columns, indices, foreign keys).
//! 2. [`lock`] + [`evolution`] — what earlier builds recorded, and the migration steps from
//!    there to the manifest as it is now (destructive steps need explicit permission).
//! 3. [`ddl`] — SQL for each step, on PostgreSQL and SQLite.
//! 4. [`entity`], [`permissions`], [`migration`], [`addon_module`], [`templates`] — the
//!    files: sea-orm entities and capability constants (quote + prettyplease), migrations and
//!    crate skeletons (tera templates), and the JSON metadata of [`crate::ui`].
//!
//! [`model_module`] assembles the same pieces for one model into a single module body (what
//! `#[metacore::model]` expands to).
//!
//! [`plan`] decides the migrations; [`emit`] writes the file tree. Both are pure: the same
//! inputs give byte-identical output.

pub mod addon_module;
pub mod api;
pub mod ddl;
mod descriptor;
pub mod entity;
pub mod evolution;
mod handlers;
pub mod lock;
pub mod migration;
pub mod model_module;
pub mod names;
pub mod permissions;
pub(crate) mod references;
pub mod roundtrip;
pub mod schema;
pub mod templates;

use std::collections::BTreeMap;
use std::path::PathBuf;

use proc_macro2::TokenStream;
use serde::Serialize;

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

#[derive(Serialize)]
struct CargoContext<'a> {
    crate_name: &'a str,
    addon_keys: String,
    runtime_dependency: &'a str,
    standalone: bool,
}

#[derive(Serialize)]
struct LibContext<'a> {
    addons: Vec<LibAddon<'a>>,
    /// The operations of every addon with models, as a (nested) tuple: both the type and
    /// the value, since each addon's `Api` is a unit struct.
    api_tuple: String,
    crate_name: &'a str,
}

#[derive(Serialize)]
struct MainContext {
    crate_module: String,
}

#[derive(Serialize)]
struct LibAddon<'a> {
    key: &'a str,
    module: String,
    version: String,
    manifest: &'a str,
}

/// Writes the crate for `inputs` (sorted by addon key) with the migrations of `lock`.
pub fn emit(inputs: &[Input], lock: &Lock, options: &BuildOptions) -> Tree {
    let mut inputs: Vec<Input> = inputs.to_vec();
    inputs.sort_by(|a, b| a.addon.key.cmp(&b.addon.key));
    let mut tree = BTreeMap::<PathBuf, String>::new();
    let keys: Vec<&str> = inputs.iter().map(|i| i.addon.key.as_str()).collect();
    tree.insert(
        "Cargo.toml".into(),
        templates::render(
            "Cargo.toml",
            &CargoContext {
                crate_name: &options.crate_name,
                addon_keys: if keys.is_empty() {
                    "none".into()
                } else {
                    keys.join(", ")
                },
                runtime_dependency: &options.runtime_dependency,
                standalone: options.standalone,
            },
        ),
    );
    tree.insert(LOCK_FILE.into(), lock.to_text());
    tree.insert(
        "rustfmt.toml".into(),
        "# Generated code is formatted by metacore-gen (prettyplease); rustfmt leaves it as\n\
         # written, so `cargo fmt --all` never makes the crate differ from its build.\n\
         disable_all_formatting = true\n"
            .into(),
    );
    let lib = LibContext {
        addons: inputs
            .iter()
            .map(|i| LibAddon {
                key: &i.addon.key,
                module: names::sanitize(&i.addon.key),
                version: i.addon.version.to_string(),
                manifest: i.manifest,
            })
            .collect(),
        api_tuple: api_tuple(
            inputs
                .iter()
                .filter(|i| !i.addon.models.is_empty())
                .map(|i| format!("{}::api::Api", names::sanitize(&i.addon.key)))
                .collect(),
        ),
        crate_name: &options.crate_name,
    };
    tree.insert("src/lib.rs".into(), templates::render("lib.rs", &lib));
    tree.insert(
        "src/bin/metacore-app.rs".into(),
        templates::render(
            "main.rs",
            &MainContext {
                crate_module: options.crate_name.replace('-', "_"),
            },
        ),
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

/// `(a, b, …)` of `items`, nested in tuples of at most 16 (what poem-openapi implements
/// `OpenApi` for); a single item stands alone.
fn api_tuple(items: Vec<String>) -> String {
    const MAX: usize = 16;
    if items.len() == 1 {
        // poem-openapi implements `OpenApi` for `()` and tuples of two or more, not `(T,)`.
        return items[0].clone();
    }
    if items.len() <= MAX {
        return format!(
            "({})",
            items.iter().map(|i| format!("{i},")).collect::<String>()
        );
    }
    let groups: Vec<String> = items.chunks(MAX).map(|c| api_tuple(c.to_vec())).collect();
    api_tuple(groups)
}

/// Formats a token stream as a Rust file.
pub(crate) fn rust_file(tokens: TokenStream) -> String {
    templates::format_rust(&tokens.to_string())
}
