//! Installation settings (§2.13): unique keys, defaults that fit their type, select options.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::Context;
use crate::diagnostics::Diagnostic;
use crate::ir::{Addon, Setting, SettingType};

/// Runs the settings checks.
pub fn check(addon: &Addon, _context: &Context, out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, &Setting> = BTreeMap::new();
    for setting in &addon.settings {
        if let Some(first) = seen.insert(&setting.key, setting) {
            out.push(
                Diagnostic::error(
                    "MC0602",
                    format!("setting `{}` is declared twice", setting.key),
                )
                .at(format!("{}/key", setting.src))
                .with_label("second declaration")
                .with_related(format!("{}/key", first.src), "first declared")
                .with_help("setting keys are unique; remove or rename one"),
            );
        }
        check_default(setting, out);
        match setting.setting_type {
            SettingType::Select if setting.options.is_empty() => out.push(
                Diagnostic::warning(
                    "MC0604",
                    format!("select setting `{}` has no options", setting.key),
                )
                .at(&setting.src)
                .with_help("add `options: [{\"value\": …, \"label\": …}]`"),
            ),
            SettingType::DynamicSelect if setting.options_source.is_none() => out.push(
                Diagnostic::warning(
                    "MC0607",
                    format!(
                        "dynamic_select setting `{}` has no `options_source`",
                        setting.key
                    ),
                )
                .at(&setting.src)
                .with_help("name the host option provider in `options_source`"),
            ),
            _ => {}
        }
    }
}

fn check_default(setting: &Setting, out: &mut Vec<Diagnostic>) {
    let Some(default) = &setting.default else {
        return;
    };
    if default.is_null() {
        return;
    }
    let pointer = format!("{}/default", setting.src);
    if setting.setting_type == SettingType::Secret {
        out.push(
            Diagnostic::warning(
                "MC0606",
                format!("secret setting `{}` has a default value", setting.key),
            )
            .at(&pointer)
            .with_help(
                "a default secret ships in every bundle; leave it empty and set it at install",
            ),
        );
        return;
    }
    let fits = match setting.setting_type {
        SettingType::String | SettingType::Secret | SettingType::DynamicSelect => {
            default.is_string()
        }
        SettingType::Integer => default.as_i64().is_some() || default.as_u64().is_some(),
        SettingType::Number => default.is_number(),
        SettingType::Boolean => default.is_boolean(),
        SettingType::Json => true,
        SettingType::Select => {
            if let Some(value) = default.as_str() {
                if !setting.options.is_empty() && !setting.options.iter().any(|(v, _)| v == value) {
                    let allowed: Vec<String> = setting
                        .options
                        .iter()
                        .map(|(v, _)| format!("`{v}`"))
                        .collect();
                    out.push(
                        Diagnostic::error(
                            "MC0604",
                            format!(
                                "default `{value}` of select setting `{}` is not one of its options",
                                setting.key
                            ),
                        )
                        .at(&pointer)
                        .with_help(format!("options: {}", allowed.join(", "))),
                    );
                }
                true
            } else {
                false
            }
        }
    };
    if !fits {
        out.push(
            Diagnostic::error(
                "MC0603",
                format!(
                    "default {} does not fit setting `{}` of type `{}`",
                    short(default),
                    setting.key,
                    setting.setting_type.as_str()
                ),
            )
            .at(&pointer),
        );
    }
}

fn short(value: &Json) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}
