//! The semantic gates of `manifest.md` (§6, §7, §8) over the IR.
//!
//! Each submodule owns one area and appends diagnostics; [`check_addon`] runs them all for one
//! addon and [`build::check`] runs the checks that need every input of a build at once.
//! Checks never fail: whatever the IR holds, they report and return.

pub mod actions;
pub mod build;
pub mod capabilities;
pub mod identity;
pub mod models;
pub mod navigation;
pub mod notifications;
pub mod settings;
#[cfg(test)]
pub(crate) mod test_support;
pub mod wasm;

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::ir::Addon;

/// What the checks may know about the manifest's surroundings on disk.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The directory holding the manifest.
    pub manifest_dir: PathBuf,
    /// The WASM module's path and bytes, when one was found (or given with `--wasm`).
    pub wasm: Option<(String, Vec<u8>)>,
    /// True when the manifest was validated from a directory with files beside it (enables
    /// the bundle-file checks: i18n bundles, frontend sources).
    pub has_bundle_dir: bool,
}

impl Context {
    /// Looks beside the manifest for `backend/backend.wasm` (or the v2 `backend.entry`),
    /// unless `wasm_override` names a module to use instead.
    pub fn discover(addon: &Addon, manifest_dir: &Path, wasm_override: Option<&Path>) -> Self {
        let candidate = match wasm_override {
            Some(path) => Some(path.to_path_buf()),
            None => [addon.backend.entry.as_str(), "backend/backend.wasm"]
                .iter()
                .map(|entry| manifest_dir.join(entry))
                .find(|p| p.is_file()),
        };
        let wasm = candidate.and_then(|path| {
            let label = path
                .strip_prefix(manifest_dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            std::fs::read(&path).ok().map(|bytes| (label, bytes))
        });
        Context {
            manifest_dir: manifest_dir.to_path_buf(),
            wasm,
            has_bundle_dir: manifest_dir.join("manifest.json").is_file(),
        }
    }
}

/// Runs every per-addon check.
pub fn check_addon(addon: &Addon, context: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    identity::check(addon, context, &mut out);
    models::check(addon, context, &mut out);
    actions::check(addon, context, &mut out);
    capabilities::check(addon, context, &mut out);
    settings::check(addon, context, &mut out);
    navigation::check(addon, context, &mut out);
    notifications::check(addon, context, &mut out);
    wasm::check(addon, context, &mut out);
    out
}
