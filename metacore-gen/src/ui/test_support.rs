//! Small manifests for the unit tests of the shapes: a minimal v3 or v2 document with the
//! given top-level keys merged in, run through the whole front end.

use serde_json::{json, Value as Json};

use crate::checks::test_support::load_ok;
use crate::ir::{Addon, Model};

fn lower(mut base: Json, extra: Json) -> Addon {
    if let (Some(base), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
        base.extend(extra.clone());
    }
    load_ok(&base.to_string())
        .addon
        .expect("load_ok checked that the manifest lowered")
}

/// A v3 addon `shop` with `extra` merged into the top level.
pub(crate) fn v3(extra: Json) -> Addon {
    lower(
        json!({
            "apiVersion": "asteby.com/v3",
            "kind": "Addon",
            "metadata": {"key": "shop", "name": "Shop", "version": "1.0.0"},
            "compatibility": {"requires": [{"key": "kernel", "version": ">=3.0.0 <4.0.0"}]}
        }),
        extra,
    )
}

/// A v2 addon `shop` with `extra` merged into the top level.
pub(crate) fn v2(extra: Json) -> Addon {
    lower(
        json!({"key": "shop", "name": "Shop", "version": "1.0.0"}),
        extra,
    )
}

/// The v3 columns of a model: `id` and the tenancy column, then `columns`.
pub(crate) fn v3_columns(columns: Json) -> Json {
    let mut all = vec![
        json!({"name": "id", "type": "uuid", "primary_key": true}),
        json!({"name": "organization_id", "type": "uuid", "not_null": true}),
    ];
    all.extend(columns.as_array().cloned().unwrap_or_default());
    Json::Array(all)
}

/// The model of `addon` with this table.
pub(crate) fn model<'a>(addon: &'a Addon, table: &str) -> &'a Model {
    addon
        .models
        .iter()
        .find(|m| m.table == table)
        .unwrap_or_else(|| panic!("no model `{table}`"))
}
