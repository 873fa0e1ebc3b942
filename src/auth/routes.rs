//! HTTP for sign-in: request a link, trade it for tokens, refresh, log out.

use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::service;
use crate::accounts::view::UserView;
use crate::accounts::Email;
use crate::error::{AppResult, Problem};
use crate::http::client_ip::ClientOf;
use crate::http::json::ApiJson;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(login_link)
        .service(token)
        .service(refresh)
        .service(logout);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginLinkRequest {
    pub email: Email,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    pub message: String,
}

/// Mails a single-use sign-in link. The answer is the same whether or not the address has
/// an account; limited per address and per client IP.
#[utoipa::path(
    tag = "auth",
    request_body = LoginLinkRequest,
    responses(
        (status = 202, body = Accepted),
        (status = 422, body = Problem),
        (status = 429, body = Problem, description = "too many requests; see Retry-After")
    )
)]
#[post("/auth/login-link")]
pub async fn login_link(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<LoginLinkRequest>,
) -> AppResult<HttpResponse> {
    let ip = state.settings.server.trusted_proxies.client_of(&req);
    service::request_login_link(&state, body.0.email, ip).await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        message: "if this address has a Vouch account, a sign-in link is on its way".into(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// The `token` parameter of the mailed link.
    pub token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Single use: each refresh returns a new one.
    pub refresh_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<UserView>,
}

impl TokenResponse {
    fn new(pair: service::TokenPair, user: Option<UserView>) -> TokenResponse {
        TokenResponse {
            access_token: pair.access_token,
            token_type: "Bearer".into(),
            expires_in: pair.expires_in,
            refresh_token: pair.refresh_token,
            user,
        }
    }
}

/// Trades a sign-in link's token for an access token and a refresh token.
#[utoipa::path(
    tag = "auth",
    request_body = TokenRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem))
)]
#[post("/auth/token")]
pub async fn token(
    state: web::Data<AppState>,
    body: ApiJson<TokenRequest>,
) -> AppResult<web::Json<TokenResponse>> {
    let (pair, user) = service::exchange_link(&state, body.0.token).await?;
    Ok(web::Json(TokenResponse::new(pair, Some(user.into()))))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Rotates a refresh token. Presenting a rotated token again revokes the whole session.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem))
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: ApiJson<RefreshRequest>,
) -> AppResult<web::Json<TokenResponse>> {
    let pair = service::refresh(&state, body.0.refresh_token).await?;
    Ok(web::Json(TokenResponse::new(pair, None)))
}

/// Ends the session of this refresh token. Access tokens already issued expire on their own.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204))
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: ApiJson<RefreshRequest>,
) -> AppResult<HttpResponse> {
    service::logout(&state, body.0.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}
