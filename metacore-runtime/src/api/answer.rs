//! What an operation answers: a success body of a documented type, or an [`ApiError`].
//!
//! [`Answer<T>`] is the response type of every operation. Its OpenAPI description lists the
//! success status of `T` with `T`'s schema and every error status with [`ErrorEnvelope`];
//! request parsing failures (a bad query parameter, a body that is not a JSON object, a
//! non-UUID id) come back through it as 400 envelopes too, so no operation ever answers
//! anything undocumented. Bodies are serialised once, directly from the served cells.

use std::borrow::Cow;
use std::marker::PhantomData;

use poem::http::header::{CACHE_CONTROL, ETAG, VARY};
use poem::http::{HeaderName, HeaderValue, StatusCode};
use poem::{IntoResponse, Request, Response};
use poem_openapi::registry::{
    MetaHeader, MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef, Registry,
};
use poem_openapi::types::Type;
use poem_openapi::ApiResponse;
use serde::Serialize;
use serde_json::Value;

use super::cache;
use super::error::{ApiError, ErrorEnvelope};
use super::schema::Row;

/// A success body: its status and its schema.
pub trait SuccessBody: Type + Serialize {
    /// The status it is sent with.
    const STATUS: u16 = 200;
    /// What the response means, for the spec.
    const DESCRIPTION: &'static str;
    /// Served with an `ETag` and revalidated with `If-None-Match` (304), see
    /// [`Answer::revalidated`].
    const REVALIDATED: bool = false;
    /// Produced by an addon handler (an action or a tool), which can also fail with 501, 502,
    /// 503 and 504.
    const RUNS_HANDLERS: bool = false;
    /// When the operation answers 503 for a reason of its own, the reason (for the spec).
    const UNAVAILABLE: Option<&'static str> = None;
    /// For a 201 body: what a 200 with the same body means (nothing was created), if the
    /// operation can answer so.
    const ALSO_OK: Option<&'static str> = None;
}

/// The statuses of a handler that failed, for operations that run one.
const HANDLER_STATUSES: [(u16, &str); 4] = [
    (
        501,
        "No handler can run: none declared or registered (`handler_missing`), the addon's backend module is not loaded (`handler_missing`), or a kind this server does not run (`handler_unsupported`).",
    ),
    (
        502,
        "The handler failed: a trap, an answer that is not JSON, or a webhook that could not be reached or refused.",
    ),
    (
        503,
        "The sandbox is busy (`sandbox_busy`, with `Retry-After`): nothing ran, retry later.",
    ),
    (504, "The handler ran past its deadline."),
];

/// What an envelope can carry: a documented, serialisable value.
pub trait Payload: Type + Serialize {}

impl<T: Type + Serialize> Payload for T {}

/// The reply of an operation.
pub struct Answer<T> {
    result: Result<Reply, ApiError>,
    body: PhantomData<fn() -> T>,
}

struct Reply {
    status: StatusCode,
    body: Vec<u8>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl<T: SuccessBody> Answer<T> {
    /// Success with `body`.
    pub fn ok(body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => Answer {
                result: Ok(Reply {
                    status: StatusCode::from_u16(T::STATUS).unwrap_or(StatusCode::OK),
                    body: bytes,
                    headers: Vec::new(),
                }),
                body: PhantomData,
            },
            Err(error) => Answer::err(ApiError::internal(error)),
        }
    }
}

impl<T: Payload> Answer<Data<T>> {
    /// `{"success": true, "data": <data>}` from `data` already serialised as a `T`.
    pub fn data_bytes(data: &[u8]) -> Self {
        let mut body = Vec::with_capacity(data.len() + 26);
        body.extend_from_slice(br#"{"success":true,"data":"#);
        body.extend_from_slice(data);
        body.push(b'}');
        Answer {
            result: Ok(Reply {
                status: StatusCode::OK,
                body,
                headers: Vec::new(),
            }),
            body: PhantomData,
        }
    }
}

impl<T> Answer<T> {
    /// A reply of `status` with `body` as it is (a body the operation documents under that
    /// status, such as an import report that is also a failure).
    pub(crate) fn raw(status: StatusCode, body: Vec<u8>) -> Self {
        Answer {
            result: Ok(Reply {
                status,
                body,
                headers: Vec::new(),
            }),
            body: PhantomData,
        }
    }

    /// The error `error`.
    pub fn err(error: ApiError) -> Self {
        Answer {
            result: Err(error),
            body: PhantomData,
        }
    }

    /// Makes a success revalidatable ([`cache`]): a strong `ETag` of the bytes served,
    /// `Cache-Control: private, no-cache` and `Vary: Authorization, Accept-Language`; when
    /// `request`'s `If-None-Match` matches that tag, 304 with no body. Errors are unchanged.
    pub fn revalidated(mut self, request: &Request) -> Self {
        if let Ok(reply) = &mut self.result {
            let tag = cache::entity_tag(&reply.body);
            if cache::none_match_matches(request.headers(), &tag) {
                reply.status = StatusCode::NOT_MODIFIED;
                reply.body.clear();
            }
            if let Ok(tag) = HeaderValue::from_str(&tag) {
                reply.headers.push((ETAG, tag));
            }
        }
        self.header(CACHE_CONTROL, cache::CACHE_CONTROL)
            .header(VARY, cache::VARY)
    }

    /// Adds a response header (ignored on errors).
    pub fn header(mut self, name: HeaderName, value: &str) -> Self {
        if let (Ok(reply), Ok(value)) = (&mut self.result, HeaderValue::from_str(value)) {
            reply.headers.push((name, value));
        }
        self
    }
}

impl<T: SuccessBody> From<Result<T, ApiError>> for Answer<T> {
    fn from(result: Result<T, ApiError>) -> Self {
        match result {
            Ok(body) => Answer::ok(&body),
            Err(error) => Answer::err(error),
        }
    }
}

impl<T: Send> IntoResponse for Answer<T> {
    fn into_response(self) -> Response {
        match self.result {
            Ok(reply) => {
                let mut builder = Response::builder().status(reply.status);
                if reply.status != StatusCode::NOT_MODIFIED {
                    builder = builder.content_type("application/json; charset=utf-8");
                }
                for (name, value) in reply.headers {
                    builder = builder.header(name, value);
                }
                builder.body(reply.body)
            }
            Err(error) => error.into_response(),
        }
    }
}

/// The error statuses every operation documents.
const ERROR_STATUSES: [(u16, &str); 9] = [
    (
        400,
        "Malformed request: bad JSON, parameter, filter, sort or id.",
    ),
    (401, "Missing, invalid or expired token."),
    (
        403,
        "The caller lacks the capability, or the token has no organisation.",
    ),
    (
        404,
        "Unknown model or route, or a row not visible to the caller.",
    ),
    (
        409,
        "A unique value is taken, or the row is still referenced.",
    ),
    (413, "The body is too large."),
    (415, "The uploaded file's type is not accepted."),
    (422, "Field validation failed."),
    (500, "A server fault (never a client mistake)."),
];

/// The error responses every operation documents, each with the [`ErrorEnvelope`] schema.
pub(crate) fn error_responses() -> impl Iterator<Item = MetaResponse> {
    ERROR_STATUSES.iter().map(error_response)
}

/// An error response with the [`ErrorEnvelope`] schema.
fn error_response(&(status, description): &(u16, &'static str)) -> MetaResponse {
    MetaResponse {
        description,
        status: Some(status),
        status_range: None,
        content: vec![MetaMediaType {
            content_type: "application/json; charset=utf-8",
            schema: ErrorEnvelope::schema_ref(),
        }],
        headers: Vec::new(),
    }
}

impl<T: SuccessBody> ApiResponse for Answer<T> {
    const BAD_REQUEST_HANDLER: bool = true;

    fn meta() -> MetaResponses {
        let json = |schema: MetaSchemaRef| {
            vec![MetaMediaType {
                content_type: "application/json; charset=utf-8",
                schema,
            }]
        };
        let mut responses = vec![MetaResponse {
            description: T::DESCRIPTION,
            status: Some(T::STATUS),
            status_range: None,
            content: json(T::schema_ref()),
            headers: if T::REVALIDATED {
                revalidation_headers()
            } else {
                Vec::new()
            },
        }];
        if let Some(description) = T::ALSO_OK.filter(|_| T::STATUS != 200) {
            responses.push(MetaResponse {
                description,
                status: Some(200),
                status_range: None,
                content: json(T::schema_ref()),
                headers: Vec::new(),
            });
        }
        if T::REVALIDATED {
            responses.push(MetaResponse {
                description: "`If-None-Match` matched: the caller's copy is current (no body).",
                status: Some(304),
                status_range: None,
                content: Vec::new(),
                headers: revalidation_headers(),
            });
        }
        responses.extend(error_responses());
        if T::RUNS_HANDLERS {
            responses.extend(HANDLER_STATUSES.iter().map(error_response));
        }
        if let Some(reason) = T::UNAVAILABLE {
            responses.push(error_response(&(503, reason)));
        }
        MetaResponses { responses }
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
        ErrorEnvelope::register(registry);
    }

    fn from_parse_request_error(error: poem::Error) -> Self {
        Answer::err(super::request::parse_error(&error))
    }
}

/// The headers of a revalidated document, for the spec.
fn revalidation_headers() -> Vec<MetaHeader> {
    [
        (
            "ETag",
            "Strong entity tag of the bytes served to this caller.",
        ),
        ("Cache-Control", "`private, no-cache`."),
        ("Vary", "`Authorization, Accept-Language`."),
    ]
    .into_iter()
    .map(|(name, description)| MetaHeader {
        name: name.to_string(),
        description: Some(description.to_string()),
        required: true,
        deprecated: false,
        schema: shape::string(),
    })
    .collect()
}

/// Implements poem-openapi's [`Type`] for a body documented by a named, registered schema:
/// `name` is the schema's name, `register` puts its schema (and what it refers to) into the
/// registry. Everything else of [`Type`] is the same for every such body.
macro_rules! named_schema_type {
    (impl[$($generics:tt)*] $ty:ty, name: $name:expr, register: |$registry:ident| $register:block) => {
        impl<$($generics)*> poem_openapi::types::Type for $ty {
            const IS_REQUIRED: bool = true;
            type RawValueType = Self;
            type RawElementValueType = Self;

            fn name() -> std::borrow::Cow<'static, str> {
                $name
            }

            fn schema_ref() -> poem_openapi::registry::MetaSchemaRef {
                poem_openapi::registry::MetaSchemaRef::Reference(
                    <Self as poem_openapi::types::Type>::name().into_owned(),
                )
            }

            fn register($registry: &mut poem_openapi::registry::Registry) $register

            fn as_raw_value(&self) -> Option<&Self> {
                Some(self)
            }

            fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self> + 'a> {
                Box::new(std::iter::once(self))
            }
        }
    };
}
pub(crate) use named_schema_type;

/// Declares a success envelope type with a fixed schema name pattern.
macro_rules! envelope {
    ($(#[$doc:meta])* $ty:ident<$p:ident: $bound:path>($body:ty), $suffix:literal, $status:literal, $description:literal, |$reg:ident| $schema:expr) => {
        $(#[$doc])*
        pub struct $ty<$p>(pub EnvelopeBody<$body>);

        named_schema_type!(
            impl[$p: $bound] $ty<$p>,
            name: Cow::Owned(format!("{}{}", <$p as Type>::name(), $suffix)),
            register: |registry| {
                <$p as Type>::register(registry);
                registry.create_schema::<Self, _>(Self::name().into_owned(), |$reg| $schema);
            }
        );

        impl<$p: $bound> Serialize for $ty<$p> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.0.serialize(serializer)
            }
        }

        impl<$p: $bound> SuccessBody for $ty<$p> {
            const STATUS: u16 = $status;
            const DESCRIPTION: &'static str = $description;
        }
    };
}

/// The `{success, data, meta?}` members of an envelope.
#[derive(Serialize)]
pub struct EnvelopeBody<T> {
    success: bool,
    data: T,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<Value>,
}

impl<T> EnvelopeBody<T> {
    /// `{"success": true, "data": data}`.
    pub fn new(data: T) -> Self {
        EnvelopeBody {
            success: true,
            data,
            meta: None,
        }
    }

    /// With `meta`.
    pub fn with_meta(mut self, meta: Value) -> Self {
        self.meta = Some(meta);
        self
    }
}

fn envelope_schema(data: MetaSchemaRef, meta: Option<MetaSchemaRef>) -> MetaSchema {
    let mut properties = vec![("success", shape::boolean()), ("data", data)];
    let mut required = vec!["success", "data"];
    if let Some(meta) = meta {
        properties.push(("meta", meta));
        required.push("meta");
    }
    MetaSchema {
        properties,
        required,
        ..MetaSchema::new("object")
    }
}

fn page_meta_schema() -> MetaSchemaRef {
    let keys = [
        "total",
        "page",
        "current_page",
        "per_page",
        "last_page",
        "from",
        "to",
    ];
    MetaSchemaRef::Inline(Box::new(MetaSchema {
        properties: keys.iter().map(|k| (*k, shape::integer())).collect(),
        required: keys.to_vec(),
        ..MetaSchema::new("object")
    }))
}

envelope!(
    /// `{"success": true, "data": T}` with 200.
    Data<T: Payload>(T), "Envelope", 200, "The record.",
    |_r| envelope_schema(T::schema_ref(), None)
);

envelope!(
    /// `{"success": true, "data": T}` with 201.
    Created<T: Payload>(T), "Created", 201, "The record was created.",
    |_r| envelope_schema(T::schema_ref(), None)
);

envelope!(
    /// `{"success": true, "data": [T], "meta": {total, page, …}}`.
    Page<T: Payload>(Vec<T>), "Page", 200, "One page of records.",
    |_r| envelope_schema(
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            items: Some(Box::new(T::schema_ref())),
            ..MetaSchema::new("array")
        })),
        Some(page_meta_schema()),
    )
);

/// `{"success": true, "data": null}` (a delete).
pub struct Deleted;

named_schema_type!(
    impl[] Deleted,
    name: Cow::Borrowed("DeletedEnvelope"),
    register: |registry| {
        registry.create_schema::<Self, _>(Self::name().into_owned(), |_| {
            let null = MetaSchema {
                nullable: true,
                ..MetaSchema::new("object")
            };
            envelope_schema(MetaSchemaRef::Inline(Box::new(null)), None)
        });
    }
);

impl Serialize for Deleted {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        EnvelopeBody::new(()).serialize(serializer)
    }
}

impl SuccessBody for Deleted {
    const DESCRIPTION: &'static str = "The record was deleted.";
}

/// A free-form JSON document under a documented name (metadata, navigation, manifests): the
/// value is served as it is (the contract fixes its shape; model data never uses this).
pub struct Document<K> {
    value: Value,
    kind: PhantomData<fn() -> K>,
}

impl<K> Document<K> {
    /// The document `value`.
    pub fn new(value: Value) -> Self {
        Document {
            value,
            kind: PhantomData,
        }
    }
}

/// What a [`Document`] is: its schema name, description and JSON type.
pub trait DocumentKind: Send + Sync + 'static {
    /// Schema name.
    const NAME: &'static str;
    /// What it is.
    const DESCRIPTION: &'static str;
    /// `object` (an envelope), `array` (a raw array) or `raw` (the object [`Self::data`]
    /// describes, without an envelope).
    const JSON_TYPE: &'static str = "object";
    /// The success status (200 unless the document is something created, 201).
    const STATUS: u16 = 200;
    /// Served revalidatable ([`Answer::revalidated`]).
    const REVALIDATED: bool = false;
    /// Produced by an addon handler ([`SuccessBody::RUNS_HANDLERS`]).
    const RUNS_HANDLERS: bool = false;
    /// Its own 503 ([`SuccessBody::UNAVAILABLE`]).
    const UNAVAILABLE: Option<&'static str> = None;
    /// A 200 beside its 201 ([`SuccessBody::ALSO_OK`]).
    const ALSO_OK: Option<&'static str> = None;

    /// The schema of the envelope's `data` (an object kind), or of each item (an array kind).
    fn data() -> MetaSchemaRef {
        shape::object(&[])
    }
}

/// Small builders of the schemas [`DocumentKind::data`] declares.
pub mod shape {
    use poem_openapi::registry::{MetaSchema, MetaSchemaRef};

    fn inline(schema: MetaSchema) -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(schema))
    }

    /// Any JSON value.
    pub fn any() -> MetaSchemaRef {
        inline(MetaSchema::ANY)
    }

    /// A string.
    pub fn string() -> MetaSchemaRef {
        inline(MetaSchema::new("string"))
    }

    /// A string of `format`.
    pub fn formatted(format: &'static str) -> MetaSchemaRef {
        inline(MetaSchema::new_with_format("string", format))
    }

    /// An integer.
    pub fn integer() -> MetaSchemaRef {
        inline(MetaSchema::new_with_format("integer", "int64"))
    }

    /// A number.
    pub fn number() -> MetaSchemaRef {
        inline(MetaSchema::new("number"))
    }

    /// A boolean.
    pub fn boolean() -> MetaSchemaRef {
        inline(MetaSchema::new("boolean"))
    }

    /// `schema` or null.
    pub fn nullable(schema: MetaSchemaRef) -> MetaSchemaRef {
        match schema {
            MetaSchemaRef::Inline(schema) => inline(MetaSchema {
                nullable: true,
                ..*schema
            }),
            reference => inline(MetaSchema {
                all_of: vec![reference],
                nullable: true,
                ..MetaSchema::ANY
            }),
        }
    }

    /// An array of `items`.
    pub fn array(items: MetaSchemaRef) -> MetaSchemaRef {
        inline(MetaSchema {
            items: Some(Box::new(items)),
            ..MetaSchema::new("array")
        })
    }

    /// An object with `properties`, all required, and possibly more members.
    pub fn object(properties: &[(&'static str, MetaSchemaRef)]) -> MetaSchemaRef {
        inline(MetaSchema {
            required: properties.iter().map(|(name, _)| *name).collect(),
            properties: properties.to_vec(),
            additional_properties: Some(Box::new(any())),
            ..MetaSchema::new("object")
        })
    }

    /// An object whose members (any names) are all `values`.
    pub fn map(values: MetaSchemaRef) -> MetaSchemaRef {
        inline(MetaSchema {
            additional_properties: Some(Box::new(values)),
            ..MetaSchema::new("object")
        })
    }
}

named_schema_type!(
    impl[K: DocumentKind] Document<K>,
    name: Cow::Borrowed(K::NAME),
    register: |registry| {
        registry.create_schema::<Self, _>(K::NAME.to_string(), |_| {
            if K::JSON_TYPE == "array" {
                return MetaSchema {
                    description: Some(K::DESCRIPTION),
                    items: Some(Box::new(K::data())),
                    ..MetaSchema::new("array")
                };
            }
            if let (true, MetaSchemaRef::Inline(schema)) = (K::JSON_TYPE == "raw", K::data()) {
                return MetaSchema {
                    description: Some(K::DESCRIPTION),
                    ..*schema
                };
            }
            // `{success, data, …}`: `message` and `meta` where the kind has them.
            MetaSchema {
                description: Some(K::DESCRIPTION),
                additional_properties: Some(Box::new(shape::any())),
                ..envelope_schema(K::data(), None)
            }
        });
    }
);

impl<K> Serialize for Document<K> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<K: DocumentKind> SuccessBody for Document<K> {
    const STATUS: u16 = K::STATUS;
    const DESCRIPTION: &'static str = K::DESCRIPTION;
    const REVALIDATED: bool = K::REVALIDATED;
    const RUNS_HANDLERS: bool = K::RUNS_HANDLERS;
    const UNAVAILABLE: Option<&'static str> = K::UNAVAILABLE;
    const ALSO_OK: Option<&'static str> = K::ALSO_OK;
}

/// Declares a [`DocumentKind`]: `(doc, Type, "SchemaName", "object" | "array", "description"
/// [, data: <schema of data or of each item>])`, prefixed with `revalidated` for a document
/// served with an `ETag`, or `handled` for the answer of an addon handler. Without `data`, it
/// is an object with any members.
macro_rules! document_kind {
    ($(#[$doc:meta])* $name:ident, $schema:literal, $json:literal, $description:literal $(, data: $data:expr)?) => {
        document_kind!(@kind false, false, $(#[$doc])* $name, $schema, $json, $description $(, $data)?);
    };
    ($(#[$doc:meta])* revalidated $name:ident, $schema:literal, $json:literal, $description:literal $(, data: $data:expr)?) => {
        document_kind!(@kind true, false, $(#[$doc])* $name, $schema, $json, $description $(, $data)?);
    };
    ($(#[$doc:meta])* handled $name:ident, $schema:literal, $json:literal, $description:literal $(, data: $data:expr)?) => {
        document_kind!(@kind false, true, $(#[$doc])* $name, $schema, $json, $description $(, $data)?);
    };
    (@kind $revalidated:literal, $handlers:literal, $(#[$doc:meta])* $name:ident, $schema:literal, $json:literal, $description:literal $(, $data:expr)?) => {
        $(#[$doc])*
        pub struct $name;

        impl $crate::api::answer::DocumentKind for $name {
            const NAME: &'static str = $schema;
            const DESCRIPTION: &'static str = $description;
            const JSON_TYPE: &'static str = $json;
            const REVALIDATED: bool = $revalidated;
            const RUNS_HANDLERS: bool = $handlers;
            $(
                fn data() -> poem_openapi::registry::MetaSchemaRef {
                    // Some shapes are built by a function of the caller's module alone.
                    #[allow(unused_imports)]
                    use $crate::api::answer::shape::*;
                    $data
                }
            )?
        }
    };
}
pub(crate) use document_kind;

/// The reply of a list of `M`.
pub type ListAnswer<M> = Answer<Page<Row<M>>>;
/// The reply of a get or update of `M`.
pub type RowAnswer<M> = Answer<Data<Row<M>>>;
/// The reply of a create of `M`.
pub type CreatedAnswer<M> = Answer<Created<Row<M>>>;
/// The reply of a delete.
pub type DeletedAnswer = Answer<Deleted>;
