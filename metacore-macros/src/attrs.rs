//! The `key = value` lists of `#[metacore::model(…)]` and `#[metacore(…)]`.
//!
//! Values are literals (strings, integers, decimals, booleans) or arrays of them; a key alone
//! is a flag (`unique`). Keys may be Rust keywords. Which keys exist, and what each takes, is
//! the [`Spec`] of the attribute; unknown keys get a "did you mean" from the compiler's own
//! suggester.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Ident, Lit, Token, UnOp};

/// One value as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A key without `= value`.
    Flag,
    /// A string literal.
    Str(String),
    /// A number literal (with its sign), as JSON.
    Number(serde_json::Number),
    /// `true` / `false`.
    Bool(bool),
    /// `[a, b, …]`.
    List(Vec<Value>),
}

/// `key` or `key = value`.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// Where the key is written.
    pub key_span: Span,
    /// The value.
    pub value: Value,
    /// Where the value is written (the key, for a flag).
    pub value_span: Span,
}

fn entry(input: ParseStream) -> syn::Result<Entry> {
    let key = Ident::parse_any(input)?;
    let name = key.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
    if !input.peek(Token![=]) {
        return Ok(Entry {
            key: name,
            key_span: key.span(),
            value: Value::Flag,
            value_span: key.span(),
        });
    }
    input.parse::<Token![=]>()?;
    let expr: Expr = input.parse()?;
    Ok(Entry {
        key: name,
        key_span: key.span(),
        value: value_of(&expr)?,
        value_span: expr.span(),
    })
}

fn value_of(expr: &Expr) -> syn::Result<Value> {
    match expr {
        Expr::Lit(ExprLit { lit, .. }) => literal(lit, false),
        Expr::Unary(unary) if matches!(unary.op, UnOp::Neg(_)) => match &*unary.expr {
            Expr::Lit(ExprLit {
                lit: lit @ (Lit::Int(_) | Lit::Float(_)),
                ..
            }) => literal(lit, true),
            other => Err(syn::Error::new(other.span(), "expected a number")),
        },
        Expr::Array(array) => Ok(Value::List(
            array
                .elems
                .iter()
                .map(value_of)
                .collect::<syn::Result<_>>()?,
        )),
        Expr::Group(group) => value_of(&group.expr),
        Expr::Paren(paren) => value_of(&paren.expr),
        other => Err(syn::Error::new(
            other.span(),
            "expected a literal (a string, number or boolean) or an array of literals",
        )),
    }
}

fn literal(lit: &Lit, negative: bool) -> syn::Result<Value> {
    let sign = if negative { "-" } else { "" };
    let number = |digits: &str| {
        serde_json::from_str::<serde_json::Number>(&format!("{sign}{digits}"))
            .map(Value::Number)
            .map_err(|_| syn::Error::new(lit.span(), "this number cannot be written in JSON"))
    };
    match lit {
        Lit::Str(s) if !negative => Ok(Value::Str(s.value())),
        Lit::Bool(b) if !negative => Ok(Value::Bool(b.value)),
        Lit::Int(i) => number(i.base10_digits()),
        Lit::Float(f) => number(f.base10_digits()),
        _ => Err(syn::Error::new(
            lit.span(),
            "expected a string, number or boolean literal",
        )),
    }
}

/// Parses `key = value, …`.
pub fn parse(tokens: TokenStream) -> syn::Result<Vec<Entry>> {
    let parser =
        |input: ParseStream| Punctuated::<Entry, Token![,]>::parse_terminated_with(input, entry);
    Ok(parser.parse2(tokens)?.into_iter().collect())
}

/// What a key takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Str,
    /// A flag, or `true`/`false`.
    Bool,
    /// An integer ≥ 0.
    UInt,
    /// Any literal (a column default).
    Literal,
    /// An array of strings.
    StrList,
}

impl Kind {
    fn example(self, key: &str) -> String {
        match self {
            Kind::Str => format!("`{key} = \"…\"`"),
            Kind::Bool => format!("`{key}` or `{key} = false`"),
            Kind::UInt => format!("`{key} = 120`"),
            Kind::Literal => format!("`{key} = \"text\"`, `{key} = 0` or `{key} = true`"),
            Kind::StrList => format!("`{key} = [\"a\", \"b\"]`"),
        }
    }

    fn accepts(self, value: &Value) -> bool {
        match (self, value) {
            (Kind::Str, Value::Str(_)) => true,
            (Kind::Bool, Value::Flag | Value::Bool(_)) => true,
            (Kind::UInt, Value::Number(n)) => n.as_u64().is_some(),
            (Kind::Literal, Value::Str(_) | Value::Number(_) | Value::Bool(_)) => true,
            (Kind::StrList, Value::List(items)) => items.iter().all(|i| matches!(i, Value::Str(_))),
            _ => false,
        }
    }
}

/// The keys of one attribute.
pub struct Spec {
    /// How the attribute is written, for messages (`#[metacore(…)]`).
    pub attribute: &'static str,
    /// Its keys and what each takes.
    pub keys: &'static [(&'static str, Kind)],
    /// Keys of the other attribute, to say where they belong.
    pub elsewhere: (&'static str, &'static [(&'static str, Kind)]),
}

/// The entries of one attribute, checked against its spec.
#[derive(Debug, Default)]
pub struct Entries {
    entries: Vec<Entry>,
}

impl Entries {
    /// Checks `entries` against `spec`: every key known, given once, with a value of its
    /// kind. All problems are returned together.
    pub fn check(spec: &Spec, entries: Vec<Entry>) -> Result<Entries, syn::Error> {
        let mut errors: Option<syn::Error> = None;
        let mut push = |e: syn::Error| match &mut errors {
            Some(all) => all.combine(e),
            None => errors = Some(e),
        };
        let mut kept: Vec<Entry> = Vec::new();
        for entry in entries {
            let Some((_, kind)) = spec.keys.iter().find(|(k, _)| *k == entry.key) else {
                push(unknown_key(spec, &entry));
                continue;
            };
            if kept.iter().any(|e| e.key == entry.key) {
                push(syn::Error::new(
                    entry.key_span,
                    format!("`{}` is given twice", entry.key),
                ));
                continue;
            }
            if !kind.accepts(&entry.value) {
                push(syn::Error::new(
                    entry.value_span,
                    format!(
                        "`{}` takes {}: write {}",
                        entry.key,
                        match kind {
                            Kind::Str => "a string",
                            Kind::Bool => "no value or a boolean",
                            Kind::UInt => "a non-negative integer",
                            Kind::Literal => "a string, number or boolean",
                            Kind::StrList => "an array of strings",
                        },
                        kind.example(&entry.key)
                    ),
                ));
                continue;
            }
            kept.push(entry);
        }
        match errors {
            Some(e) => Err(e),
            None => Ok(Entries { entries: kept }),
        }
    }

    /// The entry of `key`.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// The string value of `key`.
    pub fn str(&self, key: &str) -> Option<&str> {
        match self.get(key).map(|e| &e.value) {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// The boolean value of `key` (a flag is `true`).
    pub fn bool(&self, key: &str) -> Option<bool> {
        match self.get(key).map(|e| &e.value) {
            Some(Value::Flag) => Some(true),
            Some(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    /// The integer value of `key`.
    pub fn uint(&self, key: &str) -> Option<u64> {
        match self.get(key).map(|e| &e.value) {
            Some(Value::Number(n)) => n.as_u64(),
            _ => None,
        }
    }

    /// Every entry, in written order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }
}

fn unknown_key(spec: &Spec, entry: &Entry) -> syn::Error {
    let (other, other_keys) = spec.elsewhere;
    if other_keys.iter().any(|(k, _)| *k == entry.key) {
        return syn::Error::new(
            entry.key_span,
            format!(
                "`{}` is not a key of `{}`; it belongs in `{other}`",
                entry.key, spec.attribute
            ),
        );
    }
    let names: Vec<&str> = spec.keys.iter().map(|(k, _)| *k).collect();
    let mut message = format!("unknown key `{}` in `{}`", entry.key, spec.attribute);
    match metacore_gen::suggest::did_you_mean(&entry.key, &names) {
        Some(suggestion) => message.push_str(&format!("\n  = help: did you mean `{suggestion}`?")),
        None => message.push_str(&format!("\n  = help: the keys are {}", list(&names))),
    }
    syn::Error::new(entry.key_span, message)
}

/// `a`, `b` and `c`.
pub fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}
