//! A Bluesky PDS: app-password sessions with JWT-shaped tokens (rotating refresh), records
//! keyed by `rkey` (a second create with the same key collides), facets checked against the
//! text's UTF-8 bytes, `RateLimit-*` headers on 429.

use std::collections::HashMap;
use std::io;
use std::sync::Arc;

use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use chrono::Utc;
use serde_json::json;

use crate::common::{
    bearer, lock, random_token, serve, Fake, FakePost, FakeUser, Shared, TokenCheck,
};

pub const MAX_GRAPHEMES: usize = 300;
const COLLECTION: &str = "app.bsky.feed.post";

type S = web::Data<Arc<Shared>>;

pub fn start() -> io::Result<Fake> {
    start_on(0)
}

pub fn start_on(port: u16) -> io::Result<Fake> {
    let user = FakeUser {
        id: "did:plc:ewvi7nxzyoun6zhxrhs64oiz".into(),
        handle: "ada.bsky.social".into(),
        password: "abcd-efgh-ijkl-mnop".into(),
    };
    serve(
        port,
        Shared::new(user, rate_limited, access_jwt),
        (),
        routes,
    )
}

/// A JWT-shaped access token (unsigned: only its `exp` is read by clients).
fn access_jwt(did: &str) -> String {
    let enc = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    format!(
        "{}.{}.{}",
        enc(json!({"typ": "at+jwt", "alg": "ES256K"})),
        enc(
            json!({"scope": "com.atproto.appPass", "sub": did, "iat": Utc::now().timestamp(),
                   "exp": Utc::now().timestamp() + 7200, "jti": random_token("")})
        ),
        random_token("sig")
    )
}

fn rate_limited() -> HttpResponse {
    let reset = Utc::now().timestamp() + 300;
    HttpResponse::TooManyRequests()
        .insert_header(("RateLimit-Limit", "5000"))
        .insert_header(("RateLimit-Remaining", "0"))
        .insert_header(("RateLimit-Reset", reset.to_string()))
        .insert_header(("RateLimit-Policy", "5000;w=3600"))
        .json(json!({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}))
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/xrpc")
            .route(
                "/com.atproto.server.createSession",
                web::post().to(create_session),
            )
            .route(
                "/com.atproto.server.refreshSession",
                web::post().to(refresh_session),
            )
            .route("/com.atproto.server.getSession", web::get().to(get_session))
            .route(
                "/com.atproto.server.deleteSession",
                web::post().to(delete_session),
            )
            .route(
                "/com.atproto.repo.createRecord",
                web::post().to(create_record),
            )
            .route("/com.atproto.repo.getRecord", web::get().to(get_record))
            .route(
                "/com.atproto.repo.deleteRecord",
                web::post().to(delete_record),
            )
            .route("/app.bsky.feed.getPosts", web::get().to(get_posts)),
    );
}

fn error(status: u16, error: &str, message: &str) -> HttpResponse {
    let code = actix_web::http::StatusCode::from_u16(status)
        .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
    HttpResponse::build(code).json(json!({"error": error, "message": message}))
}

fn session_json(s: &Shared, access: String, refresh: String) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "accessJwt": access, "refreshJwt": refresh, "handle": s.user.handle, "did": s.user.id,
        "active": true,
    }))
}

async fn create_session(s: S, body: web::Json<serde_json::Value>) -> HttpResponse {
    if let Some(r) = s.gate("session").await {
        return r;
    }
    s.bump("create_session");
    let id = body["identifier"].as_str().unwrap_or_default();
    let ok = (id == s.user.handle || id == s.user.id)
        && body["password"].as_str() == Some(s.user.password.as_str());
    if !ok {
        return error(
            401,
            "AuthenticationRequired",
            "Invalid identifier or password",
        );
    }
    let (access, refresh) = s.grant(&s.user.id);
    session_json(&s, access, refresh)
}

async fn refresh_session(s: S, req: HttpRequest) -> HttpResponse {
    // The gate's count of `refresh` is the count of refreshSession calls.
    if let Some(r) = s.gate("refresh").await {
        return r;
    }
    let user = bearer(&req).and_then(|t| lock(&s.tokens).take_refresh(&t));
    match user {
        Some(user) => {
            let (access, refresh) = s.grant(&user);
            session_json(&s, access, refresh)
        }
        None => error(400, "ExpiredToken", "Token has expired"),
    }
}

fn authed(s: &Shared, req: &HttpRequest) -> Result<String, HttpResponse> {
    match s.authed(req) {
        TokenCheck::Valid(user) => Ok(user),
        TokenCheck::Expired => Err(error(400, "ExpiredToken", "Token has expired")),
        TokenCheck::Unknown => Err(error(
            401,
            "AuthenticationRequired",
            "Authentication Required",
        )),
    }
}

async fn get_session(s: S, req: HttpRequest) -> HttpResponse {
    if let Some(r) = s.gate("me").await {
        return r;
    }
    match authed(&s, &req) {
        Ok(_) => HttpResponse::Ok()
            .json(json!({"handle": s.user.handle, "did": s.user.id, "active": true})),
        Err(r) => r,
    }
}

async fn delete_session(s: S, req: HttpRequest) -> HttpResponse {
    if let Some(r) = s.gate("revoke").await {
        return r;
    }
    match bearer(&req).and_then(|t| lock(&s.tokens).take_refresh(&t)) {
        Some(_) => HttpResponse::Ok().finish(),
        None => error(400, "ExpiredToken", "Token has expired"),
    }
}

/// AT Protocol record-key syntax: 1–512 of `A-Za-z0-9._:~-`, not `.` or `..`.
fn valid_rkey(rkey: &str) -> bool {
    (1..=512).contains(&rkey.len())
        && rkey != "."
        && rkey != ".."
        && rkey
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._:~-".contains(&b))
}

/// Every facet must index whole characters of the text (UTF-8 byte offsets, end exclusive).
fn facets_valid(text: &str, record: &serde_json::Value) -> Result<(), String> {
    for facet in record["facets"].as_array().into_iter().flatten() {
        let start = facet["index"]["byteStart"]
            .as_u64()
            .ok_or("byteStart missing")? as usize;
        let end = facet["index"]["byteEnd"]
            .as_u64()
            .ok_or("byteEnd missing")? as usize;
        if start >= end
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            return Err(format!("facet {start}..{end} does not index the text"));
        }
    }
    Ok(())
}

fn uri(did: &str, rkey: &str) -> String {
    format!("at://{did}/{COLLECTION}/{rkey}")
}

fn graphemes(text: &str) -> usize {
    use unicode_segmentation::UnicodeSegmentation;
    text.graphemes(true).count()
}

/// The post, answered late when a `Late` fault is queued for `create`.
async fn create_record(s: S, req: HttpRequest, body: web::Json<serde_json::Value>) -> HttpResponse {
    s.answer_late("create", create_record_now(s.clone(), req, body))
        .await
}

async fn create_record_now(
    s: S,
    req: HttpRequest,
    body: web::Json<serde_json::Value>,
) -> HttpResponse {
    if let Some(r) = s.gate("create").await {
        return r;
    }
    let user = match authed(&s, &req) {
        Ok(user) => user,
        Err(r) => return r,
    };
    if body["repo"].as_str() != Some(user.as_str())
        || body["collection"].as_str() != Some(COLLECTION)
    {
        return error(400, "InvalidRequest", "repo or collection not allowed");
    }
    let rkey = match body["rkey"].as_str() {
        Some(k) if valid_rkey(k) => k.to_string(),
        Some(_) => return error(400, "InvalidRequest", "Invalid record key"),
        None => format!("3l{:011}", lock(&s.posts).len() + 1),
    };
    let record = &body["record"];
    let text = record["text"].as_str().unwrap_or_default();
    if record["$type"].as_str() != Some(COLLECTION) || record["createdAt"].as_str().is_none() {
        return error(
            400,
            "InvalidRecord",
            "Record/$type and Record/createdAt are required",
        );
    }
    if graphemes(text) > MAX_GRAPHEMES {
        return error(
            400,
            "InvalidRecord",
            "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes",
        );
    }
    if let Err(e) = facets_valid(text, record) {
        return error(400, "InvalidRecord", &e);
    }
    let id = uri(&user, &rkey);
    let mut posts = lock(&s.posts);
    if posts.iter().any(|p| p.id == id && !p.deleted) {
        return error(
            400,
            "InvalidRequest",
            &format!("Record already exists at {id}"),
        );
    }
    posts.push(FakePost {
        id: id.clone(),
        author: user,
        text: text.to_string(),
        raw: body.into_inner(),
        deleted: false,
    });
    HttpResponse::Ok()
        .json(json!({"uri": id, "cid": format!("bafyrei{rkey}"), "validationStatus": "valid"}))
}

async fn get_record(s: S, q: web::Query<HashMap<String, String>>) -> HttpResponse {
    if let Some(r) = s.gate("find").await {
        return r;
    }
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let id = format!("at://{}/{}/{}", get("repo"), get("collection"), get("rkey"));
    match lock(&s.posts).iter().find(|p| p.id == id && !p.deleted) {
        Some(post) => HttpResponse::Ok()
            .json(json!({"uri": post.id, "cid": "bafyreifake", "value": post.raw["record"]})),
        None => error(
            400,
            "RecordNotFound",
            &format!("Could not locate record: {id}"),
        ),
    }
}

async fn delete_record(s: S, req: HttpRequest, body: web::Json<serde_json::Value>) -> HttpResponse {
    if let Some(r) = s.gate("delete").await {
        return r;
    }
    let user = match authed(&s, &req) {
        Ok(user) => user,
        Err(r) => return r,
    };
    if body["repo"].as_str() != Some(user.as_str()) {
        return error(400, "InvalidRequest", "repo not allowed");
    }
    let id = format!(
        "at://{user}/{}/{}",
        body["collection"].as_str().unwrap_or_default(),
        body["rkey"].as_str().unwrap_or_default()
    );
    // Deleting a record that is not there succeeds, as on a real PDS.
    if let Some(post) = lock(&s.posts).iter_mut().find(|p| p.id == id) {
        post.deleted = true;
    }
    HttpResponse::Ok().json(json!({}))
}

async fn get_posts(s: S, req: HttpRequest) -> HttpResponse {
    if let Some(r) = s.gate("metrics").await {
        return r;
    }
    if let Err(r) = authed(&s, &req) {
        return r;
    }
    let uris: Vec<String> = url::form_urlencoded::parse(req.query_string().as_bytes())
        .filter(|(k, _)| k == "uris" || k == "uris[]")
        .map(|(_, v)| v.into_owned())
        .collect();
    if uris.len() > 25 {
        return error(
            400,
            "InvalidRequest",
            "uris must not have more than 25 elements",
        );
    }
    let posts = lock(&s.posts);
    let found: Vec<_> = uris
        .iter()
        .filter_map(|u| posts.iter().find(|p| p.id == *u && !p.deleted))
        .map(|p| json!({
            "uri": p.id, "cid": "bafyreifake", "author": {"did": p.author, "handle": s.user.handle},
            "record": p.raw["record"], "likeCount": 21, "repostCount": 4, "replyCount": 6,
            "quoteCount": 1, "indexedAt": Utc::now().to_rfc3339(),
        }))
        .collect();
    HttpResponse::Ok().json(json!({"posts": found}))
}
