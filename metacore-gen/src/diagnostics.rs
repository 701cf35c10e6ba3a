//! Diagnostics: what every stage reports, and the two ways they are printed.
//!
//! A [`Diagnostic`] names its code (`MC0402`), severity, message and help, and where it points
//! as a JSON pointer into the manifest. A [`FileReport`] pairs one file's diagnostics with the
//! file's text and parsed tree, so pointers become `line:column` and a source snippet. Human
//! output follows `manifest.md` §10.1 (rustc/miette style); JSON output is one array of
//! `{file, line, column, end_line, end_column, code, severity, message, help, pointer}`.

use std::fmt::Write as _;

use serde::Serialize;

use crate::json::Node;
use crate::source::{SourceFile, Span};

pub use metacore_core::Severity;

/// Where in the manifest a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The value at an RFC 6901 pointer (or, when missing, its deepest existing ancestor).
    Value(String),
    /// The key of the member at a pointer (unknown fields, duplicate keys).
    Key(String),
    /// A raw byte span (syntax errors, before there is a tree).
    Span(Span),
    /// The file as a whole.
    File,
}

/// One finding about a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Catalogue code, e.g. `MC0402` (`manifest.md` §10.2).
    pub code: &'static str,
    /// Severity.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// A short label printed under the underlined value.
    pub label: Option<String>,
    /// What it points at.
    pub target: Target,
    /// Another place the diagnostic refers to (`first declared` …), shown with its line.
    pub related: Option<Related>,
}

/// A second location a diagnostic mentions, such as the first of two duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// Pointer of the other value.
    pub pointer: String,
    /// What it is, e.g. `first declared`; rendered as "first declared at line 34".
    pub text: String,
}

impl From<metacore_core::Finding> for Diagnostic {
    fn from(finding: metacore_core::Finding) -> Self {
        let diagnostic =
            Diagnostic::new(finding.code, finding.severity, finding.message).at(finding.pointer);
        match finding.help {
            Some(help) => diagnostic.with_help(help),
            None => diagnostic,
        }
    }
}

impl Diagnostic {
    fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            help: None,
            label: None,
            target: Target::File,
            related: None,
        }
    }

    /// An error.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }

    /// A warning.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }

    /// A note.
    pub fn note(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Note, message)
    }

    /// Points at the value at `pointer`.
    pub fn at(mut self, pointer: impl Into<String>) -> Self {
        self.target = Target::Value(pointer.into());
        self
    }

    /// Points at the key of the member at `pointer`.
    pub fn at_key(mut self, pointer: impl Into<String>) -> Self {
        self.target = Target::Key(pointer.into());
        self
    }

    /// Points at a raw span.
    pub fn at_span(mut self, span: Span) -> Self {
        self.target = Target::Span(span);
        self
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a label under the underlined text.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Mentions another location, e.g. `.with_related("/tools/0/key", "first declared")`;
    /// the label then ends with "(first declared at line N)".
    pub fn with_related(mut self, pointer: impl Into<String>, text: impl Into<String>) -> Self {
        self.related = Some(Related {
            pointer: pointer.into(),
            text: text.into(),
        });
        self
    }

    /// The pointer this diagnostic targets, if any.
    pub fn pointer(&self) -> Option<&str> {
        match &self.target {
            Target::Value(p) | Target::Key(p) => Some(p),
            _ => None,
        }
    }
}

/// The diagnostics of one file, with what is needed to locate them.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file.
    pub source: SourceFile,
    /// Its parsed tree, when it parsed.
    pub tree: Option<Node>,
    /// What was found, in no particular order.
    pub diagnostics: Vec<Diagnostic>,
}

/// A diagnostic with its position resolved; what the JSON format prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocatedDiagnostic {
    /// The file, as given on the command line.
    pub file: String,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column of the start.
    pub column: usize,
    /// 1-based line of the end.
    pub end_line: usize,
    /// 1-based column just past the end.
    pub end_column: usize,
    /// Catalogue code.
    pub code: &'static str,
    /// Severity (after `--strict` promotion).
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// RFC 6901 pointer of the value (empty for the whole document).
    pub pointer: String,
    #[serde(skip)]
    span: Span,
    #[serde(skip)]
    label: Option<String>,
}

impl FileReport {
    /// The byte span a diagnostic underlines.
    pub fn span_of(&self, diagnostic: &Diagnostic) -> Span {
        match (&diagnostic.target, &self.tree) {
            (Target::Span(span), _) => *span,
            (Target::Value(p), Some(tree)) => tree.span_for(p, false),
            (Target::Key(p), Some(tree)) => tree.span_for(p, true),
            _ => Span::new(0, 0),
        }
    }

    /// The label with the related location resolved to a line.
    fn label_of(&self, d: &Diagnostic) -> Option<String> {
        let related = d.related.as_ref().map(|r| {
            let span = match &self.tree {
                Some(tree) => tree.span_for(&r.pointer, false),
                None => Span::new(0, 0),
            };
            format!(
                "({} at line {})",
                r.text,
                self.source.line_col(span.start).line
            )
        });
        match (&d.label, related) {
            (Some(label), Some(related)) => Some(format!("{label} {related}")),
            (Some(label), None) => Some(label.clone()),
            (None, related) => related,
        }
    }

    /// The diagnostics with positions, `--strict` applied, sorted by line, column, code.
    pub fn located(&self, strict: bool) -> Vec<LocatedDiagnostic> {
        let mut out: Vec<LocatedDiagnostic> = self
            .diagnostics
            .iter()
            .map(|d| {
                let span = self.span_of(d);
                let start = self.source.line_col(span.start);
                let end = self.source.line_col(span.end);
                let severity = match d.severity {
                    Severity::Warning if strict => Severity::Error,
                    other => other,
                };
                LocatedDiagnostic {
                    file: self.source.name(),
                    line: start.line,
                    column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                    code: d.code,
                    severity,
                    message: d.message.clone(),
                    help: d.help.clone(),
                    pointer: d.pointer().unwrap_or("").to_string(),
                    span,
                    label: self.label_of(d),
                }
            })
            .collect();
        out.sort_by(|a, b| {
            (a.line, a.column, a.code, &a.message).cmp(&(b.line, b.column, b.code, &b.message))
        });
        out.dedup();
        out
    }

    /// True when any diagnostic is an error (or, under `strict`, a warning).
    pub fn has_errors(&self, strict: bool) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error || (strict && d.severity == Severity::Warning))
    }

    /// Renders every diagnostic in the human format of `manifest.md` §10.1.
    pub fn render_human(&self, strict: bool) -> String {
        let mut out = String::new();
        for d in self.located(strict) {
            render_one(&mut out, &self.source, &d);
        }
        out
    }
}

fn render_one(out: &mut String, source: &SourceFile, d: &LocatedDiagnostic) {
    let _ = writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.code, d.message);
    let gutter = d.line.to_string().len();
    let pad = " ".repeat(gutter);
    let _ = writeln!(out, "{pad}--> {}:{}:{}", d.file, d.line, d.column);
    let line_text = source.line_text(d.line);
    if !line_text.is_empty() || d.span.end > d.span.start {
        let _ = writeln!(out, "{pad} |");
        let shown: String = line_text.chars().take(200).collect();
        let _ = writeln!(out, "{} | {}", d.line, shown);
        let width = if d.end_line == d.line {
            d.end_column.saturating_sub(d.column).max(1)
        } else {
            line_text
                .chars()
                .count()
                .saturating_sub(d.column - 1)
                .max(1)
        };
        let width = width.min(200usize.saturating_sub(d.column - 1).max(1));
        let marker = format!(
            "{}{}",
            " ".repeat(d.column.saturating_sub(1).min(200)),
            "^".repeat(width)
        );
        match &d.label {
            Some(label) => {
                let _ = writeln!(out, "{pad} | {marker} {label}");
            }
            None => {
                let _ = writeln!(out, "{pad} | {marker}");
            }
        }
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} = help: {help}");
    }
    out.push('\n');
}

/// Counts of errors, warnings and notes over several reports (after `--strict`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Notes.
    pub notes: usize,
}

impl Tally {
    /// Tallies `reports`.
    pub fn of(reports: &[FileReport], strict: bool) -> Self {
        let mut tally = Tally::default();
        for d in reports.iter().flat_map(|r| r.located(strict)) {
            match d.severity {
                Severity::Error => tally.errors += 1,
                Severity::Warning => tally.warnings += 1,
                Severity::Note => tally.notes += 1,
            }
        }
        tally
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn human_output_points_at_the_value() {
        let text = "{\n  \"tools\": [\n    {\"key\": \"list-contacts\"}\n  ]\n}\n";
        let report = FileReport {
            source: SourceFile::new("v3/x.json", text),
            tree: Some(json::parse(text).unwrap().root),
            diagnostics: vec![
                Diagnostic::error("MC0402", "duplicate tool key `list-contacts`")
                    .at("/tools/0/key")
                    .with_label("second declaration")
                    .with_help("rename one of them"),
            ],
        };
        let rendered = report.render_human(false);
        assert_eq!(
            rendered,
            "error[MC0402]: duplicate tool key `list-contacts`\n \
             --> v3/x.json:3:13\n  |\n\
             3 |     {\"key\": \"list-contacts\"}\n  \
             |             ^^^^^^^^^^^^^^^ second declaration\n  \
             = help: rename one of them\n\n"
        );
        let located = report.located(false);
        assert_eq!((located[0].end_line, located[0].end_column), (3, 28));
    }

    #[test]
    fn strict_promotes_warnings_only() {
        let report = FileReport {
            source: SourceFile::new("a.json", "{}"),
            tree: Some(json::parse("{}").unwrap().root),
            diagnostics: vec![
                Diagnostic::warning("MC0412", "w").at(""),
                Diagnostic::note("MC0904", "n").at(""),
            ],
        };
        assert!(!report.has_errors(false));
        assert!(report.has_errors(true));
        let tally = Tally::of(std::slice::from_ref(&report), true);
        assert_eq!((tally.errors, tally.warnings, tally.notes), (1, 0, 1));
    }
}
