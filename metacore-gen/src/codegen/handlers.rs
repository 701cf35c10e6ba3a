//! What an addon runs, inside its `ADDON` constant: the `ActionDescriptor`s,
//! `ToolDescriptor`s, `SubscriptionDescriptor`s, `HookDescriptor`s and `SettingDescriptor`s,
//! and the `BackendDescriptor` with the module embedded (`include_bytes!`) and its SHA-256.
//! The server dispatches from these alone; it never reads the manifest. The values are
//! [`super::values`]'s, written out by [`super::tokens`].

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::ToRust;
use super::values;
use crate::ir::Addon;

/// The file the backend module is embedded from, beside the addon's `mod.rs`.
pub(crate) const BACKEND_FILE: &str = "backend.wasm";

pub(crate) use super::values::embedded_backend;

/// The `actions` of the addon.
pub(crate) fn actions(addon: &Addon) -> TokenStream {
    values::actions(addon).to_rust()
}

/// The `tools` of the addon.
pub(crate) fn tools(addon: &Addon) -> TokenStream {
    values::tools(addon).to_rust()
}

/// The `subscriptions` of the addon.
pub(crate) fn subscriptions(addon: &Addon) -> TokenStream {
    values::subscriptions(addon).to_rust()
}

/// The `notifications` of the addon.
pub(crate) fn notifications(addon: &Addon) -> TokenStream {
    values::notifications(addon).to_rust()
}

/// The `hooks` of the addon: the named hooks, then the upgrade steps that run a handler.
pub(crate) fn hooks(addon: &Addon) -> TokenStream {
    values::hooks(addon).to_rust()
}

/// The `settings` of the addon.
pub(crate) fn settings(addon: &Addon) -> TokenStream {
    values::settings(addon).to_rust()
}

/// The `backend` of the addon, the module (when embedded) included from [`BACKEND_FILE`].
pub(crate) fn backend(addon: &Addon, module: Option<&[u8]>) -> TokenStream {
    let value = values::backend(addon, module);
    let entry = value.entry;
    let memory = value.memory_limit_mb.to_rust();
    let timeout = value.timeout_ms.to_rust();
    let base_url = value.base_url.to_rust();
    let refs = value.wasm_handlers.to_rust();
    let module = match value.module_sha256 {
        Some(_) => quote!(Some(include_bytes!(#BACKEND_FILE))),
        None => quote!(None),
    };
    let sha256 = value.module_sha256.to_rust();
    quote! {
        BackendDescriptor {
            entry: #entry,
            memory_limit_mb: #memory,
            timeout_ms: #timeout,
            base_url: #base_url,
            wasm_handlers: #refs,
            module: #module,
            module_sha256: #sha256,
        }
    }
}
