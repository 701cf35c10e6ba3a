//! Column value types that need the same exact behaviour on PostgreSQL and SQLite.
//!
//! [`Numeric`] is the Rust type of `numeric` columns. PostgreSQL stores exact decimals
//! natively. SQLite has no decimal type, and sea-orm reads SQLite decimals through `f64`,
//! which loses digits past the 15th and the scale (`12.30` → `12.3`); so on SQLite the
//! migrations give numeric columns TEXT affinity, values are written as their exact decimal
//! text, and [`Numeric`] reads that text back exactly. (The HTTP layer sorts and compares
//! such columns numerically with a cast on SQLite.)

use std::fmt;
use std::str::FromStr;

use sea_orm::prelude::Decimal;
use sea_orm::sea_query::value::prelude::rust_decimal::RoundingStrategy;
use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, QueryResult, TryGetError, TryGetable, Value};

/// An exact decimal column value (`numeric`, `numeric(p,s)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Numeric(pub Decimal);

impl Numeric {
    /// The decimal.
    pub fn value(self) -> Decimal {
        self.0
    }
}

impl From<Decimal> for Numeric {
    fn from(value: Decimal) -> Self {
        Numeric(value)
    }
}

/// Decimal text, positional (`12.50`) or scientific (`1.25e1`). A `Decimal` holds at most 28
/// fractional digits: a value with more is rounded to 28 (half away from zero), as a
/// `numeric(p, s)` column rounds to its scale, so `1e-30` is `0` and `2.5e-28` is
/// `0.0000000000000000000000000003`. Text that is not a number, or a value too large for a
/// `Decimal` (about 7.9 × 10²⁸), is refused.
impl FromStr for Numeric {
    type Err = NumericParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Decimal::from_str_exact(text)
            .or_else(|_| Decimal::from_scientific(text))
            .or_else(|_| Decimal::from_str(text))
            .ok()
            .or_else(|| below_scale(text))
            .map(Numeric)
            .ok_or_else(|| NumericParseError(text.to_string()))
    }
}

/// Scientific text whose exponent is below -28 (`<mantissa>e-<n>`), rounded to 28 fractional
/// digits: `mantissa × 10^(exponent + 28)` rounded to a whole number, at scale 28.
fn below_scale(text: &str) -> Option<Decimal> {
    let (mantissa, exponent) = text.trim().split_once(['e', 'E'])?;
    let exponent: i64 = exponent.parse().ok()?;
    let mut scaled = Decimal::from_str(mantissa.trim_start_matches('+')).ok()?;
    let shift = -(exponent + i64::from(Decimal::MAX_SCALE));
    if shift <= 0 {
        return None;
    }
    // Past 60 places every mantissa a `Decimal` holds rounds to zero.
    for _ in 0..shift.min(60) {
        scaled /= Decimal::TEN;
    }
    let mut rounded = scaled.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    rounded.set_scale(Decimal::MAX_SCALE).ok()?;
    Some(rounded.normalize())
}

impl fmt::Display for Numeric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Text that is not a decimal number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumericParseError(pub String);

impl fmt::Display for NumericParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a decimal number", self.0)
    }
}

impl std::error::Error for NumericParseError {}

/// As the API serves it: the exact decimal text (`"12.50"`).
impl serde::Serialize for Numeric {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// From decimal text, or from a JSON number (read through its text, so no binary
/// floating-point rounding is introduced).
impl<'de> serde::Deserialize<'de> for Numeric {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        let text = match &value {
            serde_json::Value::String(text) => text.clone(),
            serde_json::Value::Number(number) => number.to_string(),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "expected a decimal string or number, got {other}"
                )))
            }
        };
        text.trim().parse().map_err(serde::de::Error::custom)
    }
}

impl From<Numeric> for Value {
    fn from(value: Numeric) -> Self {
        Value::Decimal(Some(value.0))
    }
}

impl TryGetable for Numeric {
    fn try_get_by<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Self, TryGetError> {
        // SQLite: the exact text. PostgreSQL refuses to decode `numeric` as text, so the
        // native decimal is read there. Integers and reals (rows written by other tools on
        // SQLite) are accepted too.
        if let Ok(text) = res.try_get_by_nullable::<Option<String>, _>(idx) {
            return match text {
                Some(text) => text.trim().parse().map_err(|e: NumericParseError| {
                    TryGetError::DbErr(sea_orm::DbErr::Type(e.to_string()))
                }),
                None => Err(TryGetError::Null(format!("{idx:?}"))),
            };
        }
        if let Ok(value) = <Decimal as TryGetable>::try_get_by(res, idx) {
            return Ok(Numeric(value));
        }
        <i64 as TryGetable>::try_get_by(res, idx).map(|v| Numeric(Decimal::from(v)))
    }
}

impl ValueType for Numeric {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        <Decimal as ValueType>::try_from(v).map(Numeric)
    }

    fn type_name() -> String {
        "Numeric".to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::Decimal
    }

    fn column_type() -> ColumnType {
        ColumnType::Decimal(None)
    }
}

impl Nullable for Numeric {
    fn null() -> Value {
        Value::Decimal(None)
    }
}

impl sea_orm::IntoActiveValue<Numeric> for Numeric {
    fn into_active_value(self) -> sea_orm::ActiveValue<Numeric> {
        sea_orm::ActiveValue::Set(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Option<String> {
        text.parse::<Numeric>().ok().map(|n| n.to_string())
    }

    #[test]
    fn decimals_round_past_the_28th_fractional_digit() {
        assert_eq!(parsed("12.50").as_deref(), Some("12.50"));
        assert_eq!(parsed("1.25e1").as_deref(), Some("12.5"));
        assert_eq!(
            parsed("1e-28").as_deref(),
            Some("0.0000000000000000000000000001")
        );
        assert_eq!(
            parsed("2.5e-28").as_deref(),
            Some("0.0000000000000000000000000003")
        );
        assert_eq!(
            parsed("-2.5e-28").as_deref(),
            Some("-0.0000000000000000000000000003")
        );
        assert_eq!(
            parsed("6e-29").as_deref(),
            Some("0.0000000000000000000000000001")
        );
        assert_eq!(parsed("1e-30").as_deref(), Some("0"));
        assert_eq!(parsed("8.743076044622092e-216").as_deref(), Some("0"));
        assert_eq!(parsed("1e-9999999999").as_deref(), Some("0"));
        assert_eq!(
            parsed("0.123456789012345678901234567891").as_deref(),
            Some("0.1234567890123456789012345679")
        );
        for refused in [
            "",
            "abc",
            "1e400",
            "1e",
            "e-30",
            "1.2.3e-30",
            "9e99999999999999999999",
        ] {
            assert_eq!(parsed(refused), None, "{refused}");
        }
    }
}
