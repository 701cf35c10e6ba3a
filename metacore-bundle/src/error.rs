//! Typed errors: one [`BundleError`] variant per error code of `runtime.md` §10 and
//! `http-api.md` §9.3, with the precise reason of an invalid bundle in [`Invalid`].

use std::path::PathBuf;

/// Why a bundle, or its signature, was refused.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The compressed bundle is larger than the upload cap (`payload_too_large`).
    #[error("the bundle is larger than {limit} bytes compressed")]
    PayloadTooLarge {
        /// The cap, in bytes.
        limit: u64,
    },
    /// The archive breaks a format rule, a limit or a path rule (`bundle_invalid`).
    #[error("invalid bundle: {0}")]
    BundleInvalid(#[from] Invalid),
    /// The signature is malformed, uses another algorithm, or does not verify with any
    /// trusted key (`signature_invalid`).
    #[error("invalid signature: {0}")]
    SignatureInvalid(String),
    /// The detached signature's `digest` is not the bundle's SHA-256 (`digest_mismatch`).
    #[error("the signature's digest {claimed} is not the bundle's SHA-256 {computed}")]
    DigestMismatch {
        /// The digest the signature document states.
        claimed: String,
        /// The bundle's SHA-256, hex.
        computed: String,
    },
    /// An entry is missing from, absent in, or differs from the signature's `checksums`
    /// (`checksum_mismatch`).
    #[error("checksum mismatch for `{path}`: {problem}")]
    ChecksumMismatch {
        /// The entry path.
        path: String,
        /// What differs.
        problem: &'static str,
    },
}

impl BundleError {
    /// The error code the install route answers with.
    pub fn code(&self) -> &'static str {
        match self {
            BundleError::PayloadTooLarge { .. } => "payload_too_large",
            BundleError::BundleInvalid(_) => "bundle_invalid",
            BundleError::SignatureInvalid(_) => "signature_invalid",
            BundleError::DigestMismatch { .. } => "digest_mismatch",
            BundleError::ChecksumMismatch { .. } => "checksum_mismatch",
        }
    }
}

/// Why an archive is not a valid bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    /// Not a readable gzip-compressed tar: corrupt, truncated or not an archive at all.
    #[error("unreadable archive: {0}")]
    Archive(String),
    /// Bytes follow the end of the gzip stream.
    #[error("bytes follow the end of the gzip stream")]
    TrailingData,
    /// The decompressed tar stream exceeds its cap.
    #[error("the archive expands to more than {limit} bytes")]
    DecompressedTooLarge {
        /// The cap, in bytes.
        limit: u64,
    },
    /// More entries than allowed.
    #[error("more than {limit} entries")]
    TooManyEntries {
        /// The cap.
        limit: usize,
    },
    /// One entry exceeds its size limit.
    #[error("`{path}` is {size} bytes, above its limit of {limit}")]
    EntryTooLarge {
        /// The entry path.
        path: String,
        /// Its declared size.
        size: u64,
        /// Its limit.
        limit: u64,
    },
    /// An entry path breaks a path rule.
    #[error("entry path `{path}`: {problem}")]
    Path {
        /// The path, lossily decoded.
        path: String,
        /// The rule it breaks.
        problem: PathProblem,
    },
    /// Two entries have the same path, compared case-insensitively.
    #[error("`{path}` duplicates `{first}` (paths are compared case-insensitively)")]
    Duplicate {
        /// The later entry.
        path: String,
        /// The earlier one.
        first: String,
    },
    /// An entry is not a regular file or a directory.
    #[error("`{path}` is a {kind}; only regular files are allowed")]
    EntryType {
        /// The entry path, lossily decoded.
        path: String,
        /// What it is.
        kind: EntryKind,
    },
    /// There is no `manifest.json` entry.
    #[error("`manifest.json` is missing")]
    MissingManifest,
}

/// The path rules of `runtime.md` §10.2, one variant per rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PathProblem {
    /// The path is empty.
    #[error("the path is empty")]
    Empty,
    /// Longer than [`crate::MAX_PATH_BYTES`].
    #[error("longer than 255 bytes")]
    TooLong,
    /// More than [`crate::MAX_PATH_DEPTH`] components.
    #[error("deeper than 16 components")]
    TooDeep,
    /// Not UTF-8.
    #[error("not UTF-8")]
    NotUtf8,
    /// Starts with `/`.
    #[error("absolute")]
    Absolute,
    /// Contains `\`.
    #[error("contains a backslash")]
    Backslash,
    /// Contains a NUL byte.
    #[error("contains a NUL byte")]
    Nul,
    /// Has an empty component (`a//b`, a trailing `/` on a file).
    #[error("has an empty component")]
    EmptyComponent,
    /// Has a `.` component.
    #[error("has a `.` component")]
    Dot,
    /// Has a `..` component.
    #[error("has a `..` component")]
    DotDot,
}

/// An entry type a bundle may not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EntryKind {
    /// A symbolic link.
    #[error("symbolic link")]
    Symlink,
    /// A hard link.
    #[error("hard link")]
    HardLink,
    /// A character or block device.
    #[error("device")]
    Device,
    /// A named pipe.
    #[error("FIFO")]
    Fifo,
    /// Anything else (sparse files, vendor types).
    #[error("unsupported entry type")]
    Other,
}

/// A problem with the files behind a bundle or a key: collecting an addon directory, reading
/// or writing key files.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file system refused.
    #[error("cannot read or write `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The addon directory has no `manifest.json`.
    #[error("`{0}` has no manifest.json")]
    MissingManifest(PathBuf),
    /// A symbolic link (bundles hold regular files only; links are not followed).
    #[error("`{0}` is a symbolic link; bundles hold regular files only")]
    Link(PathBuf),
    /// Neither a regular file nor a directory.
    #[error("`{0}` is not a regular file")]
    Special(PathBuf),
    /// A file name that is not UTF-8.
    #[error("`{0}` has a name that is not UTF-8")]
    NotUtf8(PathBuf),
    /// A key file would be overwritten.
    #[error("`{0}` already exists; refusing to overwrite a key")]
    Exists(PathBuf),
    /// A key file's contents are malformed.
    #[error("`{path}`: {message}")]
    Key {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}
