//! The compiler's front end as the runtime may use it: a manifest checked at run time (a
//! signed bundle's, `runtime.md` §10.4) and described as the registry describes compiled
//! addons. The runtime depends on this contract only; `metacore-gen` implements it, and the
//! application hands the implementation to the server.

use crate::registry::AddonDescriptor;

/// A manifest the compiler's front end accepted.
#[derive(Debug, Clone)]
pub struct CompiledManifest {
    /// The addon, as the registry describes compiled addons.
    pub descriptor: &'static AddonDescriptor,
    /// Whether it declares models or model extensions (those need a rebuild).
    pub declares_models: bool,
}

/// A manifest the front end refused.
#[derive(Debug, Clone)]
pub struct RejectedManifest {
    /// A summary for people.
    pub message: String,
    /// The located diagnostics, as JSON.
    pub diagnostics: serde_json::Value,
}

impl std::fmt::Display for RejectedManifest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RejectedManifest {}

/// The compiler's front end.
pub trait ManifestCompiler: Send + Sync + 'static {
    /// Checks `manifest` (its exact bytes) with `backend` (the bundle's module, if any) and
    /// describes the addon.
    fn compile(
        &self,
        manifest: &[u8],
        backend: Option<&[u8]>,
    ) -> Result<CompiledManifest, RejectedManifest>;
}
