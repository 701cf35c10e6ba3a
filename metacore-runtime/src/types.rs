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

impl FromStr for Numeric {
    type Err = NumericParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Decimal::from_str_exact(text)
            .or_else(|_| Decimal::from_scientific(text))
            .map(Numeric)
            .map_err(|_| NumericParseError(text.to_string()))
    }
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
