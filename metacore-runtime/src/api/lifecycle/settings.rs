//! Installation settings (`http-api.md` §9.4, `runtime.md` §9): what a caller may store,
//! the declared defaults, the merge of an upgrade, and secrets — sealed at rest under
//! `METACORE_MASTER_KEY` ([`crate::installations::seal_bound`], bound to the organisation,
//! addon and setting) and never shown.
//!
//! Stored form: the `settings` column is a JSON object of the values set; a `secret`
//! setting's value is the sealed text (`aes256gcm:…`, or `plain:…` without a master key).

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::api::error::{ApiError, FieldError};
use crate::installations::{open_bound, seal_bound, MasterKey};
use crate::invocation::Secret;
use crate::registry::{AddonDescriptor, SettingDescriptor};

/// The canonical type of a secret setting.
const SECRET: &str = "secret";

fn is_secret(setting: &SettingDescriptor) -> bool {
    setting.setting_type == SECRET
}

/// What a sealed setting is bound to.
fn associated_data(org: Uuid, addon: &str, key: &str) -> Vec<u8> {
    format!("metacore_installations.settings:{org}:{addon}:{key}").into_bytes()
}

/// The declared default of `setting`, if any.
fn default_of(setting: &SettingDescriptor) -> Option<Value> {
    serde_json::from_str(setting.default_json?).ok()
}

/// The field error of `value` for `setting`, if it does not fit.
fn check(setting: &SettingDescriptor, value: &Value) -> Option<FieldError> {
    let expected = |name: &str| Some(FieldError::new("invalid_type").with("expected", name));
    match setting.setting_type {
        "integer" if !(value.is_i64() || value.is_u64()) => Some(FieldError::new("integer")),
        "number" if !value.is_number() => Some(FieldError::new("numeric")),
        "boolean" if !value.is_boolean() => expected("boolean"),
        "json" => None,
        "integer" | "number" | "boolean" => None,
        _ => match value.as_str() {
            None => expected("string"),
            Some(text)
                if setting.setting_type == "select"
                    && !setting.options.is_empty()
                    && !setting.options.contains(&text) =>
            {
                Some(FieldError::new("invalid_option").with("allowed", setting.options.to_vec()))
            }
            Some(_) => None,
        },
    }
}

/// The settings of a new installation of `addon` in `org`: the declared defaults, then
/// `supplied` (validated; unknown keys and missing required settings are 422).
pub(crate) fn initial(
    addon: &AddonDescriptor,
    supplied: &Map<String, Value>,
    key: Option<&MasterKey>,
    org: Uuid,
) -> Result<Map<String, Value>, ApiError> {
    let mut stored = Map::new();
    for setting in addon.settings {
        if let Some(default) = default_of(setting) {
            stored.insert(setting.key.to_string(), default);
        }
    }
    let stored = update(addon, &stored, supplied, key, org)?;
    let missing: BTreeMap<String, Vec<FieldError>> = addon
        .settings
        .iter()
        .filter(|s| s.required && stored.get(s.key).is_none_or(Value::is_null))
        .map(|s| (s.key.to_string(), vec![FieldError::new("required")]))
        .collect();
    if missing.is_empty() {
        Ok(stored)
    } else {
        Err(ApiError::validation(missing))
    }
}

/// `stored` with the (partial) `patch` applied: values are validated against the declared
/// types and options; a secret sent as `null` keeps its value and `""` clears it; any other
/// setting sent as `null` goes back to its default. Unknown keys are 422.
pub(crate) fn update(
    addon: &AddonDescriptor,
    stored: &Map<String, Value>,
    patch: &Map<String, Value>,
    key: Option<&MasterKey>,
    org: Uuid,
) -> Result<Map<String, Value>, ApiError> {
    let mut errors: BTreeMap<String, Vec<FieldError>> = BTreeMap::new();
    let mut next = stored.clone();
    for (name, value) in patch {
        let Some(setting) = addon.settings.iter().find(|s| s.key == name) else {
            errors.insert(name.clone(), vec![FieldError::new("unknown")]);
            continue;
        };
        if value.is_null() {
            if !is_secret(setting) {
                match default_of(setting) {
                    Some(default) => next.insert(name.clone(), default),
                    None => next.remove(name),
                };
            }
            continue;
        }
        if let Some(error) = check(setting, value) {
            errors.insert(name.clone(), vec![error]);
            continue;
        }
        if is_secret(setting) {
            match value.as_str() {
                Some("") => {
                    next.remove(name);
                }
                Some(text) => {
                    let sealed = seal_bound(
                        key,
                        &Secret::new(text),
                        &associated_data(org, addon.key, name),
                    )
                    .map_err(ApiError::internal)?;
                    next.insert(name.clone(), Value::String(sealed));
                }
                None => unreachable!("checked: a secret is a string"),
            }
        } else {
            next.insert(name.clone(), value.clone());
        }
    }
    if errors.is_empty() {
        Ok(next)
    } else {
        Err(ApiError::validation(errors))
    }
}

/// The settings after an upgrade to `addon` (`runtime.md` §9): settings still declared keep
/// their value, new ones get their default, removed ones are dropped.
pub(crate) fn merged(addon: &AddonDescriptor, stored: &Map<String, Value>) -> Map<String, Value> {
    addon
        .settings
        .iter()
        .filter_map(|setting| {
            let value = stored
                .get(setting.key)
                .cloned()
                .or_else(|| default_of(setting))?;
            Some((setting.key.to_string(), value))
        })
        .collect()
}

/// The settings as shown (`GET /api/addons/{key}/settings`, installation listings): every
/// declared setting with its value or default, secrets `null`; and the secrets that have a
/// value.
pub(crate) fn shown(addon: &AddonDescriptor, stored: &Map<String, Value>) -> (Value, Vec<String>) {
    let mut data = Map::new();
    let mut secrets_set = Vec::new();
    for setting in addon.settings {
        let value = stored.get(setting.key).cloned();
        if is_secret(setting) {
            if value.is_some_and(|v| !v.is_null()) {
                secrets_set.push(setting.key.to_string());
            }
            data.insert(setting.key.to_string(), Value::Null);
        } else {
            let value = value.or_else(|| default_of(setting)).unwrap_or(Value::Null);
            data.insert(setting.key.to_string(), value);
        }
    }
    (Value::Object(data), secrets_set)
}

/// The settings as the addon's handlers receive them: stored values with secrets opened
/// (a secret that no longer opens is left out, with a warning).
pub(crate) fn opened(
    addon: &AddonDescriptor,
    stored: &Map<String, Value>,
    key: Option<&MasterKey>,
    org: Uuid,
) -> BTreeMap<String, Value> {
    stored
        .iter()
        .filter_map(|(name, value)| {
            let secret = addon.settings.iter().any(|s| s.key == name && is_secret(s));
            if !secret {
                return Some((name.clone(), value.clone()));
            }
            let sealed = value.as_str()?;
            match open_bound(key, sealed, &associated_data(org, addon.key, name)) {
                Ok(secret) => Some((name.clone(), Value::String(secret.expose().to_string()))),
                Err(error) => {
                    tracing::warn!(addon = %addon.key, setting = %name, %error, "a secret setting does not open");
                    None
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::AddonDescriptor;

    const SETTINGS: &[SettingDescriptor] = &[
        SettingDescriptor {
            key: "greeting",
            setting_type: "string",
            label: None,
            default_json: Some("\"hello\""),
            required: false,
            options: &[],
            validation: None,
        },
        SettingDescriptor {
            key: "tier",
            setting_type: "select",
            label: None,
            default_json: Some("\"basic\""),
            required: false,
            options: &["basic", "gold"],
            validation: None,
        },
        SettingDescriptor {
            key: "limit",
            setting_type: "integer",
            label: None,
            default_json: None,
            required: true,
            options: &[],
            validation: None,
        },
        SettingDescriptor {
            key: "api_key",
            setting_type: "secret",
            label: None,
            default_json: None,
            required: false,
            options: &[],
            validation: None,
        },
    ];

    fn addon() -> AddonDescriptor {
        AddonDescriptor {
            key: "probe",
            settings: SETTINGS,
            ..AddonDescriptor::EMPTY
        }
    }

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().expect("an object").clone()
    }

    const ORG: Uuid = Uuid::from_u128(1);

    #[test]
    fn install_settings_take_defaults_and_refuse_bad_values() {
        let addon = addon();
        let stored =
            initial(&addon, &object(serde_json::json!({"limit": 3})), None, ORG).expect("valid");
        assert_eq!(
            Value::Object(stored),
            serde_json::json!({"greeting": "hello", "tier": "basic", "limit": 3})
        );
        let refused = initial(
            &addon,
            &object(serde_json::json!({"tier": "platinum", "limit": 1.5, "colour": "red"})),
            None,
            ORG,
        )
        .expect_err("invalid");
        assert_eq!(refused.status, 422);
        assert_eq!(refused.fields["tier"][0].code, "invalid_option");
        assert_eq!(refused.fields["limit"][0].code, "integer");
        assert_eq!(refused.fields["colour"][0].code, "unknown");
        let missing = initial(&addon, &Map::new(), None, ORG).expect_err("limit is required");
        assert_eq!(missing.fields["limit"][0].code, "required");
    }

    #[test]
    fn secrets_are_sealed_kept_on_null_cleared_on_empty_and_never_shown() {
        let addon = addon();
        let key = MasterKey::parse(&"ab".repeat(32)).expect("key");
        let stored = initial(
            &addon,
            &object(serde_json::json!({"limit": 1, "api_key": "sk_live_1"})),
            Some(&key),
            ORG,
        )
        .expect("valid");
        let sealed = stored["api_key"].as_str().expect("sealed text");
        assert!(sealed.starts_with("aes256gcm:") && !sealed.contains("sk_live_1"));
        let (data, set) = shown(&addon, &stored);
        assert_eq!(data["api_key"], Value::Null);
        assert_eq!(set, ["api_key"]);
        assert_eq!(
            opened(&addon, &stored, Some(&key), ORG)["api_key"],
            "sk_live_1"
        );
        assert!(
            !opened(&addon, &stored, Some(&key), Uuid::from_u128(2)).contains_key("api_key"),
            "a sealed secret opens only for its own organisation"
        );
        let kept = update(
            &addon,
            &stored,
            &object(serde_json::json!({"api_key": null})),
            Some(&key),
            ORG,
        )
        .expect("valid");
        assert_eq!(kept["api_key"], stored["api_key"]);
        let cleared = update(
            &addon,
            &stored,
            &object(serde_json::json!({"api_key": ""})),
            Some(&key),
            ORG,
        )
        .expect("valid");
        assert!(!cleared.contains_key("api_key"));
        assert!(shown(&addon, &cleared).1.is_empty());
    }

    #[test]
    fn an_upgrade_keeps_declared_values_adds_defaults_and_drops_the_rest() {
        let addon = addon();
        let stored = object(serde_json::json!({"greeting": "hi", "gone": true, "limit": 2}));
        assert_eq!(
            Value::Object(merged(&addon, &stored)),
            serde_json::json!({"greeting": "hi", "tier": "basic", "limit": 2})
        );
    }
}
