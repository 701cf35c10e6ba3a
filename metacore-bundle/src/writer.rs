//! The deterministic bundle writer (`runtime.md` §10.1).
//!
//! Entries go in groups — `manifest.json`, `migrations/…`, `frontend/…`,
//! `backend/backend.wasm`, `README.md`, everything else — and bytewise path order within a
//! group. Every header is normalised (mtime 0, uid/gid 0, no user or group names, mode 0644);
//! a PAX extended header is written only for a path a ustar header cannot hold; the gzip
//! header has mtime 0, no file name and OS byte 255, at compression level 6. The writer
//! refuses what the reader would refuse, so every bundle it writes can be installed.

use std::collections::HashMap;
use std::io::{self, Write};

use flate2::{Compression, GzBuilder};
use tar::{EntryType, Header};

use crate::path::{check_path, fold_case};
use crate::{
    entry_limit, BundleError, Invalid, BACKEND_PATH, MANIFEST_PATH, MAX_COMPRESSED_BYTES,
    MAX_DECOMPRESSED_BYTES, MAX_ENTRIES,
};

/// One file to put in a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Its bundle path (`manifest.json`, `frontend/app.js`, …).
    pub path: String,
    /// Its exact bytes.
    pub bytes: Vec<u8>,
}

/// Writes `inputs` as a bundle. The result depends only on the paths and bytes of the
/// inputs, not on their order.
///
/// Refused: paths breaking the rules of §10.2, duplicates (case-insensitive), a missing
/// `manifest.json`, and anything over the reader's limits.
pub fn write(inputs: &[Input]) -> Result<Vec<u8>, BundleError> {
    check_inputs(inputs)?;
    let mut ordered: Vec<&Input> = inputs.iter().collect();
    ordered.sort_by(|a, b| {
        (group(&a.path), a.path.as_bytes()).cmp(&(group(&b.path), b.path.as_bytes()))
    });

    let gzip = GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), Compression::new(6));
    let mut builder = tar::Builder::new(CountingWriter {
        inner: gzip,
        count: 0,
    });
    for input in ordered {
        append(&mut builder, input).map_err(unwritable)?;
    }
    let counted = builder.into_inner().map_err(unwritable)?;
    if counted.count > MAX_DECOMPRESSED_BYTES {
        return Err(Invalid::DecompressedTooLarge {
            limit: MAX_DECOMPRESSED_BYTES,
        }
        .into());
    }
    let bytes = counted.inner.finish().map_err(unwritable)?;
    if bytes.len() as u64 > MAX_COMPRESSED_BYTES {
        return Err(BundleError::PayloadTooLarge {
            limit: MAX_COMPRESSED_BYTES,
        });
    }
    Ok(bytes)
}

/// The §10.1 group of a path.
fn group(path: &str) -> u8 {
    if path == MANIFEST_PATH {
        0
    } else if path.starts_with("migrations/") {
        1
    } else if path.starts_with("frontend/") {
        2
    } else if path == BACKEND_PATH {
        3
    } else if path == "README.md" {
        4
    } else {
        5
    }
}

fn check_inputs(inputs: &[Input]) -> Result<(), Invalid> {
    if inputs.len() > MAX_ENTRIES {
        return Err(Invalid::TooManyEntries { limit: MAX_ENTRIES });
    }
    let mut seen: HashMap<String, &str> = HashMap::new();
    for input in inputs {
        check_path(input.path.as_bytes()).map_err(|problem| Invalid::Path {
            path: input.path.clone(),
            problem,
        })?;
        let limit = entry_limit(&input.path);
        if input.bytes.len() as u64 > limit {
            return Err(Invalid::EntryTooLarge {
                path: input.path.clone(),
                size: input.bytes.len() as u64,
                limit,
            });
        }
        if let Some(first) = seen.insert(fold_case(&input.path), &input.path) {
            return Err(Invalid::Duplicate {
                path: input.path.clone(),
                first: first.to_string(),
            });
        }
    }
    if !inputs.iter().any(|i| i.path == MANIFEST_PATH) {
        return Err(Invalid::MissingManifest);
    }
    Ok(())
}

fn append<W: Write>(builder: &mut tar::Builder<W>, input: &Input) -> io::Result<()> {
    let mut header = Header::new_ustar();
    header.set_entry_type(EntryType::Regular);
    header.set_mode(0o644);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(0);
    header.set_size(input.bytes.len() as u64);
    if header.set_path(&input.path).is_err() {
        // Too long for ustar's name and prefix fields: the full path goes in a PAX header
        // and the ustar name keeps its first 100 bytes for readers without PAX support.
        builder.append_pax_extensions([("path", input.path.as_bytes())])?;
        let name = &mut header.as_old_mut().name;
        let n = name.len().min(input.path.len());
        name.fill(0);
        name[..n].copy_from_slice(&input.path.as_bytes()[..n]);
    }
    header.set_cksum();
    builder.append(&header, input.bytes.as_slice())
}

/// Writing into memory fails only on a broken invariant; report it as an archive problem.
fn unwritable(e: io::Error) -> BundleError {
    Invalid::Archive(format!("cannot write the archive: {e}")).into()
}

/// Counts the bytes of the tar stream on their way into the compressor.
struct CountingWriter<W> {
    inner: W,
    count: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read;

    fn input(path: &str, bytes: &[u8]) -> Input {
        Input {
            path: path.to_string(),
            bytes: bytes.to_vec(),
        }
    }

    fn sample() -> Vec<Input> {
        vec![
            input("locales/es.json", b"{}"),
            input("README.md", b"# Demo\n"),
            input("backend/backend.wasm", b"\0asm\x01\0\0\0"),
            input("frontend/index.js", b"export {}"),
            input("frontend/assets/a.css", b"a{}"),
            input("migrations/2.sql", b"select 2;"),
            input("migrations/1.sql", b"select 1;"),
            input("manifest.json", b"{\"key\": \"demo\"}"),
            input("assets/logo.svg", b"<svg/>"),
        ]
    }

    #[test]
    fn same_inputs_in_any_order_give_the_same_bytes() {
        let inputs = sample();
        let first = write(&inputs).unwrap();
        let mut reversed = inputs.clone();
        reversed.reverse();
        assert_eq!(write(&reversed).unwrap(), first);
        let mut rotated = inputs;
        rotated.rotate_left(3);
        assert_eq!(write(&rotated).unwrap(), first);
    }

    #[test]
    fn entries_come_in_group_order_with_normalised_headers() {
        let bytes = write(&sample()).unwrap();
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
        let mut paths = Vec::new();
        for entry in archive.entries().unwrap() {
            let entry = entry.unwrap();
            let header = entry.header();
            assert_eq!(header.mtime().unwrap(), 0);
            assert_eq!(header.uid().unwrap(), 0);
            assert_eq!(header.gid().unwrap(), 0);
            assert_eq!(header.mode().unwrap(), 0o644);
            assert_eq!(header.username_bytes(), Some(&b""[..]));
            assert_eq!(header.groupname_bytes(), Some(&b""[..]));
            assert_eq!(header.entry_type(), EntryType::Regular);
            paths.push(String::from_utf8(entry.path_bytes().into_owned()).unwrap());
        }
        assert_eq!(
            paths,
            [
                "manifest.json",
                "migrations/1.sql",
                "migrations/2.sql",
                "frontend/assets/a.css",
                "frontend/index.js",
                "backend/backend.wasm",
                "README.md",
                "assets/logo.svg",
                "locales/es.json",
            ]
        );
    }

    #[test]
    fn gzip_header_is_fixed() {
        let bytes = write(&sample()).unwrap();
        // Magic, deflate, no flags (no file name), mtime 0, XFL, OS 255.
        assert_eq!(&bytes[..4], &[0x1f, 0x8b, 8, 0]);
        assert_eq!(&bytes[4..8], &[0, 0, 0, 0]);
        assert_eq!(bytes[9], 255);
    }

    #[test]
    fn pax_headers_only_for_paths_ustar_cannot_hold() {
        let short = write(&sample()).unwrap();
        assert!(!gunzip(&short).windows(7).any(|w| w == b" path=a"));
        let long_name = format!("assets/{}", "n".repeat(120));
        let mut inputs = sample();
        inputs.push(input(&long_name, b"x"));
        let bytes = write(&inputs).unwrap();
        let tar = gunzip(&bytes);
        let needle = format!(" path={long_name}\n");
        assert!(tar.windows(needle.len()).any(|w| w == needle.as_bytes()));
        let bundle = read(bytes.as_slice()).unwrap();
        assert!(bundle.entries().iter().any(|e| e.path == long_name));
    }

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut out).unwrap();
        out
    }

    #[test]
    fn refuses_what_the_reader_refuses() {
        let mut no_manifest = sample();
        no_manifest.retain(|i| i.path != "manifest.json");
        assert!(matches!(
            write(&no_manifest),
            Err(BundleError::BundleInvalid(Invalid::MissingManifest))
        ));
        let mut dup = sample();
        dup.push(input("Readme.MD", b""));
        assert!(matches!(
            write(&dup),
            Err(BundleError::BundleInvalid(Invalid::Duplicate { .. }))
        ));
        let mut bad = sample();
        bad.push(input("../x", b""));
        assert!(matches!(
            write(&bad),
            Err(BundleError::BundleInvalid(Invalid::Path { .. }))
        ));
    }

    #[test]
    fn round_trips_through_the_reader() {
        let inputs = sample();
        let bundle = read(write(&inputs).unwrap().as_slice()).unwrap();
        assert_eq!(bundle.manifest(), b"{\"key\": \"demo\"}");
        assert_eq!(bundle.entries().len(), inputs.len());
        for entry in bundle.entries() {
            let input = inputs.iter().find(|i| i.path == entry.path).unwrap();
            assert_eq!(entry.bytes, input.bytes);
            assert_eq!(entry.sha256, crate::sha256(&input.bytes));
        }
    }
}
