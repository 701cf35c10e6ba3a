//! Query parameters restricted to a regular expression, checked against a compiled copy kept
//! for the process.
//!
//! poem-openapi's `#[oai(validator(pattern = …))]` compiles its expression on every check
//! (`poem_openapi::validation::Pattern` in 5.1), and builds the validator anew per request:
//! a list sorted with `sortBy` and `order` spent a third of the server's CPU compiling the
//! two expressions. A custom validator cannot carry the pattern into the OpenAPI document
//! (the derive ignores custom validators there), so the parameter's type does both: its
//! schema is the string schema with the pattern — the document is unchanged — and parsing
//! checks the value with [`PatternOf::regex`].

use std::borrow::Cow;
use std::marker::PhantomData;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{ParseError, ParseFromParameter, ParseResult, Type};

/// A pattern a [`Matching`] parameter must match.
pub trait PatternOf: Send + Sync + 'static {
    /// The regular expression, as the OpenAPI document shows it.
    const PATTERN: &'static str;

    /// [`PatternOf::PATTERN`] compiled, once per process.
    fn regex() -> &'static Regex;
}

/// Declares a unit type implementing [`PatternOf`] for `$pattern`, compiled on first use.
#[macro_export]
macro_rules! query_pattern {
    ($(#[$meta:meta])* $vis:vis $name:ident = $pattern:expr) => {
        $(#[$meta])*
        $vis struct $name;

        impl $crate::api::pattern::PatternOf for $name {
            const PATTERN: &'static str = $pattern;

            fn regex() -> &'static $crate::api::pattern::Regex {
                static REGEX: ::std::sync::OnceLock<$crate::api::pattern::Regex> =
                    ::std::sync::OnceLock::new();
                REGEX.get_or_init(|| {
                    $crate::api::pattern::Regex::new(Self::PATTERN)
                        .expect("the compiler emits valid patterns")
                })
            }
        }
    };
}

/// The compiled form of a [`PatternOf`] (re-exported for [`query_pattern!`]).
pub use regex::Regex;

/// A string query parameter that matches `P`.
pub struct Matching<P> {
    value: String,
    pattern: PhantomData<fn() -> P>,
}

impl<P> std::fmt::Debug for Matching<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Matching").field(&self.value).finish()
    }
}

impl<P> Matching<P> {
    /// The value.
    pub fn into_inner(self) -> String {
        self.value
    }
}

impl<P: PatternOf> Type for Matching<P> {
    const IS_REQUIRED: bool = true;

    type RawValueType = String;

    type RawElementValueType = String;

    fn name() -> Cow<'static, str> {
        "string".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            pattern: Some(P::PATTERN.to_string()),
            ..MetaSchema::new("string")
        }))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(&self.value)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }

    fn is_empty(&self) -> bool {
        self.value.is_empty()
    }
}

impl<P: PatternOf> ParseFromParameter for Matching<P> {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        if P::regex().is_match(value) {
            Ok(Matching {
                value: value.to_string(),
                pattern: PhantomData,
            })
        } else {
            // As poem-openapi's pattern validator words it (after `failed to parse "string": `).
            Err(ParseError::custom(format!(
                "verification failed. pattern(\"{}\")",
                P::PATTERN
            )))
        }
    }
}

query_pattern!(
    /// `order`: `asc` or `desc`, any case, or empty.
    pub Order = "^([aA][sS][cC]|[dD][eE][sS][cC])?$"
);
query_pattern!(
    /// An export's `format`: `csv`, `json` or `xlsx`, any case, or empty.
    pub ExportFormat = "^([cC][sS][vV]|[jJ][sS][oO][nN]|[xX][lL][sS][xX])?$"
);
query_pattern!(
    /// A summary's aggregate: `sum`, `avg`, `min`, `max` or `count`, any case, or empty.
    pub Aggregate = "^([sS][uU][mM]|[aA][vV][gG]|[mM][iI][nN]|[mM][aA][xX]|[cC][oO][uU][nN][tT])?$"
);

#[cfg(test)]
mod tests {
    use super::*;

    query_pattern!(Letters = "^[a-c]+$");

    #[test]
    fn a_value_is_checked_against_the_pattern() {
        let Ok(parsed) = Matching::<Order>::parse_from_parameter("DeSc") else {
            panic!("any case is accepted");
        };
        assert_eq!(parsed.into_inner(), "DeSc");
        assert!(
            Matching::<Order>::parse_from_parameter("").is_ok(),
            "empty is allowed"
        );
        let Err(refused) = Matching::<Letters>::parse_from_parameter("abd") else {
            panic!("`abd` is refused");
        };
        let message = refused.into_message();
        assert!(
            message.ends_with("verification failed. pattern(\"^[a-c]+$\")"),
            "{message}"
        );
    }

    #[test]
    fn the_schema_is_a_string_with_the_pattern() {
        let MetaSchemaRef::Inline(schema) = Matching::<Letters>::schema_ref() else {
            panic!("an inline schema");
        };
        assert_eq!(schema.ty, "string");
        assert_eq!(schema.pattern.as_deref(), Some("^[a-c]+$"));
    }

    #[test]
    fn the_pattern_compiles_once() {
        assert!(std::ptr::eq(Letters::regex(), Letters::regex()));
    }
}
