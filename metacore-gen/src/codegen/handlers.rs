//! What an addon runs, inside its `ADDON` constant: the `ActionDescriptor`s,
//! `ToolDescriptor`s, `SubscriptionDescriptor`s, `HookDescriptor`s and `SettingDescriptor`s,
//! and the `BackendDescriptor` with the module embedded (`include_bytes!`) and its SHA-256.
//! The server dispatches from these alone; it never reads the manifest.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use sha2::{Digest, Sha256};

use super::descriptor::option_str;
use metacore_core::registry::FormValue;

use crate::ir::{Action, ActionField, Addon, Audience, HandlerKind, Setting, Tool};

/// The file the backend module is embedded from, beside the addon's `mod.rs`.
pub(crate) const BACKEND_FILE: &str = "backend.wasm";

/// The module to embed: the one the checks read, when the addon names WASM handlers.
pub(crate) fn embedded_backend<'a>(addon: &Addon, backend: Option<&'a [u8]>) -> Option<&'a [u8]> {
    backend.filter(|_| !addon.wasm_handlers().is_empty())
}

/// `Handler::…` for `kind`.
fn handler(kind: &HandlerKind) -> TokenStream {
    match kind {
        HandlerKind::Wasm { function } => quote!(Handler::Wasm { function: #function }),
        HandlerKind::Webhook { url, method } => {
            quote!(Handler::Webhook { url: #url, method: #method })
        }
        HandlerKind::Compiled { function } => quote!(Handler::Compiled { function: #function }),
        HandlerKind::Connector { connector, export } => {
            quote!(Handler::Connector { connector: #connector, export: #export })
        }
        HandlerKind::Noop => quote!(Handler::Noop),
        HandlerKind::None => quote!(Handler::None),
    }
}

fn json_text(value: &serde_json::Value) -> String {
    serde_json::to_string(value).expect("JSON values serialise")
}

/// The `actions` of the addon.
pub(crate) fn actions(addon: &Addon) -> TokenStream {
    let actions = addon
        .actions
        .iter()
        .map(|action| action_descriptor(addon, action));
    quote!(&[#(#actions),*])
}

fn action_descriptor(addon: &Addon, action: &Action) -> TokenStream {
    let key = &action.key;
    let model = option_str(
        action
            .target_model
            .as_deref()
            .and_then(|name| addon.find_model(name))
            .map(|m| m.table.as_str()),
    );
    let placement = &action.placement;
    let states = &action.requires_state;
    let fields = action.all_fields().map(form_field);
    let idempotency_key = option_str(action.idempotency_key.as_deref());
    let handler = handler(&action.handler.kind);
    quote! {
        ActionDescriptor {
            key: #key,
            model: #model,
            placement: #placement,
            requires_state: &[#(#states),*],
            fields: &[#(#fields),*],
            idempotency_key: #idempotency_key,
            handler: #handler,
        }
    }
}

/// The `FormField` of an action field: its key, what it takes and whether it is required.
fn form_field(field: &ActionField) -> TokenStream {
    let key = &field.key;
    let required = field.required;
    let options = static_options(field);
    let value = match FormValue::of(&field.field_type, options.as_ref().map(|_| &[][..])) {
        FormValue::Text => quote!(FormValue::Text),
        FormValue::Boolean => quote!(FormValue::Boolean),
        FormValue::Number => quote!(FormValue::Number),
        FormValue::Integer => quote!(FormValue::Integer),
        FormValue::OneOf(_) => {
            let options = options.unwrap_or_default();
            quote!(FormValue::OneOf(&[#(#options),*]))
        }
        FormValue::Any => quote!(FormValue::Any),
    };
    quote!(FormField { key: #key, value: #value, required: #required })
}

/// The values of a field's static options (`[{value, …}]`), when every one is a string.
fn static_options(field: &ActionField) -> Option<Vec<String>> {
    let options = field.options.as_ref()?.as_array()?;
    options
        .iter()
        .map(|option| option.get("value")?.as_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()
        .filter(|values| !values.is_empty())
}

/// The `tools` of the addon.
pub(crate) fn tools(addon: &Addon) -> TokenStream {
    let tools = addon.tools.iter().map(tool_descriptor);
    quote!(&[#(#tools),*])
}

fn tool_descriptor(tool: &Tool) -> TokenStream {
    let key = &tool.key;
    let name = tool.label.as_deref().unwrap_or(&tool.key);
    let description = &tool.description;
    let schema = option_str(tool.input_schema.as_ref().map(json_text).as_deref());
    let timeout = match tool
        .timeout_secs
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(|s| (s * 1000.0).round() as u64)
    {
        Some(ms) => {
            let ms = Literal::u64_unsuffixed(ms);
            quote!(Some(#ms))
        }
        None => quote!(None),
    };
    let handler = handler(&tool.handler.kind);
    quote! {
        ToolDescriptor {
            key: #key,
            name: #name,
            description: #description,
            input_schema_json: #schema,
            timeout_ms: #timeout,
            handler: #handler,
        }
    }
}

/// The `subscriptions` of the addon.
pub(crate) fn subscriptions(addon: &Addon) -> TokenStream {
    let subscriptions = addon.subscriptions.iter().map(|s| {
        let event = &s.event;
        let filter = option_str(s.filter.as_deref());
        let handler = handler(&s.handler.kind);
        quote!(SubscriptionDescriptor { event: #event, filter: #filter, handler: #handler })
    });
    quote!(&[#(#subscriptions),*])
}

/// The `notifications` of the addon.
pub(crate) fn notifications(addon: &Addon) -> TokenStream {
    let rules = addon.notifications.iter().map(|rule| {
        let key = &rule.key;
        let on = &rule.on;
        let title = &rule.title;
        let body = option_str(rule.body.as_deref());
        let severity = &rule.severity;
        let icon = option_str(rule.icon.as_deref());
        let link = option_str(rule.link.as_deref());
        let to = match &rule.to {
            Audience::Org => quote!(Audience::Org),
            Audience::Roles(roles) => quote!(Audience::Roles(&[#(#roles),*])),
            Audience::Actor => quote!(Audience::Actor),
            Audience::Field(path) => quote!(Audience::Field(#path)),
        };
        let exclude_actor = rule.exclude_actor;
        let when = rule
            .when
            .iter()
            .map(|(path, values)| quote!(PayloadFilter { path: #path, values: &[#(#values),*] }));
        let entered = match &rule.entered {
            Some((field, values)) => {
                quote!(Some(PayloadFilter { path: #field, values: &[#(#values),*] }))
            }
            None => quote!(None),
        };
        quote! {
            NotificationRule {
                key: #key,
                on: #on,
                title: #title,
                body: #body,
                severity: #severity,
                icon: #icon,
                link: #link,
                to: #to,
                exclude_actor: #exclude_actor,
                when: &[#(#when),*],
                entered: #entered,
            }
        }
    });
    quote!(&[#(#rules),*])
}

/// The `hooks` of the addon: the named hooks, then the upgrade steps that run a handler.
pub(crate) fn hooks(addon: &Addon) -> TokenStream {
    let named = addon.lifecycle.hooks().map(|(name, hook)| {
        let handler = handler(&hook.kind);
        quote!(HookDescriptor { hook: #name, from: None, handler: #handler })
    });
    let upgrades = addon.lifecycle.upgrade.iter().filter_map(|step| {
        let kind = match step.step_type.as_str() {
            "wasm" => HandlerKind::Wasm {
                function: step.function.clone(),
            },
            "webhook" => HandlerKind::Webhook {
                url: step.function.clone(),
                method: "POST".into(),
            },
            _ => return None,
        };
        let from = &step.from_text;
        let handler = handler(&kind);
        Some(quote!(HookDescriptor { hook: "upgrade", from: Some(#from), handler: #handler }))
    });
    let hooks: Vec<TokenStream> = named.chain(upgrades).collect();
    quote!(&[#(#hooks),*])
}

/// The `settings` of the addon.
pub(crate) fn settings(addon: &Addon) -> TokenStream {
    let settings = addon.settings.iter().map(setting_descriptor);
    quote!(&[#(#settings),*])
}

fn setting_descriptor(setting: &Setting) -> TokenStream {
    let key = &setting.key;
    let setting_type = setting.setting_type.as_str();
    let label = option_str(setting.label.as_deref());
    let default = option_str(setting.default.as_ref().map(json_text).as_deref());
    let required = setting.required;
    let options = setting.options.iter().map(|(value, _)| value);
    let validation = option_str(setting.validation.as_deref());
    quote! {
        SettingDescriptor {
            key: #key,
            setting_type: #setting_type,
            label: #label,
            default_json: #default,
            required: #required,
            options: &[#(#options),*],
            validation: #validation,
        }
    }
}

/// The `backend` of the addon.
pub(crate) fn backend(addon: &Addon, module: Option<&[u8]>) -> TokenStream {
    let entry = &addon.backend.entry;
    let memory = Literal::u32_unsuffixed(addon.backend.memory_limit_mb);
    let timeout = Literal::u64_unsuffixed(addon.backend.timeout_ms);
    let base_url = option_str(addon.backend.base_url.as_deref());
    let handlers = addon.wasm_handlers();
    let refs = handlers.iter().map(
        |(function, pointer)| quote!(WasmHandlerRef { function: #function, pointer: #pointer }),
    );
    let (module, sha256) = match embedded_backend(addon, module) {
        Some(bytes) => {
            let hash = hex_sha256(bytes);
            (
                quote!(Some(include_bytes!(#BACKEND_FILE))),
                quote!(Some(#hash)),
            )
        }
        None => (quote!(None), quote!(None)),
    };
    quote! {
        BackendDescriptor {
            entry: #entry,
            memory_limit_mb: #memory,
            timeout_ms: #timeout,
            base_url: #base_url,
            wasm_handlers: &[#(#refs),*],
            module: #module,
            module_sha256: #sha256,
        }
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
