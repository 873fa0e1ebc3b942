//! HTTP for the careers page: the public testimonials (with their CORS preflight) and the
//! widget. Outside `/api/v1` and its bearer sign-in: a site authenticates with its API key.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

use super::cors;
use super::projection::TestimonialQuery;
use crate::error::AppError;
use crate::http::client_ip::ClientOf;
use crate::state::AppState;

pub const TESTIMONIALS: &str = "/public/v1/testimonials";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource(TESTIMONIALS)
            .route(web::get().to(testimonials))
            .route(web::method(actix_web::http::Method::OPTIONS).to(preflight)),
    )
    .service(super::widget::widget);
}

/// The key from `X-Api-Key`, or from `Authorization: Bearer …`.
fn api_key(req: &HttpRequest) -> Result<String, AppError> {
    let missing = || {
        AppError::unauthorized(
            "send the careers page's API key as `X-Api-Key: vouch_live_…` (or `Authorization: Bearer …`)",
        )
    };
    if let Some(value) = req.headers().get("x-api-key") {
        let key = value.to_str().map_err(|_| missing())?.trim();
        return if key.is_empty() {
            Err(missing())
        } else {
            Ok(key.to_string())
        };
    }
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(missing)?
        .to_str()
        .map_err(|_| missing())?;
    match value.split_once(' ') {
        Some((scheme, key)) if scheme.eq_ignore_ascii_case("bearer") && !key.trim().is_empty() => {
            Ok(key.trim().to_string())
        }
        _ => Err(missing()),
    }
}

/// Whether an `If-None-Match` value names `tag` (or is `*`); weak tags compare by value.
pub fn etag_matches(header_value: &str, tag: &str) -> bool {
    header_value
        .split(',')
        .map(str::trim)
        .any(|seen| seen == "*" || seen.strip_prefix("W/").unwrap_or(seen) == tag)
}

/// `GET /public/v1/testimonials`: the org's testimonials on its careers page.
async fn testimonials(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<TestimonialQuery>,
) -> HttpResponse {
    let careers = &state.careers;
    let client = state.settings.server.trusted_proxies.client_of(&req);
    let grant = match api_key(&req) {
        Ok(key) => careers.authorize(&state, &key, client).await,
        Err(e) => Err(e),
    };
    let grant = match grant {
        Ok(grant) => grant,
        Err(e) => return e.error_response(),
    };
    // A browser names its page's origin; only the key's own origins may read.
    let origin = cors::origin(&req);
    if let Some(origin) = &origin {
        if !grant.key.origins.iter().any(|o| o == origin) {
            let mut res = AppError::forbidden(format!(
                "this API key does not allow the origin {origin}; an admin can create a key that lists it"
            ))
            .error_response();
            cors::vary(&mut res);
            return res;
        }
    }
    let answer = match careers.throttle(&grant) {
        Ok(()) => careers.page(&state, &grant, query.into_inner()).await,
        Err(e) => Err(e),
    };
    let mut res = match answer {
        Ok(page) => {
            let unchanged = req
                .headers()
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| etag_matches(v, &page.etag));
            let mut res = if unchanged {
                HttpResponse::NotModified().finish()
            } else {
                HttpResponse::Ok()
                    .content_type("application/json")
                    .body(page.body)
            };
            let headers = res.headers_mut();
            if let Ok(tag) = HeaderValue::from_str(&page.etag) {
                headers.insert(header::ETAG, tag);
            }
            if let Ok(value) = HeaderValue::from_str(&format!(
                "public, max-age={}",
                state.settings.careers.max_age_secs
            )) {
                headers.insert(header::CACHE_CONTROL, value);
            }
            res
        }
        Err(e) => e.error_response(),
    };
    if res.status() == actix_web::http::StatusCode::TOO_MANY_REQUESTS {
        // Its refusals are summed up per key in the log, not per visitor.
        res.extensions_mut()
            .insert(crate::telemetry::refusals::RefusedKey(format!(
                "api key {}",
                grant.key.id
            )));
    }
    cors::vary(&mut res);
    if let Some(origin) = &origin {
        cors::allow(&mut res, origin);
    }
    res
}

/// The CORS preflight: allowed for an origin that some active key lists (a preflight
/// carries no key; the request that follows is checked against its own key).
async fn preflight(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let Some(origin) = cors::origin(&req) else {
        return AppError::BadRequest("a CORS preflight names its `Origin`".into()).error_response();
    };
    let method_ok = req
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|m| m.eq_ignore_ascii_case("GET") || m.eq_ignore_ascii_case("HEAD"));
    let lookup = origin.clone();
    let allowed = match crate::db::run(&state.pool, move |conn| {
        crate::api_keys::repo::origin_allowed(conn, &lookup)
    })
    .await
    {
        Ok(allowed) => allowed,
        Err(e) => return e.error_response(),
    };
    if !allowed || !method_ok {
        let mut res = AppError::forbidden(format!(
            "no API key allows the origin {origin} to GET the testimonials"
        ))
        .error_response();
        cors::vary(&mut res);
        return res;
    }
    let mut res = HttpResponse::NoContent()
        .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "GET"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, cors::ALLOWED_HEADERS))
        .insert_header((
            header::ACCESS_CONTROL_MAX_AGE,
            cors::PREFLIGHT_MAX_AGE_SECS.to_string(),
        ))
        .finish();
    cors::allow(&mut res, &origin);
    cors::vary(&mut res);
    res
}

#[cfg(test)]
mod tests {
    use super::etag_matches;

    #[test]
    fn if_none_match() {
        assert!(etag_matches("\"abc\"", "\"abc\""));
        assert!(etag_matches("W/\"abc\"", "\"abc\""));
        assert!(etag_matches("\"x\", \"abc\"", "\"abc\""));
        assert!(etag_matches("*", "\"abc\""));
        assert!(!etag_matches("\"abd\"", "\"abc\""));
    }
}
