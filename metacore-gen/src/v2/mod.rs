//! The legacy v2 "flat" dialect: tolerant structure (key case folding, unknown keys ignored),
//! typed parse, and lowering into the IR.

pub mod lower;
pub mod structure;
pub mod types;

use crate::diagnostics::{Diagnostic, Severity};
use crate::ir::Addon;
use crate::json::Node;

/// Structural pass, typed parse and lowering of a v2 document. Keys matched only
/// case-insensitively are renamed in `root`, so later pointers resolve. Returns `None` when
/// type errors make lowering meaningless (they are all reported).
pub fn front(root: &mut Node, out: &mut Vec<Diagnostic>) -> Option<Addon> {
    let structural = structure::check(root);
    let blocked = structural.iter().any(|d| d.severity == Severity::Error);
    out.extend(structural);
    if blocked {
        return None;
    }
    match serde_json::from_value::<types::ManifestV2>(root.to_serde()) {
        Ok(manifest) => Some(lower::lower(&manifest, root, out)),
        Err(e) => {
            out.push(
                Diagnostic::error("MC0105", format!("the manifest could not be read: {e}")).at(""),
            );
            None
        }
    }
}
