//! WASM handlers against the backend module (§8), or, with no module at hand, the warnings of
//! §7.10: handlers declared without a module (MC0411) and names that are unlikely exports
//! (MC0412).

use std::collections::BTreeSet;

use super::Context;
use crate::diagnostics::Diagnostic;
use crate::ir::Addon;
use crate::suggest::{is_snake_case, snake_case};
use crate::wasm_module::{check_module, DeclaredHandler};

/// Runs the WASM checks.
pub fn check(addon: &Addon, context: &Context, out: &mut Vec<Diagnostic>) {
    let handlers = addon.wasm_handlers();
    match &context.wasm {
        Some((label, bytes)) => {
            let declared: Vec<DeclaredHandler> = handlers
                .into_iter()
                .map(|(function, pointer)| DeclaredHandler { function, pointer })
                .collect();
            let limit = u64::from(addon.backend.memory_limit_mb) * 1024 * 1024;
            let (_, diagnostics) = check_module(bytes, label, &declared, limit);
            out.extend(diagnostics);
        }
        None if !handlers.is_empty() => {
            let distinct: BTreeSet<&str> = handlers.iter().map(|(f, _)| f.as_str()).collect();
            out.push(
                Diagnostic::warning(
                    "MC0411",
                    format!(
                        "{} wasm handler{} declared but no `{}` was found next to the manifest",
                        distinct.len(),
                        if distinct.len() == 1 { " is" } else { "s are" },
                        addon.backend.entry
                    ),
                )
                .at(&handlers[0].1)
                .with_help("CRUD is still served; dispatching these handlers answers 501 `handler_missing` until a bundle supplies the module (packing a bundle without it is an error)"),
            );
            for (function, pointer) in &handlers {
                // An empty name is MC0404's business, not a style question.
                if !function.is_empty() && !is_snake_case(function) {
                    out.push(
                        Diagnostic::warning(
                            "MC0412",
                            format!("wasm handler `{function}` is not snake_case"),
                        )
                        .at(pointer)
                        .with_help(format!(
                            "WASM exports are case-sensitive and TinyGo/C/Rust backends export snake_case names; check that the module exports `{function}` (did you mean `{}`?)",
                            snake_case(function)
                        )),
                    );
                }
            }
        }
        None => {}
    }
}
