//! HTTP for shares.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::ShareView;
use super::service::{self, ShareBatch, ShareInput, ShareQuery};
use crate::app::create_share;
use crate::app::decide_share::{self, Decision};
use crate::auth::{role, AuthUser, Authorized};
use crate::error::{AppResult, Problem};
use crate::http::json::ApiJson;
use crate::idempotency::{self, IdempotencyKey};
use crate::ids::PathId;
use crate::paging::{Page, PageParams};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create_shares)
        .service(list_shares)
        .service(get_share)
        .service(cancel_share)
        .service(approve_share)
        .service(reject_share);
}

/// Shares an approved, publishable story to one or more channels (one share per channel).
/// Needs the caller's consent and, per network, a connected account. The text gets the
/// tracked link and the org's disclosure; a claim in the caller's own words that the story
/// has not verified holds the share for review.
#[utoipa::path(
    tag = "shares",
    security(("bearer" = [])),
    request_body = ShareInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key and body returns the first answer")),
    responses(
        (status = 201, body = ShareBatch),
        (status = 403, body = Problem, description = "No active consent"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "The story is not publishable"),
        (status = 422, body = Problem),
        (status = 429, body = Problem, description = "A daily share cap is reached")
    )
)]
#[post("/shares")]
pub async fn create_shares(
    state: web::Data<AppState>,
    caller: AuthUser,
    key: IdempotencyKey,
    body: ApiJson<ShareInput>,
) -> AppResult<HttpResponse> {
    let input = body.0;
    let user = caller.id.clone();
    let fingerprint = idempotency::fingerprint("POST /shares", &input)?;
    let create = create_share::create(&state, caller, input)?;
    idempotency::once(&state, &user, key, fingerprint, StatusCode::CREATED, create).await
}

/// Ambassadors: their own shares. The comms team: the org's, filtered. Newest first.
#[utoipa::path(
    tag = "shares",
    security(("bearer" = [])),
    params(ShareQuery, PageParams),
    responses((status = 200, body = Page<ShareView>), (status = 422, body = Problem))
)]
#[get("/shares")]
pub async fn list_shares(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<ShareQuery>,
    page: web::Query<PageParams>,
) -> AppResult<web::Json<Page<ShareView>>> {
    Ok(web::Json(
        service::list(&state, caller, query.into_inner(), page.into_inner()).await?,
    ))
}

#[utoipa::path(
    tag = "shares",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = ShareView), (status = 404, body = Problem))
)]
#[get("/shares/{id}")]
pub async fn get_share(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: PathId,
) -> AppResult<web::Json<ShareView>> {
    Ok(web::Json(
        service::get(&state, caller, id.into_inner()).await?,
    ))
}

/// Cancels a share that has not gone out yet.
#[utoipa::path(
    tag = "shares",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = ShareView), (status = 404, body = Problem), (status = 409, body = Problem))
)]
#[post("/shares/{id}/cancel")]
pub async fn cancel_share(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: PathId,
) -> AppResult<web::Json<ShareView>> {
    Ok(web::Json(
        service::cancel(&state, caller, id.into_inner()).await?,
    ))
}

/// Lets a share held for review go out (moderators); the ambassador gets a mail.
#[utoipa::path(
    tag = "shares",
    security(("bearer" = ["moderator"])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = ShareView), (status = 404, body = Problem), (status = 409, body = Problem))
)]
#[post("/shares/{id}/approve")]
pub async fn approve_share(
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    id: PathId,
) -> AppResult<web::Json<ShareView>> {
    Ok(web::Json(
        decide_share::decide(&state, caller.user, id.into_inner(), Decision::Approve).await?,
    ))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectShare {
    /// Told to the ambassador.
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// Refuses a share held for review, with a reason mailed to the ambassador (moderators).
#[utoipa::path(
    tag = "shares",
    security(("bearer" = ["moderator"])),
    params(("id" = uuid::Uuid, Path)),
    request_body = RejectShare,
    responses((status = 200, body = ShareView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem))
)]
#[post("/shares/{id}/reject")]
pub async fn reject_share(
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    id: PathId,
    body: ApiJson<RejectShare>,
) -> AppResult<web::Json<ShareView>> {
    Ok(web::Json(
        decide_share::decide(
            &state,
            caller.user,
            id.into_inner(),
            Decision::Reject(body.0.reason),
        )
        .await?,
    ))
}
