//! Checks across every manifest of one run: duplicate addon keys (MC0901), two models serving
//! the same route (MC0902), and requirements on addons of the same build (MC0205, MC0208).

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;
use crate::ir::Addon;

/// Returns `(input index, diagnostic)` pairs for the build-wide problems among `addons`
/// (`None` for inputs that did not lower); `names` are the inputs' file names.
pub fn check(addons: &[Option<&Addon>], names: &[String]) -> Vec<(usize, Diagnostic)> {
    let mut out = Vec::new();
    let mut by_key: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_route: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for (index, addon) in addons.iter().enumerate() {
        let Some(addon) = addon else { continue };
        if let Some(&first) = by_key.get(addon.key.as_str()) {
            out.push((
                index,
                Diagnostic::error(
                    "MC0901",
                    format!(
                        "addon key `{}` is also declared by {}",
                        addon.key, names[first]
                    ),
                )
                .at(key_pointer(addon))
                .with_help("one build serves each addon once; build these manifests separately or rename one"),
            ));
            continue;
        }
        by_key.insert(&addon.key, index);
        for model in &addon.models {
            match by_route.get(model.table.as_str()) {
                Some(&(other, other_addon)) => out.push((
                    index,
                    Diagnostic::error(
                        "MC0902",
                        format!(
                            "model `{}` would serve route `/api/data/{}`, already served by addon `{other_addon}` ({})",
                            model.key, model.table, names[other]
                        ),
                    )
                    .at(format!("{}/table", model.src))
                    .with_help("route names are table names; rename one of the tables"),
                )),
                None => {
                    by_route.insert(&model.table, (index, &addon.key));
                }
            }
        }
    }
    for (index, addon) in addons.iter().enumerate() {
        let Some(addon) = addon else { continue };
        for requirement in &addon.requires {
            match by_key
                .get(requirement.key.as_str())
                .and_then(|&i| addons[i])
            {
                None => out.push((
                    index,
                    Diagnostic::note(
                        "MC0208",
                        format!(
                            "required addon `{}` is not part of this build",
                            requirement.key
                        ),
                    )
                    .at(&requirement.src),
                )),
                Some(peer) => {
                    let satisfied = requirement
                        .range
                        .as_ref()
                        .is_none_or(|r| r.matches(&peer.version));
                    if !satisfied {
                        let message = format!(
                            "addon `{}` {} does not satisfy the required range `{}`",
                            peer.key, peer.version, requirement.range_text
                        );
                        out.push((
                            index,
                            if requirement.optional {
                                Diagnostic::note("MC0205", message).at(&requirement.src)
                            } else {
                                Diagnostic::error("MC0205", message).at(&requirement.src)
                            },
                        ));
                    }
                }
            }
        }
    }
    out
}

fn key_pointer(addon: &Addon) -> &'static str {
    match addon.dialect {
        crate::ir::Dialect::V3 => "/metadata/key",
        crate::ir::Dialect::V2 => "/key",
    }
}
