//! CORS for the public API, by hand because the rule is the key's: a browser may read an
//! answer only from an origin the key lists. A preflight carries no key, so it is allowed
//! for an origin that some active key lists; the request that follows is then checked
//! against its own key's origins (403 from any other origin).

use actix_web::http::header::{self, HeaderValue};
use actix_web::HttpResponse;

/// The headers a careers page may send (besides the CORS-safelisted ones).
pub const ALLOWED_HEADERS: &str = "X-Api-Key, Authorization, If-None-Match";
/// How long a browser may keep a preflight's answer.
pub const PREFLIGHT_MAX_AGE_SECS: u32 = 600;

/// The request's `Origin`, if it sent one (browsers do on cross-origin requests).
pub fn origin(req: &actix_web::HttpRequest) -> Option<String> {
    req.headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Lets `origin` read the answer (and its ETag and Retry-After).
pub fn allow(response: &mut HttpResponse, origin: &str) {
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("ETag, Retry-After"),
        );
    }
}

/// What a shared cache must tell answers apart by: the origin (CORS headers) and the key.
pub fn vary(response: &mut HttpResponse) {
    response.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Origin, X-Api-Key, Authorization"),
    );
}
