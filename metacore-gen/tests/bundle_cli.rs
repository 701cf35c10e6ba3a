//! The bundle commands of the `metacore-gen` binary: keygen → bundle → sign → verify.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn metacore_gen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_metacore-gen"))
}

fn showcase() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests/showcase")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("metacore-gen-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(command: &mut Command) -> Output {
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_code(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        text(&output.stdout),
        text(&output.stderr)
    );
}

fn keygen(dir: &Path, name: &str) -> (PathBuf, String) {
    let prefix = dir.join(name);
    let out = run(metacore_gen().arg("keygen").arg("--out").arg(&prefix));
    assert_code(&out, 0);
    let public = text(&out.stdout).trim().to_string();
    assert_eq!(public.len(), 64);
    assert_eq!(
        fs::read_to_string(dir.join(format!("{name}.pub")))
            .unwrap()
            .trim(),
        public
    );
    (dir.join(format!("{name}.key")), public)
}

#[test]
fn keygen_bundle_sign_verify() {
    let dir = scratch("bundle-flow");
    let (key, public) = keygen(&dir, "dev");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let again = run(metacore_gen()
        .arg("keygen")
        .arg("--out")
        .arg(dir.join("dev")));
    assert_code(&again, 2);
    assert!(text(&again.stderr).contains("refusing to overwrite"));

    let bundle = dir.join("showcase.tar.gz");
    let out = run(metacore_gen()
        .arg("bundle")
        .arg(showcase())
        .arg("--out")
        .arg(&bundle));
    assert_code(&out, 0);
    let bytes = fs::read(&bundle).unwrap();
    // Diagnostics (here: notes) come first, as `validate` prints them; the digest last.
    let stdout = text(&out.stdout);
    let sha = format!("sha256 {}", hex::encode(metacore_bundle::sha256(&bytes)));
    assert_eq!(stdout.lines().last(), Some(sha.as_str()), "{stdout}");
    let entries = metacore_bundle::read(bytes.as_slice()).unwrap();
    let paths: Vec<&str> = entries.entries().iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["manifest.json", "backend/backend.wasm"]);
    assert_eq!(
        entries.manifest(),
        fs::read(showcase().join("manifest.json")).unwrap()
    );

    assert_code(
        &run(metacore_gen()
            .arg("sign")
            .arg("--key")
            .arg(&key)
            .arg(&bundle)),
        0,
    );
    let signature = dir.join("showcase.tar.gz.sig");
    assert_eq!(fs::read_to_string(&signature).unwrap().trim().len(), 128);

    let ok = run(metacore_gen()
        .args(["verify", "--pub", &public])
        .arg(&bundle));
    assert_code(&ok, 0);
    assert!(
        text(&ok.stdout).starts_with("verified"),
        "{}",
        text(&ok.stdout)
    );
    // The .pub file works as well as its hex.
    let by_file = run(metacore_gen()
        .arg("verify")
        .arg("--pub")
        .arg(dir.join("dev.pub"))
        .arg("--signature")
        .arg(&signature)
        .arg(&bundle));
    assert_code(&by_file, 0);

    let (_, other) = keygen(&dir, "other");
    let wrong = run(metacore_gen()
        .args(["verify", "--pub", &other])
        .arg(&bundle));
    assert_code(&wrong, 1);
    assert!(
        text(&wrong.stderr).contains("signature_invalid"),
        "{}",
        text(&wrong.stderr)
    );

    let mut tampered = bytes.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x40;
    fs::write(&bundle, &tampered).unwrap();
    let bad = run(metacore_gen()
        .args(["verify", "--pub", &public])
        .arg(&bundle));
    assert_code(&bad, 1);
    assert!(text(&bad.stderr).contains("signature_invalid"));
    fs::remove_dir_all(&dir).unwrap();
}

/// Copies the showcase addon into `dir` with fresh file times.
fn copy_showcase(dir: &Path) -> PathBuf {
    let copy = dir.join("showcase");
    fs::create_dir_all(copy.join("backend")).unwrap();
    for file in [
        "manifest.json",
        "backend/backend.wasm",
        "backend/backend.wat",
    ] {
        fs::copy(showcase().join(file), copy.join(file)).unwrap();
    }
    copy
}

#[test]
fn bundling_twice_gives_identical_bytes() {
    let dir = scratch("bundle-twice");
    let first = dir.join("a.tar.gz");
    let second = dir.join("b.tar.gz");
    assert_code(
        &run(metacore_gen()
            .arg("bundle")
            .arg(showcase())
            .arg("--out")
            .arg(&first)),
        0,
    );
    let copy = copy_showcase(&dir);
    fs::File::options()
        .write(true)
        .open(copy.join("manifest.json"))
        .unwrap()
        .set_modified(std::time::UNIX_EPOCH)
        .unwrap();
    assert_code(
        &run(metacore_gen()
            .arg("bundle")
            .arg(&copy)
            .arg("--out")
            .arg(&second)),
        0,
    );
    assert_eq!(fs::read(&first).unwrap(), fs::read(&second).unwrap());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_default_bundle_name_is_key_and_version() {
    let dir = scratch("bundle-name");
    let out = run(metacore_gen()
        .current_dir(&dir)
        .arg("bundle")
        .arg(showcase()));
    assert_code(&out, 0);
    assert!(dir.join("showcase-1.0.0.tar.gz").is_file());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_manifest_with_errors_is_not_bundled() {
    let dir = scratch("bundle-invalid");
    let addon = dir.join("addon");
    fs::create_dir_all(&addon).unwrap();
    let invalid =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/v3/cli-v3_invalid.json");
    fs::copy(invalid, addon.join("manifest.json")).unwrap();
    let bundle = dir.join("x.tar.gz");
    let out = run(metacore_gen()
        .arg("bundle")
        .arg(&addon)
        .arg("--out")
        .arg(&bundle));
    assert_code(&out, 1);
    assert!(text(&out.stdout).contains("error"), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("no bundle was written"));
    assert!(!bundle.exists());

    let missing = run(metacore_gen().arg("bundle").arg(&dir));
    assert_code(&missing, 2);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_invalid_bundle_is_neither_signed_nor_verified() {
    let dir = scratch("bundle-garbage");
    let (key, public) = keygen(&dir, "k");
    let garbage = dir.join("garbage.tar.gz");
    fs::write(&garbage, b"not a bundle").unwrap();
    let out = run(metacore_gen()
        .arg("sign")
        .arg("--key")
        .arg(&key)
        .arg(&garbage));
    assert_code(&out, 1);
    assert!(text(&out.stderr).contains("bundle_invalid"));
    // Signed anyway (with the library), the archive checks still refuse it.
    let secret = metacore_bundle::signature::SecretKey::read_file(&key).unwrap();
    let sig = secret.sign(b"not a bundle").to_hex();
    fs::write(dir.join("garbage.tar.gz.sig"), sig).unwrap();
    let out = run(metacore_gen()
        .args(["verify", "--pub", &public])
        .arg(&garbage));
    assert_code(&out, 1);
    assert!(text(&out.stderr).contains("bundle_invalid"));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_bundle_command_explains_itself() {
    for command in ["bundle", "keygen", "sign", "verify"] {
        let out = run(metacore_gen().args([command, "--help"]));
        assert_code(&out, 0);
        assert!(text(&out.stdout).contains("Exit status"), "{command}");
    }
}
