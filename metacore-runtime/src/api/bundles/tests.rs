use std::collections::HashMap;
use std::path::PathBuf;

use metacore_bundle::signature::SecretKey;

use super::BundleSettings;

fn settings(vars: &[(&str, &str)]) -> Result<BundleSettings, String> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    BundleSettings::from_lookup(|name| vars.get(name).cloned())
}

#[test]
fn defaults_trust_nobody_and_refuse_unsigned_bundles() {
    let defaults = settings(&[]).expect("no variables are fine");
    assert!(defaults.trusted_keys.is_empty());
    assert!(!defaults.allow_unsigned);
    assert_eq!(defaults.data_dir, PathBuf::from("./metacore-data"));
}

#[test]
fn trusted_keys_come_from_both_variables() {
    let (a, b) = (
        SecretKey::generate().expect("a key").public_key(),
        SecretKey::generate().expect("a key").public_key(),
    );
    let read = settings(&[
        ("METACORE_TRUSTED_KEYS", &format!(" {} , ", a.to_hex())),
        ("MARKETPLACE_PUBKEYS", &b.to_hex()),
        ("METACORE_ALLOW_UNSIGNED_BUNDLES", "true"),
        ("METACORE_DATA_DIR", "/srv/metacore"),
    ])
    .expect("valid variables");
    assert_eq!(read.trusted_keys, vec![a, b]);
    assert!(read.allow_unsigned);
    assert_eq!(read.data_dir, PathBuf::from("/srv/metacore"));
}

#[test]
fn a_malformed_key_or_flag_is_a_start_up_error_naming_the_variable() {
    let error = settings(&[("METACORE_TRUSTED_KEYS", "zz")]).expect_err("not hex");
    assert!(error.starts_with("METACORE_TRUSTED_KEYS:"), "{error}");
    let short = "ab".repeat(16);
    let error = settings(&[("MARKETPLACE_PUBKEYS", &short)]).expect_err("16 bytes");
    assert!(error.starts_with("MARKETPLACE_PUBKEYS:"), "{error}");
    let error = settings(&[("METACORE_ALLOW_UNSIGNED_BUNDLES", "maybe")]).expect_err("a flag");
    assert!(error.contains("METACORE_ALLOW_UNSIGNED_BUNDLES"), "{error}");
}
