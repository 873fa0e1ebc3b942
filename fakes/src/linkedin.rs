//! A LinkedIn that follows the Posts API contract: versioned Rest.li calls (426 for retired
//! versions), commentary rendered as little text (cut at the first unescaped reserved
//! character), the id in `x-restli-id`, 422 DUPLICATE_POST, and token answers that may omit
//! `token_type` (flag `omit_token_type`). Refresh tokens are issued as to an approved partner
//! unless the flag `member_app` is set.

use std::collections::HashMap;
use std::io;
use std::sync::Arc;

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use crate::common::{
    fields, lock, random_token, redirect_with_code, serve, CodeGrant, Fake, FakePost, FakeUser,
    Shared, TokenCheck,
};

pub const CLIENT_ID: &str = "li-client";
pub const CLIENT_SECRET: &str = "li-secret";
/// Versions before this answer 426, as LinkedIn does for versions it has sunset.
pub const OLDEST_ACTIVE_VERSION: &str = "202410";
pub const MAX_COMMENTARY: usize = 3000;
pub const RESERVED: &[char] = &[
    '\\', '|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '*', '_', '~',
];

type S = web::Data<Arc<Shared>>;

pub fn start() -> io::Result<Fake> {
    start_on(0)
}

pub fn start_on(port: u16) -> io::Result<Fake> {
    let user = FakeUser {
        id: "aBcD3fG".into(),
        handle: "Ada Lovelace".into(),
        password: String::new(),
    };
    serve(
        port,
        Shared::new(user, rate_limited, |_| random_token("li-at-")),
        (),
        routes,
    )
}

/// LinkedIn documents no rate-limit headers: a bare 429.
fn rate_limited() -> HttpResponse {
    HttpResponse::TooManyRequests().json(json!({
        "status": 429, "serviceErrorCode": 101, "code": "TOO_MANY_REQUESTS",
        "message": "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
    }))
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/oauth/v2/authorization", web::get().to(authorize))
        .route("/oauth/v2/accessToken", web::post().to(token))
        .route("/v2/userinfo", web::get().to(userinfo))
        .route("/rest/posts", web::post().to(create))
        .route("/rest/posts", web::get().to(list))
        .route("/rest/posts/{urn}", web::delete().to(delete))
        .route("/rest/memberCreatorPostAnalytics", web::get().to(analytics));
}

/// What LinkedIn shows for a commentary: escapes resolved, cut at the first unescaped
/// reserved character (LinkedIn's silent truncation).
pub fn render_little_text(commentary: &str) -> String {
    let mut out = String::with_capacity(commentary.len());
    let mut chars = commentary.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(n) if RESERVED.contains(&n) => out.push(n),
                _ => break,
            }
        } else if RESERVED.contains(&c) {
            break;
        } else {
            out.push(c);
        }
    }
    out
}

fn error(status: u16, code: &str, message: &str) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(status)
        .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
    HttpResponse::build(status).json(json!({
        "status": status.as_u16(), "code": code, "message": message,
    }))
}

async fn authorize(s: S, q: web::Query<HashMap<String, String>>) -> HttpResponse {
    if let Some(r) = s.gate("authorize").await {
        return r;
    }
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if get("response_type") != "code" || get("client_id") != CLIENT_ID || get("state").is_empty() {
        return HttpResponse::BadRequest().body("invalid authorization request");
    }
    let grant = CodeGrant {
        client_id: get("client_id"),
        redirect_uri: get("redirect_uri"),
        challenge: None,
        scope: get("scope"),
    };
    redirect_with_code(&s, grant, &get("state"))
}

fn oauth_error(error: &str, description: &str) -> HttpResponse {
    HttpResponse::BadRequest().json(json!({"error": error, "error_description": description}))
}

async fn token(s: S, body: web::Bytes) -> HttpResponse {
    if let Some(r) = s.gate("token").await {
        return r;
    }
    let form = fields(&body);
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    if get("client_id") != CLIENT_ID || get("client_secret") != CLIENT_SECRET {
        return HttpResponse::Unauthorized().json(
            json!({"error": "invalid_client", "error_description": "Client authentication failed"}),
        );
    }
    let (user, scope, refreshing) = match get("grant_type").as_str() {
        "authorization_code" => {
            let Some(grant) = lock(&s.codes).remove(&get("code")) else {
                return oauth_error(
                    "invalid_grant",
                    "The authorization code is invalid or expired",
                );
            };
            if grant.redirect_uri != get("redirect_uri") {
                return oauth_error("invalid_redirect_uri", "Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code");
            }
            (s.user.id.clone(), grant.scope, false)
        }
        "refresh_token" => {
            s.bump("refresh");
            let Some(user) = lock(&s.tokens).take_refresh(&get("refresh_token")) else {
                return oauth_error(
                    "invalid_grant",
                    "The provided refresh token is invalid or expired",
                );
            };
            (user, "openid profile w_member_social".into(), true)
        }
        _ => return oauth_error("unsupported_grant_type", "grant_type"),
    };
    let (access, refresh) = s.grant(&user);
    let mut answer = json!({
        "access_token": access,
        "expires_in": 5_184_000,
        // LinkedIn lists scopes comma-separated.
        "scope": scope.split_whitespace().collect::<Vec<_>>().join(","),
        "refresh_token": refresh,
        "refresh_token_expires_in": 31_536_000,
        "token_type": "Bearer",
        "id_token": "not.a.real.jwt",
    });
    if s.flag("omit_token_type") {
        answer.as_object_mut().map(|o| o.remove("token_type"));
    }
    // Refresh tokens are for LinkedIn's approved partners only: `member_app` is everyone else.
    if (refreshing && s.flag("omit_refresh_token")) || s.flag("member_app") {
        answer.as_object_mut().map(|o| {
            o.remove("refresh_token");
            o.remove("refresh_token_expires_in")
        });
    }
    HttpResponse::Ok().json(answer)
}

fn unauthorized(check: TokenCheck) -> HttpResponse {
    let (code, message) = match check {
        TokenCheck::Expired => (
            "EXPIRED_ACCESS_TOKEN",
            "The token used in the request has expired",
        ),
        _ => (
            "REVOKED_ACCESS_TOKEN",
            "The token used in the request has been revoked by the user",
        ),
    };
    HttpResponse::Unauthorized().json(json!({
        "status": 401, "serviceErrorCode": 65601, "code": code, "message": message,
    }))
}

async fn userinfo(s: S, req: HttpRequest) -> HttpResponse {
    if let Some(r) = s.gate("me").await {
        return r;
    }
    match s.authed(&req) {
        TokenCheck::Valid(_) => HttpResponse::Ok().json(json!({
            "sub": s.user.id, "name": s.user.handle, "given_name": "Ada",
            "family_name": "Lovelace", "locale": {"country": "GB", "language": "en"},
            "email_verified": true,
        })),
        other => unauthorized(other),
    }
}

/// The checks every `/rest/` call makes before its own: token, version, protocol.
fn rest_checks(s: &Shared, req: &HttpRequest) -> Result<String, HttpResponse> {
    let user = match s.authed(req) {
        TokenCheck::Valid(user) => user,
        other => return Err(unauthorized(other)),
    };
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let version = header("linkedin-version");
    if version.is_empty() {
        return Err(error(400, "VERSION_MISSING", "A version must be present. Please specify a version by adding the LinkedIn-Version header."));
    }
    if version.len() != 6 || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(error(
            400,
            "INVALID_VERSION",
            &format!("Invalid version {version}"),
        ));
    }
    if version.as_str() < OLDEST_ACTIVE_VERSION {
        return Err(error(
            426,
            "NONEXISTENT_VERSION",
            &format!("Requested version {version} is not active"),
        ));
    }
    if header("x-restli-protocol-version") != "2.0.0" {
        return Err(error(
            400,
            "ILLEGAL_ARGUMENT",
            "X-Restli-Protocol-Version 2.0.0 is required",
        ));
    }
    Ok(user)
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
    let user = match rest_checks(&s, &req) {
        Ok(user) => user,
        Err(r) => return r,
    };
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return error(400, "ILLEGAL_ARGUMENT", "Malformed JSON body");
    };
    let author = format!("urn:li:person:{user}");
    if body["author"].as_str() != Some(author.as_str()) {
        return HttpResponse::Forbidden().json(json!({"status": 403, "serviceErrorCode": 100,
            "message": "Unpermitted fields present in REQUEST_BODY: Data Processing Exception while processing fields [/author]"}));
    }
    for field in ["visibility", "distribution", "lifecycleState"] {
        if body[field].is_null() {
            return error(400, "ILLEGAL_ARGUMENT", &format!("/{field} is required"));
        }
    }
    let commentary = body["commentary"].as_str().unwrap_or_default();
    let rendered = render_little_text(commentary);
    if rendered.chars().count() > MAX_COMMENTARY {
        return HttpResponse::UnprocessableEntity().json(json!({"status": 422,
            "message": format!("commentary is longer than {MAX_COMMENTARY} characters")}));
    }
    let mut posts = lock(&s.posts);
    if let Some(dup) = posts.iter().find(|p| {
        !p.deleted && p.author == author && p.raw["commentary"].as_str() == Some(commentary)
    }) {
        return HttpResponse::UnprocessableEntity().json(json!({"status": 422,
            "code": "DUPLICATE_POST",
            "message": format!("Content is a duplicate of {}", dup.id)}));
    }
    let id = format!("urn:li:share:7{:018}", posts.len() + 1);
    posts.push(FakePost {
        id: id.clone(),
        author,
        text: rendered,
        raw: body,
        deleted: false,
    });
    HttpResponse::Created()
        .insert_header(("x-restli-id", id))
        .finish()
}

async fn list(s: S, req: HttpRequest, q: web::Query<HashMap<String, String>>) -> HttpResponse {
    if let Some(r) = s.gate("find").await {
        return r;
    }
    let user = match rest_checks(&s, &req) {
        Ok(user) => user,
        Err(r) => return r,
    };
    let author = format!("urn:li:person:{user}");
    if q.get("q").map(String::as_str) != Some("author") || q.get("author") != Some(&author) {
        return error(
            403,
            "ACCESS_DENIED",
            "Not enough permissions to access: partnerApiPostsExternal.FINDER-author",
        );
    }
    let elements: Vec<_> = lock(&s.posts)
        .iter()
        .rev()
        .filter(|p| !p.deleted && p.author == author)
        .map(|p| {
            let mut e = p.raw.clone();
            e["id"] = json!(p.id);
            e
        })
        .collect();
    HttpResponse::Ok().json(json!({"elements": elements, "paging": {"start": 0, "count": 50}}))
}

async fn delete(s: S, req: HttpRequest, urn: web::Path<String>) -> HttpResponse {
    if let Some(r) = s.gate("delete").await {
        return r;
    }
    if let Err(r) = rest_checks(&s, &req) {
        return r;
    }
    let mut posts = lock(&s.posts);
    match posts.iter_mut().find(|p| p.id == *urn && !p.deleted) {
        Some(post) => {
            post.deleted = true;
            HttpResponse::NoContent().finish()
        }
        None => error(404, "NOT_FOUND", "Not Found"),
    }
}

/// Figures for any post the fake knows: impressions 120, reactions 7, comments 3, reshares 2.
async fn analytics(s: S, req: HttpRequest, q: web::Query<HashMap<String, String>>) -> HttpResponse {
    if let Some(r) = s.gate("metrics").await {
        return r;
    }
    if let Err(r) = rest_checks(&s, &req) {
        return r;
    }
    let entity = q.get("entity").cloned().unwrap_or_default();
    let urn = entity
        .strip_prefix("(share:")
        .or_else(|| entity.strip_prefix("(ugc:"))
        .and_then(|e| e.strip_suffix(')'));
    let known = urn.is_some_and(|u| lock(&s.posts).iter().any(|p| p.id == u));
    if q.get("q").map(String::as_str) != Some("entity") || !known {
        return error(400, "ILLEGAL_ARGUMENT", &format!("invalid entity {entity}"));
    }
    let query = q.get("queryType").cloned().unwrap_or_default();
    let count = match query.as_str() {
        "IMPRESSION" => 120,
        "MEMBERS_REACHED" => 80,
        "REACTION" => 7,
        "COMMENT" => 3,
        "RESHARE" => 2,
        _ => return error(400, "ILLEGAL_ARGUMENT", "queryType"),
    };
    HttpResponse::Ok().json(json!({
        "elements": [{"count": count, "metricType": {"com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1": query}}],
        "paging": {"start": 0, "count": 10, "links": []},
    }))
}
