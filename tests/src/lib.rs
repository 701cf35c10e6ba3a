//! Shared helpers for the workspace acceptance tests in `tests/tests/`.

use std::path::{Path, PathBuf};

use metacore_gen::diagnostics::Severity;
use metacore_gen::frontend::{self, Manifest, Options};

/// The shared corpus of real manifests (`../shared/corpus` beside the repository).
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

/// The `*.json` files of one corpus folder (`v3` or `v2`), sorted.
pub fn corpus_files(dialect: &str) -> Vec<PathBuf> {
    let dir = corpus_dir().join(dialect);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus folder {} is missing: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus files in {}", dir.display());
    files
}

/// Runs the per-file front end on `text`, as if read from `name` (no files beside it).
pub fn validate_text(name: &str, text: &[u8]) -> Manifest {
    frontend::load(
        Path::new("/nonexistent-metacore-test-dir")
            .join(name)
            .as_path(),
        text,
        &Options::default(),
    )
}

/// Runs the per-file front end on a corpus file, labelled `<folder>/<file>` so that
/// diagnostics read the same on every machine.
pub fn validate_file(path: &Path) -> Manifest {
    let bytes = std::fs::read(path).unwrap();
    frontend::load(&display_label(path), &bytes, &Options::default())
}

/// `…/corpus/v3/catalog.json` → `v3/catalog.json`.
pub fn display_label(path: &Path) -> PathBuf {
    let folder = path
        .parent()
        .and_then(|p| p.file_name())
        .unwrap_or_default();
    Path::new(folder).join(path.file_name().unwrap_or_default())
}

/// True when the manifest has no error (non-strict).
pub fn accepted(manifest: &Manifest) -> bool {
    !manifest.report.has_errors(false)
}

/// The error codes of a manifest, sorted and deduplicated.
pub fn error_codes(manifest: &Manifest) -> Vec<&'static str> {
    codes_with(manifest, Severity::Error)
}

/// The codes of one severity, sorted and deduplicated.
pub fn codes_with(manifest: &Manifest, severity: Severity) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = manifest
        .report
        .diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .map(|d| d.code)
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

/// Splits manifest files into groups that build together: every file `validate` accepts,
/// placed in the first group where no other file has its addon key or one of its route
/// names (the corpus holds several revisions of the same addons). Rejected files are left out.
pub fn buildable_groups(files: &[PathBuf]) -> Vec<Vec<PathBuf>> {
    let mut groups: Vec<(Vec<PathBuf>, Vec<String>)> = Vec::new();
    for path in files {
        let manifest = validate_file(path);
        let Some(addon) = manifest.addon.as_ref().filter(|_| accepted(&manifest)) else {
            continue;
        };
        let mut names = vec![format!("addon:{}", addon.key)];
        names.extend(addon.models.iter().map(|m| format!("route:{}", m.table)));
        match groups
            .iter_mut()
            .find(|(_, taken)| !names.iter().any(|n| taken.contains(n)))
        {
            Some((group, taken)) => {
                group.push(path.clone());
                taken.extend(names);
            }
            None => groups.push((vec![path.clone()], names)),
        }
    }
    groups.into_iter().map(|(group, _)| group).collect()
}

/// Every corpus file of both dialects, v3 first.
pub fn all_corpus_files() -> Vec<PathBuf> {
    let mut files = corpus_files("v3");
    files.extend(corpus_files("v2"));
    files
}
