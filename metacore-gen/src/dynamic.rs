//! Addons compiled at run time: a bundle's `manifest.json` (and backend module) in, the
//! runtime's [`AddonDescriptor`] out, without a rebuild (`runtime.md` §10.4 steps 6 and 9).
//!
//! [`compile_manifest`] runs the same per-file front end as `metacore-gen validate` and
//! `build` ([`crate::frontend::load`]: reading rules, dialect detection, structural pass,
//! lowering, semantic checks, the WASM module checks on the given module) plus the build-only
//! gates, entirely in memory: nothing beside the manifest is read from disk. Errors reject
//! the manifest with located diagnostics ([`Rejected`], what the installer's 422
//! `manifest_invalid` carries); warnings and notes do not.
//!
//! The descriptor is built by the functions code generation uses for the constants it writes
//! (`codegen::values`), so an addon compiled here and the same addon compiled into a server
//! describe themselves identically — the tests compare them for every addon of
//! `manifests/`. Its [`DynamicAddon::ir_sha256`] is the canonical IR hash
//! ([`crate::canonical`]) a compiled addon carries in `AddonDescriptor::ir_sha256`: an addon
//! that declares models (or model extensions) needs tables, migrations and typed routes only
//! a build makes, so the installer accepts it only when the server was compiled with the
//! same key, version and hash (else 422 `rebuild_required`).
//!
//! **Memory.** The runtime serves from `&'static` registry types (they are constants in a
//! compiled server), so the descriptor's strings, slices and module are leaked
//! (`String::leak`, `Box::leak`) and live until the process ends. That is bounded: an
//! install is a rare, authorised operation, and a descriptor holds about what its manifest
//! and module do. A server that reinstalls addons without end should restart now and then.
//!
//! **Calling it** (the application links this crate; the runtime never does):
//!
//! ```
//! let manifest = br#"{
//!   "apiVersion": "asteby.com/v3",
//!   "kind": "Addon",
//!   "metadata": {"key": "hello", "name": "Hello", "version": "1.0.0"},
//!   "compatibility": {"requires": [{"key": "kernel", "version": ">=3.0.0 <4.0.0"}]},
//!   "contributions": {"tools": [{"key": "greet", "description": "Says hello",
//!     "handler": {"type": "webhook", "url": "https://example.com/greet"}}]}
//! }"#;
//! match metacore_gen::dynamic::compile_manifest(manifest, None) {
//!     Ok(addon) => {
//!         assert_eq!(addon.descriptor.key, "hello");
//!         assert!(!addon.declares_models);
//!     }
//!     Err(rejected) => panic!("{}", rejected.rendered),
//! }
//! ```

use std::path::Path;

use metacore_core::registry::AddonDescriptor;
use serde::Serialize;

use crate::codegen::{self, values};
use crate::diagnostics::{Diagnostic, LocatedDiagnostic, Severity};
use crate::frontend::{self, Options};
use crate::ir::{Addon, PackageKind};

/// The name diagnostics and the descriptor give the manifest: its path in a bundle.
pub const MANIFEST_PATH: &str = "manifest.json";

/// An addon compiled at run time.
#[derive(Debug, Clone)]
pub struct DynamicAddon {
    /// What the runtime serves from, as a compiled server holds it (its `manifest` is
    /// [`MANIFEST_PATH`]; its backend module, when the addon names WASM handlers and one was
    /// given, is a leaked copy).
    pub descriptor: &'static AddonDescriptor,
    /// The addon declares models or model extensions (v2 `extensions[].columns`): it cannot
    /// install without a build that compiled it (`rebuild_required`).
    pub declares_models: bool,
    /// The canonical IR hash ([`crate::canonical::ir_sha256`]), lowercase hex; equal to
    /// `descriptor.ir_sha256`.
    pub ir_sha256: String,
    /// The warnings and notes the front end reported, sorted by position.
    pub diagnostics: Vec<LocatedDiagnostic>,
    /// The IR the descriptor was built from (requirements, kernel range, lifecycle steps).
    pub ir: Addon,
}

impl DynamicAddon {
    /// True when `compiled`, an addon compiled into this server, is this addon: the same key,
    /// version and canonical IR hash (a hand-built descriptor, with no hash, never is). An
    /// addon that declares models installs only then (`runtime.md` §10.4 step 9).
    pub fn matches_compiled(&self, compiled: &AddonDescriptor) -> bool {
        !compiled.ir_sha256.is_empty()
            && compiled.ir_sha256 == self.ir_sha256
            && compiled.key == self.descriptor.key
            && compiled.version == self.descriptor.version
    }
}

/// Why a manifest cannot be installed: the front end found errors.
#[derive(Debug, Clone, Serialize, thiserror::Error)]
#[error("{}", summary(.diagnostics))]
pub struct Rejected {
    /// Every diagnostic (errors, warnings, notes), sorted by position: code, severity,
    /// message, help, JSON pointer and line/column in [`MANIFEST_PATH`].
    pub diagnostics: Vec<LocatedDiagnostic>,
    /// The same in the human format of `metacore-gen validate` (`manifest.md` §10.1).
    pub rendered: String,
}

impl Rejected {
    /// The diagnostics that are errors.
    pub fn errors(&self) -> impl Iterator<Item = &LocatedDiagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
}

fn summary(diagnostics: &[LocatedDiagnostic]) -> String {
    let mut errors = diagnostics.iter().filter(|d| d.severity == Severity::Error);
    let count = errors.clone().count();
    match errors.next() {
        Some(first) => format!(
            "the manifest has {count} error{}; the first: {} at {}:{}: {}",
            if count == 1 { "" } else { "s" },
            first.code,
            first.line,
            first.column,
            first.message
        ),
        None => "the manifest was rejected".to_string(),
    }
}

/// Compiles the manifest `bytes` (v3 or v2, exactly as written) with its backend module
/// `backend` (checked against the handlers the manifest names, and embedded when it names
/// any), as `metacore-gen build` would, into a descriptor the runtime can serve.
///
/// Errors — including the build-only gates (MC0903, MC0906) and a package that is not an
/// `Addon` (MC0905) — give [`Rejected`]. A manifest naming WASM handlers without `backend`
/// compiles, with warning MC0411 (its handlers answer 501); a bundle must carry the module,
/// which is the bundle reader's rule. Checks of files beside the manifest (i18n bundles,
/// frontend sources) are not run: only the manifest and module are given.
pub fn compile_manifest(bytes: &[u8], backend: Option<&[u8]>) -> Result<DynamicAddon, Rejected> {
    let options = Options {
        detached: true,
        wasm_module: backend.map(<[u8]>::to_vec),
        ..Options::default()
    };
    let mut manifest = frontend::load(Path::new(MANIFEST_PATH), bytes, &options);
    let report = &mut manifest.report;
    if let Some(addon) = &manifest.addon {
        report.diagnostics.extend(codegen::check_buildable(addon));
        if addon.kind != PackageKind::Addon {
            report.diagnostics.push(
                Diagnostic::error(
                    "MC0905",
                    format!(
                        "a {:?} package cannot be installed: only an `Addon` carries what the server runs",
                        addon.kind
                    ),
                )
                .at("/kind"),
            );
        }
    } else if !report.has_errors(false) {
        report
            .diagnostics
            .push(Diagnostic::error("MC0101", "the manifest did not lower to an addon").at(""));
    }
    for diagnostic in &mut report.diagnostics {
        // Accepted by `validate`, refused by `build`: nothing could serve it.
        if diagnostic.code == "MC0903" {
            diagnostic.severity = Severity::Error;
        }
    }
    let report = &manifest.report;
    let ir = match manifest.addon {
        Some(addon) if !report.has_errors(false) => addon,
        _ => {
            return Err(Rejected {
                diagnostics: report.located(false),
                rendered: report.render_human(false),
            })
        }
    };
    let descriptor: &'static AddonDescriptor = Box::leak(Box::new(values::addon_descriptor(
        &ir,
        MANIFEST_PATH,
        backend,
    )));
    Ok(DynamicAddon {
        descriptor,
        declares_models: declares_models(&ir),
        ir_sha256: descriptor.ir_sha256.to_string(),
        diagnostics: report.located(false),
        ir,
    })
}

/// True when `addon` declares models, or columns on another addon's models (v2
/// `extensions[].columns`, kept among the extras; v3 model extensions sit inside a model).
pub fn declares_models(addon: &Addon) -> bool {
    !addon.models.is_empty() || addon.extras.contains_key("extensions")
}

/// The front end as the runtime's installer calls it ([`metacore_core::compiler`]): the
/// application hands `Arc::new(Compiler)` to the server, which never depends on this crate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Compiler;

impl metacore_core::compiler::ManifestCompiler for Compiler {
    fn compile(
        &self,
        manifest: &[u8],
        backend: Option<&[u8]>,
    ) -> Result<metacore_core::compiler::CompiledManifest, metacore_core::compiler::RejectedManifest>
    {
        match compile_manifest(manifest, backend) {
            Ok(addon) => Ok(metacore_core::compiler::CompiledManifest {
                descriptor: addon.descriptor,
                declares_models: addon.declares_models,
            }),
            Err(rejected) => Err(metacore_core::compiler::RejectedManifest {
                message: summary(&rejected.diagnostics),
                diagnostics: serde_json::to_value(&rejected.diagnostics)
                    .unwrap_or(serde_json::Value::Null),
            }),
        }
    }
}
