//! Normalising a handler's answer (`runtime.md` §1.4).
//!
//! A WASM handler's response bytes, or a webhook's 2xx body, are empty or JSON. They become a
//! [`HandlerOutcome`]: a success with `data`/`message`/`meta`, or a decline carrying an
//! [`AddonError`] (the HTTP layer answers 422) and field errors. Bytes that are not JSON are
//! `None` (`bad_addon_response`).

use serde_json::{Map, Value};

/// An error an addon returned when it declined.
#[derive(Debug, Clone, PartialEq)]
pub struct AddonError {
    /// Machine code (`declined` unless the addon gave one).
    pub code: String,
    /// Human message.
    pub message: String,
    /// Field errors (`error.fields` or a top-level `errors`), when given.
    pub fields: Option<Value>,
}

/// The normalised result of a handler.
#[derive(Debug, Clone, PartialEq)]
pub enum HandlerOutcome {
    /// The handler succeeded.
    Success {
        /// Result data (`null` when none).
        data: Value,
        /// Optional message for the user.
        message: Option<String>,
        /// Optional metadata.
        meta: Option<Value>,
    },
    /// The addon declined (HTTP 422).
    Declined(AddonError),
}

impl HandlerOutcome {
    /// A success with `data` and nothing else.
    pub fn success(data: Value) -> HandlerOutcome {
        HandlerOutcome::Success {
            data,
            message: None,
            meta: None,
        }
    }

    /// True for a success.
    pub fn is_success(&self) -> bool {
        matches!(self, HandlerOutcome::Success { .. })
    }
}

/// Normalises response bytes; `None` when they are neither empty nor UTF-8 JSON.
pub fn normalise(bytes: &[u8]) -> Option<HandlerOutcome> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Some(HandlerOutcome::success(Value::Null));
    }
    let value: Value = serde_json::from_slice(bytes).ok()?;
    Some(normalise_value(value))
}

fn normalise_value(value: Value) -> HandlerOutcome {
    let Value::Object(mut object) = value else {
        return HandlerOutcome::success(value);
    };
    let string =
        |o: &Map<String, Value>, key: &str| o.get(key).and_then(Value::as_str).map(str::to_string);
    if let Some(success) = object.get("success").and_then(Value::as_bool) {
        if success {
            return HandlerOutcome::Success {
                data: object.remove("data").unwrap_or(Value::Null),
                message: string(&object, "message"),
                meta: object.remove("meta"),
            };
        }
        let error = object.remove("error");
        let fallback = string(&object, "message").unwrap_or_else(|| "declined".into());
        return HandlerOutcome::Declined(addon_error(error, fallback, object.remove("errors")));
    }
    if let Some(ok) = object.get("ok").and_then(Value::as_bool) {
        object.remove("ok");
        if ok {
            let data = if object.is_empty() {
                Value::Null
            } else {
                Value::Object(object)
            };
            return HandlerOutcome::success(data);
        }
        let message = string(&object, "error").unwrap_or_else(|| "declined".into());
        return HandlerOutcome::Declined(declined(message, object.remove("errors")));
    }
    if object.contains_key("error") {
        let error = object.remove("error");
        let fallback = string(&object, "message").unwrap_or_else(|| "declined".into());
        return HandlerOutcome::Declined(addon_error(error, fallback, object.remove("errors")));
    }
    HandlerOutcome::success(Value::Object(object))
}

fn declined(message: String, fields: Option<Value>) -> AddonError {
    AddonError {
        code: "declined".into(),
        message,
        fields,
    }
}

/// The error of a failure response: an `{code, message, fields?}` object, a string, or
/// anything else (then `fallback` is the message).
fn addon_error(error: Option<Value>, fallback: String, errors: Option<Value>) -> AddonError {
    match error {
        Some(Value::Object(mut e)) => {
            let text = |v: Option<Value>| v.and_then(|v| v.as_str().map(str::to_string));
            AddonError {
                code: text(e.remove("code")).unwrap_or_else(|| "declined".into()),
                message: text(e.remove("message")).unwrap_or(fallback),
                fields: e.remove("fields").or(errors),
            }
        }
        Some(Value::String(message)) => declined(message, errors),
        _ => declined(fallback, errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn of(value: Value) -> HandlerOutcome {
        normalise(value.to_string().as_bytes()).expect("JSON")
    }

    #[test]
    fn empty_and_plain_values_are_successes() {
        assert_eq!(normalise(b""), Some(HandlerOutcome::success(Value::Null)));
        assert_eq!(of(json!([1, 2])), HandlerOutcome::success(json!([1, 2])));
        assert_eq!(
            of(json!({"a": 1})),
            HandlerOutcome::success(json!({"a": 1}))
        );
        assert_eq!(normalise(b"not json"), None);
        assert_eq!(normalise(&[0xff, 0xfe]), None);
    }

    #[test]
    fn success_envelopes() {
        assert_eq!(
            of(json!({"success": true, "data": {"x": 1}, "message": "done"})),
            HandlerOutcome::Success {
                data: json!({"x": 1}),
                message: Some("done".into()),
                meta: None
            }
        );
        let HandlerOutcome::Declined(e) = of(
            json!({"success": false, "error": {"code": "out_of_stock", "message": "none left", "fields": {"qty": ["min"]}}}),
        ) else {
            panic!("expected a decline")
        };
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("out_of_stock", "none left")
        );
        assert_eq!(e.fields, Some(json!({"qty": ["min"]})));
        let HandlerOutcome::Declined(e) = of(json!({"success": false, "error": "nope"})) else {
            panic!("expected a decline")
        };
        assert_eq!((e.code.as_str(), e.message.as_str()), ("declined", "nope"));
    }

    #[test]
    fn ok_and_error_shapes() {
        assert_eq!(
            of(json!({"ok": true})),
            HandlerOutcome::success(Value::Null)
        );
        assert_eq!(
            of(json!({"ok": true, "id": 3})),
            HandlerOutcome::success(json!({"id": 3}))
        );
        let HandlerOutcome::Declined(e) = of(json!({"ok": false, "error": "bad"})) else {
            panic!("expected a decline")
        };
        assert_eq!(e.message, "bad");
        let HandlerOutcome::Declined(e) = of(json!({"error": {"code": "c", "message": "m"}}))
        else {
            panic!("expected a decline")
        };
        assert_eq!(e.code, "c");
    }
}
