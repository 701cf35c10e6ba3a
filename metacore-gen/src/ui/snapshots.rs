//! Every shape of every demo addon (`manifests/*/manifest.json`) and of a few corpus files,
//! snapshotted; and every corpus manifest that lowers run through every function.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value as Json};

use super::*;
use crate::checks::test_support::{corpus_files, load_ok_at};
use crate::frontend::load;
use crate::ir::Addon;

/// Corpus files snapshotted besides the demo addons.
const CORPUS_SNAPSHOTS: [&str; 5] = [
    "v3/tickets.json",
    "v3/fiscal_mexico.json",
    "v2/assets.json",
    "v2/fiscal_mexico.json",
    "v2/orders.json",
];

/// All the metadata of one addon: per model its table (ungated), modal and display column,
/// then navigation (the contribution in its internal form, and served after a merge on its
/// own), the permission table and catalogue, and the legacy projection.
fn everything(addon: &Addon) -> Json {
    let per_model = |shape: &dyn Fn(&crate::ir::Model) -> Json| -> Json {
        Json::Object(
            addon
                .models
                .iter()
                .map(|m| (m.table.clone(), shape(m)))
                .collect::<Map<_, _>>(),
        )
    };
    let contribution = navigation(addon);
    let merged = merge_navigation(Vec::new(), std::slice::from_ref(&contribution), &|_| true);
    let table = permissions(addon);
    json!({
        "display_columns": per_model(&|m| json!(display_column(m))),
        "tables": per_model(&|m| table_metadata(addon, m)),
        "modals": per_model(&|m| modal_metadata(addon, m)),
        "navigation_contribution": serde_json::to_value(&contribution).expect("serialises"),
        "navigation_served": served_navigation(&merged),
        "permissions": serde_json::to_value(&table).expect("serialises"),
        "catalog": catalog_json(std::slice::from_ref(&table)),
        "legacy": legacy_manifest(addon),
    })
}

fn demo_manifests() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path().join("manifest.json"))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

fn addon_at(path: &Path) -> (Vec<u8>, Addon) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = String::from_utf8(bytes.clone()).expect("UTF-8 manifest");
    let addon = load_ok_at(Path::new("manifest.json"), &text)
        .addon
        .expect("load_ok_at checked that it lowered");
    (bytes, addon)
}

#[test]
fn snapshots_of_the_demo_addons_and_corpus_files() {
    let mut seen: Vec<(Vec<u8>, String)> = Vec::new();
    for path in demo_manifests() {
        let name = path
            .parent()
            .and_then(Path::file_name)
            .expect("manifests/<addon>/manifest.json")
            .to_string_lossy()
            .to_string();
        let (bytes, addon) = addon_at(&path);
        insta::assert_json_snapshot!(format!("demo_{name}"), everything(&addon));
        seen.push((bytes, name));
    }
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    for file in CORPUS_SNAPSHOTS {
        let (bytes, addon) = addon_at(&corpus.join(file));
        // A corpus file identical to a demo addon is covered by the demo's snapshot.
        if let Some((_, demo)) = seen.iter().find(|(b, _)| *b == bytes) {
            println!("{file} is the demo addon `{demo}`");
            continue;
        }
        let name = file.trim_end_matches(".json").replace('/', "_");
        insta::assert_json_snapshot!(format!("corpus_{name}"), everything(&addon));
    }
}

/// True when `value` holds a `null` anywhere.
fn has_null(value: &Json) -> bool {
    match value {
        Json::Null => true,
        Json::Array(items) => items.iter().any(has_null),
        Json::Object(fields) => fields.values().any(has_null),
        _ => false,
    }
}

#[test]
fn every_corpus_manifest_goes_through_every_function() {
    let mut lowered = 0;
    for path in corpus_files("v3").into_iter().chain(corpus_files("v2")) {
        let bytes = std::fs::read(&path).expect("corpus file");
        let Some(addon) = load(&path, &bytes, &Default::default()).addon else {
            continue;
        };
        lowered += 1;
        let all = everything(&addon);
        assert!(!has_null(&all), "{}: a null was served", path.display());
        let contributions = [navigation(&addon)];
        let merged = merge_navigation(Vec::new(), &contributions, &|_| false);
        let everyone: &dyn Fn(&str) -> bool = &|_| true;
        let nobody: &dyn Fn(&str) -> bool = &|_| false;
        for can in [everyone, nobody] {
            filter_navigation(&merged, can, false);
            for model in &addon.models {
                let table = table_metadata(&addon, model);
                let gated = gate_table_metadata(&model.table, &table, can, false);
                assert!(gated["actions"].is_array(), "{}", path.display());
                for action in table["actions"].as_array().into_iter().flatten() {
                    let key = action["key"].as_str().expect("an action key");
                    assert!(action_capability(&model.table, key).starts_with(&model.table));
                }
            }
        }
    }
    assert!(lowered >= 80, "only {lowered} corpus manifests lowered");
}
