//! Assembling the served application: the generated operations plus [`CommonApi`] as one
//! OpenAPI service, Swagger UI at `/docs`, the spec at `/api/openapi.json` (completed with
//! the create → item [`links`], the list [`filter_params`] and the [`path_enums`]), the alias rewriting of `http-api.md` §2, a 10 MiB body
//! limit on every protocol, and JSON envelopes for every error poem itself produces (unknown
//! route, wrong method). Every request gets a request id, a tracing span, a log line and the
//! HTTP metrics ([`observe`]); `GET /metrics` is served only with [`Options::metrics_token`]
//! (it is not part of the OpenAPI document).

use std::time::Instant;

use poem::error::ReadBodyError;
use poem::http::StatusCode;
use poem::{Endpoint, EndpointExt, IntoResponse, Request, Response, Route};
use poem_openapi::{OpenApi, OpenApiService};
use tracing::Instrument;

use super::common::CommonApi;
use super::error::ApiError;
use super::events::EventsApi;
use super::installations::InstallationsApi;
use super::notifications::NotificationsApi;
use super::observe::{self, MetricsToken, RequestId};
use super::request::RawBody;
use super::roles::RolesApi;
use super::state::ApiState;
use super::webhooks::WebhooksApi;
use super::ws::{self, AllowedOrigins, Keepalive};
use super::{filter_params, idempotency, key_operations, links, path_enums, references};
use crate::registry::Registry;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// What the OpenAPI document's `info` says about the application.
#[derive(Debug, Clone, Copy)]
pub struct Info<'a> {
    /// `info.title`.
    pub title: &'a str,
    /// `info.version`.
    pub version: &'a str,
    /// `info.description` (Markdown).
    pub description: &'a str,
}

/// What the application serves beside the API, as the operator configured it.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The bearer token of `GET /metrics` (`METACORE_METRICS_TOKEN`); `None` leaves the
    /// route unserved (404, like any unknown path).
    pub metrics_token: Option<MetricsToken>,
    /// The origins browsers may open `GET /api/ws` from (`METACORE_ALLOWED_ORIGINS`; empty:
    /// the server's own).
    pub allowed_origins: AllowedOrigins,
    /// The WebSocket keepalive timings (the defaults everywhere but in tests).
    pub keepalive: Keepalive,
}

/// The generated operations `A` and every operation the runtime serves itself.
pub type Operations<A> = (
    A,
    CommonApi,
    RolesApi,
    EventsApi,
    NotificationsApi,
    WebhooksApi,
    InstallationsApi,
);

/// The OpenAPI service of `api` plus the common, role administration, event log,
/// notification and webhook operations.
pub fn service<A: OpenApi>(api: A, info: Info<'_>) -> OpenApiService<Operations<A>, ()> {
    OpenApiService::new(
        (
            api,
            CommonApi,
            RolesApi,
            EventsApi,
            NotificationsApi,
            WebhooksApi,
            InstallationsApi,
        ),
        info.title,
        info.version,
    )
    .description(info.description)
}

/// The OpenAPI document of `api` (serving the models of `registry`) as JSON text.
pub fn spec_json<A: OpenApi>(api: A, info: Info<'_>, registry: &Registry) -> String {
    completed(&service(api, info).spec(), registry)
}

/// The document poem-openapi made (`spec`), completed with what it cannot declare: one
/// operation per action and tool ([`key_operations`]), the create → item [`links`], the list
/// filters ([`filter_params`]), the known values of path parameters ([`path_enums`]) and the
/// models reference properties point at ([`references`]). Re-serialised from a
/// `serde_json::Value`, whose objects keep their keys sorted: the same document, in a stable
/// order. The text unchanged when it cannot be read.
fn completed(spec: &str, registry: &Registry) -> String {
    let Ok(mut document) = serde_json::from_str::<serde_json::Value>(spec) else {
        return spec.to_string();
    };
    key_operations::split_by_key(&mut document, registry);
    links::add_create_links(&mut document);
    filter_params::add_filter_parameters(&mut document, registry);
    path_enums::add_path_enums(&mut document, registry);
    references::add_references(&mut document, registry);
    serde_json::to_string_pretty(&document).unwrap_or_else(|_| spec.to_string())
}

/// The whole application over `state`, with the default [`Options`] (no `/metrics`).
pub fn application<A: OpenApi + 'static>(
    api: A,
    info: Info<'_>,
    state: ApiState,
) -> impl Endpoint<Output = Response> {
    application_with(api, info, state, Options::default())
}

/// The whole application over `state`, serving what `options` enable.
pub fn application_with<A: OpenApi + 'static>(
    api: A,
    info: Info<'_>,
    state: ApiState,
    options: Options,
) -> impl Endpoint<Output = Response> {
    let service = service(api, info);
    // Swagger UI embeds the document as poem-openapi made it (without the completions).
    let docs = service.swagger_ui();
    let document = completed(&service.spec(), state.registry());
    let allow = std::sync::Arc::new(AllowedMethods::of_document(&document));
    let spec = poem::endpoint::make_sync(move |_| {
        Response::builder()
            .content_type("application/json")
            .body(document.clone())
    });
    let registry = *state.registry();
    let metrics = state.metrics().clone();
    let keyed = state.clone();
    let mut routes = Route::new()
        .nest("/docs", docs)
        .at("/api/openapi.json", spec)
        .at(
            "/api/ws",
            ws::ws.data(options.allowed_origins).data(options.keepalive),
        );
    if let Some(token) = options.metrics_token {
        routes = routes.at("/metrics", poem::get(observe::metrics_endpoint(token)));
    }
    routes
        .nest("/", service)
        .data(state)
        .around(move |endpoint, mut request| {
            let metrics = metrics.clone();
            let state = keyed.clone();
            let allow = allow.clone();
            async move {
                let started = Instant::now();
                let method = request.method().as_str().to_string();
                let request_id = RequestId::of(&request);
                request.set_data(request_id.clone());
                let span = tracing::info_span!("request", request_id = %request_id.as_str());
                async move {
                    let (route, response) =
                        served(&registry, &state, &allow, endpoint, request).await;
                    Ok(observe::finish(
                        &metrics,
                        &method,
                        route,
                        &request_id,
                        started.elapsed(),
                        response,
                    ))
                }
                .instrument(span)
                .await
            }
        })
        .map_to_response()
}

/// `request` answered by `endpoint` after the checks every request passes (body limit, no
/// NUL in the query, alias paths rewritten), with poem's own errors enveloped; and the route
/// template that served it (`unmatched` when none did, or when the checks refused it).
async fn served<E: Endpoint<Output = Response> + 'static>(
    registry: &crate::registry::Registry,
    state: &ApiState,
    allow: &AllowedMethods,
    endpoint: std::sync::Arc<E>,
    request: Request,
) -> (std::sync::Arc<str>, Response) {
    let request = match limited(request)
        .await
        .and_then(no_nul_in_query)
        .and_then(|r| canonical(registry, r))
    {
        Ok(request) => request,
        Err(error) => {
            return (
                crate::metrics::UNMATCHED_ROUTE.into(),
                error.into_response(),
            )
        }
    };
    let path = request.uri().path().to_string();
    let response = match idempotency::serve(endpoint, state, request).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    };
    // Read before `enveloped`, which may replace the response (and its data).
    let route = observe::route_of(&response);
    (route, enveloped(&path, allow, response))
}

/// Refuses bodies above [`MAX_BODY_BYTES`] (imports: [`super::transfer::MAX_UPLOAD_BYTES`])
/// with 413 — by `Content-Length` at once, else
/// while reading — before anything else looks at the request (authentication included).
///
/// The body is read here, at most [`MAX_BODY_BYTES`] + one chunk of it, on every protocol
/// and framing: HTTP/1.1 chunked, HTTP/1.0 until close, and HTTP/2 `DATA` frames (HTTP/2 has
/// no `Transfer-Encoding` and may omit `Content-Length`). The bytes are handed on as the body
/// and kept as [`RawBody`] (handlers re-read decimals from it exactly).
async fn limited(mut request: Request) -> Result<Request, ApiError> {
    // Imports take files (`http-api.md` §5.6: up to 20 MiB); everything else JSON bodies.
    let limit = if request.uri().path().contains("/import") {
        super::transfer::MAX_UPLOAD_BYTES
    } else {
        MAX_BODY_BYTES
    };
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the body is larger than {} MiB", limit / (1024 * 1024)),
        )
    };
    let declared = request
        .headers()
        .get(poem::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let bytes = request
        .take_body()
        .into_bytes_limit(limit)
        .await
        .map_err(|error| match error {
            ReadBodyError::PayloadTooLarge => too_large(),
            _ => ApiError::bad_request("invalid_param", "the body could not be read"),
        })?;
    if !bytes.is_empty() {
        request.extensions_mut().insert(RawBody(bytes.clone()));
    }
    request.set_body(bytes);
    Ok(request)
}

/// A query string with U+0000 in a parameter name or value is 400 `invalid_param`: no
/// parameter (`search`, `q`, `f_<col>`, …) may carry it to the database (PostgreSQL text
/// cannot hold it).
fn no_nul_in_query(request: Request) -> Result<Request, ApiError> {
    let nul = request.uri().query().is_some_and(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .any(|(name, value)| name.contains('\0') || value.contains('\0'))
    });
    if nul {
        return Err(ApiError::bad_request(
            "invalid_param",
            "query parameters cannot contain NUL characters",
        ));
    }
    Ok(request)
}

/// Gives poem's own plain-text errors (404 route, 405 method, 413) the JSON envelope.
fn enveloped(path: &str, allow: &AllowedMethods, response: Response) -> Response {
    let plain = response
        .content_type()
        .is_none_or(|t| !t.starts_with("application/json"));
    if !plain || response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        return response;
    }
    let status = response.status();
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::BAD_REQUEST => "invalid_param",
        s if s.is_server_error() => "internal",
        _ => return response,
    };
    if response
        .content_type()
        .is_some_and(|t| t.starts_with("text/html"))
    {
        return response;
    }
    let message = status.canonical_reason().unwrap_or("error").to_lowercase();
    let mut enveloped = ApiError::new(status, code, message).into_response();
    if status == StatusCode::METHOD_NOT_ALLOWED {
        if let Ok(allow) = poem::http::HeaderValue::from_str(&allow.at(path)) {
            enveloped
                .headers_mut()
                .insert(poem::http::header::ALLOW, allow);
        }
    }
    enveloped
}

/// The methods the served document declares per path template, for the `Allow` header of a
/// 405: read from the document itself, so a new operation can never be left out.
struct AllowedMethods(Vec<(Vec<String>, Vec<&'static str>)>);

impl AllowedMethods {
    /// The methods of every path of the OpenAPI `document` (JSON text).
    fn of_document(document: &str) -> AllowedMethods {
        const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
        let parsed: serde_json::Value = serde_json::from_str(document).unwrap_or_default();
        let paths = parsed["paths"].as_object().cloned().unwrap_or_default();
        AllowedMethods(
            paths
                .into_iter()
                .map(|(template, operations)| {
                    let segments = template.split('/').map(str::to_string).collect();
                    let methods = METHODS
                        .into_iter()
                        .filter(|m| operations.get(m.to_lowercase()).is_some())
                        .collect();
                    (segments, methods)
                })
                .collect(),
        )
    }

    /// The methods of the most specific templates `path` matches (`{parameter}` segments
    /// match any segment; a literal segment beats a parameter, as in routing), in the usual
    /// order; `GET` when none does.
    fn at(&self, path: &str) -> String {
        let segments: Vec<&str> = path.split('/').collect();
        let mut best = 0;
        let mut methods: Vec<&str> = Vec::new();
        for (template, served) in &self.0 {
            let matches = template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| {
                    (t.starts_with('{') && t.ends_with('}') && !s.is_empty()) || t == s
                });
            if !matches {
                continue;
            }
            let literal = template.iter().filter(|t| !t.starts_with('{')).count();
            if literal > best {
                best = literal;
                methods.clear();
            }
            if literal == best {
                for method in served {
                    if !methods.contains(method) {
                        methods.push(method);
                    }
                }
            }
        }
        if methods.is_empty() {
            return "GET".into();
        }
        methods.sort_by_key(|m| {
            ["GET", "POST", "PUT", "PATCH", "DELETE"]
                .iter()
                .position(|x| x == m)
        });
        methods.join(", ")
    }
}

/// Rewrites alias paths to the canonical operation (`/api/dynamic/…` → `/api/data/…`, the
/// `/me` segment dropped, a model key or any-case table name → its route name); an unknown
/// model under `/api/data/` is 404 `model_not_found`.
fn canonical(registry: &Registry, mut request: Request) -> Result<Request, ApiError> {
    let path = request.uri().path().to_string();
    let rest = match path
        .strip_prefix("/api/data/")
        .or_else(|| path.strip_prefix("/api/dynamic/"))
    {
        Some(rest) => rest,
        None => return Ok(request),
    };
    let model = rest.split('/').next().unwrap_or_default();
    let (_, descriptor) = registry.model(model).ok_or_else(|| {
        ApiError::not_found("model_not_found", format!("unknown model `{model}`"))
    })?;
    let me_alias = rest[model.len()..].split('/').nth(1) == Some("me");
    if path.starts_with("/api/data/") && model == descriptor.route && !me_alias {
        // Already canonical (the common case): nothing to rewrite.
        return Ok(request);
    }
    let mut segments: Vec<&str> = rest.split('/').collect();
    segments[0] = descriptor.route;
    if segments.get(1) == Some(&"me") {
        segments.remove(1);
    }
    let new_path = format!("/api/data/{}", segments.join("/"));
    if new_path != path {
        let query = request
            .uri()
            .query()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        if let Ok(uri) = format!("{new_path}{query}").parse() {
            *request.uri_mut() = uri;
        }
    }
    Ok(request)
}
