//! The files behind bundles: an addon directory's inputs, and key files.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::signature::{PublicKey, SecretKey};
use crate::{FileError, Input, BACKEND_PATH, MANIFEST_PATH};

/// Single files taken from an addon directory when present.
const FILES: &[&str] = &[MANIFEST_PATH, BACKEND_PATH, "README.md"];
/// Directories taken whole (recursively) from an addon directory when present.
const DIRECTORIES: &[&str] = &[
    "migrations",
    "frontend",
    "locales",
    "i18n",
    "assets",
    "templates",
];

/// Collects a bundle's inputs from the addon directory `dir`: `manifest.json` (required),
/// `backend/backend.wasm`, `README.md`, and everything under `migrations/`, `frontend/`,
/// `locales/`, `i18n/`, `assets/` and `templates/`. Other files (backend sources, build
/// output) are left out, and so are hidden files (names starting with `.`). Symbolic links
/// are refused rather than followed.
pub fn collect(dir: &Path) -> Result<Vec<Input>, FileError> {
    if !dir.join(MANIFEST_PATH).is_file() {
        return Err(FileError::MissingManifest(dir.to_path_buf()));
    }
    let mut inputs = Vec::new();
    for file in FILES {
        let path = dir.join(file);
        if exists(&path)? {
            inputs.push(read_input(&path, file.to_string())?);
        }
    }
    for name in DIRECTORIES {
        let path = dir.join(name);
        if exists(&path)? {
            collect_dir(&path, name, &mut inputs)?;
        }
    }
    Ok(inputs)
}

/// Whether `path` exists, without following a final symbolic link.
fn exists(path: &Path) -> Result<bool, FileError> {
    match fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(io(path, source)),
    }
}

fn collect_dir(dir: &Path, prefix: &str, inputs: &mut Vec<Input>) -> Result<(), FileError> {
    let meta = fs::symlink_metadata(dir).map_err(|e| io(dir, e))?;
    if meta.file_type().is_symlink() {
        return Err(FileError::Link(dir.to_path_buf()));
    }
    if !meta.is_dir() {
        return read_input(dir, prefix.to_string()).map(|input| inputs.push(input));
    }
    for entry in fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let entry = entry.map_err(|e| io(dir, e))?;
        let path = entry.path();
        let name = entry
            .file_name()
            .into_string()
            .map_err(|_| FileError::NotUtf8(path.clone()))?;
        if name.starts_with('.') {
            continue;
        }
        collect_dir(&path, &format!("{prefix}/{name}"), inputs)?;
    }
    Ok(())
}

fn read_input(path: &Path, bundle_path: String) -> Result<Input, FileError> {
    let meta = fs::symlink_metadata(path).map_err(|e| io(path, e))?;
    if meta.file_type().is_symlink() {
        return Err(FileError::Link(path.to_path_buf()));
    }
    if !meta.is_file() {
        return Err(FileError::Special(path.to_path_buf()));
    }
    let bytes = fs::read(path).map_err(|e| io(path, e))?;
    Ok(Input {
        path: bundle_path,
        bytes,
    })
}

fn io(path: &Path, source: std::io::Error) -> FileError {
    FileError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// `prefix` with `extension` appended (`keys/dev` → `keys/dev.key`).
fn with_suffix(prefix: &Path, extension: &str) -> PathBuf {
    let mut name = prefix.as_os_str().to_owned();
    name.push(extension);
    PathBuf::from(name)
}

impl SecretKey {
    /// Generates a key pair and writes `PREFIX.key` (the secret, hex, mode 0600) and
    /// `PREFIX.pub` (the public key, hex), creating `PREFIX`'s directory when missing.
    /// Refuses to overwrite either file.
    pub fn generate_files(prefix: &Path) -> Result<(SecretKey, [PathBuf; 2]), FileError> {
        let secret_path = with_suffix(prefix, ".key");
        let public_path = with_suffix(prefix, ".pub");
        for path in [&secret_path, &public_path] {
            if exists(path)? {
                return Err(FileError::Exists(path.clone()));
            }
        }
        let secret = SecretKey::generate().map_err(|e| FileError::Key {
            path: secret_path.clone(),
            message: e.to_string(),
        })?;
        if let Some(parent) = secret_path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        create_new(&secret_path, &secret.to_hex(), 0o600)?;
        create_new(&public_path, &secret.public_key().to_hex(), 0o644)?;
        Ok((secret, [secret_path, public_path]))
    }

    /// Reads a `.key` file written by [`SecretKey::generate_files`].
    pub fn read_file(path: &Path) -> Result<SecretKey, FileError> {
        let text = fs::read_to_string(path).map_err(|e| io(path, e))?;
        SecretKey::from_hex(&text).map_err(|e| FileError::Key {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }
}

impl PublicKey {
    /// Parses a public key given as hex, or as the path of a `.pub` file holding it.
    pub fn from_arg(arg: &str) -> Result<PublicKey, FileError> {
        let path = Path::new(arg);
        let (text, origin) = if path.is_file() {
            (fs::read_to_string(path).map_err(|e| io(path, e))?, path)
        } else {
            (arg.to_string(), Path::new("--pub"))
        };
        PublicKey::from_hex(&text).map_err(|e| FileError::Key {
            path: origin.to_path_buf(),
            message: e.to_string(),
        })
    }
}

fn create_new(path: &Path, text: &str, mode: u32) -> Result<(), FileError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => FileError::Exists(path.to_path_buf()),
        _ => io(path, e),
    })?;
    writeln!(file, "{text}").map_err(|e| io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("metacore-bundle-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write(dir: &Path, path: &str, text: &str) {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn collects_the_bundle_files_only() {
        let dir = scratch("collect");
        for path in [
            "manifest.json",
            "README.md",
            "backend/backend.wasm",
            "backend/backend.wat",
            "migrations/1.sql",
            "frontend/assets/app.js",
            "frontend/.DS_Store",
            "locales/es.json",
            "target/debug/junk",
            "notes.txt",
        ] {
            write(&dir, path, path);
        }
        let mut paths: Vec<String> = collect(&dir).unwrap().into_iter().map(|i| i.path).collect();
        paths.sort();
        assert_eq!(
            paths,
            [
                "README.md",
                "backend/backend.wasm",
                "frontend/assets/app.js",
                "locales/es.json",
                "manifest.json",
                "migrations/1.sql",
            ]
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bundles_do_not_depend_on_file_times_or_listing_order() {
        let dir = scratch("times");
        for path in [
            "manifest.json",
            "migrations/1.sql",
            "assets/b.txt",
            "assets/a.txt",
        ] {
            write(&dir, path, path);
        }
        let first = crate::write(&collect(&dir).unwrap()).unwrap();
        for path in ["manifest.json", "assets/a.txt"] {
            let file = fs::File::options()
                .write(true)
                .open(dir.join(path))
                .unwrap();
            file.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(86_400))
                .unwrap();
        }
        // Recreated files come back in another directory order on most file systems.
        fs::remove_file(dir.join("assets/b.txt")).unwrap();
        write(&dir, "assets/b.txt", "assets/b.txt");
        assert_eq!(crate::write(&collect(&dir).unwrap()).unwrap(), first);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_a_directory_without_manifest_and_links() {
        let dir = scratch("collect-bad");
        assert!(matches!(collect(&dir), Err(FileError::MissingManifest(_))));
        write(&dir, "manifest.json", "{}");
        fs::create_dir_all(dir.join("assets")).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/passwd", dir.join("assets/passwd")).unwrap();
            assert!(matches!(collect(&dir), Err(FileError::Link(_))));
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn key_files_are_private_and_never_overwritten() {
        let dir = scratch("keys");
        let prefix = dir.join("dev");
        let (secret, [key_path, pub_path]) = SecretKey::generate_files(&prefix).unwrap();
        assert_eq!(key_path, dir.join("dev.key"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = fs::metadata(&key_path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = SecretKey::read_file(&key_path).unwrap();
        assert_eq!(again.public_key(), secret.public_key());
        let public = PublicKey::from_arg(pub_path.to_str().unwrap()).unwrap();
        assert_eq!(public, secret.public_key());
        assert_eq!(PublicKey::from_arg(&public.to_hex()).unwrap(), public);
        assert!(matches!(
            SecretKey::generate_files(&prefix),
            Err(FileError::Exists(_))
        ));
        assert_eq!(
            SecretKey::read_file(&key_path).unwrap().to_hex(),
            secret.to_hex()
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
