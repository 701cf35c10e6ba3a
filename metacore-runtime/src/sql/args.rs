//! Decoding `db_*` arguments: a JSON array of at most 64 values (`runtime.md` §1.5).
//!
//! `null`, booleans, integers (64-bit), other numbers (double), strings, and the typed
//! wrappers `{"$uuid"}`, `{"$ts"}` (RFC 3339), `{"$date"}`, `{"$decimal"}`, `{"$bytes"}`
//! (standard base64) and `{"$json"}`. Anything else is `arg_decode`.

use std::str::FromStr;

use base64::Engine as _;
use sea_orm::prelude::{ChronoDate, ChronoDateTimeWithTimeZone, Decimal};
use sea_orm::Value;
use serde_json::Value as Json;

use super::SqlError;

const MAX_ARGS: usize = 64;

/// Decodes the argument bytes (empty means no arguments).
pub fn decode(bytes: &[u8]) -> Result<Vec<Value>, SqlError> {
    if bytes.is_empty() {
        return Ok(Vec::new());
    }
    let Json::Array(items) = serde_json::from_slice(bytes)
        .map_err(|e| SqlError::ArgDecode(format!("arguments are not JSON: {e}")))?
    else {
        return Err(SqlError::ArgDecode("arguments must be a JSON array".into()));
    };
    if items.len() > MAX_ARGS {
        return Err(SqlError::ArgDecode(format!("at most {MAX_ARGS} arguments")));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, v)| decode_one(i + 1, v))
        .collect()
}

fn decode_one(position: usize, value: &Json) -> Result<Value, SqlError> {
    let bad = |what: &str| SqlError::ArgDecode(format!("argument ${position}: {what}"));
    Ok(match value {
        Json::Null => Value::String(None),
        Json::Bool(b) => Value::Bool(Some(*b)),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::BigInt(Some(i)),
            None => Value::Double(Some(n.as_f64().ok_or_else(|| bad("number out of range"))?)),
        },
        Json::String(s) => Value::String(Some(s.clone())),
        Json::Array(_) => return Err(bad("arrays are not supported; use {\"$json\": …}")),
        Json::Object(object) => {
            let [(key, inner)] = object.iter().collect::<Vec<_>>()[..] else {
                return Err(bad(
                    "objects must be one typed wrapper such as {\"$uuid\": …}",
                ));
            };
            let text = || {
                inner
                    .as_str()
                    .ok_or_else(|| bad(&format!("`{key}` takes a string")))
            };
            match key.as_str() {
                "$uuid" => Value::Uuid(Some(
                    uuid::Uuid::parse_str(text()?).map_err(|_| bad("not a UUID"))?,
                )),
                "$ts" => Value::ChronoDateTimeWithTimeZone(Some(
                    ChronoDateTimeWithTimeZone::parse_from_rfc3339(text()?)
                        .map_err(|_| bad("not an RFC 3339 timestamp"))?,
                )),
                "$date" => Value::ChronoDate(Some(
                    ChronoDate::parse_from_str(text()?, "%Y-%m-%d")
                        .map_err(|_| bad("not a YYYY-MM-DD date"))?,
                )),
                "$decimal" => Value::Decimal(Some(
                    Decimal::from_str(text()?).map_err(|_| bad("not a decimal"))?,
                )),
                "$bytes" => Value::Bytes(Some(
                    base64::engine::general_purpose::STANDARD
                        .decode(text()?)
                        .map_err(|_| bad("not standard base64"))?,
                )),
                "$json" => Value::Json(Some(Box::new(inner.clone()))),
                other => return Err(bad(&format!("unknown wrapper `{other}`"))),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plain_and_typed_values() {
        let args = decode(
            br#"[null, true, 3, 1.5, "x", {"$uuid": "7f0c1c1e-4b7a-4d6e-9a53-0d2b1f2a3c4d"},
                 {"$date": "2024-02-29"}, {"$decimal": "12.30"}, {"$bytes": "AAE="}, {"$json": [1]}]"#,
        )
        .expect("valid arguments");
        assert_eq!(args.len(), 10);
        assert_eq!(args[2], Value::BigInt(Some(3)));
        assert_eq!(args[8], Value::Bytes(Some(vec![0, 1])));
    }

    #[test]
    fn refuses_bad_arguments() {
        for bad in [
            &b"{}"[..],
            b"[[1]]",
            b"[{\"$uuid\": \"x\"}]",
            b"[{\"a\": 1, \"b\": 2}]",
            b"nope",
        ] {
            assert!(
                matches!(decode(bad), Err(SqlError::ArgDecode(_))),
                "{bad:?}"
            );
        }
        assert!(decode(b"[]").expect("empty").is_empty());
        assert!(decode(b"").expect("none").is_empty());
    }
}
