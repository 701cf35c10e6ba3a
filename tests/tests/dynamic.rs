//! `metacore_gen::dynamic`: a manifest compiled at run time describes itself exactly as the
//! same manifest compiled into the server (`generated/`), carries the same canonical IR
//! hash, and is refused with located diagnostics when it has errors.

use std::path::{Path, PathBuf};

use metacore_gen::dynamic::{compile_manifest, DynamicAddon, MANIFEST_PATH};
use metacore_runtime::registry::{AddonDescriptor, Handler};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
        .to_path_buf()
}

/// Every `manifests/<addon>/` directory, sorted.
fn addon_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(workspace().join("manifests"))
        .expect("manifests/ is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.join("manifest.json").is_file())
        .collect();
    dirs.sort();
    dirs
}

fn compile_dir(dir: &Path) -> DynamicAddon {
    let bytes = std::fs::read(dir.join("manifest.json")).expect("the manifest is readable");
    let backend = std::fs::read(dir.join("backend/backend.wasm")).ok();
    compile_manifest(&bytes, backend.as_deref())
        .unwrap_or_else(|rejected| panic!("{}: {}", dir.display(), rejected.rendered))
}

/// Each field of a descriptor as `Debug` text (the module compared by its bytes' hash), so a
/// difference names the field.
fn fields(addon: &AddonDescriptor) -> Vec<(&'static str, String)> {
    let backend = metacore_runtime::registry::BackendDescriptor {
        module: None,
        ..addon.backend
    };
    vec![
        ("key", format!("{:?}", addon.key)),
        ("name", format!("{:?}", addon.name)),
        ("version", format!("{:?}", addon.version)),
        ("manifest", format!("{:?}", addon.manifest)),
        ("ir_sha256", format!("{:?}", addon.ir_sha256)),
        ("models", format!("{:#?}", addon.models)),
        ("permissions", format!("{:#?}", addon.permissions)),
        ("roles", format!("{:#?}", addon.roles)),
        ("capabilities", format!("{:#?}", addon.capabilities)),
        ("navigation_json", addon.navigation_json.to_string()),
        (
            "permission_table_json",
            addon.permission_table_json.to_string(),
        ),
        (
            "legacy_manifest_json",
            addon.legacy_manifest_json.to_string(),
        ),
        ("actions", format!("{:#?}", addon.actions)),
        ("tools", format!("{:#?}", addon.tools)),
        ("subscriptions", format!("{:#?}", addon.subscriptions)),
        ("notifications", format!("{:#?}", addon.notifications)),
        ("hooks", format!("{:#?}", addon.hooks)),
        ("settings", format!("{:#?}", addon.settings)),
        ("backend", format!("{backend:#?}")),
        (
            "backend.module",
            format!("{:?}", addon.backend.module.map(sha256_hex)),
        ),
    ]
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn every_manifest_compiles_to_the_descriptor_generated_for_it() {
    let registry = metacore_generated::registry();
    let dirs = addon_dirs();
    assert_eq!(dirs.len(), registry.addons.len(), "one manifest per addon");
    for dir in dirs {
        let dynamic = compile_dir(&dir);
        let key = dynamic.descriptor.key;
        let compiled = registry
            .addon(key)
            .unwrap_or_else(|| panic!("`{key}` is compiled into generated/"));
        assert_eq!(dynamic.ir_sha256, compiled.ir_sha256, "{key}: IR hash");
        assert_eq!(dynamic.ir_sha256, dynamic.descriptor.ir_sha256);
        assert!(dynamic.matches_compiled(compiled), "{key}");
        assert!(!dynamic.matches_compiled(&AddonDescriptor {
            version: "0.0.1",
            ..*compiled
        }));
        assert_eq!(dynamic.ir_sha256.len(), 64);
        assert_eq!(dynamic.descriptor.manifest, MANIFEST_PATH);
        // The build records where the manifest was; a bundle's is always `manifest.json`.
        let expected = AddonDescriptor {
            manifest: MANIFEST_PATH,
            ..*compiled
        };
        for ((field, got), (_, want)) in fields(dynamic.descriptor)
            .into_iter()
            .zip(fields(&expected))
        {
            assert!(
                got == want,
                "{key}: `{field}` differs\n--- run time\n{got}\n--- compiled\n{want}"
            );
        }
        assert_eq!(
            dynamic.declares_models,
            !compiled.models.is_empty(),
            "{key}: declares_models"
        );
    }
}

#[test]
fn the_showcase_backend_is_embedded_and_checked() {
    let dir = workspace().join("manifests/showcase");
    let module = std::fs::read(dir.join("backend/backend.wasm")).unwrap();
    let addon = compile_dir(&dir);
    assert_eq!(addon.descriptor.backend.module, Some(module.as_slice()));
    assert_eq!(
        addon.descriptor.backend.module_sha256,
        Some(sha256_hex(&module).as_str())
    );
    // A module that lacks the handlers the manifest names is an error (MC0801 and friends).
    let manifest = std::fs::read(dir.join("manifest.json")).unwrap();
    let empty = wat::parse_str("(module (memory (export \"memory\") 1))").unwrap();
    let rejected = compile_manifest(&manifest, Some(&empty)).expect_err("handlers are missing");
    assert!(rejected.errors().next().is_some(), "{}", rejected.rendered);
}

/// A model-less v3 addon: a WASM tool, navigation to a page, settings.
const TOOLBOX: &str = r#"{
  "apiVersion": "asteby.com/v3",
  "kind": "Addon",
  "metadata": {"key": "toolbox", "name": "Toolbox", "version": "1.2.0", "description": "Tools without tables."},
  "compatibility": {"requires": [{"key": "kernel", "version": ">=3.0.0 <4.0.0"}]},
  "contributions": {
    "tools": [
      {
        "key": "shout",
        "description": "Upper-cases its text.",
        "input_schema": {"type": "object", "properties": {"text": {"type": "string"}}},
        "handler": {"type": "wasm", "function": "echo"}
      }
    ],
    "navigation": [
      {"title": "Toolbox", "icon": "Wrench", "items": [{"title": "Help", "url": "/toolbox/help"}]}
    ]
  },
  "settings": [
    {"key": "greeting", "type": "string", "label": "Greeting", "default": "hello"},
    {"key": "mode", "type": "select", "options": [{"value": "loud", "label": "Loud"}, {"value": "quiet", "label": "Quiet"}], "default": "quiet"}
  ]
}"#;

/// The example addon's backend (`examples/toolbox`): one handler, `echo`, that answers
/// with its invocation document.
fn toolbox_module() -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/toolbox/backend/backend.wasm"),
    )
    .expect("the example's backend module")
}

#[test]
fn a_model_less_addon_compiles_with_its_module() {
    let module = toolbox_module();
    let addon = compile_manifest(TOOLBOX.as_bytes(), Some(&module))
        .unwrap_or_else(|rejected| panic!("{}", rejected.rendered));
    assert!(!addon.declares_models);
    let descriptor = addon.descriptor;
    assert_eq!(
        (descriptor.key, descriptor.name, descriptor.version),
        ("toolbox", "Toolbox", "1.2.0")
    );
    assert!(descriptor.models.is_empty());
    assert_eq!(descriptor.tools.len(), 1);
    assert_eq!(descriptor.tools[0].key, "shout");
    assert_eq!(
        descriptor.tools[0].handler,
        Handler::Wasm { function: "echo" }
    );
    assert_eq!(descriptor.permissions, ["toolbox.tools.shout"]);
    assert_eq!(descriptor.backend.module, Some(module.as_slice()));
    assert_eq!(descriptor.backend.wasm_handlers.len(), 1);
    let settings: Vec<(&str, Option<&str>)> = descriptor
        .settings
        .iter()
        .map(|s| (s.key, s.default_json))
        .collect();
    assert_eq!(
        settings,
        [("greeting", Some("\"hello\"")), ("mode", Some("\"quiet\""))]
    );
    assert_eq!(descriptor.settings[1].options, ["loud", "quiet"]);
    let navigation: serde_json::Value = serde_json::from_str(descriptor.navigation_json).unwrap();
    assert_eq!(navigation["addon_key"], "toolbox");
    assert!(
        descriptor.navigation_json.contains("/toolbox/help"),
        "{}",
        descriptor.navigation_json
    );
    let legacy: serde_json::Value = serde_json::from_str(descriptor.legacy_manifest_json).unwrap();
    assert_eq!(legacy["key"], "toolbox");
    // Without the module the manifest still compiles, with a warning.
    let bare = compile_manifest(TOOLBOX.as_bytes(), None).unwrap();
    assert_eq!(bare.descriptor.backend.module, None);
    assert!(
        bare.diagnostics.iter().any(|d| d.code == "MC0411"),
        "{:?}",
        bare.diagnostics
    );
    // The module is not part of the IR.
    assert_eq!(bare.ir_sha256, addon.ir_sha256);
    // Not compiled into any server: no compiled descriptor matches it.
    let registry = metacore_generated::registry();
    assert!(!registry.addons.iter().any(|a| addon.matches_compiled(a)));
    assert!(!addon.matches_compiled(&AddonDescriptor {
        key: "toolbox",
        version: "1.2.0",
        ..AddonDescriptor::EMPTY
    }));
}

#[test]
fn a_manifest_with_errors_is_rejected_with_located_diagnostics() {
    let broken = TOOLBOX.replace(
        r#""handler": {"type": "wasm", "function": "echo"}"#,
        r#""handler": {"type": "teleport"}"#,
    );
    let rejected = compile_manifest(broken.as_bytes(), None).expect_err("an unknown handler type");
    let error = rejected.errors().next().expect("an error");
    assert!(
        error.pointer.starts_with("/contributions/tools/0/handler"),
        "{error:?}"
    );
    assert_eq!(error.file, MANIFEST_PATH);
    let line = TOOLBOX
        .lines()
        .position(|l| l.contains(r#""function": "echo""#))
        .unwrap()
        + 1;
    assert_eq!(error.line, line, "{}", rejected.rendered);
    assert!(
        rejected.rendered.contains(error.code),
        "{}",
        rejected.rendered
    );
    assert!(rejected.to_string().contains(error.code), "{rejected}");
    // Serialisable, as a 422 carries it.
    let json = serde_json::to_value(&rejected).unwrap();
    let serialised = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["severity"] == "error")
        .expect("an error, serialised");
    assert_eq!(serialised["code"], error.code);
    assert_eq!(serialised["pointer"], error.pointer.as_str());
    assert!(serialised["line"].is_u64() && serialised["column"].is_u64());
    assert_eq!(json["rendered"], rejected.rendered.as_str());

    for (bytes, code) in [
        (&b"{\"apiVersion\": "[..], "MC0001"),
        (&b"[]"[..], "MC0006"),
        (&b"\xEF\xBB\xBF{}"[..], "MC0002"),
    ] {
        let rejected = compile_manifest(bytes, None).expect_err("unreadable");
        assert_eq!(rejected.errors().next().unwrap().code, code);
    }
}

#[test]
fn the_ir_hash_is_deterministic_and_follows_meaning() {
    let first = compile_manifest(TOOLBOX.as_bytes(), None).unwrap();
    let again = compile_manifest(TOOLBOX.as_bytes(), None).unwrap();
    assert_eq!(first.ir_sha256, again.ir_sha256);
    // Formatting and member order are not meaning.
    let value: serde_json::Value = serde_json::from_str(TOOLBOX).unwrap();
    let compact = serde_json::to_string(&value).unwrap();
    let reformatted = compile_manifest(compact.as_bytes(), None).unwrap();
    assert_eq!(first.ir_sha256, reformatted.ir_sha256);
    let reordered = TOOLBOX.replace(
        r#""key": "toolbox", "name": "Toolbox""#,
        r#""name": "Toolbox", "key": "toolbox""#,
    );
    assert_ne!(reordered, TOOLBOX);
    let reordered = compile_manifest(reordered.as_bytes(), None).unwrap();
    assert_eq!(first.ir_sha256, reordered.ir_sha256);
    // A different description, version or default is.
    for (from, to) in [
        ("Upper-cases its text.", "Shouts its text."),
        (r#""version": "1.2.0""#, r#""version": "1.2.1""#),
        (r#""default": "hello""#, r#""default": "hi""#),
    ] {
        let changed = TOOLBOX.replace(from, to);
        assert_ne!(changed, TOOLBOX);
        let changed = compile_manifest(changed.as_bytes(), None).unwrap();
        assert_ne!(first.ir_sha256, changed.ir_sha256, "{from} → {to}");
    }
}
