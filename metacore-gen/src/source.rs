//! Source files and positions: byte spans, and their 1-based line/column form.
//!
//! Every diagnostic is located by a byte [`Span`] into a [`SourceFile`]; this module turns
//! those into the `line:column` pairs users see (columns count characters, not bytes).

use std::path::{Path, PathBuf};

/// A half-open byte range `start..end` into a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// An empty span at `offset`.
    pub fn at(offset: usize) -> Self {
        Span {
            start: offset,
            end: offset,
        }
    }
}

/// A 1-based line and column (the column counts Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// The text of one manifest file, with a line index for position lookups.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user gave it (used verbatim in diagnostics).
    pub path: PathBuf,
    /// The text. For files that are not UTF-8 this is the lossy decoding.
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Wraps `text` read from `path`.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// The path as a display string.
    pub fn name(&self) -> String {
        display_path(&self.path)
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_start = self.line_starts[line_index];
        let column = self
            .text
            .get(line_start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - line_start);
        LineCol {
            line: line_index + 1,
            column: column + 1,
        }
    }

    /// The text of 1-based line `line`, without its line terminator.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .map(|&next| next - 1)
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches('\r')
    }
}

/// A path for display: forward slashes, no leading `./`.
pub fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").unwrap_or(&text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let file = SourceFile::new("m.json", "{\n  \"é\": 1,\n  \"b\": 2\n}");
        let b = file.text.find("\"b\"").unwrap();
        assert_eq!(file.line_col(b), LineCol { line: 3, column: 3 });
        let one = file.text.find('1').unwrap();
        assert_eq!(file.line_col(one), LineCol { line: 2, column: 8 });
        assert_eq!(file.line_text(2), "  \"é\": 1,");
        assert_eq!(file.line_text(9), "");
    }
}
