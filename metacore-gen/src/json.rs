//! A span-preserving JSON reader.
//!
//! `serde_json` forgets where values came from; diagnostics need the byte range of every value
//! and key. This reader builds a [`Node`] tree that keeps them, and enforces the limits of
//! `manifest.md` §1: it is iterative (no recursion, so hostile nesting cannot overflow the
//! stack) and refuses nesting deeper than [`MAX_DEPTH`]. Duplicate keys follow the upstream Go
//! reader — the last value wins — and are reported back so the caller can warn (MC0007).
//! Numbers keep their exact source text, so decimal defaults are never rounded through `f64`.

use crate::source::Span;

/// The deepest nesting of arrays and objects accepted (MC0004 beyond it).
pub const MAX_DEPTH: usize = 128;

/// One JSON value with its byte range in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the value's text is in the source.
    pub span: Span,
}

/// A JSON value whose children are [`Node`]s.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, kept as its exact source text.
    Number(Number),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object: members in source order, keys unique (last duplicate wins).
    Object(Vec<Member>),
}

/// A number with its exact source text (`-12`, `3.50`, `1e3`).
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// The literal as written.
    pub text: String,
}

impl Number {
    /// The value as `i64` when it is written as an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        self.text.parse().ok()
    }

    /// The value as `f64` (may round).
    pub fn as_f64(&self) -> f64 {
        self.text.parse().unwrap_or(f64::NAN)
    }

    /// True when the number has an integral value (`3`, `3.0`, `3e2`), as JSON Schema defines
    /// `"type": "integer"`.
    pub fn is_integral(&self) -> bool {
        if self.as_i64().is_some() {
            return true;
        }
        let f = self.as_f64();
        f.is_finite() && f.fract() == 0.0
    }
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    /// Where the key's string literal (with quotes) is.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

/// A key that appeared twice in one object.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateKey {
    /// JSON pointer of the object holding the key.
    pub object_pointer: String,
    /// The key.
    pub key: String,
    /// The first (overridden) occurrence of the key.
    pub first: Span,
    /// The later occurrence, whose value is kept.
    pub second: Span,
}

/// Why a text is not acceptable JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseError {
    /// A syntax error at a byte offset.
    Syntax {
        /// Human message.
        message: String,
        /// Byte offset of the problem.
        offset: usize,
    },
    /// Nesting deeper than [`MAX_DEPTH`], at the offset of the opening bracket that crossed it.
    TooDeep {
        /// Byte offset of the bracket.
        offset: usize,
    },
}

/// A parsed document: the root node and any duplicate keys met on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The top-level value.
    pub root: Node,
    /// Keys that appeared more than once in one object.
    pub duplicates: Vec<DuplicateKey>,
}

/// Parses `text` as one JSON value.
pub fn parse(text: &str) -> Result<Document, ParseError> {
    Parser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        duplicates: Vec::new(),
    }
    .document()
}

impl Node {
    /// The member value under `key`, when this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.member(key).map(|m| &m.value)
    }

    /// The member under `key`, when this is an object that has it.
    pub fn member(&self, key: &str) -> Option<&Member> {
        match &self.value {
            Value::Object(members) => members.iter().find(|m| m.key == key),
            _ => None,
        }
    }

    /// The members, when this is an object.
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The elements, when this is an array.
    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The string, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The JSON type name of this value (`object`, `array`, `string`, `number`, `boolean`,
    /// `null`), as JSON Schema spells it.
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// Finds the node at an RFC 6901 JSON pointer.
    pub fn lookup(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for token in pointer_tokens(pointer) {
            node = match &node.value {
                Value::Object(members) => &members.iter().find(|m| m.key == token)?.value,
                Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The span a diagnostic at `pointer` should underline: the value at the pointer; with
    /// `on_key`, the member's key instead; when the pointer does not fully resolve (a missing
    /// member), the opening brace of the deepest object or array that exists.
    pub fn span_for(&self, pointer: &str, on_key: bool) -> Span {
        let mut node = self;
        let mut key_span = None;
        for token in pointer_tokens(pointer) {
            let next = match &node.value {
                Value::Object(members) => members.iter().find(|m| m.key == token).map(|m| {
                    key_span = Some(m.key_span);
                    &m.value
                }),
                Value::Array(items) => token.parse::<usize>().ok().and_then(|i| {
                    key_span = None;
                    items.get(i)
                }),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => return Span::new(node.span.start, node.span.start + 1),
            }
        }
        match (on_key, key_span) {
            (true, Some(span)) => span,
            _ => node.span,
        }
    }

    /// Converts to a `serde_json::Value` (numbers that fit no Rust number become strings of
    /// their text; that cannot happen for valid JSON within `f64` range).
    pub fn to_serde(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::from_str::<serde_json::Number>(&n.text)
                .map(serde_json::Value::Number)
                .unwrap_or_else(|_| serde_json::Value::String(n.text.clone())),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Array(items) => items.iter().map(Node::to_serde).collect(),
            Value::Object(members) => serde_json::Value::Object(
                members
                    .iter()
                    .map(|m| (m.key.clone(), m.value.to_serde()))
                    .collect(),
            ),
        }
    }
}

/// Splits an RFC 6901 pointer into unescaped tokens (`""` → none).
pub fn pointer_tokens(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
}

/// Appends one token to a pointer, escaping `~` and `/`.
pub fn pointer_push(pointer: &str, token: impl std::fmt::Display) -> String {
    let token = token.to_string().replace('~', "~0").replace('/', "~1");
    format!("{pointer}/{token}")
}

enum Frame {
    Array {
        start: usize,
        items: Vec<Node>,
    },
    Object {
        start: usize,
        members: Vec<Member>,
        pending_key: Option<(String, Span)>,
    },
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    duplicates: Vec<DuplicateKey>,
}

impl<'a> Parser<'a> {
    fn document(mut self) -> Result<Document, ParseError> {
        let root = self.value()?;
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return Err(self.syntax("unexpected text after the JSON value"));
        }
        Ok(Document {
            root,
            duplicates: self.duplicates,
        })
    }

    fn syntax(&self, message: impl Into<String>) -> ParseError {
        ParseError::Syntax {
            message: message.into(),
            offset: self.pos,
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn unexpected(&self, expected: &str) -> ParseError {
        match self.text[self.pos.min(self.text.len())..].chars().next() {
            None => self.syntax(format!("unexpected end of input; expected {expected}")),
            Some(c) => self.syntax(format!("unexpected `{c}`; expected {expected}")),
        }
    }

    /// Parses one value iteratively, using an explicit stack of open containers.
    fn value(&mut self) -> Result<Node, ParseError> {
        let mut stack: Vec<Frame> = Vec::new();
        loop {
            // Read the start of a value: a scalar, or open a container.
            self.skip_ws();
            let start = self.pos;
            let mut done = match self.peek() {
                Some(b'{') | Some(b'[') => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(ParseError::TooDeep { offset: start });
                    }
                    let is_object = self.peek() == Some(b'{');
                    self.pos += 1;
                    self.skip_ws();
                    if is_object {
                        if self.peek() == Some(b'}') {
                            self.pos += 1;
                            Some(Node {
                                value: Value::Object(Vec::new()),
                                span: Span::new(start, self.pos),
                            })
                        } else {
                            let key = self.key()?;
                            stack.push(Frame::Object {
                                start,
                                members: Vec::new(),
                                pending_key: Some(key),
                            });
                            None
                        }
                    } else if self.peek() == Some(b']') {
                        self.pos += 1;
                        Some(Node {
                            value: Value::Array(Vec::new()),
                            span: Span::new(start, self.pos),
                        })
                    } else {
                        stack.push(Frame::Array {
                            start,
                            items: Vec::new(),
                        });
                        None
                    }
                }
                _ => Some(self.scalar()?),
            };
            // Attach finished values to their parents, closing containers as they end.
            while let Some(node) = done.take() {
                let Some(frame) = stack.last_mut() else {
                    return Ok(node);
                };
                self.skip_ws();
                match frame {
                    Frame::Array { start, items } => {
                        items.push(node);
                        match self.peek() {
                            Some(b',') => self.pos += 1,
                            Some(b']') => {
                                self.pos += 1;
                                let span = Span::new(*start, self.pos);
                                let items = std::mem::take(items);
                                stack.pop();
                                done = Some(Node {
                                    value: Value::Array(items),
                                    span,
                                });
                            }
                            _ => return Err(self.unexpected("`,` or `]`")),
                        }
                    }
                    Frame::Object {
                        start,
                        members,
                        pending_key,
                    } => {
                        let (key, key_span) = pending_key.take().expect("object value without key");
                        if let Some(i) = members.iter().position(|m| m.key == key) {
                            let first = members.remove(i);
                            self.duplicates.push(DuplicateKey {
                                object_pointer: String::new(),
                                key: key.clone(),
                                first: first.key_span,
                                second: key_span,
                            });
                        }
                        members.push(Member {
                            key,
                            key_span,
                            value: node,
                        });
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws();
                                *pending_key = Some(self.key()?);
                            }
                            Some(b'}') => {
                                self.pos += 1;
                                let span = Span::new(*start, self.pos);
                                let members = std::mem::take(members);
                                stack.pop();
                                done = Some(Node {
                                    value: Value::Object(members),
                                    span,
                                });
                            }
                            _ => return Err(self.unexpected("`,` or `}`")),
                        }
                    }
                }
            }
        }
    }

    /// Reads `"key"` and the following `:`.
    fn key(&mut self) -> Result<(String, Span), ParseError> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a string key"));
        }
        let start = self.pos;
        let key = self.string()?;
        let span = Span::new(start, self.pos);
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.unexpected("`:`"));
        }
        self.pos += 1;
        Ok((key, span))
    }

    fn scalar(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        let value = match self.peek() {
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?),
            _ => return Err(self.unexpected("a JSON value")),
        };
        Ok(Node {
            value,
            span: Span::new(start, self.pos),
        })
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, ParseError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Number, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.syntax("numbers may not have leading zeros"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.unexpected("a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.unexpected("a digit after `.`"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.unexpected("a digit in the exponent"));
            }
        }
        let text = &self.text[start..self.pos];
        if !text.parse::<f64>().map(f64::is_finite).unwrap_or(false) {
            self.pos = start;
            return Err(self.syntax("number out of range"));
        }
        Ok(Number {
            text: text.to_string(),
        })
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self.bytes.get(self.pos..self.pos + 4);
        let value = digits
            .and_then(|d| std::str::from_utf8(d).ok())
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|d| u32::from_str_radix(d, 16).ok())
            .ok_or_else(|| self.syntax("invalid `\\u` escape: expected four hex digits"))?;
        self.pos += 4;
        Ok(value)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run_start..self.pos]);
            match self.peek() {
                None => return Err(self.syntax("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let escaped = self.peek();
                    self.pos += 1;
                    match escaped {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => out.push(self.unicode_escape()?),
                        _ => {
                            self.pos -= 1;
                            return Err(self.syntax("invalid escape in string"));
                        }
                    }
                }
                Some(_) => return Err(self.syntax("control character inside a string")),
            }
        }
    }

    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let high = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&high) {
            if !self.bytes[self.pos..].starts_with(b"\\u") {
                return Err(self.syntax("lone surrogate in `\\u` escape"));
            }
            self.pos += 2;
            let low = self.hex4()?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(self.syntax("invalid surrogate pair in `\\u` escape"));
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        char::from_u32(code).ok_or_else(|| self.syntax("lone surrogate in `\\u` escape"))
    }
}

/// Fills in [`DuplicateKey::object_pointer`] for duplicates found by [`parse`], by locating the
/// object whose span contains each duplicate.
pub fn locate_duplicates(root: &Node, duplicates: &mut [DuplicateKey]) {
    for dup in duplicates {
        dup.object_pointer = innermost_object_pointer(root, dup.second);
    }
}

fn innermost_object_pointer(root: &Node, span: Span) -> String {
    let mut pointer = String::new();
    let mut node = root;
    'descend: loop {
        match &node.value {
            Value::Object(members) => {
                for m in members {
                    if m.value.span.start <= span.start && span.end <= m.value.span.end {
                        pointer = pointer_push(&pointer, &m.key);
                        node = &m.value;
                        continue 'descend;
                    }
                }
                return pointer;
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if item.span.start <= span.start && span.end <= item.span.end {
                        pointer = pointer_push(&pointer, i);
                        node = item;
                        continue 'descend;
                    }
                }
                return pointer;
            }
            _ => return pointer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_and_exact_numbers() {
        let text = r#"{"a": [1, 2.50, -3e2], "b": {"c": "x\u00e9\n"}}"#;
        let doc = parse(text).unwrap();
        let a = doc.root.get("a").unwrap().as_array().unwrap();
        assert_eq!(&text[a[1].span.start..a[1].span.end], "2.50");
        assert!(matches!(&a[1].value, Value::Number(n) if n.text == "2.50"));
        assert_eq!(doc.root.lookup("/b/c").unwrap().as_str(), Some("xé\n"));
        let key = doc.root.span_for("/b/c", true);
        assert_eq!(&text[key.start..key.end], "\"c\"");
        let missing = doc.root.span_for("/b/zzz", false);
        assert_eq!(&text[missing.start..missing.end], "{");
    }

    #[test]
    fn last_duplicate_wins_and_is_reported() {
        let mut doc = parse(r#"{"x": {"k": 1, "k": 2}}"#).unwrap();
        assert_eq!(doc.root.lookup("/x/k").unwrap().to_serde(), 2);
        locate_duplicates(&doc.root, &mut doc.duplicates);
        assert_eq!(doc.duplicates.len(), 1);
        assert_eq!(doc.duplicates[0].object_pointer, "/x");
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert_eq!(parse(&deep), Err(ParseError::TooDeep { offset: MAX_DEPTH }));
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn syntax_errors_carry_offsets() {
        for (text, offset) in [
            ("{\"a\": }", 6),
            ("{\"a\" 1}", 5),
            ("[1, 2", 5),
            ("\"abc", 4),
            ("01", 1),
            ("{} x", 3),
            ("\"\\ud800\"", 7),
            ("", 0),
        ] {
            match parse(text) {
                Err(ParseError::Syntax { offset: got, .. }) => assert_eq!(got, offset, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn pointer_escaping_round_trips() {
        let p = pointer_push("/a", "x/y~z");
        assert_eq!(p, "/a/x~1y~0z");
        assert_eq!(pointer_tokens(&p).collect::<Vec<_>>(), vec!["a", "x/y~z"]);
    }
}
