//! HTTP for the export and the erasure.

use actix_web::{get, post, web, HttpResponse};

use super::service::{self, Export};
use crate::auth::{role, AuthUser, Authorized};
use crate::error::{AppResult, Problem};
use crate::ids::PathId;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(export).service(erase);
}

/// Everything Vouch holds about the caller, as JSON.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, body = Export), (status = 401, body = Problem))
)]
#[get("/me/export")]
pub async fn export(state: web::Data<AppState>, caller: AuthUser) -> AppResult<HttpResponse> {
    let export = service::export(&state, caller).await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            "content-disposition",
            "attachment; filename=\"vouch-export.json\"",
        ))
        .json(export))
}

/// Erases a user (admins): personal data replaced, consent withdrawn, tokens and sessions
/// deleted, testimonials emptied; shares stay, anonymised, for the org's totals.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = ["admin"])),
    params(("id" = uuid::Uuid, Path, description = "The user's id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem))
)]
#[post("/users/{id}/erase")]
pub async fn erase(
    state: web::Data<AppState>,
    caller: Authorized<role::Admin>,
    id: PathId,
) -> AppResult<HttpResponse> {
    crate::app::erase_person::erase(&state, caller.user, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
