//! The body of an install or upgrade (`http-api.md` §9.3): a JSON object `{"settings"?: {…}}`
//! for an addon compiled into the build, or `multipart/form-data` with the parts `bundle`
//! (the `.tar.gz`), `signature` (the detached signature, `runtime.md` §10.3) and optionally
//! `settings` (JSON text).
//!
//! The bundle part is read with the compressed cap of §10.2 applied while streaming: the
//! request is refused (413 `payload_too_large`) as soon as it passes, before the rest is read.

use poem::web::Multipart;
use poem::{FromRequest, Request, RequestBody};
use poem_openapi::registry::{MetaMediaType, MetaRequest, MetaSchema, MetaSchemaRef};
use poem_openapi::{ApiExtractor, ApiExtractorType, ExtractParamOptions};
use serde_json::{Map, Value};
use tokio::io::AsyncReadExt;

use crate::api::answer::shape;
use crate::api::error::ApiError;
use poem::http::StatusCode;

/// The largest signature or settings part, in bytes.
const MAX_TEXT_PART: usize = 64 * 1024;

/// The largest JSON body, in bytes.
const MAX_JSON_BODY: usize = 1024 * 1024;

/// An uploaded bundle with its detached signature.
#[derive(Debug)]
pub struct BundleUpload {
    /// The exact bytes of the `.tar.gz`.
    pub bundle: Vec<u8>,
    /// The detached signature text, when sent.
    pub signature: Option<String>,
}

/// What an install or upgrade asks for.
#[derive(Debug)]
pub struct InstallRequest {
    /// Supplied settings.
    pub settings: Map<String, Value>,
    /// The bundle, for a multipart body.
    pub bundle: Option<BundleUpload>,
}

/// The body of an install or upgrade; a body that cannot be read is kept as its error for
/// the operation to answer in its envelope.
pub struct InstallBody(pub Result<InstallRequest, ApiError>);

fn unreadable(error: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request("invalid_param", format!("bad multipart body: {error}"))
}

fn too_large(what: &str, limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("{what} is larger than {limit} bytes"),
    )
}

fn settings_of(value: Value) -> Result<Map<String, Value>, ApiError> {
    match value {
        Value::Object(mut body) => match body.remove("settings") {
            None | Some(Value::Null) => Ok(Map::new()),
            Some(Value::Object(settings)) => Ok(settings),
            Some(_) => Err(ApiError::bad_request(
                "invalid_json",
                "`settings` must be a JSON object",
            )),
        },
        _ => Err(ApiError::bad_request(
            "invalid_json",
            "the body must be a JSON object",
        )),
    }
}

/// Reads a part whole, refusing it past `limit` bytes while streaming.
async fn read_part(field: poem::web::Field, what: &str, limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut reader = field.into_async_read();
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut chunk).await.map_err(unreadable)?;
        if n == 0 {
            return Ok(bytes);
        }
        if bytes.len() + n > limit {
            return Err(too_large(what, limit));
        }
        bytes.extend_from_slice(&chunk[..n]);
    }
}

async fn read_multipart(
    request: &Request,
    body: &mut RequestBody,
) -> Result<InstallRequest, ApiError> {
    let mut parts = <Multipart as FromRequest>::from_request(request, body)
        .await
        .map_err(unreadable)?;
    let (mut bundle, mut signature, mut settings) = (None, None, Map::new());
    while let Some(field) = parts.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("bundle") => {
                let limit =
                    usize::try_from(metacore_bundle::MAX_COMPRESSED_BYTES).unwrap_or(usize::MAX);
                bundle = Some(read_part(field, "the bundle", limit).await?);
            }
            Some("signature") => {
                let bytes = read_part(field, "the signature", MAX_TEXT_PART).await?;
                let text = String::from_utf8(bytes).map_err(|_| {
                    ApiError::bad_request("invalid_param", "the signature is not UTF-8 text")
                })?;
                signature = Some(text);
            }
            Some("settings") => {
                let bytes = read_part(field, "the settings", MAX_TEXT_PART).await?;
                let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
                    ApiError::bad_request("invalid_json", format!("`settings` is not JSON: {e}"))
                })?;
                settings = settings_of(serde_json::json!({ "settings": value }))?;
            }
            _ => {}
        }
    }
    let bundle = bundle.ok_or_else(|| {
        ApiError::bad_request("invalid_param", "the multipart body has no `bundle` part")
    })?;
    Ok(InstallRequest {
        settings,
        bundle: Some(BundleUpload { bundle, signature }),
    })
}

async fn read(request: &Request, body: &mut RequestBody) -> Result<InstallRequest, ApiError> {
    let content_type = request
        .headers()
        .get(poem::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if content_type == "multipart/form-data" {
        return read_multipart(request, body).await;
    }
    let bytes = body
        .take()
        .map_err(|_| ApiError::bad_request("invalid_param", "the body could not be read"))?
        .into_bytes_limit(MAX_JSON_BODY)
        .await
        .map_err(|_| too_large("the body", MAX_JSON_BODY))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(InstallRequest {
            settings: Map::new(),
            bundle: None,
        });
    }
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request("invalid_json", format!("the body is not JSON: {e}")))?;
    Ok(InstallRequest {
        settings: settings_of(value)?,
        bundle: None,
    })
}

impl<'a> ApiExtractor<'a> for InstallBody {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::RequestObject];
    type ParamType = ();
    type ParamRawType = ();

    fn request_meta() -> Option<MetaRequest> {
        let multipart = MetaSchema {
            properties: vec![
                ("bundle", shape::formatted("binary")),
                ("signature", shape::string()),
                ("settings", shape::string()),
            ],
            required: vec!["bundle"],
            ..MetaSchema::new("object")
        };
        let json = MetaSchema {
            properties: vec![("settings", shape::map(shape::any()))],
            ..MetaSchema::new("object")
        };
        Some(MetaRequest {
            description: Some(
                "For an addon compiled into this build: a JSON object `{\"settings\"?: {…}}` \
                 (may be empty). For a bundle: `multipart/form-data` with `bundle` (the \
                 `.tar.gz`), `signature` (its detached signature) and optionally `settings` \
                 (JSON text).",
            ),
            content: vec![
                MetaMediaType {
                    content_type: "application/json",
                    schema: MetaSchemaRef::Inline(Box::new(json)),
                },
                MetaMediaType {
                    content_type: "multipart/form-data",
                    schema: MetaSchemaRef::Inline(Box::new(multipart)),
                },
            ],
            required: false,
        })
    }

    async fn from_request(
        request: &'a Request,
        body: &mut RequestBody,
        _options: ExtractParamOptions<()>,
    ) -> poem::Result<Self> {
        Ok(InstallBody(read(request, body).await))
    }
}
