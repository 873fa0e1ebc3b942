//! HTTP for connected accounts.

use actix_web::{delete, get, post, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::connect::{self, Callback, ConnectAnswer, ConnectInput};
use super::model::AccountView;
use super::service;
use crate::auth::AuthUser;
use crate::error::{AppResult, Problem};
use crate::http::json::ApiJson;
use crate::ids::PathId;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_accounts)
        .service(disconnect)
        .service(connect_account);
}

/// Connects an account. LinkedIn, X, Mastodon (`instance_url`): answers the `authorize_url`
/// to open in a browser, which comes back to `/oauth/callback/{network}`. Bluesky (`handle`,
/// `app_password`, `service_url`?): connects at once. Needs the caller's consent.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("network" = String, Path, description = "linkedin, x, mastodon or bluesky")),
    request_body(content = Option<ConnectInput>, description = "Mastodon and Bluesky only"),
    responses(
        (status = 200, body = ConnectAnswer),
        (status = 403, body = Problem, description = "No active consent"),
        (status = 422, body = Problem),
        (status = 424, body = Problem, description = "The network failed to answer")
    )
)]
#[post("/me/accounts/{network}/connect")]
pub async fn connect_account(
    state: web::Data<AppState>,
    caller: AuthUser,
    network: web::Path<String>,
    body: Option<ApiJson<ConnectInput>>,
) -> AppResult<web::Json<ConnectAnswer>> {
    let input = body.map(|b| b.0).unwrap_or_default();
    Ok(web::Json(
        connect::connect(&state, caller, network.into_inner(), input).await?,
    ))
}

/// Where the network sends the browser back after the user allowed (or refused) Vouch: the
/// `state` names the user. Redirects to `networks.connect_return_url` when configured,
/// otherwise answers a small page.
#[get("/oauth/callback/{network}")]
pub async fn oauth_callback(
    state: web::Data<AppState>,
    network: web::Path<String>,
    query: web::Query<Callback>,
) -> AppResult<HttpResponse> {
    let account = connect::finish(&state, network.into_inner(), query.into_inner()).await?;
    let network = account.network.as_str();
    if let Some(url) = state.networks.connect_return_url() {
        let sep = if url.contains('?') { '&' } else { '?' };
        return Ok(HttpResponse::SeeOther()
            .insert_header(("location", format!("{url}{sep}connected={network}")))
            .finish());
    }
    let handle = html_escape(&account.handle);
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(format!(
        "<!doctype html><meta charset=utf-8><title>Connected</title>\
         <p>Your {network} account <b>{handle}</b> is connected to Vouch. You can close this window.</p>"
    )))
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountList {
    pub items: Vec<AccountView>,
}

/// The caller's connected accounts.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, body = AccountList), (status = 401, body = Problem))
)]
#[get("/me/accounts")]
pub async fn list_accounts(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> AppResult<web::Json<AccountList>> {
    Ok(web::Json(AccountList {
        items: service::list(&state, caller).await?,
    }))
}

/// Disconnects an account: its tokens are deleted at once and revoked at the network by a job.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The account's id")),
    responses((status = 204), (status = 404, body = Problem))
)]
#[delete("/me/accounts/{id}")]
pub async fn disconnect(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: PathId,
) -> AppResult<HttpResponse> {
    service::disconnect(&state, caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
