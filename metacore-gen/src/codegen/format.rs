//! The formatting every emitted Rust file goes through: prettyplease, then a blank line
//! between top-level items.

/// Formats Rust source with prettyplease. The source is generated, so a parse failure is a
/// bug in the generator, reported with the text that failed.
pub fn format_rust(source: &str) -> String {
    match syn::parse_file(source) {
        Ok(file) => space_items(&prettyplease::unparse(&file)),
        Err(e) => panic!("generated Rust does not parse ({e}):\n{source}"),
    }
}

/// Puts a blank line between top-level items, and after the module docs, as a person would
/// (prettyplease leaves none). Runs of `use` and `mod` declarations stay together.
fn space_items(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + source.len() / 16);
    let mut previous: Option<&str> = None;
    for line in source.lines() {
        if let Some(prev) = previous {
            if needs_blank_line(prev, line) {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

fn needs_blank_line(previous: &str, line: &str) -> bool {
    let top_level = |l: &str| !l.is_empty() && !l.starts_with(char::is_whitespace);
    if !top_level(line) || !top_level(previous) {
        return false;
    }
    if previous.starts_with("//!") {
        return !line.starts_with("//!");
    }
    let declaration = |l: &str| {
        l.starts_with("use ")
            || l.starts_with("pub use ")
            || l.starts_with("mod ")
            || l.starts_with("pub mod ")
    };
    let closes_item =
        previous.ends_with('}') || previous.ends_with(';') || previous.ends_with("];");
    let same_run = declaration(previous)
        && declaration(line)
        && previous.split(' ').next() == line.split(' ').next()
        && previous.starts_with("pub") == line.starts_with("pub");
    closes_item && !same_run && !line.starts_with('}') && !line.starts_with(')')
}
