//! The `metacore-gen` binary: exit codes, output formats, and the editor schema.

use std::path::{Path, PathBuf};
use std::process::Command;

use metacore_gen::frontend::{self, Options};

fn metacore_gen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_metacore-gen"))
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

fn corpus_files(dialect: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir().join(dialect))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn accepted(path: &Path) -> bool {
    let bytes = std::fs::read(path).unwrap();
    !frontend::load(path, &bytes, &Options::default())
        .report
        .has_errors(false)
}

#[test]
fn validate_exit_codes() {
    let corpus = corpus_dir();
    let ok = metacore_gen()
        .arg("validate")
        .arg(corpus.join("v3/coingecko.json"))
        .output()
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let bad = metacore_gen()
        .arg("validate")
        .arg(corpus.join("v3/cli-v3_invalid.json"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let strict = metacore_gen()
        .args(["validate", "--strict"])
        .arg(corpus.join("v3/catalog.json"))
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1));
    let usage = metacore_gen()
        .args(["validate", "--format", "xml", "x.json"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
    let missing = metacore_gen()
        .args(["validate", "/no/such/manifest.json"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn json_format_is_one_array_of_located_diagnostics() {
    let out = metacore_gen()
        .args(["validate", "--format", "json"])
        .arg(corpus_dir().join("v3/native-whatsapp_native.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diagnostics: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let dup = diagnostics
        .iter()
        .find(|d| d["code"] == "MC0402")
        .expect("MC0402 reported");
    for field in [
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "code",
        "severity",
        "message",
        "help",
        "pointer",
    ] {
        assert!(dup.get(field).is_some(), "missing {field}");
    }
    assert_eq!(dup["severity"], "error");
    assert!(dup["line"].as_u64().unwrap() > 1);
}

#[test]
fn a_directory_is_searched_for_manifests() {
    let out = metacore_gen()
        .args(["validate"])
        .arg(corpus_dir().join("v2"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("49 file(s) checked"), "{text}");
}

#[test]
fn editor_schema_accepts_every_manifest_we_accept() {
    let out = metacore_gen().arg("schema").output().unwrap();
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the printed schema compiles");
    let mut checked = 0;
    for dialect in ["v3", "v2"] {
        for path in corpus_files(dialect) {
            if !accepted(&path) {
                continue;
            }
            let value: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .take(3)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            checked += 1;
        }
    }
    assert!(checked > 80);
    // And it is a schema an editor can use to flag typos.
    let typo = serde_json::json!({"apiVersion": "asteby.com/v3", "kind": "Addon", "metadta": {}});
    assert!(!validator.is_valid(&typo));
}

/// A manifest beside its `backend/backend.wasm`: handler names are checked against the
/// module's real exports, with a suggestion for the case/style mismatch the corpus has.
#[test]
fn wasm_module_beside_the_manifest_is_checked() {
    let dir = std::env::temp_dir().join(format!("metacore-wasm-check-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("backend")).unwrap();
    let manifest = std::fs::read_to_string(corpus_dir().join("v3/catalog.json")).unwrap();
    std::fs::write(dir.join("manifest.json"), manifest).unwrap();
    let module = wat::parse_str(
        r#"(module
            (import "metacore_host" "log" (func (param i32 i32)))
            (memory (export "memory") 1)
            (func (export "alloc") (param i32) (result i32) i32.const 0)
            (func (export "update_stock") (param i32 i32) (result i64) i64.const 0)
            (func (export "toggle_published") (param i64) (result i64) i64.const 0))"#,
    )
    .unwrap();
    std::fs::write(dir.join("backend/backend.wasm"), module).unwrap();
    let out = metacore_gen()
        .args(["validate", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diagnostics: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let missing: Vec<&serde_json::Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "MC0408")
        .collect();
    assert_eq!(missing.len(), 2, "{diagnostics:#?}");
    assert!(missing.iter().any(|d| d["help"]
        .as_str()
        .unwrap()
        .contains("did you mean `update_stock`?")));
    // With the module present, the "no module" warnings give way to the real check.
    assert!(!diagnostics
        .iter()
        .any(|d| d["code"] == "MC0411" || d["code"] == "MC0412"));
}

#[test]
fn a_forbidden_import_is_refused_with_the_wasm_flag() {
    let dir = std::env::temp_dir().join(format!("metacore-wasm-flag-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let module = wat::parse_str(
        r#"(module
            (import "env" "system" (func (param i32)))
            (memory (export "memory") 1)
            (func (export "alloc") (param i32) (result i32) i32.const 0))"#,
    )
    .unwrap();
    let wasm = dir.join("evil.wasm");
    std::fs::write(&wasm, module).unwrap();
    let out = metacore_gen()
        .args(["validate", "--format", "json", "--wasm"])
        .arg(&wasm)
        .arg(corpus_dir().join("v3/coingecko.json"))
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let diagnostics: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        diagnostics.iter().any(|d| d["code"] == "MC1005"),
        "{diagnostics:#?}"
    );
    assert_eq!(out.status.code(), Some(1));
}
