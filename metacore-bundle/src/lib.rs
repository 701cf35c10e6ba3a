//! Signed addon bundles (`runtime.md` §10): the `.tar.gz` that carries an addon's manifest,
//! migrations, frontend assets and WASM module from its author to a server.
//!
//! * [`write()`] — the deterministic writer (§10.1): the same inputs always give the same bytes;
//!   [`collect`] gathers the inputs from an addon directory.
//! * [`read`] — the bounded, streaming reader (§10.2): size caps, entry limits and path rules,
//!   with a SHA-256 of every entry.
//! * [`signature`] — Ed25519 over the SHA-256 digest of the exact bundle bytes (§10.3), key
//!   files, and the detached signature formats.
//!
//! Errors carry the codes the install route answers with ([`BundleError::code`]). The crate
//! is shared by the compiler's CLI (which writes and signs bundles) and the runtime's
//! installer (which reads and verifies them), so it depends on neither.

mod error;
mod files;
#[cfg(feature = "hostile")]
pub mod hostile;
mod path;
mod reader;
pub mod signature;
mod writer;

pub use error::{BundleError, EntryKind, FileError, Invalid, PathProblem};
pub use files::collect;
pub use path::check_path;
pub use reader::{read, Bundle, Entry};
pub use writer::{write, Input};

/// The manifest's path inside a bundle; the one required entry.
pub const MANIFEST_PATH: &str = "manifest.json";
/// The WASM module's path inside a bundle.
pub const BACKEND_PATH: &str = "backend/backend.wasm";

/// Largest accepted `.tar.gz`, counted while streaming (32 MiB).
pub const MAX_COMPRESSED_BYTES: u64 = 32 * 1024 * 1024;
/// Largest decompressed tar stream (headers included), counted while reading (64 MiB).
pub const MAX_DECOMPRESSED_BYTES: u64 = 64 * 1024 * 1024;
/// Most entries in one bundle, directories included.
pub const MAX_ENTRIES: usize = 10_000;
/// Largest entry (16 MiB), except [`BACKEND_PATH`].
pub const MAX_ENTRY_BYTES: u64 = 16 * 1024 * 1024;
/// Largest [`BACKEND_PATH`] entry (10 MiB).
pub const MAX_BACKEND_BYTES: u64 = 10 * 1024 * 1024;
/// Longest entry path, in bytes.
pub const MAX_PATH_BYTES: usize = 255;
/// Most components in an entry path.
pub const MAX_PATH_DEPTH: usize = 16;

/// The size limit of the entry at `path`.
pub fn entry_limit(path: &str) -> u64 {
    if path == BACKEND_PATH {
        MAX_BACKEND_BYTES
    } else {
        MAX_ENTRY_BYTES
    }
}

/// The SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).into()
}
