//! Archives the writer refuses to make, for the tests of the reader and of the installer
//! (feature `hostile`): raw tar headers with any name bytes, links and sizes, streamed into
//! gzip so that large entries never exist uncompressed.

use std::io::{self, Read};

pub use flate2::Compression;
pub use tar::EntryType;

/// One raw entry: its path bytes as stored, type, size (its data is zeros) and link target.
#[derive(Debug, Clone, Copy)]
pub struct Raw<'a> {
    /// The name bytes, stored as they are.
    pub path: &'a [u8],
    /// The entry type.
    pub kind: EntryType,
    /// The size of its data.
    pub size: u64,
    /// The link target, for links.
    pub link: Option<&'a [u8]>,
}

/// A regular file of `size` zero bytes at `path`.
pub fn file(path: &[u8], size: u64) -> Raw<'_> {
    Raw {
        path,
        kind: EntryType::Regular,
        size,
        link: None,
    }
}

/// The ustar header of `raw`, its name and link copied byte for byte (at most 100 bytes).
pub fn header(raw: &Raw) -> tar::Header {
    let mut header = tar::Header::new_ustar();
    header.as_old_mut().name[..raw.path.len()].copy_from_slice(raw.path);
    if let Some(link) = raw.link {
        header.as_old_mut().linkname[..link.len()].copy_from_slice(link);
    }
    header.set_entry_type(raw.kind);
    header.set_mode(0o644);
    header.set_mtime(0);
    header.set_size(raw.size);
    header.set_cksum();
    header
}

/// A gzip-compressed tar (at `level`) of `manifest.json` holding `manifest`, when given, then
/// `entries`.
pub fn archive(manifest: Option<&[u8]>, entries: &[Raw], level: Compression) -> Vec<u8> {
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), level));
    if let Some(manifest) = manifest {
        builder
            .append(
                &header(&file(b"manifest.json", manifest.len() as u64)),
                manifest,
            )
            .expect("writing to memory cannot fail");
    }
    for raw in entries {
        builder
            .append(&header(raw), io::repeat(0).take(raw.size))
            .expect("writing to memory cannot fail");
    }
    builder
        .into_inner()
        .and_then(|gzip| gzip.finish())
        .expect("writing to memory cannot fail")
}
