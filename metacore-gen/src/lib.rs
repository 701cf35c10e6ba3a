//! metacore-gen: the metacore compiler as a library.
//!
//! The pipeline has the shape of a compiler, one module per stage:
//!
//! 1. [`source`] / [`json`] — read a file into a span-preserving JSON tree (limits of §1).
//! 2. [`schema_check`] — the structural pass (for v3: the upstream JSON Schema itself).
//! 3. [`v3`] / [`v2`] — the two dialects: structure, typed parse, lowering.
//! 4. [`ir`] — one intermediate representation both dialects lower into.
//! 5. [`list_indexes`] — the indexes list pages need, added to the IR;
//!    [`checks`] — the semantic gates of `manifest.md` over the IR.
//! 6. [`diagnostics`] — located, coded findings, printed for humans or as JSON.
//! 7. [`ui`] — the static JSON metadata the server serves (tables, modals, navigation,
//!    permissions, the legacy manifest projection), derived from the IR.
//! 8. [`codegen`] — IR → a Rust crate: sea-orm entities, migrations, registry (`build`).
//!
//! [`frontend`] ties the front-end stages together and [`build`] the whole build; the
//! `metacore-gen` binary is a thin clap front. [`dynamic`] compiles one manifest at run time
//! into the runtime's descriptor (bundles installed without a rebuild), and [`canonical`]
//! hashes the IR so a server can tell whether a bundle is the addon it was compiled with.
//! (Section numbers refer to `spec/manifest.md`.)

pub mod build;
pub mod canonical;
pub mod checks;
pub mod codegen;
pub mod defaults;
pub mod diagnostics;
pub mod dynamic;
pub mod frontend;
pub mod ir;
pub mod json;
pub mod list_indexes;
pub mod schema_check;
pub use metacore_core::semver;
pub mod source;
pub mod suggest;
pub mod ui;
pub mod v2;
pub mod v3;
pub mod wasm_module;

pub use metacore_core::fnv;

/// A JSON Schema for manifest files, generated from the Rust types: a v3 manifest, or a
/// legacy v2 one. Editors use it for completion and inline errors.
pub fn editor_schema() -> serde_json::Value {
    let v3 = serde_json::to_value(schemars::schema_for!(v3::types::ManifestV3))
        .expect("schema serialises");
    let v2 = serde_json::to_value(schemars::schema_for!(v2::types::ManifestV2))
        .expect("schema serialises");
    let mut defs = serde_json::Map::new();
    for (prefix, schema) in [("V3", &v3), ("V2", &v2)] {
        for (name, def) in schema
            .get("$defs")
            .and_then(|d| d.as_object())
            .into_iter()
            .flatten()
        {
            defs.insert(format!("{prefix}{name}"), def.clone());
        }
    }
    let mut root_v3 = v3.clone();
    let mut root_v2 = v2.clone();
    for (prefix, root) in [("V3", &mut root_v3), ("V2", &mut root_v2)] {
        if let Some(obj) = root.as_object_mut() {
            obj.remove("$defs");
            obj.remove("$schema");
        }
        prefix_refs(root, prefix);
    }
    let mut defs_value = serde_json::Value::Object(defs);
    // Each dialect's definitions refer to their own (prefixed) siblings.
    if let Some(map) = defs_value.as_object_mut() {
        for (name, def) in map.iter_mut() {
            prefix_refs(def, &name[..2]);
        }
    }
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "metacore addon manifest",
        "description": "A metacore addon manifest: Module Contract v3 (`apiVersion: asteby.com/v3`) or the legacy v2 flat dialect.",
        "anyOf": [root_v3, root_v2],
        "$defs": defs_value,
    })
}

fn prefix_refs(value: &mut serde_json::Value, prefix: &str) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "$ref" {
                    if let Some(r) = v.as_str().and_then(|r| r.strip_prefix("#/$defs/")) {
                        *v = serde_json::Value::String(format!("#/$defs/{prefix}{r}"));
                    }
                } else {
                    prefix_refs(v, prefix);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| prefix_refs(v, prefix)),
        _ => {}
    }
}
