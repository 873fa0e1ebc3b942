//! Cross-cutting rules: every response carries its request id, every error response is
//! problem+json, including those actix makes itself (404, 405, 413 …), and no query
//! parameter carries a NUL.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{ErrorHandlerResponse, Next};
use actix_web::{error, web, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use tracing_actix_web::RequestId;

use crate::error::{problem_response, AppError, PROBLEM_JSON};
use crate::http::json::NUL_MESSAGE;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Copies the id that `TracingLogger` gave the request (and put on its log lines) onto the
/// response, so a client can quote it in a bug report.
pub async fn request_id_header(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req.extensions().get::<RequestId>().copied();
    let mut res = next.call(req).await?;
    if let Some(value) = id.and_then(|id| HeaderValue::from_str(&id.to_string()).ok()) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(res)
}

/// PostgreSQL refuses NUL in text while SQLite would match on it, so a query parameter
/// (name or decoded value) holding one is refused, naming it, before any route sees it.
pub async fn reject_nul_in_query(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    // The same decoding as `web::Query` (serde_urlencoded): percent-escapes and `+`.
    let offender = url::form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(name, value)| name.contains('\0') || value.contains('\0'))
        .map(|(name, _)| name.replace('\0', "\\u0000"));
    if let Some(name) = offender {
        let response = AppError::validation(name, NUL_MESSAGE).error_response();
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// Rewrites an error response that is not problem+json yet into one.
pub fn problem_fallback<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    // The pages made for people (a tracked link's 404 or 410) stay pages.
    let is_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if is_problem || is_page {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let detail = match (status, res.response().error()) {
        (s, _) if s.is_server_error() => "something went wrong on our side".to_string(),
        (_, Some(e)) => e.to_string(),
        (s, None) => s.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    let kind = match status {
        StatusCode::NOT_FOUND => "not-found",
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload-too-large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        s if s.is_server_error() => "internal",
        _ => "bad-request",
    };
    // actix's own 405 (a `web::resource` asked with another method) says what it allows.
    let allow = res.headers().get(header::ALLOW).cloned();
    let (req, _) = res.into_parts();
    let mut response: HttpResponse<EitherBody<B>> =
        problem_response(status, kind, &detail).map_into_right_body();
    if let Some(allow) = allow {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(
        req, response,
    )))
}

/// Which methods each route pattern answers. actix's `#[get]`/`#[post]` make one resource
/// per method, so a path asked with another method falls through to the default service;
/// there this table tells a 405 (the path exists: `Allow` lists its methods) from a 404.
#[derive(Default)]
pub struct Routes(Vec<(ResourceDef, Method)>);

impl Routes {
    /// Every operation of the OpenAPI document, under `prefix` (its server URL), so the
    /// table is the document: a route it leaves out is one clients cannot know either.
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi, prefix: &str) -> Routes {
        let mut routes = Routes::default();
        let value = serde_json::to_value(&doc.paths).unwrap_or_default();
        for (path, item) in value.as_object().into_iter().flatten() {
            for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
                if let Ok(method) = Method::from_bytes(method.to_ascii_uppercase().as_bytes()) {
                    routes.add(&format!("{prefix}{path}"), method);
                }
            }
        }
        routes
    }

    pub fn add(&mut self, pattern: &str, method: Method) -> &mut Routes {
        self.0.push((ResourceDef::new(pattern), method));
        self
    }

    /// The methods `path` answers, in a stable order; empty when no route has this path.
    pub fn allowed(&self, path: &str) -> Vec<Method> {
        let mut methods: Vec<Method> = self
            .0
            .iter()
            .filter(|(def, _)| def.is_match(path))
            .map(|(_, m)| m.clone())
            .collect();
        methods.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        methods.dedup();
        methods
    }
}

/// No route took the request: 405 with `Allow` when the path exists under other methods,
/// else 404; both problem+json.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    let allowed = req
        .app_data::<web::Data<Routes>>()
        .map(|routes| routes.allowed(req.match_info().as_str()))
        .unwrap_or_default();
    if allowed.is_empty() {
        return AppError::NotFound.error_response();
    }
    let allow = allowed
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let mut res = problem_response(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        &format!(
            "{} is not a method of this resource; it answers {allow}",
            req.method()
        ),
    );
    if let Ok(value) = HeaderValue::from_str(&allow) {
        res.headers_mut().insert(header::ALLOW, value);
    }
    res
}

/// Query-string errors name the parameter when serde says which.
pub fn query_error(err: error::QueryPayloadError, req: &HttpRequest) -> actix_web::Error {
    let message = err.to_string();
    let field = query_field(&message, req.query_string()).unwrap_or_else(|| "query".into());
    AppError::validation(field, message).into()
}

/// The parameter a query error is about: serde names a missing or unknown field, and quotes
/// a bad value (`unknown variant `sent``) without naming its field, so the field is the one
/// parameter holding that value; a query of one parameter can only be about that one.
fn query_field(message: &str, query: &str) -> Option<String> {
    let quoted = message.split('`').nth(1);
    if message.contains("field") {
        return quoted.map(str::to_string);
    }
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    if let Some(value) = quoted {
        let holders: Vec<&String> = pairs
            .iter()
            .filter(|(_, v)| v == value)
            .map(|(k, _)| k)
            .collect();
        if let [only] = holders.as_slice() {
            return Some((*only).clone());
        }
    }
    match pairs.as_slice() {
        [(only, _)] => Some(only.clone()),
        _ => None,
    }
}

/// A path segment of the wrong shape cannot name anything: 404.
pub fn path_error(_: error::PathError, _: &HttpRequest) -> actix_web::Error {
    AppError::NotFound.into()
}
