//! Hostile input gets a clear, located error and never a panic (`manifest.md` §1).

use metacore_tests::*;

fn only_error(bytes: &[u8]) -> (&'static str, String) {
    let manifest = validate_text("hostile.json", bytes);
    let errors = error_codes(&manifest);
    assert!(!errors.is_empty(), "hostile input was accepted");
    let first = manifest.report.located(false).into_iter().next().unwrap();
    (first.code, first.message)
}

#[test]
fn empty_and_blank_files() {
    assert_eq!(only_error(b"").0, "MC0005");
    assert_eq!(only_error(b" \n\t ").0, "MC0005");
}

#[test]
fn invalid_utf8_and_bom() {
    let (code, message) = only_error(b"{\"key\": \"caf\xe9\"}");
    assert_eq!(code, "MC0002");
    assert!(message.contains("offset 12"), "{message}");
    assert_eq!(only_error(b"\xEF\xBB\xBF{}").0, "MC0002");
}

#[test]
fn truncated_json_at_every_length() {
    let full = std::fs::read(corpus_dir().join("v3/tickets-addon.json")).unwrap();
    for cut in (0..full.len()).step_by(97) {
        let manifest = validate_text("truncated.json", &full[..cut]);
        let codes = error_codes(&manifest);
        assert!(
            codes == ["MC0001"] || codes == ["MC0005"],
            "cut at {cut}: {codes:?}"
        );
    }
}

#[test]
fn syntax_errors_point_at_the_line_and_column() {
    let manifest = validate_text("bad.json", b"{\n  \"key\": \"x\",\n  \"name\": ,\n}");
    let d = &manifest.report.located(false)[0];
    assert_eq!((d.code, d.line, d.column), ("MC0001", 3, 11));
}

#[test]
fn deep_nesting_is_refused_without_overflow() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    assert_eq!(only_error(deep.as_bytes()).0, "MC0004");
    let deep_objects = "{\"a\":".repeat(100_000) + "1" + &"}".repeat(100_000);
    assert_eq!(only_error(deep_objects.as_bytes()).0, "MC0004");
}

#[test]
fn a_20_mb_manifest_is_refused_unparsed() {
    let mut big = b"{\"key\": \"big\", \"name\": \"".to_vec();
    big.extend(std::iter::repeat_n(b'x', 20 * 1024 * 1024));
    big.extend(b"\"}");
    assert_eq!(only_error(&big).0, "MC0003");
}

#[test]
fn top_level_must_be_an_object() {
    assert_eq!(only_error(b"[1, 2]").0, "MC0006");
    assert_eq!(only_error(b"\"manifest\"").0, "MC0006");
    assert_eq!(only_error(b"{}").0, "MC0101");
}

/// Replaces every scalar and container of a valid manifest, one at a time, with values of
/// every other JSON type: each variant must be reported, never panic.
#[test]
fn wrong_types_everywhere() {
    for file in [
        "v3/tickets-addon.json",
        "v2/assets.json",
        "v3/fiscal_mexico.json",
    ] {
        let text = std::fs::read_to_string(corpus_dir().join(file)).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut pointers = Vec::new();
        collect_pointers(&doc, String::new(), &mut pointers);
        let replacements = [
            serde_json::json!(null),
            serde_json::json!(true),
            serde_json::json!(-1.5),
            serde_json::json!("x"),
            serde_json::json!([]),
            serde_json::json!({}),
        ];
        let mut mutated = 0;
        for pointer in pointers.iter().step_by(3) {
            for replacement in &replacements {
                let mut copy = doc.clone();
                *copy.pointer_mut(pointer).unwrap() = replacement.clone();
                let bytes = serde_json::to_vec(&copy).unwrap();
                let manifest = validate_text("mutated.json", &bytes);
                // Whatever the verdict, every diagnostic is located inside the file.
                for d in manifest.report.located(false) {
                    assert!(d.line >= 1 && d.column >= 1, "{file} {pointer}: {d:?}");
                }
                mutated += 1;
            }
        }
        assert!(mutated > 100, "{file}: only {mutated} variants");
    }
}

fn collect_pointers(value: &serde_json::Value, pointer: String, out: &mut Vec<String>) {
    if !pointer.is_empty() {
        out.push(pointer.clone());
    }
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                collect_pointers(
                    v,
                    format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_pointers(v, format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn duplicate_keys_warn_and_the_last_wins() {
    let text = br#"{"key": "dupe", "key": "dupe2", "name": "D", "version": "1.0.0"}"#;
    let manifest = validate_text("dupe.json", text);
    let dup = manifest
        .report
        .located(false)
        .into_iter()
        .find(|d| d.code == "MC0007")
        .unwrap();
    assert_eq!((dup.line, dup.column), (1, 2));
    assert_eq!(manifest.addon.unwrap().key, "dupe2");
}
