//! HTTP for connected accounts.

use actix_web::{delete, get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::AccountView;
use super::service;
use crate::auth::AuthUser;
use crate::error::{AppResult, Problem};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_accounts).service(disconnect);
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

/// Disconnects an account: its tokens are deleted, and revoked at the network where it can.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    responses((status = 204), (status = 404, body = Problem))
)]
#[delete("/me/accounts/{id}")]
pub async fn disconnect(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    service::disconnect(&state, caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
