//! Rust field types → manifest column types (`manifest.md` §4.1).

use syn::spanned::Spanned;
use syn::{GenericArgument, PathArguments, Type};

/// The column type family of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// `Uuid`.
    Uuid,
    /// `String`: `text`, or `varchar(n)` with `max_length`.
    Text,
    /// `i32`.
    Integer,
    /// `i64`.
    Bigint,
    /// `bool`.
    Boolean,
    /// `Numeric` or `Decimal`: `numeric`, or `numeric(p,s)` with `precision`/`scale`.
    Numeric,
    /// `DateTime<Utc>`, `DateTimeUtc`.
    Timestamptz,
    /// `NaiveDateTime`.
    Timestamp,
    /// `NaiveDate`, `Date`.
    Date,
    /// `serde_json::Value`, `Json`.
    Jsonb,
}

/// What a field's type says about its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldType {
    /// The column type family.
    pub base: Base,
    /// `Option<T>`: the column is nullable.
    pub nullable: bool,
    /// The field is a `rust_decimal::Decimal`, which the entity holds as
    /// `metacore_runtime::types::Numeric` (converted in the `From` impls).
    pub decimal: bool,
}

const SUPPORTED: &str = "a column field is `Uuid`, `String`, `i32`, `i64`, `bool`, `Numeric` or `Decimal`, `DateTime<Utc>` (or `DateTimeUtc`), `NaiveDateTime`, `NaiveDate` (or `Date`), `serde_json::Value` (or `Json`), or an `Option` of one of them";

/// Classifies `ty`.
pub fn classify(ty: &Type) -> Result<FieldType, syn::Error> {
    if let Some(inner) = single_argument(ty, "Option") {
        if single_argument(inner, "Option").is_some() {
            return Err(syn::Error::new(
                ty.span(),
                "`Option<Option<_>>` is not a column type: a column is NULL or holds a value",
            ));
        }
        let (base, decimal) = base(inner)?;
        return Ok(FieldType {
            base,
            nullable: true,
            decimal,
        });
    }
    let (base, decimal) = base(ty)?;
    Ok(FieldType {
        base,
        nullable: false,
        decimal,
    })
}

/// `T` of `Name<T>` (by the last path segment).
fn single_argument<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.iter().collect::<Vec<_>>().as_slice() {
        [GenericArgument::Type(inner)] => Some(inner),
        _ => None,
    }
}

fn base(ty: &Type) -> Result<(Base, bool), syn::Error> {
    let unsupported = |hint: &str| {
        let written = quote::quote!(#ty).to_string().replace(' ', "");
        let mut message = format!("unsupported field type `{written}`");
        if !hint.is_empty() {
            message.push_str(&format!("\n  = help: {hint}"));
        }
        message.push_str(&format!("\n  = note: {SUPPORTED}"));
        syn::Error::new(ty.span(), message)
    };
    let Type::Path(path) = ty else {
        return Err(match ty {
            Type::Reference(_) => unsupported("a model owns its values: use `String` for text"),
            _ => unsupported(""),
        });
    };
    if path.qself.is_some() {
        return Err(unsupported(""));
    }
    let Some(last) = path.path.segments.last() else {
        return Err(unsupported(""));
    };
    let name = last.ident.to_string();
    let no_arguments = last.arguments.is_none();
    let plain = |base: Base| {
        if no_arguments {
            Ok((base, false))
        } else {
            Err(unsupported(""))
        }
    };
    match name.as_str() {
        "Uuid" => plain(Base::Uuid),
        "String" => plain(Base::Text),
        "i32" => plain(Base::Integer),
        "i64" => plain(Base::Bigint),
        "bool" => plain(Base::Boolean),
        "Numeric" => plain(Base::Numeric),
        "Decimal" if no_arguments => Ok((Base::Numeric, true)),
        "DateTimeUtc" => plain(Base::Timestamptz),
        "DateTime" => match single_argument(ty, "DateTime") {
            Some(Type::Path(zone))
                if zone.path.segments.last().is_some_and(|s| s.ident == "Utc") =>
            {
                Ok((Base::Timestamptz, false))
            }
            Some(_) => Err(unsupported(
                "timestamps with a time zone are stored in UTC: write `DateTime<Utc>`",
            )),
            None => Err(unsupported(
                "write `DateTime<Utc>` for a `timestamptz` column, or `NaiveDateTime` for a `timestamp` one",
            )),
        },
        "NaiveDateTime" => plain(Base::Timestamp),
        "NaiveDate" | "Date" => plain(Base::Date),
        "Value" | "Json" => plain(Base::Jsonb),
        "i8" | "i16" | "u8" | "u16" => Err(unsupported("use `i32` (an `integer` column)")),
        "u32" | "u64" | "i128" | "u128" | "usize" | "isize" => {
            Err(unsupported("use `i64` (a `bigint` column)"))
        }
        "f32" | "f64" => Err(unsupported(
            "floating point is not a column type: use `Numeric` (exact decimals)",
        )),
        "char" | "str" => Err(unsupported("use `String` (a `text` column)")),
        "Vec" | "HashMap" | "BTreeMap" => Err(unsupported(
            "collections are stored as JSON: use `serde_json::Value` (a `jsonb` column)",
        )),
        _ => Err(unsupported("")),
    }
}
