//! Plumbing shared by the unit tests of the checks (and of the dialects): load a manifest text
//! through the whole front end, and look at its diagnostics.
//!
//! Manifests are loaded as `t.json`, a path with nothing beside it, so the checks that need
//! the bundle directory stay off unless a test loads from a real directory with [`load_at`].

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Severity};
use crate::frontend::{load, Manifest, Options};

/// One diagnostic as `(code, severity, pointer, message)`; the pointer is empty when the
/// diagnostic has none.
pub(crate) type Finding = (String, Severity, String, String);

/// Runs the front end (default options) on `text`, read as if from `path`.
pub(crate) fn load_at(path: &Path, text: &str) -> Manifest {
    load(path, text.as_bytes(), &Options::default())
}

/// Runs the front end (default options) on `text`, read as if from `t.json`.
pub(crate) fn load_text(text: &str) -> Manifest {
    load_at(Path::new("t.json"), text)
}

/// [`load_at`], asserting that the manifest lowered to an addon.
pub(crate) fn load_ok_at(path: &Path, text: &str) -> Manifest {
    let manifest = load_at(path, text);
    assert!(
        manifest.addon.is_some(),
        "the manifest did not lower: {:#?}",
        manifest.report.diagnostics
    );
    manifest
}

/// [`load_text`], asserting that the manifest lowered to an addon.
pub(crate) fn load_ok(text: &str) -> Manifest {
    load_ok_at(Path::new("t.json"), text)
}

/// Every diagnostic of `manifest`, as [`Finding`]s, in report order.
pub(crate) fn findings_of(manifest: &Manifest) -> Vec<Finding> {
    manifest
        .report
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code.to_string(),
                d.severity,
                d.pointer().unwrap_or("").to_string(),
                d.message.clone(),
            )
        })
        .collect()
}

/// The findings of `text` read from `path`; the manifest must lower.
pub(crate) fn findings_at(path: &Path, text: &str) -> Vec<Finding> {
    findings_of(&load_ok_at(path, text))
}

/// The findings of `text` read from `t.json`; the manifest must lower.
pub(crate) fn findings(text: &str) -> Vec<Finding> {
    findings_of(&load_ok(text))
}

/// True when a finding has this code, severity and pointer.
pub(crate) fn has(findings: &[Finding], code: &str, severity: Severity, pointer: &str) -> bool {
    findings
        .iter()
        .any(|(c, s, p, _)| c == code && *s == severity && p == pointer)
}

/// How many findings have this code.
pub(crate) fn count(findings: &[Finding], code: &str) -> usize {
    findings.iter().filter(|(c, ..)| c == code).count()
}

/// The diagnostics of `manifest` with this code, in report order.
pub(crate) fn with_code<'m>(manifest: &'m Manifest, code: &str) -> Vec<&'m Diagnostic> {
    manifest
        .report
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .collect()
}

/// The sorted `.json` files of `shared/corpus/<dialect>` (`v2` or `v3`).
pub(crate) fn corpus_files(dialect: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../shared/corpus/{dialect}"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}
