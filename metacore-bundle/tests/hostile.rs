//! Hostile bundles: each is refused by the reader (or the signature check) with its code.
//!
//! The archives are built with the `tar` crate's low-level header API, writing raw name
//! bytes where the safe setters refuse them, and streamed into gzip so that large ones
//! never exist uncompressed.

use std::io::{self, Read, Write};

use flate2::write::GzEncoder;
use metacore_bundle::hostile::{archive, file, header, Compression, EntryType, Raw};
use metacore_bundle::signature::{verify, SecretKey};
use metacore_bundle::{read, write, BundleError, EntryKind, Input, Invalid, PathProblem};

const MIB: u64 = 1024 * 1024;

/// The manifest of the hostile archives: the reader checks entries, not the manifest.
const MANIFEST: &[u8] = b"{}";

fn refused(bytes: &[u8]) -> BundleError {
    read(bytes).expect_err("the bundle must be refused")
}

fn invalid(bytes: &[u8]) -> Invalid {
    match refused(bytes) {
        BundleError::BundleInvalid(reason) => reason,
        other => panic!("expected bundle_invalid, got {} ({other})", other.code()),
    }
}

fn valid_bundle() -> Vec<u8> {
    let inputs = [
        ("manifest.json", &b"{\"key\": \"demo\"}"[..]),
        ("backend/backend.wasm", b"\0asm\x01\0\0\0"),
        ("README.md", b"# Demo\n"),
    ]
    .map(|(path, bytes)| Input {
        path: path.into(),
        bytes: bytes.to_vec(),
    });
    write(&inputs).unwrap()
}

#[test]
fn a_valid_bundle_reads() {
    let bundle = read(valid_bundle().as_slice()).unwrap();
    assert_eq!(bundle.entries().len(), 3);
    assert_eq!(bundle.digest(), metacore_bundle::sha256(&valid_bundle()));
}

#[test]
fn a_tampered_byte_fails_the_signature() {
    let bytes = valid_bundle();
    let secret = SecretKey::generate().unwrap();
    let signature = secret.sign(&bytes);
    verify(&secret.public_key(), &bytes, &signature).unwrap();
    for at in [0, bytes.len() / 2, bytes.len() - 1] {
        let mut tampered = bytes.clone();
        tampered[at] ^= 1;
        let err = verify(&secret.public_key(), &tampered, &signature).unwrap_err();
        assert_eq!(err.code(), "signature_invalid");
    }
}

#[test]
fn another_key_fails_the_signature() {
    let bytes = valid_bundle();
    let signature = SecretKey::generate().unwrap().sign(&bytes);
    let other = SecretKey::generate().unwrap().public_key();
    assert_eq!(
        verify(&other, &bytes, &signature).unwrap_err().code(),
        "signature_invalid"
    );
}

#[test]
fn truncated_gzip_is_invalid() {
    let bytes = valid_bundle();
    for keep in [bytes.len() - 4, bytes.len() / 2, 12] {
        assert!(
            matches!(invalid(&bytes[..keep]), Invalid::Archive(_)),
            "{keep}"
        );
    }
    assert!(matches!(invalid(b"not a gzip stream"), Invalid::Archive(_)));
}

#[test]
fn bytes_after_the_gzip_stream_are_invalid() {
    let mut one_byte = valid_bundle();
    one_byte.push(0);
    assert_eq!(invalid(&one_byte), Invalid::TrailingData);
    let mut second_member = valid_bundle();
    second_member.extend(valid_bundle());
    assert_eq!(invalid(&second_member), Invalid::TrailingData);
    assert_eq!(refused(&one_byte).code(), "bundle_invalid");
}

#[test]
fn traversal_absolute_and_backslash_paths_are_invalid() {
    let cases: [(&[u8], PathProblem); 6] = [
        (b"../evil", PathProblem::DotDot),
        (b"frontend/../../evil", PathProblem::DotDot),
        (b"/etc/passwd", PathProblem::Absolute),
        (b"frontend\\..\\evil", PathProblem::Backslash),
        (b"./manifest.json", PathProblem::Dot),
        (b"a//b", PathProblem::EmptyComponent),
    ];
    for (path, problem) in cases {
        let bytes = archive(Some(MANIFEST), &[file(path, 1)], Compression::default());
        match invalid(&bytes) {
            Invalid::Path { problem: found, .. } => assert_eq!(found, problem),
            other => panic!("{}: {other}", String::from_utf8_lossy(path)),
        }
    }
    let bytes = archive(
        Some(MANIFEST),
        &[file(b"a/\xff", 1)],
        Compression::default(),
    );
    assert!(matches!(
        invalid(&bytes),
        Invalid::Path {
            problem: PathProblem::NotUtf8,
            ..
        }
    ));
}

#[test]
fn links_devices_and_fifos_are_invalid() {
    let cases = [
        (EntryType::Symlink, EntryKind::Symlink),
        (EntryType::Link, EntryKind::HardLink),
        (EntryType::Char, EntryKind::Device),
        (EntryType::Block, EntryKind::Device),
        (EntryType::Fifo, EntryKind::Fifo),
    ];
    for (entry_type, kind) in cases {
        let raw = Raw {
            path: b"frontend/app.js",
            kind: entry_type,
            size: 0,
            link: Some(b"/etc/passwd"),
        };
        let bytes = archive(Some(MANIFEST), &[raw], Compression::default());
        assert_eq!(
            invalid(&bytes),
            Invalid::EntryType {
                path: "frontend/app.js".into(),
                kind
            }
        );
    }
}

#[test]
fn directories_are_skipped() {
    let dir = Raw {
        path: b"frontend/",
        kind: EntryType::Directory,
        size: 0,
        link: None,
    };
    let bytes = archive(
        Some(MANIFEST),
        &[dir, file(b"frontend/app.js", 3)],
        Compression::default(),
    );
    let bundle = read(bytes.as_slice()).unwrap();
    let paths: Vec<&str> = bundle.entries().iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["manifest.json", "frontend/app.js"]);
}

#[test]
fn names_differing_only_in_case_are_duplicates() {
    let bytes = archive(
        Some(MANIFEST),
        &[file(b"frontend/App.js", 1), file(b"FRONTEND/app.JS", 1)],
        Compression::default(),
    );
    assert_eq!(
        invalid(&bytes),
        Invalid::Duplicate {
            path: "FRONTEND/app.JS".into(),
            first: "frontend/App.js".into()
        }
    );
    let exact = archive(
        Some(MANIFEST),
        &[file(b"manifest.json", 2)],
        Compression::default(),
    );
    assert!(matches!(invalid(&exact), Invalid::Duplicate { .. }));
}

#[test]
fn more_than_ten_thousand_entries_are_invalid() {
    let names: Vec<String> = (0..10_000).map(|i| format!("assets/{i}")).collect();
    let entries: Vec<Raw> = names.iter().map(|n| file(n.as_bytes(), 0)).collect();
    // 10,000 files plus manifest.json: 10,001 entries.
    let bytes = archive(Some(MANIFEST), &entries, Compression::fast());
    assert_eq!(invalid(&bytes), Invalid::TooManyEntries { limit: 10_000 });
    let at_limit = archive(Some(MANIFEST), &entries[1..], Compression::fast());
    assert_eq!(read(at_limit.as_slice()).unwrap().entries().len(), 10_000);
}

#[test]
fn a_decompression_bomb_is_invalid() {
    // Five 15 MiB entries of zeros: each under its own limit, 75 MiB together, ~75 KiB
    // compressed.
    let names: Vec<String> = (0..5).map(|i| format!("assets/{i}.bin")).collect();
    let entries: Vec<Raw> = names.iter().map(|n| file(n.as_bytes(), 15 * MIB)).collect();
    let bytes = archive(Some(MANIFEST), &entries, Compression::best());
    assert!(bytes.len() < 1024 * 1024, "{}", bytes.len());
    assert_eq!(
        invalid(&bytes),
        Invalid::DecompressedTooLarge { limit: 64 * MIB }
    );
}

#[test]
fn zeros_after_the_archive_count_against_the_cap() {
    // A valid tar followed, inside the same gzip stream, by 70 MiB of zeros: no entry
    // declares them, so only the streaming counter can catch them.
    let mut tar = tar::Builder::new(Vec::new());
    tar.append(&header(&file(b"manifest.json", 2)), &b"{}"[..])
        .unwrap();
    let tar = tar.into_inner().unwrap();
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(&tar).unwrap();
    io::copy(&mut io::repeat(0).take(70 * MIB), &mut gz).unwrap();
    let bytes = gz.finish().unwrap();
    assert_eq!(
        invalid(&bytes),
        Invalid::DecompressedTooLarge { limit: 64 * MIB }
    );
}

#[test]
fn an_oversize_compressed_upload_is_too_large() {
    // Stored (uncompressed) deflate: 5 × 7 MiB entries make a 35 MiB upload that stays
    // under every decompressed limit.
    let names: Vec<String> = (0..5).map(|i| format!("assets/{i}.bin")).collect();
    let entries: Vec<Raw> = names.iter().map(|n| file(n.as_bytes(), 7 * MIB)).collect();
    let bytes = archive(Some(MANIFEST), &entries, Compression::none());
    assert!(bytes.len() as u64 > 32 * MIB);
    let err = refused(&bytes);
    assert_eq!(err.code(), "payload_too_large");
    // The cap holds for an endless stream too: reading stops after 32 MiB.
    let source = io::Cursor::new(bytes).chain(io::repeat(0));
    assert_eq!(read(source).unwrap_err().code(), "payload_too_large");
}

#[test]
fn a_pax_size_record_cannot_hide_an_oversize_entry() {
    // The ustar header says 1 byte; the PAX record that overrides it says 20 MiB.
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::best()));
    builder
        .append(&header(&file(b"manifest.json", 2)), &b"{}"[..])
        .unwrap();
    let size = (20 * MIB).to_string();
    builder
        .append_pax_extensions([("size", size.as_bytes())])
        .unwrap();
    builder
        .append(
            &header(&file(b"assets/x.bin", 1)),
            io::repeat(0).take(20 * MIB),
        )
        .unwrap();
    let bytes = builder.into_inner().unwrap().finish().unwrap();
    assert!(matches!(
        invalid(&bytes),
        Invalid::EntryTooLarge { size, .. } if size == 20 * MIB
    ));
}

#[test]
fn a_missing_manifest_is_invalid() {
    let bytes = archive(None, &[file(b"README.md", 3)], Compression::default());
    assert_eq!(invalid(&bytes), Invalid::MissingManifest);
    let upper = archive(None, &[file(b"MANIFEST.JSON", 3)], Compression::default());
    assert_eq!(invalid(&upper), Invalid::MissingManifest);
}

#[test]
fn entries_over_their_limit_are_invalid() {
    let bytes = archive(
        Some(MANIFEST),
        &[file(b"assets/big.bin", 16 * MIB + 1)],
        Compression::best(),
    );
    assert_eq!(
        invalid(&bytes),
        Invalid::EntryTooLarge {
            path: "assets/big.bin".into(),
            size: 16 * MIB + 1,
            limit: 16 * MIB
        }
    );
    let wasm = archive(
        Some(MANIFEST),
        &[file(b"backend/backend.wasm", 10 * MIB + 1)],
        Compression::best(),
    );
    assert!(matches!(
        invalid(&wasm),
        Invalid::EntryTooLarge { limit, .. } if limit == 10 * MIB
    ));
    let at_limit = archive(
        Some(MANIFEST),
        &[file(b"backend/backend.wasm", 10 * MIB)],
        Compression::best(),
    );
    assert!(read(at_limit.as_slice()).is_ok());
}
