//! `GET /r/{code}` (and `HEAD`): outside `/api/v1`, unauthenticated, answered from memory.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};

use super::counter::Key;
use super::model::{referrer_host, Device};
use super::service::{self, Lookup};
use super::table::Target;
use crate::http::client_ip::ClientOf;
use crate::state::AppState;

/// The path pattern. A plain segment: the metrics middleware labels it without effort
/// (a regex segment made it log a warning per request).
pub const PATTERN: &str = "/r/{code}";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/r")
            .service(
                web::resource("/{code}")
                    .route(web::get().to(redirect))
                    .route(web::head().to(redirect)),
            )
            .default_service(web::to(malformed)),
    );
}

/// Anything else under `/r/` (`/r/`, `/r/a/b`): the same small page for a GET or HEAD; other
/// methods are answered as anywhere else (405 naming GET and HEAD, or 404).
async fn malformed(req: HttpRequest) -> HttpResponse {
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        page(StatusCode::NOT_FOUND, NOT_FOUND_PAGE)
    } else {
        crate::http::middleware::not_found(req).await
    }
}

const NOT_FOUND_PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"robots\" content=\"noindex\"><title>Link not found</title></head><body>\
<h1>This link does not lead anywhere</h1><p>Check that it was copied whole.</p></body></html>\n";

const GONE_PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"robots\" content=\"noindex\"><title>No longer available</title></head><body>\
<h1>This story is no longer available</h1><p>The company has withdrawn it.</p></body></html>\n";

const UNAVAILABLE_PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"robots\" content=\"noindex\"><title>Try again</title></head><body>\
<h1>This link cannot be followed right now</h1><p>Please try again in a moment.</p></body></html>\n";

fn page(status: StatusCode, body: &'static str) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

async fn redirect(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let code = req.match_info().get("code").unwrap_or("");
    let links = &state.links;
    let link = match links.table.get(code) {
        Some(link) => link,
        None => match service::lookup(&state, code).await {
            Lookup::Found(link) => link,
            Lookup::Unknown => return page(StatusCode::NOT_FOUND, NOT_FOUND_PAGE),
            Lookup::Unavailable => return page(StatusCode::SERVICE_UNAVAILABLE, UNAVAILABLE_PAGE),
        },
    };
    let location = match &link.target {
        Target::Story(location) => location.clone(),
        Target::Withdrawn => match links.table.fallback(&link.org_id) {
            Some(fallback) => fallback,
            None => return page(StatusCode::GONE, GONE_PAGE),
        },
        Target::NoLink => match links.table.fallback(&link.org_id) {
            Some(fallback) => fallback,
            None => return page(StatusCode::NOT_FOUND, NOT_FOUND_PAGE),
        },
    };
    // A person follows the link with GET from a browser; HEAD requests, crawlers and
    // link-preview fetchers are counted as previews. A person who followed it a moment ago
    // is sent on without counting again.
    let ua = user_agent(&req);
    let (bot, device) = links.bots.classify(ua);
    let person = !bot && req.method() == Method::GET;
    if person {
        let client = state.settings.server.trusted_proxies.client_of(&req);
        if !links.repeats.first(client, ua, &link.share_id) {
            links.repeated.inc();
            return redirect_to(location);
        }
    }
    links
        .counter
        .record(hit_key(&req, &link.share_id, device), person);
    redirect_to(location)
}

fn redirect_to(location: HeaderValue) -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .finish()
}

fn user_agent(req: &HttpRequest) -> &str {
    req.headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn hit_key(req: &HttpRequest, share_id: &std::sync::Arc<str>, device: Device) -> Key {
    let referrer_host = req
        .headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(referrer_host)
        .unwrap_or_default();
    Key {
        share_id: share_id.clone(),
        day: chrono::Utc::now().date_naive(),
        referrer_host: referrer_host.into_boxed_str(),
        device,
    }
}
