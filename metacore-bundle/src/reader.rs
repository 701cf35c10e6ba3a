//! The bounded, streaming bundle reader (`runtime.md` §10.2).
//!
//! The compressed input is counted (and hashed) as it is read, the decompressed tar stream
//! is counted as it expands, and each entry's declared size is checked before its data is
//! read, so neither a large upload nor a decompression bomb is ever held in memory.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read};

use flate2::bufread::GzDecoder;
use sha2::{Digest as _, Sha256};
use tar::EntryType;

use crate::path::{check_path, fold_case};
use crate::{
    entry_limit, BundleError, EntryKind, Invalid, MANIFEST_PATH, MAX_COMPRESSED_BYTES,
    MAX_DECOMPRESSED_BYTES, MAX_ENTRIES,
};

/// One regular file of a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its path, checked against the rules of §10.2.
    pub path: String,
    /// Its decompressed bytes.
    pub bytes: Vec<u8>,
    /// The SHA-256 of `bytes`.
    pub sha256: [u8; 32],
}

/// A bundle that passed every check of §10.2.
#[derive(Debug, Clone)]
pub struct Bundle {
    entries: Vec<Entry>,
    manifest: usize,
    digest: [u8; 32],
    compressed_len: u64,
}

impl Bundle {
    /// The regular files, in archive order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The exact bytes of `manifest.json`.
    pub fn manifest(&self) -> &[u8] {
        &self.entries[self.manifest].bytes
    }

    /// The entry at `path`, compared exactly.
    pub fn entry(&self, path: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.path == path)
    }

    /// The SHA-256 of the exact `.tar.gz` bytes read: what a signature covers.
    pub fn digest(&self) -> [u8; 32] {
        self.digest
    }

    /// The size of the `.tar.gz`, in bytes.
    pub fn compressed_len(&self) -> u64 {
        self.compressed_len
    }
}

/// Reads a bundle from `source` with every limit and rule of §10.2 applied while streaming.
pub fn read<R: Read>(source: R) -> Result<Bundle, BundleError> {
    let compressed = Capped::new(source, MAX_COMPRESSED_BYTES, true);
    let decoder = GzDecoder::new(BufReader::new(compressed));
    let mut archive = tar::Archive::new(Capped::new(decoder, MAX_DECOMPRESSED_BYTES, false));
    let entries = read_entries(&mut archive);
    let mut decompressed = archive.into_inner();
    // What follows the end-of-archive blocks still counts against the cap and must be valid
    // gzip; reading to its end also checks the gzip trailer (CRC and length).
    let drained = entries.and_then(|entries| {
        io::copy(&mut decompressed, &mut io::sink()).map_err(unreadable)?;
        Ok(entries)
    });
    let mut rest = decompressed.inner.into_inner();
    let entries = drained.and_then(|entries| {
        if rest.fill_buf().map_err(unreadable)?.is_empty() {
            Ok(entries)
        } else {
            Err(Invalid::TrailingData.into())
        }
    });
    let compressed = rest.into_inner();
    // A cap hit anywhere surfaces as some I/O error; the caps' own flags say which one.
    if compressed.exceeded {
        return Err(BundleError::PayloadTooLarge {
            limit: MAX_COMPRESSED_BYTES,
        });
    }
    if decompressed.exceeded {
        return Err(Invalid::DecompressedTooLarge {
            limit: MAX_DECOMPRESSED_BYTES,
        }
        .into());
    }
    let entries = entries?;
    let manifest = entries
        .iter()
        .position(|e| e.path == MANIFEST_PATH)
        .ok_or(Invalid::MissingManifest)?;
    Ok(Bundle {
        entries,
        manifest,
        digest: compressed
            .hasher
            .map(|h| h.finalize().into())
            .unwrap_or_default(),
        compressed_len: compressed.count,
    })
}

fn read_entries<R: Read>(archive: &mut tar::Archive<R>) -> Result<Vec<Entry>, BundleError> {
    let mut entries = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut count = 0usize;
    let mut declared = 0u64;
    for entry in archive.entries().map_err(unreadable)? {
        let mut entry = entry.map_err(unreadable)?;
        count += 1;
        if count > MAX_ENTRIES {
            return Err(Invalid::TooManyEntries { limit: MAX_ENTRIES }.into());
        }
        let raw_path = entry.path_bytes().into_owned();
        let entry_type = entry.header().entry_type();
        let raw_path = match entry_type {
            EntryType::Regular => raw_path,
            EntryType::Directory => {
                // Directories are skipped, but their paths must still be well formed.
                let trimmed = raw_path.strip_suffix(b"/").unwrap_or(&raw_path);
                check_path(trimmed).map_err(|problem| path_error(trimmed, problem))?;
                continue;
            }
            other => {
                return Err(Invalid::EntryType {
                    path: String::from_utf8_lossy(&raw_path).into_owned(),
                    kind: kind_of(other),
                }
                .into())
            }
        };
        let path = check_path(&raw_path)
            .map_err(|problem| path_error(&raw_path, problem))?
            .to_string();
        if let Some(first) = seen.insert(fold_case(&path), path.clone()) {
            return Err(Invalid::Duplicate { path, first }.into());
        }
        // The effective size: a PAX `size` record overrides the ustar header's.
        let size = entry.size();
        let limit = entry_limit(&path);
        if size > limit {
            return Err(Invalid::EntryTooLarge { path, size, limit }.into());
        }
        // Refuse early what the decompressed cap would refuse once read.
        declared += size;
        if declared > MAX_DECOMPRESSED_BYTES {
            return Err(Invalid::DecompressedTooLarge {
                limit: MAX_DECOMPRESSED_BYTES,
            }
            .into());
        }
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        (&mut entry)
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        if bytes.len() as u64 != size {
            return Err(
                Invalid::Archive(format!("`{path}` is shorter than its header says")).into(),
            );
        }
        let sha256 = Sha256::digest(&bytes).into();
        entries.push(Entry {
            path,
            bytes,
            sha256,
        });
    }
    Ok(entries)
}

fn kind_of(entry_type: EntryType) -> EntryKind {
    match entry_type {
        EntryType::Symlink => EntryKind::Symlink,
        EntryType::Link => EntryKind::HardLink,
        EntryType::Char | EntryType::Block => EntryKind::Device,
        EntryType::Fifo => EntryKind::Fifo,
        _ => EntryKind::Other,
    }
}

fn path_error(raw: &[u8], problem: crate::PathProblem) -> BundleError {
    Invalid::Path {
        path: String::from_utf8_lossy(raw).into_owned(),
        problem,
    }
    .into()
}

fn unreadable(e: io::Error) -> BundleError {
    Invalid::Archive(e.to_string()).into()
}

/// A reader that fails once more than `limit` bytes went through it and remembers that it
/// did; optionally hashes what it passes on.
struct Capped<R> {
    inner: R,
    count: u64,
    limit: u64,
    exceeded: bool,
    hasher: Option<Sha256>,
}

impl<R> Capped<R> {
    fn new(inner: R, limit: u64, hash: bool) -> Self {
        Capped {
            inner,
            count: 0,
            limit,
            exceeded: false,
            hasher: hash.then(Sha256::new),
        }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.exceeded {
            return Err(io::Error::other("size cap exceeded"));
        }
        // Never ask for more than one byte past the cap.
        let room = usize::try_from(self.limit - self.count + 1).unwrap_or(usize::MAX);
        let want = buf.len().min(room);
        let n = self.inner.read(&mut buf[..want])?;
        self.count += n as u64;
        if self.count > self.limit {
            self.exceeded = true;
            return Err(io::Error::other("size cap exceeded"));
        }
        if let Some(hasher) = &mut self.hasher {
            hasher.update(&buf[..n]);
        }
        Ok(n)
    }
}
