//! Actions and tools over HTTP (`http-api.md` §7): find the declared action or tool, check
//! its capability before touching data, load the record, run the handler through the
//! [`Dispatcher`](crate::Dispatcher) and map its outcome into the envelope — 200 with the
//! handler's `data`, 422 `action_declined` when the addon declined, the dispatcher's 4xx/5xx
//! otherwise (503 `sandbox_busy` with `Retry-After` when the WASM pool is full), each with
//! `meta` naming what ran.
//!
//! Not yet here: `condition` evaluation, nested `item_fields`/`steps` validation and
//! idempotency keys (§7.1 steps 5–7); the required form fields are checked.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::time::Instant;

use metacore_core::registry::{FormField, FormValue, Handler};
use poem::http::StatusCode;
use poem::{Request, RequestBody};
use poem_openapi::error::{ContentTypeError, ParseRequestPayloadError};
use poem_openapi::registry::{MetaMediaType, MetaRequest, MetaSchema, MetaSchemaRef};
use poem_openapi::{ApiExtractor, ApiExtractorType, ExtractParamOptions};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::answer::{document_kind, Answer, Document};
use super::error::{ApiError, FieldError};
use super::handlers::row_json;
use super::observe::RequestId;
use super::request::Caller;
use super::schema::ModelSchema;
use super::state::{ApiState, Call};
use super::store::{self, Cells};
use crate::dispatch::{ActionCall, DispatchError, DispatchErrorCode, ToolCall};
use crate::invocation::CallerContext;
use crate::response::HandlerOutcome;

document_kind!(
    /// `{"success": true, "data", "message"?, "meta": {model, action, trigger_type, duration_ms, rolled_back?}}`.
    handled ActionResult, "ActionResultEnvelope", "object",
    "The handler's answer: `data`, `message`, and `meta` with the model, action, trigger type and duration.",
    data: any());
document_kind!(
    /// `{"success": true, "data", "message"?, "meta": {addon, tool, trigger_type, duration_ms}}`.
    handled ToolResult, "ToolResultEnvelope", "object",
    "The tool handler's answer: `data`, `message`, and `meta` with the addon, tool, trigger type and duration.",
    data: any());

/// The reply of an action.
pub type ActionAnswer = Answer<Document<ActionResult>>;
/// The reply of a tool call.
pub type ToolAnswer = Answer<Document<ToolResult>>;

/// The body of an action (form values) or a tool call (arguments): a JSON object; an empty
/// body means `{}`; any other JSON is 400.
pub struct InvocationBody(pub Map<String, Value>);

impl<'a> ApiExtractor<'a> for InvocationBody {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::RequestObject];
    type ParamType = ();
    type ParamRawType = ();

    fn request_meta() -> Option<MetaRequest> {
        let any = MetaSchemaRef::Inline(Box::new(MetaSchema::ANY));
        Some(MetaRequest {
            description: Some("A JSON object (form values or tool arguments); may be empty."),
            content: vec![MetaMediaType {
                content_type: "application/json",
                schema: MetaSchemaRef::Inline(Box::new(MetaSchema {
                    additional_properties: Some(Box::new(any)),
                    ..MetaSchema::new("object")
                })),
            }],
            required: false,
        })
    }

    async fn from_request(
        request: &'a Request,
        body: &mut RequestBody,
        _options: ExtractParamOptions<()>,
    ) -> poem::Result<Self> {
        if let Some(content_type) = request.content_type() {
            let essence = content_type.split(';').next().unwrap_or("").trim();
            if !essence.eq_ignore_ascii_case("application/json") && !essence.ends_with("+json") {
                return Err(ContentTypeError::NotSupported {
                    content_type: content_type.to_string(),
                }
                .into());
            }
        }
        let bytes = body.take()?.into_vec().await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(InvocationBody(Map::new()));
        }
        match serde_json::from_slice(&bytes) {
            Ok(Value::Object(fields)) => Ok(InvocationBody(fields)),
            _ => Err(ParseRequestPayloadError {
                reason: "the body must be a JSON object".into(),
            }
            .into()),
        }
    }
}

/// The identity the handler sees, made by the host from the verified token, with the addon's
/// installation in the caller's organisation (installed on first use). Its request id is the
/// HTTP request's ([`RequestId`]) when that is a UUID — always, unless the client sent its
/// own — so the addon's log lines and webhook headers name the request; else a new one.
async fn invocation_caller(
    state: &ApiState,
    request: &Request,
    addon: &str,
    caller: &Caller,
    org: Uuid,
) -> Result<CallerContext, ApiError> {
    let locale = request
        .headers()
        .get(poem::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split([',', ';']).next())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    Ok(CallerContext {
        installation: state.installation(addon, org).await?,
        user_id: Some(caller.user),
        request_id: request
            .data::<RequestId>()
            .and_then(|id| {
                // Only when it reads back the same, so both ids are one text.
                Uuid::parse_str(id.as_str())
                    .ok()
                    .filter(|uuid| uuid.to_string() == id.as_str())
            })
            .unwrap_or_else(Uuid::new_v4),
        locale,
    })
}

/// The handler's result in the envelope; `meta` is the handler's merged with the server's
/// keys (which win), plus `rolled_back` for transactional handlers.
fn answer(
    result: Result<HandlerOutcome, DispatchError>,
    mut server_meta: Map<String, Value>,
    started: Instant,
    transactional: bool,
) -> Result<Value, ApiError> {
    server_meta.insert(
        "duration_ms".into(),
        json!(started.elapsed().as_millis() as u64),
    );
    let merged = |handler_meta: Option<Value>, rolled_back: bool| {
        let mut meta = match handler_meta {
            Some(Value::Object(meta)) => meta,
            _ => Map::new(),
        };
        meta.extend(server_meta.clone());
        if transactional {
            meta.insert("rolled_back".into(), json!(rolled_back));
        }
        Value::Object(meta)
    };
    match result {
        Ok(HandlerOutcome::Success {
            data,
            message,
            meta,
        }) => {
            let mut body = json!({"success": true, "data": data, "meta": merged(meta, false)});
            if let Some(message) = message {
                body["message"] = json!(message);
            }
            Ok(body)
        }
        Ok(HandlerOutcome::Declined(declined)) => {
            let mut error = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "action_declined",
                declined.message,
            );
            error.code = Cow::Owned(declined.code);
            error.fields = declined.fields.map(field_errors).unwrap_or_default();
            error.meta = Some(Box::new(merged(None, true)));
            Err(error)
        }
        Err(failure) => {
            let status = StatusCode::from_u16(failure.code.http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut error = ApiError::new(status, failure.code.as_str(), failure.message);
            error.retry_after = failure.code.retry_after();
            if let Some(details) = failure.details {
                error.fields = schema_errors(&details);
            }
            error.meta = Some(Box::new(merged(None, true)));
            Err(error)
        }
    }
}

/// An addon's field map (`{"note": [{"code", "params"}]}`, or plain messages) as field errors.
fn field_errors(fields: Value) -> BTreeMap<String, Vec<FieldError>> {
    let Value::Object(fields) = fields else {
        return BTreeMap::new();
    };
    let one = |item: &Value| match item {
        Value::Object(error) => {
            let code = error
                .get("code")
                .and_then(Value::as_str)
                .unwrap_or("invalid");
            let mut field = FieldError::new(code);
            if let Some(Value::Object(params)) = error.get("params") {
                field.params = params.clone().into_iter().collect();
            }
            if let Some(message) = error.get("message") {
                field.params.insert("message".into(), message.clone());
            }
            field
        }
        Value::String(message) => FieldError::new("invalid").with("message", message.as_str()),
        other => FieldError::new("invalid").with("message", other.to_string()),
    };
    fields
        .into_iter()
        .map(|(key, value)| {
            let errors = match &value {
                Value::Array(items) => items.iter().map(one).collect(),
                single => vec![one(single)],
            };
            (key, errors)
        })
        .collect()
}

/// Tool input schema errors (`[{path, message}]`) by dotted path (`input` for the root).
fn schema_errors(details: &Value) -> BTreeMap<String, Vec<FieldError>> {
    let mut fields: BTreeMap<String, Vec<FieldError>> = BTreeMap::new();
    for detail in details.as_array().into_iter().flatten() {
        let path = detail["path"]
            .as_str()
            .unwrap_or("")
            .trim_start_matches('/');
        let key = if path.is_empty() {
            "input".to_string()
        } else {
            path.replace('/', ".")
        };
        let message = detail["message"].as_str().unwrap_or("invalid");
        fields
            .entry(key)
            .or_default()
            .push(FieldError::new("invalid").with("message", message));
    }
    fields
}

/// The record's state for `requires_state`: its `status`, else `state`, column.
fn record_state(record: &Cells) -> Option<String> {
    ["status", "state"].iter().find_map(|name| {
        record
            .iter()
            .find(|(column, _)| column == name)
            .map(|(_, cell)| cell.label())
    })
}

/// `POST /api/data/{model}/{id}/action/{key}` (with `id`) and
/// `POST /api/data/{model}/action/{key}` (without).
pub async fn action<M: ModelSchema>(
    call: Call<'_>,
    id: Option<Uuid>,
    key: &str,
    body: InvocationBody,
) -> ActionAnswer {
    run_action::<M>(call.state, call.request, id, key, body.0)
        .await
        .map(Document::new)
        .into()
}

async fn run_action<M: ModelSchema>(
    state: &ApiState,
    request: &Request,
    id: Option<Uuid>,
    key: &str,
    payload: Map<String, Value>,
) -> Result<Value, ApiError> {
    let model = M::model();
    let (caller, access) = state.caller(request).await?;
    let org = caller.organization()?;
    state.require_enabled(M::addon(), org).await?;
    let not_found = || ApiError::not_found("action_not_found", format!("no action `{key}`"));
    let addon = state.dispatcher().addon(M::addon()).ok_or_else(not_found)?;
    let action = addon.model_action(model.route, key).ok_or_else(not_found)?;
    access.require(&format!("{}.{key}", model.route))?;
    let record = match id {
        Some(id) => Some(
            store::get(state.db(), model, org, id)
                .await?
                .ok_or_else(|| ApiError::not_found("record_not_found", "record not found"))?,
        ),
        None if action.placement == "row" => {
            return Err(ApiError::bad_request(
                "record_required",
                format!("action `{key}` runs on a record: POST …/{{id}}/action/{key}"),
            ));
        }
        None => None,
    };
    if let (Some(record), false) = (&record, action.requires_state.is_empty()) {
        let current = record_state(record).unwrap_or_default();
        if !action.requires_state.contains(&current.as_str()) {
            let mut error = ApiError::new(
                StatusCode::CONFLICT,
                "invalid_state",
                format!(
                    "the record is `{current}`; the action needs one of {:?}",
                    action.requires_state
                ),
            );
            error.meta = Some(Box::new(json!({"state": current})));
            return Err(error);
        }
    }
    let refused = form_errors(action.fields, &payload);
    if !refused.is_empty() {
        return Err(ApiError::validation(refused));
    }
    let started = Instant::now();
    let call = ActionCall {
        addon_key: addon.key.to_string(),
        action_key: key.to_string(),
        record_id: id,
        record: record.as_ref().map(row_json),
        payload: Value::Object(payload),
        caller: invocation_caller(state, request, addon.key, &caller, org).await?,
    };
    let result = state.dispatcher().action(call).await;
    let mut meta = Map::new();
    meta.insert("model".into(), json!(model.route));
    meta.insert("action".into(), json!(key));
    meta.insert("trigger_type".into(), json!(action.handler.type_name()));
    let transactional = matches!(action.handler, Handler::Wasm { .. });
    answer(result, meta, started, transactional)
}

/// What is wrong with the form values of `payload`, by field: a required field without a
/// value (`null`, blank text, an empty list: `required`), or a value of the wrong kind
/// (`invalid`: not text, not a boolean, not a (whole) number, not one of the options). An
/// optional field may be `null` or absent. Keys the form does not declare pass through to the
/// handler unchecked. The spec declares the same rules ([`super::key_operations`]).
fn form_errors(
    fields: &[FormField],
    payload: &Map<String, Value>,
) -> BTreeMap<String, Vec<FieldError>> {
    let mut errors = BTreeMap::new();
    for field in fields {
        let value = payload.get(field.key).unwrap_or(&Value::Null);
        let blank = match value {
            Value::Null => true,
            Value::String(text) => text.trim().is_empty(),
            Value::Array(items) => items.is_empty(),
            _ => false,
        };
        let error = if value.is_null() || (blank && field.required) {
            field.required.then(|| FieldError::new("required"))
        } else {
            let fits = match field.value {
                FormValue::Text => value.is_string(),
                FormValue::Boolean => value.is_boolean(),
                FormValue::Number => value.is_number(),
                FormValue::Integer => value.is_i64() || value.is_u64(),
                FormValue::OneOf(options) => value.as_str().is_some_and(|v| options.contains(&v)),
                FormValue::Any => true,
            };
            (!fits).then(|| FieldError::new("invalid"))
        };
        if let Some(error) = error {
            errors.insert(field.key.to_string(), vec![error]);
        }
    }
    errors
}

/// `POST /api/metacore/tools/{addon}/{tool}`: the arguments object, or `{"parameters": {…}}`.
pub async fn tool(
    state: &ApiState,
    request: &Request,
    addon_key: &str,
    tool_key: &str,
    body: InvocationBody,
) -> ToolAnswer {
    run_tool(state, request, addon_key, tool_key, body.0)
        .await
        .map(Document::new)
        .into()
}

async fn run_tool(
    state: &ApiState,
    request: &Request,
    addon_key: &str,
    tool_key: &str,
    mut input: Map<String, Value>,
) -> Result<Value, ApiError> {
    let (caller, access) = state.caller(request).await?;
    let org = caller.organization()?;
    let not_found = || {
        ApiError::not_found(
            "tool_not_found",
            format!("no tool `{tool_key}` in addon `{addon_key}`"),
        )
    };
    let addon = state.dispatcher().addon(addon_key).ok_or_else(not_found)?;
    let tool = addon.tool(tool_key).ok_or_else(not_found)?;
    state.require_enabled(addon.key, org).await?;
    access.require(&format!("{addon_key}.tools.{tool_key}"))?;
    if input.len() == 1 {
        if let Some(Value::Object(parameters)) = input.get("parameters") {
            input = parameters.clone();
        }
    }
    let started = Instant::now();
    let call = ToolCall {
        addon_key: addon.key.to_string(),
        tool_key: tool.key.to_string(),
        input: Value::Object(input),
        caller: invocation_caller(state, request, addon.key, &caller, org).await?,
    };
    let result = state.dispatcher().tool(call).await;
    if let Err(DispatchError {
        code: DispatchErrorCode::InvalidInput,
        details,
        message,
    }) = &result
    {
        let mut error =
            ApiError::validation(details.as_ref().map(schema_errors).unwrap_or_default());
        error.message = message.clone();
        return Err(error);
    }
    let mut meta = Map::new();
    meta.insert("addon".into(), json!(addon.key));
    meta.insert("tool".into(), json!(tool.key));
    meta.insert("trigger_type".into(), json!(tool.handler.type_name()));
    answer(result, meta, started, false)
}

/// `GET /api/metacore/tools[?addon_key=]`: the tools of registered addons enabled for the
/// caller's organisation (`enabled`) that the caller may execute.
pub fn tool_list(
    state: &ApiState,
    access: &super::Access,
    addon_key: Option<&str>,
    enabled: &dyn Fn(&str) -> bool,
) -> Value {
    let mut tools = Vec::new();
    for descriptor in state.addons() {
        if addon_key.is_some_and(|k| k != descriptor.key) || !enabled(descriptor.key) {
            continue;
        }
        let Some(addon) = state.dispatcher().addon(descriptor.key) else {
            continue;
        };
        for tool in addon.tools {
            if !access.allows(&format!("{}.tools.{}", addon.key, tool.key)) {
                continue;
            }
            tools.push(json!({
                "addon_key": addon.key,
                "key": tool.key,
                "id": tool.key,
                "name": tool.name,
                "description": tool.description,
                "input_schema": tool.input_schema(),
                "handler_type": tool.handler.type_name(),
            }));
        }
    }
    json!({"success": true, "data": tools})
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Map, Value};

    use super::form_errors;
    use crate::registry::{FormField, FormValue};

    const FORM: &[FormField] = &[
        FormField {
            key: "usage",
            value: FormValue::OneOf(&["G01", "G03"]),
            required: true,
        },
        FormField {
            key: "test",
            value: FormValue::Boolean,
            required: false,
        },
        FormField {
            key: "count",
            value: FormValue::Integer,
            required: false,
        },
        FormField {
            key: "files",
            value: FormValue::Any,
            required: true,
        },
    ];

    fn codes(payload: Value) -> Vec<(String, String)> {
        let payload: Map<String, Value> = serde_json::from_value(payload).expect("an object");
        form_errors(FORM, &payload)
            .into_iter()
            .map(|(field, errors)| (field, errors[0].code.clone()))
            .collect()
    }

    #[test]
    fn forms_refuse_missing_and_mistyped_values() {
        assert!(codes(json!({"usage": "G01", "files": ["a"], "extra": 1})).is_empty());
        assert!(codes(json!({"usage": "G03", "files": "x", "test": null, "count": 3})).is_empty());
        assert_eq!(
            codes(json!({"usage": " ", "files": []})),
            [
                ("files".into(), "required".into()),
                ("usage".into(), "required".into())
            ]
        );
        assert_eq!(
            codes(json!({"usage": "G99", "files": 1, "test": "yes", "count": 1.5})),
            [
                ("count".into(), "invalid".into()),
                ("test".into(), "invalid".into()),
                ("usage".into(), "invalid".into()),
            ]
        );
    }
}
