//! Cross-cutting rules: every response carries its request id, every error response is
//! problem+json, including those actix makes itself (404, 405, 413 …), and no query
//! parameter carries a NUL.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::{ErrorHandlerResponse, Next};
use actix_web::{error, HttpMessage, HttpRequest, HttpResponse, ResponseError};
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
    if is_problem {
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
    let (req, _) = res.into_parts();
    let response: HttpResponse<EitherBody<B>> =
        problem_response(status, kind, &detail).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(
        req, response,
    )))
}

/// Unknown routes: a problem, not actix's empty 404.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// Query-string errors name the parameter when serde says which.
pub fn query_error(err: error::QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    let message = err.to_string();
    let field = message
        .split('`')
        .nth(1)
        .filter(|_| message.contains("field"))
        .unwrap_or("query")
        .to_string();
    AppError::validation(field, message).into()
}

/// A path segment of the wrong shape cannot name anything: 404.
pub fn path_error(_: error::PathError, _: &HttpRequest) -> actix_web::Error {
    AppError::NotFound.into()
}
