//! HTTP for API keys (admins): create, list, revoke.

use actix_web::{delete, get, post, web, HttpResponse};

use super::model::{ApiKeyView, CreatedApiKey, NewApiKey};
use super::service;
use crate::auth::{role, Authorized};
use crate::error::{AppResult, Problem};
use crate::http::json::ApiJson;
use crate::ids::PathId;
use crate::paging::{Page, PageParams};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create_key)
        .service(list_keys)
        .service(revoke_key);
}

/// Creates an API key for the careers page (admins). The key is in this answer only; Vouch
/// keeps its hash. No `Idempotency-Key` here: replaying the answer would mean keeping the key.
#[utoipa::path(
    tag = "careers",
    security(("bearer" = ["admin"])),
    request_body = NewApiKey,
    responses((status = 201, body = CreatedApiKey), (status = 422, body = Problem))
)]
#[post("/api-keys")]
pub async fn create_key(
    state: web::Data<AppState>,
    caller: Authorized<role::Admin>,
    body: ApiJson<NewApiKey>,
) -> AppResult<HttpResponse> {
    let created = service::create(&state, caller.user, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header(("cache-control", "no-store"))
        .json(created))
}

/// The org's API keys, newest first, revoked ones with `revoked_at` (admins). Never the keys.
#[utoipa::path(
    tag = "careers",
    security(("bearer" = ["admin"])),
    params(PageParams),
    responses((status = 200, body = Page<ApiKeyView>))
)]
#[get("/api-keys")]
pub async fn list_keys(
    state: web::Data<AppState>,
    caller: Authorized<role::Admin>,
    page: web::Query<PageParams>,
) -> AppResult<web::Json<Page<ApiKeyView>>> {
    Ok(web::Json(
        service::list(&state, caller.user, page.into_inner()).await?,
    ))
}

/// Revokes an API key (admins): refused from the next request on.
#[utoipa::path(
    tag = "careers",
    security(("bearer" = ["admin"])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem))
)]
#[delete("/api-keys/{id}")]
pub async fn revoke_key(
    state: web::Data<AppState>,
    caller: Authorized<role::Admin>,
    id: PathId,
) -> AppResult<HttpResponse> {
    service::revoke(&state, caller.user, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
