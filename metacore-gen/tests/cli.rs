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
    let ok = metacore_gen().arg("validate").arg(corpus.join("v3/coingecko.json")).output().unwrap();
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stdout));
    let bad = metacore_gen().arg("validate").arg(corpus.join("v3/cli-v3_invalid.json")).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let strict = metacore_gen().args(["validate", "--strict"]).arg(corpus.join("v3/catalog.json")).output().unwrap();
    assert_eq!(strict.status.code(), Some(1));
    let usage = metacore_gen().args(["validate", "--format", "xml", "x.json"]).output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
    let missing = metacore_gen().args(["validate", "/no/such/manifest.json"]).output().unwrap();
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
    let dup = diagnostics.iter().find(|d| d["code"] == "MC0402").expect("MC0402 reported");
    for field in ["file", "line", "column", "end_line", "end_column", "code", "severity", "message", "help", "pointer"] {
        assert!(dup.get(field).is_some(), "missing {field}");
    }
    assert_eq!(dup["severity"], "error");
    assert!(dup["line"].as_u64().unwrap() > 1);
}

#[test]
fn a_directory_is_searched_for_manifests() {
    let out = metacore_gen().args(["validate"]).arg(corpus_dir().join("v2")).output().unwrap();
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
            let value: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let errors: Vec<String> = validator.iter_errors(&value).take(3).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            checked += 1;
        }
    }
    assert!(checked > 80);
    // And it is a schema an editor can use to flag typos.
    let typo = serde_json::json!({"apiVersion": "asteby.com/v3", "kind": "Addon", "metadta": {}});
    assert!(!validator.is_valid(&typo));
}
