//! The front end as one call: files in, located diagnostics and IR out.
//!
//! For each file: the reading rules of `manifest.md` §1 (size, encoding, emptiness, syntax,
//! depth, top-level object, duplicate keys), dialect detection (§1.1), the dialect's
//! structural pass and lowering, the per-addon semantic checks, and the WASM module checks
//! when a `backend/backend.wasm` sits beside the manifest (or is given in memory). Then the
//! build-wide checks across all inputs (duplicate addon keys, clashing routes).

use std::path::{Path, PathBuf};

use crate::checks;
use crate::diagnostics::{Diagnostic, FileReport};
use crate::ir::Addon;
use crate::json::{self, Node, ParseError, Value};
use crate::source::{SourceFile, Span};
use crate::{v2, v3};

/// Files larger than this are refused without parsing (MC0003).
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// The v3 `apiVersion`.
pub const API_VERSION_V3: &str = "asteby.com/v3";

/// One manifest after the front end: its report and, when it lowered, its IR.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// Diagnostics with the file's text.
    pub report: FileReport,
    /// The lowered addon (absent when structural errors prevented lowering).
    pub addon: Option<Addon>,
    /// The backend module the checks read (beside the manifest, or the override), which a
    /// build embeds.
    pub backend: Option<Vec<u8>>,
}

/// Options of a front-end run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A WASM module to check instead of `backend/backend.wasm` beside each manifest.
    pub wasm_override: Option<PathBuf>,
    /// The manifest exists only in memory (`#[metacore::model]` builds one, a dynamic install
    /// hands one over): nothing is looked for beside its path — no backend module (but
    /// [`Options::wasm_module`]), no bundle files.
    pub detached: bool,
    /// The backend module to check, given in memory: used instead of any file (also when
    /// `detached`), under the addon's `backend.entry` as its name in messages.
    pub wasm_module: Option<Vec<u8>>,
}

/// Expands files and directories into the manifest files to read, sorted. A directory that
/// holds `manifest.json` is an addon: only that file is taken. Any other directory contributes
/// its `*.json` files and is searched recursively.
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        if meta.is_dir() {
            collect_dir(path, &mut out)?;
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let manifest = dir.join("manifest.json");
    if manifest.is_file() {
        out.push(manifest);
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read directory `{}`: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect_dir(&entry, out)?;
        } else if entry.extension().is_some_and(|e| e == "json") {
            out.push(entry);
        }
    }
    Ok(())
}

/// Runs the whole front end over `files`: per-file passes, then build-wide checks.
pub fn run(files: &[PathBuf], options: &Options) -> Vec<Manifest> {
    let mut manifests: Vec<Manifest> = files
        .iter()
        .map(|path| match std::fs::read(path) {
            Ok(bytes) => load(path, &bytes, options),
            Err(e) => Manifest {
                report: FileReport {
                    source: SourceFile::new(path, ""),
                    tree: None,
                    diagnostics: vec![Diagnostic::error(
                        "MC0001",
                        format!("cannot read the file: {e}"),
                    )],
                },
                addon: None,
                backend: None,
            },
        })
        .collect();
    let addons: Vec<Option<&Addon>> = manifests.iter().map(|m| m.addon.as_ref()).collect();
    let names: Vec<String> = manifests.iter().map(|m| m.report.source.name()).collect();
    let build_diagnostics = checks::build::check(&addons, &names);
    for (index, diagnostic) in build_diagnostics {
        manifests[index].report.diagnostics.push(diagnostic);
    }
    manifests
}

/// Runs the per-file front end on `bytes` read from `path`.
pub fn load(path: &Path, bytes: &[u8], options: &Options) -> Manifest {
    let (source, mut tree, mut diagnostics) = read(path, bytes);
    let mut addon = None;
    let mut backend = None;
    if let Some(root) = &mut tree {
        let manifest_dir = path.parent().unwrap_or(Path::new("."));
        if let Some((lowered, module)) = analyse(root, manifest_dir, options, &mut diagnostics) {
            addon = Some(lowered);
            backend = module;
        }
    }
    Manifest {
        report: FileReport {
            source,
            tree,
            diagnostics,
        },
        addon,
        backend,
    }
}

/// §1: bytes to a JSON tree, or the reason it cannot be one.
fn read(path: &Path, bytes: &[u8]) -> (SourceFile, Option<Node>, Vec<Diagnostic>) {
    let fail = |source: SourceFile, d: Diagnostic| (source, None, vec![d]);
    if bytes.len() > MAX_FILE_BYTES {
        return fail(
            SourceFile::new(path, ""),
            Diagnostic::error(
                "MC0003",
                format!(
                    "the file is {} bytes; manifests may be at most 8 MiB",
                    bytes.len()
                ),
            )
            .with_help("a manifest describes an addon; data belongs in seeds or migrations"),
        );
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return fail(
            SourceFile::new(path, String::from_utf8_lossy(bytes).into_owned()),
            Diagnostic::error("MC0002", "the file starts with a UTF-8 byte-order mark")
                .at_span(Span::new(0, 3))
                .with_help("save the file as UTF-8 without BOM"),
        );
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let offset = e.valid_up_to();
            return fail(
                SourceFile::new(path, String::from_utf8_lossy(bytes).into_owned()),
                Diagnostic::error(
                    "MC0002",
                    format!("the file is not valid UTF-8 (invalid byte at offset {offset})"),
                )
                .at_span(Span::new(offset, offset + 1))
                .with_help("manifests must be UTF-8 encoded"),
            );
        }
    };
    let source = SourceFile::new(path, text);
    if text.trim().is_empty() {
        return fail(
            source,
            Diagnostic::error("MC0005", "the file is empty").with_help(
                "a manifest is a JSON object, e.g. `{\"apiVersion\": \"asteby.com/v3\", …}`",
            ),
        );
    }
    let mut document = match json::parse(text) {
        Ok(document) => document,
        Err(ParseError::Syntax { message, offset }) => {
            return fail(
                source,
                Diagnostic::error("MC0001", format!("JSON syntax error: {message}"))
                    .at_span(Span::new(offset, offset + 1)),
            )
        }
        Err(ParseError::TooDeep { offset }) => {
            return fail(
                source,
                Diagnostic::error(
                    "MC0004",
                    format!("JSON nested deeper than {} levels", json::MAX_DEPTH),
                )
                .at_span(Span::new(offset, offset + 1))
                .with_help("no manifest structure is this deep; the file is probably corrupt"),
            )
        }
    };
    let mut diagnostics = Vec::new();
    if !matches!(document.root.value, Value::Object(_)) {
        diagnostics.push(
            Diagnostic::error(
                "MC0006",
                format!(
                    "the top-level value is {} {}; a manifest is a JSON object",
                    if document.root.type_name() == "array" {
                        "an"
                    } else {
                        "a"
                    },
                    document.root.type_name()
                ),
            )
            .at(""),
        );
        return (source, Some(document.root), diagnostics);
    }
    json::locate_duplicates(&document.root, &mut document.duplicates);
    for dup in &document.duplicates {
        let second = source.line_col(dup.second.start);
        diagnostics.push(
            Diagnostic::warning(
                "MC0007",
                format!("duplicate key `{}`; the last value wins", dup.key),
            )
            .at_span(dup.first)
            .with_label(format!("overridden by line {}", second.line))
            .with_help("remove one of the two"),
        );
    }
    (source, Some(document.root), diagnostics)
}

/// §1.1 and onwards: detect the dialect, then parse, lower and check.
fn analyse(
    root: &mut Node,
    manifest_dir: &Path,
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Addon, Option<Vec<u8>>)> {
    if !matches!(root.value, Value::Object(_)) {
        return None;
    }
    let addon = match (
        root.get("apiVersion"),
        root.get("key"),
        root.get("metadata"),
    ) {
        (Some(api), _, _) => {
            let mut wrong_version = false;
            match &api.value {
                Value::String(s) if s == API_VERSION_V3 => {}
                Value::String(s) => {
                    wrong_version = true;
                    diagnostics.push(
                        Diagnostic::error("MC0102", format!("unsupported apiVersion `{s}`"))
                            .at("/apiVersion")
                            .with_help(format!(
                                "this compiler reads `{API_VERSION_V3}` manifests, and v2 manifests without `apiVersion`"
                            )),
                    );
                }
                _ => {}
            }
            v3::front(root, wrong_version, diagnostics)
        }
        (None, Some(_), _) => v2::front(root, diagnostics),
        (None, None, Some(_)) => v3::front(root, false, diagnostics),
        (None, None, None) => {
            diagnostics.push(
                Diagnostic::error("MC0101", "cannot tell which manifest dialect this is")
                    .at("")
                    .with_help("a v3 manifest starts with `\"apiVersion\": \"asteby.com/v3\"`; a v2 manifest has a top-level `key`"),
            );
            None
        }
    }?;
    let mut addon = addon;
    crate::list_indexes::add(&mut addon, diagnostics);
    let context = if let Some(module) = &options.wasm_module {
        checks::Context {
            manifest_dir: manifest_dir.to_path_buf(),
            wasm: Some((addon.backend.entry.clone(), module.clone())),
            has_bundle_dir: false,
        }
    } else if options.detached {
        checks::Context::default()
    } else {
        checks::Context::discover(&addon, manifest_dir, options.wasm_override.as_deref())
    };
    diagnostics.extend(checks::check_addon(&addon, &context));
    Some((addon, context.wasm.map(|(_, bytes)| bytes)))
}
