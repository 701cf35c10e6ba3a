//! The canonical IR hash: one SHA-256 that says whether two manifests compile to the same
//! addon.
//!
//! A server compiled with `metacore-gen build` records each addon's hash in its
//! `AddonDescriptor::ir_sha256`; an install at run time ([`crate::dynamic`]) computes the
//! hash of the bundle's manifest the same way, and an addon that declares models installs
//! only when the two are equal (`runtime.md` §10.4 step 9).
//!
//! **What is hashed**: the lowered [`Addon`] — after the dialect's lowering, defaults and
//! implicit columns, and the list-page indexes — serialised to JSON, written canonically
//! (object members sorted by key, bytewise; no whitespace; strings and numbers as
//! `serde_json` writes them), after the domain line [`DOMAIN`]. So the hash is
//! independent of the manifest's whitespace, formatting and key order, and of spellings the
//! dialects lower alike; it changes with anything the IR keeps: every value, the order of
//! lists (models, columns, actions, … — including an order the IR takes from an object's
//! members, as some v2 maps are read), and the JSON pointers (`src`) each node keeps of
//! where it was declared, so moving a declaration within a list changes it too. The same manifest bytes give the same hash in every run and
//! process, whatever the serde_json features of the build (member order is imposed here, not
//! taken from the map).
//!
//! A change to the IR's types (a new field) changes every hash; that is intended: an addon
//! compiled by another compiler version is not known to mean the same. [`DOMAIN`] is bumped
//! when the encoding itself changes.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::ir::Addon;

/// The line the canonical text starts with: names the encoding and its version.
pub const DOMAIN: &str = "metacore-ir/1\n";

/// The canonical text of `addon`: [`DOMAIN`], then its IR as canonical JSON.
pub fn canonical_text(addon: &Addon) -> String {
    let value = serde_json::to_value(addon).expect("the IR serialises to JSON");
    let mut out = String::from(DOMAIN);
    write_canonical(&value, &mut out);
    out
}

/// The canonical IR hash of `addon`: lowercase hex SHA-256 of [`canonical_text`].
pub fn ir_sha256(addon: &Addon) -> String {
    hex::encode(Sha256::digest(canonical_text(addon).as_bytes()))
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {
            out.push_str(&value.to_string());
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
            sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, member)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(member, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_sorted_and_whitespace_dropped() {
        let value: Value =
            serde_json::from_str(r#"{ "b": [1, {"z": null, "a": "x\"y"}], "a": true }"#).unwrap();
        let mut out = String::new();
        write_canonical(&value, &mut out);
        assert_eq!(out, r#"{"a":true,"b":[1,{"a":"x\"y","z":null}]}"#);
    }
}
