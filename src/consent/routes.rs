//! HTTP for consent: the org's text, and the caller's agreement.

use actix_web::{delete, get, post, put, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::query::MyConsentView;
use super::service::{self, ConsentTextView};
use crate::auth::{role, AuthUser, Authorized};
use crate::error::{AppResult, Problem};
use crate::http::json::ApiJson;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(get_text)
        .service(put_text)
        .service(my_consent)
        .service(agree)
        .service(withdraw);
}

/// The org's current consent text.
#[utoipa::path(
    tag = "consent",
    security(("bearer" = [])),
    responses((status = 200, body = ConsentTextView), (status = 401, body = Problem))
)]
#[get("/consent")]
pub async fn get_text(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> AppResult<web::Json<ConsentTextView>> {
    Ok(web::Json(service::text(&state, caller).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentTextInput {
    /// The new text, 1–20,000 characters; its version is the previous one plus one.
    #[schema(min_length = 1, max_length = 20000)]
    pub text: String,
}

/// Replaces the consent text (admins). Ambassadors must agree to the new version before
/// their next share.
#[utoipa::path(
    tag = "consent",
    security(("bearer" = ["admin"])),
    request_body = ConsentTextInput,
    responses(
        (status = 200, body = ConsentTextView),
        (status = 403, body = Problem),
        (status = 422, body = Problem)
    )
)]
#[put("/consent")]
pub async fn put_text(
    state: web::Data<AppState>,
    caller: Authorized<role::Admin>,
    body: ApiJson<ConsentTextInput>,
) -> AppResult<web::Json<ConsentTextView>> {
    Ok(web::Json(
        service::set_text(&state, caller.user, body.0.text).await?,
    ))
}

/// Whether the caller has agreed to the current text.
#[utoipa::path(
    tag = "consent",
    security(("bearer" = [])),
    responses((status = 200, body = MyConsentView), (status = 401, body = Problem))
)]
#[get("/me/consent")]
pub async fn my_consent(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> AppResult<web::Json<MyConsentView>> {
    Ok(web::Json(service::mine(&state, caller).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreeInput {
    /// The version of `GET /consent` the caller read and agrees to.
    pub version: i32,
}

/// Opts in: names the current version of the text.
#[utoipa::path(
    tag = "consent",
    security(("bearer" = [])),
    request_body = AgreeInput,
    responses((status = 200, body = MyConsentView), (status = 422, body = Problem))
)]
#[post("/me/consent")]
pub async fn agree(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: ApiJson<AgreeInput>,
) -> AppResult<web::Json<MyConsentView>> {
    Ok(web::Json(
        service::agree(&state, caller, body.0.version).await?,
    ))
}

/// Withdraws consent: cancels the caller's scheduled and pending shares, deletes their social
/// tokens (their accounts show `revoked`) and takes their testimonials off public reads.
#[utoipa::path(
    tag = "consent",
    security(("bearer" = [])),
    responses((status = 200, body = MyConsentView), (status = 401, body = Problem))
)]
#[delete("/me/consent")]
pub async fn withdraw(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> AppResult<web::Json<MyConsentView>> {
    Ok(web::Json(
        crate::app::withdraw_consent::withdraw(&state, caller).await?,
    ))
}
