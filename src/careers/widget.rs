//! `GET /widget.js`: the script a careers page embeds with one tag. Dependency-free, in the
//! binary, served with its hash as ETag.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{get, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

pub const SCRIPT: &str = include_str!("widget.js");
/// Browsers and CDNs may keep the script this long (it changes with a release, rarely).
const MAX_AGE_SECS: u32 = 3600;

fn etag() -> &'static str {
    static TAG: OnceLock<String> = OnceLock::new();
    TAG.get_or_init(|| format!("\"{}\"", &hex::encode(Sha256::digest(SCRIPT))[..32]))
}

#[get("/widget.js")]
pub async fn widget(req: HttpRequest) -> HttpResponse {
    let tag = etag();
    let seen = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| super::routes::etag_matches(v, tag));
    let mut response = if seen {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, tag))
        .insert_header((
            header::CACHE_CONTROL,
            format!("public, max-age={MAX_AGE_SECS}"),
        ))
        // Any page may embed it: it is the same for everyone and holds no secret.
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .insert_header(("x-content-type-options", "nosniff"));
    if seen {
        return response.finish();
    }
    response
        .content_type("text/javascript; charset=utf-8")
        .body(SCRIPT)
}
