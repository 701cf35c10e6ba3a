//! Signed bundles and the install pipeline (`runtime.md` §10.4): an addon that needs no
//! rebuild — tools, navigation, settings, subscriptions, WASM handlers — installed at run time
//! from a `.tar.gz` and its detached signature.
//!
//! [`Installer::prepare`] runs steps 2–11 before anything is written to the database:
//!
//! 1. the upload is capped while streaming ([`upload`]);
//! 2. the SHA-256 of the exact bytes is taken and the signature verified over it **before**
//!    the archive is parsed: with trusted keys (`METACORE_TRUSTED_KEYS`) every bundle must
//!    carry a valid signature; without keys every bundle is refused (`signature_required`)
//!    unless `METACORE_ALLOW_UNSIGNED_BUNDLES` is set, and each such install is logged as a
//!    warning;
//! 3. the archive is read with every rule of §10.2 (the `metacore-bundle` crate: sizes, entry
//!    count, decompression bomb, paths by component, links, duplicates, trailing bytes), and
//!    the signature's `checksums` are checked;
//! 4. `manifest.json` goes through the compiler's front end ([`ManifestCompiler`], a trait of
//!    the shared contract that `metacore-gen` implements and the application hands over: the
//!    runtime never depends on the compiler) — errors are 422
//!    `manifest_invalid` with the diagnostics; its key must be the URL's (400);
//! 5. an addon that declares models must be compiled into this server with the same key,
//!    version and canonical IR hash, else 422 `rebuild_required`;
//! 6. the backend module is checked and compiled by the sandbox;
//! 7. the files are staged under `<data dir>/addons/.staging/<key>-<version>-<random>/`.
//!
//! Then the lifecycle install runs in one transaction ([`super::lifecycle`]); after its commit
//! the staging directory is renamed to `<data dir>/addons/<key>/<version>/` ([`Staged::swap`]);
//! on any failure before, it is deleted and nothing else changed. At start-up
//! [`Installer::restore`] registers again every bundle an organisation has installed, from
//! those directories, through the same checks.
//!
//! One version of a bundle's addon is live per server, as with a redeploy: installing another
//! version of an addon that is already live is 409 `version_conflict`; an upgrade with a
//! newer bundle makes that version the live one ([`super::installations`]).

pub mod upload;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use metacore_bundle::signature::{Detached, PublicKey};
use metacore_bundle::{Bundle, BundleError};
use poem::http::StatusCode;
use serde_json::json;

use super::error::ApiError;
use crate::registry::{AddonDescriptor, Registry};
use crate::sandbox::{AddonModule, Sandbox};
pub use metacore_core::compiler::{CompiledManifest, ManifestCompiler, RejectedManifest};
use upload::BundleUpload;

/// The environment variable of the trusted Ed25519 public keys (hex, comma-separated).
pub const TRUSTED_KEYS_ENV: &str = "METACORE_TRUSTED_KEYS";
/// The kernel's names of the same list, read too for compatibility.
pub const LEGACY_KEYS_ENV: [&str; 2] = ["MARKETPLACE_PUBKEYS", "MARKETPLACE_PUBKEY"];
/// The development flag admitting unsigned bundles.
pub const ALLOW_UNSIGNED_ENV: &str = "METACORE_ALLOW_UNSIGNED_BUNDLES";
/// The directory of staged and installed bundle files.
pub const DATA_DIR_ENV: &str = "METACORE_DATA_DIR";
/// The default data directory.
pub const DEFAULT_DATA_DIR: &str = "./metacore-data";

/// The operator's bundle settings (`runtime.md` appendix).
#[derive(Debug, Clone)]
pub struct BundleSettings {
    /// Keys any of which may sign a bundle.
    pub trusted_keys: Vec<PublicKey>,
    /// Whether unsigned bundles are admitted (development only).
    pub allow_unsigned: bool,
    /// Where staged and installed bundle files live.
    pub data_dir: PathBuf,
}

impl Default for BundleSettings {
    fn default() -> Self {
        BundleSettings {
            trusted_keys: Vec::new(),
            allow_unsigned: false,
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
        }
    }
}

impl BundleSettings {
    /// The settings from the environment read through `lookup`; a malformed key or flag is
    /// an error naming the variable (a start-up error: the kernel silently ended up with no
    /// keys).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut trusted_keys = Vec::new();
        for name in std::iter::once(TRUSTED_KEYS_ENV).chain(LEGACY_KEYS_ENV) {
            let Some(list) = lookup(name) else { continue };
            for key in list.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                let parsed = PublicKey::from_hex(key).map_err(|e| format!("{name}: {e}"))?;
                trusted_keys.push(parsed);
            }
        }
        let allow_unsigned = crate::cli::flag(&lookup, ALLOW_UNSIGNED_ENV)?.unwrap_or(false);
        let data_dir = lookup(DATA_DIR_ENV)
            .filter(|d| !d.trim().is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        Ok(BundleSettings {
            trusted_keys,
            allow_unsigned,
            data_dir,
        })
    }
}

/// What installs bundles: the operator's settings, the compiler's front end and the sandbox.
#[derive(Clone)]
pub struct Installer {
    settings: BundleSettings,
    compiler: Arc<dyn ManifestCompiler>,
    sandbox: Arc<Sandbox>,
}

/// A bundle that passed every check, its files staged.
pub struct Prepared {
    /// The addon.
    pub descriptor: &'static AddonDescriptor,
    /// Its checked and compiled backend module.
    pub module: Option<AddonModule>,
    /// SHA-256 of `manifest.json`, hex.
    pub manifest_sha256: String,
    /// SHA-256 of `backend/backend.wasm`, hex.
    pub module_sha256: Option<String>,
    /// The staged files.
    pub staged: Staged,
}

/// A staging directory: deleted when dropped, unless swapped live.
pub struct Staged {
    path: Option<PathBuf>,
    live: PathBuf,
}

impl Staged {
    /// Moves the staged files to their live directory (`<data>/addons/<key>/<version>/`),
    /// replacing what was there.
    pub fn swap(mut self) -> std::io::Result<()> {
        let Some(path) = self.path.take() else {
            return Ok(());
        };
        if let Some(parent) = self.live.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if self.live.exists() {
            let retired = self
                .live
                .with_extension(format!("retired-{}", uuid::Uuid::new_v4()));
            std::fs::rename(&self.live, &retired)?;
            std::fs::rename(&path, &self.live)?;
            let _ = std::fs::remove_dir_all(retired);
            Ok(())
        } else {
            std::fs::rename(&path, &self.live)
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            if let Err(error) = std::fs::remove_dir_all(&path) {
                tracing::warn!(path = %path.display(), %error, "a staging directory was not removed");
            }
        }
    }
}

/// 422 (or the error's own status) with the bundle error's code.
fn refused(error: &BundleError) -> ApiError {
    let status = match error {
        BundleError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    ApiError::new(status, error.code(), error.to_string())
}

fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

impl Installer {
    /// An installer with the operator's `settings`, the application's `compiler` and the
    /// `sandbox` bundle modules load into.
    pub fn new(
        settings: BundleSettings,
        compiler: Arc<dyn ManifestCompiler>,
        sandbox: Arc<Sandbox>,
    ) -> Installer {
        Installer {
            settings,
            compiler,
            sandbox,
        }
    }

    /// The operator's settings.
    pub fn settings(&self) -> &BundleSettings {
        &self.settings
    }

    /// Steps 2–11 of §10.4 for the bundle `upload` installed as `key`, in a server serving
    /// the compiled addons of `registry`.
    pub fn prepare(
        &self,
        key: &str,
        upload: &BundleUpload,
        registry: &Registry,
    ) -> Result<Prepared, ApiError> {
        let digest = metacore_bundle::sha256(&upload.bundle);
        self.verify(key, upload, &digest)?;
        let bundle = metacore_bundle::read(&upload.bundle[..]).map_err(|e| refused(&e))?;
        if let Some(signature) = &upload.signature {
            if !self.settings.trusted_keys.is_empty() {
                Detached::parse(signature)
                    .and_then(|detached| detached.check_checksums(&bundle))
                    .map_err(|e| refused(&e))?;
            }
        }
        let backend = bundle
            .entry(metacore_bundle::BACKEND_PATH)
            .map(|e| e.bytes.as_slice());
        let (descriptor, module) = self.check(key, bundle.manifest(), backend, registry)?;
        Ok(Prepared {
            descriptor,
            module,
            manifest_sha256: hex::encode(metacore_bundle::sha256(bundle.manifest())),
            module_sha256: backend.map(|b| hex::encode(metacore_bundle::sha256(b))),
            staged: self.stage(descriptor, &bundle)?,
        })
    }

    /// The signature over the bundle's `digest` (before the archive is parsed).
    fn verify(&self, key: &str, upload: &BundleUpload, digest: &[u8; 32]) -> Result<(), ApiError> {
        let keys = &self.settings.trusted_keys;
        match (&upload.signature, keys.is_empty()) {
            (Some(signature), false) => Detached::parse(signature)
                .and_then(|detached| detached.verify(keys, digest))
                .map_err(|e| refused(&e)),
            (None, false) => Err(unprocessable(
                "signature_required",
                "this server trusts signing keys: the bundle needs its detached signature \
                 (multipart part `signature`)",
            )),
            (_, true) if self.settings.allow_unsigned => {
                tracing::warn!(
                    addon = %key,
                    digest = %hex::encode(digest),
                    "installing a bundle without verifying a signature \
                     (METACORE_ALLOW_UNSIGNED_BUNDLES is set)"
                );
                Ok(())
            }
            (_, true) => Err(unprocessable(
                "signature_required",
                "this server trusts no signing key (METACORE_TRUSTED_KEYS) and refuses \
                 unsigned bundles",
            )),
        }
    }

    /// Steps 6–10, for an upload and for a restore alike: the manifest through the front
    /// end, identity, build membership, module.
    fn check(
        &self,
        key: &str,
        manifest: &[u8],
        backend: Option<&[u8]>,
        registry: &Registry,
    ) -> Result<(&'static AddonDescriptor, Option<AddonModule>), ApiError> {
        let compiled = self
            .compiler
            .compile(manifest, backend)
            .map_err(|rejected| {
                let mut error = unprocessable("manifest_invalid", rejected.message);
                error.meta = Some(Box::new(json!({"errors": rejected.diagnostics})));
                error
            })?;
        let descriptor = compiled.descriptor;
        if descriptor.key != key {
            return Err(ApiError::bad_request(
                "key_mismatch",
                format!(
                    "the bundle's manifest declares `{}`, not `{key}`",
                    descriptor.key
                ),
            ));
        }
        if compiled.declares_models && !is_compiled(registry, descriptor) {
            return Err(unprocessable(
                "rebuild_required",
                format!(
                    "`{key}` declares models, which this server does not serve as compiled: \
                     compile it with `metacore-gen build` and redeploy"
                ),
            ));
        }
        if registry.addon(key).is_some() {
            return Err(ApiError::new(
                poem::http::StatusCode::CONFLICT,
                "version_conflict",
                format!(
                    "`{key}` is compiled into this server: install it with a JSON body, or \
                     rebuild the server to change it"
                ),
            ));
        }
        let module = match backend {
            Some(bytes) => Some(
                self.sandbox
                    .load(descriptor, bytes)
                    .map_err(|e| unprocessable("bundle_invalid", e.to_string()))?,
            ),
            None if !descriptor.backend.wasm_handlers.is_empty() => {
                return Err(unprocessable(
                    "bundle_invalid",
                    format!(
                        "the manifest names WASM handlers but the bundle has no `{}`",
                        metacore_bundle::BACKEND_PATH
                    ),
                ))
            }
            None => None,
        };
        Ok((descriptor, module))
    }

    /// Step 11: the bundle's files under a fresh staging directory.
    fn stage(&self, addon: &AddonDescriptor, bundle: &Bundle) -> Result<Staged, ApiError> {
        let root = self.settings.data_dir.join("addons");
        let path = root.join(".staging").join(format!(
            "{}-{}-{}",
            addon.key,
            addon.version,
            uuid::Uuid::new_v4().simple()
        ));
        let staged = Staged {
            path: Some(path.clone()),
            live: self.live_dir(addon.key, addon.version),
        };
        std::fs::create_dir_all(&path).map_err(ApiError::internal)?;
        for entry in bundle.entries() {
            let file = within(&path, &entry.path)?;
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent).map_err(ApiError::internal)?;
            }
            std::fs::write(&file, &entry.bytes).map_err(ApiError::internal)?;
        }
        Ok(staged)
    }

    /// The SHA-256 digests (hex) of the live `manifest.json` and backend module of `key` at
    /// `version`, when its directory exists.
    pub fn live_digests(&self, key: &str, version: &str) -> Option<(String, Option<String>)> {
        let dir = self.live_dir(key, version);
        let manifest = std::fs::read(dir.join(metacore_bundle::MANIFEST_PATH)).ok()?;
        let module = std::fs::read(dir.join(metacore_bundle::BACKEND_PATH)).ok();
        Some((
            hex::encode(metacore_bundle::sha256(&manifest)),
            module.map(|m| hex::encode(metacore_bundle::sha256(&m))),
        ))
    }

    /// Whether `prepared` is the very build live under its key and version: the same
    /// files with the same bytes.
    pub fn is_live_build(&self, prepared: &Prepared) -> bool {
        let addon = prepared.descriptor;
        let Some(staged) = &prepared.staged.path else {
            return false;
        };
        let live = tree_digest(&self.live_dir(addon.key, addon.version));
        live.is_some() && live == tree_digest(staged)
    }

    fn live_dir(&self, key: &str, version: &str) -> PathBuf {
        self.settings
            .data_dir
            .join("addons")
            .join(key)
            .join(version)
    }

    /// Registers again, at start-up, the bundle `key` at `version` an organisation has
    /// installed, from its live directory: the same checks as an upload (`check`),
    /// so a bundle whose key this server now has compiled in is not restored over it.
    /// Returns the descriptor and module to register.
    pub fn restore(
        &self,
        key: &str,
        version: &str,
        registry: &Registry,
    ) -> Result<(&'static AddonDescriptor, Option<AddonModule>), String> {
        let dir = self.live_dir(key, version);
        let manifest = std::fs::read(dir.join(metacore_bundle::MANIFEST_PATH))
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        let backend = std::fs::read(dir.join(metacore_bundle::BACKEND_PATH)).ok();
        let (descriptor, module) = self
            .check(key, &manifest, backend.as_deref(), registry)
            .map_err(|e| e.message)?;
        if descriptor.version != version {
            return Err(format!(
                "{} holds `{key}` {}, not {version}",
                dir.display(),
                descriptor.version
            ));
        }
        Ok((descriptor, module))
    }
}

/// A digest of every file under `dir`: their relative paths and contents, in path order.
/// `None` when `dir` cannot be read.
fn tree_digest(dir: &Path) -> Option<[u8; 32]> {
    fn walk(root: &Path, dir: &Path, files: &mut Vec<(String, [u8; 32])>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(root, &path, files)?;
            } else {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                let bytes = std::fs::read(&path)?;
                files.push((
                    relative.to_string_lossy().into_owned(),
                    metacore_bundle::sha256(&bytes),
                ));
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files).ok()?;
    files.sort();
    let mut listing = Vec::new();
    for (path, digest) in files {
        listing.extend_from_slice(path.as_bytes());
        listing.push(0);
        listing.extend_from_slice(&digest);
    }
    Some(metacore_bundle::sha256(&listing))
}

/// `relative` under `root`, checked again component by component (§10.2) so no entry can
/// leave the staging directory, whatever the reader let through.
fn within(root: &Path, relative: &str) -> Result<PathBuf, ApiError> {
    let checked = metacore_bundle::check_path(relative.as_bytes())
        .map_err(|e| unprocessable("bundle_invalid", format!("`{relative}`: {e}")))?;
    let mut path = root.to_path_buf();
    for component in checked.split('/') {
        path.push(component);
    }
    Ok(path)
}

/// Whether `addon` is compiled into this server: same key, version and canonical IR hash.
fn is_compiled(registry: &Registry, addon: &AddonDescriptor) -> bool {
    registry.addon(addon.key).is_some_and(|compiled| {
        compiled.version == addon.version && compiled.ir_sha256 == addon.ir_sha256
    })
}

/// Registers again every bundle an organisation has installed (`source = 'bundle'`), from
/// its live directory under the data dir, so installed bundles survive a restart. Returns one
/// note per bundle that could not be restored (its routes answer 404 until it is installed
/// again).
pub async fn restore_all(state: &super::state::ApiState) -> Vec<String> {
    let Some(installer) = state.installer() else {
        return Vec::new();
    };
    let installed = match crate::installations::bundles(state.db()).await {
        Ok(installed) => installed,
        Err(error) => return vec![format!("installed bundles were not read: {error}")],
    };
    // One version of an addon is served: the highest any organisation installed.
    let mut newest: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    let parse = metacore_core::semver::Version::lenient;
    for (key, version) in installed {
        let newer = newest
            .get(&key)
            .is_none_or(|current| parse(&version) > parse(current));
        if newer {
            newest.insert(key, version);
        }
    }
    let mut notes = Vec::new();
    for (key, version) in newest {
        match installer.restore(&key, &version, state.registry()) {
            Ok((addon, module)) => {
                if let Err(error) = state.dispatcher().register(addon, module) {
                    notes.push(format!("bundle `{key}` {version}: {error}"));
                }
            }
            Err(error) => notes.push(format!("bundle `{key}` {version}: {error}")),
        }
    }
    notes
}

#[cfg(test)]
mod tests;
