//! Files in and out of a model (`http-api.md` §5.5, §5.6): export of the caller's filtered,
//! sorted rows as CSV, JSON or XLSX, the import template, and import (validate, then create)
//! from CSV, JSON or XLSX uploads.
//!
//! * [`mod@export`] — `GET /api/data/{model}/export` and `/export/template`;
//! * [`mod@import`] — `POST /api/data/{model}/import/validate` and `/import`;
//! * [`mod@xlsx`] — the XLSX writer and reader both use.
//!
//! Both read the model's import spec (`TableMetadata.import`, §6.5) and the same list
//! filters, search and sort as the list route. This module holds what they share: the file
//! response ([`FileAnswer`]), the upload extractor ([`ImportBody`]) and the import spec.

pub mod export;
pub mod import;
pub mod xlsx;

use poem::http::{header, StatusCode};
use poem::web::Multipart;
use poem::{Body, FromRequest, IntoResponse, Request, RequestBody, Response};
use poem_openapi::registry::{
    MetaMediaType, MetaRequest, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef, Registry,
};
use poem_openapi::{ApiExtractor, ApiExtractorType, ApiResponse, ExtractParamOptions};

use super::answer::{error_responses, shape};
use super::error::{ApiError, ErrorEnvelope};
use super::schema::table_metadata;
use crate::registry::ModelDescriptor;

pub use export::{export, template, ExportParams};
pub use import::{import, validate, ImportAnswer, ValidateAnswer};

/// The most bytes an upload may have (§5.6: 413 beyond).
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// A file download, or the error envelope.
pub struct FileAnswer(Result<File, ApiError>);

/// A file to send.
pub struct File {
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The name `Content-Disposition` suggests.
    pub filename: String,
    /// The bytes, possibly streamed.
    pub body: Body,
}

impl From<Result<File, ApiError>> for FileAnswer {
    fn from(result: Result<File, ApiError>) -> Self {
        FileAnswer(result)
    }
}

impl IntoResponse for FileAnswer {
    fn into_response(self) -> Response {
        match self.0 {
            Ok(file) => Response::builder()
                .status(StatusCode::OK)
                .content_type(file.content_type)
                .header(
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", file.filename),
                )
                .header(header::CACHE_CONTROL, "private, no-store")
                .body(file.body),
            Err(error) => error.into_response(),
        }
    }
}

impl ApiResponse for FileAnswer {
    const BAD_REQUEST_HANDLER: bool = true;

    fn meta() -> MetaResponses {
        let rows = MetaSchema {
            description: Some("The rows, restricted to the chosen columns (`format=json`)."),
            items: Some(Box::new(MetaSchemaRef::Inline(Box::new(MetaSchema::new(
                "object",
            ))))),
            ..MetaSchema::new("array")
        };
        let mut responses = vec![MetaResponse {
            description: "The file, as an attachment.",
            status: Some(200),
            status_range: None,
            content: vec![
                MetaMediaType {
                    content_type: CSV,
                    schema: shape::string(),
                },
                MetaMediaType {
                    content_type: JSON_EXPORT,
                    schema: MetaSchemaRef::Inline(Box::new(rows)),
                },
                MetaMediaType {
                    content_type: xlsx::XLSX,
                    schema: shape::formatted("binary"),
                },
            ],
            headers: Vec::new(),
        }];
        responses.extend(error_responses());
        MetaResponses { responses }
    }

    fn register(registry: &mut Registry) {
        <ErrorEnvelope as poem_openapi::types::Type>::register(registry);
    }

    fn from_parse_request_error(error: poem::Error) -> Self {
        FileAnswer(Err(super::request::parse_error(&error)))
    }
}

/// `text/csv; charset=utf-8`.
pub const CSV: &str = "text/csv; charset=utf-8";
/// The `Content-Type` of a JSON export: JSON by its `+json` suffix (RFC 6839), but not
/// `application/json`, which the React runtime's export dialog reads as a status reply
/// (`{async, job_id}` or `{success: false, message}`) instead of a file to save: with it, the
/// dialog shows "Error al exportar" and the rows are never saved. A deliberate departure from
/// `http-api.md` §5.5.
pub const JSON_EXPORT: &str = "application/vnd.metacore.export+json";

/// The format of an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180 CSV with a header record.
    Csv,
    /// A JSON array of objects, or `{"data": [...]}`.
    Json,
    /// An XLSX workbook: its first worksheet, the first row with a value as the header.
    Xlsx,
}

/// An uploaded file: its format and bytes.
#[derive(Debug)]
pub struct Upload {
    /// How to read it.
    pub format: Format,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The body of an import: `multipart/form-data` with a `file` part (`.csv`, `.json` or
/// `.xlsx` by name; a part without an extension by its first bytes), or a raw `text/csv`,
/// `application/json` or XLSX body. A body that is none of these is kept as its error (415
/// `unsupported_file`, 400 when unreadable) for the operation to answer in its envelope.
pub struct ImportBody(pub Result<Upload, ApiError>);

impl<'a> ApiExtractor<'a> for ImportBody {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::RequestObject];
    type ParamType = ();
    type ParamRawType = ();

    fn request_meta() -> Option<MetaRequest> {
        let multipart = MetaSchema {
            properties: vec![("file", shape::formatted("binary"))],
            required: vec!["file"],
            ..MetaSchema::new("object")
        };
        Some(MetaRequest {
            // Raw `text/csv` and XLSX bodies are accepted too but not declared: any bytes are a
            // CSV text and a workbook is only "binary", so a schema could not say anything a
            // client could get wrong, and generators such as openapi-python-client refuse a
            // binary body of a vendor type (the multipart `file` carries XLSX for them).
            description: Some(
                "The rows: a `.csv`, `.json` or `.xlsx` file in the multipart part `file`, a \
                 JSON body (an array of objects, or `{\"data\": [...]}`), an XLSX body, or a \
                 raw `text/csv` body.",
            ),
            content: vec![
                MetaMediaType {
                    content_type: "multipart/form-data",
                    schema: MetaSchemaRef::Inline(Box::new(multipart)),
                },
                MetaMediaType {
                    content_type: "application/json",
                    schema: MetaSchemaRef::Inline(Box::new(MetaSchema {
                        items: Some(Box::new(MetaSchemaRef::Inline(Box::new(MetaSchema::new(
                            "object",
                        ))))),
                        ..MetaSchema::new("array")
                    })),
                },
            ],
            required: true,
        })
    }

    async fn from_request(
        request: &'a Request,
        body: &mut RequestBody,
        _options: ExtractParamOptions<()>,
    ) -> poem::Result<Self> {
        Ok(ImportBody(read_upload(request, body).await))
    }
}

fn unsupported(what: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_file",
        format!("{what}: send a .csv, .json or .xlsx file (multipart part `file`), or a text/csv, application/json or XLSX body"),
    )
}

/// 422 `invalid_file`: an upload that cannot be read as what it claims to be.
fn refused(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_file", message)
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "the file is larger than 20 MiB",
    )
}

async fn read_upload(request: &Request, body: &mut RequestBody) -> Result<Upload, ApiError> {
    let content_type = request.content_type().unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let format = match essence.as_str() {
        "multipart/form-data" => return read_multipart(request, body).await,
        "text/csv" => Format::Csv,
        "application/json" => Format::Json,
        xlsx::XLSX => Format::Xlsx,
        "" => return Err(unsupported("no Content-Type")),
        other => return Err(unsupported(&format!("Content-Type {other}"))),
    };
    let bytes = body
        .take()
        .map_err(|_| ApiError::bad_request("invalid_param", "the body could not be read"))?
        .into_bytes_limit(MAX_UPLOAD_BYTES)
        .await
        .map_err(|_| too_large())?;
    Ok(Upload {
        format,
        bytes: bytes.to_vec(),
    })
}

/// 400 `invalid_param` for a multipart body that cannot be read.
fn unreadable(error: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request("invalid_param", format!("bad multipart body: {error}"))
}

async fn read_multipart(request: &Request, body: &mut RequestBody) -> Result<Upload, ApiError> {
    let mut parts = <Multipart as FromRequest>::from_request(request, body)
        .await
        .map_err(unreadable)?;
    while let Some(field) = parts.next_field().await.map_err(unreadable)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("").to_ascii_lowercase();
        let extension = std::path::Path::new(&name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_string);
        let format = match extension.as_deref() {
            Some("csv") => Some(Format::Csv),
            Some("json") => Some(Format::Json),
            Some("xlsx") => Some(Format::Xlsx),
            // A part without a file name or extension is read by its first byte.
            None => None,
            Some(_) => return Err(unsupported(&format!("file `{name}`"))),
        };
        let mut bytes = Vec::new();
        let mut reader = field.into_async_read();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            use tokio::io::AsyncReadExt;
            let n = reader.read(&mut chunk).await.map_err(unreadable)?;
            if n == 0 {
                break;
            }
            if bytes.len() + n > MAX_UPLOAD_BYTES {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk[..n]);
        }
        let format = format.unwrap_or_else(|| sniffed(&bytes));
        return Ok(Upload { format, bytes });
    }
    Err(ApiError::bad_request(
        "invalid_param",
        "the multipart body has no `file` part",
    ))
}

/// XLSX when the bytes open a ZIP archive, JSON when the first non-blank byte opens an array
/// or object, else CSV.
fn sniffed(bytes: &[u8]) -> Format {
    if bytes.starts_with(b"PK\x03\x04") {
        return Format::Xlsx;
    }
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[' | b'{') => Format::Json,
        _ => Format::Csv,
    }
}

/// One column of a model's import spec (§6.5).
#[derive(Debug, Clone)]
pub struct SpecColumn {
    /// The column name.
    pub key: String,
    /// The header the template writes.
    pub header: String,
    /// Other headers that name it.
    pub aliases: Vec<String>,
}

impl SpecColumn {
    /// True when `header` names this column (trimmed, case-insensitive).
    fn named(&self, header: &str) -> bool {
        let header = header.trim();
        std::iter::once(&self.key)
            .chain(std::iter::once(&self.header))
            .chain(&self.aliases)
            .any(|name| name.trim().eq_ignore_ascii_case(header))
    }
}

/// The import spec of `model` (`TableMetadata.import.columns`); without one, its writable
/// columns by name.
pub fn import_spec(model: &ModelDescriptor) -> Vec<SpecColumn> {
    let declared: Vec<SpecColumn> = table_metadata(model)["import"]["columns"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let key = c["key"].as_str()?.to_string();
            model.column(&key)?;
            Some(SpecColumn {
                header: c["header"].as_str().unwrap_or(&key).to_string(),
                aliases: c["aliases"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a.as_str().map(str::to_string))
                    .collect(),
                key,
            })
        })
        .collect();
    if !declared.is_empty() {
        return declared;
    }
    model
        .columns
        .iter()
        .filter(|c| super::schema::writable(c) && c.role == crate::registry::ColumnRole::Data)
        .map(|c| SpecColumn {
            key: c.name.to_string(),
            header: c.name.to_string(),
            aliases: Vec::new(),
        })
        .collect()
}
