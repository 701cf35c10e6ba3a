//! The Module Contract v3 dialect: strict structure (the upstream schema), typed parse, and
//! lowering into the IR.

pub mod lower;
pub mod structure;
pub mod types;

use crate::diagnostics::{Diagnostic, Severity};
use crate::ir::Addon;
use crate::json::Node;

/// Structural pass, typed parse and lowering of a v3 document. Returns `None` when structural
/// errors make lowering meaningless (they are all reported).
pub fn front(root: &Node, wrong_api_version: bool, out: &mut Vec<Diagnostic>) -> Option<Addon> {
    let structural = structure::check(root, wrong_api_version);
    let blocked = wrong_api_version || structural.iter().any(|d| d.severity == Severity::Error);
    out.extend(structural);
    if blocked {
        return None;
    }
    match serde_json::from_value::<types::ManifestV3>(root.to_serde()) {
        Ok(manifest) => Some(lower::lower(&manifest, root, out)),
        Err(e) => {
            // The schema accepted the document, so the types should too; say so plainly if not.
            out.push(
                Diagnostic::error("MC0105", format!("the manifest could not be read: {e}")).at(""),
            );
            None
        }
    }
}
