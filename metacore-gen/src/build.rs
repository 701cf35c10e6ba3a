//! `metacore-gen build` as a library call: manifests in, a generated crate out.
//!
//! [`build`] runs the front end, the build-only gates and the migration planner, and returns
//! either the file tree of the crate or the reports that stopped it. [`write_tree`] puts a tree
//! on disk (removing generated files that are gone); [`compare_tree`] says how a directory
//! differs from a tree (`cargo xtask codegen --check`).

use std::path::{Component, Path, PathBuf};

use crate::codegen::lock::{Lock, LOCK_FILE};
use crate::codegen::{self, BuildOptions, Input, Tree};
use crate::diagnostics::{FileReport, Severity};
use crate::frontend::{self, Options};
use crate::ir::PackageKind;

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildRequest {
    /// Manifest files or directories (as for `validate`).
    pub paths: Vec<PathBuf>,
    /// The crate directory (its `metacore.lock.json`, when present, is the previous state).
    pub out: PathBuf,
    /// Package name of the crate.
    pub crate_name: String,
    /// Record destructive schema changes.
    pub allow_destructive: bool,
    /// The `metacore-runtime` crate the generated crate depends on; default: the one beside
    /// this compiler's sources. The `metacore-gen` crate it also depends on is its sibling.
    pub runtime_path: Option<PathBuf>,
}

/// The result of a build that could read its inputs.
#[derive(Debug)]
pub enum BuildOutcome {
    /// The crate's files, and the reports (warnings and notes only).
    Built {
        /// Files of the crate, relative to `out`.
        tree: Tree,
        /// Per-manifest reports.
        reports: Vec<FileReport>,
        /// Names of the migrations this build added.
        new_migrations: Vec<String>,
        /// Addons and models compiled.
        addons: usize,
        /// Models compiled.
        models: usize,
    },
    /// Errors stopped the build; nothing should be written.
    Rejected {
        /// Per-manifest reports, with at least one error.
        reports: Vec<FileReport>,
    },
}

/// Builds the crate for `request` in memory. `Err` is a usage or I/O problem (no manifests,
/// an unreadable or corrupt lock).
pub fn build(request: &BuildRequest) -> Result<BuildOutcome, String> {
    let files = frontend::collect_inputs(&request.paths)?;
    if files.is_empty() {
        return Err("no manifest files found under the given paths".into());
    }
    let mut manifests = frontend::run(&files, &Options::default());
    for manifest in &mut manifests {
        for diagnostic in &mut manifest.report.diagnostics {
            // Accepted by `validate`, refused by `build`.
            if diagnostic.code == "MC0903" {
                diagnostic.severity = Severity::Error;
            }
        }
        if let Some(addon) = &manifest.addon {
            manifest
                .report
                .diagnostics
                .extend(codegen::check_buildable(addon));
        }
    }
    let previous = read_lock(&request.out)?;
    let mut reports: Vec<FileReport> = manifests.iter().map(|m| m.report.clone()).collect();
    if reports.iter().any(|r| r.has_errors(false)) {
        return Ok(BuildOutcome::Rejected { reports });
    }
    let labels: Vec<String> = files.iter().map(|f| display_path(f)).collect();
    let (indices, inputs): (Vec<usize>, Vec<Input>) = manifests
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let addon = m.addon.as_ref()?;
            (addon.kind == PackageKind::Addon).then_some((
                i,
                Input {
                    addon,
                    manifest: labels[i].as_str(),
                    backend: m.backend.as_deref(),
                },
            ))
        })
        .unzip();
    let (lock, diagnostics) = codegen::plan(&inputs, &previous, request.allow_destructive);
    if !diagnostics.is_empty() {
        for (input, diagnostic) in diagnostics {
            reports[indices[input]].diagnostics.push(diagnostic);
        }
        return Ok(BuildOutcome::Rejected { reports });
    }
    let new_migrations = new_migration_names(&previous, &lock);
    let options = BuildOptions {
        crate_name: request.crate_name.clone(),
        runtime_dependency: sibling_dependency(request, "metacore-runtime")?,
        compiler_dependency: sibling_dependency(request, "metacore-gen")?,
        standalone: !inside_this_workspace(&request.out),
    };
    let tree = codegen::emit(&inputs, &lock, &options);
    let models = inputs.iter().map(|i| i.addon.models.len()).sum();
    for report in &mut reports {
        report.diagnostics.retain(|d| d.severity != Severity::Error);
    }
    Ok(BuildOutcome::Built {
        tree,
        reports,
        new_migrations,
        addons: inputs.len(),
        models,
    })
}

fn read_lock(out: &Path) -> Result<Lock, String> {
    let path = out.join(LOCK_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Lock::parse(&text).map_err(|e| {
            format!(
                "`{}` is not a schema lock this version can read: {e}; restore it from version control (it records the migrations already generated)",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Lock::default()),
        Err(e) => Err(format!("cannot read `{}`: {e}", path.display())),
    }
}

fn new_migration_names(previous: &Lock, lock: &Lock) -> Vec<String> {
    lock.addons
        .iter()
        .flat_map(|(key, entry)| {
            let known = previous.addons.get(key).map_or(0, |e| e.migrations.len());
            entry.migrations.iter().skip(known).map(|m| m.name.clone())
        })
        .collect()
}

/// A manifest path as generated docs show it: `/`-separated, without a leading `./`.
fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut rest = text.as_str();
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped;
    }
    rest.to_string()
}

/// The workspace this compiler was built from.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn inside_this_workspace(out: &Path) -> bool {
    match (absolute(out), std::fs::canonicalize(workspace_root())) {
        (Some(out), Ok(root)) => out.starts_with(root),
        _ => false,
    }
}

/// `path` made absolute and normalised, without requiring it to exist.
fn absolute(path: &Path) -> Option<PathBuf> {
    let joined = std::env::current_dir().ok()?.join(path);
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Resolve symlinks of the part that exists (e.g. /tmp on some systems).
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        rest.push(existing.file_name()?.to_owned());
        existing.pop();
    }
    let mut resolved = std::fs::canonicalize(&existing).ok()?;
    resolved.extend(rest.iter().rev());
    Some(resolved)
}

fn sibling_dependency(request: &BuildRequest, krate: &str) -> Result<String, String> {
    let runtime = request
        .runtime_path
        .clone()
        .unwrap_or_else(|| workspace_root().join("metacore-runtime"));
    let runtime = match runtime.parent() {
        Some(parent) if krate != "metacore-runtime" => parent.join(krate),
        _ => runtime,
    };
    let runtime = std::fs::canonicalize(&runtime).map_err(|e| {
        format!(
            "cannot find the {krate} crate at `{}`: {e}",
            runtime.display()
        )
    })?;
    let out = absolute(&request.out).ok_or("cannot resolve the output directory")?;
    let path = relative(&out, &runtime);
    let text = path.to_string_lossy().replace('\\', "/");
    Ok(format!("{{ path = {} }}", serde_json::Value::String(text)))
}

/// `to` relative to directory `from` (both absolute).
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to[common..] {
        out.push(part.as_os_str());
    }
    out
}

/// What writing a tree changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TreeChanges {
    /// Files that did not exist.
    pub added: Vec<PathBuf>,
    /// Files whose contents differ.
    pub changed: Vec<PathBuf>,
    /// Generated files (under `src/` or `tests/`) that the tree no longer has.
    pub removed: Vec<PathBuf>,
}

impl TreeChanges {
    /// True when the directory already matched the tree.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// How `out` differs from `tree`. Everything under `out/src/` and `out/tests/` is
/// generated; other files are compared only when the tree has them.
pub fn compare_tree(out: &Path, tree: &Tree) -> TreeChanges {
    let mut changes = TreeChanges::default();
    for (path, text) in tree {
        match std::fs::read(out.join(path)) {
            Ok(existing) if &existing == text => {}
            Ok(_) => changes.changed.push(path.clone()),
            Err(_) => changes.added.push(path.clone()),
        }
    }
    let mut existing = Vec::new();
    for dir in ["src", "tests"] {
        list_files(&out.join(dir), Path::new(dir), &mut existing);
    }
    changes.removed = existing
        .into_iter()
        .filter(|p| !tree.contains_key(p))
        .collect();
    changes
}

fn list_files(dir: &Path, relative: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = relative.join(entry.file_name());
        if entry.path().is_dir() {
            list_files(&entry.path(), &path, out);
        } else {
            out.push(path);
        }
    }
}

/// Writes `tree` into `out`, leaving files that already match untouched and removing
/// generated files that are gone.
pub fn write_tree(out: &Path, tree: &Tree) -> std::io::Result<TreeChanges> {
    let changes = compare_tree(out, tree);
    for path in changes.added.iter().chain(&changes.changed) {
        let target = out.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, &tree[path])?;
    }
    for path in &changes.removed {
        std::fs::remove_file(out.join(path))?;
    }
    Ok(changes)
}
