//! An X (API v2) that follows the contract: PKCE S256 checked at the token endpoint, HTTP
//! Basic for the confidential client, 403 for duplicate text, `x-rate-limit-*` on 429.

use std::collections::HashMap;
use std::io;
use std::sync::Arc;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde_json::json;

use crate::common::{
    basic_auth, fields, lock, random_token, redirect_with_code, s256, serve, CodeGrant, Fake,
    FakePost, FakeUser, Shared, TokenCheck,
};

pub const CLIENT_ID: &str = "x-client";
pub const CLIENT_SECRET: &str = "x-secret";

type S = web::Data<Arc<Shared>>;

pub fn start() -> io::Result<Fake> {
    start_on(0)
}

pub fn start_on(port: u16) -> io::Result<Fake> {
    let user = FakeUser {
        id: "1500000000000000001".into(),
        handle: "ada".into(),
        password: String::new(),
    };
    serve(
        port,
        Shared::new(user, rate_limited, |_| random_token("x-at-")),
        (),
        routes,
    )
}

/// 429 with the window's reset in 15 minutes, as epoch seconds.
fn rate_limited() -> HttpResponse {
    let reset = Utc::now().timestamp() + 900;
    HttpResponse::TooManyRequests()
        .insert_header(("x-rate-limit-limit", "100"))
        .insert_header(("x-rate-limit-remaining", "0"))
        .insert_header(("x-rate-limit-reset", reset.to_string()))
        .insert_header(("x-user-limit-24hour-limit", "100"))
        .insert_header(("x-user-limit-24hour-remaining", "42"))
        .insert_header(("x-user-limit-24hour-reset", (reset + 36_000).to_string()))
        .json(json!({"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}))
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/i/oauth2/authorize", web::get().to(authorize))
        .route("/2/oauth2/token", web::post().to(token))
        .route("/2/users/me", web::get().to(me))
        .route("/2/users/{id}/tweets", web::get().to(timeline))
        .route("/2/tweets", web::post().to(create))
        .route("/2/tweets/{id}", web::get().to(lookup))
        .route("/2/tweets/{id}", web::delete().to(delete));
}

fn problem(status: u16, title: &str, detail: &str) -> HttpResponse {
    let code = actix_web::http::StatusCode::from_u16(status)
        .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
    HttpResponse::build(code)
        .json(json!({"title": title, "detail": detail, "type": "about:blank", "status": status}))
}

async fn authorize(s: S, q: web::Query<HashMap<String, String>>) -> HttpResponse {
    if let Some(r) = s.gate("authorize").await {
        return r;
    }
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if get("response_type") != "code" || get("client_id") != CLIENT_ID || get("state").is_empty() {
        return HttpResponse::BadRequest().body("invalid authorization request");
    }
    // PKCE is mandatory on X, and only S256 is accepted here.
    if get("code_challenge").is_empty() || get("code_challenge_method") != "S256" {
        return HttpResponse::BadRequest().body("code_challenge with S256 is required");
    }
    let grant = CodeGrant {
        client_id: get("client_id"),
        redirect_uri: get("redirect_uri"),
        challenge: Some(get("code_challenge")),
        scope: get("scope"),
    };
    redirect_with_code(&s, grant, &get("state"))
}

fn oauth_error(error: &str, description: &str) -> HttpResponse {
    HttpResponse::BadRequest().json(json!({"error": error, "error_description": description}))
}

async fn token(s: S, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    if let Some(r) = s.gate("token").await {
        return r;
    }
    let form = fields(&body);
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    // Confidential client: HTTP Basic; public client: client_id in the form.
    let client_ok = match basic_auth(&req) {
        Some((id, secret)) => id == CLIENT_ID && secret == CLIENT_SECRET,
        None => get("client_id") == CLIENT_ID,
    };
    if !client_ok {
        return HttpResponse::Unauthorized()
            .json(json!({"error": "unauthorized_client", "error_description": "Missing valid authorization header"}));
    }
    let (user, scope, refreshing) = match get("grant_type").as_str() {
        "authorization_code" => {
            let Some(grant) = lock(&s.codes).remove(&get("code")) else {
                return oauth_error(
                    "invalid_request",
                    "Value passed for the authorization code was invalid.",
                );
            };
            let verifier = get("code_verifier");
            if grant.challenge.as_deref() != Some(s256(&verifier).as_str()) {
                return oauth_error(
                    "invalid_request",
                    "Value passed for the code verifier was invalid.",
                );
            }
            if grant.redirect_uri != get("redirect_uri") {
                return oauth_error("invalid_request", "Value passed for the redirect uri did not match the uri of the authorization code.");
            }
            (s.user.id.clone(), grant.scope, false)
        }
        "refresh_token" => {
            s.bump("refresh");
            let Some(user) = lock(&s.tokens).take_refresh(&get("refresh_token")) else {
                return oauth_error("invalid_grant", "Value passed for the token was invalid.");
            };
            (
                user,
                "tweet.read tweet.write users.read offline.access".into(),
                true,
            )
        }
        _ => {
            return oauth_error(
                "invalid_request",
                "Missing required parameter [grant_type].",
            )
        }
    };
    let (access, refresh) = s.grant(&user);
    let mut answer = json!({
        "token_type": "bearer", "expires_in": 7200, "access_token": access, "scope": scope,
    });
    // A refresh token only with offline.access; refresh tokens rotate on every use.
    if scope.split_whitespace().any(|s| s == "offline.access")
        && !(refreshing && s.flag("omit_refresh_token"))
    {
        answer["refresh_token"] = json!(refresh);
    }
    HttpResponse::Ok().json(answer)
}

fn authed(s: &Shared, req: &HttpRequest) -> Result<String, HttpResponse> {
    match s.authed(req) {
        TokenCheck::Valid(user) => Ok(user),
        _ => Err(problem(401, "Unauthorized", "Unauthorized")),
    }
}

async fn me(s: S, req: HttpRequest) -> HttpResponse {
    if let Some(r) = s.gate("me").await {
        return r;
    }
    match authed(&s, &req) {
        Ok(_) => HttpResponse::Ok().json(
            json!({"data": {"id": s.user.id, "name": "Ada Lovelace", "username": s.user.handle}}),
        ),
        Err(r) => r,
    }
}

fn tweet_json(post: &FakePost) -> serde_json::Value {
    let urls: Vec<_> = post
        .text
        .split_whitespace()
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .map(|u| json!({"url": "https://t.co/fake", "expanded_url": u, "display_url": u}))
        .collect();
    json!({
        "id": post.id, "text": post.text, "edit_history_tweet_ids": [post.id],
        "entities": {"urls": urls},
        "public_metrics": {"retweet_count": 4, "reply_count": 3, "like_count": 11, "quote_count": 1, "bookmark_count": 0, "impression_count": 250},
        "non_public_metrics": {"impression_count": 250, "url_link_clicks": 9, "user_profile_clicks": 2},
    })
}

/// The post, answered late when a `Late` fault is queued for `create`.
async fn create(s: S, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    s.answer_late("create", create_post(s.clone(), req, body))
        .await
}

async fn create_post(s: S, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    if let Some(r) = s.gate("create").await {
        return r;
    }
    let user = match authed(&s, &req) {
        Ok(user) => user,
        Err(r) => return r,
    };
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return problem(
            400,
            "Invalid Request",
            "One or more parameters to your request was invalid.",
        );
    };
    let Some(text) = body["text"].as_str().map(str::to_string) else {
        return problem(
            400,
            "Invalid Request",
            "One or more parameters to your request was invalid.",
        );
    };
    let mut posts = lock(&s.posts);
    if posts
        .iter()
        .any(|p| !p.deleted && p.author == user && p.text == text)
    {
        return problem(
            403,
            "Forbidden",
            "You are not allowed to create a Tweet with duplicate content.",
        );
    }
    let post = FakePost {
        id: format!("18{:017}", posts.len() + 1),
        author: user,
        text,
        raw: body,
        deleted: false,
    };
    let answer =
        json!({"data": {"id": post.id, "text": post.text, "edit_history_tweet_ids": [post.id]}});
    posts.push(post);
    HttpResponse::Created().json(answer)
}

async fn timeline(s: S, req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    if let Some(r) = s.gate("find").await {
        return r;
    }
    if let Err(r) = authed(&s, &req) {
        return r;
    }
    let tweets: Vec<_> = lock(&s.posts)
        .iter()
        .rev()
        .filter(|p| !p.deleted && p.author == *id)
        .take(20)
        .map(|p| {
            let mut t = tweet_json(p);
            t.as_object_mut().map(|o| {
                o.remove("public_metrics");
                o.remove("non_public_metrics")
            });
            t
        })
        .collect();
    if tweets.is_empty() {
        return HttpResponse::Ok().json(json!({"meta": {"result_count": 0}}));
    }
    HttpResponse::Ok().json(json!({"data": tweets, "meta": {"result_count": tweets.len()}}))
}

async fn lookup(s: S, req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    if let Some(r) = s.gate("metrics").await {
        return r;
    }
    if let Err(r) = authed(&s, &req) {
        return r;
    }
    match lock(&s.posts).iter().find(|p| p.id == *id && !p.deleted) {
        Some(post) => HttpResponse::Ok().json(json!({"data": tweet_json(post)})),
        None => HttpResponse::Ok().json(json!({"errors": [{"value": *id, "detail": format!("Could not find tweet with id: [{id}]."), "title": "Not Found Error", "type": "https://api.twitter.com/2/problems/resource-not-found"}]})),
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
    match posts.iter_mut().find(|p| p.id == *id && !p.deleted) {
        Some(post) if post.author == user => {
            post.deleted = true;
            HttpResponse::Ok().json(json!({"data": {"deleted": true}}))
        }
        Some(_) => problem(
            403,
            "Forbidden",
            "You are not authorized to delete this Tweet.",
        ),
        None => problem(404, "Not Found Error", "Could not find tweet."),
    }
}
